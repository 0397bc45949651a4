"""The CNF of a core problem and a typed wrapper around PySAT's incremental solvers.

All contact with ``pysat`` (which ships no type information) stays in this module.

Variables: one per real package, numbered by name (sorted) and, within a name, newest first;
auxiliary variables of the at-most-one encodings come after them. Clauses:

* for each package p and each dependency (m, vs) of p: ``-p | m@v1 | … | m@vk`` over the
  versions of m in vs (just ``-p`` when no version of m is in vs);
* at most one version per name: pairwise for groups of up to :data:`PAIRWISE_LIMIT`
  versions (at most 10 binary clauses, no new variable), PySAT's sequential counter above
  that (3n - 4 clauses and n - 1 new variables instead of n(n - 1)/2 clauses).

The root is not part of the formula: callers assume it (or any other package), so one
formula answers every question about one repository.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Generic, Literal, Self, TypeVar

# pysat ships no py.typed marker; every use is wrapped in the typed class below.
from pysat.card import CardEnc, EncType
from pysat.solvers import Solver

from polypac.calculus.model import Dependency, InvalidProblem, Package
from polypac.version.sets import Version

__all__ = ["PAIRWISE_LIMIT", "Encoding", "SatSolver", "SolverName", "encode"]

V = TypeVar("V", bound=Version)

SolverName = Literal["cadical195", "glucose4", "glucose42", "minisat22", "minisat-gh"]
"""The PySAT back-ends the tests run (CaDiCaL 1.9.5, Glucose 4.1 and 4.2.1, MiniSat 2.2)."""

PAIRWISE_LIMIT = 5
"""Largest group of versions given the pairwise at-most-one encoding."""


@dataclass(frozen=True, slots=True)
class Encoding(Generic[V]):
    """A repository as clauses: its variables, both ways, and the clause list.

    ``requirements`` is filled only when the encoding was asked for selectors: then each
    dependency clause carries ``-s`` for its own selector variable ``s``, and the clause
    only binds while ``s`` is assumed true.
    """

    variable: Mapping[Package[V], int]
    packages: Sequence[Package[V]]  # packages[var - 1] is the package of variable var
    versions: Mapping[str, tuple[V, ...]]  # each name's versions, newest first
    clauses: Sequence[Sequence[int]]
    top: int  # the highest variable the clauses use
    requirements: Mapping[int, tuple[Package[V], Dependency[V]]]

    def package_of(self, literal: int) -> Package[V] | None:
        """The package a positive literal selects (None for auxiliary variables)."""
        index = literal - 1
        return self.packages[index] if 0 <= index < len(self.packages) else None

    def selected(self, model: Iterable[int]) -> list[Package[V]]:
        """The packages a model sets true."""
        limit = len(self.packages)
        return [self.packages[lit - 1] for lit in model if 0 < lit <= limit]


def encode(
    packages: Mapping[str, Iterable[V]],
    dependencies: Mapping[Package[V], Sequence[Dependency[V]]],
    *,
    selectors: bool = False,
) -> Encoding[V]:
    """The clauses of a repository (R, Δ), with no root.

    With ``selectors``, every dependency clause gets a selector variable of its own (see
    :class:`Encoding`). Raises :class:`InvalidProblem` when a package with dependencies
    does not exist.
    """
    versions = {name: tuple(sorted(set(packages[name]), reverse=True)) for name in sorted(packages)}
    order = [Package(name, v) for name, vs in versions.items() for v in vs]
    variable = {package: index for index, package in enumerate(order, start=1)}
    numbered: dict[str, list[tuple[V, int]]] = {name: [] for name in versions}
    for package, index in variable.items():
        numbered[package.name].append((package.version, index))
    top = len(order)
    clauses: list[list[int]] = []
    requirements: dict[int, tuple[Package[V], Dependency[V]]] = {}
    for group in numbered.values():
        lits = [index for _, index in group]
        if len(lits) < 2:
            continue
        if len(lits) <= PAIRWISE_LIMIT:
            clauses.extend([-a, -b] for i, a in enumerate(lits) for b in lits[i + 1 :])
            continue
        amo = CardEnc.atmost(lits=lits, bound=1, top_id=top, encoding=EncType.seqcounter)
        clauses.extend(amo.clauses)
        top = max(top, amo.nv)
    for package, needs in dependencies.items():
        dependent = variable.get(package)
        if dependent is None:
            raise InvalidProblem(f"{package} has dependencies but does not exist")
        for dependency in needs:
            clause = [-dependent]
            if selectors:
                top += 1
                requirements[top] = (package, dependency)
                clause.append(-top)
            clause.extend(
                index
                for version, index in numbered.get(dependency.name, ())
                if dependency.versions.contains(version)
            )
            clauses.append(clause)
    return Encoding(variable, order, versions, clauses, top, requirements)


class SatSolver:
    """One incremental PySAT solver, typed; use it as a context manager."""

    def __init__(self, name: SolverName, clauses: Iterable[Sequence[int]]) -> None:
        self._solver: Any = Solver(name=name, bootstrap_with=clauses)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._solver.delete()

    def add_clause(self, clause: Sequence[int]) -> None:
        """Add a clause for every later call (the last model is gone afterwards)."""
        self._solver.add_clause(list(clause))

    def set_phases(self, literals: Sequence[int]) -> None:
        """Prefer each literal's sign when the solver decides on its variable."""
        self._solver.set_phases(list(literals))

    def solve(self, assumptions: Sequence[int] = ()) -> bool:
        """Whether the clauses and the assumptions can all hold."""
        return bool(self._solver.solve(assumptions=list(assumptions)))

    def model(self) -> list[int]:
        """The model of the last satisfiable call: ``model[v - 1]`` is ``v`` or ``-v``."""
        found: list[int] | None = self._solver.get_model()
        if found is None:
            raise RuntimeError("the last call was not satisfiable")  # pragma: no cover
        return found

    def core(self) -> list[int]:
        """The assumptions that the last unsatisfiable call failed on."""
        found: list[int] | None = self._solver.get_core()
        return [] if found is None else found
