"""read_pom against a POM that Maven resolved here (offline) and small documented cases."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polypac.ecosystems.maven import pom
from polypac.ecosystems.maven.pom import read_pom
from polypac.inventory.graph import LockfileError, ReadResult, Scope

FIXTURES = Path(__file__).parent / "fixtures" / "project"
ROOT = "pkg:maven/org.polypac.fixture/app@1.2.0"
_TREE_LINE = re.compile(r"( *)([^:\s]+):([^:\s]+):([^:\s]+):([^:\s]+):(\w+)( \(optional\))?")
_MAVEN_SCOPES = {
    "compile": Scope.RUNTIME,
    "runtime": Scope.RUNTIME,
    "test": Scope.DEV,
    "provided": Scope.BUILD,
    "system": Scope.SYSTEM,
}


def _read() -> tuple[str, ReadResult]:
    text = (FIXTURES / "app" / "pom.xml").read_text()
    return text, read_pom(text, source="app/pom.xml")


def _maven_direct() -> dict[str, tuple[str, Scope]]:
    """The first level of Maven's tree: ``group/artifact`` -> (version, scope)."""
    found: dict[str, tuple[str, Scope]] = {}
    for line in (FIXTURES / "app" / "mvn-dependency-tree.txt").read_text().splitlines()[1:]:
        match = _TREE_LINE.match(line)
        assert match is not None, line
        if len(match[1]) == 3:
            scope = _MAVEN_SCOPES[match[6]]
            if match[7] and scope is Scope.RUNTIME:
                scope = Scope.OPTIONAL
            found[f"{match[2]}/{match[3]}"] = (match[5], scope)
    return found


def _name(key: str) -> str:
    return key.removeprefix("pkg:maven/").partition("@")[0].partition("?")[0]


def test_root_inherits_group_and_version_from_parent() -> None:
    _, result = _read()
    assert result.errors == []
    assert result.graph.roots == {ROOT}


def test_direct_dependencies_match_maven() -> None:
    _, result = _read()
    expected = _maven_direct()
    found = {
        _name(e.child): e
        for e in result.graph.edges
        if e.parent == ROOT and "type=pom" not in e.child
    }
    assert set(found) == set(expected)
    for name, edge in found.items():
        version, scope = expected[name]
        assert edge.scope is scope, str(edge)
        child_version = edge.child.partition("@")[2]
        if name == "org.junit.jupiter/junit-jupiter-api":
            # Its version comes from the imported BOM, another file: the node has none.
            assert child_version == ""
        else:
            assert child_version == version, str(edge)


def test_imported_bom_is_a_build_edge() -> None:
    _, result = _read()
    [bom] = [e for e in result.graph.edges if "type=pom" in e.child]
    assert bom.child == "pkg:maven/org.junit/junit-bom@5.10.2?type=pom"
    assert bom.scope is Scope.BUILD


def test_edges_point_at_dependency_elements() -> None:
    text, result = _read()
    lines = text.splitlines()
    for edge in result.graph.edges:
        assert edge.declared_at is not None
        assert lines[edge.declared_at.line - 1].strip() == "<dependency>"
        artifact = _name(edge.child).rpartition("/")[2]
        assert f"<artifactId>{artifact}</artifactId>" in lines[edge.declared_at.line + 1]


# --- documented cases -------------------------------------------------------------------


def _project(body: str, head: str = "<groupId>g</groupId><version>1</version>") -> str:
    return (
        '<project xmlns="http://maven.apache.org/POM/4.0.0">\n'
        f"<artifactId>a</artifactId>{head}\n{body}\n</project>"
    )


def _dependency(inner: str) -> str:
    return f"<dependencies><dependency>{inner}</dependency></dependencies>"


