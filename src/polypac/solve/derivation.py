"""The derivation tree of a failed resolution: data first, text later (see ``explain``).

Every node is an incompatibility: a set of terms that cannot all be true. Leaves are
external facts about the packages; inner nodes were derived by the solver from two causes
by resolution, so the root (the incompatibility that made solving fail) is proven by the
leaves under it::

    Derived {app 1}
    ├── DependsOn   app 1 depends on lib >=2        {app 1, not lib >=2}
    └── NoVersions  no version of lib in >=2        {lib >=2}

A derived node that is the cause of several others appears once, shared, and carries a
``shared_id`` so that an explanation can number it and refer back to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypeVar

from polypac.calculus.model import Package
from polypac.solve.term import Term
from polypac.version.sets import Version, VersionSet

__all__ = [
    "DependsOn",
    "Derivation",
    "Derived",
    "External",
    "NoVersions",
    "NotRoot",
    "PackageUnavailable",
    "Terms",
]

V = TypeVar("V", bound=Version)

Terms = tuple[tuple[str, Term[V]], ...]
"""The terms of an incompatibility, at most one per name, in a stable order."""


@dataclass(frozen=True, slots=True)
class NotRoot(Generic[V]):
    """The root must be selected: ``{not root version}``."""

    package: Package[V]

    @property
    def terms(self) -> Terms[V]:
        """``{not root version}``."""
        return ((self.package.name, Term.negative(VersionSet.singleton(self.package.version))),)


@dataclass(frozen=True, slots=True)
class NoVersions(Generic[V]):
    """No version of ``name`` lies in ``versions``: ``{name versions}``."""

    name: str
    versions: VersionSet[V]

    @property
    def terms(self) -> Terms[V]:
        """``{name versions}``."""
        return ((self.name, Term.positive(self.versions)),)


@dataclass(frozen=True, slots=True)
class PackageUnavailable(Generic[V]):
    """The versions ``versions`` of ``name`` cannot be used, for ``reason``."""

    name: str
    versions: VersionSet[V]
    reason: str

    @property
    def terms(self) -> Terms[V]:
        """``{name versions}``."""
        return ((self.name, Term.positive(self.versions)),)


@dataclass(frozen=True, slots=True)
class DependsOn(Generic[V]):
    """Every version of ``depender`` in ``depender_versions`` needs ``dependency`` in
    ``dependency_versions``: ``{depender depender_versions, not dependency dependency_versions}``.
    """

    depender: str
    depender_versions: VersionSet[V]
    dependency: str
    dependency_versions: VersionSet[V]

    @property
    def terms(self) -> Terms[V]:
        """The two terms, normalized.

        A term that always holds is left out (a dependency on no version at all forbids the
        depender outright), and a package that depends on its own name gets one term: the
        depender versions outside the allowed set. That term never holds when every
        depender version allows itself, and then the fact constrains nothing.
        """
        depender = Term.positive(self.depender_versions)
        needed = Term.negative(self.dependency_versions)
        if self.dependency == self.depender:
            return ((self.depender, depender.intersection(needed)),)
        if needed.is_any():
            return ((self.depender, depender),)
        return ((self.depender, depender), (self.dependency, needed))


External = NotRoot[V] | NoVersions[V] | PackageUnavailable[V] | DependsOn[V]
"""A leaf of the derivation tree: a fact that does not depend on the search."""


@dataclass(frozen=True, slots=True, eq=False)
class Derived(Generic[V]):
    """An incompatibility the solver derived from two causes by resolution.

    Compared by identity: the tree is a graph with shared nodes, and a structural comparison
    could take exponential time.
    """

    terms: Terms[V]
    cause1: Derivation[V]
    cause2: Derivation[V]
    shared_id: int | None = field(default=None)


Derivation = External[V] | Derived[V]
"""Any node of the derivation tree."""
