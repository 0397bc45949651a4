"""Bun's text lockfile ``bun.lock`` (bun 1.2 and later; ``lockfileVersion`` 0 to 2).

The file is JSONC: JSON with trailing commas (and, where a person edited it, comments). It is
turned into JSON first by blanking comments and trailing commas outside strings, keeping
every other character where it was so that JSON errors point at the right line and column.

``workspaces[""]`` is the root project (its ``name``, and ``version`` when written) with its
``dependencies`` (runtime), ``devDependencies`` (dev), ``optionalDependencies`` (optional)
and ``peerDependencies`` (runtime). ``packages`` maps a key to
``["name@version", registry, {dependencies...}, integrity]`` (workspace, git and file
packages have fewer fields; the first object in the array holds the dependencies). A key
``parent/child`` is a second version nested under ``parent``: a package's dependency ``d``
resolves like node does, to the nearest key ``<ancestor>/d`` going up from its own key. Peer
dependencies that bun did not install (optional peers) are skipped.

    >>> lock = '''{"lockfileVersion": 1,
    ...  "workspaces": {"": {"name": "app", "dependencies": {"ms": "^2.1.0",},},},
    ...  "packages": {
    ...    "ms": ["ms@2.1.3", "", {}, "sha512-x"],
    ...  }}'''
    >>> [str(e) for e in read_bun_lock(lock, source="bun.lock").graph.edges]
    ['pkg:npm/app -> pkg:npm/ms@2.1.3 (runtime, direct, bun.lock:4)']
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from polypac.ecosystems.npm._common import (
    JsonKeyPath,
    add_npm_node,
    generic_root,
    json_key_lines,
    lockfile_error,
    split_name_at_version,
)
from polypac.inventory._readers import load_json_object
from polypac.inventory.graph import Location, Node, ReadResult, Scope

__all__ = ["JsoncError", "jsonc_to_json", "read_bun_lock"]

_WHAT = "bun.lock"

_ROOT_SECTIONS = (
    ("dependencies", Scope.RUNTIME),
    ("devDependencies", Scope.DEV),
    ("optionalDependencies", Scope.OPTIONAL),
    ("peerDependencies", Scope.RUNTIME),
)
_PACKAGE_SECTIONS = (
    ("dependencies", Scope.RUNTIME),
    ("optionalDependencies", Scope.OPTIONAL),
    ("peerDependencies", Scope.RUNTIME),
)


class JsoncError(ValueError):
    """JSONC that cannot be made JSON: the 1-based line and 0-based column, and the problem."""

    def __init__(self, line: int, column: int, problem: str) -> None:
        self.line = line
        self.column = column
        self.problem = problem
        super().__init__(f"line {line}, column {column + 1}: {problem}")


def jsonc_to_json(text: str) -> str:
    """``text`` with comments and trailing commas (outside strings) blanked to spaces.

    Every other character keeps its offset, so a JSON error in the result is at the same
    line and column as in ``text``. Raises :class:`JsoncError` for an unclosed comment.

    >>> jsonc_to_json('{"a": [1, 2,], // note\\n}')
    '{"a": [1, 2 ]         \\n}'
    """
    out = list(text)
    index = 0
    length = len(text)
    last_comma: int | None = None  # a comma that only blanks and comments follow, so far
    while index < length:
        char = text[index]
        if char == '"':
            last_comma = None
            index += 1
            while index < length and text[index] != '"':
                index += 2 if text[index] == "\\" else 1
            index += 1
            continue
        if char == "/" and text.startswith("//", index):
            end = text.find("\n", index)
            end = length if end < 0 else end
            out[index:end] = " " * (end - index)
            index = end
            continue
        if char == "/" and text.startswith("/*", index):
            end = text.find("*/", index + 2)
            if end < 0:
                line = text.count("\n", 0, index) + 1
                column = index - (text.rfind("\n", 0, index) + 1)
                raise JsoncError(line, column, "unclosed /* comment")
            for position in range(index, end + 2):
                if out[position] != "\n":
                    out[position] = " "
            index = end + 2
            continue
        if char == ",":
            last_comma = index
        elif char in "}]":
            if last_comma is not None:
                out[last_comma] = " "
            last_comma = None
        elif not char.isspace():
            last_comma = None
        index += 1
    return "".join(out)


@dataclass(frozen=True, slots=True)
class _Entry:
    """One ``packages`` entry: its key, node, line, and what it requires."""

    key: str
    node: Node
    line: int
    requires: tuple[tuple[str, Scope, bool], ...]  # (name, scope, is a peer)


def read_bun_lock(text: str, *, source: str) -> ReadResult:
    """Read a text ``bun.lock`` into a dependency graph."""
    result = ReadResult()
    try:
        plain = jsonc_to_json(text)
    except JsoncError as error:
        result.errors.append(
            lockfile_error(
                text, error.line, error.problem, what=_WHAT, source=source, column=error.column
            )
        )
        generic_root(result.graph, source)
        return result
    # the JSONC steps keep every line where it was, so errors point into the file as written
    document = load_json_object(plain, result, what=_WHAT, source=source)
    if document is None:
        return result
    lines = json_key_lines(plain)
    workspaces = document.get("workspaces", {})
    workspace = workspaces.get("") if isinstance(workspaces, dict) else None
    if not isinstance(workspace, dict):
        line = lines.get(("workspaces",), 1)
        result.errors.append(
            lockfile_error(
                text, line, 'workspaces must have the root project ""', what=_WHAT, source=source
            )
        )
        workspace = {}
    root = _root(result, workspace, text, source)
    packages = document.get("packages", {})
    if not isinstance(packages, dict):
        line = lines.get(("packages",), 1)
        result.errors.append(
            lockfile_error(text, line, "packages must be an object", what=_WHAT, source=source)
        )
        packages = {}
    entries = {entry.key: entry for entry in _entries(packages, lines, text, source, result)}

    def resolve(key: str, name: str) -> _Entry | None:
        parts = key.split("/") if key else []
        # Scoped names span two parts of a key: "@types/ms" nested is "a/@types/ms".
        while True:
            candidate = "/".join([*parts, name]) if parts else name
            if candidate in entries:
                return entries[candidate]
            if not parts:
                return None
            parts.pop()
            if parts and parts[-1].startswith("@"):
                parts.pop()

    for section, scope in _ROOT_SECTIONS:
        requested = workspace.get(section, {})
        if not isinstance(requested, dict):
            continue
        for name in requested:
            line = lines.get(("workspaces", "", section, name), 0)
            target = resolve("", name)
            if target is None:
                if section != "peerDependencies":
                    problem = f"the root depends on {name!r}, which packages does not list"
                    result.errors.append(
                        lockfile_error(text, line, problem, what=_WHAT, source=source)
                    )
                continue
            where = Location(source, target.line)
            result.graph.add_edge(root, target.node, scope, direct=True, declared_at=where)
    for entry in entries.values():
        for name, scope, peer in entry.requires:
            target = resolve(entry.key, name)
            if target is None:
                if not peer and scope is not Scope.OPTIONAL:
                    problem = f"{entry.key!r} depends on {name!r}, which packages does not list"
                    result.errors.append(
                        lockfile_error(text, entry.line, problem, what=_WHAT, source=source)
                    )
                continue
            if target.node.key == entry.node.key:
                continue
            where = Location(source, target.line)
            result.graph.add_edge(entry.node, target.node, scope, direct=False, declared_at=where)
    return result


def _root(result: ReadResult, workspace: Mapping[str, Any], text: str, source: str) -> Node:
    name, version = workspace.get("name"), workspace.get("version")
    if isinstance(name, str) and name:
        node = add_npm_node(
            result,
            name,
            version if isinstance(version, str) else None,
            text=text,
            line=0,
            what=_WHAT,
            source=source,
            root=True,
        )
        if node is not None:
            return node
    return generic_root(result.graph, source)


def _entries(
    packages: Mapping[str, Any],
    lines: Mapping[JsonKeyPath, int],
    text: str,
    source: str,
    result: ReadResult,
) -> Iterator[_Entry]:
    for key, value in packages.items():
        line = lines.get(("packages", key), 0)

        def fail(problem: str, line: int = line) -> None:
            result.errors.append(lockfile_error(text, line, problem, what=_WHAT, source=source))

        if not isinstance(value, list) or not value or not isinstance(value[0], str):
            fail(f"entry {key!r} must be an array starting with 'name@version'")
            continue
        name, version = split_name_at_version(value[0])
        if not name or not version:
            fail(f"entry {key!r} must start with 'name@version', not {value[0]!r}")
            continue
        node = add_npm_node(result, name, version, text=text, line=line, what=_WHAT, source=source)
        if node is None:
            continue
        info = next((item for item in value[1:] if isinstance(item, dict)), {})
        optional_peers = info.get("optionalPeers", [])
        requires: list[tuple[str, Scope, bool]] = []
        for section, scope in _PACKAGE_SECTIONS:
            requested = info.get(section, {})
            if not isinstance(requested, dict):
                fail(f"{section} of {key!r} must be an object")
                continue
            peer = section == "peerDependencies"
            for dependency in requested:
                optional = (
                    peer and isinstance(optional_peers, list) and dependency in optional_peers
                )
                requires.append((dependency, Scope.OPTIONAL if optional else scope, peer))
        yield _Entry(key, node, line, tuple(requires))
