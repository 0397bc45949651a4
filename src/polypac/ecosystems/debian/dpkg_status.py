"""Read dpkg's status database (``/var/lib/dpkg/status``) into a dependency graph.

The file is deb822: one stanza per package dpkg knows, with ``Status: want flag state``.
A package is present when its state is ``installed``, ``triggers-pending`` or
``triggers-awaited`` (dpkg counts these as installed) or ``unpacked`` or ``half-configured``
(its files are on disk, its configuration is not finished); ``not-installed``,
``config-files`` and ``half-installed`` (an unpacking that failed half way) are left out.
Each present package becomes ``pkg:deb/<distro>/<name>@<version>?arch=<arch>``: the status
file does not name the distribution, so the caller does (``distro``, "debian" by default).

``Pre-Depends`` and ``Depends`` give RUNTIME edges, ``Recommends`` OPTIONAL ones. Each
OR-group is resolved to its first alternative that a present package satisfies, by name or
by ``Provides``; version constraints are not checked (dpkg keeps them true on an installed
system), and a group that no present package satisfies (an uninstalled recommendation)
adds no edge. Edges point at the line of their relation field.

The root is ``pkg:generic/<directory>`` (``pkg:generic/dpkg`` for the usual path). Its
direct edges go to the top of the graph: the packages that no present package depends on
or recommends; packages left unreached (a dependency cycle that nothing else needs) are
added as direct edges too, in file order, so every present package is reachable from the
root. Direct edges point at the line of the package's ``Package:`` field.

    >>> status = '''Package: hello
    ... Status: install ok installed
    ... Architecture: amd64
    ... Version: 2.10-3
    ... Depends: libc6 (>= 2.34)
    ...
    ... Package: libc6
    ... Status: install ok installed
    ... Architecture: amd64
    ... Version: 2.36-9
    ... '''
    >>> for edge in read_dpkg_status(status, source="/var/lib/dpkg/status").graph.edges:
    ...     print(edge)
    pkg:deb/debian/hello@2.10-3?arch=amd64 -> pkg:deb/debian/libc6@2.36-9?arch=amd64 (runtime, transitive, /var/lib/dpkg/status:5)
    pkg:generic/dpkg -> pkg:deb/debian/hello@2.10-3?arch=amd64 (runtime, direct, /var/lib/dpkg/status:1)
"""  # noqa: E501

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath

from polypac.ecosystems.debian.deb822 import ControlFileError, Stanza, parse_deb822
from polypac.ecosystems.debian.relations import Relation, RelationError, parse_relations
from polypac.errors import PolypacError
from polypac.inventory.graph import (
    DependencyGraph,
    Location,
    LockfileError,
    Node,
    ReadResult,
    Scope,
)
from polypac.purl import build_purl

__all__ = ["PRESENT_STATES", "read_dpkg_status"]

WHAT = "dpkg status"

#: The ``Status`` states whose package is on disk.
PRESENT_STATES = frozenset(
    {"installed", "triggers-pending", "triggers-awaited", "half-configured", "unpacked"}
)
_WANTS = frozenset({"unknown", "install", "hold", "deinstall", "purge"})
_FLAGS = frozenset({"ok", "reinstreq"})
_STATES = PRESENT_STATES | {"not-installed", "config-files", "half-installed"}
_RELATION_FIELDS: tuple[tuple[str, Scope], ...] = (
    ("Pre-Depends", Scope.RUNTIME),
    ("Depends", Scope.RUNTIME),
    ("Recommends", Scope.OPTIONAL),
)

_Fail = Callable[[int, "int | None", str], None]


@dataclass(frozen=True, slots=True)
class _Package:
    name: str
    arch: str
    node: Node
    stanza: Stanza
    relations: tuple[tuple[str, Scope, tuple[tuple[Relation, ...], ...]], ...]


def read_dpkg_status(text: str, *, source: str, distro: str = "debian") -> ReadResult:
    """The installed packages of the dpkg status ``text`` read from ``source``, as a graph.

    ``distro`` is the PURL namespace (the vendor: ``debian``, ``ubuntu``...). Problems are
    returned in ``errors``; a bad stanza is skipped and the rest is still read.
    """
    result = ReadResult()
    lines = text.replace("\r\n", "\n").split("\n")

    def fail(number: int, column: int | None, problem: str) -> None:
        line_text = lines[number - 1] if 0 < number <= len(lines) else ""
        result.errors.append(
            LockfileError(line_text, column, problem, what=WHAT, source=source, line=number)
        )

    packages: list[_Package] = []
    for stanza in parse_deb822(text, source=source):
        if isinstance(stanza, ControlFileError):
            fail(stanza.line or 0, stanza.position, stanza.problem)
            continue
        package = _package(stanza, distro, result.graph, fail)
        if package is not None:
            packages.append(package)
    _link(result.graph, packages, source)
    return result


