"""pylock.toml (PEP 751): the uv-made fixture, markers, errors, and fuzzing."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polypac.ecosystems.python import read_uv_lock
from polypac.ecosystems.python.pylock import read_pylock
from polypac.inventory.graph import LockfileError, Scope

FIXTURES = Path(__file__).parent / "fixtures"
LOCK = (FIXTURES / "pylock" / "pylock.toml").read_text()


def test_same_packages_as_uv_lock() -> None:
    result = read_pylock(LOCK, source="demo/pylock.toml")
    assert result.errors == []
    uv = read_uv_lock((FIXTURES / "uv" / "uv.lock").read_text(), source="uv.lock").graph
    assert {e.child for e in result.graph.edges} == set(uv.nodes) - uv.roots
    lines = LOCK.splitlines()
    for edge in result.graph.edges:
        assert edge.declared_at is not None
        assert lines[edge.declared_at.line - 1] == "[[packages]]"


@pytest.mark.parametrize(
    ("marker", "scope"),
    [
        pytest.param("'dev' in dependency_groups", Scope.DEV, id="group"),
        pytest.param("'socks' in extras", Scope.OPTIONAL, id="extra"),
        pytest.param("sys_platform == 'win32'", Scope.RUNTIME, id="platform"),
    ],
)
def test_marker_scopes(marker: str, scope: Scope) -> None:
    text = f'lock-version = "1.0"\n[[packages]]\nname = "x"\nversion = "1"\nmarker = "{marker}"\n'
    (edge,) = read_pylock(text, source="pylock.toml").graph.edges
    assert edge.scope is scope


def test_dependencies_make_edges() -> None:
    text = (
        'lock-version = "1.0"\n[[packages]]\nname = "rich"\nversion = "13.0"\n'
        'dependencies = [{ name = "pygments" }]\n'
        '[[packages]]\nname = "pygments"\nversion = "2.18.0"\n'
    )
    edges = [str(e) for e in read_pylock(text, source="a/pylock.toml").graph.edges]
    assert edges == [
        "pkg:pypi/rich@13.0 -> pkg:pypi/pygments@2.18.0 (runtime, transitive, a/pylock.toml:5)",
        "pkg:generic/a -> pkg:pypi/rich@13.0 (runtime, direct, a/pylock.toml:2)",
    ]


def test_missing_lock_version_message() -> None:
    (error,) = read_pylock("", source="pylock.toml").errors
    assert (
        str(error).splitlines()[0] == "pylock.toml:1: invalid pylock.toml: lock-version is missing"
    )


@settings(max_examples=150, deadline=None)
@given(st.text())
def test_fuzz_text(text: str) -> None:
    result = read_pylock(text, source="pylock.toml")
    assert all(isinstance(error, LockfileError) for error in result.errors)


@settings(max_examples=100, deadline=None)
@given(st.integers(0, len(LOCK)), st.lists(st.integers(0, LOCK.count("\n")), max_size=5))
def test_fuzz_truncated_and_deleted_lines(cut: int, dropped: list[int]) -> None:
    lines = LOCK[:cut].splitlines()
    kept = "\n".join(line for index, line in enumerate(lines) if index not in set(dropped))
    result = read_pylock(kept, source="pylock.toml")
    assert all(isinstance(error, LockfileError) for error in result.errors)
