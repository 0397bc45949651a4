"""Conan 2 versions and version ranges.

A Conan version is ``main[-pre][+build]``: dot-separated items, compared as numbers when
both are numbers and as text otherwise, trailing zeros ignored (``1 == 1.0.0``); a
pre-release sorts before its release, a build after it::

    >>> from polypac.version.conan import SCHEME
    >>> v = SCHEME.parse_version
    >>> v("1.1-alpha.3") < v("1.1-alpha.22") < v("1.1") < v("1.1+b1") < v("1.2")
    True
    >>> v("1.0") == v("1"), v("1.a") > v("1.1")
    (True, True)

Ranges (the text inside ``pkg/[...]``) are space-separated conditions, ``||`` between
alternatives, and options after a comma: ``>=1.0 <2.0 || ^3.2, include_prerelease``.
``~2.5`` is ``>=2.5- <2.6-``, ``^1.2`` is ``>=1.2- <2-``; ``>=V`` and ``<V`` also reach
``V``'s pre-releases (Conan reads them as ``>=V-`` and ``<V-``, ``V-`` being the least
pre-release of ``V``). Pre-releases are admitted only with the ``include_prerelease``
option or ``include_prerelease=True`` (Conan's ``core.version_ranges:resolve_prereleases``)::

    >>> r = SCHEME.parse_range("~2.5")
    >>> r.contains(v("2.5.9")), r.contains(v("2.6")), r.contains(v("2.5.1-rc1"))
    (True, False, False)
    >>> SCHEME.parse_range("~2.5, include_prerelease").contains(v("2.5.1-rc1"))
    True

Two departures from Conan's code, both where it has no sensible answer: an item compares
with a number of the other kind by its leading digits (Conan compares their text, which is
no order: ``9 < 10 < "2a" < 9``), and ``*-`` means every version like ``*`` (Conan reads it
as the exact version "*-", which nothing is called).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from polypac.errors import InvalidRange, InvalidVersion
from polypac.version._ranges import Bound, Ranges
from polypac.version.scheme import Comparator, ComparatorOp, Desugaring
from polypac.version.sets import VersionSet

__all__ = ["SCHEME", "ConanScheme", "ConanVersion"]

ItemKey = tuple[int, int, int, str]
Key = tuple[tuple[ItemKey, ...], tuple[object, ...], tuple[object, ...]]


def _item_key(item: str) -> ItemKey:
    """A total order on items: numbers by value, text around the number it starts with."""
    if item.isascii() and item.isdigit():
        return (1, int(item), 0, "")
    digits = len(item) - len(item.lstrip("0123456789"))
    if digits:
        return (1, int(item[:digits]), 1, item)  # "1a" just after 1, before 2
    return (0 if item < "0" else 2, 0, 0, item)  # "*" below every number, "a" above


def _items(text: str) -> tuple[ItemKey, ...]:
    """The items of a main part or qualifier, trailing zeros dropped."""
    keys = [_item_key(item) for item in text.split(".")]
    while keys and keys[-1] == (1, 0, 0, ""):
        keys.pop()
    return tuple(keys)


def _split(text: str) -> tuple[str, str | None, str | None]:
    """``main``, ``pre`` and ``build`` of a version (build from the right, pre from the left)."""
    main, plus, build = text.rpartition("+")
    if not plus:
        main, build = text, ""
    main, dash, pre = main.partition("-")
    return main, (pre if dash else None), (build if plus else None)


@dataclass(frozen=True, slots=True, eq=False)
class ConanVersion:
    """A Conan version; ``text`` is kept as written, order and equality are Conan's."""

    text: str
    _key: Key = field(init=False, repr=False)

    def __post_init__(self) -> None:
        main, pre, build = _split(self.text)
        pre_key: tuple[object, ...] = (1,) if pre is None else (0, _items(pre))
        build_key: tuple[object, ...] = (0,) if build is None else (1, _items(build))
        object.__setattr__(self, "_key", (_items(main), pre_key, build_key))

    @property
    def main(self) -> str:
        """The dot-separated main part (``1.2.3`` of ``1.2.3-rc1+b2``)."""
        return _split(self.text)[0]

    @property
    def pre(self) -> str | None:
        """The pre-release part after the first ``-``, or ``None``."""
        return _split(self.text)[1]

    @property
    def build(self) -> str | None:
        """The build part after the last ``+``, or ``None``."""
        return _split(self.text)[2]

    @property
    def is_prerelease(self) -> bool:
        """Whether the version has a pre-release part (``-...``)."""
        return self.pre is not None

    def __lt__(self, other: ConanVersion) -> bool:
        return self._key < other._key

    def __le__(self, other: ConanVersion) -> bool:
        return self._key <= other._key

    def __gt__(self, other: ConanVersion) -> bool:
        return self._key > other._key

    def __ge__(self, other: ConanVersion) -> bool:
        return self._key >= other._key

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ConanVersion) and self._key == other._key

    def __hash__(self) -> int:
        return hash(self._key)

    def __str__(self) -> str:
        return self.text


