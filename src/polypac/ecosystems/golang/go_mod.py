"""Read a ``go.mod`` file: the module, its requirements, replacements and exclusions.

The grammar is that of the Go modules reference (https://go.dev/ref/mod#go-mod-file): one
directive per line (``module``, ``go``, ``toolchain``, ``godebug``, ``require``,
``exclude``, ``replace``, ``retract``, ``tool``, ``ignore``), or a directive and a
parenthesized block of lines; ``//`` comments; tokens bare or quoted ("..." or `...`).

The root is the main module (``pkg:golang/<path>``, no version; ``pkg:generic/<path>``
for a one-element path such as ``module app``, which no golang PURL can name). Each
``require`` is an edge from the root, direct unless marked ``// indirect`` (Go has no dev or build
dependencies, so the scope is ``RUNTIME``). A ``replace`` applies to the requirement it
names: a module replacement gives the new module and version, a directory replacement
(``=> ../fork``) keeps the module's path with no version (the code is local). Excluded
versions are reported in :class:`GoMod` and add no edge.

    >>> text = '''module example.com/app
    ...
    ... go 1.22
    ...
    ... require (
    ...     golang.org/x/text v0.14.0
    ...     rsc.io/quote v1.5.2 // indirect
    ... )
    ... '''
    >>> for edge in read_go_mod(text, source="go.mod").graph.edges:
    ...     print(edge.child, edge.direct, edge.declared_at)
    pkg:golang/golang.org/x/text@v0.14.0 True go.mod:6
    pkg:golang/rsc.io/quote@v1.5.2 False go.mod:7
"""

from __future__ import annotations

from dataclasses import dataclass, field

from polypac.ecosystems.golang._syntax import Line, generic_root, golang_purl, logical_lines
from polypac.errors import PolypacError
from polypac.inventory.graph import Location, LockfileError, ReadResult, Scope
from polypac.purl import build_purl

__all__ = ["GoMod", "ModuleVersion", "Replacement", "Requirement", "parse_go_mod", "read_go_mod"]

WHAT = "go.mod"

_DIRECTIVES = frozenset(
    {"module", "go", "toolchain", "godebug", "require", "exclude", "replace", "retract", "tool"}
    | {"ignore"}
)


@dataclass(frozen=True, slots=True)
class Requirement:
    """``require path version``; ``indirect`` when marked ``// indirect``."""

    path: str
    version: str
    indirect: bool
    line: int


@dataclass(frozen=True, slots=True)
class ModuleVersion:
    """A module path and version, as ``exclude`` writes them."""

    path: str
    version: str
    line: int


@dataclass(frozen=True, slots=True)
class Replacement:
    """``replace old [version] => new [version]``; ``new_version`` is ``None`` for a
    directory replacement."""

    old_path: str
    old_version: str | None
    new_path: str
    new_version: str | None
    line: int

    @property
    def is_directory(self) -> bool:
        """Whether the replacement is a local directory rather than a module."""
        return self.new_version is None

    def applies_to(self, path: str, version: str) -> bool:
        """Whether this replacement replaces ``path`` at ``version``."""
        return self.old_path == path and self.old_version in (None, version)


@dataclass(frozen=True, slots=True)
class GoMod:
    """The directives of a go.mod file that shape the dependency graph."""

    module: str | None = None
    module_line: int = 0
    go: str | None = None
    requirements: tuple[Requirement, ...] = ()
    replacements: tuple[Replacement, ...] = ()
    exclusions: tuple[ModuleVersion, ...] = ()
    retractions: tuple[str, ...] = field(default=())


def parse_go_mod(text: str, *, source: str) -> tuple[GoMod, list[LockfileError]]:
    """The directives of the go.mod ``text`` (from file ``source``) and the problems met;
    a bad line is reported and skipped."""
    errors: list[LockfileError] = []
    module: str | None = None
    module_line = 0
    go: str | None = None
    requirements: list[Requirement] = []
    replacements: list[Replacement] = []
    exclusions: list[ModuleVersion] = []
    retractions: list[str] = []
    for line in logical_lines(text, source=source, what=WHAT, errors=errors):
        verb, arguments = line.verb, line.arguments
        if verb not in _DIRECTIVES:
            errors.append(_error(line, f"unknown directive {verb!r}", source))
            continue
        if verb == "module":
            if len(arguments) != 1:
                errors.append(_error(line, "usage: module module/path", source))
            else:
                module, module_line = arguments[0], line.number
        elif verb == "go":
            if len(arguments) != 1:
                errors.append(_error(line, "usage: go 1.23", source))
            else:
                go = arguments[0]
        elif verb == "require":
            if len(arguments) != 2:
                errors.append(_error(line, "usage: require module/path v1.2.3", source))
            elif _version_problem(line, arguments[1], source, errors):
                requirements.append(
                    Requirement(arguments[0], arguments[1], line.indirect, line.number)
                )
        elif verb == "exclude":
            if len(arguments) != 2:
                errors.append(_error(line, "usage: exclude module/path v1.2.3", source))
            elif _version_problem(line, arguments[1], source, errors):
                exclusions.append(ModuleVersion(arguments[0], arguments[1], line.number))
        elif verb == "replace":
            replacement = _replacement(line, source, errors)
            if replacement is not None:
                replacements.append(replacement)
        elif verb == "retract":
            retractions.append(" ".join(arguments))
    parsed = GoMod(
        module,
        module_line,
        go,
        tuple(requirements),
        tuple(replacements),
        tuple(exclusions),
        tuple(retractions),
    )
    return parsed, errors


