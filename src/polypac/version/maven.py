"""Maven versions (``ComparableVersion``) and Maven version ranges.

A version is split into items: numbers, qualifiers and sub-lists. ``.`` separates items,
``-`` and every change between digits and letters open a sub-list, and null items (``0``,
the empty qualifier, empty sub-lists) are dropped from the end, so ``1.0.0 == 1`` and
``1-ga == 1``. Qualifiers order as ``alpha < beta < milestone < rc = cr < snapshot < "" =
ga = final = release < sp``, then unknown qualifiers alphabetically; ``a``, ``b`` and ``m``
directly followed by a digit stand for alpha, beta and milestone::

    >>> from polypac.version.maven import SCHEME
    >>> v = SCHEME.parse_version
    >>> v("1.0-alpha-1") < v("1.0-beta") < v("1.0-RC1") < v("1.0-SNAPSHOT") < v("1.0")
    True
    >>> v("1.0") < v("1.0-sp1") < v("1.0-foo") < v("1.0.1")
    True
    >>> v("1a1") == v("1-alpha-1"), v("1.0.0") == v("1")
    (True, True)

This is the algorithm of Maven 3.5 to 3.8 with two later changes: a sub-list is compared
with "nothing" item by item (MNG-6964; before, ``1-0.1 == 1 == 1-0.2`` while ``1-0.1 <
1-0.2``, which is no order), and ``release`` means the release like ``ga`` and ``final``.
Maven 3.9 changed the parse again (``1.0.X`` reads as ``1.0-X``, ``X-1`` as ``X1``); the
VERS conformance data follows the earlier rules, and so does polypac. Maven's order is not
quite an order: a zero kept before a dotted qualifier outranks a hyphenated sub-list, so
``2 < 2-1 < 2.0.0.M1 < 2``. polypac keeps Maven's answers; sets mixing such spellings
inherit the cycle.

Ranges use interval notation, with unions of intervals::

    >>> r = SCHEME.parse_range("(,1.0],[1.2,)")
    >>> r.contains(v("1.1")), r.contains(v("1.0")), r.contains(v("3"))
    (False, True, True)

A plain version (``1.0``) is Maven's *soft requirement*: "1.0 if nothing else decides",
which dependency mediation may replace by any version. A set cannot hold a preference, so
polypac reads it as exactly ``1.0`` (as VERS does: ``vers:maven/1.0``); write ``[1.0]`` to
say so in Maven itself. Maven ranges admit every version in their intervals, snapshots and
milestones included: ``include_prerelease`` changes nothing, and no Maven version is a
pre-release in the sense of :class:`~polypac.version.sets.VersionSet`
(:attr:`MavenVersion.has_prerelease_qualifier` tells whether a version is an alpha, beta,
milestone, release candidate or snapshot).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from polypac.errors import InvalidRange, InvalidVersion
from polypac.version._ranges import Bound, Ranges
from polypac.version.scheme import Comparator, Desugaring
from polypac.version.sets import VersionSet

__all__ = ["SCHEME", "MavenScheme", "MavenVersion"]


# Items are tagged tuples, so that versions compare and hash as plain data:
#   ("int", n)            a number
#   ("str", q)            a qualifier (aliases resolved)
#   ("list", (items...))  a sub-list, opened by "-" or a digit/letter transition
Item = tuple[str, int] | tuple[str, str] | tuple[str, tuple["Item", ...]]

_QUALIFIERS = ("alpha", "beta", "milestone", "rc", "snapshot", "", "sp")
_RELEASE_RANK = _QUALIFIERS.index("")
_ALIASES = {"ga": "", "final": "", "release": "", "cr": "rc"}
_SHORT = {"a": "alpha", "b": "beta", "m": "milestone"}


def _qualifier_key(qualifier: str) -> tuple[int, str]:
    """Known qualifiers by rank, unknown ones after them in lexical order."""
    if qualifier in _QUALIFIERS:
        return (_QUALIFIERS.index(qualifier), "")
    return (len(_QUALIFIERS), qualifier)


def _string_item(value: str, followed_by_digit: bool) -> Item:
    if followed_by_digit and value in _SHORT:
        value = _SHORT[value]
    return ("str", _ALIASES.get(value, value))


def _sign(a: tuple[int, str] | int, b: tuple[int, str] | int) -> int:
    return (a > b) - (a < b)  # type: ignore[operator]  # both ints or both keys


def _compare(left: Item, right: Item | None) -> int:
    """Maven's ``Item.compareTo``; ``right`` is ``None`` past the end of a list."""
    kind, value = left
    if kind == "int":
        if right is None:
            return 0 if value == 0 else 1  # 1.0 == 1, 1.1 > 1
        return _sign(value, right[1]) if right[0] == "int" else 1  # type: ignore[arg-type]
    if kind == "str":
        key = _qualifier_key(value)  # type: ignore[arg-type]
        if right is None:
            return _sign(key, (_RELEASE_RANK, ""))  # 1-rc < 1, 1-sp > 1
        if right[0] == "str":
            return _sign(key, _qualifier_key(right[1]))  # type: ignore[arg-type]
        return -1  # 1.any < 1.1, 1.any < 1-1
    items: tuple[Item, ...] = value  # type: ignore[assignment]
    if right is None:
        # every item against null, not only the first (Maven's fix MNG-6964): without
        # it 1-0.1 == 1 == 1-0.2 while 1-0.1 < 1-0.2
        return next((r for r in (_compare(item, None) for item in items) if r), 0)
    if right[0] != "list":
        return -1 if right[0] == "int" else 1  # 1-1 < 1.0.x; 1-1 > 1-sp
    others: tuple[Item, ...] = right[1]  # type: ignore[assignment]
    for i in range(max(len(items), len(others))):
        a = items[i] if i < len(items) else None
        b = others[i] if i < len(others) else None
        # if this list is shorter, compare the other way round and flip the sign
        result = _compare(a, b) if a is not None else (0 if b is None else -_compare(b, None))
        if result:
            return result
    return 0


