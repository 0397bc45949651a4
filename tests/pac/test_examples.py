"""The example files: canonical, and every answer the solver gives checks out."""

from __future__ import annotations

from pathlib import Path

import pytest

from polypac.calculus.extended import check_extended
from polypac.calculus.reduce import reduce
from polypac.pac import format_document, parse_pac
from polypac.solve import ProblemProvider, Resolution, solve

EXAMPLES = sorted((Path(__file__).parents[2] / "examples" / "pac").glob("*.pac"))


def test_there_are_examples() -> None:
    assert len(EXAMPLES) >= 4


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_is_canonical(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert format_document(parse_pac(text, source=path.name)) == text


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_solution_checks(path: Path) -> None:
    problem = parse_pac(path.read_text(encoding="utf-8"), source=path.name).problem
    reduction = reduce(problem)
    answer = solve(ProblemProvider(reduction.problem), reduction.problem.root)
    if isinstance(answer, Resolution):
        assert check_extended(problem, reduction.map_back(answer.packages())) == []
    else:
        assert "unsatisfiable" in path.name
