"""uv.lock: the real fixture against ``uv tree``/``uv export``, errors, and fuzzing."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polypac.ecosystems.python import read_uv_lock
from polypac.inventory.graph import LockfileError, ReadResult, Scope
from tests.ecosystems.python._tool_output import tree_edges

FIXTURES = Path(__file__).parent / "fixtures" / "uv"
LOCK = (FIXTURES / "uv.lock").read_text()
SOURCE = "demo/uv.lock"


def _read() -> ReadResult:
    return read_uv_lock(LOCK, source=SOURCE)


def _name(key: str) -> str:
    return key.removeprefix("pkg:pypi/").split("@")[0]


def test_fixture_reads_without_errors() -> None:
    result = _read()
    assert result.errors == []
    assert result.graph.roots == {"pkg:pypi/demo-app@0.1.0"}


def test_packages_match_uv_export() -> None:
    exported = set()
    for line in (FIXTURES / "uv-export.txt").read_text().splitlines():
        if line and not line.startswith((" ", "#")):
            name, version = line.split(";")[0].strip().split("==")
            exported.add(f"pkg:pypi/{name}@{version}")
    graph = _read().graph
    assert set(graph.nodes) - graph.roots == exported


def test_edges_match_uv_tree() -> None:
    top, edges = tree_edges((FIXTURES / "uv-tree.txt").read_text(), skip_first=True)
    graph = _read().graph
    direct = {_name(edge.child) for edge in graph.edges if edge.direct}
    transitive = {(_name(e.parent), _name(e.child)) for e in graph.edges if not e.direct}
    assert direct == top
    assert transitive == edges


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
        assert f'name = "{_name(edge.child)}"' in lines[edge.declared_at.line - 1]


def test_bad_entry_is_reported_and_the_rest_read() -> None:
    broken = LOCK.replace('name = "idna"\nversion = "3.20"', 'name = "idna"\nversion = 3.20 x')
    result = read_uv_lock(broken, source=SOURCE)
    assert len(result.errors) == 1
    error = result.errors[0]
    line = broken.splitlines().index("version = 3.20 x") + 1
    assert error.line == line
    assert str(error).startswith(f"{SOURCE}:{line}: invalid uv.lock: ")
    assert error.problem == "expected newline or end of document after a statement"
    assert "pkg:pypi/requests@2.34.2" in result.graph.nodes
    assert "pkg:pypi/idna@3.20" not in result.graph.nodes


def test_unknown_dependency_message() -> None:
    text = '[[package]]\nname = "a"\nversion = "1"\nsource = { virtual = "." }\n' + (
        'dependencies = [{ name = "ghost" }]\n'
    )
    (error,) = read_uv_lock(text, source="uv.lock").errors
    assert str(error).splitlines()[0] == (
        "uv.lock:5: invalid uv.lock: dependency 'ghost' is not a locked package"
    )


def test_no_project_gives_generic_root() -> None:
    text = '[[package]]\nname = "idna"\nversion = "3.7"\n'
    graph = read_uv_lock(text, source="work/app/uv.lock").graph
    assert graph.roots == {"pkg:generic/app"}
    assert [str(e) for e in graph.edges] == [
        "pkg:generic/app -> pkg:pypi/idna@3.7 (runtime, direct, work/app/uv.lock:1)"
    ]


def _only_lockfile_errors(text: str) -> None:
    result = read_uv_lock(text, source="uv.lock")
    assert all(isinstance(error, LockfileError) for error in result.errors)


@settings(max_examples=150, deadline=None)
@given(st.text())
def test_fuzz_text(text: str) -> None:
    _only_lockfile_errors(text)


@settings(max_examples=100, deadline=None)
@given(st.integers(0, len(LOCK)), st.lists(st.integers(0, LOCK.count("\n")), max_size=5))
def test_fuzz_truncated_and_deleted_lines(cut: int, dropped: list[int]) -> None:
    lines = LOCK[:cut].splitlines()
    kept = [line for index, line in enumerate(lines) if index not in set(dropped)]
    _only_lockfile_errors("\n".join(kept))


def test_deep_nesting_is_an_error_not_a_crash() -> None:
    (error,) = read_uv_lock("a = " + "[" * 50_000, source="uv.lock").errors
    assert error.problem == "arrays or tables nested too deeply"
