"""pip's requirements files (``requirements.txt``), as pip reads them.

A logical line is one or more physical lines joined where a line ends with a backslash;
``#`` at the start of a line or after whitespace starts a comment. A logical line is an
option line (``-r``/``--requirement`` and ``-c``/``--constraint`` name other files;
``-i``, ``--extra-index-url``, ``-f``, ``--pre``... set up pip), an editable requirement
(``-e path-or-url``), or a PEP 508 requirement (``name[extras] specifier ; marker`` or
``name @ url``) followed by its own options (``--hash=algo:digest`` ...).

:func:`read_requirements` reads no other file: the files named by ``-r`` and ``-c`` come
back in :attr:`RequirementsResult.includes` (as written, relative to the file that names
them), for the caller to read.

    >>> text = '''# pinned by hand
    ... -r base.txt
    ... requests==2.32.3 \\\\
    ...     --hash=sha256:70761cfe03c773ceb22aa2f671b4757976145175cdfca038c02654d061d6dcc6
    ... rich>=13 ; python_version >= "3.8"
    ... '''
    >>> result = read_requirements(text, source="app/requirements.txt")
    >>> [include.path for include in result.includes]
    ['base.txt']
    >>> for edge in result.graph.edges:
    ...     print(edge)
    pkg:generic/app -> pkg:pypi/requests@2.32.3 (runtime, direct, app/requirements.txt:3)
    pkg:generic/app -> pkg:pypi/rich (runtime, direct, app/requirements.txt:5)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from packaging.requirements import InvalidRequirement
from packaging.requirements import Requirement as Pep508
from packaging.utils import InvalidWheelFilename, parse_wheel_filename

from polypac.ecosystems.python._common import pypi_purl
from polypac.errors import PurlError
from polypac.inventory._readers import generic_root
from polypac.inventory.graph import Location, LockfileError, Node, ReadResult, Scope

__all__ = ["Include", "Requirement", "RequirementsResult", "read_requirements"]

_WHAT = "requirements file"
_COMMENT = re.compile(r"(^|\s+)#.*$")
_EGG = re.compile(r"[#&]egg=([A-Za-z0-9][A-Za-z0-9._-]*)")

#: Options pip accepts on a line of their own, and whether they take a value.
_FILE_OPTIONS: dict[str, bool] = {
    "-i": True,
    "--index-url": True,
    "--extra-index-url": True,
    "--no-index": False,
    "-f": True,
    "--find-links": True,
    "--pre": False,
    "--prefer-binary": False,
    "--require-hashes": False,
    "--trusted-host": True,
    "--only-binary": True,
    "--no-binary": True,
    "--use-feature": True,
    "--config-settings": True,
    "--global-option": True,
}
_INCLUDES = {"-r": False, "--requirement": False, "-c": True, "--constraint": True}
_EDITABLE = ("-e", "--editable")
#: Options that follow a requirement on its line.
_REQUIREMENT_OPTIONS = {"--hash", "--config-settings", "-C", "--global-option"}


@dataclass(frozen=True, slots=True)
class Include:
    """A file named by ``-r`` (``constraint`` false) or ``-c`` (true), as written."""

    path: str
    constraint: bool
    line: int


@dataclass(frozen=True, slots=True)
class Requirement:
    """One requirement line: ``name`` is ``None`` for a path or URL that names no project."""

    name: str | None
    specifier: str = ""
    extras: tuple[str, ...] = ()
    marker: str | None = None
    url: str | None = None
    hashes: tuple[str, ...] = ()
    editable: bool = False
    line: int = 0

    @property
    def pinned_version(self) -> str | None:
        """The version when the specifier is one ``==`` (without ``*``) or ``===`` clause."""
        spec = self.specifier.strip()
        for operator in ("===", "=="):
            if spec.startswith(operator) and "," not in spec:
                version = spec[len(operator) :].strip()
                if version and "*" not in version:
                    return version
        return None


@dataclass(slots=True)
class RequirementsResult(ReadResult):
    """A :class:`ReadResult` with the requirement lines, included files and pip options."""

    requirements: list[Requirement] = field(default_factory=list)
    includes: list[Include] = field(default_factory=list)
    options: list[tuple[str, str | None]] = field(default_factory=list)


def _logical_lines(text: str) -> list[tuple[int, str, str]]:
    """(first line number, joined physical text, text without comments) per logical line."""
    logical: list[tuple[int, str, str]] = []
    pending: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        if not pending:
            start = number
        if raw.endswith("\\") and not _COMMENT.search(raw):
            pending.append(raw[:-1])
            continue
        pending.append(raw)
        joined = " ".join(part.strip() for part in pending)
        pending = []
        logical.append((start, joined, _COMMENT.sub("", joined).strip()))
    if pending:
        joined = " ".join(part.strip() for part in pending)
        logical.append((start, joined, _COMMENT.sub("", joined).strip()))
    return logical


def _split_option(tokens: list[str], index: int) -> tuple[str, str | None, int]:
    """The option at ``tokens[index]`` as (name, inline value or None, next index)."""
    token = tokens[index]
    if token.startswith("--") and "=" in token:
        name, value = token.split("=", 1)
        return name, value, index + 1
    if len(token) > 2 and token[0] == "-" and token[1] != "-":
        return token[:2], token[2:].lstrip("="), index + 1
    return token, None, index + 1


def _name_from_location(location: str) -> tuple[str | None, str | None]:
    """A project name (and version) from a URL's ``#egg=`` or a wheel file name."""
    egg = _EGG.search(location)
    if egg:
        return egg.group(1), None
    path = unquote(urlsplit(location).path)
    filename = path.rsplit("/", 1)[-1]
    if filename.endswith(".whl"):
        try:
            name, version, _, _ = parse_wheel_filename(filename)
        except InvalidWheelFilename:
            return None, None
        return str(name), str(version)
    return None, None


