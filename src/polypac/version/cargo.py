"""Cargo versions and requirements, as the ``semver`` crate (and Cargo) read them.

A version is strict SemVer 2.0.0. Unlike the SemVer precedence rule, the crate orders build
metadata too (``1.2.3+23 < 1.2.3+42``; no build sorts first), so :class:`CargoVersion` does::

    >>> from polypac.version.cargo import SCHEME
    >>> v = SCHEME.parse_version
    >>> v("1.2.3-alpha") < v("1.2.3") < v("1.2.3+build.1") < v("1.2.4-0")
    True

A requirement (``VersionReq``) is comma-separated comparators, all of which must hold:
``^`` (the default for a bare version), ``~``, ``=``, ``>``, ``>=``, ``<``, ``<=``, and
wildcards (``*``, ``1.*``, ``1.2.x``), with the 0.x rules of caret. A pre-release matches only
if some comparator names a pre-release of the same ``major.minor.patch``::

    >>> req = SCHEME.parse_range(">=1.2.3-beta.1, <2.0.0")
    >>> req.contains(v("1.2.3-beta.2")), req.contains(v("1.2.4-beta"))
    (True, False)

``include_prerelease`` switches to Cargo's RFC 3493 rule (``matches_prerelease``, behind
``-Zunstable-options`` for ``cargo update --precise``): pre-releases are placed by precedence,
with an upper bound ``<2.0.0`` read as ``<2.0.0-0`` unless some ``>``/``>=`` names a
pre-release. Parse errors carry the crate's own messages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from polypac.errors import InvalidRange, InvalidVersion
from polypac.version._ranges import Bound, Ranges, Segment
from polypac.version.scheme import Comparator, Desugaring
from polypac.version.semver import (
    Identifier,
    SemVer,
    precedence_key,
    snap_halves,
    snap_prerelease_segment,
    snap_release_segment,
)
from polypac.version.sets import VersionSet

__all__ = [
    "SCHEME",
    "CargoComparator",
    "CargoScheme",
    "CargoVersion",
    "Op",
    "VersionReq",
    "parse_comparator",
    "parse_requirement",
    "parse_version",
]

Op = Literal["=", ">", ">=", "<", "<=", "~", "^", "*"]
"""A comparator's operator; ``*`` is the crate's ``Op::Wildcard`` (``1.*``, ``1.2.x``)."""

_U64_MAX = 2**64 - 1
_MAX_COMPARATORS = 32


def _build_key(build: tuple[str, ...]) -> tuple[Any, ...]:
    """The crate's build-metadata order: all-digit parts numerically (``0 < 00 < 1``),
    digits before words, words by ASCII, a shorter list first."""
    key: list[tuple[Any, ...]] = []
    for part in build:
        if part.isdigit():
            value = part.lstrip("0")
            key.append((0, len(value), value, len(part)))
        else:
            key.append((1, part))
    return tuple(key)


@dataclass(frozen=True, slots=True, eq=False, init=False)
class CargoVersion(SemVer):
    """A version as the ``semver`` crate orders it: precedence, then build metadata.

    Two versions are equal only if their build metadata is equal too.
    """

    def _sort_key(self) -> tuple[Any, ...]:
        return (
            *precedence_key(self.major, self.minor, self.patch, self.prerelease),
            _build_key(self.build) if self.build else (),
        )


# --- errors as the crate words them ---------------------------------------------------------

_Position = Literal["major", "minor", "patch", "pre", "build"]
_POSITION_TEXT = {
    "major": "major version number",
    "minor": "minor version number",
    "patch": "patch version number",
    "pre": "pre-release identifier",
    "build": "build metadata",
}


def _quoted(char: str) -> str:
    """Rust's ``{:?}`` of a char, as the crate prints it (``'\\0'`` for NUL)."""
    if char == "\0":
        return "'\\0'"
    escapes = {"\t": "\\t", "\r": "\\r", "\n": "\\n", "'": "\\'", "\\": "\\\\"}
    if char in escapes:
        return f"'{escapes[char]}'"
    if not char.isprintable():
        return f"'\\u{{{ord(char):x}}}'"
    return f"'{char}'"


