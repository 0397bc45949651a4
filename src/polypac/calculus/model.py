"""The core of the Package Calculus (Gibb 2026, "Package Managers à la Carte").

A package is a pair (name, version); R is the set of packages that exist; Δ is a set of
dependencies (p, m, vs): package p needs name m at some version in the set vs. S is a
resolution for a root r when S ⊆ R, r ∈ S, every dependency of every member is met by a
member, and no name appears twice in S. Versions are any ordered values; version sets are
:class:`~polypac.version.sets.VersionSet`, so every ecosystem's rules carry over exactly.

Pure data, no I/O::

    >>> from polypac.calculus.model import Ordinal, Problem, Package, Dependency
    >>> from polypac.version.sets import VersionSet
    >>> one = Ordinal(1)
    >>> problem = Problem(
    ...     root=Package("app", one),
    ...     packages={"app": (one,), "lib": (one,)},
    ...     dependencies={Package("app", one): (Dependency("lib", VersionSet.full()),)},
    ... )
    >>> problem.versions_of("lib")
    (Ordinal(value=1),)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from polypac.errors import PolypacError
from polypac.version.sets import Version, VersionSet

__all__ = [
    "Dependency",
    "InvalidProblem",
    "Ordinal",
    "Package",
    "Problem",
]

V = TypeVar("V", bound=Version)


class InvalidProblem(PolypacError, ValueError):
    """A problem that breaks the calculus' own rules (a root or dependent not in R)."""


@dataclass(frozen=True, slots=True, order=True)
class Ordinal:
    """A version that is just a number: for synthetic packages and for tests."""

    value: int

    @property
    def is_prerelease(self) -> bool:
        """Never: ordinals have no pre-releases."""
        return False

    def __str__(self) -> str:
        return str(self.value)


@dataclass(frozen=True, slots=True)
class Package(Generic[V]):
    """A package: a name at one version."""

    name: str
    version: V

    def __str__(self) -> str:
        return f"{self.name} {self.version}"


@dataclass(frozen=True, slots=True)
class Dependency(Generic[V]):
    """What one package needs: some version of ``name`` within ``versions``."""

    name: str
    versions: VersionSet[V]


@dataclass(frozen=True, slots=True)
class Problem(Generic[V]):
    """R (``packages``: the versions that exist, per name), Δ and a root.

    ``dependencies`` maps a package to what it needs; a package missing from it needs
    nothing. Versions of each name are kept sorted, oldest first.
    """

    root: Package[V]
    packages: Mapping[str, tuple[V, ...]]
    dependencies: Mapping[Package[V], tuple[Dependency[V], ...]] = field(default_factory=dict)

    # versions per name as a set: ``exists`` runs once per package while a problem is built
    _versions: Mapping[str, frozenset[V]] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "packages", {name: tuple(sorted(set(vs))) for name, vs in self.packages.items()}
        )
        object.__setattr__(
            self, "_versions", {name: frozenset(vs) for name, vs in self.packages.items()}
        )
        if not self.exists(self.root):
            raise InvalidProblem(f"the root {self.root} is not among the packages that exist")
        for package in self.dependencies:
            if not self.exists(package):
                raise InvalidProblem(f"{package} has dependencies but does not exist")

    def exists(self, package: Package[V]) -> bool:
        """Whether ``package`` is in R."""
        versions = self._versions.get(package.name)
        return versions is not None and package.version in versions

    def versions_of(self, name: str) -> tuple[V, ...]:
        """The versions of ``name`` in R, oldest first (empty for an unknown name)."""
        return self.packages.get(name, ())

    def dependencies_of(self, package: Package[V]) -> tuple[Dependency[V], ...]:
        """What ``package`` needs."""
        return self.dependencies.get(package, ())

    def matching(self, dependency: Dependency[V]) -> tuple[V, ...]:
        """The versions in R that meet ``dependency``."""
        return tuple(
            v for v in self.versions_of(dependency.name) if dependency.versions.contains(v)
        )

    def all_packages(self) -> Iterator[Package[V]]:
        """Every package of R."""
        for name, versions in self.packages.items():
            for version in versions:
                yield Package(name, version)
