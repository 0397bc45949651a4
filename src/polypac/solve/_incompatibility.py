"""Incompatibilities as the solver stores them: terms by name, and where they came from."""

from __future__ import annotations

from typing import Generic, TypeVar

from polypac.calculus.model import Package
from polypac.solve.derivation import External, Terms
from polypac.solve.term import Term
from polypac.version.sets import Version

__all__ = ["Incompatibility"]

V = TypeVar("V", bound=Version)


class Incompatibility(Generic[V]):
    """Terms that cannot all hold; ``cause`` is an external fact or two incompatibility ids."""

    __slots__ = ("cause", "terms")

    def __init__(self, terms: dict[str, Term[V]], cause: External[V] | tuple[int, int]) -> None:
        self.terms = terms
        self.cause = cause

    @classmethod
    def from_external(cls, fact: External[V]) -> Incompatibility[V] | None:
        """The incompatibility stating ``fact``, or ``None`` when it can never be broken."""
        terms = dict(fact.terms)
        if any(term.is_never() for term in terms.values()):
            return None
        return cls(terms, fact)

    @classmethod
    def prior_cause(
        cls,
        conflict: Incompatibility[V],
        conflict_id: int,
        satisfier_cause: Incompatibility[V],
        satisfier_cause_id: int,
        name: str,
    ) -> Incompatibility[V]:
        """Resolve ``conflict`` with ``satisfier_cause`` on ``name``.

        From ``{t1, q...}`` and ``{t2, r...}`` follows ``{q..., r..., u}`` with ``u`` the
        union of ``t1`` and ``t2``: wherever ``u`` holds, ``t1`` or ``t2`` holds, so one of
        the two premises would be broken. Terms on the same name are intersected, and a term
        that always holds is dropped.
        """
        terms: dict[str, Term[V]] = {}
        for source in (conflict.terms, satisfier_cause.terms):
            for other, term in source.items():
                if other == name:
                    continue
                known = terms.get(other)
                terms[other] = term if known is None else known.intersection(term)
        pivot = conflict.terms[name].union(satisfier_cause.terms[name])
        if not pivot.is_any():
            terms[name] = pivot
        return cls(terms, (conflict_id, satisfier_cause_id))

    def is_terminal(self, root: Package[V]) -> bool:
        """Whether breaking this incompatibility is impossible: no terms, or only "root"."""
        if not self.terms:
            return True
        if len(self.terms) > 1:
            return False
        term = self.terms.get(root.name)
        return term is not None and term.holds_for(root.version)

    def term_tuple(self) -> Terms[V]:
        """The terms as a tuple, in their stored order."""
        return tuple(self.terms.items())
