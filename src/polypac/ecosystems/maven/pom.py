"""Read a Maven ``pom.xml``: the project and the dependencies it declares.

The root is ``pkg:maven/<groupId>/<artifactId>@<version>``, the groupId and version taken
from ``<parent>`` when the project does not give its own. Each ``<dependency>`` of the
project's ``<dependencies>`` (not those of profiles or plugins) is a direct edge, its scope
from the Maven scope:

============================  =========================================================
Maven                         polypac
============================  =========================================================
``compile`` (the default)     ``RUNTIME`` (``OPTIONAL`` with ``<optional>true``)
``runtime``                   ``RUNTIME`` (``OPTIONAL`` with ``<optional>true``)
``test``                      ``DEV``
``provided``                  ``BUILD``: compiled against, supplied by the container
``system``                    ``SYSTEM``: a file of the machine (``<systemPath>``)
============================  =========================================================

``${name}`` is replaced from ``<properties>`` and the project's own coordinates
(``project.groupId``, ``project.version``, ``project.parent.version``...). A dependency
without a version (or scope) takes it from the file's ``<dependencyManagement>``. What
another file defines (the parent's properties and dependency management, an imported
BOM) is not known here: such a dependency is a node without version. So is one whose
version is a range (``[1.0,2.0)``) or ``LATEST``/``RELEASE``: a manifest asks, it does not
pin. A dependency naming an unknown property in its groupId or artifactId is reported
and skipped.

An imported BOM (``<dependencyManagement>`` entry with ``<scope>import</scope>``) is read
at build time to fill in versions: it is a ``BUILD`` edge to ``pkg:maven/...?type=pom``.
``type`` (when not ``jar``) and ``classifier`` become PURL qualifiers, as the maven PURL
type defines.

The XML is read with :mod:`xml.parsers.expat` (which ElementTree is built on) because
ElementTree keeps no line numbers; a document type declaration is refused (a POM has
none, and it is how entity expansion attacks come in).

    >>> pom = '''<project xmlns="http://maven.apache.org/POM/4.0.0">
    ...   <groupId>org.example</groupId><artifactId>app</artifactId><version>1.0</version>
    ...   <dependencies>
    ...     <dependency>
    ...       <groupId>junit</groupId><artifactId>junit</artifactId><version>4.13.2</version>
    ...       <scope>test</scope>
    ...     </dependency>
    ...   </dependencies>
    ... </project>'''
    >>> [str(e) for e in read_pom(pom, source="app/pom.xml").graph.edges]
    ['pkg:maven/org.example/app@1.0 -> pkg:maven/junit/junit@4.13.2 (dev, direct, app/pom.xml:4)']
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from xml.parsers import expat

from polypac.errors import PolypacError
from polypac.inventory.graph import Location, LockfileError, Node, ReadResult, Scope
from polypac.purl import PackageURL, build_purl

__all__ = ["maven_purl", "read_pom"]

WHAT = "pom.xml"

_NAMESPACE = "http://maven.apache.org/POM/4.0.0"
_PROPERTY = re.compile(r"\$\{([^${}]*)\}")
_SCOPES = {
    "compile": Scope.RUNTIME,
    "runtime": Scope.RUNTIME,
    "test": Scope.DEV,
    "provided": Scope.BUILD,
    "system": Scope.SYSTEM,
}
_NOT_PINNED = frozenset({"LATEST", "RELEASE"})
_MAX_EXPANSIONS = 32


@dataclass(slots=True)
class _Element:
    tag: str
    line: int
    column: int
    children: list[_Element] = field(default_factory=list)
    text_parts: list[str] = field(default_factory=list)
    closed: bool = False

    def child(self, tag: str) -> _Element | None:
        return next((c for c in self.children if c.tag == tag), None)

    def text_of(self, tag: str) -> str | None:
        found = self.child(tag)
        return "".join(found.text_parts).strip() if found is not None else None


class _Refused(Exception):
    """Stops the parser at a construct that a POM never holds."""


def maven_purl(
    group_id: str,
    artifact_id: str,
    version: str | None = None,
    *,
    type: str | None = None,  # shadows the builtin: the Maven coordinate is called "type"
    classifier: str | None = None,
) -> PackageURL:
    """``pkg:maven/<groupId>/<artifactId>@<version>`` with ``type`` (unless ``jar``, the
    default) and ``classifier`` qualifiers.

    >>> maven_purl("org.junit", "junit-bom", "5.10.2", type="pom").to_string()
    'pkg:maven/org.junit/junit-bom@5.10.2?type=pom'
    """
    qualifiers: dict[str, str] = {}
    if type and type != "jar":
        qualifiers["type"] = type
    if classifier:
        qualifiers["classifier"] = classifier
    return build_purl(
        "maven", artifact_id, namespace=group_id, version=version, qualifiers=qualifiers or None
    )


def read_pom(text: str, *, source: str) -> ReadResult:
    """The graph of the pom.xml ``text`` read from file ``source``: the project and its
    declared dependencies; problems are returned in ``errors``. When the XML is broken (a
    truncated file), the dependencies read whole before the break are kept."""
    result = ReadResult()
    lines = text.splitlines()
    project = _parse(text, lines, result.errors, source)
    reader = _Reader(result, lines, source)
    if project is None:
        reader.generic_root()
        return result
    reader.read(project)
    return result


def _parse(
    text: str, lines: list[str], errors: list[LockfileError], source: str
) -> _Element | None:
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    top: list[_Element] = []
    stack: list[_Element] = []

    def start(name: str, _attributes: dict[str, str]) -> None:
        namespace, _, local = name.rpartition(" ")
        tag = local if namespace in ("", _NAMESPACE) else f"{{{namespace}}}{local}"
        element = _Element(tag, parser.CurrentLineNumber, parser.CurrentColumnNumber)
        (stack[-1].children if stack else top).append(element)
        stack.append(element)

    def end(_name: str) -> None:
        stack.pop().closed = True

    def characters(data: str) -> None:
        if stack:
            stack[-1].text_parts.append(data)

    def doctype(*_: object) -> None:
        raise _Refused

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    parser.StartDoctypeDeclHandler = doctype
    try:
        parser.Parse(text, True)
    except expat.ExpatError as error:
        line = error.lineno
        line_text = lines[line - 1] if 0 < line <= len(lines) else ""
        problem = f"not well-formed XML: {expat.errors.messages[error.code]}"
        column = min(error.offset, len(line_text))
        errors.append(
            LockfileError(line_text, column, problem, what=WHAT, source=source, line=line or None)
        )
    except _Refused:
        line = parser.CurrentLineNumber
        line_text = lines[line - 1] if 0 < line <= len(lines) else ""
        problem = "a POM has no document type declaration (<!DOCTYPE ...>)"
        errors.append(LockfileError(line_text, None, problem, what=WHAT, source=source, line=line))
        return None
    except RecursionError:
        problem = "the XML is nested too deeply"
        errors.append(LockfileError("", None, problem, what=WHAT, source=source))
        return None
    if not top:
        return None
    if top[0].tag != "project":
        line = top[0].line
        problem = f"the top element must be <project>, not <{top[0].tag}>"
        errors.append(
            LockfileError(lines[line - 1], None, problem, what=WHAT, source=source, line=line)
        )
        return None
    return top[0]


@dataclass(frozen=True, slots=True)
class _Coordinates:
    group_id: str
    artifact_id: str
    version: str | None
    type: str
    classifier: str | None
    scope: str | None
    optional: bool


class _Reader:
    """The state of one read: the result, the text's lines, the properties."""

    def __init__(self, result: ReadResult, lines: list[str], source: str) -> None:
        self.result = result
        self.lines = lines
        self.source = source
        self.properties: dict[str, str] = {}

    def fail(self, line: int, problem: str) -> None:
        line_text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        self.result.errors.append(
            LockfileError(line_text, None, problem, what=WHAT, source=self.source, line=line)
        )

    def generic_root(self) -> Node:
        path = PurePosixPath(self.source.replace("\\", "/"))
        name = path.parent.name or path.stem or "project"
        try:
            purl = build_purl("generic", name)
        except PolypacError:
            purl = build_purl("generic", "project")
        return self.result.graph.add_node(purl, root=True)

    def read(self, project: _Element) -> None:
        self._collect_properties(project)
        root = self._root(project)
        management = self._management(project, root)
        dependencies = project.child("dependencies")
        if dependencies is None:
            return
        for element in dependencies.children:
            if element.tag != "dependency" or not element.closed:
                continue
            coordinates = self._coordinates(element)
            if coordinates is None:
                continue
            managed = management.get(_key(coordinates))
            version, scope_name = coordinates.version, coordinates.scope
            if managed is not None:
                version = version or managed.version
                scope_name = scope_name or managed.scope
            scope = _SCOPES.get(scope_name or "compile")
            if scope is None:
                self.fail(
                    element.line,
                    f"unknown scope {scope_name!r} (expected compile, runtime, test, "
                    "provided or system)",
                )
                continue
            if coordinates.optional and scope is Scope.RUNTIME:
                scope = Scope.OPTIONAL
            child = self._node(coordinates, _pinned(version), element.line)
            if child is not None:
                where = Location(self.source, element.line)
                self.result.graph.add_edge(root, child, scope, direct=True, declared_at=where)

    def _collect_properties(self, project: _Element) -> None:
        parent = project.child("parent")
        own = {
            "groupId": project.text_of("groupId"),
            "artifactId": project.text_of("artifactId"),
            "version": project.text_of("version"),
        }
        inherited = {
            key: parent.text_of(key) if parent is not None else None
            for key in ("groupId", "artifactId", "version")
        }
        for key in ("groupId", "artifactId", "version"):
            value = own[key] or (inherited[key] if key != "artifactId" else None)
            if value:
                self.properties[f"project.{key}"] = value
                self.properties[f"pom.{key}"] = value
            if inherited[key]:
                self.properties[f"project.parent.{key}"] = inherited[key] or ""
                self.properties[f"parent.{key}"] = inherited[key] or ""
        declared = project.child("properties")
        if declared is not None:
            for element in declared.children:
                if not element.tag.startswith("{"):
                    self.properties[element.tag] = "".join(element.text_parts).strip()

    def expand(self, value: str) -> str:
        """``value`` with each known ``${name}`` replaced (properties may use properties)."""
        for _ in range(_MAX_EXPANSIONS):
            expanded = _PROPERTY.sub(lambda m: self.properties.get(m[1], m[0]), value)
            if expanded == value:
                break
            value = expanded
        return value

    def _root(self, project: _Element) -> Node:
        artifact_id = self.properties.get("project.artifactId")
        group_id = self.properties.get("project.groupId")
        if not artifact_id or not group_id:
            self.fail(
                project.line,
                "the project needs an artifactId and a groupId (its own or its parent's)",
            )
            return self.generic_root()
        version = self.properties.get("project.version")
        try:
            purl = maven_purl(self.expand(group_id), self.expand(artifact_id), version)
        except PolypacError as error:
            self.fail(project.line, f"the project cannot make a PURL: {_first_line(error)}")
            return self.generic_root()
        return self.result.graph.add_node(purl, root=True)

    def _management(self, project: _Element, root: Node) -> dict[tuple[str, ...], _Coordinates]:
        management: dict[tuple[str, ...], _Coordinates] = {}
        section = project.child("dependencyManagement")
        dependencies = section.child("dependencies") if section is not None else None
        if dependencies is None:
            return management
        for element in dependencies.children:
            if element.tag != "dependency" or not element.closed:
                continue
            coordinates = self._coordinates(element)
            if coordinates is None:
                continue
            if coordinates.scope == "import" and coordinates.type == "pom":
                child = self._node(coordinates, _pinned(coordinates.version), element.line)
                if child is not None:
                    where = Location(self.source, element.line)
                    self.result.graph.add_edge(
                        root, child, Scope.BUILD, direct=True, declared_at=where
                    )
                continue
            management.setdefault(_key(coordinates), coordinates)
        return management

    def _coordinates(self, element: _Element) -> _Coordinates | None:
        values: dict[str, str | None] = {}
        for tag in ("groupId", "artifactId", "version", "type", "classifier", "scope"):
            raw = element.text_of(tag)
            values[tag] = self.expand(raw) if raw else None
        group_id, artifact_id = values["groupId"], values["artifactId"]
        if not group_id or not artifact_id:
            self.fail(element.line, "a dependency needs a groupId and an artifactId")
            return None
        for tag in ("groupId", "artifactId", "type", "classifier"):
            unknown = _PROPERTY.search(values[tag] or "")
            if unknown is not None:
                self.fail(
                    element.line,
                    f"the {tag} {values[tag]!r} names a property this file does not define: "
                    f"{unknown[0]}",
                )
                return None
        return _Coordinates(
            group_id,
            artifact_id,
            values["version"],
            values["type"] or "jar",
            values["classifier"],
            values["scope"],
            (self.expand(element.text_of("optional") or "")).lower() == "true",
        )

    def _node(self, coordinates: _Coordinates, version: str | None, line: int) -> Node | None:
        try:
            purl = maven_purl(
                coordinates.group_id,
                coordinates.artifact_id,
                version,
                type=coordinates.type,
                classifier=coordinates.classifier,
            )
        except PolypacError as error:
            name = f"{coordinates.group_id}:{coordinates.artifact_id}"
            self.fail(line, f"dependency {name!r} cannot make a PURL: {_first_line(error)}")
            return None
        return self.result.graph.add_node(purl)


def _key(coordinates: _Coordinates) -> tuple[str, ...]:
    """What Maven matches a dependency with its managed entry by."""
    return (
        coordinates.group_id,
        coordinates.artifact_id,
        coordinates.type,
        coordinates.classifier or "",
    )


def _pinned(version: str | None) -> str | None:
    """``version`` when it names one version: not a range, unresolved property or keyword."""
    if not version or version[0] in "[(" or version in _NOT_PINNED or "${" in version:
        return None
    return version


def _first_line(error: Exception) -> str:
    return str(error).splitlines()[0] if str(error) else type(error).__name__
