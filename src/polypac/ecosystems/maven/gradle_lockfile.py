"""Read a Gradle dependency lock file (``gradle.lockfile``) into a dependency graph.

Gradle's dependency locking writes one line per locked module,
``group:artifact:version=configuration,configuration``, ``#`` comment lines, and
``empty=configuration,...`` naming the locked configurations that resolved to nothing.
The legacy layout (Gradle before 6) wrote one file per configuration,
``gradle/dependency-locks/<configuration>.lockfile``, with lines ``group:artifact:version``
and no ``=``: their configuration is the file's name.

The file names no project and does not say which modules are direct, so the root is
``pkg:generic/<directory>`` and each module is an edge from it marked not direct (as for
go.sum). The scope comes from the configurations that lock the module, the first that
applies of:

- ``RUNTIME``: a main classpath (``compileClasspath``, ``runtimeClasspath``, or a variant's
  ``...CompileClasspath``/``...RuntimeClasspath``, not a test one);
- ``DEV``: a test configuration (its name holds ``test``, like ``testRuntimeClasspath``);
- ``BUILD``: anything else (``annotationProcessor``, ``kapt``, ``checkstyle``, the
  buildscript's ``classpath``...).

    >>> lock = '''# This is a Gradle generated file for dependency locking.
    ... org.slf4j:slf4j-api:2.0.13=compileClasspath,runtimeClasspath
    ... empty=annotationProcessor
    ... '''
    >>> [str(e) for e in read_gradle_lockfile(lock, source="app/gradle.lockfile").graph.edges]
    ['pkg:generic/app -> pkg:maven/org.slf4j/slf4j-api@2.0.13 (runtime, transitive, app/gradle.lockfile:2)']
"""  # noqa: E501

from __future__ import annotations

import re
from pathlib import PurePosixPath

from polypac.ecosystems.maven.pom import maven_purl
from polypac.errors import PolypacError
from polypac.inventory.graph import Location, LockfileError, ReadResult, Scope
from polypac.purl import build_purl

__all__ = ["configuration_scope", "read_gradle_lockfile"]

WHAT = "gradle.lockfile"

_COORDINATES = re.compile(r"([^:=\s]+):([^:=\s]+):([^:=\s]+)")
_CONFIGURATION = re.compile(r"[A-Za-z_][\w.-]*")
_CLASSPATHS = ("compileClasspath", "CompileClasspath", "runtimeClasspath", "RuntimeClasspath")
_RANK = {Scope.RUNTIME: 0, Scope.DEV: 1, Scope.BUILD: 2}


def configuration_scope(configuration: str) -> Scope:
    """The scope of what a Gradle configuration resolves.

    >>> [configuration_scope(c).value for c in ("runtimeClasspath", "testCompileClasspath",
    ...                                          "annotationProcessor")]
    ['runtime', 'dev', 'build']
    """
    if "test" in configuration.lower():
        return Scope.DEV
    if configuration.endswith(_CLASSPATHS):
        return Scope.RUNTIME
    return Scope.BUILD


def read_gradle_lockfile(text: str, *, source: str) -> ReadResult:
    """The dependency graph of the Gradle lock file ``text`` read from file ``source``;
    problems are returned in ``errors`` and the rest of the file is still read."""
    result = ReadResult()
    path = PurePosixPath(source.replace("\\", "/"))
    legacy = path.suffix == ".lockfile" and not path.name.endswith("gradle.lockfile")
    root_name = (path.parent.parent.parent.name if legacy else path.parent.name) or "project"
    try:
        root_purl = build_purl("generic", root_name)
    except PolypacError:
        root_purl = build_purl("generic", "project")
    root = result.graph.add_node(root_purl, root=True)

    def fail(number: int, line: str, column: int | None, problem: str) -> None:
        result.errors.append(
            LockfileError(line, column, problem, what=WHAT, source=source, line=number)
        )

    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        notation, equals, listed = stripped.partition("=")
        configurations = [c.strip() for c in listed.split(",") if c.strip()] if equals else []
        if not equals and legacy:
            configurations = [path.stem]
        column = line.index(stripped[0])
        bad = next((c for c in configurations if not _CONFIGURATION.fullmatch(c)), None)
        if bad is not None:
            fail(number, line, line.find(bad), f"{bad!r} is not a configuration name")
            continue
        if notation == "empty" and equals:
            continue
        match = _COORDINATES.fullmatch(notation.strip())
        if match is None:
            fail(number, line, column, 'expected "group:artifact:version=configuration,..."')
            continue
        if not configurations:
            fail(number, line, len(line), 'expected "=" and the configurations that lock it')
            continue
        scope = min((configuration_scope(c) for c in configurations), key=_RANK.__getitem__)
        try:
            purl = maven_purl(match[1], match[2], match[3])
        except PolypacError as error:
            fail(number, line, column, str(error).splitlines()[0])
            continue
        child = result.graph.add_node(purl)
        where = Location(source, number)
        result.graph.add_edge(root, child, scope, direct=False, declared_at=where)
    return result
