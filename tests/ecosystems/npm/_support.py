"""Helpers for the npm reader tests: fixtures, and graphs as (name, version) pairs."""

from __future__ import annotations

from pathlib import Path

from polypac.inventory.graph import DependencyGraph
from polypac.purl import parse_purl

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(*parts: str) -> str:
    """The text of a fixture file."""
    return FIXTURES.joinpath(*parts).read_text(encoding="utf-8")


def name_version(key: str) -> tuple[str, str]:
    """``pkg:npm/%40a/b@1`` as ``("@a/b", "1")``."""
    purl = parse_purl(key)
    name = f"{purl.namespace}/{purl.name}" if purl.namespace else purl.name
    return name, purl.version or ""


def pairs(graph: DependencyGraph) -> set[tuple[str, str]]:
    """Every node of ``graph`` as (name, version)."""
    return {name_version(key) for key in graph.nodes}


def edge_pairs(graph: DependencyGraph) -> set[tuple[tuple[str, str], tuple[str, str]]]:
    """Every edge of ``graph`` as ((name, version), (name, version)), scopes dropped."""
    return {(name_version(e.parent), name_version(e.child)) for e in graph.edges}
