"""Exact version sets written as intervals, and the ``ordinal`` scheme built on them.

A scheme's native range syntax cannot always say exactly which set a requirement holds
(a reduction's union of single versions, a set whose pre-releases follow other bounds than
its releases). Pac then writes the set itself, between braces::

    {>=1.0.0 <2.0.0 || =3.0.0}            releases and pre-releases alike
    {>=1.0.0 <2.0.0; pre none}            releases only
    {}                                    no version at all

Each interval is ``*``, ``=V``, or a lower bound (``>=V``, ``>V``) and/or an upper bound
(``<=V``, ``<V``); ``||`` joins intervals; after ``;`` the word ``pre`` and the intervals
that apply to pre-releases. Versions are written as their scheme writes them (quoted if
they hold one of the characters that delimit this syntax).

The same interval syntax is the native range syntax of the ``ordinal`` scheme, whose
versions are the :class:`~polypac.calculus.model.Ordinal` numbers of the calculus'
synthetic packages (``=0``, ``>=1 <3``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

from polypac.calculus.model import Ordinal
from polypac.errors import InvalidRange, InvalidVersion, ParseError
from polypac.pac._syntax import BARE_SET_VERSION, read_quoted, word_or_quoted
from polypac.version._ranges import Bound, Ranges, Segment
from polypac.version.sets import VersionSet

__all__ = ["ORDINAL", "OrdinalScheme", "format_exact_set", "parse_exact_set", "parse_intervals"]

T = TypeVar("T")

_WHAT = "version set"
_OPERATORS = (">=", "<=", ">", "<", "=")


class _Reader:
    """A cursor over interval text; errors are :class:`InvalidRange` into that text."""

    def __init__(self, text: str, parse_version: Callable[[str], Any], what: str) -> None:
        self.text = text
        self.i = 0
        self.parse_version = parse_version
        self.what = what

    def fail(self, problem: str, at: int | None = None) -> InvalidRange:
        return InvalidRange(self.text, self.i if at is None else at, problem, what=self.what)

    def found(self) -> str:
        return "the end" if self.i >= len(self.text) else repr(self.text[self.i])

    def blanks(self) -> None:
        while self.i < len(self.text) and self.text[self.i] in " \t":
            self.i += 1

    def at(self, word: str) -> bool:
        return self.text.startswith(word, self.i)

    def at_end(self, stop: str) -> bool:
        return self.i >= len(self.text) or self.text[self.i] in stop

    def version(self) -> Any:
        self.blanks()
        start = self.i
        if self.at('"'):
            try:
                raw, self.i = read_quoted(self.text, start)
            except ValueError as error:
                raise self.fail(str(error.args[0]), error.args[1]) from error
        else:
            match = BARE_SET_VERSION.match(self.text, start)
            if match is None:
                raise self.fail(f"expected a version, found {self.found()}")
            raw, self.i = match.group(), match.end()
        try:
            return self.parse_version(raw)
        except ParseError as error:
            raise self.fail(f"not a valid {error.what}: {error.problem}", start) from error

    def operator(self) -> str | None:
        for op in _OPERATORS:
            if self.at(op):
                self.i += len(op)
                return op
        return None

    def interval(self, stop: str) -> Segment[Any] | None:
        """One interval; ``None`` for ``*`` (everything)."""
        self.blanks()
        if self.at("*"):
            self.i += 1
            return None
        lower: Bound[Any] | None = None
        upper: Bound[Any] | None = None
        start = self.i
        while True:
            self.blanks()
            if self.at_end(stop) or self.at("||"):
                break
            here = self.i
            op = self.operator()
            if op is None:
                raise self.fail(f"expected one of =, >=, >, <=, <, * or '||', found {self.found()}")
            version = self.version()
            if op == "=":
                if lower is not None or upper is not None:
                    raise self.fail("'=' stands alone in its interval", here)
                lower = upper = Bound(version, True)
                self.blanks()
                if not (self.at_end(stop) or self.at("||")):
                    raise self.fail(f"expected '||' after '={version}', found {self.found()}")
                break
            if op[0] == ">":
                if lower is not None:
                    raise self.fail("an interval has one lower bound", here)
                lower = Bound(version, op == ">=")
            else:
                if upper is not None:
                    raise self.fail("an interval has one upper bound", here)
                upper = Bound(version, op == "<=")
        if lower is None and upper is None:
            raise self.fail("expected an interval such as >=1 <2, =1 or *", start)
        return Segment(lower, upper)

    def ranges(self, stop: str) -> Ranges[Any]:
        """Intervals joined by ``||`` up to a character of ``stop``; ``none`` is empty."""
        self.blanks()
        if self.at_end(stop):
            return Ranges.empty()
        if re.compile(r"none\b").match(self.text, self.i):
            self.i += 4
            self.blanks()
            return Ranges.empty()
        segments: list[Segment[Any]] = []
        while True:
            segment = self.interval(stop)
            if segment is None:
                segments.append(Segment(None, None))
            else:
                segments.append(segment)
            self.blanks()
            if not self.at("||"):
                return Ranges.from_segments(segments)
            self.i += 2


def parse_intervals(text: str, parse_version: Callable[[str], Any], *, what: str) -> Ranges[Any]:
    """Intervals joined by ``||`` (``*`` everything, ``none`` or blank nothing)."""
    reader = _Reader(text, parse_version, what)
    ranges = reader.ranges("")
    reader.blanks()
    if reader.i < len(text):
        raise reader.fail(f"expected '||' or the end, found {reader.found()}")
    return ranges


def parse_exact_set(text: str, parse_version: Callable[[str], Any]) -> VersionSet[Any]:
    """The inside of ``{...}``: intervals, then optionally ``; pre`` and intervals."""
    reader = _Reader(text, parse_version, _WHAT)
    releases = reader.ranges(";")
    reader.blanks()
    if reader.i >= len(text):
        return VersionSet.from_ranges(releases)
    if not reader.at(";"):
        raise reader.fail(f"expected '||', ';' or '}}', found {reader.found()}")
    reader.i += 1
    reader.blanks()
    if not re.compile(r"pre\b").match(text, reader.i):
        raise reader.fail(f"expected 'pre' after ';', found {reader.found()}")
    reader.i += 3
    prereleases = reader.ranges("")
    reader.blanks()
    if reader.i < len(text):
        raise reader.fail(f"expected '||' or '}}', found {reader.found()}")
    return VersionSet.from_ranges(releases, prereleases)


def _format_ranges(ranges: Ranges[Any], spell: Callable[[Any], str]) -> str:
    if ranges.is_empty():
        return "none"
    parts = []
    for segment in ranges.segments:
        lower, upper = segment.lower, segment.upper
        if lower is None and upper is None:
            parts.append("*")
        elif (
            lower is not None
            and upper is not None
            and lower.inclusive
            and upper.inclusive
            and not lower.version < upper.version
        ):
            parts.append(f"={spell(lower.version)}")
        else:
            bounds = []
            if lower is not None:
                bounds.append(f"{'>=' if lower.inclusive else '>'}{spell(lower.version)}")
            if upper is not None:
                bounds.append(f"{'<=' if upper.inclusive else '<'}{spell(upper.version)}")
            parts.append(" ".join(bounds))
    return " || ".join(parts)


def _spell_version(version: object) -> str:
    return word_or_quoted(str(version), BARE_SET_VERSION)


def format_exact_set(versions: VersionSet[Any]) -> str:
    """The inside of ``{...}`` for ``versions`` (exact for any set)."""
    if versions.is_empty():
        return ""
    releases = _format_ranges(versions.releases, _spell_version)
    if VersionSet.from_ranges(versions.releases) == versions:
        return releases
    return f"{releases}; pre {_format_ranges(versions.prereleases, _spell_version)}"


class OrdinalScheme:
    """Versions that are plain numbers, ranges written as intervals (scheme ``ordinal``).

    The calculus' synthetic packages (conflicts, choices, variables) are numbered by
    :class:`~polypac.calculus.model.Ordinal`; a reduced problem names them with this
    scheme. It is Pac's own: the version registry does not list it.
    """

    @property
    def name(self) -> str:
        """``ordinal``."""
        return "ordinal"

    def parse_version(self, text: str) -> Ordinal:
        """A decimal integer (``0``, ``12``, ``-1``)."""
        if not re.fullmatch(r"-?[0-9]{1,30}", text):
            raise InvalidVersion(text, 0, "expected a whole number", what="ordinal version")
        return Ordinal(int(text))

    def parse_range(self, text: str, *, include_prerelease: bool = False) -> VersionSet[Ordinal]:
        """Intervals such as ``=0 || >=2 <5``; blank text is every version."""
        if not text.strip():
            return VersionSet.full()
        return VersionSet.from_ranges(
            parse_intervals(text, self.parse_version, what="ordinal range")
        )

    def format_range(self, versions: VersionSet[Ordinal]) -> str:
        """The releases as intervals; ``ValueError`` for the empty set."""
        if versions.releases.is_empty():
            raise ValueError("the empty set cannot be written as an ordinal range")
        return _format_ranges(versions.releases, str)


ORDINAL = OrdinalScheme()
"""The ``ordinal`` scheme object."""
