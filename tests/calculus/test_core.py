"""The core calculus: the checker's four conditions, and brute force on known problems."""

from __future__ import annotations

import pytest

from polypac.calculus import (
    Dependency,
    InvalidProblem,
    Ordinal,
    Package,
    Problem,
    all_resolutions,
    check_resolution,
    minimal_resolutions,
)
from polypac.version.sets import Bound, VersionSet


def at_least(n: int) -> VersionSet[Ordinal]:
    return VersionSet.between(Bound(Ordinal(n), True), None)


def exactly(n: int) -> VersionSet[Ordinal]:
    return VersionSet.singleton(Ordinal(n))


def pkg(name: str, n: int) -> Package[Ordinal]:
    return Package(name, Ordinal(n))


# app 1 needs a >= 2 and b; a 2 needs c = 1, a 3 needs c = 2; b 1 needs c = 1; c has 1 and 2.
DIAMOND = Problem(
    root=pkg("app", 1),
    packages={
        "app": (Ordinal(1),),
        "a": (Ordinal(2), Ordinal(3)),
        "b": (Ordinal(1),),
        "c": (Ordinal(1), Ordinal(2)),
    },
    dependencies={
        pkg("app", 1): (Dependency("a", at_least(2)), Dependency("b", VersionSet.full())),
        pkg("a", 2): (Dependency("c", exactly(1)),),
        pkg("a", 3): (Dependency("c", exactly(2)),),
        pkg("b", 1): (Dependency("c", exactly(1)),),
    },
)


def test_valid_resolution_has_no_violation() -> None:
    assert check_resolution(DIAMOND, [pkg("app", 1), pkg("a", 2), pkg("b", 1), pkg("c", 1)]) == []


def test_each_condition_has_its_reason() -> None:
    violations = check_resolution(
        DIAMOND, [pkg("a", 3), pkg("a", 2), pkg("b", 1), pkg("c", 1), pkg("d", 1)]
    )
    assert [(v.kind, v.reason) for v in violations] == [
        ("not-real", "d 1 does not exist"),
        ("no-root", "the root app 1 is not selected"),
        ("two-versions", "a is selected at several versions: 2, 3"),
        ("unmet", "a 3 needs c at a version that is not selected"),
    ]


def test_brute_force_finds_the_one_minimal_resolution() -> None:
    assert minimal_resolutions(DIAMOND) == [
        frozenset({pkg("app", 1), pkg("a", 2), pkg("b", 1), pkg("c", 1)})
    ]
    # supersets that still meet every condition are resolutions too, but none holds a 3
    assert all(pkg("a", 3) not in s for s in all_resolutions(DIAMOND))


def test_unsatisfiable_problem_has_no_resolution() -> None:
    problem = Problem(
        root=pkg("app", 1),
        packages={"app": (Ordinal(1),), "a": (Ordinal(1),)},
        dependencies={pkg("app", 1): (Dependency("a", at_least(2)),)},
    )
    assert list(all_resolutions(problem)) == []


def test_problem_rejects_a_root_that_does_not_exist() -> None:
    with pytest.raises(InvalidProblem, match="the root app 2 is not among the packages"):
        Problem(root=pkg("app", 2), packages={"app": (Ordinal(1),)})
