"""Read a Composer ``composer.json`` manifest: the project and the packages it requires.

``require`` holds the production requirements (scope ``RUNTIME``), ``require-dev`` those
needed only for development (scope ``DEV``); each maps ``vendor/package`` to a constraint.
A manifest names constraints, not versions, so each requirement is a ``pkg:composer`` node
without a version. The root is ``pkg:composer/<vendor>/<name>@<version>`` when the manifest
has a ``name`` (the version only when ``version`` is given), else
``pkg:generic/<directory>``.

Platform requirements (``php``, ``ext-*``, ``lib-*``, ``composer-plugin-api``...) are not
packages: like :func:`~polypac.ecosystems.composer.composer_lock.read_composer_lock`, the
reader adds no node and no edge for them, so the graphs of the manifest and the lock file
of one project agree.

    >>> manifest = '{"name": "acme/app",\\n "require": {"php": ">=8.1", "psr/log": "^3.0"}}'
    >>> [str(e) for e in read_composer_json(manifest, source="app/composer.json").graph.edges]
    ['pkg:composer/acme/app -> pkg:composer/psr/log (runtime, direct, app/composer.json:2)']
"""

from __future__ import annotations

from polypac.ecosystems.composer.composer_lock import composer_purl, is_platform_requirement
from polypac.errors import PolypacError
from polypac.inventory._readers import (
    generic_root,
    json_key_lines,
    load_json_object,
    lockfile_error,
)
from polypac.inventory.graph import Location, Node, ReadResult, Scope

__all__ = ["read_composer_json"]

WHAT = "composer.json"

_SECTIONS = (("require", Scope.RUNTIME), ("require-dev", Scope.DEV))


def read_composer_json(text: str, *, source: str) -> ReadResult:
    """The graph of the composer.json ``text`` read from file ``source``: the project and
    its declared requirements; problems are returned in ``errors``."""
    result = ReadResult()
    document = load_json_object(text, result, what=WHAT, source=source)
    if document is None:
        return result
    lines = json_key_lines(text, max_depth=2)
    root = _root(result, document, text, lines.get(("name",), 0), source)
    for section, scope in _SECTIONS:
        declared = document.get(section)
        if declared is None:
            continue
        if not isinstance(declared, dict):
            problem = f'"{section}" must be an object of package names and constraints'
            line = lines.get((section,), 0)
            result.errors.append(lockfile_error(text, line, problem, what=WHAT, source=source))
            continue
        for name, constraint in declared.items():
            line = lines.get((section, name), 0)
            if not isinstance(constraint, str):
                problem = f"the constraint of {name!r} must be a string"
                result.errors.append(lockfile_error(text, line, problem, what=WHAT, source=source))
                continue
            if is_platform_requirement(name):
                continue
            child = _node(result, name, None, text, line, source)
            if child is not None:
                where = Location(source, line)
                result.graph.add_edge(root, child, scope, direct=True, declared_at=where)
    return result


def _root(
    result: ReadResult, document: dict[str, object], text: str, line: int, source: str
) -> Node:
    name, version = document.get("name"), document.get("version")
    if isinstance(name, str) and name:
        node = _node(
            result,
            name,
            version if isinstance(version, str) and version else None,
            text,
            line,
            source,
            root=True,
        )
        if node is not None:
            return node
    return generic_root(result.graph, source)


def _node(
    result: ReadResult,
    name: str,
    version: str | None,
    text: str,
    line: int,
    source: str,
    *,
    root: bool = False,
) -> Node | None:
    try:
        purl = composer_purl(name, version)
    except PolypacError as error:
        problem = f"package {name!r} cannot make a PURL: {str(error).splitlines()[0]}"
        result.errors.append(lockfile_error(text, line, problem, what=WHAT, source=source))
        return None
    return result.graph.add_node(purl, root=root)
