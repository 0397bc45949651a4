"""Nix package versions, ordered like ``builtins.compareVersions``.

Nix cuts a version at ``.`` and ``-`` and between digits and other characters, then
compares the pieces in turn: numbers as numbers; ``pre`` before anything else, even a
missing piece; a missing piece before any other; words as byte strings; a word before a
number (so ``2.3a < 2.3.1``)::

    >>> from polypac.version.nix import SCHEME
    >>> v = SCHEME.parse_version
    >>> v("2.3pre1") < v("2.3") < v("2.3a") < v("2.3.1") < v("2.10")
    True
    >>> v("1.0") == v("1-0") == v("1.00")
    True

Like Nix, a run of digits too long for a C ``int`` is compared as a word. Nix has no range
syntax; ranges here are the primitive comparators (``>=1.0, <2.0``, ``|`` between
alternatives, a bare version meaning ``=``).
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

__all__ = ["SCHEME", "NixScheme", "NixVersion", "parse_version", "split_version"]

_PIECES = re.compile(r"[0-9]+|[^0-9.\-]+")
_INT_MAX = 2**31 - 1
_PRE, _WORD, _NUMBER = 0, 1, 2  # a missing piece is the empty word


def split_version(text: str) -> list[str]:
    """The pieces Nix compares (``builtins.splitVersion``)."""
    return _PIECES.findall(text)


def _key(text: str) -> tuple[object, ...]:
    key: list[object] = []
    for piece in _PIECES.findall(text):
        if piece == "pre":
            key.append(_PRE)
        elif "0" <= piece[0] <= "9" and int(piece) <= _INT_MAX:
            key += (_NUMBER, int(piece))
        else:
            key += (_WORD, piece.encode("utf-8", "surrogatepass"))
    key += (_WORD, b"")
    return tuple(key)


@dataclass(frozen=True, slots=True, order=True)  # ordered and equal by ``key`` alone
class NixVersion:
    """One Nix version as written; versions Nix finds equal compare and hash alike."""

    text: str = field(compare=False)
    key: tuple[object, ...] = field(repr=False, default=())

    @property
    def is_prerelease(self) -> bool:
        """Always false: ``pre`` only orders; Nix has no ranges to set it apart in."""
        return False

    def __str__(self) -> str:
        return self.text


def parse_version(text: str) -> NixVersion:
    """Accept any non-empty text without blanks or control characters."""
    if not text:
        raise InvalidVersion(text, None, "expected a version", what="nix version")
    for offset, char in enumerate(text):
        if not char.isprintable() or char.isspace():
            raise InvalidVersion(
                text,
                offset,
                "a version cannot contain blanks or control characters",
                what="nix version",
            )
    return NixVersion(text, _key(text))


_SYNTAX = RelationSyntax(
    what="nix range",
    operators={"<": "<", "<=": "<=", "=": "=", "==": "=", "!=": "!=", ">=": ">=", ">": ">"},
    bare="=",
)


class NixScheme:
    """``builtins.compareVersions`` order (scheme name ``nix``)."""

    @property
    def name(self) -> str:
        """``nix``."""
        return "nix"

    def parse_version(self, text: str) -> NixVersion:
        """Parse one version; raise :class:`~polypac.errors.InvalidVersion` if invalid."""
        return parse_version(text)

    def desugar_range(self, text: str) -> Desugaring:
        """Primitive comparators, AND-ed with ``,`` and OR-ed with ``|``."""
        return desugar(text, _SYNTAX, parse_version)

    def parse_range(self, text: str, *, include_prerelease: bool = False) -> VersionSet[NixVersion]:
        """Parse comparators like ``>=1.0, <2.0``; blank text is every version."""
        return build_set(self.desugar_range(text), _comparator_set)

    def format_range(self, versions: VersionSet[NixVersion]) -> str:
        """Write a set as comparators (``, `` for AND, `` | `` for OR)."""
        return join_groups(primitive_groups(versions.releases), _spell, what="nix range")


def _comparator_set(comparator: Comparator) -> VersionSet[NixVersion]:
    version = parse_version(comparator.version)
    return primitive_set(comparator.operator, version, version)


def _spell(operator: ComparatorOp, version: NixVersion) -> str:
    return f"{operator}{version}"


SCHEME = NixScheme()
"""The Nix scheme object the registry hands out."""