@pytest.mark.parametrize(
    ("inner", "expected"),
    [
        pytest.param(
            "<groupId>x</groupId><artifactId>y</artifactId><version>[1.0,2.0)</version>",
            "pkg:maven/x/y",
            id="range-has-no-version",
        ),
        pytest.param(
            "<groupId>x</groupId><artifactId>y</artifactId><version>LATEST</version>",
            "pkg:maven/x/y",
            id="latest-has-no-version",
        ),
        pytest.param(
            "<groupId>x</groupId><artifactId>y</artifactId><version>${nowhere}</version>",
            "pkg:maven/x/y",
            id="unknown-property-has-no-version",
        ),
        pytest.param(
            "<groupId>x</groupId><artifactId>y</artifactId><version>2</version>"
            "<type>test-jar</type><classifier>tests</classifier>",
            "pkg:maven/x/y@2?classifier=tests&type=test-jar",
            id="type-and-classifier",
        ),
        pytest.param(
            "<groupId>x</groupId><artifactId>y</artifactId><version>2</version><type>jar</type>",
            "pkg:maven/x/y@2",
            id="jar-is-the-default-type",
        ),
        pytest.param(
            "<groupId>${project.groupId}</groupId><artifactId>y</artifactId>"
            "<version>${project.version}</version>",
            "pkg:maven/g/y@1",
            id="project-properties",
        ),
    ],
)
def test_dependency_purls(inner: str, expected: str) -> None:
    result = read_pom(_project(_dependency(inner)), source="pom.xml")
    assert result.errors == []
    assert [e.child for e in result.graph.edges] == [expected]


def test_nested_properties_and_parent_version() -> None:
    text = _project(
        "<parent><groupId>p</groupId><artifactId>par</artifactId><version>7</version></parent>"
        "<properties><base>${parent.version}</base><v>${base}.1</v></properties>"
        + _dependency("<groupId>x</groupId><artifactId>y</artifactId><version>${v}</version>"),
        head="",
    )
    result = read_pom(text, source="pom.xml")
    assert result.graph.roots == {"pkg:maven/p/a@7"}
    assert [e.child for e in result.graph.edges] == ["pkg:maven/x/y@7.1"]


def test_managed_scope_applies() -> None:
    managed = (
        "<dependencyManagement><dependencies><dependency><groupId>x</groupId>"
        "<artifactId>y</artifactId><version>3</version><scope>test</scope></dependency>"
        "</dependencies></dependencyManagement>"
    )
    text = _project(managed + _dependency("<groupId>x</groupId><artifactId>y</artifactId>"))
    [edge] = read_pom(text, source="pom.xml").graph.edges
    assert (edge.child, edge.scope) == ("pkg:maven/x/y@3", Scope.DEV)


def test_profile_and_plugin_dependencies_are_not_read() -> None:
    dep = _dependency("<groupId>x</groupId><artifactId>y</artifactId><version>1</version>")
    text = _project(
        f"<profiles><profile>{dep}</profile></profiles>"
        f"<build><plugins><plugin>{dep}</plugin></plugins></build>"
    )
    assert read_pom(text, source="pom.xml").graph.edges == []


def test_pom_without_namespace() -> None:
    text = _project(
        _dependency("<groupId>x</groupId><artifactId>y</artifactId><version>1</version>")
    ).replace(' xmlns="http://maven.apache.org/POM/4.0.0"', "")
    assert [e.child for e in read_pom(text, source="pom.xml").graph.edges] == ["pkg:maven/x/y@1"]


