"""NuGet versions and version ranges, as NuGet.Versioning reads them.

A version is one to four numbers (``1``, ``1.0``, ``1.0.0``, ``1.0.0.1``; missing numbers
are 0 and leading zeros are allowed, so ``1.01`` is ``1.1`` and ``1.0`` is ``1.0.0.0``), then
optional pre-release labels after ``-`` and metadata after ``+``. Labels compare one by one,
numbers numerically and words case-insensitively; metadata takes no part::

    >>> from polypac.version.nuget import SCHEME
    >>> v = SCHEME.parse_version
    >>> v("1.0.0-BETA") == v("1.0.0-beta+build"), v("1.01") == v("1.1.0.0")
    (True, True)
    >>> v("1.0.0-beta") < v("1.0.0") < v("1.0.0.1-alpha") < v("1.0.0.1")
    True

A range is NuGet's interval notation: ``1.0`` (at least 1.0), ``[1.0]`` (exactly),
``(1.0,)``, ``[1.0,2.0)``, ``(,1.0]``; and floating versions, read as the set of versions the
float may pick: ``1.*`` is the stable 1.x releases, ``1.2.3-*`` the 1.2.3 pre-releases and
1.2.3 itself, ``1.0.0-beta*`` those whose labels start with ``beta``, ``*-*`` everything.

Pre-releases follow NuGet's resolver rule: a range holds them only when one of its bounds
is a pre-release (``[1.0.0-beta, 2.0)``) or its float names them (``-*``); otherwise, or with
``include_prerelease`` (``--prerelease``), they are placed by precedence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from polypac.errors import InvalidRange, InvalidVersion
from polypac.version._ranges import Bound, Ranges, Segment
from polypac.version.scheme import Comparator, Desugaring
from polypac.version.sets import VersionSet

__all__ = ["SCHEME", "NuGetScheme", "NuGetVersion", "parse_version"]

_INT32_MAX = 2**31 - 1
_LABEL_CHARS = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-")
_DIGITS = frozenset("0123456789")
_set = object.__setattr__


def _label_key(label: str) -> tuple[int, int, str]:
    if label.isdigit() and label.isascii():
        return (0, int(label), "")
    return (1, 0, label.lower())


@dataclass(frozen=True, slots=True, eq=False, init=False)
class NuGetVersion:
    """One NuGet version: four numbers, pre-release labels (as written) and metadata.

    Equality, order and hashing follow NuGet's default comparer: labels case-insensitive,
    metadata ignored. ``str()`` is the full normalized string (``1.0.0.1-beta+meta``, the
    revision only when it is not 0).
    """

    major: int
    minor: int = 0
    patch: int = 0
    revision: int = 0
    release: tuple[str, ...] = ()
    metadata: str = ""
    _key: tuple[Any, ...] = field(init=False, repr=False, compare=False)

    def __init__(
        self,
        major: int,
        minor: int = 0,
        patch: int = 0,
        revision: int = 0,
        release: tuple[str, ...] = (),
        metadata: str = "",
    ) -> None:
        _set(self, "major", major)
        _set(self, "minor", minor)
        _set(self, "patch", patch)
        _set(self, "revision", revision)
        _set(self, "release", release)
        _set(self, "metadata", metadata)
        labels = (0, *map(_label_key, release)) if release else (1,)
        _set(self, "_key", (major, minor, patch, revision, labels))

    @property
    def is_prerelease(self) -> bool:
        """Whether the version has pre-release labels."""
        return bool(self.release)

    @property
    def normalized(self) -> str:
        """NuGet's normalized string: no metadata, the revision only when not 0."""
        text = f"{self.major}.{self.minor}.{self.patch}"
        if self.revision:
            text += f".{self.revision}"
        if self.release:
            text += "-" + ".".join(self.release)
        return text

    def core(self) -> NuGetVersion:
        """The release with this version's four numbers."""
        return NuGetVersion(self.major, self.minor, self.patch, self.revision)

    def __lt__(self, other: Any) -> bool:
        if not isinstance(other, NuGetVersion):
            return NotImplemented
        return bool(self._key < other._key)

    def __le__(self, other: Any) -> bool:
        if not isinstance(other, NuGetVersion):
            return NotImplemented
        return bool(self._key <= other._key)

    def __gt__(self, other: Any) -> bool:
        if not isinstance(other, NuGetVersion):
            return NotImplemented
        return bool(self._key > other._key)

    def __ge__(self, other: Any) -> bool:
        if not isinstance(other, NuGetVersion):
            return NotImplemented
        return bool(self._key >= other._key)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, NuGetVersion):
            return NotImplemented
        return bool(self._key == other._key)

    def __hash__(self) -> int:
        return hash(self._key)

    def __str__(self) -> str:
        return self.normalized + (f"+{self.metadata}" if self.metadata else "")


