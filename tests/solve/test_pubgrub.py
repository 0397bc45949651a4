"""PubGrub against brute force, the independent checker, and the provider contract."""

from __future__ import annotations

import random
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polypac.calculus import (
    Dependency,
    Ordinal,
    Package,
    Problem,
    all_resolutions,
    check_resolution,
)
from polypac.errors import PolypacError
from polypac.solve import (
    Available,
    PackageUnavailable,
    ProblemProvider,
    ProviderError,
    Reporter,
    Resolution,
    ResolutionCancelled,
    Unavailable,
    Unsatisfiable,
    collapse_no_versions,
    explain,
    solve,
)
from polypac.version.sets import Bound, VersionSet
from tests.solve.problems import derivation_errors, nodes, problems


def at_least(n: int) -> VersionSet[Ordinal]:
    return VersionSet.between(Bound(Ordinal(n), True), None)


def exactly(n: int) -> VersionSet[Ordinal]:
    return VersionSet.singleton(Ordinal(n))


def pkg(name: str, n: int) -> Package[Ordinal]:
    return Package(name, Ordinal(n))


def make(
    packages: dict[str, list[int]],
    dependencies: dict[tuple[str, int], list[tuple[str, VersionSet[Ordinal]]]],
    root: tuple[str, int] = ("app", 1),
) -> Problem[Ordinal]:
    return Problem(
        pkg(*root),
        {name: tuple(Ordinal(v) for v in vs) for name, vs in packages.items()},
        {pkg(*p): tuple(Dependency(n, s) for n, s in deps) for p, deps in dependencies.items()},
    )


def run(problem: Problem[Ordinal]) -> Resolution[Ordinal] | Unsatisfiable[Ordinal]:
    return solve(ProblemProvider(problem), problem.root)


def selected(problem: Problem[Ordinal]) -> dict[str, int]:
    result = run(problem)
    assert isinstance(result, Resolution), explain(result)
    return {name: version.value for name, version in result.selected.items()}


# -- brute force is the yardstick ----------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(problems())
def test_solver_agrees_with_brute_force(problem: Problem[Ordinal]) -> None:
    result = run(problem)
    exists = next(iter(all_resolutions(problem)), None) is not None
    if isinstance(result, Resolution):
        assert check_resolution(problem, result.packages()) == []
        assert result.root == problem.root
    else:
        assert not exists, "the solver gave up on a problem that has a resolution"
        assert derivation_errors(problem, result.derivation) == []
        assert derivation_errors(problem, collapse_no_versions(result.derivation)) == []
        assert explain(result).endswith("version solving failed.")


@settings(max_examples=60, deadline=None)
@given(problems(), st.randoms(use_true_random=False))
def test_answer_does_not_depend_on_dict_order(
    problem: Problem[Ordinal], shuffler: random.Random
) -> None:
    names = list(problem.packages)
    shuffler.shuffle(names)
    keys = list(problem.dependencies)
    shuffler.shuffle(keys)
    shuffled = Problem(
        problem.root,
        {name: tuple(reversed(problem.packages[name])) for name in names},
        {key: problem.dependencies[key] for key in keys},
    )
    first, second = run(problem), run(shuffled)
    if isinstance(first, Resolution):
        assert isinstance(second, Resolution)
        assert list(first.selected.items()) == list(second.selected.items())
    else:
        assert isinstance(second, Unsatisfiable)
        assert explain(first) == explain(second)


# -- known problems ------------------------------------------------------------------------


def test_backtracks_to_the_older_version_that_fits() -> None:
    # app needs a >= 2 and b; a 3 needs c 2, but b needs c 1: a 2 it is.
    problem = make(
        {"app": [1], "a": [2, 3], "b": [1], "c": [1, 2]},
        {
            ("app", 1): [("a", at_least(2)), ("b", VersionSet.full())],
            ("a", 2): [("c", exactly(1))],
            ("a", 3): [("c", exactly(2))],
            ("b", 1): [("c", exactly(1))],
        },
    )
    assert selected(problem) == {"a": 2, "app": 1, "b": 1, "c": 1}


def test_selects_newest_versions_and_only_what_is_needed() -> None:
    problem = make(
        {"app": [1], "lib": [1, 2, 3], "unused": [1]},
        {("app", 1): [("lib", VersionSet.between(None, Bound(Ordinal(3), False)))]},
    )
    assert selected(problem) == {"app": 1, "lib": 2}


