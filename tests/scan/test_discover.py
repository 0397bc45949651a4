"""Discovery across every format polypac reads, and a scan of all of them at once."""

from __future__ import annotations

import shutil
import sys
from importlib.metadata import distribution
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from polypac.inventory import LockfileError
from polypac.scan import FORMATS, FileFormat, discover, scan
from polypac.scan.discover import format_of

TESTS = Path(__file__).resolve().parents[1]
ECOSYSTEMS = TESTS / "ecosystems"

# (fixture, where it goes in the project)
FILES = [
    (ECOSYSTEMS / "debian" / "fixtures" / "dpkg" / "status", "image/var/lib/dpkg/status"),
    (ECOSYSTEMS / "nix" / "fixtures" / "app" / "flake.lock", "nix/flake.lock"),
    (ECOSYSTEMS / "guix" / "fixtures" / "describe" / "channels.scm", "guix/channels.scm"),
    (ECOSYSTEMS / "maven" / "fixtures" / "project" / "app" / "pom.xml", "java/pom.xml"),
    (
        ECOSYSTEMS / "maven" / "fixtures" / "gradle-docs" / "gradle.lockfile",
        "gradle/gradle.lockfile",
    ),
    (ECOSYSTEMS / "nuget" / "fixtures" / "app" / "packages.lock.json", "dotnet/packages.lock.json"),
    (ECOSYSTEMS / "composer" / "fixtures" / "app" / "composer.json", "php/composer.json"),
    (ECOSYSTEMS / "ruby" / "fixtures" / "app" / "Gemfile", "ruby/Gemfile"),
    (ECOSYSTEMS / "ruby" / "fixtures" / "app" / "Gemfile.lock", "ruby/Gemfile.lock"),
    (ECOSYSTEMS / "npm" / "fixtures" / "bun" / "bun.lock", "js/bun.lock"),
    (TESTS / "inventory" / "fixtures" / "npm-demo-app.cdx.json", "sboms/npm-demo-app.cdx.json"),
    (TESTS / "inventory" / "fixtures" / "npm-demo-app.spdx.json", "sboms/npm-demo-app.spdx.json"),
]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """Every format at once, and a virtual environment holding one real distribution."""
    for fixture, where in FILES:
        (tmp_path / where).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(fixture, tmp_path / where)
    env = tmp_path / "tools-env"
    site = env / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}"
    site = site / "site-packages"
    site.mkdir(parents=True)
    (env / "pyvenv.cfg").write_text("home = /usr/bin\ninclude-system-site-packages = false\n")
    click = distribution("click")
    source = Path(str(click.locate_file(""))) / f"click-{click.version}.dist-info"
    shutil.copytree(source, site / source.name)
    (env / "lib" / "stray" / "package.json").parent.mkdir(parents=True)
    (env / "lib" / "stray" / "package.json").write_text("{}")  # inside the environment
    return tmp_path


def test_every_format_is_found_and_manifests_beside_lockfiles_are_not(project: Path) -> None:
    found = {path.relative_to(project).as_posix(): f.ecosystem for path, f in discover(project)}
    expected = {where: None for _, where in FILES if where != "ruby/Gemfile"}
    assert set(found) == set(expected) | {"tools-env/pyvenv.cfg"}
    assert found["image/var/lib/dpkg/status"] == "deb"
    assert found["tools-env/pyvenv.cfg"] == "pypi"
    assert found["sboms/npm-demo-app.spdx.json"] == "sbom"


def test_a_file_called_status_elsewhere_is_not_dpkg(tmp_path: Path) -> None:
    (tmp_path / "status").write_text("Package: x\n")
    assert list(discover(tmp_path)) == []


def test_scanning_everything_reads_every_ecosystem(project: Path) -> None:
    result = scan(project)
    assert [str(e) for e in result.errors] == []
    for path, found in discover(project):
        if found.reads_folder:
            continue
        alone = found.reader(path.read_text(), source=path.name).graph
        packages = set(alone.nodes) - alone.roots  # roots are named after the folder
        assert packages, path.name
        assert packages <= set(result.graph.nodes), path.name
    types = {node.purl.type for node in result.graph.nodes.values()}
    assert {"deb", "maven", "nuget", "composer", "gem", "npm", "pypi", "generic"} <= types
    click = distribution("click")
    assert f"pkg:pypi/click@{click.version}" in result.graph.nodes


def test_naming_an_environment_or_its_site_packages_reads_it(project: Path) -> None:
    env = project / "tools-env"
    site = next(env.glob("lib/python*/site-packages"))
    for root in (env, site):
        result = scan(root)
        assert result.complete
        assert {n.purl.name for n in result.graph.nodes.values() if n.purl.type == "pypi"} == {
            "click"
        }


_TEXT_FORMATS = [f for f in FORMATS if not f.reads_folder]


@pytest.mark.parametrize("file_format", _TEXT_FORMATS, ids=[f.pattern for f in _TEXT_FORMATS])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(max_size=400))
def test_every_reader_gives_only_typed_errors_on_any_text(
    file_format: FileFormat, text: str
) -> None:
    read = file_format.reader(text, source=f"project/{file_format.pattern}")
    assert all(isinstance(error, LockfileError) for error in read.errors)
    for error in read.errors:
        assert error.source == f"project/{file_format.pattern}"


@pytest.mark.parametrize("fixture", [f for f, _ in FILES], ids=[w for _, w in FILES])
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_every_reader_survives_its_fixture_cut_anywhere(fixture: Path, data: st.DataObject) -> None:
    found = format_of(fixture.name, fixture.parent.name)
    assert found is not None
    text = fixture.read_text()
    cut = data.draw(st.integers(0, len(text)))
    read = found.reader(text[:cut], source=fixture.name)
    assert all(isinstance(error, LockfileError) for error in read.errors)
