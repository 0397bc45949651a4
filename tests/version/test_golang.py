"""Go module versions: canonical SemVer with ``v``, ``+incompatible``, pseudo-versions.

The cases are facts from the Go modules reference ("Versions", "Pseudo-versions",
"Compatibility with non-module repositories") and golang.org/x/mod/semver's documented order.
"""

from __future__ import annotations

import contextlib
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polypac.errors import InvalidRange, InvalidVersion
from polypac.version.golang import SCHEME, GoVersion, parse_version
from polypac.version.sets import Bound, Ranges, VersionSet

# The reference's own pseudo-version example and the three forms built on one commit.
COMMIT_TIME = "20191109021931"
COMMIT = "daa7c04131f5"

PSEUDO_FORMS = [
    # (pseudo-version, the tagged version it follows, or None for the vX.0.0 form)
    (f"v0.0.0-{COMMIT_TIME}-{COMMIT}", None),
    (f"v2.0.0-{COMMIT_TIME}-{COMMIT}", None),
    (f"v1.2.3-pre.0.{COMMIT_TIME}-{COMMIT}", "v1.2.3-pre"),
    (f"v1.2.4-0.{COMMIT_TIME}-{COMMIT}", "v1.2.3"),
    (f"v1.2.3-rc.1.0.{COMMIT_TIME}-{COMMIT}", "v1.2.3-rc.1"),
]


@pytest.mark.parametrize(("text", "base"), PSEUDO_FORMS, ids=[p for p, _ in PSEUDO_FORMS])
def test_pseudo_version_parts(text: str, base: str | None) -> None:
    version = parse_version(text)
    assert version.is_pseudo
    assert version.is_prerelease
    assert version.pseudo_time == COMMIT_TIME
    assert version.pseudo_revision == COMMIT
    assert (None if version.pseudo_base is None else str(version.pseudo_base)) == base
    assert str(version) == text


@pytest.mark.parametrize(("text", "base"), [f for f in PSEUDO_FORMS if f[1]])
def test_pseudo_version_sorts_after_its_base(text: str, base: str) -> None:
    # A pseudo-version sorts after the version it derives from and before the next release.
    version, tagged = parse_version(text), parse_version(base)
    assert tagged < version
    assert version < tagged.core() or tagged.is_prerelease is False
    assert version < GoVersion(version.major, version.minor, version.patch)


# Ascending, as semver.Compare sorts them.
ASCENDING = [
    f"v0.0.0-{COMMIT_TIME}-{COMMIT}",
    f"v0.0.0-20200101000000-{COMMIT}",
    "v0.1.0",
    "v1.0.0-alpha",
    "v1.0.0-alpha.1",
    "v1.0.0-alpha.beta",
    "v1.0.0-beta",
    "v1.0.0-beta.2",
    "v1.0.0-beta.11",
    "v1.0.0-rc.1",
    "v1.0.0",
    "v1.2.3",
    f"v1.2.4-0.{COMMIT_TIME}-{COMMIT}",
    "v1.2.4",
    "v2.0.0",
    "v2.0.1-0.20200101000000-abcdefabcdef+incompatible",
    "v10.0.0",
]


@pytest.mark.parametrize(
    ("lower", "higher"),
    list(itertools.pairwise(ASCENDING)),
    ids=[f"{a}<{b}" for a, b in itertools.pairwise(ASCENDING)],
)
def test_order(lower: str, higher: str) -> None:
    assert parse_version(lower) < parse_version(higher)
    assert not parse_version(higher) < parse_version(lower)


def test_incompatible_is_ignored_by_the_order() -> None:
    plain, marked = parse_version("v2.0.0"), parse_version("v2.0.0+incompatible")
    assert marked.incompatible
    assert not plain.incompatible
    assert plain == marked
    assert str(marked) == "v2.0.0+incompatible"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("1.2.3", "Go module versions start with 'v' (v1.2.3)"),
        ("v1.2", "a module version is written in full (v1.2.0, not v1.2)"),
        ("v1", "a module version is written in full (v1.2.0, not v1.2)"),
        ("v1.0.0+incompatible", "+incompatible is only for major version 2 and above"),
        ("v2.0.0+build.1", "the only build suffix a module version may have is +incompatible"),
        ("v01.2.3", "the major version must not have leading zeros"),
        ("v1.2.3-01", "numeric pre-release identifiers must not have leading zeros"),
        ("v1.2.3-", "expected a pre-release identifier, found the end"),
        ("", "expected a version like v1.2.3, found nothing"),
    ],
)
def test_invalid_versions(text: str, problem: str) -> None:
    with pytest.raises(InvalidVersion) as info:
        parse_version(text)
    assert info.value.problem == problem


def test_ranges_place_pseudo_versions_by_precedence() -> None:
    # An OSV-style range: introduced at a pseudo-version, fixed in v1.2.4.
    versions = SCHEME.parse_range(f">=v0.0.0-{COMMIT_TIME}-{COMMIT}, <v1.2.4")
    assert versions.contains(parse_version(f"v1.2.4-0.{COMMIT_TIME}-{COMMIT}"))
    assert versions.contains(parse_version("v1.0.0-rc.1"))
    assert not versions.contains(parse_version("v1.2.4"))
    assert SCHEME.parse_range(">=v1.2.3, <v2.0.0", include_prerelease=True) == SCHEME.parse_range(
        ">=v1.2.3, <v2.0.0"
    )


