"""The extended calculus read directly: known answers, the checker's reasons word for word,
and the rules a well-formed extended problem keeps."""

from __future__ import annotations

from typing import Any

import pytest

from polypac.calculus import InvalidProblem, Ordinal, Package
from polypac.calculus.extended import (
    AllOf,
    AnyOf,
    Condition,
    ExtendedProblem,
    ExtendedResolution,
    Link,
    Not,
    Provide,
    When,
    all_extended_resolutions,
    check_extended,
    describe_versions,
    granule_of,
)
from polypac.version.semver import SemVer
from polypac.version.sets import Bound, VersionSet
from tests.calculus import _examples as ex
from tests.calculus._examples import APP, answer, exactly, pkg, req


def reasons(
    problem: ExtendedProblem[Any], resolution: ExtendedResolution[Any]
) -> list[tuple[str, str]]:
    return [(v.kind, v.reason) for v in check_extended(problem, resolution)]


@pytest.mark.parametrize("example", ex.EXAMPLES, ids=lambda e: e.name)
def test_brute_force_finds_the_known_answers(example: ex.Example) -> None:
    found = list(all_extended_resolutions(example.problem))
    assert len(found) == len(set(found))
    assert set(found) == example.answers


@pytest.mark.parametrize("example", ex.EXAMPLES, ids=lambda e: e.name)
def test_every_known_answer_passes_the_checker(example: ex.Example) -> None:
    for resolution in example.answers:
        assert check_extended(example.problem, resolution) == []


# --- the checker's reasons, one extension at a time ------------------------------------------


def test_alternatives_and_conflicts_reasons() -> None:
    problem = ex.ALTERNATIVES.problem
    assert reasons(problem, answer([APP])) == [
        ("unmet", "app 1 needs (postfix | exim), which does not hold")
    ]
    assert reasons(problem, answer([APP, pkg("postfix", 1), pkg("exim", 1)])) == [
        ("conflict", "postfix 1 conflicts with exim, but exim 1 is selected")
    ]


def test_versioned_conflict_reason() -> None:
    assert reasons(ex.CONFLICT.problem, answer([APP, pkg("b", 1)])) == [
        ("conflict", "app 1 conflicts with b <2, but b 1 is selected")
    ]


def test_core_conditions_reasons() -> None:
    problem = ex.DIAMOND_SINGLE.problem
    chosen = [pkg("b", 1), pkg("c", 1), pkg("d", 1), pkg("d", 3), pkg("e", 1)]
    assert reasons(problem, answer(chosen)) == [
        ("not-real", "e 1 does not exist"),
        ("no-root", "the root app 1 is not selected"),
        ("two-versions", "d is selected at several versions: 1, 3"),
    ]


def test_concurrent_link_reasons() -> None:
    problem = ex.DIAMOND_NPM.problem
    chosen = [APP, pkg("b", 1), pkg("c", 1), pkg("d", 1), pkg("d", 3)]
    links = [(APP, pkg("b", 1)), (pkg("b", 1), pkg("d", 1)), (pkg("c", 1), pkg("d", 1))]
    assert reasons(problem, answer(chosen, links=links)) == [
        ("no-link", "app 1 has no link for c"),
        ("unmet", "c 1 needs d =3, which its link d 1 does not meet"),
    ]
    stray = answer([APP], links=[(pkg("b", 1), pkg("d", 3))])
    assert ("stray-link", "b 1 links d but is not selected") in reasons(problem, stray)


def test_semver_major_granule_reason() -> None:
    problem = ex.CARGO.problem
    lib = [Package("lib", v) for v in (SemVer(0, 1, 0), SemVer(1, 0, 0), SemVer(1, 2, 0))]
    app, old = problem.root, Package("old", SemVer(1, 0, 0))
    resolution = answer([app, old, *lib], links=[(app, lib[1]), (app, old), (old, lib[0])])
    assert reasons(problem, resolution) == [
        ("same-granule", "lib is selected at several versions of granule 1: 1.0.0, 1.2.0")
    ]


def test_peer_reasons() -> None:
    plugin, react16, react17 = pkg("plugin", 1), pkg("react", 16), pkg("react", 17)
    resolution = answer(
        [APP, plugin, react16, react17],
        links=[(APP, react16), (APP, plugin), (plugin, react17)],
    )
    assert reasons(ex.PEER.problem, resolution) == [
        (
            "peer",
            "plugin 1 must share its peer react with app 1, but app 1 uses react 16 and "
            "plugin 1 uses react 17",
        )
    ]
    single = ExtendedProblem(
        APP,
        {"app": (Ordinal(1),), "plugin": (Ordinal(1),), "react": (Ordinal(16),)},
        {APP: (req("plugin"),)},
        peers={plugin: (req("react"),)},
    )
    assert reasons(single, answer([APP, plugin])) == [
        ("unmet", "plugin 1 needs its peer react, which does not hold")
    ]


