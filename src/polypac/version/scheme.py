"""The protocol every ecosystem's version rules implement, and the registry of schemes.

A scheme parses a version (its type gives the total order), parses the ecosystem's native
range syntax into a :class:`~polypac.version.sets.VersionSet`, and writes a set back in
that syntax where it can::

    >>> from polypac.version import get_scheme
    >>> npm = get_scheme("npm")
    >>> npm.parse_range("^1.2.3").contains(npm.parse_version("1.9.0"))
    True

Schemes are found by name (the PURL type where there is one, so ``pypi``, ``npm``,
``cargo``, ``deb``, ``gem``, ``maven``, ``golang``, ``nuget``, ``composer``, ...), with a
few aliases (``debian``, ``rubygems``, ``go``). Each lives in its own module, imported the
first time it is asked for.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any, Literal, Protocol, TypeVar

from polypac.errors import UnknownSchemeError
from polypac.version.sets import Version, VersionSet

__all__ = [
    "Comparator",
    "ComparatorOp",
    "Desugaring",
    "NativeComparison",
    "RangeDesugarer",
    "VersionScheme",
    "compare",
    "get_scheme",
    "scheme_names",
]

V = TypeVar("V", bound=Version)

ComparatorOp = Literal["<", "<=", "=", "!=", ">=", ">"]


@dataclass(frozen=True, slots=True)
class Comparator:
    """One primitive constraint of a range: an operator and a version (as text)."""

    operator: ComparatorOp
    version: str

    def __str__(self) -> str:
        return f"{self.operator}{self.version}"


Desugaring = tuple[tuple[Comparator, ...], ...]
"""A native range as primitive comparators: any of the groups, all within a group."""


class RangeDesugarer(Protocol):
    """Schemes whose native sugar (``^``, ``~``, ``~>``, ``1.x``, ``[1,2)``) can be
    spelled out as primitive comparators; VERS conversion builds on this."""

    def desugar_range(self, text: str) -> Desugaring:
        """The native range as an OR of ANDs of primitive comparators."""
        ...


class VersionScheme(Protocol[V]):
    """The rules of one ecosystem's versions."""

    @property
    def name(self) -> str:
        """The scheme's canonical name (its PURL / VERS type)."""
        ...

    def parse_version(self, text: str) -> V:
        """Parse one version; raise :class:`~polypac.errors.InvalidVersion` if invalid."""
        ...

    def parse_range(self, text: str, *, include_prerelease: bool = False) -> VersionSet[V]:
        """Parse a native range; raise :class:`~polypac.errors.InvalidRange` if invalid.

        ``include_prerelease`` admits pre-releases wherever their order puts them (npm's
        ``includePrerelease``, pip's ``--pre``); schemes without pre-releases ignore it.
        """
        ...

    def format_range(self, versions: VersionSet[V]) -> str:
        """Write a set in the native range syntax; raise ``ValueError`` if it cannot."""
        ...


# name -> "module:attribute"; each module defines one scheme object.
_SCHEMES: dict[str, str] = {
    "pypi": "polypac.version.pypi:SCHEME",
    "npm": "polypac.version.npm:SCHEME",
    "cargo": "polypac.version.cargo:SCHEME",
    "golang": "polypac.version.golang:SCHEME",
    "nuget": "polypac.version.nuget:SCHEME",
    "semver": "polypac.version.semver:SCHEME",
    "deb": "polypac.version.debian:SCHEME",
    "rpm": "polypac.version.rpm:SCHEME",
    "apk": "polypac.version.alpine:SCHEME",
    "alpm": "polypac.version.alpm:SCHEME",
    "ebuild": "polypac.version.gentoo:SCHEME",
    "nix": "polypac.version.nix:SCHEME",
    "openssl": "polypac.version.openssl:SCHEME",
    "datetime": "polypac.version.datetime:SCHEME",
    "generic": "polypac.version.generic:SCHEME",
    "lexicographic": "polypac.version.generic:LEXICOGRAPHIC",
    "gem": "polypac.version.gem:SCHEME",
    "maven": "polypac.version.maven:SCHEME",
    "composer": "polypac.version.composer:SCHEME",
    "conan": "polypac.version.conan:SCHEME",
    "nginx": "polypac.version.nginx:SCHEME",
}

_ALIASES: dict[str, str] = {
    "debian": "deb",
    "ubuntu": "deb",
    "dpkg": "deb",
    "rubygems": "gem",
    "go": "golang",
    "crates.io": "cargo",
    "alpine": "apk",
    "arch": "alpm",
    "gentoo": "ebuild",
    "packagist": "composer",
    "python": "pypi",
    "pip": "pypi",
}

# Schemes differ in their version type, and VersionSet is invariant in it: callers of the
# registry get a scheme of some version type, which they use consistently.
_LOADED: dict[str, VersionScheme[Any]] = {}


def scheme_names() -> list[str]:
    """The canonical names of every known scheme, sorted."""
    return sorted(_SCHEMES)


def get_scheme(name: str) -> VersionScheme[Any]:
    """The scheme called ``name`` (canonical or alias, case-insensitive)."""
    key = name.strip().lower()
    key = _ALIASES.get(key, key)
    if key not in _SCHEMES:
        raise UnknownSchemeError(name, scheme_names())
    scheme = _LOADED.get(key)
    if scheme is None:
        module_name, _, attribute = _SCHEMES[key].partition(":")
        scheme = getattr(importlib.import_module(module_name), attribute)
        _LOADED[key] = scheme
    return scheme


class NativeComparison(Protocol):
    """Schemes whose ecosystem compares versions by a rule that is not a total order.

    pacman's ``vercmp`` calls ``1.5`` equal to both ``1.5-1`` and ``1.5-2``; version sets
    need a total order, so the version type refines the rule, and ``compare_versions``
    answers as the ecosystem's own tool does.
    """

    def compare_versions(self, a: str, b: str) -> int:
        """-1, 0 or 1, as the ecosystem's own tool compares ``a`` and ``b``."""
        ...


def compare(scheme: VersionScheme[V], a: str, b: str) -> int:
    """-1, 0 or 1 as version ``a`` sorts before, with or after ``b`` in ``scheme``.

    Uses the ecosystem's own comparison where it differs from the total order
    (:class:`NativeComparison`).
    """
    native = getattr(scheme, "compare_versions", None)
    if native is not None:
        return int(native(a, b))
    va, vb = scheme.parse_version(a), scheme.parse_version(b)
    return -1 if va < vb else (1 if vb < va else 0)
