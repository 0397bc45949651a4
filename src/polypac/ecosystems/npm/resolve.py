"""Resolve a ``package.json`` the way npm 7+ does: an ideal ``node_modules`` tree.

**Why not PubGrub.** npm lets several versions of one name coexist (granularity: the exact
version), and which copy a package uses depends on where it sits: a dependency is served by
the nearest copy up the ``node_modules`` tree. A version-set solver picks one version per
name (or, with the calculus reduction for concurrent versions, a set of instances and
links), but not a *layout*, and npm's answer is defined by its layout algorithm, not by an
optimum: two valid trees can differ, and only npm's own choice makes a lock that agrees with
``npm install``. So this module runs npm's algorithm (arborist's ``buildIdealTree``):

1. nodes are visited breadth-first, shallowest first, then by path; each node's dependency
   edges (``dependencies``, ``optionalDependencies``, ``peerDependencies``; the root also
   ``devDependencies``), sorted by name, are *problems* when the copy the node sees is
   missing or does not satisfy the range;
2. a problem gets the version npm-pick-manifest would pick (``latest`` when it satisfies,
   else the highest satisfying; see :func:`polypac.ecosystems.npm.registry.pick_manifest`);
3. the new copy is placed at the shallowest ``node_modules`` from the dependent upward (for
   a peer, from the dependent's parent: a peer is a sibling or higher) where it conflicts
   with nothing: no other version of the name sits there, nobody below relies on an upper
   copy the new one does not satisfy, and its own peers can be met there. A copy already
   there that satisfies is kept; a newer copy that satisfies every dependent of an older one
   replaces it;
4. copies nobody reaches are pruned, and the ``dev`` / ``optional`` / ``devOptional`` /
   ``peer`` flags are computed as arborist's ``calcDepFlags`` does.

A peer that cannot be met where its dependent sits is an error (npm's ``ERESOLVE``) unless
it is optional. Optional dependencies whose ``os``/``cpu`` do not fit the :class:`Target`
stay in the tree (npm writes them to the lock with their ``os``/``cpu``) and are merely not
required; a required one is listed in :attr:`NpmTree.unsupported`. Bundled dependencies come
inside their dependent's tarball and are not fetched. Only registry specs (ranges and
dist-tags) are resolved: ``git``, ``file:``, URL and ``npm:`` alias specs are a
:class:`NpmFailure`.

**Where the calculus comes in.** :func:`check_tree` turns the finished tree into an
extended-calculus problem (granularity ``exact``, peers) and its resolution (one link per
dependent and name: the copy it sees), and runs the calculus' independent checker on it,
so the layout is verified against the formal meaning of concurrent versions and peers.
"""

from __future__ import annotations

import platform
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from polypac.ecosystems.npm.registry import (
    NoMatchingVersion,
    NpmManifest,
    NpmRegistry,
    PackumentUnavailable,
    normalize_manifest,
)
from polypac.errors import InvalidRange, InvalidVersion
from polypac.version.npm import SCHEME, parse_version, satisfies
from polypac.version.semver import SemVer

if TYPE_CHECKING:  # the calculus is loaded by check_tree alone: a resolution needs none of it
    from polypac.calculus.extended import ExtendedViolation, Requirement

__all__ = [
    "NpmFailure",
    "NpmTree",
    "PlacedPackage",
    "Target",
    "check_tree",
    "platform_fits",
    "resolve_package_json",
]

_MACHINES = {
    "x86_64": "x64",
    "amd64": "x64",
    "aarch64": "arm64",
    "arm64": "arm64",
    "i386": "ia32",
    "i686": "ia32",
    "armv7l": "arm",
    "armv6l": "arm",
    "ppc64le": "ppc64",
    "s390x": "s390x",
}


