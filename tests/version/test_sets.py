"""The VersionSet algebra over a small ordered type, checked pointwise against plain sets."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from polypac.version.sets import Bound, Ranges, Segment, VersionSet


@dataclass(frozen=True, order=True, slots=True)
class Num:
    """A version: a number, and whether it plays a pre-release."""

    value: float
    is_prerelease: bool = False


# Bounds fall on whole numbers; the universe has points between them and on both sides, of
# both kinds, so that a non-empty segment always has a member to show for it.
UNIVERSE = [Num(k / 2, pre) for k in range(-2, 44) for pre in (False, True)]
bounds = st.one_of(
    st.none(),
    st.builds(Bound, st.builds(Num, st.integers(0, 20).map(float)), st.booleans()),
)
segments = st.builds(Segment, bounds, bounds)


@st.composite
def version_sets(draw: st.DrawFn) -> VersionSet[Num]:
    releases: Ranges[Num] = Ranges.from_segments(draw(st.lists(segments, max_size=4)))
    pre: Ranges[Num] = Ranges.from_segments(draw(st.lists(segments, max_size=4)))
    return VersionSet(releases, pre)


def members(vs: VersionSet[Num]) -> set[Num]:
    return {v for v in UNIVERSE if vs.contains(v)}


@settings(max_examples=200)
@given(version_sets(), version_sets())
def test_operations_agree_with_plain_sets(a: VersionSet[Num], b: VersionSet[Num]) -> None:
    assert members(a & b) == members(a) & members(b)
    assert members(a | b) == members(a) | members(b)
    assert members(~a) == set(UNIVERSE) - members(a)
    assert members(a.difference(b)) == members(a) - members(b)
    assert a.is_subset(b) == (members(a) <= members(b))


@settings(max_examples=200)
@given(version_sets(), version_sets())
def test_laws_hold_structurally(a: VersionSet[Num], b: VersionSet[Num]) -> None:
    assert ~~a == a
    assert ~(a | b) == (~a & ~b)
    assert ~(a & b) == (~a | ~b)
    assert (a & ~a).is_empty()
    assert (a | ~a).is_full()
    assert (a | b) == (b | a)
    assert (a & b) == (b & a)


@settings(max_examples=200)
@given(st.lists(segments, max_size=6))
def test_normal_form_is_sorted_disjoint_and_apart(raw: list[Segment[Num]]) -> None:
    ranges: Ranges[Num] = Ranges.from_segments(raw)
    segs = ranges.segments
    for left, right in itertools.pairwise(segs):
        assert left.upper is not None
        assert right.lower is not None
        # apart: a version lies between them, or the shared point belongs to neither
        assert left.upper.version < right.lower.version or (
            left.upper.version == right.lower.version
            and not left.upper.inclusive
            and not right.lower.inclusive
        )


def test_singleton_goes_to_its_half() -> None:
    release, pre = VersionSet.singleton(Num(4)), VersionSet.singleton(Num(5, True))
    assert release.contains(Num(4))
    assert not release.contains(Num(5, True))
    assert pre.contains(Num(5, True))
    assert pre.releases.is_empty()
    assert not pre.prereleases.is_empty()


def test_between_without_prereleases_excludes_them() -> None:
    vs: VersionSet[Num] = VersionSet.between(
        Bound(Num(2), True), Bound(Num(10), False), prereleases=False
    )
    assert members(vs) == {Num(k / 2) for k in range(4, 20)}
    assert VersionSet.empty() == VersionSet.between(Bound(Num(5), False), Bound(Num(5), True))
