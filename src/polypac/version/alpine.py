"""Alpine Linux package versions, ordered by the rules of apk-tools (``src/version.c``).

A version is ``digits{.digits}[letter]{_suffix[digits]}[~hash][-r digits]``: numbers, at
most one lowercase letter, suffixes (``_alpha _beta _pre _rc`` before the plain release,
``_cvs _svn _git _hg _p`` after it), a commit hash, and the package revision ``-rN``::

    >>> from polypac.version.alpine import SCHEME
    >>> v = SCHEME.parse_version
    >>> v("1.0_alpha") < v("1.0_rc2") < v("1.0") < v("1.0-r1") < v("1.0_p1") < v("1.0a")
    True

apk compares token by token. Numbers after a dot compare as numbers unless either has a
leading zero, when they compare as strings (``1.01 < 1.1`` and ``1.001 < 1.01``). When one
version runs out of tokens, or the two have tokens of different kinds, a pre-release suffix
is oldest, then the end, then a revision, a hash, a suffix number, a post-release suffix, a
letter, and a number is newest.
"""

from __future__ import annotations

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

__all__ = ["SCHEME", "AlpineScheme", "AlpineVersion", "parse_version"]

# Suffix weights as apk numbers them; the plain release (no suffix) is 5.
_SUFFIXES = {
    "alpha": 1,
    "beta": 2,
    "pre": 3,
    "rc": 4,
    "cvs": 6,
    "svn": 7,
    "git": 8,
    "hg": 9,
    "p": 10,
}
_NONE = 5
# Ranks of a token kind when two versions differ in kinds: pre-release suffix oldest,
# a number newest. Within a kind, the values decide.
_R_PRE, _R_END, _R_REVISION, _R_HASH, _R_SUFFIX_NO, _R_POST, _R_LETTER, _R_DIGIT = range(8)
_R_INITIAL = 8
# Token kinds in apk's order: a token may only follow kinds at most this far along.
_K_INITIAL, _K_DIGIT, _K_LETTER, _K_SUFFIX, _K_SUFFIX_NO, _K_HASH, _K_REVISION = range(7)
_DIGITS = "0123456789"
_LOWER = "abcdefghijklmnopqrstuvwxyz"
_HEX = "0123456789abcdef"


@dataclass(frozen=True, slots=True, order=True)  # ordered and equal by ``key`` alone
class AlpineVersion:
    """One apk version, kept as written; equal versions (``1.0`` and ``01.0``) compare and
    hash alike."""

    text: str = field(compare=False)
    key: tuple[object, ...] = field(repr=False, default=())

    @property
    def is_prerelease(self) -> bool:
        """Always false: apk relations order ``_alpha``..``_rc`` among releases and do not set
        them apart."""
        return False

    def __str__(self) -> str:
        return self.text


def _span(text: str, start: int, alphabet: str) -> int:
    end = start
    while end < len(text) and text[end] in alphabet:
        end += 1
    return end


