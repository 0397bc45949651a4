"""npm's ``package.json`` manifest: the project and the ranges it asks for.

A manifest names ranges, not versions: each dependency is a ``pkg:npm`` node without a
version, reached from the project (``pkg:npm/<name>@<version>``, else
``pkg:generic/<directory>``) with the scope of its section.
"""

from __future__ import annotations

from polypac.ecosystems.npm._common import (
    add_npm_node,
    generic_root,
    json_key_lines,
    lockfile_error,
)
from polypac.inventory._readers import load_json_object
from polypac.inventory.graph import Location, ReadResult, Scope

__all__ = ["read_package_json"]

_WHAT = "package.json"

_SECTIONS = (
    ("dependencies", Scope.RUNTIME),
    ("devDependencies", Scope.DEV),
    ("optionalDependencies", Scope.OPTIONAL),
    ("peerDependencies", Scope.RUNTIME),
)


def read_package_json(text: str, *, source: str) -> ReadResult:
    """Read a ``package.json`` into a graph of the project and its declared dependencies.

    >>> manifest = '{"name": "app", "version": "1.0.0",\\n "dependencies": {"ms": "^2"}}'
    >>> [str(e) for e in read_package_json(manifest, source="package.json").graph.edges]
    ['pkg:npm/app@1.0.0 -> pkg:npm/ms (runtime, direct, package.json:2)']
    """
    result = ReadResult()
    document = load_json_object(text, result, what=_WHAT, source=source)
    if document is None:
        return result
    lines = json_key_lines(text, max_depth=2)
    name, version = document.get("name"), document.get("version")
    root = None
    if isinstance(name, str) and name:
        root = add_npm_node(
            result,
            name,
            version if isinstance(version, str) and version else None,
            text=text,
            line=lines.get(("name",), 1),
            what=_WHAT,
            source=source,
            root=True,
        )
    if root is None:
        root = generic_root(result.graph, source)
    for section, scope in _SECTIONS:
        declared = document.get(section)
        if declared is None:
            continue
        if not isinstance(declared, dict):
            line = lines.get((section,), 0)
            result.errors.append(
                lockfile_error(
                    text, line, f"{section!r} must be an object", what=_WHAT, source=source
                )
            )
            continue
        for dependency, requested in declared.items():
            line = lines.get((section, dependency), 0)
            if not isinstance(requested, str):
                result.errors.append(
                    lockfile_error(
                        text,
                        line,
                        f"the range of {dependency!r} must be a string",
                        what=_WHAT,
                        source=source,
                    )
                )
                continue
            node = add_npm_node(
                result, dependency, None, text=text, line=line, what=_WHAT, source=source
            )
            if node is not None:
                result.graph.add_edge(
                    root, node, scope, direct=True, declared_at=Location(source, line)
                )
    return result
