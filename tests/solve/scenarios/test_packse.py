"""packse scenarios (uv's resolver tests) through the extended calculus and PubGrub.

uv's policies (pre-releases, yanked, distributions, Requires-Python) are applied by the
adapter; extras are features reduced to the core. ``test_outcome``: satisfiable exactly
when uv says so (both checkers accept every answer). ``test_selection``: where packse
records uv's install set, ours is the same.
"""

from __future__ import annotations

from typing import Any

import pytest
from packaging.utils import canonicalize_name

from tests.solve.scenarios._common import Answer, solve_extended
from tests.solve.scenarios._packse import Scenario, build_problem, scenarios, uses_markers
from tests.solve.scenarios._pep508 import PYPI, PYTHON, ROOT

UNIVERSAL = (
    "universal (fork) resolution: one lock for every marker environment at once; the "
    "calculus resolves for one environment (variables fixed), not for all of them"
)
WHEEL_TAGS = (
    "wheel tags: whether a wheel fits the target platform/ABI/python is not modelled; the "
    "adapter counts every wheel as usable"
)
OUTCOME_XFAIL = {
    "python-less-than-current": (
        "uv ignores upper bounds of Requires-Python (a's <=3.8 does not exclude 3.9); the "
        "adapter reads Requires-Python as written"
    ),
    "no-sdist-no-wheels-with-matching-abi": WHEEL_TAGS,
    "no-sdist-no-wheels-with-matching-platform": WHEEL_TAGS,
    "no-sdist-no-wheels-with-matching-python": WHEEL_TAGS,
}
SELECTION_XFAIL = {
    "local-not-latest": WHEEL_TAGS + " (a 1.2.3 only has wheels for another platform)",
    "wrong-backtracking-basic": (
        "both are resolutions: uv keeps a 1.0.0 with b 2.0.9, PubGrub here takes the newest a "
        "(2.0.0) first and settles on b 1.0.0"
    ),
}


class Universal(NotImplementedError):
    """A universal scenario with markers: not expressible in one environment."""


_SOLVED: dict[str, Answer] = {}


def _solved(scenario: Scenario) -> Answer:
    if scenario.slug not in _SOLVED:
        _SOLVED[scenario.slug] = solve_extended(build_problem(scenario))[0]
    return _SOLVED[scenario.slug]


def _is_universal(scenario: Scenario) -> bool:
    return bool(scenario.options.get("universal")) and uses_markers(scenario)


def _params(xfails: dict[str, str], *, with_packages: bool = False) -> list[Any]:
    params = []
    for scenario in scenarios():
        expected = scenario.data["expected"]
        if with_packages and not (expected["satisfiable"] and expected.get("packages")):
            continue
        marks = []
        if _is_universal(scenario):
            marks.append(pytest.mark.xfail(strict=True, raises=Universal, reason=UNIVERSAL))
        elif scenario.slug in xfails:
            marks.append(pytest.mark.xfail(strict=True, reason=xfails[scenario.slug]))
        path = scenario.data["source_path"].removeprefix("scenarios/")
        params.append(pytest.param(scenario, id=path, marks=marks))
    return params


@pytest.mark.parametrize("scenario", _params(OUTCOME_XFAIL))
def test_outcome(scenario: Scenario) -> None:
    answer = _solved(scenario)  # checked by both checkers inside
    if _is_universal(scenario):
        raise Universal(scenario.slug)
    assert answer.satisfiable == scenario.data["expected"]["satisfiable"], answer.explanation


@pytest.mark.parametrize("scenario", _params(SELECTION_XFAIL, with_packages=True))
def test_selection(scenario: Scenario) -> None:
    answer = _solved(scenario)
    if _is_universal(scenario):
        raise Universal(scenario.slug)
    assert answer.selected is not None, answer.explanation
    ours = {
        name: PYPI.parse_version(v)
        for name, v in answer.selected.items()
        if name not in (ROOT, PYTHON)
    }
    expected = scenario.data["expected"]["packages"]
    assert ours == {canonicalize_name(n): PYPI.parse_version(v) for n, v in expected.items()}