class _Fail(Exception):
    """A crate error: its message and the offset of the character it is about."""

    def __init__(self, position: int | None, message: str) -> None:
        super().__init__(message)
        self.position = position
        self.message = message


def _unexpected(text: str, i: int, pos: _Position) -> _Fail:
    if i >= len(text):
        return _Fail(len(text), f"unexpected end of input while parsing {_POSITION_TEXT[pos]}")
    return _Fail(i, f"unexpected character {_quoted(text[i])} while parsing {_POSITION_TEXT[pos]}")


def _after(text: str, i: int, pos: _Position) -> _Fail:
    return _Fail(i, f"unexpected character {_quoted(text[i])} after {_POSITION_TEXT[pos]}")


# --- the scanner ---------------------------------------------------------------------------

_DIGITS = frozenset("0123456789")
_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-")


def _number(text: str, i: int, pos: _Position) -> tuple[int, int]:
    """A numeric identifier at ``i``: its value and the offset after it."""
    j = i
    n = len(text)
    while j < n and text[j] in _DIGITS:
        if j > i and text[i] == "0":
            raise _Fail(i, f"invalid leading zero in {_POSITION_TEXT[pos]}")
        j += 1
    if j == i:
        raise _unexpected(text, i, pos)
    value = int(text[i:j])
    if value > _U64_MAX:
        raise _Fail(i, f"value of {_POSITION_TEXT[pos]} exceeds u64::MAX")
    return value, j


def _identifiers(text: str, i: int, pos: _Position) -> tuple[list[str], int]:
    """Dot-separated identifiers at ``i`` (possibly none): the parts and the offset after."""
    n = len(text)
    parts: list[str] = []
    start = i
    while True:
        j = start
        while j < n and (text[j] in _DIGITS or text[j] in _LETTERS):
            j += 1
        if j == start:
            if not parts and (j >= n or text[j] != "."):
                return [], start
            raise _Fail(start, f"empty identifier segment in {_POSITION_TEXT[pos]}")
        part = text[start:j]
        if pos == "pre" and len(part) > 1 and part.isdigit() and part[0] == "0":
            raise _Fail(start, f"invalid leading zero in {_POSITION_TEXT[pos]}")
        parts.append(part)
        if j < n and text[j] == ".":
            start = j + 1
            continue
        return parts, j


def _prerelease(parts: list[str]) -> tuple[Identifier, ...]:
    return tuple(int(p) if p.isdigit() else p for p in parts)


def _version_at(text: str, i: int) -> tuple[CargoVersion, int, _Position]:
    """``major.minor.patch[-pre][+build]`` at ``i``: the version, the offset after it and
    the position (part) it ended in."""
    pos: _Position = "major"
    major, i = _number(text, i, pos)
    for pos in ("major", "minor"):
        if i >= len(text):
            raise _Fail(i, f"unexpected end of input while parsing {_POSITION_TEXT[pos]}")
        if text[i] != ".":
            raise _after(text, i, pos)
        i += 1
        if pos == "major":
            minor, i = _number(text, i, "minor")
        else:
            patch, i = _number(text, i, "patch")
    pos = "patch"
    pre: list[str] = []
    build: list[str] = []
    if i < len(text) and text[i] == "-":
        pos = "pre"
        pre, j = _identifiers(text, i + 1, "pre")
        if not pre:
            raise _Fail(i + 1, "empty identifier segment in pre-release identifier")
        i = j
    if i < len(text) and text[i] == "+":
        pos = "build"
        build, j = _identifiers(text, i + 1, "build")
        if not build:
            raise _Fail(i + 1, "empty identifier segment in build metadata")
        i = j
    return CargoVersion(major, minor, patch, _prerelease(pre), tuple(build)), i, pos