_NAMED_URL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*\s*(\[[^\]]*\])?\s*@")


def _looks_like_location(text: str) -> bool:
    """Whether a requirement is a bare URL or path, as pip takes it (not ``name @ url``)."""
    if _NAMED_URL.match(text):
        return False
    return (
        "://" in text
        or text.startswith((".", "/", "~"))
        or text.endswith((".whl", ".zip", ".tar.gz"))
    )


def read_requirements(text: str, *, source: str) -> RequirementsResult:
    """Read a pip requirements file; ``-r``/``-c`` files are listed, not read."""
    result = RequirementsResult()
    graph = result.graph
    root = generic_root(graph, source)

    def fail(line: int, shown: str, problem: str, position: int | None = None) -> None:
        result.errors.append(
            LockfileError(shown, position, problem, what=_WHAT, source=source, line=line)
        )

    for line, shown, content in _logical_lines(text):
        if not content:
            continue
        tokens = content.split()
        if tokens[0].startswith("-"):
            name, value, after = _split_option(tokens, 0)
            wants_value = name in _INCLUDES or name in _EDITABLE or _FILE_OPTIONS.get(name, False)
            if name not in _INCLUDES and name not in _EDITABLE and name not in _FILE_OPTIONS:
                fail(line, shown, f"unknown option {name!r}", shown.find(name))
                continue
            if wants_value and not value:
                if after >= len(tokens):
                    fail(line, shown, f"option {name!r} needs a value", len(shown))
                    continue
                value, after = tokens[after], after + 1
            if name in _INCLUDES:
                result.includes.append(Include(value or "", _INCLUDES[name], line))
            elif name in _EDITABLE:
                requirement = _editable(value or "", line)
                _add(result, root, requirement, source)
            else:
                result.options.append((name, value))
            continue
        requirement_tokens: list[str] = []
        index = 0
        while index < len(tokens) and not tokens[index].startswith("-"):
            requirement_tokens.append(tokens[index])
            index += 1
        hashes, problem = _requirement_options(tokens[index:])
        if problem is not None:
            fail(
                line, shown, problem, shown.find(problem.split("'")[1]) if "'" in problem else None
            )
            continue
        spec = " ".join(requirement_tokens)
        parsed = _parse_requirement(spec)
        if isinstance(parsed, str):
            fail(line, shown, parsed)
            continue
        _add(result, root, _with(parsed, hashes, line), source)
    return result


def _requirement_options(tokens: list[str]) -> tuple[tuple[str, ...], str | None]:
    hashes: list[str] = []
    index = 0
    while index < len(tokens):
        name, value, index = _split_option(tokens, index)
        if name not in _REQUIREMENT_OPTIONS:
            return (), f"unknown option after a requirement: '{name}'"
        if not value:
            if index >= len(tokens):
                return (), f"option '{name}' needs a value"
            value, index = tokens[index], index + 1
        if name == "--hash":
            if ":" not in value:
                return (), f"a hash is written algorithm:digest, not '{value}'"
            hashes.append(value)
    return tuple(hashes), None


def _parse_requirement(spec: str) -> Requirement | str:
    """A requirement from PEP 508 text or a bare URL/path; a problem text when invalid."""
    if _looks_like_location(spec.split(";", 1)[0].strip()):
        location, _, marker = spec.partition(";")
        name, version = _name_from_location(location.strip())
        return Requirement(
            name,
            f"=={version}" if version else "",
            url=location.strip(),
            marker=marker.strip() or None,
        )
    try:
        parsed = Pep508(spec)
    except InvalidRequirement as error:
        return str(error).splitlines()[0] or "not a valid requirement"
    except RecursionError:
        return "marker nested too deeply"  # packaging parses markers recursively
    return Requirement(
        parsed.name,
        str(parsed.specifier),
        tuple(sorted(parsed.extras)),
        str(parsed.marker) if parsed.marker is not None else None,
        parsed.url,
    )


def _with(requirement: Requirement, hashes: tuple[str, ...], line: int) -> Requirement:
    return Requirement(
        requirement.name,
        requirement.specifier,
        requirement.extras,
        requirement.marker,
        requirement.url,
        hashes,
        requirement.editable,
        line,
    )


def _editable(location: str, line: int) -> Requirement:
    name, _ = _name_from_location(location)
    return Requirement(name, url=location, editable=True, line=line)


def _add(result: RequirementsResult, root: Node, requirement: Requirement, source: str) -> None:
    """Record ``requirement`` and, when it names a project, the edge from ``root`` to it."""
    result.requirements.append(requirement)
    if requirement.name is None:
        return
    try:
        purl = pypi_purl(requirement.name, requirement.pinned_version)
    except PurlError as error:
        result.errors.append(
            LockfileError(
                requirement.name,
                None,
                f"bad project name: {error.problem}",
                what=_WHAT,
                source=source,
                line=requirement.line,
            )
        )
        return
    child = result.graph.add_node(purl)
    result.graph.add_edge(
        root, child, Scope.RUNTIME, direct=True, declared_at=Location(source, requirement.line)
    )
