"""PEP 751 lockfiles, ``pylock.toml`` (and ``pylock.<name>.toml``).

One ``[[packages]]`` table per locked distribution, with ``name``, ``version`` (optional for
some sources) and a ``marker`` that says when it is installed: a marker that tests
``extras`` makes it an optional dependency, one that tests ``dependency_groups`` a
development one. The optional ``dependencies`` array (``{ name = ..., version = ... }``)
records the graph when the locker wrote it; the root, ``pkg:generic/<directory>``, then
depends on the packages that no other package depends on, else on every package.

    >>> lock = '''
    ... lock-version = "1.0"
    ... [[packages]]
    ... name = "pytest"
    ... version = "8.3.2"
    ... marker = "'dev' in dependency_groups"
    ... '''
    >>> [str(edge) for edge in read_pylock(lock, source="app/pylock.toml").graph.edges]
    ['pkg:generic/app -> pkg:pypi/pytest@8.3.2 (dev, direct, app/pylock.toml:3)']
"""

from __future__ import annotations

from polypac.ecosystems.python._common import (
    TomlBlock,
    find_line,
    pypi_purl,
    read_toml_blocks,
)
from polypac.errors import PurlError
from polypac.inventory._readers import generic_root
from polypac.inventory.graph import Location, LockfileError, Node, ReadResult, Scope

__all__ = ["read_pylock"]

_WHAT = "pylock.toml"


def _error(block: TomlBlock, problem: str, source: str, line: int) -> LockfileError:
    offset = line - block.line
    text = block.lines[offset] if 0 <= offset < len(block.lines) else ""
    return LockfileError(text, None, problem, what=_WHAT, source=source, line=line)


def _scope(marker: object) -> Scope:
    if isinstance(marker, str):
        if "dependency_groups" in marker:
            return Scope.DEV
        if "extras" in marker:
            return Scope.OPTIONAL
    return Scope.RUNTIME


def read_pylock(text: str, *, source: str) -> ReadResult:
    """Read a ``pylock.toml`` into a dependency graph rooted at ``pkg:generic/<directory>``."""
    result = ReadResult()
    graph = result.graph
    document, errors = read_toml_blocks(text, array="packages", source=source, what=_WHAT)
    result.errors.extend(errors)
    if "lock-version" not in document.top and not errors:
        result.errors.append(
            LockfileError("", None, "lock-version is missing", what=_WHAT, source=source, line=1)
        )

    by_name: dict[str, list[tuple[object, Node]]] = {}
    placed: list[tuple[TomlBlock, Node]] = []
    for block in document.blocks:
        name, version = block.table.get("name"), block.table.get("version")
        if not isinstance(name, str) or not isinstance(version, str | None):
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
        by_name.setdefault(node.purl.name, []).append((version, node))
        placed.append((block, node))

    depended: set[str] = set()
    for block, parent in placed:
        entries = block.table.get("dependencies", [])
        start = find_line(block, "dependencies") - block.line
        if not isinstance(entries, list):
            result.errors.append(
                _error(block, "dependencies must be an array", source, block.line + start)
            )
            continue
        for entry in entries:
            if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
                result.errors.append(
                    _error(block, "a dependency needs a name", source, block.line + start)
                )
                continue
            child = _pick(by_name, entry["name"], entry.get("version"))
            if child is None:
                continue  # left out of this lock by its marker, or written only by name
            depended.add(child.key)
            line = find_line(block, f'"{entry["name"]}"', start)
            graph.add_edge(
                parent, child, Scope.RUNTIME, direct=False, declared_at=Location(source, line)
            )

    root = generic_root(graph, source)
    for block, node in placed:
        if node.key not in depended:
            graph.add_edge(
                root,
                node,
                _scope(block.table.get("marker")),
                direct=True,
                declared_at=Location(source, block.line),
            )
    return result


def _pick(by_name: dict[str, list[tuple[object, Node]]], name: str, version: object) -> Node | None:
    try:
        key = pypi_purl(name, None).name
    except PurlError:
        return None
    for locked, node in by_name.get(key, []):
        if version is None or locked == version:
            return node
    return None
