"""A Debian archive as clauses: one variable per binary package, one clause per relation.

This is the *direct* encoding of installability. It states the same semantics as the
mapping to the extended Package Calculus (:mod:`polypac.ecosystems.debian._extended`), but
writes the clauses straight from the relations instead of going through the calculus'
synthetic packages (one choice package per alternative, one switch package per conflict).
On Debian 12 main (63,440 packages) the generic path makes 141,254 core names and 1.8
million core dependencies, and takes 54 s and 1.56 GB where this encoding takes 8 s and
375 MB (both with reading, one run of ``benchmarks/debian_installability.py``; the
reduction alone takes 42 s). Tests check both give the same verdicts.

The semantics follow dose-distcheck's translation of Debian to CUDF (``debcudf``), which
follows dpkg and apt:

* Each package has a *slot* architecture: its own, or the native one for ``all``.
* A dependency ``x`` (no qualifier) of a package in slot ``A`` is met by a real ``x`` in
  slot ``A`` or any ``x`` that is ``Multi-Arch: foreign``, or by a provider of ``x`` in slot
  ``A`` or that is ``Multi-Arch: foreign``. ``x:native`` and ``x:ARCH`` use that slot
  instead of ``A`` (``Multi-Arch: foreign`` stands in only for the architectures taken
  in: the native and the foreign ones). ``x:any`` is met by a real ``x`` of any
  architecture, or by a provider that is ``Multi-Arch: allowed``.
* A version constraint holds for a real package on its version, for a provider on the
  version it provides; an unversioned provide meets only unversioned relations.
* ``Conflicts`` and ``Breaks`` hit every installed package, of any architecture, that meets
  the relation (same version rules), except the declarer itself and its own copies in other
  architectures (``Multi-Arch: same``): a package never conflicts with itself.
* Two packages of one name cannot both be installed, unless both are ``Multi-Arch: same``,
  in different slots, at the same version.
* Unless ``essential`` is turned off, every installation holds some package of each name
  marked ``Essential: yes`` (dose-distcheck's default; libsolv's installcheck ignores it).
* An architecture restriction list (``[amd64 !i386]``) drops the relation for packages of
  other slots; build profiles do not apply to binary packages and are ignored.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from polypac.ecosystems.debian.packages import BinaryPackage
from polypac.ecosystems.debian.relations import Relation
from polypac.errors import InvalidVersion
from polypac.version.debian import parse_version

__all__ = [
    "Architectures",
    "ConflictEdge",
    "DependsEdge",
    "Universe",
    "build_universe",
    "clauses",
    "version_holds",
]

Key = tuple[int, ...]

_FOREIGN = "foreign"
_ALLOWED = "allowed"
_SAME = "same"


@dataclass(frozen=True, slots=True)
class Architectures:
    """The native architecture and the foreign ones an archive is checked for."""

    native: str
    foreign: tuple[str, ...] = ()

    def slot(self, architecture: str) -> str:
        """The architecture a package occupies: ``all`` counts as the native one."""
        return self.native if architecture == "all" else architecture

    def considers(self, architecture: str) -> bool:
        """Whether packages of ``architecture`` take part (others are ignored, as dose does)."""
        return architecture in ("all", self.native) or architecture in self.foreign

    @property
    def all(self) -> tuple[str, ...]:
        """The native architecture and then the foreign ones."""
        return (self.native, *self.foreign)


def version_holds(operator: str, found: Key, wanted: Key) -> bool:
    """Whether a version with sort key ``found`` satisfies ``operator`` ``wanted``."""
    if operator == ">=":
        return found >= wanted
    if operator == "<=":
        return found <= wanted
    if operator == "=":
        return found == wanted
    if operator == ">>":
        return found > wanted
    return found < wanted  # "<<"


class DependsEdge(NamedTuple):
    """One OR-group of a package's Depends or Pre-Depends, and the packages that meet it.

    (A named tuple rather than a dataclass: a whole archive makes some 300,000 of them.)
    """

    field: str  # "depends" | "pre-depends"
    group: tuple[Relation, ...]
    candidates: tuple[int, ...]

    @property
    def text(self) -> str:
        """The group as written: ``a (>= 1) | b``."""
        return " | ".join(map(str, self.group))


class ConflictEdge(NamedTuple):
    """One relation of a package's Conflicts or Breaks, and the packages it hits."""

    field: str  # "conflicts" | "breaks"
    relation: Relation
    hits: tuple[int, ...]


