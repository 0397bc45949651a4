"""A test-only adapter: packse scenarios (uv's resolver test suite) as extended problems.

uv's policies are applied to the index before the calculus sees it, each a plain rule:

- *pre-releases* (uv's ``if-necessary-or-explicit``): a name may be selected at a
  pre-release when ``prereleases`` is set, when every version of it is a pre-release, or
  when a root requirement on it names a pre-release; then every requirement on it admits
  pre-releases, otherwise none does;
- *yanked* versions exist only when a root requirement pins them with ``==``;
- *distributions*: a version is kept when it has a usable wheel (``wheel``, not in
  ``no_binary``) or a buildable sdist (``sdist``, not in ``no_build``); wheel tags are not
  read (see the xfails);
- *Requires-Python*: a requirement on ``python`` at the target version
  (``resolver_options.python``, else ``environment.python``, else 3.12); markers are read
  for a Linux CPython at that version.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from packaging.markers import default_environment
from packaging.requirements import Requirement as Pep508
from packaging.utils import canonicalize_name

from polypac.calculus import ExtendedProblem
from polypac.version._ranges import Ranges
from polypac.version.sets import VersionSet
from tests.conftest import load_json
from tests.solve.scenarios._pep508 import PYPI, Release, build

__all__ = ["Scenario", "build_problem", "scenarios", "target_python", "uses_markers"]

DEFAULT_REQUIRES_PYTHON = ">=3.12"
_PRE = re.compile(r"(a|b|rc|alpha|beta|c|pre|preview|dev)\d*", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Scenario:
    """One packse scenario."""

    slug: str
    data: dict[str, Any]

    @property
    def options(self) -> dict[str, Any]:
        """The resolver options (empty when none are given)."""
        options: dict[str, Any] = self.data.get("resolver_options") or {}
        return options


@functools.cache
def _all() -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = load_json("resolver-scenarios", "packse", "scenarios.json")
    return data


def scenarios() -> Iterator[Scenario]:
    """Every scenario, in the merged file's order (sorted by path)."""
    for data in _all():
        yield Scenario(data["name"], data)


def target_python(scenario: Scenario) -> str:
    """The python version requirements are resolved for."""
    environment = scenario.data.get("environment") or {}
    return str(scenario.options.get("python") or environment.get("python") or "3.12")


def _environment(python: str) -> dict[str, str]:
    environment: dict[str, str] = dict(default_environment())  # type: ignore[arg-type]
    parts = python.split(".")
    environment.update(
        python_version=".".join(parts[:2]),
        python_full_version=python if len(parts) > 2 else f"{python}.0",
        sys_platform="linux",
        platform_system="Linux",
        os_name="posix",
        platform_machine="x86_64",
        implementation_name="cpython",
        platform_python_implementation="CPython",
    )
    return environment


def uses_markers(scenario: Scenario) -> bool:
    """Whether any requirement of the scenario carries a marker."""
    texts = list(scenario.data["root"].get("requires", []))
    for package in scenario.data["packages"].values():
        for meta in package["versions"].values():
            texts += meta.get("requires", [])
            for extra in (meta.get("extras") or {}).values():
                texts += extra
    return any(Pep508(t).marker is not None for t in texts)


def _usable(name: str, meta: Mapping[str, Any], options: Mapping[str, Any]) -> bool:
    no_binary = {canonicalize_name(n) for n in options.get("no_binary", [])}
    no_build = {canonicalize_name(n) for n in options.get("no_build", [])}
    wheel = meta.get("wheel", True) and name not in no_binary
    sdist = meta.get("sdist", True) and name not in no_build
    return bool(wheel or sdist)


def build_problem(scenario: Scenario) -> ExtendedProblem[Any]:
    """The extended problem of a scenario under uv's policies (module docstring)."""
    data, options = scenario.data, scenario.options
    root_requires = [Pep508(t) for t in data["root"].get("requires", [])]
    pinned = {
        (canonicalize_name(r.name), PYPI.parse_version(s.version))
        for r in root_requires
        for s in r.specifier
        if s.operator in ("==", "===") and "*" not in s.version
    }
    explicit = {
        canonicalize_name(r.name)
        for r in root_requires
        if any(_PRE.search(s.version.split("+")[0].split(".", 1)[-1]) for s in r.specifier)
    }
    index: dict[str, dict[str, Release]] = {}
    only_pre: set[str] = set()
    for raw_name, package in data["packages"].items():
        name = canonicalize_name(raw_name)
        versions = package["versions"]
        if versions and all(PYPI.parse_version(v).is_prerelease for v in versions):
            only_pre.add(name)
        kept: dict[str, Release] = {}
        for text, meta in versions.items():
            if meta.get("yanked") and (name, PYPI.parse_version(text)) not in pinned:
                continue
            if not _usable(name, meta, options):
                continue
            kept[text] = Release(
                tuple(meta.get("requires", [])),
                {e: tuple(rs) for e, rs in (meta.get("extras") or {}).items()},
                meta.get("requires_python", DEFAULT_REQUIRES_PYTHON),
            )
        index[name] = kept
    allow_pre = bool(options.get("prereleases"))

    def range_of(name: str, specifier: str) -> VersionSet[Any]:
        if allow_pre or name in only_pre or name in explicit:
            return PYPI.parse_range(specifier, include_prerelease=True)
        versions = PYPI.parse_range(specifier)
        return VersionSet(versions.releases, Ranges.empty())

    python = target_python(scenario)
    return build(
        data["root"].get("requires", []),
        index,
        _environment(python),
        range_of=range_of,
        python=python,
    )
