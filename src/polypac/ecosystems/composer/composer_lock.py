"""Read a Composer ``composer.lock`` into a dependency graph.

The lock file is JSON: ``packages`` (installed for production) and ``packages-dev``
(installed only with dev dependencies), each entry with ``name`` (``vendor/package``),
``version``, ``source``/``dist`` and ``require``. Platform requirements (``php``,
``ext-*``, ``lib-*``, ``composer-*``) are not packages and add no edge.

The lock file does not name the project nor list its own requirements (composer.json
does), so the root is ``pkg:generic/<directory>``, and it gets a direct edge to each
production package that no production package requires and each dev package that no
package requires: such a package can only be there because the project asks for it. A
direct requirement also required that way is reached through the other package instead
(read composer.json for the full list). Packages of ``packages-dev`` have scope ``DEV``.

    >>> lock = '''{
    ...     "packages": [
    ...         {
    ...             "name": "psr/log",
    ...             "version": "3.0.0"
    ...         }
    ...     ],
    ...     "packages-dev": []
    ... }'''
    >>> [str(e) for e in read_composer_lock(lock, source="app/composer.lock").graph.edges]
    ['pkg:generic/app -> pkg:composer/psr/log@3.0.0 (runtime, direct, app/composer.lock:4)']
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from polypac.errors import PolypacError
from polypac.inventory.graph import Location, LockfileError, Node, ReadResult, Scope
from polypac.purl import PackageURL, build_purl

__all__ = ["composer_purl", "is_platform_requirement", "read_composer_lock"]

WHAT = "composer.lock"

_PLATFORM = re.compile(
    r"(php(-64bit|-ipv6|-zts|-debug)?|hhvm|composer(-plugin-api|-runtime-api)?|(ext|lib)-.+)"
)
_NAME_LINE = re.compile(r'^[ \t]*\{?[ \t]*"name":[ \t]*"((?:[^"\\]|\\.)*)"', re.MULTILINE)
_OBJECT_START = re.compile(r"^[ \t]*\{[ \t]*$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class _Package:
    name: str
    version: str
    dev: bool
    requires: tuple[str, ...]
    line: int
    end_line: int


def composer_purl(name: str, version: str | None = None) -> PackageURL:
    """``pkg:composer/<vendor>/<name>@<version>``.

    >>> composer_purl("Symfony/Console", "v6.4.1").to_string()
    'pkg:composer/symfony/console@v6.4.1'
    """
    vendor, _, package = name.rpartition("/")
    return build_purl("composer", package, namespace=vendor or None, version=version)


def is_platform_requirement(name: str) -> bool:
    """Whether a requirement names the platform (PHP, an extension...) and not a package.

    >>> is_platform_requirement("ext-json"), is_platform_requirement("psr/log")
    (True, False)
    """
    return _PLATFORM.fullmatch(name.lower()) is not None


def read_composer_lock(text: str, *, source: str) -> ReadResult:
    """The dependency graph of the composer.lock ``text`` read from file ``source``;
    problems are returned in ``errors``. When the JSON is broken (a truncated file), the
    package objects that are still whole are read."""
    result = ReadResult()
    lines = text.splitlines()
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        line_text = lines[error.lineno - 1] if 0 < error.lineno <= len(lines) else ""
        problem = f"not valid JSON: {error.msg}"
        result.errors.append(
            LockfileError(
                line_text,
                min(error.colno - 1, len(line_text)),
                problem,
                what=WHAT,
                source=source,
                line=error.lineno,
            )
        )
        raw = _salvage(text)
    except RecursionError as error:  # absurdly deep nesting
        problem = "the JSON is nested too deeply"
        result.errors.append(LockfileError("", None, problem, what=WHAT, source=source))
        del error
        raw = []
    else:
        raw = _listed(document, result.errors, source)
    packages = _packages(raw, text, lines, result.errors, source)
    _build(result, packages, lines, source)
    return result


def _listed(document: object, errors: list[LockfileError], source: str) -> list[tuple[Any, bool]]:
    if not isinstance(document, dict):
        errors.append(
            LockfileError("", None, "the file must hold a JSON object", what=WHAT, source=source)
        )
        return []
    found: list[tuple[Any, bool]] = []
    for key, dev in (("packages", False), ("packages-dev", True)):
        value = document.get(key, [])
        if not isinstance(value, list):
            problem = f'"{key}" must be a list of packages'
            errors.append(LockfileError("", None, problem, what=WHAT, source=source))
            continue
        found += [(item, dev) for item in value]
    return found


def _salvage(text: str) -> list[tuple[Any, bool]]:
    """The package objects of a broken file that still parse on their own."""
    decoder = json.JSONDecoder()
    dev_start = text.find('"packages-dev"')
    found: list[tuple[Any, bool]] = []
    for match in _OBJECT_START.finditer(text):
        start = text.index("{", match.start())
        try:
            item, _ = decoder.raw_decode(text, start)
        except (json.JSONDecodeError, RecursionError):
            continue
        if isinstance(item, dict) and isinstance(item.get("version"), str):
            found.append((item, 0 <= dev_start < start))
    return found


def _packages(
    raw: list[tuple[Any, bool]],
    text: str,
    lines: list[str],
    errors: list[LockfileError],
    source: str,
) -> list[_Package]:
    name_lines: dict[str, list[int]] = {}
    for match in _NAME_LINE.finditer(text):
        name_lines.setdefault(match[1], []).append(text.count("\n", 0, match.start()) + 1)
    starts = sorted(number for numbers in name_lines.values() for number in numbers)
    packages: list[_Package] = []
    for item, dev in raw:
        if not isinstance(item, dict):
            errors.append(
                LockfileError("", None, "a package must be an object", what=WHAT, source=source)
            )
            continue
        name, version = item.get("name"), item.get("version")
        candidates = name_lines.get(name, []) if isinstance(name, str) else []
        line = candidates.pop(0) if candidates else 0
        if not isinstance(name, str) or not name or not isinstance(version, str) or not version:
            line_text = lines[line - 1] if line else ""
            problem = f"package {name!r} needs a name and a version (strings)"
            errors.append(
                LockfileError(line_text, None, problem, what=WHAT, source=source, line=line or None)
            )
            continue
        later = [start for start in starts if start > line]
        end = later[0] if later else len(lines) + 1
        require = item.get("require", {})
        requires = tuple(require) if isinstance(require, dict) else ()
        packages.append(_Package(name, version, dev, requires, line, end))
    return packages


def _build(result: ReadResult, packages: list[_Package], lines: list[str], source: str) -> None:
    graph = result.graph
    path = PurePath(source)
    root = graph.add_node(
        build_purl("generic", path.parent.name or path.stem or "project"), root=True
    )
    nodes: dict[str, tuple[Node, _Package]] = {}
    for package in packages:
        try:
            node = graph.add_node(composer_purl(package.name, package.version))
        except PolypacError as error:
            line_text = lines[package.line - 1] if package.line else ""
            problem = str(error).splitlines()[0]
            result.errors.append(
                LockfileError(
                    line_text, None, problem, what=WHAT, source=source, line=package.line or None
                )
            )
            continue
        nodes[package.name.lower()] = (node, package)
    # A production package that no production package requires, or a dev package that no
    # package requires, is there only because the project requires it.
    required_by = {
        dev: {
            name.lower()
            for _, package in nodes.values()
            if dev or not package.dev
            for name in package.requires
            if not is_platform_requirement(name)
        }
        for dev in (False, True)
    }
    for key, (node, package) in nodes.items():
        if key not in required_by[package.dev]:
            scope = Scope.DEV if package.dev else Scope.RUNTIME
            where = Location(source, package.line)
            graph.add_edge(root, node, scope, direct=True, declared_at=where)
    for parent, package in nodes.values():
        for name in package.requires:
            target = nodes.get(name.lower())
            if target is None or is_platform_requirement(name):
                continue
            child, child_package = target
            scope = Scope.DEV if child_package.dev else Scope.RUNTIME
            line = _line_of(lines, f'"{name}":', package.line, package.end_line)
            where = Location(source, line)
            graph.add_edge(parent, child, scope, direct=False, declared_at=where)


def _line_of(lines: list[str], needle: str, start: int, end: int) -> int:
    """The first line in ``[start, end)`` (1-based) holding ``needle``, else ``start``."""
    for number in range(max(start, 1), min(end, len(lines) + 1)):
        if needle in lines[number - 1]:
            return number
    return start
