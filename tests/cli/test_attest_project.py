"""``polypac attest verify TARGETS...`` and ``attest show PURL`` over recorded registry
responses (the fake registry of tests/attest/_recorded.py)."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from polypac.attest.fetch import Endpoints
from polypac.attest.pins import BuildIdentity, PinStore, package_key
from polypac.cli import main
from polypac.purl import parse_purl
from tests.attest._recorded import ALL_PURLS, PYPI_PURL, Registry, json_reply, recorded_scripts
from tests.net._server import serve


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Registry]:
    """The recorded registries, configured as the CLI finds them; a fresh cache."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    with serve() as server:
        server.scripts.update(recorded_scripts(server.base_url))
        recorded = Registry(server)
        monkeypatch.setattr(Endpoints, "configured", classmethod(lambda cls: recorded.endpoints))
        yield recorded


def _lines(out: str) -> dict[str, dict[str, object]]:
    rows = [json.loads(line) for line in out.splitlines() if line.strip()]
    return {str(row["purl"]): row for row in rows}


def test_every_recorded_package_verifies(
    registry: Registry, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["attest", "verify", *ALL_PURLS, "--json"]) == 0
    rows = _lines(capsys.readouterr().out)
    assert set(rows) == {parse_purl(p).to_string() for p in ALL_PURLS}
    assert {row["status"] for row in rows.values()} == {"verified"}
    pypi = rows[PYPI_PURL]
    assert pypi["source_repository"] == "https://github.com/trailofbits/pypi-attestations"


def test_a_project_folder_is_read_for_its_packages(
    registry: Registry, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "app"
    project.mkdir()
    (project / "requirements.txt").write_text("pypi-attestations==0.0.19\n")
    assert main(["attest", "verify", str(project), "--json"]) == 0
    assert list(_lines(capsys.readouterr().out)) == [PYPI_PURL]


def test_missing_provenance_fails_only_when_required(
    registry: Registry, capsys: pytest.CaptureFixture[str]
) -> None:
    nothing = "pkg:npm/left-pad@1.3.0"  # published, but no attestations (404 for them)
    integrity = "sha512-" + base64.b64encode(hashlib.sha512(b"left-pad").digest()).decode()
    dist = {"integrity": integrity, "tarball": f"{registry.server.base_url}/left-pad.tgz"}
    version = {"name": "left-pad", "version": "1.3.0", "dist": dist}
    registry.server.scripts["/npm/left-pad"] = json_reply(
        {"name": "left-pad", "versions": {"1.3.0": version}}
    )
    assert main(["attest", "verify", nothing, "--json"]) == 0
    assert _lines(capsys.readouterr().out)[nothing]["status"] == "missing"
    assert main(["attest", "verify", nothing, "--require-provenance"]) == 1
    assert f"missing: {nothing}: " in capsys.readouterr().err


def test_a_build_by_another_repository_is_a_provenance_change(
    registry: Registry, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pins = tmp_path / "pins.sqlite3"
    other = BuildIdentity("https://github.com/someone/else", ".github/workflows/release.yml")
    store = PinStore(pins)
    assert store.check(package_key(parse_purl(PYPI_PURL)), "0.0.18", other) is None
    assert main(["attest", "verify", PYPI_PURL, "--pins", str(pins)]) == 1
    captured = capsys.readouterr()
    assert "changed" in captured.out
    assert "someone/else" in captured.err


def test_show_prints_the_whole_identity(
    registry: Registry, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["attest", "show", PYPI_PURL, "--json"]) == 0
    [row] = _lines(capsys.readouterr().out).values()
    assert row["status"] == "verified"
    identity = row["identity"]
    assert isinstance(identity, dict)
    assert identity["source_repository"] == "https://github.com/trailofbits/pypi-attestations"


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["attest", "verify"], "nothing to verify"),
        (["attest", "verify", PYPI_PURL, "--bundle", "x.json"], "not both"),
        (["attest", "verify", "--bundle", "x.json", "--offline"], "go with TARGETS"),
        (["attest", "verify", "no/such/folder"], "no such file or folder"),
        (["attest", "show"], "give one PURL or --bundle FILE"),
    ],
)
def test_usage_errors(argv: list[str], words: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert words in capsys.readouterr().err


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda d: d, "no gem, maven, npm, pypi package with a version found here"),
        (
            lambda d: _write(d / "package-lock.json", '{"lockfileVersion": 3, "packages": {'),
            "cannot be read whole: ",
        ),
    ],
    ids=["nothing-to-verify", "broken-lockfile"],
)
def test_checking_nothing_does_not_pass(
    registry: Registry, tmp_path: Path, make: Any, words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    target = make(tmp_path)
    assert main(["attest", "verify", str(target)]) == 2
    assert words in capsys.readouterr().err


def test_a_purl_without_version_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["attest", "verify", "pkg:npm/left-pad"]) == 2
    assert "a PURL to verify needs a version" in capsys.readouterr().err


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path
