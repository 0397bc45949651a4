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
   replaces it (for a peer, which npm prefers to dedupe, an older copy too). A sibling that
   a new copy's peer rejects is no conflict when the peer's own pick could replace it, as
   npm places a package and its peers as one set;
4. copies nobody reaches are pruned, and the ``dev`` / ``optional`` / ``devOptional`` /
   ``peer`` flags are computed as arborist's ``calcDepFlags`` does.

A peer that cannot be met where its dependent sits is an error (npm's ``ERESOLVE``) unless
it is optional. Optional dependencies whose ``os``/``cpu`` do not fit the :class:`Target`
stay in the tree (npm writes them to the lock with their ``os``/``cpu``) and are merely not
required; a required one is listed in :attr:`NpmTree.unsupported`. Bundled dependencies come
inside their dependent's tarball: none is resolved from the registry, and the tarball is
read, as npm reads it, for the lock entries of what it holds (:attr:`NpmTree.bundled`).
Registry specs (ranges, dist-tags, ``npm:`` aliases of them) are resolved; ``git``,
``file:`` and URL specs are an :class:`NpmFailure`.

**Overrides.** The root's ``overrides`` field is read as arborist's ``OverrideSet``: each
copy carries the set of rules of the edge that brought it in (the more specific one when
several edges reach it), and each of its edges takes the value of the first rule naming its
package whose key range meets the edge's own spec (``$name`` stands for the root's own spec
of ``name``). Such an edge is met by the override's version, or by a version its original
spec accepts outside the rule's range. An override that changes a spec of the root itself
is npm's EOVERRIDE, and a malformed field is refused before resolving; both are an
:class:`NpmFailure`. npm does not write the overrides into the lock.

**Where the calculus comes in.** :func:`check_tree` turns the finished tree into an
extended-calculus problem (granularity ``exact``, peers) and its resolution (one link per
dependent and name: the copy it sees), and runs the calculus' independent checker on it,
so the layout is verified against the formal meaning of concurrent versions and peers.
"""

from __future__ import annotations

import json
import platform
import re
import sys
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from polypac.ecosystems.npm.registry import (
    NoMatchingVersion,
    NpmManifest,
    NpmRegistry,
    PackumentUnavailable,
    normalize_manifest,
    npm_alias,
    unsupported_spec,
)
from polypac.errors import InvalidRange, InvalidVersion
from polypac.version.npm import SCHEME, parse_version, satisfies
from polypac.version.semver import SemVer
from polypac.version.sets import VersionSet

if TYPE_CHECKING:  # the calculus is loaded by check_tree alone: a resolution needs none of it
    from polypac.calculus.extended import ExtendedViolation, Requirement

__all__ = [
    "NpmFailure",
    "NpmTree",
    "OverriddenDependency",
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
class OverriddenDependency:
    """A dependency of a copy that the root ``overrides`` rewrote: ``spec`` is asked instead
    of the manifest's ``original``. As arborist's ``Edge.satisfiedBy`` has it, a copy that
    satisfies ``original`` but not the rule's own range ``rule_range`` (``*`` for a rule keyed
    by a bare name) also does."""

    name: str
    spec: str
    original: str
    rule_range: str


@dataclass(frozen=True, slots=True)
class PlacedPackage:
    """One copy in the tree: where it sits, what it is, and npm's flags for it.

    ``overridden`` lists the dependencies whose spec the root's ``overrides`` replaced for
    this copy (npm's lock still shows the manifest's own specs)."""

    location: str
    manifest: NpmManifest
    dev: bool = False
    optional: bool = False
    dev_optional: bool = False
    peer: bool = False
    supported: bool = True
    overridden: tuple[OverriddenDependency, ...] = ()

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
    not be resolved and were left out, as npm leaves them out; ``bundled`` the lock
    entries, by location, of what the tarballs of packages with bundled dependencies hold
    (npm reads those tarballs, and resolves none of it from the registry; see
    :mod:`polypac.ecosystems.npm.bundled`).
    """

    manifest: Mapping[str, Any]
    packages: tuple[PlacedPackage, ...]
    unsupported: tuple[str, ...] = ()
    dropped: tuple[str, ...] = ()
    bundled: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def at(self, location: str) -> PlacedPackage | None:
        """The copy at ``location`` (``node_modules/a/node_modules/b``), if any."""
        for package in self.packages:
            if package.location == location:
                return package
        return None


