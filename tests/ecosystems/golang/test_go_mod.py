"""read_go_mod and read_go_sum against the files go wrote and what ``go list -m`` reports."""

from __future__ import annotations

import doctest
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polypac.ecosystems.golang import _syntax, go_mod, go_sum
from polypac.ecosystems.golang.go_mod import parse_go_mod, read_go_mod
from polypac.ecosystems.golang.go_sum import read_go_sum
from polypac.inventory.graph import LockfileError, ReadResult

FIXTURES = Path(__file__).parent / "fixtures" / "app"


def _go_list() -> list[dict[str, Any]]:
    """The objects of ``go list -m -json all`` (concatenated JSON values)."""
    text = (FIXTURES / "list-m-json.txt").read_text()
    decoder, found, index = json.JSONDecoder(), [], 0
    while index < len(text):
        if text[index].isspace():
            index += 1
            continue
        value, index = decoder.raw_decode(text, index)
        found.append(value)
    return found


def _built(module: dict[str, Any]) -> tuple[str, str | None]:
    """The (path, version) go builds for a module of ``go list``, replacements applied."""
    replace = module.get("Replace")
    if replace is None:
        return module["Path"], module["Version"]
    if "Version" not in replace:  # a directory: the module keeps its path, loses its version
        return module["Path"], None
    return replace["Path"], replace["Version"]


def _child(key: str) -> tuple[str, str | None]:
    path, _, version = key.removeprefix("pkg:golang/").partition("@")
    return path, version or None


def _read_mod() -> tuple[str, ReadResult]:
    text = (FIXTURES / "go.mod").read_text()
    return text, read_go_mod(text, source="app/go.mod")


def test_requirements_match_go_list() -> None:
    _, result = _read_mod()
    assert result.errors == []
    modules = [m for m in _go_list() if not m.get("Main")]
    assert {_child(e.child) for e in result.graph.edges} == {_built(m) for m in modules}


def test_indirect_marks_match_go_list() -> None:
    _, result = _read_mod()
    direct = {_child(e.child): e.direct for e in result.graph.edges}
    assert direct == {
        _built(m): not m.get("Indirect", False) for m in _go_list() if not m.get("Main")
    }


def test_root_is_the_main_module() -> None:
    _, result = _read_mod()
    [main] = [m for m in _go_list() if m.get("Main")]
    assert result.graph.roots == {f"pkg:golang/{main['Path']}"}


def test_root_edges_match_go_mod_graph() -> None:
    _, result = _read_mod()
    graph = (FIXTURES / "mod-graph.txt").read_text().split("\n")
    main = next(m["Path"] for m in _go_list() if m.get("Main"))
    required = {
        (right.split("@")[0], right.split("@")[1])
        for left, right in (line.split() for line in graph if line)
        if left == main
    }
    replaced = {(m["Path"], m["Version"]): _built(m) for m in _go_list() if not m.get("Main")}
    assert {_child(e.child) for e in result.graph.edges} == {replaced[r] for r in required}


def test_edges_point_at_their_lines() -> None:
    text, result = _read_mod()
    lines = text.splitlines()
    parsed, _ = parse_go_mod(text, source="go.mod")
    for requirement in parsed.requirements:
        assert lines[requirement.line - 1].split()[:2] == [requirement.path, requirement.version]
    assert sorted(e.declared_at.line for e in result.graph.edges if e.declared_at) == sorted(
        r.line for r in parsed.requirements
    )


def test_exclusions_and_replacements() -> None:
    text, _ = _read_mod()
    parsed, errors = parse_go_mod(text, source="go.mod")
    assert errors == []
    assert parsed.module == "example.com/app"
    assert parsed.go == "1.19"
    assert [(x.path, x.version) for x in parsed.exclusions] == [("example.com/words", "v0.2.0")]
    directory = [r for r in parsed.replacements if r.is_directory]
    assert [(r.old_path, r.new_path) for r in directory] == [("example.com/color", "./localcolor")]


