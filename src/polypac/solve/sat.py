"""The SAT back-end: core problems of the Package Calculus answered by PySAT.

A problem becomes CNF (see :mod:`polypac.solve._cnf`): one variable per package that
exists, one clause per dependency, at most one version per name. Three questions are asked
of it, each through one incremental solver with assumptions:

* :func:`solve_sat` — one resolution, newest versions first, or ``None``;
* :func:`unsat_core` — when there is none, a set of dependencies that already cannot be
  met together, shrunk until each one matters (data; PubGrub's derivation trees are the
  explanation for people);
* :func:`check_installability` — for every package of a repository, whether some
  resolution holds it, with every model found settling all the packages it holds.

Which resolution :func:`solve_sat` returns is defined by the problem, not by the solver's
heuristics: starting at the root and going breadth first along dependencies (in their
order), each newly needed name gets its newest version (oldest, with
``prefer_newest=False``) that still leaves the problem satisfiable together with every
choice already made. The answer is therefore deterministic, the same for every back-end,
and holds only packages the root transitively needs. How it is found cheaply:

* the latest model always agrees with every choice made so far, so the version it holds
  for the next name is accepted with no call; a preferred version it does not hold costs
  one call assuming it, unless a choice already made rules it out directly (a chosen
  package's range excludes it, or it needs a chosen name at another version);
* a choice, never taken back, becomes a unit clause, and so does each refuted candidate,
  so later calls start from them instead of re-deciding thousands of assumptions;
* phases: every package false, so a model holds what is forced and little else; once a
  name is needed, its preferred version in range turns true, so the next model tends to
  hold it;
* only the names the root can reach are encoded at all.

    >>> from polypac.calculus.model import Dependency, Ordinal, Package, Problem
    >>> from polypac.version.sets import VersionSet
    >>> one, two = Ordinal(1), Ordinal(2)
    >>> problem = Problem(
    ...     root=Package("app", one),
    ...     packages={"app": (one,), "lib": (one, two), "unused": (one,)},
    ...     dependencies={Package("app", one): (Dependency("lib", VersionSet.full()),)},
    ... )
    >>> solve_sat(problem)
    {'app': Ordinal(value=1), 'lib': Ordinal(value=2)}
    >>> check_installability(problem.packages, problem.dependencies).uninstallable()
    []
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from polypac.calculus.model import Dependency, Package, Problem
from polypac.solve._cnf import Encoding, SatSolver, SolverName, encode
from polypac.version.sets import Version, VersionSet

__all__ = [
    "Installability",
    "Requirement",
    "SolverName",
    "check_installability",
    "solve_sat",
    "unsat_core",
]

V = TypeVar("V", bound=Version)

DEFAULT_SOLVER: SolverName = "cadical195"


@dataclass(frozen=True, slots=True)
class Requirement(Generic[V]):
    """One element (p, m, vs) of Δ: ``package`` needs ``dependency``."""

    package: Package[V]
    dependency: Dependency[V]

    def __str__(self) -> str:
        return f"{self.package} needs {self.dependency.name}"


@dataclass(frozen=True, slots=True)
class Installability(Generic[V]):
    """For each package asked about, whether some resolution holds it.

    ``solver_calls`` counts the SAT calls made: each satisfiable one settles every
    candidate its model holds, and one unsatisfiable call settles all that are left.
    """

    verdicts: Mapping[Package[V], bool]
    solver_calls: int

    def installable(self) -> list[Package[V]]:
        """The packages some resolution holds."""
        return [package for package, ok in self.verdicts.items() if ok]

    def uninstallable(self) -> list[Package[V]]:
        """The packages no resolution holds."""
        return [package for package, ok in self.verdicts.items() if not ok]


def _cone(
    problem: Problem[V],
) -> tuple[dict[str, tuple[V, ...]], dict[Package[V], tuple[Dependency[V], ...]]]:
    """R and Δ cut down to the names the root reaches through the needs of any version.

    Nothing outside can be needed, so the cut changes no answer; in a large repository it
    makes every solver call cheaper.
    """
    reached = {problem.root.name}
    frontier = [problem.root.name]
    while frontier:
        name = frontier.pop()
        for version in problem.versions_of(name):
            for dependency in problem.dependencies_of(Package(name, version)):
                if dependency.name not in reached:
                    reached.add(dependency.name)
                    frontier.append(dependency.name)
    dependencies = {
        package: needs for package, needs in problem.dependencies.items() if package.name in reached
    }
    return {name: problem.versions_of(name) for name in reached}, dependencies


def solve_sat(
    problem: Problem[V],
    *,
    prefer_newest: bool = True,
    minimal: bool = True,
    solver: SolverName = DEFAULT_SOLVER,
) -> dict[str, V] | None:
    """A resolution of ``problem`` as ``{name: version}``, or ``None`` when there is none.

    The resolution is the greedy one described in the module docstring: breadth first from
    the root, each needed name at its newest version that keeps the problem satisfiable
    (``prefer_newest=False``: its oldest). Names come in that order, the root first.

    With ``minimal`` (the default), the answer is exactly the packages the root
    transitively needs, and no proper subset of it is a resolution. With
    ``minimal=False`` it is everything the solver's last model set true: still a
    resolution, but it may also hold packages nothing needs (with every phase false but
    the preferred versions of needed names, such extras are rare).
    """
    encoding = encode(*_cone(problem))
    with SatSolver(solver, encoding.clauses) as sat:
        sat.set_phases([-variable for variable in encoding.variable.values()])
        chosen: dict[str, V] = {}
        limits: dict[str, list[VersionSet[V]]] = defaultdict(list)
        frontier: deque[Package[V]] = deque()

        def preferred(dependency: Dependency[V]) -> int | None:
            versions = encoding.versions[dependency.name]
            for version in versions if prefer_newest else reversed(versions):
                if dependency.versions.contains(version):
                    return encoding.variable[Package(dependency.name, version)]
            return None

        def choose(package: Package[V]) -> None:
            chosen[package.name] = package.version
            frontier.append(package)
            needs = problem.dependencies_of(package)
            for dependency in needs:
                limits[dependency.name].append(dependency.versions)
            # a name now needed: the solver should try its preferred version first
            sat.set_phases([v for d in needs if d.name not in chosen if (v := preferred(d))])

        def excluded(package: Package[V]) -> bool:
            # what unit propagation of the choices made so far rules out, found without a call
            return not all(vs.contains(package.version) for vs in limits[package.name]) or any(
                dependency.name in chosen
                and not dependency.versions.contains(chosen[dependency.name])
                for dependency in problem.dependencies_of(package)
            )

        root = encoding.variable[problem.root]
        choose(problem.root)
        if not sat.solve([root]):
            return None
        model = sat.model()
        sat.add_clause([root])
        while frontier:
            for dependency in problem.dependencies_of(frontier.popleft()):
                if dependency.name in chosen:
                    continue  # the model meets it: every choice made so far is a unit clause
                versions = encoding.versions[dependency.name]
                for version in versions if prefer_newest else reversed(versions):
                    candidate = Package(dependency.name, version)
                    literal = encoding.variable[candidate]
                    if model[literal - 1] > 0:
                        break
                    if excluded(candidate):
                        continue
                    if sat.solve([literal]):
                        model = sat.model()
                        break
                    sat.add_clause([-literal])  # no resolution holds it with the choices made
                else:  # pragma: no cover - the last model meets this dependency
                    raise AssertionError(f"no version of {dependency.name} fits the model")
                sat.add_clause([literal])  # a choice is never taken back
                choose(candidate)
    if minimal:
        return chosen
    return {package.name: package.version for package in encoding.selected(model)}


def unsat_core(
    problem: Problem[V],
    *,
    minimize: bool = True,
    solver: SolverName = DEFAULT_SOLVER,
) -> tuple[Requirement[V], ...] | None:
    """Dependencies that cannot all be met with the root, or ``None`` if a resolution exists.

    Every dependency clause is guarded by a selector that is assumed true; the solver's
    core of failed assumptions names the dependencies its refutation used. With
    ``minimize`` the core is shrunk by deletion until dropping any one of its dependencies
    lets the root resolve: a minimal unsatisfiable subset of Δ (at most one version per
    name always holds). Order: as the dependencies appear in ``problem``.
    """
    encoding = encode(*_cone(problem), selectors=True)
    root = encoding.variable[problem.root]
    with SatSolver(solver, encoding.clauses) as sat:
        if sat.solve([root, *encoding.requirements]):
            return None
        core = _failed_selectors(sat, encoding)
        if minimize:
            kept: list[int] = []  # each proven needed: without it the rest can be met
            while core:
                trial, core = core[0], core[1:]
                if sat.solve([root, *kept, *core]):
                    kept.append(trial)
                else:
                    failed = set(_failed_selectors(sat, encoding))
                    core = [s for s in core if s in failed]
            core = kept
    return tuple(Requirement(*encoding.requirements[selector]) for selector in sorted(core))


def _failed_selectors(sat: SatSolver, encoding: Encoding[V]) -> list[int]:
    return sorted(lit for lit in sat.core() if lit in encoding.requirements)


def check_installability(
    packages: Mapping[str, Iterable[V]],
    dependencies: Mapping[Package[V], Sequence[Dependency[V]]],
    candidates: Iterable[Package[V]] | None = None,
    *,
    solver: SolverName = DEFAULT_SOLVER,
) -> Installability[V]:
    """Whether each candidate (default: every package of R) is in some resolution.

    A package is installable exactly when the problem re-rooted at it has a resolution,
    and every package of a model is then installable: the model is a resolution for each
    root it holds. One solver holds the whole repository. Each call adds the clause "some
    unsettled candidate is selected", guarded by a fresh switch that the call assumes and
    that is then turned off for good. A satisfiable call settles every candidate its model
    holds, and the phases of those turn false so the next model reaches for others; the
    first unsatisfiable call proves every candidate left uninstallable at once. (Assuming
    one candidate per call instead needs a call for each uninstallable package: on the
    20,000-name benchmark 21,905 calls instead of about 920.) A candidate that does not
    exist is not installable.
    """
    encoding = encode(packages, dependencies)
    wanted = list(encoding.packages if candidates is None else candidates)
    unsettled = {encoding.variable[p] for p in wanted if p in encoding.variable}
    installable: set[int] = set()
    calls = 0
    switch = encoding.top
    with SatSolver(solver, encoding.clauses) as sat:
        sat.set_phases([v if v in unsettled else -v for v in encoding.variable.values()])
        while unsettled:
            switch += 1
            sat.add_clause([-switch, *sorted(unsettled)])
            calls += 1
            found = sat.solve([switch])
            model = sat.model() if found else []
            sat.add_clause([-switch])  # after reading the model: adding a clause drops it
            if not found:
                break
            settled = unsettled.intersection(model)
            unsettled -= settled
            installable |= settled
            sat.set_phases([-v for v in settled])
    return Installability(
        {p: encoding.variable.get(p, 0) in installable for p in wanted},
        calls,
    )
