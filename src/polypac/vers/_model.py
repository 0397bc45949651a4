"""The VERS value types and the containment rules over them."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Final, Literal, get_args

from polypac.errors import InvalidVersion, VersError
from polypac.vers._types import ALL_TYPE, NONE_TYPE, scheme_for_type
from polypac.version.scheme import VersionScheme
from polypac.version.sets import Bound, Ranges, Segment, Version, VersionSet

__all__ = ["ConstraintOrder", "Vers", "VersComparator", "VersConstraint", "encode_version"]

VersComparator = Literal["=", "!=", "<", "<=", ">", ">=", "*"]
"""A VERS comparator; ``=`` is written as a bare version, ``*`` stands alone."""

COMPARATORS: Final[frozenset[str]] = frozenset(get_args(VersComparator))

# Characters a version must percent-encode (VERS Clause 5.3.3.2), plus the space.
MUST_ENCODE: Final[frozenset[str]] = frozenset("%<>=!*| ")

_LOWER: Final = frozenset({"<", "<="})
_UPPER: Final = frozenset({">", ">="})
_INCLUSIVE: Final = frozenset({"=", "<=", ">="})


def encode_version(version: str) -> str:
    """Percent-encode exactly the characters of ``version`` that VERS requires."""
    if not any(ch in MUST_ENCODE for ch in version):
        return version
    return "".join(f"%{ord(ch):02X}" if ch in MUST_ENCODE else ch for ch in version)


@dataclass(frozen=True, slots=True)
class VersConstraint:
    """One constraint: a comparator and a version (decoded text; empty for ``*``)."""

    comparator: VersComparator
    version: str

    def __post_init__(self) -> None:
        if self.comparator not in COMPARATORS:
            raise ValueError(f"unknown VERS comparator {self.comparator!r}")
        if (self.comparator == "*") != (self.version == ""):
            raise ValueError("'*' takes no version and every other comparator takes one")

    def to_string(self) -> str:
        """The constraint as written in a canonical VERS: ``>=1.0``, ``1.0``, ``*``."""
        if self.comparator == "*":
            return "*"
        prefix = "" if self.comparator == "=" else self.comparator
        return prefix + encode_version(self.version)

    def __str__(self) -> str:
        return self.to_string()


@dataclass(frozen=True, slots=True)
class Vers:
    """A VERS version range specifier: a type and its constraints in order.

    >>> from polypac.vers import parse_vers
    >>> vers = parse_vers("vers:pypi/>=1.0|!=1.5|<2.0")
    >>> vers.contains("1.7"), vers.contains("1.5"), vers.to_string()
    (True, False, 'vers:pypi/>=1.0|!=1.5|<2.0')
    """

    scheme: str
    constraints: tuple[VersConstraint, ...]

    def to_string(self) -> str:
        """The specifier as text: ``vers:<type>/<constraint>|<constraint>...``."""
        return f"vers:{self.scheme}/" + "|".join(c.to_string() for c in self.constraints)

    def __str__(self) -> str:
        return self.to_string()

    def is_star(self) -> bool:
        """Whether this is the ``*`` specifier (every version of the type)."""
        return len(self.constraints) == 1 and self.constraints[0].comparator == "*"

    def version_scheme(self) -> VersionScheme[Version]:
        """The scheme that orders this type's versions (``UnknownSchemeError`` if none)."""
        return scheme_for_type(self.scheme)

    def contains(self, version: str) -> bool:
        """Whether ``version`` satisfies this specifier, by the VERS containment rules.

        The rules of "How to parse and validate VERS", read so that every specifier has a
        meaning: a single ``<``/``>`` constraint bounds one side only, and a specifier of
        ``!=`` constraints alone holds every other version. Raises
        :class:`~polypac.errors.InvalidVersion` when ``version`` is not a version of the type.
        """
        if self.scheme == ALL_TYPE:
            return True
        if self.scheme == NONE_TYPE:
            return False
        if self.is_star():
            return True
        scheme = self.version_scheme()
        tested = scheme.parse_version(version)
        ordered = self._ordered(scheme)
        if any(c.comparator in _INCLUSIVE and _eq(tested, v) for c, v in ordered):
            return True
        if any(c.comparator == "!=" and _eq(tested, v) for c, v in ordered):
            return False
        bounds = [(c.comparator, v) for c, v in ordered if c.comparator in _LOWER | _UPPER]
        if not bounds:
            # Only equalities (already checked) or only exclusions (already excluded).
            return not any(c.comparator == "=" for c, _ in ordered)
        first_op, first_v = bounds[0]
        if first_op in _LOWER and tested < first_v:
            return True
        last_op, last_v = bounds[-1]
        if last_op in _UPPER and last_v < tested:
            return True
        return any(
            cur_op in _UPPER and nxt_op in _LOWER and cur_v < tested < nxt_v
            for (cur_op, cur_v), (nxt_op, nxt_v) in itertools.pairwise(bounds)
        )

    def to_version_set(self) -> VersionSet[Version]:
        """The versions this specifier holds, as a set of the type's scheme.

        Agrees with :meth:`contains` on every version. Pre-releases are ordered like any
        other version: VERS has no pre-release exclusion rule.
        """
        if self.scheme == NONE_TYPE:
            return VersionSet.empty()
        if self.scheme == ALL_TYPE or self.is_star():
            return VersionSet.full()
        ordered = self._ordered(self.version_scheme())
        points = [v for c, v in ordered if c.comparator in _INCLUSIVE]
        holes = [v for c, v in ordered if c.comparator == "!="]
        bounds = [(c.comparator, v) for c, v in ordered if c.comparator in _LOWER | _UPPER]
        segments: list[Segment[Version]] = []
        if not bounds and not any(c.comparator == "=" for c, _ in ordered):
            segments.append(Segment(None, None))
        if bounds and bounds[0][0] in _LOWER:
            segments.append(Segment(None, Bound(bounds[0][1], False)))
        if bounds and bounds[-1][0] in _UPPER:
            segments.append(Segment(Bound(bounds[-1][1], False), None))
        for (cur_op, cur_v), (nxt_op, nxt_v) in itertools.pairwise(bounds):
            if cur_op in _UPPER and nxt_op in _LOWER:
                segments.append(Segment(Bound(cur_v, False), Bound(nxt_v, False)))
        base: Ranges[Version] = Ranges.from_segments(segments)
        if holes:
            excluded: Ranges[Version] = Ranges.from_segments(
                [Segment(Bound(v, True), Bound(v, True)) for v in holes]
            )
            base = base.intersection(excluded.complement())
        held = Ranges.from_segments([Segment(Bound(v, True), Bound(v, True)) for v in points])
        return VersionSet.from_ranges(base.union(held))

    def _ordered(self, scheme: VersionScheme[Version]) -> list[tuple[VersConstraint, Version]]:
        """The constraints with their parsed versions, stably sorted by version."""
        parsed: list[tuple[VersConstraint, Version]] = []
        offset = len(f"vers:{self.scheme}/")
        for constraint in self.constraints:
            text = constraint.to_string()
            try:
                parsed.append((constraint, scheme.parse_version(constraint.version)))
            except InvalidVersion as error:
                start = offset + len(text) - len(encode_version(constraint.version))
                raise VersError(
                    self.to_string(),
                    start,
                    f"{constraint.version!r} is not a valid {self.scheme} version "
                    f"({error.problem})",
                ) from error
            offset += len(text) + 1
        parsed.sort(key=lambda pair: ConstraintOrder(pair[1], pair[0].comparator))
        return parsed


class ConstraintOrder:
    """Sort key of a constraint: its version in the type's order, then its comparator.

    Equal versions are ordered by comparator text (``!=`` ``<`` ``<=`` ``=`` ``>`` ``>=``),
    the tie-break of the VERS suite's canonical strings (``<1.5.0|>=1.5.0``).
    """

    __slots__ = ("comparator", "version")

    def __init__(self, version: Version, comparator: str) -> None:
        self.version = version
        self.comparator = comparator

    def __lt__(self, other: ConstraintOrder) -> bool:
        if self.version < other.version:
            return True
        if other.version < self.version:
            return False
        return self.comparator < other.comparator


def _eq(a: Version, b: Version) -> bool:
    return not (a < b) and not (b < a)
