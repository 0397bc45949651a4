"""Read a ``Cargo.lock`` (lock file versions 1 to 4) into a dependency graph.

A Cargo.lock lists every package of the resolve as a ``[[package]]`` table with ``name``,
``version``, an optional ``source`` (none for the crates of the workspace and other path
crates) and ``dependencies``: references ``"name"``, ``"name version"`` or
``"name version (source)"``, as short as still unambiguous (version 1 always wrote the
version and source and kept the checksums in a ``[metadata]`` table; version 2 dropped
that; versions 3 and 4 add a ``version = N`` line and change how git URLs are encoded).
Very old files named the root crate in a ``[root]`` table.

The lock file does not say which dependencies are dev or build ones, so every edge has
scope ``RUNTIME``: read ``Cargo.toml`` (:mod:`polypac.ecosystems.cargo.cargo_toml`) for
the scopes. Unless a ``[root]`` table names the project, the root is
``pkg:generic/<directory>`` and depends directly on every crate without a source (the
workspace members and path crates); their dependencies are direct, the rest transitive.

    >>> lock = '''version = 4
    ...
    ... [[package]]
    ... name = "app"
    ... version = "0.1.0"
    ... dependencies = ["itoa"]
    ...
    ... [[package]]
    ... name = "itoa"
    ... version = "1.0.11"
    ... source = "registry+https://github.com/rust-lang/crates.io-index"
    ... '''
    >>> result = read_cargo_lock(lock, source="demo/Cargo.lock")
    >>> [str(edge) for edge in result.graph.edges]  # doctest: +NORMALIZE_WHITESPACE
    ['pkg:generic/demo -> pkg:cargo/app@0.1.0 (runtime, direct, demo/Cargo.lock:3)',
     'pkg:cargo/app@0.1.0 -> pkg:cargo/itoa@1.0.11 (runtime, direct, demo/Cargo.lock:6)']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from polypac.ecosystems.cargo._toml import Section, generic_root, load_section, sections
from polypac.errors import PolypacError
from polypac.inventory.graph import (
    Location,
    LockfileError,
    Node,
    ReadResult,
    Scope,
)
from polypac.purl import PackageURL, build_purl

__all__ = ["SUPPORTED_LOCK_VERSIONS", "cargo_purl", "read_cargo_lock"]

WHAT = "Cargo.lock"

SUPPORTED_LOCK_VERSIONS = (1, 2, 3, 4)
"""The lock file versions this reader knows (1 and 2 have no ``version`` line)."""

_KNOWN = frozenset(SUPPORTED_LOCK_VERSIONS)
_CRATES_IO = frozenset(
    {
        "registry+https://github.com/rust-lang/crates.io-index",
        "sparse+https://index.crates.io/",
    }
)
_REFERENCE = re.compile(r"(?P<name>[^ ()]+)(?: (?P<version>[^ ()]+))?(?: \((?P<source>[^()]+)\))?")


@dataclass(frozen=True, slots=True)
class _Dependency:
    reference: str
    line: int
    line_text: str


@dataclass(frozen=True, slots=True)
class _Package:
    name: str
    version: str
    source: str | None
    dependencies: tuple[_Dependency, ...]
    line: int
    line_text: str


def cargo_purl(name: str, version: str | None = None, source: str | None = None) -> PackageURL:
    """The PURL of a crate from its Cargo ``source``: crates.io needs no qualifier, another
    registry gets ``repository_url``, a git source ``vcs_url`` (``git+URL@commit``).

    >>> cargo_purl("serde", "1.0.200").to_string()
    'pkg:cargo/serde@1.0.200'
    >>> cargo_purl("lib", "0.1.0", "git+https://example.com/lib.git?branch=main#abc123").qualifiers
    (('vcs_url', 'git+https://example.com/lib.git@abc123'),)
    """
    qualifiers: dict[str, str] = {}
    if source is not None and source not in _CRATES_IO:
        kind, _, url = source.partition("+")
        if kind == "git":
            location, _, commit = url.partition("#")
            location = location.split("?", 1)[0]
            qualifiers["vcs_url"] = f"git+{location}@{commit}" if commit else f"git+{location}"
        elif kind in ("registry", "sparse") and url:
            qualifiers["repository_url"] = url
    return build_purl("cargo", name, version=version, qualifiers=qualifiers or None)


def read_cargo_lock(text: str, *, source: str) -> ReadResult:
    """The dependency graph of the Cargo.lock ``text`` read from file ``source``.

    Problems (bad TOML, a package without a name, a dependency that names no package) are
    returned in ``errors`` as :class:`~polypac.inventory.graph.LockfileError`; the rest of
    the file is still read.
    """
    result = ReadResult()
    packages, root_package = _read_packages(text, source, result.errors)
    graph = result.graph
    nodes: dict[int, Node] = {}
    by_name: dict[str, list[int]] = {}
    everything = [*packages, *([root_package] if root_package else [])]
    for index, package in enumerate(everything):
        try:
            purl = cargo_purl(package.name, package.version, package.source)
        except PolypacError as error:
            result.errors.append(_error(package.line_text, None, str(error), source, package.line))
            continue
        nodes[index] = graph.add_node(purl, root=package is root_package)
        by_name.setdefault(package.name, []).append(index)

    root_index = len(everything) - 1 if root_package else None
    if root_index is None or root_index not in nodes:
        root = graph.add_node(generic_root(source), root=True)
        for index, package in enumerate(packages):
            if package.source is None and index in nodes:
                where = Location(source, package.line)
                graph.add_edge(root, nodes[index], Scope.RUNTIME, direct=True, declared_at=where)

    for index, package in enumerate(everything):
        parent = nodes.get(index)
        if parent is None:
            continue
        direct = package.source is None
        for dependency in package.dependencies:
            target = _resolve(dependency, everything, by_name, source, result.errors)
            if target is None or target not in nodes:
                continue
            where = Location(source, dependency.line)
            graph.add_edge(parent, nodes[target], Scope.RUNTIME, direct=direct, declared_at=where)
    return result


def _read_packages(
    text: str, source: str, errors: list[LockfileError]
) -> tuple[list[_Package], _Package | None]:
    """The ``[[package]]`` tables and the ``[root]`` table, each parsed on its own."""
    packages: list[_Package] = []
    root: _Package | None = None
    for section in sections(text):
        table, error = load_section(section, source=source, what=WHAT)
        if error is not None:
            errors.append(error)
            continue
        assert table is not None
        if "version" in table:
            _check_lock_version(table["version"], section, source, errors)
        for key, value in table.items():
            if key == "package":
                if not isinstance(value, list):
                    problem = "[package] must be an array of tables: write [[package]]"
                    errors.append(_error(_first(section), None, problem, source, section.line))
                    continue
                for item in value:
                    package = _package(item, section, source, errors)
                    if package is not None:
                        packages.append(package)
            elif key == "root" and isinstance(value, dict):
                root = _package(value, section, source, errors)
    return packages, root


def _check_lock_version(
    version: object, section: Section, source: str, errors: list[LockfileError]
) -> None:
    if isinstance(version, int) and not isinstance(version, bool) and version in _KNOWN:
        return
    number, line_text = _find_line(section, "version")
    known = ", ".join(str(v) for v in SUPPORTED_LOCK_VERSIONS)
    problem = f"lock file version {version!r} is not supported (known versions: {known})"
    errors.append(_error(line_text, None, problem, source, number))


def _package(
    item: Any, section: Section, source: str, errors: list[LockfileError]
) -> _Package | None:
    header = _first(section)
    if not isinstance(item, dict):
        errors.append(_error(header, None, "a package must be a table", source, section.line))
        return None
    name, version, where = item.get("name"), item.get("version"), item.get("source")
    for key, value in (("name", name), ("version", version)):
        if not isinstance(value, str) or not value:
            problem = f'package has no {key} (expected {key} = "...")'
            if value is not None:
                problem = f"package {key} must be a non-empty string, not {value!r}"
            errors.append(_error(header, None, problem, source, section.line))
            return None
    assert isinstance(name, str)
    assert isinstance(version, str)
    if where is not None and not isinstance(where, str):
        problem = f"package source must be a string, not {where!r}"
        errors.append(_error(header, None, problem, source, section.line))
        where = None
    raw = item.get("dependencies", [])
    if not isinstance(raw, list):
        raw = [raw]
    dependencies: list[_Dependency] = []
    lines = section.text.splitlines()
    search_from = 0
    for reference in raw:
        if not isinstance(reference, str):
            problem = f"a dependency must be a string, not {reference!r}"
            number, line_text = _find_line(section, "dependencies")
            errors.append(_error(line_text, None, problem, source, number))
            continue
        offset = _index_of(lines, f'"{reference}"', search_from)
        if offset is None:
            offset = _index_of(lines, "dependencies", 0) or 0
        else:
            search_from = offset
        dependencies.append(_Dependency(reference, section.line + offset, lines[offset]))
    return _Package(name, version, where, tuple(dependencies), section.line, header)


def _resolve(
    dependency: _Dependency,
    packages: list[_Package],
    by_name: dict[str, list[int]],
    source: str,
    errors: list[LockfileError],
) -> int | None:
    """The index of the package a dependency reference names."""
    reference = dependency.reference
    found = dependency.line_text.find(reference)
    column = None if found < 0 else found
    match = _REFERENCE.fullmatch(reference)
    if match is None:
        problem = (
            f'dependency "{reference}" is not "name", "name version" or "name version (source)"'
        )
        errors.append(_error(dependency.line_text, column, problem, source, dependency.line))
        return None
    candidates = [
        index
        for index in by_name.get(match["name"], [])
        if match["version"] in (None, packages[index].version)
        and match["source"] in (None, packages[index].source)
    ]
    if len(candidates) == 1:
        return candidates[0]
    if candidates:
        problem = f'dependency "{reference}" matches {len(candidates)} packages: add its version'
    else:
        problem = f'dependency "{reference}" names no package of this file'
    errors.append(_error(dependency.line_text, column, problem, source, dependency.line))
    return None


def _first(section: Section) -> str:
    lines = section.text.splitlines()
    return lines[0] if lines else ""


def _index_of(lines: list[str], needle: str, start: int) -> int | None:
    for offset in range(start, len(lines)):
        if needle in lines[offset]:
            return offset
    return None


def _find_line(section: Section, key: str) -> tuple[int, str]:
    """The file line number and text of the first line of ``section`` mentioning ``key``."""
    lines = section.text.splitlines() or [""]
    offset = _index_of(lines, key, 0) or 0
    return section.line + offset, lines[offset]


def _error(
    line_text: str, column: int | None, problem: str, source: str, line: int
) -> LockfileError:
    return LockfileError(line_text, column, problem, what=WHAT, source=source, line=line)
