"""OpenSSL release versions: ``1.0.1b``-style letter releases and 3.x ``MAJOR.MINOR.PATCH``.

Up to 1.1.1, a release is three numbers and letters counting its fix releases: ``1.0.2``,
``1.0.2a`` ... ``1.0.2z``, then ``1.0.2za`` ... (so letters compare as strings: ``z < za``).
From 3.0 the third number counts them. Either may carry a pre-release tag
(``1.0.0-beta5``, ``1.1.0-pre3``, ``3.0.0-alpha17``), which sorts before its release::

    >>> from polypac.version.openssl import SCHEME
    >>> v = SCHEME.parse_version
    >>> v("0.9.8zh") < v("1.0.1") < v("1.0.1a") < v("1.1.1w") < v("3.0.0-alpha1") < v("3.0.0")
    True

OpenSSL's own advisories list affected versions one by one, so a range here is a list of
versions separated by ``,`` (any of them), as in ``3.0.0, 1.0.1b``; comparators
(``>=1.0.1, <1.0.1g``) are read too, ``,`` and ``|`` both meaning OR.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

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

__all__ = ["SCHEME", "OpenSSLScheme", "OpenSSLVersion", "parse_version"]

_VERSION = re.compile(
    r"(?P<major>[0-9]+)\.(?P<minor>[0-9]+)\.(?P<patch>[0-9]+)(?P<letters>[a-z]*)"
    r"(?:-(?P<stage>alpha|beta|pre)(?P<number>[0-9]+))?"
)
_STAGES = {"alpha": 0, "beta": 1, "pre": 2}
_RELEASE = (3,)


@dataclass(frozen=True, slots=True)
class OpenSSLVersion:
    """One OpenSSL version: ``major.minor.patch``, fix ``letters``, and a ``prerelease``
    tag such as ``beta5`` (empty for a release)."""

    major: int
    minor: int
    patch: int
    letters: str = ""
    prerelease: str = ""
    key: tuple[object, ...] = field(repr=False, default=(), compare=False)

    @property
    def is_prerelease(self) -> bool:
        """Always false: affected-version lists do not set pre-releases apart; see
        :attr:`prerelease` for the tag itself."""
        return False

    def __lt__(self, other: Any) -> bool:
        if not isinstance(other, OpenSSLVersion):
            return NotImplemented
        return self.key < other.key

    def __le__(self, other: Any) -> bool:
        if not isinstance(other, OpenSSLVersion):
            return NotImplemented
        return self.key <= other.key

    def __gt__(self, other: Any) -> bool:
        if not isinstance(other, OpenSSLVersion):
            return NotImplemented
        return self.key > other.key

    def __ge__(self, other: Any) -> bool:
        if not isinstance(other, OpenSSLVersion):
            return NotImplemented
        return self.key >= other.key

    def __str__(self) -> str:
        tag = f"-{self.prerelease}" if self.prerelease else ""
        return f"{self.major}.{self.minor}.{self.patch}{self.letters}{tag}"


def parse_version(text: str) -> OpenSSLVersion:
    """Parse ``N.N.N[letters][-alphaN|-betaN|-preN]``."""
    match = _VERSION.fullmatch(text)
    if match is None:
        prefix = _VERSION.match(text)
        at = prefix.end() if prefix is not None else 0
        problem = (
            "expected MAJOR.MINOR.PATCH, then fix letters or a tag like '-beta1'"
            if prefix is None
            else "expected nothing more after the version"
        )
        raise InvalidVersion(text, at, problem, what="openssl version")
    major, minor, patch = int(match["major"]), int(match["minor"]), int(match["patch"])
    stage = match["stage"]
    tag_key = _RELEASE if stage is None else (_STAGES[stage], int(match["number"]))
    tag = "" if stage is None else f"{stage}{int(match['number'])}"
    key = (major, minor, patch, match["letters"], tag_key)
    return OpenSSLVersion(major, minor, patch, match["letters"], tag, key)


_SYNTAX = RelationSyntax(
    what="openssl range",
    operators={"<": "<", "<=": "<=", "=": "=", "!=": "!=", ">=": ">=", ">": ">"},
    bare="=",
    comma_is_or=True,
)


class OpenSSLScheme:
    """OpenSSL release order (scheme name ``openssl``)."""

    @property
    def name(self) -> str:
        """``openssl``."""
        return "openssl"

    def parse_version(self, text: str) -> OpenSSLVersion:
        """Parse one version; raise :class:`~polypac.errors.InvalidVersion` if invalid."""
        return parse_version(text)

    def desugar_range(self, text: str) -> Desugaring:
        """A list of versions or comparators, any of which holds (``,`` or ``|``)."""
        return desugar(text, _SYNTAX, parse_version)

    def parse_range(
        self, text: str, *, include_prerelease: bool = False
    ) -> VersionSet[OpenSSLVersion]:
        """Parse ``3.0.0, 1.0.1b`` or ``>=1.0.1, <1.0.1g``... as a union; blank text is
        every version."""
        return build_set(self.desugar_range(text), _comparator_set)

    def format_range(self, versions: VersionSet[OpenSSLVersion]) -> str:
        """Write a set of single versions as the list ``1.0.1b, 3.0.0``; raise
        ``ValueError`` for one that holds a span (a list has no AND to bound it)."""
        groups = primitive_groups(versions.releases)
        if any(len(group) != 1 or group[0][0] != "=" for group in groups):
            raise ValueError("only a list of single versions can be written as an openssl range")
        return join_groups(groups, _spell, or_separator=", ", what="openssl range")


def _comparator_set(comparator: Comparator) -> VersionSet[OpenSSLVersion]:
    version = parse_version(comparator.version)
    return primitive_set(comparator.operator, version, version)


def _spell(operator: ComparatorOp, version: OpenSSLVersion) -> str:
    return str(version)


SCHEME = OpenSSLScheme()
"""The OpenSSL scheme object the registry hands out."""
