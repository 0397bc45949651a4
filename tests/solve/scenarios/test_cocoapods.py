"""CocoaPods' Resolver-Integration-Specs (Molinillo's suite) through PubGrub.

``test_outcome``: satisfiable exactly when Molinillo says so, our answer passes the core
checker, and Molinillo's answer is itself a resolution of our problem. ``test_selection``:
where both resolvers prefer the newest version, the selections are equal (versions compared
as RubyGems versions, so ``10.26`` is ``10.26.0``).
"""

from __future__ import annotations

from typing import Any

import pytest

from polypac.calculus import Package, Problem, check_resolution
from tests.solve.scenarios._cocoapods import GEM, Case, cases, expected_selection, problem_of
from tests.solve.scenarios._common import Answer, solve_core

MOLINILLO_REJECTS_CYCLES = (
    "Molinillo reports a dependency cycle as a conflict; the calculus allows cycles "
    "(a set of packages has no order), as resolvelib does"
)
OUTCOME_XFAIL = {"circular": MOLINILLO_REJECTS_CYCLES}
SELECTION_XFAIL = {
    "fixed_circular": MOLINILLO_REJECTS_CYCLES
    + ": Molinillo skips bar 1.0.0 (bar -> foo -> bar), we keep the newer bar",
    "complex_package_selection": (
        "PubGrub decides the name with the fewest candidates first (rack, at its newest "
        "3.0.0), which forces rails back to 2.3.2; Molinillo decides the requested gems "
        "first and keeps rails 7.0.4 with rack 2.2.4. Both are resolutions."
    ),
}

_SOLVED: dict[str, tuple[Problem[Any], Answer]] = {}


def _solved(case: Case) -> tuple[Problem[Any], Answer]:
    if case.slug not in _SOLVED:
        problem = problem_of(case)
        _SOLVED[case.slug] = (problem, solve_core(problem)[0])
    return _SOLVED[case.slug]


def _params(xfails: dict[str, str], *, satisfiable_only: bool = False) -> list[Any]:
    params = []
    for case in cases():
        if satisfiable_only and case.data["conflicts"]:
            continue
        marks = []
        if case.slug in xfails:
            marks.append(pytest.mark.xfail(strict=True, reason=xfails[case.slug]))
        params.append(pytest.param(case, id=case.slug, marks=marks))
    return params


@pytest.mark.parametrize("case", _params(OUTCOME_XFAIL))
def test_outcome(case: Case) -> None:
    problem, answer = _solved(case)
    expect_success = not case.data["conflicts"]
    assert answer.satisfiable == expect_success, answer.explanation
    if expect_success:
        theirs = [Package(n, GEM.parse_version(v)) for n, v in expected_selection(case).items()]
        assert [v.reason for v in check_resolution(problem, theirs)] == []
    else:
        # our proof names at least one of the gems Molinillo blames
        assert any(name in answer.explanation for name in case.data["conflicts"])


@pytest.mark.parametrize("case", _params(SELECTION_XFAIL, satisfiable_only=True))
def test_selection(case: Case) -> None:
    _, answer = _solved(case)
    assert answer.selected is not None
    ours = {n: GEM.parse_version(v) for n, v in answer.selected.items()}
    theirs = {n: GEM.parse_version(v) for n, v in expected_selection(case).items()}
    assert ours == theirs
