"""SBOMs as input: CycloneDX JSON (1.4 to 1.6) and SPDX 2.3 JSON read into a dependency graph.

Both formats name each package by a PURL (CycloneDX ``components[].purl``, SPDX
``externalRefs`` of type ``purl``), so the graph is keyed exactly as the SBOM says. A package
without a PURL, or with one that does not parse, is listed as an error and left out; the rest
is still read.

CycloneDX: the root is ``metadata.component``; ``components`` (nested ``components`` too) are
the packages; ``dependencies`` (``ref`` -> ``dependsOn``, by ``bom-ref``) are the edges. A
component's ``scope`` gives the edge scope: ``required`` runtime, ``optional`` optional,
``excluded`` (not part of what ships: tests, tooling) dev. The registered npm properties
``cdx:npm:package:development`` and ``cdx:npm:package:optional`` (``"true"``), which
``npm sbom`` writes, make a component dev or optional too.

SPDX: the root is the package the document ``DESCRIBES`` (``documentDescribes`` or a
``DESCRIBES`` relationship). ``DEPENDS_ON`` and ``CONTAINS`` are runtime edges from the first
element to the second; ``DEPENDENCY_OF``, ``RUNTIME_DEPENDENCY_OF``, ``PROVIDED_DEPENDENCY_OF``
(runtime), ``DEV_DEPENDENCY_OF``, ``TEST_DEPENDENCY_OF`` (dev), ``OPTIONAL_DEPENDENCY_OF``
(optional) and ``BUILD_DEPENDENCY_OF`` (build) go from the second to the first.

In both, an edge is direct when its parent is the root. When the SBOM does not say what the
root depends on, the packages that nothing else depends on are taken as the root's direct
dependencies. Without a root, the root is ``pkg:generic/<directory-or-file-stem>`` of
``source``. Each edge's ``declared_at`` is the line where the child's component or package
object opens.

    >>> bom = '''{"bomFormat": "CycloneDX", "specVersion": "1.6",
    ...  "metadata": {"component": {"bom-ref": "app", "purl": "pkg:npm/app@1.0.0"}},
    ...  "components": [
    ...   {"bom-ref": "ms", "purl": "pkg:npm/ms@2.1.3"}],
    ...  "dependencies": [{"ref": "app", "dependsOn": ["ms"]}]}'''
    >>> [str(e) for e in read_cyclonedx_json(bom, source="bom.json").graph.edges]
    ['pkg:npm/app@1.0.0 -> pkg:npm/ms@2.1.3 (runtime, direct, bom.json:4)']
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from polypac.errors import PurlError
from polypac.inventory.graph import (
    DependencyGraph,
    Location,
    LockfileError,
    Node,
    ReadResult,
    Scope,
)
from polypac.purl import build_purl, parse_purl

__all__ = ["read_cyclonedx_json", "read_spdx_json"]

_CYCLONEDX = "CycloneDX JSON"
_SPDX = "SPDX JSON"

_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\],:]')

# A key path into a JSON document: object keys and array indexes.
_Path = tuple[str | int, ...]

# (parent identifier, child identifier, scope or None for the child's own scope)
_Pair = tuple[str, str, Scope | None]

_CDX_SCOPES = {"required": Scope.RUNTIME, "optional": Scope.OPTIONAL, "excluded": Scope.DEV}

# SPDX relationship type -> (scope, True when the edge goes from the related element to the
# element, i.e. "A DEPENDENCY_OF B" means B depends on A).
_SPDX_RELATIONSHIPS = {
    "DEPENDS_ON": (Scope.RUNTIME, False),
    "CONTAINS": (Scope.RUNTIME, False),
    "DEPENDENCY_OF": (Scope.RUNTIME, True),
    "RUNTIME_DEPENDENCY_OF": (Scope.RUNTIME, True),
    "PROVIDED_DEPENDENCY_OF": (Scope.RUNTIME, True),
    "DEV_DEPENDENCY_OF": (Scope.DEV, True),
    "TEST_DEPENDENCY_OF": (Scope.DEV, True),
    "OPTIONAL_DEPENDENCY_OF": (Scope.OPTIONAL, True),
    "BUILD_DEPENDENCY_OF": (Scope.BUILD, True),
}


@dataclass(frozen=True, slots=True)
class _Package:
    """One SBOM entry that made a node: the node, the line it opens on, its own scope."""

    node: Node
    line: int
    scope: Scope


class _Reader:
    """State shared while one SBOM is read: text, lines, result, and error reporting."""

    def __init__(self, text: str, source: str, what: str) -> None:
        self.text = text
        self.source = source
        self.what = what
        self.lines = text.splitlines()
        self.result = ReadResult()
        self.object_lines: dict[_Path, int] = {}
        # Identifiers of entries already reported (no or bad purl): not reported again.
        self.skipped: set[str] = set()

    def fail(self, line: int, problem: str, column: int | None = None) -> None:
        shown = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        if column is not None and not 0 <= column <= len(shown):
            column = None
        self.result.errors.append(
            LockfileError(
                shown, column, problem, what=self.what, source=self.source, line=line or None
            )
        )

    def load(self) -> dict[str, Any] | None:
        """The document as a JSON object, or ``None`` after recording why not."""
        try:
            document = json.loads(self.text)
        except json.JSONDecodeError as error:
            self.fail(error.lineno, f"not JSON: {error.msg}", error.colno - 1)
            return None
        except (ValueError, RecursionError) as error:
            self.fail(1, f"not JSON: {error}")
            return None
        if not isinstance(document, dict):
            self.fail(1, "the top level must be an object")
            return None
        self.object_lines = _object_lines(self.text)
        return document

    def generic_root(self) -> Node:
        path = PurePosixPath(self.source.replace("\\", "/"))
        name = path.parent.name or path.stem or "project"
        try:
            purl = build_purl("generic", name)
        except PurlError:
            purl = build_purl("generic", "project")
        return self.result.graph.add_node(purl, root=True)

    def node_for(self, purl_text: object, label: str, line: int) -> Node | None:
        """The node of the PURL ``purl_text``, or ``None`` after recording the problem."""
        if purl_text is None:
            self.fail(line, f"{label} has no purl")
            return None
        if not isinstance(purl_text, str):
            self.fail(line, f"the purl of {label} must be a string")
            return None
        try:
            purl = parse_purl(purl_text)
        except PurlError as error:
            self.fail(line, f"{label} has a bad purl {purl_text!r}: {error.problem}")
            return None
        return self.result.graph.add_node(purl)


def _object_lines(text: str) -> dict[_Path, int]:
    """The 1-based line where each object of the (valid) JSON ``text`` opens, by its path.

    Unlike :func:`polypac.inventory._readers.json_key_lines`, which locates keys and folds
    array items into one path, this tells array items apart by index: an SBOM's components
    are items of one array, each to be located on its own.
    """
    lines: dict[_Path, int] = {}
    # Each frame: the path of the container, True for an object, the next array index.
    stack: list[list[Any]] = []
    expecting_key = False
    last_key = ""
    line = 1
    offset = 0

    def child_path() -> _Path:
        if not stack:
            return ()
        frame = stack[-1]
        if frame[1]:
            return (*frame[0], last_key)
        return (*frame[0], frame[2])

    for match in _JSON_TOKEN.finditer(text):
        start = match.start()
        line += text.count("\n", offset, start)
        offset = start
        token = match.group()
        if token in {"{", "["}:
            path = child_path()
            if token == "{":
                lines.setdefault(path, line)
            stack.append([path, token == "{", 0])
            expecting_key = token == "{"
        elif token in {"}", "]"}:
            if stack:
                stack.pop()
            expecting_key = False
        elif token == ",":
            if stack and not stack[-1][1]:
                stack[-1][2] += 1
            expecting_key = bool(stack) and stack[-1][1]
        elif token == ":":
            expecting_key = False
        elif expecting_key:
            try:
                last_key = str(json.loads(token))
            except ValueError:
                last_key = token[1:-1]
            expecting_key = False
    return lines


# --- CycloneDX -------------------------------------------------------------------------------


def _cdx_scope(component: Mapping[str, Any]) -> Scope:
    scope = _CDX_SCOPES.get(str(component.get("scope", "required")), Scope.RUNTIME)
    properties = component.get("properties")
    if isinstance(properties, list):
        flags = {
            item.get("name")
            for item in properties
            if isinstance(item, dict) and item.get("value") == "true"
        }
        if "cdx:npm:package:development" in flags:
            return Scope.DEV
        if "cdx:npm:package:optional" in flags:
            return Scope.OPTIONAL
    return scope


def _cdx_components(components: object, path: _Path) -> Iterator[tuple[_Path, object]]:
    """Every component under ``path`` (a ``components`` array), nested ones included."""
    if not isinstance(components, list):
        return
    for index, component in enumerate(components):
        here = (*path, index)
        yield here, component
        if isinstance(component, dict):
            yield from _cdx_components(component.get("components"), (*here, "components"))


def read_cyclonedx_json(text: str, *, source: str) -> ReadResult:
    """Read a CycloneDX JSON SBOM (spec 1.4 to 1.6) into a dependency graph."""
    reader = _Reader(text, source, _CYCLONEDX)
    document = reader.load()
    if document is None:
        reader.generic_root()
        return reader.result
    if document.get("bomFormat") != "CycloneDX":
        reader.fail(1, f"bomFormat must be 'CycloneDX', not {document.get('bomFormat')!r}")
        reader.generic_root()
        return reader.result
    by_ref: dict[str, _Package] = {}
    root: Node | None = None
    root_ref: str | None = None
    metadata = document.get("metadata")
    component = metadata.get("component") if isinstance(metadata, dict) else None
    if isinstance(component, dict):
        line = reader.object_lines.get(("metadata", "component"), 0)
        ref = component.get("bom-ref")
        root_ref = ref if isinstance(ref, str) else None
        root = _cdx_root(reader, component, line)
    if root is None:
        root = reader.generic_root()
    for path, entry in _cdx_components(document.get("components"), ("components",)):
        line = reader.object_lines.get(path, 0)
        if not isinstance(entry, dict):
            reader.fail(line, "a component must be an object")
            continue
        label = _label(entry.get("name"), entry.get("bom-ref"), "component")
        node = reader.node_for(entry.get("purl"), label, line)
        ref = entry.get("bom-ref")
        if node is None:
            if isinstance(ref, str):
                reader.skipped.add(ref)
            continue
        if isinstance(ref, str):
            by_ref.setdefault(ref, _Package(node, line, _cdx_scope(entry)))
    edges = _cdx_dependencies(reader, document.get("dependencies"), by_ref, root_ref)
    _add_edges(reader.result.graph, root, root_ref, edges, by_ref, source)
    return reader.result


def _cdx_root(reader: _Reader, component: Mapping[str, Any], line: int) -> Node | None:
    purl_text = component.get("purl")
    if isinstance(purl_text, str):
        try:
            return reader.result.graph.add_node(parse_purl(purl_text), root=True)
        except PurlError as error:
            reader.fail(line, f"the root component has a bad purl {purl_text!r}: {error.problem}")
    name, version = component.get("name"), component.get("version")
    if isinstance(name, str) and name:
        try:
            purl = build_purl(
                "generic", name, version=version if isinstance(version, str) else None
            )
        except PurlError:
            return None
        return reader.result.graph.add_node(purl, root=True)
    return None


def _label(name: object, ref: object, fallback: str) -> str:
    if isinstance(name, str) and name:
        return f"{fallback} {name!r}"
    if isinstance(ref, str) and ref:
        return f"{fallback} {ref!r}"
    return fallback


def _cdx_dependencies(
    reader: _Reader,
    dependencies: object,
    by_ref: Mapping[str, _Package],
    root_ref: str | None,
) -> list[_Pair]:
    """The (parent ref, child ref, None) of ``dependencies`` whose refs are known."""
    pairs: list[_Pair] = []
    if dependencies is None:
        return pairs
    if not isinstance(dependencies, list):
        reader.fail(reader.object_lines.get((), 1), "dependencies must be an array")
        return pairs
    known = set(by_ref) | ({root_ref} if root_ref else set())
    for index, entry in enumerate(dependencies):
        line = reader.object_lines.get(("dependencies", index), 0)
        if not isinstance(entry, dict) or not isinstance(entry.get("ref"), str):
            reader.fail(line, "a dependencies entry must be an object with a string ref")
            continue
        parent = entry["ref"]
        children = entry.get("dependsOn", [])
        if not isinstance(children, list):
            reader.fail(line, f"dependsOn of {parent!r} must be an array")
            continue
        if parent not in known:
            if parent not in reader.skipped:
                reader.fail(line, f"dependencies name an unknown bom-ref {parent!r}")
            continue
        for child in children:
            if not isinstance(child, str) or child not in by_ref:
                if child != root_ref and child not in reader.skipped:
                    reader.fail(line, f"{parent!r} depends on an unknown bom-ref {child!r}")
                continue
            pairs.append((parent, child, None))
    return pairs


def _add_edges(
    graph: DependencyGraph,
    root: Node,
    root_ref: str | None,
    pairs: list[_Pair],
    by_ref: Mapping[str, _Package],
    source: str,
) -> None:
    """Add ``pairs`` (by ref; the scope ``None`` means the child's own) to ``graph``; the
    root's own pairs, or else the packages no one depends on, are the direct edges."""
    depended_on = {child for parent, child, _ in pairs if parent != root_ref}
    has_root_edges = any(parent == root_ref for parent, _, _ in pairs)
    if not has_root_edges:
        for ref, package in by_ref.items():
            if ref not in depended_on and package.node.key != root.key:
                where = Location(source, package.line)
                graph.add_edge(root, package.node, package.scope, direct=True, declared_at=where)
    for parent_ref, child_ref, scope in pairs:
        child = by_ref[child_ref]
        is_root = parent_ref == root_ref
        parent = root if is_root else by_ref[parent_ref].node
        if parent.key == child.node.key:
            continue
        where = Location(source, child.line)
        edge_scope = scope or child.scope
        graph.add_edge(parent, child.node, edge_scope, direct=is_root, declared_at=where)


# --- SPDX ------------------------------------------------------------------------------------


def _spdx_purl(package: Mapping[str, Any]) -> object:
    """The locator of the package's first ``purl`` external reference (``None`` if none)."""
    refs = package.get("externalRefs")
    if not isinstance(refs, list):
        return None
    for ref in refs:
        if (
            isinstance(ref, dict)
            and ref.get("referenceType") == "purl"
            and ref.get("referenceCategory") in ("PACKAGE-MANAGER", "PACKAGE_MANAGER", None)
        ):
            return ref.get("referenceLocator")
    return None


def _spdx_described(document: Mapping[str, Any]) -> list[str]:
    """The SPDX ids the document describes, in the order written."""
    described: list[str] = []
    listed = document.get("documentDescribes")
    if isinstance(listed, list):
        described.extend(item for item in listed if isinstance(item, str))
    document_id = document.get("SPDXID", "SPDXRef-DOCUMENT")
    relationships = document.get("relationships")
    if isinstance(relationships, list):
        for entry in relationships:
            if not isinstance(entry, dict):
                continue
            kind = entry.get("relationshipType")
            element, related = entry.get("spdxElementId"), entry.get("relatedSpdxElement")
            if kind == "DESCRIBES" and element == document_id and isinstance(related, str):
                described.append(related)
            elif kind == "DESCRIBED_BY" and related == document_id and isinstance(element, str):
                described.append(element)
    return described


def read_spdx_json(text: str, *, source: str) -> ReadResult:
    """Read an SPDX 2.3 JSON document into a dependency graph."""
    reader = _Reader(text, source, _SPDX)
    document = reader.load()
    if document is None:
        reader.generic_root()
        return reader.result
    version = document.get("spdxVersion")
    if not isinstance(version, str) or not version.startswith("SPDX-"):
        reader.fail(1, f"spdxVersion must be 'SPDX-2.x', not {version!r}")
        reader.generic_root()
        return reader.result
    described = _spdx_described(document)
    root_id = described[0] if described else None
    root: Node | None = None
    by_id: dict[str, _Package] = {}
    packages = document.get("packages", [])
    if not isinstance(packages, list):
        reader.fail(reader.object_lines.get((), 1), "packages must be an array")
        packages = []
    for index, entry in enumerate(packages):
        line = reader.object_lines.get(("packages", index), 0)
        if not isinstance(entry, dict):
            reader.fail(line, "a package must be an object")
            continue
        spdx_id = entry.get("SPDXID")
        if not isinstance(spdx_id, str):
            reader.fail(line, "a package must have a string SPDXID")
            continue
        if spdx_id == root_id:
            root = _spdx_root(reader, entry, line)
            continue
        label = _label(entry.get("name"), spdx_id, "package")
        node = reader.node_for(_spdx_purl(entry), label, line)
        if node is None:
            reader.skipped.add(spdx_id)
            continue
        by_id.setdefault(spdx_id, _Package(node, line, Scope.RUNTIME))
    if root is None:
        root = reader.generic_root()
    document_id = str(document.get("SPDXID", "SPDXRef-DOCUMENT"))
    relationships = document.get("relationships")
    pairs = _spdx_relationships(reader, relationships, by_id, root_id, document_id)
    _add_edges(reader.result.graph, root, root_id, pairs, by_id, source)
    return reader.result


def _spdx_root(reader: _Reader, package: Mapping[str, Any], line: int) -> Node | None:
    purl_text = _spdx_purl(package)
    name, version = package.get("name"), package.get("versionInfo")
    fallback = {"name": name, "version": version}
    return _cdx_root(reader, {"purl": purl_text, **fallback}, line)


def _spdx_relationships(
    reader: _Reader,
    relationships: object,
    by_id: Mapping[str, _Package],
    root_id: str | None,
    document_id: str,
) -> list[_Pair]:
    """The (parent id, child id, scope) of the dependency relationships between known ids."""
    pairs: list[_Pair] = []
    if relationships is None:
        return pairs
    if not isinstance(relationships, list):
        reader.fail(reader.object_lines.get((), 1), "relationships must be an array")
        return pairs
    known = set(by_id) | ({root_id} if root_id else set())
    for index, entry in enumerate(relationships):
        line = reader.object_lines.get(("relationships", index), 0)
        if not isinstance(entry, dict):
            reader.fail(line, "a relationship must be an object")
            continue
        kind = str(entry.get("relationshipType"))
        rule = _SPDX_RELATIONSHIPS.get(kind)
        if rule is None:
            continue
        scope, reverse = rule
        element, related = entry.get("spdxElementId"), entry.get("relatedSpdxElement")
        parent, child = (related, element) if reverse else (element, related)
        if not isinstance(parent, str) or not isinstance(child, str):
            reader.fail(line, "a relationship needs string spdxElementId and relatedSpdxElement")
            continue
        if parent in reader.skipped or child in reader.skipped:
            continue
        if parent not in known or child not in by_id:
            # CONTAINS also links files and the document itself; references into other
            # documents (DocumentRef-...) cannot be followed: neither is a problem.
            unresolvable = {parent, child} & {document_id, root_id} or any(
                end.startswith("DocumentRef-") for end in (parent, child)
            )
            if kind != "CONTAINS" and not unresolvable:
                unknown = parent if parent not in known else child
                reader.fail(line, f"a relationship names an unknown SPDXID {unknown!r}")
            continue
        pairs.append((parent, child, scope))
    return pairs
