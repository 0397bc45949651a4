"""read_gradle_lockfile against the Gradle manual's example lock file and inline cases."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polypac.ecosystems.maven import gradle_lockfile
from polypac.ecosystems.maven.gradle_lockfile import configuration_scope, read_gradle_lockfile
from polypac.inventory.graph import LockfileError, ReadResult, Scope

FIXTURE = Path(__file__).parent / "fixtures" / "gradle-docs" / "gradle.lockfile"


def _read() -> tuple[str, ReadResult]:
    text = FIXTURE.read_text()
    return text, read_gradle_lockfile(text, source="app/gradle.lockfile")


def test_documented_example() -> None:
    text, result = _read()
    assert result.errors == []
    assert result.graph.roots == {"pkg:generic/app"}
    expected = [
        (f"pkg:maven/{g}/{a}@{v}", number)
        for number, line in enumerate(text.splitlines(), start=1)
        if not line.startswith(("#", "empty="))
        for g, a, v in [line.partition("=")[0].split(":")]
    ]
    assert len(expected) == 3
    found = [(e.child, e.declared_at.line if e.declared_at else 0) for e in result.graph.edges]
    assert found == expected
    assert all(e.scope is Scope.RUNTIME and not e.direct for e in result.graph.edges)


@pytest.mark.parametrize(
    ("configurations", "scope"),
    [
        pytest.param("compileClasspath,runtimeClasspath", Scope.RUNTIME, id="main"),
        pytest.param("releaseRuntimeClasspath", Scope.RUNTIME, id="android-variant"),
        pytest.param("testCompileClasspath,testRuntimeClasspath", Scope.DEV, id="test"),
        pytest.param("integTestRuntimeClasspath", Scope.DEV, id="integration-test"),
        pytest.param("annotationProcessor", Scope.BUILD, id="annotation-processor"),
        pytest.param("classpath", Scope.BUILD, id="buildscript"),
        pytest.param("checkstyle,testRuntimeClasspath", Scope.DEV, id="test-beats-build"),
        pytest.param("testRuntimeClasspath,runtimeClasspath", Scope.RUNTIME, id="runtime-wins"),
    ],
)
def test_scope_from_configurations(configurations: str, scope: Scope) -> None:
    result = read_gradle_lockfile(f"a:b:1={configurations}\n", source="gradle.lockfile")
    assert [e.scope for e in result.graph.edges] == [scope]


def test_configuration_scope() -> None:
    assert configuration_scope("kapt") is Scope.BUILD


def test_legacy_per_configuration_file() -> None:
    text = "# This is a Gradle generated file for dependency locking.\ncom.g:art:2.0\n"
    result = read_gradle_lockfile(
        text, source="app/gradle/dependency-locks/testRuntimeClasspath.lockfile"
    )
    assert result.errors == []
    assert result.graph.roots == {"pkg:generic/app"}
    [edge] = result.graph.edges
    assert (edge.child, edge.scope) == ("pkg:maven/com.g/art@2.0", Scope.DEV)


# --- errors -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "org.a:b=runtimeClasspath",
            "gradle.lockfile:1: invalid gradle.lockfile: expected "
            '"group:artifact:version=configuration,..."\n  org.a:b=runtimeClasspath\n  ^',
            id="no-version",
        ),
        pytest.param(
            "org.a:b:1",
            'gradle.lockfile:1: invalid gradle.lockfile: expected "=" and the configurations '
            "that lock it\n  org.a:b:1\n           ^",
            id="no-configurations",
        ),
        pytest.param(
            "org.a:b:1=runtime Classpath",
            "gradle.lockfile:1: invalid gradle.lockfile: 'runtime Classpath' is not a "
            "configuration name\n  org.a:b:1=runtime Classpath\n            ^",
            id="bad-configuration",
        ),
    ],
)
def test_errors(text: str, expected: str) -> None:
    result = read_gradle_lockfile(text, source="gradle.lockfile")
    assert [str(e) for e in result.errors] == [expected]


def test_bad_line_does_not_stop_the_read() -> None:
    result = read_gradle_lockfile("<<<<<<< HEAD\na:b:1=runtimeClasspath\n", source="x.lockfile")
    assert [e.line for e in result.errors] == [1]
    assert [e.child for e in result.graph.edges] == ["pkg:maven/a/b@1"]


# --- fuzz -------------------------------------------------------------------------------


def _check(result: ReadResult) -> None:
    for error in result.errors:
        assert isinstance(error, LockfileError)
        assert error.source == "gradle.lockfile"
    assert len(result.graph.roots) == 1


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_text_gives_only_lockfile_errors(text: str) -> None:
    _check(read_gradle_lockfile(text, source="gradle.lockfile"))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="ab.:=,# \t-1", max_size=20), max_size=8))
def test_lockfile_like_lines_give_only_lockfile_errors(lines: list[str]) -> None:
    _check(read_gradle_lockfile("\n".join(lines), source="gradle.lockfile"))


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0), st.lists(st.integers(min_value=0), max_size=4))
def test_mutated_fixture_gives_only_lockfile_errors(cut: int, dropped: list[int]) -> None:
    lines = FIXTURE.read_text().splitlines(keepends=True)
    for index in dropped:
        if lines:
            del lines[index % len(lines)]
    text = "".join(lines)
    _check(read_gradle_lockfile(text[: cut % (len(text) + 1)], source="gradle.lockfile"))


def test_doctests() -> None:
    assert doctest.testmod(gradle_lockfile).failed == 0
