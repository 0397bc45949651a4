"""Debian package versions, ordered and validated as dpkg does.

A version is ``[epoch:]upstream[-revision]``. dpkg compares the epoch as a number, then the
upstream version and the revision with the same rule (``verrevcmp``): alternating runs of
non-digits, compared character by character (``~`` before everything, even the end; letters
before everything else), and runs of digits, compared as numbers::

    >>> from polypac.version.debian import SCHEME
    >>> v = SCHEME.parse_version
    >>> v("1.0~rc1") < v("1.0") < v("1.0-1") < v("1.0+b1") < v("1:0.1")
    True
    >>> v("1.0") == v("0:1.0-0")
    True

Each version carries a precomputed sort key (one flat tuple of ints), so a comparison is a
single C-level tuple comparison: fast enough to sort whole archives. Relations are dpkg's
``<< <= = >= >>`` (and the obsolete ``<`` and ``>``, meaning ``<=`` and ``>=``), with or
without the parentheses of a ``Depends`` field, AND-ed with ``,`` and OR-ed with ``|``::

    >>> SCHEME.format_range(SCHEME.parse_range("(>= 1.2-3), << 2"))
    '>= 1.2-3, << 2'
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
    "SCHEME",
    "DebianScheme",
    "DebianVersion",
    "compare_part",
    "compare_string",
]

_EPOCH_MAX = 2**31 - 1  # dpkg keeps the epoch in an int
_BLANKS = " \t"
_DIGITS = frozenset("0123456789")
_ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_UPSTREAM_CHARS = frozenset(_ALNUM + ".-+~:")
_REVISION_CHARS = frozenset(_ALNUM + ".+~")


def _order(char: str) -> int:
    """dpkg's weight of one non-digit character: ``~`` lowest, letters before the rest."""
    if char == "~":
        return -1
    if char.isascii() and char.isalpha():
        return ord(char)
    return ord(char) + 256


_PAIRS = re.compile(r"([^0-9]*)([0-9]*)")
_WEIGHTS: dict[str, int] = {chr(c): _order(chr(c)) for c in range(128) if chr(c) not in _DIGITS}


def _weights(run: str) -> list[int]:
    try:
        return [_WEIGHTS[char] for char in run]
    except KeyError:  # only compare_part sees characters outside ASCII
        return [_order(char) for char in run]


def _part_key(text: str) -> list[int]:
    """The sort key of an upstream version or revision under dpkg's ``verrevcmp``.

    The text is read as pairs (non-digit run, digit run). Each pair becomes the weights of
    its non-digit characters, a 0 that ends them, and the number (an empty run is 0); the
    key ends with one more 0, an empty non-digit run. Comparing two keys as tuples is
    ``verrevcmp``: a shorter non-digit run meets the 0 where the longer has a weight (a
    letter or symbol is above it, ``~`` below), and a string that has ended meets the final
    0 where the other has the first weight of its next non-digit run.
    """
    pairs = _PAIRS.findall(text)
    if len(pairs) > 1:
        del pairs[-1]  # the empty match at the end
    key: list[int] = []
    for letters, digits in pairs:
        if letters:
            key += _weights(letters)
        key.append(0)
        key.append(int(digits) if digits else 0)
    key.append(0)
    return key


def compare_part(a: str, b: str) -> int:
    """dpkg's ``verrevcmp`` on two upstream versions or revisions: -1, 0 or 1."""
    ka, kb = _part_key(a), _part_key(b)
    return (ka > kb) - (ka < kb)


def compare_string(a: str, b: str) -> int:
    """Compare two strings by character weight alone, digits weighing 0 (Dpkg::Version's
    ``version_compare_string``): -1, 0 or 1."""
    wa = [0 if c in _DIGITS else _order(c) for c in a]
    wb = [0 if c in _DIGITS else _order(c) for c in b]
    for index in range(max(len(wa), len(wb))):
        x = wa[index] if index < len(wa) else 0
        y = wb[index] if index < len(wb) else 0
        if x != y:
            return -1 if x < y else 1
    return 0


@dataclass(frozen=True, slots=True, order=True)  # ordered and equal by ``key`` alone
class DebianVersion:
    """One Debian version: ``epoch``, ``upstream`` and ``revision`` (``""`` when absent).

    Versions that dpkg finds equal are equal here and hash alike (``1.0``, ``0:1.0`` and
    ``1.0-0``); ``str()`` writes the version back as it was given (less surrounding blanks).
    """

    epoch: int = field(compare=False)
    upstream: str = field(compare=False)
    revision: str = field(compare=False)
    has_epoch: bool = field(compare=False, default=False)
    key: tuple[int, ...] = field(repr=False, default=())

    @property
    def has_revision(self) -> bool:
        """Whether the version names a Debian revision."""
        return bool(self.revision)

    @property
    def is_prerelease(self) -> bool:
        """Always false: Debian ranges do not set pre-releases apart (``~`` only orders)."""
        return False

    def __str__(self) -> str:
        head = f"{self.epoch}:" if self.has_epoch else ""
        tail = f"-{self.revision}" if self.revision else ""
        return f"{head}{self.upstream}{tail}"


