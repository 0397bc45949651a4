"""``pyproject.toml`` as a manifest: what the project asks for, before any lock.

Read: ``[project]`` ``dependencies`` (runtime) and ``optional-dependencies`` (optional),
``[dependency-groups]`` (PEP 735, development), ``[build-system] requires`` (build), and
Poetry's ``[tool.poetry.dependencies]`` (runtime, or optional with ``optional = true``),
``[tool.poetry.dev-dependencies]`` and ``[tool.poetry.group.<name>.dependencies]``
(development), and PEP 725's ``[external]`` (build and host requirements as build, the
dependencies as system, optional ones as optional; virtual dependencies such as a C
compiler as ``pkg:generic/virtual/compiler/c``). Requirements become PURLs without a
version unless pinned with ``==``.
The root is the project (``[project]`` or ``[tool.poetry]`` name and version).

    >>> text = '''
    ... [project]
    ... name = "app"
    ... version = "1.0"
    ... dependencies = ["idna==3.7", "rich>=13"]
    ... '''
    >>> for edge in read_pyproject(text, source="pyproject.toml").graph.edges:
    ...     print(edge)
    pkg:pypi/app@1.0 -> pkg:pypi/idna@3.7 (runtime, direct, pyproject.toml:5)
    pkg:pypi/app@1.0 -> pkg:pypi/rich (runtime, direct, pyproject.toml:5)
"""

from __future__ import annotations

from typing import Any

from packaging.requirements import InvalidRequirement
from packaging.requirements import Requirement as Pep508

from polypac.ecosystems.python._common import load_toml, pypi_purl
from polypac.ecosystems.python.external import read_external
from polypac.errors import PurlError
from polypac.inventory._readers import generic_root
from polypac.inventory.graph import (
    DependencyGraph,
    Location,
    LockfileError,
    Node,
    ReadResult,
    Scope,
)

__all__ = ["read_pyproject"]

_WHAT = "pyproject.toml"


def _line_of(lines: list[str], needle: str, start: int) -> int:
    for index in range(max(start, 0), len(lines)):
        if needle in lines[index]:
            return index + 1
    return max(start, 0) + 1


def _header_index(lines: list[str], header: str) -> int:
    for index, line in enumerate(lines):
        if line.strip().replace(" ", "") == header.replace(" ", ""):
            return index
    return 0


def _pinned(requirement: Pep508) -> str | None:
    specifiers = list(requirement.specifier)
    if (
        len(specifiers) == 1
        and specifiers[0].operator in ("==", "===")
        and ("*" not in specifiers[0].version)
    ):
        return specifiers[0].version
    return None


def _root(graph: DependencyGraph, document: dict[str, Any], source: str) -> Node:
    for table in (document.get("project"), document.get("tool", {}).get("poetry")):
        if isinstance(table, dict) and isinstance(table.get("name"), str):
            version = table.get("version")
            try:
                purl = pypi_purl(table["name"], version if isinstance(version, str) else None)
            except PurlError:
                continue
            return graph.add_node(purl, root=True)
    return generic_root(graph, source)


def read_pyproject(text: str, *, source: str) -> ReadResult:
    """Read the dependencies a ``pyproject.toml`` declares into a graph rooted at its project."""
    result = ReadResult()
    document = load_toml(text, source=source, what=_WHAT)
    if isinstance(document, LockfileError):
        result.errors.append(document)
        return result
    graph = result.graph
    root = _root(graph, document, source)
    lines = text.splitlines()

    def fail(line: int, problem: str) -> None:
        shown = lines[line - 1] if 0 < line <= len(lines) else ""
        result.errors.append(
            LockfileError(shown, None, problem, what=_WHAT, source=source, line=line)
        )

    def add_pep508(entries: object, scope: Scope, header: str) -> None:
        start = _header_index(lines, header)
        if not isinstance(entries, list):
            fail(start + 1, f"the dependencies under {header} must be an array")
            return
        for entry in entries:
            if isinstance(entry, dict) and "include-group" in entry:
                continue  # PEP 735 include: its group is read on its own
            if not isinstance(entry, str):
                fail(start + 1, f"a dependency under {header} must be a string")
                continue
            line = _line_of(lines, entry, start)
            try:
                requirement = Pep508(entry)
                child = graph.add_node(pypi_purl(requirement.name, _pinned(requirement)))
            except (InvalidRequirement, PurlError, RecursionError) as error:
                problem = str(error).splitlines()[0] if str(error) else "nested too deeply"
                fail(line, f"invalid requirement {entry!r}: {problem}")
                continue
            graph.add_edge(root, child, scope, direct=True, declared_at=Location(source, line))

    def add_poetry(table: object, default: Scope, header: str) -> None:
        start = _header_index(lines, header)
        if not isinstance(table, dict):
            fail(start + 1, f"{header} must be a table")
            return
        for name, constraint in table.items():
            if name.lower() == "python":
                continue
            line = _line_of(lines, name, start)
            optional = isinstance(constraint, dict) and constraint.get("optional") is True
            try:
                child = graph.add_node(pypi_purl(name, None))
            except PurlError as error:
                fail(line, f"bad dependency name {name!r}: {error.problem}")
                continue
            scope = Scope.OPTIONAL if optional else default
            graph.add_edge(root, child, scope, direct=True, declared_at=Location(source, line))

    project = document.get("project", {})
    if isinstance(project, dict):
        if "dependencies" in project:
            add_pep508(project["dependencies"], Scope.RUNTIME, "[project]")
        extras = project.get("optional-dependencies", {})
        if isinstance(extras, dict):
            for entries in extras.values():
                add_pep508(entries, Scope.OPTIONAL, "[project.optional-dependencies]")
    groups = document.get("dependency-groups", {})
    if isinstance(groups, dict):
        for entries in groups.values():
            add_pep508(entries, Scope.DEV, "[dependency-groups]")
    build = document.get("build-system", {})
    if isinstance(build, dict) and "requires" in build:
        add_pep508(build["requires"], Scope.BUILD, "[build-system]")
    external = document.get("external")
    if isinstance(external, dict):
        start = _header_index(lines, "[external]")
        requirements, problems = read_external(external)
        for problem in problems:
            # An entry's error holds the entry; a key's error holds "key.group".
            needle = problem.text
            if not any(needle in line for line in lines[start:]):
                needle = problem.text.rsplit(".", 1)[-1] + " ="
            fail(_line_of(lines, needle, start), problem.problem)
        for requirement in requirements:
            line = _line_of(lines, requirement.text, start)
            child = graph.add_node(requirement.purl)
            graph.add_edge(
                root, child, requirement.scope, direct=True, declared_at=Location(source, line)
            )
    elif external is not None:
        fail(_header_index(lines, "[external]") + 1, "[external] must be a table")
    tool = document.get("tool", {})
    poetry = tool.get("poetry", {}) if isinstance(tool, dict) else {}
    if isinstance(poetry, dict):
        if "dependencies" in poetry:
            add_poetry(poetry["dependencies"], Scope.RUNTIME, "[tool.poetry.dependencies]")
        if "dev-dependencies" in poetry:
            add_poetry(poetry["dev-dependencies"], Scope.DEV, "[tool.poetry.dev-dependencies]")
        poetry_groups = poetry.get("group", {})
        if isinstance(poetry_groups, dict):
            for group, body in poetry_groups.items():
                if isinstance(body, dict) and "dependencies" in body:
                    header = f"[tool.poetry.group.{group}.dependencies]"
                    add_poetry(body["dependencies"], Scope.DEV, header)
    return result
