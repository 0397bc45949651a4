"""Unions of intervals over any totally ordered type: the exact algebra under VersionSet.

A :class:`Ranges` is kept normalized (segments sorted, disjoint, never touching), so two
equal sets compare equal field by field. ``None`` stands for an unbounded side.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

__all__ = ["Bound", "Ranges", "Segment"]


class _Ordered(Protocol):
    def __lt__(self, other: Any, /) -> bool: ...


V = TypeVar("V", bound=_Ordered)


@dataclass(frozen=True, slots=True)
class Bound(Generic[V]):
    """One end of a segment: a version and whether it belongs to the segment."""

    version: V
    inclusive: bool


@dataclass(frozen=True, slots=True)
class Segment(Generic[V]):
    """The versions between ``lower`` and ``upper``; ``None`` is unbounded."""

    lower: Bound[V] | None
    upper: Bound[V] | None

    def contains(self, version: V) -> bool:
        """Whether ``version`` lies in this segment."""
        lo, hi = self.lower, self.upper
        if lo is not None and (
            version < lo.version or (not lo.inclusive and _eq(version, lo.version))
        ):
            return False
        return not (
            hi is not None
            and (hi.version < version or (not hi.inclusive and _eq(version, hi.version)))
        )


def _eq(a: _Ordered, b: _Ordered) -> bool:
    return not (a < b) and not (b < a)


def _lower_lt(a: Bound[V] | None, b: Bound[V] | None) -> bool:
    """Whether lower bound ``a`` starts strictly before lower bound ``b``."""
    if a is None:
        return b is not None
    if b is None:
        return False
    if a.version < b.version:
        return True
    if b.version < a.version:
        return False
    return a.inclusive and not b.inclusive


def _upper_lt(a: Bound[V] | None, b: Bound[V] | None) -> bool:
    """Whether upper bound ``a`` ends strictly before upper bound ``b``."""
    if a is None:
        return False
    if b is None:
        return True
    if a.version < b.version:
        return True
    if b.version < a.version:
        return False
    return not a.inclusive and b.inclusive


def _nonempty(lower: Bound[V] | None, upper: Bound[V] | None) -> bool:
    if lower is None or upper is None:
        return True
    if lower.version < upper.version:
        return True
    if upper.version < lower.version:
        return False
    return lower.inclusive and upper.inclusive


def _touches(upper: Bound[V] | None, lower: Bound[V] | None) -> bool:
    """Whether a segment ending at ``upper`` overlaps or abuts one starting at ``lower``."""
    if upper is None or lower is None:
        return True
    if lower.version < upper.version:
        return True
    if upper.version < lower.version:
        return False
    return upper.inclusive or lower.inclusive


@dataclass(frozen=True, slots=True)
class Ranges(Generic[V]):
    """A normalized union of segments. Build with the class methods, not the constructor."""

    segments: tuple[Segment[V], ...] = ()
    # Solvers key dictionaries by sets; the hash walks every bound and version, so keep it.
    _hash: int = field(default=0, init=False, compare=False, repr=False)

    def __hash__(self) -> int:
        cached = self._hash
        if not cached:
            cached = hash(self.segments) or 1
            object.__setattr__(self, "_hash", cached)
        return cached

    @classmethod
    def empty(cls) -> Ranges[V]:
        """No version."""
        return cls(())

    @classmethod
    def full(cls) -> Ranges[V]:
        """Every version."""
        return cls((Segment(None, None),))

    @classmethod
    def singleton(cls, version: V) -> Ranges[V]:
        """Exactly ``version``."""
        b = Bound(version, True)
        return cls((Segment(b, b),))

    @classmethod
    def between(cls, lower: Bound[V] | None, upper: Bound[V] | None) -> Ranges[V]:
        """The versions between two bounds (empty when they cross)."""
        return cls((Segment(lower, upper),)) if _nonempty(lower, upper) else cls(())

    @classmethod
    def from_segments(cls, segments: list[Segment[V]]) -> Ranges[V]:
        """Normalize any list of segments (overlapping, unsorted, empty ones) into a set."""
        live = [s for s in segments if _nonempty(s.lower, s.upper)]
        if not live:
            return cls(())
        live.sort(key=_SortKey)
        merged: list[Segment[V]] = [live[0]]
        for seg in live[1:]:
            last = merged[-1]
            if _touches(last.upper, seg.lower):
                upper = seg.upper if _upper_lt(last.upper, seg.upper) else last.upper
                merged[-1] = Segment(last.lower, upper)
            else:
                merged.append(seg)
        return cls(tuple(merged))

    def is_empty(self) -> bool:
        """Whether no version is in the set."""
        return not self.segments

    def is_full(self) -> bool:
        """Whether every version is in the set."""
        return self.segments == (Segment(None, None),)

    def contains(self, version: V) -> bool:
        """Whether ``version`` is in the set."""
        return any(seg.contains(version) for seg in self.segments)

    def __iter__(self) -> Iterator[Segment[V]]:
        return iter(self.segments)

    def complement(self) -> Ranges[V]:
        """Every version not in this set."""
        out: list[Segment[V]] = []
        prev: Bound[V] | None = None
        first = True
        for seg in self.segments:
            if seg.lower is not None:
                gap_lo = None if first else _flip(prev)
                out.append(Segment(gap_lo, _flip(seg.lower)))
            first = False
            prev = seg.upper
        if first:
            return Ranges.full()
        if prev is not None:
            out.append(Segment(_flip(prev), None))
        return Ranges(tuple(s for s in out if _nonempty(s.lower, s.upper)))

    def intersection(self, other: Ranges[V]) -> Ranges[V]:
        """Versions in both sets."""
        out: list[Segment[V]] = []
        a, b = self.segments, other.segments
        i = j = 0
        while i < len(a) and j < len(b):
            sa, sb = a[i], b[j]
            lower = sb.lower if _lower_lt(sa.lower, sb.lower) else sa.lower
            upper = sa.upper if _upper_lt(sa.upper, sb.upper) else sb.upper
            if _nonempty(lower, upper):
                out.append(Segment(lower, upper))
            if _upper_lt(sa.upper, sb.upper):
                i += 1
            else:
                j += 1
        return Ranges(tuple(out))

    def union(self, other: Ranges[V]) -> Ranges[V]:
        """Versions in either set."""
        if not other.segments:
            return self
        if not self.segments:
            return other
        return Ranges.from_segments([*self.segments, *other.segments])


def _flip(bound: Bound[V] | None) -> Bound[V] | None:
    return None if bound is None else Bound(bound.version, not bound.inclusive)


class _SortKey(Generic[V]):
    """Orders segments by their lower bound (unbounded first, inclusive before exclusive)."""

    __slots__ = ("lower",)

    def __init__(self, seg: Segment[V]) -> None:
        self.lower = seg.lower

    def __lt__(self, other: _SortKey[V]) -> bool:
        return _lower_lt(self.lower, other.lower)
