"""The partial solution: PubGrub's ordered list of assignments, with per-name indexes.

Each name keeps the running intersection of its assignments, so asking "what is known about
``foo``" is one lookup, and finding the assignment that first satisfied a term is a binary
search (what is known about a name only ever narrows as assignments are added).
"""

from __future__ import annotations

from typing import Generic, TypeVar

from polypac.solve._incompatibility import Incompatibility
from polypac.solve.term import Relation, Term
from polypac.version.sets import Version, VersionSet

__all__ = ["Assignment", "PartialSolution", "Satisfier"]

V = TypeVar("V", bound=Version)

_MEMO_LIMIT = 1 << 16  # answers of relation() kept at most, per solve


class Assignment(Generic[V]):
    """One entry: a term about ``name``, at ``level``; a decision has no ``cause``."""

    __slots__ = ("cause", "index", "level", "name", "term")

    def __init__(self, name: str, term: Term[V], level: int, cause: int | None, index: int):
        self.name = name
        self.term = term
        self.level = level
        self.cause = cause
        self.index = index


class _Known(Generic[V]):
    """What the assignments so far say about one name."""

    __slots__ = ("assignments", "decision", "running")

    def __init__(self) -> None:
        self.assignments: list[Assignment[V]] = []
        self.running: list[Term[V]] = []  # running[i]: intersection of assignments[: i + 1]
        self.decision: V | None = None

    def term(self) -> Term[V]:
        return self.running[-1] if self.running else Term.any()


class Satisfier(Generic[V]):
    """The result of a satisfier search over a satisfied incompatibility."""

    __slots__ = ("assignment", "previous_level")

    def __init__(self, assignment: Assignment[V], previous_level: int) -> None:
        self.assignment = assignment
        self.previous_level = previous_level


