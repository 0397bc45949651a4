"""CycloneDX 1.6 JSON from a :class:`~polypac.inventory.DependencyGraph`.

One component per node, its ``bom-ref`` the node's canonical PURL string; the dependencies
section from the edges; the root project as the metadata component (or, when the graph has
several roots, a synthetic application component that depends on each of them).

Scope: CycloneDX scopes a component, polypac scopes an edge. A component is ``required``
when some path from a root reaches it through runtime or system edges only, ``optional``
when the best path also uses an optional edge, and ``excluded`` (the spec's word for
"test and other non-runtime purposes") when every path goes through a dev or build edge.
The scopes of the edges into a component are kept in the property ``polypac:scope``.

The document is written directly as JSON. cyclonedx-python-lib took 1.9 s to write the
2,538 components and 9,508 edges of the scan benchmark (its model sorts and hashes every
component through a comparison tuple of some thirty fields, and validates by scanning),
which made ``polypac scan --format cyclonedx`` slower than cdxgen; written directly it takes
a few tens of milliseconds (docs/benchmarks.md). The library stays the reference: the tests
build the same document with it and compare, and validate every document against the
official 1.6 schema with its validator.

    >>> from polypac.inventory import DependencyGraph, Scope
    >>> from polypac.purl import parse_purl
    >>> graph = DependencyGraph()
    >>> app = graph.add_node(parse_purl("pkg:npm/app@1.0.0"), root=True)
    >>> lib = graph.add_node(parse_purl("pkg:npm/left-pad@1.3.0"))
    >>> graph.add_edge(app, lib, Scope.DEV, direct=True)
    >>> '"scope": "excluded"' in to_cyclonedx(graph)
    True
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from polypac.inventory import DependencyGraph, Node, Scope
from polypac.sinks import SinkError

__all__ = ["SCHEMA", "SCOPE_PROPERTY", "VulnerabilityRecord", "component_scopes", "to_cyclonedx"]

SCOPE_PROPERTY = "polypac:scope"
"""Name of the component property that lists polypac's scopes of the edges into it."""

# Bom-ref of the synthetic project component used when a graph has several roots.
_PROJECT_REF = "polypac:project"
# Namespace for the serial number derived from the graph's content (uuid5), so that the
# same graph gets the same urn:uuid instead of a random one.
_SERIAL_NAMESPACE = uuid.UUID("6f1b7d8e-2c4a-5e39-9a0d-4b1c2e3f5a67")

# Larger is stronger; a path is as strong as its weakest edge.
_EXCLUDED, _OPTIONAL, _REQUIRED = 0, 1, 2
_EDGE_STRENGTH = {
    Scope.RUNTIME: _REQUIRED,
    Scope.SYSTEM: _REQUIRED,
    Scope.OPTIONAL: _OPTIONAL,
    Scope.DEV: _EXCLUDED,
    Scope.BUILD: _EXCLUDED,
}
_COMPONENT_SCOPE = {_REQUIRED: "required", _OPTIONAL: "optional", _EXCLUDED: "excluded"}
SCHEMA = "http://cyclonedx.org/schema/bom-1.6.schema.json"
_SEVERITIES = ("none", "info", "low", "medium", "high", "critical", "unknown")


@dataclass(frozen=True, slots=True)
class VulnerabilityRecord:
    """One known vulnerability of one package in the graph.

    ``affected_purl`` is the canonical PURL string of a node; ``severity`` is one of
    CycloneDX's words (critical, high, medium, low, info, none, unknown) or ``None``.
    """

    id: str
    aliases: tuple[str, ...] = ()
    summary: str | None = None
    affected_purl: str = ""
    fixed_versions: tuple[str, ...] = ()
    severity: str | None = None


def component_scopes(graph: DependencyGraph) -> dict[str, str]:
    """The CycloneDX scope of each non-root node (see the module text for the rule)."""
    strength: dict[str, int] = dict.fromkeys(graph.roots, _REQUIRED)
    pending = sorted(graph.roots)
    while pending:
        parent = pending.pop()
        for edge in graph.children(parent):
            reached = min(strength[parent], _EDGE_STRENGTH[edge.scope])
            if strength.get(edge.child, -1) < reached:
                strength[edge.child] = reached
                pending.append(edge.child)
    # Nodes that no root reaches: judge by the edges into them alone.
    for edge in graph.edges:
        if edge.child not in strength or edge.parent not in strength:
            have = strength.get(edge.child, -1)
            strength[edge.child] = max(have, _EDGE_STRENGTH[edge.scope])
    return {
        key: _COMPONENT_SCOPE[strength.get(key, _REQUIRED)]
        for key in graph.nodes
        if key not in graph.roots
    }