def parse_version(text: str) -> CargoVersion:
    """Parse a version as ``semver::Version::parse`` does, with the crate's error words.

    >>> str(parse_version("1.2.3-alpha.1+build.5"))
    '1.2.3-alpha.1+build.5'
    """
    if not isinstance(text, str):
        raise InvalidVersion(
            repr(text), None, f"expected a string, not {type(text).__name__}", what="cargo version"
        )
    if not text:
        raise InvalidVersion(
            text, None, "empty string, expected a semver version", what="cargo version"
        )
    try:
        version, i, pos = _version_at(text, 0)
        if i < len(text):
            raise _after(text, i, pos)
    except _Fail as fail:
        raise InvalidVersion(text, fail.position, fail.message, what="cargo version") from None
    return version


# --- requirements --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CargoComparator:
    """One comparator of a requirement; ``minor`` and ``patch`` are ``None`` when left out
    (``^1``, ``1.2.*``), ``pre`` is empty unless the version is complete."""

    op: Op
    major: int
    minor: int | None = None
    patch: int | None = None
    pre: tuple[Identifier, ...] = ()

    def __str__(self) -> str:
        text = ("" if self.op == "*" else self.op) + str(self.major)
        if self.minor is not None:
            text += f".{self.minor}"
            if self.patch is not None:
                text += f".{self.patch}"
                if self.pre:
                    text += "-" + ".".join(map(str, self.pre))
            elif self.op == "*":
                text += ".*"
        elif self.op == "*":
            text += ".*"
        return text


@dataclass(frozen=True, slots=True)
class VersionReq:
    """A requirement: comparators that must all hold. No comparators is ``*``."""

    comparators: tuple[CargoComparator, ...] = ()

    def __str__(self) -> str:
        if not self.comparators:
            return "*"
        return ", ".join(map(str, self.comparators))


_OPS: tuple[tuple[str, Op], ...] = (
    (">=", ">="),
    ("<=", "<="),
    ("=", "="),
    (">", ">"),
    ("<", "<"),
    ("~", "~"),
    ("^", "^"),
)


_OP_BY_TEXT: dict[str, Op] = dict(_OPS)


def _skip_spaces(text: str, i: int) -> int:
    while i < len(text) and text[i] == " ":
        i += 1
    return i


def _is_wildcard(text: str, i: int) -> bool:
    return i < len(text) and text[i] in "*xX"


def _comparator_at(text: str, i: int) -> tuple[CargoComparator, int, _Position]:
    """One comparator at ``i`` (the crate's ``comparator``): it, the offset after it and
    its trailing spaces, and the part it ended in."""
    op: Op = "^"
    default_op = True
    for spelling, meaning in _OPS:
        if text.startswith(spelling, i):
            op, default_op = meaning, False
            i += len(spelling)
            break
    i = _skip_spaces(text, i)
    pos: _Position = "major"
    major, i = _number(text, i, pos)
    minor: int | None = None
    patch: int | None = None
    has_wildcard = False
    if i < len(text) and text[i] == ".":
        pos = "minor"
        i += 1
        if _is_wildcard(text, i):
            has_wildcard = True
            if default_op:
                op = "*"
            i += 1
        else:
            minor, i = _number(text, i, pos)
    if i < len(text) and text[i] == ".":
        pos = "patch"
        i += 1
        if _is_wildcard(text, i):
            if default_op:
                op = "*"
            i += 1
        elif has_wildcard:
            raise _Fail(i, "unexpected character after wildcard in version req")
        else:
            patch, i = _number(text, i, pos)
    pre: list[str] = []
    if patch is not None and i < len(text) and text[i] == "-":
        pos = "pre"
        pre, j = _identifiers(text, i + 1, "pre")
        if not pre:
            raise _Fail(i + 1, "empty identifier segment in pre-release identifier")
        i = j
    if patch is not None and i < len(text) and text[i] == "+":
        pos = "build"
        build, j = _identifiers(text, i + 1, "build")
        if not build:
            raise _Fail(i + 1, "empty identifier segment in build metadata")
        i = j
    i = _skip_spaces(text, i)
    return CargoComparator(op, major, minor, patch, _prerelease(pre)), i, pos