def test_go_sum_matches_go_list() -> None:
    text = (FIXTURES / "go.sum").read_text()
    result = read_go_sum(text, source="app/go.sum")
    assert result.errors == []
    assert result.graph.roots == {"pkg:generic/app"}
    built = {_built(m) for m in _go_list() if not m.get("Main")}
    from_modules = {b for b in built if b[1] is not None}  # a directory has no checksum
    assert {_child(e.child) for e in result.graph.edges} == from_modules
    lines = text.splitlines()
    for edge in result.graph.edges:
        assert edge.declared_at is not None
        path, version = _child(edge.child)
        assert lines[edge.declared_at.line - 1].startswith(f"{path} {version} h1:")


# --- errors -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "module m\n\nrequire (\n\tx.io/a v1.0.0\n",
            "go.mod:3: invalid go.mod: the require block opened here is never closed with ')'"
            "\n  require (",
            id="unclosed-block",
        ),
        pytest.param(
            "module m\nrequire a 1.0.0\n",
            "go.mod:2: invalid go.mod: version '1.0.0' must be a semantic version starting "
            "with 'v' (like v1.2.3)\n  require a 1.0.0\n            ^",
            id="version-without-v",
        ),
        pytest.param(
            "module m\nrequires a v1.0.0\n",
            "go.mod:2: invalid go.mod: unknown directive 'requires'\n  requires a v1.0.0",
            id="unknown-directive",
        ),
        pytest.param(
            'module m\nrequire "a v1.0.0\n',
            'go.mod:2: invalid go.mod: string is not closed with "\n'
            '  require "a v1.0.0\n          ^',
            id="unterminated-string",
        ),
        pytest.param(
            "module m\nreplace a => b\n",
            "go.mod:2: invalid go.mod: replacement module 'b' needs a version (or use a ./ or "
            "../ path)\n  replace a => b",
            id="replace-without-version",
        ),
    ],
)
def test_go_mod_errors(text: str, expected: str) -> None:
    result = read_go_mod(text, source="go.mod")
    assert [str(e) for e in result.errors] == [expected]


def test_bad_line_does_not_stop_the_reading() -> None:
    text = "module m\nrequire (\n\tx.io/a v1\n\tx.io/b\n\tx.io/c v2.0.0\n)\n"
    result = read_go_mod(text, source="go.mod")
    assert [e.line for e in result.errors] == [4]
    assert [e.child for e in result.graph.edges] == [
        "pkg:golang/x.io/a@v1",
        "pkg:golang/x.io/c@v2.0.0",
    ]


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("a v1.0.0", "expected 3 fields (module, version, hash), found 2"),
        ("a 1.0.0 h1:x=", "version '1.0.0' must start with 'v' and a digit (like v1.2.3)"),
        ("a v1.0.0 sha256:x", "the hash must look like h1:<base64>"),
    ],
)
def test_go_sum_errors(line: str, problem: str) -> None:
    result = read_go_sum(f"x.io/b v1.0.0 h1:ok=\n{line}\n", source="go.sum")
    [error] = result.errors
    assert (error.line, error.problem) == (2, problem)
    assert [e.child for e in result.graph.edges] == ["pkg:golang/x.io/b@v1.0.0"]


# --- fuzz -------------------------------------------------------------------------------


def _check(result: ReadResult, source: str) -> None:
    for error in result.errors:
        assert isinstance(error, LockfileError)
        assert error.source == source


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_text_gives_only_lockfile_errors(text: str) -> None:
    _check(read_go_mod(text, source="go.mod"), "go.mod")
    _check(read_go_sum(text, source="go.sum"), "go.sum")


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(["go.mod", "go.sum"]),
    st.integers(min_value=0),
    st.lists(st.integers(min_value=0), max_size=5),
)
def test_mutated_fixtures_give_only_lockfile_errors(
    name: str, cut: int, dropped: list[int]
) -> None:
    lines = (FIXTURES / name).read_text().splitlines(keepends=True)
    for index in dropped:
        if lines:
            del lines[index % len(lines)]
    text = "".join(lines)
    text = text[: cut % (len(text) + 1)]
    reader = read_go_mod if name == "go.mod" else read_go_sum
    _check(reader(text, source=name), name)


@pytest.mark.parametrize("module", [go_mod, go_sum, _syntax], ids=lambda m: m.__name__)
def test_doctests(module: object) -> None:
    assert doctest.testmod(module).failed == 0  # type: ignore[arg-type]  # a module object


def test_list_is_the_json_of_go_list() -> None:
    assert re.search(r'"Path": "example.com/app"', (FIXTURES / "list-m-json.txt").read_text())