@dataclass(frozen=True, slots=True)
class NpmFailure:
    """Why no tree exists: ``package`` (with ``spec``) as required by ``required_by``.

    A failure that concerns no one dependency (a malformed ``overrides`` field) has an
    empty ``package``; ``required_by`` then names the place (``package.json``)."""

    package: str
    spec: str
    required_by: str
    reason: str
    hint: str | None = None

    @property
    def message(self) -> str:
        """The failure in words, with a ``hint:`` line when one applies."""
        if self.package:
            text = f"{self.required_by} needs {self.package}@{self.spec}, but {self.reason}"
        else:
            text = f"{self.required_by}: {self.reason}"
        return f"{text}\nhint: {self.hint}" if self.hint else text

    def __str__(self) -> str:
        return self.message


# --- the tree under construction -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Edge:
    name: str
    spec: str  # the spec asked: an override's value where one applies
    kind: str  # prod, dev, optional, peer, peerOptional
    original: str = ""  # the manifest's spec, when an override replaced it
    rule_range: str = ""  # the replacing rule's own range (its key's, ``*`` for a bare name)
    rules: _Overrides | None = field(default=None, compare=False)  # the edge's override set

    @property
    def peer(self) -> bool:
        return self.kind in ("peer", "peerOptional")

    @property
    def optional(self) -> bool:
        return self.kind in ("optional", "peerOptional")

    @property
    def package(self) -> str:
        """The registry name: the alias's target for ``npm:name@range``."""
        alias = npm_alias(self.spec)
        return alias[0] if alias else self.name

    @property
    def range(self) -> str:
        """The range (or dist-tag) asked of :attr:`package`."""
        alias = npm_alias(self.spec)
        return alias[1] if alias else (self.spec.strip() or "*")


# --- overrides ------------------------------------------------------------------------------


class _OverrideProblem(Exception):
    """A rule of ``overrides`` that cannot be applied; carries the failure to return."""

    def __init__(self, failure: NpmFailure) -> None:
        super().__init__(failure.message)
        self.failure = failure


