"""``polypac resolve`` end to end, over recorded registries on 127.0.0.1."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from polypac.cli import main
from polypac.pac import parse_pac
from polypac.solve.extended import ExtendedFailure, solve_extended
from tests.conftest import REPO
from tests.ecosystems.npm._fake_registry import (
    RECORDED,
    RECORDED_DATE,
    packument,
    recorded_packuments,
)
from tests.ecosystems.npm._fake_registry import registry_server as npm_registry
from tests.ecosystems.python._fake_index import (
    json_page,
    json_reply,
    recorded_index,
    request_settings,
    sha256,
    uv_pins,
)
from tests.ecosystems.python.test_sdist import (
    PREPARE_BACKEND,
    _sdist_only_index,
    hooks_run,
    pkg_info,
    sdist,
)
from tests.net._server import FakeServer, Reply, serve


@pytest.fixture
def npm(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FakeServer]:
    """The recorded npm registry, configured as npm finds it; a fresh HTTP cache."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    with npm_registry(recorded_packuments()) as fake:
        monkeypatch.setenv("npm_config_registry", fake.base_url)
        yield fake


@pytest.fixture
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "app"
    folder.mkdir()
    shutil.copy(RECORDED / "package.json", folder / "package.json")
    return folder


def test_package_lock_is_the_one_npm_writes(npm: FakeServer, project: Path) -> None:
    lock = project / "package-lock.json"
    argv = ["resolve", str(project / "package.json"), "--output", str(lock)]
    assert main([*argv, "--exclude-newer", RECORDED_DATE]) == 0
    assert lock.read_text() == (RECORDED / "npm-package-lock.json").read_text()


def test_the_same_inputs_give_the_same_bytes(npm: FakeServer, project: Path) -> None:
    texts = []
    for name in ("one.pac", "two.pac"):
        out = project / name
        argv = ["resolve", str(project / "package.json"), "--output", str(out)]
        assert main([*argv, "--exclude-newer", RECORDED_DATE]) == 0
        texts.append(out.read_text())
    assert texts[0] == texts[1]


def test_a_pac_lock_solves_to_the_locked_tree(npm: FakeServer, project: Path) -> None:
    out = project / "lock.pac"
    argv = ["resolve", str(project / "package.json"), "--output", str(out)]
    assert main([*argv, "--exclude-newer", RECORDED_DATE]) == 0
    document = parse_pac(out.read_text(), source=str(out))
    answer = solve_extended(document.problem)
    assert not isinstance(answer, ExtendedFailure)
    chosen = {(p.name, str(p.version)) for p in answer.packages}
    locked = json.loads((RECORDED / "npm-package-lock.json").read_text())["packages"]
    expected = {
        (entry.get("name") or key.rpartition("node_modules/")[2], entry["version"])
        for key, entry in locked.items()
        if key
    }
    root = json.loads((RECORDED / "package.json").read_text())
    assert chosen == expected | {(root["name"], root.get("version", "0.0.0"))}