def _is_null(item: Item) -> bool:
    return item in (("int", 0), ("str", "")) or (item[0] == "list" and not item[1])


def _normalize(items: list[Item]) -> None:
    """Drop null items (0, "", empty lists) from the end, looking through sub-lists."""
    for i in range(len(items) - 1, -1, -1):
        if _is_null(items[i]):
            del items[i]
        elif items[i][0] != "list":
            break


def _parse_item(digits: bool, text: str) -> Item:
    return ("int", int(text)) if digits else _string_item(text, False)


class _Builder:
    """A list being filled, with the sub-lists it opened (Maven's stack of ListItems)."""

    def __init__(self) -> None:
        self.root: list[Item] = []
        self.current = self.root
        self.stack: list[list[Item]] = [self.root]

    def open_list(self) -> None:
        sub: list[Item] = []
        self.current.append(("list", sub))  # type: ignore[arg-type]  # frozen in freeze()
        self.current = sub
        self.stack.append(sub)

    def freeze(self) -> tuple[Item, ...]:
        for items in reversed(self.stack):
            _normalize(items)
        return _freeze(self.root)


def _freeze(items: list[Item]) -> tuple[Item, ...]:
    return tuple(
        ("list", _freeze(item[1])) if item[0] == "list" else item  # type: ignore[arg-type]
        for item in items
    )


def _items(version: str) -> tuple[Item, ...]:
    """Maven's ``ComparableVersion.parseVersion`` (Maven 3.5 to 3.8)."""
    text = version.lower()
    build = _Builder()
    digits = False
    start = 0
    for i, ch in enumerate(text):
        if ch in ".-":
            if i == start:
                build.current.append(("int", 0))
            else:
                build.current.append(_parse_item(digits, text[start:i]))
            start = i + 1
            if ch == "-":
                build.open_list()
        elif ch.isdecimal():
            if not digits and i > start:
                build.current.append(_string_item(text[start:i], True))
                start = i
                build.open_list()
            digits = True
        else:
            if digits and i > start:
                build.current.append(_parse_item(True, text[start:i]))
                start = i
                build.open_list()
            digits = False
    if len(text) > start:
        build.current.append(_parse_item(digits, text[start:]))
    return build.freeze()


def _leading_numbers(items: tuple[Item, ...]) -> tuple[int, ...]:
    """The numbers a version starts with, trailing zeros dropped: equal versions share them."""
    numbers: list[int] = []
    for item in items:
        if item[0] != "int":
            break
        numbers.append(item[1])  # type: ignore[arg-type]
    while numbers and numbers[-1] == 0:
        numbers.pop()
    return tuple(numbers)


def _has_prerelease_qualifier(items: tuple[Item, ...]) -> bool:
    for kind, value in items:
        if kind == "str" and _qualifier_key(value)[0] < _RELEASE_RANK:  # type: ignore[arg-type]
            return True
        if kind == "list" and _has_prerelease_qualifier(value):  # type: ignore[arg-type]
            return True
    return False