@dataclass(frozen=True, slots=True)
class Target:
    """The platform installed for: node's ``process.platform`` and ``process.arch`` names,
    and the node version (``None``: ignore ``engines.node`` when choosing versions)."""

    os: str
    cpu: str
    node_version: str | None = None

    @classmethod
    def current(cls, node_version: str | None = None) -> Target:
        """The running platform, named as node names it."""
        system = sys.platform if sys.platform in ("darwin", "win32") else platform.system()
        machine = platform.machine().lower()
        return cls(system.lower(), _MACHINES.get(machine, machine), node_version)


def platform_fits(values: tuple[str, ...], wanted: str) -> bool:
    """npm-install-checks' test of an ``os`` or ``cpu`` list: ``!x`` excludes, a positive
    list must name ``wanted``, ``any`` matches all.

    >>> platform_fits(("darwin",), "linux"), platform_fits(("!win32",), "linux")
    (False, True)
    """
    if not values or "any" in values:
        return True
    if f"!{wanted}" in values:
        return False
    positive = [v for v in values if not v.startswith("!")]
    return not positive or wanted in positive


@dataclass(frozen=True, slots=True)
class PlacedPackage:
    """One copy in the tree: where it sits, what it is, and npm's flags for it."""

    location: str
    manifest: NpmManifest
    dev: bool = False
    optional: bool = False
    dev_optional: bool = False
    peer: bool = False
    supported: bool = True

    @property
    def name(self) -> str:
        """The package name."""
        return self.manifest.name

    @property
    def folder(self) -> str:
        """The folder name under ``node_modules``: the alias for an ``npm:`` alias."""
        return self.location.rpartition("node_modules/")[2]

    @property
    def version(self) -> str:
        """The version text."""
        return self.manifest.version


@dataclass(frozen=True, slots=True)
class NpmTree:
    """An ideal tree: the project's ``package.json`` and every copy, sorted by location.

    ``unsupported`` names the required copies whose ``os``/``cpu`` do not fit the target
    (npm would refuse to install them); ``dropped`` the optional dependencies that could
    not be resolved and were left out, as npm leaves them out.
    """

    manifest: Mapping[str, Any]
    packages: tuple[PlacedPackage, ...]
    unsupported: tuple[str, ...] = ()
    dropped: tuple[str, ...] = ()

    def at(self, location: str) -> PlacedPackage | None:
        """The copy at ``location`` (``node_modules/a/node_modules/b``), if any."""
        for package in self.packages:
            if package.location == location:
                return package
        return None


@dataclass(frozen=True, slots=True)
class NpmFailure:
    """Why no tree exists: ``package`` (with ``spec``) as required by ``required_by``."""

    package: str
    spec: str
    required_by: str
    reason: str
    hint: str | None = None

    @property
    def message(self) -> str:
        """The failure in words, with a ``hint:`` line when one applies."""
        text = f"{self.required_by} needs {self.package}@{self.spec}, but {self.reason}"
        return f"{text}\nhint: {self.hint}" if self.hint else text

    def __str__(self) -> str:
        return self.message


# --- the tree under construction -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Edge:
    name: str
    spec: str
    kind: str  # prod, dev, optional, peer, peerOptional

    @property
    def peer(self) -> bool:
        return self.kind in ("peer", "peerOptional")

    @property
    def optional(self) -> bool:
        return self.kind in ("optional", "peerOptional")

    @property
    def package(self) -> str:
        """The registry name: the alias's target for ``npm:name@range``."""
        alias = _alias(self.spec)
        return alias[0] if alias else self.name

    @property
    def range(self) -> str:
        """The range (or dist-tag) asked of :attr:`package`."""
        alias = _alias(self.spec)
        return alias[1] if alias else (self.spec.strip() or "*")


def _alias(spec: str) -> tuple[str, str] | None:
    """``npm:name@range`` as ``(name, range)``; ``None`` for any other spec."""
    text = spec.strip()
    if not text.startswith("npm:"):
        return None
    target = text[4:]
    at = target.find("@", 1)
    if at < 0:
        return target, "*"
    return target[:at], target[at + 1 :].strip() or "*"