class PartialSolution(Generic[V]):
    """Assignments in order, decision levels, and what is known per name."""

    def __init__(self) -> None:
        self.assignments: list[Assignment[V]] = []
        self.level = 0
        self._known: dict[str, _Known[V]] = {}
        self._relations: dict[tuple[Term[V], Term[V]], Relation] = {}

    # -- reading -----------------------------------------------------------------------

    def term(self, name: str) -> Term[V]:
        """The intersection of every assignment about ``name`` (``any`` if none)."""
        known = self._known.get(name)
        return Term.any() if known is None else known.term()

    def decision(self, name: str) -> V | None:
        """The version decided for ``name``, if any."""
        known = self._known.get(name)
        return None if known is None else known.decision

    def is_pending(self, name: str) -> bool:
        """Whether ``name`` must be selected but has no decision yet."""
        known = self._known.get(name)
        return known is not None and known.decision is None and known.term().is_positive

    def decisions(self) -> dict[str, V]:
        """Every decision, by name, in the order they were made."""
        chosen: dict[str, V] = {}
        for assignment in self.assignments:
            version = self._known[assignment.name].decision
            if assignment.cause is None and version is not None:
                chosen[assignment.name] = version
        return chosen

    def relation(self, incompatibility: Incompatibility[V]) -> tuple[Relation, str | None]:
        """Satisfied, contradicted, or inconclusive; "almost satisfied" is inconclusive
        with the name of the one inconclusive term (``None`` if several)."""
        inconclusive: str | None = None
        for name, term in incompatibility.terms.items():
            relation = self._relation(name, term)
            if relation is Relation.CONTRADICTED:
                return Relation.CONTRADICTED, None
            if relation is Relation.INCONCLUSIVE:
                if inconclusive is not None:
                    return Relation.INCONCLUSIVE, None
                inconclusive = name
        if inconclusive is None:
            return Relation.SATISFIED, None
        return Relation.INCONCLUSIVE, inconclusive

    def _relation(self, name: str, term: Term[V]) -> Relation:
        """What the assignments about ``name`` say about ``term``, with quick answers for
        the two common cases: nothing known yet, and a decision."""
        known = self._known.get(name)
        if known is None:
            if term.versions.is_empty():
                return Relation.CONTRADICTED if term.is_positive else Relation.SATISFIED
            return Relation.INCONCLUSIVE
        if known.decision is not None:
            holds = term.versions.contains(known.decision) == term.is_positive
            return Relation.SATISFIED if holds else Relation.CONTRADICTED
        current = known.running[-1]
        key = (current, term)
        relation = self._relations.get(key)
        if relation is None:
            # The same questions come back after every backjump: remember the answers.
            if len(self._relations) >= _MEMO_LIMIT:
                self._relations.clear()
            relation = self._relations[key] = current.relation(term)
        return relation

    def would_satisfy(self, incompatibility: Incompatibility[V], name: str, version: V) -> bool:
        """Whether ``incompatibility`` would be satisfied once ``name`` is at ``version``."""
        for other, term in incompatibility.terms.items():
            known = self.term(other)
            if other == name:
                known = known.intersection(Term.positive(VersionSet.singleton(version)))
            if not known.satisfies(term):
                return False
        return True

    # -- writing -----------------------------------------------------------------------

    def _push(self, name: str, term: Term[V], cause: int | None) -> Assignment[V]:
        known = self._known.get(name)
        if known is None:
            known = self._known[name] = _Known()
        assignment = Assignment(name, term, self.level, cause, len(self.assignments))
        self.assignments.append(assignment)
        known.running.append(known.term().intersection(term))
        known.assignments.append(assignment)
        return assignment

    def derive(self, name: str, term: Term[V], cause: int) -> None:
        """Add ``term`` about ``name``, implied by incompatibility ``cause``."""
        self._push(name, term, cause)

    def decide(self, name: str, version: V) -> None:
        """Select ``version`` of ``name``, opening a new decision level."""
        self.level += 1
        self._push(name, Term.positive(VersionSet.singleton(version)), None)
        self._known[name].decision = version

    def backtrack(self, level: int) -> list[str]:
        """Undo every assignment above ``level``; the names touched, in a stable order."""
        touched: dict[str, None] = {}
        while self.assignments and self.assignments[-1].level > level:
            assignment = self.assignments.pop()
            known = self._known[assignment.name]
            known.assignments.pop()
            known.running.pop()
            if assignment.cause is None:
                known.decision = None
            if not known.assignments:
                del self._known[assignment.name]
            touched[assignment.name] = None
        self.level = level
        return list(touched)

    # -- conflict resolution -----------------------------------------------------------

    def _first_satisfying(self, known: _Known[V], term: Term[V], end: int) -> int:
        """The least ``i < end`` with ``running[i]`` satisfying ``term`` (``end`` if none)."""
        lo, hi = 0, end
        while lo < hi:
            mid = (lo + hi) // 2
            if known.running[mid].satisfies(term):
                hi = mid
            else:
                lo = mid + 1
        return lo

    def satisfier(self, incompatibility: Incompatibility[V]) -> Satisfier[V]:
        """The earliest assignment after which ``incompatibility`` is satisfied, and the
        decision level of the one before it that is still needed (at least 1)."""
        firsts: dict[str, int] = {}  # name -> position among that name's assignments
        satisfier: Assignment[V] | None = None
        for name, term in incompatibility.terms.items():
            known = self._known[name]
            i = self._first_satisfying(known, term, len(known.running))
            if i == len(known.running):
                raise AssertionError(f"{name}: the incompatibility is not satisfied")
            firsts[name] = i
            if satisfier is None or known.assignments[i].index > satisfier.index:
                satisfier = known.assignments[i]
        if satisfier is None:
            raise AssertionError("an incompatibility without terms has no satisfier")
        previous = -1
        for name, i in firsts.items():
            if name != satisfier.name:
                previous = max(previous, self._known[name].assignments[i].index)
        # On the satisfier's own name, earlier assignments may be needed along with it.
        known = self._known[satisfier.name]
        term = incompatibility.terms[satisfier.name]
        position = firsts[satisfier.name]
        if not satisfier.term.satisfies(term):
            lo, hi = 0, position
            while lo < hi:
                mid = (lo + hi) // 2
                if known.running[mid].intersection(satisfier.term).satisfies(term):
                    hi = mid
                else:
                    lo = mid + 1
            previous = max(previous, known.assignments[lo].index)
        level = self.assignments[previous].level if previous >= 0 else 1
        return Satisfier(satisfier, max(level, 1))
