"""PEP 725 ``[external]`` dependencies of a ``pyproject.toml``: what a project needs from
outside PyPI (compilers, C libraries, command-line tools).

Each entry is an *external dependency specifier*: a DepURL, ``dep:type/namespace/name``
with an optional ``@version`` (a literal, or a PEP 440 range using only ``>= > < <= ==``
and ``,``), optionally followed by ``; <environment markers>`` as in PEP 508. Earlier drafts
of the PEP are accepted too: the ``pkg:`` scheme in place of ``dep:``, ``virtual:kind/name``
in place of ``dep:virtual/kind/name``, and a range written straight after the URL
(``dep:generic/openblas>=0.3``) instead of after ``@``.

Virtual dependencies (``dep:virtual/compiler/c``, ``dep:virtual/interface/blas``) have no
PURL type yet; they are given the PURL ``pkg:generic/virtual/<kind>/<name>`` so they can be
nodes of a dependency graph, with ``kind`` and ``name`` kept apart.

Keys and scopes: ``build-requires`` and ``host-requires`` build, ``dependencies`` system,
``optional-build-requires``, ``optional-host-requires`` and ``optional-dependencies``
(tables of arrays, by extra) optional, ``dependency-groups`` (by group) dev.

    >>> for requirement in external_dependencies({
    ...     "build-requires": ["dep:virtual/compiler/c"],
    ...     "host-requires": ["dep:generic/openblas@>=0.3; sys_platform == 'linux'"],
    ... }):
    ...     print(requirement)
    pkg:generic/virtual/compiler/c (build-requires)
    pkg:generic/openblas >=0.3 (host-requires)
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from packaging.markers import InvalidMarker, Marker
from packaging.specifiers import InvalidSpecifier, SpecifierSet

from polypac.errors import PurlError
from polypac.inventory.graph import LockfileError, Scope
from polypac.purl import PackageURL, build_purl, parse_purl

__all__ = [
    "ExternalRequirement",
    "external_dependencies",
    "parse_external_requirement",
    "read_external",
]

_WHAT = "external dependency"

# Arrays of specifiers, and tables of such arrays (by extra or group), with their scopes.
_ARRAYS = (
    ("build-requires", Scope.BUILD),
    ("host-requires", Scope.BUILD),
    ("dependencies", Scope.SYSTEM),
)
_TABLES = (
    ("optional-build-requires", Scope.OPTIONAL),
    ("optional-host-requires", Scope.OPTIONAL),
    ("optional-dependencies", Scope.OPTIONAL),
    ("dependency-groups", Scope.DEV),
)
_ALLOWED_OPERATORS = frozenset({">=", ">", "<", "<=", "=="})
_VIRTUAL_KINDS = frozenset({"compiler", "interface"})

# The URL part: a scheme, then anything up to a space, an operator, or a marker.
_URL = re.compile(r"(?P<scheme>dep|pkg|virtual):(?P<body>[^\s<>=!~;@]*(?:@[^\s;]*)?)")
_OPERATOR_START = re.compile(r"[<>=!~]")


@dataclass(frozen=True, slots=True)
class ExternalRequirement:
    """One ``[external]`` entry.

    ``text`` is the entry as written; ``purl`` its package (with the version when the entry
    pins a literal one); ``specifier`` the version range ('' when none, or when pinned);
    ``marker`` the environment marker text; ``key`` the ``[external]`` key it came from and
    ``group`` the extra or group name under it; ``virtual_kind``/``virtual_name`` are set
    for virtual dependencies (``compiler``/``c``).
    """

    text: str
    purl: PackageURL
    specifier: str
    marker: str | None
    key: str
    group: str | None
    scope: Scope
    virtual_kind: str | None = None
    virtual_name: str | None = None

    @property
    def is_virtual(self) -> bool:
        """True for ``dep:virtual/...`` dependencies."""
        return self.virtual_kind is not None

    def __str__(self) -> str:
        range_text = f" {self.specifier}" if self.specifier else ""
        where = f"{self.key}.{self.group}" if self.group else self.key
        return f"{self.purl.to_string()}{range_text} ({where})"


def _error(text: str, position: int | None, problem: str) -> LockfileError:
    return LockfileError(text, position, problem, what=_WHAT)


def parse_external_requirement(
    text: str, *, key: str = "dependencies", group: str | None = None
) -> ExternalRequirement:
    """Parse one external dependency specifier found under ``[external].<key>``.

    Raises :class:`~polypac.inventory.graph.LockfileError` pointing at the bad character.

    >>> str(parse_external_requirement("virtual:compiler/fortran", key="build-requires"))
    'pkg:generic/virtual/compiler/fortran (build-requires)'
    """
    scope = _scope_of(key)
    head, semicolon, marker_text = text.partition(";")
    marker: str | None = None
    if semicolon:
        marker = marker_text.strip()
        try:
            Marker(marker)
        except InvalidMarker as error:
            start = len(head) + 1 + (len(marker_text) - len(marker_text.lstrip()))
            problem = str(error).splitlines()[0]
            raise _error(text, start, f"invalid environment marker: {problem}") from error
    offset = len(head) - len(head.lstrip())
    match = _URL.match(head, offset)
    if match is None:
        raise _error(text, offset, "expected a DepURL such as 'dep:generic/openblas'")
    rest = head[match.end() :]
    body = match["body"]
    url_range = ""
    if _OPERATOR_START.match(rest.lstrip()):
        url_range = rest.strip()
    elif rest.strip():
        position = match.end() + (len(rest) - len(rest.lstrip()))
        raise _error(text, position, "expected a version range or ';' after the DepURL")
    scheme = match["scheme"]
    body_start = match.start("body")
    if scheme == "virtual":
        body = f"virtual/{body}"
        body_start -= len("virtual/")
    url, at, after = body.partition("@")
    tail_start = min((i for i in (after.find("?"), after.find("#")) if i >= 0), default=len(after))
    raw_version, tail = after[:tail_start], after[tail_start:]
    version = urllib.parse.unquote(raw_version)
    if at and url_range:
        raise _error(text, match.end(), "a version is given both after '@' and after the URL")
    literal: str | None = None
    specifier = url_range
    if at:
        if not version:
            raise _error(text, body_start + len(url) + 1, "expected a version after '@'")
        if _OPERATOR_START.match(version):
            specifier = version
        else:
            literal = version
    if specifier:
        _check_specifier(text, specifier)
    kind: str | None = None
    name: str | None = None
    if url.startswith("virtual/"):
        kind, name = _virtual(text, url, body_start)
        purl = build_purl("generic", name, namespace=f"virtual/{kind}", version=literal)
    else:
        purl_text = f"pkg:{url}" + (f"@{raw_version}" if literal else "") + tail
        try:
            purl = parse_purl(purl_text)
        except PurlError as error:
            caret: int | None = None
            if error.position is not None:
                caret = min(body_start + max(error.position - len("pkg:"), 0), len(text))
            raise _error(text, caret, f"invalid DepURL: {error.problem}") from error
    return ExternalRequirement(
        text=text,
        purl=purl,
        specifier=specifier,
        marker=marker,
        key=key,
        group=group,
        scope=scope,
        virtual_kind=kind,
        virtual_name=name,
    )


def _scope_of(key: str) -> Scope:
    for name, scope in (*_ARRAYS, *_TABLES):
        if name == key:
            return scope
    known = ", ".join(name for name, _ in (*_ARRAYS, *_TABLES))
    raise _error(key, 0, f"unknown [external] key (expected one of: {known})")


def _check_specifier(text: str, specifier: str) -> None:
    position = max(text.find(specifier), 0)
    try:
        specifiers = SpecifierSet(specifier)
    except InvalidSpecifier as error:
        raise _error(text, position, f"invalid version range {specifier!r}") from error
    for item in specifiers:
        if item.operator not in _ALLOWED_OPERATORS:
            raise _error(
                text,
                position + max(specifier.find(item.operator), 0),
                f"operator {item.operator!r} is not allowed in a DepURL version"
                " (use >=, >, <, <=, ==)",
            )


def _virtual(text: str, url: str, start: int) -> tuple[str, str]:
    parts = url.split("/")
    if len(parts) != 3 or not parts[2]:
        raise _error(text, start, "a virtual dependency is 'dep:virtual/<kind>/<name>'")
    kind, name = parts[1], urllib.parse.unquote(parts[2])
    if kind not in _VIRTUAL_KINDS:
        position = start + len("virtual/")
        raise _error(text, position, f"virtual kind must be compiler or interface, not {kind!r}")
    return kind, name


def external_dependencies(table: Mapping[str, Any]) -> list[ExternalRequirement]:
    """Every entry of an ``[external]`` table, in the order of the PEP's keys.

    Raises :class:`~polypac.inventory.graph.LockfileError` for the first entry that is not
    an external dependency specifier, or a key whose value has the wrong shape
    (:func:`read_external` collects every error instead).
    """
    found, errors = read_external(table)
    if errors:
        raise errors[0]
    return found


def read_external(
    table: Mapping[str, Any],
) -> tuple[list[ExternalRequirement], list[LockfileError]]:
    """Every entry of an ``[external]`` table that parses, and an error for each that
    does not (an unknown key, a value of the wrong shape, a bad specifier)."""
    found: list[ExternalRequirement] = []
    errors: list[LockfileError] = []
    for key in table:
        try:
            _scope_of(key)  # unknown keys are an error (PEP 725: no other fields)
        except LockfileError as error:
            errors.append(error)
    for key, _scope in _ARRAYS:
        if key in table:
            _entries(table[key], key, None, found, errors)
    for key, _scope in _TABLES:
        if key not in table:
            continue
        groups = table[key]
        if not isinstance(groups, Mapping):
            errors.append(_error(key, None, f"[external] {key} must be a table of arrays"))
            continue
        for group, entries in groups.items():
            _entries(entries, key, str(group), found, errors)
    return found, errors


def _entries(
    entries: object,
    key: str,
    group: str | None,
    found: list[ExternalRequirement],
    errors: list[LockfileError],
) -> None:
    where = f"{key}.{group}" if group else key
    if not isinstance(entries, list):
        errors.append(_error(where, None, f"[external] {where} must be an array of strings"))
        return
    for entry in entries:
        if key == "dependency-groups" and isinstance(entry, Mapping):
            continue  # {include-group = "..."}: that group is read on its own
        if not isinstance(entry, str):
            errors.append(
                _error(repr(entry), None, f"an entry of [external] {where} must be a string")
            )
            continue
        try:
            found.append(parse_external_requirement(entry, key=key, group=group))
        except LockfileError as error:
            errors.append(error)
