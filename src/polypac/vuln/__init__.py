"""Offline vulnerability matching from OSV data.

:mod:`~polypac.vuln.osv` reads OSV records (JSON, YAML, folders, ``all.zip``),
:mod:`~polypac.vuln.match` decides whether a record affects a package version, and
:mod:`~polypac.vuln.store` keeps records in an SQLite file and matches PURLs against them.
"""

from __future__ import annotations

from polypac.vuln.match import Finding, Verdict, affects, assess
from polypac.vuln.osv import OsvError, OsvRecord, load_osv
from polypac.vuln.store import ImportReport, VulnStore, VulnStoreError

__all__ = [
    "Finding",
    "ImportReport",
    "OsvError",
    "OsvRecord",
    "Verdict",
    "VulnStore",
    "VulnStoreError",
    "affects",
    "assess",
    "load_osv",
]
