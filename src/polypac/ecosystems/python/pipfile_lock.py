"""Pipenv's lockfile, ``Pipfile.lock``: JSON with ``_meta`` and two flat sections.

``default`` holds the runtime packages and ``develop`` the development ones, each a map from
name to ``{"version": "==1.0", "hashes": [...], "markers": ...}``. The file records no
graph: the root, ``pkg:generic/<directory>``, gets an edge to every package. Pipenv writes
``"index"`` only on the packages the ``Pipfile`` names, so when a section has any, those
edges are direct and the others transitive; otherwise every edge is direct.

    >>> lock = '{"_meta": {}, "default": {"idna": {"version": "==3.7"}}, "develop": {}}'
    >>> [str(e) for e in read_pipfile_lock(lock, source="app/Pipfile.lock").graph.edges]
    ['pkg:generic/app -> pkg:pypi/idna@3.7 (runtime, direct, app/Pipfile.lock:1)']
"""

from __future__ import annotations

import json

from polypac.ecosystems.python._common import pypi_purl
from polypac.errors import PurlError
from polypac.inventory._readers import generic_root
from polypac.inventory.graph import Location, LockfileError, ReadResult, Scope

__all__ = ["read_pipfile_lock"]

_WHAT = "Pipfile.lock"
_SECTIONS = (("default", Scope.RUNTIME), ("develop", Scope.DEV))


def _key_line(lines: list[str], key: str, start: int) -> int:
    """The 1-based line, from line ``start`` on, where ``"key":`` is written (else ``start``)."""
    quoted = json.dumps(key) + ":"
    for index in range(max(start - 1, 0), len(lines)):
        if quoted in lines[index]:
            return index + 1
    return max(start, 1)


def read_pipfile_lock(text: str, *, source: str) -> ReadResult:
    """Read a ``Pipfile.lock`` into a flat graph rooted at ``pkg:generic/<directory>``."""
    result = ReadResult()
    lines = text.splitlines()

    def fail(line: int, problem: str, position: int | None = None) -> None:
        shown = lines[line - 1] if 0 < line <= len(lines) else ""
        result.errors.append(
            LockfileError(shown, position, problem, what=_WHAT, source=source, line=line)
        )

    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        fail(error.lineno, error.msg.lower(), error.colno - 1)
        return result
    except RecursionError:
        fail(1, "arrays or objects nested too deeply")
        return result
    if not isinstance(document, dict):
        fail(1, "the top level must be an object")
        return result

    graph = result.graph
    root = generic_root(graph, source)
    for section, scope in _SECTIONS:
        start = _key_line(lines, section, 1)
        packages = document.get(section, {})
        if not isinstance(packages, dict):
            fail(start, f"{section!r} must be an object")
            continue
        indexed = any(isinstance(entry, dict) and "index" in entry for entry in packages.values())
        for name, entry in packages.items():
            line = _key_line(lines, name, start)
            if not isinstance(entry, dict):
                fail(line, f"the entry for {name!r} must be an object")
                continue
            version = entry.get("version")
            pinned = version[2:] if isinstance(version, str) and version.startswith("==") else None
            try:
                child = graph.add_node(pypi_purl(name, pinned))
            except PurlError as error:
                fail(line, f"bad package name {name!r}: {error.problem}")
                continue
            direct = "index" in entry or not indexed
            graph.add_edge(root, child, scope, direct=direct, declared_at=Location(source, line))
    return result
