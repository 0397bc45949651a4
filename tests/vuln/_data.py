"""The OSV anchor records, loaded once for the vuln tests."""

from __future__ import annotations

import functools
from pathlib import Path

from polypac.purl import PackageURL, build_purl
from polypac.vuln.osv import Affected, OsvError, OsvRecord, load_osv
from tests.conftest import anchor


def pypa_dir() -> Path:
    """The pypa/advisory-database records (YAML)."""
    return anchor("osv", "pypa", "vulns")


def rustsec_dir() -> Path:
    """The RustSec records (JSON)."""
    return anchor("osv", "rustsec", "crates")


@functools.cache
def all_records() -> tuple[OsvRecord, ...]:
    """Every anchor record; a loading error fails the caller."""
    records: list[OsvRecord] = []
    for folder in (pypa_dir(), rustsec_dir()):
        for loaded in load_osv(folder):
            if isinstance(loaded, OsvError):
                raise AssertionError(str(loaded))
            records.append(loaded)
    return tuple(records)


def record(record_id: str) -> OsvRecord:
    """The anchor record with this id."""
    return next(r for r in all_records() if r.id == record_id)


def purl_of(entry: Affected, version: str) -> PackageURL:
    """The PURL of an affected entry's package at ``version``."""
    assert entry.purl_type is not None
    assert entry.package_key is not None
    full = entry.package_key.partition("/")[2]
    namespace, _, name = full.rpartition("/")
    return build_purl(entry.purl_type, name, namespace=namespace or None, version=version)
