"""An installed Python environment: the distributions in a ``site-packages`` folder.

``path`` is a ``site-packages`` folder, or a virtual environment (a folder with
``pyvenv.cfg``, whose ``lib/python*/site-packages`` or ``Lib/site-packages`` are read). Each
``*.dist-info/METADATA`` (core metadata, email-header format) gives ``Name``, ``Version`` and
``Requires-Dist``; each ``*.egg-info`` (a folder with ``PKG-INFO`` and ``requires.txt``, or a
single ``PKG-INFO``-style file) gives the same where it can.

Edges: a ``Requires-Dist`` goes to the installed distribution of that name (requirements
that are not installed are left out: the environment is what it is). Markers are evaluated
for the running interpreter. A requirement whose marker needs ``extra == "x"`` counts only
when some installed distribution asked for ``name[x]`` (worked out to a fixed point over the
whole environment); such edges have the optional scope, the others runtime.

Root and direct edges: the root is ``pkg:generic/<folder>`` (the environment's folder, e.g.
``.venv``, when ``path`` is its ``lib/pythonX.Y/site-packages``). An environment does not
record which packages its user asked for, except through pip's ``REQUESTED`` marker file
(PEP 376), which not every installer writes. The direct dependencies are therefore the
distributions that have ``REQUESTED`` together with those that no other installed
distribution requires. ``INSTALLER`` and ``direct_url.json`` say how a distribution was
installed, not whether it was asked for, so they are not used.

Each edge's ``declared_at`` is the metadata file of the parent and the line of its
``Requires-Dist`` (for direct edges, line 1 of the child's metadata file).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.parser import HeaderParser
from pathlib import Path

from packaging.markers import InvalidMarker, UndefinedComparison, UndefinedEnvironmentName
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from polypac.ecosystems.python._common import pypi_purl
from polypac.errors import PurlError
from polypac.inventory.graph import Location, LockfileError, Node, ReadResult, Scope
from polypac.purl import build_purl

__all__ = ["find_site_packages", "read_environment"]

_WHAT = "core metadata"
_HEADER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*:")
_SECTION = re.compile(r"^\[(?P<extra>[^:\]]*)(?::(?P<marker>[^\]]*))?\]$")


@dataclass(slots=True)
class _Requirement:
    requirement: Requirement
    line: int


@dataclass(slots=True)
class _Distribution:
    """One installed distribution read from its metadata file."""

    name: str  # canonical
    node: Node
    file: str  # as shown in locations
    requires: list[_Requirement] = field(default_factory=list)
    requested: bool = False


def find_site_packages(path: Path) -> list[Path]:
    """The ``site-packages`` folders of the environment at ``path`` (``[path]`` itself when it
    is not a virtual environment)."""
    if not (path / "pyvenv.cfg").is_file():
        return [path]
    found = sorted(path.glob("lib/python*/site-packages")) + sorted(
        path.glob("lib64/python*/site-packages")
    )
    found += [p for p in (path / "Lib" / "site-packages",) if p.is_dir()]
    unique: list[Path] = []
    for folder in found:
        if folder.is_dir() and all(folder.resolve() != seen.resolve() for seen in unique):
            unique.append(folder)
    return unique


def _root_name(path: Path) -> str:
    resolved = path.absolute()
    if resolved.name == "site-packages" and resolved.parent.name.startswith("python"):
        return resolved.parent.parent.parent.name or "environment"
    return resolved.name or "environment"


def read_environment(path: Path, *, source: str) -> ReadResult:
    """Read the installed distributions of a ``site-packages`` folder or virtual environment.

    ``source`` is how ``path`` is shown in locations (``<source>/<relative metadata path>``).
    """
    result = ReadResult()
    try:
        root = result.graph.add_node(build_purl("generic", _root_name(path)), root=True)
    except PurlError:
        root = result.graph.add_node(build_purl("generic", "environment"), root=True)
    distributions: list[_Distribution] = []
    for site in find_site_packages(path):
        for entry in sorted(site.iterdir()):
            shown = f"{source}/{entry.relative_to(path).as_posix()}" if entry != path else source
            if entry.suffix == ".dist-info" and entry.is_dir():
                read = _read_dist_info(entry, shown, result)
            elif entry.suffix == ".egg-info":
                read = _read_egg_info(entry, shown, result)
            else:
                continue
            if read is not None:
                distributions.append(read)
    _build_graph(root, distributions, result)
    return result


def _error(result: ReadResult, file: str, lines: list[str], line: int, problem: str) -> None:
    shown = lines[line - 1] if 0 < line <= len(lines) else ""
    result.errors.append(
        LockfileError(shown, None, problem, what=_WHAT, source=file, line=line or None)
    )


def _read_text(file: Path, shown: str, result: ReadResult) -> str | None:
    try:
        return file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        result.errors.append(
            LockfileError("", None, f"cannot read: {error}", what=_WHAT, source=shown, line=None)
        )
        return None


def _header_lines(text: str) -> Iterator[tuple[int, str, str]]:
    """Each header of a metadata text as (1-based line, field name, first-line value); a line
    that is neither a header nor a continuation yields the field name ''."""
    for index, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            return
        if line[0] in " \t":
            continue
        if not _HEADER.match(line):
            yield index, "", line
            continue
        name, _, value = line.partition(":")
        yield index, name.strip().lower(), value.strip()


def _parse_metadata(
    text: str, file: str, result: ReadResult
) -> tuple[str, str, list[_Requirement]] | None:
    """Name, version and requirements of a core metadata text (``None`` when unusable)."""
    lines = text.splitlines()
    headers = list(_header_lines(text))
    for line, name, value in headers:
        if not name:
            _error(result, file, lines, line, f"expected 'Field: value', not {value!r}")
            return None
    message = HeaderParser().parsestr(text)
    found: dict[str, str] = {}
    for key in ("name", "version"):
        field_value = message.get(key)
        if not isinstance(field_value, str) or not field_value.strip():
            _error(result, file, lines, 1, f"no {key.capitalize()} field")
            return None
        found[key] = field_value.strip()
    requirement_lines = [line for line, name, _ in headers if name == "requires-dist"]
    values = message.get_all("Requires-Dist") or []
    requires: list[_Requirement] = []
    for line, value in zip(requirement_lines, values, strict=False):
        text_value = " ".join(str(value).split())
        try:
            requires.append(_Requirement(Requirement(text_value), line))
        except InvalidRequirement as error:
            problem = str(error).splitlines()[0]
            _error(result, file, lines, line, f"invalid Requires-Dist {text_value!r}: {problem}")
    return found["name"], found["version"], requires


def _distribution(
    name: str, version: str, file: str, lines: list[str], result: ReadResult
) -> _Distribution | None:
    try:
        purl = pypi_purl(name, version)
    except PurlError as error:
        _error(result, file, lines, 1, f"{name!r} {version!r} cannot make a PURL: {error.problem}")
        return None
    return _Distribution(canonicalize_name(name), result.graph.add_node(purl), file)


def _read_dist_info(folder: Path, shown: str, result: ReadResult) -> _Distribution | None:
    file = f"{shown}/METADATA"
    text = _read_text(folder / "METADATA", file, result)
    if text is None:
        return None
    parsed = _parse_metadata(text, file, result)
    if parsed is None:
        return None
    name, version, requires = parsed
    read = _distribution(name, version, file, text.splitlines(), result)
    if read is not None:
        read.requires = requires
        read.requested = (folder / "REQUESTED").is_file()
    return read


def _read_egg_info(entry: Path, shown: str, result: ReadResult) -> _Distribution | None:
    file = f"{shown}/PKG-INFO" if entry.is_dir() else shown
    text = _read_text(entry / "PKG-INFO" if entry.is_dir() else entry, file, result)
    if text is None:
        return None
    parsed = _parse_metadata(text, file, result)
    if parsed is None:
        return None
    name, version, requires = parsed
    read = _distribution(name, version, file, text.splitlines(), result)
    if read is None:
        return None
    read.requires = requires
    requires_file = entry / "requires.txt"
    if entry.is_dir() and requires_file.is_file():
        listed = f"{shown}/requires.txt"
        requires_text = _read_text(requires_file, listed, result)
        if requires_text is not None:
            read.requires += _egg_requires(requires_text, listed, result)
    return read


def _egg_requires(text: str, file: str, result: ReadResult) -> list[_Requirement]:
    """The requirements of a setuptools ``requires.txt`` (``[extra:marker]`` sections)."""
    lines = text.splitlines()
    requires: list[_Requirement] = []
    conditions: list[str] = []
    for index, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        section = _SECTION.match(line)
        if section:
            conditions = []
            if section["extra"]:
                conditions.append(f'extra == "{section["extra"].strip()}"')
            if section["marker"]:
                conditions.append(f"({section['marker'].strip()})")
            continue
        if line.startswith("["):
            _error(result, file, lines, index, f"invalid section header {line!r}")
            continue
        written = f"{line} ; {' and '.join(conditions)}" if conditions else line
        try:
            requires.append(_Requirement(Requirement(written), index))
        except InvalidRequirement as error:
            problem = str(error).splitlines()[0]
            _error(result, file, lines, index, f"invalid requirement {line!r}: {problem}")
    return requires


def _applies(requirement: Requirement, extra: str) -> bool:
    if requirement.marker is None:
        return True
    try:
        return requirement.marker.evaluate({"extra": extra})
    except (UndefinedComparison, UndefinedEnvironmentName, InvalidMarker, ValueError):
        return False


def _build_graph(root: Node, distributions: list[_Distribution], result: ReadResult) -> None:
    by_name: dict[str, _Distribution] = {}
    for distribution in distributions:
        by_name.setdefault(distribution.name, distribution)
    # Extras asked of each distribution, to a fixed point.
    extras: dict[str, set[str]] = {name: set() for name in by_name}
    changed = True
    while changed:
        changed = False
        for distribution in distributions:
            active = ["", *sorted(extras[distribution.name])]
            for item in distribution.requires:
                asked = canonicalize_name(item.requirement.name)
                if asked not in extras or not any(_applies(item.requirement, e) for e in active):
                    continue
                wanted = {canonicalize_name(e) for e in item.requirement.extras}
                if not wanted <= extras[asked]:
                    extras[asked] |= wanted
                    changed = True
    required: set[str] = set()
    for distribution in distributions:
        active = sorted(extras[distribution.name])
        for item in distribution.requires:
            target = by_name.get(canonicalize_name(item.requirement.name))
            if target is None or target.node.key == distribution.node.key:
                continue
            if _applies(item.requirement, ""):
                scope = Scope.RUNTIME
            elif any(_applies(item.requirement, e) for e in active):
                scope = Scope.OPTIONAL
            else:
                continue
            required.add(target.node.key)
            where = Location(distribution.file, item.line)
            result.graph.add_edge(
                distribution.node, target.node, scope, direct=False, declared_at=where
            )
    for distribution in distributions:
        if distribution.requested or distribution.node.key not in required:
            where = Location(distribution.file, 1)
            result.graph.add_edge(
                root, distribution.node, Scope.RUNTIME, direct=True, declared_at=where
            )
