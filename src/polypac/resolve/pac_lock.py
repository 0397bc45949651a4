"""A resolution written as Pac: a problem whose only answer is that resolution.

Every chosen package version is a ``package`` line, and each of its dependencies is a
requirement on exactly the version chosen for it, so solving the lock gives the
resolution back (the tests do). One format holds the answer of any package manager:
a Python resolution (one version per name), npm's tree (several versions of one name,
``granularity exact``), a Debian install plan. Lines are sorted and carry no date, so
the same resolution gives the same bytes.

    >>> print(pac_lock("npm", Locked("app", "1.0.0", (("ms", "2.1.3"),)),
    ...                [Locked("ms", "2.1.3")]), end="")
    scheme npm
    root app 1.0.0
    <BLANKLINE>
    package app 1.0.0
      depends ms 2.1.3
    <BLANKLINE>
    package ms 2.1.3
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from polypac.calculus.extended import (
    AllOf,
    AnyOf,
    ExtendedProblem,
    ExtendedResolution,
    Formula,
    Requirement,
    When,
)
from polypac.calculus.model import Package
from polypac.pac import PacDocument, format_pac
from polypac.version import get_scheme
from polypac.version.sets import VersionSet

__all__ = ["Locked", "pac_lock", "resolution_lock"]


@dataclass(frozen=True, slots=True)
class Locked:
    """One chosen package version and the versions chosen for its dependencies."""

    name: str
    version: str
    depends: tuple[tuple[str, str], ...] = ()


def pac_lock(
    scheme: str, root: Locked, packages: Iterable[Locked], *, granularity: str = "single"
) -> str:
    """The Pac text of a resolution of ``root`` whose versions are read by ``scheme``.

    ``granularity`` is ``exact`` where several versions of a name are installed (npm).
    Raises :class:`polypac.errors.InvalidVersion` for a version the scheme cannot read.
    """
    versions = get_scheme(scheme)
    parse = versions.parse_version
    every = [root, *packages]
    by_name: dict[str, set[Any]] = {}
    dependencies: dict[Package[Any], tuple[Formula[Any], ...]] = {}
    for locked in every:
        version = parse(locked.version)
        by_name.setdefault(locked.name, set()).add(version)
        requirements = tuple(
            Requirement(name, VersionSet.singleton(parse(pinned)))
            for name, pinned in sorted(set(locked.depends))
        )
        if requirements:
            dependencies[Package(locked.name, version)] = requirements
    problem: ExtendedProblem[Any] = ExtendedProblem(
        root=Package(root.name, parse(root.version)),
        packages={name: tuple(sorted(found)) for name, found in sorted(by_name.items())},
        dependencies=dependencies,
        granularity=granularity,
    )
    return format_pac(problem, scheme=scheme)


def resolution_lock(document: PacDocument, resolution: ExtendedResolution[Any]) -> str:
    """The Pac lock of a resolution of ``document``'s problem: each chosen version depends
    on the chosen version of every name its satisfied requirements (dependencies, enabled
    features, peers) name; with concurrent versions, on the version it is linked to."""
    problem = document.problem
    chosen: dict[str, set[Any]] = {}
    for package in resolution.packages:
        chosen.setdefault(package.name, set()).add(package.version)
    linked = {(link.dependent, link.target.name): link.target for link in resolution.links}
    dependencies: dict[Package[Any], tuple[Formula[Any], ...]] = {}
    for package in sorted(resolution.packages, key=lambda p: (p.name, p.version)):
        formulas = list(problem.dependencies.get(package, ()))
        features = problem.features.get(package, {})
        for feature in sorted(resolution.features_of(package)):
            formulas.extend(features.get(feature, ()))
        formulas.extend(problem.peers.get(package, ()))
        pins: dict[str, Any] = {}
        for requirement in _positive(formulas):
            target = linked.get((package, requirement.name))
            if target is not None:
                pins[requirement.name] = target.version
                continue
            met = [v for v in chosen.get(requirement.name, ()) if requirement.versions.contains(v)]
            if met:
                pins[requirement.name] = max(met)
        if pins:
            dependencies[package] = tuple(
                Requirement(name, VersionSet.singleton(version))
                for name, version in sorted(pins.items())
            )
    lock: ExtendedProblem[Any] = ExtendedProblem(
        root=problem.root,
        packages={name: tuple(sorted(found)) for name, found in sorted(chosen.items())},
        dependencies=dependencies,
        granularity=problem.granularity,
    )
    return format_pac(lock, scheme=document.scheme, schemes=document.schemes)


def _positive(formulas: Iterable[Formula[Any]]) -> Iterator[Requirement[Any]]:
    """The requirements a formula asks for (not those it forbids, nor variable tests)."""
    for formula in formulas:
        match formula:
            case Requirement():
                yield formula
            case AllOf(parts) | AnyOf(parts):
                yield from _positive(parts)
            case When(_, then):
                yield from _positive([then])
            case _:
                continue
