"""Packages indexes of a Debian archive (plain, .gz, .xz or .lz4) as binary package records.

A stanza or relation that does not parse is kept as an error naming the file and line; that
package is skipped and the rest of the index is read.
"""

from __future__ import annotations

import gc
import gzip
import lzma
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from polypac.ecosystems.debian.deb822 import ControlFileError, Stanza, parse_deb822
from polypac.ecosystems.debian.relations import RelationError, Relations, parse_relations
from polypac.errors import ParseError, PolypacError

__all__ = [
    "BinaryPackage",
    "PackagesIndex",
    "read_index_text",
    "read_packages",
    "read_packages_text",
]

_RELATION_FIELDS = {
    "Depends": "depends",
    "Pre-Depends": "pre_depends",
    "Conflicts": "conflicts",
    "Breaks": "breaks",
    "Provides": "provides",
}


@dataclass(frozen=True, slots=True)
class BinaryPackage:
    """One binary package of an index, with the relations installability needs."""

    name: str
    version: str
    architecture: str
    multi_arch: str = "no"
    essential: bool = False
    depends: Relations = ()
    pre_depends: Relations = ()
    conflicts: Relations = ()
    breaks: Relations = ()
    provides: Relations = ()
    source: str | None = None
    line: int = 0

    def __str__(self) -> str:
        return f"{self.name} {self.version} ({self.architecture})"


@dataclass(slots=True)
class PackagesIndex:
    """The packages read from one or more indexes, and what could not be read."""

    packages: list[BinaryPackage] = field(default_factory=list)
    errors: list[ParseError] = field(default_factory=list)

    def extend(self, other: PackagesIndex) -> None:
        """Add another index's packages and errors."""
        self.packages.extend(other.packages)
        self.errors.extend(other.errors)


def read_index_text(path: Path) -> str:
    """The text of one index file, decompressed by its suffix (.gz, .xz, .lz4, or plain)."""
    suffix = path.suffix
    try:
        if suffix == ".gz":
            data = gzip.decompress(path.read_bytes())
        elif suffix == ".xz":
            data = lzma.decompress(path.read_bytes())
        elif suffix == ".lz4":
            import lz4.frame

            data = lz4.frame.decompress(path.read_bytes())
        else:
            data = path.read_bytes()
    except (OSError, EOFError, lzma.LZMAError, RuntimeError) as error:
        raise PolypacError(f"{path}: cannot read: {error}") from error
    return data.decode("utf-8", errors="replace")


def read_packages(paths: Iterable[Path | str]) -> PackagesIndex:
    """Read every Packages index in ``paths`` (compression chosen by file suffix)."""
    index = PackagesIndex()
    for path in map(Path, paths):
        index.extend(read_packages_text(read_index_text(path), source=str(path)))
    return index


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector: reading an archive allocates millions of small
    objects that hold no cycles, and its passes over them double the reading time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def read_packages_text(text: str, *, source: str | None = None) -> PackagesIndex:
    """Read the text of one Packages index."""
    with _collector_paused():
        return _read_packages_text(text, source)


def _read_packages_text(text: str, source: str | None) -> PackagesIndex:
    index = PackagesIndex()
    for item in parse_deb822(text, source=source):
        if isinstance(item, ControlFileError):
            index.errors.append(item)
            continue
        try:
            index.packages.append(_binary_package(item, source))
        except ParseError as error:
            index.errors.append(error)
    return index


def _binary_package(stanza: Stanza, source: str | None) -> BinaryPackage:
    fields = stanza.fields
    missing = [key for key in ("Package", "Version", "Architecture") if key not in fields]
    if missing:
        first = next(iter(fields), "")
        raise ControlFileError(
            f"{first}: {fields.get(first, '')}",
            None,
            f"stanza lacks {', '.join(missing)}",
            source=source,
            line=stanza.line,
        )
    relations: dict[str, Relations] = {}
    for key, attribute in _RELATION_FIELDS.items():
        value = fields.get(key)
        if value:
            try:
                relations[attribute] = parse_relations(value)
            except RelationError as error:
                raise error.located(source, stanza.field_line(key)) from error
    return BinaryPackage(
        name=fields["Package"],
        version=fields["Version"],
        architecture=fields["Architecture"],
        multi_arch=fields.get("Multi-Arch", "no"),
        essential=fields.get("Essential", "no") == "yes",
        source=fields.get("Source"),
        line=stanza.line,
        **relations,
    )
