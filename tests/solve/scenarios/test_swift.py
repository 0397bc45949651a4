"""SwiftPM's dependency-graph inputs through PubGrub: the expected map, exactly.

SwiftPM's own resolver is PubGrub preferring the newest version, so the selections should
agree; the expected result must also be a resolution of our problem.
"""

from __future__ import annotations

from typing import Any

import pytest

from polypac.calculus import Package, check_resolution
from tests.solve.scenarios._common import solve_core
from tests.solve.scenarios._swift import SEMVER, Case, cases, problem_of


@pytest.mark.parametrize("case", [pytest.param(c, id=c.slug) for c in cases()])
def test_swift(case: Case) -> None:
    problem = problem_of(case)
    answer, _ = solve_core(problem)
    expected: dict[str, Any] = {
        name: SEMVER.parse_version(v) for name, v in case.data["result"].items()
    }
    expected[problem.root.name] = problem.root.version
    theirs = [Package(n, v) for n, v in expected.items()]
    assert [v.reason for v in check_resolution(problem, theirs)] == []
    assert answer.selected is not None, answer.explanation
    assert {n: SEMVER.parse_version(v) for n, v in answer.selected.items()} == expected
