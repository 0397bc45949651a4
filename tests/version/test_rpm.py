"""RPM versions: the documented examples of rpm-version(7) and rpm's own rpmvercmp tests."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polypac.errors import InvalidRange, InvalidVersion
from polypac.version.rpm import SCHEME, RpmVersion, rpmvercmp
from polypac.version.sets import VersionSet
from tests.version._laws import (
    assert_parsers_raise_only_typed_errors,
    assert_set_laws,
    assert_total_order,
    is_registered,
    version_sets,
)

v = SCHEME.parse_version

# rpm's tests/rpmvercmp.at: (a, b, rpmvercmp(a, b)).
RPMVERCMP_CASES = [
    ("1.0", "1.0", 0), ("1.0", "2.0", -1), ("2.0", "1.0", 1),
    ("2.0.1", "2.0.1", 0), ("2.0", "2.0.1", -1), ("2.0.1", "2.0", 1),
    ("2.0.1a", "2.0.1a", 0), ("2.0.1a", "2.0.1", 1), ("2.0.1", "2.0.1a", -1),
    ("5.5p1", "5.5p1", 0), ("5.5p1", "5.5p2", -1), ("5.5p2", "5.5p1", 1),
    ("5.5p10", "5.5p10", 0), ("5.5p1", "5.5p10", -1), ("5.5p10", "5.5p1", 1),
    ("10xyz", "10.1xyz", -1), ("10.1xyz", "10xyz", 1),
    ("xyz10", "xyz10", 0), ("xyz10", "xyz10.1", -1), ("xyz10.1", "xyz10", 1),
    ("xyz.4", "xyz.4", 0), ("xyz.4", "8", -1), ("8", "xyz.4", 1),
    ("xyz.4", "2", -1), ("2", "xyz.4", 1),
    ("5.5p2", "5.6p1", -1), ("5.6p1", "5.5p2", 1),
    ("5.6p1", "6.5p1", -1), ("6.5p1", "5.6p1", 1),
    ("6.0.rc1", "6.0", 1), ("6.0", "6.0.rc1", -1),
    ("10b2", "10a1", 1), ("10a2", "10b2", -1),
    ("1.0aa", "1.0aa", 0), ("1.0a", "1.0aa", -1), ("1.0aa", "1.0a", 1),
    ("10.0001", "10.0001", 0), ("10.0001", "10.1", 0), ("10.1", "10.0001", 0),
    ("10.0001", "10.0039", -1), ("10.0039", "10.0001", 1),
    ("4.999.9", "5.0", -1), ("5.0", "4.999.9", 1),
    ("20101121", "20101121", 0), ("20101121", "20101122", -1), ("20101122", "20101121", 1),
    ("2_0", "2_0", 0), ("2.0", "2_0", 0), ("2_0", "2.0", 0),
    ("a", "a", 0), ("a+", "a+", 0), ("a+", "a_", 0), ("a_", "a+", 0),
    ("+a", "+a", 0), ("+a", "_a", 0), ("_a", "+a", 0),
    ("+_", "+_", 0), ("_+", "+_", 0), ("_+", "_+", 0), ("+", "_", 0), ("_", "+", 0),
    ("1.0~rc1", "1.0~rc1", 0), ("1.0~rc1", "1.0", -1), ("1.0", "1.0~rc1", 1),
    ("1.0~rc1", "1.0~rc2", -1), ("1.0~rc2", "1.0~rc1", 1),
    ("1.0~rc1~git123", "1.0~rc1~git123", 0), ("1.0~rc1~git123", "1.0~rc1", -1),
    ("1.0~rc1", "1.0~rc1~git123", 1),
    ("1.0^", "1.0^", 0), ("1.0^", "1.0", 1), ("1.0", "1.0^", -1),
    ("1.0^git1", "1.0^git1", 0), ("1.0^git1", "1.0", 1), ("1.0", "1.0^git1", -1),
    ("1.0^git1", "1.0^git2", -1), ("1.0^git2", "1.0^git1", 1),
    ("1.0^git1", "1.01", -1), ("1.01", "1.0^git1", 1),
    ("1.0^20160101", "1.0^20160101", 0), ("1.0^20160101", "1.0.1", -1),
    ("1.0.1", "1.0^20160101", 1),
    ("1.0^20160101^git1", "1.0^20160101^git1", 0),
    ("1.0^20160102", "1.0^20160101^git1", 1), ("1.0^20160101^git1", "1.0^20160102", -1),
    ("1.0~rc1^git1", "1.0~rc1^git1", 0), ("1.0~rc1^git1", "1.0~rc1", 1),
    ("1.0~rc1", "1.0~rc1^git1", -1),
    ("1.0^git1~pre", "1.0^git1~pre", 0), ("1.0^git1", "1.0^git1~pre", 1),
    ("1.0^git1~pre", "1.0^git1", -1),
]  # fmt: skip


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [pytest.param(a, b, r, id=f"{a} {'<=>'[r + 1]} {b}") for a, b, r in RPMVERCMP_CASES],
)
def test_rpmvercmp_suite(a: str, b: str, expected: int) -> None:
    assert rpmvercmp(a, b) == expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        pytest.param(a, b, r, id=f"{a} {'<=>'[r + 1]} {b}")
        for a, b, r in RPMVERCMP_CASES
        if not a.startswith(("+", "_", "a", "x")) and not b.startswith(("+", "_", "a", "x"))
    ],
)
def test_versions_order_like_rpmvercmp(a: str, b: str, expected: int) -> None:
    va, vb = v(a), v(b)
    assert ((vb < va) - (va < vb)) == expected
    assert (va == vb) == (expected == 0)


@pytest.mark.parametrize(
    "chain",
    [
        ["2.0~beta1", "2.0~rc1", "2.0"],  # a tilde marks a pre-release
        ["2.0", "2.0^150825", "2.0.1"],  # a caret marks a snapshot after a release
        ["1.xyz", "1.0"],  # a letter run is older than a digit run
        ["99", "123", "321"],  # digit runs compare as numbers
        ["1.0", "1.0.1", "1.0.2"],
        ["2.0", "2.60", "3.0"],
        ["1.0", "1.0-1", "1.0-5", "1.0.1"],  # the release counts after the version
        ["6.0-1", "4:3.0-1", "5:3.1-1", "5:6.0-1"],  # the epoch counts first
        ["1.0~beta2", "1.0"],
        ["0.99", "1.0~beta1", "1.0"],
        ["2.0", "2.0^20250611"],
    ],
    ids=" < ".join,
)
def test_documented_ascending_orders(chain: list[str]) -> None:
    versions = [v(t) for t in chain]
    assert all(a < b for a, b in itertools.pairwise(versions))


@pytest.mark.parametrize(
    "same",
    [
        ["abc123", "abc.123", "abc0123", "abc.000123"],  # separators and leading zeros vanish
        ["0", "0.", "0_"],
        ["1.0", "1+0", "1_0", "1+.+0"],
        ["1.0", "0:1.0"],  # an omitted epoch is 0
    ],
    ids=" = ".join,
)
def test_documented_equalities(same: list[str]) -> None:
    versions = [v(t) for t in same]
    assert len(set(versions)) == 1


def test_fields_and_str() -> None:
    version = v("2:1.0^git3-4.fc40")
    assert (version.epoch, version.version, version.release) == (2, "1.0^git3", "4.fc40")
    assert str(version) == "2:1.0^git3-4.fc40"
    assert v("1.0").epoch is None
    assert not version.is_prerelease


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1.0-1-2", "invalid rpm version: a release cannot contain '-'\n  1.0-1-2\n       ^"),
        ("x:1.0", "invalid rpm version: expected the epoch to be a number\n  x:1.0\n  ^"),
        ("1.0-", "invalid rpm version: expected a release\n  1.0-\n      ^"),
        (
            "1 0",
            "invalid rpm version: a version takes letters, digits and '. _ + ~ ^', not ' '"
            "\n  1 0\n   ^",
        ),
    ],
)
def test_error_messages(text: str, message: str) -> None:
    with pytest.raises(InvalidVersion) as info:
        v(text)
    assert str(info.value) == message


# --- relations -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("relation", "inside", "outside"),
    [
        ("= 1.0", ["1.0", "1.0-1", "1.0-99.el9", "0:1.0-2"], ["1.0.1", "1.0~rc1-1", "1:1.0-1"]),
        ("= 1.0-2", ["1.0-2"], ["1.0-1", "1.0-3", "1.0"]),
        (">= 1.0", ["1.0", "1.0-1", "2"], ["1.0~rc1-9", "0.9-1"]),
        ("> 1.0", ["1.0.1-1", "1.0^git1-1"], ["1.0-9", "1.0"]),
        ("< 1.0", ["0.9-5", "1.0~rc1-1"], ["1.0-1", "1.0"]),
        ("<= 1.0", ["1.0-9", "0.9"], ["1.0.1", "1.0^git1-1"]),
        ("== 1.0-1, => 1.0", ["1.0-1"], ["1.0-2"]),
        ("< 1.0 | >= 2.0", ["0.9-1", "2.0-1"], ["1.5-1"]),
    ],
)
def test_relations(relation: str, inside: list[str], outside: list[str]) -> None:
    versions = SCHEME.parse_range(relation)
    assert all(versions.contains(v(t)) for t in inside)
    assert not any(versions.contains(v(t)) for t in outside)


@pytest.mark.parametrize(
    ("relation", "written"),
    [
        ("= 1.0", "= 1.0"),
        ("<= 1.0", "<= 1.0"),
        ("> 1.0", "> 1.0"),
        (">= 1.0, < 2.0-3", ">= 1.0, < 2.0-3"),
        ("= 1:1.0-2", "= 1:1.0-2"),
    ],
)
def test_format_range(relation: str, written: str) -> None:
    versions = SCHEME.parse_range(relation)
    assert SCHEME.format_range(versions) == written
    assert SCHEME.format_range(versions.complement())  # the complement can be written too
    assert SCHEME.parse_range(SCHEME.format_range(versions.complement())) == ~versions


def test_format_refuses_a_release_less_point() -> None:
    with pytest.raises(ValueError, match=r"cannot say = 1\.0 without naming a release"):
        SCHEME.format_range(VersionSet.singleton(v("1.0")))


def test_range_error_points_into_the_range() -> None:
    with pytest.raises(InvalidRange) as info:
        SCHEME.parse_range(">= 1.0, < 2.0-")
    assert (
        str(info.value)
        == "invalid rpm range: expected a release\n  >= 1.0, < 2.0-\n                ^"
    )


def test_registry_name() -> None:
    assert is_registered("rpm", SCHEME)


# --- properties ------------------------------------------------------------------------


def _reference_rpmvercmp(a: str, b: str) -> int:
    """rpm's rpmvercmp as a straight loop, to check the sort keys against."""
    if a == b:
        return 0
    i = j = 0
    alnum = str.isalnum

    def is_alnum(c: str) -> bool:
        return c.isascii() and alnum(c)

    while i < len(a) or j < len(b):
        while i < len(a) and not is_alnum(a[i]) and a[i] not in "~^":
            i += 1
        while j < len(b) and not is_alnum(b[j]) and b[j] not in "~^":
            j += 1
        ca = a[i] if i < len(a) else ""
        cb = b[j] if j < len(b) else ""
        if ca == "~" or cb == "~":
            if ca != "~":
                return 1
            if cb != "~":
                return -1
            i, j = i + 1, j + 1
            continue
        if ca == "^" or cb == "^":
            if not ca:
                return -1
            if not cb:
                return 1
            if ca != "^":
                return 1
            if cb != "^":
                return -1
            i, j = i + 1, j + 1
            continue
        if not (ca and cb):
            break
        numeric = ca.isdigit()
        kind = str.isdigit if numeric else (lambda c: c.isascii() and c.isalpha())
        si, sj = i, j
        while i < len(a) and kind(a[i]):
            i += 1
        while j < len(b) and kind(b[j]):
            j += 1
        sa, sb = a[si:i], b[sj:j]
        if not sb:
            return 1 if numeric else -1
        if numeric:
            sa, sb = sa.lstrip("0"), sb.lstrip("0")
            if len(sa) != len(sb):
                return 1 if len(sa) > len(sb) else -1
        if sa != sb:
            return 1 if sa > sb else -1
    ra, rb = i >= len(a), j >= len(b)
    if ra and rb:
        return 0
    return -1 if ra else 1