def test_two_dependencies_on_one_name_must_both_hold() -> None:
    problem = make(
        {"app": [1], "lib": [1, 2, 3]},
        {
            ("app", 1): [
                ("lib", at_least(2)),
                ("lib", VersionSet.between(None, Bound(Ordinal(2), True))),
            ]
        },
    )
    assert selected(problem) == {"app": 1, "lib": 2}


def test_a_package_may_depend_on_its_own_name() -> None:
    # a 2 needs a 1, which cannot be (one version per name); a 1 needs a 1, which it is.
    problem = make(
        {"app": [1], "a": [1, 2]},
        {
            ("app", 1): [("a", VersionSet.full())],
            ("a", 1): [("a", exactly(1))],
            ("a", 2): [("a", exactly(1))],
        },
    )
    assert selected(problem) == {"a": 1, "app": 1}
    problem = make(
        {"app": [1], "a": [1, 2]},
        {
            ("app", 1): [("a", VersionSet.full())],
            ("a", 1): [("a", exactly(2))],
            ("a", 2): [("a", exactly(1))],
        },
    )
    result = run(problem)
    assert isinstance(result, Unsatisfiable)
    assert explain(result) == (
        "Because a 1 depends on a 2 and no version of a satisfies <1 | >1, <2 | >2, "
        "a <2 | >2 cannot be installed.\n"
        "So, because a 2 depends on a 1 and app depends on a, version solving failed."
    )


def test_a_dependency_on_the_root_name_must_allow_the_root() -> None:
    problem = make(
        {"app": [1, 2], "lib": [1, 2]},
        {("app", 1): [("lib", VersionSet.full())], ("lib", 2): [("app", exactly(2))]},
    )
    assert selected(problem) == {"app": 1, "lib": 1}


def test_a_dependency_on_no_version_forbids_the_depender() -> None:
    problem = make(
        {"app": [1], "lib": [1, 2]},
        {("app", 1): [("lib", VersionSet.full())], ("lib", 2): [("ghost", VersionSet.empty())]},
    )
    assert selected(problem) == {"app": 1, "lib": 1}


def test_a_root_that_does_not_exist_fails_with_its_reason() -> None:
    problem = make({"app": [1]}, {})
    result = solve(ProblemProvider(problem), pkg("app", 2))
    assert isinstance(result, Unsatisfiable)
    assert explain(result) == "Because no version of app satisfies 2, version solving failed."


def test_a_root_that_needs_another_version_of_itself_fails() -> None:
    problem = make({"app": [1, 2]}, {("app", 1): [("app", exactly(2))]})
    result = run(problem)
    assert isinstance(result, Unsatisfiable)
    assert explain(result) == "Because app depends on app 2, version solving failed."


# -- the provider contract -----------------------------------------------------------------


class _Yanked(ProblemProvider[Ordinal]):
    """Withholds the metadata of one package."""

    def __init__(self, problem: Problem[Ordinal], withheld: Package[Ordinal]) -> None:
        super().__init__(problem)
        self.withheld = withheld

    def get_dependencies(self, package: Package[Ordinal]) -> Available[Ordinal] | Unavailable:
        if package == self.withheld:
            return Unavailable("its metadata could not be read")
        return super().get_dependencies(package)


def test_an_unavailable_package_is_avoided_and_then_explained() -> None:
    problem = make({"app": [1], "lib": [1, 2]}, {("app", 1): [("lib", VersionSet.full())]})
    result = solve(_Yanked(problem, pkg("lib", 2)), problem.root)
    assert isinstance(result, Resolution)
    assert result.selected == {"app": Ordinal(1), "lib": Ordinal(1)}

    only = make({"app": [1], "lib": [2]}, {("app", 1): [("lib", VersionSet.full())]})
    failure = solve(_Yanked(only, pkg("lib", 2)), only.root)
    assert isinstance(failure, Unsatisfiable)
    assert any(isinstance(node, PackageUnavailable) for node in nodes(failure.derivation))
    assert explain(failure) == (
        "Because lib 2 is unavailable (its metadata could not be read) and no version of lib "
        "satisfies <2 | >2, lib cannot be installed.\n"
        "So, because app depends on lib, version solving failed."
    )


class _Impatient(ProblemProvider[Ordinal]):
    def __init__(self, problem: Problem[Ordinal], patience: int) -> None:
        super().__init__(problem)
        self.patience = patience

    def should_cancel(self) -> bool:
        self.patience -= 1
        return self.patience < 0