class _Node:
    """A folder of the tree: the root, or a copy in some ``node_modules``."""

    def __init__(self, name: str, manifest: NpmManifest | None, parent: _Node | None) -> None:
        self.name = name
        self.manifest = manifest
        self.parent = parent
        self.children: dict[str, _Node] = {}

    @property
    def is_root(self) -> bool:
        return self.parent is None

    @property
    def depth(self) -> int:
        return 0 if self.parent is None else self.parent.depth + 1

    @property
    def location(self) -> str:
        if self.parent is None:
            return ""
        above = self.parent.location
        return f"{above}/node_modules/{self.name}" if above else f"node_modules/{self.name}"

    @property
    def label(self) -> str:
        if self.manifest is None:
            return "the root project"
        return f"{self.name}@{self.manifest.version}"

    @property
    def attached(self) -> bool:
        node = self
        while node.parent is not None:
            if node.parent.children.get(node.name) is not node:
                return False
            node = node.parent
        return True

    def resolve(self, name: str) -> _Node | None:
        """The copy of ``name`` this node sees: its own, else the nearest up the tree."""
        node: _Node | None = self
        while node is not None:
            found = node.children.get(name)
            if found is not None:
                return found
            node = node.parent
        return None

    def walk(self) -> Iterator[_Node]:
        yield self
        for child in list(self.children.values()):
            yield from child.walk()

    def is_within(self, ancestor: _Node) -> bool:
        node: _Node | None = self
        while node is not None:
            if node is ancestor:
                return True
            node = node.parent
        return False


def _edges(node: _Node, root_manifest: Mapping[str, Any]) -> list[_Edge]:
    """The dependency edges of ``node``, one per name, as arborist loads them."""
    found: dict[str, _Edge] = {}
    if node.manifest is None:
        document = root_manifest
        meta = document.get("peerDependenciesMeta")
        optional_peers = {
            k
            for k, v in (meta.items() if isinstance(meta, Mapping) else ())
            if isinstance(v, Mapping) and v.get("optional") is True
        }
        sections: list[tuple[Mapping[str, Any], str]] = [
            (_section(document, "peerDependencies"), "peer"),
            (_section(document, "dependencies"), "prod"),
            (_section(document, "optionalDependencies"), "optional"),
        ]
        for deps, kind in sections:
            for name, spec in deps.items():
                kind_here = "peerOptional" if kind == "peer" and name in optional_peers else kind
                found[name] = _Edge(name, spec, kind_here)
        for name, spec in _section(document, "devDependencies").items():
            found.setdefault(name, _Edge(name, spec, "dev"))
        return [found[n] for n in sorted(found)]
    manifest = node.manifest
    for name, spec in manifest.peer_dependencies.items():
        kind = "peerOptional" if name in manifest.optional_peers else "peer"
        found[name] = _Edge(name, spec, kind)
    for name, spec in manifest.dependencies.items():
        found[name] = _Edge(name, spec, "prod")
    for name, spec in manifest.optional_dependencies.items():
        found[name] = _Edge(name, spec, "optional")
    return [found[n] for n in sorted(found) if n not in manifest.bundle_dependencies]


def _section(document: Mapping[str, Any], key: str) -> dict[str, str]:
    value = document.get(key)
    if not isinstance(value, Mapping):
        return {}
    return {str(k): v for k, v in value.items() if isinstance(v, str)}


def _fits(manifest: NpmManifest | None, edge: _Edge) -> bool:
    """Whether ``manifest`` satisfies ``edge`` (its package, and a range or ``latest``)."""
    if manifest is None or manifest.name != edge.package:
        return False
    if satisfies(manifest.version, edge.range, loose=True):
        return True
    return edge.range == "latest"  # a dist-tag: any copy will do, as npm treats it


_OK, _KEEP, _REPLACE, _CONFLICT = "ok", "keep", "replace", "conflict"


