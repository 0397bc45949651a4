"""read_cargo_lock against the lock files cargo wrote and what ``cargo metadata`` resolved."""

from __future__ import annotations

import doctest
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polypac.ecosystems.cargo import cargo_lock
from polypac.ecosystems.cargo.cargo_lock import cargo_purl, read_cargo_lock
from polypac.inventory.graph import LockfileError, ReadResult

FIXTURES = Path(__file__).parent / "fixtures" / "workspace"
LOCKS = ["Cargo.lock", "Cargo.v3.lock", "Cargo.v2.lock", "Cargo.v1.lock"]


def _read(name: str) -> tuple[str, ReadResult]:
    text = (FIXTURES / name).read_text()
    return text, read_cargo_lock(text, source=f"ws/{name}")


def _metadata() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / "cargo-metadata.json").read_text())
    return data


def _pair(key: str) -> tuple[str, str]:
    """(name, version) of a node key without qualifiers."""
    bare = key.split("?", 1)[0]
    name, _, version = bare.removeprefix("pkg:cargo/").partition("@")
    return name, version


def _cargo_graph() -> tuple[set[tuple[str, str]], set[tuple[tuple[str, str], tuple[str, str]]]]:
    metadata = _metadata()
    by_id = {p["id"]: (p["name"], p["version"]) for p in metadata["packages"]}
    edges = {
        (by_id[node["id"]], by_id[dep])
        for node in metadata["resolve"]["nodes"]
        for dep in node["dependencies"]
    }
    return set(by_id.values()), edges


@pytest.mark.parametrize("name", LOCKS)
def test_packages_match_cargo_metadata(name: str) -> None:
    _, result = _read(name)
    assert result.errors == []
    packages, _ = _cargo_graph()
    graph = result.graph
    found = {_pair(key) for key in graph.nodes if key.startswith("pkg:cargo/")}
    assert found == packages


@pytest.mark.parametrize("name", LOCKS)
def test_edges_match_cargo_metadata(name: str) -> None:
    _, result = _read(name)
    _, cargo_edges = _cargo_graph()
    ours = {
        (_pair(e.parent), _pair(e.child))
        for e in result.graph.edges
        if e.parent.startswith("pkg:cargo/")
    }
    assert cargo_edges <= ours
    # The lock keeps optional dependencies whose feature is off; cargo's resolve drops them.
    optional = {
        ((p["name"], p["version"]), d["name"])
        for p in _metadata()["packages"]
        for d in p["dependencies"]
        if d["optional"]
    }
    assert {(parent, child[0]) for parent, child in ours - cargo_edges} <= optional


@pytest.mark.parametrize("name", LOCKS)
def test_root_depends_on_the_workspace_members(name: str) -> None:
    _, result = _read(name)
    graph = result.graph
    assert graph.roots == {"pkg:generic/ws"}
    metadata = _metadata()
    by_id = {p["id"]: (p["name"], p["version"]) for p in metadata["packages"]}
    members = {by_id[member] for member in metadata["workspace_members"]}
    root_edges = [e for e in graph.edges if e.parent == "pkg:generic/ws"]
    assert {_pair(e.child) for e in root_edges} == members
    assert all(e.direct for e in root_edges)


@pytest.mark.parametrize("name", LOCKS)
def test_edges_point_at_their_lines(name: str) -> None:
    text, result = _read(name)
    lines = text.splitlines()
    for edge in result.graph.edges:
        assert edge.declared_at is not None
        line = lines[edge.declared_at.line - 1]
        child_name = _pair(edge.child)[0]
        if edge.parent.startswith("pkg:generic/"):
            assert line.strip() == "[[package]]"
            assert lines[edge.declared_at.line] == f'name = "{child_name}"'
        else:
            assert line.lstrip().startswith(f'"{child_name}')


def test_versions_give_the_same_graph() -> None:
    def shape(result: ReadResult) -> set[tuple[str, str, bool]]:
        return {(e.parent, e.child, e.direct) for e in result.graph.edges}

    graphs = [shape(_read(name)[1]) for name in LOCKS]
    assert all(graph == graphs[0] for graph in graphs)


def test_only_workspace_crates_are_direct() -> None:
    _, result = _read("Cargo.lock")
    members = {_pair(e.child) for e in result.graph.edges if e.parent == "pkg:generic/ws"}
    for edge in result.graph.edges:
        if not edge.parent.startswith("pkg:generic/"):
            assert edge.direct == (_pair(edge.parent) in members), str(edge)


def test_sources_become_qualifiers() -> None:
    _, result = _read("Cargo.lock")
    git = [key for key in result.graph.nodes if "heck-lite" in key]
    assert len(git) == 1
    commit = "df4853a8e1cfaa5d9ae44e8120db0e7c45059252"
    assert result.graph.nodes[git[0]].purl.qualifiers == (
        ("vcs_url", f"git+file:///build/cargo-demo/gitdep/heck-lite@{commit}"),
    )
    branch = cargo_purl("lib", "0.1.0", "git+https://h.example/lib.git?branch=main#abc123")
    assert branch.qualifiers == (("vcs_url", "git+https://h.example/lib.git@abc123"),)
    other = cargo_purl("x", "1.0.0", "sparse+https://my.registry/index/")
    assert other.qualifiers == (("repository_url", "https://my.registry/index/"),)
    assert cargo_purl("x", "1.0.0", "sparse+https://index.crates.io/").qualifiers == ()