@dataclass(frozen=True, slots=True, eq=False)
class MavenVersion:
    """A Maven version; ``text`` is kept as written, order and equality are Maven's."""

    text: str
    _items: tuple[Item, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_items", _items(self.text))

    @property
    def canonical(self) -> str:
        """Maven's canonical form (``ComparableVersion.getCanonical``): ``1.0-final`` -> ``1``."""
        return _canonical(self._items)

    @property
    def is_prerelease(self) -> bool:
        """Always ``False``: Maven ranges hold snapshots and milestones like any version.

        So every Maven version lives in the release half of a
        :class:`~polypac.version.sets.VersionSet`; see :attr:`has_prerelease_qualifier`.
        """
        return False

    @property
    def has_prerelease_qualifier(self) -> bool:
        """Whether a qualifier sorting before the release (alpha ... snapshot) appears."""
        return _has_prerelease_qualifier(self._items)

    def _cmp(self, other: MavenVersion) -> int:
        return _compare(("list", self._items), ("list", other._items))

    def __lt__(self, other: MavenVersion) -> bool:
        return self._cmp(other) < 0

    def __le__(self, other: MavenVersion) -> bool:
        return self._cmp(other) <= 0

    def __gt__(self, other: MavenVersion) -> bool:
        return self._cmp(other) > 0

    def __ge__(self, other: MavenVersion) -> bool:
        return self._cmp(other) >= 0

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MavenVersion) and self._cmp(other) == 0

    def __hash__(self) -> int:
        return hash(_leading_numbers(self._items))

    def __str__(self) -> str:
        return self.text


def _canonical(items: tuple[Item, ...]) -> str:
    out = ""
    for item in items:
        if out:
            out += "-" if item[0] == "list" else "."
        if item[0] == "list":
            out += _canonical(item[1])  # type: ignore[arg-type]
        else:
            out += str(item[1])
    return out


# -- ranges ----------------------------------------------------------------------------------

_FORBIDDEN = frozenset("[](),")


def _check_version(text: str, offset: int, whole: str, *, in_range: bool) -> MavenVersion:
    error = InvalidRange if in_range else InvalidVersion
    what = "Maven version range" if in_range else "Maven version"
    if not text:
        raise error(whole, offset if offset < len(whole) else None, "expected a version", what=what)
    for i, ch in enumerate(text):
        if ch.isspace() or not ch.isprintable() or ch in _FORBIDDEN:
            problem = "a Maven version cannot hold spaces, control characters, brackets or commas"
            raise error(whole, offset + i, problem, what=what)
    return MavenVersion(text)


@dataclass(frozen=True, slots=True)
class _Interval:
    """One restriction of a Maven range: a version text on each side, or ``None``."""

    lower: str | None
    lower_inclusive: bool
    upper: str | None
    upper_inclusive: bool


def _split_range(text: str) -> list[_Interval]:
    """Maven's ``VersionRange.createFromVersionSpec``, with offsets for every error."""
    what = "Maven version range"
    intervals: list[_Interval] = []
    previous_upper: MavenVersion | None = None
    pos = len(text) - len(text.lstrip())
    if pos == len(text):
        raise InvalidRange(text, None, "expected a version or a range such as [1.0,2.0)", what=what)
    if text[pos] not in "[(":
        end = len(text.rstrip())
        version = _check_version(text[pos:end], pos, text, in_range=True)
        return [_Interval(version.text, True, version.text, True)]
    while pos < len(text) and text[pos] in "[(":
        closers = [i for i in (text.find(")", pos), text.find("]", pos)) if i >= 0]
        if not closers:
            raise InvalidRange(text, pos, "this range is never closed with ']' or ')'", what=what)
        close = min(closers)
        interval = _interval(text, pos, close)
        if intervals and (
            interval.lower is None
            or previous_upper is None
            or MavenVersion(interval.lower) < previous_upper
        ):
            raise InvalidRange(
                text, pos, "ranges overlap: each must start after the last ends", what=what
            )
        intervals.append(interval)
        previous_upper = None if interval.upper is None else MavenVersion(interval.upper)
        pos = close + 1
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos < len(text) and text[pos] == ",":
            pos += 1
            while pos < len(text) and text[pos].isspace():
                pos += 1
    if pos < len(text):
        raise InvalidRange(
            text,
            pos,
            "after a range, only another range may follow (a plain version may not)",
            what=what,
        )
    return intervals


