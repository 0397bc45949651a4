"""RubyGems versions (``Gem::Version``) and requirements (``Gem::Requirement``).

A version is numbers and letters: ``1.2.3``, ``1.0.a``, ``2.0.0.rc1``, ``1.0-beta`` (a
hyphen reads as ``.pre.``). It is a pre-release when it holds any letter, and sorts by its
segments (digit runs and letter runs), letters before numbers, missing segments as zero::

    >>> from polypac.version.gem import SCHEME
    >>> v = SCHEME.parse_version
    >>> v("1.0.a") < v("1.0.b1") < v("1.0") == v("1.0.0") < v("1.0.0.1")
    True

Requirements are ``=``, ``!=``, ``>``, ``<``, ``>=``, ``<=`` and the pessimistic ``~>``,
joined by commas (``"~> 2.0, >= 2.0.8"``); no operator means ``=``. ``~> 2.0.8`` means
``>= 2.0.8`` and a release below ``2.1``: RubyGems compares the release part of the
candidate (``2.1.a`` has release ``2.1``), so the pre-releases of ``2.1`` are out too::

    >>> r = SCHEME.parse_range("~> 2.0.8", include_prerelease=True)
    >>> [r.contains(v(t)) for t in ("2.0.8", "2.0.99.rc1", "2.1.a", "2.1")]
    [True, True, False, False]

That last bound sits below every pre-release of ``2.1`` and above everything else below
``2.1``; no version names it (``2.1.A.A...`` sort ever lower), so it is a
:class:`GemVersion` with ``prerelease_floor=True``. :meth:`GemScheme.desugar_range` spells
it ``<2.1``, as the VERS conversion does.

RubyGems' resolver considers pre-releases only when the requirement names one
(``Gem::Requirement#prerelease?``) or when asked (``gem install --pre``); ``parse_range``
does the same, with ``include_prerelease=True`` for ``--pre``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise, zip_longest

from polypac.errors import InvalidRange, InvalidVersion
from polypac.version._ranges import Bound, Ranges, Segment
from polypac.version.scheme import Comparator, ComparatorOp, Desugaring
from polypac.version.sets import VersionSet

__all__ = ["SCHEME", "GemScheme", "GemVersion"]

_RUBY_SPACE = " \t\r\n\f\v"
_VERSION = r"[0-9]+(?>\.[0-9a-zA-Z]+)*(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?"
_VERSION_RE = re.compile(_VERSION)
_SEGMENT_RE = re.compile(r"[0-9]+|[a-z]+", re.IGNORECASE)
_REQUIREMENT_RE = re.compile(
    rf"[{_RUBY_SPACE}]*(=|!=|>=|<=|>|<|~>)?[{_RUBY_SPACE}]*({_VERSION})[{_RUBY_SPACE}]*"
)

Segments = tuple[int | str, ...]


def _segments(text: str) -> Segments:
    """Gem::Version#segments of a version string (hyphens already read as ``.pre.``)."""
    return tuple(int(s) if s.isdigit() else s for s in _SEGMENT_RE.findall(text))


def _canonical(segments: Segments) -> Segments:
    """Gem::Version#canonical_segments: trailing zeros dropped from both halves."""
    cut = next((i for i, s in enumerate(segments) if isinstance(s, str)), len(segments))
    numbers, rest = list(segments[:cut]), list(segments[cut:])
    while numbers and numbers[-1] == 0:
        numbers.pop()
    while rest and rest[-1] == 0:
        rest.pop()
    return (*numbers, *rest)


def _compare(left: Segments, right: Segments) -> int:
    """Gem::Version#<=> on canonical segments: missing counts as 0, letters before numbers."""
    for a, b in zip_longest(left, right, fillvalue=0):
        if a == b:
            continue
        if isinstance(a, str) != isinstance(b, str):
            return -1 if isinstance(a, str) else 1
        return -1 if a < b else 1  # type: ignore[operator]  # same kind here
    return 0


_END = (1, 1)