def to_cyclonedx(
    graph: DependencyGraph,
    *,
    vulnerabilities: Iterable[VulnerabilityRecord] = (),
    timestamp: datetime | None = None,
    serial_number: uuid.UUID | None = None,
    project_name: str = "project",
) -> str:
    """The graph as a CycloneDX 1.6 JSON document.

    ``timestamp`` goes into the metadata when given (left out otherwise, so the output
    stays reproducible); ``serial_number`` defaults to a UUID derived from the graph, the
    vulnerabilities and the timestamp. ``project_name`` names the synthetic metadata
    component used when the graph has several roots. Raises :class:`SinkError` when a
    vulnerability names a PURL that is not a node, or a severity CycloneDX does not know.
    """
    records = sorted(vulnerabilities, key=lambda r: (r.id, r.affected_purl))
    incoming: dict[str, set[str]] = {}
    children: dict[str, set[str]] = {key: set() for key in graph.nodes}
    for edge in graph.edges:
        incoming.setdefault(edge.child, set()).add(edge.scope.value)
        children[edge.parent].add(edge.child)
    scopes = component_scopes(graph)
    roots = sorted(graph.roots)
    components = {key: _component(node, scopes, incoming) for key, node in graph.nodes.items()}
    if len(roots) == 1:
        project = components.pop(roots[0])
    else:
        project = {"bom-ref": _PROJECT_REF, "name": project_name, "type": "application"}
        children[_PROJECT_REF] = set(roots)
    metadata: dict[str, Any] = {"component": project}
    if timestamp is not None:
        metadata["timestamp"] = timestamp.isoformat()
    document: dict[str, Any] = {
        "$schema": SCHEMA,
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": (serial_number or _serial(graph, records, timestamp)).urn,
        "version": 1,
        "metadata": metadata,
        "components": [components[key] for key in sorted(components)],
        "dependencies": [
            {"ref": key, "dependsOn": sorted(below)} if below else {"ref": key}
            for key, below in sorted(children.items())
        ],
    }
    if records:
        document["vulnerabilities"] = [_vulnerability(record, graph) for record in records]
    return json.dumps(document, indent=2, ensure_ascii=False)


def _component(node: Node, scopes: dict[str, str], incoming: dict[str, set[str]]) -> dict[str, Any]:
    purl = node.purl
    component: dict[str, Any] = {"bom-ref": node.key}
    if node.key in scopes:
        component["type"] = "library"
        component["scope"] = scopes[node.key]
    else:
        component["type"] = "application"
    if purl.namespace:
        component["group"] = purl.namespace
    component["name"] = purl.name
    if purl.version:
        component["version"] = purl.version
    component["purl"] = node.key
    if node.key in incoming:
        value = ",".join(sorted(incoming[node.key]))
        component["properties"] = [{"name": SCOPE_PROPERTY, "value": value}]
    return component


def _vulnerability(record: VulnerabilityRecord, graph: DependencyGraph) -> dict[str, Any]:
    if record.affected_purl not in graph.nodes:
        raise SinkError(
            f"vulnerability {record.id}: affected PURL {record.affected_purl!r} is not a node "
            "of the graph; give the canonical PURL string of a node"
        )
    vulnerability: dict[str, Any] = {"bom-ref": f"{record.id}@{record.affected_purl}"}
    vulnerability["id"] = record.id
    if record.aliases:
        vulnerability["references"] = [
            {"id": alias, "source": {"name": _source(alias)}} for alias in sorted(record.aliases)
        ]
    if record.severity is not None:
        severity = record.severity.lower()
        if severity not in _SEVERITIES:
            raise SinkError(
                f"vulnerability {record.id}: unknown severity {record.severity!r}; "
                f"known: {', '.join(_SEVERITIES)}"
            )
        vulnerability["ratings"] = [{"severity": severity}]
    if record.summary:
        vulnerability["description"] = record.summary
    if record.fixed_versions:
        vulnerability["recommendation"] = "Upgrade to " + " or ".join(record.fixed_versions)
    versions = [{"version": v, "status": "unaffected"} for v in record.fixed_versions]
    affected = graph.nodes[record.affected_purl].purl.version
    if affected is not None:
        versions.insert(0, {"version": affected, "status": "affected"})
    target: dict[str, Any] = {"ref": record.affected_purl}
    if versions:
        target["versions"] = versions
    vulnerability["affects"] = [target]
    return vulnerability


def _source(identifier: str) -> str:
    """The database an identifier comes from, by its prefix (CVE-, GHSA-, PYSEC-...)."""
    return identifier.split("-", 1)[0].upper() if "-" in identifier else "unknown"


def _serial(
    graph: DependencyGraph, records: list[VulnerabilityRecord], timestamp: datetime | None
) -> uuid.UUID:
    parts = sorted(graph.nodes) + sorted(str(edge) for edge in graph.edges)
    parts += [repr(record) for record in records]
    parts.append(timestamp.isoformat() if timestamp else "")
    return uuid.uuid5(_SERIAL_NAMESPACE, "\n".join(parts))
