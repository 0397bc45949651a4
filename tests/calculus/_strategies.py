"""Small random extended problems, one family per extension, kept small for brute force."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from hypothesis import strategies as st

from polypac.calculus import Ordinal, Package
from polypac.calculus.extended import (
    AllOf,
    AnyOf,
    Condition,
    ExtendedProblem,
    Formula,
    Not,
    Provide,
    Requirement,
    When,
)
from polypac.version.semver import SemVer
from polypac.version.sets import Bound, Version, VersionSet

V = TypeVar("V", bound=Version)

ROOT = Package("r", Ordinal(1))
NAMES = ("a", "b", "c")
SEMVERS = (SemVer(0, 1, 0), SemVer(0, 1, 3), SemVer(0, 2, 0), SemVer(1, 0, 0), SemVer(1, 2, 0))
VARIABLES = {"os": ("linux", "win"), "py": ("2", "3", "4")}


def at_least(version: V) -> VersionSet[V]:
    return VersionSet.between(Bound(version, True), None)


def at_most(version: V) -> VersionSet[V]:
    return VersionSet.between(None, Bound(version, True))


def one_of(versions: Sequence[V]) -> VersionSet[V]:
    result: VersionSet[V] = VersionSet.empty()
    for version in versions:
        result = result.union(VersionSet.singleton(version))
    return result


ORDINALS = (Ordinal(1), Ordinal(2), Ordinal(3))


@st.composite
def universes(
    draw: st.DrawFn,
    *,
    max_names: int = 3,
    pool: Sequence[Any] = ORDINALS,
    max_versions: int = 3,
) -> dict[str, tuple[Any, ...]]:
    """The real packages: the root ``r`` at the pool's first version, up to ``max_names`` more."""
    count = draw(st.integers(1, max_names))
    packages: dict[str, tuple[Any, ...]] = {"r": (pool[0],)}
    for name in NAMES[:count]:
        picks = draw(
            st.lists(st.sampled_from(pool), min_size=1, max_size=max_versions, unique=True)
        )
        packages[name] = tuple(picks)
    return packages


def version_sets(pool: Sequence[Any]) -> st.SearchStrategy[VersionSet[Any]]:
    versions = st.sampled_from(list(pool))
    return st.one_of(
        st.just(VersionSet.full()),
        versions.map(VersionSet.singleton),
        versions.map(at_least),
        versions.map(at_most),
        st.lists(versions, min_size=1, max_size=2, unique=True).map(one_of),
    )


def requirements(
    names: Sequence[str],
    pool: Sequence[Any],
    *,
    features: Sequence[str] = (),
    public: bool = False,
) -> st.SearchStrategy[Requirement[Any]]:
    return st.builds(
        Requirement,
        st.sampled_from(list(names)),
        version_sets(pool),
        st.frozensets(st.sampled_from(list(features)), max_size=2)
        if features
        else st.just(frozenset()),
        st.booleans(),
        st.booleans() if public else st.just(False),
    )


def plain(requirement: Requirement[Any]) -> Requirement[Any]:
    """The requirement without features: what a negation may hold."""
    return Requirement(requirement.name, requirement.versions, default_features=False)


def formulas(atoms: st.SearchStrategy[Formula[Any]]) -> st.SearchStrategy[Formula[Any]]:
    """Boolean formulae over ``atoms``, at most two deep."""

    def grow(children: st.SearchStrategy[Formula[Any]]) -> st.SearchStrategy[Formula[Any]]:
        return st.one_of(
            children.map(Not),
            st.lists(children, min_size=0, max_size=2).map(lambda fs: AllOf(tuple(fs))),
            st.lists(children, min_size=1, max_size=2).map(lambda fs: AnyOf(tuple(fs))),
        )

    return st.recursive(atoms, grow, max_leaves=3)


def strip_negated_features(formula: Formula[Any], *, negated: bool = False) -> Formula[Any]:
    """Make negated requirements plain, as the model demands."""
    match formula:
        case Requirement():
            return plain(formula) if negated else formula
        case Not(inner):
            return Not(strip_negated_features(inner, negated=not negated))
        case AllOf(parts):
            return AllOf(tuple(strip_negated_features(p, negated=negated) for p in parts))
        case AnyOf(parts):
            return AnyOf(tuple(strip_negated_features(p, negated=negated) for p in parts))
        case When(condition, then):
            return When(condition, strip_negated_features(then, negated=negated))
        case _:
            return formula