_OPERATOR_CHARS = "<>=~^"


def _version_problem(text: str) -> tuple[int, str] | None:
    """Where ``text`` is no Conan version, and why; ``None`` when it is one."""
    if not text:
        return 0, "expected a version"
    if text[0] in _OPERATOR_CHARS:
        return 0, "a version cannot start with an operator (<, >, =, ~, ^)"
    for i, ch in enumerate(text):
        if not ch.isascii() or not ch.isprintable() or ch.isspace() or ch in ",|":
            return i, "a Conan version is ASCII text without spaces, commas or '|'"
    return None


# -- ranges ----------------------------------------------------------------------------------

_WHAT = "Conan version range"


@dataclass(frozen=True, slots=True)
class _Condition:
    """One primitive condition: Conan's operator, its bound, and the text to show for it."""

    op: ComparatorOp
    bound: ConanVersion
    shown: str

    def ranges(self) -> Ranges[ConanVersion]:
        b, op = self.bound, self.op
        if op == "=":
            return Ranges.singleton(b)
        if op == "!=":
            return Ranges.singleton(b).complement()
        lower = Bound(b, op == ">=") if op in (">", ">=") else None
        upper = Bound(b, op == "<=") if op in ("<", "<=") else None
        return Ranges.between(lower, upper)


def _condition(op: ComparatorOp, text: str, shown: str | None = None) -> _Condition:
    """Conan's ``_Condition``: ``>=V`` and ``<V`` reach down to ``V-``."""
    version = ConanVersion(text)
    bound = text
    if op in (">=", "<") and "-" not in text and version.build is None:
        bound = text + "-"
    if shown is None:
        shown = text
    if op in (">=", ">") and shown.endswith("-") and ConanVersion(shown).pre == "":
        shown = shown[:-1]  # VERS spells lower bounds without Conan's empty pre-release
    return _Condition(op, ConanVersion(bound), shown)


def _upper_bound(version: ConanVersion, index: int, text: str, at: int) -> str:
    """Conan's ``Version.upper_bound``: item ``index`` plus one, then ``-``."""
    items = version.main.split(".")
    if index >= len(items) or not (items[index].isascii() and items[index].isdigit()):
        problem = f"cannot raise item {index + 1} of {version.text!r}: it is not a number"
        if index >= len(items):
            problem = f"cannot find an item to raise in {version.text!r}: it is all zeros"
        raise InvalidRange(text, at, problem, what=_WHAT)
    kept = [str(int(item)) if item.isdigit() else item for item in items[:index]]
    return ".".join([*kept, str(int(items[index]) + 1)]) + "-"


def _expression(token: str, text: str, at: int) -> list[_Condition]:
    """One space-separated condition (Conan's ``_ConditionSet._parse_expression``)."""
    if token in ("", "*", "*-"):
        return [_condition(">=", "0.0.0")]
    if len(token) == 1:
        raise InvalidRange(
            text,
            at,
            "expected an operator and a version; write a one-character version as =1",
            what=_WHAT,
        )
    op = token[0] if token[0] in _OPERATOR_CHARS else "="
    index = 1 if token[0] in _OPERATOR_CHARS else 0
    if op in "<>" and token[1] == "=":
        op, index = op + "=", 2
    elif op in "~^=" and index == 1 and token[1] == "=":
        raise InvalidRange(
            text, at, f"'{op}=' is no operator here; write {op}1.2 instead", what=_WHAT
        )
    version = token[index:]
    problem = _version_problem(version)
    if problem is not None:
        raise InvalidRange(text, at + index + problem[0], problem[1], what=_WHAT)
    if op == "~":
        shown = version
        if "-" not in version:
            version += "-"
        v = ConanVersion(version)
        upper = _upper_bound(v, 1 if len(v.main.split(".")) > 1 else 0, text, at)
        return [_condition(">=", version, shown), _condition("<", upper)]
    if op == "^":
        v = ConanVersion(version)
        items = v.main.split(".")
        first = next(
            (i for i, item in enumerate(items) if _item_key(item) != (1, 0, 0, "")), len(items)
        )
        return [_condition(">=", version), _condition("<", _upper_bound(v, first, text, at))]
    return [_condition(op, version)]  # type: ignore[arg-type]  # one of < <= > >= =


def _parse(text: str) -> tuple[list[list[_Condition]], bool]:
    """The alternatives of conditions, and whether the range admits pre-releases."""
    expression, *options = text.split(",")
    prerelease = False
    offset = len(expression) + 1
    for option in options:
        if "include_prerelease" in option:
            prerelease = True
            break
        name = option.strip()
        if not name or not name[0].isalpha():
            at = offset + len(option) - len(option.lstrip())
            raise InvalidRange(
                text,
                min(at, len(text) - 1),
                "expected an option such as include_prerelease",
                what=_WHAT,
            )
        offset += len(option) + 1  # other named options are Conan's warnings, not ours
    alternatives: list[list[_Condition]] = []
    offset = 0
    for alternative in expression.split("||"):
        conditions: list[_Condition] = []
        tokens = _tokens(alternative)
        for at, token in tokens or [(0, "")]:
            conditions.extend(_expression(token, text, offset + at))
        alternatives.append(conditions)
        offset += len(alternative) + 2
    return alternatives, prerelease