class _Builder:
    def __init__(self, manifest: Mapping[str, Any], registry: NpmRegistry, target: Target) -> None:
        self.root_manifest = manifest
        self.registry = registry
        self.target = target
        self.root = _Node(str(manifest.get("name") or ""), None, None)
        self.dropped: list[str] = []

    def edges(self, node: _Node) -> list[_Edge]:
        return _edges(node, self.root_manifest)

    def build(self) -> NpmFailure | None:
        queue = [self.root]
        fetched_depth = -1
        while queue:
            queue.sort(key=lambda n: (n.depth, n.location))
            node = queue.pop(0)
            if not node.attached:
                continue
            if node.depth > fetched_depth:  # fetch a whole level's packuments at once
                fetched_depth = node.depth
                level = [node, *(n for n in queue if n.depth == node.depth)]
                self.registry.expect((e.package, e.range) for n in level for e in self.edges(n))
            edges = self.edges(node)
            self.registry.expect((e.package, e.range) for e in edges)
            for edge in edges:
                seen = node.resolve(edge.name)
                if seen is not None and _fits(seen.manifest, edge):
                    continue
                if seen is None and edge.kind == "peerOptional":
                    continue
                failure = self.fix(node, edge, queue)
                if failure is not None:
                    if edge.optional and not edge.peer:
                        self.dropped.append(f"{edge.name}@{edge.spec} ({failure.reason})")
                        continue
                    return failure
        self.prune()
        return None

    def pick(self, node: _Node, edge: _Edge) -> NpmManifest | NpmFailure:
        if _unsupported_spec(edge.spec):
            return NpmFailure(
                edge.name,
                edge.spec,
                node.label,
                "polypac resolves registry ranges and dist-tags only",
                hint="git, file:, URL and npm: alias specs are not supported yet",
            )
        picked = self.registry.pick(edge.package, edge.range, node_version=self.target.node_version)
        if isinstance(picked, PackumentUnavailable):
            return NpmFailure(edge.name, edge.spec, node.label, f"{picked.reason} ({picked.url})")
        if isinstance(picked, NoMatchingVersion):
            return _no_match(node, edge, picked)
        return picked

    def fix(self, node: _Node, edge: _Edge, queue: list[_Node]) -> NpmFailure | None:
        picked = self.pick(node, edge)
        if isinstance(picked, NpmFailure):
            return picked
        start = node.parent if edge.peer and node.parent is not None else node
        chosen: tuple[_Node, str] | None = None
        check: _Node | None = start
        conflict_at: _Node | None = None
        while check is not None:
            decision = self.can_place(check, node, edge, picked)
            if decision == _CONFLICT:
                conflict_at = check
                break
            chosen = (check, decision)
            if decision == _KEEP:
                break
            check = check.parent
        if chosen is None:
            return self.eresolve(node, edge, picked, conflict_at or start)
        where, decision = chosen
        if decision == _KEEP:
            return None
        current = where.children.get(edge.name)
        if decision == _REPLACE and current is not None:
            current.manifest = picked
            queue.append(current)
            return None
        placed = _Node(edge.name, picked, where)
        where.children[edge.name] = placed
        self.dedupe_below(placed)
        queue.append(placed)
        return None

    def dependents(self, within: _Node, copy: _Node) -> Iterator[tuple[_Node, _Edge]]:
        """The edges of nodes inside ``within`` that ``copy`` serves now."""
        for node in within.walk():
            for edge in self.edges(node):
                if edge.name == copy.name and node.resolve(edge.name) is copy:
                    yield node, edge

    def can_place(self, target: _Node, dependent: _Node, edge: _Edge, manifest: NpmManifest) -> str:
        current = target.children.get(edge.name)
        if current is not None and current.manifest is not None:
            if current.manifest.version == manifest.version:
                return _KEEP
            newer = manifest.semver >= current.manifest.semver
            if newer and all(_fits(manifest, e) for _, e in self.dependents(self.root, current)):
                return _REPLACE if self.peers_fit(target, manifest) else _CONFLICT
            if _fits(current.manifest, edge):
                return _KEEP
            if target is dependent and not edge.peer:
                return _REPLACE
            return _CONFLICT
        if target is not dependent:
            upper = target.resolve(edge.name)
            if upper is not None:
                for _node, other in self.dependents(target, upper):
                    if not _fits(manifest, other):
                        return _CONFLICT
        return _OK if self.peers_fit(target, manifest) else _CONFLICT

    def peers_fit(self, target: _Node, manifest: NpmManifest) -> bool:
        """Whether no peer of ``manifest`` is contradicted by a sibling at ``target``."""
        return _peer_clash(target, manifest) is None

    def eresolve(self, node: _Node, edge: _Edge, picked: NpmManifest, at: _Node) -> NpmFailure:
        current = at.children.get(edge.name) or at.resolve(edge.name)
        where = "the root" if at.is_root else at.location
        if current is not None and current.manifest is not None:
            holders = sorted({n.label for n, _ in self.dependents(self.root, current)})
            reason = (
                f"{current.name}@{current.manifest.version} is already placed at "
                f"{current.location} for {', '.join(holders) or 'nobody'}, and "
                f"{picked.name}@{picked.version} cannot be placed beside it"
            )
        else:
            clash = _peer_clash(at, picked)
            reason = f"{picked.name}@{picked.version} conflicts with the peers at {where}"
            if clash is not None:
                peer, spec, sibling = clash
                reason = (
                    f"{picked.name}@{picked.version} needs the peer {peer}@{spec}, and "
                    f"{sibling.label} is at {sibling.location}"
                )
        kind = "peer dependency" if edge.peer else "dependency"
        return NpmFailure(
            edge.name,
            edge.spec,
            node.label,
            f"the {kind} conflicts (npm's ERESOLVE): {reason}",
            hint=(
                "npm refuses this between the project's own dependencies; deeper in the "
                "tree it overrides the peer with a warning, which polypac does not do"
            ),
        )

    def dedupe_below(self, placed: _Node) -> None:
        """Remove deeper copies of the same version that ``placed`` now serves."""
        assert placed.parent is not None
        for node in list(placed.parent.walk()):
            if node is placed or node.name != placed.name or node.parent is None:
                continue
            if node.manifest is None or placed.manifest is None:
                continue
            if node.manifest.version != placed.manifest.version:
                continue
            if node.parent.resolve(node.name) is placed and node.parent is not placed.parent:
                del node.parent.children[node.name]

    def prune(self) -> None:
        """Drop copies nobody reaches (replaced versions' leftovers, shadowed duplicates)."""
        while True:
            reached = {id(self.root)}
            stack = [self.root]
            while stack:
                node = stack.pop()
                for edge in self.edges(node):
                    found = node.resolve(edge.name)
                    if found is not None and id(found) not in reached:
                        reached.add(id(found))
                        stack.append(found)
            removed = False
            for node in list(self.root.walk()):
                if node.parent is not None and id(node) not in reached and node.attached:
                    del node.parent.children[node.name]
                    removed = True
            if not removed:
                return

    def flags(self) -> dict[int, dict[str, bool]]:
        """arborist's calcDepFlags: a flag stays set while every path to a node carries it."""
        nodes = [n for n in self.root.walk() if n.parent is not None]
        flags = {
            id(n): dict.fromkeys(("dev", "optional", "devOptional", "peer"), True) for n in nodes
        }
        flags[id(self.root)] = dict.fromkeys(("dev", "optional", "devOptional", "peer"), False)
        changed = True
        while changed:
            changed = False
            for node in self.root.walk():
                mine = flags[id(node)]
                for edge in self.edges(node):
                    to = node.resolve(edge.name)
                    if to is None:
                        continue
                    dev = edge.kind == "dev"
                    unset_dev_opt = (
                        not mine["devOptional"]
                        and not mine["dev"]
                        and not mine["optional"]
                        and not dev
                        and not edge.optional
                    )
                    unset = {
                        "peer": not mine["peer"] and not edge.peer,
                        "devOptional": unset_dev_opt,
                        "dev": unset_dev_opt or (not mine["dev"] and not dev),
                        "optional": unset_dev_opt or (not mine["optional"] and not edge.optional),
                    }
                    theirs = flags[id(to)]
                    for flag, off in unset.items():
                        if off and theirs[flag]:
                            theirs[flag] = False
                            changed = True
        return flags

    def tree(self) -> NpmTree:
        flags = self.flags()
        placed: list[PlacedPackage] = []
        unsupported: list[str] = []
        for node in self.root.walk():
            if node.manifest is None:
                continue
            f = flags[id(node)]
            fits = platform_fits(node.manifest.os, self.target.os) and platform_fits(
                node.manifest.cpu, self.target.cpu
            )
            optional = f["optional"]
            if not fits and not optional:
                unsupported.append(f"{node.label} at {node.location}")
            placed.append(
                PlacedPackage(
                    location=node.location,
                    manifest=node.manifest,
                    dev=f["dev"],
                    optional=optional,
                    dev_optional=f["devOptional"] and not f["dev"] and not optional,
                    peer=f["peer"],
                    supported=fits,
                )
            )
        placed.sort(key=lambda p: p.location)
        return NpmTree(self.root_manifest, tuple(placed), tuple(unsupported), tuple(self.dropped))


