"""PubGrub and the SAT backend agree on thousands of random problems, and both answers
pass the independent checker."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from polypac.calculus.check import check_resolution
from polypac.calculus.model import Ordinal, Package, Problem
from polypac.solve import ProblemProvider, Resolution, solve
from polypac.solve.sat import solve_sat
from tests.solve.problems import problems


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_pubgrub_and_sat_agree(problem: Problem[Ordinal]) -> None:
    pubgrub = solve(ProblemProvider(problem), problem.root)
    sat = solve_sat(problem)
    assert isinstance(pubgrub, Resolution) == (sat is not None)
    if isinstance(pubgrub, Resolution):
        assert check_resolution(problem, pubgrub.packages()) == []
    if sat is not None:
        assert check_resolution(problem, [Package(n, v) for n, v in sat.items()]) == []
