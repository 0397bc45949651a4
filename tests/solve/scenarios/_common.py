"""Solving a scenario and checking the answer, shared by every scenario suite.

Every answer of the solver is read back through the independent checkers: the core
checker on the core problem, and ``check_extended`` on the extended one when the scenario
was written in the extended calculus. A scenario's answer is then a plain map of names to
version texts (``None`` when no resolution exists), so each suite compares it with its
upstream expectation in its own terms.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from polypac.calculus import (
    Dependency,
    ExtendedProblem,
    ExtendedResolution,
    Package,
    Problem,
    Requirement,
    check_extended,
    check_resolution,
    reduce,
)
from polypac.solve import ProblemProvider, Resolution, Unsatisfiable, explain, solve

__all__ = ["Answer", "selection_text", "solve_core", "solve_extended"]


@dataclass(frozen=True, slots=True)
class Answer:
    """What the solver said: the selected versions by name, or why nothing can be selected."""

    selected: Mapping[str, str] | None
    explanation: str = ""

    @property
    def satisfiable(self) -> bool:
        """Whether a resolution was found."""
        return self.selected is not None


def selection_text(packages: Any) -> dict[str, str]:
    """Name to version text of an iterable of packages."""
    return {p.name: str(p.version) for p in packages}


def solve_core(problem: Problem[Any]) -> tuple[Answer, Resolution[Any] | None]:
    """Solve a core problem with PubGrub; any resolution must pass the core checker."""
    result = solve(ProblemProvider(problem), problem.root)
    if isinstance(result, Unsatisfiable):
        return Answer(None, explain(result)), None
    packages = result.packages()
    violations = check_resolution(problem, packages)
    assert not violations, [v.reason for v in violations]
    return Answer(selection_text(packages)), result


def solve_extended(
    problem: ExtendedProblem[Any],
) -> tuple[Answer, ExtendedResolution[Any] | None]:
    """Reduce, solve the core with PubGrub, map back; both checkers must accept the answer.

    A problem of plain requirements only (no features, no formulae) is already a core
    problem; it is solved as one, which spares big indexes the eager reduction.
    """
    plain = _plain_core(problem)
    if plain is not None:
        answer, found = solve_core(plain)
        if found is None:
            return answer, None
        extended = ExtendedResolution(frozenset(found.packages()))
        extended_violations = check_extended(problem, extended)
        assert not extended_violations, [v.reason for v in extended_violations]
        return answer, extended
    reduction = reduce(problem)
    result = solve(ProblemProvider(reduction.problem), reduction.problem.root)
    if isinstance(result, Unsatisfiable):
        return Answer(None, explain(result)), None
    core = result.packages()
    violations = check_resolution(reduction.problem, core)
    assert not violations, [v.reason for v in violations]
    extended = reduction.map_back(core)
    extended_violations = check_extended(problem, extended)
    assert not extended_violations, [v.reason for v in extended_violations]
    return Answer(selection_text(extended.packages)), extended


def _plain_core(problem: ExtendedProblem[Any]) -> Problem[Any] | None:
    if problem.features or problem.variables or problem.provides or problem.peers:
        return None
    dependencies: dict[Package[Any], tuple[Dependency[Any], ...]] = {}
    for package, formulas in problem.dependencies.items():
        if not all(isinstance(f, Requirement) and not f.features for f in formulas):
            return None
        dependencies[package] = tuple(
            Dependency(f.name, f.versions) for f in formulas if isinstance(f, Requirement)
        )
    return Problem(problem.root, problem.packages, dependencies)
