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
from polypac.inventory.sbom import read_cyclonedx_json, read_spdx_json

__all__ = [
    "DependencyGraph",
    "Edge",
    "Location",
    "LockfileError",
    "Node",
    "ReadResult",
    "Scope",
    "read_cyclonedx_json",
    "read_spdx_json",
]
