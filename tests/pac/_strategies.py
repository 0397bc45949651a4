"""Random extended problems for Pac round trips: every extension, real-looking versions of
several schemes, and names that need quoting."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hypothesis import strategies as st

from polypac.calculus.extended import (
    GRANULARITIES,
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
from polypac.calculus.model import Package
from polypac.pac import lookup_scheme
from polypac.version.sets import Bound, VersionSet

# Versions as each scheme writes them; parsed through the scheme, so they are real values.
VERSION_TEXTS: dict[str, tuple[str, ...]] = {
    "ordinal": ("0", "1", "2", "3", "7", "12"),
    "semver": ("0.1.0", "0.1.3", "1.0.0-rc.1", "1.0.0", "1.2.0", "2.0.0-alpha", "2.0.0+b7"),
    "npm": ("0.0.1", "0.2.0", "1.0.0-beta.2", "1.0.0", "1.4.2", "2.0.0", "3.1.0-0"),
    "cargo": ("0.1.0", "0.2.1", "1.0.0", "1.0.1-pre", "1.9.0", "2.0.0"),
    "pypi": ("0.9", "1.0rc1", "1.0", "1.0.post1", "1.2.dev3", "2!0.1", "2.0"),
    "deb": ("1.0-1", "1.0~rc1-1", "1:0.9-2", "1.0+dfsg-2", "2.3.4-1ubuntu1"),
    "generic": ("1.0", "1.0rc1", "1.0a", "2", "2.0.post1", "10.1"),
    "maven": ("1.0", "1.0-SNAPSHOT", "1.2.3", "2.0-alpha-1", "3"),
    "gem": ("0.9", "1.0.0.pre", "1.0.0", "1.2", "2.0.0"),
}
SCHEMES = tuple(VERSION_TEXTS)

PACKAGE_NAMES = (
    "app",
    "left-pad",
    "@types/node",
    "libc6:amd64",
    "zope.interface",
    "g++",
    "not",  # a keyword: written quoted
    "public",
    "weird name",
    'quo"te',
    "ünïcode",
    "tab\tname",
    "x'",
)
FEATURE_NAMES = ("default", "tls", "derive", "not", "with space", "std/alloc")
VARIABLES: dict[str, tuple[str, ...]] = {
    "os": ("linux", "windows", "macos"),
    "python_version": ("3.10", "3.11", "3.12"),
    "when": ("a b", "=x", "{y}", "plain"),
}


def versions_of(scheme: str) -> list[Any]:
    """The parsed versions of ``scheme``'s pool, without equal duplicates, oldest first."""
    parse = lookup_scheme(scheme).parse_version
    out: list[Any] = []
    for text in VERSION_TEXTS[scheme]:
        version = parse(text)
        if version not in out:
            out.append(version)
    return sorted(out)


def version_sets(pool: Sequence[Any]) -> st.SearchStrategy[VersionSet[Any]]:
    """Sets a scheme can write natively, and sets only an exact interval set can say."""
    versions = st.sampled_from(list(pool))
    primitives = st.one_of(
        st.just(VersionSet.full()),
        versions.map(VersionSet.singleton),
        st.builds(
            lambda v, inclusive, pre: VersionSet.between(
                Bound(v, inclusive), None, prereleases=pre
            ),
            versions,
            st.booleans(),
            st.booleans(),
        ),
        st.builds(
            lambda v, inclusive: VersionSet.between(None, Bound(v, inclusive)),
            versions,
            st.booleans(),
        ),
    )

    def grow(children: st.SearchStrategy[VersionSet[Any]]) -> st.SearchStrategy[VersionSet[Any]]:
        return st.one_of(
            children.map(lambda s: s.complement()),
            st.tuples(children, children).map(lambda ab: ab[0].union(ab[1])),
            st.tuples(children, children).map(lambda ab: ab[0].intersection(ab[1])),
        )

    return st.recursive(primitives, grow, max_leaves=3)


def _negation_safe(formula: Formula[Any], *, negated: bool, default: str | None) -> Formula[Any]:
    """The formula with what the model forbids under negation taken out."""
    match formula:
        case Requirement() if negated:
            return Requirement(
                formula.name,
                formula.versions,
                default_features=formula.default_features and default is None,
                public=formula.public,
            )
        case Not(inner):
            return Not(_negation_safe(inner, negated=not negated, default=default))
        case AllOf(parts):
            return AllOf(tuple(_negation_safe(p, negated=negated, default=default) for p in parts))
        case AnyOf(parts):
            return AnyOf(tuple(_negation_safe(p, negated=negated, default=default) for p in parts))
        case When(condition, then):
            return When(condition, _negation_safe(then, negated=negated, default=default))
        case _:
            return formula


