"""The words of explanations: exact text for each shape of failure, checked by reading."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pytest

from polypac.calculus import Dependency, Ordinal, Package, Problem
from polypac.pac import parse_pac
from polypac.solve import (
    Available,
    DependsOn,
    Derived,
    External,
    NoVersions,
    ProblemProvider,
    Resolution,
    Term,
    Terms,
    Unavailable,
    Unsatisfiable,
    collapse_no_versions,
    explain,
    readable_versions,
    solve,
)
from polypac.solve.explain import simplest_form
from polypac.solve.extended import ExtendedFailure, solve_extended
from polypac.version.sets import Bound, VersionSet

ANY: VersionSet[Ordinal] = VersionSet.full()


def at_least(n: int) -> VersionSet[Ordinal]:
    return VersionSet.between(Bound(Ordinal(n), True), None)


def below(n: int) -> VersionSet[Ordinal]:
    return VersionSet.between(None, Bound(Ordinal(n), False))


def exactly(n: int) -> VersionSet[Ordinal]:
    return VersionSet.singleton(Ordinal(n))


class UnlistedProvider:
    """A problem's provider that cannot list versions: the solver states each dependency
    of the versions it tried, and nothing about the gaps around them."""

    def __init__(self, problem: Problem[Ordinal]) -> None:
        self.inner = ProblemProvider(problem)

    def prioritize(self, name: str, versions: VersionSet[Ordinal]) -> int:
        return self.inner.prioritize(name, versions)

    def choose_version(self, name: str, versions: VersionSet[Ordinal]) -> Ordinal | None:
        return self.inner.choose_version(name, versions)

    def get_dependencies(self, package: Package[Ordinal]) -> Available[Ordinal] | Unavailable:
        return self.inner.get_dependencies(package)

    def should_cancel(self) -> bool:
        return False


def problem_of(
    packages: dict[str, list[int]],
    dependencies: dict[tuple[str, int], list[tuple[str, VersionSet[Ordinal]]]],
) -> Problem[Ordinal]:
    return Problem(
        Package("app", Ordinal(1)),
        {name: tuple(Ordinal(v) for v in vs) for name, vs in packages.items()},
        {
            Package(name, Ordinal(v)): tuple(Dependency(n, s) for n, s in deps)
            for (name, v), deps in dependencies.items()
        },
    )


def failure(
    packages: dict[str, list[int]],
    dependencies: dict[tuple[str, int], list[tuple[str, VersionSet[Ordinal]]]],
    *,
    listed: bool = True,
) -> Unsatisfiable[Ordinal]:
    problem = problem_of(packages, dependencies)
    provider = ProblemProvider(problem) if listed else UnlistedProvider(problem)
    result = solve(provider, problem.root)
    assert isinstance(result, Unsatisfiable)
    return result


# -- shapes of failure, from solving -------------------------------------------------------


def test_no_version_in_the_set() -> None:
    result = failure({"app": [1], "lib": [1]}, {("app", 1): [("lib", at_least(2))]})
    assert explain(result) == (
        "Because app depends on lib >=2 and no version of lib satisfies >=2, "
        "version solving failed."
    )


def test_a_dependency_that_cannot_be_met() -> None:
    result = failure(
        {"app": [1], "a": [1], "b": [1]},
        {("app", 1): [("a", ANY)], ("a", 1): [("b", at_least(2))]},
    )
    assert explain(result) == (
        "Because every version of a depends on b >=2 and no version of b satisfies >=2, "
        "a cannot be installed.\n"
        "So, because app depends on a, version solving failed."
    )


def test_a_linear_chain() -> None:
    result = failure(
        {"app": [1], "a": [1], "b": [1], "c": [1, 2]},
        {
            ("app", 1): [("a", ANY), ("c", exactly(1))],
            ("a", 1): [("b", exactly(1))],
            ("b", 1): [("c", exactly(2))],
        },
    )
    assert explain(result) == (
        "Because every version of a depends on b 1 which depends on c 2, "
        "every version of a requires c 2.\n"
        "So, because app depends on both a and c 1, version solving failed."
    )

    # A provider that cannot list versions makes the solver learn "no other version of a"
    # as a fact of its own; without folding "no versions" facts, each step is said in full.
    unlisted = failure(
        {"app": [1], "a": [1], "b": [1], "c": [1, 2]},
        {
            ("app", 1): [("a", ANY), ("c", exactly(1))],
            ("a", 1): [("b", exactly(1))],
            ("b", 1): [("c", exactly(2))],
        },
        listed=False,
    )
    assert explain(unlisted, collapse=False) == (
        "Because a 1 depends on b 1 and no version of a satisfies <1 | >1, "
        "every version of a requires b 1.\n"
        "And because b 1 depends on c 2, every version of a requires c 2.\n"
        "So, because app depends on both a and c 1, version solving failed."
    )
    assert explain(unlisted) == explain(result)  # folding says the same as listing


def test_known_versions_word_a_set_that_holds_them_all_as_every_version() -> None:
    dependencies: dict[tuple[str, int], list[tuple[str, VersionSet[Ordinal]]]] = {
        ("app", 1): [("a", ANY), ("c", exactly(1))],
        ("a", 1): [("b", exactly(1))],
        ("b", 1): [("c", exactly(2))],
    }
    packages = {"app": [1], "a": [1], "b": [1], "c": [1, 2]}
    unlisted = failure(packages, dependencies, listed=False)
    problem = problem_of(packages, dependencies)
    # "b 1" is every version of b there is; "no version of a satisfies" stays as found.
    assert explain(unlisted, collapse=False, versions=problem.versions_of) == (
        "Because every version of a depends on b 1 and no version of a satisfies <1 | >1, "
        "every version of a requires b 1.\n"
        "And because every version of b depends on c 2, every version of a requires c 2.\n"
        "So, because app depends on both a and c 1, version solving failed."
    )


def test_conflicting_dependencies_from_two_branches() -> None:
    result = failure(
        {"app": [1], "left": [1], "right": [1], "shared": [1, 2]},
        {
            ("app", 1): [("left", ANY), ("right", ANY)],
            ("left", 1): [("shared", at_least(2))],
            ("right", 1): [("shared", below(2))],
        },
    )
    assert explain(result) == (
        "Because every version of left depends on shared >=2 and every version of right "
        "depends on shared <2, left is incompatible with right.\n"
        "So, because app depends on both left and right, version solving failed."
    )


SHARED_BY_SEVERAL_VERSIONS = """\
scheme npm
root app 1.0.0

