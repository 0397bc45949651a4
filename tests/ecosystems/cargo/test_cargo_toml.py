"""read_cargo_toml against the dependencies ``cargo metadata`` reports for each manifest."""

from __future__ import annotations

import doctest
import json
from fnmatch import fnmatch
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polypac.ecosystems.cargo import cargo_toml
from polypac.ecosystems.cargo.cargo_toml import read_cargo_toml, workspace_members
from polypac.inventory.graph import LockfileError, Scope

FIXTURES = Path(__file__).parent / "fixtures" / "workspace"
MEMBERS = ["app/Cargo.toml", "crates/core/Cargo.toml", "crates/util/Cargo.toml"]


def _metadata() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / "cargo-metadata.json").read_text())
    return data


def _cargo_package(manifest: str) -> dict[str, Any]:
    metadata = _metadata()
    root = PurePosixPath(metadata["workspace_root"])
    for package in metadata["packages"]:
        if PurePosixPath(package["manifest_path"]) == root / manifest:
            found: dict[str, Any] = package
            return found
    raise AssertionError(f"cargo metadata has no package for {manifest}")


def _scope(dependency: dict[str, Any]) -> Scope:
    if dependency["kind"] == "dev":
        return Scope.DEV
    if dependency["optional"]:
        return Scope.OPTIONAL
    return Scope.BUILD if dependency["kind"] == "build" else Scope.RUNTIME


@pytest.mark.parametrize("manifest", MEMBERS)
def test_dependencies_match_cargo_metadata(manifest: str) -> None:
    result = read_cargo_toml((FIXTURES / manifest).read_text(), source=manifest)
    assert result.errors == []
    package = _cargo_package(manifest)
    expected = {(d["name"], _scope(d)) for d in package["dependencies"]}
    found = {
        (edge.child.split("?", 1)[0].removeprefix("pkg:cargo/"), edge.scope)
        for edge in result.graph.edges
    }
    assert found == expected
    assert all(edge.direct for edge in result.graph.edges)


@pytest.mark.parametrize("manifest", MEMBERS)
def test_root_is_the_package(manifest: str) -> None:
    result = read_cargo_toml((FIXTURES / manifest).read_text(), source=manifest)
    package = _cargo_package(manifest)
    [root] = result.graph.roots
    assert root.removeprefix("pkg:cargo/").split("@")[0] == package["name"]


@pytest.mark.parametrize("manifest", MEMBERS)
def test_edges_point_at_their_lines(manifest: str) -> None:
    text = (FIXTURES / manifest).read_text()
    lines = text.splitlines()
    renamed = {
        d["name"]: d["rename"] for d in _cargo_package(manifest)["dependencies"] if d["rename"]
    }
    for edge in read_cargo_toml(text, source=manifest).graph.edges:
        assert edge.declared_at is not None
        name = edge.child.split("?", 1)[0].removeprefix("pkg:cargo/")
        key = renamed.get(name, name)
        assert lines[edge.declared_at.line - 1].startswith(f"{key} ") or lines[
            edge.declared_at.line - 1
        ].startswith(f"{key}.")


def test_virtual_manifest_and_members() -> None:
    text = (FIXTURES / "Cargo.toml").read_text()
    result = read_cargo_toml(text, source="ws/Cargo.toml")
    assert result.errors == []
    assert result.graph.roots == {"pkg:generic/ws"}
    assert result.graph.edges == []
    metadata = _metadata()
    root = PurePosixPath(metadata["workspace_root"])
    by_id = {p["id"]: p for p in metadata["packages"]}
    globs = workspace_members(text)
    for member in metadata["workspace_members"]:
        folder = PurePosixPath(by_id[member]["manifest_path"]).parent.relative_to(root)
        assert any(fnmatch(str(folder), glob) for glob in globs), folder


def test_dotted_and_table_dependencies() -> None:
    text = (
        '[package]\nname = "p"\nversion = "1.0.0"\n\n[dependencies]\nserde.version = "1"\n'
        'serde.optional = true\n\n[dependencies.rand]\nversion = "0.8"\n\n'
        "[target.'cfg(unix)'.build-dependencies]\n"
        'cc = { git = "https://github.com/rust-lang/cc-rs", rev = "abc" }\n'
    )
    result = read_cargo_toml(text, source="Cargo.toml")
    assert result.errors == []
    assert [str(e) for e in result.graph.edges] == [
        "pkg:cargo/p@1.0.0 -> pkg:cargo/serde (optional, direct, Cargo.toml:6)",
        "pkg:cargo/p@1.0.0 -> pkg:cargo/rand (runtime, direct, Cargo.toml:9)",
        "pkg:cargo/p@1.0.0 -> pkg:cargo/cc?vcs_url=git%2Bhttps:%2F%2Fgithub.com%2Frust-lang"
        "%2Fcc-rs%40abc (build, direct, Cargo.toml:13)",
    ]


def test_bad_toml_reports_and_keeps_other_tables() -> None:
    text = (
        '[package]\nname = "p"\nversion = "1.0.0"\n\n[dependencies]\nserde = "1\n\n'
        '[dev-dependencies]\nitoa = "1"\n'
    )
    result = read_cargo_toml(text, source="p/Cargo.toml")
    [error] = result.errors
    assert str(error) == (
        "p/Cargo.toml:6: invalid Cargo.toml: illegal character '\\n'\n  serde = \"1\n            ^"
    )
    assert [str(e) for e in result.graph.edges] == [
        "pkg:cargo/p@1.0.0 -> pkg:cargo/itoa (dev, direct, p/Cargo.toml:9)"
    ]


def test_bad_dependency_spec() -> None:
    text = '[package]\nname = "p"\n\n[dependencies]\nserde = 1\nitoa = "1"\n'
    result = read_cargo_toml(text, source="Cargo.toml")
    assert [str(e) for e in result.errors] == [
        'Cargo.toml:5: invalid Cargo.toml: dependency "serde" must be a version string or a '
        "table, not 1\n  serde = 1"
    ]
    assert [e.child for e in result.graph.edges] == ["pkg:cargo/itoa"]


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_text_gives_only_lockfile_errors(text: str) -> None:
    result = read_cargo_toml(text, source="f/Cargo.toml")
    assert all(isinstance(error, LockfileError) for error in result.errors)
    workspace_members(text)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(MEMBERS), st.integers(min_value=0), st.lists(st.integers(0), max_size=4))
def test_mutated_manifests_give_only_lockfile_errors(
    manifest: str, cut: int, dropped: list[int]
) -> None:
    lines = (FIXTURES / manifest).read_text().splitlines(keepends=True)
    for index in dropped:
        if lines:
            del lines[index % len(lines)]
    text = "".join(lines)
    result = read_cargo_toml(text[: cut % (len(text) + 1)], source="f/Cargo.toml")
    assert all(isinstance(error, LockfileError) for error in result.errors)
    assert all(error.source == "f/Cargo.toml" for error in result.errors)


def test_doctests() -> None:
    assert doctest.testmod(cargo_toml).failed == 0