# --- versions ------------------------------------------------------------------------------


def _fail(text: str, position: int | None, problem: str) -> InvalidVersion:
    return InvalidVersion(text, position, problem, what="nuget version")


def _version_at(text: str, start: int, end: int) -> NuGetVersion:
    """The version in ``text[start:end]`` (already trimmed); errors point into ``text``."""
    numbers: list[int] = []
    i = start
    while True:
        j = i
        while j < end and text[j] in _DIGITS:
            j += 1
        if j == i:
            found = "the end" if i == end else repr(text[i])
            raise _fail(text, i, f"expected a number, found {found}")
        value = int(text[i:j])
        if value > _INT32_MAX:
            raise _fail(text, i, f"version number {value} is larger than {_INT32_MAX}")
        numbers.append(value)
        i = j
        if i < end and text[i] == ".":
            if len(numbers) == 4:
                raise _fail(text, i, "a version has at most four numbers")
            i += 1
            continue
        break
    release: tuple[str, ...] = ()
    if i < end and text[i] == "-":
        labels, i = _labels(text, i + 1, end, "pre-release label")
        for offset, label in labels:
            if len(label) > 1 and label[0] == "0" and label.isdigit():
                raise _fail(text, offset, "numeric pre-release labels must not have leading zeros")
        release = tuple(label for _, label in labels)
    metadata = ""
    if i < end and text[i] == "+":
        parts, i = _labels(text, i + 1, end, "metadata label")
        metadata = ".".join(part for _, part in parts)
    if i < end:
        raise _fail(text, i, f"unexpected {text[i]!r} in the version")
    while len(numbers) < 4:
        numbers.append(0)
    major, minor, patch, revision = numbers
    return NuGetVersion(major, minor, patch, revision, release, metadata)


def _labels(text: str, i: int, end: int, what: str) -> tuple[list[tuple[int, str]], int]:
    labels: list[tuple[int, str]] = []
    while True:
        j = i
        while j < end and text[j] in _LABEL_CHARS:
            j += 1
        if j == i:
            found = "the end" if i == end else repr(text[i])
            raise _fail(text, i, f"expected a {what}, found {found}")
        labels.append((i, text[i:j]))
        if j < end and text[j] == ".":
            i = j + 1
            continue
        return labels, j


def parse_version(text: str) -> NuGetVersion:
    """Parse a NuGet version (surrounding blanks are ignored, as ``NuGetVersion.Parse``
    ignores them).

    >>> str(parse_version("1.01.0.0-Beta.2+sha.5"))
    '1.1.0-Beta.2+sha.5'
    """
    if not isinstance(text, str):
        raise _fail(repr(text), None, f"expected a string, not {type(text).__name__}")
    start, end = _trim(text, 0, len(text))
    if start == end:
        raise _fail(text, None, "expected a version, found nothing")
    return _version_at(text, start, end)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


# --- floating versions -----------------------------------------------------------------------

_FLOAT = re.compile(
    r"(?:(?P<star>\*)|(?P<nums>[0-9]+(?:\.[0-9]+){0,3})(?P<numstar>\.\*)?)"
    r"(?:-(?P<prefix>[0-9A-Za-z.-]*)(?P<prestar>\*)?)?"
)


@dataclass(frozen=True, slots=True)
class _Float:
    """What a floating version may pick: the releases ``[low, high)`` (``high`` None:
    unbounded), and pre-releases ``[pre_low, pre_high)`` when the float names them."""

    low: NuGetVersion | None
    high: NuGetVersion | None
    pre_low: NuGetVersion | None = None
    pre_high: NuGetVersion | None = None
    names_prereleases: bool = False


