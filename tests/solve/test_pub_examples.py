"""The worked examples of pub's solver write-up (dart-lang/pub ``doc/solver.md``).

Solutions are compared exactly. For failures, pub's words are not ours: we check that our
explanation names the same packages as pub's, and we pin our own text (read and checked by
hand against the example's reasoning).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from polypac.calculus import Dependency, Package, Problem, check_resolution
from polypac.solve import ProblemProvider, Resolution, Unsatisfiable, explain, solve
from polypac.version import get_scheme
from polypac.version.sets import Version
from tests.conftest import load_json

EXAMPLES: list[dict[str, Any]] = load_json(
    "resolver-scenarios", "dart-pub-solver-doc", "solver-examples.json"
)
SEMVER = get_scheme("semver")
NPM = get_scheme("npm")  # parses pub's caret ranges: ^1.0.0 is >=1.0.0 <2.0.0

OUR_EXPLANATIONS = {
    # pub: "Because every version of foo depends on bar ^2.0.0 which depends on baz ^3.0.0,
    # every version of foo requires baz ^3.0.0. So, because root depends on both baz ^1.0.0
    # and foo ^1.0.0, version solving failed."
    "Linear Error Reporting": (
        "Because every version of foo depends on bar >=2.0.0, <3.0.0 which depends on "
        "baz >=3.0.0, <4.0.0, every version of foo requires baz >=3.0.0, <4.0.0.\n"
        "So, because root depends on both foo >=1.0.0, <2.0.0 and baz >=1.0.0, <2.0.0, "
        "version solving failed."
    ),
    # pub splits foo at 1.1.0 the same way ("foo <1.1.0", "foo >=1.1.0").
    "Branching Error Reporting": (
        "    Because foo <1.1.0 depends on a >=1.0.0, <2.0.0 which depends on "
        "b >=2.0.0, <3.0.0, foo <1.1.0 requires b >=2.0.0, <3.0.0.\n"
        "(1) So, because foo <1.1.0 depends on b >=1.0.0, <2.0.0, "
        "foo <1.1.0 cannot be installed.\n"
        "\n"
        "    Because foo >=1.1.0 depends on x >=1.0.0, <2.0.0 which depends on "
        "y >=2.0.0, <3.0.0, foo >=1.1.0 requires y >=2.0.0, <3.0.0.\n"
        "    And because foo >=1.1.0 depends on y >=1.0.0, <2.0.0, foo >=1.1.0 cannot be "
        "installed.\n"
        "    And because foo <1.1.0 cannot be installed (1), foo cannot be installed.\n"
        "    So, because root depends on foo >=1.0.0, <2.0.0, version solving failed."
    ),
}


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


def _problem(example: dict[str, Any]) -> Problem[Version]:
    root = Package("root", SEMVER.parse_version("1.0.0"))
    packages = {"root": (root.version,)}
    dependencies = {
        root: tuple(
            Dependency(name, NPM.parse_range(text))
            for name, text in example["root_dependencies"].items()
        )
    }
    for name, versions in example["packages"].items():
        packages[name] = tuple(SEMVER.parse_version(v) for v in versions)
        for version, needs in versions.items():
            dependencies[Package(name, SEMVER.parse_version(version))] = tuple(
                Dependency(other, NPM.parse_range(text)) for other, text in needs.items()
            )
    return Problem(root, packages, dependencies)


def _cases(satisfiable: bool) -> list[Any]:
    return [
        pytest.param(example, id=_slug(example["title"]))
        for example in EXAMPLES
        if example["expected"]["satisfiable"] is satisfiable
    ]


def test_the_anchor_has_the_six_examples() -> None:
    assert len(_cases(True)) == 4
    assert len(_cases(False)) == 2


@pytest.mark.parametrize("example", _cases(True))
def test_solvable_example_gets_pubs_solution(example: dict[str, Any]) -> None:
    problem = _problem(example)
    result = solve(ProblemProvider(problem), problem.root)
    assert isinstance(result, Resolution), explain(result)
    assert check_resolution(problem, result.packages()) == []
    assert {name: str(v) for name, v in result.selected.items()} == example["expected"]["solution"]


@pytest.mark.parametrize("example", _cases(False))
def test_failing_example_is_explained(example: dict[str, Any]) -> None:
    problem = _problem(example)
    result = solve(ProblemProvider(problem), problem.root)
    assert isinstance(result, Unsatisfiable)
    text = explain(result)
    pubs = " ".join(row["message"] for row in example["expected"]["error_report"])
    mentioned_by_pub = {span.split()[0] for span in re.findall(r"`([^`]+)`", pubs)}
    mentioned_by_us = set(re.findall(r"[a-z]+", text))
    assert mentioned_by_pub <= mentioned_by_us
    assert text == OUR_EXPLANATIONS[example["title"]]
    assert text.endswith("version solving failed.")
    # The scheme's own range syntax can word the sets instead; told the versions that
    # exist, sets go without the pre-releases that do not, which npm's syntax cannot hold.
    in_npm = explain(result, render_versions=NPM.format_range, versions=problem.versions_of)
    assert "root depends on" in in_npm
