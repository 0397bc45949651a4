"""read_composer_json against the fixture manifest and what Composer locked from it."""

from __future__ import annotations

import doctest
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polypac.ecosystems.composer import composer_json
from polypac.ecosystems.composer.composer_json import read_composer_json
from polypac.inventory.graph import LockfileError, ReadResult, Scope

FIXTURES = Path(__file__).parent / "fixtures" / "app"


def _json(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / name).read_text())
    return data


def _read() -> tuple[str, ReadResult]:
    text = (FIXTURES / "composer.json").read_text()
    return text, read_composer_json(text, source="app/composer.json")


def test_root_is_the_named_project() -> None:
    _, result = _read()
    assert result.errors == []
    assert result.graph.roots == {"pkg:composer/acme/app"}


def test_direct_edges_match_composer_show() -> None:
    _, result = _read()
    direct = {p["name"] for p in _json("show-locked.json")["locked"] if p["direct-dependency"]}
    children = {e.child.removeprefix("pkg:composer/") for e in result.graph.edges}
    assert children == direct
    assert all(e.direct and e.parent == "pkg:composer/acme/app" for e in result.graph.edges)


def test_dev_scope_matches_packages_dev_of_the_lock() -> None:
    _, result = _read()
    dev = {p["name"] for p in _json("composer.lock")["packages-dev"]}
    for edge in result.graph.edges:
        name = edge.child.removeprefix("pkg:composer/")
        assert edge.scope is (Scope.DEV if name in dev else Scope.RUNTIME), str(edge)


def test_nodes_have_no_version_and_platform_is_skipped() -> None:
    _, result = _read()
    assert "pkg:composer/php" not in result.graph.nodes
    assert all("@" not in key for key in result.graph.nodes)


def test_edges_point_at_their_lines() -> None:
    text, result = _read()
    lines = text.splitlines()
    for edge in result.graph.edges:
        assert edge.declared_at is not None
        name = edge.child.removeprefix("pkg:composer/")
        assert lines[edge.declared_at.line - 1].strip().startswith(f'"{name}": ')


def test_root_without_name_is_generic() -> None:
    result = read_composer_json('{"require": {"a/b": "^1"}}', source="site/composer.json")
    assert result.graph.roots == {"pkg:generic/site"}
    assert [str(e) for e in result.graph.edges] == [
        "pkg:generic/site -> pkg:composer/a/b (runtime, direct, site/composer.json:1)"
    ]


def test_root_with_version() -> None:
    result = read_composer_json('{"name": "a/b", "version": "1.2.0"}', source="composer.json")
    assert result.graph.roots == {"pkg:composer/a/b@1.2.0"}


# --- errors -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            '{"require": {\n  "a/b": 1\n}}',
            "composer.json:2: invalid composer.json: the constraint of 'a/b' must be a string"
            '\n    "a/b": 1',
            id="constraint-not-a-string",
        ),
        pytest.param(
            '{"require-dev": []}',
            'composer.json:1: invalid composer.json: "require-dev" must be an object of package '
            'names and constraints\n  {"require-dev": []}',
            id="section-not-an-object",
        ),
        pytest.param(
            "[]",
            "composer.json:1: invalid composer.json: the top level must be a JSON object\n  []",
            id="not-an-object",
        ),
    ],
)
def test_errors(text: str, expected: str) -> None:
    result = read_composer_json(text, source="composer.json")
    assert [str(e) for e in result.errors] == [expected]


def test_truncated_file_names_the_line() -> None:
    text, _ = _read()
    cut = text.index('"acme/testkit"')
    result = read_composer_json(text[:cut], source="composer.json")
    [error] = result.errors
    assert error.problem.startswith("not valid JSON: ")
    assert error.line == text[:cut].count("\n") + 1
    assert result.graph.roots == {"pkg:generic/composer"}


# --- fuzz -------------------------------------------------------------------------------


def _check(result: ReadResult) -> None:
    for error in result.errors:
        assert isinstance(error, LockfileError)
        assert error.source == "composer.json"
    assert len(result.graph.roots) == 1


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_text_gives_only_lockfile_errors(text: str) -> None:
    _check(read_composer_json(text, source="composer.json"))


@settings(max_examples=150, deadline=None)
@given(st.integers(min_value=0), st.lists(st.integers(min_value=0), max_size=6))
def test_mutated_fixture_gives_only_lockfile_errors(cut: int, dropped: list[int]) -> None:
    lines = (FIXTURES / "composer.json").read_text().splitlines(keepends=True)
    for index in dropped:
        if lines:
            del lines[index % len(lines)]
    text = "".join(lines)
    _check(read_composer_json(text[: cut % (len(text) + 1)], source="composer.json"))


@settings(max_examples=100, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(),
        lambda c: st.lists(c) | st.dictionaries(st.text(), c),
    )
)
def test_any_json_gives_only_lockfile_errors(value: object) -> None:
    _check(read_composer_json(json.dumps(value), source="composer.json"))
    document = {"name": value, "require": value, "require-dev": {"a/b": value}}
    _check(read_composer_json(json.dumps(document), source="composer.json"))


def test_doctests() -> None:
    assert doctest.testmod(composer_json).failed == 0