def _float(text: str, start: int, end: int) -> _Float:
    """A floating version in ``text[start:end]`` (it holds a ``*``)."""
    body = text[start:end]
    m = _FLOAT.fullmatch(body)
    if m is None or (m["prefix"] is not None and m["prestar"] is None and "*" in body):
        raise InvalidRange(
            text,
            start + body.find("*"),
            "a floating version has '*' in place of its last number (1.*), or after its "
            "pre-release prefix (1.0.0-beta*)",
            what="nuget range",
        )
    prefix = m["prefix"]
    if m["star"] or m["numstar"]:
        if prefix is not None and (prefix or not m["prestar"]):
            raise InvalidRange(
                text,
                start,
                "a float of the version numbers can only be combined with '-*'",
                what="nuget range",
            )
        if m["star"]:
            low, high = None, None
        else:
            parts = [int(p) for p in m["nums"].split(".")]
            if len(parts) > 3:
                raise InvalidRange(
                    text, start, "a version has at most four numbers", what="nuget range"
                )
            low = _numbers(parts)
            high = _numbers([*parts[:-1], parts[-1] + 1])
        everything = prefix is not None
        return _Float(
            low,
            high,
            None if low is None else _first_prerelease(low),
            None if high is None else _first_prerelease(high),
            names_prereleases=everything,
        )
    # a pre-release float: 1.0.0-* or 1.0.0-beta*
    base = _version_at(text, start, start + len(m["nums"]))
    assert prefix is not None  # no number float, so the '*' is the one after the prefix
    if prefix == "":
        return _Float(base, None, _first_prerelease(base), base, names_prereleases=True)
    last = prefix.rsplit(".", 1)[-1]
    if not last or last.isdigit() or any(c not in _LABEL_CHARS for c in last):
        raise InvalidRange(
            text,
            start + len(m["nums"]) + 1,
            "a floating pre-release prefix must end in a label that is not a number "
            "(1.0.0-beta*, 1.0.0-rc.beta*)",
            what="nuget range",
        )
    labels = tuple(prefix.split("."))
    if any(not label or any(c not in _LABEL_CHARS for c in label) for label in labels):
        raise InvalidRange(
            text, start + len(m["nums"]) + 1, "invalid pre-release prefix", what="nuget range"
        )
    successor = _label_successor(labels[-1])
    if successor is None:
        raise InvalidRange(
            text,
            start + len(m["nums"]) + 1,
            f"cannot hold the labels starting with {labels[-1]!r} as one range",
            what="nuget range",
        )
    past = (*labels[:-1], successor)
    n = base
    return _Float(
        base,
        None,
        NuGetVersion(n.major, n.minor, n.patch, n.revision, labels),
        NuGetVersion(n.major, n.minor, n.patch, n.revision, past),
        names_prereleases=True,
    )


def _numbers(parts: list[int]) -> NuGetVersion:
    """The release with these leading numbers (the rest 0)."""
    padded = [*parts, 0, 0, 0, 0]
    return NuGetVersion(padded[0], padded[1], padded[2], padded[3])


_LABEL_ORDER = "-0123456789abcdefghijklmnopqrstuvwxyz"


def _label_successor(prefix: str) -> str | None:
    """The lowest label above every label that starts with ``prefix`` (labels compare
    case-insensitively), or ``None`` when there is none or it would be a number."""
    stem = prefix.lower().rstrip("z")
    if not stem:
        return None
    following = _LABEL_ORDER[_LABEL_ORDER.index(stem[-1]) + 1]
    successor = stem[:-1] + following
    return None if successor.isdigit() else successor


def _first_prerelease(version: NuGetVersion) -> NuGetVersion:
    return NuGetVersion(version.major, version.minor, version.patch, version.revision, ("0",))


# --- ranges --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Range:
    """A parsed range: its two halves, and the comparators ``desugar_range`` gives."""

    releases: Ranges[NuGetVersion]
    prereleases: Ranges[NuGetVersion]
    groups: Desugaring


def _parse(text: str, include_prerelease: bool) -> _Range:
    what = "nuget range"
    if not isinstance(text, str):
        raise InvalidRange(
            repr(text), None, f"expected a string, not {type(text).__name__}", what=what
        )
    start, end = _trim(text, 0, len(text))
    if start == end:
        raise InvalidRange(text, None, "expected a version range, found nothing", what=what)
    if text[start] in "[(":
        return _bracketed(text, start, end, include_prerelease)
    if "*" in text[start:end]:
        return _floating(text, start, end, include_prerelease)
    low = _version(text, start, end)
    lower = Bound(low, True)
    ranges = Ranges.between(lower, None)
    pre = ranges if include_prerelease or low.is_prerelease else Ranges.empty()
    return _Range(ranges, pre, ((Comparator(">=", str(low)),),))


