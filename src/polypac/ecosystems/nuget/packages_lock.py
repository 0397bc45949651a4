"""Read a NuGet ``packages.lock.json`` into a dependency graph.

NuGet writes the lock file on restore when a project sets ``RestorePackagesWithLockFile``.
It is JSON: ``version`` (1 or 2) and ``dependencies``, one object per target framework
(``net8.0``, or ``net8.0/linux-x64`` for a runtime graph), mapping each package name to
``type`` (``Direct``, ``Transitive``, ``CentralTransitive`` or ``Project``),
``requested`` (the range asked for), ``resolved`` (the version restored), ``contentHash``
and ``dependencies`` (name to the range that package asks for).

The file does not name its project, so the root is ``pkg:generic/<directory>``. Each
package is ``pkg:nuget/<Name>@<resolved>``; a ``Project`` entry (a project reference,
which has no version) is ``pkg:generic/<Name>``. ``Direct`` packages and project
references get a direct edge from the root; each entry's ``dependencies`` are edges to
the package of that name (names compare without case, as in NuGet) resolved in the same
target framework. The lock file does not tell development-only packages (``PrivateAssets``)
apart, so every edge has scope ``RUNTIME``.

    >>> lock = '''{
    ...   "version": 1,
    ...   "dependencies": {
    ...     "net8.0": {
    ...       "Serilog": {"type": "Direct", "requested": "[3.1.1, )", "resolved": "3.1.1"}
    ...     }
    ...   }
    ... }'''
    >>> [str(e) for e in read_packages_lock(lock, source="app/packages.lock.json").graph.edges]
    ['pkg:generic/app -> pkg:nuget/Serilog@3.1.1 (runtime, direct, app/packages.lock.json:5)']
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from polypac.errors import PolypacError
from polypac.inventory._readers import (
    generic_root,
    json_error,
    json_key_lines,
    lockfile_error,
)
from polypac.inventory.graph import Location, LockfileError, Node, ReadResult, Scope
from polypac.purl import PackageURL, build_purl

__all__ = ["nuget_purl", "read_packages_lock"]

WHAT = "packages.lock.json"

_TYPES = frozenset({"Direct", "Transitive", "CentralTransitive", "Project"})
_VERSIONS = (1, 2)
# In the file NuGet writes (two spaces a level), a framework key and a package key.
_FRAMEWORK_LINE = re.compile(r'^ {4}"((?:[^"\\]|\\.)*)": \{', re.MULTILINE)
_PACKAGE_LINE = re.compile(r'^ {6}"((?:[^"\\]|\\.)*)": \{', re.MULTILINE)


@dataclass(frozen=True, slots=True)
class _Entry:
    framework: str
    name: str
    body: dict[str, Any]


def nuget_purl(name: str, version: str | None = None) -> PackageURL:
    """``pkg:nuget/<Name>@<version>`` (NuGet names keep their case).

    >>> nuget_purl("Newtonsoft.Json", "13.0.3").to_string()
    'pkg:nuget/Newtonsoft.Json@13.0.3'
    """
    return build_purl("nuget", name, version=version)


def read_packages_lock(text: str, *, source: str) -> ReadResult:
    """The dependency graph of the packages.lock.json ``text`` read from file ``source``;
    problems are returned in ``errors``. When the JSON is broken (a truncated file), the
    package entries that are still whole are read."""
    result = ReadResult()
    try:
        document = json.loads(text)
    except (ValueError, RecursionError) as error:
        result.errors.append(json_error(text, error, what=WHAT, source=source))
        entries = _salvage(text)
    else:
        entries = _entries(document, text, result.errors, source)
    _build(result, entries, text, source)
    return result


def _entries(document: object, text: str, errors: list[LockfileError], source: str) -> list[_Entry]:
    if not isinstance(document, dict):
        errors.append(
            lockfile_error(text, 1, "the file must hold a JSON object", what=WHAT, source=source)
        )
        return []
    lines = json_key_lines(text, max_depth=1)
    version = document.get("version")
    if version not in _VERSIONS or isinstance(version, bool):
        problem = f"unknown lock file version {version!r} (expected 1 or 2)"
        errors.append(
            lockfile_error(text, lines.get(("version",), 0), problem, what=WHAT, source=source)
        )
    frameworks = document.get("dependencies")
    if not isinstance(frameworks, dict):
        problem = '"dependencies" must be an object of target frameworks'
        line = lines.get(("dependencies",), 0)
        errors.append(lockfile_error(text, line, problem, what=WHAT, source=source))
        return []
    entries: list[_Entry] = []
    for framework, packages in frameworks.items():
        if not isinstance(packages, dict):
            problem = f"the target framework {framework!r} must be an object of packages"
            errors.append(lockfile_error(text, 0, problem, what=WHAT, source=source))
            continue
        entries += [_Entry(framework, name, body) for name, body in packages.items()]
    return entries


def _salvage(text: str) -> list[_Entry]:
    """The package entries of a broken file that still parse on their own."""
    decoder = json.JSONDecoder()
    frameworks = [(m.start(), _unquote(m[1])) for m in _FRAMEWORK_LINE.finditer(text)]
    entries: list[_Entry] = []
    for match in _PACKAGE_LINE.finditer(text):
        framework = next((f for start, f in reversed(frameworks) if start < match.start()), None)
        if framework is None:
            continue
        try:
            body, _ = decoder.raw_decode(text, match.end() - 1)
        except (ValueError, RecursionError):
            continue
        entries.append(_Entry(framework, _unquote(match[1]), body))
    return entries


def _unquote(key: str) -> str:
    try:
        return str(json.loads(f'"{key}"'))
    except ValueError:
        return key


def _build(result: ReadResult, entries: list[_Entry], text: str, source: str) -> None:
    graph = result.graph
    root = generic_root(graph, source)
    lines = json_key_lines(text, max_depth=5)
    nodes: dict[tuple[str, str], Node] = {}
    valid: list[_Entry] = []
    for entry in entries:
        line = lines.get(("dependencies", entry.framework, entry.name), 0)
        node = _node(result, entry, text, line, source)
        if node is None:
            continue
        nodes[(entry.framework, entry.name.lower())] = node
        valid.append(entry)
        if entry.body.get("type") in ("Direct", "Project"):
            where = Location(source, line)
            graph.add_edge(root, node, Scope.RUNTIME, direct=True, declared_at=where)
    for entry in valid:
        parent = nodes[(entry.framework, entry.name.lower())]
        dependencies = entry.body.get("dependencies", {})
        if not isinstance(dependencies, dict):
            line = lines.get(("dependencies", entry.framework, entry.name), 0)
            problem = f'the "dependencies" of {entry.name!r} must be an object'
            result.errors.append(lockfile_error(text, line, problem, what=WHAT, source=source))
            continue
        for name in dependencies:
            child = nodes.get((entry.framework, name.lower()))
            if child is None:
                continue
            path = ("dependencies", entry.framework, entry.name, "dependencies", name)
            where = Location(source, lines.get(path, 0))
            graph.add_edge(parent, child, Scope.RUNTIME, direct=False, declared_at=where)


def _node(result: ReadResult, entry: _Entry, text: str, line: int, source: str) -> Node | None:
    body = entry.body

    def fail(problem: str) -> None:
        result.errors.append(lockfile_error(text, line, problem, what=WHAT, source=source))

    if not isinstance(body, dict):
        fail(f"package {entry.name!r} must be an object")
        return None
    kind = body.get("type")
    if kind not in _TYPES:
        fail(
            f"package {entry.name!r} has type {kind!r} "
            "(expected Direct, Transitive, CentralTransitive or Project)"
        )
        return None
    resolved = body.get("resolved")
    try:
        if kind == "Project":
            purl = build_purl("generic", entry.name)
        elif not isinstance(resolved, str) or not resolved:
            fail(f"package {entry.name!r} needs a resolved version (a string)")
            return None
        else:
            purl = nuget_purl(entry.name, resolved)
    except PolypacError as error:
        fail(f"package {entry.name!r} cannot make a PURL: {str(error).splitlines()[0]}")
        return None
    return result.graph.add_node(purl)
