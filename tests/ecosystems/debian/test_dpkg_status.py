"""read_dpkg_status against a real dpkg status file and what dpkg-query reports about it."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polypac.ecosystems.debian import dpkg_status
from polypac.ecosystems.debian.dpkg_status import read_dpkg_status
from polypac.inventory.graph import LockfileError, ReadResult, Scope
from polypac.purl import parse_purl

FIXTURES = Path(__file__).parent / "fixtures" / "dpkg"
SOURCE = "/var/lib/dpkg/status"
ROOT = "pkg:generic/dpkg"


def _read() -> tuple[str, ReadResult]:
    text = (FIXTURES / "status").read_text()
    return text, read_dpkg_status(text, source=SOURCE)


def _name(key: str) -> str:
    return parse_purl(key).name


def _relations() -> dict[str, list[str]]:
    """dpkg-query's relation fields per package: [Pre-Depends, Depends, Recommends, Provides]."""
    rows = (FIXTURES / "dpkg-query-relations.tsv").read_text().splitlines()
    return {row.split("\t")[0]: row.split("\t")[1:] for row in rows}


def test_packages_match_dpkg_query() -> None:
    _, result = _read()
    assert result.errors == []
    found = set()
    for key in result.graph.nodes:
        purl = parse_purl(key)
        if purl.type == "deb":
            assert purl.namespace == "debian"
            found.add((purl.name, purl.version, dict(purl.qualifiers)["arch"]))
    rows = [line.split() for line in (FIXTURES / "dpkg-query.txt").read_text().splitlines()]
    assert all(row[3] == "ii" for row in rows)
    assert found == {(row[0], row[1], row[2]) for row in rows}


def _names(field: str) -> set[str]:
    return set(re.findall(r"(?:^|[,|])\s*([a-z0-9][a-z0-9.+-]*)", field))


def test_every_edge_is_a_relation_dpkg_reports() -> None:
    _, result = _read()
    relations = _relations()
    provides = {name: _names(fields[3]) for name, fields in relations.items()}
    for edge in result.graph.edges:
        if edge.parent == ROOT:
            continue
        parent, child = _name(edge.parent), _name(edge.child)
        pre, depends, recommends, _ = relations[parent]
        field = recommends if edge.scope is Scope.OPTIONAL else f"{pre}, {depends}"
        assert _names(field) & ({child} | provides.get(child, set())), (parent, child)


def test_dependencies_are_complete() -> None:
    """The fixture is closed: every Depends/Pre-Depends group is satisfied, so each package
    has one runtime edge per distinct first alternative that dpkg-query lists."""
    _, result = _read()
    relations = _relations()
    for key in result.graph.nodes:
        if key == ROOT:
            continue
        pre, depends, _, _ = relations[_name(key)]
        groups = {g.split("|")[0].split()[0] for g in f"{pre},{depends}".split(",") if g.strip()}
        runtime = [e for e in result.graph.children(key) if e.scope is Scope.RUNTIME]
        assert len(runtime) == len(groups), _name(key)


def test_alternatives_and_provides() -> None:
    _, result = _read()
    edges = {(_name(e.parent), _name(e.child), e.scope) for e in result.graph.edges}
    # libpam-runtime: "debconf (>= 0.5) | debconf-2.0" -> the first installed alternative
    assert ("libpam-runtime", "debconf", Scope.RUNTIME) in edges
    # base-files pre-depends on "awk", a virtual package provided by mawk
    assert ("base-files", "mawk", Scope.RUNTIME) in edges


def test_root_edges_are_the_top_of_the_graph() -> None:
    _, result = _read()
    direct = {_name(e.child) for e in result.graph.edges if e.parent == ROOT}
    needed = {_name(e.child) for e in result.graph.edges if e.parent != ROOT}
    names = {_name(key) for key in result.graph.nodes if key != ROOT}
    assert direct == names - needed
    assert {"bash", "coreutils", "login"} <= direct
    assert result.graph.roots == {ROOT}
    assert all(e.direct == (e.parent == ROOT) for e in result.graph.edges)


def test_edges_point_at_their_lines() -> None:
    text, result = _read()
    lines = text.splitlines()
    for edge in result.graph.edges:
        assert edge.declared_at is not None
        assert edge.declared_at.file == SOURCE
        line = lines[edge.declared_at.line - 1]
        if edge.parent == ROOT:
            assert line == f"Package: {_name(edge.child)}"
        else:
            field = "Recommends" if edge.scope is Scope.OPTIONAL else "(Pre-)?Depends"
            assert re.match(rf"{field}: ", line), line


STANZA = "Package: {name}\nStatus: {status}\nArchitecture: {arch}\nVersion: 1.0-1\n{extra}"


def _status(*stanzas: str) -> str:
    return "\n".join(stanzas)