def _peer_clash(target: _Node, manifest: NpmManifest) -> tuple[str, str, _Node] | None:
    """The first peer of ``manifest`` that the copy at ``target`` fails (an optional peer
    too: npm will not place a package beside a copy its optional peer rejects). A name the
    manifest also lists as a dependency is no peer: arborist keeps one edge per name, and
    the dependency's replaces the peer's (ajv-formats lists ajv as both)."""
    for name, spec in sorted(manifest.peer_dependencies.items()):
        if name in manifest.dependencies or name in manifest.optional_dependencies:
            continue
        sibling = target.children.get(name)
        if sibling is None:
            continue
        if not _fits(sibling.manifest, _Edge(name, spec, "peer")):
            return name, spec, sibling
    return None


def _unsupported_spec(spec: str) -> bool:
    text = spec.strip()
    alias = _alias(text)
    if alias is not None:
        return _unsupported_spec(alias[1])
    prefixes = ("git", "file:", "http:", "https:", "link:", "workspace:", "github:")
    if text.startswith(prefixes):
        return True
    return "/" in text and not text.startswith(("<", ">", "=", "~", "^"))


def _no_match(node: _Node, edge: _Edge, picked: NoMatchingVersion) -> NpmFailure:
    def order(version: str) -> SemVer:
        return parse_version(version, loose=True)

    releases = sorted(picked.versions, key=order)
    shown = ", ".join(releases[-5:]) if releases else "none"
    more = f" (the newest of {len(releases)})" if len(releases) > 5 else ""
    reason = f"{picked.reason}; versions available: {shown}{more}"
    hint = None
    if releases:
        hint = f"the newest {edge.name} is {releases[-1]}; loosen the range or pick a dist-tag"
    return NpmFailure(edge.name, edge.spec, node.label, reason, hint=hint)


