"""The Package Calculus: one model of dependency resolution for every package manager."""

from __future__ import annotations

from polypac.calculus.check import Violation, check_resolution, is_resolution
from polypac.calculus.enumerate import all_resolutions, minimal_resolutions
from polypac.calculus.model import Dependency, InvalidProblem, Ordinal, Package, Problem

__all__ = [
    "Dependency",
    "InvalidProblem",
    "Ordinal",
    "Package",
    "Problem",
    "Violation",
    "all_resolutions",
    "check_resolution",
    "is_resolution",
    "minimal_resolutions",
]