class _Overrides:
    """One level of the root's ``overrides`` (arborist's ``OverrideSet``): the whole field
    (``parent`` None), or the rule under one key, with the rules nested under it.

    A rule is keyed ``name`` or ``name@range``; its ``value`` is the ``"."`` entry (``*``
    for an empty one), else the key's range; a value of ``*`` replaces no spec, it only
    scopes the nested rules. A copy carries the set of the edge that brought it in, and its
    own edges look their rules up in :meth:`ruleset`: the nested rules first, then the
    rule itself, then each enclosing level's.
    """

    __slots__ = ("_ruleset", "children", "key", "name", "parent", "rule_range", "value")

    def __init__(
        self, key: str, name: str, rule_range: str, value: str, parent: _Overrides | None
    ) -> None:
        self.key = key
        self.name = name
        self.rule_range = rule_range
        self.value = value
        self.parent = parent
        self.children: dict[str, _Overrides] = {}
        self._ruleset: tuple[_Overrides, ...] | None = None

    def ancestry(self) -> Iterator[_Overrides]:
        """This set, then each enclosing one up to the whole field."""
        level: _Overrides | None = self
        while level is not None:
            yield level
            level = level.parent

    def ruleset(self) -> tuple[_Overrides, ...]:
        """The rules that apply under this set, the nearest first, one per key."""
        if self._ruleset is None:
            found: dict[str, _Overrides] = {}
            for level in self.ancestry():
                for child in level.children.values():
                    found.setdefault(child.key, child)
                if level.parent is not None:
                    found.setdefault(level.key, level)
            self._ruleset = tuple(found.values())
        return self._ruleset

    def edge_rule(self, name: str, spec: str) -> _Overrides:
        """The set for an edge to ``name`` with the manifest's ``spec``: the first rule
        naming it whose range meets the spec (any rule, for a dist-tag), else this set."""
        for rule in self.ruleset():
            if rule.name != name:
                continue
            if rule.rule_range == "*":
                return rule
            alias = npm_alias(spec)
            text = (alias[1] if alias else spec).strip() or "*"
            if unsupported_spec(text):
                return rule
            asked = _npm_range(text)
            if asked is None:  # a dist-tag: npm cannot compare, and takes the rule
                return rule
            ruled = _npm_range(rule.rule_range)
            if ruled is not None and not asked.is_disjoint(ruled):
                return rule
        return self

    def conflicts_with(self, other: _Overrides) -> bool:
        """arborist's ``haveConflictingRules``: a key both sets rule differently, with
        ranges no version meets."""
        theirs = {rule.key: rule for rule in other.ruleset()}
        for rule in self.ruleset():
            match = theirs.get(rule.key)
            if match is None or match is rule or "$" in (rule.value[:1], match.value[:1]):
                continue
            mine, their = _npm_range(rule.value), _npm_range(match.value)
            if mine is not None and their is not None and mine.is_disjoint(their):
                return True
        return False


def _npm_range(text: str) -> VersionSet[SemVer] | None:
    """``text`` as a loose npm range with pre-releases placed by precedence (close to
    node-semver's ``intersects``), or ``None`` when it is no range."""
    try:
        return SCHEME.parse_range(text, loose=True, include_prerelease=True)
    except (InvalidRange, InvalidVersion):
        return None


def _specific(first: _Overrides, second: _Overrides) -> _Overrides | None:
    """arborist's ``findSpecificOverrideSet``: of two sets reaching one copy, the one
    nested in the other; for unrelated sets their nearest common level, or ``None`` when
    their rules conflict (the copy then keeps the set it has)."""
    if any(level is first for level in second.ancestry()):
        return second
    if any(level is second for level in first.ancestry()):
        return first
    if first.conflicts_with(second):
        return None
    outer = set(map(id, first.ancestry()))
    return next(level for level in second.ancestry() if id(level) in outer)


# what encodeURIComponent leaves alone: npm's rule for the parts of a name, and for a tag
_URL_SAFE = r"[A-Za-z0-9\-_.!~*'()]+"
_NAME = re.compile(rf"(?:@{_URL_SAFE}/)?{_URL_SAFE}")
_TAG = re.compile(_URL_SAFE)


def _parse_overrides(document: Mapping[str, Any]) -> _Overrides | NpmFailure | None:
    """The root manifest's ``overrides`` as a set of rules; ``None`` when there are none."""
    raw = document.get("overrides")
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        return _bad_overrides(
            f"overrides must be an object mapping package names to overrides, "
            f"not {_json_kind(raw)}",
            'write e.g. "overrides": {"foo": "1.0.0"}',
        )
    if not raw:
        return None
    root = _Overrides("", "", "", "", None)
    problem = _add_rules(root, raw, ())
    return problem if problem is not None else root