def _interval(text: str, start: int, close: int) -> _Interval:
    what = "Maven version range"
    lower_inclusive, upper_inclusive = text[start] == "[", text[close] == "]"
    inner = text[start + 1 : close]
    comma = inner.find(",")
    if comma < 0:
        if not (lower_inclusive and upper_inclusive):
            raise InvalidRange(text, start, "a single version must be written [1.0]", what=what)
        lead = len(inner) - len(inner.lstrip())
        version = _check_version(inner.strip(), start + 1 + lead, text, in_range=True)
        return _Interval(version.text, True, version.text, True)
    low_text, high_text = inner[:comma], inner[comma + 1 :]
    low, high = low_text.strip(), high_text.strip()
    low_at = start + 1 + len(low_text) - len(low_text.lstrip())
    high_at = start + 2 + comma + len(high_text) - len(high_text.lstrip())
    if low == high:
        raise InvalidRange(text, start, "a range cannot have identical bounds", what=what)
    lower = _check_version(low, low_at, text, in_range=True) if low else None
    upper = _check_version(high, high_at, text, in_range=True) if high else None
    if lower is not None and upper is not None and upper < lower:
        raise InvalidRange(text, high_at, "the upper bound is below the lower bound", what=what)
    return _Interval(low or None, lower_inclusive, high or None, upper_inclusive)


def _interval_ranges(interval: _Interval) -> Ranges[MavenVersion]:
    lower = (
        None
        if interval.lower is None
        else Bound(MavenVersion(interval.lower), interval.lower_inclusive)
    )
    upper = (
        None
        if interval.upper is None
        else Bound(MavenVersion(interval.upper), interval.upper_inclusive)
    )
    return Ranges.between(lower, upper)


@dataclass(frozen=True, slots=True)
class MavenScheme:
    """Maven: ``ComparableVersion`` order and ``VersionRange`` syntax."""

    name: str = "maven"

    def parse_version(self, text: str) -> MavenVersion:
        """Parse one version (any text without spaces, brackets or commas)."""
        return _check_version(text, 0, text, in_range=False)

    def parse_range(
        self, text: str, *, include_prerelease: bool = False
    ) -> VersionSet[MavenVersion]:
        """Parse a range (``[1.0,2.0)``, ``(,1.0],[1.2,)``, ``[1.0]``; ``1.0`` is exactly 1.0).

        ``include_prerelease`` changes nothing: Maven ranges hold every version in them.
        """
        ranges: Ranges[MavenVersion] = Ranges.empty()
        for interval in _split_range(text):
            ranges = ranges.union(_interval_ranges(interval))
        return VersionSet(ranges, ranges)

    def desugar_range(self, text: str) -> Desugaring:
        """The range as alternatives of primitive comparators.

        >>> [[str(c) for c in g] for g in SCHEME.desugar_range("(,1.0],[1.2,2.0)")]
        [['<=1.0'], ['>=1.2', '<2.0']]
        """
        groups: list[tuple[Comparator, ...]] = []
        for interval in _split_range(text):
            if interval.lower is not None and interval.lower == interval.upper:
                groups.append((Comparator("=", interval.lower),))
                continue
            group: list[Comparator] = []
            if interval.lower is not None:
                group.append(Comparator(">=" if interval.lower_inclusive else ">", interval.lower))
            if interval.upper is not None:
                group.append(Comparator("<=" if interval.upper_inclusive else "<", interval.upper))
            groups.append(tuple(group))
        return tuple(groups)

    def format_range(self, versions: VersionSet[MavenVersion]) -> str:
        """Write a set in Maven's interval notation; raise ``ValueError`` if it cannot.

        >>> SCHEME.format_range(SCHEME.parse_range("[1.0,2.0),[3.0]"))
        '[1.0,2.0),[3.0]'
        """
        parts: list[str] = []
        for segment in versions.releases:
            lower, upper = segment.lower, segment.upper
            if lower is not None and upper is not None and lower.version == upper.version:
                parts.append(f"[{lower.version}]")
                continue
            if lower is None and upper is None:
                raise ValueError("Maven has no range for every version")
            left = "" if lower is None else str(lower.version)
            right = "" if upper is None else str(upper.version)
            opening = "[" if lower is not None and lower.inclusive else "("
            closing = "]" if upper is not None and upper.inclusive else ")"
            parts.append(f"{opening}{left},{right}{closing}")
        if not parts:
            raise ValueError("Maven has no range for the empty set")
        return ",".join(parts)


SCHEME = MavenScheme()
"""The Maven scheme (``maven``)."""
