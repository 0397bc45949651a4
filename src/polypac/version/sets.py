"""VersionSet: the exact set algebra every solver works with.

Ecosystems treat pre-releases apart: node-semver's ``>=1.0.0 <2.0.0`` holds no
``1.5.0-beta``, while ``>=1.2.3-beta.1`` holds ``1.2.3-beta.2`` but not ``1.2.4-beta``;
PEP 440 specifiers exclude pre-releases unless one is named. No union of intervals can say
that. A :class:`VersionSet` is therefore a pair of interval unions, one that applies to
release versions and one that applies to pre-releases; every operation works on both
halves at once, so the algebra (complement, intersection, union) stays exact::

    >>> from polypac.version import get_scheme
    >>> from polypac.version.sets import VersionSet
    >>> v = get_scheme("npm").parse_version
    >>> two = VersionSet.singleton(v("2.0.0")).union(VersionSet.singleton(v("4.0.0")))
    >>> two.contains(v("4.0.0")), two.complement().contains(v("4.0.0"))
    (True, False)

A version type only needs a total order and an ``is_prerelease`` property (see
:class:`Version`). Schemes without pre-releases simply never use the second half.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from polypac.version._ranges import Bound, Ranges, Segment

__all__ = ["Bound", "Ranges", "Segment", "Version", "VersionSet"]


class Version(Protocol):
    """What a version of any scheme offers: a total order and whether it is a pre-release."""

    def __lt__(self, other: Any, /) -> bool: ...

    @property
    def is_prerelease(self) -> bool: ...


V = TypeVar("V", bound=Version)


def _is_prerelease(version: object) -> bool:
    return bool(getattr(version, "is_prerelease", False))


def _canonical_half(ranges: Ranges[V], *, foreign_prerelease: bool) -> Ranges[V]:
    """The canonical form of one half of a set.

    A version of the other kind (``foreign_prerelease`` says which) never belongs to this
    half, so whether a bound at such a version is inclusive does not matter: make every such
    bound inclusive (so touching segments merge), then drop single points of that kind.
    """
    # Fast path, run on every set operation: most sets have no bound of the other kind.
    for seg in ranges.segments:
        lo, hi = seg.lower, seg.upper
        if (lo is not None and lo.version.is_prerelease is foreign_prerelease) or (
            hi is not None and hi.version.is_prerelease is foreign_prerelease
        ):
            break
    else:
        return ranges

    def widen(bound: Bound[V] | None) -> Bound[V] | None:
        if bound is None or bound.version.is_prerelease is not foreign_prerelease:
            return bound
        return Bound(bound.version, True)

    merged = Ranges.from_segments([Segment(widen(s.lower), widen(s.upper)) for s in ranges])
    return Ranges(
        tuple(
            seg
            for seg in merged.segments
            if not (
                seg.lower is not None
                and seg.lower.version.is_prerelease is foreign_prerelease
                and seg.lower == seg.upper
            )
        )
    )


@dataclass(frozen=True, slots=True)
class VersionSet(Generic[V]):
    """A set of versions: ``releases`` applies to releases, ``prereleases`` to pre-releases."""

    releases: Ranges[V]
    prereleases: Ranges[V]
    _hash: int = field(default=0, init=False, compare=False, repr=False)

    def __hash__(self) -> int:
        cached = self._hash
        if not cached:
            cached = hash((self.releases, self.prereleases)) or 1
            object.__setattr__(self, "_hash", cached)
        return cached

    def __post_init__(self) -> None:
        # Bounds at versions of the other kind are put in one canonical form, so that equal
        # sets compare equal and an empty set is seen to be empty.
        object.__setattr__(
            self, "releases", _canonical_half(self.releases, foreign_prerelease=True)
        )
        object.__setattr__(
            self, "prereleases", _canonical_half(self.prereleases, foreign_prerelease=False)
        )

    @classmethod
    def empty(cls) -> VersionSet[V]:
        """No version at all."""
        return cls(Ranges.empty(), Ranges.empty())

    @classmethod
    def full(cls) -> VersionSet[V]:
        """Every version, pre-releases included."""
        return cls(Ranges.full(), Ranges.full())

    @classmethod
    def singleton(cls, version: V) -> VersionSet[V]:
        """Exactly ``version``."""
        one: Ranges[V] = Ranges.singleton(version)
        if _is_prerelease(version):
            return cls(Ranges.empty(), one)
        return cls(one, Ranges.empty())

    @classmethod
    def from_ranges(cls, ranges: Ranges[V], prereleases: Ranges[V] | None = None) -> VersionSet[V]:
        """Releases in ``ranges``; pre-releases in ``prereleases`` (default: the same)."""
        return cls(ranges, ranges if prereleases is None else prereleases)

    @classmethod
    def between(
        cls,
        lower: Bound[V] | None,
        upper: Bound[V] | None,
        *,
        prereleases: bool = True,
    ) -> VersionSet[V]:
        """Versions between two bounds; with ``prereleases=False`` releases only."""
        r: Ranges[V] = Ranges.between(lower, upper)
        return cls(r, r if prereleases else Ranges.empty())

    def is_empty(self) -> bool:
        """Whether the set holds no version of either kind."""
        return self.releases.is_empty() and self.prereleases.is_empty()

    def is_full(self) -> bool:
        """Whether the set holds every version."""
        return self.releases.is_full() and self.prereleases.is_full()

    def contains(self, version: V) -> bool:
        """Whether ``version`` is in the set."""
        half = self.prereleases if _is_prerelease(version) else self.releases
        return half.contains(version)

    def __contains__(self, version: V) -> bool:
        return self.contains(version)

    def complement(self) -> VersionSet[V]:
        """Every version not in this set."""
        return VersionSet(self.releases.complement(), self.prereleases.complement())

    def intersection(self, other: VersionSet[V]) -> VersionSet[V]:
        """Versions in both sets."""
        return VersionSet(
            self.releases.intersection(other.releases),
            self.prereleases.intersection(other.prereleases),
        )

    def union(self, other: VersionSet[V]) -> VersionSet[V]:
        """Versions in either set."""
        return VersionSet(
            self.releases.union(other.releases),
            self.prereleases.union(other.prereleases),
        )

    def difference(self, other: VersionSet[V]) -> VersionSet[V]:
        """Versions in this set and not in ``other``."""
        return self.intersection(other.complement())

    def is_subset(self, other: VersionSet[V]) -> bool:
        """Whether every version of this set is in ``other``."""
        return self.difference(other).is_empty()

    def is_disjoint(self, other: VersionSet[V]) -> bool:
        """Whether no version is in both sets."""
        return self.intersection(other).is_empty()

    def __and__(self, other: VersionSet[V]) -> VersionSet[V]:
        return self.intersection(other)

    def __or__(self, other: VersionSet[V]) -> VersionSet[V]:
        return self.union(other)

    def __invert__(self) -> VersionSet[V]:
        return self.complement()