class Universe:
    """The packages of an archive (indexed 0..n-1) with every relation resolved to indices.

    Built once by :func:`build_universe`; read-only afterwards.
    """

    def __init__(self, packages: Sequence[BinaryPackage], architectures: Architectures) -> None:
        self.packages = packages
        self.architectures = architectures
        self.slots = [architectures.slot(p.architecture) for p in packages]
        self.keys: list[Key] = []
        self.real: dict[str, list[int]] = defaultdict(list)
        self.provided: dict[str, list[tuple[int, Key | None]]] = defaultdict(list)
        self.depends: list[tuple[DependsEdge, ...]] = []
        self.conflicts: list[tuple[ConflictEdge, ...]] = []
        self.essentials: list[tuple[str, tuple[int, ...]]] = []
        self._versions: dict[str, Key] = {}
        # Relations are shared objects (the reader caches its parses) kept alive by
        # ``packages``, so their ids are stable keys, far cheaper to hash than the values.
        self._dep_cache: dict[str, dict[int, tuple[int, ...]]] = defaultdict(dict)
        self._conflict_cache: dict[int, tuple[int, ...]] = {}

    def __len__(self) -> int:
        return len(self.packages)

    def key(self, text: str) -> Key:
        """The sort key of a version string (raises InvalidVersion)."""
        found = self._versions.get(text)
        if found is None:
            found = self._versions[text] = parse_version(text).key
        return found

    # -- relations -----------------------------------------------------------------------

    def target_slot(self, relation: Relation, slot: str) -> str | None:
        """The slot a dependency of a package in ``slot`` looks in (None: any, for ``:any``)."""
        qualifier = relation.arch_qualifier
        if qualifier is None:
            return slot
        if qualifier == "any":
            return None
        if qualifier == "native":
            return self.architectures.native
        return self.architectures.slot(qualifier)

    def _version_ok(self, relation: Relation, found: Key | None) -> bool:
        if relation.operator is None:
            return True
        if found is None:  # an unversioned provide meets only unversioned relations
            return False
        return version_holds(relation.operator, found, self.key(relation.version or ""))

    def dependency_candidates(self, relation: Relation, slot: str) -> tuple[int, ...]:
        """The packages that meet ``relation`` as a dependency of a package in ``slot``."""
        cache = self._dep_cache[slot]
        cached = cache.get(id(relation))
        if cached is not None:
            return cached
        target = self.target_slot(relation, slot)
        # Multi-Arch: foreign packages stand in for every architecture taken in, no other
        foreign_ok = target in self.architectures.all
        packages, slots, keys = self.packages, self.slots, self.keys
        found: list[int] = []
        for index in self.real.get(relation.name, ()):
            if (
                target is None
                or slots[index] == target
                or (foreign_ok and packages[index].multi_arch == _FOREIGN)
            ) and self._version_ok(relation, keys[index]):
                found.append(index)
        for index, provided in self.provided.get(relation.name, ()):
            multi_arch = packages[index].multi_arch
            if target is None:
                if multi_arch != _ALLOWED:
                    continue
            elif slots[index] != target and not (foreign_ok and multi_arch == _FOREIGN):
                continue
            if self._version_ok(relation, provided):
                found.append(index)
        result = tuple(sorted(set(found)))
        cache[id(relation)] = result
        return result

    def conflict_hits(self, relation: Relation) -> tuple[int, ...]:
        """The packages that meet ``relation`` as a conflict (before excluding the declarer)."""
        cached = self._conflict_cache.get(id(relation))
        if cached is not None:
            return cached
        qualifier = relation.arch_qualifier
        target = None if qualifier in (None, "any") else self.target_slot(relation, "")
        foreign_ok = target in self.architectures.all
        packages, slots, keys = self.packages, self.slots, self.keys
        found: list[int] = []
        for index in self.real.get(relation.name, ()):
            if (
                target is None
                or slots[index] == target
                or (foreign_ok and packages[index].multi_arch == _FOREIGN)
            ) and self._version_ok(relation, keys[index]):
                found.append(index)
        for index, provided in self.provided.get(relation.name, ()):
            if (
                target is None
                or slots[index] == target
                or (foreign_ok and packages[index].multi_arch == _FOREIGN)
            ) and self._version_ok(relation, provided):
                found.append(index)
        result = tuple(sorted(set(found)))
        self._conflict_cache[id(relation)] = result
        return result

    def depends_edge(
        self, field: str, group: tuple[Relation, ...], slot: str
    ) -> DependsEdge | None:
        """The edge of one OR-group for a package in ``slot`` (None: restricted away)."""
        if len(group) == 1:
            relation = group[0]
            if relation.architectures and not self.applies(relation, slot):
                return None
            return DependsEdge(field, group, self.dependency_candidates(relation, slot))
        applying = tuple(r for r in group if not r.architectures or self.applies(r, slot))
        if not applying:
            return None
        merged: set[int] = set()
        for relation in applying:
            merged.update(self.dependency_candidates(relation, slot))
        return DependsEdge(field, applying, tuple(sorted(merged)))

    def applies(self, relation: Relation, slot: str) -> bool:
        """Whether an architecture restriction list keeps ``relation`` for ``slot``."""
        restriction = relation.architectures
        if not restriction:
            return True
        if all(a.startswith("!") for a in restriction):
            return f"!{slot}" not in restriction
        return slot in restriction

    # -- multi-arch and names ------------------------------------------------------------

    def coexist(self, a: int, b: int) -> bool:
        """Whether two packages of one name may both be installed (M-A: same copies)."""
        pa, pb = self.packages[a], self.packages[b]
        return (
            pa.multi_arch == _SAME
            and pb.multi_arch == _SAME
            and self.slots[a] != self.slots[b]
            and self.keys[a] == self.keys[b]
        )

    def same_name_groups(self) -> Iterator[tuple[int, ...]]:
        """Groups of same-named packages of which at most one may be installed.

        A name whose packages all exclude each other is one group (the usual case: one
        architecture); otherwise each excluding pair is a group of two.
        """
        for members in self.real.values():
            if len(members) < 2:
                continue
            pairs = [
                (a, b)
                for i, a in enumerate(members)
                for b in members[i + 1 :]
                if not self.coexist(a, b)
            ]
            if len(pairs) == len(members) * (len(members) - 1) // 2:
                yield tuple(members)
            else:
                yield from pairs

    def excluded_by(self, declarer: int, hit: int) -> bool:
        """Whether a conflict of ``declarer`` leaves ``hit`` alone (itself, or its copy)."""
        if hit == declarer:
            return True
        pd, ph = self.packages[declarer], self.packages[hit]
        return pd.name == ph.name and self.keys[declarer] == self.keys[hit]


