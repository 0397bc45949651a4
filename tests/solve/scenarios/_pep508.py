"""A test-only adapter: Python indexes (PEP 508 requirements) as extended problems.

Names are normalized (PEP 503). Markers are evaluated for one fixed environment, so a
dependency either applies or does not; ``extra == 'x'`` markers make a dependency part of
feature ``x`` (the extended calculus' features: ``m[x]`` at ``v`` needs ``m`` at exactly
``v``). An extra that some requirement asks for but a version does not define is an empty
feature of that version: pip and uv warn and go on. ``requires_python`` is a requirement on
a real package ``python`` whose only version is the target interpreter.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from packaging.markers import Marker, UndefinedComparison
from packaging.requirements import InvalidRequirement
from packaging.requirements import Requirement as Pep508
from packaging.utils import canonicalize_name

from polypac.calculus import ExtendedProblem, Package
from polypac.calculus.extended import Formula, Requirement
from polypac.errors import InvalidVersion
from polypac.version import get_scheme
from polypac.version.sets import VersionSet

__all__ = ["PYPI", "PYTHON", "ROOT", "Release", "build", "parse"]

PYPI = get_scheme("pypi")
ROOT = "<root>"
PYTHON = "python"
_EXTRA = re.compile(r"""extra\s*==\s*['"]([^'"]+)['"]""")

RangeOf = Callable[[str, str], VersionSet[Any]]


@dataclass(frozen=True, slots=True)
class Release:
    """One version of a package: its requirements, its extras, its Requires-Python."""

    requires: tuple[str, ...] = ()
    extras: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    requires_python: str | None = None


def parse(text: str) -> Pep508:
    """A PEP 508 requirement; old-style ``name (>=1,<2)`` is accepted by packaging."""
    return Pep508(text)


def _default_range(name: str, specifier: str) -> VersionSet[Any]:
    return PYPI.parse_range(specifier)


def _holds(marker: Marker, environment: Mapping[str, str]) -> bool:
    try:
        return marker.evaluate(dict(environment))
    except UndefinedComparison:  # e.g. "platform_python_implementation === 'pypy'"
        return False


def _split(
    texts: Iterable[str], environment: Mapping[str, str]
) -> tuple[list[Pep508], dict[str, list[Pep508]]]:
    """The requirements that apply in ``environment``: always, and per extra."""
    base: list[Pep508] = []
    extras: dict[str, list[Pep508]] = {}
    for text in texts:
        requirement = parse(text)
        marker = requirement.marker
        if marker is None:
            base.append(requirement)
            continue
        if _holds(marker, {**environment, "extra": ""}):
            base.append(requirement)
            continue
        for extra in set(_EXTRA.findall(str(marker))):
            if _holds(marker, {**environment, "extra": extra}):
                extras.setdefault(canonicalize_name(extra), []).append(requirement)
    return base, extras


class _Builder:
    def __init__(
        self,
        index: Mapping[str, Mapping[str, Release]],
        environment: Mapping[str, str],
        range_of: RangeOf,
        python: str | None,
    ) -> None:
        self.index: dict[str, Mapping[str, Release]] = {
            canonicalize_name(n): vs for n, vs in index.items()
        }
        self.environment = environment
        self.range_of = range_of
        self.python = python
        self.packages: dict[str, list[Any]] = {}
        self.dependencies: dict[Package[Any], tuple[Formula[Any], ...]] = {}
        self.features: dict[Package[Any], dict[str, tuple[Formula[Any], ...]]] = {}
        self.asked_extras: dict[str, set[str]] = {}
        self.frontier: list[tuple[str, VersionSet[Any]]] = []
        self.reached: dict[str, VersionSet[Any]] = {}
        self.parsed: dict[str, Any] = {}

    def parse_version(self, text: str) -> Any:
        version = self.parsed.get(text)
        if version is None:
            version = self.parsed[text] = PYPI.parse_version(text)
        return version

    def requirement(self, requirement: Pep508) -> Requirement[Any]:
        name = canonicalize_name(requirement.name)
        extras = frozenset(canonicalize_name(e) for e in requirement.extras)
        self.asked_extras.setdefault(name, set()).update(extras)
        versions = self.range_of(name, str(requirement.specifier))
        self.frontier.append((name, versions))
        return Requirement(name, versions, extras)

    def python_requirement(self, text: str | None) -> tuple[Formula[Any], ...]:
        if text is None or self.python is None:
            return ()
        return (Requirement(PYTHON, PYPI.parse_range(text)),)

    def release(
        self,
        name: str,
        text: str,
        release: Release,
        wanted: VersionSet[Any],
        done: VersionSet[Any] | None,
    ) -> None:
        try:
            version = self.parse_version(text)
        except InvalidVersion:  # a legacy version string of an old index: pip skips it too
            return
        if not wanted.contains(version) or (done is not None and done.contains(version)):
            return
        package = Package(name, version)
        try:
            base, marker_extras = _split(release.requires, self.environment)
        except InvalidRequirement:  # broken metadata (seen in old PyPI snapshots): unusable
            return
        self.packages[name].append(version)
        self.dependencies[package] = (
            *self.python_requirement(release.requires_python),
            *(self.requirement(r) for r in base),
        )
        features: dict[str, list[Pep508]] = dict(marker_extras)
        for extra, texts in release.extras.items():
            applying, nested = _split(texts, self.environment)
            features.setdefault(canonicalize_name(extra), []).extend(applying)
            for more in nested.values():  # "extra == ..." inside an extra: not seen in data
                features[canonicalize_name(extra)].extend(more)
        self.features[package] = {
            extra: tuple(self.requirement(r) for r in reqs) for extra, reqs in features.items()
        }

    def run(self, root_requires: Iterable[str], root_python: str | None) -> ExtendedProblem[Any]:
        root = Package(ROOT, PYPI.parse_version("0"))
        self.packages[ROOT] = [root.version]
        base, _ = _split(root_requires, self.environment)
        self.dependencies[root] = (
            *self.python_requirement(root_python),
            *(self.requirement(r) for r in base),
        )
        # Only versions some requirement admits are read: no other can be in a minimal
        # resolution, and pruning the rest keeps big indexes cheap to reduce.
        while self.frontier:
            name, versions = self.frontier.pop()
            known = self.reached.get(name)
            if known is not None and versions.is_subset(known):
                continue
            self.reached[name] = versions if known is None else known.union(versions)
            self.packages.setdefault(name, [])
            for text, release in self.index.get(name, {}).items():
                self.release(name, text, release, versions, known)
        if self.python is not None:
            self.packages[PYTHON] = [PYPI.parse_version(self.python)]
        # every extra asked for is a feature of every version (empty where undefined)
        for name, asked in self.asked_extras.items():
            for version in self.packages.get(name, ()):
                defined = self.features.setdefault(Package(name, version), {})
                for extra in asked:
                    defined.setdefault(extra, ())
        return ExtendedProblem(
            root=root,
            packages={n: tuple(vs) for n, vs in self.packages.items()},
            dependencies=self.dependencies,
            features={p: fs for p, fs in self.features.items() if fs},
        )


def build(
    root_requires: Iterable[str],
    index: Mapping[str, Mapping[str, Release]],
    environment: Mapping[str, str],
    *,
    range_of: RangeOf = _default_range,
    python: str | None = None,
    root_python: str | None = None,
) -> ExtendedProblem[Any]:
    """The extended problem of a root's requirements over ``index`` (names reachable only).

    ``range_of(name, specifier)`` reads a specifier (default: PEP 440 with packaging's
    pre-release rule); ``python`` is the target interpreter version, if Requires-Python
    counts.
    """
    return _Builder(index, environment, range_of, python).run(root_requires, root_python)


def marker_holds(text: str | None, environment: Mapping[str, str]) -> bool:
    """Whether a marker text holds in ``environment`` (no marker always holds)."""
    return text is None or Marker(text).evaluate({**environment, "extra": ""})
