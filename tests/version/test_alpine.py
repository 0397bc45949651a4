"""Alpine apk versions against the VERS conformance cases, and the scheme's laws."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polypac.errors import InvalidRange, InvalidVersion
from polypac.version.alpine import SCHEME
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


@pytest.mark.parametrize("case", vers_cases("alpine_version_cmp_test.json"))
def test_vers_conformance(case: dict[str, Any]) -> None:
    check_vers_case(case)


@pytest.mark.parametrize(
    "chain",
    [
        ["1.0_alpha", "1.0_alpha2", "1.0_beta", "1.0_pre", "1.0_rc1", "1.0"],
        ["1.0", "1.0-r1", "1.0_cvs", "1.0_svn", "1.0_git", "1.0_hg", "1.0_p1", "1.0a", "1.0.1"],
        ["1.01", "1.1"],  # a leading zero makes both sides strings: "01" < "1"
        ["1.001", "1.01"],
        ["1.9", "1.10"],
        ["1.0_alpha_pre", "1.0_alpha"],  # a second pre-release suffix sorts below none
        ["1.0", "1.0-r1", "1.0~abc", "1.0~abd", "1.0_p"],  # revision < hash < suffix
    ],
    ids=" < ".join,
)
def test_ascending(chain: list[str]) -> None:
    versions = [v(t) for t in chain]
    assert all(a < b for a, b in itertools.pairwise(versions))


def test_equal_spellings() -> None:
    assert v("01.0") == v("1.0")  # the first number is always a number
    assert hash(v("01.0")) == hash(v("1.0"))
    assert v("1.0") != v("1.00")
    assert str(v("01.0")) == "01.0"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "1.0-1",
            "invalid apk version: expected 'r' and the revision number after '-'\n  1.0-1\n      ^",
        ),
        ("1.0ab", "invalid apk version: a letter may only follow a number\n  1.0ab\n      ^"),
        (
            "1.0_foo",
            "invalid apk version: expected a suffix: alpha, beta, pre, rc, cvs, svn, git, hg or p"
            "\n  1.0_foo\n      ^",
        ),
        ("v1.0", "invalid apk version: expected a version to start with a digit\n  v1.0\n  ^"),
        ("1.0-r1.2", "invalid apk version: '.' may only follow a number\n  1.0-r1.2\n        ^"),
    ],
)
def test_error_messages(text: str, message: str) -> None:
    with pytest.raises(InvalidVersion) as info:
        v(text)
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("relation", "inside", "outside"),
    [
        (">=1.2", ["1.2", "1.2-r1", "1.3_rc1"], ["1.2_rc1", "1.1"]),
        ("<1.2", ["1.2_rc1", "1.1-r9"], ["1.2", "1.2-r0"]),
        ("=1.2-r1", ["1.2-r1"], ["1.2", "1.2-r2"]),
        (">1.0, <=2.0 | =3.0", ["1.5", "2.0", "3.0"], ["1.0", "2.0-r1", "3.0-r1"]),
    ],
)
def test_relations(relation: str, inside: list[str], outside: list[str]) -> None:
    versions = SCHEME.parse_range(relation)
    assert all(versions.contains(v(t)) for t in inside)
    assert not any(versions.contains(v(t)) for t in outside)


def test_format_range_round_trips() -> None:
    versions = SCHEME.parse_range(">= 1.2, < 2 | = 3.0-r1")
    assert SCHEME.format_range(versions) == ">=1.2, <2 | =3.0-r1"
    assert SCHEME.parse_range(SCHEME.format_range(~versions)) == ~versions


def test_fuzzy_match_is_refused() -> None:
    with pytest.raises(InvalidRange, match="expected a relation operator"):
        SCHEME.parse_range("~1.2")


def test_registry_names() -> None:
    assert is_registered("apk", SCHEME)
    assert is_registered("alpine", SCHEME)


# --- properties ------------------------------------------------------------------------

_digits = st.sampled_from(["0", "1", "2", "9", "10", "01", "001", "20240101"])
versions = st.builds(
    lambda first, rest, letter, suffixes, hash_, revision: (
        first + "".join("." + d for d in rest) + letter + "".join(suffixes) + hash_ + revision
    ),
    _digits,
    st.lists(_digits, max_size=3),
    st.sampled_from(["", "a", "z"]),
    st.lists(
        st.builds(
            lambda name, number: f"_{name}{number}",
            st.sampled_from(["alpha", "beta", "pre", "rc", "cvs", "git", "p"]),
            st.sampled_from(["", "0", "1", "2", "10"]),
        ),
        max_size=2,
    ),
    st.sampled_from(["", "~abc", "~0f"]),
    st.sampled_from(["", "-r0", "-r1", "-r10"]),
)
ranges = st.builds(
    lambda op, version: f"{op}{version}", st.sampled_from(["<", "<=", "=", ">=", ">"]), versions
) | st.builds(lambda a, b: f">={a}, <{b}", versions, versions)


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