def test_feature_reasons() -> None:
    problem = ex.FEATURES.problem
    serde = pkg("serde", 1)
    assert reasons(problem, answer([APP, serde])) == [
        ("unmet", "app 1 needs serde[derive], which does not hold")
    ]
    assert reasons(problem, answer([APP, serde], features=[(serde, "derive"), (serde, "std")])) == [
        ("unknown-feature", "serde 1 has no feature std"),
        ("unmet", "serde 1 with feature derive needs serde_derive, which does not hold"),
    ]
    stray = answer(
        [APP, serde, pkg("serde_derive", 1)],
        features=[
            (serde, "derive"),
            (pkg("serde_derive", 1), "proc"),
            (pkg("serde", 2), "derive"),
        ],
    )
    assert reasons(problem, stray) == [
        ("stray-feature", "serde 2 has feature derive enabled but is not selected"),
        ("unknown-feature", "serde_derive 1 has no feature proc"),
    ]


def test_default_feature_reason() -> None:
    lib = pkg("lib", 1)
    assert reasons(ex.DEFAULT_FEATURES.problem, answer([APP, lib], features=[(lib, "std")])) == [
        ("unmet", "app 1 needs lib, which does not hold")
    ]


def test_variable_reasons() -> None:
    problem = ex.MARKERS.problem
    assert reasons(problem, answer([APP], assignment={"sys_platform": "win32"})) == [
        ("unmet", "app 1 needs when sys_platform == win32 then pywin32, which does not hold")
    ]
    # without a value, neither a condition nor its negation holds
    assert reasons(problem, answer([APP])) == [
        ("unassigned", "variable sys_platform has no value"),
        ("unmet", "app 1 needs when sys_platform == win32 then pywin32, which does not hold"),
    ]
    odd = ExtendedResolution(
        frozenset([APP]),
        assignment=frozenset([("sys_platform", "mac"), ("arch", "x86")]),
    )
    assert reasons(problem, odd) == [
        ("unknown-variable", "arch is not a variable"),
        ("bad-value", "variable sys_platform cannot be mac; its values are linux, win32"),
    ]
    fixed = ExtendedProblem(
        APP,
        problem.packages,
        problem.dependencies,
        variables=problem.variables,
        environment={"sys_platform": "linux"},
    )
    assert reasons(
        fixed, answer([APP, pkg("pywin32", 1)], assignment={"sys_platform": "win32"})
    ) == [("environment", "the environment fixes sys_platform to linux, not win32")]


def test_virtual_reasons() -> None:
    assert reasons(ex.VERSIONED_PROVIDES.problem, answer([APP, pkg("postfix", 1)])) == [
        ("unmet", "app 1 needs mail-transport-agent >=2, which does not hold")
    ]
    both = answer([APP, pkg("postfix", 1), pkg("exim", 1)])
    assert reasons(ex.PROVIDERS_CONFLICT.problem, both) == [
        ("conflict", "exim 1 conflicts with mail-transport-agent, but postfix 1 is selected"),
        ("conflict", "postfix 1 conflicts with mail-transport-agent, but exim 1 is selected"),
    ]


def test_visibility_reason() -> None:
    resolution = next(iter(ex.PRIVATE.answers))
    assert reasons(ex.PUBLIC.problem, resolution) == [
        ("visibility", "app 1 sees a at several versions: 1, 2")
    ]


def test_links_are_kept_only_with_concurrent_versions() -> None:
    resolution = answer([APP, pkg("exim", 1)], links=[(APP, pkg("exim", 1))])
    assert reasons(ex.ALTERNATIVES.problem, resolution) == [
        (
            "stray-link",
            "app 1 -> exim 1 is a link, but links are kept only with concurrent versions",
        )
    ]


def test_a_package_does_not_conflict_with_itself() -> None:
    problem = ExtendedProblem(APP, {"app": (Ordinal(1), Ordinal(2))}, {APP: (Not(req("app")),)})
    assert set(all_extended_resolutions(problem)) == {answer([APP])}


def test_negation_reads_in_normal_form() -> None:
    # not (not b) is b; not (b and c) is (not b | not c)
    b = pkg("b", 1)
    problem = ExtendedProblem(
        APP,
        {"app": (Ordinal(1),), "b": (Ordinal(1),), "c": (Ordinal(1),)},
        {APP: (Not(Not(req("b"))), Not(AllOf((req("b"), req("c")))))},
    )
    assert set(all_extended_resolutions(problem)) == {answer([APP, b])}


# --- well-formed problems --------------------------------------------------------------------


