"""Poetry's lockfile, ``poetry.lock``: TOML, one ``[[package]]`` table per locked package.

A package lists its ``[package.dependencies]`` as ``name = "constraint"``, an inline table
(``{version = ..., markers = ..., optional = true}``) or an array of those, and its
dependency ``groups`` (``category`` before Poetry 1.2). The lockfile does not name the
project nor say which packages it asked for, so the root is ``pkg:generic/<directory>`` and
its direct dependencies are the packages that no other locked package depends on: those in
group ``main`` are runtime dependencies (optional ones when ``optional = true``), the others
development dependencies. (A package that the project asks for and that another package also
needs is then seen as transitive only.)

    >>> lock = '''
    ... [[package]]
    ... name = "rich"
    ... version = "13.7.1"
    ... groups = ["main"]
    ...
    ... [package.dependencies]
    ... pygments = ">=2.13.0,<3.0.0"
    ...
    ... [[package]]
    ... name = "pygments"
    ... version = "2.18.0"
    ... groups = ["main"]
    ... '''
    >>> for edge in read_poetry_lock(lock, source="app/poetry.lock").graph.edges:
    ...     print(edge)
    pkg:pypi/rich@13.7.1 -> pkg:pypi/pygments@2.18.0 (runtime, transitive, app/poetry.lock:8)
    pkg:generic/app -> pkg:pypi/rich@13.7.1 (runtime, direct, app/poetry.lock:2)
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

__all__ = ["read_poetry_lock"]

_WHAT = "poetry.lock"
_DEPENDENCIES = "[package.dependencies]"


def _error(block: TomlBlock, problem: str, source: str, line: int) -> LockfileError:
    offset = line - block.line
    text = block.lines[offset] if 0 <= offset < len(block.lines) else ""
    return LockfileError(text, None, problem, what=_WHAT, source=source, line=line)


def _is_optional(constraint: Any) -> bool:
    items = constraint if isinstance(constraint, list) else [constraint]
    return bool(items) and all(isinstance(item, dict) and item.get("optional") for item in items)


def _direct_scope(table: dict[str, Any]) -> Scope:
    groups = table.get("groups")
    if not isinstance(groups, list):
        category = table.get("category", "main")
        groups = [category]
    if "main" in groups:
        return Scope.OPTIONAL if table.get("optional") is True else Scope.RUNTIME
    return Scope.DEV


def read_poetry_lock(text: str, *, source: str) -> ReadResult:
    """Read a ``poetry.lock`` into a dependency graph rooted at ``pkg:generic/<directory>``."""
    result = ReadResult()
    graph = result.graph
    document, errors = read_toml_blocks(text, array="package", source=source, what=_WHAT)
    result.errors.extend(errors)

    nodes: dict[str, Node] = {}
    placed: list[tuple[TomlBlock, Node]] = []
    for block in document.blocks:
        name, version = block.table.get("name"), block.table.get("version")
        if not isinstance(name, str) or not isinstance(version, str):
            result.errors.append(
                _error(block, "a package needs a string name and version", source, block.line)
            )
            continue
        try:
            node = graph.add_node(pypi_purl(name, version))
        except PurlError as error:
            result.errors.append(
                _error(block, f"bad package name: {error.problem}", source, block.line)
            )
            continue
        nodes.setdefault(node.purl.name, node)
        placed.append((block, node))

    depended: set[str] = set()
    for block, parent in placed:
        dependencies = block.table.get("dependencies", {})
        start = find_line(block, _DEPENDENCIES) - block.line
        if not isinstance(dependencies, dict):
            result.errors.append(
                _error(block, "dependencies must be a table", source, block.line + start)
            )
            continue
        for name, constraint in dependencies.items():
            line = _key_line(block, name, start)
            try:
                child = nodes.get(pypi_purl(name, None).name)
            except PurlError as error:
                result.errors.append(
                    _error(block, f"bad dependency name: {error.problem}", source, line)
                )
                continue
            if child is None:
                # Poetry keeps constraints for packages left out by markers or extras.
                continue
            depended.add(child.key)
            scope = Scope.OPTIONAL if _is_optional(constraint) else Scope.RUNTIME
            graph.add_edge(parent, child, scope, direct=False, declared_at=Location(source, line))

    root = generic_root(graph, source)
    direct_edges = [(block, node) for block, node in placed if node.key not in depended]
    for block, node in direct_edges:
        graph.add_edge(
            root,
            node,
            _direct_scope(block.table),
            direct=True,
            declared_at=Location(source, block.line),
        )
    return result


def _key_line(block: TomlBlock, name: str, start: int) -> int:
    """The line where ``name`` is written as a key after ``start`` (bare or quoted)."""
    for index in range(max(start, 0), len(block.lines)):
        written = block.lines[index].lstrip()
        for form in (name, f'"{name}"'):
            if written.startswith(form) and written[len(form) :].lstrip().startswith("="):
                return block.line + index
    return block.line + max(start, 0)
