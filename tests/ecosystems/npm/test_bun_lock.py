"""bun.lock against the real fixture and `bun pm ls --all`, JSONC, and bad input."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polypac.ecosystems.npm.bun_lock import JsoncError, jsonc_to_json, read_bun_lock
from polypac.inventory.graph import LockfileError, Scope
from tests.ecosystems.npm._support import edge_pairs, fixture, name_version, pairs

SOURCE = "bun/bun.lock"
LOCK = fixture("bun", "bun.lock")
ROOT = "pkg:npm/demo-app"
_LS_ENTRY = re.compile(r"^(?P<indent>[│├└─ ]*)(?P<name>@?[^@\s]+)@(?P<version>\S+)$")


def _bun_pm_ls() -> tuple[set[tuple[str, str]], set[tuple[tuple[str, str], tuple[str, str]]]]:
    """The packages `bun pm ls --all` printed, and (parent, nested child) pairs of its tree."""
    nodes: set[tuple[str, str]] = set()
    nested: set[tuple[tuple[str, str], tuple[str, str]]] = set()
    stack: list[tuple[int, tuple[str, str]]] = []
    for line in fixture("bun", "bun-pm-ls.txt").splitlines()[1:]:
        match = _LS_ENTRY.match(line)
        assert match, line
        depth = len(match["indent"])
        package = (match["name"], match["version"])
        nodes.add(package)
        while stack and stack[-1][0] >= depth:
            stack.pop()
        if stack:
            nested.add((stack[-1][1], package))
        stack.append((depth, package))
    return nodes, nested


def test_packages_match_bun_pm_ls() -> None:
    result = read_bun_lock(LOCK, source=SOURCE)
    assert result.errors == []
    nodes, nested = _bun_pm_ls()
    assert pairs(result.graph) - {("demo-app", "")} == nodes
    assert nested  # express/debug@2 and its ms@2.0.0 are nested
    assert nested <= edge_pairs(result.graph)


def test_nested_keys_resolve_to_the_nearest_version() -> None:
    graph = read_bun_lock(LOCK, source=SOURCE).graph
    children = {e.child for e in graph.children("pkg:npm/express@4.22.3")}
    assert "pkg:npm/debug@2.6.9" in children
    assert {e.child for e in graph.children("pkg:npm/debug@2.6.9")} == {"pkg:npm/ms@2.0.0"}
    # debug's optional peer supports-color is there because chalk needs it
    assert {(e.child, e.scope) for e in graph.children("pkg:npm/debug@4.4.3")} == {
        ("pkg:npm/ms@2.1.3", Scope.RUNTIME),
        ("pkg:npm/supports-color@7.2.0", Scope.OPTIONAL),
    }


def test_workspace_sections_give_scopes_and_lines() -> None:
    graph = read_bun_lock(LOCK, source=SOURCE).graph
    assert graph.roots == {ROOT}
    lines = LOCK.splitlines()
    scopes = {}
    for edge in graph.children(ROOT):
        name = name_version(edge.child)[0]
        assert edge.direct
        assert edge.declared_at is not None
        assert lines[edge.declared_at.line - 1].strip().startswith(f'"{name}": ["{name}@')
        scopes[name] = edge.scope
    assert scopes == {
        "chalk": Scope.RUNTIME,
        "debug": Scope.RUNTIME,
        "express": Scope.RUNTIME,
        "ms": Scope.OPTIONAL,
        "typescript": Scope.DEV,
        "@types/ms": Scope.DEV,
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"a": 1,}', '{"a": 1 }'),
        ("[1, 2 ,\n]", "[1, 2  \n]"),
        ('{"s": "a,}", // c\n"t": 2}', '{"s": "a,}",     \n"t": 2}'),
        ('{"s": "q\\"//", /* x\ny */ "t": 1}', '{"s": "q\\"//",     \n     "t": 1}'),
    ],
    ids=["object-comma", "array-comma", "line-comment", "block-comment"],
)
def test_jsonc_to_json_keeps_offsets(text: str, expected: str) -> None:
    assert jsonc_to_json(text) == expected
    assert len(jsonc_to_json(text)) == len(text)


def test_unclosed_comment_is_located() -> None:
    with pytest.raises(JsoncError) as caught:
        jsonc_to_json('{\n  "a": 1 /* oops\n}')
    assert (caught.value.line, caught.value.column) == (2, 9)
    result = read_bun_lock('{\n  "a": 1 /* oops\n}', source="p/bun.lock")
    assert (
        str(result.errors[0]).splitlines()[0]
        == "p/bun.lock:2: invalid bun.lock: unclosed /* comment"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '{"workspaces": {"": {}},\n "packages": {"a": ["a@1", ""',
            "x/bun.lock:2: invalid bun.lock: not valid JSON",
        ),
        (
            '{"workspaces": {"": {}}, "packages": {"a": [1]}}',
            "x/bun.lock:1: invalid bun.lock: entry 'a' must be an array",
        ),
        (
            '{"workspaces": {"": {}}, "packages": {"a": ["a"]}}',
            "x/bun.lock:1: invalid bun.lock: entry 'a' must start with 'name@version'",
        ),
        (
            '{"workspaces": {"": {"dependencies": {"b": "1"}}}, "packages": {}}',
            "x/bun.lock:1: invalid bun.lock: the root depends on 'b', which packages does not list",
        ),
        (
            '{"packages": {}}',
            "x/bun.lock:1: invalid bun.lock: workspaces must have the root project",
        ),
    ],
    ids=["truncated", "not-array", "no-version", "missing-package", "no-workspace"],
)
def test_bad_lockfiles(text: str, message: str) -> None:
    result = read_bun_lock(text, source="x/bun.lock")
    assert result.errors
    assert str(result.errors[0]).startswith(message)
    assert result.graph.roots


def test_bad_entry_does_not_hide_the_others() -> None:
    text = """{"workspaces": {"": {"name": "app", "dependencies": {"a": "1", "b": "1"}}},
  "packages": {
    "a": ["a@1.0.0", "", {"dependencies": {"c": "1"}}, "sha"],
    "b": [{}],
    "c": ["c@2.0.0", "", {}, "sha"],
  }}"""
    result = read_bun_lock(text, source="bun.lock")
    assert [str(e).splitlines()[0] for e in result.errors] == [
        "bun.lock:4: invalid bun.lock: entry 'b' must be an array starting with 'name@version'",
        "bun.lock:1: invalid bun.lock: the root depends on 'b', which packages does not list",
    ]
    assert [str(e) for e in result.graph.edges] == [
        "pkg:npm/app -> pkg:npm/a@1.0.0 (runtime, direct, bun.lock:3)",
        "pkg:npm/a@1.0.0 -> pkg:npm/c@2.0.0 (runtime, transitive, bun.lock:5)",
    ]


def _check(text: str) -> None:
    result = read_bun_lock(text, source="fuzz/bun.lock")
    assert all(isinstance(error, LockfileError) for error in result.errors)
    assert result.graph.roots


@settings(max_examples=150, deadline=None)
@given(st.text())
def test_any_text_gives_only_lockfile_errors(text: str) -> None:
    _check(text)


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_mutated_fixture_gives_only_lockfile_errors(data: st.DataObject) -> None:
    lines = LOCK.splitlines()
    start = data.draw(st.integers(0, len(lines) - 1))
    stop = data.draw(st.integers(start, min(len(lines), start + 30)))
    if data.draw(st.booleans()):
        text = "\n".join(lines[:start])
    else:
        text = "\n".join(lines[:start] + lines[stop:])
    _check(text)