def parse_version(text: str) -> AlpineVersion:
    """Parse an apk version as ``apk_version_validate`` accepts it."""
    what = "apk version"

    def fail(at: int, problem: str) -> InvalidVersion:
        return InvalidVersion(text, at, problem, what=what)

    end = _span(text, 0, _DIGITS)
    if end == 0:
        raise fail(0, "expected a version to start with a digit")
    key: list[object] = [_R_INITIAL, int(text[:end])]
    kind, at = _K_INITIAL, end
    while at < len(text):
        char = text[at]
        if char in _LOWER:
            if kind > _K_DIGIT:
                raise fail(at, "a letter may only follow a number")
            key += (_R_LETTER, char)
            kind, at = _K_LETTER, at + 1
        elif char == ".":
            if kind > _K_DIGIT:
                raise fail(at, "'.' may only follow a number")
            end = _span(text, at + 1, _DIGITS)
            if end == at + 1:
                raise fail(at + 1, "expected digits after '.'")
            digits = text[at + 1 : end]
            if digits[0] == "0":  # apk compares these as strings
                key += (_R_DIGIT, 0, digits)
            else:
                key += (_R_DIGIT, 1, int(digits))
            kind, at = _K_DIGIT, end
        elif char == "_":
            if kind > _K_SUFFIX_NO:
                raise fail(at, "a suffix cannot follow a commit hash or revision")
            end = _span(text, at + 1, _LOWER)
            weight = _SUFFIXES.get(text[at + 1 : end])
            if weight is None:
                raise fail(
                    at + 1, "expected a suffix: alpha, beta, pre, rc, cvs, svn, git, hg or p"
                )
            key += (_R_PRE if weight < _NONE else _R_POST, weight)
            kind, at = _K_SUFFIX, end
            end = _span(text, at, _DIGITS)
            if end > at:
                key += (_R_SUFFIX_NO, int(text[at:end]))
                kind, at = _K_SUFFIX_NO, end
        elif char == "~":
            if kind >= _K_HASH:
                raise fail(at, "only one commit hash, before the revision")
            end = _span(text, at + 1, _HEX)
            if end == at + 1:
                raise fail(at + 1, "expected a lowercase hex commit hash after '~'")
            key += (_R_HASH, text[at + 1 : end])
            kind, at = _K_HASH, end
        elif char == "-":
            if kind >= _K_REVISION:
                raise fail(at, "only one revision, at the end")
            if not text.startswith("-r", at):
                raise fail(at + 1, "expected 'r' and the revision number after '-'")
            end = _span(text, at + 2, _DIGITS)
            if end == at + 2:
                raise fail(at + 2, "expected the revision number after '-r'")
            key += (_R_REVISION, int(text[at + 2 : end]))
            kind, at = _K_REVISION, end
        elif char in _DIGITS:
            raise fail(at, "a number cannot follow a letter")
        else:
            raise fail(at, f"unexpected {char!r}")
    key.append(_R_END)
    return AlpineVersion(text, tuple(key))


_SYNTAX = RelationSyntax(
    what="apk range",
    operators={"<": "<", "<=": "<=", "=": "=", ">=": ">=", ">": ">"},
)


class AlpineScheme:
    """apk-tools' version rules and relations (scheme name ``apk``)."""

    @property
    def name(self) -> str:
        """``apk``, the PURL type."""
        return "apk"

    def parse_version(self, text: str) -> AlpineVersion:
        """Parse one version; raise :class:`~polypac.errors.InvalidVersion` if invalid."""
        return parse_version(text)

    def desugar_range(self, text: str) -> Desugaring:
        """Relations ``< <= = >= >`` (as in ``depend="foo>=1.2"``) as primitive comparators,
        AND-ed with ``,`` and OR-ed with ``|``. apk's fuzzy ``~``, ``<~`` and ``>~`` (a
        version prefix) are not read: no primitive comparator says them."""
        return desugar(text, _SYNTAX, parse_version)

    def parse_range(
        self, text: str, *, include_prerelease: bool = False
    ) -> VersionSet[AlpineVersion]:
        """Parse relations like ``>=1.2, <2``; blank text is every version.
        ``include_prerelease`` has no effect."""
        return build_set(self.desugar_range(text), _comparator_set)

    def format_range(self, versions: VersionSet[AlpineVersion]) -> str:
        """Write a set as apk relations (``, `` for AND, `` | `` for OR)."""
        return join_groups(primitive_groups(versions.releases), _spell, what="apk range")


def _comparator_set(comparator: Comparator) -> VersionSet[AlpineVersion]:
    version = parse_version(comparator.version)
    return primitive_set(comparator.operator, version, version)


def _spell(operator: ComparatorOp, version: AlpineVersion) -> str:
    return f"{operator}{version}"


SCHEME = AlpineScheme()
"""The Alpine scheme object the registry hands out."""
