"""The words of explanations: exact text for each shape of failure, checked by reading."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from polypac.calculus import Dependency, Ordinal, Package, Problem
from polypac.solve import (
    DependsOn,
    Derived,
    External,
    NoVersions,
    ProblemProvider,
    Resolution,
    Term,
    Terms,
    Unsatisfiable,
    collapse_no_versions,
    explain,
    readable_versions,
    solve,
)
from polypac.version.sets import Bound, VersionSet

ANY: VersionSet[Ordinal] = VersionSet.full()


def at_least(n: int) -> VersionSet[Ordinal]:
    return VersionSet.between(Bound(Ordinal(n), True), None)


def below(n: int) -> VersionSet[Ordinal]:
    return VersionSet.between(None, Bound(Ordinal(n), False))


def exactly(n: int) -> VersionSet[Ordinal]:
    return VersionSet.singleton(Ordinal(n))


def failure(
    packages: dict[str, list[int]],
    dependencies: dict[tuple[str, int], list[tuple[str, VersionSet[Ordinal]]]],
) -> Unsatisfiable[Ordinal]:
    root = Package("app", Ordinal(1))
    problem = Problem(
        root,
        {name: tuple(Ordinal(v) for v in vs) for name, vs in packages.items()},
        {
            Package(name, Ordinal(v)): tuple(Dependency(n, s) for n, s in deps)
            for (name, v), deps in dependencies.items()
        },
    )
    result = solve(ProblemProvider(problem), root)
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
    # Without folding "no versions" facts, each step is said in full.
    assert explain(result, collapse=False) == (
        "Because a 1 depends on b 1 and no version of a satisfies <1 | >1, "
        "every version of a requires b 1.\n"
        "And because b 1 depends on c 2, every version of a requires c 2.\n"
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
        "Because every version of left depends on shared >=2 and right 1 depends on "
        "shared <2, every version of left is incompatible with right 1.\n"
        "And because no version of right satisfies <1 | >1, every version of left is "
        "incompatible with every version of right.\n"
        "So, because app depends on both left and right, version solving failed."
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
    assert explain(result) == (
        "    Because foo 1 depends on a which depends on b 2, foo 1 requires b 2.\n"
        "(1) So, because foo 1 depends on b 1 and no version of foo satisfies "
        "<1 | >1, <2 | >2, foo <2 | >2 cannot be installed.\n"
        "\n"
        "    Because foo 2 depends on x which depends on y 2, foo 2 requires y 2.\n"
        "    And because foo 2 depends on y 1, foo 2 cannot be installed.\n"
        "    And because foo <2 | >2 cannot be installed (1), foo cannot be installed.\n"
        "    So, because app depends on foo, version solving failed."
    )


def test_a_deep_chain_is_explained_without_recursion() -> None:
    depth = 3000
    packages = {"app": [1], **{f"p{i}": [1] for i in range(depth)}}
    dependencies = {("app", 1): [("p0", ANY)]}
    dependencies.update({(f"p{i}", 1): [(f"p{i + 1}", ANY)] for i in range(depth - 1)})
    dependencies[(f"p{depth - 1}", 1)] = [("ghost", ANY)]
    text = explain(failure(packages, dependencies))
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


def test_readable_versions_speaks_of_releases() -> None:
    one, two, two_pre = Tag(1), Tag(2), Tag(2, pre=True)
    releases_only = VersionSet.between(Bound(one, True), Bound(two, False), prereleases=False)
    assert readable_versions(releases_only) == ">=1, <2"
    assert readable_versions(VersionSet.singleton(two_pre)) == "pre-releases 2-pre"


def test_resolution_is_not_an_explanation() -> None:
    root = Package("app", Ordinal(1))
    problem = Problem(root, {"app": (Ordinal(1),)})
    assert isinstance(solve(ProblemProvider(problem), root), Resolution)
