"""PubGrub: conflict-driven version solving over version sets.

The algorithm of Natalie Weizenbaum (dart-lang/pub ``doc/solver.md``), here over the core
of the Package Calculus. The solver keeps a partial solution (decisions and derived terms)
and a store of incompatibilities (sets of terms that cannot all hold). It alternates:

- unit propagation: an incompatibility whose terms all hold but one forces the negation of
  that one; incompatibilities are indexed by name, so only those of names that changed are
  looked at;
- conflict resolution: when every term of an incompatibility holds, resolve it with the
  causes of its satisfiers until it points at one decision level, learn the result and jump
  back to the level where it forces something new;
- decision making: pick the undecided name the provider ranks first, let the provider pick a
  version, and only then ask for that version's dependencies.

It fails by deriving an incompatibility that says "the root cannot be selected"; its
derivation tree is the proof, and :mod:`polypac.solve.explain` words it::

    >>> from polypac.calculus.model import Dependency, Ordinal, Package, Problem
    >>> from polypac.solve.provider import ProblemProvider
    >>> from polypac.version.sets import Bound, VersionSet
    >>> one, two = Ordinal(1), Ordinal(2)
    >>> problem = Problem(
    ...     root=Package("app", one),
    ...     packages={"app": (one,), "lib": (one, two)},
    ...     dependencies={Package("app", one): (Dependency("lib", VersionSet.full()),)},
    ... )
    >>> solve(ProblemProvider(problem), problem.root).selected
    {'app': Ordinal(value=1), 'lib': Ordinal(value=2)}
"""

from __future__ import annotations

import bisect
import heapq
from typing import Any, Generic, TypeVar

from polypac.calculus.model import Dependency, Package
from polypac.solve._incompatibility import Incompatibility
from polypac.solve._partial_solution import PartialSolution
from polypac.solve.derivation import (
    DependsOn,
    Derivation,
    Derived,
    External,
    NotRoot,
    NoVersions,
    PackageUnavailable,
)
from polypac.solve.provider import (
    DependencyProvider,
    ProviderError,
    Reporter,
    ResolutionCancelled,
    Unavailable,
    VersionLister,
)
from polypac.solve.result import Resolution, Unsatisfiable
from polypac.solve.term import Relation
from polypac.version.sets import Bound, Version, VersionSet

__all__ = ["solve"]

V = TypeVar("V", bound=Version)


def solve(
    provider: DependencyProvider[V],
    root: Package[V],
    *,
    reporter: Reporter[V] | None = None,
) -> Resolution[V] | Unsatisfiable[V]:
    """Select versions for ``root`` and everything it needs, or prove that none exist.

    Raises :class:`~polypac.solve.provider.ResolutionCancelled` when the provider's
    ``should_cancel`` says so, and :class:`~polypac.solve.provider.ProviderError` when the
    provider chooses a version outside the set it was asked about.
    """
    return _Solver(provider, root, reporter or Reporter()).run()


class _Terminal:
    """Conflict resolution reached an incompatibility that cannot be broken."""

    __slots__ = ("incompatibility",)

    def __init__(self, incompatibility: int) -> None:
        self.incompatibility = incompatibility