def _add_rules(
    level: _Overrides, rules: Mapping[str, Any], path: tuple[str, ...]
) -> NpmFailure | None:
    for raw_key, value in rules.items():
        key = str(raw_key)
        if key == ".":
            if level.parent is None:
                return _bad_overrides(
                    'a "." entry belongs inside a package\'s object in overrides, '
                    "not at its top level",
                    'write "foo": {".": "1.0.0"} to override foo itself',
                )
            continue
        where = " > ".join(json.dumps(k) for k in (*path, key))
        at = key.find("@", 1)
        name, rule_range = (key[:at], key[at + 1 :].strip()) if at > 0 else (key, "")
        rule_range = rule_range or "*"
        if not _NAME.fullmatch(name) or name.startswith((".", "_")):
            return _bad_overrides(
                f"the override key {where} does not name a package",
                'a key is a package name, optionally with a range: "foo" or "foo@^2"',
            )
        if _npm_range(rule_range) is None:
            return _bad_overrides(
                f"the override key {where}: {json.dumps(rule_range)} is not a version range",
                'a key is a package name, optionally with a range: "foo" or "foo@^2"',
            )
        nested: Mapping[str, Any]
        if isinstance(value, str):
            nested = {".": value}
        elif isinstance(value, Mapping):
            nested = value
        else:
            return _bad_overrides(
                f"the override {where} must be a string (a version, range, dist-tag or "
                f"$reference) or an object, not {_json_kind(value)}",
                'write the version as a string, e.g. "1.0.0" (npm itself ignores a number, '
                "a boolean or a list here, and fails on null)",
            )
        dot = nested.get(".")
        if dot is not None and not isinstance(dot, str):
            return _bad_overrides(
                f'the "." of the override {where} must be a string, not {_json_kind(dot)}',
                'write e.g. {".": "1.0.0"}',
            )
        if isinstance(dot, str) and (wrong := _bad_value(dot)) is not None:
            return _bad_overrides(
                f"the override {where}: {json.dumps(dot)} {wrong}",
                'write a version, a range, a dist-tag, "npm:other@range" or "$name"',
            )
        value_text = (dot if dot != "" else "*") if isinstance(dot, str) else rule_range
        rule = _Overrides(key, name, rule_range, value_text, level)
        level.children[key] = rule
        problem = _add_rules(rule, nested, (*path, key))
        if problem is not None:
            return problem
    return None


def _bad_value(value: str) -> str | None:
    """What is wrong with an override's value, if anything (npm finds it when it fetches)."""
    text = value.strip()
    if text.startswith("$"):
        return None if _NAME.fullmatch(text[1:]) else "names no dependency after its $"
    alias = npm_alias(text)
    if alias is not None:
        if not _NAME.fullmatch(alias[0]):
            return "does not name a package after npm:"
        text = alias[1]
    if not text or unsupported_spec(text) or _npm_range(text) is not None:
        return None
    return None if _TAG.fullmatch(text) else "is neither a version range nor a dist-tag"


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {json.dumps(value)}"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, list):
        return "a list"
    return f"a {type(value).__name__}"


def _bad_overrides(reason: str, hint: str) -> NpmFailure:
    return NpmFailure("", "", "package.json", reason, hint=hint)


def _reference(name: str, *manifests: Mapping[str, Any] | NpmManifest) -> str | None:
    """The spec ``$name`` stands for: the dependency ``name`` of the first manifest having
    it, looked up as arborist does (devDependencies, optional, dependencies, peers)."""
    for manifest in manifests:
        if isinstance(manifest, Mapping):
            sections = [
                _section(manifest, key)
                for key in (
                    "devDependencies",
                    "optionalDependencies",
                    "dependencies",
                    "peerDependencies",
                )
            ]
        else:
            sections = [
                _section(manifest.raw, "devDependencies"),
                dict(manifest.optional_dependencies),
                dict(manifest.dependencies),
                dict(manifest.peer_dependencies),
            ]
        for section in sections:
            spec = section.get(name)
            if spec:
                return spec
    return None


