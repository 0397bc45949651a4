"""poetry.lock: the real fixture against ``poetry show --tree``, errors, and fuzzing."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from packaging.utils import canonicalize_name

from polypac.ecosystems.python import read_poetry_lock, read_uv_lock
from polypac.inventory.graph import LockfileError, ReadResult, Scope
from tests.ecosystems.python._tool_output import tree_edges

FIXTURES = Path(__file__).parent / "fixtures"
LOCK = (FIXTURES / "poetry" / "poetry.lock").read_text()
SOURCE = "demo/poetry.lock"


def _read() -> ReadResult:
    return read_poetry_lock(LOCK, source=SOURCE)


def _name(key: str) -> str:
    return key.removeprefix("pkg:pypi/").split("@")[0]


def test_fixture_reads_without_errors() -> None:
    result = _read()
    assert result.errors == []
    assert result.graph.roots == {"pkg:generic/demo"}


def test_edges_match_poetry_show_tree() -> None:
    top, edges = tree_edges(
        (FIXTURES / "poetry" / "poetry-show-tree.txt").read_text(), skip_first=False
    )
    graph = _read().graph
    assert {_name(e.child) for e in graph.edges if e.direct} == top
    assert {(_name(e.parent), _name(e.child)) for e in graph.edges if not e.direct} == edges


def test_same_packages_as_uv_for_the_same_project() -> None:
    uv = read_uv_lock((FIXTURES / "uv" / "uv.lock").read_text(), source="uv.lock").graph
    poetry = _read().graph
    assert set(poetry.nodes) - poetry.roots == set(uv.nodes) - uv.roots


@pytest.mark.parametrize(
    ("child", "scope"),
    [
        ("requests", Scope.RUNTIME),
        ("rich", Scope.RUNTIME),
        ("pysocks", Scope.OPTIONAL),
        ("pytest", Scope.DEV),
    ],
)
def test_direct_scopes(child: str, scope: Scope) -> None:
    scopes = {_name(e.child): e.scope for e in _read().graph.edges if e.direct}
    assert scopes[child] is scope


def test_edges_point_at_their_lines() -> None:
    lines = LOCK.splitlines()
    for edge in _read().graph.edges:
        assert edge.declared_at is not None
        line = lines[edge.declared_at.line - 1]
        if edge.direct:
            assert line == "[[package]]"
            assert lines[edge.declared_at.line] == f'name = "{_name(edge.child)}"'
        else:
            key = line.split(" = ")[0].strip('"')
            assert canonicalize_name(key) == _name(edge.child)


def test_category_of_old_lockfiles() -> None:
    text = '[[package]]\nname = "pytest"\nversion = "8.0.0"\ncategory = "dev"\n'
    (edge,) = read_poetry_lock(text, source="poetry.lock").graph.edges
    assert edge.scope is Scope.DEV


def test_truncated_file_message() -> None:
    text = '[[package]]\nname = "idna"\nversion = "3.7"\n\n[[package]]\nname = "rich\n'
    result = read_poetry_lock(text, source="poetry.lock")
    (error,) = result.errors
    assert str(error).splitlines()[0] == ("poetry.lock:6: invalid poetry.lock: unterminated string")
    assert list(result.graph.nodes) == ["pkg:pypi/idna@3.7", "pkg:generic/poetry"]


def test_missing_version_message() -> None:
    (error,) = read_poetry_lock('[[package]]\nname = "idna"\n', source="poetry.lock").errors
    assert str(error).splitlines()[0] == (
        "poetry.lock:1: invalid poetry.lock: a package needs a string name and version"
    )


@settings(max_examples=150, deadline=None)
@given(st.text())
def test_fuzz_text(text: str) -> None:
    result = read_poetry_lock(text, source="poetry.lock")
    assert all(isinstance(error, LockfileError) for error in result.errors)


@settings(max_examples=100, deadline=None)
@given(st.integers(0, len(LOCK)), st.lists(st.integers(0, LOCK.count("\n")), max_size=5))
def test_fuzz_truncated_and_deleted_lines(cut: int, dropped: list[int]) -> None:
    lines = LOCK[:cut].splitlines()
    kept = "\n".join(line for index, line in enumerate(lines) if index not in set(dropped))
    result = read_poetry_lock(kept, source="poetry.lock")
    assert all(isinstance(error, LockfileError) for error in result.errors)
