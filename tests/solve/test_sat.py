"""The SAT back-end against brute force: resolutions, preferences, installability, cores."""

from __future__ import annotations

import functools
from collections import deque
from collections.abc import Iterable, Mapping, Sequence

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from polypac.calculus import (
    Dependency,
    InvalidProblem,
    Ordinal,
    Package,
    Problem,
    all_resolutions,
    check_resolution,
)
from polypac.solve._cnf import PAIRWISE_LIMIT, encode
from polypac.solve.sat import (
    Requirement,
    SolverName,
    check_installability,
    solve_sat,
    unsat_core,
)
from polypac.version.sets import Bound, VersionSet

SOLVERS: tuple[SolverName, ...] = ("cadical195", "glucose4", "glucose42", "minisat22")
PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

Resolution = frozenset[Package[Ordinal]]


def pkg(name: str, n: int) -> Package[Ordinal]:
    return Package(name, Ordinal(n))


def at_least(n: int) -> VersionSet[Ordinal]:
    return VersionSet.between(Bound(Ordinal(n), True), None)


def exactly(n: int) -> VersionSet[Ordinal]:
    return VersionSet.singleton(Ordinal(n))


def as_packages(answer: Mapping[str, Ordinal]) -> list[Package[Ordinal]]:
    return [Package(name, version) for name, version in answer.items()]


# -- strategies ---------------------------------------------------------------------------


@functools.cache
def bounds(top: int) -> st.SearchStrategy[Bound[Ordinal] | None]:
    """No bound, or an open or closed bound at 0..top+1 (beyond every version)."""
    return st.none() | st.builds(Bound, st.builds(Ordinal, st.integers(0, top + 1)), st.booleans())


def shaped(
    first: VersionSet[Ordinal], second: VersionSet[Ordinal] | None, complement: bool
) -> VersionSet[Ordinal]:
    found = first if second is None else first.union(second)
    return found.complement() if complement else found


@functools.cache
def version_sets(top: int) -> st.SearchStrategy[VersionSet[Ordinal]]:
    """Unions of up to two intervals, sometimes complemented: every shape a range takes."""
    interval = st.builds(VersionSet.between, bounds(top), bounds(top))
    return st.builds(shaped, interval, st.none() | interval, st.booleans())


@st.composite
def core_problems(
    draw: st.DrawFn, names: tuple[int, int] = (3, 5), versions: int = 4
) -> Problem[Ordinal]:
    """A small problem: 3 to 5 names, 1 to 4 versions each, 0 to 2 needs per package.

    A need may name ``ghost``, which has no version at all.
    """
    all_names = [chr(ord("a") + i) for i in range(draw(st.integers(*names)))]
    packages = {
        name: tuple(
            Ordinal(v)
            for v in draw(st.sets(st.integers(1, versions), min_size=1, max_size=versions))
        )
        for name in all_names
    }
    targets = st.sampled_from(all_names) | st.just("ghost")
    needs_of_one = st.lists(st.builds(Dependency, targets, version_sets(versions)), max_size=2)
    dependencies: dict[Package[Ordinal], tuple[Dependency[Ordinal], ...]] = {}
    for name in all_names:
        for version in packages[name]:
            needs = draw(needs_of_one)
            if needs:
                dependencies[Package(name, version)] = tuple(needs)
    root = Package(all_names[0], draw(st.sampled_from(packages[all_names[0]])))
    return Problem(root, packages, dependencies)


# -- brute-force references -----------------------------------------------------------------


def greedy_reference(
    problem: Problem[Ordinal], found: Sequence[Resolution], *, prefer_newest: bool
) -> dict[str, Ordinal] | None:
    """The answer solve_sat promises, computed from the list of every resolution."""
    if not found:
        return None
    chosen = {problem.root.name: problem.root.version}
    frontier = deque([problem.root])
    while frontier:
        for dependency in problem.dependencies_of(frontier.popleft()):
            if dependency.name in chosen:
                continue
            fits = list(problem.matching(dependency))
            for version in reversed(fits) if prefer_newest else fits:
                wanted = {Package(n, v) for n, v in chosen.items()} | {
                    Package(dependency.name, version)
                }
                if any(wanted <= resolution for resolution in found):
                    break
            else:
                raise AssertionError("the reference lost every resolution")
            chosen[dependency.name] = version
            frontier.append(Package(dependency.name, version))
    return chosen


def rerooted(problem: Problem[Ordinal], root: Package[Ordinal]) -> Problem[Ordinal]:
    return Problem(root, problem.packages, problem.dependencies)


def resolvable(problem: Problem[Ordinal]) -> bool:
    return next(all_resolutions(problem), None) is not None