def _sort_key(canonical: Segments) -> tuple[tuple[int, int | str], ...]:
    """A tuple that sorts as :func:`_compare` orders canonical segments.

    A letter is ``(0, s)`` and a non-zero number ``(2, n)``; a zero is ``(1, k)`` with ``k``
    the kind of the next non-zero segment (0 letter, 2 number), and the end is ``(1, 1)``:
    the missing segments past the end count as zeros, which sort above a letter and below a
    number, and canonical segments never end on a zero.
    """
    key: list[tuple[int, int | str]] = []
    following = 1
    for segment in reversed(canonical):
        if isinstance(segment, str):
            key.append((0, segment))
            following = 0
        elif segment:
            key.append((2, segment))
            following = 2
        else:
            key.append((1, following))
    key.reverse()
    key.append(_END)
    return tuple(key)


def _has_letter(text: str) -> bool:
    return any(ch.isascii() and ch.isalpha() for ch in text)


def _release(segments: Segments) -> Segments:
    """The segments before the first letter (Gem::Version#release)."""
    cut = next((i for i, s in enumerate(segments) if isinstance(s, str)), len(segments))
    return segments[:cut]


@dataclass(frozen=True, slots=True, eq=False)
class GemVersion:
    """A RubyGems version, or the floor below a release's pre-releases.

    ``text`` is the version as written (stripped). With ``prerelease_floor`` the value is
    no version but the bound just below every pre-release of ``text`` (a release): the
    upper end of ``~>``. :meth:`GemScheme.parse_version` never returns one.
    """

    text: str
    prerelease_floor: bool = False
    _canonical: Segments = field(init=False, repr=False)
    _key: tuple[tuple[int, int | str], ...] = field(init=False, repr=False)
    _prerelease: bool = field(init=False, repr=False)

    def __post_init__(self) -> None:
        segments = _canonical(_segments(self.text.replace("-", ".pre.")))
        object.__setattr__(self, "_canonical", segments)
        object.__setattr__(self, "_key", _sort_key(segments))
        # a hyphen reads as ".pre.", which holds letters
        prerelease = not self.prerelease_floor and ("-" in self.text or _has_letter(self.text))
        object.__setattr__(self, "_prerelease", prerelease)

    @property
    def is_prerelease(self) -> bool:
        """Whether the version holds a letter (Gem::Version#prerelease?)."""
        return self._prerelease

    @property
    def release(self) -> GemVersion:
        """The version without its pre-release part (``1.2.a.3`` -> ``1.2``)."""
        numbers = _release(_segments(self.text.replace("-", ".pre.")))
        return GemVersion(".".join(map(str, numbers)) or "0")

    def _cmp(self, other: GemVersion) -> int:
        if self.prerelease_floor or other.prerelease_floor:
            if self.prerelease_floor and other.prerelease_floor:
                return _compare(self._canonical, other._canonical)
            if self.prerelease_floor:
                return -other._cmp(self)
            return -1 if self._below_floor_of(other) else 1
        return _compare(self._canonical, other._canonical)

    def _below_floor_of(self, floor: GemVersion) -> bool:
        """Whether this version sorts below the floor of ``floor``'s pre-releases."""
        if _compare(self._canonical, floor._canonical) >= 0:
            return False
        return not (self.is_prerelease and self.release._canonical == floor._canonical)

    def __lt__(self, other: GemVersion) -> bool:
        if not (self.prerelease_floor or other.prerelease_floor):
            return self._key < other._key  # the common case, without a call per segment
        return self._cmp(other) < 0

    def __le__(self, other: GemVersion) -> bool:
        return self._cmp(other) <= 0

    def __gt__(self, other: GemVersion) -> bool:
        return self._cmp(other) > 0

    def __ge__(self, other: GemVersion) -> bool:
        return self._cmp(other) >= 0

    def __eq__(self, other: object) -> bool:
        return isinstance(other, GemVersion) and self._cmp(other) == 0

    def __hash__(self) -> int:
        return hash((self._canonical, self.prerelease_floor))

    def __str__(self) -> str:
        return self.text


def _bump(version: GemVersion) -> GemVersion:
    """Gem::Version#bump: drop letters and the last number, then add one (``1.2.3`` -> ``1.3``)."""
    numbers = list(_release(_segments(version.text.replace("-", ".pre."))))
    if len(numbers) > 1:
        numbers.pop()
    numbers[-1] = int(numbers[-1]) + 1
    return GemVersion(".".join(map(str, numbers)))


