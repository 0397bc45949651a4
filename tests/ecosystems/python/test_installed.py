"""Installed environments: the project's own .venv against importlib.metadata, small
site-packages folders made here for extras, egg-info and bad metadata, and fuzzing."""

from __future__ import annotations

import importlib.metadata
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from polypac.ecosystems.python.installed import find_site_packages, read_environment
from polypac.inventory.graph import LockfileError, Scope
from polypac.purl import parse_purl

VENV = Path(sys.prefix)
SITE = find_site_packages(VENV) if Path(sys.base_prefix) != VENV else []
needs_venv = pytest.mark.skipif(not SITE, reason="the tests do not run in a virtual environment")


def _pairs(keys: object) -> set[tuple[str, str]]:
    assert isinstance(keys, (set, dict))
    found: set[tuple[str, str]] = set()
    for key in keys:
        purl = parse_purl(key)
        if purl.type == "pypi":
            found.add((canonicalize_name(purl.name), purl.version or ""))
    return found


@needs_venv
def test_the_project_venv_matches_importlib_metadata() -> None:
    expected = {
        (canonicalize_name(d.metadata["Name"]), d.version)
        for d in importlib.metadata.distributions(path=[str(p) for p in SITE])
    }
    result = read_environment(VENV, source="venv")
    assert result.errors == []
    assert result.graph.roots == {f"pkg:generic/{VENV.name}"}
    assert _pairs(result.graph.nodes) == expected


@needs_venv
def test_the_project_venv_edges_follow_requires_dist() -> None:
    result = read_environment(VENV, source="venv")
    requires = {
        (canonicalize_name(d.metadata["Name"]), d.version): {
            canonicalize_name(Requirement(r).name) for r in d.requires or []
        }
        for d in importlib.metadata.distributions(path=[str(p) for p in SITE])
    }
    transitive = [e for e in result.graph.edges if not e.direct]
    assert transitive
    for edge in transitive:
        parent = parse_purl(edge.parent)
        parent_key = (canonicalize_name(parent.name), parent.version or "")
        assert canonicalize_name(parse_purl(edge.child).name) in requires[parent_key], edge
    site_packages_venv = read_environment(SITE[0], source="site")
    assert _pairs(site_packages_venv.graph.nodes) == _pairs(result.graph.nodes)
    assert site_packages_venv.graph.roots == result.graph.roots


def _dist(site: Path, name: str, version: str, *lines: str, requested: bool = False) -> Path:
    folder = site / f"{name}-{version}.dist-info"
    folder.mkdir(parents=True)
    header = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}", *lines]
    (folder / "METADATA").write_text("\n".join(header) + "\n\nA description.\n", encoding="utf-8")
    if requested:
        (folder / "REQUESTED").write_text("", encoding="utf-8")
    return folder


def test_extras_count_only_when_asked(tmp_path: Path) -> None:
    site = tmp_path / "site-packages"
    _dist(site, "app", "1.0", "Requires-Dist: lib[fast]>=1", requested=True)
    _dist(
        site,
        "lib",
        "2.0",
        "Requires-Dist: speed; extra == 'fast'",
        "Requires-Dist: slow; extra == 'slow'",
        "Requires-Dist: never; python_version < '3'",
    )
    for name in ("speed", "slow", "never"):
        _dist(site, name, "1.0")
    result = read_environment(site, source="env")
    assert result.errors == []
    root = "pkg:generic/site-packages"
    assert sorted(str(e).replace(".dist-info/METADATA", "") for e in result.graph.edges) == [
        f"{root} -> pkg:pypi/app@1.0 (runtime, direct, env/app-1.0:1)",
        f"{root} -> pkg:pypi/never@1.0 (runtime, direct, env/never-1.0:1)",
        f"{root} -> pkg:pypi/slow@1.0 (runtime, direct, env/slow-1.0:1)",
        "pkg:pypi/app@1.0 -> pkg:pypi/lib@2.0 (runtime, transitive, env/app-1.0:4)",
        "pkg:pypi/lib@2.0 -> pkg:pypi/speed@1.0 (optional, transitive, env/lib-2.0:4)",
    ]


def test_venv_folder_and_egg_info(tmp_path: Path) -> None:
    venv = tmp_path / "myenv"
    site = venv / "lib" / "python3.11" / "site-packages"
    (venv / "pyvenv.cfg").parent.mkdir(parents=True)
    (venv / "pyvenv.cfg").write_text("version = 3.11\n", encoding="utf-8")
    egg = site / "old.egg-info"
    egg.mkdir(parents=True)
    (egg / "PKG-INFO").write_text("Metadata-Version: 1.1\nName: Old_Pkg\nVersion: 0.9\n")
    (egg / "requires.txt").write_text(
        "dep>=1\n\n[extra]\noptional-thing\n\n[:sys_platform == 'nope']\nnone\n"
    )
    _dist(site, "dep", "1.5")
    _dist(site, "optional-thing", "1.0")
    result = read_environment(venv, source="myenv")
    assert result.errors == []
    assert result.graph.roots == {"pkg:generic/myenv"}
    edges = {(e.parent, e.child, e.scope) for e in result.graph.edges}
    assert ("pkg:pypi/old-pkg@0.9", "pkg:pypi/dep@1.5", Scope.RUNTIME) in edges
    assert not any(
        child == "pkg:pypi/optional-thing@1.0" and parent != "pkg:generic/myenv"
        for parent, child, _ in edges
    )


@pytest.mark.parametrize(
    ("metadata", "message"),
    [
        (
            "Metadata-Version: 2.1\nName: x\nnot a header\nVersion: 1\n",
            "env/x-1.dist-info/METADATA:3: invalid core metadata: expected 'Field: value', not",
        ),
        (
            "Metadata-Version: 2.1\nName: x\n",
            "env/x-1.dist-info/METADATA:1: invalid core metadata: no Version field",
        ),
        (
            "Metadata-Version: 2.1\nName: x\nVersion: 1\nRequires-Dist: y >>= 2\n",
            "env/x-1.dist-info/METADATA:4: invalid core metadata: invalid Requires-Dist 'y >>= 2'",
        ),
    ],
    ids=["not-a-header", "no-version", "bad-requirement"],
)
def test_malformed_metadata_names_file_and_line(
    tmp_path: Path, metadata: str, message: str
) -> None:
    folder = tmp_path / "x-1.dist-info"
    folder.mkdir()
    (folder / "METADATA").write_text(metadata, encoding="utf-8")
    _dist(tmp_path, "fine", "1.0")
    result = read_environment(tmp_path, source="env")
    assert len(result.errors) == 1
    assert str(result.errors[0]).startswith(message)
    assert "pkg:pypi/fine@1.0" in result.graph.nodes


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=300))
def test_any_metadata_gives_only_lockfile_errors(tmp_path: Path, text: str) -> None:
    folder = tmp_path / "fuzz-1.dist-info"
    folder.mkdir(exist_ok=True)
    (folder / "METADATA").write_text(text, encoding="utf-8")
    result = read_environment(tmp_path, source="env")
    assert all(isinstance(error, LockfileError) for error in result.errors)
    assert result.graph.roots
