"""pyproject.toml as a manifest: the fixtures' declared dependencies, errors, and fuzzing."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polypac.ecosystems.python import read_poetry_lock, read_uv_lock
from polypac.ecosystems.python.pyproject import read_pyproject
from polypac.inventory.graph import LockfileError, Scope

FIXTURES = Path(__file__).parent / "fixtures"


def _declared(tool: str) -> dict[str, Scope]:
    text = (FIXTURES / tool / "pyproject.toml").read_text()
    result = read_pyproject(text, source=f"{tool}/pyproject.toml")
    assert result.errors == []
    assert result.graph.roots == {"pkg:pypi/demo-app@0.1.0"}
    return {e.child.removeprefix("pkg:pypi/"): e.scope for e in result.graph.edges}


def _locked_direct(graph_edges: list[tuple[str, Scope]]) -> dict[str, Scope]:
    return {child.removeprefix("pkg:pypi/").split("@")[0]: scope for child, scope in graph_edges}


def test_uv_project_declares_what_uv_lock_records() -> None:
    lock = read_uv_lock((FIXTURES / "uv" / "uv.lock").read_text(), source="uv.lock").graph
    locked = _locked_direct([(e.child, e.scope) for e in lock.edges if e.direct])
    assert _declared("uv") == locked


def test_poetry_project_declares_what_poetry_lock_implies() -> None:
    text = (FIXTURES / "poetry" / "poetry.lock").read_text()
    lock = read_poetry_lock(text, source="poetry.lock").graph
    locked = _locked_direct([(e.child, e.scope) for e in lock.edges if e.direct])
    declared = _declared("poetry")
    assert declared.pop("poetry-core") is Scope.BUILD
    assert declared == locked


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            '[tool.poetry]\nname = "x"\nversion = "1"\n[tool.poetry.dependencies]\n'
            'python = "^3.11"\nidna = { version = "^3", optional = true }\n',
            ["pkg:pypi/x@1 -> pkg:pypi/idna (optional, direct, p/pyproject.toml:6)"],
            id="poetry-optional",
        ),
        pytest.param(
            '[tool.poetry.dev-dependencies]\npytest = "*"\n',
            ["pkg:generic/p -> pkg:pypi/pytest (dev, direct, p/pyproject.toml:2)"],
            id="poetry-dev-generic-root",
        ),
        pytest.param(
            '[dependency-groups]\ntest = ["pytest==8.0"]\nall = [{ include-group = "test" }]\n',
            ["pkg:generic/p -> pkg:pypi/pytest@8.0 (dev, direct, p/pyproject.toml:2)"],
            id="pep735-include",
        ),
    ],
)
def test_sections(text: str, expected: list[str]) -> None:
    result = read_pyproject(text, source="p/pyproject.toml")
    assert result.errors == []
    assert [str(e) for e in result.graph.edges] == expected


def test_bad_requirement_message() -> None:
    text = '[project]\nname = "x"\ndependencies = [\n  "idna",\n  "bad name!",\n]\n'
    result = read_pyproject(text, source="pyproject.toml")
    (error,) = result.errors
    assert (
        str(error)
        .splitlines()[0]
        .startswith("pyproject.toml:5: invalid pyproject.toml: invalid requirement 'bad name!': ")
    )
    assert [e.child for e in result.graph.edges] == ["pkg:pypi/idna"]


def test_toml_error_message() -> None:
    (error,) = read_pyproject("[project\n", source="pyproject.toml").errors
    assert str(error).splitlines()[0] == (
        "pyproject.toml:1: invalid pyproject.toml: expected ']' at the end of a table declaration"
    )


@settings(max_examples=150, deadline=None)
@given(st.text())
def test_fuzz_text(text: str) -> None:
    result = read_pyproject(text, source="pyproject.toml")
    assert all(isinstance(error, LockfileError) for error in result.errors)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(["uv", "poetry"]), st.integers(0, 600), st.integers(0, 20))
def test_fuzz_truncated_and_deleted_lines(tool: str, cut: int, dropped: int) -> None:
    lines = (FIXTURES / tool / "pyproject.toml").read_text()[:cut].splitlines()
    kept = "\n".join(line for index, line in enumerate(lines) if index != dropped)
    result = read_pyproject(kept, source="pyproject.toml")
    assert all(isinstance(error, LockfileError) for error in result.errors)


_EXTERNAL = """\
[project]
name = "scipy-like"
version = "1.0"

[external]
build-requires = [
  "dep:virtual/compiler/c",
  "dep:virtual/compiler/fortran",
  "dep:generic/ninja",
]
host-requires = [
  "dep:generic/openblas>=0.3",
  "pkg:deb/debian/libssl-dev",
]
dependencies = ["dep:generic/libgfortran"]

[external.optional-dependencies]
gpu = ["dep:generic/cuda-toolkit"]
"""


def test_pep_725_external_dependencies_become_system_build_and_optional_edges() -> None:
    result = read_pyproject(_EXTERNAL, source="pyproject.toml")
    assert result.errors == []
    got = {(e.child, e.scope.value, str(e.declared_at)) for e in result.graph.edges}
    assert got == {
        ("pkg:generic/virtual/compiler/c", "build", "pyproject.toml:7"),
        ("pkg:generic/virtual/compiler/fortran", "build", "pyproject.toml:8"),
        ("pkg:generic/ninja", "build", "pyproject.toml:9"),
        ("pkg:generic/openblas", "build", "pyproject.toml:12"),
        ("pkg:deb/debian/libssl-dev", "build", "pyproject.toml:13"),
        ("pkg:generic/libgfortran", "system", "pyproject.toml:15"),
        ("pkg:generic/cuda-toolkit", "optional", "pyproject.toml:18"),
    }


def test_a_bad_external_entry_is_reported_on_its_line_and_the_rest_is_read() -> None:
    text = _EXTERNAL.replace('"dep:generic/ninja"', '"ninja"').replace(
        "[external.optional-dependencies]", "[external.optional-dependencies]\nnope = 1"
    )
    result = read_pyproject(text, source="pyproject.toml")
    assert [(e.line, e.problem) for e in result.errors] == [
        (9, "expected a DepURL such as 'dep:generic/openblas'"),
        (18, "[external] optional-dependencies.nope must be an array of strings"),
    ]
    assert "pkg:generic/openblas" in result.graph.nodes
    assert "pkg:generic/cuda-toolkit" in result.graph.nodes