def _parse_version(
    text: str, *, what: str, error: type[InvalidVersion | InvalidRange], whole: str, offset: int
) -> GemVersion:
    stripped = text.strip(_RUBY_SPACE)
    lead = len(text) - len(text.lstrip(_RUBY_SPACE))
    if not stripped:
        raise error(whole, offset + lead if whole else None, "expected a version", what=what)
    match = _VERSION_RE.match(stripped)
    end = match.end() if match else 0
    if end < len(stripped):
        problem = "expected a version of numbers and letters such as 1.2.3 or 2.0.0.rc1"
        raise error(whole, offset + lead + end, problem, what=what)
    return GemVersion(stripped)


# -- requirements ------------------------------------------------------------------------------

_OPS: dict[str, ComparatorOp] = {
    "=": "=",
    "!=": "!=",
    ">": ">",
    "<": "<",
    ">=": ">=",
    "<=": "<=",
}


@dataclass(frozen=True, slots=True)
class _Requirement:
    """One ``op version`` of a requirement list."""

    op: str
    version: GemVersion

    def ranges(self) -> Ranges[GemVersion]:
        v, op = self.version, self.op
        if op == "~>":
            return Ranges.between(Bound(v, True), Bound(_floor(_bump(v)), False))
        if op == "=":
            return Ranges.singleton(v)
        if op == "!=":
            return Ranges.singleton(v).complement()
        lower = Bound(v, op == ">=") if op in (">", ">=") else None
        upper = Bound(v, op == "<=") if op in ("<", "<=") else None
        return Ranges.between(lower, upper)

    def comparators(self) -> tuple[Comparator, ...]:
        if self.op == "~>":
            return (Comparator(">=", self.version.text), Comparator("<", _bump(self.version).text))
        return (Comparator(_OPS[self.op], self.version.text),)


def _floor(release: GemVersion) -> GemVersion:
    return GemVersion(release.text, prerelease_floor=True)


def _requirements(text: str) -> list[_Requirement]:
    what = "RubyGems requirement"
    out: list[_Requirement] = []
    offset = 0
    for piece in text.split(","):
        match = _REQUIREMENT_RE.fullmatch(piece)
        if match is None:
            lead = len(piece) - len(piece.lstrip(_RUBY_SPACE))
            op = re.match(r"(=|!=|>=|<=|>|<|~>)?[ \t\r\n\f\v]*", piece[lead:])
            at = lead + (op.end() if op else 0)
            if at >= len(piece.rstrip(_RUBY_SPACE)):
                problem = (
                    f"expected a version after {op.group(1)!r}"
                    if op and op.group(1)
                    else "expected a requirement such as '~> 2.0' or '>= 1.2, < 3'"
                )
            else:
                version = _VERSION_RE.match(piece, at)
                at = version.end() if version else at
                problem = (
                    "expected an operator (=, !=, >, <, >=, <=, ~>) and a version such as 1.2.3"
                )
            position = min(offset + at, len(text) - 1) if text else None
            raise InvalidRange(text, position, problem, what=what)
        out.append(_Requirement(match.group(1) or "=", GemVersion(match.group(2))))
        offset += len(piece) + 1
    return out


# -- formatting ----------------------------------------------------------------------------------


def _format_segment(segment: Segment[GemVersion]) -> list[str]:
    lower, upper = segment.lower, segment.upper
    if lower is not None and upper is not None and lower.version == upper.version:
        return [f"= {lower.version}"]
    out: list[str] = []
    if upper is not None and upper.version.prerelease_floor:
        if lower is None or not lower.inclusive or _bump(lower.version) != _no_floor(upper):
            raise ValueError(f"only '~>' ends a range below the pre-releases of {upper.version}")
        return [f"~> {lower.version}"]
    if lower is not None:
        out.append(f"{'>=' if lower.inclusive else '>'} {lower.version}")
    if upper is not None:
        out.append(f"{'<=' if upper.inclusive else '<'} {upper.version}")
    return out


