"""Identity pinning: the first build identity seen per package, and changes from it.

A package whose releases were all built by ``github.com/o/r`` with ``release.yml`` and whose
next release was built elsewhere, or comes without provenance at all, is what a hijacked
maintainer account looks like: the attacker publishes from a laptop. :class:`PinStore` keeps
the first identity (source repository and workflow path) seen for each package, keyed by
the PURL without version, and :meth:`PinStore.check` reports a :class:`ProvenanceChange` when
a later version differs. A package never seen with provenance has no pin; its first version
with provenance sets one.

The store is an SQLite file at ``$XDG_CACHE_HOME/polypac/attest-pins.sqlite3`` (``~/.cache``
when unset). It is created whole in a temporary file and moved into place; each pin is
written in one transaction, and when two processes pin the same package at once the first
write wins. ``PRAGMA user_version`` holds :data:`SCHEMA_VERSION`.

>>> import tempfile, pathlib
>>> store = PinStore(pathlib.Path(tempfile.mkdtemp()) / "pins.sqlite3")
>>> built = BuildIdentity("https://github.com/o/r", ".github/workflows/release.yml")
>>> store.check("pkg:npm/left-pad", "1.0.0", built) is None
True
>>> print(store.check("pkg:npm/left-pad", "1.0.1", None))
pkg:npm/left-pad@1.0.1 has no provenance, but 1.0.0 was built by https://github.com/o/r \
(.github/workflows/release.yml)
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from polypac.attest.identity import Identity
from polypac.errors import PolypacError
from polypac.purl import PackageURL

__all__ = [
    "SCHEMA_VERSION",
    "BuildIdentity",
    "ChangeKind",
    "Pin",
    "PinStore",
    "PinStoreError",
    "ProvenanceChange",
    "default_pins_path",
    "package_key",
]

SCHEMA_VERSION = 1
"""Bumped whenever the table changes; a store of another version is refused."""

_SCHEMA = """
CREATE TABLE pins (
    package TEXT PRIMARY KEY,
    version TEXT NOT NULL,
    repository TEXT NOT NULL,
    workflow TEXT,
    first_seen TEXT NOT NULL
);
"""

ChangeKind = Literal["repository", "workflow", "no provenance"]


class PinStoreError(PolypacError):
    """The pin store cannot be opened, is of another schema version, or is not SQLite."""

    def __init__(self, path: Path, problem: str, hint: str | None = None) -> None:
        self.path = path
        self.problem = problem
        self.hint = hint
        text = f"attestation pin store {path}: {problem}"
        super().__init__(text if hint is None else f"{text}\nhint: {hint}")

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.path, self.problem, self.hint))


@dataclass(frozen=True, slots=True)
class BuildIdentity:
    """Who built a release: the source ``repository`` URL and the ``workflow`` path in it
    (without the ``@ref``, which changes with every tag)."""

    repository: str
    workflow: str | None

    @classmethod
    def of(cls, identity: Identity) -> BuildIdentity | None:
        """The build identity a certificate states; ``None`` without a source repository
        (a person's e-mail signs no repository)."""
        if identity.source_repository is None:
            return None
        return cls(_normalize(identity.source_repository), identity.workflow)

    def __str__(self) -> str:
        return self.repository if self.workflow is None else f"{self.repository} ({self.workflow})"


@dataclass(frozen=True, slots=True)
class Pin:
    """The identity first seen for ``package``, at ``version``, on ``first_seen``."""

    package: str
    version: str
    identity: BuildIdentity
    first_seen: datetime


@dataclass(frozen=True, slots=True)
class ProvenanceChange:
    """``version`` of ``package`` was not built as the pinned version was.

    ``kind`` is ``"repository"`` (another source repository), ``"workflow"`` (same
    repository, another workflow) or ``"no provenance"``; ``found`` is what this version
    states (``None`` for no provenance).
    """

    package: str
    version: str
    kind: ChangeKind
    pinned: Pin
    found: BuildIdentity | None

    def __str__(self) -> str:
        was = f"{self.pinned.version} was built by {self.pinned.identity}"
        if self.found is None:
            return f"{self.package}@{self.version} has no provenance, but {was}"
        return f"{self.package}@{self.version} was built by {self.found}, but {was}"


def default_pins_path() -> Path:
    """``$XDG_CACHE_HOME/polypac/attest-pins.sqlite3``, else under ``~/.cache``."""
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "polypac" / "attest-pins.sqlite3"


def package_key(purl: PackageURL) -> str:
    """The PURL of the package without version, qualifiers or subpath: what pins are
    keyed by (``pkg:npm/%40scope/name``)."""
    bare = PackageURL(type=purl.type, namespace=purl.namespace, name=purl.name)
    return bare.to_string()


class PinStore:
    """The first build identity of each package, on disk."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = (Path(path) if path is not None else default_pins_path()).absolute()

    def get(self, package: str) -> Pin | None:
        """The pin of ``package`` (a :func:`package_key`), if there is one."""
        with self._connection() as connection:
            row = connection.execute(
                "SELECT package, version, repository, workflow, first_seen FROM pins"
                " WHERE package = ?",
                (package,),
            ).fetchone()
        return None if row is None else _pin(row)

    def pins(self) -> list[Pin]:
        """Every pin, sorted by package."""
        with self._connection() as connection:
            rows = connection.execute(
                "SELECT package, version, repository, workflow, first_seen FROM pins"
                " ORDER BY package"
            ).fetchall()
        return [_pin(row) for row in rows]

    def check(
        self,
        package: str,
        version: str,
        found: BuildIdentity | None,
        *,
        now: datetime | None = None,
    ) -> ProvenanceChange | None:
        """Compare ``version``'s build identity (``None``: no provenance) with the pin.

        Without a pin, ``found`` becomes the pin (when there is one) and the answer is
        ``None``. With one, a different repository or workflow, or no provenance, is a
        :class:`ProvenanceChange`; the pin is kept as it was.
        """
        when = (now or datetime.now(UTC)).astimezone(UTC)
        with self._connection() as connection:
            if found is not None:
                connection.execute(
                    "INSERT OR IGNORE INTO pins VALUES (?, ?, ?, ?, ?)",
                    (package, version, found.repository, found.workflow, when.isoformat()),
                )
            row = connection.execute(
                "SELECT package, version, repository, workflow, first_seen FROM pins"
                " WHERE package = ?",
                (package,),
            ).fetchone()
        if row is None:
            return None
        pin = _pin(row)
        if found is None:
            return ProvenanceChange(package, version, "no provenance", pin, None)
        if found.repository.lower() != pin.identity.repository.lower():
            return ProvenanceChange(package, version, "repository", pin, found)
        if found.workflow != pin.identity.workflow:
            return ProvenanceChange(package, version, "workflow", pin, found)
        return None

    def forget(self, package: str) -> bool:
        """Drop the pin of ``package`` (after a move that was checked); whether there was one."""
        with self._connection() as connection:
            cursor = connection.execute("DELETE FROM pins WHERE package = ?", (package,))
        return cursor.rowcount > 0

    @contextlib.contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        """One transaction on the store (created first if missing); commits on success."""
        if not self.path.exists():
            self._create()
        try:
            connection = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
        except sqlite3.Error as error:
            raise PinStoreError(self.path, f"cannot open: {error}") from error
        try:
            try:
                version = connection.execute("PRAGMA user_version").fetchone()[0]
            except sqlite3.DatabaseError as error:
                raise PinStoreError(self.path, f"not a pin store: {error}") from error
            if version != SCHEMA_VERSION:
                raise PinStoreError(
                    self.path,
                    f"schema version {version}, expected {SCHEMA_VERSION}",
                    hint="move the file away; polypac will start a new store",
                )
            connection.execute("BEGIN IMMEDIATE")
            try:
                yield connection
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")
        except sqlite3.Error as error:
            raise PinStoreError(self.path, f"cannot use: {error}") from error
        finally:
            connection.close()

    def _create(self) -> None:
        """Write an empty store beside the path and move it into place (never half a file)."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(
                prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent
            )
        except OSError as error:
            raise PinStoreError(self.path, f"cannot create: {error}") from error
        os.close(handle)
        temporary = Path(name)
        try:
            connection = sqlite3.connect(temporary)
            try:
                connection.executescript(_SCHEMA)
                connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                connection.commit()
            finally:
                connection.close()
            # a hard link creates the name only if it is free: a store that another process
            # created meanwhile (and may have written to) is never replaced
            with contextlib.suppress(FileExistsError):
                os.link(temporary, self.path)
        except (OSError, sqlite3.Error) as error:
            raise PinStoreError(self.path, f"cannot create: {error}") from error
        finally:
            with contextlib.suppress(FileNotFoundError):
                temporary.unlink()


def _pin(row: tuple[str, str, str, str | None, str]) -> Pin:
    package, version, repository, workflow, first_seen = row
    return Pin(
        package, version, BuildIdentity(repository, workflow), datetime.fromisoformat(first_seen)
    )


def _normalize(repository: str) -> str:
    return repository.rstrip("/").removesuffix(".git")
