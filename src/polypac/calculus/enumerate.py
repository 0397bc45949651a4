"""Brute force: every resolution of a small problem, the yardstick for solvers and reductions.

Exponential by design; it tries every choice of at most one version per name.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import TypeVar

from polypac.calculus.check import is_resolution
from polypac.calculus.model import Package, Problem
from polypac.version.sets import Version

__all__ = ["all_resolutions", "minimal_resolutions"]

V = TypeVar("V", bound=Version)


def all_resolutions(problem: Problem[V]) -> Iterator[frozenset[Package[V]]]:
    """Every resolution of ``problem``, each a frozen set of packages."""
    names = sorted(problem.packages)
    choices: list[list[V | None]] = [[None, *problem.versions_of(n)] for n in names]
    for picks in itertools.product(*choices):
        selection = frozenset(
            Package(name, version)
            for name, version in zip(names, picks, strict=True)
            if version is not None
        )
        if is_resolution(problem, selection):
            yield selection


def minimal_resolutions(problem: Problem[V]) -> list[frozenset[Package[V]]]:
    """The resolutions of which no proper subset is a resolution."""
    found = sorted(all_resolutions(problem), key=len)
    minimal: list[frozenset[Package[V]]] = []
    for candidate in found:
        if not any(smaller < candidate for smaller in minimal):
            minimal.append(candidate)
    return minimal