class _Node:
    """A folder of the tree: the root, or a copy in some ``node_modules``."""

    def __init__(
        self,
        name: str,
        manifest: NpmManifest | None,
        parent: _Node | None,
        overrides: _Overrides | None = None,
    ) -> None:
        self.name = name
        self.manifest = manifest
        self.parent = parent
        self.children: dict[str, _Node] = {}
        self.overrides = overrides  # the override set this copy's edges look rules up in

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
    """Whether ``manifest`` satisfies ``edge`` (its package, and a range or ``latest``).

    An overridden edge is also satisfied, as arborist's ``Edge.satisfiedBy`` has it, by a
    copy that meets the manifest's own spec but not the rule's range."""
    if manifest is None:
        return False
    if _fits_spec(manifest, edge.package, edge.range):
        return True
    if not edge.original:
        return False
    original = _Edge(edge.name, edge.original, edge.kind)
    if not _fits_spec(manifest, original.package, original.range):
        return False
    return edge.rule_range != "*" and not satisfies(manifest.version, edge.rule_range, loose=True)


def _fits_spec(manifest: NpmManifest, package: str, wanted: str) -> bool:
    if manifest.name != package:
        return False
    if satisfies(manifest.version, wanted, loose=True):
        return True
    return wanted == "latest"  # a dist-tag: any copy will do, as npm treats it


_OK, _KEEP, _REPLACE, _CONFLICT = "ok", "keep", "replace", "conflict"


# Changes of override sets spread along edges; a dependency cycle could in principle pass
# sets round for ever, so the spreading stops after this many changes.
_SPREAD_LIMIT = 100_000


