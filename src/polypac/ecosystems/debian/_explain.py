"""Why a package cannot be installed: a minimal unsatisfiable core, told as chains of relations.

For a broken package the clauses of its *cone* (every package its dependencies can reach,
and the essential packages' cones) are given to a fresh solver, each clause guarded by a
selector. The solver's core of failed selectors is shrunk by deletion until every clause
left is needed: a minimal set of facts that already rules the package out. Each fact is one
of: a dependency (``p depends on a | b``), a conflict (``p breaks q (<< 2)``), two packages
of one name, or an essential name. The words follow the facts: for each dependency that
nothing can meet, and for each conflict or pair of versions, the chain of dependencies that
leads from the broken package (or from an essential package) to it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from polypac.ecosystems.debian._encode import ConflictEdge, DependsEdge, Universe
from polypac.ecosystems.debian.packages import BinaryPackage
from polypac.ecosystems.debian.relations import Relation
from polypac.solve._cnf import SatSolver

__all__ = ["Reason", "Step", "explain_broken"]

_VERBS = {
    "depends": "depends on",
    "pre-depends": "pre-depends on",
    "conflicts": "conflicts with",
    "breaks": "breaks",
}


@dataclass(frozen=True, slots=True)
class Step:
    """One link of a chain: ``package`` depends on ``relation`` (an OR-group as written).

    ``field`` is ``depends`` or ``pre-depends``; or ``essential`` for the first link of a
    chain that starts at an essential package (then ``relation`` is empty).
    """

    package: BinaryPackage
    field: str
    relation: str

    def __str__(self) -> str:
        if self.field == "essential":
            return f"{self.package} is essential"
        return f"{self.package} {_VERBS[self.field]} {self.relation}"


@dataclass(frozen=True, slots=True)
class Reason:
    """One cause of a package being broken, with the chains that lead to it.

    ``kind`` is ``missing`` (a dependency nothing meets), ``conflict`` (a Conflicts or
    Breaks between two packages both needed) or ``one-version`` (two packages of one name
    both needed). ``chains`` run from the broken package (or an essential one) to the
    packages involved; ``text`` says it all in one sentence.
    """

    kind: str
    chains: tuple[tuple[Step, ...], ...]
    text: str


class _Depends(NamedTuple):
    package: int
    edge: DependsEdge


class _Conflict(NamedTuple):
    package: int
    edge: ConflictEdge
    hit: int


class _OneVersion(NamedTuple):
    first: int
    second: int


class _Essential(NamedTuple):
    name: str
    members: tuple[int, ...]


_Fact = _Depends | _Conflict | _OneVersion | _Essential
"""One guarded clause of a cone, as the fact it states."""


class _Cone:
    """The clauses of one broken package's cone, each guarded by a selector."""

    def __init__(self, universe: Universe, root: int) -> None:
        self.universe = universe
        self.root = root
        starts = [root]
        for _, members in universe.essentials:
            starts.extend(members)
        seen = set(starts)
        queue = deque(starts)
        while queue:
            package = queue.popleft()
            for edge in universe.depends[package]:
                for candidate in edge.candidates:
                    if candidate not in seen:
                        seen.add(candidate)
                        queue.append(candidate)
        self.members = sorted(seen)
        self.variable = {p: i + 1 for i, p in enumerate(self.members)}
        self.facts: list[_Fact] = []
        self.clauses: list[list[int]] = []
        self._collect()

    def _add(self, fact: _Fact, literals: Iterable[int]) -> None:
        selector = -(len(self.members) + len(self.facts) + 1)
        self.facts.append(fact)
        self.clauses.append([*literals, selector])

    def _collect(self) -> None:
        universe, variable = self.universe, self.variable
        inside = variable.keys()
        for package in self.members:
            for edge in universe.depends[package]:
                if package not in edge.candidates:
                    self._add(
                        _Depends(package, edge),
                        [-variable[package], *(variable[c] for c in edge.candidates)],
                    )
        pairs: set[tuple[int, int]] = set()
        for package in self.members:
            for block in universe.conflicts[package]:
                for hit in block.hits:
                    pair = (min(package, hit), max(package, hit))
                    if hit in inside and pair not in pairs:
                        pairs.add(pair)
                        self._add(
                            _Conflict(package, block, hit),
                            [-variable[package], -variable[hit]],
                        )
        names: dict[str, list[int]] = {}
        for package in self.members:
            names.setdefault(universe.packages[package].name, []).append(package)
        for group in names.values():
            for i, a in enumerate(group):
                for b in group[i + 1 :]:
                    if not universe.coexist(a, b):
                        self._add(_OneVersion(a, b), [-variable[a], -variable[b]])
        for name, members in universe.essentials:
            self._add(_Essential(name, members), [variable[m] for m in members])

    def selector(self, index: int) -> int:
        return len(self.members) + index + 1

    def minimal_core(self) -> list[_Fact]:
        """A minimal set of facts that rules the root out (deletion-based)."""
        root = self.variable[self.root]
        selectors = [self.selector(i) for i in range(len(self.facts))]
        first = len(self.members) + 1
        with SatSolver("cadical195", self.clauses) as sat:
            if sat.solve([root, *selectors]):
                raise AssertionError(f"{self.universe.packages[self.root]} is installable")
            core = sorted(lit for lit in sat.core() if lit >= first)
            kept: list[int] = []
            while core:
                trial, core = core[0], core[1:]
                if sat.solve([root, *kept, *core]):
                    kept.append(trial)
                else:
                    failed = set(sat.core())
                    core = [s for s in core if s in failed]
                    kept = [s for s in kept if s in failed]
        return [self.facts[s - first] for s in sorted(kept)]


