"""Readers for JavaScript manifests and lockfiles (npm, yarn, pnpm, bun): each returns the
file's PURL-keyed dependency graph and the problems met on the way (a ``ReadResult``)."""

from __future__ import annotations

from polypac.ecosystems.npm.bun_lock import read_bun_lock
from polypac.ecosystems.npm.package_json import read_package_json
from polypac.ecosystems.npm.package_lock import read_package_lock
from polypac.ecosystems.npm.pnpm_lock import read_pnpm_lock
from polypac.ecosystems.npm.yarn_lock import read_yarn_lock

__all__ = [
    "read_bun_lock",
    "read_package_json",
    "read_package_lock",
    "read_pnpm_lock",
    "read_yarn_lock",
]