class _Builder:
    def __init__(
        self,
        manifest: Mapping[str, Any],
        registry: NpmRegistry,
        target: Target,
        overrides: _Overrides | None = None,
    ) -> None:
        self.root_manifest = manifest
        self.registry = registry
        self.target = target
        self.root = _Node(str(manifest.get("name") or ""), None, None, overrides)
        self.dropped: list[str] = []
        self.spread_left = _SPREAD_LIMIT

    def edges(self, node: _Node) -> list[_Edge]:
        edges = _edges(node, self.root_manifest)
        if node.overrides is None:
            return edges
        return [self.override(edge, node.overrides, node.manifest) for edge in edges]

    def override(self, edge: _Edge, rules: _Overrides, owner: NpmManifest | None) -> _Edge:
        """``edge`` of a copy whose override set is ``rules`` (``owner`` its manifest, None
        for the root), with the spec the applying rule asks (arborist's ``Edge.spec``)."""
        rule = rules.edge_rule(edge.name, edge.spec)
        if rule.name != edge.name or rule.value == "*":
            return replace(edge, rules=rule)
        value = rule.value
        if value.startswith("$"):
            # npm 11 reads the root's own specs, then (edge.js) falls back to the package's
            found = _reference(value[1:], self.root_manifest, *([owner] if owner else []))
            if found is None:
                label = f"{owner.name}@{owner.version}" if owner else "the root project"
                raise _OverrideProblem(
                    NpmFailure(
                        edge.name,
                        edge.spec,
                        label,
                        f"the override {json.dumps(rule.key)}: {json.dumps(value)} refers to "
                        f"no dependency (npm: Unable to resolve reference {value})",
                        hint=(
                            f"{value} stands for the root project's own spec of "
                            f"{value[1:]}; add {value[1:]} to its dependencies, or write "
                            "a version"
                        ),
                    )
                )
            value = found
        return _Edge(edge.name, value, edge.kind, edge.spec, rule.rule_range, rule)

    def adjuster(
        self, rules: _Overrides | None, owner: NpmManifest
    ) -> Callable[[_Edge], _Edge] | None:
        """How the edges of a copy of ``owner`` with the override set ``rules`` read."""
        if rules is None:
            return None
        return lambda edge: self.override(edge, rules, owner)

    def direct_overrides(self) -> NpmFailure | None:
        """npm's EOVERRIDE: an override may not change a spec of the root project."""
        for edge in self.edges(self.root):
            if edge.original and edge.spec != edge.original:
                key = edge.rules.key if edge.rules is not None else edge.name
                return NpmFailure(
                    edge.name,
                    edge.original,
                    "the root project",
                    f"the override {json.dumps(key)} asks {edge.name}@{edge.spec} instead, and "
                    "npm refuses to change a direct dependency (EOVERRIDE)",
                    hint=(
                        "an override of a direct dependency must be its spec exactly; write "
                        f'"{edge.name}": "${edge.name}" to reuse it'
                    ),
                )
        return None

    def attach(self, copy: _Node) -> None:
        """Give a copy just placed the override sets of the edges now reaching it, and
        spread its own (arborist's ``addEdgeIn`` and ``recalculateOutEdgesOverrides``)."""
        if self.root.overrides is None or copy.parent is None:
            return
        incoming = [(copy, e.rules) for _, e in self.dependents(copy.parent, copy)]
        self.spread([*incoming, *self.outgoing(copy)])

    def outgoing(self, node: _Node) -> list[tuple[_Node, _Overrides | None]]:
        pairs: list[tuple[_Node, _Overrides | None]] = []
        for edge in self.edges(node):
            to = node.resolve(edge.name)
            if to is not None and to.parent is not None:
                pairs.append((to, edge.rules))
        return pairs

    def spread(self, pending: list[tuple[_Node, _Overrides | None]]) -> None:
        """Each copy takes the more specific of its set and an incoming edge's; a change
        goes on along its own edges (arborist's ``updateOverridesEdgeInAdded``)."""
        queue = deque(pending)
        while queue:
            if self.spread_left <= 0:
                raise _OverrideProblem(
                    NpmFailure(
                        "",
                        "",
                        "package.json",
                        f"the override sets kept changing after {_SPREAD_LIMIT} steps along "
                        "the dependency graph (a cycle that passes rules round)",
                        hint="simplify the nested overrides of the packages in the cycle",
                    )
                )
            node, incoming = queue.popleft()
            current = node.overrides
            if incoming is None or current is incoming:
                continue
            chosen = incoming if current is None else _specific(current, incoming)
            if chosen is None or chosen is current:
                continue
            node.overrides = chosen
            self.spread_left -= 1
            queue.extend(self.outgoing(node))

    def build(self) -> NpmFailure | None:
        if self.root.overrides is not None:
            failure = self.direct_overrides()
            if failure is not None:
                return failure
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
        if unsupported_spec(edge.spec):
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
            current.overrides = edge.rules
            self.attach(current)
            queue.append(current)
            return None
        placed = _Node(edge.name, picked, where, edge.rules)
        where.children[edge.name] = placed
        self.dedupe_below(placed)
        self.attach(placed)
        queue.append(placed)
        return None

    def dependents(self, within: _Node, copy: _Node) -> Iterator[tuple[_Node, _Edge]]:
        """The edges of nodes inside ``within`` that ``copy`` serves now."""
        for node in within.walk():
            edge = self.edge_named(node, copy.name)
            if edge is not None and node.resolve(copy.name) is copy:
                yield node, edge

    def edge_named(self, node: _Node, name: str) -> _Edge | None:
        """The edge of ``node`` to ``name``, if it has one (as :meth:`edges` reads it)."""
        manifest = node.manifest
        if manifest is not None and not (
            name in manifest.dependencies
            or name in manifest.optional_dependencies
            or name in manifest.peer_dependencies
        ):
            return None
        for edge in _edges(node, self.root_manifest):
            if edge.name == name:
                if node.overrides is None:
                    return edge
                return self.override(edge, node.overrides, manifest)
        return None

    def can_place(self, target: _Node, dependent: _Node, edge: _Edge, manifest: NpmManifest) -> str:
        current = target.children.get(edge.name)
        if current is not None and current.manifest is not None:
            if current.manifest.version == manifest.version:
                return _KEEP
            newer = manifest.semver >= current.manifest.semver
            if newer and self.can_replace(current, manifest, edge):
                return _REPLACE if self.peers_fit(target, manifest, edge) else _CONFLICT
            if _fits(current.manifest, edge):
                return _KEEP
            # a peer prefers deduping: an older copy replaces one every dependent accepts
            downgrade = edge.peer and not newer
            if (
                downgrade
                and self.can_replace(current, manifest, edge)
                and self.peers_fit(target, manifest, edge)
            ):
                return _REPLACE
            if target is dependent and not edge.peer:
                return _REPLACE
            return _CONFLICT
        if target is not dependent:
            upper = target.resolve(edge.name)
            if upper is not None:
                for _node, other in self.dependents(target, upper):
                    if not _fits(manifest, other):
                        return _CONFLICT
        return _OK if self.peers_fit(target, manifest, edge) else _CONFLICT

    def can_replace(self, current: _Node, manifest: NpmManifest, edge: _Edge) -> bool:
        """arborist's ``canReplaceWith``: every dependent of ``current`` accepts
        ``manifest``, and a copy with dependencies keeps its override set."""
        assert current.manifest is not None
        has_deps = bool(
            current.manifest.dependencies
            or current.manifest.optional_dependencies
            or current.manifest.peer_dependencies
        )
        if has_deps and current.overrides is not edge.rules:
            return False
        return all(_fits(manifest, e) for _, e in self.dependents(self.root, current))

    def peers_fit(self, target: _Node, manifest: NpmManifest, edge: _Edge) -> bool:
        """Whether no peer of ``manifest`` (brought by ``edge``) is contradicted by a
        sibling at ``target`` that the peer's own pick could not replace."""
        adjust = self.adjuster(edge.rules, manifest)
        return _peer_clash(target, manifest, adjust, self.peer_replaces) is None

    def peer_replaces(self, peer: _Edge, sibling: _Node) -> bool:
        """npm places a package with its peers as one set: a sibling the peer rejects is
        no conflict when the version picked for the peer satisfies everyone the sibling
        serves (the peer then replaces it, see :meth:`can_place`)."""
        if sibling.manifest is None or unsupported_spec(peer.spec):
            return False
        picked = self.registry.pick(peer.package, peer.range, node_version=self.target.node_version)
        if not isinstance(picked, NpmManifest) or not _fits(picked, peer):
            return False
        return self.can_replace(sibling, picked, peer)

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
            clash = _peer_clash(at, picked, self.adjuster(edge.rules, picked))
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
            overridden: tuple[OverriddenDependency, ...] = ()
            if node.overrides is not None:
                overridden = tuple(
                    OverriddenDependency(e.name, e.spec, e.original, e.rule_range)
                    for e in self.edges(node)
                    if e.original and e.spec != e.original
                )
            placed.append(
                PlacedPackage(
                    location=node.location,
                    manifest=node.manifest,
                    dev=f["dev"],
                    optional=optional,
                    dev_optional=f["devOptional"] and not f["dev"] and not optional,
                    peer=f["peer"],
                    supported=fits,
                    overridden=overridden,
                )
            )
        placed.sort(key=lambda p: p.location)
        return NpmTree(
            self.root_manifest,
            tuple(placed),
            tuple(unsupported),
            tuple(self.dropped),
            self.bundles(placed),
        )

    def bundles(self, placed: list[PlacedPackage]) -> dict[str, Mapping[str, Any]]:
        """The lock entries of what the placed packages with bundled dependencies carry in
        their tarballs, read as npm reads them when it builds a complete tree."""
        from polypac.ecosystems.npm.bundled import read_bundle

        entries: dict[str, Mapping[str, Any]] = {}
        taken = {p.location for p in placed}
        for package in placed:
            # a shrinkwrapped package (npm also opens its tarball) is not read yet: the
            # lock would need the shrinkwrap's packages, which polypac does not copy
            if not package.manifest.bundle_dependencies:
                continue
            contents = read_bundle(
                self.registry.tarball(package.manifest), package.manifest, package.location
            )
            found = contents.lock_entries(
                dev=package.dev,
                optional=package.optional,
                dev_optional=package.dev_optional,
                peer=package.peer,
            )
            entries.update((k, v) for k, v in found.items() if k not in taken)
        return entries