def test_range_errors_point_into_the_range() -> None:
    with pytest.raises(InvalidRange) as info:
        SCHEME.parse_range(">=v1.2.3, <1.3.0")
    assert info.value.problem == "Go module versions start with 'v' (v1.2.3)"
    assert info.value.position == 11
    with pytest.raises(InvalidRange) as info:
        SCHEME.parse_range("~>v1.2.3")
    assert info.value.problem == "unknown operator '~>'; expected one of = != < <= > >="
    with pytest.raises(InvalidRange):
        SCHEME.parse_range(">=v1.2.3 ||")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (">=v1.2.3, <v2.0.0", ">=v1.2.3, <v2.0.0"),
        ("v1.2.3 || >v2.0.0", "=v1.2.3 || >v2.0.0"),
        ("", "*"),
        ("!=v1.0.0", "<v1.0.0 || >v1.0.0"),
    ],
)
def test_format_range(text: str, expected: str) -> None:
    assert SCHEME.format_range(SCHEME.parse_range(text)) == expected


def test_format_range_refuses_split_halves() -> None:
    v = parse_version
    releases_only: VersionSet[GoVersion] = VersionSet(
        Ranges.between(Bound(v("v1.0.0"), True), None), Ranges.empty()
    )
    with pytest.raises(ValueError, match="pre-releases by precedence"):
        SCHEME.format_range(releases_only)
    with pytest.raises(ValueError, match="empty set"):
        SCHEME.format_range(VersionSet.empty())


def test_desugar_range() -> None:
    assert [[str(c) for c in g] for g in SCHEME.desugar_range(">=v1.2.3, <v2.0.0 || v3.0.0")] == [
        [">=v1.2.3", "<v2.0.0"],
        ["=v3.0.0"],
    ]


# --- properties ---------------------------------------------------------------------------

_pre = st.sampled_from(
    [(), ("alpha",), ("rc", 1), (0, f"{COMMIT_TIME}-{COMMIT}"), (f"{COMMIT_TIME}-{COMMIT}",)]
)
_versions = st.builds(GoVersion, st.integers(0, 3), st.integers(0, 3), st.integers(0, 3), _pre)
_ops = st.sampled_from(["", "=", "!=", "<", "<=", ">", ">="])


@st.composite
def _ranges(draw: st.DrawFn) -> str:
    groups = []
    for _ in range(draw(st.integers(1, 3))):
        comps = [draw(_ops) + str(draw(_versions)) for _ in range(draw(st.integers(1, 3)))]
        groups.append(", ".join(comps))
    return " || ".join(groups)


def _reference(text: str, v: GoVersion) -> bool:
    ops = {
        "=": lambda a, b: a == b,
        "!=": lambda a, b: a != b,
        "<": lambda a, b: a < b,
        "<=": lambda a, b: a <= b,
        ">": lambda a, b: a > b,
        ">=": lambda a, b: a >= b,
    }
    return any(
        all(ops[c.operator](v, parse_version(c.version)) for c in group)
        for group in SCHEME.desugar_range(text)
    )


@settings(max_examples=200, deadline=None)
@given(text=_ranges(), versions=st.lists(_versions, min_size=1, max_size=8))
def test_set_agrees_with_comparators(text: str, versions: list[GoVersion]) -> None:
    parsed = SCHEME.parse_range(text)
    for v in versions:
        assert parsed.contains(v) is _reference(text, v)


@settings(max_examples=150, deadline=None)
@given(a=_ranges(), b=_ranges(), versions=st.lists(_versions, max_size=6))
def test_set_laws(a: str, b: str, versions: list[GoVersion]) -> None:
    sa, sb = SCHEME.parse_range(a), SCHEME.parse_range(b)
    assert ~~sa == sa
    assert ~(sa | sb) == (~sa & ~sb)
    assert ~(sa & sb) == (~sa | ~sb)
    assert (sa & ~sa).is_empty()
    for v in versions:
        assert (sa & sb).contains(v) is (sa.contains(v) and sb.contains(v))
        assert (sa | sb).contains(v) is (sa.contains(v) or sb.contains(v))
        assert (~sa).contains(v) is (not sa.contains(v))


@settings(max_examples=150, deadline=None)
@given(text=_ranges(), versions=st.lists(_versions, max_size=8))
def test_format_range_round_trips(text: str, versions: list[GoVersion]) -> None:
    parsed = SCHEME.parse_range(text)
    if parsed.is_empty():
        return
    again = SCHEME.parse_range(SCHEME.format_range(parsed))
    for v in versions:
        assert again.contains(v) is parsed.contains(v)


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=30))
def test_parsers_raise_only_typed_errors(text: str) -> None:
    with contextlib.suppress(InvalidVersion):
        parse_version(text)
    with contextlib.suppress(InvalidRange):
        SCHEME.parse_range(text)


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet="v0123456789.-+<>=!|, abcincompatible", max_size=30))
def test_range_like_text_raises_only_typed_errors(text: str) -> None:
    with contextlib.suppress(InvalidRange):
        SCHEME.parse_range(text)
