"""What a solve returns: a :class:`Resolution`, or an :class:`Unsatisfiable` with its proof."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from polypac.calculus.model import Package
from polypac.solve.derivation import Derivation
from polypac.version.sets import Version

__all__ = ["Resolution", "Unsatisfiable"]

V = TypeVar("V", bound=Version)


@dataclass(frozen=True, slots=True)
class Resolution(Generic[V]):
    """The packages selected for ``root``: one version per name, the root included."""

    root: Package[V]
    selected: Mapping[str, V]

    def packages(self) -> tuple[Package[V], ...]:
        """The selection as packages, sorted by name."""
        return tuple(Package(name, self.selected[name]) for name in sorted(self.selected))


@dataclass(frozen=True, slots=True)
class Unsatisfiable(Generic[V]):
    """No resolution exists for ``root``; ``derivation`` proves it.

    The root of ``derivation`` is an incompatibility that every resolution would break:
    it has no terms, or only the term "``root`` is selected". Turn it into text with
    :func:`polypac.solve.explain.explain`.
    """

    root: Package[V]
    derivation: Derivation[V]