def _peer_clash(
    target: _Node,
    manifest: NpmManifest,
    adjust: Callable[[_Edge], _Edge] | None = None,
    replaceable: Callable[[_Edge, _Node], bool] | None = None,
) -> tuple[str, str, _Node] | None:
    """The first peer of ``manifest`` that the copy at ``target`` fails (an optional peer
    too: npm will not place a package beside a copy its optional peer rejects). A name the
    manifest also lists as a dependency is no peer: arborist keeps one edge per name, and
    the dependency's replaces the peer's (ajv-formats lists ajv as both). ``adjust``
    applies the overrides the new copy would carry; a sibling ``replaceable`` accepts is
    no clash."""
    for name, spec in sorted(manifest.peer_dependencies.items()):
        if name in manifest.dependencies or name in manifest.optional_dependencies:
            continue
        sibling = target.children.get(name)
        if sibling is None:
            continue
        edge = _Edge(name, spec, "peer")
        if adjust is not None:
            edge = adjust(edge)
        if _fits(sibling.manifest, edge):
            continue
        if replaceable is None or not replaceable(edge, sibling):
            return name, edge.spec, sibling
    return None


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
    overrides = _parse_overrides(manifest)
    if isinstance(overrides, NpmFailure):
        return overrides
    builder = _Builder(manifest, registry, target or Target.current(), overrides)
    try:
        failure = builder.build()
        if failure is not None:
            return failure
        return builder.tree()
    except _OverrideProblem as problem:
        return problem.failure