def only(problem: Problem[Ordinal], kept: Iterable[Requirement[Ordinal]]) -> Problem[Ordinal]:
    """The problem with only the requirements ``kept``."""
    dependencies: dict[Package[Ordinal], tuple[Dependency[Ordinal], ...]] = {}
    for requirement in kept:
        dependencies[requirement.package] = (
            *dependencies.get(requirement.package, ()),
            requirement.dependency,
        )
    return Problem(problem.root, problem.packages, dependencies)


# -- properties -------------------------------------------------------------------------------


def closed_sets(problem: Problem[Ordinal]) -> list[Resolution]:
    """Every set that is a resolution for each root it holds, by brute force.

    A virtual root that needs nothing is added; its resolutions are exactly the virtual
    root plus such a set. So a package is in some resolution of the problem re-rooted at
    it iff it is in one of these sets, and the resolutions of ``problem`` are those that
    hold its root. One enumeration serves every root.
    """
    virtual = Package("virtual-root", Ordinal(0))
    everything = Problem(
        virtual, {**problem.packages, virtual.name: (virtual.version,)}, problem.dependencies
    )
    return [resolution - {virtual} for resolution in all_resolutions(everything)]


@PROPERTY
@given(core_problems(), st.booleans(), st.sampled_from(SOLVERS))
def test_sat_agrees_with_brute_force(
    problem: Problem[Ordinal], prefer_newest: bool, solver: SolverName
) -> None:
    closed = closed_sets(problem)
    found = [resolution for resolution in closed if problem.root in resolution]

    answer = solve_sat(problem, prefer_newest=prefer_newest, solver=solver)
    assert (answer is not None) == bool(found)
    assert answer == greedy_reference(problem, found, prefer_newest=prefer_newest)
    if answer is not None:
        chosen = frozenset(as_packages(answer))
        assert check_resolution(problem, chosen) == []
        assert not any(smaller < chosen for smaller in found)  # a minimal resolution

    everything = solve_sat(problem, minimal=False, solver=solver)
    assert (everything is not None) == bool(found)
    if everything is not None:
        assert check_resolution(problem, as_packages(everything)) == []

    report = check_installability(problem.packages, problem.dependencies, solver=solver)
    assert report.verdicts == {
        package: any(package in resolution for resolution in closed)
        for package in problem.all_packages()
    }


@settings(max_examples=60, deadline=None)
@given(core_problems())
def test_installability_is_rerooted_resolvability(problem: Problem[Ordinal]) -> None:
    report = check_installability(problem.packages, problem.dependencies)
    assert set(report.verdicts) == set(problem.all_packages())
    for package, installable in report.verdicts.items():
        assert installable == resolvable(rerooted(problem, package)), package


@settings(max_examples=60, deadline=None)
@given(core_problems(names=(2, 3), versions=PAIRWISE_LIMIT + 3), st.booleans())
def test_many_versions_use_the_counter_encoding_and_agree(
    problem: Problem[Ordinal], prefer_newest: bool
) -> None:
    closed = closed_sets(problem)
    found = [resolution for resolution in closed if problem.root in resolution]
    answer = solve_sat(problem, prefer_newest=prefer_newest)
    assert answer == greedy_reference(problem, found, prefer_newest=prefer_newest)
    report = check_installability(problem.packages, problem.dependencies)
    for package, installable in report.verdicts.items():
        assert installable == any(package in resolution for resolution in closed), package


@settings(max_examples=150, deadline=None)
@given(core_problems(), st.sampled_from(SOLVERS))
def test_unsat_core_is_a_minimal_conflict(problem: Problem[Ordinal], solver: SolverName) -> None:
    core = unsat_core(problem, solver=solver)
    if resolvable(problem):
        assert core is None
        return
    assert core
    assert len(set(core)) == len(core)
    assert all(r.dependency in problem.dependencies_of(r.package) for r in core)
    assert not resolvable(only(problem, core))
    for requirement in core:
        assert resolvable(only(problem, [r for r in core if r != requirement])), requirement
    raw = unsat_core(problem, minimize=False, solver=solver)
    assert raw is not None
    assert not resolvable(only(problem, raw))
    assert set(core) <= set(raw)


# -- cases worked by hand ---------------------------------------------------------------------

# app 1 needs a >= 2 and b; a 2 needs c = 1, a 3 needs c = 2; b 1 needs c = 1; c has 1 and 2.
DIAMOND = Problem(
    root=pkg("app", 1),
    packages={
        "app": (Ordinal(1),),
        "a": (Ordinal(2), Ordinal(3)),
        "b": (Ordinal(1),),
        "c": (Ordinal(1), Ordinal(2)),
        "unused": (Ordinal(1),),
    },
    dependencies={
        pkg("app", 1): (Dependency("a", at_least(2)), Dependency("b", VersionSet.full())),
        pkg("a", 2): (Dependency("c", exactly(1)),),
        pkg("a", 3): (Dependency("c", exactly(2)),),
        pkg("b", 1): (Dependency("c", exactly(1)),),
    },
)


