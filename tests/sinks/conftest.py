"""Graphs for the sink tests: small hand-made ones and real ones read from fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from polypac.ecosystems.python import read_uv_lock
from polypac.inventory import DependencyGraph, Location, Scope
from polypac.purl import parse_purl
from polypac.scan import scan

_TESTS = Path(__file__).resolve().parents[1]
NPM_DEMO = _TESTS / "ecosystems" / "npm" / "fixtures" / "demo-app"
UV_LOCK = _TESTS / "ecosystems" / "python" / "fixtures" / "uv" / "uv.lock"


def small_graph() -> DependencyGraph:
    """app -> express (runtime) -> ms (runtime); app -> jest (dev) -> ms-dev (runtime);
    app -> fsevents (optional); app -> typescript (build); a cycle a <-> b under express."""
    graph = DependencyGraph()
    app = graph.add_node(parse_purl("pkg:npm/app@1.0.0"), root=True)
    express = graph.add_node(parse_purl("pkg:npm/express@4.22.3"))
    ms = graph.add_node(parse_purl("pkg:npm/ms@2.1.3"))
    jest = graph.add_node(parse_purl("pkg:npm/jest@29.7.0"))
    pretty = graph.add_node(parse_purl("pkg:npm/%40jest/pretty-format@29.7.0"))
    fsevents = graph.add_node(parse_purl("pkg:npm/fsevents@2.3.3"))
    typescript = graph.add_node(parse_purl("pkg:npm/typescript@5.6.3"))
    left = graph.add_node(parse_purl("pkg:npm/a@1.0.0"))
    right = graph.add_node(parse_purl("pkg:npm/b@1.0.0"))
    where = Location("package.json", 3)
    graph.add_edge(app, express, Scope.RUNTIME, direct=True, declared_at=where)
    graph.add_edge(express, ms, Scope.RUNTIME, direct=False)
    graph.add_edge(app, jest, Scope.DEV, direct=True)
    graph.add_edge(jest, pretty, Scope.RUNTIME, direct=False)
    graph.add_edge(app, fsevents, Scope.OPTIONAL, direct=True)
    graph.add_edge(app, typescript, Scope.BUILD, direct=True)
    graph.add_edge(express, left, Scope.RUNTIME, direct=False)
    graph.add_edge(left, right, Scope.RUNTIME, direct=False)
    graph.add_edge(right, left, Scope.RUNTIME, direct=False)
    return graph


def reversed_graph(graph: DependencyGraph) -> DependencyGraph:
    """The same graph with nodes, edges and roots added in reverse order."""
    copy = DependencyGraph()
    for key in reversed(list(graph.nodes)):
        copy.add_node(graph.nodes[key].purl, root=key in graph.roots)
    for edge in reversed(graph.edges):
        copy.add_edge(
            copy.nodes[edge.parent],
            copy.nodes[edge.child],
            edge.scope,
            direct=edge.direct,
            declared_at=edge.declared_at,
        )
    return copy


def npm_demo_graph() -> DependencyGraph:
    """The graph of the npm demo app (pnpm-lock.yaml and yarn.lock: two roots)."""
    result = scan(NPM_DEMO)
    assert result.complete
    return result.graph


def uv_graph() -> DependencyGraph:
    """The graph of the uv.lock fixture (one root)."""
    result = read_uv_lock(UV_LOCK.read_text(encoding="utf-8"), source="uv.lock")
    assert not result.errors
    return result.graph


GRAPHS = {"small": small_graph, "npm-demo": npm_demo_graph, "uv-lock": uv_graph}


@pytest.fixture(params=sorted(GRAPHS))
def any_graph(request: pytest.FixtureRequest) -> DependencyGraph:
    """Each test graph in turn."""
    return GRAPHS[request.param]()