def build_universe(
    packages: Sequence[BinaryPackage], architectures: Architectures, *, essential: bool = True
) -> tuple[Universe, list[tuple[BinaryPackage, InvalidVersion]]]:
    """Index ``packages`` and resolve every relation to the packages it names.

    A package whose own version or any relation version does not parse is left out and
    returned with its error (its dependents then see it as missing).
    """
    cache: dict[str, Key] = {}
    kept: list[BinaryPackage] = []
    rejected: list[tuple[BinaryPackage, InvalidVersion]] = []
    for package in packages:
        try:
            _check_versions(package, cache)
        except InvalidVersion as error:
            rejected.append((package, error))
        else:
            kept.append(package)
    return _build(kept, architectures, cache, essential=essential), rejected


def _build(
    packages: Sequence[BinaryPackage],
    architectures: Architectures,
    versions: dict[str, Key],
    *,
    essential: bool,
) -> Universe:
    universe = Universe(packages, architectures)
    universe._versions = versions
    key = universe.key
    keys = universe.keys
    real, provided = universe.real, universe.provided
    for index, package in enumerate(packages):
        keys.append(key(package.version))
        real[package.name].append(index)
        for group in package.provides:
            for relation in group:
                version = None
                if relation.operator is not None and relation.version is not None:
                    version = key(relation.version)
                provided[relation.name].append((index, version))
    slots = universe.slots
    depends_edge, conflict_hits = universe.depends_edge, universe.conflict_hits
    excluded_by, applies = universe.excluded_by, universe.applies
    for index, package in enumerate(packages):
        slot = slots[index]
        edges: list[DependsEdge] = []
        for field, groups in (("pre-depends", package.pre_depends), ("depends", package.depends)):
            for group in groups:
                edge = depends_edge(field, group, slot)
                if edge is not None:
                    edges.append(edge)
        universe.depends.append(tuple(edges))
        blocks: list[ConflictEdge] = []
        for field, groups in (("conflicts", package.conflicts), ("breaks", package.breaks)):
            for group in groups:
                for relation in group:
                    if relation.architectures and not applies(relation, slot):
                        continue
                    hits = tuple(h for h in conflict_hits(relation) if not excluded_by(index, h))
                    if hits:
                        blocks.append(ConflictEdge(field, relation, hits))
        universe.conflicts.append(tuple(blocks))
    if essential:
        names = sorted({p.name for p in packages if p.essential})
        universe.essentials = [(name, tuple(real[name])) for name in names]
    return universe