def _floating(text: str, start: int, end: int, include_prerelease: bool) -> _Range:
    f = _float(text, start, end)
    lo = None if f.low is None else Bound(f.low, True)
    hi = None if f.high is None else Bound(f.high, False)
    if f.low is not None and f.pre_low is not None and f.pre_high is not None and f.high is None:
        # a pre-release float: its pre-releases, and the release they lead to
        pre = Ranges.between(Bound(f.pre_low, True), Bound(f.pre_high, False))
        groups: Desugaring = ((Comparator(">=", str(f.pre_low)), Comparator("<", str(f.pre_high))),)
        if f.pre_high == f.low:  # "-*": every pre-release up to the release
            groups = ((Comparator(">=", str(f.pre_low)), Comparator("<=", str(f.low))),)
        else:
            groups = (*groups, (Comparator("=", str(f.low)),))
        return _Range(Ranges.singleton(f.low), pre, groups)
    releases = Ranges.between(lo, hi)
    if f.names_prereleases or include_prerelease:
        plo = None if f.pre_low is None else Bound(f.pre_low, True)
        phi = None if f.pre_high is None else Bound(f.pre_high, False)
        pre = Ranges.between(plo, phi)
    else:
        pre = Ranges.empty()
    low, high = (f.pre_low, f.pre_high) if f.names_prereleases else (f.low, f.high)
    comparators: list[Comparator] = []
    if low is not None:
        comparators.append(Comparator(">=", str(low)))
    if high is not None:
        comparators.append(Comparator("<", str(high)))
    return _Range(releases, pre, (tuple(comparators),))


def _version(text: str, start: int, end: int) -> NuGetVersion:
    try:
        return _version_at(text, start, end)
    except InvalidVersion as error:
        raise InvalidRange(text, error.position, error.problem, what="nuget range") from error


def _bracketed(text: str, start: int, end: int, include_prerelease: bool) -> _Range:
    what = "nuget range"
    closing = text[end - 1]
    if end - start < 2 or closing not in ")]":
        raise InvalidRange(text, end - 1, "expected ']' or ')' to close the range", what=what)
    low_inclusive = text[start] == "["
    high_inclusive = closing == "]"
    inner_start, inner_end = start + 1, end - 1
    comma = text.find(",", inner_start, inner_end)
    if comma == -1:
        a, b = _trim(text, inner_start, inner_end)
        if a == b:
            raise InvalidRange(text, a, "expected a version inside the brackets", what=what)
        if not (low_inclusive and high_inclusive):
            raise InvalidRange(
                text, start, "a single version must be in square brackets: [1.0]", what=what
            )
        if "*" in text[a:b]:
            raise InvalidRange(text, a, "an exact version cannot float", what=what)
        version = _version(text, a, b)
        one = Ranges.singleton(version)
        pre = one if version.is_prerelease else Ranges.empty()
        return _Range(one, pre, ((Comparator("=", str(version)),),))
    if text.find(",", comma + 1, inner_end) != -1:
        raise InvalidRange(
            text, text.find(",", comma + 1, inner_end), "a range has at most two bounds", what=what
        )
    la, lb = _trim(text, inner_start, comma)
    ha, hb = _trim(text, comma + 1, inner_end)
    if la == lb and ha == hb:
        raise InvalidRange(text, start, "a range needs at least one bound", what=what)
    low: NuGetVersion | None = None
    floats_prereleases = False
    if la < lb:
        if "*" in text[la:lb]:
            f = _float(text, la, lb)
            low = f.pre_low if f.pre_low is not None and f.names_prereleases else f.low
            floats_prereleases = f.names_prereleases
        else:
            low = _version(text, la, lb)
    high = None if ha == hb else _version(text, ha, hb)
    if "*" in text[ha:hb]:  # pragma: no cover - _version rejects '*' first
        raise InvalidRange(text, ha, "the upper bound cannot float", what=what)
    if (
        low is not None
        and high is not None
        and (high < low or (low == high and not (low_inclusive and high_inclusive)))
    ):
        raise InvalidRange(text, start, "the lower bound is above the upper bound", what=what)
    lo = None if low is None else Bound(low, low_inclusive)
    hi = None if high is None else Bound(high, high_inclusive)
    ranges = Ranges.between(lo, hi)
    prerelease_bound = (low is not None and low.is_prerelease) or (
        high is not None and high.is_prerelease
    )
    pre = ranges if include_prerelease or prerelease_bound or floats_prereleases else Ranges.empty()
    comparators: list[Comparator] = []
    if low is not None:
        comparators.append(Comparator(">=" if low_inclusive else ">", str(low)))
    if high is not None:
        comparators.append(Comparator("<=" if high_inclusive else "<", str(high)))
    return _Range(ranges, pre, (tuple(comparators),))


