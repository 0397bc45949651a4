"""SemVer 2.0.0 versions (the shared type) and the ``semver`` scheme's comparator lists.

Valid and invalid strings and the precedence example are facts from the SemVer 2.0.0 text
(sections 9 to 11) and its FAQ; the order list is also read from the semver crate's anchor.
"""

from __future__ import annotations

import contextlib
import itertools
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polypac.errors import InvalidRange, InvalidVersion
from polypac.version.semver import (
    SCHEME,
    SemVer,
    parse_semver,
    snap_halves,
    unify_halves,
)
from polypac.version.sets import Bound, Ranges, VersionSet
from tests.conftest import load_json

VALID = [
    ("1.9.0", (1, 9, 0, (), ())),
    ("1.10.0", (1, 10, 0, (), ())),
    ("1.0.0-alpha", (1, 0, 0, ("alpha",), ())),
    ("1.0.0-alpha.1", (1, 0, 0, ("alpha", 1), ())),
    ("1.0.0-0.3.7", (1, 0, 0, (0, 3, 7), ())),
    ("1.0.0-x.7.z.92", (1, 0, 0, ("x", 7, "z", 92), ())),
    ("1.0.0-x-y-z.--", (1, 0, 0, ("x-y-z", "--"), ())),
    ("1.0.0-alpha+001", (1, 0, 0, ("alpha",), ("001",))),
    ("1.0.0+20130313144700", (1, 0, 0, (), ("20130313144700",))),
    ("1.0.0-beta+exp.sha.5114f85", (1, 0, 0, ("beta",), ("exp", "sha", "5114f85"))),
    ("1.0.0+21AF26D3----117B344092BD", (1, 0, 0, (), ("21AF26D3----117B344092BD",))),
    ("0.0.4", (0, 0, 4, (), ())),
    ("99999999999999999999999.999999999999999999.99999999999999999", None),
]


@pytest.mark.parametrize(("text", "parts"), VALID, ids=[t for t, _ in VALID])
def test_valid(text: str, parts: tuple[Any, ...] | None) -> None:
    v = parse_semver(text)
    if parts is not None:
        assert (v.major, v.minor, v.patch, v.prerelease, v.build) == parts
    assert str(v) == text


INVALID = [
    ("1", 1, "expected '.' after the major version, found the end"),
    ("1.2", 3, "expected '.' after the minor version, found the end"),
    ("1.2.3-0123", 6, "numeric pre-release identifiers must not have leading zeros"),
    ("1.2.3-0123.0123", 6, "numeric pre-release identifiers must not have leading zeros"),
    ("1.1.2+.123", 6, "expected a build metadata identifier, found '.'"),
    ("+invalid", 0, "expected a number for the major version, found '+'"),
    ("-invalid", 0, "expected a number for the major version, found '-'"),
    ("alpha", 0, "expected a number for the major version, found 'a'"),
    ("1.0.0-alpha_beta", 11, "unexpected '_' after the version"),
    ("1.0.0-alpha..", 12, "expected a pre-release identifier, found '.'"),
    ("01.1.1", 0, "the major version must not have leading zeros"),
    ("1.01.1", 2, "the minor version must not have leading zeros"),
    ("1.1.01", 4, "the patch version must not have leading zeros"),
    ("1.2.3.DEV", 5, "unexpected '.' after the version"),
    ("1.2-SNAPSHOT", 3, "expected '.' after the minor version, found '-'"),
    ("v1.2.3", 0, "expected a number for the major version, found 'v'"),
    (" 1.2.3", 0, "expected a number for the major version, found ' '"),
    ("", 0, "expected a number for the major version, found the end"),
]


@pytest.mark.parametrize(("text", "position", "problem"), INVALID, ids=[t for t, *_ in INVALID])
def test_invalid(text: str, position: int, problem: str) -> None:
    with pytest.raises(InvalidVersion) as info:
        parse_semver(text)
    assert info.value.problem == problem
    assert info.value.position == position


def test_error_renders_a_caret() -> None:
    with pytest.raises(InvalidVersion) as info:
        parse_semver("1.2.3-01")
    assert str(info.value) == (
        "invalid semver version: numeric pre-release identifiers must not have leading zeros\n"
        "  1.2.3-01\n"
        "        ^"
    )


