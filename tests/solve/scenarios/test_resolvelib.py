"""resolvelib's "python" functional inputs through the extended calculus and PubGrub.

Extras are features, reduced to the core; markers are evaluated for one environment.
``test_outcome``: satisfiable exactly when resolvelib says so, both checkers accept our
answer, and resolvelib's answer (with the extras it needs) is a resolution of our problem.
``test_selection``: the same versions as resolvelib (both prefer the newest).
"""

from __future__ import annotations

from typing import Any

import pytest

from polypac.calculus import ExtendedProblem, ExtendedResolution, Package, check_extended
from tests.solve.scenarios._common import Answer, solve_extended
from tests.solve.scenarios._pep508 import PYPI
from tests.solve.scenarios._resolvelib import Case, build_problem, cases, expected_selection

PYREX = (
    "resolvelib marks pyrex-1.9.8 xfail itself (too many rounds) and records no answer "
    "(an empty 'resolved'), so there is nothing to compare with"
)
CHALICE = (
    "resolvelib's expected set has no urllib3, yet botocore 1.14.15 needs "
    "urllib3>=1.20,<1.26 on every python but 3.4: the expected set is not a resolution "
    "for the marker environment used here"
)
OUTCOME_XFAIL = {"pyrex-1.9.8": PYREX, "chalice": CHALICE}
SELECTION_XFAIL = {"pyrex-1.9.8": PYREX, "chalice": CHALICE}

_SOLVED: dict[str, tuple[ExtendedProblem[Any], Answer, ExtendedResolution[Any] | None]] = {}


def _solved(case: Case) -> tuple[ExtendedProblem[Any], Answer, ExtendedResolution[Any] | None]:
    if case.slug not in _SOLVED:
        problem = build_problem(case)
        _SOLVED[case.slug] = (problem, *solve_extended(problem))
    return _SOLVED[case.slug]


def _params(xfails: dict[str, str], *, satisfiable_only: bool = False) -> list[Any]:
    params = []
    for case in cases():
        if satisfiable_only and "conflicted" in case.data:
            continue
        marks = []
        if case.slug in xfails:
            marks.append(pytest.mark.xfail(strict=True, reason=xfails[case.slug]))
        params.append(pytest.param(case, id=case.slug, marks=marks))
    return params


@pytest.mark.parametrize("case", _params(OUTCOME_XFAIL))
def test_outcome(case: Case) -> None:
    problem, answer, ours = _solved(case)
    expected = expected_selection(case)
    assert answer.satisfiable == (expected is not None), answer.explanation
    if expected is None:
        assert any(name in answer.explanation for name in case.data["conflicted"])
        return
    assert ours is not None
    theirs = frozenset(Package(n, PYPI.parse_version(v)) for n, v in expected.items())
    # resolvelib's answer with the features our answer enables on those same packages
    features = frozenset((p, f) for p, f in ours.features if p in theirs)
    violations = check_extended(problem, ExtendedResolution(theirs, features))
    assert [v.reason for v in violations] == []


@pytest.mark.parametrize("case", _params(SELECTION_XFAIL, satisfiable_only=True))
def test_selection(case: Case) -> None:
    _, answer, _ = _solved(case)
    expected = expected_selection(case)
    assert answer.selected is not None
    assert expected is not None
    ours = {n: PYPI.parse_version(v) for n, v in answer.selected.items()}
    assert ours == {n: PYPI.parse_version(v) for n, v in expected.items()}
