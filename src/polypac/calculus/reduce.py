"""Reductions of the extended calculus to the core, and the map back (Gibb 2026, section 4).

:func:`reduce` turns an :class:`~polypac.calculus.extended.ExtendedProblem` into a core
:class:`~polypac.calculus.model.Problem` that any core solver answers; the
:class:`Reduction` it returns maps every core resolution back to an extended one. For every
extension the reduction is sound (each core resolution maps back to an extended resolution)
and complete (each extended resolution is the image of some core resolution); the tests
check both against the brute force of :mod:`polypac.calculus.extended`.

The encodings, one per extension, all in one pass so that extensions combine:

- *version formulae*: already one exact :class:`~polypac.version.sets.VersionSet`
  (:func:`version_formula_set`); the reduction is the identity on the set.
- *conflicts* (a negated requirement ``not (m, vs)`` of ``p``): a synthetic name with versions
  {0, 1}; the owner needs it at 0, every other package meeting ``(m, vs)`` (real or
  provider) needs it at 1. One synthetic name per conflict.
- *formulae and alternatives*: negation is pushed inward (De Morgan); a disjunction becomes a
  synthetic choice package whose version ``i`` depends on what disjunct ``i`` needs.
- *variables*: a variable is a core package whose versions (``Ordinal(i)``) are its values;
  the root needs every variable, at its environment value if fixed. ``when c then f`` is the
  choice ``not c | (c and f)``.
- *features*: ``m[f]`` at ``v`` depends on ``m`` at exactly ``v`` and carries the feature's
  formulae; a requirement asking for features depends on each ``m[f]``.
- *virtual packages*: a requirement some provider meets becomes a choice among the real
  versions and the providers (Debian: the real package or any provider).
- *concurrent versions*: name ``m`` at granule ``g`` becomes the core name ``m@g``; a direct
  requirement spanning several granules goes through a visible choice package whose versions
  are the granules (that choice is the link).
- *peer dependencies and public dependencies* (concurrent only): every direct requirement
  gets a link package whose versions are the candidate versions; a peer adds an agreement
  package forcing the dependent's and the package's links to one instance; visibility adds,
  per origin package ``q``, an occurrence name "q sees m" whose single version is the one
  ``m`` that ``q`` sees (the core's one-version rule is the visibility rule), and per public
  requirement a propagation package.

Synthetic core versions are :class:`~polypac.calculus.model.Ordinal`; real names keep their
versions, so a Debian problem reads the same in the core.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeAlias, TypeVar, cast

from polypac.calculus.extended import (
    AllOf,
    AnyOf,
    Condition,
    ExtendedProblem,
    ExtendedResolution,
    Formula,
    Link,
    Not,
    Requirement,
    VersionAnd,
    VersionFormula,
    VersionNot,
    VersionOr,
    VersionTest,
    When,
)
from polypac.calculus.model import Dependency, Ordinal, Package, Problem
from polypac.version._ranges import Bound, Ranges
from polypac.version.sets import Version, VersionSet

__all__ = ["CoreVersion", "LinkPlan", "Reduction", "reduce", "version_formula_set"]

V = TypeVar("V", bound=Version)
W = TypeVar("W", bound=Version)

CoreVersion: TypeAlias = V | Ordinal
"""A version in a reduced problem: a real version, or an ordinal of a synthetic name."""


def version_formula_set(formula: VersionFormula[V]) -> VersionSet[V]:
    """The one version set a version formula denotes (comparisons read on both halves).

    >>> from polypac.calculus.extended import VersionOr, VersionTest
    >>> from polypac.calculus.model import Ordinal
    >>> below_two_or_five = VersionOr((VersionTest("<", Ordinal(2)), VersionTest("=", Ordinal(5))))
    >>> s = version_formula_set(below_two_or_five)
    >>> [n for n in range(7) if s.contains(Ordinal(n))]
    [0, 1, 5]
    """
    match formula:
        case VersionTest(operator, version):
            ranges: Ranges[V]
            if operator in ("=", "!="):
                ranges = Ranges.singleton(version)
            elif operator in ("<", "<="):
                ranges = Ranges.between(None, Bound(version, operator == "<="))
            else:
                ranges = Ranges.between(Bound(version, operator == ">="), None)
            result = VersionSet.from_ranges(ranges)
            return result.complement() if operator == "!=" else result
        case VersionAnd(parts):
            whole: VersionSet[V] = VersionSet.full()
            for part in parts:
                whole = whole.intersection(version_formula_set(part))
            return whole
        case VersionOr(parts):
            union: VersionSet[V] = VersionSet.empty()
            for part in parts:
                union = union.union(version_formula_set(part))
            return union
        case VersionNot(part):
            return version_formula_set(part).complement()


def _exactly(versions: Iterable[W]) -> VersionSet[W]:
    result: VersionSet[W] = VersionSet.empty()
    for version in versions:
        result = result.union(VersionSet.singleton(version))
    return result


def _widen(versions: VersionSet[V]) -> VersionSet[V | Ordinal]:
    # Version sets are immutable values: a set over V is a set over V | Ordinal.
    return cast("VersionSet[V | Ordinal]", versions)


def _ordinal_set(indices: Iterable[int]) -> VersionSet[V | Ordinal]:
    return _widen(cast("VersionSet[V]", _exactly(Ordinal(i) for i in indices)))


@dataclass(frozen=True, slots=True)
class LinkPlan(Generic[V]):
    """How the core records which instance of ``name`` a package uses (concurrent versions).

    ``direct``: one granule, ``labels[0]``; ``granule``: choice ``core_name`` whose version
    ``i`` is granule ``labels[i]``; ``version``: choice whose version ``i`` is version
    ``labels[i]`` of ``name``.
    """

    name: str
    kind: str
    core_name: str
    labels: tuple[object, ...]


@dataclass(frozen=True, slots=True)
class Reduction(Generic[V]):
    """A core problem for an extended one, and the way back.

    ``visible_names`` are the core names :meth:`map_back` reads (real or granular names,
    features, variables, links); the other synthetic names only steer the choice.
    ``synthetic`` says what each synthetic core name stands for, for people.
    """

    extended: ExtendedProblem[V]
    problem: Problem[CoreVersion[V]]
    visible_names: frozenset[str]
    synthetic: Mapping[str, str]
    real_names: Mapping[str, str]
    feature_names: Mapping[str, tuple[str, str]]
    granular_names: Mapping[tuple[str, object], str]
    link_plans: Mapping[Package[V], tuple[LinkPlan[V], ...]]

    def map_back(self, core_resolution: Iterable[Package[CoreVersion[V]]]) -> ExtendedResolution[V]:
        """The extended answer a core resolution stands for (synthetic packages dropped)."""
        chosen: dict[str, list[V | Ordinal]] = defaultdict(list)
        for core_package in core_resolution:
            chosen[core_package.name].append(core_package.version)
        packages: set[Package[V]] = set()
        for core_name, real in self.real_names.items():
            for version in chosen.get(core_name, ()):
                packages.add(Package(real, cast("V", version)))
        features: set[tuple[Package[V], str]] = set()
        for core_name, (real, feature) in self.feature_names.items():
            for version in chosen.get(core_name, ()):
                base = Package(real, cast("V", version))
                if base in packages:
                    features.add((base, feature))
        assignment: set[tuple[str, str]] = set()
        for variable, domain in self.extended.variables.items():
            for version in chosen.get(variable, ()):
                if isinstance(version, Ordinal) and 0 <= version.value < len(domain):
                    assignment.add((variable, domain[version.value]))
        links: set[Link[V]] = set()
        if self.extended.is_concurrent:
            for package in packages:
                for plan in self.link_plans.get(package, ()):
                    target = self._link_target(plan, chosen)
                    if target is not None:
                        links.add(Link(package, target))
        return ExtendedResolution(
            frozenset(packages), frozenset(features), frozenset(assignment), frozenset(links)
        )

    def _link_target(
        self, plan: LinkPlan[V], chosen: Mapping[str, list[V | Ordinal]]
    ) -> Package[V] | None:
        if plan.kind == "direct":
            granule = plan.labels[0]
        else:
            picks = [v for v in chosen.get(plan.core_name, ()) if isinstance(v, Ordinal)]
            if len(picks) != 1 or not 0 <= picks[0].value < len(plan.labels):
                return None
            label = plan.labels[picks[0].value]
            if plan.kind == "version":
                return Package(plan.name, cast("V", label))
            granule = label
        instances = chosen.get(self.granular_names.get((plan.name, granule), ""), [])
        if len(instances) != 1:
            return None
        return Package(plan.name, cast("V", instances[0]))


class _Compiler(Generic[V]):
    """Builds the core problem of one extended problem, name by name."""

    def __init__(self, extended: ExtendedProblem[V]) -> None:
        self.ext = extended
        self.taken: set[str] = set(extended.packages) | set(extended.variables)
        self.versions: dict[str, list[V | Ordinal]] = {}
        self.deps: dict[Package[V | Ordinal], list[Dependency[V | Ordinal]]] = defaultdict(list)
        self.visible: set[str] = set()
        self.synthetic: dict[str, str] = {}
        self.real_names: dict[str, str] = {}
        self.granular: dict[tuple[str, object], str] = {}
        self.feature_core: dict[tuple[str, object, str], str] = {}
        self.feature_names: dict[str, tuple[str, str]] = {}
        self.plans: dict[Package[V], list[LinkPlan[V]]] = defaultdict(list)
        self.occurrences: dict[tuple[Package[V], str], str] = {}
        self.provided: dict[str, list[tuple[Package[V], V | None]]] = defaultdict(list)
        for package in extended.all_packages():
            for provide in extended.provides_of(package):
                self.provided[provide.name].append((package, provide.version))
        concurrent = extended.is_concurrent
        self.version_links = concurrent and any(
            extended.peers_of(p) or any(r.public for r in extended.direct_requirements(p))
            for p in extended.all_packages()
        )

    # -- names ---------------------------------------------------------------------------

    def fresh(self, base: str, meaning: str) -> str:
        name = base
        while name in self.taken:
            name += "'"
        self.taken.add(name)
        self.synthetic[name] = meaning
        return name

    def granule(self, version: V) -> object:
        return self.ext.granule(version)

    def core_name(self, name: str, version: V) -> str:
        if not self.ext.is_concurrent:
            return name
        return self.granular[name, self.granule(version)]

    def core_package(self, package: Package[V]) -> Package[V | Ordinal]:
        return Package(self.core_name(package.name, package.version), package.version)

    def choice(self, base: str, meaning: str, count: int) -> str:
        name = self.fresh(base, meaning)
        self.versions[name] = [Ordinal(i) for i in range(count)]
        return name

    # -- the pass ------------------------------------------------------------------------

    def run(self) -> Reduction[V]:
        ext = self.ext
        self.add_real_names()
        self.add_feature_names()
        self.add_variables()
        for package in ext.all_packages():
            owner = self.core_package(package)
            if ext.is_concurrent:
                self.add_links(package, owner)
                for formula in ext.dependencies_of(package):
                    if not isinstance(formula, Requirement):
                        self.encode(owner, formula, package, negated=False)
            else:
                for formula in (*ext.dependencies_of(package), *ext.peers_of(package)):
                    self.encode(owner, formula, package, negated=False)
            for feature, formulas in ext.features_of(package).items():
                key = (package.name, self.granule(package.version), feature)
                feature_package: Package[V | Ordinal] = Package(
                    self.feature_core[key], package.version
                )
                self.deps[feature_package].append(
                    Dependency(owner.name, _widen(VersionSet.singleton(package.version)))
                )
                for formula in formulas:
                    self.encode(feature_package, formula, package, negated=False)
        if self.version_links:
            self.add_peer_agreements()
            self.add_visibility()
        problem: Problem[V | Ordinal] = Problem(
            root=self.core_package(ext.root),
            packages={name: tuple(vs) for name, vs in self.versions.items()},
            dependencies={p: tuple(ds) for p, ds in self.deps.items()},
        )
        return Reduction(
            extended=ext,
            problem=problem,
            visible_names=frozenset(self.visible),
            synthetic=dict(self.synthetic),
            real_names=dict(self.real_names),
            feature_names=dict(self.feature_names),
            granular_names=dict(self.granular),
            link_plans={p: tuple(plans) for p, plans in self.plans.items()},
        )

    def add_real_names(self) -> None:
        for name in sorted(self.ext.packages):
            versions = self.ext.versions_of(name)
            if not self.ext.is_concurrent:
                self.versions[name] = list(versions)
                self.real_names[name] = name
                self.visible.add(name)
                continue
            by_granule: dict[object, list[V]] = {}
            for version in versions:
                by_granule.setdefault(self.granule(version), []).append(version)
            for granule, members in by_granule.items():
                core = self.fresh(f"{name}@{granule}", f"{name} at granule {granule}")
                self.versions[core] = list(members)
                self.real_names[core] = name
                self.granular[name, granule] = core
                self.visible.add(core)

    def add_feature_names(self) -> None:
        for package in self.ext.all_packages():
            for feature in sorted(self.ext.features_of(package)):
                key = (package.name, self.granule(package.version), feature)
                if key not in self.feature_core:
                    base = self.core_name(package.name, package.version)
                    core = self.fresh(f"{base}[{feature}]", f"feature {feature} of {base}")
                    self.feature_core[key] = core
                    self.feature_names[core] = (package.name, feature)
                    self.versions[core] = []
                    self.visible.add(core)
                self.versions[self.feature_core[key]].append(package.version)

    def add_variables(self) -> None:
        root = self.core_package(self.ext.root)
        for variable in sorted(self.ext.variables):
            domain = self.ext.variables[variable]
            self.versions[variable] = [Ordinal(i) for i in range(len(domain))]
            self.visible.add(variable)
            fixed = self.ext.environment.get(variable)
            allowed = range(len(domain)) if fixed is None else [domain.index(fixed)]
            self.deps[root].append(Dependency(variable, _ordinal_set(allowed)))

    # -- formulae ------------------------------------------------------------------------

    def unsatisfiable(self, owner: Package[V | Ordinal], name: str) -> None:
        self.deps[owner].append(Dependency(name, VersionSet.empty()))

    def requested(self, requirement: Requirement[V], package: Package[V]) -> frozenset[str]:
        default = self.ext.default_feature
        if (
            default is not None
            and requirement.default_features
            and default in self.ext.features_of(package)
        ):
            return requirement.features | {default}
        return requirement.features

    def candidates(self, requirement: Requirement[V]) -> list[tuple[V, frozenset[str]]]:
        """The real versions that can meet ``requirement``, with the features each needs."""
        found = []
        for version in self.ext.versions_of(requirement.name):
            if not requirement.versions.contains(version):
                continue
            package = Package(requirement.name, version)
            features = self.requested(requirement, package)
            if features <= set(self.ext.features_of(package)):
                found.append((version, features))
        return found

    def instance_deps(
        self, name: str, versions: list[V], features: frozenset[str], requirement: Requirement[V]
    ) -> list[Dependency[V | Ordinal]]:
        granule = self.granule(versions[0])
        core = self.core_name(name, versions[0])
        in_core = [v for v in self.ext.versions_of(name) if self.granule(v) == granule]
        meeting = [v for v in in_core if requirement.versions.contains(v)]
        # keep the written version set where it selects exactly these versions
        chosen = requirement.versions if meeting == versions else _exactly(versions)
        deps = [Dependency(core, _widen(chosen))]
        for feature in sorted(features):
            deps.append(Dependency(self.feature_core[name, granule, feature], _widen(chosen)))
        return deps

    def options(
        self, requirement: Requirement[V]
    ) -> list[tuple[object, list[Dependency[V | Ordinal]]]]:
        """The ways to meet ``requirement``: per (granule, features) group, then providers."""
        groups: dict[tuple[object, frozenset[str]], list[V]] = {}
        for version, features in self.candidates(requirement):
            groups.setdefault((self.granule(version), features), []).append(version)
        options: list[tuple[object, list[Dependency[V | Ordinal]]]] = [
            (granule, self.instance_deps(requirement.name, versions, features, requirement))
            for (granule, features), versions in groups.items()
        ]
        if not requirement.features:
            for provider in self.providers(requirement, excluding=None):
                options.append(
                    (
                        provider,
                        [Dependency(provider.name, _widen(VersionSet.singleton(provider.version)))],
                    )
                )
        return options

    def providers(
        self, requirement: Requirement[V], excluding: Package[V] | None
    ) -> list[Package[V]]:
        found: list[Package[V]] = []
        for package, provided in self.provided.get(requirement.name, ()):
            if package == excluding or (found and found[-1] == package):
                continue
            if (provided is None and requirement.versions.is_full()) or (
                provided is not None and requirement.versions.contains(provided)
            ):
                found.append(package)
        return found

    def require(
        self, owner: Package[V | Ordinal], requirement: Requirement[V], declarer: Package[V]
    ) -> None:
        options = self.options(requirement)
        if not options:
            self.unsatisfiable(owner, requirement.name)
        elif len(options) == 1:
            self.deps[owner].extend(options[0][1])
        else:
            choice = self.choice(
                f"{owner} ? {requirement}",
                f"which package meets {declarer}'s requirement {requirement}",
                len(options),
            )
            self.deps[owner].append(Dependency(choice, VersionSet.full()))
            for index, (_, deps) in enumerate(options):
                self.deps[Package(choice, Ordinal(index))].extend(deps)

    def conflict(
        self, owner: Package[V | Ordinal], requirement: Requirement[V], declarer: Package[V]
    ) -> None:
        offenders = [
            Package(requirement.name, v)
            for v in self.ext.versions_of(requirement.name)
            if requirement.versions.contains(v) and Package(requirement.name, v) != declarer
        ]
        offenders += self.providers(requirement, excluding=declarer)
        if not offenders:
            return
        switch = self.fresh(f"{owner} ! {requirement}", f"{declarer} conflicts with {requirement}")
        self.versions[switch] = [Ordinal(0), Ordinal(1)]
        self.deps[owner].append(Dependency(switch, _ordinal_set([0])))
        for offender in offenders:
            self.deps[self.core_package(offender)].append(Dependency(switch, _ordinal_set([1])))

    def disjunction(
        self,
        owner: Package[V | Ordinal],
        branches: list[tuple[Formula[V], bool]],
        declarer: Package[V],
    ) -> None:
        if not branches:
            self.unsatisfiable(owner, self.fresh(f"{owner} false", "a formula that never holds"))
            return
        if len(branches) == 1:
            formula, negated = branches[0]
            self.encode(owner, formula, declarer, negated=negated)
            return
        text = " | ".join(f"not ({f})" if n else str(f) for f, n in branches)
        choice = self.choice(
            f"{owner} ? {text}", f"which alternative of {text} {declarer} takes", len(branches)
        )
        self.deps[owner].append(Dependency(choice, VersionSet.full()))
        for index, (formula, negated) in enumerate(branches):
            self.encode(Package(choice, Ordinal(index)), formula, declarer, negated=negated)

    def encode(
        self,
        owner: Package[V | Ordinal],
        formula: Formula[V],
        declarer: Package[V],
        *,
        negated: bool,
    ) -> None:
        """Add to ``owner`` what it takes for ``formula`` (or its negation) to hold."""
        match formula:
            case Requirement():
                if negated:
                    self.conflict(owner, formula, declarer)
                else:
                    self.require(owner, formula, declarer)
            case Not(inner):
                self.encode(owner, inner, declarer, negated=not negated)
            case AllOf(parts):
                if negated:
                    self.disjunction(owner, [(p, True) for p in parts], declarer)
                else:
                    for part in parts:
                        self.encode(owner, part, declarer, negated=False)
            case AnyOf(parts):
                if negated:
                    for part in parts:
                        self.encode(owner, part, declarer, negated=True)
                else:
                    self.disjunction(owner, [(p, False) for p in parts], declarer)
            case Condition(variable, values):
                domain = self.ext.variables[variable]
                allowed = [i for i, value in enumerate(domain) if (value in values) != negated]
                self.deps[owner].append(Dependency(variable, _ordinal_set(allowed)))
            case When(condition, then):
                if negated:
                    self.encode(owner, condition, declarer, negated=False)
                    self.encode(owner, then, declarer, negated=True)
                else:
                    self.disjunction(
                        owner,
                        [(condition, True), (AllOf((condition, then)), False)],
                        declarer,
                    )

    # -- concurrent versions -------------------------------------------------------------

    def add_links(self, package: Package[V], owner: Package[V | Ordinal]) -> None:
        merged: dict[str, Requirement[V]] = {}
        for requirement in self.ext.direct_requirements(package):
            known = merged.get(requirement.name)
            if known is None:
                merged[requirement.name] = requirement
            else:
                merged[requirement.name] = Requirement(
                    requirement.name,
                    known.versions.intersection(requirement.versions),
                    known.features | requirement.features,
                    known.default_features or requirement.default_features,
                    known.public or requirement.public,
                )
        for name in sorted(merged):
            self.add_link(package, owner, merged[name])

    def add_link(
        self, package: Package[V], owner: Package[V | Ordinal], requirement: Requirement[V]
    ) -> None:
        name = requirement.name
        if self.version_links:
            candidates = self.candidates(requirement)
            link = self.choice(
                f"{package} -> {name}",
                f"which {name} {package} uses",
                len(candidates),
            )
            self.visible.add(link)
            self.deps[owner].append(Dependency(link, VersionSet.full()))
            for index, (version, features) in enumerate(candidates):
                self.deps[Package(link, Ordinal(index))].extend(
                    self.instance_deps(name, [version], features, requirement)
                )
            self.plans[package].append(
                LinkPlan(name, "version", link, tuple(v for v, _ in candidates))
            )
            return
        options = self.options(requirement)
        if not options:
            self.unsatisfiable(owner, name)
        elif len(options) == 1:
            self.deps[owner].extend(options[0][1])
            self.plans[package].append(LinkPlan(name, "direct", "", (options[0][0],)))
        else:
            link = self.choice(
                f"{package} -> {name}", f"which granule of {name} {package} uses", len(options)
            )
            self.visible.add(link)
            self.deps[owner].append(Dependency(link, VersionSet.full()))
            for index, (_, deps) in enumerate(options):
                self.deps[Package(link, Ordinal(index))].extend(deps)
            self.plans[package].append(
                LinkPlan(name, "granule", link, tuple(g for g, _ in options))
            )

    def plan_of(self, package: Package[V], name: str) -> LinkPlan[V] | None:
        return next((plan for plan in self.plans.get(package, ()) if plan.name == name), None)

    def add_peer_agreements(self) -> None:
        for dependent in self.ext.all_packages():
            for plan in list(self.plans.get(dependent, ())):
                for index, label in enumerate(plan.labels):
                    target: Package[V] = Package(plan.name, cast("V", label))
                    for peer in sorted({p.name for p in self.ext.peers_of(target)}):
                        theirs = self.plan_of(dependent, peer)
                        mine = self.plan_of(target, peer)
                        if theirs is None or mine is None:
                            continue
                        common = [w for w in theirs.labels if w in mine.labels]
                        agreement = self.choice(
                            f"{dependent} -> {target} shares {peer}",
                            f"the one {peer} that {dependent} and its {target} share",
                            len(common),
                        )
                        self.deps[Package(plan.core_name, Ordinal(index))].append(
                            Dependency(agreement, VersionSet.full())
                        )
                        for position, version in enumerate(common):
                            self.deps[Package(agreement, Ordinal(position))].extend(
                                [
                                    Dependency(
                                        theirs.core_name,
                                        _ordinal_set([theirs.labels.index(version)]),
                                    ),
                                    Dependency(
                                        mine.core_name, _ordinal_set([mine.labels.index(version)])
                                    ),
                                ]
                            )

    def occurrence(self, origin: Package[V], name: str) -> str:
        key = (origin, name)
        if key not in self.occurrences:
            core = self.fresh(f"{origin} sees {name}", f"the {name} that {origin} sees")
            self.occurrences[key] = core
            self.versions[core] = list(self.ext.versions_of(name))
        return self.occurrences[key]

    def add_visibility(self) -> None:
        ext = self.ext
        publics = {
            package: sorted({r.name for r in ext.direct_requirements(package) if r.public})
            for package in ext.all_packages()
        }
        if not any(publics.values()):
            return
        origins = list(ext.all_packages())
        for origin in origins:
            for plan in self.plans.get(origin, ()):
                for index, label in enumerate(plan.labels):
                    self.deps[Package(plan.core_name, Ordinal(index))].append(
                        Dependency(
                            self.occurrence(origin, plan.name),
                            _widen(VersionSet.singleton(cast("V", label))),
                        )
                    )
        for seen, names in publics.items():
            for name in names:
                public_plan = self.plan_of(seen, name)
                if public_plan is None:
                    continue
                for origin in origins:
                    step = self.choice(
                        f"{origin} sees {seen} -> {name}",
                        f"the {name} that {origin} sees through {seen}",
                        len(public_plan.labels),
                    )
                    self.deps[Package(self.occurrence(origin, seen.name), seen.version)].append(
                        Dependency(step, VersionSet.full())
                    )
                    for index, label in enumerate(public_plan.labels):
                        self.deps[Package(step, Ordinal(index))].extend(
                            [
                                Dependency(public_plan.core_name, _ordinal_set([index])),
                                Dependency(
                                    self.occurrence(origin, name),
                                    _widen(VersionSet.singleton(cast("V", label))),
                                ),
                            ]
                        )


def reduce(extended: ExtendedProblem[V]) -> Reduction[V]:
    """The core problem of ``extended`` and the map back from its resolutions.

    >>> from polypac.calculus.extended import ExtendedProblem, Requirement, Not
    >>> from polypac.calculus.model import Ordinal, Package
    >>> from polypac.version.sets import VersionSet
    >>> one = Ordinal(1)
    >>> problem = ExtendedProblem(
    ...     root=Package("app", one),
    ...     packages={"app": (one,), "exim": (one,)},
    ...     dependencies={Package("app", one): (Not(Requirement("exim", VersionSet.full())),)},
    ... )
    >>> sorted(reduce(problem).problem.packages)
    ['app', 'app 1 ! exim', 'exim']
    """
    return _Compiler(extended).run()