@pytest.mark.parametrize(
    ("status", "present"),
    [
        pytest.param("install ok installed", True, id="installed"),
        pytest.param("install ok unpacked", True, id="unpacked"),
        pytest.param("install ok half-configured", True, id="half-configured"),
        pytest.param("install ok triggers-pending", True, id="triggers-pending"),
        pytest.param("hold ok installed", True, id="held"),
        pytest.param("deinstall ok config-files", False, id="config-files"),
        pytest.param("purge ok not-installed", False, id="not-installed"),
        pytest.param("install reinstreq half-installed", False, id="half-installed"),
    ],
)
def test_status_states(status: str, present: bool) -> None:
    text = STANZA.format(name="hello", status=status, arch="amd64", extra="")
    result = read_dpkg_status(text, source=SOURCE)
    assert result.errors == []
    assert ("pkg:deb/debian/hello@1.0-1?arch=amd64" in result.graph.nodes) is present


def test_distro_and_arch_all() -> None:
    text = STANZA.format(name="tzdata", status="install ok installed", arch="all", extra="")
    result = read_dpkg_status(text, source="rootfs/var/lib/dpkg/status", distro="Ubuntu")
    assert set(result.graph.nodes) == {"pkg:generic/dpkg", "pkg:deb/ubuntu/tzdata@1.0-1?arch=all"}


def test_uninstalled_recommendation_and_arch_qualifier() -> None:
    text = _status(
        STANZA.format(
            name="app",
            status="install ok installed",
            arch="amd64",
            extra="Depends: lib:i386 | lib\nRecommends: missing\n",
        ),
        STANZA.format(name="lib", status="install ok installed", arch="amd64", extra=""),
        STANZA.format(name="lib", status="install ok installed", arch="i386", extra=""),
    )
    result = read_dpkg_status(text, source=SOURCE)
    assert result.errors == []
    assert [str(e) for e in result.graph.children("pkg:deb/debian/app@1.0-1?arch=amd64")] == [
        "pkg:deb/debian/app@1.0-1?arch=amd64 -> pkg:deb/debian/lib@1.0-1?arch=i386 "
        f"(runtime, transitive, {SOURCE}:5)"
    ]


def test_a_cycle_nothing_else_needs_hangs_from_the_root() -> None:
    text = _status(
        STANZA.format(name="a", status="install ok installed", arch="amd64", extra="Depends: b\n"),
        STANZA.format(name="b", status="install ok installed", arch="amd64", extra="Depends: a\n"),
    )
    result = read_dpkg_status(text, source=SOURCE)
    direct = [str(e) for e in result.graph.edges if e.parent == ROOT]
    assert direct == [f"{ROOT} -> pkg:deb/debian/a@1.0-1?arch=amd64 (runtime, direct, {SOURCE}:1)"]


# --- errors -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "Package: a\nStatus: install ok\nArchitecture: all\nVersion: 1\n",
            f"{SOURCE}:2: invalid dpkg status: expected 'Status: want flag state' "
            "(like 'install ok installed')\n  Status: install ok\n  ^",
            id="short-status",
        ),
        pytest.param(
            "Package: a\nStatus: install ok installed\nArchitecture: all\n",
            f"{SOURCE}:1: invalid dpkg status: installed package 'a' has no 'Version' field"
            "\n  Package: a\n  ^",
            id="no-version",
        ),
        pytest.param(
            "Status: install ok installed\n",
            f"{SOURCE}:1: invalid dpkg status: expected a 'Package' field in every stanza"
            "\n  Status: install ok installed\n  ^",
            id="no-package",
        ),
        pytest.param(
            "Package: a\nStatus: install ok installed\nArchitecture: all\nVersion: 1\n"
            "Depends: b (>= 1\n",
            f"{SOURCE}:5: invalid dpkg status: in Depends: expected ')' to close the version "
            "constraint\n  Depends: b (>= 1\n             ^",
            id="truncated-relation",
        ),
        pytest.param(
            "Package: a\nbroken line\n",
            f"{SOURCE}:2: invalid dpkg status: expected 'Field: value'\n  broken line\n  ^",
            id="not-a-field",
        ),
    ],
)
def test_errors(text: str, expected: str) -> None:
    result = read_dpkg_status(text, source=SOURCE)
    assert [str(e) for e in result.errors] == [expected]


def test_bad_stanza_does_not_stop_the_reading() -> None:
    text, _ = _read()
    broken = text.replace("Package: grep\n", "Package: grep\nnot a field\n", 1)
    result = read_dpkg_status(broken, source=SOURCE)
    assert len(result.errors) == 1
    assert result.errors[0].line == text.splitlines().index("Package: grep") + 2
    names = {_name(key) for key in result.graph.nodes}
    assert "grep" not in names
    assert {"bash", "coreutils", "sed", "libc6"} <= names


# --- fuzz -------------------------------------------------------------------------------


def _check(result: ReadResult) -> None:
    for error in result.errors:
        assert isinstance(error, LockfileError)
        assert error.source == SOURCE


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_text_gives_only_lockfile_errors(text: str) -> None:
    _check(read_dpkg_status(text, source=SOURCE))


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0), st.lists(st.integers(min_value=0), max_size=8))
def test_mutated_fixture_gives_only_lockfile_errors(cut: int, dropped: list[int]) -> None:
    lines = (FIXTURES / "status").read_text().splitlines(keepends=True)
    for index in dropped:
        if lines:
            del lines[index % len(lines)]
    text = "".join(lines)
    _check(read_dpkg_status(text[: cut % (len(text) + 1)], source=SOURCE))


def test_doctests() -> None:
    assert doctest.testmod(dpkg_status).failed == 0
