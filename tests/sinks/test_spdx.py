"""SPDX 2.3 output: valid by spdx-tools, re-parsable, faithful to the graph, deterministic."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from spdx_tools.spdx.model.relationship import RelationshipType
from spdx_tools.spdx.parser.json.json_parser import parse_from_file
from spdx_tools.spdx.validation.document_validator import validate_full_spdx_document

from polypac.inventory import DependencyGraph, Scope
from polypac.purl import parse_purl
from polypac.sinks import SinkError
from polypac.sinks.spdx import DOCUMENT_ID, spdx_ids, to_spdx
from tests.sinks.conftest import reversed_graph, small_graph

_WHEN = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
_NAMESPACE = "https://example.com/spdxdocs/demo-0c6a8b1e"


def _write(graph: DependencyGraph) -> str:
    return to_spdx(graph, name="demo", namespace=_NAMESPACE, created=_WHEN)


def test_library_validates_and_reparses(any_graph: DependencyGraph, tmp_path: Path) -> None:
    path = tmp_path / "sbom.spdx.json"
    path.write_text(_write(any_graph), encoding="utf-8")
    document = parse_from_file(str(path))
    assert validate_full_spdx_document(document, "SPDX-2.3") == []
    assert document.creation_info.created == _WHEN.replace(tzinfo=None)
    assert len(document.packages) == len(any_graph.nodes)


def test_one_package_per_node_with_purl_ref(any_graph: DependencyGraph) -> None:
    document: dict[str, Any] = json.loads(_write(any_graph))
    ids = spdx_ids(any_graph)
    by_id = {package["SPDXID"]: package for package in document["packages"]}
    assert sorted(by_id) == sorted(ids.values())
    for key, spdx_id in ids.items():
        [ref] = by_id[spdx_id]["externalRefs"]
        assert ref == {
            "referenceCategory": "PACKAGE_MANAGER",
            "referenceType": "purl",
            "referenceLocator": key,
        }
        assert parse_purl(ref["referenceLocator"]) == any_graph.nodes[key].purl
        assert by_id[spdx_id].get("versionInfo") == any_graph.nodes[key].purl.version


_DIRECTION = {
    Scope.RUNTIME: ("DEPENDS_ON", False),
    Scope.SYSTEM: ("DEPENDS_ON", False),
    Scope.DEV: ("DEV_DEPENDENCY_OF", True),
    Scope.OPTIONAL: ("OPTIONAL_DEPENDENCY_OF", True),
    Scope.BUILD: ("BUILD_DEPENDENCY_OF", True),
}


def test_relationships_are_the_edges_and_roots(any_graph: DependencyGraph) -> None:
    document: dict[str, Any] = json.loads(_write(any_graph))
    ids = spdx_ids(any_graph)
    found = [
        (r["spdxElementId"], r["relationshipType"], r["relatedSpdxElement"])
        for r in document["relationships"]
    ]
    expected = {(DOCUMENT_ID, "DESCRIBES", ids[root]) for root in any_graph.roots}
    for edge in any_graph.edges:
        kind, reverse = _DIRECTION[edge.scope]
        parent, child = ids[edge.parent], ids[edge.child]
        expected.add((child, kind, parent) if reverse else (parent, kind, child))
    assert found == sorted(expected)


@pytest.mark.parametrize(
    ("child", "kind"),
    [
        ("pkg:npm/express@4.22.3", RelationshipType.DEPENDS_ON),
        ("pkg:npm/jest@29.7.0", RelationshipType.DEV_DEPENDENCY_OF),
        ("pkg:npm/fsevents@2.3.3", RelationshipType.OPTIONAL_DEPENDENCY_OF),
        ("pkg:npm/typescript@5.6.3", RelationshipType.BUILD_DEPENDENCY_OF),
    ],
    ids=["runtime", "dev", "optional", "build"],
)
def test_scope_gives_relationship_type(child: str, kind: RelationshipType, tmp_path: Path) -> None:
    graph = small_graph()
    path = tmp_path / "sbom.spdx.json"
    path.write_text(_write(graph), encoding="utf-8")
    document = parse_from_file(str(path))
    ids = spdx_ids(graph)
    app, dependency = ids["pkg:npm/app@1.0.0"], ids[child]
    pairs = {
        (r.spdx_element_id, r.related_spdx_element_id)
        for r in document.relationships
        if r.relationship_type is kind
    }
    expected = (app, dependency) if kind is RelationshipType.DEPENDS_ON else (dependency, app)
    assert expected in pairs


def test_same_graph_gives_identical_bytes(any_graph: DependencyGraph) -> None:
    assert _write(any_graph) == _write(reversed_graph(any_graph))


def test_ids_stay_unique_when_sanitized_purls_collide() -> None:
    graph = DependencyGraph()
    graph.add_node(parse_purl("pkg:npm/a-b@1.0.0"))
    graph.add_node(parse_purl("pkg:npm/a_b@1.0.0"))
    ids = spdx_ids(graph)
    assert len(set(ids.values())) == 2
    assert all(spdx_id.startswith("SPDXRef-pkg-npm-a-b-1.0.0-") for spdx_id in ids.values())
    document: dict[str, Any] = json.loads(_write(graph))
    assert len(document["packages"]) == 2


def test_invalid_namespace_is_refused_with_the_validator_words() -> None:
    with pytest.raises(SinkError, match=r"^the SPDX document for 'demo' is not valid SPDX 2.3: "):
        to_spdx(small_graph(), name="demo", namespace="not a uri", created=_WHEN)


def test_graph_without_roots_describes_its_top_nodes() -> None:
    graph = small_graph()
    graph.roots.clear()
    document: dict[str, Any] = json.loads(_write(graph))
    described = [
        r["relatedSpdxElement"]
        for r in document["relationships"]
        if r["relationshipType"] == "DESCRIBES"
    ]
    assert described == [spdx_ids(graph)["pkg:npm/app@1.0.0"]]
