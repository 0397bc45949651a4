"""The one independent checker of a resolution: exactly the four conditions of the calculus.

Every solver answer passes through :func:`check_resolution` in the tests; it shares no code
with any solver. An empty result means the resolution is valid.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from polypac.calculus.model import Dependency, Package, Problem
from polypac.version.sets import Version

__all__ = ["Violation", "check_resolution", "is_resolution"]

V = TypeVar("V", bound=Version)


@dataclass(frozen=True, slots=True)
class Violation(Generic[V]):
    """One broken condition, with the packages involved and a reason for people."""

    kind: str  # "not-real" | "no-root" | "unmet" | "two-versions"
    reason: str
    package: Package[V] | None = None
    dependency: Dependency[V] | None = None


def check_resolution(problem: Problem[V], resolution: Iterable[Package[V]]) -> list[Violation[V]]:
    """Every way ``resolution`` fails to be a resolution of ``problem`` (empty if none)."""
    chosen = set(resolution)
    violations: list[Violation[V]] = []
    for package in sorted(chosen, key=str):
        if not problem.exists(package):
            violations.append(Violation("not-real", f"{package} does not exist", package))
    if problem.root not in chosen:
        violations.append(
            Violation("no-root", f"the root {problem.root} is not selected", problem.root)
        )
    by_name: dict[str, list[Package[V]]] = defaultdict(list)
    for package in chosen:
        by_name[package.name].append(package)
    for name in sorted(by_name):
        if len(by_name[name]) > 1:
            versions = ", ".join(sorted(str(p.version) for p in by_name[name]))
            violations.append(
                Violation("two-versions", f"{name} is selected at several versions: {versions}")
            )
    for package in sorted(chosen, key=str):
        for dependency in problem.dependencies_of(package):
            if not any(
                dependency.versions.contains(p.version) for p in by_name.get(dependency.name, ())
            ):
                violations.append(
                    Violation(
                        "unmet",
                        f"{package} needs {dependency.name} at a version that is not selected",
                        package,
                        dependency,
                    )
                )
    return violations


def is_resolution(problem: Problem[V], resolution: Iterable[Package[V]]) -> bool:
    """Whether ``resolution`` meets all four conditions."""
    return not check_resolution(problem, resolution)
