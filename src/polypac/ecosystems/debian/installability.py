"""Whole-archive installability: can each package of a Debian archive be installed, and why not.

A package is *installable* when some set of packages of the archive holds it, meets every
Depends and Pre-Depends of its members, breaks none of their Conflicts and Breaks, holds one
version per name and architecture, and (by default, as dose-distcheck does) holds some
package of every ``Essential: yes`` name. The semantics, multi-arch included, are spelled
out in :mod:`polypac.ecosystems.debian._encode`.

Two paths answer the question. :func:`archive_installability` encodes the archive straight
into clauses and asks one incremental SAT solver, reusing each model it finds (every
package a model installs is settled); on Debian 12 main (63,440 packages) 155 calls settle
every package. :func:`installability_by_reduction` writes the archive as an extended
problem of the Package Calculus (:func:`extended_problem`), reduces it to the core and asks
the generic SAT back-end: the same verdicts, but six times slower and four times larger on
a whole archive (the reduction's choice and conflict packages), so it serves as the
cross-check on small archives.

    >>> from polypac.ecosystems.debian.packages import read_packages_text
    >>> index = read_packages_text('''\\
    ... Package: foo
    ... Version: 1.0
    ... Architecture: all
    ... Depends: bar (>= 2)
    ...
    ... Package: bar
    ... Version: 1.5
    ... Architecture: amd64
    ... ''')
    >>> report = archive_installability(archive_from_index(index))
    >>> report.summary()
    '1 broken package out of 2'
    >>> print(report.broken[0].explanation)
    foo 1.0 (all) depends on bar (>= 2), but no version of bar satisfies >= 2 (the archive has 1.5)
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from polypac.calculus.model import Package
from polypac.calculus.reduce import CoreVersion, reduce
from polypac.ecosystems.debian._encode import Architectures, Universe, build_universe, clauses
from polypac.ecosystems.debian._explain import Reason, Step, explain_broken
from polypac.ecosystems.debian._extended import DebianProblem, check_package
from polypac.ecosystems.debian._extended import extended_problem as _extended_problem
from polypac.ecosystems.debian.packages import (
    BinaryPackage,
    PackagesIndex,
    read_index_text,
    read_packages_text,
)
from polypac.errors import ParseError
from polypac.solve._cnf import SatSolver, SolverName
from polypac.solve.sat import check_installability
from polypac.version.debian import DebianVersion

__all__ = [
    "Architectures",
    "BrokenPackage",
    "DebianArchive",
    "InstallabilityReport",
    "Reason",
    "SkippedPackage",
    "Step",
    "archive_from_index",
    "archive_installability",
    "extended_problem",
    "installability_by_reduction",
    "installation_set",
    "load_archive",
]

# MiniSat's GitHub version follows the phases it is given on every call, so each model
# reaches for the packages not yet settled: 151 calls on Debian 12 main against 352 for
# CaDiCaL 1.9.5 (whose models stop following new phases) and 4-10 times less time.
_SOLVER: SolverName = "minisat-gh"  # keeps phase hints after the first model (see _encode)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while millions of small objects are made.

    Nothing built here forms cycles, and on a whole archive the collector's passes over the
    growing heap double the time of reading and encoding.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@dataclass(frozen=True, slots=True)
class SkippedPackage:
    """A stanza left out of the check: where it is, its package name if known, and why."""

    source: str | None
    line: int | None
    name: str | None
    problem: str

    def __str__(self) -> str:
        where = self.source or "<input>"
        if self.line is not None:
            where += f":{self.line}"
        what = f" ({self.name})" if self.name else ""
        return f"{where}{what}: {self.problem}"


@dataclass(frozen=True, slots=True)
class DebianArchive:
    """The binary packages to check, the architectures, and what was left out.

    ``origins[i]`` names the file ``packages[i]`` was read from. ``ignored`` counts the
    packages of architectures neither native nor foreign (dose-distcheck ignores them too)
    and repeated stanzas (same name, version and architecture, ``all`` counting as the
    native one: dpkg cannot tell them apart; the first one counts).
    """

    packages: tuple[BinaryPackage, ...]
    architectures: Architectures
    skipped: tuple[SkippedPackage, ...] = ()
    ignored: int = 0
    origins: tuple[str | None, ...] = ()


def _native_of(packages: Iterable[BinaryPackage]) -> str:
    """dose-distcheck's default: the architecture of the first package not ``all``."""
    return next((p.architecture for p in packages if p.architecture != "all"), "all")


