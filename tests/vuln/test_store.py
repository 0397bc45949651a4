"""The SQLite store: importing the anchor records, matching, and imports that fail."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

import polypac.vuln.store as store_module
from polypac.purl import parse_purl
from polypac.vuln.match import finding
from polypac.vuln.osv import OsvError, load_osv_documents
from polypac.vuln.store import ImportReport, VulnStore, VulnStoreError, default_path
from tests.vuln._data import all_records, purl_of, pypa_dir, record, rustsec_dir


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[VulnStore, ImportReport]:
    store = VulnStore(tmp_path_factory.mktemp("vulns") / "vulns.sqlite3")
    report = store.import_records([pypa_dir(), rustsec_dir()])
    return store, report


def test_import_counts(imported: tuple[VulnStore, ImportReport]) -> None:
    store, report = imported
    records = all_records()
    withdrawn = sum(r.is_withdrawn for r in records)
    assert report.errors == ()
    assert (report.records, report.withdrawn) == (len(records), withdrawn)
    assert store.count() == (len(records), withdrawn)
    assert withdrawn > 0


@pytest.mark.parametrize("record_id", ["RUSTSEC-2016-0001", "PYSEC-2022-42969"])
def test_store_match_agrees_with_record(
    imported: tuple[VulnStore, ImportReport], record_id: str
) -> None:
    store, _ = imported
    osv = record(record_id)
    entry = osv.affected[0]
    fixed = entry.fixed_versions[0] if entry.fixed_versions else None
    affected_version = entry.versions[-1] if entry.versions else None
    if affected_version is None:  # a SEMVER range: the version just below the fix
        assert fixed is not None
        major, minor, _ = fixed.split(".")
        affected_version = f"{major}.{int(minor) - 1}.0"
    purl = purl_of(entry, affected_version)
    found = [f for f in store.match(purl) if f.id == record_id]
    assert found == [finding(osv, purl)]
    if fixed is not None:
        assert record_id not in {f.id for f in store.match(purl_of(entry, fixed))}


def test_withdrawn_records_are_kept_but_not_matched(
    imported: tuple[VulnStore, ImportReport],
) -> None:
    store, _ = imported
    osv = next(r for r in all_records() if r.is_withdrawn and r.affected[0].versions)
    assert [r.id for r in store.get(osv.id)] == [osv.id]
    purl = purl_of(osv.affected[0], osv.affected[0].versions[0])
    assert osv.id not in {f.id for f in store.match(purl)}


def test_alias_lookup(imported: tuple[VulnStore, ImportReport]) -> None:
    store, _ = imported
    osv = record("RUSTSEC-2016-0001")
    cve = next(a for a in osv.aliases if a.startswith("CVE-"))
    assert [r.id for r in store.get(cve)] == [osv.id]
    assert store.get("CVE-0000-00000") == []


def test_interrupted_import_keeps_previous_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = VulnStore(tmp_path / "vulns.sqlite3")
    store.import_records([rustsec_dir()])
    before = store.path.read_bytes()

    def failing(path: str | Path) -> Iterator[object]:
        for count, loaded in enumerate(load_osv_documents(path)):
            if count == 50:
                raise KeyboardInterrupt
            yield loaded

    monkeypatch.setattr(store_module, "load_osv_documents", failing)
    with pytest.raises(KeyboardInterrupt):
        store.import_records([pypa_dir()])
    assert store.path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["vulns.sqlite3"]


def test_malformed_file_is_reported_and_the_rest_imports(tmp_path: Path) -> None:
    source = tmp_path / "osv"
    source.mkdir()
    good = sorted(rustsec_dir().glob("*.json"))[:10]
    for path in good:
        (source / path.name).write_bytes(path.read_bytes())
    bad = source / "RUSTSEC-BROKEN.json"
    bad.write_text('{"id": "RUSTSEC-BROKEN",', encoding="utf-8")
    report = VulnStore(tmp_path / "v.sqlite3").import_records([source])
    assert report.records == len(good)
    [error] = report.errors
    assert isinstance(error, OsvError)
    assert error.source == str(bad)
    assert str(error).startswith(f"{bad}:1: invalid OSV record: not JSON:")


def test_reimport_replaces_records_by_id(tmp_path: Path) -> None:
    store = VulnStore(tmp_path / "v.sqlite3")
    store.import_records([rustsec_dir()])
    store.import_records([rustsec_dir()])
    assert store.count()[0] == sum(1 for _ in rustsec_dir().glob("*.json"))
    assert store.match(parse_purl("pkg:cargo/openssl@0.8.0"))


def test_missing_store_says_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "none.sqlite3"
    with pytest.raises(VulnStoreError) as caught:
        VulnStore(path).match(parse_purl("pkg:cargo/openssl@0.8.0"))
    assert str(caught.value) == (
        f"vulnerability store {path}: no such file\n"
        "hint: import OSV records first (polypac vuln import)"
    )


def test_other_schema_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA user_version = 99")
    connection.close()
    with pytest.raises(VulnStoreError) as caught:
        VulnStore(path).count()
    assert caught.value.problem == f"schema version 99, expected {store_module.SCHEMA_VERSION}"


def test_default_path_follows_xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_path() == tmp_path / "polypac" / "vulns.sqlite3"
    assert VulnStore().path == default_path()
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert default_path() == Path.home() / ".cache" / "polypac" / "vulns.sqlite3"


def test_a_relative_store_path_works(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from polypac.purl import parse_purl
    from polypac.vuln.store import VulnStore

    monkeypatch.chdir(tmp_path)
    store = VulnStore("relative.sqlite3")
    store.import_records([])
    assert store.match(parse_purl("pkg:pypi/requests@2.19.0")) == []
