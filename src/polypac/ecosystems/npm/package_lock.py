"""npm's ``package-lock.json`` and ``npm-shrinkwrap.json`` (lockfile versions 1, 2 and 3).

Versions 2 and 3 list every installed folder under ``packages``, keyed by its path
(``node_modules/a/node_modules/b`` when npm had to nest a second version). Version 1 has the
same tree as nested ``dependencies`` objects; it is read into the same path form. A package's
dependency on ``d`` resolves like node does: to the nearest ``node_modules/d`` going up from
the package's folder. Each distinct (name, version) is one node.

Scopes: the root's ``devDependencies`` are dev, ``optionalDependencies`` (and optional peers)
optional, the rest runtime. A version 1 lockfile does not say which packages the root asked
for: the packages no other package requires are taken as direct, with the scope their
``dev``/``optional`` flags give.
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
)
from polypac.inventory._readers import load_json_object
from polypac.inventory.graph import Location, Node, ReadResult, Scope

__all__ = ["read_package_lock"]

_WHAT = "package-lock.json"

# The dependency sections of a package entry, with the scope each gives.
_SECTIONS = (
    ("dependencies", Scope.RUNTIME),
    ("optionalDependencies", Scope.OPTIONAL),
    ("peerDependencies", Scope.RUNTIME),
    ("devDependencies", Scope.DEV),
)


@dataclass(frozen=True, slots=True)
class _Folder:
    """One installed folder: its path, the package in it, what it requires."""

    path: str
    name: str
    version: str | None
    line: int
    requires: tuple[tuple[str, Scope, int], ...]  # (dependency name, scope, line)
    dev: bool
    optional: bool


def read_package_lock(text: str, *, source: str) -> ReadResult:
    """Read a ``package-lock.json`` or ``npm-shrinkwrap.json`` into a dependency graph.

    >>> lock = '''{"name": "app", "version": "1.0.0", "lockfileVersion": 3,
    ...  "packages": {"": {"name": "app", "version": "1.0.0",
    ...                    "dependencies": {"ms": "^2.1.0"}},
    ...               "node_modules/ms": {"version": "2.1.3"}}}'''
    >>> [str(e) for e in read_package_lock(lock, source="package-lock.json").graph.edges]
    ['pkg:npm/app@1.0.0 -> pkg:npm/ms@2.1.3 (runtime, direct, package-lock.json:3)']
    """
    result = ReadResult()
    document = load_json_object(text, result, what=_WHAT, source=source)
    if document is None:
        return result
    lines = json_key_lines(text)
    if isinstance(document.get("packages"), dict):
        folders = list(_folders_from_packages(document["packages"], lines, text, source, result))
        version_one = False
    else:
        folders = list(_folders_from_v1(document, lines, text, source, result))
        version_one = True
    _build_graph(document, folders, version_one, text, source, result)
    return result


def _folders_from_packages(
    packages: Mapping[str, Any],
    lines: Mapping[JsonKeyPath, int],
    text: str,
    source: str,
    result: ReadResult,
) -> Iterator[_Folder]:
    """The folders of a version 2 or 3 ``packages`` object."""
    for path, entry in packages.items():
        line = lines.get(("packages", path), 0)
        if not isinstance(entry, dict):
            result.errors.append(
                lockfile_error(
                    text, line, f"entry {path!r} must be an object", what=_WHAT, source=source
                )
            )
            continue
        if entry.get("link") is True:
            # A symlink (workspace member): the package lives at the target's entry.
            continue
        name = entry.get("name")
        if not isinstance(name, str):
            name = _name_from_path(path)
        version = entry.get("version")
        if version is not None and not isinstance(version, str):
            result.errors.append(
                lockfile_error(
                    text,
                    line,
                    f"the version of {path!r} must be a string",
                    what=_WHAT,
                    source=source,
                )
            )
            continue
        if not name and path:
            result.errors.append(
                lockfile_error(
                    text,
                    line,
                    f"cannot tell the package name of {path!r}",
                    what=_WHAT,
                    source=source,
                )
            )
            continue
        requires = list(_requirements(entry, ("packages", path), lines, text, source, result))
        yield _Folder(
            path,
            name,
            version,
            line,
            tuple(requires),
            entry.get("dev") is True,
            entry.get("optional") is True or entry.get("devOptional") is True,
        )


def _requirements(
    entry: Mapping[str, Any],
    where: JsonKeyPath,
    lines: Mapping[JsonKeyPath, int],
    text: str,
    source: str,
    result: ReadResult,
) -> Iterator[tuple[str, Scope, int]]:
    """The (name, scope, line) of each dependency a version 2/3 entry declares."""
    peer_meta = entry.get("peerDependenciesMeta")
    for section, scope in _SECTIONS:
        declared = entry.get(section)
        if declared is None:
            continue
        if not isinstance(declared, dict):
            line = lines.get((*where, section), 0)
            result.errors.append(
                lockfile_error(
                    text, line, f"{section!r} must be an object", what=_WHAT, source=source
                )
            )
            continue
        for name in declared:
            line = lines.get((*where, section, name), 0)
            edge_scope = scope
            if section == "peerDependencies" and isinstance(peer_meta, dict):
                meta = peer_meta.get(name)
                if isinstance(meta, dict) and meta.get("optional") is True:
                    edge_scope = Scope.OPTIONAL
            yield name, edge_scope, line


def _folders_from_v1(
    document: Mapping[str, Any],
    lines: Mapping[JsonKeyPath, int],
    text: str,
    source: str,
    result: ReadResult,
) -> Iterator[_Folder]:
    """The folders of a version 1 lockfile's nested ``dependencies``, in path form."""
    pending: list[tuple[str, JsonKeyPath, Any]] = [("", (), document)]
    while pending:
        folder, where, entry = pending.pop()
        nested = entry.get("dependencies")
        if nested is None:
            continue
        if not isinstance(nested, dict):
            line = lines.get((*where, "dependencies"), 0)
            result.errors.append(
                lockfile_error(
                    text, line, "'dependencies' must be an object", what=_WHAT, source=source
                )
            )
            continue
        for name, child in nested.items():
            child_where = (*where, "dependencies", name)
            line = lines.get(child_where, 0)
            path = f"{folder}/node_modules/{name}" if folder else f"node_modules/{name}"
            if not isinstance(child, dict) or not isinstance(child.get("version"), str):
                result.errors.append(
                    lockfile_error(
                        text,
                        line,
                        f"entry {name!r} needs a string 'version'",
                        what=_WHAT,
                        source=source,
                    )
                )
                continue
            version: str = child["version"]
            real_name = name
            if version.startswith("npm:"):
                # An alias: "npm:real-name@1.2.3".
                real_name, _, version = version[4:].rpartition("@")
            requires = child.get("requires", {})
            requirements: list[tuple[str, Scope, int]] = []
            if isinstance(requires, dict):
                scope = Scope.OPTIONAL if child.get("optional") is True else Scope.RUNTIME
                for dependency in requires:
                    dep_line = lines.get((*child_where, "requires", dependency), line)
                    requirements.append((dependency, scope, dep_line))
            yield _Folder(
                path,
                real_name,
                version,
                line,
                tuple(requirements),
                child.get("dev") is True,
                child.get("optional") is True,
            )
            pending.append((path, child_where, child))


