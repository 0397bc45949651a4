"""read_gemfile_lock against the lock file Bundler wrote and what Bundler's parser reads."""

from __future__ import annotations

import doctest
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polypac.ecosystems.ruby import gemfile_lock
from polypac.ecosystems.ruby.gemfile_lock import read_gemfile_lock
from polypac.inventory.graph import LockfileError, ReadResult

FIXTURES = Path(__file__).parent / "fixtures" / "app"


def _bundler() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / "lockfile-parser.json").read_text())
    return data


def _read() -> tuple[str, ReadResult]:
    text = (FIXTURES / "Gemfile.lock").read_text()
    return text, read_gemfile_lock(text, source="app/Gemfile.lock")


def _pair(key: str) -> tuple[str, str]:
    name, _, version = key.split("?", 1)[0].removeprefix("pkg:gem/").partition("@")
    return name, version


def test_specs_match_bundler() -> None:
    _, result = _read()
    assert result.errors == []
    gems = {_pair(key) for key in result.graph.nodes if key.startswith("pkg:gem/")}
    assert gems == {(s["name"], s["version"]) for s in _bundler()["specs"]}


def test_specs_match_bundle_list() -> None:
    _, result = _read()
    listed = re.findall(r"\* (\S+) \(([^\s)]+)", (FIXTURES / "bundle-list.txt").read_text())
    gems = {_pair(key) for key in result.graph.nodes if key.startswith("pkg:gem/")}
    assert gems == set(listed)


def test_edges_match_bundler() -> None:
    _, result = _read()
    bundler = _bundler()
    expected = {
        (spec["name"], dependency)
        for spec in bundler["specs"]
        for dependency in spec["dependencies"]
    }
    found = {
        (_pair(e.parent)[0], _pair(e.child)[0])
        for e in result.graph.edges
        if not e.parent.startswith("pkg:generic/")
    }
    assert found == expected
    direct = {_pair(e.child)[0] for e in result.graph.edges if e.parent == "pkg:generic/app"}
    assert direct == set(bundler["dependencies"])
    assert all(e.direct == e.parent.startswith("pkg:generic/") for e in result.graph.edges)


def test_edges_point_at_their_lines() -> None:
    text, result = _read()
    lines = text.splitlines()
    for edge in result.graph.edges:
        assert edge.declared_at is not None
        line = lines[edge.declared_at.line - 1]
        assert re.match(rf" +{re.escape(_pair(edge.child)[0])}\b", line), line


def test_git_gem_gets_its_revision() -> None:
    _, result = _read()
    [git] = [node for key, node in result.graph.nodes.items() if "tinyjson" in key]
    assert git.purl.qualifiers == (
        ("vcs_url", "git+file:///build/ruby-demo/gitgem@f4a2645e3aa15381d4802aeae13a7bb64e8eb4a7"),
    )


def test_platform_and_other_server() -> None:
    text = (
        "GEM\n  remote: https://gems.example.com/\n  specs:\n    nokogiri (1.15.4-x86_64-linux)\n"
        "      racc (~> 1.4)\n    racc (1.7.1)\n\nDEPENDENCIES\n  nokogiri\n"
    )
    result = read_gemfile_lock(text, source="Gemfile.lock")
    assert result.errors == []
    [nokogiri] = [n for k, n in result.graph.nodes.items() if "nokogiri" in k]
    assert nokogiri.purl.version == "1.15.4"
    assert dict(nokogiri.purl.qualifiers) == {
        "platform": "x86_64-linux",
        "repository_url": "https://gems.example.com/",
    }


# --- errors -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "GEM\n  remote: https://rubygems.org/\n  specs:\n    rack (3.0\n",
            'Gemfile.lock:4: invalid Gemfile.lock: expected a gem "name (version)"'
            "\n      rack (3.0\n      ^",
            id="truncated-spec",
        ),
        pytest.param(
            "<<<<<<< HEAD\nGEM\n",
            "Gemfile.lock:1: invalid Gemfile.lock: the file has merge conflict markers: "
            "resolve the conflict first\n  <<<<<<< HEAD\n  ^",
            id="conflict",
        ),
        pytest.param(
            "DEPENDENCIES\n   rack\n",
            'Gemfile.lock:2: invalid Gemfile.lock: expected "name", "name (requirement)" '
            'or "name!"\n     rack\n    ^',
            id="bad-indent",
        ),
        pytest.param(
            "gems\n",
            "Gemfile.lock:1: invalid Gemfile.lock: expected a section name in capitals (like GEM "
            "or DEPENDENCIES)\n  gems\n  ^",
            id="bad-section",
        ),
    ],
)
def test_errors(text: str, expected: str) -> None:
    result = read_gemfile_lock(text, source="Gemfile.lock")
    assert [str(e) for e in result.errors] == [expected]


def test_bad_line_does_not_stop_the_reading() -> None:
    text, _ = _read()
    broken = text.replace("    rack (3.0.8)\n", "    rack (3.0.8\n")
    result = read_gemfile_lock(broken, source="Gemfile.lock")
    assert [e.line for e in result.errors] == [text.splitlines().index("    rack (3.0.8)") + 1]
    gems = {_pair(key)[0] for key in result.graph.nodes}
    assert {"minitest", "mustermann", "rack-test", "billing"} <= gems
    assert "rack" not in gems


# --- fuzz -------------------------------------------------------------------------------


def _check(result: ReadResult) -> None:
    for error in result.errors:
        assert isinstance(error, LockfileError)
        assert error.source == "Gemfile.lock"


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_text_gives_only_lockfile_errors(text: str) -> None:
    _check(read_gemfile_lock(text, source="Gemfile.lock"))


@settings(max_examples=150, deadline=None)
@given(st.integers(min_value=0), st.lists(st.integers(min_value=0), max_size=6))
def test_mutated_fixture_gives_only_lockfile_errors(cut: int, dropped: list[int]) -> None:
    lines = (FIXTURES / "Gemfile.lock").read_text().splitlines(keepends=True)
    for index in dropped:
        if lines:
            del lines[index % len(lines)]
    text = "".join(lines)
    _check(read_gemfile_lock(text[: cut % (len(text) + 1)], source="Gemfile.lock"))


def test_doctests() -> None:
    assert doctest.testmod(gemfile_lock).failed == 0
