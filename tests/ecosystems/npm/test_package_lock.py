"""package-lock.json versions 1-3 against the real fixtures and `npm ls --all --json`."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polypac.ecosystems.npm import read_package_lock
from polypac.inventory.graph import LockfileError, Scope
from tests.ecosystems.npm._support import edge_pairs, fixture, name_version, pairs

SOURCE = "demo-app/package-lock.json"
V3 = fixture("demo-app", "package-lock.v3.json")


def _npm_ls() -> tuple[set[tuple[str, str]], set[tuple[tuple[str, str], tuple[str, str]]]]:
    """Nodes and edges that `npm ls --all --json` reported for the installed fixture."""
    tree = json.loads(fixture("demo-app", "npm-ls.json"))
    nodes: set[tuple[str, str]] = set()
    edges: set[tuple[tuple[str, str], tuple[str, str]]] = set()

    def walk(parent: tuple[str, str], children: dict[str, Any]) -> None:
        for name, entry in children.items():
            child = (name, entry["version"])
            nodes.add(child)
            edges.add((parent, child))
            walk(child, entry.get("dependencies", {}))

    root = (tree["name"], tree["version"])
    nodes.add(root)
    walk(root, tree["dependencies"])
    return nodes, edges


@pytest.mark.parametrize("version", ["v2", "v3"])
def test_nodes_and_edges_match_npm_ls(version: str) -> None:
    result = read_package_lock(fixture("demo-app", f"package-lock.{version}.json"), source=SOURCE)
    assert result.errors == []
    nodes, edges = _npm_ls()
    assert pairs(result.graph) == nodes
    assert edge_pairs(result.graph) == edges


def test_version_one_has_the_same_packages_and_transitive_edges() -> None:
    result = read_package_lock(fixture("demo-app", "package-lock.v1.json"), source=SOURCE)
    assert result.errors == []
    nodes, edges = _npm_ls()
    assert pairs(result.graph) == nodes
    root = ("demo-app", "1.2.0")
    transitive = {edge for edge in edges if edge[0] != root}
    assert {e for e in edge_pairs(result.graph) if e[0] != root} == transitive
    # Without package.json, v1 guesses direct dependencies: those nobody else requires.
    direct = {child for parent, child in edge_pairs(result.graph) if parent == root}
    assert ("express", "4.22.3") in direct
    assert ("typescript", "5.6.3") in direct


def test_concurrent_versions_are_separate_nodes_resolved_from_the_nearest_folder() -> None:
    graph = read_package_lock(V3, source=SOURCE).graph
    debugs = {version for name, version in pairs(graph) if name == "debug"}
    assert debugs == {"2.6.9", "4.4.3"}
    by_parent = {parent: child for parent, child in edge_pairs(graph) if child[0] == "debug"}
    assert by_parent[("express", "4.22.3")] == ("debug", "2.6.9")
    assert by_parent[("demo-app", "1.2.0")] == ("debug", "4.4.3")
    # send/node_modules/debug/node_modules/ms: debug@2.6.9 there needs ms@2.0.0.
    assert (("debug", "2.6.9"), ("ms", "2.0.0")) in edge_pairs(graph)


def test_root_edges_carry_scope_and_the_line_of_the_declaration() -> None:
    graph = read_package_lock(V3, source=SOURCE).graph
    root = "pkg:npm/demo-app@1.2.0"
    assert graph.roots == {root}
    lines = V3.splitlines()
    seen = {}
    for edge in graph.children(root):
        assert edge.direct
        assert edge.declared_at is not None
        assert edge.declared_at.file == SOURCE
        name = name_version(edge.child)[0]
        assert f'"{name}":' in lines[edge.declared_at.line - 1]
        seen[name] = edge.scope
    assert seen == {
        "chalk": Scope.RUNTIME,
        "debug": Scope.RUNTIME,
        "express": Scope.RUNTIME,
        "ms": Scope.OPTIONAL,
        "typescript": Scope.DEV,
        "@types/ms": Scope.DEV,
    }
    assert "pkg:npm/%40types/ms@0.7.34" in graph.nodes


def test_transitive_edges_point_at_the_line_inside_the_parent_entry() -> None:
    graph = read_package_lock(V3, source=SOURCE).graph
    lines = V3.splitlines()
    transitive = [edge for edge in graph.edges if not edge.direct]
    assert transitive
    for edge in transitive:
        assert edge.declared_at is not None
        name = name_version(edge.child)[0]
        assert lines[edge.declared_at.line - 1].strip().startswith(f'"{name}":')


def test_nameless_lockfile_gets_a_generic_root_from_the_directory() -> None:
    text = '{"lockfileVersion": 3, "packages": {"": {"dependencies": {"ms": "^2"}},\n'
    text += '"node_modules/ms": {"version": "2.1.3"}}}'
    graph = read_package_lock(text, source="proj/web/package-lock.json").graph
    assert graph.roots == {"pkg:generic/web"}
    assert [e.child for e in graph.edges] == ["pkg:npm/ms@2.1.3"]


def test_truncated_json_names_file_line_and_problem() -> None:
    cut = "\n".join(V3.splitlines()[:40])
    result = read_package_lock(cut, source=SOURCE)
    [error] = result.errors
    assert isinstance(error, LockfileError)
    assert error.line is not None
    assert error.line >= 40
    assert str(error).startswith(
        f"{SOURCE}:{error.line}: invalid package-lock.json: not valid JSON"
    )


def test_bad_entries_are_reported_and_the_rest_is_read() -> None:
    text = """{"name": "app", "version": "1.0.0", "lockfileVersion": 3, "packages": {
  "": {"dependencies": {"a": "1", "b": "1"}},
  "node_modules/a": {"version": 7},
  "node_modules/b": {"version": "1.0.0"}
}}"""
    result = read_package_lock(text, source="package-lock.json")
    [error] = result.errors
    assert error.line == 3
    assert "invalid package-lock.json: the version of 'node_modules/a' must be a string" in str(
        error
    )
    assert [e.child for e in result.graph.edges] == ["pkg:npm/b@1.0.0"]


def _check(text: str) -> None:
    result = read_package_lock(text, source=SOURCE)
    assert all(isinstance(error, LockfileError) for error in result.errors)
    assert result.graph.roots


@settings(max_examples=150, deadline=None)
@given(st.text())
def test_any_text_gives_only_lockfile_errors(text: str) -> None:
    _check(text)


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_mutated_fixture_gives_only_lockfile_errors(data: st.DataObject) -> None:
    lines = V3.splitlines()
    start = data.draw(st.integers(0, len(lines) - 1))
    stop = data.draw(st.integers(start, min(len(lines), start + 30)))
    if data.draw(st.booleans()):
        text = "\n".join(lines[:start])
    else:
        text = "\n".join(lines[:start] + lines[stop:])
    _check(text)