def _stanza_name(text: str, line: int | None) -> str | None:
    """The ``Package:`` of the stanza around ``line`` (1-based) of ``text``, if any."""
    if line is None:
        return None
    lines = text.split("\n")
    start = min(max(line - 1, 0), len(lines))
    while start > 0 and lines[start - 1].strip():
        start -= 1
    for row in lines[start:]:
        if not row.strip():
            break
        if row.startswith("Package:"):
            return row.partition(":")[2].strip() or None
    return None


def _skipped(error: ParseError, name: str | None) -> SkippedPackage:
    problem = error.problem
    if error.what:
        problem = f"invalid {error.what}: {problem}"
    return SkippedPackage(error.source, error.line, name, problem)


def archive_from_index(
    index: PackagesIndex | Sequence[BinaryPackage],
    *,
    native_arch: str | None = None,
    foreign_archs: Sequence[str] = (),
    source: str | None = None,
    skipped: Sequence[SkippedPackage] = (),
) -> DebianArchive:
    """An archive of already-read packages; the index's errors become skipped packages."""
    if isinstance(index, PackagesIndex):
        packages: Sequence[BinaryPackage] = index.packages
        skipped = [*skipped, *(_skipped(e, None) for e in index.errors)]
    else:
        packages = index
    return _archive(
        [(p, source) for p in packages],
        native_arch=native_arch,
        foreign_archs=foreign_archs,
        skipped=skipped,
    )


def _archive(
    pairs: Sequence[tuple[BinaryPackage, str | None]],
    *,
    native_arch: str | None,
    foreign_archs: Sequence[str],
    skipped: Sequence[SkippedPackage],
) -> DebianArchive:
    architectures = Architectures(
        native_arch or _native_of(p for p, _ in pairs), tuple(foreign_archs)
    )
    seen: set[tuple[str, str, str]] = set()
    kept: list[BinaryPackage] = []
    origins: list[str | None] = []
    ignored = 0
    for package, origin in pairs:
        identity = (package.name, package.version, architectures.slot(package.architecture))
        if not architectures.considers(package.architecture) or identity in seen:
            ignored += 1
            continue
        seen.add(identity)
        kept.append(package)
        origins.append(origin)
    return DebianArchive(tuple(kept), architectures, tuple(skipped), ignored, tuple(origins))


def load_archive(
    paths: Iterable[Path | str],
    *,
    native_arch: str | None = None,
    foreign_archs: Sequence[str] = (),
) -> DebianArchive:
    """Read Packages indexes (plain, .gz, .xz or .lz4) into one archive.

    A stanza or relation that does not parse is kept as a :class:`SkippedPackage` naming the
    file, line and package; the rest is read. An unreadable file raises
    :class:`~polypac.errors.PolypacError`.
    """
    pairs: list[tuple[BinaryPackage, str | None]] = []
    skipped: list[SkippedPackage] = []
    with _gc_paused():
        for path in map(Path, paths):
            text = read_index_text(path)
            index = read_packages_text(text, source=str(path))
            pairs.extend((package, str(path)) for package in index.packages)
            skipped.extend(_skipped(e, _stanza_name(text, e.line)) for e in index.errors)
            del text
    return _archive(pairs, native_arch=native_arch, foreign_archs=foreign_archs, skipped=skipped)


@dataclass(frozen=True, slots=True)
class BrokenPackage:
    """A package no installation can hold, with the reasons (empty if not explained)."""

    package: BinaryPackage
    reasons: tuple[Reason, ...] = ()

    @property
    def explanation(self) -> str:
        """The reasons in words, one sentence per line."""
        return "\n".join(reason.text for reason in self.reasons)


@dataclass(frozen=True, slots=True)
class InstallabilityReport:
    """The verdicts on one archive: which packages are broken, and what was not checked.

    ``checked`` counts the packages whose installability was decided; ``solver_calls``
    the SAT calls it took (far fewer than packages: each model settles all it holds).
    """

    checked: int
    broken: tuple[BrokenPackage, ...]
    skipped: tuple[SkippedPackage, ...] = ()
    ignored: int = 0
    solver_calls: int = 0
    essential: bool = True

    @property
    def installable(self) -> int:
        """How many packages are installable."""
        return self.checked - len(self.broken)

    def summary(self) -> str:
        """``N broken packages out of M`` (singular for one)."""
        noun = "package" if len(self.broken) == 1 else "packages"
        return f"{len(self.broken)} broken {noun} out of {self.checked}"


