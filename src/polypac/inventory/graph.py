"""The hub of the main job: a dependency graph whose nodes are PURLs.

Readers of manifests and lockfiles (one per format, under ``ecosystems/<name>/``) each
return a :class:`ReadResult`: the graph of one file and the problems met on the way. The
scan merges them. Nodes are keyed by their canonical PURL string (version and the
qualifiers that matter included); edges carry the scope, whether the dependency is direct,
and where it was declared (file and line). No I/O here.

    >>> from polypac.purl import parse_purl
    >>> graph = DependencyGraph()
    >>> app = graph.add_node(parse_purl("pkg:npm/app@1.0.0"), root=True)
    >>> lib = graph.add_node(parse_purl("pkg:npm/left-pad@1.3.0"))
    >>> where = Location("package.json", 7)
    >>> graph.add_edge(app, lib, Scope.RUNTIME, direct=True, declared_at=where)
    >>> [str(e) for e in graph.edges]
    ['pkg:npm/app@1.0.0 -> pkg:npm/left-pad@1.3.0 (runtime, direct, package.json:7)']
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass, field

from polypac.errors import ParseError
from polypac.purl import PackageURL

__all__ = [
    "DependencyGraph",
    "Edge",
    "Location",
    "LockfileError",
    "Node",
    "ReadResult",
    "Scope",
]


class LockfileError(ParseError):
    """A manifest or lockfile that does not follow its format: names file, line, problem."""

    what_default = "lockfile"


class Scope(enum.Enum):
    """Why a dependency is there."""

    RUNTIME = "runtime"
    DEV = "dev"
    OPTIONAL = "optional"
    BUILD = "build"
    SYSTEM = "system"


@dataclass(frozen=True, slots=True, order=True)
class Location:
    """Where something was declared: a file and a 1-based line (0 when unknown)."""

    file: str
    line: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass(frozen=True, slots=True)
class Node:
    """A package in the graph, named by its PURL; ``key`` is the canonical PURL string."""

    purl: PackageURL
    key: str

    def __str__(self) -> str:
        return self.key


@dataclass(frozen=True, slots=True)
class Edge:
    """``parent`` depends on ``child``."""

    parent: str
    child: str
    scope: Scope
    direct: bool
    declared_at: Location | None = None

    def __str__(self) -> str:
        kind = "direct" if self.direct else "transitive"
        where = f", {self.declared_at}" if self.declared_at else ""
        return f"{self.parent} -> {self.child} ({self.scope.value}, {kind}{where})"


@dataclass(slots=True)
class DependencyGraph:
    """Nodes by canonical PURL, edges in insertion order without duplicates, and roots
    (the projects whose manifests were read)."""

    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    roots: set[str] = field(default_factory=set)
    _edge_keys: set[tuple[str, str, Scope]] = field(default_factory=set, repr=False)
    _out: dict[str, list[Edge]] = field(default_factory=dict, repr=False)

    def add_node(self, purl: PackageURL, *, root: bool = False) -> Node:
        """The node for ``purl``, added if new."""
        key = purl.to_string()
        node = self.nodes.get(key)
        if node is None:
            node = self.nodes[key] = Node(purl, key)
        if root:
            self.roots.add(key)
        return node

    def add_edge(
        self,
        parent: Node,
        child: Node,
        scope: Scope,
        *,
        direct: bool,
        declared_at: Location | None = None,
    ) -> None:
        """Record that ``parent`` depends on ``child`` (once per parent, child and scope)."""
        identity = (parent.key, child.key, scope)
        if identity in self._edge_keys:
            return
        self._edge_keys.add(identity)
        self._append(Edge(parent.key, child.key, scope, direct, declared_at))

    def _append(self, edge: Edge) -> None:
        self.edges.append(edge)
        self._out.setdefault(edge.parent, []).append(edge)

    def merge(self, other: DependencyGraph) -> None:
        """Add every node, edge and root of ``other``."""
        for key, node in other.nodes.items():
            self.nodes.setdefault(key, node)
        self.roots |= other.roots
        for edge in other.edges:
            identity = (edge.parent, edge.child, edge.scope)
            if identity not in self._edge_keys:
                self._edge_keys.add(identity)
                self._append(edge)

    def children(self, key: str) -> Iterator[Edge]:
        """The edges out of the node ``key``."""
        return iter(self._out.get(key, ()))


@dataclass(slots=True)
class ReadResult:
    """What one reader made of one file: its graph, and the problems it met."""

    graph: DependencyGraph = field(default_factory=DependencyGraph)
    errors: list[LockfileError] = field(default_factory=list)
