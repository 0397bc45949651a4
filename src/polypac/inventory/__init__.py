"""Inventory: every manifest and lockfile read into one PURL-keyed dependency graph."""

from __future__ import annotations

from polypac.inventory.graph import (
    DependencyGraph,
    Edge,
    Location,
    LockfileError,
    Node,
    ReadResult,
    Scope,
)

__all__ = [
    "DependencyGraph",
    "Edge",
    "Location",
    "LockfileError",
    "Node",
    "ReadResult",
    "Scope",
]
