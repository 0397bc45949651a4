"""CycloneDX 1.6 JSON from a :class:`~polypac.inventory.DependencyGraph`.

One component per node, its ``bom-ref`` the node's canonical PURL string; the dependencies
section from the edges; the root project as the metadata component (or, when the graph has
several roots, a synthetic application component that depends on each of them).

Scope: CycloneDX scopes a component, polypac scopes an edge. A component is ``required``
when some path from a root reaches it through runtime or system edges only, ``optional``
when the best path also uses an optional edge, and ``excluded`` (the spec's word for
"test and other non-runtime purposes") when every path goes through a dev or build edge.
The scopes of the edges into a component are kept in the property ``polypac:scope``.

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

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import packageurl
from cyclonedx.model import Property
from cyclonedx.model.bom import Bom, BomMetaData
from cyclonedx.model.component import Component, ComponentScope, ComponentType
from cyclonedx.model.dependency import Dependable, Dependency
from cyclonedx.model.impact_analysis import ImpactAnalysisAffectedStatus
from cyclonedx.model.vulnerability import (
    BomTarget,
    BomTargetVersionRange,
    Vulnerability,
    VulnerabilityRating,
    VulnerabilityReference,
    VulnerabilitySeverity,
    VulnerabilitySource,
)
from cyclonedx.output.json import JsonV1Dot6

from polypac.inventory import DependencyGraph, Node, Scope
from polypac.sinks import SinkError

__all__ = ["SCOPE_PROPERTY", "VulnerabilityRecord", "component_scopes", "to_cyclonedx"]

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
_COMPONENT_SCOPE = {
    _REQUIRED: ComponentScope.REQUIRED,
    _OPTIONAL: ComponentScope.OPTIONAL,
    _EXCLUDED: ComponentScope.EXCLUDED,
}


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


def component_scopes(graph: DependencyGraph) -> dict[str, ComponentScope]:
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
    for edge in graph.edges:
        incoming.setdefault(edge.child, set()).add(edge.scope.value)
    scopes = component_scopes(graph)
    roots = sorted(graph.roots)

    components = {key: _component(node, scopes, incoming) for key, node in graph.nodes.items()}
    if len(roots) == 1:
        project = components.pop(roots[0])
    else:
        project = Component(name=project_name, type=ComponentType.APPLICATION, bom_ref=_PROJECT_REF)

    bom = Bom(
        serial_number=serial_number or _serial(graph, records, timestamp),
        metadata=BomMetaData(component=project, timestamp=timestamp),
        components=[components[key] for key in sorted(components)],
        vulnerabilities=[_vulnerability(record, graph) for record in records],
    )
    if timestamp is None:
        bom.metadata.timestamp = None  # type: ignore[assignment]  # the lib defaults to now
    bom.metadata.tools.components.clear()  # the lib's own version would vary the output
    children: dict[str, set[str]] = {key: set() for key in graph.nodes}
    for edge in graph.edges:
        children[edge.parent].add(edge.child)
    every = {**components, project.bom_ref.value or "": project}
    dependencies = [
        Dependency(every[key].bom_ref, [Dependency(every[c].bom_ref) for c in children[key]])
        for key in children
    ]
    if len(roots) > 1:
        below = [Dependency(every[key].bom_ref) for key in roots]
        dependencies.append(Dependency(project.bom_ref, below))
    bom.dependencies = dependencies
    _index_dependencies(bom)
    return JsonV1Dot6(bom).output_as_string(indent=2)


def _index_dependencies(bom: Bom) -> None:
    """Give ``bom`` a ``register_dependency`` that finds a target's entry through a
    dictionary. The library's own method scans every entry, and its JSON writer calls it
    once per component, so writing n components took time in n squared (6.5 s of 7.6 s
    for 2,543 components and 9,508 edges, see docs/benchmarks.md). A subclass would not
    do: the library's serializer knows its own classes only."""
    index = {entry.ref: entry for entry in bom.dependencies}

    def register_dependency(
        target: Dependable, depends_on: Iterable[Dependable] | None = None
    ) -> None:
        entry = index.get(target.bom_ref)
        if entry is None:
            entry = index[target.bom_ref] = Dependency(target.bom_ref)
            bom.dependencies.add(entry)
        if depends_on:
            below = list(depends_on)
            entry.dependencies.update(Dependency(d.bom_ref) for d in below)
            for item in below:
                register_dependency(item)

    setattr(bom, "register_dependency", register_dependency)  # noqa: B010  # a method


def _component(
    node: Node, scopes: dict[str, ComponentScope], incoming: dict[str, set[str]]
) -> Component:
    purl = node.purl
    is_root = node.key not in scopes
    properties = []
    if node.key in incoming:
        properties.append(Property(name=SCOPE_PROPERTY, value=",".join(sorted(incoming[node.key]))))
    return Component(
        name=purl.name,
        group=purl.namespace,
        version=purl.version,
        type=ComponentType.APPLICATION if is_root else ComponentType.LIBRARY,
        bom_ref=node.key,
        purl=packageurl.PackageURL.from_string(node.key),
        scope=None if is_root else scopes[node.key],
        properties=properties,
    )


def _vulnerability(record: VulnerabilityRecord, graph: DependencyGraph) -> Vulnerability:
    if record.affected_purl not in graph.nodes:
        raise SinkError(
            f"vulnerability {record.id}: affected PURL {record.affected_purl!r} is not a node "
            "of the graph; give the canonical PURL string of a node"
        )
    ratings = []
    if record.severity is not None:
        try:
            severity = VulnerabilitySeverity(record.severity.lower())
        except ValueError as error:
            known = ", ".join(s.value for s in VulnerabilitySeverity)
            raise SinkError(
                f"vulnerability {record.id}: unknown severity {record.severity!r}; known: {known}"
            ) from error
        ratings.append(VulnerabilityRating(severity=severity))
    versions = [
        BomTargetVersionRange(version=version, status=ImpactAnalysisAffectedStatus.UNAFFECTED)
        for version in record.fixed_versions
    ]
    affected = graph.nodes[record.affected_purl].purl.version
    if affected is not None:
        versions.insert(
            0, BomTargetVersionRange(version=affected, status=ImpactAnalysisAffectedStatus.AFFECTED)
        )
    recommendation = None
    if record.fixed_versions:
        recommendation = "Upgrade to " + " or ".join(record.fixed_versions)
    return Vulnerability(
        bom_ref=f"{record.id}@{record.affected_purl}",
        id=record.id,
        references=[
            VulnerabilityReference(id=alias, source=VulnerabilitySource(name=_source(alias)))
            for alias in sorted(record.aliases)
        ],
        description=record.summary,
        ratings=ratings,
        recommendation=recommendation,
        affects=[BomTarget(ref=record.affected_purl, versions=versions)],
    )


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
