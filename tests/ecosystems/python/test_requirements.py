"""pip requirements files: the grammar line by line, real fixtures, errors, and fuzzing."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polypac.ecosystems.python import (
    Include,
    Requirement,
    read_requirements,
    read_uv_lock,
)
from polypac.inventory.graph import LockfileError, Scope

FIXTURES = Path(__file__).parent / "fixtures"
EXPORTED = (FIXTURES / "requirements" / "requirements.txt").read_text()
UV_GRAPH = read_uv_lock((FIXTURES / "uv" / "uv.lock").read_text(), source="uv.lock").graph


def _one(text: str) -> Requirement:
    result = read_requirements(text, source="requirements.txt")
    assert result.errors == []
    (requirement,) = result.requirements
    return requirement


def test_uv_export_gives_every_locked_package() -> None:
    result = read_requirements(EXPORTED, source="demo/requirements.txt")
    assert result.errors == []
    assert {e.child for e in result.graph.edges} == set(UV_GRAPH.nodes) - UV_GRAPH.roots
    assert all(e.direct and e.scope is Scope.RUNTIME for e in result.graph.edges)


def test_uv_export_hashes_and_markers() -> None:
    result = read_requirements(EXPORTED, source="demo/requirements.txt")
    by_name = {requirement.name: requirement for requirement in result.requirements}
    lines = EXPORTED.splitlines()
    for requirement in result.requirements:
        assert requirement.hashes
        assert all(f"--hash={digest}" in EXPORTED for digest in requirement.hashes)
        assert lines[requirement.line - 1].startswith(f"{requirement.name}==")
    assert by_name["colorama"].marker == 'sys_platform == "win32"'


def test_pip_freeze_is_the_runtime_closure_in_uv_lock() -> None:
    """pip installed requests and rich alone: the same set uv locked for them."""
    text = (FIXTURES / "requirements" / "pip-freeze.txt").read_text()
    frozen = {e.child for e in read_requirements(text, source="r.txt").graph.edges}
    (root,) = UV_GRAPH.roots
    wanted = [e.child for e in UV_GRAPH.children(root) if e.scope is Scope.RUNTIME]
    closure: set[str] = set()
    while wanted:
        key = wanted.pop()
        if key not in closure:
            closure.add(key)
            wanted.extend(e.child for e in UV_GRAPH.children(key) if e.scope is Scope.RUNTIME)
    assert frozen == closure - {"pkg:pypi/colorama@0.4.6"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("-r base.txt", Include("base.txt", False, 1), id="r-space"),
        pytest.param("-rbase.txt", Include("base.txt", False, 1), id="r-joined"),
        pytest.param("--requirement=dev/base.txt", Include("dev/base.txt", False, 1), id="long"),
        pytest.param("--requirement dev/base.txt", Include("dev/base.txt", False, 1), id="long2"),
        pytest.param(
            "# c\n-c constraints.txt  # pins",
            Include("constraints.txt", True, 2),
            id="constraint-comment",
        ),
        pytest.param("--constraint=c.txt", Include("c.txt", True, 1), id="constraint-long"),
    ],
)
def test_includes(text: str, expected: Include) -> None:
    result = read_requirements(text, source="requirements.txt")
    assert result.errors == []
    assert result.includes == [expected]
    assert result.requirements == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("requests==2.32.3", Requirement("requests", "==2.32.3", line=1), id="pin"),
        pytest.param(
            "rich[jupyter]>=13,<14 ; python_version >= '3.8'  # why",
            Requirement("rich", "<14,>=13", ("jupyter",), 'python_version >= "3.8"', line=1),
            id="extras-marker-comment",
        ),
        pytest.param(
            "foo \\\n  ==1.0 \\\n  --hash=sha256:abc --hash sha256:def",
            Requirement("foo", "==1.0", hashes=("sha256:abc", "sha256:def"), line=1),
            id="continuations-hashes",
        ),
        pytest.param(
            "pip @ https://example.org/pip-24.0.tar.gz",
            Requirement("pip", url="https://example.org/pip-24.0.tar.gz", line=1),
            id="pep508-url",
        ),
        pytest.param(
            "https://example.org/demo_app-1.2-py3-none-any.whl",
            Requirement(
                "demo-app", "==1.2", url="https://example.org/demo_app-1.2-py3-none-any.whl", line=1
            ),
            id="bare-wheel-url",
        ),
        pytest.param(
            "-e git+https://github.com/psf/requests.git@main#egg=requests",
            Requirement(
                "requests",
                url="git+https://github.com/psf/requests.git@main#egg=requests",
                editable=True,
                line=1,
            ),
            id="editable-vcs",
        ),
        pytest.param(
            "--editable=./libs/core",
            Requirement(None, url="./libs/core", editable=True, line=1),
            id="editable-path",
        ),
    ],
)
def test_requirement_lines(text: str, expected: Requirement) -> None:
    assert _one(text) == expected


def test_options_are_kept() -> None:
    text = "--index-url https://example.org/simple\n--pre\n-f ./wheels\nidna\n"
    result = read_requirements(text, source="requirements.txt")
    assert result.options == [
        ("--index-url", "https://example.org/simple"),
        ("--pre", None),
        ("-f", "./wheels"),
    ]
    assert [str(e) for e in result.graph.edges] == [
        "pkg:generic/requirements -> pkg:pypi/idna (runtime, direct, requirements.txt:4)"
    ]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        pytest.param("idna\n--frobnicate", 2, "unknown option '--frobnicate'", id="option"),
        pytest.param("-r", 1, "option '-r' needs a value", id="no-value"),
        pytest.param("idna --hash", 1, "option '--hash' needs a value", id="hash-no-value"),
        pytest.param(
            "idna --hash=abc", 1, "a hash is written algorithm:digest, not 'abc'", id="hash-form"
        ),
        # packaging's own words follow; they change between its releases
        pytest.param("idna >= ", 1, "Expected ", id="pep508"),
    ],
)
def test_error_messages(text: str, line: int, message: str) -> None:
    result = read_requirements(text, source="app/requirements.txt")
    (error,) = result.errors
    assert error.line == line
    head = str(error).splitlines()[0]
    expected = f"app/requirements.txt:{line}: invalid requirements file: {message}"
    assert head.startswith(expected) if message.endswith(" ") else head == expected


def test_bad_line_does_not_stop_the_rest() -> None:
    result = read_requirements("idna==3.7\nnot valid!\nrich==13.0\n", source="r.txt")
    assert [e.line for e in result.errors] == [2]
    assert [e.child for e in result.graph.edges] == ["pkg:pypi/idna@3.7", "pkg:pypi/rich@13.0"]


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_fuzz_text(text: str) -> None:
    result = read_requirements(text, source="requirements.txt")
    assert all(isinstance(error, LockfileError) for error in result.errors)


@settings(max_examples=100, deadline=None)
@given(st.integers(0, len(EXPORTED)), st.lists(st.integers(0, EXPORTED.count("\n")), max_size=5))
def test_fuzz_truncated_and_deleted_lines(cut: int, dropped: list[int]) -> None:
    lines = EXPORTED[:cut].splitlines()
    kept = "\n".join(line for index, line in enumerate(lines) if index not in set(dropped))
    result = read_requirements(kept, source="requirements.txt")
    assert all(isinstance(error, LockfileError) for error in result.errors)


def test_deep_marker_is_an_error_not_a_crash() -> None:
    (error,) = read_requirements("idna ; " + "(" * 50_000, source="r.txt").errors
    # packaging before 26.4 recursed until Python's limit; since then it refuses deep nesting
    assert error.line == 1
    assert "too deeply" in error.problem or "levels deep" in error.problem