class _Solver(Generic[V]):
    """The state of one solve."""

    def __init__(
        self, provider: DependencyProvider[V], root: Package[V], reporter: Reporter[V]
    ) -> None:
        self.provider = provider
        self.root = root
        self.reporter = reporter
        self.solution: PartialSolution[V] = PartialSolution()
        self.store: list[Incompatibility[V]] = []
        self.by_name: dict[str, list[int]] = {}
        # Incompatibilities replaced by a merged one; skipped by propagation.
        self.retired: set[int] = set()
        # Incompatibilities known to be contradicted, with the level that made them so.
        self.contradicted: dict[int, int] = {}
        # Versions whose dependencies are in the store already.
        self.expanded: dict[str, set[V]] = {}
        # (name, versions) whose lack of a version has been looked for already.
        self.asked: set[tuple[str, VersionSet[V]]] = set()
        # (depender, dependency, dependency versions) -> the dependency incompatibility.
        self.mergeable: dict[tuple[str, str, VersionSet[V]], int] = {}
        # Decision queue: (priority, name, stamp); an entry is live while its stamp is.
        self.queue: list[tuple[Any, str, int]] = []
        self.stamps: dict[str, int] = {}
        self.dirty: dict[str, None] = {}
        # Every version of a name, sorted, when the provider can list them.
        self.lister = provider if isinstance(provider, VersionLister) else None
        self.listed: dict[str, list[V]] = {}

    # -- the main loop -------------------------------------------------------------------

    def run(self) -> Resolution[V] | Unsatisfiable[V]:
        self._add_fact(NotRoot(self.root))
        next_name = self.root.name
        while True:
            terminal = self._propagate(next_name)
            if terminal is not None:
                return Unsatisfiable(self.root, self._derivation(terminal))
            name = self._next_undecided()
            if name is None:
                chosen = self.solution.decisions()
                return Resolution(self.root, {name: chosen[name] for name in sorted(chosen)})
            if self.provider.should_cancel():
                raise ResolutionCancelled(f"resolution of {self.root} was cancelled")
            self._decide(name)
            next_name = name

    # -- the store -----------------------------------------------------------------------

    def _add(self, incompatibility: Incompatibility[V]) -> int:
        """Store ``incompatibility`` and index it under each of its names."""
        ident = len(self.store)
        self.store.append(incompatibility)
        for name in incompatibility.terms:
            self.by_name.setdefault(name, []).append(ident)
        return ident

    def _add_fact(self, fact: External[V]) -> int | None:
        incompatibility = Incompatibility.from_external(fact)
        return None if incompatibility is None else self._add(incompatibility)

    def _add_dependencies(
        self, name: str, version: V, dependencies: tuple[Dependency[V], ...]
    ) -> list[int]:
        """Store what ``name`` at ``version`` depends on; the ids of what was stored.

        When other versions of ``name`` already had the very same dependency, the two
        incompatibilities become one over the union of their versions: fewer to propagate,
        and shorter explanations. When the provider lists the versions of ``name``, the
        depender set also spans the gaps around ``version`` where no version exists.
        """
        needs: dict[str, VersionSet[V]] = {}
        for dependency in dependencies:
            known = needs.get(dependency.name)
            needs[dependency.name] = (
                dependency.versions if known is None else known.intersection(dependency.versions)
            )
        itself: VersionSet[V] = VersionSet.singleton(version)
        # A dependency on its own name is about this very version: it stays unstretched.
        stretch = self._stretch(name, version)
        added: list[int] = []
        for other, versions in needs.items():
            fact = DependsOn(name, itself if other == name else stretch, other, versions)
            if other == name or versions.is_empty():
                ident = self._add_fact(fact)
            else:
                key = (name, other, versions)
                previous = self.mergeable.get(key)
                if previous is not None:
                    earlier = self.store[previous].cause
                    assert isinstance(earlier, DependsOn)
                    fact = DependsOn(
                        name, earlier.depender_versions.union(stretch), other, versions
                    )
                    self.retired.add(previous)
                ident = self._add_fact(fact)
                if ident is not None:
                    self.mergeable[key] = ident
            if ident is not None:
                added.append(ident)
        return added

    def _stretch(self, name: str, version: V) -> VersionSet[V]:
        """``version`` and the gap above it up to the next version of ``name`` that exists
        (and the gap below it too, for the oldest version); only ``version`` when the
        provider does not list versions.

        The stretches of the versions of a name partition all versions, each holding one
        version that exists, so a fact about some versions stays true, over the versions
        that exist, when said of their stretches: "foo 1 | 2 depends on bar" of foo 1, 2
        and 3 becomes "foo <3 depends on bar". A stretch holds pre-releases too, so that
        it covers the sets of dependencies that allow them.
        """
        itself: VersionSet[V] = VersionSet.singleton(version)
        if self.lister is None:
            return itself
        existing = self.listed.get(name)
        if existing is None:
            existing = self.listed[name] = sorted(set(self.lister.versions(name)))
        at = bisect.bisect_left(existing, version)
        if at == len(existing) or existing[at] != version:
            return itself  # not listed: the gaps around it are not known to be empty
        lower = None if at == 0 else Bound(version, True)
        upper = None if at + 1 == len(existing) else Bound(existing[at + 1], False)
        return itself.union(VersionSet.between(lower, upper))

    # -- unit propagation ----------------------------------------------------------------

    def _propagate(self, start: str) -> int | None:
        """Derive what the store forces, starting from ``start``; resolve conflicts.

        Returns the id of a terminal incompatibility when solving has failed.
        """
        solution = self.solution
        changed = [start]
        while changed:
            name = changed.pop()
            conflict: int | None = None
            ids = self.by_name.get(name, [])
            for k in range(len(ids) - 1, -1, -1):  # newest first: learned ones are stronger
                ident = ids[k]
                if ident in self.contradicted or ident in self.retired:
                    continue
                incompatibility = self.store[ident]
                relation, almost = solution.relation(incompatibility)
                if relation is Relation.SATISFIED:
                    conflict = ident
                    break
                if relation is Relation.CONTRADICTED:
                    self.contradicted[ident] = solution.level
                elif almost is not None:
                    solution.derive(almost, incompatibility.terms[almost].negate(), ident)
                    self.contradicted[ident] = solution.level
                    self.dirty[almost] = None
                    if almost not in changed:
                        changed.append(almost)
            if conflict is not None:
                outcome = self._resolve_conflict(conflict)
                if isinstance(outcome, _Terminal):
                    return outcome.incompatibility
                cause, almost = outcome
                term = self.store[cause].terms[almost]
                solution.derive(almost, term.negate(), cause)
                self.contradicted[cause] = solution.level
                self.dirty[almost] = None
                changed = [almost]
        return None

    # -- conflict resolution -------------------------------------------------------------

    def _resolve_conflict(self, conflict: int) -> tuple[int, str] | _Terminal:
        """Learn the root cause of ``conflict`` and backjump; (its id, the name it forces)."""
        self.reporter.on_conflict(self.store[conflict].term_tuple())
        current = conflict
        while True:
            incompatibility = self.store[current]
            if incompatibility.is_terminal(self.root):
                return _Terminal(current)
            found = self.solution.satisfier(incompatibility)
            satisfier = found.assignment
            if satisfier.cause is None or found.previous_level != satisfier.level:
                if current != conflict:
                    for name in incompatibility.terms:
                        self.by_name.setdefault(name, []).append(current)
                self._backtrack(found.previous_level)
                return current, satisfier.name
            prior = Incompatibility.prior_cause(
                incompatibility,
                current,
                self.store[satisfier.cause],
                satisfier.cause,
                satisfier.name,
            )
            current = len(self.store)
            self.store.append(prior)  # indexed only if it is the one learned

    def _backtrack(self, level: int) -> None:
        for name in self.solution.backtrack(level):
            self.dirty[name] = None
        self.contradicted = {i: at for i, at in self.contradicted.items() if at <= level}
        self.reporter.on_backtrack(level)

    # -- decision making -----------------------------------------------------------------

    def _next_undecided(self) -> str | None:
        """The pending name with the smallest priority (then name), or ``None``."""
        solution = self.solution
        for name in self.dirty:
            stamp = self.stamps[name] = self.stamps.get(name, 0) + 1
            if solution.is_pending(name):
                priority = self.provider.prioritize(name, solution.term(name).versions)
                heapq.heappush(self.queue, (priority, name, stamp))
        self.dirty.clear()
        while self.queue:
            _, name, stamp = heapq.heappop(self.queue)
            if self.stamps.get(name) == stamp and solution.is_pending(name):
                return name
        return None

    def _decide(self, name: str) -> None:
        """Try a version of ``name``: learn why it cannot be, or select it."""
        self.dirty[name] = None  # whatever happens, what is known about it changes
        versions = self.solution.term(name).versions
        version = self.provider.choose_version(name, versions)
        if version is None:
            self._add_fact(NoVersions(name, versions))
            return
        if not versions.contains(version):
            raise ProviderError(
                f"the provider chose {name} {version}, outside the versions asked for"
            )
        # A version with no alternative is a forced choice: say so with a fact, so that
        # ruling it out later rules out the name at once (and explanations can say
        # "every version of").
        others = versions.difference(VersionSet.singleton(version))
        if not others.is_empty() and (name, others) not in self.asked:
            self.asked.add((name, others))  # asked once: backjumps come back here often
            if self.provider.choose_version(name, others) is None:
                self._add_fact(NoVersions(name, others))
        expanded = self.expanded.setdefault(name, set())
        if version not in expanded:
            expanded.add(version)
            answer = self.provider.get_dependencies(Package(name, version))
            if isinstance(answer, Unavailable):
                self._add_fact(
                    PackageUnavailable(name, VersionSet.singleton(version), answer.reason)
                )
                return
            added = self._add_dependencies(name, version, answer.dependencies)
            # Deciding would break one of them at once: let propagation rule the version out.
            if any(self.solution.would_satisfy(self.store[i], name, version) for i in added):
                return
        self.solution.decide(name, version)
        self.reporter.on_decision(Package(name, version), self.solution.level)

    # -- the proof -----------------------------------------------------------------------

    def _derivation(self, terminal: int) -> Derivation[V]:
        """The derivation tree of incompatibility ``terminal``, built without recursion."""
        uses: dict[int, int] = {}
        seen = {terminal}
        stack = [terminal]
        while stack:
            cause = self.store[stack.pop()].cause
            if isinstance(cause, tuple):
                for ident in cause:
                    uses[ident] = uses.get(ident, 0) + 1
                    if ident not in seen:
                        seen.add(ident)
                        stack.append(ident)
        nodes: dict[int, Derivation[V]] = {}
        shared = 0
        work: list[tuple[int, bool]] = [(terminal, False)]
        while work:
            ident, ready = work.pop()
            if ident in nodes:
                continue
            incompatibility = self.store[ident]
            cause = incompatibility.cause
            if not isinstance(cause, tuple):
                nodes[ident] = cause
                continue
            first, second = cause
            if not ready:
                work.append((ident, True))
                work.append((second, False))
                work.append((first, False))
                continue
            shared_id = None
            if uses.get(ident, 0) > 1:
                shared += 1
                shared_id = shared
            nodes[ident] = Derived(
                incompatibility.term_tuple(), nodes[first], nodes[second], shared_id
            )
        return nodes[terminal]