def _name_from_path(path: str) -> str:
    """The package name of an installed folder: what follows its last ``node_modules/``."""
    marker = "node_modules/"
    at = path.rfind(marker)
    if at < 0:
        return ""
    return path[at + len(marker) :]


def _parent_folder(path: str) -> str:
    """The folder whose ``node_modules`` holds ``path`` ('' for the project)."""
    at = path.rfind("node_modules/")
    return path[:at].rstrip("/") if at > 0 else ""


def _resolve(folders: Mapping[str, _Folder], start: str, dependency: str) -> _Folder | None:
    """The folder that ``dependency`` required from ``start`` resolves to, like node."""
    current = start
    while True:
        prefix = f"{current}/" if current else ""
        found = folders.get(f"{prefix}node_modules/{dependency}")
        if found is not None:
            return found
        if not current:
            return None
        current = _parent_folder(current)


def _build_graph(
    document: Mapping[str, Any],
    folders: list[_Folder],
    version_one: bool,
    text: str,
    source: str,
    result: ReadResult,
) -> None:
    """Add a node per folder and an edge per resolved requirement."""
    by_path = {folder.path: folder for folder in folders}
    nodes: dict[str, Node] = {}
    root_folder = by_path.get("")
    root_name = document.get("name")
    root_version = document.get("version")
    if root_folder is not None and root_folder.name:
        root_name, root_version = root_folder.name, root_folder.version
    root: Node | None = None
    if isinstance(root_name, str) and root_name:
        version = root_version if isinstance(root_version, str) else None
        root = add_npm_node(
            result, root_name, version, text=text, line=1, what=_WHAT, source=source, root=True
        )
    if root is None:
        root = generic_root(result.graph, source)
    nodes[""] = root
    for folder in folders:
        if folder.path == "":
            continue
        node = add_npm_node(
            result,
            folder.name,
            folder.version,
            text=text,
            line=folder.line,
            what=_WHAT,
            source=source,
        )
        if node is not None:
            nodes[folder.path] = node
    required: set[str] = set()
    for folder in folders:
        parent = nodes.get(folder.path)
        if parent is None:
            continue
        for dependency, scope, line in folder.requires:
            target = _resolve(by_path, folder.path, dependency)
            if target is None or target.path not in nodes:
                # Not installed: an optional dependency for another platform, or a peer.
                continue
            required.add(target.path)
            result.graph.add_edge(
                parent,
                nodes[target.path],
                scope,
                direct=folder.path == "",
                declared_at=Location(source, line or folder.line),
            )
    if version_one:
        for folder in folders:
            if folder.path.count("node_modules/") != 1 or folder.path in required:
                continue
            if folder.path not in nodes:
                continue
            scope = (
                Scope.DEV if folder.dev else Scope.OPTIONAL if folder.optional else (Scope.RUNTIME)
            )
            result.graph.add_edge(
                root,
                nodes[folder.path],
                scope,
                direct=True,
                declared_at=Location(source, folder.line),
            )