def _tokens(text: str) -> list[tuple[int, str]]:
    """The whitespace-separated words of ``text`` with their offsets."""
    out: list[tuple[int, str]] = []
    i = 0
    while i < len(text):
        if text[i].isspace():
            i += 1
            continue
        start = i
        while i < len(text) and not text[i].isspace():
            i += 1
        out.append((start, text[start:i]))
    return out


@dataclass(frozen=True, slots=True)
class ConanScheme:
    """Conan 2: versions and version ranges."""

    name: str = "conan"

    def parse_version(self, text: str) -> ConanVersion:
        """Parse one version (any ASCII text without spaces, commas or ``|``)."""
        problem = _version_problem(text)
        if problem is not None:
            position = problem[0] if text else None
            raise InvalidVersion(text, position, problem[1], what="Conan version")
        return ConanVersion(text)

    def parse_range(
        self, text: str, *, include_prerelease: bool = False
    ) -> VersionSet[ConanVersion]:
        """Parse a version range such as ``>=1.0 <2.0 || ^3.2, include_prerelease``."""
        alternatives, prerelease = _parse(text)
        ranges: Ranges[ConanVersion] = Ranges.empty()
        for conditions in alternatives:
            group: Ranges[ConanVersion] = Ranges.full()
            for condition in conditions:
                group = group.intersection(condition.ranges())
            ranges = ranges.union(group)
        admit = include_prerelease or prerelease
        return VersionSet(ranges, ranges if admit else Ranges.empty())

    def desugar_range(self, text: str) -> Desugaring:
        """The range as alternatives of comparators, spelled as VERS expects.

        ``~2.5`` gives ``>=2.5``, ``<2.6-``; ``*`` gives ``>=0.0.0``; empty text gives one
        empty alternative (no constraint). Read with Conan's operators (``>=2.5`` reaches
        ``2.5-``) the comparators mean the range, except that a trailing ``-`` is dropped
        from ``>``: ``>1-`` (which admits ``1-rc1``) becomes ``>1``.

        >>> [[str(c) for c in g] for g in SCHEME.desugar_range(">1 <2.0 || ^3.2")]
        [['>1', '<2.0'], ['>=3.2', '<4-']]
        """
        if not text.split(",", maxsplit=1)[0].strip():
            _parse(text)  # still check the options
            return ((),)
        alternatives, _ = _parse(text)
        return tuple(
            tuple(Comparator(c.op, c.shown) for c in conditions) for conditions in alternatives
        )

    def format_range(self, versions: VersionSet[ConanVersion]) -> str:
        """Write a set as a Conan range; raise ``ValueError`` where a range cannot say it.

        >>> SCHEME.format_range(SCHEME.parse_range(">=1.0 <2.0 || =3.0"))
        '>=1.0- <2.0- || =3.0'
        """
        halves = [(versions.releases, False)]
        if not versions.prereleases.is_empty():
            halves.insert(0, (versions.prereleases, True))
        option = "" if versions.prereleases.is_empty() else ", include_prerelease"
        for half, prerelease_half in halves:
            segments = [(seg.lower, seg.upper) for seg in half]
            for variant in _variants(segments, prerelease_half):
                text = " || ".join(_format_segment(low, up) for low, up in variant) + option
                if variant and self.parse_range(text) == versions:
                    return text
        raise ValueError("no Conan version range writes this set exactly")


_Pair = tuple[Bound[ConanVersion] | None, Bound[ConanVersion] | None]


def _variants(segments: list[_Pair], prerelease_half: bool) -> list[list[_Pair]]:
    """The segments with bounds at versions of the other kind made half-open, then as given.

    A half never holds versions of the other kind, so it forgets whether a bound there was
    inclusive; ``[a, b)`` is the likelier spelling.
    """

    def foreign(bound: Bound[ConanVersion] | None) -> bool:
        return bound is not None and bound.version.is_prerelease != prerelease_half

    half_open = [
        (
            Bound(low.version, True) if low is not None and foreign(low) else low,
            Bound(up.version, False) if up is not None and foreign(up) else up,
        )
        for low, up in segments
    ]
    return [half_open, segments]


def _format_segment(lower: Bound[ConanVersion] | None, upper: Bound[ConanVersion] | None) -> str:
    if lower is not None and upper is not None and lower.version == upper.version:
        return f"={lower.version}"
    parts = []
    if lower is not None:
        parts.append(f"{'>=' if lower.inclusive else '>'}{lower.version}")
    if upper is not None:
        parts.append(f"{'<=' if upper.inclusive else '<'}{upper.version}")
    return " ".join(parts) or "*"


SCHEME = ConanScheme()
"""The Conan scheme (``conan``)."""
