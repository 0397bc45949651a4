"""Solve an extended problem: reduce it to the core, run PubGrub, map the answer back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from polypac.calculus.extended import ExtendedProblem, ExtendedResolution
from polypac.calculus.reduce import Reduction, reduce
from polypac.solve.explain import explain
from polypac.solve.provider import ProblemProvider
from polypac.solve.pubgrub import solve
from polypac.solve.result import Unsatisfiable
from polypac.version.sets import Version

__all__ = ["ExtendedFailure", "solve_extended"]

V = TypeVar("V", bound=Version)


@dataclass(frozen=True, slots=True)
class ExtendedFailure(Generic[V]):
    """No resolution: the core failure, and the reduction that gives its names a meaning."""

    failure: Unsatisfiable[Any]
    reduction: Reduction[V]

    def explain(self) -> str:
        """The derivation in words."""
        return explain(self.failure)

    def legend(self) -> dict[str, str]:
        """What each synthetic name that the explanation mentions stands for."""
        text = self.explain()
        return {
            name: meaning
            for name, meaning in sorted(self.reduction.synthetic.items())
            if name in text
        }


def solve_extended(problem: ExtendedProblem[V]) -> ExtendedResolution[V] | ExtendedFailure[V]:
    """A resolution of ``problem`` (newest versions first), or why there is none."""
    reduction = reduce(problem)
    core = reduction.problem
    answer = solve(ProblemProvider(core), core.root)
    if isinstance(answer, Unsatisfiable):
        return ExtendedFailure(answer, reduction)
    return reduction.map_back(answer.packages())