def test_should_cancel_stops_the_solver_with_a_typed_error() -> None:
    problem = make({"app": [1], "lib": [1]}, {("app", 1): [("lib", VersionSet.full())]})
    with pytest.raises(ResolutionCancelled, match=r"^resolution of app 1 was cancelled$") as info:
        solve(_Impatient(problem, 1), problem.root)
    assert isinstance(info.value, PolypacError)
    assert isinstance(solve(_Impatient(problem, 2), problem.root), Resolution)


class _Wayward(ProblemProvider[Ordinal]):
    def choose_version(self, name: str, versions: VersionSet[Ordinal]) -> Ordinal | None:
        return Ordinal(99)


def test_a_provider_choosing_outside_the_set_is_an_error() -> None:
    problem = make({"app": [1]}, {})
    with pytest.raises(
        ProviderError, match=r"^the provider chose app 99, outside the versions asked for$"
    ):
        solve(_Wayward(problem), problem.root)


class _Recorder(Reporter[Ordinal]):
    def __init__(self) -> None:
        self.events: list[str] = []

    def on_decision(self, package: Package[Ordinal], level: int) -> None:
        self.events.append(f"decide {package} @{level}")

    def on_conflict(self, terms: object) -> None:
        self.events.append("conflict")

    def on_backtrack(self, level: int) -> None:
        self.events.append(f"backtrack to {level}")


def test_the_reporter_sees_decisions_conflicts_and_backjumps() -> None:
    problem = make(
        {"app": [1], "a": [1, 2], "c": [1, 2]},
        {("app", 1): [("a", VersionSet.full()), ("c", exactly(1))], ("a", 2): [("c", exactly(2))]},
    )
    recorder = _Recorder()
    result = solve(ProblemProvider(problem), problem.root, reporter=recorder)
    assert isinstance(result, Resolution)
    assert result.selected == {"a": Ordinal(1), "app": Ordinal(1), "c": Ordinal(1)}
    # c has one matching version, so it is decided first; then a 2 is ruled out at once.
    assert recorder.events == ["decide app 1 @1", "decide c 1 @2", "decide a 1 @3"]


# -- other version types -------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Calendar:
    """A version type of our own: year and month, with "rc" months as pre-releases."""

    year: int
    month: int
    rc: bool = False

    @property
    def is_prerelease(self) -> bool:
        return self.rc

    def __str__(self) -> str:
        return f"{self.year}.{self.month:02d}{'rc' if self.rc else ''}"


def test_any_ordered_version_type_works() -> None:
    old, new, candidate = Calendar(2024, 1), Calendar(2025, 6), Calendar(2025, 9, rc=True)
    app = Package("app", old)
    problem = Problem(
        app,
        {"app": (old,), "lib": (old, new, candidate)},
        {app: (Dependency("lib", VersionSet.between(Bound(new, True), None, prereleases=False)),)},
    )
    result = solve(ProblemProvider(problem), app)
    assert isinstance(result, Resolution)
    assert result.selected["lib"] == new


# -- scale -----------------------------------------------------------------------------------


def test_thousands_of_packages_resolve() -> None:
    # 3000 names with 5 versions each, every version needing three names further on: most
    # at a lower bound (as caret ranges do), one in twenty at an upper bound, which forces
    # some backjumping. Every name has a version 1 without upper-bound trouble, so a
    # resolution exists.
    rng = random.Random(7)
    names = [f"p{i:04d}" for i in range(3000)]
    packages = {name: list(range(1, 6)) for name in names}
    dependencies: dict[tuple[str, int], list[tuple[str, VersionSet[Ordinal]]]] = {}
    for i, name in enumerate(names[:-50]):
        for version in range(1, 6):
            needs = []
            for target in rng.sample(names[i + 1 : i + 50], 3):
                if rng.random() < 0.05:
                    needs.append(
                        (target, VersionSet.between(None, Bound(Ordinal(rng.randint(1, 5)), True)))
                    )
                else:
                    needs.append((target, at_least(rng.randint(1, 3))))
            dependencies[(name, version)] = needs
    packages["app"] = [1]
    dependencies[("app", 1)] = [(name, VersionSet.full()) for name in names[:10]]
    problem = make(packages, dependencies)
    result = run(problem)
    assert isinstance(result, Resolution)
    assert check_resolution(problem, result.packages()) == []
    assert len(result.selected) > 2000
