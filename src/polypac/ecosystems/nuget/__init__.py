"""NuGet (.NET): ``packages.lock.json``."""

from __future__ import annotations

from polypac.ecosystems.nuget.packages_lock import nuget_purl, read_packages_lock

__all__ = ["nuget_purl", "read_packages_lock"]
