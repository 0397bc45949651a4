"""Terms: the algebra checked point by point, and relations against a plain definition."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from polypac.calculus import Ordinal
from polypac.solve import Relation, Term
from polypac.version.sets import VersionSet
from tests.solve.problems import ordinal_sets

POINTS: list[Ordinal | None] = [None, *(Ordinal(v) for v in range(-1, 8))]

terms = st.builds(Term, st.booleans(), ordinal_sets())


def _subset(a: Term[Ordinal], b: Term[Ordinal]) -> bool:
    """Term inclusion, written from the definition (absent only in negative terms)."""
    if a.is_positive and b.is_positive:
        return a.versions.is_subset(b.versions)
    if a.is_positive:
        return a.versions.is_disjoint(b.versions)
    if b.is_positive:
        return False
    return b.versions.is_subset(a.versions)


def _disjoint(a: Term[Ordinal], b: Term[Ordinal]) -> bool:
    if a.is_positive and b.is_positive:
        return a.versions.is_disjoint(b.versions)
    if a.is_positive:
        return a.versions.is_subset(b.versions)
    if b.is_positive:
        return b.versions.is_subset(a.versions)
    return False


@settings(max_examples=200)
@given(terms, terms)
def test_operations_hold_point_by_point(a: Term[Ordinal], b: Term[Ordinal]) -> None:
    for point in POINTS:
        assert a.negate().holds_for(point) is not a.holds_for(point)
        both = a.holds_for(point) and b.holds_for(point)
        either = a.holds_for(point) or b.holds_for(point)
        assert a.intersection(b).holds_for(point) is both
        assert a.union(b).holds_for(point) is either


@settings(max_examples=200)
@given(terms, terms)
def test_relation_follows_the_definition(a: Term[Ordinal], b: Term[Ordinal]) -> None:
    assert a.satisfies(b) is _subset(a, b)
    assert a.is_disjoint(b) is _disjoint(a, b)
    if a.is_never():
        return  # a term that never holds both satisfies and contradicts everything
    expected = (
        Relation.SATISFIED
        if _subset(a, b)
        else Relation.CONTRADICTED
        if _disjoint(a, b)
        else Relation.INCONCLUSIVE
    )
    assert a.relation(b) is expected


def test_any_and_never() -> None:
    anything: Term[Ordinal] = Term.any()
    assert anything.is_any()
    assert all(anything.holds_for(point) for point in POINTS)
    never: Term[Ordinal] = Term.positive(VersionSet.empty())
    assert never.is_never()
    assert not any(never.holds_for(point) for point in POINTS)
    assert anything.negate() == never
    assert Term.positive(VersionSet.full()).holds_for(None) is False