package app 1.0.0
  depends left ^1.0.0
  depends right ^1.0.0

package left 1.0.0, 1.1.0
  depends shared ^1.0.0

package right 1.0.0
  depends shared ^2.0.0

package shared 1.4.0, 2.1.0
"""


def test_a_dependency_shared_by_several_versions_is_said_once() -> None:
    # Before: "left 1.0.0 | 1.1.0 depends on shared ..." and a line on the missing
    # versions of left between and around them.
    answer = solve_extended(parse_pac(SHARED_BY_SEVERAL_VERSIONS).problem)
    assert isinstance(answer, ExtendedFailure)
    assert answer.explain() == (
        "Because every version of right depends on shared >=2.0.0, <3.0.0 and every version "
        "of left depends on shared >=1.0.0, <2.0.0, right is incompatible with left.\n"
        "So, because app depends on both left >=1.0.0, <2.0.0 and right >=1.0.0, <2.0.0, "
        "version solving failed."
    )


def test_a_shared_derivation_is_numbered_and_referred_to() -> None:
    # Both versions of foo fail, each for its own reason; the first is numbered (1).
    result = failure(
        {"app": [1], "foo": [1, 2], "a": [1], "b": [1, 2], "x": [1], "y": [1, 2]},
        {
            ("app", 1): [("foo", ANY)],
            ("foo", 1): [("a", ANY), ("b", exactly(1))],
            ("foo", 2): [("x", ANY), ("y", exactly(1))],
            ("a", 1): [("b", exactly(2))],
            ("x", 1): [("y", exactly(2))],
        },
    )
    # Each version of foo stands for the gap around it: foo 1 for <2, foo 2 for >=2.
    assert explain(result) == (
        "    Because foo <2 depends on a which depends on b 2, foo <2 requires b 2.\n"
        "(1) So, because foo <2 depends on b 1, foo <2 cannot be installed.\n"
        "\n"
        "    Because foo >=2 depends on x which depends on y 2, foo >=2 requires y 2.\n"
        "    And because foo >=2 depends on y 1, foo >=2 cannot be installed.\n"
        "    And because foo <2 cannot be installed (1), foo cannot be installed.\n"
        "    So, because app depends on foo, version solving failed."
    )


def test_a_deep_chain_is_explained_without_recursion() -> None:
    depth = 3000
    packages = {"app": [1], **{f"p{i}": [1] for i in range(depth)}}
    dependencies = {("app", 1): [("p0", ANY)]}
    dependencies.update({(f"p{i}", 1): [(f"p{i + 1}", ANY)] for i in range(depth - 1)})
    dependencies[(f"p{depth - 1}", 1)] = [("ghost", ANY)]
    # Listing versions, every fact is about every version: two steps to a line.
    lines = explain(failure(packages, dependencies)).splitlines()
    assert lines[0] == (
        "Because every version of p0 depends on p1 which depends on p2, "
        "every version of p0 requires p2."
    )
    assert lines[750] == (
        "And because every version of p1500 depends on p1501 which depends on p1502, "
        "every version of p0 requires p1502."
    )
    assert lines[-1] == (
        "So, because app depends on p0 and no version of ghost exists, version solving failed."
    )
    assert len(lines) == depth // 2 + 1
    # Not listing them, the solver learns that each has no other version: a line a step.
    text = explain(failure(packages, dependencies, listed=False))
    lines = text.splitlines()
    assert lines[0] == (
        "Because every version of p0 depends on p1 and no version of p1 satisfies <1 | >1, "
        "every version of p0 requires p1 1."
    )
    assert lines[1500] == (
        "And because p1500 1 depends on p1501 and no version of p1500 satisfies <1 | >1, "
        "every version of p0 requires p1501."
    )
    assert lines[-1] == (
        "So, because app depends on p0 and no version of ghost exists, version solving failed."
    )
    assert len(lines) == depth + 1


def test_versions_render_through_the_function_given() -> None:
    result = failure({"app": [1], "lib": [1]}, {("app", 1): [("lib", at_least(2))]})

    def npm_like(versions: VersionSet[Ordinal]) -> str:
        return readable_versions(versions).replace(", ", " ")

    assert explain(result, render_versions=lambda vs: f"in {{{readable_versions(vs)}}}") == (
        "Because app depends on lib in {>=2} and no version of lib satisfies in {>=2}, "
        "version solving failed."
    )
    assert npm_like(VersionSet.between(Bound(Ordinal(1), True), Bound(Ordinal(2), False))) == (
        ">=1 <2"
    )


# -- shapes the search rarely produces, from trees built by hand -------------------------
# These trees are built only to exercise the writer; their facts are placeholders.


def _fact(name: str) -> External[Ordinal]:
    return NoVersions(name, ANY)


def _root_terms() -> Terms[Ordinal]:
    return (("app", Term.positive(exactly(1))),)


def _explain_tree(tree: Derived[Ordinal]) -> str:
    return explain(Unsatisfiable(Package("app", Ordinal(1)), tree), collapse=False)


def test_thus_joins_a_one_line_derivation_to_the_one_before() -> None:
    app_needs_a = Derived(
        (("app", Term.positive(exactly(1))), ("a", Term.negative(ANY))),
        DependsOn("app", exactly(1), "x", ANY),
        DependsOn("x", ANY, "a", ANY),
    )
    a_fails = Derived(
        (("a", Term.positive(ANY)),), DependsOn("a", ANY, "b", at_least(2)), _fact("b")
    )
    tree = Derived(_root_terms(), app_needs_a, a_fails)
    assert _explain_tree(tree) == (
        "Because app depends on x which depends on a, app requires a.\n"
        "Because every version of a depends on b >=2 and no version of b exists, "
        "a cannot be installed.\n"
        "Thus, version solving failed."
    )


def test_two_numbered_derivations_are_referred_to_together() -> None:
    a_fails = Derived((("a", Term.positive(ANY)),), _fact("a1"), _fact("a2"), shared_id=1)
    b_fails = Derived((("b", Term.positive(ANY)),), _fact("b1"), _fact("b2"), shared_id=2)
    c_fails = Derived((("c", Term.positive(ANY)),), a_fails, b_fails)
    d_fails = Derived((("d", Term.positive(ANY)),), a_fails, b_fails)
    tree = Derived(_root_terms(), c_fails, d_fails)
    assert _explain_tree(tree) == (
        "(1) Because no version of a1 exists and no version of a2 exists, "
        "a cannot be installed.\n"
        "(2) Because no version of b1 exists and no version of b2 exists, "
        "b cannot be installed.\n"
        "(3) Thus, c cannot be installed.\n"
        "\n"
        "    Because a cannot be installed (1) and b cannot be installed (2), "
        "d cannot be installed.\n"
        "    So, because c cannot be installed (3), version solving failed."
    )


A1 = ("a", Term.positive(exactly(1)))
B2 = ("b", Term.positive(exactly(2)))
C3 = ("c", Term.positive(exactly(3)))


def _not(term: tuple[str, Term[Ordinal]]) -> tuple[str, Term[Ordinal]]:
    return term[0], term[1].negate()


@pytest.mark.parametrize(
    ("terms", "clause"),
    [
        pytest.param((A1,), "a 1 cannot be installed", id="forbidden"),
        pytest.param((("a", Term.positive(ANY)),), "a cannot be installed", id="forbidden-all"),
        pytest.param((("a", Term.negative(at_least(2))),), "a >=2 is required", id="required"),
        pytest.param((A1, _not(B2)), "a 1 requires b 2", id="requires"),
        pytest.param(
            (("a", Term.positive(ANY)), _not(B2)), "every version of a requires b 2", id="every"
        ),
        pytest.param(
            (("app", Term.positive(exactly(1))), ("b", Term.negative(ANY))),
            "app requires b",
            id="root-requires",
        ),
        pytest.param((A1, B2), "a 1 is incompatible with b 2", id="incompatible"),
        pytest.param((A1, B2, C3), "a 1, b 2 and c 3 are incompatible", id="three"),
        pytest.param((_not(A1), _not(B2)), "at least one of a 1 or b 2 is required", id="one-of"),
        pytest.param((A1, B2, _not(C3)), "a 1 and b 2 together require c 3", id="together"),
        pytest.param((A1, _not(B2), _not(C3)), "a 1 requires b 2 or c 3", id="either"),
    ],
)
def test_what_an_incompatibility_says(terms: Terms[Ordinal], clause: str) -> None:
    inner = Derived(terms, _fact("x"), _fact("y"))
    tree = Derived(_root_terms(), inner, _fact("z"))
    first_line = _explain_tree(tree).splitlines()[0]
    assert first_line == (f"Because no version of x exists and no version of y exists, {clause}.")


def test_folding_keeps_every_fact_true_and_shared_nodes_shared() -> None:
    result = failure(
        {"app": [1], "foo": [1, 2], "a": [1], "b": [1, 2], "x": [1], "y": [1, 2]},
        {
            ("app", 1): [("foo", ANY)],
            ("foo", 1): [("a", ANY), ("b", exactly(1))],
            ("foo", 2): [("x", ANY), ("y", exactly(1))],
            ("a", 1): [("b", exactly(2))],
            ("x", 1): [("y", exactly(2))],
        },
    )
    folded = collapse_no_versions(result.derivation)
    assert isinstance(folded, Derived)
    assert folded.terms == result.derivation.terms
    assert collapse_no_versions(folded) is folded  # nothing left to fold


# -- version sets in words -------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Tag:
    """A version with pre-releases, to see how sets that treat them apart are worded."""

    number: int
    pre: bool = False

    @property
    def is_prerelease(self) -> bool:
        return self.pre

    def __str__(self) -> str:
        return f"{self.number}{'-pre' if self.pre else ''}"


@pytest.mark.parametrize(
    ("versions", "words"),
    [
        pytest.param(ANY, "any version", id="full"),
        pytest.param(VersionSet.empty(), "<none>", id="empty"),
        pytest.param(exactly(3), "3", id="one"),
        pytest.param(at_least(1), ">=1", id="at-least"),
        pytest.param(VersionSet.between(Bound(Ordinal(1), False), None), ">1", id="above"),
        pytest.param(VersionSet.between(None, Bound(Ordinal(2), True)), "<=2", id="at-most"),
        pytest.param(
            VersionSet.between(Bound(Ordinal(1), True), Bound(Ordinal(2), False)),
            ">=1, <2",
            id="interval",
        ),
        pytest.param(below(1).union(at_least(3)), "<1 | >=3", id="union"),
        pytest.param(exactly(2).complement(), "<2 | >2", id="all-but-one"),
    ],
)
def test_readable_versions(versions: VersionSet[Ordinal], words: str) -> None:
    assert readable_versions(versions) == words


@pytest.mark.parametrize(
    ("versions", "existing", "words"),
    [
        pytest.param(exactly(1).union(exactly(2)), [1, 2, 3], ">=1, <=2", id="two-in-a-row"),
        pytest.param(exactly(1).union(exactly(3)), [1, 2, 3], "1 | 3", id="a-real-gap"),
        pytest.param(exactly(1).union(exactly(3)), [1, 3], ">=1, <=3", id="an-empty-gap"),
        pytest.param(below(2).union(at_least(4)), [1, 3, 5], "<2 | >=4", id="gap-with-a-version"),
        pytest.param(below(2).union(at_least(4)), [1, 5], "any version", id="gap-bridged"),
        pytest.param(exactly(2).complement(), [2, 3], "<2 | >2", id="all-but-one-that-exists"),
        pytest.param(exactly(4).union(exactly(6)), [1, 2], "4 | 6", id="none-that-exist"),
    ],
)
def test_simplest_form_fills_gaps_with_no_version(
    versions: VersionSet[Ordinal], existing: list[int], words: str
) -> None:
    known: Sequence[Ordinal] = [Ordinal(v) for v in existing]
    simplest = simplest_form(versions, known)
    assert readable_versions(simplest) == words
    for version in known:  # the same versions that exist, worded more simply
        assert simplest.contains(version) == versions.contains(version)


def test_readable_versions_speaks_of_releases() -> None:
    one, two, two_pre = Tag(1), Tag(2), Tag(2, pre=True)
    releases_only = VersionSet.between(Bound(one, True), Bound(two, False), prereleases=False)
    assert readable_versions(releases_only) == ">=1, <2"
    assert readable_versions(VersionSet.singleton(two_pre)) == "pre-releases 2-pre"


def test_resolution_is_not_an_explanation() -> None:
    root = Package("app", Ordinal(1))
    problem = Problem(root, {"app": (Ordinal(1),)})
    assert isinstance(solve(ProblemProvider(problem), root), Resolution)


def test_simplest_form_drops_pre_releases_when_none_exists() -> None:
    one, two, three = Tag(1), Tag(2), Tag(3)
    everything = VersionSet.between(Bound(one, True), Bound(three, False))
    assert not everything.prereleases.is_empty()
    released = simplest_form(everything, [one, two, three])
    assert released.prereleases.is_empty()
    assert readable_versions(released) == ">=1, <3"
    kept = simplest_form(everything, [one, Tag(2, pre=True), three])
    assert kept.contains(Tag(2, pre=True))
