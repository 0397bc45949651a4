"""npm's ``overrides`` in the ideal tree: trees npm writes, refused input, the calculus check.

Every expected tree here is the one npm 11.19.1 wrote for the same ``package.json`` against
the same made-up packuments, served by ``_fake_registry.registry_server`` and locked with
``npm install --package-lock-only --ignore-scripts --no-audit --no-fund --registry <fake>/``.
npm is not run by the tests: its answer is written down as the expected value.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from polypac.ecosystems.npm.registry import NpmManifest, NpmRegistry
from polypac.ecosystems.npm.resolve import (
    NpmFailure,
    NpmTree,
    OverriddenDependency,
    PlacedPackage,
    Target,
    check_tree,
    resolve_package_json,
)
from tests.ecosystems.npm._fake_registry import client, packument, registry_server

LINUX = Target("linux", "x64", "20.20.2")

Versions = dict[str, dict[str, dict[str, Any]]]  # name to version to manifest fields

# a and k ask foo@^1, b asks foo@^2, x asks a
CHAIN: Versions = {
    "a": {
        "1.0.0": {"dependencies": {"foo": "^1.0.0"}},
        "1.1.0": {"dependencies": {"foo": "^1.0.0"}},
    },
    "b": {"1.0.0": {"dependencies": {"foo": "^2.0.0"}}},
    "x": {"1.0.0": {"dependencies": {"a": "^1.0.0"}}},
    "k": {"1.0.0": {"dependencies": {"foo": "^1.0.0"}}},
    "foo": {"1.0.0": {}, "1.1.0": {}, "2.0.0": {}, "2.1.0": {}},
}
# plugin has the peer host@^2; tool depends on plugin
PEERS: Versions = {
    "plugin": {"1.0.0": {"peerDependencies": {"host": "^2"}}},
    "tool": {"1.0.0": {"dependencies": {"plugin": "1"}}},
    "host": {"1.0.0": {}, "2.0.0": {}, "2.1.0": {}},
}
# the same, but plugin's peer is host@~2.0.0
TILDE_PEER: Versions = {**PEERS, "plugin": {"1.0.0": {"peerDependencies": {"host": "~2.0.0"}}}}
# a and b both depend on x, which depends on c@*
SHARED: Versions = {
    "a": {"1.0.0": {"dependencies": {"x": "1"}}},
    "b": {"1.0.0": {"dependencies": {"x": "1"}}},
    "x": {"1.0.0": {"dependencies": {"c": "*"}}},
    "c": {"1.0.0": {}, "2.0.0": {}, "3.0.0": {}},
}

Row = tuple[str, str, str]  # location, version, flags ("", "dev", "peer")


def _documents(versions: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    return {name: packument(name, table) for name, table in versions.items()}


def _resolve(
    tmp_path: Path, versions: Mapping[str, Mapping[str, Any]], manifest: Mapping[str, Any]
) -> NpmTree | NpmFailure:
    with (
        registry_server(_documents(versions)) as fake,
        client(tmp_path) as http,
        NpmRegistry(http, registry=fake.base_url) as registry,
    ):
        return resolve_package_json(
            {"name": "app", "version": "1.0.0", **manifest}, registry, target=LINUX
        )


def _rows(tree: NpmTree) -> list[Row]:
    def flags(p: PlacedPackage) -> str:
        return " ".join(f for f, on in (("dev", p.dev), ("peer", p.peer)) if on)

    return [(p.location, p.version, flags(p)) for p in tree.packages]


NPM_TREES = [
    pytest.param(
        CHAIN,
        {"dependencies": {"a": "1", "b": "1"}, "overrides": {"foo": "1.0.0"}},
        [
            ("node_modules/a", "1.1.0", ""),
            ("node_modules/b", "1.0.0", ""),
            ("node_modules/foo", "1.0.0", ""),  # b's foo@^2 is overridden too
        ],
        id="every-foo-even-against-a-range",
    ),
    pytest.param(
        CHAIN,
        {"dependencies": {"x": "1", "b": "1"}, "overrides": {"a": {".": "1.0.0", "foo": "2.0.0"}}},
        [
            ("node_modules/a", "1.0.0", ""),
            ("node_modules/a/node_modules/foo", "2.0.0", ""),
            ("node_modules/b", "1.0.0", ""),
            ("node_modules/foo", "2.1.0", ""),
            ("node_modules/x", "1.0.0", ""),
        ],
        id="dot-and-a-rule-below-it",
    ),
    pytest.param(
        CHAIN,
        {"dependencies": {"x": "1", "a": "1.1.0"}, "overrides": {"x": {"a": {"foo": "1.0.0"}}}},
        [
            ("node_modules/a", "1.1.0", ""),
            ("node_modules/foo", "1.0.0", ""),
            ("node_modules/x", "1.0.0", ""),
        ],
        id="nested-two-levels",
    ),
    pytest.param(
        CHAIN,
        {"dependencies": {"a": "1", "b": "1"}, "overrides": {"foo@^2": "2.0.0"}},
        [
            ("node_modules/a", "1.1.0", ""),
            ("node_modules/b", "1.0.0", ""),
            ("node_modules/b/node_modules/foo", "2.0.0", ""),
            ("node_modules/foo", "1.1.0", ""),
        ],
        id="version-qualified-key",
    ),
    pytest.param(
        CHAIN,
        {"dependencies": {"a": "1", "b": "1"}, "overrides": {"foo@^2": {"bar": "1"}}},
        [
            ("node_modules/a", "1.1.0", ""),
            ("node_modules/b", "1.0.0", ""),
            ("node_modules/b/node_modules/foo", "2.1.0", ""),
            ("node_modules/foo", "1.1.0", ""),
        ],
        id="version-qualified-key-without-dot",
    ),
    pytest.param(
        CHAIN,
        {"dependencies": {"k": "1"}, "overrides": {"foo@1.0.0 - 1.0.5": "2.0.0"}},
        [("node_modules/foo", "2.0.0", ""), ("node_modules/k", "1.0.0", "")],
        id="hyphen-range-key-meets-the-spec",
    ),
    pytest.param(
        CHAIN,
        {"dependencies": {"foo": "^1.0.0", "b": "1"}, "overrides": {"foo": "$foo"}},
        [("node_modules/b", "1.0.0", ""), ("node_modules/foo", "1.1.0", "")],
        id="reference-to-a-dependency",
    ),
    pytest.param(
        CHAIN,
        {
            "devDependencies": {"foo": "^2.0.0"},
            "dependencies": {"a": "1"},
            "overrides": {"foo": "$foo"},
        },
        [("node_modules/a", "1.1.0", ""), ("node_modules/foo", "2.1.0", "")],
        id="reference-to-a-dev-dependency",
    ),
    pytest.param(
        CHAIN,
        {"dependencies": {"foo": "^1.0.0", "b": "1"}, "overrides": {"foo": "^1.0.0"}},
        [("node_modules/b", "1.0.0", ""), ("node_modules/foo", "1.1.0", "")],
        id="equal-to-the-direct-dependency",
    ),
    pytest.param(
        CHAIN,
        {"dependencies": {"a": "1"}, "overrides": {"zzz": "1.0.0", "b": {"foo": "2"}}},
        [("node_modules/a", "1.1.0", ""), ("node_modules/foo", "1.1.0", "")],
        id="rules-for-packages-not-in-the-tree",
    ),
    pytest.param(
        CHAIN,
        {"dependencies": {"a": "1", "b": "1"}, "overrides": {"foo": ""}},
        [
            ("node_modules/a", "1.1.0", ""),
            ("node_modules/b", "1.0.0", ""),
            ("node_modules/b/node_modules/foo", "2.1.0", ""),
            ("node_modules/foo", "1.1.0", ""),
        ],
        id="empty-value-changes-nothing",
    ),
    pytest.param(
        CHAIN,
        {"dependencies": {"a": "1"}, "overrides": {"foo": "npm:b@1"}},
        [("node_modules/a", "1.1.0", ""), ("node_modules/foo", "1.0.0", "")],
        id="another-package-by-alias",
    ),
    pytest.param(
        CHAIN,
        {"dependencies": {"k": "1"}, "overrides": {"foo": "latest"}},
        [("node_modules/foo", "2.1.0", ""), ("node_modules/k", "1.0.0", "")],
        id="dist-tag-value",
    ),
    pytest.param(
        PEERS,
        {"dependencies": {"plugin": "1"}, "overrides": {"host": "1.0.0"}},
        [("node_modules/host", "1.0.0", "peer"), ("node_modules/plugin", "1.0.0", "")],
        id="peer-pinned-against-its-range",
    ),
    pytest.param(
        PEERS,
        {"dependencies": {"tool": "1"}, "overrides": {"plugin": {"host": "2.0.0"}}},
        [
            ("node_modules/host", "2.0.0", "peer"),
            ("node_modules/plugin", "1.0.0", ""),
            ("node_modules/tool", "1.0.0", ""),
        ],
        id="peer-below-its-dependent",
    ),
    pytest.param(
        PEERS,
        {"dependencies": {"plugin": "1", "host": "^2"}, "overrides": {"plugin": {"host": "2.0.0"}}},
        [("node_modules/host", "2.0.0", ""), ("node_modules/plugin", "1.0.0", "")],
        id="peer-replaces-a-newer-direct-dependency",
    ),
    pytest.param(
        PEERS,
        {"dependencies": {"tool": "1", "host": "1"}, "overrides": {"tool": {"host": "1.0.0"}}},
        [
            ("node_modules/host", "1.0.0", ""),
            ("node_modules/plugin", "1.0.0", ""),
            ("node_modules/tool", "1.0.0", ""),
        ],
        id="overridden-peer-lets-its-dependent-up",
    ),
    pytest.param(
        TILDE_PEER,
        {"dependencies": {"host": "^2", "plugin": "1"}},
        [("node_modules/host", "2.0.0", ""), ("node_modules/plugin", "1.0.0", "")],
        id="no-overrides-peer-within-the-direct-range",
    ),
    pytest.param(
        SHARED,
        {"dependencies": {"a": "1", "b": "1"}, "overrides": {"a": {"c": "1.0.0"}}},
        [
            ("node_modules/a", "1.0.0", ""),
            ("node_modules/b", "1.0.0", ""),
            ("node_modules/c", "1.0.0", ""),
            ("node_modules/x", "1.0.0", ""),
        ],
        id="shared-copy-takes-the-nested-rule",
    ),
    pytest.param(
        SHARED,
        {"dependencies": {"a": "1", "b": "1"}, "overrides": {"b": {"c": "1.0.0"}}},
        [
            ("node_modules/a", "1.0.0", ""),
            ("node_modules/b", "1.0.0", ""),
            ("node_modules/c", "1.0.0", ""),
            ("node_modules/x", "1.0.0", ""),
        ],
        id="shared-copy-takes-the-nested-rule-of-the-second-path",
    ),
    pytest.param(
        SHARED,
        {
            "dependencies": {"a": "1", "b": "1"},
            "overrides": {"a": {"c": "1.0.0"}, "b": {"c": "2.0.0"}},
        },
        [
            ("node_modules/a", "1.0.0", ""),
            ("node_modules/b", "1.0.0", ""),
            ("node_modules/c", "1.0.0", ""),
            ("node_modules/x", "1.0.0", ""),
        ],
        id="conflicting-rules-first-path-keeps-the-copy",
    ),
    pytest.param(
        SHARED,
        {
            "dependencies": {"a": "1", "b": "1"},
            "overrides": {"a": {"c": "1.0.0"}, "b": {"zzz": "1.0.0"}},
        },
        [
            ("node_modules/a", "1.0.0", ""),
            ("node_modules/b", "1.0.0", ""),
            ("node_modules/c", "3.0.0", ""),
            ("node_modules/x", "1.0.0", ""),
        ],
        id="unrelated-rules-meet-at-the-top",
    ),
    pytest.param(
        SHARED,
        {"dependencies": {"a": "1", "b": "1", "c": "3"}, "overrides": {"a": {"x": {"c": "1.0.0"}}}},
        [
            ("node_modules/a", "1.0.0", ""),
            ("node_modules/b", "1.0.0", ""),
            ("node_modules/c", "3.0.0", ""),
            ("node_modules/x", "1.0.0", ""),
            ("node_modules/x/node_modules/c", "1.0.0", ""),
        ],
        id="deep-rule-nests-a-copy",
    ),
    pytest.param(
        SHARED,
        {
            "dependencies": {"a": "1"},
            "devDependencies": {"b": "1"},
            "optionalDependencies": {"c": "2"},
            "overrides": {"c": "$c"},
        },
        [
            ("node_modules/a", "1.0.0", ""),
            ("node_modules/b", "1.0.0", "dev"),
            ("node_modules/c", "2.0.0", ""),
            ("node_modules/x", "1.0.0", ""),
        ],
        id="reference-to-an-optional-dependency",
    ),
]


@pytest.mark.parametrize(("versions", "manifest", "expected"), NPM_TREES)
def test_tree_is_npms(
    tmp_path: Path,
    versions: Mapping[str, Mapping[str, Any]],
    manifest: dict[str, Any],
    expected: list[Row],
) -> None:
    tree = _resolve(tmp_path, versions, manifest)
    assert isinstance(tree, NpmTree), str(tree)
    assert _rows(tree) == expected
    assert check_tree(tree) == []


def test_alias_override_writes_the_real_name(tmp_path: Path) -> None:
    manifest = {"dependencies": {"a": "1"}, "overrides": {"foo": "npm:b@1"}}
    tree = _resolve(tmp_path, CHAIN, manifest)
    assert isinstance(tree, NpmTree)
    foo = tree.at("node_modules/foo")
    assert foo is not None
    assert (foo.name, foo.version) == ("b", "1.0.0")  # npm's lock: "name": "b"


def test_overridden_edges_are_recorded(tmp_path: Path) -> None:
    manifest = {"dependencies": {"a": "1", "b": "1"}, "overrides": {"foo": "1.0.0"}}
    tree = _resolve(tmp_path, CHAIN, manifest)
    assert isinstance(tree, NpmTree)
    b = tree.at("node_modules/b")
    assert b is not None
    assert b.overridden == (OverriddenDependency("foo", "1.0.0", "^2.0.0", "*"),)
    assert b.manifest.dependencies == {"foo": "^2.0.0"}  # the lock keeps the manifest's spec


def test_calculus_needs_the_override_to_accept(tmp_path: Path) -> None:
    manifest = {"dependencies": {"a": "1", "b": "1"}, "overrides": {"foo": "1.0.0"}}
    tree = _resolve(tmp_path, CHAIN, manifest)
    assert isinstance(tree, NpmTree)
    assert check_tree(tree) == []
    forgotten = tuple(
        PlacedPackage(p.location, p.manifest, supported=p.supported) for p in tree.packages
    )
    reasons = [v.reason for v in check_tree(NpmTree(tree.manifest, forgotten))]
    assert reasons == [
        "b 1.0.0 needs foo >=2.0.0 <3.0.0 (pre-releases (none)), which its link foo 1.0.0 "
        "does not meet"
    ]


@pytest.mark.parametrize(
    ("rule_range", "accepted"),
    [
        ("2.0.x", True),  # 2.1.0 meets ^2.0.0 and is outside the rule's own range
        ("*", False),  # a rule keyed by the bare name leaves only its value
        ("^2", False),
    ],
)
def test_calculus_accepts_the_original_outside_the_rule(rule_range: str, accepted: bool) -> None:
    b = NpmManifest("b", "1.0.0", dependencies={"foo": "^2.0.0"})
    foo = NpmManifest("foo", "2.1.0")
    override = OverriddenDependency("foo", "2.0.0", "^2.0.0", rule_range)
    tree = NpmTree(
        {"name": "app", "version": "1.0.0", "dependencies": {"b": "1"}},
        (
            PlacedPackage("node_modules/b", b, overridden=(override,)),
            PlacedPackage("node_modules/foo", foo),
        ),
    )
    assert (check_tree(tree) == []) is accepted


# --- refused ------------------------------------------------------------------------------


def test_override_of_a_direct_dependency_is_eoverride(tmp_path: Path) -> None:
    # npm: "npm error code EOVERRIDE / Override for foo@^1.0.0 conflicts with direct dependency"
    manifest = {"dependencies": {"foo": "^1.0.0", "b": "1"}, "overrides": {"foo": "2.0.0"}}
    failure = _resolve(tmp_path, CHAIN, manifest)
    assert isinstance(failure, NpmFailure)
    assert failure.message == (
        'the root project needs foo@^1.0.0, but the override "foo" asks foo@2.0.0 instead, '
        "and npm refuses to change a direct dependency (EOVERRIDE)\n"
        "hint: an override of a direct dependency must be its spec exactly; write "
        '"foo": "$foo" to reuse it'
    )


@pytest.mark.parametrize(
    ("manifest", "reason"),
    [
        pytest.param(
            {"dependencies": {"foo": "^1.0.0"}, "overrides": {"foo@^1": {"zz": "1"}}},
            'the override "foo@^1" asks foo@^1 instead',
            id="key-range-is-the-value-without-dot",
        ),
        pytest.param(
            {"dependencies": {"k": "1"}, "overrides": {"k": {".": "1.0.0", "foo": "2"}}},
            'the override "k" asks k@1.0.0 instead',
            id="dot-value",
        ),
    ],
)
def test_eoverride_forms(tmp_path: Path, manifest: dict[str, Any], reason: str) -> None:
    failure = _resolve(tmp_path, CHAIN, manifest)
    assert isinstance(failure, NpmFailure)
    assert failure.required_by == "the root project"
    assert failure.reason.startswith(reason)
    assert failure.reason.endswith("(EOVERRIDE)")


def test_unknown_reference(tmp_path: Path) -> None:
    # npm: "npm error Unable to resolve reference $nope"
    manifest = {"dependencies": {"a": "1"}, "overrides": {"foo": "$nope"}}
    failure = _resolve(tmp_path, CHAIN, manifest)
    assert isinstance(failure, NpmFailure)
    assert failure.message == (
        'a@1.1.0 needs foo@^1.0.0, but the override "foo": "$nope" refers to no dependency '
        "(npm: Unable to resolve reference $nope)\n"
        "hint: $nope stands for the root project's own spec of nope; add nope to its "
        "dependencies, or write a version"
    )


def test_unknown_reference_for_a_package_not_in_the_tree_is_unused(tmp_path: Path) -> None:
    # npm writes this tree too: the reference is read only when an edge meets its rule
    manifest = {"dependencies": {"k": "1"}, "overrides": {"zzz": "$nope"}}
    tree = _resolve(tmp_path, CHAIN, manifest)
    assert isinstance(tree, NpmTree)
    assert [p.location for p in tree.packages] == ["node_modules/foo", "node_modules/k"]


# npm's own answer to each: a number, a boolean, a list, or an object's list, is silently
# ignored (its OverrideSet walks Object.entries); null fails ("Cannot read properties of
# null (reading '.')"); the bad names and tags fail at fetch time (EINVALIDPACKAGENAME,
# EINVALIDTAGNAME). polypac refuses them all before resolving, naming the entry.
BAD_OVERRIDES = [
    pytest.param(
        {"foo": 1},
        'the override "foo" must be a string (a version, range, dist-tag or $reference) or '
        "an object, not the number 1",
        id="number",
    ),
    pytest.param(
        {"a": {"foo": None}},
        'the override "a" > "foo" must be a string (a version, range, dist-tag or '
        "$reference) or an object, not null",
        id="null-nested",
    ),
    pytest.param(
        {"foo": ["2.0.0"]},
        'the override "foo" must be a string (a version, range, dist-tag or $reference) or '
        "an object, not a list",
        id="list",
    ),
    pytest.param(
        {"foo": True},
        'the override "foo" must be a string (a version, range, dist-tag or $reference) or '
        "an object, not the boolean true",
        id="boolean",
    ),
    pytest.param(
        ["foo"],
        "overrides must be an object mapping package names to overrides, not a list",
        id="top-level-list",
    ),
    pytest.param(
        "foo",
        "overrides must be an object mapping package names to overrides, not a str",
        id="top-level-string",
    ),
    pytest.param({"@@@": "1"}, 'the override key "@@@" does not name a package', id="bad-name"),
    pytest.param(
        {"foo@latest": "1"},
        'the override key "foo@latest": "latest" is not a version range',
        id="tag-in-key",
    ),
    pytest.param(
        {".": "1.0.0"},
        'a "." entry belongs inside a package\'s object in overrides, not at its top level',
        id="top-level-dot",
    ),
    pytest.param(
        {"foo": {".": 1}},
        'the "." of the override "foo" must be a string, not the number 1',
        id="dot-number",
    ),
    pytest.param(
        {"foo": "not a range !!"},
        'the override "foo": "not a range !!" is neither a version range nor a dist-tag',
        id="bad-tag",
    ),
    pytest.param(
        {"foo": "$"}, 'the override "foo": "$" names no dependency after its $', id="bare-$"
    ),
    pytest.param(
        {"foo": "npm:@@@@1"},
        'the override "foo": "npm:@@@@1" does not name a package after npm:',
        id="bad-alias",
    ),
]


@pytest.mark.parametrize(("overrides", "reason"), BAD_OVERRIDES)
def test_bad_overrides_are_refused(tmp_path: Path, overrides: Any, reason: str) -> None:
    failure = _resolve(tmp_path, CHAIN, {"dependencies": {"a": "1"}, "overrides": overrides})
    assert isinstance(failure, NpmFailure)
    assert failure.package == ""
    assert failure.required_by == "package.json"
    assert failure.reason == reason
    assert failure.message.startswith(f"package.json: {reason}\nhint: ")


def test_empty_overrides_change_nothing(tmp_path: Path) -> None:
    # npm writes this tree, as without the field
    tree = _resolve(tmp_path, CHAIN, {"dependencies": {"a": "1", "b": "1"}, "overrides": {}})
    assert isinstance(tree, NpmTree)
    assert [p.location for p in tree.packages] == [
        "node_modules/a",
        "node_modules/b",
        "node_modules/b/node_modules/foo",
        "node_modules/foo",
    ]
    assert all(p.overridden == () for p in tree.packages)


# --- any overrides object -----------------------------------------------------------------


@pytest.fixture(scope="module")
def chain_registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NpmRegistry]:
    with (
        registry_server(_documents({**CHAIN, **PEERS})) as fake,
        client(tmp_path_factory.mktemp("cache")) as http,
        NpmRegistry(http, registry=fake.base_url) as registry,
    ):
        yield registry


_NAMES = st.sampled_from(["a", "b", "x", "k", "foo", "zzz", "@s/p", "plugin", "host"])
_RANGES = st.sampled_from(["^1", "^2", "2.x", "1.0.0", "", ">=1 <2"])
_SPECS = st.sampled_from(
    ["1.0.0", "^2", "2.x", "latest", "", "*", "$foo", "$a", "$nope", "npm:b@1", "9.9.9"]
)
_JUNK = st.one_of(
    st.text(max_size=6),
    st.integers(),
    st.none(),
    st.booleans(),
    st.lists(st.text(max_size=3), max_size=2),
)
# mostly well-formed rules (so that many draws resolve), now and then anything at all
_KEYS = st.one_of(
    _NAMES, _NAMES, st.builds(lambda n, r: f"{n}@{r}", _NAMES, _RANGES), st.text(max_size=6)
)
_VALUES = st.one_of(_SPECS, _SPECS, _SPECS, _JUNK)
_TREES = st.recursive(
    _VALUES,
    lambda inner: st.dictionaries(st.one_of(_KEYS, st.just(".")), inner, max_size=3),
    max_leaves=8,
)


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    overrides=st.dictionaries(_KEYS, _TREES, max_size=4),
    dependencies=st.dictionaries(
        st.sampled_from(["a", "b", "x", "k", "foo", "tool", "host"]),
        st.sampled_from(["1", "^1.0.0", "^2.0.0", "*"]),
        max_size=3,
    ),
)
def test_any_overrides_give_a_sound_tree_or_a_failure(
    chain_registry: NpmRegistry, overrides: Any, dependencies: dict[str, str]
) -> None:
    manifest = {"name": "app", "version": "1.0.0", "dependencies": dependencies}
    result = resolve_package_json({**manifest, "overrides": overrides}, chain_registry)
    assert isinstance(result, NpmTree | NpmFailure)
    event(type(result).__name__)
    if isinstance(result, NpmFailure):
        assert result.message
    else:  # every overridden edge is met by its override (or by its original, outside the rule)
        assert check_tree(result) == []


def test_override_sets_that_keep_changing_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import polypac.ecosystems.npm.resolve as module

    monkeypatch.setattr(module, "_SPREAD_LIMIT", 0)
    manifest = {"dependencies": {"a": "1"}, "overrides": {"a": {"foo": "1.0.0"}}}
    failure = _resolve(tmp_path, CHAIN, manifest)
    assert isinstance(failure, NpmFailure)
    assert failure.reason == (
        "the override sets kept changing after 0 steps along the dependency graph (a cycle "
        "that passes rules round)"
    )