# Plain comparators (no wildcard; numbers short enough to fit u64) take a regex shortcut;
# anything else, and every error, goes through the scanner that words errors as the crate.
_NUM = r"0|[1-9][0-9]{0,18}"
_PRE_ID = r"0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*"
_PLAIN_COMPARATOR = re.compile(
    rf" *(>=|<=|=|>|<|~|\^)? *({_NUM})(?:\.({_NUM})(?:\.({_NUM})"
    rf"(?:-((?:{_PRE_ID})(?:\.(?:{_PRE_ID}))*))?"
    rf"(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?)?)? *"
)


def _plain_requirement(text: str) -> VersionReq | None:
    parts = text.split(",")
    if len(parts) > _MAX_COMPARATORS:
        return None
    comparators: list[CargoComparator] = []
    for part in parts:
        m = _PLAIN_COMPARATOR.fullmatch(part)
        if m is None:
            return None
        op, major, minor, patch, pre = m.groups()
        comparators.append(
            CargoComparator(
                _OP_BY_TEXT[op or "^"],
                int(major),
                None if minor is None else int(minor),
                None if patch is None else int(patch),
                _prerelease(pre.split(".")) if pre else (),
            )
        )
    return VersionReq(tuple(comparators))


def _requirement(text: str) -> VersionReq:
    plain = _plain_requirement(text)
    return plain if plain is not None else _scan_requirement(text)


def _scan_requirement(text: str) -> VersionReq:
    i = _skip_spaces(text, 0)
    if _is_wildcard(text, i):
        wildcard = text[i]
        rest = _skip_spaces(text, i + 1)
        if rest == len(text):
            return VersionReq(())
        if text[rest] == ",":
            raise _Fail(
                i, f"wildcard req ({wildcard}) must be the only comparator in the version req"
            )
        raise _Fail(i + 1, "unexpected character after wildcard in version req")
    comparators: list[CargoComparator] = []
    while True:
        start = i
        try:
            comparator, i, pos = _comparator_at(text, i)
        except _Fail:
            if _is_wildcard(text, start):
                rest = _skip_spaces(text, start + 1)
                if rest == len(text) or text[rest] == ",":
                    raise _Fail(
                        start,
                        f"wildcard req ({text[start]}) must be the only comparator "
                        "in the version req",
                    ) from None
            raise
        comparators.append(comparator)
        if i == len(text):
            return VersionReq(tuple(comparators))
        if text[i] != ",":
            raise _Fail(i, f"expected comma after {_POSITION_TEXT[pos]}, found {_quoted(text[i])}")
        if len(comparators) == _MAX_COMPARATORS:
            raise _Fail(i, "excessive number of version comparators")
        i = _skip_spaces(text, i + 1)


def parse_requirement(text: str) -> VersionReq:
    """Parse a requirement as ``semver::VersionReq::parse`` does.

    >>> str(parse_requirement("1.2, <1.5"))
    '^1.2, <1.5'
    """
    if not isinstance(text, str):
        raise InvalidRange(
            repr(text), None, f"expected a string, not {type(text).__name__}", what="cargo range"
        )
    try:
        return _requirement(text)
    except _Fail as fail:
        raise InvalidRange(text, fail.position, fail.message, what="cargo range") from None


def parse_comparator(text: str) -> CargoComparator:
    """Parse one comparator as ``semver::Comparator::parse`` does."""
    if not isinstance(text, str):
        raise InvalidRange(
            repr(text), None, f"expected a string, not {type(text).__name__}", what="cargo range"
        )
    try:
        comparator, i, pos = _comparator_at(text, _skip_spaces(text, 0))
        if i < len(text):
            raise _after(text, i, pos)
    except _Fail as fail:
        raise InvalidRange(text, fail.position, fail.message, what="cargo range") from None
    return comparator


# --- sets ----------------------------------------------------------------------------------

_Interval = tuple[Bound[CargoVersion] | None, Bound[CargoVersion] | None]
_EMPTY: _Interval = (Bound(CargoVersion(0, 0, 0), False), Bound(CargoVersion(0, 0, 0), False))