def resolve_package_json(
    manifest: Mapping[str, Any],
    registry: NpmRegistry,
    *,
    target: Target | None = None,
) -> NpmTree | NpmFailure:
    """Build npm's ideal tree for the parsed ``package.json`` ``manifest``.

    ``registry`` supplies packuments (its ``before`` date, if any, hides newer versions);
    ``target`` is the platform (default: the running one, engines ignored). Registry failures
    raise :class:`polypac.ecosystems.npm.registry.RegistryError`; an unsatisfiable request
    is an :class:`NpmFailure`.
    """
    name = manifest.get("name")
    manifest = normalize_manifest(manifest, name if isinstance(name, str) else "")
    builder = _Builder(manifest, registry, target or Target.current())
    failure = builder.build()
    if failure is not None:
        return failure
    return builder.tree()


# --- checking with the calculus -------------------------------------------------------------


def _requirement(name: str, spec: str) -> Requirement[SemVer] | None:
    from polypac.calculus.extended import Requirement

    try:
        return Requirement(name, SCHEME.parse_range(_Edge(name, spec, "prod").range, loose=True))
    except InvalidRange:
        return None


def check_tree(tree: NpmTree) -> list[ExtendedViolation[SemVer]]:
    """Check ``tree`` with the extended calculus (granularity ``exact``, peers).

    Each copy is a package ``(name, version)``; its required dependencies and required peers
    are direct requirements, served by the link to the copy it sees. A copy is named by its
    folder (an ``npm:`` alias by the alias, as a distinct name). Copies of one version
    at several locations are one package; its links are taken from the first location.
    Returns the calculus' violations (none for a sound tree).
    """
    from polypac.calculus.extended import (
        ExtendedProblem,
        ExtendedResolution,
        Link,
        check_extended,
    )
    from polypac.calculus.model import Package

    root_name = str(tree.manifest.get("name") or "(root)")
    try:
        root_version = parse_version(str(tree.manifest.get("version") or "0.0.0"), loose=True)
    except InvalidVersion:
        root_version = SemVer(0)
    root = Package(root_name, root_version)
    by_location = {p.location: p for p in tree.packages}

    def sees(location: str, name: str) -> PlacedPackage | None:
        base = location
        while True:
            candidate = f"{base}/node_modules/{name}" if base else f"node_modules/{name}"
            if candidate in by_location:
                return by_location[candidate]
            if not base:
                return None
            cut = base.rfind("/node_modules/")
            base = base[:cut] if cut >= 0 else ""

    packages: dict[str, set[SemVer]] = {root_name: {root_version}}
    dependencies: dict[Package[SemVer], tuple[Requirement[SemVer], ...]] = {}
    peers: dict[Package[SemVer], tuple[Requirement[SemVer], ...]] = {}
    links: set[Link[SemVer]] = set()
    done: set[Package[SemVer]] = set()
    owners: list[tuple[Package[SemVer], str, Mapping[str, str], Mapping[str, str]]] = [
        (
            root,
            "",
            _section(tree.manifest, "dependencies"),
            _section(tree.manifest, "peerDependencies"),
        )
    ]
    for placed in tree.packages:
        package = Package(placed.folder, placed.manifest.semver)
        packages.setdefault(placed.folder, set()).add(package.version)
        m = placed.manifest
        required_peers = {k: v for k, v in m.peer_dependencies.items() if k not in m.optional_peers}
        wanted = {k: v for k, v in m.dependencies.items() if k not in m.bundle_dependencies}
        owners.append((package, placed.location, wanted, required_peers))
    if "devDependencies" in tree.manifest:
        dev = _section(tree.manifest, "devDependencies")
        owners[0] = (root, "", {**dev, **owners[0][2]}, owners[0][3])
    for package, location, needs, peer_needs in owners:
        if package in done:
            continue
        done.add(package)
        reqs = [r for n, s in sorted(needs.items()) if (r := _requirement(n, s)) is not None]
        peer_reqs = [
            r for n, s in sorted(peer_needs.items()) if (r := _requirement(n, s)) is not None
        ]
        dependencies[package] = tuple(reqs)
        peers[package] = tuple(peer_reqs)
        for requirement in (*reqs, *peer_reqs):
            seen = sees(location, requirement.name)
            if seen is not None:
                links.add(Link(package, Package(seen.folder, seen.manifest.semver)))
    problem = ExtendedProblem(
        root=root,
        packages={name: tuple(versions) for name, versions in packages.items()},
        dependencies=dependencies,
        peers=peers,
        granularity="exact",
    )
    selected = frozenset({root} | {Package(p.folder, p.manifest.semver) for p in tree.packages})
    return check_extended(problem, ExtendedResolution(selected, links=frozenset(links)))
