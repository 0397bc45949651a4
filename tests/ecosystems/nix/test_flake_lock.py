"""read_flake_lock against lock files Nix wrote or documents, and what Nix resolves."""

from __future__ import annotations

import doctest
import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polypac.ecosystems.nix import flake_lock
from polypac.ecosystems.nix.flake_lock import flake_input_purl, read_flake_lock
from polypac.inventory.graph import LockfileError, ReadResult
from polypac.purl import parse_purl

FIXTURES = Path(__file__).parent / "fixtures"
APP = FIXTURES / "app"


def _read(folder: str) -> tuple[str, ReadResult]:
    text = (FIXTURES / folder / "flake.lock").read_text()
    return text, read_flake_lock(text, source=f"{folder}/flake.lock")


def _metadata_edges() -> tuple[set[tuple[str, str]], set[str]]:
    """(parent input, child input) pairs and the revisions of Nix's resolved input tree."""
    tree = (APP / "nix-flake-metadata.txt").read_text().splitlines()[1:]
    entries: dict[tuple[str, ...], str] = {}  # input path -> url or "follows a/b"
    stack: list[str] = []
    for line in tree:
        match = re.match(r"([│ ]*)[├└]───(\S+)(?:: (\S+)| follows input '([^']*)')", line)
        assert match, line
        depth = len(match[1]) // 4
        stack[depth:] = [match[2]]
        entries[tuple(stack)] = match[3] or f"follows {match[4]}"

    def target(path: tuple[str, ...]) -> tuple[str, ...]:
        value = entries[path]
        return target(tuple(value.split()[1].split("/"))) if value.startswith("follows") else path

    edges = set()
    for path in entries:
        parent = target(path[:-1])[-1] if len(path) > 1 else "app"
        edges.add((parent, target(path)[-1]))
    revisions = {m for value in entries.values() for m in re.findall(r"rev=(\w+)", value)}
    return edges, revisions


def test_edges_match_nix_flake_metadata() -> None:
    _, result = _read("app")
    assert result.errors == []
    expected, revisions = _metadata_edges()
    found = {(parse_purl(e.parent).name, parse_purl(e.child).name) for e in result.graph.edges}
    assert found == expected
    versions = {parse_purl(key).version for key in result.graph.nodes}
    assert revisions == versions - {None}
    assert all(e.direct == (e.parent == "pkg:generic/app") for e in result.graph.edges)


def test_purls_of_each_input_type() -> None:
    _, result = _read("app")
    lock = json.loads((APP / "flake.lock").read_text())
    assert sorted(result.graph.nodes) == sorted(
        {"pkg:generic/app"}
        | {
            flake_input_purl(label, node["locked"]).to_string()
            for label, node in lock["nodes"].items()
            if label != "root"
        }
    )
    by_name = {parse_purl(key).name: parse_purl(key) for key in result.graph.nodes}
    rev = lock["nodes"]["lib-a"]["locked"]["rev"]
    assert dict(by_name["lib-a"].qualifiers) == {
        "vcs_url": f"git+file:///build/nix-demo/lib-a@{rev}"
    }
    assert dict(by_name["data"].qualifiers) == {
        "download_url": "file:///build/nix-demo/data.tar.gz"
    }
    assert by_name["lib-b"].version is None


def test_manual_example() -> None:
    _, result = _read("manual")
    assert result.errors == []
    assert [str(e) for e in result.graph.edges] == [
        "pkg:generic/manual -> pkg:github/edolstra/nixpkgs@7f8d4b088e2df7fdb6b513bc2d6941f1d422a013"
        " (runtime, direct, manual/flake.lock:7)",
        "pkg:generic/manual -> pkg:github/edolstra/import-cargo@"
        "8abf7b3a8cbe1c8a885391f826357a74d382a422 (runtime, direct, manual/flake.lock:8)",
        "pkg:generic/manual -> pkg:github/mozilla/grcov@989a84bb29e95e392589c4e73c29189fd69a1d4e"
        " (runtime, direct, manual/flake.lock:9)",
    ]


def test_edges_point_at_their_input_lines() -> None:
    text, result = _read("app")
    lines = text.splitlines()
    for edge in result.graph.edges:
        assert edge.declared_at is not None
        line = lines[edge.declared_at.line - 1]
        assert re.match(r'\s*"[\w-]+": ', line), line