class NuGetScheme:
    """NuGet.Versioning's versions and ranges (scheme name ``nuget``)."""

    @property
    def name(self) -> str:
        """``nuget``, the PURL type."""
        return "nuget"

    def parse_version(self, text: str) -> NuGetVersion:
        """Parse one version; raise :class:`~polypac.errors.InvalidVersion` if invalid."""
        return parse_version(text)

    def desugar_range(self, text: str) -> Desugaring:
        """A range as one group of primitive comparators: ``[1.0,2.0)`` is
        ``>=1.0.0, <2.0.0``; ``1.*`` is ``>=1.0.0, <2.0.0``; ``*`` is the empty group."""
        return _parse(text, False).groups

    def parse_range(
        self, text: str, *, include_prerelease: bool = False
    ) -> VersionSet[NuGetVersion]:
        """Parse a range or floating version into the versions it allows."""
        parsed = _parse(text, include_prerelease)
        return VersionSet(parsed.releases, parsed.prereleases)

    def format_range(self, versions: VersionSet[NuGetVersion]) -> str:
        """Write a set in NuGet's interval notation.

        A NuGet range is one interval, holding pre-releases only when a bound is one; other
        sets raise ``ValueError``.
        """
        for candidate in _candidates(versions):
            try:
                parsed = self.parse_range(candidate)
            except InvalidRange:
                continue
            if _same_members(parsed, versions):
                return candidate
        raise ValueError(
            "a NuGet range is one interval that holds pre-releases only when one of its "
            "bounds is a pre-release; this set is not one"
        )


def _snap(versions: VersionSet[NuGetVersion]) -> VersionSet[NuGetVersion]:
    """Each half's bounds on versions of its kind, so emptiness is exact."""
    rel: list[Segment[NuGetVersion]] = []
    for seg in versions.releases:
        lo, hi = seg.lower, seg.upper
        if lo is not None:
            v = lo.version
            if v.is_prerelease:
                lo = Bound(v.core(), True)
            elif not lo.inclusive:
                lo = Bound(NuGetVersion(v.major, v.minor, v.patch, v.revision + 1), True)
        if hi is not None and hi.version.is_prerelease:
            hi = Bound(hi.version.core(), False)
        rel.append(Segment(lo, hi))
    pre: list[Segment[NuGetVersion]] = []
    for seg in versions.prereleases:
        lo, hi = seg.lower, seg.upper
        if lo is not None:
            v = lo.version
            if not v.is_prerelease:
                lo = Bound(
                    _first_prerelease(NuGetVersion(v.major, v.minor, v.patch, v.revision + 1)), True
                )
            elif not lo.inclusive:
                lo = Bound(
                    NuGetVersion(v.major, v.minor, v.patch, v.revision, (*v.release, "0")), True
                )
        if hi is not None and not hi.version.is_prerelease:
            hi = Bound(hi.version.core(), False)
        pre.append(Segment(lo, hi))
    return VersionSet(Ranges.from_segments(rel), Ranges.from_segments(pre))


def _same_members(a: VersionSet[NuGetVersion], b: VersionSet[NuGetVersion]) -> bool:
    return _snap(a.difference(b)).is_empty() and _snap(b.difference(a)).is_empty()


def _candidates(versions: VersionSet[NuGetVersion]) -> list[str]:
    snapped = _snap(versions)
    out: list[str] = []
    if snapped.releases.is_full():
        out += ["*", "*-*"]
    for half in (versions.releases, versions.prereleases, snapped.releases, snapped.prereleases):
        if len(half.segments) != 1:
            continue
        lo, hi = half.segments[0].lower, half.segments[0].upper
        if lo is not None and hi is not None and lo.inclusive and hi.inclusive and lo == hi:
            out.append(f"[{lo.version.normalized}]")
        if lo is not None and lo.inclusive and hi is None:
            out.append(lo.version.normalized)
        left = "" if lo is None else ("[" if lo.inclusive else "(") + lo.version.normalized
        right = "" if hi is None else hi.version.normalized + ("]" if hi.inclusive else ")")
        out.append(f"{left or '('}, {right or ')'}")
    return out


SCHEME = NuGetScheme()
"""The NuGet scheme object the registry hands out."""