SPEC_ORDER = [  # section 11, plus the numeric cases of 11.2
    "1.0.0-alpha",
    "1.0.0-alpha.1",
    "1.0.0-alpha.beta",
    "1.0.0-beta",
    "1.0.0-beta.2",
    "1.0.0-beta.11",
    "1.0.0-rc.1",
    "1.0.0",
    "2.0.0",
    "2.1.0",
    "2.1.1",
]


@pytest.mark.parametrize(
    ("lower", "higher"),
    list(itertools.pairwise(SPEC_ORDER)),
    ids=[f"{a}<{b}" for a, b in itertools.pairwise(SPEC_ORDER)],
)
def test_precedence(lower: str, higher: str) -> None:
    a, b = parse_semver(lower), parse_semver(higher)
    assert a < b
    assert b > a
    assert a <= b
    assert b >= a
    assert a != b


@pytest.mark.parametrize(
    "case",
    [pytest.param(c, id=c["test"]) for c in load_json("cargo-semver", "version-order.json")],
)
def test_precedence_anchor(case: dict[str, Any]) -> None:
    versions = [parse_semver(text) for text in case["ascending"]]
    shuffled = versions[1::2] + versions[::2]
    assert sorted(shuffled) == versions


def test_build_metadata_is_ignored_by_precedence() -> None:
    a, b = parse_semver("1.0.0+build.1"), parse_semver("1.0.0+build.2")
    assert a == b
    assert hash(a) == hash(b)
    assert str(a) != str(b)
    assert parse_semver("1.0.0-alpha+x") < a


def test_other_types_do_not_compare() -> None:
    with pytest.raises(TypeError):
        _ = parse_semver("1.0.0") < "1.0.0"
    assert parse_semver("1.0.0") != "1.0.0"


# --- snapping -----------------------------------------------------------------------------


def test_snap_makes_emptiness_exact() -> None:
    v = parse_semver
    no_release = VersionSet.from_ranges(
        Ranges.between(Bound(v("1.0.0-alpha"), True), Bound(v("1.0.0-beta"), True)), Ranges.empty()
    )
    assert not no_release.is_empty()
    assert snap_halves(no_release).is_empty()
    nothing_below_zero: VersionSet[SemVer] = VersionSet(
        Ranges.between(None, Bound(v("0.0.0"), False)),
        Ranges.between(None, Bound(v("0.0.0-0"), False)),
    )
    assert snap_halves(nothing_below_zero).is_empty()
    between_patches: VersionSet[SemVer] = VersionSet(
        Ranges.between(Bound(v("1.0.0"), False), Bound(v("1.0.1-0"), False)), Ranges.empty()
    )
    assert snap_halves(between_patches).is_empty()


# --- the comparator-list scheme -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "inside", "outside"),
    [
        (">=1.2.3, <2.0.0", ["1.2.3", "1.9.9", "2.0.0-rc.1"], ["1.2.2", "2.0.0", "1.2.3-rc.1"]),
        ("1.0.0 || >=3.0.0", ["1.0.0", "3.0.1-0", "4.0.0"], ["1.0.1", "2.9.9", "3.0.0-0"]),
        ("!=1.0.0", ["0.9.0", "1.0.0-rc.1", "1.0.1"], ["1.0.0", "1.0.0+build"]),
        ("> 1.0.0 <= 1.5.0", ["1.0.1", "1.5.0"], ["1.0.0", "1.5.1"]),
        ("*", ["0.0.0", "1.0.0-alpha"], []),
        ("", ["0.0.0", "1.0.0-alpha"], []),
    ],
)
def test_comparator_list(text: str, inside: list[str], outside: list[str]) -> None:
    versions = SCHEME.parse_range(text)
    for item in inside:
        assert versions.contains(parse_semver(item)), item
    for item in outside:
        assert not versions.contains(parse_semver(item)), item


@pytest.mark.parametrize(
    ("text", "position", "problem"),
    [
        (">=1.2.3, <2", 11, "expected '.' after the major version, found the end"),
        ("~1.2.3", 0, "unknown operator '~'; expected one of = != < <= > >="),
        (">=1.0.0 || ", 11, "expected a comparator between '||'"),
        (">=", 2, "expected a version, found the end"),
    ],
)
def test_comparator_list_errors(text: str, position: int, problem: str) -> None:
    with pytest.raises(InvalidRange) as info:
        SCHEME.parse_range(text)
    assert (info.value.position, info.value.problem) == (position, problem)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (">=1.2.3, <2.0.0 || 3.0.0", ">=1.2.3, <2.0.0 || =3.0.0"),
        ("!=1.0.0", "<1.0.0 || >1.0.0"),
        (">1.0.0-alpha, <1.0.0-beta", ">1.0.0-alpha, <1.0.0-beta"),
        ("*", "*"),
    ],
)
def test_format_range(text: str, expected: str) -> None:
    assert SCHEME.format_range(SCHEME.parse_range(text)) == expected


