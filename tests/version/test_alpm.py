"""Arch Linux versions against the VERS conformance cases and pacman's vercmp."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polypac.errors import InvalidVersion
from polypac.version.alpm import SCHEME, vercmp
from polypac.version.sets import VersionSet
from tests.version._laws import (
    assert_parsers_raise_only_typed_errors,
    assert_set_laws,
    assert_total_order,
    check_vers_case,
    is_registered,
    vers_cases,
    version_sets,
)

v = SCHEME.parse_version


@pytest.mark.parametrize("case", vers_cases("alpm_version_cmp_test.json"))
def test_vers_conformance(case: dict[str, Any]) -> None:
    check_vers_case(case)


@pytest.mark.parametrize(
    "chain",
    [
        ["1.0a", "1.0alpha", "1.0b", "1.0beta", "1.0rc", "1.0"],
        ["1.0", "1.0.a", "1.0.1"],
        ["1.0", "1.0."],  # trailing separators make a version newer, as in vercmp
        ["1.0-1", "1.0-2", "1.0-10", "1.0.1-1"],
        ["2.0", "1:1.0", "2:0.1"],
        ["1.0", "1.0~rc1"],  # no special tilde: a separator, so ~rc1 adds a newer part
    ],
    ids=" < ".join,
)
def test_ascending(chain: list[str]) -> None:
    versions = [v(t) for t in chain]
    assert all(a < b for a, b in itertools.pairwise(versions))


def test_tilde_is_a_plain_separator() -> None:
    assert v("1.0~rc1") == v("1.0.rc1")


def test_pkgrel_less_versions() -> None:
    # vercmp calls 1.5 equal to every 1.5-N; the total order puts it just below them
    assert vercmp("1.5", "1.5-1") == vercmp("1.5-2", "1.5") == 0
    assert v("1.5") < v("1.5-1")
    assert v(":1.0") == v("0:1.0") == v("1.0")
    assert vercmp("1.5-2", "1.5-10") == -1
    versions = SCHEME.parse_range("=1.5")
    assert versions.contains(v("1.5-1"))
    assert versions.contains(v("1.5-2"))
    assert not versions.contains(v("1.5.1-1"))
    assert SCHEME.format_range(versions) == "=1.5"


def test_fields() -> None:
    version = v("2:1.0.r12.gabc-3")
    assert (version.epoch, version.pkgver, version.pkgrel) == (2, "1.0.r12.gabc", "3")
    assert str(version) == "2:1.0.r12.gabc-3"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1.0-", "invalid alpm version: expected a pkgrel after '-'\n  1.0-\n      ^"),
        ("1 0", "invalid alpm version: expected printable ASCII without blanks\n  1 0\n   ^"),
        ("1:", "invalid alpm version: expected a pkgver\n  1:\n    ^"),
    ],
)
def test_error_messages(text: str, message: str) -> None:
    with pytest.raises(InvalidVersion) as info:
        v(text)
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("relation", "inside", "outside"),
    [
        (">=1.2", ["1.2", "1.2-1", "1.3"], ["1.1-9", "1.2rc1"]),
        ("<=1.2", ["1.2-9", "1.1"], ["1.2.1", "1.2.a"]),
        (">1.2", ["1.2.1-1"], ["1.2-5"]),
        ("=1.2-3", ["1.2-3"], ["1.2-4"]),
        (">=1.0, <2.0 | =3", ["1.5-1", "3-2"], ["2.0-1", "0.9"]),
    ],
)
def test_relations(relation: str, inside: list[str], outside: list[str]) -> None:
    versions = SCHEME.parse_range(relation)
    assert all(versions.contains(v(t)) for t in inside)
    assert not any(versions.contains(v(t)) for t in outside)


def test_format_refuses_a_pkgrel_less_point() -> None:
    with pytest.raises(ValueError, match=r"cannot say =1\.5 without a pkgrel"):
        SCHEME.format_range(VersionSet.singleton(v("1.5")))


def test_registry_names() -> None:
    assert is_registered("alpm", SCHEME)
    assert is_registered("arch", SCHEME)


# --- properties ------------------------------------------------------------------------


def _pacman_rpmvercmp(a: str, b: str) -> int:
    """pacman's rpmvercmp as a straight loop (lib/libalpm/version.c)."""
    if a == b:
        return 0

    def alnum(c: str) -> bool:
        return c.isascii() and c.isalnum()

    one = two = 0
    ptr1 = ptr2 = 0
    while one < len(a) and two < len(b):
        while one < len(a) and not alnum(a[one]):
            one += 1
        while two < len(b) and not alnum(b[two]):
            two += 1
        if not (one < len(a) and two < len(b)):
            break
        if one - ptr1 != two - ptr2:
            return -1 if one - ptr1 < two - ptr2 else 1
        ptr1, ptr2 = one, two
        numeric = a[ptr1].isdigit()
        kind = str.isdigit if numeric else (lambda c: c.isascii() and c.isalpha())
        while ptr1 < len(a) and kind(a[ptr1]):
            ptr1 += 1
        while ptr2 < len(b) and kind(b[ptr2]):
            ptr2 += 1
        sa, sb = a[one:ptr1], b[two:ptr2]
        if not sb:
            return 1 if numeric else -1
        if numeric:
            sa, sb = sa.lstrip("0"), sb.lstrip("0")
            if len(sa) != len(sb):
                return 1 if len(sa) > len(sb) else -1
        if sa != sb:
            return 1 if sa > sb else -1
        one, two = ptr1, ptr2
    rest_a, rest_b = a[one : one + 1], b[two : two + 1]
    if not rest_a and not rest_b:
        return 0
    if (not rest_a and not rest_b.isalpha()) or rest_a.isalpha():
        return -1
    return 1


# Single separators only: with runs of several, vercmp itself is not transitive.
_piece = st.sampled_from(["0", "1", "2", "10", "01", "a", "b", "rc", "beta"])
pkgvers = st.lists(
    st.tuples(st.sampled_from(["", ".", "_", "+"]), _piece), min_size=1, max_size=4
).map(lambda pairs: pairs[0][1] + "".join(s + p for s, p in pairs[1:]))
versions = st.builds(
    lambda epoch, pkgver, pkgrel: f"{epoch}{pkgver}{pkgrel}",
    st.sampled_from(["", "0:", "1:"]),
    pkgvers.filter(lambda text: text[0].isdigit()),
    st.sampled_from(["", "-1", "-2", "-10", "-1.1"]),
)
ranges = st.builds(
    lambda op, version: f"{op}{version}", st.sampled_from(["<", "<=", "=", ">=", ">"]), versions
) | st.builds(lambda a, b: f">={a}, <{b}", versions, versions)


@settings(max_examples=200)
@given(pkgvers, pkgvers)
def test_pkgver_order_agrees_with_pacman(a: str, b: str) -> None:
    assert vercmp(a, b) == _pacman_rpmvercmp(a, b)


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
