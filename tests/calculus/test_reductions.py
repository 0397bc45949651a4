"""Each reduction is sound and complete: the core's answers, mapped back, are the direct answers.

For random small problems of each extension, the set of extended resolutions the direct brute
force finds equals ``{map_back(c) : c a core resolution of the reduced problem}``, and every
mapped-back answer passes the direct checker. Core resolutions come from
:func:`tests.calculus._projection.projected_resolutions`, which is checked against the core
brute force :func:`polypac.calculus.all_resolutions` below.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from polypac.calculus import (
    Dependency,
    Ordinal,
    Package,
    Problem,
    all_resolutions,
    check_resolution,
)
from polypac.calculus.extended import (
    ExtendedProblem,
    ExtendedResolution,
    VersionAnd,
    VersionFormula,
    VersionNot,
    VersionOr,
    VersionTest,
    all_extended_resolutions,
    check_extended,
    version_formula_holds,
)
from polypac.calculus.reduce import Reduction, reduce, version_formula_set
from tests.calculus import _examples as examples
from tests.calculus import _strategies as gen
from tests.calculus._projection import projected_resolutions

PROPERTY = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def mapped_back(reduction: Reduction[Any]) -> set[ExtendedResolution[Any]]:
    cores = projected_resolutions(reduction.problem, reduction.visible_names)
    return {reduction.map_back(core) for core in cores}


def small_enough_for_brute_force(problem: Problem[Any]) -> bool:
    return math.prod(len(vs) + 1 for vs in problem.packages.values()) <= 400


def assert_sound_and_complete(problem: ExtendedProblem[Any]) -> None:
    reduction = reduce(problem)
    direct = set(all_extended_resolutions(problem))
    through_core = mapped_back(reduction)
    for answer in through_core:
        assert check_extended(problem, answer) == [], answer
    assert through_core == direct
    if small_enough_for_brute_force(reduction.problem):
        every = set(all_resolutions(reduction.problem))
        assert {reduction.map_back(core) for core in every} == direct


# --- the projection is the core brute force --------------------------------------------------


@st.composite
def core_problems(draw: st.DrawFn) -> tuple[Problem[Ordinal], frozenset[str]]:
    names = ["r", "a", "b", "c", "d"][: draw(st.integers(2, 5))]
    packages = {
        n: tuple(Ordinal(v) for v in draw(st.sets(st.integers(0, 2), min_size=0, max_size=3)))
        for n in names
    }
    packages["r"] = (Ordinal(0),)
    everyone = [Package(n, v) for n, vs in packages.items() for v in vs]
    deps: dict[Package[Ordinal], tuple[Dependency[Ordinal], ...]] = {}
    for package in draw(st.lists(st.sampled_from(everyone), max_size=5, unique=True)):
        deps[package] = tuple(
            Dependency(
                draw(st.sampled_from([*names, "missing"])),
                gen.one_of(
                    [Ordinal(v) for v in draw(st.sets(st.integers(0, 2), min_size=1, max_size=2))]
                ),
            )
            for _ in range(draw(st.integers(1, 2)))
        )
    visible = frozenset(["r", *draw(st.sets(st.sampled_from(names)))])
    return Problem(Package("r", Ordinal(0)), packages, deps), visible


@PROPERTY
@given(core_problems())
def test_projection_equals_the_core_brute_force(
    case: tuple[Problem[Ordinal], frozenset[str]],
) -> None:
    problem, visible = case
    expected = {
        frozenset(p for p in resolution if p.name in visible)
        for resolution in all_resolutions(problem)
    }
    assert projected_resolutions(problem, visible) == expected


# --- one property per extension --------------------------------------------------------------


@PROPERTY
@given(gen.formula_problems())
def test_formulae_and_alternatives(problem: ExtendedProblem[Any]) -> None:
    assert_sound_and_complete(problem)


@PROPERTY
@given(gen.conflict_problems())
def test_conflicts(problem: ExtendedProblem[Any]) -> None:
    assert_sound_and_complete(problem)


@PROPERTY
@given(gen.concurrent_problems())
def test_concurrent_versions(problem: ExtendedProblem[Any]) -> None:
    assert_sound_and_complete(problem)


@PROPERTY
@given(gen.peer_problems())
def test_peer_dependencies(problem: ExtendedProblem[Any]) -> None:
    assert_sound_and_complete(problem)


@PROPERTY
@given(gen.feature_problems())
def test_features(problem: ExtendedProblem[Any]) -> None:
    assert_sound_and_complete(problem)


@PROPERTY
@given(gen.variable_problems())
def test_variable_formulae(problem: ExtendedProblem[Any]) -> None:
    assert_sound_and_complete(problem)


@PROPERTY
@given(gen.virtual_problems())
def test_virtual_packages_and_provides(problem: ExtendedProblem[Any]) -> None:
    assert_sound_and_complete(problem)


@PROPERTY
@given(gen.visibility_problems())
def test_public_and_private_dependencies(problem: ExtendedProblem[Any]) -> None:
    assert_sound_and_complete(problem)


@PROPERTY
@given(gen.mixed_problems())
def test_extensions_combined(problem: ExtendedProblem[Any]) -> None:
    assert_sound_and_complete(problem)


@PROPERTY
@given(gen.mixed_concurrent_problems())
def test_extensions_combined_with_concurrent_versions(problem: ExtendedProblem[Any]) -> None:
    assert_sound_and_complete(problem)


def version_formulae() -> st.SearchStrategy[VersionFormula[Ordinal]]:
    tests = st.builds(
        VersionTest,
        st.sampled_from(["<", "<=", "=", "!=", ">=", ">"]),
        st.integers(0, 4).map(Ordinal),
    )
    return st.recursive(
        tests,
        lambda children: st.one_of(
            children.map(VersionNot),
            st.lists(children, max_size=3).map(lambda ps: VersionAnd(tuple(ps))),
            st.lists(children, max_size=3).map(lambda ps: VersionOr(tuple(ps))),
        ),
        max_leaves=6,
    )


@PROPERTY
@given(version_formulae())
def test_version_formula_is_one_version_set(formula: VersionFormula[Ordinal]) -> None:
    reduced = version_formula_set(formula)
    for n in range(-1, 6):
        assert reduced.contains(Ordinal(n)) == version_formula_holds(formula, Ordinal(n))


# --- hand-written examples with known answers ------------------------------------------------


@pytest.mark.parametrize("example", examples.EXAMPLES, ids=lambda e: e.name)
def test_example_through_the_core(example: examples.Example) -> None:
    reduction = reduce(example.problem)
    assert mapped_back(reduction) == example.answers
    for core in (
        all_resolutions(reduction.problem)
        if small_enough_for_brute_force(reduction.problem)
        else ()
    ):
        assert check_resolution(reduction.problem, core) == []
        assert reduction.map_back(core) in example.answers