def small(**options: Any) -> ExtendedProblem[Ordinal]:
    return ExtendedProblem(APP, {"app": (Ordinal(1),), "lib": (Ordinal(1),)}, **options)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"granularity": "pip"},
            "unknown granularity 'pip'; expected one of single, exact, semver-major",
        ),
        (
            {"granularity": "exact", "provides": {APP: (Provide("mta"),)}},
            "provides need granularity 'single', not 'exact'",
        ),
        (
            {"dependencies": {APP: (Not(req("lib", features=frozenset({"ssl"}))),)}},
            "a negated requirement cannot ask for features: not lib[ssl]",
        ),
        (
            {"dependencies": {APP: (Not(req("lib")),)}, "default_feature": "default"},
            "a negated requirement cannot ask for default features; set "
            "default_features=False: not lib",
        ),
        (
            {"dependencies": {APP: (When(req("lib"), req("lib")),)}},
            "the condition of a When may only test variables: lib",
        ),
        (
            {"dependencies": {APP: (Condition("os", frozenset({"linux"})),)}},
            "os == linux tests os, which is not a variable",
        ),
        (
            {"variables": {"os": ("linux",)}, "environment": {"os": "mac"}},
            "the environment fixes os to mac, which is not among its values",
        ),
        ({"variables": {"lib": ("1",)}}, "lib is both a variable and a package name"),
        (
            {"variables": {"os": ("linux",)}, "dependencies": {APP: (req("os"),)}},
            "os is a variable; test it with a Condition, not os",
        ),
        ({"peers": {pkg("lib", 2): (req("app"),)}}, "lib 2 has peers but does not exist"),
    ],
    ids=[
        "granularity",
        "provides-concurrent",
        "negated-features",
        "negated-default",
        "when-condition",
        "unknown-variable",
        "environment-value",
        "variable-clash",
        "requirement-on-variable",
        "unknown-package",
    ],
)
def test_problem_rules(options: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidProblem) as error:
        small(**options)
    assert str(error.value) == message


def test_root_must_exist() -> None:
    with pytest.raises(InvalidProblem, match="the root app 2 is not among the packages"):
        ExtendedProblem(pkg("app", 2), {"app": (Ordinal(1),)})


# --- granularity and text --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("granularity", "version", "granule"),
    [
        ("single", SemVer(1, 2, 3), ""),
        ("exact", SemVer(1, 2, 3), SemVer(1, 2, 3)),
        ("semver-major", SemVer(1, 2, 3), "1"),
        ("semver-major", SemVer(1, 0, 0, ("alpha",)), "1"),
        ("semver-major", SemVer(0, 2, 3), "0.2"),
        ("semver-major", SemVer(0, 0, 3), "0.0.3"),
        ("semver-major", Ordinal(7), Ordinal(7)),
    ],
)
def test_granule_of(granularity: str, version: Any, granule: object) -> None:
    assert granule_of(granularity, version) == granule


def test_unknown_granularity() -> None:
    with pytest.raises(InvalidProblem, match="unknown granularity 'none'"):
        granule_of("none", Ordinal(1))


@pytest.mark.parametrize(
    ("versions", "text"),
    [
        (VersionSet.full(), "*"),
        (VersionSet.empty(), "(none)"),
        (exactly(2), "=2"),
        (VersionSet.between(Bound(Ordinal(1), True), Bound(Ordinal(3), False)), ">=1 <3"),
        (exactly(1).union(VersionSet.between(Bound(Ordinal(4), False), None)), "=1 || >4"),
    ],
)
def test_describe_versions(versions: VersionSet[Ordinal], text: str) -> None:
    assert describe_versions(versions) == text


def test_formula_text() -> None:
    formula = AnyOf(
        (
            AllOf((req("a", exactly(1), features=frozenset({"x", "w"})), Not(req("b")))),
            When(Condition("os", frozenset({"linux", "mac"})), req("c")),
            AllOf(()),
            AnyOf(()),
        )
    )
    assert str(formula) == (
        "((a[w,x] =1 and not b) | when os in {linux, mac} then c | true | false)"
    )
    assert str(Provide("mta", Ordinal(2))) == "mta (= 2)"


def test_resolution_accessors() -> None:
    lib = pkg("lib", 1)
    resolution = answer(
        [APP, lib], features=[(lib, "f")], assignment={"os": "linux"}, links=[(APP, lib)]
    )
    assert resolution.features_of(lib) == {"f"}
    assert resolution.value_of("os") == "linux"
    assert resolution.value_of("arch") is None
    assert resolution.link_of(APP, "lib") == lib
    assert resolution.link_of(lib, "app") is None
    assert str(Link(APP, lib)) == "app 1 -> lib 1"
