"""VERS types and the polypac version schemes that order their versions.

A VERS type is the PURL type of an ecosystem where there is one (``npm``, ``pypi``, ``deb``)
or one of the special types of the VERS type list (``semver``, ``datetime``,
``lexicographic``, ``generic``, ``all``, ``none``). Most type names are also scheme names in
the registry of :mod:`polypac.version.scheme`; the table below names the exceptions and is
the one place that says which types polypac can order.
"""

from __future__ import annotations

from typing import Final

from polypac.errors import UnknownSchemeError
from polypac.version.scheme import VersionScheme, get_scheme
from polypac.version.sets import Version

__all__ = [
    "ALL_TYPE",
    "INVALID_TYPE",
    "NONE_TYPE",
    "RESERVED_TYPES",
    "VERS_TYPES",
    "is_registered",
    "scheme_for_type",
]

# VERS type -> scheme name in polypac's registry.
VERS_TYPES: Final[dict[str, str]] = {
    "alpm": "alpm",
    "apk": "apk",
    "cargo": "cargo",
    "composer": "composer",
    "conan": "conan",
    "datetime": "datetime",
    "deb": "deb",
    "ebuild": "ebuild",
    "gentoo": "ebuild",  # the name the VERS test suite uses for Gentoo ebuild versions
    "gem": "gem",
    "generic": "generic",
    "golang": "golang",
    "hex": "semver",  # Elixir's Version module is SemVer 2.0.0
    "lexicographic": "lexicographic",
    "maven": "maven",
    "nginx": "nginx",
    "nix": "nix",
    "npm": "npm",
    "nuget": "nuget",
    "openssl": "openssl",
    "pypi": "pypi",
    "rpm": "rpm",
    "semver": "semver",
}

ALL_TYPE: Final = "all"
"""The type whose only valid form is ``vers:all/*``: every version."""

NONE_TYPE: Final = "none"
"""The type whose only valid form is ``vers:none/*``: no version."""

INVALID_TYPE: Final = "invalid"
"""The reserved type that is invalid whatever its constraints are."""

RESERVED_TYPES: Final = frozenset({"example", INVALID_TYPE, "test"})
"""Types reserved by the VERS specification for documentation and tests."""


def is_registered(vers_type: str) -> bool:
    """Whether polypac knows how to order the versions of ``vers_type``."""
    return vers_type in VERS_TYPES or vers_type in (ALL_TYPE, NONE_TYPE)


def scheme_for_type(vers_type: str) -> VersionScheme[Version]:
    """The version scheme that orders versions of ``vers_type``.

    Raises :class:`~polypac.errors.UnknownSchemeError` for a type polypac cannot order.
    """
    name = VERS_TYPES.get(vers_type)
    if name is None:
        raise UnknownSchemeError(vers_type, sorted(VERS_TYPES))
    return get_scheme(name)
