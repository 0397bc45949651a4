"""read_packages_lock against a lock file written from NuGet's documented format."""

from __future__ import annotations

import doctest
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polypac.ecosystems.nuget import packages_lock
from polypac.ecosystems.nuget.packages_lock import read_packages_lock
from polypac.inventory.graph import LockfileError, ReadResult, Scope

FIXTURE = Path(__file__).parent / "fixtures" / "app" / "packages.lock.json"


def _read() -> tuple[str, ReadResult]:
    text = FIXTURE.read_text()
    return text, read_packages_lock(text, source="app/packages.lock.json")


def _packages() -> dict[str, dict[str, Any]]:
    data: dict[str, dict[str, Any]] = json.loads(FIXTURE.read_text())["dependencies"]["net8.0"]
    return data


def _key(name: str, body: dict[str, Any]) -> str:
    if body["type"] == "Project":
        return f"pkg:generic/{name}"
    return f"pkg:nuget/{name}@{body['resolved']}"


def test_nodes_are_the_locked_packages() -> None:
    _, result = _read()
    assert result.errors == []
    expected = {_key(name, body) for name, body in _packages().items()} | {"pkg:generic/app"}
    assert set(result.graph.nodes) == expected
    assert result.graph.roots == {"pkg:generic/app"}


def test_root_edges_are_direct_and_project_entries() -> None:
    _, result = _read()
    expected = {
        _key(name, body)
        for name, body in _packages().items()
        if body["type"] in ("Direct", "Project")
    }
    root_edges = [e for e in result.graph.edges if e.parent == "pkg:generic/app"]
    assert {e.child for e in root_edges} == expected
    assert all(e.direct and e.scope is Scope.RUNTIME for e in root_edges)


def test_package_edges_follow_dependencies() -> None:
    _, result = _read()
    packages = _packages()
    expected = {
        (_key(name, body), _key(dependency, packages[dependency]))
        for name, body in packages.items()
        for dependency in body.get("dependencies", {})
    }
    found = {(e.parent, e.child) for e in result.graph.edges if e.parent != "pkg:generic/app"}
    assert found == expected


def test_edges_point_at_their_lines() -> None:
    text, result = _read()
    lines = text.splitlines()
    for edge in result.graph.edges:
        assert edge.declared_at is not None
        name = edge.child.removeprefix("pkg:nuget/").removeprefix("pkg:generic/")
        assert lines[edge.declared_at.line - 1].strip().startswith(f'"{name.partition("@")[0]}": ')


def test_names_match_without_case_within_a_framework() -> None:
    lock = {
        "version": 2,
        "dependencies": {
            "net8.0": {
                "A": {"type": "Direct", "resolved": "1.0.0", "dependencies": {"b": "1.0.0"}},
                "B": {"type": "Transitive", "resolved": "1.0.0"},
            },
            "net6.0": {"B": {"type": "Transitive", "resolved": "2.0.0"}},
        },
    }
    result = read_packages_lock(json.dumps(lock, indent=2), source="packages.lock.json")
    assert result.errors == []
    assert ("pkg:nuget/A@1.0.0", "pkg:nuget/B@1.0.0") in {
        (e.parent, e.child) for e in result.graph.edges
    }
    assert "pkg:nuget/B@2.0.0" in result.graph.nodes


# --- errors -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            '{"version": 3, "dependencies": {}}',
            "packages.lock.json:1: invalid packages.lock.json: unknown lock file version 3 "
            '(expected 1 or 2)\n  {"version": 3, "dependencies": {}}',
            id="unknown-version",
        ),
        pytest.param(
            '{"version": 1, "dependencies": {"net8.0": {\n  "A": {"type": "Direct"}}}}',
            "packages.lock.json:2: invalid packages.lock.json: package 'A' needs a resolved "
            'version (a string)\n    "A": {"type": "Direct"}}}}',
            id="no-resolved",
        ),
        pytest.param(
            '{"version": 1, "dependencies": {"net8.0": {\n  "A": {"type": "Indirect"}}}}',
            "packages.lock.json:2: invalid packages.lock.json: package 'A' has type 'Indirect' "
            "(expected Direct, Transitive, CentralTransitive or Project)"
            '\n    "A": {"type": "Indirect"}}}}',
            id="unknown-type",
        ),
        pytest.param(
            '{"version": 1, "dependencies": []}',
            'packages.lock.json:1: invalid packages.lock.json: "dependencies" must be an '
            'object of target frameworks\n  {"version": 1, "dependencies": []}',
            id="dependencies-not-an-object",
        ),
    ],
)
def test_errors(text: str, expected: str) -> None:
    result = read_packages_lock(text, source="packages.lock.json")
    assert [str(e) for e in result.errors] == [expected]


def test_truncated_file_keeps_the_whole_entries() -> None:
    text, _ = _read()
    cut = text.index('      "Microsoft.Extensions.Options": {')
    result = read_packages_lock(text[:cut], source="app/packages.lock.json")
    [error] = result.errors
    assert error.problem.startswith("not valid JSON: ")
    assert error.line == text[:cut].count("\n") + 1
    assert "pkg:nuget/Newtonsoft.Json@13.0.3" in result.graph.nodes
    assert "pkg:nuget/Microsoft.Extensions.Options@8.0.0" not in result.graph.nodes


# --- fuzz -------------------------------------------------------------------------------


def _check(result: ReadResult) -> None:
    for error in result.errors:
        assert isinstance(error, LockfileError)
        assert error.source == "packages.lock.json"
    assert len(result.graph.roots) == 1


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_text_gives_only_lockfile_errors(text: str) -> None:
    _check(read_packages_lock(text, source="packages.lock.json"))


@settings(max_examples=150, deadline=None)
@given(st.integers(min_value=0), st.lists(st.integers(min_value=0), max_size=6))
def test_mutated_fixture_gives_only_lockfile_errors(cut: int, dropped: list[int]) -> None:
    lines = FIXTURE.read_text().splitlines(keepends=True)
    for index in dropped:
        if lines:
            del lines[index % len(lines)]
    text = "".join(lines)
    _check(read_packages_lock(text[: cut % (len(text) + 1)], source="packages.lock.json"))


@settings(max_examples=100, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(),
        lambda c: st.lists(c) | st.dictionaries(st.text(), c),
    )
)
def test_any_json_gives_only_lockfile_errors(value: object) -> None:
    _check(read_packages_lock(json.dumps(value), source="packages.lock.json"))
    document = {
        "version": 1,
        "dependencies": {
            "net8.0": {
                "A": value,
                "B": {"type": "Direct", "resolved": "1.0", "dependencies": value},
            }
        },
    }
    _check(read_packages_lock(json.dumps(document, indent=2), source="packages.lock.json"))


def test_doctests() -> None:
    assert doctest.testmod(packages_lock).failed == 0
