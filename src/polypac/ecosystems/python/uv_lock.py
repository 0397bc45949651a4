"""uv's lockfile, ``uv.lock``: TOML, one ``[[package]]`` table per locked distribution.

Each package names its ``dependencies``, its ``optional-dependencies`` by extra and its
``dev-dependencies`` by group, each entry an inline table ``{ name = ..., marker = ... }``
(with ``version``/``source`` added when several versions of one name are locked). The
projects of the workspace are the packages whose source is ``virtual`` or ``editable``; the
root of the graph is the one at ``"."`` (else every such project is a root).

    >>> lock = '''
    ... version = 1
    ... [[package]]
    ... name = "app"
    ... version = "0.1.0"
    ... source = { virtual = "." }
    ... dependencies = [{ name = "idna" }]
    ... [[package]]
    ... name = "idna"
    ... version = "3.7"
    ... source = { registry = "https://pypi.org/simple" }
    ... '''
    >>> [str(edge) for edge in read_uv_lock(lock, source="uv.lock").graph.edges]
    ['pkg:pypi/app@0.1.0 -> pkg:pypi/idna@3.7 (runtime, direct, uv.lock:7)']
"""

from __future__ import annotations

from typing import Any

from polypac.ecosystems.python._common import (
    TomlBlock,
    find_line,
    pypi_purl,
    read_toml_blocks,
)
from polypac.errors import PurlError
from polypac.inventory._readers import generic_root
from polypac.inventory.graph import Location, LockfileError, Node, ReadResult, Scope

__all__ = ["read_uv_lock"]

_WHAT = "uv.lock"
_PROJECT_SOURCES = ("virtual", "editable")


def _entry_error(
    block: TomlBlock, problem: str, source: str, line: int | None = None
) -> LockfileError:
    where = line if line is not None else block.line
    text = block.lines[where - block.line] if 0 <= where - block.line < len(block.lines) else ""
    return LockfileError(text, None, problem, what=_WHAT, source=source, line=where)


def _sections(table: dict[str, Any]) -> list[tuple[Scope, str, list[Any]]]:
    """The dependency lists of a package: (scope, header to search from, entries)."""
    found: list[tuple[Scope, str, list[Any]]] = []
    runtime = table.get("dependencies", [])
    found.append((Scope.RUNTIME, "dependencies = [", runtime))
    for header, key, scope in (
        ("[package.optional-dependencies]", "optional-dependencies", Scope.OPTIONAL),
        ("[package.dev-dependencies]", "dev-dependencies", Scope.DEV),
    ):
        groups = table.get(key, {})
        if not isinstance(groups, dict):
            found.append((scope, header, [groups]))
            continue
        for entries in groups.values():
            found.append((scope, header, entries))
    return found


def read_uv_lock(text: str, *, source: str) -> ReadResult:
    """Read a ``uv.lock`` into a dependency graph rooted at the workspace project."""
    result = ReadResult()
    graph = result.graph
    document, errors = read_toml_blocks(text, array="package", source=source, what=_WHAT)
    result.errors.extend(errors)

    by_name: dict[str, list[tuple[str | None, Node]]] = {}
    placed: list[tuple[TomlBlock, Node]] = []
    projects: list[tuple[Node, bool]] = []
    for block in document.blocks:
        name, version = block.table.get("name"), block.table.get("version")
        if not isinstance(name, str) or not isinstance(version, str | None):
            result.errors.append(
                _entry_error(block, "a package needs a string name and version", source)
            )
            continue
        try:
            node = graph.add_node(pypi_purl(name, version))
        except PurlError as error:
            result.errors.append(_entry_error(block, f"bad package name: {error.problem}", source))
            continue
        by_name.setdefault(node.purl.name, []).append((version, node))
        placed.append((block, node))
        origin = block.table.get("source", {})
        if isinstance(origin, dict):
            for kind in _PROJECT_SOURCES:
                if kind in origin:
                    projects.append((node, origin[kind] == "."))

    at_top = [node for node, top in projects if top] or [node for node, _ in projects]
    for node in at_top:
        graph.add_node(node.purl, root=True)
    roots = {node.key for node in at_top}

    depended: set[str] = set()
    for block, parent in placed:
        for scope, header, entries in _sections(block.table):
            start = max(find_line(block, header) - block.line, 0)
            if not isinstance(entries, list):
                result.errors.append(
                    _entry_error(block, f"{header.strip('[= ')} must be an array", source)
                )
                continue
            for entry in entries:
                if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
                    result.errors.append(
                        _entry_error(block, "a dependency needs a name", source, block.line + start)
                    )
                    continue
                name = entry["name"]
                line = find_line(block, f'name = "{name}"', start)
                child = _pick(by_name, name, entry.get("version"))
                if child is None:
                    if errors:
                        continue  # most likely locked in a block that could not be read
                    result.errors.append(
                        _entry_error(
                            block, f"dependency {name!r} is not a locked package", source, line
                        )
                    )
                    continue
                depended.add(child.key)
                graph.add_edge(
                    parent,
                    child,
                    scope,
                    direct=parent.key in roots,
                    declared_at=Location(source, line),
                )

    if not roots:
        root = generic_root(graph, source)
        for block, node in placed:
            if node.key not in depended:
                graph.add_edge(
                    root,
                    node,
                    Scope.RUNTIME,
                    direct=True,
                    declared_at=Location(source, block.line),
                )
    return result


def _pick(
    by_name: dict[str, list[tuple[str | None, Node]]], name: str, version: object
) -> Node | None:
    """The locked package a dependency entry means: by name, and by version if given."""
    try:
        key = pypi_purl(name, None).name
    except PurlError:
        return None
    candidates = by_name.get(key, [])
    for locked, node in candidates:
        if version is None or locked == version:
            return node
    return None
