"""The scan job and ``polypac scan``: discovery, merging, and bad files that do not stop it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from polypac.cli import main
from polypac.ecosystems.npm import read_package_lock
from polypac.ecosystems.python import read_uv_lock
from polypac.scan import discover, scan
from tests.vuln.test_osv_api import FakeOsv

FIXTURES = Path(__file__).resolve().parents[1] / "ecosystems"
UV = FIXTURES / "python" / "fixtures" / "uv"
NPM = FIXTURES / "npm" / "fixtures" / "demo-app"
CARGO_LOCK = FIXTURES / "cargo" / "fixtures" / "workspace" / "Cargo.lock"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project mixing Python, JavaScript and Rust, with a node_modules folder to skip."""
    (tmp_path / "api").mkdir()
    shutil.copy(UV / "uv.lock", tmp_path / "api" / "uv.lock")
    shutil.copy(UV / "pyproject.toml", tmp_path / "api" / "pyproject.toml")
    (tmp_path / "web").mkdir()
    shutil.copy(NPM / "package-lock.v3.json", tmp_path / "web" / "package-lock.json")
    shutil.copy(NPM / "package.json", tmp_path / "web" / "package.json")
    (tmp_path / "web" / "node_modules" / "x").mkdir(parents=True)
    (tmp_path / "web" / "node_modules" / "x" / "package.json").write_text("{}")
    (tmp_path / "core").mkdir()
    shutil.copy(CARGO_LOCK, tmp_path / "core" / "Cargo.lock")
    return tmp_path


def test_discovery_prefers_lockfiles_and_skips_installed_trees(project: Path) -> None:
    found = [str(path.relative_to(project)) for path, _ in discover(project)]
    assert found == ["api/uv.lock", "core/Cargo.lock", "web/package-lock.json"]


def test_scan_merges_every_lockfile(project: Path) -> None:
    result = scan(project)
    assert result.complete
    uv = read_uv_lock((UV / "uv.lock").read_text(), source="api/uv.lock").graph
    npm = read_package_lock(
        (NPM / "package-lock.v3.json").read_text(), source="web/package-lock.json"
    ).graph
    assert set(uv.nodes) | set(npm.nodes) <= set(result.graph.nodes)
    types = {node.purl.type for node in result.graph.nodes.values()}
    assert {"pypi", "npm", "cargo"} <= types
    assert any(str(e.declared_at).startswith("web/package-lock.json:") for e in result.graph.edges)


def test_a_broken_lockfile_is_listed_and_the_rest_is_read(project: Path) -> None:
    lock = project / "web" / "package-lock.json"
    lock.write_text(lock.read_text()[:500])  # truncated
    result = scan(project)
    assert not result.complete
    assert [e.source for e in result.errors] == ["web/package-lock.json"]
    assert all(e.line for e in result.errors)
    assert {"pypi", "cargo"} <= {node.purl.type for node in result.graph.nodes.values()}