def _check_versions(package: BinaryPackage, cache: dict[str, Key]) -> None:
    """Parse every version ``package`` holds into ``cache``; raise InvalidVersion if bad."""
    if package.version not in cache:
        cache[package.version] = parse_version(package.version).key
    for groups in (
        package.depends,
        package.pre_depends,
        package.conflicts,
        package.breaks,
        package.provides,
    ):
        for group in groups:
            for relation in group:
                text = relation.version
                if text is not None and text not in cache:
                    cache[text] = parse_version(text).key


def clauses(universe: Universe) -> Iterator[list[int]]:
    """The CNF of ``universe``: package ``i`` is variable ``i + 1``.

    Dependencies (``-p`` or a candidate; skipped when ``p`` meets its own dependency),
    conflicts (``-p | -q``, each pair once), at most one package per name (pairwise for
    small groups, a sequential counter with new variables above ``len(universe)`` for large
    ones) and, with essentials, one clause per essential name.
    """
    for index, edges in enumerate(universe.depends):
        for edge in edges:
            if index in edge.candidates:
                continue
            yield [-(index + 1), *(c + 1 for c in edge.candidates)]
    seen: set[tuple[int, int]] = set()
    for index, blocks in enumerate(universe.conflicts):
        for block in blocks:
            for hit in block.hits:
                pair = (index, hit) if index < hit else (hit, index)
                if pair not in seen:
                    seen.add(pair)
                    yield [-(pair[0] + 1), -(pair[1] + 1)]
    top = len(universe)
    for group in universe.same_name_groups():
        variables = [g + 1 for g in group]
        if len(variables) <= _PAIRWISE_LIMIT:
            for i, a in enumerate(variables):
                for b in variables[i + 1 :]:
                    yield [-a, -b]
            continue
        # sequential counter: s_i says "one of the first i is installed"
        counters = list(range(top + 1, top + len(variables)))
        top += len(counters)
        for i, variable in enumerate(variables):
            if i < len(counters):
                yield [-variable, counters[i]]
            if i > 0:
                yield [-variable, -counters[i - 1]]
                if i < len(counters):
                    yield [-counters[i - 1], counters[i]]
    for _, members in universe.essentials:
        yield [m + 1 for m in members]


_PAIRWISE_LIMIT = 6
