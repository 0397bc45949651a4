"""pnpm's ``pnpm-lock.yaml`` (lockfile versions 5.x, 6 to 9).

``importers`` (or, for a single project in older versions, the top level) list what each
project asked for with the version chosen; version 9 lists each resolved package and its
dependencies under ``snapshots``, older versions under ``packages``. Keys and versions may
carry peer suffixes (``debug@4.4.3(supports-color@7.2.0)``, ``/a/1.0.0_b@2.0.0`` in 5.x):
those variants are the same (name, version) and so the same node. The project ``.`` is the
root ``pkg:generic/<directory>`` (the lockfile does not name it); other importers are roots
named after their folder.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import PurePosixPath
from typing import Any

import yaml

from polypac.ecosystems.npm._common import add_npm_node, generic_root, lockfile_error
from polypac.errors import PurlError
from polypac.inventory.graph import Location, Node, ReadResult, Scope
from polypac.purl import build_purl

__all__ = ["read_pnpm_lock"]

_WHAT = "pnpm-lock.yaml"

_SECTIONS = (
    ("dependencies", Scope.RUNTIME),
    ("optionalDependencies", Scope.OPTIONAL),
    ("devDependencies", Scope.DEV),
)

# A block mapping key: quoted ('..' with '' escapes, or "..") or plain, then ':'.
_KEY = re.compile(
    r"""(?:'((?:[^']|'')*)'|"((?:[^"\\]|\\.)*)"|([^'"\s#-][^:#]*?|-[^\s:#][^:#]*?))\s*:(?:\s|$)"""
)

_Loader: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

KeyPath = tuple[str, ...]


def read_pnpm_lock(text: str, *, source: str) -> ReadResult:
    """Read a ``pnpm-lock.yaml`` into a dependency graph.

    >>> lock = '''lockfileVersion: '9.0'
    ... importers:
    ...   .:
    ...     dependencies:
    ...       ms:
    ...         specifier: ^2.1.0
    ...         version: 2.1.3
    ... packages:
    ...   ms@2.1.3:
    ...     resolution: {integrity: sha512-x}
    ... snapshots:
    ...   ms@2.1.3: {}
    ... '''
    >>> [str(e) for e in read_pnpm_lock(lock, source="app/pnpm-lock.yaml").graph.edges]
    ['pkg:generic/app -> pkg:npm/ms@2.1.3 (runtime, direct, app/pnpm-lock.yaml:5)']
    """
    result = ReadResult()
    try:
        document = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 0
        column = mark.column if mark is not None else None
        problem = getattr(error, "problem", None) or str(error)
        result.errors.append(
            lockfile_error(
                text, line, f"not YAML: {problem}", what=_WHAT, source=source, column=column
            )
        )
        generic_root(result.graph, source)
        return result
    except (ValueError, RecursionError) as error:
        result.errors.append(
            lockfile_error(text, 0, f"not YAML: {error}", what=_WHAT, source=source)
        )
        generic_root(result.graph, source)
        return result
    if not isinstance(document, dict):
        result.errors.append(
            lockfile_error(text, 1, "the top level must be a mapping", what=_WHAT, source=source)
        )
        generic_root(result.graph, source)
        return result
    _Reader(document, text, source, result).read()
    return result


