"""Two schemes for versions of no particular ecosystem: ``generic`` and ``lexicographic``.

``generic`` orders the versions people write without a spec: it cuts a version into runs of
digits and runs of letters (any other character only separates them) and compares the runs
in turn, numbers as numbers and words case-blind. Words are pre-releases
(``1.0rc1 < 1.0``), except the post-release words ``post``, ``patch``, ``pl`` and
``errata`` and a lone letter right after a number (``1.0a``, OpenSSL-style), which come after
the release; a number comes after everything::

    >>> from polypac.version.generic import SCHEME
    >>> v = SCHEME.parse_version
    >>> v("1.0alpha1") < v("1.0-rc2") < v("1.0") < v("1.0a") < v("1.0.post1") < v("1.0.1")
    True
    >>> v("1.0RC1") == v("1.0-rc.1")
    True

``lexicographic`` is the VERS type of that name: plain string order by Unicode code point,
which is the byte order of UTF-8, with no normalization::

    >>> from polypac.version.generic import LEXICOGRAPHIC
    >>> LEXICOGRAPHIC.parse_version("Z") < LEXICOGRAPHIC.parse_version("a")
    True

Both read ranges as primitive comparators (``>=1.0, <2.0``, ``|`` between alternatives, a
bare version meaning ``=``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

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

__all__ = [
    "LEXICOGRAPHIC",
    "SCHEME",
    "GenericScheme",
    "GenericVersion",
    "LexicographicScheme",
    "LexicographicVersion",
]

_RUNS = re.compile(r"([0-9]+)|([A-Za-z]+)")
_POST_WORDS = frozenset({"post", "patch", "pl", "errata"})
# Ranks: a pre-release word, the end, a post-release word, a number.
_PRE, _END, _POST, _NUMBER = 0, 1, 2, 3


def _generic_key(text: str) -> tuple[object, ...]:
    key: list[object] = []
    for match in _RUNS.finditer(text):
        digits, word = match.groups()
        if digits is not None:
            key += (_NUMBER, int(digits))
            continue
        lowered = word.lower()
        lone_letter = (
            len(word) == 1
            and match.start() > 0
            and text[match.start() - 1].isdigit()
            and not text[match.end() : match.end() + 1].isdigit()
        )
        key += (_POST if lone_letter or lowered in _POST_WORDS else _PRE, lowered)
    key.append(_END)
    return tuple(key)


def _check_text(text: str, what: str) -> None:
    if not text:
        raise InvalidVersion(text, None, "expected a version", what=what)
    for offset, char in enumerate(text):
        if not char.isprintable() or char.isspace():
            raise InvalidVersion(
                text, offset, "a version cannot contain blanks or control characters", what=what
            )
        if "\ud800" <= char <= "\udfff":
            raise InvalidVersion(text, offset, "a version must be valid Unicode", what=what)


@dataclass(frozen=True, slots=True, order=True)  # ordered and equal by ``key`` alone
class GenericVersion:
    """A version of no particular ecosystem, as written; versions made of the same runs
    (``1.0-RC1`` and ``1.0.rc1``) compare and hash alike."""

    text: str = field(compare=False)
    key: tuple[object, ...] = field(repr=False, default=())

    @property
    def is_prerelease(self) -> bool:
        """Always false: with no ecosystem there are no rules that set pre-releases apart."""
        return False

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True, slots=True, order=True)
class LexicographicVersion:
    """A version ordered as a plain string, by code point (the UTF-8 byte order)."""

    text: str

    @property
    def is_prerelease(self) -> bool:
        """Always false."""
        return False

    def __str__(self) -> str:
        return self.text


_SYNTAX_GENERIC = RelationSyntax(
    what="generic range",
    operators={"<": "<", "<=": "<=", "=": "=", "!=": "!=", ">=": ">=", ">": ">"},
    bare="=",
)
_SYNTAX_LEXICOGRAPHIC = RelationSyntax(
    what="lexicographic range",
    operators=_SYNTAX_GENERIC.operators,
    bare="=",
)


class GenericScheme:
    """A natural order of numeric and alphabetic runs (scheme name ``generic``)."""

    @property
    def name(self) -> str:
        """``generic``, the VERS type."""
        return "generic"

    def parse_version(self, text: str) -> GenericVersion:
        """Accept any non-empty text without blanks or control characters."""
        _check_text(text, "generic version")
        return GenericVersion(text, _generic_key(text))

    def desugar_range(self, text: str) -> Desugaring:
        """Primitive comparators, AND-ed with ``,`` and OR-ed with ``|``."""
        return desugar(text, _SYNTAX_GENERIC, self.parse_version)

    def parse_range(
        self, text: str, *, include_prerelease: bool = False
    ) -> VersionSet[GenericVersion]:
        """Parse comparators like ``>=1.0, <2.0``; blank text is every version."""
        return build_set(self.desugar_range(text), self._comparator_set)

    def format_range(self, versions: VersionSet[GenericVersion]) -> str:
        """Write a set as comparators (``, `` for AND, `` | `` for OR)."""
        return join_groups(primitive_groups(versions.releases), _spell, what="generic range")

    def _comparator_set(self, comparator: Comparator) -> VersionSet[GenericVersion]:
        version = self.parse_version(comparator.version)
        return primitive_set(comparator.operator, version, version)


class LexicographicScheme:
    """Plain string order (scheme name ``lexicographic``)."""

    @property
    def name(self) -> str:
        """``lexicographic``, the VERS type."""
        return "lexicographic"

    def parse_version(self, text: str) -> LexicographicVersion:
        """Accept any non-empty text without blanks or control characters."""
        _check_text(text, "lexicographic version")
        return LexicographicVersion(text)

    def desugar_range(self, text: str) -> Desugaring:
        """Primitive comparators, AND-ed with ``,`` and OR-ed with ``|``."""
        return desugar(text, _SYNTAX_LEXICOGRAPHIC, self.parse_version)

    def parse_range(
        self, text: str, *, include_prerelease: bool = False
    ) -> VersionSet[LexicographicVersion]:
        """Parse comparators like ``>=a, <b``; blank text is every version."""
        return build_set(self.desugar_range(text), self._comparator_set)

    def format_range(self, versions: VersionSet[LexicographicVersion]) -> str:
        """Write a set as comparators (``, `` for AND, `` | `` for OR)."""
        groups = primitive_groups(versions.releases)
        return join_groups(groups, _spell, what="lexicographic range")

    def _comparator_set(self, comparator: Comparator) -> VersionSet[LexicographicVersion]:
        version = self.parse_version(comparator.version)
        return primitive_set(comparator.operator, version, version)


def _spell(operator: ComparatorOp, version: object) -> str:
    return f"{operator}{version}"


SCHEME = GenericScheme()
"""The generic scheme object the registry hands out."""

LEXICOGRAPHIC = LexicographicScheme()
"""The lexicographic scheme object the registry hands out."""
