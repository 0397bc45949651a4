"""CycloneDX 1.6 output: schema-valid, faithful to the graph, deterministic."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

from polypac.inventory import DependencyGraph
from polypac.purl import parse_purl
from polypac.sinks import SinkError
from polypac.sinks.cyclonedx import SCOPE_PROPERTY, VulnerabilityRecord, to_cyclonedx
from tests.sinks.conftest import reversed_graph, small_graph

_VALIDATOR = JsonStrictValidator(SchemaVersion.V1_6)
_WHEN = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
_MS_VULN = VulnerabilityRecord(
    id="GHSA-aaaa-bbbb-cccc",
    aliases=("CVE-2024-0001", "PYSEC-2024-1"),
    summary="ReDoS in ms",
    affected_purl="pkg:npm/ms@2.1.3",
    fixed_versions=("2.1.4", "3.0.0"),
    severity="high",
)


def _load(graph: DependencyGraph, **options: Any) -> dict[str, Any]:
    text = to_cyclonedx(graph, **options)
    assert _VALIDATOR.validate_str(text, all_errors=True) is None
    document: dict[str, Any] = json.loads(text)
    return document


def test_every_graph_is_schema_valid(any_graph: DependencyGraph) -> None:
    document = _load(any_graph, timestamp=_WHEN)
    assert document["specVersion"] == "1.6"
    assert document["metadata"]["timestamp"].startswith("2026-01-02T03:04:05")


def test_components_are_the_non_root_nodes_keyed_by_purl(any_graph: DependencyGraph) -> None:
    document = _load(any_graph)
    refs = [component["bom-ref"] for component in document["components"]]
    if len(any_graph.roots) == 1:
        expected = sorted(set(any_graph.nodes) - any_graph.roots)
        assert document["metadata"]["component"]["bom-ref"] in any_graph.roots
    else:
        expected = sorted(any_graph.nodes)
        assert document["metadata"]["component"]["bom-ref"] == "polypac:project"
    # the library orders components by its own key (type, group, name, version...)
    assert sorted(refs) == expected
    for component in document["components"]:
        assert parse_purl(component["purl"]) == any_graph.nodes[component["bom-ref"]].purl


def test_dependencies_are_the_edges(any_graph: DependencyGraph) -> None:
    document = _load(any_graph)
    found = {
        (entry["ref"], child)
        for entry in document["dependencies"]
        for child in entry.get("dependsOn", [])
    }
    expected = {(edge.parent, edge.child) for edge in any_graph.edges}
    if len(any_graph.roots) > 1:
        expected |= {("polypac:project", root) for root in any_graph.roots}
    assert found == expected


@pytest.mark.parametrize(
    ("purl", "scope", "ours"),
    [
        ("pkg:npm/express@4.22.3", "required", "runtime"),
        ("pkg:npm/ms@2.1.3", "required", "runtime"),
        ("pkg:npm/a@1.0.0", "required", "runtime"),
        ("pkg:npm/jest@29.7.0", "excluded", "dev"),
        ("pkg:npm/%40jest/pretty-format@29.7.0", "excluded", "runtime"),
        ("pkg:npm/fsevents@2.3.3", "optional", "optional"),
        ("pkg:npm/typescript@5.6.3", "excluded", "build"),
    ],
    ids=["direct-runtime", "transitive-runtime", "cycle", "dev", "under-dev", "optional", "build"],
)
def test_scope_follows_the_weakest_edge_of_the_best_path(purl: str, scope: str, ours: str) -> None:
    components = {c["bom-ref"]: c for c in _load(small_graph())["components"]}
    component = components[purl]
    assert component["scope"] == scope
    assert component["properties"] == [{"name": SCOPE_PROPERTY, "value": ours}]


def test_same_graph_gives_identical_bytes(any_graph: DependencyGraph) -> None:
    first = to_cyclonedx(any_graph, vulnerabilities=[], timestamp=_WHEN)
    again = to_cyclonedx(reversed_graph(any_graph), timestamp=_WHEN)
    assert first == again


def test_serial_number_changes_with_content() -> None:
    graph = small_graph()
    plain = _load(graph)["serialNumber"]
    with_vuln = _load(graph, vulnerabilities=[_MS_VULN])["serialNumber"]
    assert plain.startswith("urn:uuid:")
    assert plain != with_vuln


def test_vulnerability_is_mapped() -> None:
    document = _load(small_graph(), vulnerabilities=[_MS_VULN])
    [vulnerability] = document["vulnerabilities"]
    assert vulnerability["id"] == _MS_VULN.id
    assert vulnerability["description"] == _MS_VULN.summary
    assert vulnerability["ratings"] == [{"severity": "high"}]
    assert [r["id"] for r in vulnerability["references"]] == ["CVE-2024-0001", "PYSEC-2024-1"]
    assert [r["source"]["name"] for r in vulnerability["references"]] == ["CVE", "PYSEC"]
    [affects] = vulnerability["affects"]
    assert affects["ref"] == "pkg:npm/ms@2.1.3"
    assert affects["versions"] == [
        {"version": "2.1.3", "status": "affected"},
        {"version": "2.1.4", "status": "unaffected"},
        {"version": "3.0.0", "status": "unaffected"},
    ]
    assert vulnerability["recommendation"] == "Upgrade to 2.1.4 or 3.0.0"


def test_vulnerabilities_are_sorted() -> None:
    other = VulnerabilityRecord(id="CVE-2023-9", affected_purl="pkg:npm/express@4.22.3")
    document = _load(small_graph(), vulnerabilities=[_MS_VULN, other])
    assert [v["id"] for v in document["vulnerabilities"]] == ["CVE-2023-9", _MS_VULN.id]


def test_vulnerability_on_unknown_purl_is_refused() -> None:
    record = VulnerabilityRecord(id="CVE-2024-2", affected_purl="pkg:npm/nope@1.0.0")
    with pytest.raises(SinkError) as caught:
        to_cyclonedx(small_graph(), vulnerabilities=[record])
    assert str(caught.value) == (
        "vulnerability CVE-2024-2: affected PURL 'pkg:npm/nope@1.0.0' is not a node of the "
        "graph; give the canonical PURL string of a node"
    )


def test_unknown_severity_is_refused() -> None:
    record = VulnerabilityRecord(
        id="CVE-2024-3", affected_purl="pkg:npm/ms@2.1.3", severity="moderate"
    )
    with pytest.raises(SinkError, match=r"unknown severity 'moderate'; known: none, info"):
        to_cyclonedx(small_graph(), vulnerabilities=[record])


def test_empty_graph_is_valid() -> None:
    document = _load(DependencyGraph())
    assert "components" not in document or document["components"] == []


def _normalized(text: str) -> dict[str, Any]:
    """A CycloneDX document with every list sorted, so that two writers can be compared."""

    def sort(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: sort(item) for key, item in value.items()}
        if isinstance(value, list):
            return sorted(
                (sort(item) for item in value), key=lambda i: json.dumps(i, sort_keys=True)
            )
        return value

    document: dict[str, Any] = sort(json.loads(text))
    return document


def _records(graph: DependencyGraph) -> list[VulnerabilityRecord]:
    """One record per versioned node, every other one with a severity and fixes."""
    records = []
    for index, (key, node) in enumerate(sorted(graph.nodes.items())):
        if node.purl.version is None or index % 3:
            continue
        records.append(
            VulnerabilityRecord(
                id=f"GHSA-test-{index:04d}",
                aliases=(f"CVE-2026-{index:04d}",) if index % 2 else (),
                summary=f"flaw {index}" if index % 4 else None,
                affected_purl=key,
                fixed_versions=("99.0.0",) if index % 2 else (),
                severity="medium" if index % 2 else None,
            )
        )
    return records


def test_the_direct_writer_says_what_the_library_says(any_graph: DependencyGraph) -> None:
    """cyclonedx-python-lib, given the same graph, builds the same document (its own
    orders aside); the direct writer exists because the library is slow (module text)."""
    from tests.sinks._cyclonedx_reference import library_cyclonedx

    options: dict[str, Any] = {"vulnerabilities": _records(any_graph), "timestamp": _WHEN}
    ours = to_cyclonedx(any_graph, **options)
    assert _VALIDATOR.validate_str(ours, all_errors=True) is None
    reference = library_cyclonedx(any_graph, **options)
    assert _normalized(ours) == _normalized(reference)