@pytest.mark.parametrize(
    ("locked", "expected"),
    [
        pytest.param(
            {"type": "sourcehut", "owner": "~sir", "repo": "lib", "rev": "ab12"},
            "pkg:generic/lib@ab12?vcs_url=git%2Bhttps:%2F%2Fgit.sr.ht%2F~sir%2Flib%40ab12",
            id="sourcehut",
        ),
        pytest.param(
            {
                "type": "gitlab",
                "owner": "o",
                "repo": "r",
                "rev": "ab12",
                "host": "gitlab.gnome.org",
            },
            "pkg:generic/r@ab12?vcs_url=git%2Bhttps:%2F%2Fgitlab.gnome.org%2Fo%2Fr%40ab12",
            id="gitlab-host",
        ),
        pytest.param(
            {"type": "mercurial", "url": "https://hg.example.org/repo", "rev": "ab12"},
            "pkg:generic/repo@ab12?vcs_url=hg%2Bhttps:%2F%2Fhg.example.org%2Frepo%40ab12",
            id="mercurial",
        ),
        pytest.param({"type": "path", "path": "/src/x"}, "pkg:generic/label", id="path"),
    ],
)
def test_input_purl(locked: dict[str, str], expected: str) -> None:
    assert flake_input_purl("label", locked).to_string() == expected


# --- errors -----------------------------------------------------------------------------

GOOD = '{"nodes": {"root": {"inputs": {"a": "a"}}, "a": %s}, "root": "root", "version": 7}'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            '{"nodes": {\n  "root": {',
            "flake.lock:2: invalid flake.lock: not valid JSON: Expecting property name "
            'enclosed in double quotes\n    "root": {\n             ^',
            id="truncated",
        ),
        pytest.param(
            GOOD % '{"locked": {"type": "github", "owner": "o"}}',
            'flake.lock:1: invalid flake.lock: node "a": "locked" needs a "repo" string',
            id="github-without-repo",
        ),
        pytest.param(
            GOOD % '{"original": {}}',
            'flake.lock:1: invalid flake.lock: node "a" needs a "locked" object',
            id="no-locked",
        ),
        pytest.param(
            '{"nodes": {"root": {"inputs": {"a": ["b", "c"]}}}, "root": "root", "version": 7}',
            'flake.lock:1: invalid flake.lock: input "a" of node "root" leads to no node',
            id="dangling-follows",
        ),
        pytest.param(
            '{"nodes": {"root": {}}, "root": "root", "version": 3}',
            "flake.lock:1: invalid flake.lock: expected lock file version 5, 6 or 7, not 3",
            id="old-version",
        ),
        pytest.param(
            '{"nodes": {}, "root": "top", "version": 7}',
            "flake.lock:1: invalid flake.lock: the root node 'top' is not in nodes",
            id="no-root",
        ),
    ],
)
def test_errors(text: str, expected: str) -> None:
    result = read_flake_lock(text, source="flake.lock")
    assert [str(e).partition("\n")[0] for e in result.errors] == [expected.partition("\n")[0]]
    if "\n" in expected:
        assert str(result.errors[0]) == expected


def test_follows_cycle_is_an_error_not_a_hang() -> None:
    text = (
        '{"nodes": {"root": {"inputs": {"a": ["b"], "b": ["a"], "c": ["c", "x"]}}},'
        ' "root": "root", "version": 7}'
    )
    result = read_flake_lock(text, source="flake.lock")
    assert [e.problem for e in result.errors] == [
        f'input "{name}" of node "root" leads to no node' for name in "abc"
    ]


def test_bad_node_does_not_stop_the_reading() -> None:
    text, _ = _read("app")
    broken = text.replace(
        '"type": "tarball",\n        "url"', '"type": "tarball",\n        "link"', 1
    )
    result = read_flake_lock(broken, source="flake.lock")
    assert [e.problem for e in result.errors] == ['node "data": "locked" needs a "url" string']
    assert {parse_purl(key).name for key in result.graph.nodes} == {
        "flake",
        "lib-a",
        "lib-b",
        "utils",
    }


# --- fuzz -------------------------------------------------------------------------------


def _check(result: ReadResult) -> None:
    for error in result.errors:
        assert isinstance(error, LockfileError)
        assert error.source == "flake.lock"


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_text_gives_only_lockfile_errors(text: str) -> None:
    _check(read_flake_lock(text, source="flake.lock"))


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(["root", "a", "b"]), _JSON, max_size=3), _JSON)
def test_any_json_nodes_give_only_lockfile_errors(nodes: dict[str, object], root: object) -> None:
    text = json.dumps({"nodes": nodes, "root": root, "version": 7})
    _check(read_flake_lock(text, source="flake.lock"))


@settings(max_examples=150, deadline=None)
@given(st.integers(min_value=0), st.lists(st.integers(min_value=0), max_size=6))
def test_mutated_fixture_gives_only_lockfile_errors(cut: int, dropped: list[int]) -> None:
    lines = (APP / "flake.lock").read_text().splitlines(keepends=True)
    for index in dropped:
        if lines:
            del lines[index % len(lines)]
    text = "".join(lines)
    _check(read_flake_lock(text[: cut % (len(text) + 1)], source="flake.lock"))


def test_doctests() -> None:
    assert doctest.testmod(flake_lock).failed == 0