@st.composite
def dependencies(
    draw: st.DrawFn,
    packages: dict[str, tuple[Any, ...]],
    formula: Callable[[], st.SearchStrategy[Formula[Any]]],
    *,
    max_per_package: int = 2,
    max_dependents: int = 3,
) -> dict[Package[Any], tuple[Formula[Any], ...]]:
    everyone = [Package(n, v) for n, vs in sorted(packages.items()) for v in vs]
    dependents = draw(st.lists(st.sampled_from(everyone), max_size=max_dependents, unique=True))
    root = Package("r", packages["r"][0])
    if root not in dependents:
        dependents.append(root)
    return {
        p: tuple(draw(st.lists(formula(), min_size=1, max_size=max_per_package)))
        for p in dependents
    }


# --- one family per extension ------------------------------------------------------------


@st.composite
def formula_problems(draw: st.DrawFn) -> ExtendedProblem[Any]:
    """Alternatives, conjunctions and negations of requirements (single versions)."""
    packages = draw(universes(max_names=3, max_versions=2))
    names = [*sorted(packages), "z"]
    pool = ORDINALS
    atoms = requirements(names, pool).map(plain)
    deps = draw(dependencies(packages, lambda: formulas(atoms), max_per_package=1))
    return ExtendedProblem(ROOT, packages, deps)


@st.composite
def conflict_problems(draw: st.DrawFn) -> ExtendedProblem[Any]:
    """Requirements and conflicts (negated requirements) at the top level."""
    packages = draw(universes())
    names = sorted(packages)
    pool = ORDINALS
    atom = requirements(names, pool).map(plain)
    deps = draw(dependencies(packages, lambda: st.one_of(atom, atom.map(Not))))
    return ExtendedProblem(ROOT, packages, deps)


@st.composite
def concurrent_problems(draw: st.DrawFn) -> ExtendedProblem[Any]:
    """Several versions per name (npm ``exact`` on ordinals, Cargo ``semver-major``)."""
    granularity = draw(st.sampled_from(["exact", "semver-major"]))
    pool: Sequence[Any] = SEMVERS if granularity == "semver-major" else ORDINALS
    packages = draw(universes(max_names=2, pool=pool, max_versions=3))
    names = sorted(packages)
    atom = requirements(names, pool).map(plain)
    formula = st.one_of(atom, atom, atom.map(Not), st.tuples(atom, atom).map(AnyOf))
    deps = draw(dependencies(packages, lambda: formula, max_dependents=2))
    root = Package("r", pool[0])
    return ExtendedProblem(root, packages, deps, granularity=granularity)


@st.composite
def peer_problems(draw: st.DrawFn) -> ExtendedProblem[Any]:
    """npm peer dependencies, with and without concurrent versions."""
    granularity = draw(st.sampled_from(["exact", "exact", "single"]))
    packages = draw(universes(max_names=3, max_versions=2))
    names = sorted(packages)
    pool = ORDINALS
    atom = requirements(names, pool).map(plain)
    deps = draw(dependencies(packages, lambda: atom, max_dependents=2))
    everyone = [Package(n, v) for n, vs in sorted(packages.items()) for v in vs]
    peered = draw(st.lists(st.sampled_from(everyone), min_size=1, max_size=2, unique=True))
    peers = {p: (draw(atom),) for p in peered}
    return ExtendedProblem(ROOT, packages, deps, peers=peers, granularity=granularity)


@st.composite
def feature_problems(draw: st.DrawFn) -> ExtendedProblem[Any]:
    """Features, extras and default features, with and without concurrent versions."""
    granularity = draw(st.sampled_from(["single", "single", "exact"]))
    packages = draw(universes(max_names=2, max_versions=2))
    names = sorted(packages)
    pool = ORDINALS
    default = draw(st.sampled_from([None, "default"]))
    atom = requirements(names, pool, features=("f", "g"))
    deps = draw(dependencies(packages, lambda: atom, max_per_package=1, max_dependents=2))
    everyone = [Package(n, v) for n, vs in sorted(packages.items()) for v in vs]
    featured = draw(st.lists(st.sampled_from(everyone), min_size=1, max_size=2, unique=True))
    features = {
        p: {
            f: tuple(draw(st.lists(atom, max_size=1)))
            for f in draw(st.sets(st.sampled_from(["f", "g", "default"]), min_size=1, max_size=2))
        }
        for p in featured
    }
    return ExtendedProblem(
        ROOT,
        packages,
        deps,
        features=features,
        granularity=granularity,
        default_feature=default,
    )