@pytest.mark.parametrize(
    ("name", "output", "words"),
    [
        ("package.json", "pylock.toml", "an npm project locks to package-lock.json or a .pac"),
        ("requirements.in", "package-lock.json", "a Python project locks to pylock.toml"),
        ("setup.cfg", "pylock.toml", "cannot tell what it is"),
    ],
)
def test_inputs_and_outputs_that_do_not_go_together(
    tmp_path: Path, name: str, output: str, words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / name
    source.write_text("{}" if name.endswith(".json") else "")
    assert main(["resolve", str(source), "--output", str(tmp_path / output)]) == 2
    assert words in capsys.readouterr().err


def test_a_bad_date_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "package.json"
    source.write_text("{}")
    assert main(["resolve", str(source), "--exclude-newer", "last week"]) == 2
    assert "--exclude-newer 'last week' is not an ISO 8601 date" in capsys.readouterr().err


@pytest.fixture
def pypi(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FakeServer]:
    """The recorded PyPI answers as the index pip is configured with; a fresh cache."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    with recorded_index() as fake:
        monkeypatch.setenv("PIP_INDEX_URL", fake.url("/simple"))
        monkeypatch.setenv("PIP_EXTRA_INDEX_URL", "")
        yield fake


@pytest.mark.parametrize("output", ["requirements.txt", "pylock.toml"])
def test_python_requirements_lock_to_what_uv_chose(
    pypi: FakeServer, tmp_path: Path, output: str
) -> None:
    settings = request_settings()
    source = tmp_path / "requirements.in"
    source.write_text("\n".join(settings["requirements"]) + "\n")
    lock = tmp_path / output
    argv = ["resolve", str(source), "--output", str(lock), "--exclude-newer"]
    argv += [settings["exclude_newer"], "--python-version", "3.12", "--platform", "linux"]
    assert main(argv) == 0
    text = lock.read_text()
    for name, version in uv_pins().items():
        if output == "requirements.txt":
            assert f"{name}=={version} \\" in text
        else:
            assert f'name = "{name}"\nversion = "{version}"' in text


def test_an_unsatisfiable_python_request_is_explained(
    pypi: FakeServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = request_settings()
    source = tmp_path / "requirements.in"
    source.write_text("\n".join(settings["unsatisfiable"][0]) + "\n")
    argv = ["resolve", str(source), "--exclude-newer", settings["exclude_newer"]]
    assert main([*argv, "--python-version", "3.12", "--platform", "linux"]) == 1
    assert "version solving failed" in capsys.readouterr().err


def test_an_output_that_cannot_be_written_is_a_clear_error(
    npm: FakeServer, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = project / "not-a-folder"
    blocker.write_text("")
    lock = blocker / "package-lock.json"
    argv = ["resolve", str(project / "package.json"), "--output", str(lock)]
    assert main([*argv, "--exclude-newer", RECORDED_DATE]) == 2
    assert f"error: cannot write {lock}: Not a directory" in capsys.readouterr().err


@pytest.mark.parametrize(
    "example", sorted((REPO / "examples" / "pac").glob("*.pac")), ids=lambda p: p.stem
)
def test_a_pac_problem_locks_to_a_pac_that_solves_the_same(example: Path, tmp_path: Path) -> None:
    first = solve_extended(parse_pac(example.read_text(), source=str(example)).problem)
    lock = tmp_path / "lock.pac"
    code = main(["resolve", str(example), "--output", str(lock)])
    if isinstance(first, ExtendedFailure):
        assert code == 1
        assert not lock.exists()
        return
    assert code == 0
    again = solve_extended(parse_pac(lock.read_text(), source=str(lock)).problem)
    assert not isinstance(again, ExtendedFailure)
    assert again.packages == first.packages


def test_native_addons_are_found_and_their_build_tools_planned(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if not list(Path("/var/lib/apt/lists").glob("*_Packages*")):
        if os.environ.get("CI"):
            pytest.fail("no apt lists on this machine", pytrace=False)
        pytest.skip("no apt lists on this machine")
    documents = {
        "addon": packument("addon", {"1.0.0": {"gypfile": True, "dependencies": {"plain": "^1"}}}),
        "plain": packument("plain", {"1.0.0": {}}),
        "scripted": packument("scripted", {"2.0.0": {"scripts": {"install": "node-gyp rebuild"}}}),
    }
    with npm_registry(documents) as fake:
        monkeypatch.setenv("npm_config_registry", fake.base_url)
        dependencies = {"addon": "^1.0.0", "scripted": "^2.0.0"}
        manifest = {"name": "app", "version": "1.0.0", "dependencies": dependencies}
        (tmp_path / "package.json").write_text(json.dumps(manifest))
        argv = ["resolve", str(tmp_path / "package.json"), "--system", "debian"]
        assert main(argv) == 0
    out = capsys.readouterr().out
    assert "packages that may build native code when installed: addon@1.0.0, scripted@2.0.0" in out
    assert "Debian packages to install" in out


@pytest.mark.parametrize(
    ("files", "argv", "words"),
    [
        (
            {"pyproject.toml": '[project]\nname = "x"\ndependencies = ["requests>>1"]\n'},
            ["pyproject.toml"],
            "invalid requirement 'requests>>1'",
        ),
        (
            {"requirements.in": "rich\n"},
            ["requirements.in", "--python-version", "banana"],
            "--python-version 'banana': give a Python 3 version such as 3.12",
        ),
        (
            {"problem.pac": "package a 1\n"},
            ["problem.pac", "--system", "debian", "--output", "lock.pac"],
            "--system debian plans the [external] needs of a Python project",
        ),
    ],
    ids=["bad-pep508", "bad-python-version", "system-needs-a-project"],
)
def test_usage_errors_come_before_any_work(
    tmp_path: Path,
    files: dict[str, str],
    argv: list[str],
    words: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    args = [str(tmp_path / a) if (tmp_path / a).exists() else a for a in argv]
    args = [str(tmp_path / a) if a.endswith(".txt") else a for a in args]
    assert main(["resolve", *args]) == 2
    assert words in capsys.readouterr().err
    assert not (tmp_path / "requirements.txt").exists()


def test_a_new_lock_gets_the_usual_permissions(npm: FakeServer, project: Path) -> None:
    umask = os.umask(0o022)
    try:
        lock = project / "package-lock.json"
        argv = ["resolve", str(project / "package.json"), "--output", str(lock)]
        assert main([*argv, "--exclude-newer", RECORDED_DATE]) == 0
    finally:
        os.umask(umask)
    assert lock.stat().st_mode & 0o777 == 0o644


def test_no_build_makes_an_sdist_needing_a_build_unavailable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    count = tmp_path / "hooks.log"
    info = pkg_info("lib", "1.0", metadata_version="2.1")
    lib = sdist("lib", "1.0", info=info, backend=PREPARE_BACKEND, count=count)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    source = tmp_path / "requirements.in"
    source.write_text("app\n")
    argv = ["resolve", str(source), "--python-version", "3.12", "--platform", "linux"]
    with serve() as fake:
        monkeypatch.setenv("PIP_INDEX_URL", _sdist_only_index(fake, lib))
        monkeypatch.setenv("PIP_EXTRA_INDEX_URL", "")
        assert main([*argv, "--no-build"]) == 1
        refused = capsys.readouterr()
        assert hooks_run(count) == []
        assert main(argv) == 0
        built = capsys.readouterr()
    assert "building sdists is switched off (--no-build)" in refused.err
    assert hooks_run(count) == ["prepare_metadata_for_build_wheel"]
    assert "lib==1.0" in built.out.split()


def test_system_debian_rules_out_a_release_whose_build_needs_cannot_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # native 2.0 (an sdist) needs a package no apt list has; 1.0 needs make (apt's lists here)
    def native(version: str, needs: str) -> bytes:
        project = (
            f'[project]\nname = "native"\nversion = "{version}"\n\n'
            f'[external]\nbuild-requires = ["{needs}"]\n'
        )
        return sdist("native", version, info=None, project=project)

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    source = tmp_path / "requirements.in"
    source.write_text("native\n")
    files = {
        "native-2.0.tar.gz": native("2.0", "pkg:deb/debian/no-such-package-anywhere"),
        "native-1.0.tar.gz": native("1.0", "pkg:deb/debian/make"),
    }
    with serve() as fake:
        entries = [
            {"filename": n, "url": f"/files/{n}", "hashes": {"sha256": sha256(c)}}
            for n, c in files.items()
        ]
        fake.scripts["/simple/native/"] = [json_reply(json_page(*entries))]
        for filename, content in files.items():
            fake.scripts[f"/files/{filename}"] = [Reply(200, content)]
        monkeypatch.setenv("PIP_INDEX_URL", fake.url("/simple"))
        monkeypatch.setenv("PIP_EXTRA_INDEX_URL", "")
        argv = ["resolve", str(source), "--system", "debian", "--python-version", "3.12"]
        assert main([*argv, "--platform", "linux"]) == 0
    shown = capsys.readouterr()
    assert "native==1.0" in shown.out.split()
    assert "native 1.0 is built from its sdist and needs: pkg:deb/debian/make" in shown.err
    assert "ruled out native 2.0: its [external] needs cannot be installed from Debian" in (
        shown.err
    )
