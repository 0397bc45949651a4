"""SemVer 2.0.0 versions: the value type the npm, Cargo and Go schemes share.

A :class:`SemVer` is ``major.minor.patch``, optional pre-release identifiers and optional
build metadata. Versions order by SemVer precedence (spec section 11): numbers numerically,
a pre-release before its release, pre-release identifiers one by one (numbers before words,
words in ASCII order, a shorter list first). Build metadata takes no part in precedence, so
two versions that differ only in it are equal, as node-semver and Go find them; ``str()``
keeps it::

    >>> from polypac.version.semver import SCHEME
    >>> v = SCHEME.parse_version
    >>> v("1.0.0-alpha") < v("1.0.0-alpha.1") < v("1.0.0-beta.2") < v("1.0.0-beta.11") < v("1.0.0")
    True
    >>> v("1.2.3+build.5") == v("1.2.3"), str(v("1.2.3+build.5"))
    (True, '1.2.3+build.5')

The scheme itself (name ``semver``) has no native range syntax; it reads comparator lists
(``>=1.2.3, <2.0.0``, ``||`` between alternatives) in which pre-releases are placed by
precedence like any other version. The comparator-list grammar and the helpers that make
pre-release halves exact (:func:`snap_halves`) are public so the npm, Cargo and Go schemes
build on them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from polypac.errors import InvalidRange, InvalidVersion
from polypac.version._ranges import Bound, Ranges, Segment
from polypac.version.scheme import Comparator, ComparatorOp, Desugaring
from polypac.version.sets import VersionSet

__all__ = [
    "SCHEME",
    "Identifier",
    "SemVer",
    "SemVerScheme",
    "comparator_groups_set",
    "comparator_ranges",
    "format_comparator_groups",
    "parse_comparator_list",
    "parse_semver",
    "precedence_key",
    "semver_error",
    "snap_halves",
    "snap_prerelease_segment",
    "snap_release_segment",
    "split_prerelease",
    "unify_halves",
]

Identifier = int | str
"""One pre-release identifier: a number, or a word of ASCII letters, digits and hyphens."""

S = TypeVar("S", bound="SemVer")


_RELEASE = (1,)


def _identifier_key(identifier: Identifier) -> tuple[int, int, str]:
    if isinstance(identifier, int):
        return (0, identifier, "")
    return (1, 0, identifier)


def precedence_key(
    major: int, minor: int, patch: int, prerelease: tuple[Identifier, ...]
) -> tuple[Any, ...]:
    """The tuple whose order is SemVer precedence (build metadata left out).

    A release gets ``(1,)`` after the numbers and a pre-release ``(0, id, id, ...)``, so a
    pre-release sorts before its release and a shorter identifier list before a longer one
    that starts the same way.
    """
    if not prerelease:
        return (major, minor, patch, _RELEASE)
    return (major, minor, patch, (0, *map(_identifier_key, prerelease)))


_set = object.__setattr__


@dataclass(frozen=True, slots=True, eq=False, init=False)
class SemVer:
    """One SemVer 2.0.0 version.

    ``prerelease`` holds numbers as ``int`` and words as ``str``; ``build`` holds the
    dot-separated build identifiers as written. Comparison and hashing follow precedence, so
    build metadata is ignored by ``==`` and ``<`` alike. Build values with the parsers
    (:func:`parse_semver`, or a scheme's ``parse_version``); the constructor does not check
    its fields.
    """

    major: int
    minor: int = 0
    patch: int = 0
    prerelease: tuple[Identifier, ...] = ()
    build: tuple[str, ...] = ()
    _key: tuple[Any, ...] = field(init=False, repr=False, compare=False)

    def __init__(
        self,
        major: int,
        minor: int = 0,
        patch: int = 0,
        prerelease: tuple[Identifier, ...] = (),
        build: tuple[str, ...] = (),
    ) -> None:
        # Written out (not dataclass-generated) because versions are built by the million.
        _set(self, "major", major)
        _set(self, "minor", minor)
        _set(self, "patch", patch)
        _set(self, "prerelease", prerelease)
        _set(self, "build", build)
        _set(self, "_key", self._sort_key())

    def _sort_key(self) -> tuple[Any, ...]:
        return precedence_key(self.major, self.minor, self.patch, self.prerelease)

    @property
    def is_prerelease(self) -> bool:
        """Whether the version has pre-release identifiers."""
        return bool(self.prerelease)

    @property
    def release(self) -> tuple[int, int, int]:
        """``(major, minor, patch)``."""
        return (self.major, self.minor, self.patch)

    def core(self: S) -> S:
        """The release ``major.minor.patch`` of this version, without pre-release or build."""
        return type(self)(self.major, self.minor, self.patch)

    def first_prerelease(self: S) -> S:
        """``major.minor.patch-0``: the lowest pre-release of this version's release."""
        return type(self)(self.major, self.minor, self.patch, (0,))

    def __lt__(self, other: Any) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return bool(self._key < other._key)

    def __le__(self, other: Any) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return bool(self._key <= other._key)

    def __gt__(self, other: Any) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return bool(self._key > other._key)

    def __ge__(self, other: Any) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return bool(self._key >= other._key)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return bool(self._key == other._key)

    def __hash__(self) -> int:
        return hash(self._key)

    def __str__(self) -> str:
        text = f"{self.major}.{self.minor}.{self.patch}"
        if self.prerelease:
            text += "-" + ".".join(map(str, self.prerelease))
        if self.build:
            text += "+" + ".".join(self.build)
        return text


# --- strict SemVer 2.0.0 text ------------------------------------------------------------

_NUMBER = r"0|[1-9][0-9]*"
_PRE_ID = r"0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*"
_BUILD_ID = r"[0-9A-Za-z-]+"
_STRICT = re.compile(
    rf"({_NUMBER})\.({_NUMBER})\.({_NUMBER})"
    rf"(?:-((?:{_PRE_ID})(?:\.(?:{_PRE_ID}))*))?"
    rf"(?:\+({_BUILD_ID}(?:\.{_BUILD_ID})*))?"
)
_ID_CHARS = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-")
_DIGITS = frozenset("0123456789")


def split_prerelease(text: str) -> tuple[Identifier, ...]:
    """Dot-separated pre-release text as identifiers, all-digit ones as numbers."""
    return tuple(
        int(part) if part.isdigit() and part.isascii() else part for part in text.split(".")
    )


def parse_semver(text: str, *, what: str = "semver version") -> SemVer:
    """Parse a strict SemVer 2.0.0 version (no ``v``, no blanks, no leading zeros).

    >>> parse_semver("1.0.0-rc.1+build.7")
    SemVer(major=1, minor=0, patch=0, prerelease=('rc', 1), build=('build', '7'))
    """
    if not isinstance(text, str):
        raise InvalidVersion(repr(text), None, f"expected a string, not {type(text).__name__}")
    m = _STRICT.fullmatch(text)
    if m is None:
        raise semver_error(text, 0, what)
    major, minor, patch, pre, build = m.groups()
    return SemVer(
        int(major),
        int(minor),
        int(patch),
        split_prerelease(pre) if pre else (),
        tuple(build.split(".")) if build else (),
    )


def semver_error(text: str, start: int, what: str) -> InvalidVersion:
    """The error for ``text[start:]``, which is not SemVer 2.0.0: it points at the first
    character that breaks the grammar and says what was expected there."""
    i = start
    n = len(text)
    for part in ("major", "minor", "patch"):
        j = i
        while j < n and text[j] in _DIGITS:
            j += 1
        if j == i:
            found = "the end" if i == n else repr(text[i])
            return InvalidVersion(
                text, i, f"expected a number for the {part} version, found {found}", what=what
            )
        if text[i] == "0" and j - i > 1:
            return InvalidVersion(
                text, i, f"the {part} version must not have leading zeros", what=what
            )
        i = j
        if part != "patch":
            if i == n or text[i] != ".":
                found = "the end" if i == n else repr(text[i])
                return InvalidVersion(
                    text, i, f"expected '.' after the {part} version, found {found}", what=what
                )
            i += 1
    for marker, label in (("-", "pre-release"), ("+", "build metadata")):
        if i < n and text[i] == marker:
            i += 1
            while True:
                j = i
                while j < n and text[j] in _ID_CHARS:
                    j += 1
                if j == i:
                    found = "the end" if i == n else repr(text[i])
                    return InvalidVersion(
                        text, i, f"expected a {label} identifier, found {found}", what=what
                    )
                word = text[i:j]
                if marker == "-" and word.isdigit() and len(word) > 1 and word[0] == "0":
                    return InvalidVersion(
                        text,
                        i,
                        "numeric pre-release identifiers must not have leading zeros",
                        what=what,
                    )
                i = j
                if i < n and text[i] == ".":
                    i += 1
                    continue
                break
    if i < n:
        return InvalidVersion(text, i, f"unexpected {text[i]!r} after the version", what=what)
    return InvalidVersion(text, None, "not a SemVer 2.0.0 version", what=what)  # pragma: no cover


# --- sets ------------------------------------------------------------------------------------


def comparator_ranges(operator: str, version: S) -> Ranges[S]:
    """The versions that satisfy one primitive comparator, by precedence alone."""
    if operator == "=":
        return Ranges.singleton(version)
    if operator == "!=":
        return Ranges.singleton(version).complement()
    if operator == "<":
        return Ranges.between(None, Bound(version, False))
    if operator == "<=":
        return Ranges.between(None, Bound(version, True))
    if operator == ">":
        return Ranges.between(Bound(version, False), None)
    if operator == ">=":
        return Ranges.between(Bound(version, True), None)
    raise ValueError(f"not a primitive operator: {operator!r}")


def _next_release(version: S) -> S:
    return type(version)(version.major, version.minor, version.patch + 1)


def _next_patch_prerelease(version: S) -> S:
    return type(version)(version.major, version.minor, version.patch + 1, (0,))


def _below_lowest(upper: Bound[S], prerelease: bool) -> bool:
    """Whether nothing of the kind lies below ``upper`` (``<0.0.0``, ``<0.0.0-0``)."""
    v = upper.version
    if upper.inclusive or v.major or v.minor or v.patch:
        return False
    return v.prerelease == ((0,) if prerelease else ())


def snap_release_segment(
    lo: Bound[S] | None, hi: Bound[S] | None, *, builds_ordered: bool = False
) -> Segment[S] | None:
    """The segment ``lo..hi`` of a release half with its bounds on releases (``None``
    when no release can lie in it): a bound at a pre-release moves to that pre-release's
    release, an exclusive lower bound to the next release."""
    if lo is not None:
        v = lo.version
        if v.prerelease:
            lo = Bound(v.core(), True)
        elif not lo.inclusive and not builds_ordered:
            lo = Bound(_next_release(v), True)
    if hi is not None and hi.version.prerelease:
        hi = Bound(hi.version.core(), False)
    if lo is None:
        if hi is not None and _below_lowest(hi, False):
            return None
    elif hi is not None and not (
        lo.version < hi.version or (lo.inclusive and hi.inclusive and lo.version == hi.version)
    ):
        return None
    return Segment(lo, hi)


def snap_prerelease_segment(
    lo: Bound[S] | None, hi: Bound[S] | None, *, builds_ordered: bool = False
) -> Segment[S] | None:
    """The segment ``lo..hi`` of a pre-release half with its bounds on pre-releases, or
    just above a release (``None`` when no pre-release can lie in it)."""
    if lo is not None:
        v = lo.version
        if not v.prerelease:
            lo = Bound(_next_patch_prerelease(v), True)
        elif not lo.inclusive and not builds_ordered:
            lo = Bound(type(v)(v.major, v.minor, v.patch, (*v.prerelease, 0)), True)
    if hi is not None and not hi.version.prerelease:
        hi = Bound(hi.version.core(), False)
    if lo is None:
        if hi is not None and _below_lowest(hi, True):
            return None
    elif hi is not None and not (
        lo.version < hi.version or (lo.inclusive and hi.inclusive and lo.version == hi.version)
    ):
        return None
    return Segment(lo, hi)


def snap_halves(versions: VersionSet[S], *, builds_ordered: bool = False) -> VersionSet[S]:
    """The same set with each half's bounds moved onto versions of that half's kind.

    A half is an interval union over all versions, so ``[1.2.3-alpha, 1.2.3)`` in the
    release half holds no release yet is not empty as intervals. Snapping moves release-half
    bounds onto releases and pre-release-half bounds onto pre-releases (or just above a
    release), which makes ``is_empty()`` exact for sets built from comparators. With
    ``builds_ordered`` (Cargo, where build metadata orders versions) an exclusive lower
    bound has no next version and stays where it is.
    """
    releases = [
        seg
        for old in versions.releases
        if (seg := snap_release_segment(old.lower, old.upper, builds_ordered=builds_ordered))
    ]
    pre = [
        seg
        for old in versions.prereleases
        if (seg := snap_prerelease_segment(old.lower, old.upper, builds_ordered=builds_ordered))
    ]
    return VersionSet(Ranges.from_segments(releases), Ranges.from_segments(pre))


# --- the comparator-list grammar -------------------------------------------------------------

_OPERATORS: dict[str, ComparatorOp] = {
    "=": "=",
    "==": "=",
    "!=": "!=",
    "<": "<",
    "<=": "<=",
    ">": ">",
    ">=": ">=",
}
_SEPARATORS = " \t,"


def parse_comparator_list(
    text: str,
    parse_version: Callable[[str], object],
    *,
    what: str,
    star: bool = True,
) -> Desugaring:
    """Read ``>=1.2.3, <2.0.0 || =3.0.0`` into OR groups of AND-ed primitive comparators.

    Within a group comparators are separated by commas or blanks; ``||`` separates groups;
    a bare version means ``=``; blank text (and, with ``star``, ``*``) is every version.
    ``parse_version`` checks each version; its error becomes an
    :class:`~polypac.errors.InvalidRange` pointing into ``text``.
    """
    if not isinstance(text, str):
        raise InvalidRange(repr(text), None, f"expected a string, not {type(text).__name__}")
    if not text.strip(_SEPARATORS) or (star and text.strip(" \t") == "*"):
        return ((),)
    groups: list[tuple[Comparator, ...]] = []
    start = 0
    n = len(text)
    while True:
        end = text.find("||", start)
        stop = n if end == -1 else end
        groups.append(_comparator_group(text, start, stop, parse_version, what))
        if end == -1:
            return tuple(groups)
        start = end + 2


def _comparator_group(
    text: str, start: int, stop: int, parse_version: Callable[[str], object], what: str
) -> tuple[Comparator, ...]:
    comparators: list[Comparator] = []
    i = start
    while True:
        while i < stop and text[i] in _SEPARATORS:
            i += 1
        if i == stop:
            break
        j = i
        while j < stop and text[j] in "<>=!~^":
            j += 1
        op_text = text[i:j]
        if op_text and op_text not in _OPERATORS:
            raise InvalidRange(
                text, i, f"unknown operator {op_text!r}; expected one of = != < <= > >=", what=what
            )
        operator: ComparatorOp = _OPERATORS[op_text] if op_text else "="
        while j < stop and text[j] in " \t":
            j += 1
        k = j
        while k < stop and text[k] not in _SEPARATORS and text[k] not in "<>=!~^|":
            k += 1
        if k == j:
            found = "the end" if j == stop else repr(text[j])
            raise InvalidRange(text, j, f"expected a version, found {found}", what=what)
        try:
            version = parse_version(text[j:k])
        except InvalidVersion as error:
            raise InvalidRange(text, j + (error.position or 0), error.problem, what=what) from error
        comparators.append(Comparator(operator, str(version)))
        i = k
    if not comparators:
        raise InvalidRange(text, i, "expected a comparator between '||'", what=what)
    return tuple(comparators)


def comparator_groups_set(groups: Desugaring, parse_version: Callable[[str], S]) -> VersionSet[S]:
    """The union over groups of the intersection of their comparators, by precedence."""
    result: Ranges[S] = Ranges.empty()
    for group in groups:
        acc: Ranges[S] = Ranges.full()
        for comparator in group:
            acc = acc.intersection(
                comparator_ranges(comparator.operator, parse_version(comparator.version))
            )
        result = result.union(acc)
    return VersionSet.from_ranges(result)


def format_comparator_groups(
    ranges: Ranges[S],
    spell: Callable[[S], str],
    *,
    and_separator: str = ", ",
    or_separator: str = " || ",
    what: str,
) -> str:
    """Write an interval union as comparator groups: ``>=1.0.0, <2.0.0 || =3.0.0``.

    Every version is ``*``; the empty set cannot be written and raises ``ValueError``.
    """
    if ranges.is_empty():
        raise ValueError(f"the empty set cannot be written as a {what}")
    if ranges.is_full():
        return "*"
    groups: list[str] = []
    for seg in ranges:
        lo, hi = seg.lower, seg.upper
        if (
            lo is not None
            and hi is not None
            and lo.inclusive
            and hi.inclusive
            and not (lo.version < hi.version)
        ):
            groups.append(f"={spell(lo.version)}")
            continue
        parts: list[str] = []
        if lo is not None:
            parts.append((">=" if lo.inclusive else ">") + spell(lo.version))
        if hi is not None:
            parts.append(("<=" if hi.inclusive else "<") + spell(hi.version))
        groups.append(and_separator.join(parts))
    return or_separator.join(groups)


def unify_halves(versions: VersionSet[S], what: str) -> Ranges[S]:
    """One interval union whose releases and pre-releases are those of ``versions``.

    Each half is kept in a canonical form that loosens bounds at versions of the other
    kind, so neither half alone says where the other kind starts and stops. The bounds of
    both halves cut the versions into pieces; each bound itself belongs to the union if
    the half of its kind holds it, and each open piece between two bounds if the half of
    every kind found there holds it (``ValueError`` when the two halves disagree there).
    """
    rel, pre = versions.releases, versions.prereleases
    cuts: list[S] = []
    for half in (rel, pre):
        for seg in half:
            cuts.extend(b.version for b in (seg.lower, seg.upper) if b is not None)
    cuts.sort()
    points: list[S] = []
    for cut in cuts:
        if not points or points[-1] < cut:
            points.append(cut)
    pieces: list[Segment[S]] = []
    edges: list[S | None] = [None, *points, None]
    for index in range(len(edges) - 1):
        lo_v, hi_v = edges[index], edges[index + 1]
        lo = None if lo_v is None else Bound(lo_v, False)
        hi = None if hi_v is None else Bound(hi_v, False)
        has_release = snap_release_segment(lo, hi) is not None
        has_pre = snap_prerelease_segment(lo, hi) is not None
        in_rel, in_pre = _covers(rel, lo_v, hi_v), _covers(pre, lo_v, hi_v)
        if has_release and has_pre and in_rel != in_pre:
            raise ValueError(
                f"a {what} places pre-releases by precedence, so it cannot hold this set "
                "(its releases and pre-releases follow different bounds)"
            )
        if in_rel if has_release else in_pre:
            pieces.append(Segment(lo, hi))
        if hi_v is not None and (pre if hi_v.is_prerelease else rel).contains(hi_v):
            pieces.append(Segment(Bound(hi_v, True), Bound(hi_v, True)))
    return Ranges.from_segments(pieces)


def _covers(ranges: Ranges[S], lo: S | None, hi: S | None) -> bool:
    """Whether ``ranges`` holds the open piece between ``lo`` and ``hi`` (no bound of
    ``ranges`` lies strictly inside it)."""
    for seg in ranges:
        starts = seg.lower is None or (lo is not None and not lo < seg.lower.version)
        ends = seg.upper is None or (hi is not None and not seg.upper.version < hi)
        if starts and ends:
            return True
    return False


def _same_members(a: VersionSet[S], b: VersionSet[S]) -> bool:
    return snap_halves(a.difference(b)).is_empty() and snap_halves(b.difference(a)).is_empty()


class SemVerScheme:
    """Strict SemVer 2.0.0 versions with comparator-list ranges (scheme name ``semver``)."""

    @property
    def name(self) -> str:
        """``semver``, the VERS type."""
        return "semver"

    def parse_version(self, text: str) -> SemVer:
        """Parse a strict SemVer 2.0.0 version; raise :class:`~polypac.errors.InvalidVersion`."""
        return parse_semver(text)

    def desugar_range(self, text: str) -> Desugaring:
        """A comparator list as primitive comparators (versions written canonically)."""
        return parse_comparator_list(text, parse_semver, what="semver range")

    def parse_range(self, text: str, *, include_prerelease: bool = False) -> VersionSet[SemVer]:
        """Parse ``>=1.2.3, <2.0.0 || 3.0.0``; pre-releases are placed by precedence, so
        ``include_prerelease`` changes nothing."""
        return comparator_groups_set(self.desugar_range(text), parse_semver)

    def format_range(self, versions: VersionSet[SemVer]) -> str:
        """Write a set as a comparator list; ``ValueError`` for the empty set, or a set whose
        pre-releases do not follow the same bounds as its releases."""
        ranges = unify_halves(versions, "semver range")
        return format_comparator_groups(ranges, str, what="semver range")


SCHEME = SemVerScheme()
"""The SemVer scheme object the registry hands out."""
