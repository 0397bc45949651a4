"""Identity pinning: the first build identity per package, and each kind of change."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from polypac.attest.identity import Identity
from polypac.attest.pins import (
    SCHEMA_VERSION,
    BuildIdentity,
    PinStore,
    PinStoreError,
    default_pins_path,
    package_key,
)
from polypac.purl import parse_purl

REPO = "https://github.com/sigstore/sigstore-js"
RELEASE = BuildIdentity(REPO, ".github/workflows/release.yml")
PACKAGE = "pkg:npm/sigstore"


@pytest.fixture
def store(tmp_path: Path) -> PinStore:
    return PinStore(tmp_path / "pins.sqlite3")


def test_first_identity_is_pinned(store: PinStore) -> None:
    when = datetime(2024, 1, 2, tzinfo=UTC)
    assert store.check(PACKAGE, "1.0.0", RELEASE, now=when) is None
    pin = store.get(PACKAGE)
    assert pin is not None
    assert (pin.version, pin.identity, pin.first_seen) == ("1.0.0", RELEASE, when)


def test_same_identity_later_is_no_change(store: PinStore) -> None:
    store.check(PACKAGE, "1.0.0", RELEASE)
    assert store.check(PACKAGE, "1.1.0", RELEASE) is None


def test_another_repository_is_a_change(store: PinStore) -> None:
    store.check(PACKAGE, "1.0.0", RELEASE)
    fork = BuildIdentity("https://github.com/attacker/sigstore-js", RELEASE.workflow)
    change = store.check(PACKAGE, "1.1.0", fork)
    assert change is not None
    assert change.kind == "repository"
    assert change.found == fork
    assert str(change) == (
        "pkg:npm/sigstore@1.1.0 was built by https://github.com/attacker/sigstore-js "
        "(.github/workflows/release.yml), but 1.0.0 was built by "
        "https://github.com/sigstore/sigstore-js (.github/workflows/release.yml)"
    )


def test_another_workflow_is_a_change(store: PinStore) -> None:
    store.check(PACKAGE, "1.0.0", RELEASE)
    change = store.check(PACKAGE, "1.1.0", BuildIdentity(REPO, ".github/workflows/other.yml"))
    assert change is not None
    assert change.kind == "workflow"


def test_no_provenance_after_provenance_is_a_change(store: PinStore) -> None:
    store.check(PACKAGE, "1.0.0", RELEASE)
    change = store.check(PACKAGE, "1.1.0", None)
    assert change is not None
    assert change.kind == "no provenance"
    assert change.found is None
    assert str(change) == (
        "pkg:npm/sigstore@1.1.0 has no provenance, but 1.0.0 was built by "
        "https://github.com/sigstore/sigstore-js (.github/workflows/release.yml)"
    )


def test_the_pin_is_kept_after_a_change(store: PinStore) -> None:
    store.check(PACKAGE, "1.0.0", RELEASE)
    store.check(PACKAGE, "1.1.0", BuildIdentity("https://github.com/x/y", None))
    pin = store.get(PACKAGE)
    assert pin is not None
    assert pin.identity == RELEASE


def test_no_provenance_before_any_pin_is_no_change(store: PinStore) -> None:
    assert store.check(PACKAGE, "0.9.0", None) is None
    assert store.get(PACKAGE) is None
    assert store.check(PACKAGE, "1.0.0", RELEASE) is None  # provenance starts: pinned now
    assert store.get(PACKAGE) is not None


def test_repository_url_case_and_git_suffix_do_not_matter(store: PinStore) -> None:
    identity = Identity(issuer=None, san=None, source_repository=f"{REPO}.git")
    pinned = BuildIdentity.of(identity)
    assert pinned == BuildIdentity(REPO, None)
    store.check(PACKAGE, "1.0.0", pinned)
    assert store.check(PACKAGE, "1.1.0", BuildIdentity(REPO.upper(), None)) is None


def test_identity_without_repository_is_not_a_build_identity() -> None:
    assert BuildIdentity.of(Identity(issuer="https://accounts.google.com", san="a@b.c")) is None


def test_workflow_ref_is_not_part_of_the_identity() -> None:
    uri = f"{REPO}/.github/workflows/release.yml@refs/tags/v"
    one = Identity(issuer=None, san=None, source_repository=REPO, build_signer_uri=uri + "1")
    two = Identity(issuer=None, san=None, source_repository=REPO, build_signer_uri=uri + "2")
    assert BuildIdentity.of(one) == BuildIdentity.of(two) == RELEASE


def test_forget_drops_the_pin(store: PinStore) -> None:
    store.check(PACKAGE, "1.0.0", RELEASE)
    assert store.forget(PACKAGE)
    assert not store.forget(PACKAGE)
    assert store.check(PACKAGE, "2.0.0", BuildIdentity("https://github.com/new/home", None)) is None


def test_pins_persist_across_store_objects(tmp_path: Path) -> None:
    PinStore(tmp_path / "p.sqlite3").check(PACKAGE, "1.0.0", RELEASE)
    assert [pin.package for pin in PinStore(tmp_path / "p.sqlite3").pins()] == [PACKAGE]


def test_package_key_drops_version_and_qualifiers() -> None:
    purl = parse_purl("pkg:npm/%40sigstore/core@1.0.0?foo=bar")
    assert package_key(purl) == "pkg:npm/%40sigstore/core"


def test_default_path_is_in_the_cache_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_pins_path() == tmp_path / "polypac" / "attest-pins.sqlite3"
    assert PinStore().path == tmp_path / "polypac" / "attest-pins.sqlite3"


def test_store_is_created_whole_with_its_schema_version(store: PinStore) -> None:
    store.check(PACKAGE, "1.0.0", RELEASE)
    connection = sqlite3.connect(store.path)
    try:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    finally:
        connection.close()
    assert [p.name for p in store.path.parent.iterdir()] == [store.path.name]  # no temporaries


def test_other_schema_version_is_refused(store: PinStore) -> None:
    store.check(PACKAGE, "1.0.0", RELEASE)
    connection = sqlite3.connect(store.path)
    connection.execute("PRAGMA user_version = 99")
    connection.commit()
    connection.close()
    with pytest.raises(PinStoreError) as caught:
        store.get(PACKAGE)
    assert str(caught.value) == (
        f"attestation pin store {store.path}: schema version 99, expected {SCHEMA_VERSION}\n"
        "hint: move the file away; polypac will start a new store"
    )


def test_a_file_that_is_not_sqlite_is_refused(store: PinStore) -> None:
    store.path.write_bytes(b"this is not a database, just text" * 10)
    with pytest.raises(PinStoreError, match="not a pin store"):
        store.check(PACKAGE, "1.0.0", RELEASE)


def interrupted_insert(store: PinStore) -> None:
    with store._connection() as connection:
        connection.execute(
            "INSERT INTO pins VALUES (?, ?, ?, ?, ?)", (PACKAGE, "1", REPO, None, "2024-01-01")
        )
        raise RuntimeError("interrupted")


def test_a_failed_transaction_writes_nothing(store: PinStore) -> None:
    with pytest.raises(RuntimeError):
        interrupted_insert(store)
    assert store.get(PACKAGE) is None