def _chains(universe: Universe, root: int, facts: Sequence[_Fact]) -> dict[int, tuple[Step, ...]]:
    """The shortest chain of core dependencies from the root (or an essential) to each
    package the core names."""
    edges: dict[int, list[DependsEdge]] = {}
    for fact in facts:
        if isinstance(fact, _Depends):
            edges.setdefault(fact.package, []).append(fact.edge)
    packages = universe.packages
    chains: dict[int, tuple[Step, ...]] = {root: ()}
    queue = deque([root])
    for fact in facts:
        if isinstance(fact, _Essential):
            for member in fact.members:
                if member not in chains:
                    chains[member] = (Step(packages[member], "essential", ""),)
                    queue.append(member)
    while queue:
        package = queue.popleft()
        for edge in edges.get(package, ()):
            step = Step(packages[package], edge.field, edge.text)
            for candidate in edge.candidates:
                if candidate not in chains:
                    chains[candidate] = (*chains[package], step)
                    queue.append(candidate)
    return chains


def _sentence(chains: Sequence[tuple[Step, ...]], ending: str) -> str:
    """The chains' steps, each once (chains from essential packages first), then ``ending``."""
    seen: list[str] = []
    for chain in sorted(chains, key=lambda c: not c or c[0].field != "essential"):
        for step in chain:
            text = str(step)
            if text not in seen:
                seen.append(text)
    if not seen:
        return ending[0].upper() + ending[1:]
    return "; ".join(seen) + ", but " + ending


def _missing_cause(universe: Universe, package: int, edge: DependsEdge) -> str:
    if len(edge.group) > 1:
        return "no package satisfies any of its alternatives"
    return _relation_cause(universe, package, edge.group[0])


def _relation_cause(universe: Universe, package: int, relation: Relation) -> str:
    name = relation.name
    real = universe.real.get(name, [])
    providers = universe.provided.get(name, [])
    if not real and not providers:
        return f"there is no package {name}"
    constraint = f"{relation.operator} {relation.version}" if relation.operator else ""
    if constraint and real:
        found = ", ".join(sorted({universe.packages[r].version for r in real}))
        return f"no version of {name} satisfies {constraint} (the archive has {found})"
    if constraint:
        return f"no package provides {name} at a version that satisfies {constraint}"
    if relation.arch_qualifier == "any" and not real:
        return f"no package that provides {name} is Multi-Arch: allowed"
    target = universe.target_slot(relation, universe.slots[package])
    return f"no package of architecture {target} satisfies it"


def _conflict_text(universe: Universe, package: int, block: ConflictEdge, hit: int) -> str:
    packages = universe.packages
    text = f"{packages[package]} {_VERBS[block.field]} {block.relation}"
    if packages[hit].name != block.relation.name:
        text += f" (which {packages[hit]} provides)"
    elif universe.slots[hit] != universe.slots[package] and hit != package:
        text += f" ({packages[hit]})"
    return text


def explain_broken(universe: Universe, root: int) -> tuple[Reason, ...]:
    """Why package ``root`` of ``universe`` cannot be installed (it must be broken)."""
    facts = _Cone(universe, root).minimal_core()
    chains = _chains(universe, root, facts)
    packages = universe.packages
    reasons: list[tuple[int, str, Reason]] = []
    for fact in facts:
        match fact:
            case _Depends(package, edge) if not edge.candidates:
                step = Step(packages[package], edge.field, edge.text)
                chain = (*chains.get(package, ()), step)
                text = _sentence([chain], _missing_cause(universe, package, edge))
                reasons.append((len(chain), text, Reason("missing", (chain,), text)))
            case _Conflict(package, block, hit):
                pair = (chains.get(package, ()), chains.get(hit, ()))
                text = _sentence(pair, _conflict_text(universe, package, block, hit))
                kept = tuple(c for c in pair if c)
                reasons.append((max(map(len, pair)), text, Reason("conflict", kept, text)))
            case _OneVersion(a, b):
                pair = (chains.get(a, ()), chains.get(b, ()))
                ending = f"{packages[a]} and {packages[b]} cannot both be installed"
                text = _sentence(pair, ending)
                kept = tuple(c for c in pair if c)
                reasons.append((max(map(len, pair)), text, Reason("one-version", kept, text)))
            case _:
                pass  # a link of a chain, or an essential name: the chains tell them
    core_edges = {id(f.edge) for f in facts if isinstance(f, _Depends)}
    for edge in universe.depends[root]:
        # a minimal core names one fatal gap; say every unmet dependency of the package itself
        if not edge.candidates and id(edge) not in core_edges:
            chain = (Step(packages[root], edge.field, edge.text),)
            text = _sentence([chain], _missing_cause(universe, root, edge))
            reasons.append((1, text, Reason("missing", (chain,), text)))
    reasons.sort(key=lambda item: (item[0], item[1]))
    unique: dict[str, Reason] = {}
    for _, text, reason in reasons:
        unique.setdefault(text, reason)
    return tuple(unique.values())
