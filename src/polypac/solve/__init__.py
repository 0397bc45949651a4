"""Solvers over the core of the Package Calculus.

:func:`solve` is PubGrub: conflict-driven search over version sets, fed lazily by a
:class:`DependencyProvider`, answering with a :class:`Resolution` or an
:class:`Unsatisfiable` whose derivation tree :func:`explain` words for people.
"""

from __future__ import annotations

from polypac.solve.derivation import (
    DependsOn,
    Derivation,
    Derived,
    External,
    NotRoot,
    NoVersions,
    PackageUnavailable,
    Terms,
)
from polypac.solve.explain import collapse_no_versions, explain, readable_versions, simplest_form
from polypac.solve.provider import (
    Available,
    DependencyProvider,
    Priority,
    ProblemProvider,
    ProviderError,
    Reporter,
    ResolutionCancelled,
    Unavailable,
    VersionLister,
)
from polypac.solve.pubgrub import solve
from polypac.solve.result import Resolution, Unsatisfiable
from polypac.solve.term import Relation, Term

__all__ = [
    "Available",
    "DependencyProvider",
    "DependsOn",
    "Derivation",
    "Derived",
    "External",
    "NoVersions",
    "NotRoot",
    "PackageUnavailable",
    "Priority",
    "ProblemProvider",
    "ProviderError",
    "Relation",
    "Reporter",
    "Resolution",
    "ResolutionCancelled",
    "Term",
    "Terms",
    "Unavailable",
    "Unsatisfiable",
    "VersionLister",
    "collapse_no_versions",
    "explain",
    "readable_versions",
    "simplest_form",
    "solve",
]