def _boolean(atoms: st.SearchStrategy[Formula[Any]]) -> st.SearchStrategy[Formula[Any]]:
    def grow(children: st.SearchStrategy[Formula[Any]]) -> st.SearchStrategy[Formula[Any]]:
        return st.one_of(
            children.map(Not),
            st.lists(children, max_size=3).map(lambda fs: AllOf(tuple(fs))),
            st.lists(children, max_size=3).map(lambda fs: AnyOf(tuple(fs))),
        )

    return st.recursive(atoms, grow, max_leaves=4)


@st.composite
def problems(draw: st.DrawFn, *, scheme: str | None = None) -> tuple[ExtendedProblem[Any], str]:
    """An extended problem using any mix of extensions, and the scheme of its versions."""
    scheme = scheme or draw(st.sampled_from(SCHEMES))
    pool = versions_of(scheme)
    names = draw(st.lists(st.sampled_from(PACKAGE_NAMES), min_size=1, max_size=4, unique=True))
    packages: dict[str, tuple[Any, ...]] = {
        name: tuple(draw(st.lists(st.sampled_from(pool), min_size=1, max_size=3, unique=True)))
        for name in names
    }
    if draw(st.booleans()):
        packages["empty"] = ()
    root = Package(names[0], packages[names[0]][0])
    virtual = [n for n in PACKAGE_NAMES if n not in packages][:2]
    wanted = [*names, *virtual]
    everyone = [Package(n, v) for n in names for v in packages[n]]

    variables = {
        x: VARIABLES[x] for x in draw(st.lists(st.sampled_from(sorted(VARIABLES)), unique=True))
    }
    fixed = draw(st.lists(st.sampled_from(sorted(variables)), unique=True)) if variables else []
    environment = {x: draw(st.sampled_from(variables[x])) for x in fixed}
    granularity = draw(st.sampled_from(GRANULARITIES))
    default = draw(st.sampled_from([None, "default", "std/alloc"]))

    requirement = st.builds(
        Requirement,
        st.sampled_from(wanted),
        version_sets(pool),
        st.frozensets(st.sampled_from(FEATURE_NAMES), max_size=2),
        st.booleans(),
        st.booleans(),
    )
    conditions: st.SearchStrategy[Formula[Any]] = st.nothing()
    if variables:
        conditions = st.sampled_from(sorted(variables)).flatmap(
            lambda x: st.frozensets(st.sampled_from(variables[x]), max_size=2).map(
                lambda values: Condition(x, values)
            )
        )
    tests = _boolean(conditions) if variables else st.nothing()
    atoms = st.one_of(requirement, requirement, conditions)
    formula = _boolean(atoms)
    if variables:
        formula = st.one_of(formula, st.builds(When, tests, _boolean(atoms)))
    formula = formula.map(lambda f: _negation_safe(f, negated=False, default=default))
    formula_lists = st.lists(formula, min_size=1, max_size=3).map(tuple)

    def some(strategy: st.SearchStrategy[Any]) -> dict[Package[Any], Any]:
        chosen = draw(st.lists(st.sampled_from(everyone), max_size=3, unique=True))
        return {p: draw(strategy) for p in chosen}

    dependencies = some(formula_lists)
    features = some(
        st.dictionaries(
            st.sampled_from(FEATURE_NAMES),
            st.lists(formula, max_size=2).map(tuple),
            min_size=1,
            max_size=2,
        )
    )
    peers = some(st.lists(requirement, min_size=1, max_size=2).map(tuple))
    provides: dict[Package[Any], tuple[Provide[Any], ...]] = {}
    if granularity == "single":
        provides = some(
            st.lists(
                st.builds(
                    Provide,
                    st.sampled_from(wanted),
                    st.one_of(st.none(), st.sampled_from(pool)),
                ),
                min_size=1,
                max_size=2,
            ).map(tuple)
        )
    problem: ExtendedProblem[Any] = ExtendedProblem(
        root=root,
        packages=packages,
        dependencies=dependencies,
        features=features,
        peers=peers,
        provides=provides,
        variables=variables,
        environment=environment,
        granularity=granularity,
        default_feature=default,
    )
    return problem, scheme


# Pieces of Pac, for texts that look like Pac but are mostly wrong.
FRAGMENTS = (
    "scheme ", "npm", "semver", "ordinal", " for ", "root ", "package ", "variable ",
    "environment ", "granularity ", "exact", "default-feature ", "  depends ", "  feature ",
    "  peer ", "  provides ", "app", "a", "1.0.0", "^1.2", ">=1", "<2", "(", ")", "[", "]",
    "{", "}", ",", " | ", "||", "not ", "when ", " then ", " in ", "all(", "any(", "public ",
    "no-default ", "=", ":", "\"", "\\", "#", "\n", "\n  ", "\t", " ", "; pre ", "*",
    "none", "\r\n", "\\u{", "os", "x",
)  # fmt: skip