def parse_version(text: str) -> DebianVersion:
    """Parse a Debian version as dpkg's ``parseversion`` does.

    What dpkg only warns about (an upstream version not starting with a digit, characters
    outside the policy's set) is an error here, as it is for ``dpkg --compare-versions``.
    """
    stripped = text.strip(_BLANKS)
    if not stripped:
        raise InvalidVersion(text, None, "version string is empty", what="deb version")
    start = text.find(stripped[0])
    stop = start + len(stripped)
    if " " in stripped or "\t" in stripped:
        blank = min(i for i in (stripped.find(" "), stripped.find("\t")) if i != -1)
        raise InvalidVersion(
            text, start + blank, "version string has embedded spaces", what="deb version"
        )

    epoch, has_epoch, body = 0, False, start
    colon = text.find(":", start, stop)
    if colon != -1:
        epoch = _epoch(text, start, colon)
        has_epoch = True
        body = colon + 1
        if body == stop:
            raise InvalidVersion(
                text, body, "nothing after colon in version number", what="deb version"
            )
    hyphen = text.rfind("-", body, stop)
    if hyphen != -1:
        upstream, revision = text[body:hyphen], text[hyphen + 1 : stop]
        if not revision:
            raise InvalidVersion(text, hyphen + 1, "revision number is empty", what="deb version")
    else:
        upstream, revision = text[body:stop], ""
    if not upstream:
        raise InvalidVersion(text, body, "upstream version is empty", what="deb version")
    if upstream[0] not in _DIGITS:
        raise InvalidVersion(
            text, body, "version number does not start with digit", what="deb version"
        )
    if not _UPSTREAM_CHARS.issuperset(upstream):
        offset = next(i for i, char in enumerate(upstream) if char not in _UPSTREAM_CHARS)
        raise InvalidVersion(
            text, body + offset, "invalid character in version number", what="deb version"
        )
    if not _REVISION_CHARS.issuperset(revision):
        offset = next(i for i, char in enumerate(revision) if char not in _REVISION_CHARS)
        raise InvalidVersion(
            text, hyphen + 1 + offset, "invalid character in revision number", what="deb version"
        )
    key = (epoch, *_part_key(upstream), *_part_key(revision))
    return DebianVersion(epoch, upstream, revision, has_epoch, key)


def _epoch(text: str, start: int, colon: int) -> int:
    digits = text[start:colon]
    if not digits:
        raise InvalidVersion(text, start, "epoch in version is empty", what="deb version")
    if digits[0] == "-" and digits[1:].isdigit() and digits[1:].isascii():
        raise InvalidVersion(text, start, "epoch in version is negative", what="deb version")
    for offset, char in enumerate(digits):
        if char not in _DIGITS:
            raise InvalidVersion(
                text, start + offset, "epoch in version is not number", what="deb version"
            )
    value = int(digits)
    if value > _EPOCH_MAX:
        raise InvalidVersion(text, start, "epoch in version is too big", what="deb version")
    return value


_SYNTAX = RelationSyntax(
    what="deb range",
    operators={"<<": "<", "<=": "<=", "=": "=", ">=": ">=", ">>": ">", "<": "<=", ">": ">="},
)
_SPELLING: dict[str, str] = {"<": "<<", "<=": "<=", "=": "=", ">=": ">=", ">": ">>"}


class DebianScheme:
    """dpkg's version rules and relations (scheme name ``deb``)."""

    @property
    def name(self) -> str:
        """``deb``, the PURL type."""
        return "deb"

    def parse_version(self, text: str) -> DebianVersion:
        """Parse one version; raise :class:`~polypac.errors.InvalidVersion` if invalid."""
        return parse_version(text)

    def desugar_range(self, text: str) -> Desugaring:
        """dpkg relations as primitive comparators: ``<<`` is ``<``, ``>>`` is ``>``, and the
        obsolete ``<`` and ``>`` are ``<=`` and ``>=``."""
        return desugar(text, _SYNTAX, parse_version)

    def parse_range(
        self, text: str, *, include_prerelease: bool = False
    ) -> VersionSet[DebianVersion]:
        """Parse relations like ``>= 1.2-3`` or ``(>= 1.2), (<< 2)``; blank text is every
        version. ``include_prerelease`` has no effect: Debian has no pre-releases."""
        return build_set(self.desugar_range(text), _comparator_set)

    def format_range(self, versions: VersionSet[DebianVersion]) -> str:
        """Write a set as dpkg relations: ``, `` between those that must all hold, `` | ``
        between alternatives; every version is the empty string."""
        groups = primitive_groups(versions.releases)
        return join_groups(groups, _spell, what="deb range")


def _comparator_set(comparator: Comparator) -> VersionSet[DebianVersion]:
    version = parse_version(comparator.version)
    return primitive_set(comparator.operator, version, version)


def _spell(operator: ComparatorOp, version: DebianVersion) -> str:
    return f"{_SPELLING[operator]} {version}"


SCHEME = DebianScheme()
"""The Debian scheme object the registry hands out."""