def test_root_table_names_the_project() -> None:
    text = (
        '[root]\nname = "app"\nversion = "0.1.0"\ndependencies = [\n "itoa 1.0.11 (src)",\n]\n\n'
        '[[package]]\nname = "itoa"\nversion = "1.0.11"\nsource = "src"\n'
    )
    result = read_cargo_lock(text, source="Cargo.lock")
    assert result.errors == []
    assert result.graph.roots == {"pkg:cargo/app@0.1.0"}
    assert [str(e) for e in result.graph.edges] == [
        "pkg:cargo/app@0.1.0 -> pkg:cargo/itoa@1.0.11 (runtime, direct, Cargo.lock:5)"
    ]


# --- errors -----------------------------------------------------------------------------


def test_truncated_file_reports_and_keeps_reading() -> None:
    text, _ = _read("Cargo.lock")
    cut = text.index('"itoa 0.4.8",') + 5
    broken = text[:cut] + "\n" + text[cut:]  # an unterminated string inside core-lib
    result = read_cargo_lock(broken, source="Cargo.lock")
    error = result.errors[0]
    assert str(error).startswith("Cargo.lock:36: invalid Cargo.lock: illegal character")
    # app and util depend on the lost core-lib: said too, at their lines.
    assert [e.problem for e in result.errors[1:]] == [
        'dependency "core-lib" names no package of this file'
    ] * 2
    # Every other package is still there.
    assert "pkg:cargo/rand@0.8.5" in result.graph.nodes
    assert "pkg:cargo/core-lib@0.3.0" not in result.graph.nodes


def test_file_ending_early() -> None:
    text = 'version = 4\n\n[[package]]\nname = "a"\nversion = "1"\ndependencies = [\n "b",'
    [error] = read_cargo_lock(text, source="x/Cargo.lock").errors
    assert str(error) == (
        "x/Cargo.lock:7: invalid Cargo.lock: invalid value (the file ends too early)"
        '\n   "b",\n       ^'
    )


def test_package_without_version() -> None:
    result = read_cargo_lock('[[package]]\nname = "a"\n', source="Cargo.lock")
    [error] = result.errors
    assert str(error) == (
        'Cargo.lock:1: invalid Cargo.lock: package has no version (expected version = "...")'
        "\n  [[package]]"
    )


def test_unknown_and_ambiguous_dependencies() -> None:
    text = (
        '[[package]]\nname = "a"\nversion = "1.0.0"\ndependencies = [\n "b",\n "c",\n]\n\n'
        '[[package]]\nname = "b"\nversion = "1.0.0"\nsource = "s"\n\n'
        '[[package]]\nname = "b"\nversion = "2.0.0"\nsource = "s"\n'
    )
    result = read_cargo_lock(text, source="Cargo.lock")
    assert [str(e) for e in result.errors] == [
        'Cargo.lock:5: invalid Cargo.lock: dependency "b" matches 2 packages: add its version'
        '\n   "b",\n    ^',
        'Cargo.lock:6: invalid Cargo.lock: dependency "c" names no package of this file'
        '\n   "c",\n    ^',
    ]
    assert "pkg:cargo/b@2.0.0" in result.graph.nodes


def test_unsupported_lock_version() -> None:
    result = read_cargo_lock("# header\nversion = 9\n", source="Cargo.lock")
    [error] = result.errors
    assert error.line == 2
    assert error.problem == "lock file version 9 is not supported (known versions: 1, 2, 3, 4)"


# --- fuzz -------------------------------------------------------------------------------


def _check(result: ReadResult) -> None:
    assert all(isinstance(error, LockfileError) for error in result.errors)
    for error in result.errors:
        assert error.source == "f/Cargo.lock"
        assert error.line is None or error.line >= 1


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_text_gives_only_lockfile_errors(text: str) -> None:
    _check(read_cargo_lock(text, source="f/Cargo.lock"))


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(LOCKS),
    st.integers(min_value=0),
    st.lists(st.integers(min_value=0), max_size=6),
)
def test_mutated_fixtures_give_only_lockfile_errors(
    name: str, cut: int, dropped: list[int]
) -> None:
    text = (FIXTURES / name).read_text()
    lines = text.splitlines(keepends=True)
    for index in dropped:
        if lines:
            del lines[index % len(lines)]
    mutated = "".join(lines)
    _check(read_cargo_lock(mutated[: cut % (len(mutated) + 1)], source="f/Cargo.lock"))


def test_doctests() -> None:
    assert doctest.testmod(cargo_lock).failed == 0
