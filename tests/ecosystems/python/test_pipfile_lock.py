"""Pipfile.lock: the pipenv-made fixture against ``pipenv requirements``, errors, fuzzing."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from polypac.ecosystems.python import read_requirements
from polypac.ecosystems.python.pipfile_lock import read_pipfile_lock
from polypac.inventory.graph import LockfileError, Scope

FIXTURES = Path(__file__).parent / "fixtures" / "pipfile"
LOCK = (FIXTURES / "Pipfile.lock").read_text()


def test_packages_match_pipenv_requirements() -> None:
    """``pipenv requirements --dev`` prints both sections."""
    result = read_pipfile_lock(LOCK, source="demo/Pipfile.lock")
    assert result.errors == []
    every = {e.child for e in result.graph.edges}
    text = (FIXTURES / "pipenv-requirements-dev.txt").read_text()
    assert every == {e.child for e in read_requirements(text, source="r.txt").graph.edges}


def test_direct_are_the_pipfile_packages() -> None:
    graph = read_pipfile_lock(LOCK, source="demo/Pipfile.lock").graph
    direct = {(e.child.split("@")[0], e.scope) for e in graph.edges if e.direct}
    assert direct == {
        ("pkg:pypi/requests", Scope.RUNTIME),
        ("pkg:pypi/rich", Scope.RUNTIME),
        ("pkg:pypi/pytest", Scope.DEV),
    }
    lines = LOCK.splitlines()
    for edge in graph.edges:
        assert edge.declared_at is not None
        name = edge.child.removeprefix("pkg:pypi/").split("@")[0]
        assert lines[edge.declared_at.line - 1].strip() == json.dumps(name) + ": {"


def test_truncated_message() -> None:
    (error,) = read_pipfile_lock('{\n  "default": {\n', source="Pipfile.lock").errors
    assert str(error).splitlines()[0] == (
        "Pipfile.lock:3: invalid Pipfile.lock: expecting property name enclosed in double quotes"
    )


@settings(max_examples=150, deadline=None)
@given(st.text())
def test_fuzz_text(text: str) -> None:
    result = read_pipfile_lock(text, source="Pipfile.lock")
    assert all(isinstance(error, LockfileError) for error in result.errors)


@settings(max_examples=100, deadline=None)
@given(st.integers(0, len(LOCK)), st.lists(st.integers(0, LOCK.count("\n")), max_size=5))
def test_fuzz_truncated_and_deleted_lines(cut: int, dropped: list[int]) -> None:
    lines = LOCK[:cut].splitlines()
    kept = "\n".join(line for index, line in enumerate(lines) if index not in set(dropped))
    result = read_pipfile_lock(kept, source="Pipfile.lock")
    assert all(isinstance(error, LockfileError) for error in result.errors)
