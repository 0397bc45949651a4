"""Installability of every package of a random repository: polypac's SAT back-end vs dose.

The repository: ``--names`` names (default 20,000) with ``--versions`` versions each
(default 3); each package needs 0 to 4 names (2 on average), mostly names generated
after its own (a layered graph, like real archives) and sometimes any name (cycles).
Each dependency's version set is, at random, every version, ``>= k``, ``< k``, ``= k``
or ``!= k``; one in 400 names a version that does not exist. Seeded, so every run sees
the same repository.

Timed, best of ``--repeat``:

* ``encode`` — the CNF alone;
* ``check_installability`` — one CaDiCaL 1.9.5 solver; each call asks for a model holding
  some package not yet settled, and one final unsatisfiable call settles the rest (the
  default back-end; ``--solver`` changes it);
* ``assume each package`` — the same solver, assuming each package not yet settled by an
  earlier model, one per call: each uninstallable package costs a call (``--no-baseline``
  skips it);
* ``dose-distcheck`` — Debian's installability checker (the anchor), on the same
  repository written as a Packages file, once, when it is on PATH (``apt-get install
  dose-distcheck``; ``--no-dose`` skips it). Its verdicts are compared with polypac's,
  package by package.

Also: ``solve_sat`` from ``--roots`` random installable roots (time per root; each answer
checked by ``check_resolution``). Run from
the repository root::

    .venv/bin/python benchmarks/sat_bench.py --repeat 3
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from polypac.calculus.check import check_resolution
from polypac.calculus.model import Dependency, Ordinal, Package, Problem
from polypac.solve._cnf import SatSolver, SolverName, encode
from polypac.solve.sat import check_installability, solve_sat
from polypac.version.sets import Bound, VersionSet

T = TypeVar("T")
Repository = tuple[
    dict[str, tuple[Ordinal, ...]], dict[Package[Ordinal], tuple[Dependency[Ordinal], ...]]
]


def random_set(rng: random.Random, versions: int) -> VersionSet[Ordinal]:
    """Every version, ``>= k``, ``< k``, ``= k`` or ``!= k``; rarely a missing version."""
    k = Ordinal(versions + 1 if rng.random() < 1 / 400 else rng.randint(1, versions))
    kind = rng.choice(("any", "any", ">=", ">=", "<", "=", "!="))
    if kind == "any":
        return VersionSet.full()
    if kind == ">=":
        return VersionSet.between(Bound(k, True), None)
    if kind == "<":
        return VersionSet.between(None, Bound(k, False))
    if kind == "=":
        return VersionSet.singleton(k)
    return VersionSet.singleton(k).complement()


def random_repository(names: int, versions: int, seed: int) -> Repository:
    """The seeded random repository described in the module docstring."""
    rng = random.Random(seed)
    all_names = [f"n{i}" for i in range(names)]
    packages = {name: tuple(Ordinal(v) for v in range(1, versions + 1)) for name in all_names}
    dependencies: dict[Package[Ordinal], tuple[Dependency[Ordinal], ...]] = {}
    for index, name in enumerate(all_names):
        for version in packages[name]:
            needs = []
            for _ in range(rng.choice((0, 1, 2, 2, 3, 4))):
                if rng.random() < 0.9 and index + 1 < names:
                    target = rng.randint(index + 1, min(names - 1, index + 200))
                else:
                    target = rng.randrange(names)
                needs.append(Dependency(all_names[target], random_set(rng, versions)))
            if needs:
                dependencies[Package(name, version)] = tuple(needs)
    return packages, dependencies


def debian_packages(repository: Repository) -> str:
    """The repository as a Debian Packages file: one alternative per matching version."""
    packages, dependencies = repository
    stanzas = []
    for name, versions in packages.items():
        for version in versions:
            lines = [f"Package: {name}", f"Version: {version}", "Architecture: amd64"]
            needs = dependencies.get(Package(name, version), ())
            if needs:
                alternatives = []
                for need in needs:
                    fits = [str(v) for v in packages[need.name] if need.versions.contains(v)]
                    alternatives.append(" | ".join(f"{need.name} (= {v})" for v in fits or ["0"]))
                lines.append("Depends: " + ", ".join(alternatives))
            stanzas.append("\n".join(lines))
    return "\n\n".join(stanzas) + "\n"


def dose_broken(path: Path) -> set[Package[Ordinal]]:
    """The packages dose-distcheck finds broken (not installable)."""
    out = subprocess.run(
        ["dose-distcheck", "-tdeb", "-f", str(path)],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    found = re.findall(r"^ *package: (\S+)\n *version: (\S+)", out, re.MULTILINE)
    return {Package(name, Ordinal(int(version))) for name, version in found}


def assume_each(repository: Repository, solver: SolverName) -> tuple[set[int], int]:
    """The baseline: assume each unsettled package alone, settling each model's packages.

    Returns the variables found uninstallable and the number of calls.
    """
    encoding = encode(*repository)
    unsettled = set(encoding.variable.values())
    broken: set[int] = set()
    calls = 0
    with SatSolver(solver, encoding.clauses) as sat:
        sat.set_phases(sorted(unsettled))
        for literal in sorted(unsettled):
            if literal not in unsettled:
                continue
            calls += 1
            if sat.solve([literal]):
                settled = unsettled.intersection(sat.model())
                unsettled -= settled
                sat.set_phases([-v for v in settled])
            else:
                unsettled.discard(literal)
                broken.add(literal)
                sat.add_clause([-literal])
    return broken, calls


def best(repeat: int, run: Callable[[], T]) -> tuple[float, T]:
    """The best time over ``repeat`` runs, and the last result."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--names", type=int, default=20_000)
    parser.add_argument("--versions", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--roots", type=int, default=20)
    parser.add_argument("--solver", default="cadical195")
    parser.add_argument("--baseline", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--dose", action=argparse.BooleanOptionalAction, default=True)
    args = parser.parse_args()
    solver: SolverName = args.solver
    repository = random_repository(args.names, args.versions, args.seed)
    packages, dependencies = repository
    total = sum(len(v) for v in packages.values())
    clauses = len(encode(*repository).clauses)
    print(f"repository: {args.names} names, {total} packages, {clauses} clauses")

    t_encode, _ = best(args.repeat, lambda: encode(*repository))
    t_check, report = best(
        args.repeat, lambda: check_installability(packages, dependencies, solver=solver)
    )
    broken = set(report.uninstallable())
    print(f"encode                {t_encode:8.3f} s")
    print(
        f"check_installability  {t_check:8.3f} s  {report.solver_calls} SAT calls, "
        f"{len(broken)} of {total} not installable"
    )
    if args.baseline:
        t_each, (each, each_calls) = best(1, lambda: assume_each(repository, solver))
        encoding = encode(*repository)
        agree = {encoding.packages[v - 1] for v in each} == broken
        print(
            f"assume each package   {t_each:8.3f} s  {each_calls} SAT calls  "
            f"ratio {t_each / t_check:.1f}x  same verdicts: {agree}"
        )

    if args.dose and shutil.which("dose-distcheck"):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "Packages"
            path.write_text(debian_packages(repository), encoding="utf-8")
            t_dose, dose = best(1, lambda: dose_broken(path))
        print(f"dose-distcheck        {t_dose:8.3f} s  ratio dose/polypac {t_dose / t_check:.2f}x")
        print(f"  same verdicts: {dose == broken} ({len(dose)} broken by dose)")
    else:
        print("dose-distcheck skipped (--no-dose, or not on PATH)")

    rng = random.Random(args.seed)
    installable = sorted(report.installable(), key=str)
    roots = rng.sample(installable, min(args.roots, len(installable)))
    times, sizes = [], []
    for root in roots:
        problem = Problem(root, packages, dependencies)
        start = time.perf_counter()
        answer = solve_sat(problem, solver=solver)
        times.append(time.perf_counter() - start)
        if answer is None:
            sys.exit(f"solve_sat found no resolution for installable {root}")
        chosen = [Package(n, v) for n, v in answer.items()]
        if check_resolution(problem, chosen):
            sys.exit(f"solve_sat answer for {root} fails the checker")
        sizes.append(len(chosen))
    times.sort()
    print(
        f"solve_sat             {len(roots)} roots: median {times[len(times) // 2]:.3f} s, "
        f"max {times[-1]:.3f} s (encoding included); resolutions of "
        f"{min(sizes)}..{max(sizes)} packages, all pass check_resolution"
    )


if __name__ == "__main__":
    main()
