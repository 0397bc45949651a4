"""yarn.lock (classic) against the real fixture, cross-checked with `npm ls` of the project."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from polypac.ecosystems.npm.yarn_lock import read_yarn_lock
from polypac.inventory.graph import LockfileError, Scope
from tests.ecosystems.npm._support import edge_pairs, fixture, name_version, pairs
from tests.ecosystems.npm.test_package_lock import _npm_ls

SOURCE = "demo-app/yarn.lock"
LOCK = fixture("demo-app", "yarn.lock")


def test_same_packages_and_transitive_edges_as_npm_resolved() -> None:
    # yarn and npm resolved the same package.json on the same day to the same versions.
    result = read_yarn_lock(LOCK, source=SOURCE)
    assert result.errors == []
    nodes, edges = _npm_ls()
    assert pairs(result.graph) == (nodes - {("demo-app", "1.2.0")}) | {("demo-app", "")}
    npm_transitive = {e for e in edges if e[0] != ("demo-app", "1.2.0")}
    ours = {e for e in edge_pairs(result.graph) if e[0] != ("demo-app", "")}
    assert ours == npm_transitive


def test_root_is_generic_with_the_unrequired_entries_as_direct() -> None:
    graph = read_yarn_lock(LOCK, source=SOURCE).graph
    assert graph.roots == {"pkg:generic/demo-app"}
    direct = {name_version(e.child) for e in graph.children("pkg:generic/demo-app")}
    assert direct == {
        ("@types/ms", "0.7.34"),
        ("chalk", "4.1.2"),
        ("debug", "4.4.3"),
        ("express", "4.22.3"),
        ("typescript", "5.6.3"),
    }


def test_edges_point_at_the_dependency_line() -> None:
    graph = read_yarn_lock(LOCK, source=SOURCE).graph
    lines = LOCK.splitlines()
    for edge in graph.edges:
        assert edge.declared_at is not None
        line = lines[edge.declared_at.line - 1]
        name = name_version(edge.child)[0]
        assert line.lstrip().lstrip('"').startswith(name), (edge, line)


def test_one_header_serves_several_descriptors() -> None:
    text = 'a@^1.0.0:\n  version "1.0.0"\n  dependencies:\n    ms "^2.0.0"\n'
    text += '"ms@^2.0.0", ms@^2.1.0:\n  version "2.1.3"\n'
    graph = read_yarn_lock(text, source="yarn.lock").graph
    [edge] = [e for e in graph.edges if not e.parent.startswith("pkg:generic")]
    assert (edge.parent, edge.child, edge.scope) == (
        "pkg:npm/a@1.0.0",
        "pkg:npm/ms@2.1.3",
        Scope.RUNTIME,
    )
    assert edge.declared_at is not None
    assert edge.declared_at.line == 4


def test_problems_name_the_line_and_reading_goes_on() -> None:
    text = 'a@^1:\n  version "1.0.0"\n  dependencies:\n    b "^2"\n    c\nbroken line\n'
    text += 'b@^2:\n  version "2.0.0"\nd@1:\n  resolved "x"\n'
    result = read_yarn_lock(text, source="yarn.lock")
    assert [str(error).splitlines()[0] for error in result.errors] == [
        "yarn.lock:5: invalid yarn.lock: dependency 'c' needs a range",
        "yarn.lock:6: invalid yarn.lock: an entry header must end with ':'",
        "yarn.lock:9: invalid yarn.lock: entry 'd@1' has no 'version'",
    ]
    assert ("pkg:npm/a@1.0.0", "pkg:npm/b@2.0.0") in {
        (e.parent, e.child) for e in result.graph.edges
    }


def test_a_missing_entry_is_reported() -> None:
    result = read_yarn_lock('a@^1:\n  version "1.0.0"\n  dependencies:\n    zz "^9"\n', source="y")
    [error] = result.errors
    assert error.line == 4
    assert error.problem == "no entry for 'zz@^9'"


def test_berry_workspace_entry_is_the_root() -> None:
    text = """__metadata:
  version: 8

"app@workspace:.":
  version: 0.0.0-use.local
  resolution: "app@workspace:."
  dependencies:
    ms: "npm:^2.1.3"
  languageName: unknown

"ms@npm:^2.1.3":
  version: 2.1.3
  resolution: "ms@npm:2.1.3"
"""
    graph = read_yarn_lock(text, source="yarn.lock").graph
    assert graph.roots == {"pkg:npm/app"}
    assert [str(e) for e in graph.edges] == [
        "pkg:npm/app -> pkg:npm/ms@2.1.3 (runtime, direct, yarn.lock:8)"
    ]


def _check(text: str) -> None:
    result = read_yarn_lock(text, source=SOURCE)
    assert all(isinstance(error, LockfileError) for error in result.errors)


@settings(max_examples=150, deadline=None)
@given(st.text())
def test_any_text_gives_only_lockfile_errors(text: str) -> None:
    _check(text)


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_mutated_fixture_gives_only_lockfile_errors(data: st.DataObject) -> None:
    lines = LOCK.splitlines()
    start = data.draw(st.integers(0, len(lines) - 1))
    stop = data.draw(st.integers(start, min(len(lines), start + 20)))
    cut = data.draw(st.integers(0, 40))
    text = "\n".join([*lines[:start], lines[start][:cut], *lines[stop:]])
    _check(text)


def test_berry_fixture_matches_npm_ls_with_the_workspace_as_root() -> None:
    result = read_yarn_lock(fixture("demo-app", "yarn.berry.lock"), source=SOURCE)
    assert result.errors == []
    assert result.graph.roots == {"pkg:npm/demo-app"}
    nodes, edges = _npm_ls()
    npm_root, our_root = ("demo-app", "1.2.0"), ("demo-app", "")

    def rename(pair: tuple[str, str]) -> tuple[str, str]:
        return our_root if pair == npm_root else pair

    assert pairs(result.graph) == {rename(n) for n in nodes}
    assert edge_pairs(result.graph) == {(rename(a), rename(b)) for a, b in edges}