def _format_ranges(ranges: Ranges[GemVersion]) -> str:
    segments = ranges.segments
    if not segments:
        raise ValueError("RubyGems has no requirement for the empty set")
    clauses = _format_segment(Segment(segments[0].lower, segments[-1].upper))
    for left, right in pairwise(segments):
        gap_low, gap_high = left.upper, right.lower
        if gap_low is None or gap_high is None or gap_low.version != gap_high.version:
            raise ValueError("RubyGems requirements can only leave out single versions")
        clauses.append(f"!= {gap_low.version}")
    return ", ".join(clauses) or ">= 0"


def _inclusivity_variants(
    ranges: Ranges[GemVersion], prerelease_half: bool
) -> list[Ranges[GemVersion]]:
    """``ranges`` with the outer bounds at versions of the other kind tried both ways.

    A half never holds versions of the other kind, so it forgets whether such a bound was
    inclusive; the text must say one or the other.
    """
    segments = ranges.segments
    if not segments:
        return [ranges]

    def ways(bound: Bound[GemVersion] | None) -> list[Bound[GemVersion] | None]:
        if bound is None or bound.version.is_prerelease == prerelease_half:
            return [bound]
        if bound.version.prerelease_floor:
            return [bound]
        return [Bound(bound.version, True), Bound(bound.version, False)]

    first, last = segments[0], segments[-1]
    out = []
    for lower in ways(first.lower):
        for upper in ways(last.upper):
            if len(segments) == 1:
                middle: tuple[Segment[GemVersion], ...] = (Segment(lower, upper),)
            else:
                middle = (
                    Segment(lower, first.upper),
                    *segments[1:-1],
                    Segment(last.lower, upper),
                )
            out.append(Ranges(middle))
    return out


def _no_floor(bound: Bound[GemVersion]) -> GemVersion:
    return GemVersion(bound.version.text)


@dataclass(frozen=True, slots=True)
class GemScheme:
    """RubyGems: ``Gem::Version`` order and ``Gem::Requirement`` lists."""

    name: str = "gem"

    def parse_version(self, text: str) -> GemVersion:
        """Parse one version (``Gem::Version.correct?``, empty text refused)."""
        return _parse_version(
            text, what="RubyGems version", error=InvalidVersion, whole=text, offset=0
        )

    def parse_range(self, text: str, *, include_prerelease: bool = False) -> VersionSet[GemVersion]:
        """Parse a comma-separated requirement list such as ``~> 2.0, >= 2.0.8``."""
        requirements = _requirements(text)
        ranges: Ranges[GemVersion] = Ranges.full()
        for requirement in requirements:
            ranges = ranges.intersection(requirement.ranges())
        admit = include_prerelease or any(r.version.is_prerelease for r in requirements)
        return VersionSet(ranges, ranges if admit else Ranges.empty())

    def desugar_range(self, text: str) -> Desugaring:
        """The requirements as primitive comparators (``~> 2.0.8`` -> ``>=2.0.8``, ``<2.1``).

        ``<2.1`` from ``~>`` also stands for RubyGems' refusal of ``2.1``'s pre-releases.
        """
        comparators: tuple[Comparator, ...] = ()
        for requirement in _requirements(text):
            comparators += requirement.comparators()
        return (comparators,)

    def format_range(self, versions: VersionSet[GemVersion]) -> str:
        """Write a set as a requirement list; raise ``ValueError`` where RubyGems cannot.

        >>> SCHEME.format_range(SCHEME.parse_range("~> 2.0.8, != 2.0.9"))
        '~> 2.0.8, != 2.0.9'
        """
        halves = [(versions.releases, False)]
        if not versions.prereleases.is_empty():
            halves.insert(0, (versions.prereleases, True))
        tried: list[str] = []
        for half, prerelease_half in halves:
            for ranges in _inclusivity_variants(half, prerelease_half):
                try:
                    text = _format_ranges(ranges)
                except ValueError:
                    continue
                if self.parse_range(text) == versions:
                    return text
                tried.append(text)
        raise ValueError(f"no RubyGems requirement writes this set exactly (tried {tried!r})")


SCHEME = GemScheme()
"""The RubyGems scheme (``gem``)."""
