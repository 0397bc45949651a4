"""A test-only adapter: SwiftPM's dependency-graph inputs (via resolvelib) as core problems.

Every requirement is SwiftPM's half-open range ``lower..<upper``, read with the ``semver``
scheme as ``>=lower, <upper``. Packages are named by repository URL; the root is the
file's ``name``. Containers that are named but not listed have no versions.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from polypac.calculus import Dependency, Package, Problem
from polypac.version import get_scheme
from polypac.version.sets import VersionSet
from tests.conftest import anchor

__all__ = ["SEMVER", "Case", "cases", "problem_of"]

SEMVER = get_scheme("semver")
FOLDER = ("resolver-scenarios", "swift")


@dataclass(frozen=True, slots=True)
class Case:
    """One input file."""

    slug: str
    data: dict[str, Any]


def cases() -> Iterator[Case]:
    """Every input file, by name."""
    for path in sorted(anchor(*FOLDER).glob("*.json")):
        yield Case(path.stem, json.loads(path.read_text(encoding="utf-8")))


def _range(bounds: list[str]) -> VersionSet[Any]:
    lower, upper = bounds
    return SEMVER.parse_range(f">={lower}, <{upper}")


def _dependencies(constraints: list[dict[str, Any]]) -> tuple[Dependency[Any], ...]:
    return tuple(Dependency(c["identifier"], _range(c["requirement"])) for c in constraints)


def problem_of(case: Case) -> Problem[Any]:
    """The core problem of one input file."""
    root = Package(case.data["name"], SEMVER.parse_version("0.0.0"))
    packages: dict[str, tuple[Any, ...]] = {root.name: (root.version,)}
    dependencies = {root: _dependencies(case.data["constraints"])}
    for container in case.data["containers"]:
        name = container["identifier"]
        versions = []
        for text, needs in container["versions"].items():
            version = SEMVER.parse_version(text)
            versions.append(version)
            dependencies[Package(name, version)] = _dependencies(needs)
        packages[name] = tuple(versions)
    return Problem(root, packages, dependencies)
