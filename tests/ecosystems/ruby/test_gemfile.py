"""read_gemfile against what Bundler's own DSL reads from the same Gemfiles."""

from __future__ import annotations

import doctest
import json
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polypac.ecosystems.ruby import gemfile
from polypac.ecosystems.ruby.gemfile import read_gemfile
from polypac.inventory.graph import LockfileError, ReadResult, Scope

FIXTURES = Path(__file__).parent / "fixtures"
# Under ``if RUBY_VERSION >= "3.3"``: Bundler on this Ruby (3.1) skips it, the reader keeps
# it (it reads a gem under a condition as if the condition held).
CONDITIONAL = {"dsl": {"base64"}, "app": set()}


def _read(folder: str) -> tuple[str, ReadResult]:
    text = (FIXTURES / folder / "Gemfile").read_text()
    return text, read_gemfile(text, source=f"{folder}/Gemfile")


def _bundler(folder: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / folder / "bundler-dsl.json").read_text())
    return data


def _name(key: str) -> str:
    return key.removeprefix("pkg:gem/").partition("?")[0]


def _expected_scope(groups: list[str], optional: list[str]) -> Scope:
    if groups == ["default"]:
        return Scope.RUNTIME
    if all(group in ("development", "test") for group in groups):
        return Scope.DEV
    if all(group in optional for group in groups):
        return Scope.OPTIONAL
    return Scope.RUNTIME


@pytest.mark.parametrize("folder", ["dsl", "app"])
def test_gems_match_bundler(folder: str) -> None:
    _, result = _read(folder)
    assert result.errors == []
    expected = {d["name"] for d in _bundler(folder)["dependencies"]}
    found = {_name(e.child) for e in result.graph.edges}
    assert found == expected | CONDITIONAL[folder]


@pytest.mark.parametrize("folder", ["dsl", "app"])
def test_scopes_follow_bundler_groups(folder: str) -> None:
    _, result = _read(folder)
    bundler = _bundler(folder)
    by_name = {_name(e.child): e for e in result.graph.edges}
    for dependency in bundler["dependencies"]:
        edge = by_name[dependency["name"]]
        expected = _expected_scope(dependency["groups"], bundler["optional_groups"])
        assert edge.scope is expected, dependency


@pytest.mark.parametrize("folder", ["dsl", "app"])
def test_git_sources_match_bundler(folder: str) -> None:
    _, result = _read(folder)
    by_name = {_name(e.child): e.child for e in result.graph.edges}
    git = [d for d in _bundler(folder)["dependencies"] if "://" in (d["source"] or "")]
    assert git
    for dependency in git:
        purl = unquote(by_name[dependency["name"]])
        if "vcs_url=" in purl:
            assert f"vcs_url=git+{dependency['source']}@" in purl
        else:  # a source block or option with a gem server
            assert f"repository_url={dependency['source']}" in purl


def test_edges_point_at_gem_lines() -> None:
    text, result = _read("dsl")
    lines = text.splitlines()
    for edge in result.graph.edges:
        assert edge.declared_at is not None
        line = lines[edge.declared_at.line - 1].strip()
        assert line.startswith(
            (
                f'gem "{_name(edge.child)}"',
                f"gem '{_name(edge.child)}'",
                f'gem("{_name(edge.child)}"',
            )
        )


def test_nodes_have_no_version() -> None:
    _, result = _read("dsl")
    assert all("@" not in key.partition("?")[0] for key in result.graph.nodes)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param('gemspec\ngem "a"', "pkg:gem/a", id="gemspec-adds-nothing"),
        pytest.param("gem 'a', :group => :test", "pkg:gem/a", id="hash-rocket"),
        pytest.param(
            'gem "a", source: "https://gems.example.com"',
            "pkg:gem/a?repository_url=https://gems.example.com",
            id="source-option",
        ),
        pytest.param(
            'git "https://example.com/r.git", ref: "abc" do\n  gem "a"\nend',
            "pkg:gem/a?vcs_url=git%2Bhttps://example.com/r.git%40abc",
            id="git-block",
        ),
        pytest.param('gem "a" unless ENV["X"]', "pkg:gem/a", id="modifier"),
        pytest.param('=begin\ngem "b"\n=end\ngem "a"', "pkg:gem/a", id="comment-block"),
    ],
)
def test_documented_forms(text: str, expected: str) -> None:
    result = read_gemfile(text, source="Gemfile")
    assert result.errors == []
    assert [unquote(e.child) for e in result.graph.edges] == [unquote(expected)]


def test_groups_add_up_and_blocks_close() -> None:
    text = (
        "group :development do\n"
        "  if true\n"
        '    gem "a", group: :test\n'
        "  end\n"
        '  gem "b", group: :ci\n'
        "end\n"
        'gem "c"\n'
    )
    edges = read_gemfile(text, source="Gemfile").graph.edges
    assert [(e.child, e.scope) for e in edges] == [
        ("pkg:gem/a", Scope.DEV),
        ("pkg:gem/b", Scope.RUNTIME),
        ("pkg:gem/c", Scope.RUNTIME),
    ]


def test_ruby_it_does_not_model_is_skipped() -> None:
    text = (
        "def helper(x) = x\n"
        "gem helper('a')\n"
        'gem "#{ENV["PREFIX"]}-lib"\n'
        "%w[a b].each do |name|\n"
        "  puts name\n"
        "end\n"
        "eval_gemfile 'other.rb'\n"
    )
    result = read_gemfile(text, source="Gemfile")
    assert result.errors == []
    assert result.graph.edges == []


# --- errors -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            'gem "rack, "~> 3.0"',
            'Gemfile:1: invalid Gemfile: the string is not closed\n  gem "rack, "~> 3.0"\n'
            "                    ^",
            id="unterminated-string",
        ),
        pytest.param(
            "gem 'has space'",
            "Gemfile:1: invalid Gemfile: 'has space' is not a gem name\n  gem 'has space'",
            id="bad-name",
        ),
    ],
)
def test_errors(text: str, expected: str) -> None:
    result = read_gemfile(text, source="Gemfile")
    assert [str(e) for e in result.errors] == [expected]


def test_bad_line_does_not_stop_the_read() -> None:
    result = read_gemfile('gem "a\ngem "b"\n', source="Gemfile")
    assert [e.line for e in result.errors] == [1]
    assert [e.child for e in result.graph.edges] == ["pkg:gem/b"]


# --- fuzz -------------------------------------------------------------------------------


def _check(result: ReadResult) -> None:
    for error in result.errors:
        assert isinstance(error, LockfileError)
        assert error.source == "Gemfile"
    assert len(result.graph.roots) == 1


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_text_gives_only_lockfile_errors(text: str) -> None:
    _check(read_gemfile(text, source="Gemfile"))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="gemdo:,'\"[]()=> \\#{}%wiab_", max_size=24), max_size=8))
def test_gemfile_like_lines_give_only_lockfile_errors(lines: list[str]) -> None:
    _check(read_gemfile("\n".join(lines), source="Gemfile"))


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0), st.lists(st.integers(min_value=0), max_size=6))
def test_mutated_fixture_gives_only_lockfile_errors(cut: int, dropped: list[int]) -> None:
    lines = (FIXTURES / "dsl" / "Gemfile").read_text().splitlines(keepends=True)
    for index in dropped:
        if lines:
            del lines[index % len(lines)]
    text = "".join(lines)
    _check(read_gemfile(text[: cut % (len(text) + 1)], source="Gemfile"))


def test_doctests() -> None:
    assert doctest.testmod(gemfile).failed == 0