def test_unify_halves_refuses_different_bounds() -> None:
    v = parse_semver
    versions: VersionSet[SemVer] = VersionSet(
        Ranges.between(Bound(v("1.0.0"), True), None),
        Ranges.between(Bound(v("2.0.0-0"), True), None),
    )
    with pytest.raises(ValueError, match="releases and pre-releases follow different bounds"):
        unify_halves(versions, "semver range")


# --- properties ---------------------------------------------------------------------------

_versions = st.builds(
    SemVer,
    st.integers(0, 2),
    st.integers(0, 2),
    st.integers(0, 2),
    st.lists(st.sampled_from(["alpha", "beta", 0, 1]), max_size=2).map(tuple),
    st.lists(st.sampled_from(["b1", "007"]), max_size=1).map(tuple),
)


@st.composite
def _ranges(draw: st.DrawFn) -> str:
    ops = st.sampled_from(["", "=", "==", "!=", "<", "<=", ">", ">="])
    groups = []
    for _ in range(draw(st.integers(1, 3))):
        comps = [draw(ops) + str(draw(_versions)) for _ in range(draw(st.integers(1, 3)))]
        groups.append(draw(st.sampled_from([", ", " ", " , "])).join(comps))
    return " || ".join(groups)


def _reference(text: str, v: SemVer) -> bool:
    ops = {
        "=": lambda a, b: a == b,
        "!=": lambda a, b: a != b,
        "<": lambda a, b: a < b,
        "<=": lambda a, b: a <= b,
        ">": lambda a, b: a > b,
        ">=": lambda a, b: a >= b,
    }
    return any(
        all(ops[c.operator](v, parse_semver(c.version)) for c in group)
        for group in SCHEME.desugar_range(text)
    )


@settings(max_examples=200, deadline=None)
@given(text=_ranges(), versions=st.lists(_versions, min_size=1, max_size=8))
def test_set_agrees_with_comparators(text: str, versions: list[SemVer]) -> None:
    parsed = SCHEME.parse_range(text)
    for v in versions:
        assert parsed.contains(v) is _reference(text, v)


@settings(max_examples=150, deadline=None)
@given(a=_ranges(), b=_ranges(), versions=st.lists(_versions, max_size=6))
def test_set_laws(a: str, b: str, versions: list[SemVer]) -> None:
    sa, sb = SCHEME.parse_range(a), SCHEME.parse_range(b)
    assert ~~sa == sa
    assert ~(sa | sb) == (~sa & ~sb)
    assert ~(sa & sb) == (~sa | ~sb)
    assert (sa & ~sa).is_empty()
    assert (sa | ~sa).is_full()
    for v in versions:
        assert (sa & sb).contains(v) is (sa.contains(v) and sb.contains(v))
        assert (sa | sb).contains(v) is (sa.contains(v) or sb.contains(v))
        assert (~sa).contains(v) is (not sa.contains(v))


@settings(max_examples=150, deadline=None)
@given(a=_ranges(), b=_ranges(), versions=st.lists(_versions, max_size=8))
def test_format_range_round_trips_after_algebra(a: str, b: str, versions: list[SemVer]) -> None:
    combined = SCHEME.parse_range(a) & ~SCHEME.parse_range(b)
    if snap_halves(combined).is_empty():
        return
    again = SCHEME.parse_range(SCHEME.format_range(combined))
    for v in versions:
        assert again.contains(v) is combined.contains(v)


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=30))
def test_parsers_raise_only_typed_errors(text: str) -> None:
    with contextlib.suppress(InvalidVersion):
        parse_semver(text)
    with contextlib.suppress(InvalidRange):
        SCHEME.parse_range(text)


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet="0123456789.-+<>=!|, abx*", max_size=30))
def test_range_like_text_raises_only_typed_errors(text: str) -> None:
    with contextlib.suppress(InvalidRange):
        SCHEME.parse_range(text)