_runs = st.sampled_from(
    ["0", "1", "2", "10", "007", "a", "b", "rc", "git", ".", "_", "+", "~", "^"]
)
_part = st.builds(
    lambda head, rest: head + "".join(rest),
    st.sampled_from(["0", "1", "2", "10", "1.0", "2.30"]),
    st.lists(_runs, max_size=5),
)
versions = st.builds(
    lambda epoch, version, release: f"{epoch}{version}{release}",
    st.sampled_from(["", "0:", "1:", "3:"]),
    _part,
    st.one_of(st.just(""), _part.map(lambda r: "-" + r)),
)
ranges = st.builds(
    lambda op, version: f"{op} {version}",
    st.sampled_from(["<", "<=", "=", ">=", ">"]),
    versions,
) | st.builds(lambda a, b: f">= {a}, < {b}", versions, versions)


@settings(max_examples=200)
@given(_part, _part)
def test_keys_agree_with_a_plain_rpmvercmp(a: str, b: str) -> None:
    assert rpmvercmp(a, b) == _reference_rpmvercmp(a, b)


@settings(max_examples=200)
@given(st.text(alphabet="01a.~^_+-:", max_size=10), st.text(alphabet="01a.~^_+-:", max_size=10))
def test_rpmvercmp_agrees_on_any_text(a: str, b: str) -> None:
    assert rpmvercmp(a, b) == _reference_rpmvercmp(a, b)


@settings(max_examples=200)
@given(versions, versions, versions)
def test_order_is_total(a: str, b: str, c: str) -> None:
    assert_total_order(v(a), v(b), v(c))


@settings(max_examples=200)
@given(st.text(max_size=20) | versions)
def test_parsers_raise_only_typed_errors(text: str) -> None:
    assert_parsers_raise_only_typed_errors(SCHEME, text)


@settings(max_examples=100, deadline=None)
@given(
    version_sets(SCHEME, versions, ranges),
    version_sets(SCHEME, versions, ranges),
    st.lists(versions, max_size=6),
)
def test_set_laws(a: VersionSet[Any], b: VersionSet[Any], probes: list[str]) -> None:
    assert_set_laws(a, b, [v(p) for p in probes])


def test_bound_above_releases_is_not_a_package() -> None:
    top = v("1.0").releases_top()
    assert isinstance(top, RpmVersion)
    assert top.above_releases
    assert v("1.0-999999") < top < v("1.0.1")
    assert top < v("1.0^")