def test_cli_writes_json_and_says_when_a_file_was_unreadable(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = project / "graph.json"
    assert main(["scan", str(project), "--format", "json", "--output", str(out)]) == 0
    data = json.loads(out.read_text())
    assert len(data["files"]) == 3
    assert data["errors"] == []
    assert any(p["purl"].startswith("pkg:cargo/") for p in data["packages"])
    (project / "core" / "Cargo.lock").write_text(
        'version = 3\n[[package]]\nname = "a"\nversion =\n'
    )
    assert main(["scan", str(project)]) == 2
    err = capsys.readouterr().err
    assert "core/Cargo.lock:" in err
    assert list(project.glob(".graph.json.*")) == []


def test_cli_writes_valid_cyclonedx_and_spdx(project: Path) -> None:
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator
    from spdx_tools.spdx.parser.json import json_parser
    from spdx_tools.spdx.validation.document_validator import validate_full_spdx_document

    bom = project / "bom.cdx.json"
    assert main(["scan", str(project), "--format", "cyclonedx", "--output", str(bom)]) == 0
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(bom.read_text()) is None
    purls = {c.get("purl") for c in json.loads(bom.read_text())["components"]}
    assert any(p and p.startswith("pkg:cargo/") for p in purls)

    sbom = project / "bom.spdx.json"
    assert main(["scan", str(project), "--format", "spdx", "--output", str(sbom)]) == 0
    assert validate_full_spdx_document(json_parser.parse_from_file(str(sbom))) == []


def test_scan_matches_imported_advisories_and_fails_on_request(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.conftest import anchor

    store = tmp_path / "vulns.sqlite3"
    advisories = anchor("osv", "pypa", "vulns", "requests")
    assert main(["vuln", "import", "--store", str(store), str(advisories)]) == 0
    assert capsys.readouterr().out.startswith(f"{len(list(advisories.iterdir()))} records imported")
    project = tmp_path / "app"
    project.mkdir()
    (project / "requirements.txt").write_text("requests==2.19.0\n")
    argv = ["scan", str(project), "--store", str(store), "--format", "json"]
    assert main(argv) == 0
    found = json.loads(capsys.readouterr().out)["vulnerabilities"]
    assert {"PYSEC-2018-28", "PYSEC-2023-74"} <= {v["id"] for v in found}
    assert {v["purl"] for v in found} == {"pkg:pypi/requests@2.19.0"}
    assert main([*argv, "--fail-on", "any"]) == 1
    assert main(["vuln", "match", "--store", str(store), "pkg:pypi/requests@2.32.3"]) == 0


def test_scan_without_vulnerability_data_says_how_to_get_it(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["scan", str(project), "--store", str(tmp_path / "none.sqlite3")]) == 0
    assert "hint: load OSV records with `polypac vuln import PATH...`" in capsys.readouterr().err


def test_progress_is_told_every_file_with_counts(project: Path) -> None:
    seen: list[tuple[str, int, int]] = []
    scan(project, progress=lambda path, done, total: seen.append((path.name, done, total)))
    assert seen == [("uv.lock", 0, 3), ("Cargo.lock", 1, 3), ("package-lock.json", 2, 3)]


def test_scan_writes_openvex_statements_for_findings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.conftest import anchor
    from tests.sinks.test_openvex import _check_openvex

    store = tmp_path / "vulns.sqlite3"
    assert main(["vuln", "import", "--store", str(store), str(anchor("osv", "pypa"))]) == 0
    project = tmp_path / "app"
    project.mkdir()
    (project / "requirements.txt").write_text("requests==2.19.0\nurllib3==1.26.4\n")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    capsys.readouterr()
    argv = ["scan", str(project), "--store", str(store), "--format"]
    assert main([*argv, "openvex"]) == 0
    first = capsys.readouterr().out
    document = json.loads(first)
    _check_openvex(document)
    assert document["timestamp"] == "2026-01-01T00:00:00Z"
    assert main([*argv, "json"]) == 0
    found = json.loads(capsys.readouterr().out)["vulnerabilities"]
    statements = {
        (s["vulnerability"]["name"], s["products"][0]["@id"]) for s in document["statements"]
    }
    assert statements == {(v["id"], v["purl"]) for v in found}
    assert len(statements) > 2
    requests = next(
        s for s in document["statements"] if s["vulnerability"]["name"] == "PYSEC-2018-28"
    )
    assert requests["status"] == "affected"
    assert requests["action_statement"].startswith("Update to a fixed version: 2.20.0")
    assert main([*argv, "openvex"]) == 0
    assert capsys.readouterr().out == first  # the same scan, the same document


def test_online_scan_asks_the_osv_api_and_finds_what_the_store_finds(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    fake: FakeOsv,
) -> None:
    from tests.conftest import anchor

    project = tmp_path / "app"
    project.mkdir()
    (project / "requirements.txt").write_text("requests==2.19.0\njinja2==2.4.1\n")
    store = tmp_path / "vulns.sqlite3"
    assert main(["vuln", "import", "--store", str(store), str(anchor("osv", "pypa"))]) == 0
    capsys.readouterr()
    assert main(["scan", str(project), "--store", str(store), "--format", "json"]) == 0
    offline = json.loads(capsys.readouterr().out)["vulnerabilities"]
    assert len(offline) > 3
    monkeypatch.setenv("POLYPAC_OSV_URL", fake.url)
    assert main(["scan", str(project), "--online", "--format", "json"]) == 0
    online = json.loads(capsys.readouterr().out)["vulnerabilities"]
    assert online == offline
    assert fake.count("querybatch") == 1
    monkeypatch.setenv("POLYPAC_OSV_URL", fake.url + "/broken")
    assert main(["scan", str(project), "--online"]) == 2
    assert f"OSV API {fake.url}/broken/v1/querybatch" in capsys.readouterr().err


def test_fail_on_uses_the_cvss_rating_where_the_record_has_no_word(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.conftest import anchor

    store = tmp_path / "vulns.sqlite3"
    assert main(["vuln", "import", "--store", str(store), str(anchor("osv", "pypa"))]) == 0
    project = tmp_path / "app"
    project.mkdir()
    (project / "requirements.txt").write_text("urllib3==1.24.1\n")
    capsys.readouterr()
    argv = ["scan", str(project), "--store", str(store)]
    assert main([*argv, "--format", "json"]) == 0
    found = json.loads(capsys.readouterr().out)["vulnerabilities"]
    levels = ["low", "medium", "high", "critical"]
    rated = [v["severity"] for v in found if v["severity"] is not None]
    assert rated, "the PyPA records of urllib3 carry CVSS vectors"
    worst = max(rated, key=levels.index)
    assert main([*argv, "--format", "json", "--fail-on", worst]) == 1
    if worst != "critical":
        above = levels[levels.index(worst) + 1]
        assert main([*argv, "--format", "json", "--fail-on", above]) == 0


def test_scan_output_that_cannot_be_written(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = project / "api" / "uv.lock" / "graph.json"  # a file stands where a folder should
    assert main(["scan", str(project), "--format", "json", "--output", str(target)]) == 2
    assert f"error: cannot write {target}: Not a directory" in capsys.readouterr().err


def test_a_requirements_file_does_not_hide_the_project(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "app"\nversion = "1.0"\ndependencies = ["flask>=2"]\n'
    )
    (tmp_path / "requirements-docs.txt").write_text("sphinx==7.2.6\n")
    names = {node.purl.name for node in scan(tmp_path).graph.nodes.values()}
    assert {"flask", "sphinx"} <= names


def test_scanning_nothing_is_said(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    unknown = tmp_path / "foo.lock"
    unknown.write_text("")
    assert main(["scan", str(unknown)]) == 2
    assert f"error: polypac does not read {unknown}" in capsys.readouterr().err
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["scan", str(empty)]) == 0
    assert f"note: no manifest or lockfile found under {empty}" in capsys.readouterr().err


def test_fail_on_needs_data_and_online_excludes_store(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    none = tmp_path / "none.sqlite3"
    assert main(["scan", str(project), "--store", str(none), "--fail-on", "high"]) == 2
    assert "error: --fail-on needs vulnerability data" in capsys.readouterr().err
    assert main(["scan", str(project), "--store", str(none), "--online"]) == 2
    assert "error: --store and --online exclude each other" in capsys.readouterr().err
