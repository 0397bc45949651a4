"""Read a Bundler ``Gemfile.lock`` into a dependency graph.

The file is made of sections whose header starts at column 0. The source sections
(``GEM``, ``GIT``, ``PATH``, ``PLUGIN SOURCE``) hold ``remote:`` and other options at two
spaces, and under ``specs:`` one gem per line at four spaces, ``name (version)`` or
``name (version-platform)``, each followed by its dependencies at six spaces. ``DEPENDENCIES``
lists what the Gemfile asks for (``!`` marks a gem from a git or path source);
``PLATFORMS``, ``RUBY VERSION``, ``BUNDLED WITH`` and ``CHECKSUMS`` add no edges.

The lock file names no project and keeps no Gemfile groups, so the root is
``pkg:generic/<directory>``, every edge has scope ``RUNTIME``, the ``DEPENDENCIES`` are
the direct edges and the spec dependencies the transitive ones. A gem built for a
platform gets a ``platform`` qualifier, a git gem ``vcs_url`` (``git+URL@revision``), a gem
from a server other than rubygems.org ``repository_url``. A dependency on a gem that the
lock file does not lock (one for other platforms) adds no edge.

    >>> lock = '''GEM
    ...   remote: https://rubygems.org/
    ...   specs:
    ...     rack (3.0.8)
    ...
    ... DEPENDENCIES
    ...   rack (~> 3.0)
    ... '''
    >>> [str(e) for e in read_gemfile_lock(lock, source="app/Gemfile.lock").graph.edges]
    ['pkg:generic/app -> pkg:gem/rack@3.0.8 (runtime, direct, app/Gemfile.lock:7)']
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePath

from polypac.errors import PolypacError
from polypac.inventory.graph import Location, LockfileError, Node, ReadResult, Scope
from polypac.purl import PackageURL, build_purl

__all__ = ["gem_purl", "read_gemfile_lock"]

WHAT = "Gemfile.lock"

_SOURCES = frozenset({"GEM", "GIT", "PATH", "PLUGIN SOURCE"})
_RUBYGEMS = frozenset(
    {"https://rubygems.org/", "https://rubygems.org", "https://index.rubygems.org/"}
)
_HEADER = re.compile(r"[A-Z][A-Z ]*")
_OPTION = re.compile(r"  ([a-z_]+):(?: (.*))?")
_SPEC = re.compile(r"    ([^\s()]+) \(([^\s()]+)\)")
_SPEC_DEPENDENCY = re.compile(r"      ([^\s()]+)(?: \(([^()]*)\))?")
_DEPENDENCY = re.compile(r"  ([^\s()!]+)(?: \(([^()]*)\))?(!)?")
_CONFLICT = ("<<<<<<<", "=======", ">>>>>>>")

_Fail = Callable[[int, "int | None", str], None]


@dataclass(slots=True)
class _Spec:
    name: str
    version: str
    platform: str | None
    purl: PackageURL
    line: int
    dependencies: list[tuple[str, int]] = field(default_factory=list)


@dataclass(slots=True)
class _Source:
    kind: str
    options: dict[str, str] = field(default_factory=dict)


def gem_purl(
    name: str,
    version: str | None = None,
    *,
    platform: str | None = None,
    source_kind: str = "GEM",
    options: dict[str, str] | None = None,
) -> PackageURL:
    """The PURL of a locked gem; ``source_kind`` and ``options`` describe its source section.

    >>> gem_purl("nokogiri", "1.15.4", platform="x86_64-linux").to_string()
    'pkg:gem/nokogiri@1.15.4?platform=x86_64-linux'
    """
    qualifiers: dict[str, str] = {}
    options = options or {}
    if platform is not None and platform != "ruby":
        qualifiers["platform"] = platform
    remote = options.get("remote")
    if source_kind == "GIT" and remote:
        revision = options.get("revision")
        qualifiers["vcs_url"] = f"git+{remote}@{revision}" if revision else f"git+{remote}"
    elif source_kind == "GEM" and remote and remote not in _RUBYGEMS:
        qualifiers["repository_url"] = remote
    return build_purl("gem", name, version=version, qualifiers=qualifiers or None)


def read_gemfile_lock(text: str, *, source: str) -> ReadResult:
    """The dependency graph of the Gemfile.lock ``text`` read from file ``source``;
    problems are returned in ``errors`` and the rest of the file is still read."""
    result = ReadResult()
    errors = result.errors
    specs: list[_Spec] = []
    direct: list[tuple[str, int, str]] = []
    section: str | None = None
    current_source: _Source | None = None
    last_spec: _Spec | None = None
    lines = text.splitlines()

    def fail(number: int, column: int | None, problem: str) -> None:
        errors.append(
            LockfileError(lines[number - 1], column, problem, what=WHAT, source=source, line=number)
        )

    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        if line.startswith(_CONFLICT):
            fail(number, 0, "the file has merge conflict markers: resolve the conflict first")
            continue
        if not line.startswith(" "):
            if not _HEADER.fullmatch(line):
                fail(number, 0, "expected a section name in capitals (like GEM or DEPENDENCIES)")
                section = None
                continue
            section, last_spec = line, None
            current_source = _Source(line) if line in _SOURCES else None
            continue
        if "\t" in line:
            fail(number, line.index("\t"), "indent with spaces, not tabs")
            continue
        if section is None:
            fail(number, 0, "an indented line must follow a section name")
        elif current_source is not None:
            last_spec = _source_line(line, number, current_source, last_spec, specs, fail)
        elif section == "DEPENDENCIES":
            match = _DEPENDENCY.fullmatch(line)
            if match is None:
                fail(number, 2, 'expected "name", "name (requirement)" or "name!"')
            else:
                direct.append((match[1], number, line))

    _build(result, specs, direct, source)
    return result


def _source_line(
    line: str,
    number: int,
    current: _Source,
    last_spec: _Spec | None,
    specs: list[_Spec],
    fail: _Fail,
) -> _Spec | None:
    """Read one line of a source section; the spec that later dependency lines belong to."""
    indent = len(line) - len(line.lstrip(" "))
    if indent == 2:
        option = _OPTION.fullmatch(line)
        if option is None:
            fail(number, 2, 'expected "key: value" (like "remote: https://rubygems.org/")')
        else:
            current.options[option[1]] = option[2] or ""
        return None
    if indent == 4:
        spec = _SPEC.fullmatch(line)
        if spec is None:
            fail(number, 4, 'expected a gem "name (version)"')
            return None
        version, _, platform = spec[2].partition("-")
        try:
            purl = gem_purl(
                spec[1],
                version,
                platform=platform or None,
                source_kind=current.kind,
                options=current.options,
            )
        except PolypacError as error:
            fail(number, 4, str(error).splitlines()[0])
            return None
        found = _Spec(spec[1], version, platform or None, purl, number)
        specs.append(found)
        return found
    if indent == 6:
        dependency = _SPEC_DEPENDENCY.fullmatch(line)
        if dependency is None:
            fail(number, 6, 'expected a dependency "name" or "name (requirement)"')
        elif last_spec is None:
            fail(number, 6, "a dependency must follow the gem it belongs to")
        else:
            last_spec.dependencies.append((dependency[1], number))
        return last_spec
    fail(number, indent, f"unexpected indentation of {indent} spaces")
    return last_spec


def _build(
    result: ReadResult, specs: list[_Spec], direct: list[tuple[str, int, str]], source: str
) -> None:
    graph = result.graph
    path = PurePath(source)
    root = graph.add_node(
        build_purl("generic", path.parent.name or path.stem or "project"), root=True
    )
    nodes: dict[str, list[Node]] = {}
    for spec in specs:
        nodes.setdefault(spec.name, []).append(graph.add_node(spec.purl))
    for name, number, _ in direct:
        for child in nodes.get(name, []):
            where = Location(source, number)
            graph.add_edge(root, child, Scope.RUNTIME, direct=True, declared_at=where)
    for spec in specs:
        parent = graph.nodes[spec.purl.to_string()]
        for name, number in spec.dependencies:
            for child in nodes.get(name, []):
                where = Location(source, number)
                graph.add_edge(parent, child, Scope.RUNTIME, direct=False, declared_at=where)
