"""Read a ``go.sum`` file: the checksums of the module versions a build needed.

Each line is ``<module> <version>[/go.mod] <hash>`` with a hash like ``h1:<base64>``
(https://go.dev/ref/mod#go-sum-files). A line without ``/go.mod`` checksums the module's
content, so the module was built; a ``/go.mod`` line only its go.mod, read for version
selection. The graph has the root ``pkg:generic/<directory>`` and an edge to each module
whose content is checksummed; go.sum does not say which requirements are direct (read
go.mod for that), so every edge is transitive.

    >>> text = "golang.org/x/text v0.14.0 h1:abc=\\ngolang.org/x/text v0.14.0/go.mod h1:def=\\n"
    >>> [str(e) for e in read_go_sum(text, source="app/go.sum").graph.edges]
    ['pkg:generic/app -> pkg:golang/golang.org/x/text@v0.14.0 (runtime, transitive, app/go.sum:1)']
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from polypac.ecosystems.golang._syntax import generic_root, golang_purl
from polypac.errors import PolypacError
from polypac.inventory.graph import Location, LockfileError, ReadResult, Scope

__all__ = ["SumEntry", "parse_go_sum", "read_go_sum"]

WHAT = "go.sum"

_HASH = re.compile(r"h\d+:[A-Za-z0-9+/]*=*")


@dataclass(frozen=True, slots=True)
class SumEntry:
    """One go.sum line; ``go_mod_only`` when it checksums only the module's go.mod."""

    path: str
    version: str
    go_mod_only: bool
    hash: str
    line: int


def parse_go_sum(text: str, *, source: str) -> tuple[list[SumEntry], list[LockfileError]]:
    """The entries of the go.sum ``text`` (file ``source``); bad lines are reported."""
    entries: list[SumEntry] = []
    errors: list[LockfileError] = []
    for number, line in enumerate(text.splitlines(), start=1):
        fields = line.split()
        if not fields:
            continue
        if len(fields) != 3:
            problem = f"expected 3 fields (module, version, hash), found {len(fields)}"
            errors.append(_error(line, None, problem, source, number))
            continue
        path, version, checksum = fields
        go_mod_only = version.endswith("/go.mod")
        version = version.removesuffix("/go.mod")
        if not (version.startswith("v") and len(version) > 1 and version[1].isdigit()):
            problem = f"version {version!r} must start with 'v' and a digit (like v1.2.3)"
            errors.append(_error(line, line.find(fields[1]), problem, source, number))
            continue
        if not _HASH.fullmatch(checksum):
            problem = "the hash must look like h1:<base64>"
            errors.append(_error(line, line.rfind(checksum), problem, source, number))
            continue
        entries.append(SumEntry(path, version, go_mod_only, checksum, number))
    return entries, errors


def read_go_sum(text: str, *, source: str) -> ReadResult:
    """The modules whose content the go.sum ``text`` (file ``source``) checksums."""
    entries, errors = parse_go_sum(text, source=source)
    result = ReadResult(errors=errors)
    graph = result.graph
    root = graph.add_node(generic_root(source), root=True)
    lines = text.splitlines()
    for entry in entries:
        if entry.go_mod_only:
            continue
        try:
            child = graph.add_node(golang_purl(entry.path, entry.version))
        except PolypacError as error:
            problem = str(error).splitlines()[0]
            errors.append(_error(lines[entry.line - 1], 0, problem, source, entry.line))
            continue
        where = Location(source, entry.line)
        graph.add_edge(root, child, Scope.RUNTIME, direct=False, declared_at=where)
    return result


def _error(line: str, column: int | None, problem: str, source: str, number: int) -> LockfileError:
    return LockfileError(line, column, problem, what=WHAT, source=source, line=number)
