"""SPDX 2.3 JSON from a :class:`~polypac.inventory.DependencyGraph`.

One package per node, each with an external reference of category PACKAGE-MANAGER and type
``purl`` whose locator is the node's canonical PURL string. The document DESCRIBES each
root (or, in a graph without roots, each node that no edge points to, and every node when
there is none such). Edges become relationships by scope, in the direction SPDX 2.3 names them:

- runtime and system: ``parent DEPENDS_ON child``;
- dev: ``child DEV_DEPENDENCY_OF parent``;
- optional: ``child OPTIONAL_DEPENDENCY_OF parent``;
- build: ``child BUILD_DEPENDENCY_OF parent``.

Packages come sorted by PURL and relationships sorted, so the same graph and ``created``
time give a byte-identical document.
"""

from __future__ import annotations

import hashlib
import io
import re
from datetime import datetime

from spdx_tools.spdx.model.actor import Actor, ActorType
from spdx_tools.spdx.model.document import CreationInfo, Document
from spdx_tools.spdx.model.package import (
    ExternalPackageRef,
    ExternalPackageRefCategory,
    Package,
)
from spdx_tools.spdx.model.relationship import Relationship, RelationshipType
from spdx_tools.spdx.model.spdx_no_assertion import SpdxNoAssertion
from spdx_tools.spdx.validation.creation_info_validator import validate_creation_info
from spdx_tools.spdx.validation.package_validator import validate_packages
from spdx_tools.spdx.writer.json.json_writer import write_document_to_stream

from polypac.inventory import DependencyGraph, Scope
from polypac.sinks import SinkError

__all__ = ["DOCUMENT_ID", "spdx_ids", "to_spdx"]

DOCUMENT_ID = "SPDXRef-DOCUMENT"
"""The SPDX identifier of the document itself (fixed by the spec)."""

_NOT_IDSTRING = re.compile(r"[^A-Za-z0-9.-]+")

# (relationship type, whether the edge's child is the relationship's subject)
_RELATIONSHIP = {
    Scope.RUNTIME: (RelationshipType.DEPENDS_ON, False),
    Scope.SYSTEM: (RelationshipType.DEPENDS_ON, False),
    Scope.DEV: (RelationshipType.DEV_DEPENDENCY_OF, True),
    Scope.OPTIONAL: (RelationshipType.OPTIONAL_DEPENDENCY_OF, True),
    Scope.BUILD: (RelationshipType.BUILD_DEPENDENCY_OF, True),
}


def spdx_ids(graph: DependencyGraph) -> dict[str, str]:
    """The SPDX identifier of each node: ``SPDXRef-`` and the PURL with every run of
    characters outside ``[A-Za-z0-9.-]`` made ``-``; when two PURLs would share one, each
    gets the first 8 hex digits of its PURL's SHA-256 appended."""
    plain = {key: "SPDXRef-" + _NOT_IDSTRING.sub("-", key).strip("-") for key in graph.nodes}
    count: dict[str, int] = {}
    for spdx_id in plain.values():
        count[spdx_id] = count.get(spdx_id, 0) + 1
    return {
        key: spdx_id
        if count[spdx_id] == 1
        else f"{spdx_id}-{hashlib.sha256(key.encode()).hexdigest()[:8]}"
        for key, spdx_id in plain.items()
    }


def to_spdx(
    graph: DependencyGraph,
    *,
    name: str,
    namespace: str,
    created: datetime,
    creator: str = "polypac",
) -> str:
    """The graph as an SPDX 2.3 JSON document named ``name``.

    ``namespace`` is the document's unique URI (SPDX wants one per document), ``created`` its
    creation time (a parameter, so that output is reproducible), ``creator`` the tool named
    as creator. Raises :class:`SinkError` listing the validator's messages when the result
    is not valid SPDX 2.3 (for example a namespace that is not a URI).
    """
    ids = spdx_ids(graph)
    creation = CreationInfo(
        spdx_version="SPDX-2.3",
        spdx_id=DOCUMENT_ID,
        name=name,
        document_namespace=namespace,
        creators=[Actor(ActorType.TOOL, creator)],
        created=created.replace(microsecond=0),
    )
    packages = [
        Package(
            spdx_id=ids[key],
            name=_package_name(graph, key),
            download_location=SpdxNoAssertion(),
            version=graph.nodes[key].purl.version,
            files_analyzed=False,
            external_references=[
                ExternalPackageRef(ExternalPackageRefCategory.PACKAGE_MANAGER, "purl", key)
            ],
        )
        for key in sorted(graph.nodes)
    ]
    relationships = {
        (DOCUMENT_ID, RelationshipType.DESCRIBES.name, ids[key]) for key in _described(graph)
    }
    for edge in graph.edges:
        kind, child_first = _RELATIONSHIP[edge.scope]
        parent, child = ids[edge.parent], ids[edge.child]
        relationships.add((child, kind.name, parent) if child_first else (parent, kind.name, child))
    document = Document(
        creation,
        packages=packages,
        relationships=[
            Relationship(subject, RelationshipType[kind], target)
            for subject, kind, target in sorted(relationships)
        ],
    )
    # The library's whole-document validator looks up every identifier by scanning the
    # whole document (time in n squared: 25.8 s for 2,543 packages and 9,508 edges, see
    # docs/benchmarks.md). Every identifier here comes from ``ids`` and every relationship
    # type from the table above, so only the parts a caller gives are validated: the
    # creation info and each package. The tests validate whole documents.
    messages = validate_creation_info(creation, "SPDX-2.3")
    messages += validate_packages(packages, "SPDX-2.3")
    if messages:
        problems = "; ".join(sorted(message.validation_message for message in messages))
        raise SinkError(f"the SPDX document for {name!r} is not valid SPDX 2.3: {problems}")
    stream = io.StringIO()
    write_document_to_stream(document, stream, validate=False)
    return stream.getvalue() + "\n"


def _package_name(graph: DependencyGraph, key: str) -> str:
    purl = graph.nodes[key].purl
    return f"{purl.namespace}/{purl.name}" if purl.namespace else purl.name


def _described(graph: DependencyGraph) -> set[str]:
    """What the document DESCRIBES: the roots, else the nodes nothing depends on."""
    if graph.roots:
        return set(graph.roots)
    children = {edge.child for edge in graph.edges}
    tops = set(graph.nodes) - children
    return tops or set(graph.nodes)
