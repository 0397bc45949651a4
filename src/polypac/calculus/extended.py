"""The extended Package Calculus: what real package managers add to the core, checked directly.

The core (:mod:`polypac.calculus.model`) knows packages, dependencies on a name at a set of
versions, and four conditions. Package managers say more; Gibb's "Package Managers à la Carte"
(2026) shows each addition reduces to the core (:mod:`polypac.calculus.reduce`). This module
states what each addition *means*, with a checker that reads the meaning straight off the
definitions and shares no code with the reductions, and a brute-force enumerator, so the
reductions can be tested against it.

**Formulae.** A package's dependencies are formulae:

- :class:`Requirement` ``(m, vs, features)``: some selected ``(m, v)`` with ``v ∈ vs`` has
  the requested features enabled, or (Debian) a selected package *provides* ``m`` to suit.
- :class:`Not`, :class:`AllOf`, :class:`AnyOf`: boolean combinations (alternatives ``a | b``,
  conflicts ``not m``). Negation is read in negation normal form, and a negated requirement
  never counts the package that declares it: a package does not conflict with itself (Debian
  policy 7.4: a package may conflict with a virtual package it provides).
- :class:`Condition` ``x ∈ values``: a *variable* (python_version, sys_platform, the
  architecture) has a value; every resolution assigns each declared variable exactly one value
  from its domain, the ``environment`` may fix it, unfixed variables are free.
- :class:`When` ``c then f``: ``not c or f``, where ``c`` tests variables only (markers).

**Features** (Cargo features, Python extras, optional dependencies): a package version
defines named features, each with extra formulae. A resolution enables a set of features per
selected package (one set per package: features unify). A requirement asking for features is
met only by an instance that has them enabled. With ``default_feature`` set (Cargo:
``"default"``) a requirement also asks for that feature of any version that defines it,
unless ``default_features=False``. A negated requirement may not ask for features.

**Virtual packages and provides** (Debian): a package may provide a name, at a version or
unversioned. A requirement ``(m, vs)`` is met by a real ``(m, v)``, ``v ∈ vs``, or by a
selected provider of ``m`` whose provided version is in ``vs``; an unversioned provide meets
only an unversioned requirement (``vs`` full), as Debian policy 7.5 says. Providers never
meet a requirement that asks for features.

**Concurrent versions**: with a granularity other than ``"single"`` a name may be selected at
several versions whose granules differ (:func:`granule_of`). A package's *direct*
requirements (its top-level :class:`Requirement` dependencies and its peers) are then served
by one chosen instance per name, its *link*; the link must meet every direct requirement on
that name. Requirements inside other formulae or features are met by any instance.

**Peer dependencies** (npm 7+): a peer ``(p, m, vs)`` is a direct requirement of ``p`` on
``m`` (so ``m`` is installed even if nobody else asks for it), and, with concurrent versions,
``p`` must use the *same instance* of ``m`` as every dependent ``q`` that links to ``p`` and
has a direct requirement on ``m`` itself. Without concurrency there is one ``m``, so a peer
is a plain requirement. (npm would duplicate ``p`` when two dependents disagree; a set of
packages cannot, so that case has no resolution here.)

**Public and private dependencies** (Cargo RFC 1977): with concurrent versions, the packages a
package ``q`` *sees* are its links and, transitively, the links of the public direct
requirements of what it sees; ``q`` may not see two versions of one name. Private
requirements hide their instance from dependents. ``q`` itself is not among what it sees, so
a crate may depend on another major version of itself (the "semver trick"). Without
concurrency, or without public requirements, this always holds.

**Writing ecosystems down.** Debian: ``Depends`` and ``Pre-Depends`` are requirements (with
alternatives as :class:`AnyOf`), ``Conflicts`` and ``Breaks`` are negated requirements,
``Provides`` are provides (versioned or not), an architecture qualifier is part of the name
(``libc6:amd64``). Python: extras are features, markers are :class:`When` over variables.
Cargo: features with ``default_feature="default"``, an optional dependency is a feature's
requirement, ``semver-major`` granularity, ``public`` requirements. npm: ``exact``
granularity and peers.

**Version formulae**: :class:`VersionTest`, :class:`VersionAnd`, :class:`VersionOr`,
:class:`VersionNot` over comparators, evaluated directly by :func:`version_formula_holds`.

A resolution (:class:`ExtendedResolution`) is the selected packages, the enabled features,
the variables' values and, with concurrent versions, the links::

    >>> from polypac.calculus.extended import ExtendedProblem, Requirement, AnyOf
    >>> from polypac.calculus.extended import ExtendedResolution, check_extended
    >>> from polypac.calculus.model import Ordinal, Package
    >>> from polypac.version.sets import VersionSet
    >>> one = Ordinal(1)
    >>> problem = ExtendedProblem(
    ...     root=Package("app", one),
    ...     packages={"app": (one,), "exim": (one,)},
    ...     dependencies={Package("app", one): (
    ...         AnyOf((Requirement("postfix", VersionSet.full()),
    ...                Requirement("exim", VersionSet.full()))),)},
    ... )
    >>> check_extended(problem, ExtendedResolution(frozenset({Package("app", one)})))[0].reason
    'app 1 needs (postfix | exim), which does not hold'
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Generic, TypeAlias, TypeVar

from polypac.calculus.model import InvalidProblem, Package
from polypac.version._ranges import Ranges
from polypac.version.scheme import ComparatorOp
from polypac.version.sets import Version, VersionSet

__all__ = [
    "GRANULARITIES",
    "AllOf",
    "AnyOf",
    "Condition",
    "ExtendedProblem",
    "ExtendedResolution",
    "ExtendedViolation",
    "Formula",
    "Link",
    "Not",
    "Provide",
    "Requirement",
    "VersionAnd",
    "VersionFormula",
    "VersionNot",
    "VersionOr",
    "VersionTest",
    "When",
    "all_extended_resolutions",
    "check_extended",
    "describe_versions",
    "granule_of",
    "is_extended_resolution",
    "version_formula_holds",
]

V = TypeVar("V", bound=Version)

GRANULARITIES = ("single", "exact", "semver-major")
"""The granularity functions by name: ``single`` (one version per name), ``exact`` (npm: any
two distinct versions may coexist), ``semver-major`` (Cargo: versions coexist when they are
semver-incompatible)."""


def granule_of(granularity: str, version: object) -> object:
    """The granule of ``version``: two selected versions of one name must differ in it.

    ``semver-major`` follows Cargo: the major version, or ``0.minor`` for ``0.x``, or
    ``0.0.patch`` for ``0.0.x``, for any version with integer ``major``/``minor``/``patch``
    attributes; a version without them (an :class:`~polypac.calculus.model.Ordinal`) is its
    own granule.

    >>> from polypac.version.semver import SemVer
    >>> granule_of("semver-major", SemVer(1, 4, 2)), granule_of("semver-major", SemVer(0, 3, 1))
    ('1', '0.3')
    """
    if granularity == "single":
        return ""
    if granularity == "exact":
        return version
    if granularity == "semver-major":
        major = getattr(version, "major", None)
        minor = getattr(version, "minor", None)
        patch = getattr(version, "patch", None)
        if isinstance(major, int) and isinstance(minor, int) and isinstance(patch, int):
            if major:
                return str(major)
            if minor:
                return f"0.{minor}"
            return f"0.0.{patch}"
        return version
    raise InvalidProblem(
        f"unknown granularity {granularity!r}; expected one of {', '.join(GRANULARITIES)}"
    )


def describe_versions(versions: VersionSet[V]) -> str:
    """A short text for a version set: ``*``, ``=2``, ``>=1 <3``, ``=1 || >=4``."""
    if versions.is_full():
        return "*"
    text = _describe_ranges(versions.releases)
    if VersionSet.from_ranges(versions.releases).prereleases != versions.prereleases:
        text += f" (pre-releases {_describe_ranges(versions.prereleases)})"
    return text


def _describe_ranges(ranges: Ranges[V]) -> str:
    if ranges.is_empty():
        return "(none)"
    parts = []
    for segment in ranges.segments:
        lo, hi = segment.lower, segment.upper
        if lo is not None and hi is not None and lo == hi:
            parts.append(f"={lo.version}")
            continue
        bounds = []
        if lo is not None:
            bounds.append(f"{'>=' if lo.inclusive else '>'}{lo.version}")
        if hi is not None:
            bounds.append(f"{'<=' if hi.inclusive else '<'}{hi.version}")
        parts.append(" ".join(bounds) or "*")
    return " || ".join(parts)


# --- formulae -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Requirement(Generic[V]):
    """Some selected ``name`` at a version in ``versions``, with ``features`` enabled.

    ``default_features`` asks also for the problem's default feature (if it has one and the
    chosen version defines it). ``public`` marks a direct requirement whose instance the
    dependents of its declarer see (Cargo public dependencies).
    """

    name: str
    versions: VersionSet[V]
    features: frozenset[str] = frozenset()
    default_features: bool = True
    public: bool = False

    def __str__(self) -> str:
        text = self.name
        if self.features:
            text += f"[{','.join(sorted(self.features))}]"
        if not self.versions.is_full():
            text += f" {describe_versions(self.versions)}"
        return text


@dataclass(frozen=True, slots=True)
class Not(Generic[V]):
    """The formula does not hold (of a requirement: a conflict)."""

    formula: Formula[V]

    def __str__(self) -> str:
        return f"not {self.formula}"


@dataclass(frozen=True, slots=True)
class AllOf(Generic[V]):
    """Every formula holds (``true`` when empty)."""

    formulas: tuple[Formula[V], ...]

    def __str__(self) -> str:
        if not self.formulas:
            return "true"
        return "(" + " and ".join(map(str, self.formulas)) + ")"


@dataclass(frozen=True, slots=True)
class AnyOf(Generic[V]):
    """At least one formula holds (``false`` when empty): alternatives ``a | b``."""

    formulas: tuple[Formula[V], ...]

    def __str__(self) -> str:
        if not self.formulas:
            return "false"
        return "(" + " | ".join(map(str, self.formulas)) + ")"


@dataclass(frozen=True, slots=True)
class Condition:
    """The variable ``variable`` has one of ``values`` (a marker, a platform test)."""

    variable: str
    values: frozenset[str]

    def __str__(self) -> str:
        if len(self.values) == 1:
            return f"{self.variable} == {next(iter(self.values))}"
        return f"{self.variable} in {{{', '.join(sorted(self.values))}}}"


@dataclass(frozen=True, slots=True)
class When(Generic[V]):
    """``then`` holds wherever ``condition`` (a formula of variable tests only) holds."""

    condition: Formula[V]
    then: Formula[V]

    def __str__(self) -> str:
        return f"when {self.condition} then {self.then}"


Formula: TypeAlias = Requirement[V] | Not[V] | AllOf[V] | AnyOf[V] | Condition | When[V]
"""A dependency formula of the extended calculus."""


@dataclass(frozen=True, slots=True)
class Provide(Generic[V]):
    """A package provides ``name``, at ``version`` or (``None``) unversioned."""

    name: str
    version: V | None = None

    def __str__(self) -> str:
        return self.name if self.version is None else f"{self.name} (= {self.version})"


# --- version formulae -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VersionTest(Generic[V]):
    """One comparison of the candidate version with ``version``."""

    operator: ComparatorOp
    version: V


@dataclass(frozen=True, slots=True)
class VersionAnd(Generic[V]):
    """Every part holds."""

    parts: tuple[VersionFormula[V], ...]


@dataclass(frozen=True, slots=True)
class VersionOr(Generic[V]):
    """Some part holds."""

    parts: tuple[VersionFormula[V], ...]


@dataclass(frozen=True, slots=True)
class VersionNot(Generic[V]):
    """The part does not hold."""

    part: VersionFormula[V]


VersionFormula: TypeAlias = VersionTest[V] | VersionAnd[V] | VersionOr[V] | VersionNot[V]
"""A boolean combination of version comparisons."""


def version_formula_holds(formula: VersionFormula[V], version: V) -> bool:
    """Whether ``version`` satisfies ``formula``, read straight off the comparisons."""
    match formula:
        case VersionTest(operator, bound):
            below, above = version < bound, bound < version
            return {
                "<": below,
                "<=": not above,
                "=": not below and not above,
                "!=": below or above,
                ">=": not below,
                ">": above,
            }[operator]
        case VersionAnd(parts):
            return all(version_formula_holds(p, version) for p in parts)
        case VersionOr(parts):
            return any(version_formula_holds(p, version) for p in parts)
        case VersionNot(part):
            return not version_formula_holds(part, version)


# --- problems -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExtendedProblem(Generic[V]):
    """A resolution problem with every extension: see the module docstring for meanings.

    ``packages`` are the real packages (versions per name); ``dependencies``, ``features``
    (feature name to its formulae), ``peers`` and ``provides`` are keyed by package;
    ``variables`` maps each variable to its domain; ``environment`` fixes some variables.
    """

    root: Package[V]
    packages: Mapping[str, tuple[V, ...]]
    dependencies: Mapping[Package[V], tuple[Formula[V], ...]] = field(default_factory=dict)
    features: Mapping[Package[V], Mapping[str, tuple[Formula[V], ...]]] = field(
        default_factory=dict
    )
    peers: Mapping[Package[V], tuple[Requirement[V], ...]] = field(default_factory=dict)
    provides: Mapping[Package[V], tuple[Provide[V], ...]] = field(default_factory=dict)
    variables: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    environment: Mapping[str, str] = field(default_factory=dict)
    granularity: str = "single"
    default_feature: str | None = None

    # versions per name as a set: ``exists`` runs once per package while a problem is built
    _versions: Mapping[str, frozenset[V]] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "packages", {name: tuple(sorted(set(vs))) for name, vs in self.packages.items()}
        )
        object.__setattr__(
            self, "_versions", {name: frozenset(vs) for name, vs in self.packages.items()}
        )
        if self.granularity not in GRANULARITIES:
            raise InvalidProblem(
                f"unknown granularity {self.granularity!r}; expected one of "
                f"{', '.join(GRANULARITIES)}"
            )
        if not self.exists(self.root):
            raise InvalidProblem(f"the root {self.root} is not among the packages that exist")
        for what, table in (
            ("dependencies", self.dependencies),
            ("features", self.features),
            ("peers", self.peers),
            ("provides", self.provides),
        ):
            for package in table:
                if not self.exists(package):
                    raise InvalidProblem(f"{package} has {what} but does not exist")
        if self.provides and self.granularity != "single":
            raise InvalidProblem(f"provides need granularity 'single', not {self.granularity!r}")
        self._check_variables()
        for package in self.dependencies:
            for formula in self.dependencies[package]:
                self._check_formula(formula, negated=False)
        for features in self.features.values():
            for formulas in features.values():
                for formula in formulas:
                    self._check_formula(formula, negated=False)
        for peers in self.peers.values():
            for peer in peers:
                self._check_formula(peer, negated=False)

    def _check_variables(self) -> None:
        for variable, domain in self.variables.items():
            if variable in self.packages:
                raise InvalidProblem(f"{variable} is both a variable and a package name")
            if not domain or len(set(domain)) != len(domain):
                raise InvalidProblem(f"variable {variable} needs distinct values, at least one")
        for variable, value in self.environment.items():
            if variable not in self.variables:
                raise InvalidProblem(f"the environment fixes {variable}, which is not a variable")
            if value not in self.variables[variable]:
                raise InvalidProblem(
                    f"the environment fixes {variable} to {value}, which is not among its values"
                )

    def _check_formula(self, formula: Formula[V], *, negated: bool) -> None:
        match formula:
            case Requirement():
                if formula.name in self.variables:
                    raise InvalidProblem(
                        f"{formula.name} is a variable; test it with a Condition, not {formula}"
                    )
                if negated and formula.features:
                    raise InvalidProblem(
                        f"a negated requirement cannot ask for features: not {formula}"
                    )
                if negated and self.default_feature is not None and formula.default_features:
                    raise InvalidProblem(
                        "a negated requirement cannot ask for default features; set "
                        f"default_features=False: not {formula}"
                    )
            case Not(inner):
                self._check_formula(inner, negated=not negated)
            case AllOf(parts) | AnyOf(parts):
                for part in parts:
                    self._check_formula(part, negated=negated)
            case Condition(variable, values):
                domain = self.variables.get(variable)
                if domain is None:
                    raise InvalidProblem(f"{formula} tests {variable}, which is not a variable")
                if not values <= set(domain):
                    raise InvalidProblem(f"{formula} names values that {variable} cannot take")
            case When(condition, then):
                if not _tests_variables_only(condition):
                    raise InvalidProblem(
                        f"the condition of a When may only test variables: {condition}"
                    )
                self._check_formula(condition, negated=not negated)
                self._check_formula(then, negated=negated)

    @property
    def is_concurrent(self) -> bool:
        """Whether a name may be selected at several versions (granularity not ``single``)."""
        return self.granularity != "single"

    def exists(self, package: Package[V]) -> bool:
        """Whether ``package`` is a real package."""
        versions = self._versions.get(package.name)
        return versions is not None and package.version in versions

    def versions_of(self, name: str) -> tuple[V, ...]:
        """The versions of ``name``, oldest first (empty for an unknown or virtual name)."""
        return self.packages.get(name, ())

    def all_packages(self) -> Iterator[Package[V]]:
        """Every real package, by name then version."""
        for name in sorted(self.packages):
            for version in self.packages[name]:
                yield Package(name, version)

    def granule(self, version: V) -> object:
        """The granule of ``version`` under this problem's granularity."""
        return granule_of(self.granularity, version)

    def dependencies_of(self, package: Package[V]) -> tuple[Formula[V], ...]:
        """The dependency formulae of ``package``."""
        return self.dependencies.get(package, ())

    def features_of(self, package: Package[V]) -> Mapping[str, tuple[Formula[V], ...]]:
        """The features ``package`` defines, each with its extra formulae."""
        return self.features.get(package, {})

    def peers_of(self, package: Package[V]) -> tuple[Requirement[V], ...]:
        """The peer dependencies of ``package``."""
        return self.peers.get(package, ())

    def provides_of(self, package: Package[V]) -> tuple[Provide[V], ...]:
        """What ``package`` provides."""
        return self.provides.get(package, ())

    def direct_requirements(self, package: Package[V]) -> tuple[Requirement[V], ...]:
        """The top-level requirements and the peers of ``package``: those served by links."""
        top = tuple(f for f in self.dependencies_of(package) if isinstance(f, Requirement))
        return top + self.peers_of(package)