def _v(major: int, minor: int, patch: int, pre: tuple[Identifier, ...] = ()) -> CargoVersion:
    return CargoVersion(major, minor, patch, pre)


def _successor(version: CargoVersion) -> CargoVersion:
    """The lowest version of higher precedence (builds aside): ``1.2.4-0`` after
    ``1.2.3``, ``1.2.3-alpha.0`` after ``1.2.3-alpha``."""
    if version.prerelease:
        return _v(version.major, version.minor, version.patch, (*version.prerelease, 0))
    return _v(version.major, version.minor, version.patch + 1, (0,))


def _at_least(v: CargoVersion) -> Bound[CargoVersion]:
    return Bound(v, True)


def _below(v: CargoVersion) -> Bound[CargoVersion]:
    return Bound(v, False)


def _floor(c: CargoComparator) -> CargoVersion:
    """The lowest release the comparator's version names (``1.2`` is ``1.2.0``)."""
    return _v(c.major, c.minor or 0, c.patch or 0, c.pre)


def _next_group(c: CargoComparator) -> CargoVersion:
    """The first pre-release past what a partial version names (``1.2`` → ``1.3.0-0``)."""
    if c.minor is None:
        return _v(c.major + 1, 0, 0, (0,))
    return _v(c.major, c.minor + 1, 0, (0,))


def _caret_upper(c: CargoComparator) -> CargoVersion:
    if c.major > 0 or c.minor is None:
        return _v(c.major + 1, 0, 0, (0,))
    if c.patch is None or c.minor > 0:
        return _v(0, c.minor + 1, 0, (0,))
    return _v(0, 0, c.patch + 1, (0,))


def _intervals(c: CargoComparator, lower_pre: bool) -> tuple[_Interval, _Interval, _Interval]:
    """The comparator's intervals: (releases, pre-releases) under ``matches``, and the one
    interval of ``matches_prerelease`` (``lower_pre``: some ``>``/``>=`` names a
    pre-release, which keeps ``<2.0.0`` from meaning ``<2.0.0-0``)."""
    full = c.patch is not None
    low = _floor(c)
    op = c.op
    if op in ("=", "*"):
        if full:
            one = (_at_least(low), _below(_successor(low)))
            return one, one, one
        group = (_at_least(low), _below(_next_group(c)))
        return group, _EMPTY, group
    if op == ">":
        above = (_at_least(_successor(low) if full else _next_group(c)), None)
        return above, above, above
    if op == ">=":
        if full:
            above = (_at_least(low), None)
            return above, above, above
        return (_at_least(low), None), (_at_least(_next_group(c)), None), (_at_least(low), None)
    if op == "<":
        under = (None, _below(low if full else _v(low.major, low.minor, 0, (0,))))
        if full and not c.pre and not lower_pre:
            loose = (None, _below(low.first_prerelease()))
        elif not full and lower_pre:
            loose = (None, _below(low))
        else:
            loose = under
        return under, under, loose
    if op == "<=":
        if full:
            under = (None, _below(_successor(low)))
            return under, under, under
        return (
            (None, _below(_next_group(c))),
            (None, _below(_v(low.major, low.minor, 0, (0,)))),
            (None, _below(_next_group(c))),
        )
    if op == "~":
        upper = _below(_v(c.major, c.minor + 1, 0, (0,)) if c.minor is not None else _next_group(c))
        if full:
            one = (_at_least(low), upper)
            return one, one, one
        return (_at_least(low), upper), _EMPTY, (_at_least(low), upper)
    # caret
    upper = _below(_caret_upper(c))
    if full:
        one = (_at_least(low), upper)
        return one, one, one
    if c.major > 0 or c.minor is None:
        pre_upper = _below(_v(c.major + 1, 0, 0, (0,)))
    else:
        pre_upper = _below(_v(0, c.minor + 1, 0, (0,)))
    return (
        (_at_least(low), upper),
        (_at_least(low.first_prerelease()), pre_upper),
        (_at_least(low), upper),
    )