def _package(
    stanza: Stanza,
    distro: str,
    graph: DependencyGraph,
    fail: _Fail,
) -> _Package | None:
    """The present package of one stanza (None if absent or broken, after reporting)."""
    name = stanza.get("Package")
    if name is None:
        fail(stanza.line, 0, "expected a 'Package' field in every stanza")
        return None
    status = stanza.get("Status")
    if status is None:
        fail(stanza.line, 0, f"package {name!r} has no 'Status' field")
        return None
    words = status.split()
    if (
        len(words) != 3
        or words[0] not in _WANTS
        or words[1] not in _FLAGS
        or words[2] not in _STATES
    ):
        fail(
            stanza.field_line("Status"),
            0,
            "expected 'Status: want flag state' (like 'install ok installed')",
        )
        return None
    if words[2] not in PRESENT_STATES:
        return None
    version, arch = stanza.get("Version"), stanza.get("Architecture")
    if not version or not arch:
        missing = "Version" if not version else "Architecture"
        fail(stanza.line, 0, f"installed package {name!r} has no {missing!r} field")
        return None
    try:
        purl = build_purl("deb", name, namespace=distro, version=version, qualifiers={"arch": arch})
    except PolypacError as error:
        fail(stanza.line, 0, str(error).splitlines()[0])
        return None
    relations = []
    for field_name, scope in (*_RELATION_FIELDS, ("Provides", Scope.RUNTIME)):
        value = stanza.get(field_name)
        if value is None:
            continue
        try:
            relations.append((field_name, scope, parse_relations(value)))
        except RelationError as error:
            number = stanza.field_line(field_name)
            column = None if error.position is None else error.position + len(field_name) + 2
            fail(number, column, f"in {field_name}: {error.problem}")
    return _Package(name, arch, graph.add_node(purl), stanza, tuple(relations))


def _link(graph: DependencyGraph, packages: list[_Package], source: str) -> None:
    """Add the dependency edges and the root's direct edges."""
    by_name: dict[str, list[_Package]] = {}
    for package in packages:
        by_name.setdefault(package.name, []).append(package)
    for package in packages:
        for field_name, _, groups in package.relations:
            if field_name == "Provides":
                for group in groups:
                    for provided in group:
                        by_name.setdefault(provided.name, []).append(package)

    needed: set[str] = set()
    children: dict[str, list[str]] = {}
    for package in packages:
        for field_name, scope, groups in package.relations:
            if field_name == "Provides":
                continue
            where = Location(source, package.stanza.field_line(field_name))
            for group in groups:
                target = _satisfier(group, package, by_name)
                if target is None or target is package:
                    continue
                graph.add_edge(package.node, target.node, scope, direct=False, declared_at=where)
                needed.add(target.node.key)
                children.setdefault(package.node.key, []).append(target.node.key)

    path = PurePath(source)
    root = graph.add_node(build_purl("generic", path.parent.name or path.stem or "dpkg"), root=True)
    reached: set[str] = set()
    tops = [p for p in packages if p.node.key not in needed]
    rest = [p for p in packages if p.node.key in needed]
    for package in (*tops, *rest):
        if package.node.key in reached:
            continue
        where = Location(source, package.stanza.line)
        graph.add_edge(root, package.node, Scope.RUNTIME, direct=True, declared_at=where)
        _reach(package.node.key, children, reached)


def _satisfier(
    group: tuple[Relation, ...], parent: _Package, by_name: dict[str, list[_Package]]
) -> _Package | None:
    """The present package satisfying the first satisfiable alternative of ``group``."""
    for relation in group:
        candidates = by_name.get(relation.name)
        if not candidates:
            continue
        wanted = relation.arch_qualifier
        if wanted not in (None, "any", "native"):
            candidates = [c for c in candidates if c.arch in (wanted, "all")]
        else:
            same = [c for c in candidates if c.arch in (parent.arch, "all")]
            candidates = same or candidates
        if candidates:
            return candidates[0]
    return None


def _reach(start: str, children: dict[str, list[str]], reached: set[str]) -> None:
    stack = [start]
    while stack:
        key = stack.pop()
        if key in reached:
            continue
        reached.add(key)
        stack.extend(children.get(key, ()))
