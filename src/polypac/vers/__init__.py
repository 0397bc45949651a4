"""VERS: version range specifiers (package-url/vers-spec), for every ecosystem.

A VERS names a type (the ecosystem, which fixes how versions are ordered) and a sequence of
constraints::

    >>> from polypac.vers import parse_vers, vers_from_native
    >>> vers = parse_vers("vers:npm/>=1.2.3|<2.0.0")
    >>> vers.contains("1.9.0"), vers.contains("2.0.0")
    (True, False)
    >>> vers_from_native("npm", "^1.2.3").to_string()
    'vers:npm/>=1.2.3|<2.0.0'

Parsing is strict by default (canonical form only); ``strict=False`` normalizes instead.
Versions are ordered by the scheme registry of :mod:`polypac.version`; the VERS type to
scheme table is :data:`VERS_TYPES`.
"""

from __future__ import annotations

from polypac.vers._model import Vers, VersComparator, VersConstraint
from polypac.vers._native import vers_from_native, vers_from_version_set, vers_to_native
from polypac.vers._parse import parse_vers, validate_vers
from polypac.vers._types import VERS_TYPES, is_registered, scheme_for_type

__all__ = [
    "VERS_TYPES",
    "Vers",
    "VersComparator",
    "VersConstraint",
    "is_registered",
    "parse_vers",
    "scheme_for_type",
    "validate_vers",
    "vers_from_native",
    "vers_from_version_set",
    "vers_to_native",
]
