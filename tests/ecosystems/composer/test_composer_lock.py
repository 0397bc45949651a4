"""read_composer_lock against the lock file Composer wrote and ``composer show --locked``."""

from __future__ import annotations

import doctest
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polypac.ecosystems.composer import composer_lock
from polypac.ecosystems.composer.composer_lock import is_platform_requirement, read_composer_lock
from polypac.inventory.graph import LockfileError, ReadResult, Scope

FIXTURES = Path(__file__).parent / "fixtures" / "app"


def _json(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / name).read_text())
    return data


def _read() -> tuple[str, ReadResult]:
    text = (FIXTURES / "composer.lock").read_text()
    return text, read_composer_lock(text, source="app/composer.lock")


def _pair(key: str) -> tuple[str, str]:
    name, _, version = key.removeprefix("pkg:composer/").partition("@")
    return name, version


def test_packages_match_composer_show() -> None:
    _, result = _read()
    assert result.errors == []
    found = {_pair(key) for key in result.graph.nodes if key.startswith("pkg:composer/")}
    assert found == {(p["name"], p["version"]) for p in _json("show-locked.json")["locked"]}


def _tree_edges(entry: dict[str, Any], into: set[tuple[str, str]]) -> None:
    for child in entry.get("requires", []):
        if not is_platform_requirement(child["name"]):
            into.add((entry["name"], child["name"]))
            _tree_edges(child, into)


def test_edges_match_composer_tree() -> None:
    _, result = _read()
    expected: set[tuple[str, str]] = set()
    for entry in _json("show-locked-tree.json")["installed"]:
        _tree_edges(entry, expected)
    found = {
        (_pair(e.parent)[0], _pair(e.child)[0])
        for e in result.graph.edges
        if not e.parent.startswith("pkg:generic/")
    }
    assert found == expected


def test_root_edges_are_direct_dependencies() -> None:
    _, result = _read()
    direct = {p["name"] for p in _json("show-locked.json")["locked"] if p["direct-dependency"]}
    root_edges = [e for e in result.graph.edges if e.parent == "pkg:generic/app"]
    assert root_edges
    assert {_pair(e.child)[0] for e in root_edges} <= direct
    # Every direct dependency is reachable from the root.
    reached, frontier = set(), ["pkg:generic/app"]
    while frontier:
        key = frontier.pop()
        for edge in result.graph.children(key):
            if edge.child not in reached:
                reached.add(edge.child)
                frontier.append(edge.child)
    assert direct <= {_pair(key)[0] for key in reached}


def test_dev_scope_follows_packages_dev() -> None:
    text, result = _read()
    dev = {p["name"] for p in json.loads(text)["packages-dev"]}
    for edge in result.graph.edges:
        assert (edge.scope is Scope.DEV) == (_pair(edge.child)[0] in dev), str(edge)


def test_edges_point_at_their_lines() -> None:
    text, result = _read()
    lines = text.splitlines()
    for edge in result.graph.edges:
        assert edge.declared_at is not None
        line = lines[edge.declared_at.line - 1].strip()
        child = _pair(edge.child)[0]
        if edge.parent.startswith("pkg:generic/"):
            assert line == f'"name": "{child}",'
        else:
            assert line.startswith(f'"{child}": ')


# --- errors -----------------------------------------------------------------------------


def test_truncated_file_keeps_the_whole_packages() -> None:
    text, _ = _read()
    cut = text.index('"name": "acme/testkit"')
    result = read_composer_lock(text[:cut], source="composer.lock")
    [error] = result.errors
    assert error.problem.startswith("not valid JSON: ")
    assert error.line == text[:cut].count("\n") + 1
    found = {_pair(key)[0] for key in result.graph.nodes if key.startswith("pkg:composer/")}
    assert found == {"acme/console", "acme/strings", "psr/log", "acme/faker"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            '{"packages": [\n  {"name": "a/b"}\n]}',
            "composer.lock:2: invalid composer.lock: package 'a/b' needs a name and a version "
            '(strings)\n    {"name": "a/b"}',
            id="no-version",
        ),
        pytest.param(
            '{"packages": {}}',
            'composer.lock: invalid composer.lock: "packages" must be a list of packages\n  ',
            id="packages-not-a-list",
        ),
        pytest.param(
            "[]",
            "composer.lock: invalid composer.lock: the file must hold a JSON object\n  ",
            id="not-an-object",
        ),
        pytest.param(
            '{"packages": [\n  {"name": "a/b", "version": 1.0}\n]}',
            "composer.lock:2: invalid composer.lock: package 'a/b' needs a name and a version "
            '(strings)\n    {"name": "a/b", "version": 1.0}',
            id="version-not-a-string",
        ),
    ],
)
def test_errors(text: str, expected: str) -> None:
    result = read_composer_lock(text, source="composer.lock")
    assert [str(e) for e in result.errors] == [expected]


# --- fuzz -------------------------------------------------------------------------------


def _check(result: ReadResult) -> None:
    for error in result.errors:
        assert isinstance(error, LockfileError)
        assert error.source == "composer.lock"


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_text_gives_only_lockfile_errors(text: str) -> None:
    _check(read_composer_lock(text, source="composer.lock"))


@settings(max_examples=150, deadline=None)
@given(st.integers(min_value=0), st.lists(st.integers(min_value=0), max_size=6))
def test_mutated_fixture_gives_only_lockfile_errors(cut: int, dropped: list[int]) -> None:
    lines = (FIXTURES / "composer.lock").read_text().splitlines(keepends=True)
    for index in dropped:
        if lines:
            del lines[index % len(lines)]
    text = "".join(lines)
    _check(read_composer_lock(text[: cut % (len(text) + 1)], source="composer.lock"))


@settings(max_examples=100, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(),
        lambda c: st.lists(c) | st.dictionaries(st.text(), c),
    )
)
def test_any_json_gives_only_lockfile_errors(value: object) -> None:
    _check(read_composer_lock(json.dumps(value), source="composer.lock"))
    _check(
        read_composer_lock(
            json.dumps({"packages": [value], "packages-dev": value}), source="composer.lock"
        )
    )


def test_doctests() -> None:
    assert doctest.testmod(composer_lock).failed == 0