@st.composite
def variable_problems(draw: st.DrawFn) -> ExtendedProblem[Any]:
    """Markers: conditional requirements on variables, some fixed by the environment."""
    packages = draw(universes(max_names=2, max_versions=2))
    names = sorted(packages)
    pool = ORDINALS
    variables = {
        x: VARIABLES[x] for x in draw(st.sets(st.sampled_from(sorted(VARIABLES)), min_size=1))
    }
    environment = {
        x: draw(st.sampled_from(variables[x]))
        for x in draw(st.sets(st.sampled_from(sorted(variables)), max_size=1))
    }
    condition = st.sampled_from(sorted(variables)).flatmap(
        lambda x: st.frozensets(st.sampled_from(variables[x]), min_size=1, max_size=2).map(
            lambda values: Condition(x, values)
        )
    )
    atom = requirements(names, pool).map(plain)
    formula = st.one_of(
        st.builds(When, st.one_of(condition, condition.map(Not)), atom),
        atom,
        condition,
    )
    deps = draw(dependencies(packages, lambda: formula, max_per_package=1, max_dependents=2))
    return ExtendedProblem(ROOT, packages, deps, variables=variables, environment=environment)


@st.composite
def virtual_problems(draw: st.DrawFn) -> ExtendedProblem[Any]:
    """Virtual names, versioned and unversioned provides, conflicts with virtual names."""
    packages = draw(universes(max_names=2, max_versions=2))
    if draw(st.booleans()):
        packages["v"] = (Ordinal(draw(st.integers(1, 3))),)
    names = [*sorted(packages), "v"]
    pool = ORDINALS
    atom = requirements(names, pool).map(plain)
    deps = draw(dependencies(packages, lambda: st.one_of(atom, atom, atom.map(Not))))
    everyone = [Package(n, v) for n, vs in sorted(packages.items()) for v in vs]
    providers = draw(st.lists(st.sampled_from(everyone), min_size=1, max_size=3, unique=True))
    version = st.one_of(st.none(), st.sampled_from(pool))
    provides = {p: (Provide("v", draw(version)),) for p in providers}
    return ExtendedProblem(ROOT, packages, deps, provides=provides)


@st.composite
def visibility_problems(draw: st.DrawFn) -> ExtendedProblem[Any]:
    """Cargo public and private dependencies under concurrent versions."""
    packages = draw(universes(max_names=2, max_versions=2))
    names = sorted(packages)
    pool = ORDINALS
    atom = requirements(names, pool, public=True).map(
        lambda r: Requirement(r.name, r.versions, default_features=False, public=r.public)
    )
    deps = draw(dependencies(packages, lambda: atom, max_dependents=2))
    return ExtendedProblem(ROOT, packages, deps, granularity="exact")


@st.composite
def mixed_problems(draw: st.DrawFn) -> ExtendedProblem[Any]:
    """Formulae, features, variables and provides together (single versions)."""
    packages = draw(universes(max_names=2, max_versions=2))
    names = [*sorted(packages), "v"]
    pool = ORDINALS
    variables = {"os": VARIABLES["os"]}
    atom = requirements(names, pool, features=("f",))
    condition = st.frozensets(st.sampled_from(variables["os"]), min_size=1).map(
        lambda values: Condition("os", values)
    )
    formula = st.one_of(
        formulas(atom).map(strip_negated_features),
        st.builds(When, condition, atom),
    )
    deps = draw(dependencies(packages, lambda: formula, max_per_package=1, max_dependents=2))
    everyone = [Package(n, v) for n, vs in sorted(packages.items()) for v in vs]
    featured = draw(st.lists(st.sampled_from(everyone), max_size=1))
    features = {p: {"f": tuple(draw(st.lists(atom.map(plain), max_size=1)))} for p in featured}
    providers = draw(st.lists(st.sampled_from(everyone), max_size=1))
    provides = {
        p: (Provide("v", draw(st.one_of(st.none(), st.sampled_from(pool)))),) for p in providers
    }
    return ExtendedProblem(
        ROOT, packages, deps, features=features, provides=provides, variables=variables
    )


@st.composite
def mixed_concurrent_problems(draw: st.DrawFn) -> ExtendedProblem[Any]:
    """Concurrent versions with features, alternatives, conflicts, peers and visibility."""
    packages = draw(universes(max_names=2, max_versions=2))
    names = sorted(packages)
    pool = ORDINALS
    direct = requirements(names, pool, features=("f",), public=True)
    atom = requirements(names, pool).map(plain)
    formula = st.one_of(direct, direct, atom.map(Not), st.tuples(atom, atom).map(AnyOf))
    deps = draw(dependencies(packages, lambda: formula, max_per_package=2, max_dependents=2))
    everyone = [Package(n, v) for n, vs in sorted(packages.items()) for v in vs]
    featured = draw(st.lists(st.sampled_from(everyone), max_size=1))
    features = {p: {"f": tuple(draw(st.lists(atom, max_size=1)))} for p in featured}
    peered = draw(st.lists(st.sampled_from(everyone), max_size=1))
    peers = {p: (draw(atom),) for p in peered}
    return ExtendedProblem(
        ROOT, packages, deps, features=features, peers=peers, granularity="exact"
    )