class _Reader:
    """The state of one read: the document, its key lines and the nodes made so far."""

    def __init__(
        self, document: Mapping[Any, Any], text: str, source: str, result: ReadResult
    ) -> None:
        self.document = document
        self.text = text
        self.source = source
        self.result = result
        self.lines = yaml_key_lines(text)
        self.slash_paths = _lockfile_version(document.get("lockfileVersion")) < 6
        self.nodes: dict[tuple[str, str], Node] = {}

    def error(self, line: int, problem: str) -> None:
        """Record a problem at ``line``."""
        self.result.errors.append(
            lockfile_error(self.text, line, problem, what=_WHAT, source=self.source)
        )

    def read(self) -> None:
        """Fill the graph: package nodes, their edges, then the importers' edges."""
        packages_section = "snapshots" if "snapshots" in self.document else "packages"
        packages = self._mapping(self.document, (packages_section,))
        resolved: list[tuple[str, Node, Mapping[Any, Any]]] = []
        for key, entry in packages.items():
            line = self.lines.get((packages_section, str(key)), 0)
            name_version = self._parse_key(str(key))
            if name_version is None:
                self.error(line, f"cannot read the package key {str(key)!r}")
                continue
            node = self._node(*name_version, line)
            if node is None:
                continue
            resolved.append((str(key), node, entry if isinstance(entry, dict) else {}))
            if entry is not None and not isinstance(entry, dict):
                self.error(line, f"package {str(key)!r} must be a mapping")
        # Nodes first, so that every dependency can find its target.
        for key, node, entry in resolved:
            self._edges(node, entry, (packages_section, key), direct=False)
        importers = self.document.get("importers")
        if importers is None:
            root = generic_root(self.result.graph, self.source)
            self._edges(root, self.document, (), direct=True)
            return
        if not isinstance(importers, dict):
            self.error(self.lines.get(("importers",), 0), "'importers' must be a mapping")
            generic_root(self.result.graph, self.source)
            return
        if "." not in importers:
            generic_root(self.result.graph, self.source)
        for path, importer in importers.items():
            root = self._importer_root(str(path))
            if not isinstance(importer, dict):
                self.error(
                    self.lines.get(("importers", str(path)), 0),
                    f"importer {str(path)!r} must be a mapping",
                )
                continue
            self._edges(root, importer, ("importers", str(path)), direct=True)

    def _importer_root(self, path: str) -> Node:
        """The root node of the project at ``path`` (relative to the lockfile)."""
        if path == ".":
            return generic_root(self.result.graph, self.source)
        name = PurePosixPath(path).name or path
        try:
            purl = build_purl("generic", name)
        except PurlError:
            return generic_root(self.result.graph, self.source)
        return self.result.graph.add_node(purl, root=True)

    def _mapping(self, parent: Mapping[Any, Any], path: KeyPath) -> Mapping[Any, Any]:
        """``parent[path[-1]]`` when it is a mapping; else {} (and an error if present)."""
        value = parent.get(path[-1])
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.error(self.lines.get(path, 0), f"{path[-1]!r} must be a mapping")
            return {}
        return value

    def _node(self, name: str, version: str, line: int) -> Node | None:
        """The node of (name, version), made on first use."""
        node = self.nodes.get((name, version))
        if node is None:
            node = add_npm_node(
                self.result,
                name,
                version,
                text=self.text,
                line=line,
                what=_WHAT,
                source=self.source,
            )
            if node is not None:
                self.nodes[(name, version)] = node
        return node

    def _edges(
        self, parent: Node, entry: Mapping[Any, Any], where: KeyPath, *, direct: bool
    ) -> None:
        """The edges from ``parent`` to each dependency ``entry`` lists."""
        for section, scope in _SECTIONS:
            for name, declared in self._mapping(entry, (*where, section)).items():
                line = self.lines.get((*where, section, str(name)), 0)
                # An importer writes {specifier, version}; a package just the version.
                value = declared.get("version") if isinstance(declared, dict) else declared
                if not isinstance(value, (str, int, float)):
                    self.error(line, f"dependency {str(name)!r} needs a version")
                    continue
                target = self._parse_reference(str(name), str(value))
                if target is None:
                    continue  # a link to a folder: not a package
                node = self.nodes.get(target)
                if node is None:
                    node = self._node(*target, line)
                if node is None:
                    continue
                self.result.graph.add_edge(
                    parent, node, scope, direct=direct, declared_at=Location(self.source, line)
                )

    def _parse_key(self, key: str) -> tuple[str, str] | None:
        """A package key as (name, version), peer suffixes dropped."""
        bare = _without_peers(key.removeprefix("/"), self.slash_paths)
        if self.slash_paths:
            name, _, version = bare.rpartition("/")
        else:
            at = bare.find("@", 1)
            name, version = (bare[:at], bare[at + 1 :]) if at > 0 else ("", "")
        if not name or not version:
            return None
        return name, version

    def _parse_reference(self, name: str, reference: str) -> tuple[str, str] | None:
        """What a dependency's version text points at, as (name, version)."""
        if reference.startswith(("link:", "file:", "workspace:")):
            return None
        if reference.startswith("/") or "@" in reference.split("(", 1)[0][1:]:
            # A path or an alias ("string-width@4.2.3"): the key of another package.
            return self._parse_key(reference)
        return name, _without_peers(reference, self.slash_paths)


def _without_peers(text: str, slash_paths: bool) -> str:
    """``text`` without its peer suffix: ``(…)`` from version 6, ``_…`` before."""
    cut = text.find("(")
    if cut >= 0:
        text = text[:cut]
    if slash_paths:
        last = text.rfind("/")
        under = text.find("_", last + 1)
        if under >= 0:
            text = text[:under]
    return text


def _lockfile_version(value: object) -> float:
    """The lockfile version as a number (9 when missing or unreadable)."""
    try:
        return float(str(value))
    except ValueError:
        return 9.0


def yaml_key_lines(text: str) -> dict[KeyPath, int]:
    """The 1-based line of each block-mapping key of YAML ``text``, by key path.

    Only the block style pnpm writes is understood (flow mappings on one line are values).

    >>> yaml_key_lines("a:\\n  'b@1':\\n    c: 1\\nd: 2\\n")
    {('a',): 1, ('a', 'b@1'): 2, ('a', 'b@1', 'c'): 3, ('d',): 4}
    """
    lines: dict[KeyPath, int] = {}
    stack: list[tuple[int, str]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        content = raw.lstrip(" ")
        if not content or content.startswith("#"):
            continue
        indent = len(raw) - len(content)
        match = _KEY.match(content)
        if match is None:
            continue
        single, double, plain = match.groups()
        if single is not None:
            key = single.replace("''", "'")
        elif double is not None:
            key = re.sub(r"\\(.)", r"\1", double)
        else:
            key = plain
        while stack and stack[-1][0] >= indent:
            stack.pop()
        stack.append((indent, key))
        lines.setdefault(tuple(k for _, k in stack), number)
    return lines
