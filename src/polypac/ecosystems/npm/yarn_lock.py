"""yarn's ``yarn.lock``: classic (v1, its own syntax) and berry (v2+, a YAML subset).

Both list entries headed by the descriptors they satisfy (``ms@^2.0.0, ms@^2.1.1:``), each
with a ``version`` and the descriptors of its ``dependencies``; a dependency resolves to the
entry headed by its descriptor. A berry ``workspace:`` entry is the project itself (a
root). A classic lockfile does not name the project or what it asked for: the root is
``pkg:generic/<directory>`` and the entries no other entry needs are taken as its direct
dependencies (read ``package.json`` beside it for the real list and scopes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from polypac.ecosystems.npm._common import add_npm_node, generic_root, lockfile_error
from polypac.inventory.graph import Location, Node, ReadResult, Scope

__all__ = ["read_yarn_lock"]

_WHAT = "yarn.lock"

# A quoted string (JSON-like escapes) or a run of other non-space characters.
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[^\s"]+')

# Each dependency section: the scope it gives, and whether its entries must be in the file
# (peers are provided by a parent, so they have no entry of their own).
_SECTIONS = {
    "dependencies": (Scope.RUNTIME, True),
    "optionalDependencies": (Scope.OPTIONAL, False),
    "peerDependencies": (Scope.RUNTIME, False),
}


@dataclass(slots=True)
class _Entry:
    """One lockfile entry while it is read."""

    descriptors: list[str]
    line: int
    version: str | None = None
    requires: list[tuple[str, Scope, bool, int]] = field(default_factory=list)


def read_yarn_lock(text: str, *, source: str) -> ReadResult:
    """Read a classic or berry ``yarn.lock`` into a dependency graph.

    >>> lock = '''ms@^2.1.0:
    ...   version "2.1.3"
    ... '''
    >>> read_yarn_lock(lock, source="app/yarn.lock").graph.edges[0].child
    'pkg:npm/ms@2.1.3'
    """
    result = ReadResult()
    entries = _parse(text, source, result)
    _build_graph(entries, text, source, result)
    return result


def _unquote(token: str) -> str:
    """A token without its surrounding double quotes (escapes resolved)."""
    if len(token) >= 2 and token[0] == '"' and token[-1] == '"':
        return re.sub(r"\\(.)", r"\1", token[1:-1])
    return token


def _parse(text: str, source: str, result: ReadResult) -> list[_Entry]:
    """The entries of the lockfile; problems go to ``result.errors``."""
    entries: list[_Entry] = []
    entry: _Entry | None = None
    section: str | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(raw) - len(raw.lstrip(" "))
        if indent == 0:
            section = None
            entry = None
            if not stripped.endswith(":"):
                result.errors.append(
                    lockfile_error(
                        text,
                        number,
                        "an entry header must end with ':'",
                        what=_WHAT,
                        source=source,
                        column=len(raw.rstrip()),
                    )
                )
                continue
            # classic quotes each descriptor, berry the whole list: quotes go either way.
            descriptors = [part.strip().strip('"') for part in stripped[:-1].split(",")]
            descriptors = [descriptor for descriptor in descriptors if descriptor]
            if descriptors == ["__metadata"]:
                continue
            entry = _Entry(descriptors, number)
            entries.append(entry)
            continue
        if entry is None:
            continue  # the body of __metadata, or of a header already reported
        key, value = _key_value(stripped)
        if indent <= 2:
            section = key if value is None else None
            if key == "version":
                if value is None:
                    result.errors.append(
                        lockfile_error(
                            text, number, "'version' needs a value", what=_WHAT, source=source
                        )
                    )
                else:
                    entry.version = value
            continue
        if section in _SECTIONS:
            if value is None:
                result.errors.append(
                    lockfile_error(
                        text,
                        number,
                        f"dependency {key!r} needs a range",
                        what=_WHAT,
                        source=source,
                    )
                )
                continue
            scope, must_resolve = _SECTIONS[section]
            entry.requires.append((f"{key}@{value}", scope, must_resolve, number))
    return entries


def _key_value(line: str) -> tuple[str, str | None]:
    """A body line as (key, value): ``key "value"`` (classic) or ``key: value`` (berry);
    the value is ``None`` when the line opens a block."""
    match = _TOKEN.match(line)
    key = match.group() if match else line
    rest = line[len(key) :].lstrip()
    if key.endswith(":") and not key.startswith('"'):
        key = key[:-1]
    else:
        rest = rest.removeprefix(":").lstrip()
    value = _TOKEN.match(rest)
    return _unquote(key), _unquote(value.group()) if value else None


def _split_descriptor(descriptor: str) -> tuple[str, str]:
    """``name@range`` (name possibly ``@scope/name``) as (name, range)."""
    at = descriptor.find("@", 1)
    if at < 0:
        return descriptor, ""
    return descriptor[:at], descriptor[at + 1 :]


def _build_graph(entries: list[_Entry], text: str, source: str, result: ReadResult) -> None:
    """A node per entry, an edge per dependency that names an entry."""
    by_descriptor: dict[str, Node] = {}
    workspaces: list[tuple[_Entry, Node]] = []
    nodes: list[tuple[_Entry, Node]] = []
    for entry in entries:
        name, reference = _split_descriptor(entry.descriptors[0])
        if entry.version is None:
            result.errors.append(
                lockfile_error(
                    text,
                    entry.line,
                    f"entry {entry.descriptors[0]!r} has no 'version'",
                    what=_WHAT,
                    source=source,
                )
            )
            continue
        workspace = reference.startswith("workspace:")
        version = None if workspace else entry.version
        node = add_npm_node(
            result,
            name,
            version,
            text=text,
            line=entry.line,
            what=_WHAT,
            source=source,
            root=workspace,
        )
        if node is None:
            continue
        for descriptor in entry.descriptors:
            by_descriptor[descriptor] = node
        nodes.append((entry, node))
        if workspace:
            workspaces.append((entry, node))
    needed: set[str] = set()
    for entry, node in nodes:
        for descriptor, scope, must_resolve, line in entry.requires:
            target = by_descriptor.get(descriptor)
            if target is None:
                name, reference = _split_descriptor(descriptor)
                # berry writes "name@npm:range" in headers but may omit "npm:" in bodies.
                target = by_descriptor.get(f"{name}@npm:{reference}")
            if target is None:
                if must_resolve:
                    result.errors.append(
                        lockfile_error(
                            text,
                            line,
                            f"no entry for {descriptor!r}",
                            what=_WHAT,
                            source=source,
                        )
                    )
                continue
            needed.add(target.key)
            result.graph.add_edge(
                node,
                target,
                scope,
                direct=node.key in result.graph.roots,
                declared_at=Location(source, line),
            )
    if workspaces:
        return
    root = generic_root(result.graph, source)
    for entry, node in nodes:
        if node.key not in needed:
            result.graph.add_edge(
                root, node, Scope.RUNTIME, direct=True, declared_at=Location(source, entry.line)
            )
