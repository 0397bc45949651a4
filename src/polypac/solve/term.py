"""Terms: the statements about one package that PubGrub reasons with.

A positive term ``foo S`` holds when ``foo`` is selected at a version in ``S``; a negative
term ``not foo S`` holds when ``foo`` is not selected at a version in ``S`` (including when
it is not selected at all). Seen as sets over "the version of foo, or nothing", terms form
an algebra closed under negation, intersection and union::

    >>> from polypac.calculus.model import Ordinal
    >>> from polypac.solve.term import Term
    >>> from polypac.version.sets import VersionSet
    >>> two = Term.positive(VersionSet.singleton(Ordinal(2)))
    >>> two.holds_for(Ordinal(2)), two.negate().holds_for(None)
    (True, True)
    >>> Term.any().satisfies(two)
    False
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Generic, TypeVar

from polypac.version.sets import Version, VersionSet

__all__ = ["Relation", "Term"]

V = TypeVar("V", bound=Version)


class Relation(Enum):
    """How what is known about a package bears on a term."""

    SATISFIED = "satisfied"  # the term must be true
    CONTRADICTED = "contradicted"  # the term must be false
    INCONCLUSIVE = "inconclusive"  # either may happen


@dataclass(frozen=True, slots=True)
class Term(Generic[V]):
    """``versions`` if ``is_positive``, else "anything but ``versions``, or absent"."""

    is_positive: bool
    versions: VersionSet[V]

    @classmethod
    def positive(cls, versions: VersionSet[V]) -> Term[V]:
        """The package is selected at a version in ``versions``."""
        return cls(True, versions)

    @classmethod
    def negative(cls, versions: VersionSet[V]) -> Term[V]:
        """The package is not selected at a version in ``versions``."""
        return cls(False, versions)

    @classmethod
    def any(cls) -> Term[V]:
        """Always true: nothing is known about the package."""
        return cls(False, VersionSet.empty())

    def is_any(self) -> bool:
        """Whether the term always holds."""
        return not self.is_positive and self.versions.is_empty()

    def is_never(self) -> bool:
        """Whether the term never holds."""
        return self.is_positive and self.versions.is_empty()

    def holds_for(self, version: V | None) -> bool:
        """Whether the term is true when the package is at ``version`` (``None``: absent)."""
        if version is None:
            return not self.is_positive
        return self.versions.contains(version) == self.is_positive

    def negate(self) -> Term[V]:
        """The term that holds exactly when this one does not."""
        return Term(not self.is_positive, self.versions)

    def intersection(self, other: Term[V]) -> Term[V]:
        """The term that holds when both hold."""
        if self.is_positive and other.is_positive:
            return Term(True, self.versions.intersection(other.versions))
        if self.is_positive:
            return Term(True, self.versions.difference(other.versions))
        if other.is_positive:
            return Term(True, other.versions.difference(self.versions))
        return Term(False, self.versions.union(other.versions))

    def union(self, other: Term[V]) -> Term[V]:
        """The term that holds when either holds."""
        return self.negate().intersection(other.negate()).negate()

    def satisfies(self, other: Term[V]) -> bool:
        """Whether ``other`` holds whenever this term holds."""
        return self.relation(other) is Relation.SATISFIED or self.is_never()

    def is_disjoint(self, other: Term[V]) -> bool:
        """Whether the two terms can never hold together."""
        if not self.is_positive and not other.is_positive:
            return False  # both hold when the package is absent
        return self.intersection(other).is_never()

    def relation(self, other: Term[V]) -> Relation:
        """What knowing this term (an intersection of assignments) says about ``other``.

        One intersection of version sets answers both questions (sets are kept in a
        canonical form, so ``A ∩ B == A`` exactly when ``A`` is a subset of ``B``).
        """
        mine, theirs = self.versions, other.versions
        both = mine.intersection(theirs)
        if self.is_positive:
            if both == mine:  # every version known is in ``theirs``
                return Relation.SATISFIED if other.is_positive else Relation.CONTRADICTED
            if both.is_empty():
                return Relation.CONTRADICTED if other.is_positive else Relation.SATISFIED
            return Relation.INCONCLUSIVE
        # Nothing or anything outside ``mine``: never forced into a positive term.
        if both == theirs:  # ``theirs`` lies inside what is ruled out
            return Relation.CONTRADICTED if other.is_positive else Relation.SATISFIED
        return Relation.INCONCLUSIVE