def _meet(a: _Interval, b: _Interval) -> _Interval:
    lo_a, hi_a = a
    lo_b, hi_b = b
    take_b_lo = lo_a is None or (lo_b is not None and _tighter_lower(lo_b, lo_a))
    take_b_hi = hi_a is None or (hi_b is not None and _tighter_upper(hi_b, hi_a))
    return (lo_b if take_b_lo else lo_a, hi_b if take_b_hi else hi_a)


def _tighter_lower(a: Bound[CargoVersion], b: Bound[CargoVersion]) -> bool:
    return b.version < a.version or (a.version == b.version and b.inclusive and not a.inclusive)


def _tighter_upper(a: Bound[CargoVersion], b: Bound[CargoVersion]) -> bool:
    return a.version < b.version or (a.version == b.version and b.inclusive and not a.inclusive)


def requirement_set(
    req: VersionReq, *, include_prerelease: bool = False
) -> VersionSet[CargoVersion]:
    """The exact set of versions ``req.matches`` accepts (``matches_prerelease`` with
    ``include_prerelease``)."""
    lower_pre = any(c.op in (">", ">=") and c.pre for c in req.comparators)
    releases: _Interval = (None, None)
    pre: _Interval = (None, None)
    loose: _Interval = (None, None)
    bands: list[CargoComparator] = []
    for c in req.comparators:
        r, p, m = _intervals(c, lower_pre)
        releases, pre, loose = _meet(releases, r), _meet(pre, p), _meet(loose, m)
        if c.pre:
            bands.append(c)
    if include_prerelease:
        rel_seg = snap_release_segment(*loose, builds_ordered=True)
        pre_seg = snap_prerelease_segment(*loose, builds_ordered=True)
        return VersionSet(_ranges(rel_seg), _ranges(pre_seg))
    rel_seg = snap_release_segment(*releases, builds_ordered=True)
    pre_segs: list[Segment[CargoVersion]] = []
    seen: set[tuple[int, int, int]] = set()
    for c in bands:
        base = _floor(c)
        if base.release in seen:
            continue
        seen.add(base.release)
        band = (_at_least(base.first_prerelease()), _below(base.core()))
        seg = snap_prerelease_segment(*_meet(pre, band), builds_ordered=True)
        if seg is not None:
            pre_segs.append(seg)
    return VersionSet(_ranges(rel_seg), Ranges.from_segments(pre_segs))


def _ranges(segment: Segment[CargoVersion] | None) -> Ranges[CargoVersion]:
    return Ranges(()) if segment is None else Ranges((segment,))


def _desugar(req: VersionReq) -> tuple[Comparator, ...]:
    """Primitive comparators whose precedence reading is ``matches_prerelease``."""
    lower_pre = any(c.op in (">", ">=") and c.pre for c in req.comparators)
    out: list[Comparator] = []
    for c in req.comparators:
        low = _floor(c)
        if c.op in ("=", "*") and c.patch is not None:
            out.append(Comparator("=", str(low)))
            continue
        if c.op == ">" and c.patch is not None:
            out.append(Comparator(">", str(low)))
            continue
        if c.op == "<=" and c.patch is not None:
            out.append(Comparator("<=", str(low)))
            continue
        lo, hi = _intervals(c, lower_pre)[2]
        if lo is not None:
            out.append(Comparator(">=" if lo.inclusive else ">", str(lo.version)))
        if hi is not None:
            out.append(Comparator("<=" if hi.inclusive else "<", str(hi.version)))
    return tuple(out)