# --- errors -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "<project><groupId>g</groupId><artifactId>a</artifactId>\n"
            "  <version>1</version\n</project>",
            "pom.xml:3: invalid pom.xml: not well-formed XML: not well-formed (invalid token)"
            "\n  </project>\n  ^",
            id="broken-tag",
        ),
        pytest.param(
            "<settings/>",
            "pom.xml:1: invalid pom.xml: the top element must be <project>, not <settings>"
            "\n  <settings/>",
            id="not-a-project",
        ),
        pytest.param(
            '<!DOCTYPE p [<!ENTITY a "aaaa">]>\n<project/>',
            "pom.xml:1: invalid pom.xml: a POM has no document type declaration (<!DOCTYPE ...>)"
            '\n  <!DOCTYPE p [<!ENTITY a "aaaa">]>',
            id="doctype-refused",
        ),
        pytest.param(
            _project(_dependency("<groupId>x</groupId>")),
            "pom.xml:3: invalid pom.xml: a dependency needs a groupId and an artifactId\n  "
            + _dependency("<groupId>x</groupId>"),
            id="no-artifact-id",
        ),
        pytest.param(
            _project(_dependency("<groupId>x</groupId><artifactId>y</artifactId><scope>z</scope>")),
            "pom.xml:3: invalid pom.xml: unknown scope 'z' (expected compile, runtime, test, "
            "provided or system)\n  "
            + _dependency("<groupId>x</groupId><artifactId>y</artifactId><scope>z</scope>"),
            id="unknown-scope",
        ),
        pytest.param(
            _project(_dependency("<groupId>${g}</groupId><artifactId>y</artifactId>")),
            "pom.xml:3: invalid pom.xml: the groupId '${g}' names a property this file does "
            "not define: ${g}\n  "
            + _dependency("<groupId>${g}</groupId><artifactId>y</artifactId>"),
            id="unknown-group-property",
        ),
    ],
)
def test_errors(text: str, expected: str) -> None:
    result = read_pom(text, source="pom.xml")
    assert [str(e) for e in result.errors] == [expected]


def test_truncated_file_keeps_whole_dependencies() -> None:
    text, _ = _read()
    cut = text.index("<artifactId>junit-jupiter-api</artifactId>")
    result = read_pom(text[:cut], source="app/pom.xml")
    [error] = result.errors
    assert error.problem == "not well-formed XML: no element found"
    assert result.graph.roots == {ROOT}
    names = {_name(e.child) for e in result.graph.edges}
    assert "org.slf4j/slf4j-api" in names
    assert "org.junit.jupiter/junit-jupiter-api" not in names


def test_entity_expansion_is_refused() -> None:
    bomb = '<!DOCTYPE p [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><project>&b;</project>'
    result = read_pom(bomb, source="pom.xml")
    assert [e.problem for e in result.errors] == [
        "a POM has no document type declaration (<!DOCTYPE ...>)"
    ]


# --- fuzz -------------------------------------------------------------------------------


def _check(result: ReadResult) -> None:
    for error in result.errors:
        assert isinstance(error, LockfileError)
        assert error.source == "pom.xml"
    assert len(result.graph.roots) == 1


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_text_gives_only_lockfile_errors(text: str) -> None:
    _check(read_pom(text, source="pom.xml"))


@settings(max_examples=150, deadline=None)
@given(st.integers(min_value=0), st.lists(st.integers(min_value=0), max_size=6))
def test_mutated_fixture_gives_only_lockfile_errors(cut: int, dropped: list[int]) -> None:
    lines = (FIXTURES / "app" / "pom.xml").read_text().splitlines(keepends=True)
    for index in dropped:
        if lines:
            del lines[index % len(lines)]
    text = "".join(lines)
    _check(read_pom(text[: cut % (len(text) + 1)], source="pom.xml"))


_TAGS = st.sampled_from(
    ["groupId", "artifactId", "version", "scope", "type", "classifier", "optional", "x"]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(_TAGS, st.text(alphabet="ab.${}[](),-1 ", max_size=12)), max_size=8))
def test_any_dependency_gives_only_lockfile_errors(fields: list[tuple[str, str]]) -> None:
    inner = "".join(f"<{tag}>{value}</{tag}>" for tag, value in fields)
    properties = "<properties><a>${b}</a><b>${a}</b></properties>"
    _check(read_pom(_project(properties + _dependency(inner)), source="pom.xml"))


def test_doctests() -> None:
    assert doctest.testmod(pom).failed == 0
