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

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from polypac.calculus.extended import ExtendedProblem, Formula, Requirement
from polypac.calculus.model import Package
from polypac.pac import format_pac
from polypac.version import get_scheme
from polypac.version.sets import VersionSet

__all__ = ["Locked", "pac_lock"]


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
