"""The command line: batch input, JSON lines, exit codes, and no tracebacks for mistakes."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

from polypac.cli import main


def run(
    argv: list[str], capsys: pytest.CaptureFixture[str], stdin: str | None = None
) -> tuple[int, str, str]:
    if stdin is not None:
        sys.stdin = io.StringIO(stdin)
    try:
        code = main(argv)
    finally:
        sys.stdin = sys.__stdin__
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_purl_parse_prints_canonical_form(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["purl", "parse", "pkg:PyPI/Django_REST_framework@3.15.2"], capsys)
    assert (code, out) == (0, "pkg:pypi/django-rest-framework@3.15.2\n")


def test_bad_purl_is_a_message_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["purl", "parse", "pkg:npm/"], capsys)
    assert code == 2
    assert out == ""
    assert err.startswith("error: invalid purl: ")
    assert "Traceback" not in err


def test_json_batch_goes_on_past_a_bad_line(capsys: pytest.CaptureFixture[str]) -> None:
    lines = "pkg:npm/left-pad@1.3.0\nnot a purl\npkg:cargo/serde@1.0.0\n"
    code, out, _ = run(["purl", "parse", "--json", "-"], capsys, stdin=lines)
    objects = [json.loads(line) for line in out.splitlines()]
    assert code == 2
    assert [o.get("purl") for o in objects] == [
        "pkg:npm/left-pad@1.3.0",
        None,
        "pkg:cargo/serde@1.0.0",
    ]
    assert objects[1]["input"] == "not a purl"
    assert objects[1]["error"].startswith("invalid purl: ")


def test_purl_build_reads_json_objects(capsys: pytest.CaptureFixture[str]) -> None:
    obj = {"type": "maven", "namespace": "org.apache", "name": "commons", "version": "1.0"}
    code, out, _ = run(["purl", "build", "-"], capsys, stdin=json.dumps(obj) + "\n")
    assert (code, out) == (0, "pkg:maven/org.apache/commons@1.0\n")


def test_purl_build_from_options(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["purl", "build", "--type", "npm", "--namespace", "@babel", "--name", "core"]
    code, out, _ = run([*argv, "--qualifier", "b=2", "--qualifier", "a=1"], capsys)
    assert (code, out) == (0, "pkg:npm/%40babel/core?a=1&b=2\n")


def test_purl_build_rejects_unknown_components(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["purl", "build", "-"], capsys, stdin='{"type":"npm","name":"x","nam":1}\n')
    assert code == 2
    assert "unknown component(s): nam" in err


def test_version_compare_uses_the_ecosystem(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        run(["version", "compare", "-e", "deb", "1.0~rc1", "1.0"], capsys)[1] == "1.0~rc1 < 1.0\n"
    )
    assert run(["version", "compare", "-e", "pypi", "1.0", "1.0.0"], capsys)[1] == "1.0 = 1.0.0\n"


def test_version_satisfies_exit_code_says_the_answer(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["version", "satisfies", "-e", "npm", "1.9.0", "^1.2.3"], capsys)
    assert (code, out) == (0, "1.9.0 satisfies ^1.2.3\n")
    code, out, _ = run(["version", "satisfies", "-e", "npm", "2.0.0", "^1.2.3"], capsys)
    assert (code, out) == (1, "2.0.0 does not satisfy ^1.2.3\n")


def test_version_satisfies_reads_pairs_from_stdin(capsys: pytest.CaptureFixture[str]) -> None:
    stdin = "1.5.0 >=1.0.0 <2.0.0\n3.0.0 >=1.0.0 <2.0.0\n"
    code, out, _ = run(["version", "satisfies", "-e", "npm", "--json", "-"], capsys, stdin)
    assert code == 1
    assert [json.loads(line)["satisfies"] for line in out.splitlines()] == [True, False]


def test_version_to_vers(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["version", "to-vers", "-e", "npm", "^1.2.3"], capsys)
    assert (code, out) == (0, "vers:npm/>=1.2.3|<2.0.0\n")


def test_unknown_ecosystem_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["version", "compare", "-e", "nope", "1", "2"], capsys)
    assert code == 2
    assert err.startswith("error: unknown version scheme 'nope'; known: ")


def test_bad_version_points_at_the_character(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["version", "compare", "-e", "npm", "1.2.x3", "1.0.0"], capsys)
    assert code == 2
    assert err.startswith("error: invalid ")
    assert "^" in err


def test_module_entry_point_and_demo_run() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "polypac", "demo"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "pkg:pypi/django-rest-framework@3.15.2" in done.stdout
    assert "resolution: app 1.0, pysocks 1.7.1, requests 2.32.3, urllib3 2.2.2" in done.stdout
    assert "version solving failed." in done.stdout
    assert "Traceback" not in done.stderr
