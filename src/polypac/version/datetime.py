"""Timestamps as versions: RFC 3339 date-times, ordered by the instant they name.

The VERS ``datetime`` type: ``2024-01-01T00:00:00Z``, with an optional fraction of a second
and a ``Z`` or ``+HH:MM`` / ``-HH:MM`` offset (lowercase ``t`` and ``z`` allowed). Two
timestamps naming one instant are equal, whatever their offsets or trailing zeros::

    >>> from polypac.version.datetime import SCHEME
    >>> v = SCHEME.parse_version
    >>> v("2024-01-01T00:00:00Z") == v("2023-12-31T19:00:00.000-05:00")
    True
    >>> v("2024-01-01T12:00:00+02:00") < v("2024-01-01T12:00:00Z")
    True

Leap seconds (``:60``) are refused: counted as POSIX time they would equal the next second.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction

from polypac.errors import InvalidVersion
from polypac.version._relations import (
    RelationSyntax,
    build_set,
    desugar,
    join_groups,
    primitive_groups,
    primitive_set,
)
from polypac.version.scheme import Comparator, ComparatorOp, Desugaring
from polypac.version.sets import VersionSet

__all__ = ["SCHEME", "DatetimeScheme", "DatetimeVersion", "parse_version"]

_RFC3339 = re.compile(
    r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})[Tt]"
    r"(?P<hour>[0-9]{2}):(?P<minute>[0-9]{2}):(?P<second>[0-9]{2})(?:\.(?P<fraction>[0-9]+))?"
    r"(?:(?P<utc>[Zz])|(?P<sign>[+-])(?P<off_hour>[0-9]{2}):(?P<off_minute>[0-9]{2}))",
    re.ASCII,
)
_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _days_from_civil(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm)."""
    year -= month <= 2
    era = year // 400
    year_of_era = year - era * 400
    day_of_year = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146097 + day_of_era - 719468


@dataclass(frozen=True, slots=True, order=True)  # ordered and equal by ``seconds`` alone
class DatetimeVersion:
    """One timestamp as written; ``seconds`` since 1970-01-01T00:00:00Z (a fraction when
    the timestamp has one) is what compares, hashes and decides equality."""

    text: str = field(compare=False)
    seconds: Fraction = Fraction(0)

    @property
    def is_prerelease(self) -> bool:
        """Always false: timestamps have no pre-releases."""
        return False

    def __str__(self) -> str:
        return self.text


def parse_version(text: str) -> DatetimeVersion:
    """Parse an RFC 3339 ``date-time``; raise :class:`~polypac.errors.InvalidVersion`."""
    what = "datetime version"
    match = _RFC3339.fullmatch(text)
    if match is None:
        raise InvalidVersion(
            text,
            _first_mismatch(text),
            "expected an RFC 3339 date-time like 2024-01-01T00:00:00Z",
            what=what,
        )
    year, month, day = int(match["year"]), int(match["month"]), int(match["day"])
    hour, minute, second = int(match["hour"]), int(match["minute"]), int(match["second"])
    if not 1 <= month <= 12:
        raise InvalidVersion(text, match.start("month"), "month must be 01 to 12", what=what)
    last = 29 if month == 2 and _leap(year) else _DAYS_IN_MONTH[month - 1]
    if not 1 <= day <= last:
        raise InvalidVersion(
            text, match.start("day"), f"day must be 01 to {last} in that month", what=what
        )
    if hour > 23:
        raise InvalidVersion(text, match.start("hour"), "hour must be 00 to 23", what=what)
    if minute > 59:
        raise InvalidVersion(text, match.start("minute"), "minute must be 00 to 59", what=what)
    if second == 60:
        raise InvalidVersion(
            text, match.start("second"), "leap seconds (:60) are not supported", what=what
        )
    if second > 59:
        raise InvalidVersion(text, match.start("second"), "second must be 00 to 59", what=what)
    offset = 0
    if match["utc"] is None:
        off_hour, off_minute = int(match["off_hour"]), int(match["off_minute"])
        if off_hour > 23 or off_minute > 59:
            raise InvalidVersion(
                text, match.start("off_hour"), "offset must be 00:00 to 23:59", what=what
            )
        offset = (off_hour * 60 + off_minute) * 60 * (1 if match["sign"] == "+" else -1)
    whole = _days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second
    fraction = match["fraction"]
    seconds = Fraction(whole - offset)
    if fraction:
        seconds += Fraction(int(fraction), 10 ** len(fraction))
    return DatetimeVersion(text, seconds)


def _first_mismatch(text: str) -> int:
    """Where ``text`` leaves the shape of a date-time, for the caret."""
    shape = "dddd-dd-ddTdd:dd:dd"
    for at, (char, want) in enumerate(zip(text, shape, strict=False)):
        ok = char.isdigit() and char.isascii() if want == "d" else char in (want, want.lower())
        if not ok:
            return at
    return min(len(text), len(shape))


_SYNTAX = RelationSyntax(
    what="datetime range",
    operators={"<": "<", "<=": "<=", "=": "=", "!=": "!=", ">=": ">=", ">": ">"},
    bare="=",
)


class DatetimeScheme:
    """Timestamps ordered by instant (scheme name ``datetime``)."""

    @property
    def name(self) -> str:
        """``datetime``, the VERS type."""
        return "datetime"

    def parse_version(self, text: str) -> DatetimeVersion:
        """Parse one timestamp; raise :class:`~polypac.errors.InvalidVersion` if invalid."""
        return parse_version(text)

    def desugar_range(self, text: str) -> Desugaring:
        """Primitive comparators, AND-ed with ``,`` and OR-ed with ``|``."""
        return desugar(text, _SYNTAX, parse_version)

    def parse_range(
        self, text: str, *, include_prerelease: bool = False
    ) -> VersionSet[DatetimeVersion]:
        """Parse comparators like ``>=2024-01-01T00:00:00Z``; blank text is every instant."""
        return build_set(self.desugar_range(text), _comparator_set)

    def format_range(self, versions: VersionSet[DatetimeVersion]) -> str:
        """Write a set as comparators (``, `` for AND, `` | `` for OR)."""
        return join_groups(primitive_groups(versions.releases), _spell, what="datetime range")


def _comparator_set(comparator: Comparator) -> VersionSet[DatetimeVersion]:
    version = parse_version(comparator.version)
    return primitive_set(comparator.operator, version, version)


def _spell(operator: ComparatorOp, version: DatetimeVersion) -> str:
    return f"{operator}{version}"


SCHEME = DatetimeScheme()
"""The datetime scheme object the registry hands out."""