def _tests_variables_only(formula: Formula[V]) -> bool:
    match formula:
        case Condition():
            return True
        case Not(inner):
            return _tests_variables_only(inner)
        case AllOf(parts) | AnyOf(parts):
            return all(_tests_variables_only(p) for p in parts)
        case _:
            return False


# --- resolutions ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Link(Generic[V]):
    """With concurrent versions: ``dependent`` uses ``target`` for its requirements on
    ``target.name``."""

    dependent: Package[V]
    target: Package[V]

    def __str__(self) -> str:
        return f"{self.dependent} -> {self.target}"


@dataclass(frozen=True, slots=True)
class ExtendedResolution(Generic[V]):
    """An answer of the extended calculus.

    ``features`` holds ``(package, feature)`` pairs, ``assignment`` ``(variable, value)``
    pairs, ``links`` (concurrent versions only) one :class:`Link` per direct requirement name.
    """

    packages: frozenset[Package[V]]
    features: frozenset[tuple[Package[V], str]] = frozenset()
    assignment: frozenset[tuple[str, str]] = frozenset()
    links: frozenset[Link[V]] = frozenset()

    def features_of(self, package: Package[V]) -> frozenset[str]:
        """The features enabled on ``package``."""
        return frozenset(f for p, f in self.features if p == package)

    def value_of(self, variable: str) -> str | None:
        """The value of ``variable`` (``None`` if unassigned; the first if several)."""
        return min((value for name, value in self.assignment if name == variable), default=None)

    def link_of(self, dependent: Package[V], name: str) -> Package[V] | None:
        """The instance of ``name`` that ``dependent`` uses (concurrent versions)."""
        targets = sorted(
            (
                link.target
                for link in self.links
                if link.dependent == dependent and link.target.name == name
            ),
            key=str,
        )
        return targets[0] if targets else None


