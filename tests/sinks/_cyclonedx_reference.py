"""The CycloneDX document of a graph built with cyclonedx-python-lib: the reference that
polypac's direct writer (``polypac.sinks.cyclonedx``) is compared with."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

import packageurl
from cyclonedx.model import Property
from cyclonedx.model.bom import Bom, BomMetaData
from cyclonedx.model.component import Component, ComponentScope, ComponentType
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

from polypac.inventory import DependencyGraph, Node
from polypac.sinks import SinkError
from polypac.sinks.cyclonedx import (
    SCOPE_PROPERTY,
    VulnerabilityRecord,
    _serial,
    _source,
    component_scopes,
)

PROJECT = "polypac:project"

__all__ = ["library_cyclonedx"]


def library_cyclonedx(
    graph: DependencyGraph,
    *,
    vulnerabilities: Iterable[VulnerabilityRecord] = (),
    timestamp: datetime | None = None,
    serial_number: uuid.UUID | None = None,
    project_name: str = "project",
) -> str:
    """What :func:`polypac.sinks.cyclonedx.to_cyclonedx` writes, built with the library's
    model and serializer (same arguments)."""
    records = sorted(vulnerabilities, key=lambda r: (r.id, r.affected_purl))
    incoming: dict[str, set[str]] = {}
    for edge in graph.edges:
        incoming.setdefault(edge.child, set()).add(edge.scope.value)
    scopes = {key: ComponentScope(word) for key, word in component_scopes(graph).items()}
    roots = sorted(graph.roots)

    components = {key: _component(node, scopes, incoming) for key, node in graph.nodes.items()}
    if len(roots) == 1:
        project = components.pop(roots[0])
    else:
        project = Component(name=project_name, type=ComponentType.APPLICATION, bom_ref=PROJECT)

    bom = Bom(
        serial_number=serial_number or _serial(graph, records, timestamp),
        metadata=BomMetaData(component=project, timestamp=timestamp),
        components=[components[key] for key in sorted(components)],
        vulnerabilities=[_vulnerability(record, graph) for record in records],
    )
    if timestamp is None:
        bom.metadata.timestamp = None  # type: ignore[assignment]  # the lib defaults to now
    bom.metadata.tools.components.clear()  # the lib's own version would vary the output
    if len(roots) > 1:
        bom.register_dependency(project, [components[key] for key in roots])
    children: dict[str, set[str]] = {key: set() for key in graph.nodes}
    for edge in graph.edges:
        children[edge.parent].add(edge.child)
    every = {**components, project.bom_ref.value or "": project}
    for key in sorted(children):
        bom.register_dependency(every[key], [every[child] for child in sorted(children[key])])
    return JsonV1Dot6(bom).output_as_string(indent=2)


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