def _universe(archive: DebianArchive, essential: bool) -> tuple[Universe, list[SkippedPackage]]:
    universe, rejected = build_universe(
        archive.packages, archive.architectures, essential=essential
    )
    skipped: list[SkippedPackage] = []
    if rejected:
        origin = {id(p): o for p, o in zip(archive.packages, archive.origins, strict=False)}
        for package, error in rejected:
            skipped.append(
                SkippedPackage(
                    origin.get(id(package)),
                    package.line or None,
                    package.name,
                    f"invalid {error.what}: {error.problem} ({error.text!r})",
                )
            )
    return universe, skipped


def archive_installability(
    archive: DebianArchive, *, essential: bool = True, explain: bool = True
) -> InstallabilityReport:
    """Decide, for every package of ``archive``, whether it can be installed.

    With ``essential`` (dose-distcheck's default) every installation must also hold some
    package of each essential name; without it, as libsolv's installcheck, essential
    packages are like any other. With ``explain`` each broken package gets its reasons.
    """
    with _gc_paused():
        universe, rejected = _universe(archive, essential)
        count = len(universe)
        verdicts: list[bool | None] = [None] * count
        calls = 0
        with SatSolver(_SOLVER, clauses(universe)) as sat:
            sat.set_phases(range(1, count + 1))  # prefer installing everything
            pending = list(range(count))

            def settle() -> None:
                nonlocal pending
                model = sat.model()  # model[i] is the literal of variable i + 1
                settled = [i for i in pending if model[i] > 0]
                pending = [i for i in pending if model[i] < 0]
                for index in settled:
                    verdicts[index] = True
                # prefer leaving out what is settled: the next model reaches for the rest
                sat.set_phases([-(index + 1) for index in settled])

            calls += 1
            if sat.solve():
                settle()
            else:
                verdicts = [False] * count  # the essential packages cannot be installed
                pending = []
            while pending:
                index = pending[0]
                calls += 1
                if sat.solve([index + 1]):
                    settle()
                else:
                    verdicts[index] = False
                    pending = pending[1:]
        broken = tuple(
            BrokenPackage(
                universe.packages[index],
                explain_broken(universe, index) if explain else (),
            )
            for index in range(count)
            if not verdicts[index]
        )
    return InstallabilityReport(
        checked=count,
        broken=broken,
        skipped=(*archive.skipped, *rejected),
        ignored=archive.ignored,
        solver_calls=calls,
        essential=essential,
    )


def installation_set(
    archive: DebianArchive, package: BinaryPackage, *, essential: bool = True
) -> frozenset[BinaryPackage] | None:
    """Some installation that holds ``package``, or ``None`` when it is broken.

    The set is the solver's model: a valid installation, not a smallest one.
    """
    universe, _ = _universe(archive, essential)
    index = next((i for i, p in enumerate(universe.packages) if p == package), None)
    if index is None:
        return None
    with SatSolver("cadical195", clauses(universe)) as sat:
        sat.set_phases([-(i + 1) for i in range(len(universe))])
        if not sat.solve([index + 1]):
            return None
        return frozenset(
            universe.packages[lit - 1] for lit in sat.model()[: len(universe)] if lit > 0
        )


def extended_problem(
    archive: DebianArchive, roots: Sequence[BinaryPackage], *, essential: bool = True
) -> DebianProblem:
    """The archive as an extended problem of the Package Calculus, one check root per root.

    See :mod:`polypac.ecosystems.debian._extended`: ``check_package(i)`` is installable
    exactly when ``roots[i]`` is.
    """
    return _extended_problem(archive.packages, archive.architectures, roots, essential=essential)


def installability_by_reduction(
    archive: DebianArchive, *, essential: bool = True
) -> dict[BinaryPackage, bool]:
    """Every package's verdict the generic way: extended problem, reduction, core SAT."""
    packages = archive.packages
    if not packages:
        return {}
    with _gc_paused():
        core = reduce(extended_problem(archive, packages, essential=essential)).problem
        roots: list[Package[CoreVersion[DebianVersion]]] = [
            Package(check.name, check.version)
            for check in (check_package(i) for i in range(len(packages)))
        ]
        result = check_installability(core.packages, core.dependencies, roots)
    return {package: result.verdicts[root] for package, root in zip(packages, roots, strict=True)}
