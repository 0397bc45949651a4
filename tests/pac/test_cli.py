"""``polypac pac``: check, fmt, reduce and solve, their output and exit codes."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from polypac.calculus.reduce import reduce
from polypac.cli import cli, main
from polypac.cli._pac import pac
from polypac.pac import core_as_extended, parse_pac


def test_pac_is_a_command_of_polypac() -> None:
    assert cli.commands["pac"] is pac


EXAMPLES = Path(__file__).parents[2] / "examples" / "pac"

MESSY = """\
# the header

scheme npm
root app 1.0.0
package b 1.0.0, 2.0.0   # two versions
package app 1.0.0
    depends b ^1.0.0,   c   # why c
package c 1.0.0
"""


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def messy(tmp_path: Path) -> Path:
    path = tmp_path / "messy.pac"
    path.write_text(MESSY, encoding="utf-8")
    return path


def test_check_ok(messy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["pac", "check", str(messy)], capsys)
    assert (code, out) == (0, f"{messy}: ok (root app 1.0.0, 3 names, 4 versions)\n")


def test_check_error_is_located_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.pac"
    path.write_text("scheme npm\nroot app 1.0.0\npackage app 1.0.0\n  depends b >=a\n")
    code, out, err = run(["pac", "check", str(path)], capsys)
    assert code == 2
    assert out == ""
    assert err.startswith(f"error: {path}:4: invalid Pac: not a valid npm range")
    assert err.splitlines()[1:] == ["    depends b >=a", "              ^"]


def test_check_json(messy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["pac", "check", "--json", str(messy)], capsys)
    assert code == 0
    assert json.loads(out) == {
        "file": str(messy),
        "valid": True,
        "root": "app 1.0.0",
        "names": 3,
        "versions": 4,
    }


def test_fmt_prints_canonical_text_with_comments(
    messy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["pac", "fmt", str(messy)], capsys)
    assert code == 0
    assert out == (
        "# the header\n"
        "\n"
        "scheme npm\n"
        "root app 1.0.0\n"
        "\n"
        "package app 1.0.0\n"
        "  depends b >=1.0.0 <2.0.0  # why c\n"
        "  depends c\n"
        "\n"
        "package b 1.0.0, 2.0.0  # two versions\n"
        "package c 1.0.0\n"
    )
    assert parse_pac(out).problem == parse_pac(MESSY).problem


def test_fmt_check_and_write(messy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["pac", "fmt", "--check", str(messy)], capsys) == (
        1,
        "",
        f"would reformat {messy}\n",
    )
    before = messy.stat().st_mode
    assert run(["pac", "fmt", "--write", str(messy)], capsys) == (0, "", f"reformatted {messy}\n")
    assert messy.stat().st_mode == before
    assert os.listdir(messy.parent) == ["messy.pac"]  # no temporary file left behind
    assert run(["pac", "fmt", "--check", str(messy)], capsys) == (0, "", "")
    assert run(["pac", "fmt", "--write", str(messy)], capsys) == (0, "", "")


def test_fmt_refuses_write_with_check(messy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["pac", "fmt", "--write", "--check", str(messy)], capsys)
    assert code == 2
    assert "give --write or --check, not both" in err


def test_reduce_prints_the_core_in_pac(messy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["pac", "reduce", str(EXAMPLES / "debian-mail.pac")], capsys)
    assert code == 0
    document = parse_pac((EXAMPLES / "debian-mail.pac").read_text(encoding="utf-8"))
    assert parse_pac(out).problem == core_as_extended(reduce(document.problem).problem)
    assert "scheme ordinal for " in out


def test_solve_prints_the_resolution(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["pac", "solve", str(EXAMPLES / "debian-mail.pac")], capsys)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "mailserver 1.0-1 resolves to 4 packages:"
    assert "  mailserver 1.0-1" in lines
    assert not any("sendmail" in line for line in lines)


def test_solve_json_names_features_and_links(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["pac", "solve", "--json", str(EXAMPLES / "cargo-features.pac")], capsys)
    data = json.loads(out)
    assert code == 0
    assert data["satisfiable"] is True
    serde = next(p for p in data["packages"] if p["name"] == "serde")
    assert "derive" in serde["features"]
    assert {"dependent": {"name": "app", "version": "0.1.0"}, "target": serde} in [
        {
            "dependent": link["dependent"],
            "target": {**link["target"], "features": serde["features"]},
        }
        for link in data["links"]
    ]


def test_unsatisfiable_explains_and_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["pac", "solve", str(EXAMPLES / "unsatisfiable.pac")], capsys)
    assert code == 1
    assert out.startswith("app 1.0.0 has no resolution:\n")
    assert out.rstrip().endswith("version solving failed.")


def test_unsatisfiable_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["pac", "solve", "--json", str(EXAMPLES / "unsatisfiable.pac")], capsys)
    data = json.loads(out)
    assert (code, data["satisfiable"]) == (1, False)
    assert "version solving failed" in data["explanation"]


def test_conflict_explanation_names_synthetic_packages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "conflict.pac"
    path.write_text(
        "scheme ordinal\nroot app 1\npackage app 1\n  depends a, not b\n"
        "package a 1\n  depends b\npackage b 1\n"
    )
    code, out, _ = run(["pac", "solve", str(path)], capsys)
    assert code == 1
    assert "where:\n" in out


def test_not_utf8_is_a_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "latin1.pac"
    path.write_bytes(b"root caf\xe9 1\n")
    code, _, err = run(["pac", "check", str(path)], capsys)
    assert code == 2
    assert err.startswith(f"error: {path}: invalid Pac: not UTF-8 text (byte 8 is 0xe9)")


def test_missing_file_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["pac", "check", str(tmp_path / "nope.pac")], capsys)
    assert code == 2
    assert "does not exist" in err
    assert "Traceback" not in err


def test_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import io
    import sys

    fake = io.TextIOWrapper(io.BytesIO(MESSY.encode()), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", fake)
    code, out, _ = run(["pac", "fmt", "-"], capsys)
    assert code == 0
    assert out.startswith("# the header\n\nscheme npm\n")
