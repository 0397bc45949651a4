"""An embedded SQLite store of OSV records, matched offline.

The database lives at ``$XDG_CACHE_HOME/polypac/vulns.sqlite3`` (``~/.cache/...`` when the
variable is unset) unless a path is given. Each record is kept whole (as JSON) and indexed
by the packages it names and by its id and aliases; withdrawn records are kept, flagged,
and never matched.

An import never leaves a half-written database: it builds a new file beside the old one
(starting from a copy of it) and moves it into place with :func:`os.replace` only when
everything has been written.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from polypac.errors import PolypacError
from polypac.purl import PackageURL
from polypac.vuln.match import Finding, finding
from polypac.vuln.osv import (
    OsvError,
    OsvRecord,
    load_osv_documents,
    package_key,
    record_from_mapping,
)

__all__ = ["SCHEMA_VERSION", "ImportReport", "VulnStore", "VulnStoreError", "default_path"]

SCHEMA_VERSION = 1
"""Bumped whenever the tables change; an older store must be imported again."""

_SCHEMA = """
CREATE TABLE records (
    id TEXT PRIMARY KEY,
    modified TEXT NOT NULL,
    withdrawn INTEGER NOT NULL,
    body TEXT NOT NULL
);
CREATE TABLE packages (key TEXT NOT NULL, record_id TEXT NOT NULL);
CREATE INDEX packages_key ON packages (key);
CREATE TABLE names (name TEXT NOT NULL, record_id TEXT NOT NULL);
CREATE INDEX names_name ON names (name);
"""


class VulnStoreError(PolypacError):
    """The vulnerability store is missing, from another schema version, or unreadable."""

    def __init__(self, path: Path, problem: str, hint: str | None = None) -> None:
        self.path = path
        self.problem = problem
        self.hint = hint
        text = f"vulnerability store {path}: {problem}"
        super().__init__(text if hint is None else f"{text}\nhint: {hint}")


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import did: records written (withdrawn among them), errors, time taken."""

    records: int
    withdrawn: int
    errors: tuple[OsvError, ...]
    seconds: float


def default_path() -> Path:
    """``$XDG_CACHE_HOME/polypac/vulns.sqlite3``, else under ``~/.cache``."""
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "polypac" / "vulns.sqlite3"


class VulnStore:
    """OSV records on disk: import them from files, match package versions against them."""

    def __init__(self, path: str | Path | None = None) -> None:
        # absolute: the store is opened read-only through a file URI, which a relative path has not
        self.path = (Path(path) if path is not None else default_path()).absolute()

    def import_records(self, paths: Iterable[str | Path], *, replace: bool = False) -> ImportReport:
        """Add the records under ``paths`` (files, folders, zips), or start over if ``replace``.

        A record already present under the same id is replaced by the one read. Bad files
        are reported in :attr:`ImportReport.errors` and the rest is imported.
        """
        started = time.perf_counter()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary_name = tempfile.mkstemp(
            prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent
        )
        os.close(handle)
        temporary = Path(temporary_name)
        try:
            connection = sqlite3.connect(temporary)
            try:
                if not replace and self.path.exists():
                    with contextlib.closing(self._connect()) as previous:
                        previous.backup(connection)
                else:
                    connection.executescript(_SCHEMA)
                    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                records, withdrawn, errors = self._write(connection, paths)
                connection.commit()
            finally:
                connection.close()
            os.replace(temporary, self.path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                temporary.unlink()
        return ImportReport(records, withdrawn, tuple(errors), time.perf_counter() - started)

    @staticmethod
    def _write(
        connection: sqlite3.Connection, paths: Iterable[str | Path]
    ) -> tuple[int, int, list[OsvError]]:
        records = withdrawn = 0
        errors: list[OsvError] = []
        for path in paths:
            for loaded in load_osv_documents(path):
                if isinstance(loaded, OsvError):
                    errors.append(loaded)
                    continue
                record, document = loaded
                _insert(connection, record, json.dumps(document, separators=(",", ":")))
                records += 1
                withdrawn += record.is_withdrawn
        return records, withdrawn, errors

    def _connect(self) -> sqlite3.Connection:
        """Open the store read-only, checking that it exists and has this schema."""
        if not self.path.exists():
            raise VulnStoreError(
                self.path, "no such file", hint="import OSV records first (polypac vuln import)"
            )
        try:
            connection = sqlite3.connect(f"{self.path.as_uri()}?mode=ro", uri=True)
            version = connection.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.Error as error:
            raise VulnStoreError(self.path, f"cannot open: {error}") from error
        if version != SCHEMA_VERSION:
            connection.close()
            raise VulnStoreError(
                self.path,
                f"schema version {version}, expected {SCHEMA_VERSION}",
                hint="import the records again with replace (polypac vuln import --replace)",
            )
        return connection

    def _records(self, query: str, parameter: str) -> Iterator[OsvRecord]:
        with contextlib.closing(self._connect()) as connection:
            rows = connection.execute(query, (parameter,)).fetchall()
        for (body,) in rows:
            yield record_from_mapping(json.loads(body))

    def match(self, purl: PackageURL) -> list[Finding]:
        """Every non-withdrawn record that affects the version of ``purl``, sorted by id."""
        key = package_key(purl.type, purl.namespace, purl.name)
        query = (
            "SELECT DISTINCT r.body FROM packages p JOIN records r ON r.id = p.record_id"
            " WHERE p.key = ? AND r.withdrawn = 0 ORDER BY r.id"
        )
        findings = (finding(record, purl) for record in self._records(query, key))
        return [found for found in findings if found is not None]

    def get(self, name: str) -> list[OsvRecord]:
        """The records whose id or one of whose aliases (e.g. a CVE id) is ``name``."""
        query = (
            "SELECT DISTINCT r.body FROM names n JOIN records r ON r.id = n.record_id"
            " WHERE n.name = ? ORDER BY r.id"
        )
        return list(self._records(query, name))

    def count(self) -> tuple[int, int]:
        """How many records the store holds, and how many of them are withdrawn."""
        with contextlib.closing(self._connect()) as connection:
            total, withdrawn = connection.execute(
                "SELECT COUNT(*), COALESCE(SUM(withdrawn), 0) FROM records"
            ).fetchone()
        return int(total), int(withdrawn)


def _insert(connection: sqlite3.Connection, record: OsvRecord, body: str) -> None:
    for table in ("packages", "names"):
        connection.execute(f"DELETE FROM {table} WHERE record_id = ?", (record.id,))
    connection.execute(
        "INSERT OR REPLACE INTO records VALUES (?, ?, ?, ?)",
        (record.id, record.modified, int(record.is_withdrawn), body),
    )
    keys = {entry.package_key for entry in record.affected if entry.package_key}
    connection.executemany(
        "INSERT INTO packages VALUES (?, ?)", [(key, record.id) for key in sorted(keys)]
    )
    names = dict.fromkeys((record.id, *record.aliases))
    connection.executemany("INSERT INTO names VALUES (?, ?)", [(n, record.id) for n in names])
