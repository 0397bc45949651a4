"""pnpm-lock.yaml (v9) against the real fixture and `pnpm list --depth Infinity --json`."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from polypac.ecosystems.npm.pnpm_lock import read_pnpm_lock
from polypac.inventory.graph import LockfileError, Scope
from tests.ecosystems.npm._support import edge_pairs, fixture, name_version, pairs

SOURCE = "demo-app/pnpm-lock.yaml"
LOCK = fixture("demo-app", "pnpm-lock.yaml")
ROOT = ("demo-app", "")


def _pnpm_list() -> tuple[set[tuple[str, str]], set[tuple[tuple[str, str], tuple[str, str]]]]:
    """Nodes and edges that `pnpm list` reported (the project as the generic root)."""
    [project] = json.loads(fixture("demo-app", "pnpm-ls.json"))
    nodes = {ROOT}
    edges: set[tuple[tuple[str, str], tuple[str, str]]] = set()

    def walk(parent: tuple[str, str], children: dict[str, Any]) -> None:
        for name, entry in children.items():
            child = (name, entry["version"])
            nodes.add(child)
            edges.add((parent, child))
            walk(child, entry.get("dependencies", {}))
            walk(child, entry.get("optionalDependencies", {}))

    for section in ("dependencies", "devDependencies", "optionalDependencies"):
        walk(ROOT, project.get(section, {}))
    return nodes, edges


def test_nodes_and_edges_match_pnpm_list() -> None:
    result = read_pnpm_lock(LOCK, source=SOURCE)
    assert result.errors == []
    nodes, edges = _pnpm_list()
    assert pairs(result.graph) == nodes
    assert edge_pairs(result.graph) == edges


def test_importer_sections_give_scopes_and_lines() -> None:
    graph = read_pnpm_lock(LOCK, source=SOURCE).graph
    assert graph.roots == {"pkg:generic/demo-app"}
    lines = LOCK.splitlines()
    scopes = {}
    for edge in graph.children("pkg:generic/demo-app"):
        name = name_version(edge.child)[0]
        assert edge.declared_at is not None
        assert lines[edge.declared_at.line - 1].strip().strip("'").startswith(f"{name}")
        scopes[name] = edge.scope
    assert scopes == {
        "chalk": Scope.RUNTIME,
        "debug": Scope.RUNTIME,
        "express": Scope.RUNTIME,
        "ms": Scope.OPTIONAL,
        "typescript": Scope.DEV,
        "@types/ms": Scope.DEV,
    }


def test_peer_suffixes_collapse_to_one_node() -> None:
    graph = read_pnpm_lock(LOCK, source=SOURCE).graph
    assert "pkg:npm/debug@4.4.3" in graph.nodes
    assert not any("(" in key for key in graph.nodes)


def test_version_six_slash_keys() -> None:
    text = """lockfileVersion: '6.0'
dependencies:
  a:
    specifier: ^1.0.0
    version: 1.0.0(b@2.0.0)
packages:
  /a@1.0.0(b@2.0.0):
    resolution: {integrity: sha512-x}
    dependencies:
      b: 2.0.0
  /b@2.0.0:
    resolution: {integrity: sha512-y}
    dev: false
"""
    graph = read_pnpm_lock(text, source="p/pnpm-lock.yaml").graph
    assert [str(e) for e in graph.edges] == [
        "pkg:npm/a@1.0.0 -> pkg:npm/b@2.0.0 (runtime, transitive, p/pnpm-lock.yaml:10)",
        "pkg:generic/p -> pkg:npm/a@1.0.0 (runtime, direct, p/pnpm-lock.yaml:3)",
    ]


def test_broken_yaml_names_the_line() -> None:
    result = read_pnpm_lock("importers:\n  .:\n    dependencies: [\n", source="pnpm-lock.yaml")
    [error] = result.errors
    assert error.line is not None
    assert error.line >= 3
    assert "invalid pnpm-lock.yaml: not YAML" in str(error)


def test_bad_entries_are_reported_and_the_rest_is_read() -> None:
    text = "lockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies:\n      a:\n"
    text += "        specifier: ^1\n        version: 1.0.0\n      b: {specifier: x}\n"
    result = read_pnpm_lock(text, source="pnpm-lock.yaml")
    [error] = result.errors
    assert error.line == 8
    assert error.problem == "dependency 'b' needs a version"
    assert [e.child for e in result.graph.edges] == ["pkg:npm/a@1.0.0"]


def _check(text: str) -> None:
    result = read_pnpm_lock(text, source=SOURCE)
    assert all(isinstance(error, LockfileError) for error in result.errors)
    assert result.graph.roots


@settings(max_examples=150, deadline=None)
@given(st.text())
def test_any_text_gives_only_lockfile_errors(text: str) -> None:
    _check(text)


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_mutated_fixture_gives_only_lockfile_errors(data: st.DataObject) -> None:
    lines = LOCK.splitlines()
    start = data.draw(st.integers(0, len(lines) - 1))
    stop = data.draw(st.integers(start, min(len(lines), start + 20)))
    cut = data.draw(st.integers(0, 40))
    text = "\n".join([*lines[:start], lines[start][:cut], *lines[stop:]])
    _check(text)