class CargoScheme:
    """The ``semver`` crate's versions and requirements (scheme name ``cargo``)."""

    @property
    def name(self) -> str:
        """``cargo``, the PURL type."""
        return "cargo"

    def parse_version(self, text: str) -> CargoVersion:
        """Parse one version; raise :class:`~polypac.errors.InvalidVersion` if invalid."""
        return parse_version(text)

    def desugar_range(self, text: str) -> Desugaring:
        """A requirement as one group of primitive comparators that, read by precedence,
        hold what ``matches_prerelease`` holds (``^1.2.3`` is ``>=1.2.3, <2.0.0-0``;
        ``*`` is the empty group)."""
        return (_desugar(parse_requirement(text)),)

    def parse_range(
        self, text: str, *, include_prerelease: bool = False
    ) -> VersionSet[CargoVersion]:
        """Parse a requirement into the exact set ``VersionReq::matches`` accepts (Cargo's
        ``matches_prerelease`` with ``include_prerelease``)."""
        return requirement_set(parse_requirement(text), include_prerelease=include_prerelease)

    def format_range(self, versions: VersionSet[CargoVersion]) -> str:
        """Write a set as a requirement (read by ``matches``).

        A requirement is one AND of comparators, so a set of two separate stretches of
        releases, or pre-releases of releases no comparator can name, raise ``ValueError``.
        """
        snapped = snap_halves(versions, builds_ordered=True)
        if snapped.is_empty():
            return "<0.0.0"
        for candidate in _candidates(snapped):
            try:
                parsed = self.parse_range(candidate)
            except InvalidRange:  # pragma: no cover - candidates are well formed
                continue
            if _same_members(parsed, snapped):
                return candidate
        if len(snapped.releases.segments) > 1:
            raise ValueError(
                "a Cargo requirement is one AND of comparators, so it cannot hold "
                "separate stretches of releases"
            )
        raise ValueError(
            "a Cargo requirement holds pre-releases only of a major.minor.patch that one of "
            "its comparators names with a pre-release; this set holds others"
        )


def _same_members(a: VersionSet[CargoVersion], b: VersionSet[CargoVersion]) -> bool:
    return (
        snap_halves(a.difference(b), builds_ordered=True).is_empty()
        and snap_halves(b.difference(a), builds_ordered=True).is_empty()
    )


def _plain(v: CargoVersion) -> str:
    return str(v.core()) if not v.prerelease else str(_v(v.major, v.minor, v.patch, v.prerelease))


def _candidates(versions: VersionSet[CargoVersion]) -> list[str]:
    """Requirements that might hold ``versions``, nicest first; the caller checks each."""
    rel = versions.releases.segments
    pre = versions.prereleases.segments
    if len(rel) > 1:
        return []
    lows: list[str] = []
    highs: list[str] = []
    if rel:
        lo, hi = rel[0].lower, rel[0].upper
        if lo is not None:
            lows.append((">=" if lo.inclusive else ">") + _plain(lo.version))
        if hi is not None:
            highs.append(("<=" if hi.inclusive else "<") + _plain(hi.version))
    for seg in pre:
        if seg.lower is not None:
            lows.append(">=" + _plain(seg.lower.version))
        if seg.upper is not None:
            highs.append(("<=" if seg.upper.inclusive else "<") + _plain(seg.upper.version))
    for high in list(highs):
        # "<1.2.3-rc.1.0" is "<=1.2.3-rc.1", and "<1.2.4-0" is "<=1.2.3": say it that way first
        if high.startswith("<") and not high.startswith("<="):
            w = parse_version(high[1:])
            if len(w.prerelease) > 1 and w.prerelease[-1] == 0:
                highs.insert(0, "<=" + _plain(_v(w.major, w.minor, w.patch, w.prerelease[:-1])))
            elif w.prerelease in ((0,), ()) and w.patch > 0:
                highs.insert(0, "<=" + _plain(_v(w.major, w.minor, w.patch - 1)))
    out: list[str] = []
    if not rel and not pre:
        return ["<0.0.0"]
    if rel and rel[0].lower is None and rel[0].upper is None and not pre:
        out.append("*")
    starts = [seg.lower for seg in (*rel, *pre) if seg.lower is not None and seg.lower.inclusive]
    for start in starts:
        base = _plain(start.version)
        out += [f"={base}", f"^{base}", f"~{base}"]
    for low in [*lows, ""]:
        for high in [*highs, ""]:
            out.append(", ".join(part for part in (low, high) if part))
    return [c for c in out if c]


SCHEME = CargoScheme()
"""The Cargo scheme object the registry hands out."""
