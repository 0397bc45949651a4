"""Read a ``Cargo.toml`` manifest: the crate and the dependencies it declares.

The root is the ``[package]`` (``pkg:cargo/name@version``; no version when it is inherited
from the workspace), or ``pkg:generic/<directory>`` for a virtual workspace manifest.
Edges go from the root to each entry of ``[dependencies]`` (scope ``RUNTIME``, or
``OPTIONAL`` with ``optional = true``), ``[dev-dependencies]`` (``DEV``) and
``[build-dependencies]`` (``BUILD``), and of the same tables under
``[target.'cfg(...)'.…]``. A manifest declares requirements, not versions, so the
dependency nodes carry no version; a renamed dependency (``package = "..."``) is named by
its real crate name, a git one gets a ``vcs_url`` qualifier. ``[workspace.dependencies]``
only declares shared requirements for the members and adds no edge; the member globs are
given by :func:`workspace_members` for the caller to read (this module does no I/O).

    >>> manifest = '''[package]
    ... name = "app"
    ... version = "0.1.0"
    ...
    ... [dev-dependencies]
    ... itoa = "1"
    ... '''
    >>> [str(e) for e in read_cargo_toml(manifest, source="app/Cargo.toml").graph.edges]
    ['pkg:cargo/app@0.1.0 -> pkg:cargo/itoa (dev, direct, app/Cargo.toml:6)']
"""

from __future__ import annotations

import tomllib
from typing import Any

from polypac.ecosystems.cargo._toml import (
    KeyLines,
    generic_root,
    load_section,
    merge_tables,
    sections,
    toml_error,
)
from polypac.ecosystems.cargo.cargo_lock import cargo_purl
from polypac.errors import PolypacError
from polypac.inventory.graph import Location, LockfileError, Node, ReadResult, Scope
from polypac.purl import PackageURL

__all__ = ["read_cargo_toml", "workspace_members"]

WHAT = "Cargo.toml"

_KINDS = (
    ("dependencies", Scope.RUNTIME),
    ("dev-dependencies", Scope.DEV),
    ("dev_dependencies", Scope.DEV),
    ("build-dependencies", Scope.BUILD),
    ("build_dependencies", Scope.BUILD),
)


def read_cargo_toml(text: str, *, source: str) -> ReadResult:
    """The crate of the manifest ``text`` (read from file ``source``) and its declared
    dependencies; problems are returned in ``errors``, the rest is still read."""
    result = ReadResult()
    manifest = _load(text, source, result.errors)
    lines = KeyLines(text)
    graph = result.graph
    root = graph.add_node(_root_purl(manifest, text, source, lines, result.errors), root=True)

    tables: list[tuple[tuple[str, ...], Any]] = [((), manifest)]
    targets = manifest.get("target")
    if isinstance(targets, dict):
        tables += [(("target", cfg), table) for cfg, table in targets.items()]
    for prefix, table in tables:
        if not isinstance(table, dict):
            continue
        for kind, scope in _KINDS:
            entries = table.get(kind)
            if entries is None:
                continue
            path = (*prefix, kind)
            if not isinstance(entries, dict):
                _add_error(
                    result.errors, text, source, lines.line(*path), f"[{kind}] must be a table"
                )
                continue
            for key, spec in entries.items():
                _add_dependency(root, (*path, key), key, spec, scope, text, source, lines, result)
    return result


def workspace_members(text: str) -> tuple[str, ...]:
    """The ``[workspace] members`` paths and globs of the manifest ``text`` (empty when
    there are none or the file is not valid TOML).

    >>> workspace_members('[workspace]\\nmembers = ["app", "crates/*"]\\n')
    ('app', 'crates/*')
    """
    try:
        manifest = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return ()
    workspace = manifest.get("workspace")
    members = workspace.get("members") if isinstance(workspace, dict) else None
    if not isinstance(members, list):
        return ()
    return tuple(member for member in members if isinstance(member, str))


def _load(text: str, source: str, errors: list[LockfileError]) -> dict[str, Any]:
    """The whole manifest; when it is not valid TOML, the error and every table that is."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        errors.append(toml_error(error, text, 1, source=source, what=WHAT))
    manifest: dict[str, Any] = {}
    for section in sections(text):
        table, _ = load_section(section, source=source, what=WHAT)
        if table is not None:
            merge_tables(manifest, table)
    return manifest


def _root_purl(
    manifest: dict[str, Any],
    text: str,
    source: str,
    lines: KeyLines,
    errors: list[LockfileError],
) -> PackageURL:
    package = manifest.get("package")
    if isinstance(package, dict):
        name, version = package.get("name"), package.get("version")
        if isinstance(name, str) and name:
            try:
                return cargo_purl(name, version if isinstance(version, str) else None)
            except PolypacError as error:
                _add_error(errors, text, source, lines.line("package", "name"), str(error))
        else:
            _add_error(errors, text, source, lines.line("package"), 'package has no name = "..."')
    return generic_root(source)


def _add_dependency(
    root: Node,
    path: tuple[str, ...],
    key: str,
    spec: object,
    scope: Scope,
    text: str,
    source: str,
    lines: KeyLines,
    result: ReadResult,
) -> None:
    number = lines.line(*path)
    crate, where = key, None
    if isinstance(spec, dict):
        package = spec.get("package", key)
        crate = package if isinstance(package, str) and package else key
        git = spec.get("git")
        if isinstance(git, str) and git:
            rev = spec.get("rev")
            where = f"git+{git}#{rev}" if isinstance(rev, str) and rev else f"git+{git}"
        if spec.get("optional") is True and scope is not Scope.DEV:
            scope = Scope.OPTIONAL
    elif not isinstance(spec, str):
        problem = f'dependency "{key}" must be a version string or a table, not {spec!r}'
        _add_error(result.errors, text, source, number, problem)
        return
    try:
        child = result.graph.add_node(cargo_purl(crate, None, where))
    except PolypacError as error:
        _add_error(result.errors, text, source, number, str(error).splitlines()[0])
        return
    where_declared = Location(source, number)
    result.graph.add_edge(root, child, scope, direct=True, declared_at=where_declared)


def _add_error(
    errors: list[LockfileError], text: str, source: str, number: int, problem: str
) -> None:
    lines = text.splitlines()
    line_text = lines[number - 1] if 0 < number <= len(lines) else ""
    errors.append(
        LockfileError(line_text, None, problem, what=WHAT, source=source, line=number or None)
    )