@pytest.mark.parametrize("solver", SOLVERS)
def test_diamond_backs_off_from_the_newest_a(solver: SolverName) -> None:
    # a 3 is newest, but it needs c 2 while b needs c 1
    answer = solve_sat(DIAMOND, solver=solver)
    assert answer == {"app": Ordinal(1), "a": Ordinal(2), "b": Ordinal(1), "c": Ordinal(1)}
    assert list(answer) == ["app", "a", "b", "c"]  # breadth first, in dependency order


def test_oldest_first_takes_the_oldest_that_fits() -> None:
    problem = Problem(
        root=pkg("app", 1),
        packages={"app": (Ordinal(1),), "lib": (Ordinal(1), Ordinal(2), Ordinal(3))},
        dependencies={pkg("app", 1): (Dependency("lib", at_least(2)),)},
    )
    assert solve_sat(problem) == {"app": Ordinal(1), "lib": Ordinal(3)}
    assert solve_sat(problem, prefer_newest=False) == {"app": Ordinal(1), "lib": Ordinal(2)}


def test_answer_does_not_depend_on_the_order_of_names() -> None:
    reordered = Problem(
        DIAMOND.root, dict(reversed(list(DIAMOND.packages.items()))), DIAMOND.dependencies
    )
    assert solve_sat(reordered) == solve_sat(DIAMOND)


def test_need_with_no_version_makes_the_root_unresolvable() -> None:
    problem = Problem(
        root=pkg("app", 1),
        packages={"app": (Ordinal(1),), "a": (Ordinal(1),)},
        dependencies={pkg("app", 1): (Dependency("a", at_least(2)), Dependency("a", at_least(1)))},
    )
    assert solve_sat(problem) is None
    core = unsat_core(problem)
    assert core == (Requirement(pkg("app", 1), Dependency("a", at_least(2))),)
    assert [str(r) for r in core] == ["app 1 needs a"]


def test_core_of_a_three_way_conflict_names_every_link() -> None:
    problem = Problem(
        root=pkg("app", 1),
        packages={
            "app": (Ordinal(1),),
            "a": (Ordinal(1),),
            "b": (Ordinal(1),),
            "c": (Ordinal(1), Ordinal(2)),
        },
        dependencies={
            pkg("app", 1): (Dependency("a", VersionSet.full()), Dependency("b", VersionSet.full())),
            pkg("a", 1): (Dependency("c", exactly(1)),),
            pkg("b", 1): (Dependency("c", exactly(2)),),
        },
    )
    core = unsat_core(problem)
    assert core is not None
    # in the order of the problem's dependencies
    assert [str(r) for r in core] == [
        "app 1 needs a",
        "app 1 needs b",
        "a 1 needs c",
        "b 1 needs c",
    ]
    assert unsat_core(DIAMOND) is None


def test_installability_of_a_repository() -> None:
    report = check_installability(DIAMOND.packages, DIAMOND.dependencies)
    # a 3 needs c 2, which nothing forbids on its own; app needs a >= 2 and b, so it backs off
    assert report.uninstallable() == []
    broken = dict(DIAMOND.dependencies)
    broken[pkg("c", 2)] = (Dependency("ghost", VersionSet.full()),)
    report = check_installability(DIAMOND.packages, broken)
    assert report.uninstallable() == [pkg("a", 3), pkg("c", 2)]
    # each satisfiable call settles some package, and one call refutes all that are left
    assert report.solver_calls <= len(report.installable()) + 1


def test_installability_of_chosen_candidates() -> None:
    report = check_installability(
        DIAMOND.packages, DIAMOND.dependencies, [pkg("c", 1), pkg("a", 9), pkg("c", 1)]
    )
    assert report.verdicts == {pkg("c", 1): True, pkg("a", 9): False}


def test_installability_rejects_a_dependent_that_does_not_exist() -> None:
    with pytest.raises(InvalidProblem, match=r"^x 1 has dependencies but does not exist$"):
        check_installability(
            {"a": [Ordinal(1)]}, {pkg("x", 1): (Dependency("a", VersionSet.full()),)}
        )


def test_large_groups_take_the_sequential_counter() -> None:
    small = encode({"a": [Ordinal(v) for v in range(PAIRWISE_LIMIT)]}, {})
    large = encode({"a": [Ordinal(v) for v in range(PAIRWISE_LIMIT + 5)]}, {})
    assert small.top == PAIRWISE_LIMIT
    assert len(small.clauses) == PAIRWISE_LIMIT * (PAIRWISE_LIMIT - 1) // 2
    n = PAIRWISE_LIMIT + 5
    assert large.top > n  # auxiliary variables
    assert len(large.clauses) < n * (n - 1) // 2
