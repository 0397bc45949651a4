"""How the solver learns about packages: the provider protocol, and a provider over a Problem.

The solver knows nothing about registries. It asks a provider four things, lazily, only
about the names and versions it reaches: which undecided name to decide next, which version
of a name to try, what a package depends on, and whether to stop. Expected outcomes are
values: a package whose metadata cannot be had is :class:`Unavailable`, not an exception::

    >>> from polypac.calculus.model import Dependency, Ordinal, Package, Problem
    >>> from polypac.version.sets import VersionSet
    >>> app = Package("app", Ordinal(1))
    >>> problem = Problem(app, {"app": (Ordinal(1),), "lib": (Ordinal(1), Ordinal(2))})
    >>> provider = ProblemProvider(problem)
    >>> provider.choose_version("lib", VersionSet.full())
    Ordinal(value=2)
    >>> provider.get_dependencies(app)
    Available(dependencies=())
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar, runtime_checkable

from polypac.calculus.model import Dependency, Package, Problem
from polypac.errors import PolypacError
from polypac.solve.derivation import Terms
from polypac.version.sets import Version, VersionSet

__all__ = [
    "Available",
    "DependencyProvider",
    "Priority",
    "ProblemProvider",
    "ProviderError",
    "Reporter",
    "ResolutionCancelled",
    "Unavailable",
    "VersionLister",
]

V = TypeVar("V", bound=Version)
V_co = TypeVar("V_co", bound=Version, covariant=True)


class Priority(Protocol):
    """Anything that can be ordered: the solver decides the smallest priority first."""

    def __lt__(self, other: Any, /) -> bool: ...


class ResolutionCancelled(PolypacError):
    """The provider asked the solver to stop (``should_cancel`` returned true)."""


class ProviderError(PolypacError):
    """A provider broke its contract (for instance chose a version outside the set asked)."""


@dataclass(frozen=True, slots=True)
class Available(Generic[V]):
    """The dependencies of a package: what it needs, by name and version set."""

    dependencies: tuple[Dependency[V], ...]


@dataclass(frozen=True, slots=True)
class Unavailable:
    """The dependencies of a package cannot be known; the package cannot be used."""

    reason: str


class DependencyProvider(Protocol[V]):
    """What the solver asks of the outside world."""

    def prioritize(self, name: str, versions: VersionSet[V]) -> Priority:
        """How urgently to decide ``name``, now allowed ``versions``: smallest first.

        Priorities of one provider must be comparable with each other; ties are broken by
        name, and a priority is asked again whenever what is known about the name changes.
        The usual choice is the number of versions that match, so that names with few
        candidates, which fail fast, are decided first.
        """
        ...

    def choose_version(self, name: str, versions: VersionSet[V]) -> V | None:
        """The version of ``name`` in ``versions`` to try next, or ``None`` if none exists.

        The solver also asks about the set without the version chosen, to learn whether
        that choice was the only one (a forced choice it can reason about at once).
        """
        ...

    def get_dependencies(self, package: Package[V]) -> Available[V] | Unavailable:
        """What ``package`` needs, or why that cannot be known."""
        ...

    def should_cancel(self) -> bool:
        """Whether to stop; the solver then raises :class:`ResolutionCancelled`."""
        ...


@runtime_checkable
class VersionLister(Protocol[V_co]):
    """A provider that can also list every version of a name (optional).

    With the list, the solver states a dependency shared by consecutive versions once, over
    the stretch of versions it holds for, gaps between them included ("every version of foo
    depends on bar" instead of "foo 1 | 2 depends on bar"), which makes shorter proofs and
    explanations. The list must hold every version the provider may choose.
    """

    def versions(self, name: str) -> Sequence[V_co]:
        """Every version of ``name`` there is, in any order (empty for an unknown name)."""
        ...


class Reporter(Generic[V]):
    """Progress hooks, called by the solver; every hook does nothing unless overridden."""

    def on_decision(self, package: Package[V], level: int) -> None:
        """``package`` was selected, opening decision level ``level``."""

    def on_conflict(self, terms: Terms[V]) -> None:
        """The incompatibility ``terms`` is broken by the current partial solution."""

    def on_backtrack(self, level: int) -> None:
        """Every decision above ``level`` was undone."""


class ProblemProvider(Generic[V]):
    """A provider over an in-memory :class:`~polypac.calculus.model.Problem`.

    Decides the name with the fewest matching versions first and tries the newest matching
    version first, as package managers do.
    """

    def __init__(self, problem: Problem[V]) -> None:
        self.problem = problem

    def prioritize(self, name: str, versions: VersionSet[V]) -> int:
        """The number of versions of ``name`` that exist and lie in ``versions``."""
        return sum(1 for v in self.problem.versions_of(name) if versions.contains(v))

    def choose_version(self, name: str, versions: VersionSet[V]) -> V | None:
        """The newest version of ``name`` in ``versions`` that exists."""
        for version in reversed(self.problem.versions_of(name)):
            if versions.contains(version):
                return version
        return None

    def versions(self, name: str) -> tuple[V, ...]:
        """Every version of ``name`` in the problem (see :class:`VersionLister`)."""
        return self.problem.versions_of(name)

    def get_dependencies(self, package: Package[V]) -> Available[V] | Unavailable:
        """The dependencies the problem lists for ``package``."""
        if not self.problem.exists(package):
            return Unavailable(f"{package} does not exist")
        return Available(self.problem.dependencies_of(package))

    def should_cancel(self) -> bool:
        """Never: an in-memory problem is always cheap to finish."""
        return False
