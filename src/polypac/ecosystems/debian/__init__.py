"""Debian: deb822 control files, the relation language, Packages indexes, dpkg's status
database, install requests planned as apt plans them."""

from __future__ import annotations

from polypac.ecosystems.debian.deb822 import Stanza, parse_deb822
from polypac.ecosystems.debian.dpkg_status import read_dpkg_status
from polypac.ecosystems.debian.install import (
    AptCache,
    InstallFailure,
    InstallPlan,
    plan_install,
)
from polypac.ecosystems.debian.packages import BinaryPackage, PackagesIndex, read_packages
from polypac.ecosystems.debian.relations import Relation, parse_relations

__all__ = [
    "AptCache",
    "BinaryPackage",
    "InstallFailure",
    "InstallPlan",
    "PackagesIndex",
    "Relation",
    "Stanza",
    "parse_deb822",
    "parse_relations",
    "plan_install",
    "read_dpkg_status",
    "read_packages",
]
