"""Hand-written problems, one or two per extension, with every answer written out by hand."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from polypac.calculus import Ordinal, Package
from polypac.calculus.extended import (
    AnyOf,
    Condition,
    ExtendedProblem,
    ExtendedResolution,
    Link,
    Not,
    Provide,
    Requirement,
    When,
)
from polypac.version.semver import SemVer
from polypac.version.sets import Bound, VersionSet

ANY: VersionSet[Any] = VersionSet.full()


def pkg(name: str, version: int) -> Package[Ordinal]:
    return Package(name, Ordinal(version))


def exactly(version: int) -> VersionSet[Ordinal]:
    return VersionSet.singleton(Ordinal(version))


def below(version: int) -> VersionSet[Ordinal]:
    return VersionSet.between(None, Bound(Ordinal(version), False))


def at_least(version: Any) -> VersionSet[Any]:
    return VersionSet.between(Bound(version, True), None)


def req(name: str, versions: VersionSet[Any] = ANY, **options: Any) -> Requirement[Any]:
    return Requirement(name, versions, **options)


def versions(*numbers: int) -> tuple[Ordinal, ...]:
    return tuple(Ordinal(n) for n in numbers)


def answer(
    packages: Iterable[Package[Any]],
    features: Iterable[tuple[Package[Any], str]] = (),
    assignment: Mapping[str, str] | None = None,
    links: Iterable[tuple[Package[Any], Package[Any]]] = (),
) -> ExtendedResolution[Any]:
    return ExtendedResolution(
        frozenset(packages),
        frozenset(features),
        frozenset((assignment or {}).items()),
        frozenset(Link(d, t) for d, t in links),
    )


@dataclass(frozen=True)
class Example:
    name: str
    problem: ExtendedProblem[Any]
    answers: set[ExtendedResolution[Any]]


APP = pkg("app", 1)

# Debian: Depends: postfix | exim; postfix Conflicts: exim.
ALTERNATIVES = Example(
    "alternatives",
    ExtendedProblem(
        APP,
        {"app": versions(1), "postfix": versions(1), "exim": versions(1)},
        {
            APP: (AnyOf((req("postfix"), req("exim"))),),
            pkg("postfix", 1): (Not(req("exim")),),
        },
    ),
    {answer([APP, pkg("postfix", 1)]), answer([APP, pkg("exim", 1)])},
)

# Debian: Conflicts: b (<< 2).
CONFLICT = Example(
    "conflict",
    ExtendedProblem(
        APP, {"app": versions(1), "b": versions(1, 2)}, {APP: (Not(req("b", below(2))),)}
    ),
    {answer([APP]), answer([APP, pkg("b", 2)])},
)

# The diamond: b needs d 1, c needs d 3. No answer with one version per name ...
_DIAMOND_DEPS = {
    APP: (req("b", exactly(1)), req("c", exactly(1))),
    pkg("b", 1): (req("d", exactly(1)),),
    pkg("c", 1): (req("d", exactly(3)),),
}
_DIAMOND_PACKAGES = {"app": versions(1), "b": versions(1), "c": versions(1), "d": versions(1, 3)}
DIAMOND_SINGLE = Example(
    "diamond-single", ExtendedProblem(APP, _DIAMOND_PACKAGES, _DIAMOND_DEPS), set()
)

# ... and one answer when npm lets d 1 and d 3 coexist.
DIAMOND_NPM = Example(
    "diamond-npm",
    ExtendedProblem(APP, _DIAMOND_PACKAGES, _DIAMOND_DEPS, granularity="exact"),
    {
        answer(
            [APP, pkg("b", 1), pkg("c", 1), pkg("d", 1), pkg("d", 3)],
            links=[
                (APP, pkg("b", 1)),
                (APP, pkg("c", 1)),
                (pkg("b", 1), pkg("d", 1)),
                (pkg("c", 1), pkg("d", 3)),
            ],
        )
    },
)

# Cargo: app needs lib >= 1.0.0, old needs lib = 0.1.0; lib 1.0.0 and 1.2.0 share a granule.
_CARGO_APP = Package("app", SemVer(1, 0, 0))
_OLD = Package("old", SemVer(1, 0, 0))
_LIB = {v: Package("lib", v) for v in (SemVer(0, 1, 0), SemVer(1, 0, 0), SemVer(1, 2, 0))}
CARGO = Example(
    "cargo-semver-major",
    ExtendedProblem(
        _CARGO_APP,
        {"app": (SemVer(1, 0, 0),), "old": (SemVer(1, 0, 0),), "lib": tuple(_LIB)},
        {
            _CARGO_APP: (req("lib", at_least(SemVer(1, 0, 0))), req("old")),
            _OLD: (req("lib", VersionSet.singleton(SemVer(0, 1, 0))),),
        },
        granularity="semver-major",
    ),
    {
        answer(
            [_CARGO_APP, _OLD, _LIB[SemVer(0, 1, 0)], new],
            links=[(_CARGO_APP, new), (_CARGO_APP, _OLD), (_OLD, _LIB[SemVer(0, 1, 0)])],
        )
        for new in (_LIB[SemVer(1, 0, 0)], _LIB[SemVer(1, 2, 0)])
    },
)

# npm: app needs react 16 and plugin; plugin has the peer react >= 16: it must use app's react.
_PLUGIN = pkg("plugin", 1)
PEER = Example(
    "peer",
    ExtendedProblem(
        APP,
        {"app": versions(1), "plugin": versions(1), "react": versions(16, 17)},
        {APP: (req("react", exactly(16)), req("plugin"))},
        peers={_PLUGIN: (req("react", at_least(Ordinal(16))),)},
        granularity="exact",
    ),
    {
        answer(
            [APP, _PLUGIN, *extra],
            links=[(APP, pkg("react", 16)), (APP, _PLUGIN), (_PLUGIN, pkg("react", 16))],
        )
        for extra in ([pkg("react", 16)], [pkg("react", 16), pkg("react", 17)])
    },
)

# Cargo: app needs serde with feature derive, which needs serde_derive.
_SERDE = pkg("serde", 1)
FEATURES = Example(
    "features",
    ExtendedProblem(
        APP,
        {"app": versions(1), "serde": versions(1), "serde_derive": versions(1)},
        {APP: (req("serde", features=frozenset({"derive"})),)},
        features={_SERDE: {"derive": (req("serde_derive"),)}},
    ),
    {answer([APP, _SERDE, pkg("serde_derive", 1)], features=[(_SERDE, "derive")])},
)

# A feature package is pinned to its own version: lib 2 cannot borrow lib 1's feature.
_FEATURE_F = {"f": ()}
FEATURE_PINNED = Example(
    "feature-pinned",
    ExtendedProblem(
        APP,
        {"app": versions(1), "lib": versions(1, 2)},
        {APP: (req("lib", features=frozenset({"f"})),)},
        features={pkg("lib", 1): _FEATURE_F, pkg("lib", 2): _FEATURE_F},
    ),
    {answer([APP, pkg("lib", n)], features=[(pkg("lib", n), "f")]) for n in (1, 2)},
)

# Cargo default features: lib's default feature turns on its std feature.
_LIB1 = pkg("lib", 1)
DEFAULT_FEATURES = Example(
    "default-features",
    ExtendedProblem(
        APP,
        {"app": versions(1), "lib": versions(1)},
        {APP: (req("lib"),)},
        features={
            _LIB1: {"default": (req("lib", exactly(1), features=frozenset({"std"})),), "std": ()}
        },
        default_feature="default",
    ),
    {answer([APP, _LIB1], features=[(_LIB1, "default"), (_LIB1, "std")])},
)

# PEP 508: pywin32; sys_platform == "win32".
MARKERS = Example(
    "markers",
    ExtendedProblem(
        APP,
        {"app": versions(1), "pywin32": versions(1)},
        {APP: (When(Condition("sys_platform", frozenset({"win32"})), req("pywin32")),)},
        variables={"sys_platform": ("linux", "win32")},
    ),
    {
        answer([APP], assignment={"sys_platform": "linux"}),
        answer([APP, pkg("pywin32", 1)], assignment={"sys_platform": "linux"}),
        answer([APP, pkg("pywin32", 1)], assignment={"sys_platform": "win32"}),
    },
)

# Debian: Depends: mail-transport-agent (>= 2); only exim provides a version.
VERSIONED_PROVIDES = Example(
    "versioned-provides",
    ExtendedProblem(
        APP,
        {"app": versions(1), "postfix": versions(1), "exim": versions(1)},
        {APP: (req("mail-transport-agent", at_least(Ordinal(2))),)},
        provides={
            pkg("postfix", 1): (Provide("mail-transport-agent"),),
            pkg("exim", 1): (Provide("mail-transport-agent", Ordinal(2)),),
        },
    ),
    {answer([APP, pkg("exim", 1)]), answer([APP, pkg("exim", 1), pkg("postfix", 1)])},
)

# Debian: every MTA provides and conflicts with mail-transport-agent: exactly one is installed.
_MTA: Requirement[Any] = req("mail-transport-agent")
PROVIDERS_CONFLICT = Example(
    "providers-conflict",
    ExtendedProblem(
        APP,
        {"app": versions(1), "postfix": versions(1), "exim": versions(1)},
        {
            APP: (_MTA,),
            pkg("postfix", 1): (Not(_MTA),),
            pkg("exim", 1): (Not(_MTA),),
        },
        provides={
            pkg("postfix", 1): (Provide("mail-transport-agent"),),
            pkg("exim", 1): (Provide("mail-transport-agent"),),
        },
    ),
    {answer([APP, pkg("postfix", 1)]), answer([APP, pkg("exim", 1)])},
)


def _visibility(public: bool) -> ExtendedProblem[Ordinal]:
    return ExtendedProblem(
        APP,
        {"app": versions(1), "a": versions(1, 2), "b": versions(1)},
        {
            APP: (req("a", exactly(1)), req("b")),
            # two requirements on one name: the instance is public if either says so
            pkg("b", 1): (req("a", exactly(2), public=public), req("a")),
        },
        granularity="exact",
    )


# Cargo: b re-exports a 2 publicly, while app uses a 1 itself: app would see two a's.
PUBLIC = Example("public-dependency", _visibility(public=True), set())
PRIVATE = Example(
    "private-dependency",
    _visibility(public=False),
    {
        answer(
            [APP, pkg("a", 1), pkg("a", 2), pkg("b", 1)],
            links=[(APP, pkg("a", 1)), (APP, pkg("b", 1)), (pkg("b", 1), pkg("a", 2))],
        )
    },
)

EXAMPLES = [
    ALTERNATIVES,
    CONFLICT,
    DIAMOND_SINGLE,
    DIAMOND_NPM,
    CARGO,
    PEER,
    FEATURES,
    FEATURE_PINNED,
    DEFAULT_FEATURES,
    MARKERS,
    VERSIONED_PROVIDES,
    PROVIDERS_CONFLICT,
    PUBLIC,
    PRIVATE,
]