@dataclass(frozen=True, slots=True)
class ExtendedViolation(Generic[V]):
    """One broken condition of the extended calculus, with a reason for people."""

    kind: str
    reason: str
    package: Package[V] | None = None


def _versions_text(versions: Iterable[object]) -> str:
    return ", ".join(sorted(str(v) for v in versions))


class _Checker(Generic[V]):
    """Reads one resolution against one problem; every rule straight from the definitions."""

    def __init__(self, problem: ExtendedProblem[V], resolution: ExtendedResolution[V]) -> None:
        self.problem = problem
        self.resolution = resolution
        self.chosen = set(resolution.packages)
        self.by_name: dict[str, list[V]] = defaultdict(list)
        for package in self.chosen:
            self.by_name[package.name].append(package.version)
        self.enabled: dict[Package[V], set[str]] = defaultdict(set)
        for package, feature in resolution.features:
            self.enabled[package].add(feature)
        self.values: dict[str, list[str]] = defaultdict(list)
        for variable, value in resolution.assignment:
            self.values[variable].append(value)
        self.links: dict[tuple[Package[V], str], list[Package[V]]] = defaultdict(list)
        for link in resolution.links:
            self.links[link.dependent, link.target.name].append(link.target)
        self.providers: dict[str, list[Package[V]]] = defaultdict(list)
        for package in sorted(self.chosen, key=str):
            for provide in problem.provides_of(package):
                self.providers[provide.name].append(package)
        self.dependents: dict[Package[V], list[Package[V]]] = defaultdict(list)
        for link in sorted(resolution.links, key=str):
            self.dependents[link.target].append(link.dependent)
        self.violations: list[ExtendedViolation[V]] = []

    def add(self, kind: str, reason: str, package: Package[V] | None = None) -> None:
        self.violations.append(ExtendedViolation(kind, reason, package))

    def run(self) -> list[ExtendedViolation[V]]:
        self.check_packages()
        self.check_features()
        self.check_assignment()
        self.check_links()
        self.check_formulae()
        if self.problem.is_concurrent:
            self.check_peers()
            self.check_visibility()
        return self.violations

    def selected(self) -> list[Package[V]]:
        return sorted(self.chosen, key=str)

    def check_packages(self) -> None:
        problem = self.problem
        for package in self.selected():
            if not problem.exists(package):
                self.add("not-real", f"{package} does not exist", package)
        if problem.root not in self.chosen:
            self.add("no-root", f"the root {problem.root} is not selected", problem.root)
        for name in sorted(self.by_name):
            versions = self.by_name[name]
            if not problem.is_concurrent:
                if len(versions) > 1:
                    self.add(
                        "two-versions",
                        f"{name} is selected at several versions: {_versions_text(versions)}",
                    )
                continue
            granules: dict[object, list[V]] = defaultdict(list)
            for version in versions:
                granules[problem.granule(version)].append(version)
            for granule in sorted(granules, key=str):
                if len(granules[granule]) > 1:
                    self.add(
                        "same-granule",
                        f"{name} is selected at several versions of granule {granule}: "
                        f"{_versions_text(granules[granule])}",
                    )

    def check_features(self) -> None:
        for package, feature in sorted(
            self.resolution.features, key=lambda pf: (str(pf[0]), pf[1])
        ):
            if package not in self.chosen:
                self.add(
                    "stray-feature",
                    f"{package} has feature {feature} enabled but is not selected",
                    package,
                )
            elif feature not in self.problem.features_of(package):
                self.add("unknown-feature", f"{package} has no feature {feature}", package)

    def check_assignment(self) -> None:
        problem = self.problem
        for variable in sorted(set(problem.variables) | set(self.values)):
            values = self.values.get(variable, [])
            domain = problem.variables.get(variable)
            if domain is None:
                self.add("unknown-variable", f"{variable} is not a variable")
                continue
            if not values:
                self.add("unassigned", f"variable {variable} has no value")
                continue
            if len(values) > 1:
                self.add(
                    "two-values",
                    f"variable {variable} has several values: {_versions_text(values)}",
                )
                continue
            value = values[0]
            if value not in domain:
                self.add(
                    "bad-value",
                    f"variable {variable} cannot be {value}; its values are {', '.join(domain)}",
                )
            fixed = problem.environment.get(variable)
            if fixed is not None and value != fixed:
                self.add(
                    "environment",
                    f"the environment fixes {variable} to {fixed}, not {value}",
                )

    def check_links(self) -> None:
        problem = self.problem
        if not problem.is_concurrent:
            for link in sorted(self.resolution.links, key=str):
                self.add(
                    "stray-link",
                    f"{link} is a link, but links are kept only with concurrent versions",
                    link.dependent,
                )
            return
        for (dependent, name), targets in sorted(
            self.links.items(), key=lambda item: (str(item[0][0]), item[0][1])
        ):
            wanted = {r.name for r in problem.direct_requirements(dependent)}
            if dependent not in self.chosen:
                self.add(
                    "stray-link",
                    f"{dependent} links {name} but is not selected",
                    dependent,
                )
            elif name not in wanted:
                self.add(
                    "stray-link",
                    f"{dependent} links {name} but has no direct requirement on it",
                    dependent,
                )
            elif len(targets) > 1:
                self.add(
                    "two-links",
                    f"{dependent} links {name} to several versions: "
                    f"{_versions_text(t.version for t in targets)}",
                    dependent,
                )

    def requested(self, requirement: Requirement[V], package: Package[V]) -> set[str]:
        features = set(requirement.features)
        default = self.problem.default_feature
        if (
            default is not None
            and requirement.default_features
            and default in self.problem.features_of(package)
        ):
            features.add(default)
        return features

    def meets(self, package: Package[V], requirement: Requirement[V]) -> bool:
        """Whether the selected ``package`` meets ``requirement`` (as itself or a provider)."""
        if package.name == requirement.name and requirement.versions.contains(package.version):
            return self.requested(requirement, package) <= self.enabled.get(package, set())
        if requirement.features:
            return False
        for provide in self.problem.provides_of(package):
            if provide.name != requirement.name:
                continue
            if provide.version is None:
                if requirement.versions.is_full():
                    return True
            elif requirement.versions.contains(provide.version):
                return True
        return False

    def witness(
        self, requirement: Requirement[V], excluding: Package[V] | None
    ) -> Package[V] | None:
        """A selected package, other than ``excluding``, that meets ``requirement``."""
        versions: list[V] = sorted(self.by_name.get(requirement.name, []))
        candidates: list[Package[V]] = [Package(requirement.name, v) for v in versions]
        for package in candidates + self.providers.get(requirement.name, []):
            if package != excluding and self.meets(package, requirement):
                return package
        return None

    def holds(self, formula: Formula[V], declarer: Package[V], *, negated: bool) -> bool:
        """Whether ``formula`` (or, if ``negated``, its negation) holds, read in NNF."""
        match formula:
            case Requirement():
                if negated:
                    return self.witness(formula, declarer) is None
                return self.witness(formula, None) is not None
            case Not(inner):
                return self.holds(inner, declarer, negated=not negated)
            case AllOf(parts):
                if negated:
                    return any(self.holds(p, declarer, negated=True) for p in parts)
                return all(self.holds(p, declarer, negated=False) for p in parts)
            case AnyOf(parts):
                if negated:
                    return all(self.holds(p, declarer, negated=True) for p in parts)
                return any(self.holds(p, declarer, negated=False) for p in parts)
            case Condition(variable, values):
                assigned = self.values.get(variable, [])
                inside = len(assigned) == 1 and assigned[0] in values
                outside = len(assigned) == 1 and assigned[0] not in values
                return outside if negated else inside
            case When(condition, then):
                if negated:
                    return self.holds(condition, declarer, negated=False) and self.holds(
                        then, declarer, negated=True
                    )
                return self.holds(condition, declarer, negated=True) or self.holds(
                    then, declarer, negated=False
                )

    def check_formulae(self) -> None:
        problem = self.problem
        for package in self.selected():
            if not problem.exists(package):
                continue
            for formula in problem.dependencies_of(package):
                if isinstance(formula, Requirement) and problem.is_concurrent:
                    continue  # served by the link, checked in check_direct
                self.check_formula(package, formula, f"{package} needs")
            if problem.is_concurrent:
                self.check_direct(package)
            else:
                for peer in problem.peers_of(package):
                    self.check_formula(package, peer, f"{package} needs its peer")
            features = problem.features_of(package)
            for feature in sorted(self.enabled.get(package, set())):
                for formula in features.get(feature, ()):
                    self.check_formula(package, formula, f"{package} with feature {feature} needs")

    def check_formula(self, package: Package[V], formula: Formula[V], needs: str) -> None:
        if self.holds(formula, package, negated=False):
            return
        if isinstance(formula, Not) and isinstance(formula.formula, Requirement):
            offender = self.witness(formula.formula, package)
            self.add(
                "conflict",
                f"{package} conflicts with {formula.formula}, but {offender} is selected",
                package,
            )
            return
        self.add("unmet", f"{needs} {formula}, which does not hold", package)

    def check_direct(self, package: Package[V]) -> None:
        by_name: dict[str, list[Requirement[V]]] = defaultdict(list)
        for requirement in self.problem.direct_requirements(package):
            by_name[requirement.name].append(requirement)
        for name in sorted(by_name):
            targets = self.links.get((package, name), [])
            if not targets:
                self.add("no-link", f"{package} has no link for {name}", package)
                continue
            target = targets[0]
            if target not in self.chosen:
                self.add(
                    "unmet", f"{package} links {name} to {target}, which is not selected", package
                )
                continue
            for requirement in by_name[name]:
                if not self.meets(target, requirement):
                    self.add(
                        "unmet",
                        f"{package} needs {requirement}, which its link {target} does not meet",
                        package,
                    )

    def link(self, dependent: Package[V], name: str) -> Package[V] | None:
        targets = self.links.get((dependent, name), [])
        return targets[0] if targets else None

    def check_peers(self) -> None:
        problem = self.problem
        for package in self.selected():
            for peer_name in sorted({peer.name for peer in problem.peers_of(package)}):
                mine = self.link(package, peer_name)
                for dependent in self.dependents.get(package, []):
                    if self.link(dependent, package.name) != package:
                        continue
                    theirs = self.link(dependent, peer_name)
                    if theirs is None or mine is None or theirs == mine:
                        continue
                    self.add(
                        "peer",
                        f"{package} must share its peer {peer_name} with {dependent}, but "
                        f"{dependent} uses {theirs} and {package} uses {mine}",
                        package,
                    )

    def check_visibility(self) -> None:
        problem = self.problem
        for origin in self.selected():
            seen = {t for (d, _), ts in self.links.items() if d == origin for t in ts}
            frontier = sorted(seen, key=str)
            while frontier:
                package = frontier.pop()
                for requirement in problem.direct_requirements(package):
                    if not requirement.public:
                        continue
                    shown = self.link(package, requirement.name)
                    if shown is not None and shown not in seen:
                        seen.add(shown)
                        frontier.append(shown)
            versions: dict[str, set[V]] = defaultdict(set)
            for package in seen:
                versions[package.name].add(package.version)
            for name in sorted(versions):
                if len(versions[name]) > 1:
                    self.add(
                        "visibility",
                        f"{origin} sees {name} at several versions: "
                        f"{_versions_text(versions[name])}",
                        origin,
                    )