# --- checking with the calculus -------------------------------------------------------------


def _requirement(
    name: str, spec: str, override: OverriddenDependency | None = None
) -> Requirement[SemVer] | None:
    """The versions ``spec`` accepts; for an overridden dependency, the override's, and
    those the original spec accepts outside the rule's own range (``Edge.satisfiedBy``)."""
    from polypac.calculus.extended import Requirement

    def versions(text: str) -> VersionSet[SemVer]:
        return SCHEME.parse_range(_Edge(name, text, "prod").range, loose=True)

    try:
        if override is None:
            return Requirement(name, versions(spec))
        accepted = versions(override.spec)
        if override.rule_range != "*":
            rule = SCHEME.parse_range(override.rule_range, loose=True)
            accepted = accepted | versions(override.original).difference(rule)
        return Requirement(name, accepted)
    except InvalidRange:
        return None


def check_tree(tree: NpmTree) -> list[ExtendedViolation[SemVer]]:
    """Check ``tree`` with the extended calculus (granularity ``exact``, peers).

    Each copy is a package ``(name, version)``; its required dependencies and required peers
    are direct requirements, served by the link to the copy it sees. A copy is named by its
    folder (an ``npm:`` alias by the alias, as a distinct name). Copies of one version
    at several locations are one package; its links are taken from the first location. A
    dependency the root's ``overrides`` rewrote is required as overridden
    (:attr:`PlacedPackage.overridden`). Returns the calculus' violations (none for a sound
    tree).
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
    overrides: dict[str, dict[str, OverriddenDependency]] = {
        p.location: {o.name: o for o in p.overridden} for p in tree.packages if p.overridden
    }
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
        rewritten = overrides.get(location, {})
        reqs = [
            r
            for n, s in sorted(needs.items())
            if (r := _requirement(n, s, rewritten.get(n))) is not None
        ]
        peer_reqs = [
            r
            for n, s in sorted(peer_needs.items())
            if (r := _requirement(n, s, rewritten.get(n))) is not None
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
