"""Debian: deb822 control files, the relation language, Packages indexes, dpkg's status
database."""

from __future__ import annotations

from polypac.ecosystems.debian.deb822 import Stanza, parse_deb822
from polypac.ecosystems.debian.dpkg_status import read_dpkg_status
from polypac.ecosystems.debian.packages import BinaryPackage, PackagesIndex, read_packages
from polypac.ecosystems.debian.relations import Relation, parse_relations

__all__ = [
    "BinaryPackage",
    "PackagesIndex",
    "Relation",
    "Stanza",
    "parse_deb822",
    "parse_relations",
    "read_dpkg_status",
    "read_packages",
]