def check_extended(
    problem: ExtendedProblem[V], resolution: ExtendedResolution[V]
) -> list[ExtendedViolation[V]]:
    """Every way ``resolution`` fails to be an extended resolution of ``problem``."""
    return _Checker(problem, resolution).run()


def is_extended_resolution(problem: ExtendedProblem[V], resolution: ExtendedResolution[V]) -> bool:
    """Whether ``resolution`` meets every condition of the extended calculus."""
    return not check_extended(problem, resolution)


# --- brute force ----------------------------------------------------------------------------


def _selections(problem: ExtendedProblem[V], name: str) -> list[tuple[V, ...]]:
    versions = problem.versions_of(name)
    if not problem.is_concurrent:
        return [(), *((v,) for v in versions)]
    choices: list[tuple[V, ...]] = []
    for size in range(len(versions) + 1):
        for subset in itertools.combinations(versions, size):
            granules = {problem.granule(v) for v in subset}
            if len(granules) == len(subset):
                choices.append(subset)
    return choices


def _subsets(items: Iterable[str]) -> list[frozenset[str]]:
    pool = sorted(items)
    return [
        frozenset(c) for size in range(len(pool) + 1) for c in itertools.combinations(pool, size)
    ]


def all_extended_resolutions(problem: ExtendedProblem[V]) -> Iterator[ExtendedResolution[V]]:
    """Every extended resolution of a small ``problem`` (exponential, for tests)."""
    names = sorted(problem.packages)
    variables = sorted(problem.variables)
    assignments = [
        frozenset(zip(variables, values, strict=True))
        for values in itertools.product(
            *(
                [problem.environment[x]] if x in problem.environment else problem.variables[x]
                for x in variables
            )
        )
    ]
    for picks in itertools.product(*(_selections(problem, n) for n in names)):
        chosen = frozenset(
            Package(name, v) for name, vs in zip(names, picks, strict=True) for v in vs
        )
        if problem.root not in chosen:
            continue
        ordered = sorted(chosen, key=str)
        feature_choices = [
            [frozenset((p, f) for f in subset) for subset in _subsets(problem.features_of(p))]
            for p in ordered
        ]
        link_choices: list[list[Link[V]]] = []
        if problem.is_concurrent:
            for package in ordered:
                for name in sorted({r.name for r in problem.direct_requirements(package)}):
                    link_choices.append([Link(package, t) for t in ordered if t.name == name])
        for features in itertools.product(*feature_choices):
            enabled = frozenset().union(*features)
            for links in itertools.product(*link_choices):
                for assignment in assignments:
                    candidate = ExtendedResolution(chosen, enabled, assignment, frozenset(links))
                    if is_extended_resolution(problem, candidate):
                        yield candidate