def read_go_mod(text: str, *, source: str) -> ReadResult:
    """The dependency graph of the go.mod ``text`` read from file ``source``."""
    parsed, errors = parse_go_mod(text, source=source)
    result = ReadResult(errors=errors)
    graph = result.graph
    root_purl = generic_root(source)
    if parsed.module is not None and "/" not in parsed.module:
        # A one-element module path ("module app") is valid Go but no golang PURL.
        root_purl = build_purl("generic", parsed.module)
    elif parsed.module is not None:
        try:
            root_purl = golang_purl(parsed.module)
        except PolypacError as error:
            errors.append(_plain_error(text, parsed.module_line, str(error), source))
    root = graph.add_node(root_purl, root=True)
    for requirement in parsed.requirements:
        path, version = requirement.path, requirement.version
        replacement = next(
            (r for r in reversed(parsed.replacements) if r.applies_to(path, version)), None
        )
        new_version: str | None = version
        if replacement is not None and not replacement.is_directory:
            path, new_version = replacement.new_path, replacement.new_version
        elif replacement is not None:
            new_version = None
        try:
            child = graph.add_node(golang_purl(path, new_version))
        except PolypacError as error:
            errors.append(_plain_error(text, requirement.line, str(error), source))
            continue
        where = Location(source, requirement.line)
        graph.add_edge(
            root, child, Scope.RUNTIME, direct=not requirement.indirect, declared_at=where
        )
    return result


def _replacement(line: Line, source: str, errors: list[LockfileError]) -> Replacement | None:
    arguments = line.arguments
    usage = "usage: replace module/path [v1.2.3] => other/module v1.4.5 or ../local/directory"
    if "=>" not in arguments:
        errors.append(_error(line, usage, source))
        return None
    arrow = arguments.index("=>")
    old, new = arguments[:arrow], arguments[arrow + 1 :]
    if len(old) not in (1, 2) or len(new) not in (1, 2):
        errors.append(_error(line, usage, source))
        return None
    old_version = old[1] if len(old) == 2 else None
    new_version = new[1] if len(new) == 2 else None
    for version in (old_version, new_version):
        if version is not None and not _version_problem(line, version, source, errors):
            return None
    if new_version is None and not _is_directory(new[0]):
        problem = f"replacement module {new[0]!r} needs a version (or use a ./ or ../ path)"
        errors.append(_error(line, problem, source))
        return None
    return Replacement(old[0], old_version, new[0], new_version, line.number)


def _is_directory(path: str) -> bool:
    return (
        path.startswith(("./", "../", "/", ".\\", "..\\"))
        or path in (".", "..")
        or (len(path) > 2 and path[1] == ":" and path[2] in "\\/")
    )


def _version_problem(line: Line, version: str, source: str, errors: list[LockfileError]) -> bool:
    """True when ``version`` looks like a Go module version; else the error is recorded."""
    if version.startswith("v") and len(version) > 1 and version[1].isdigit():
        return True
    problem = f"version {version!r} must be a semantic version starting with 'v' (like v1.2.3)"
    errors.append(_error(line, problem, source, token=version))
    return False


def _error(line: Line, problem: str, source: str, *, token: str | None = None) -> LockfileError:
    column = line.text.find(token) if token else -1
    return LockfileError(
        line.text,
        column if column >= 0 else None,
        problem,
        what=WHAT,
        source=source,
        line=line.number,
    )


def _plain_error(text: str, number: int, problem: str, source: str) -> LockfileError:
    lines = text.splitlines()
    line_text = lines[number - 1] if 0 < number <= len(lines) else ""
    first = problem.splitlines()[0] if problem else problem
    return LockfileError(line_text, None, first, what=WHAT, source=source, line=number or None)
