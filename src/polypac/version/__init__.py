"""Versions of every ecosystem behind one protocol, and the set algebra over them."""

from __future__ import annotations

from polypac.version.scheme import VersionScheme, compare, get_scheme, scheme_names
from polypac.version.sets import Bound, Ranges, Segment, Version, VersionSet

__all__ = [
    "Bound",
    "Ranges",
    "Segment",
    "Version",
    "VersionScheme",
    "VersionSet",
    "compare",
    "get_scheme",
    "scheme_names",
]
