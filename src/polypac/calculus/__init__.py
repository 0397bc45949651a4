"""The Package Calculus: one model of dependency resolution for every package manager."""

from __future__ import annotations

from polypac.calculus.check import Violation, check_resolution, is_resolution
from polypac.calculus.enumerate import all_resolutions, minimal_resolutions
from polypac.calculus.extended import (
    AllOf,
    AnyOf,
    Condition,
    ExtendedProblem,
    ExtendedResolution,
    ExtendedViolation,
    Formula,
    Link,
    Not,
    Provide,
    Requirement,
    When,
    all_extended_resolutions,
    check_extended,
    granule_of,
    is_extended_resolution,
)
from polypac.calculus.model import Dependency, InvalidProblem, Ordinal, Package, Problem
from polypac.calculus.reduce import Reduction, reduce

__all__ = [
    "AllOf",
    "AnyOf",
    "Condition",
    "Dependency",
    "ExtendedProblem",
    "ExtendedResolution",
    "ExtendedViolation",
    "Formula",
    "InvalidProblem",
    "Link",
    "Not",
    "Ordinal",
    "Package",
    "Problem",
    "Provide",
    "Reduction",
    "Requirement",
    "Violation",
    "When",
    "all_extended_resolutions",
    "all_resolutions",
    "check_extended",
    "check_resolution",
    "granule_of",
    "is_extended_resolution",
    "is_resolution",
    "minimal_resolutions",
    "reduce",
]
