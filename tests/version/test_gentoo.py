"""Gentoo ebuild versions against the VERS conformance cases and the PMS rules."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polypac.errors import InvalidRange, InvalidVersion
from polypac.version.gentoo import SCHEME
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


@pytest.mark.parametrize("case", vers_cases("gentoo_version_cmp_test.json"))
def test_vers_conformance(case: dict[str, Any]) -> None:
    check_vers_case(case)


@pytest.mark.parametrize(
    "chain",
    [
        ["1.0_alpha", "1.0_alpha1", "1.0_beta", "1.0_pre", "1.0_rc", "1.0", "1.0_p", "1.0_p1"],
        ["1.0", "1.0-r1", "1.0_p", "1.0a", "1.0.0"],  # revision, suffix, letter, component
        ["1.01", "1.1"],  # PMS 3.3: leading zero, so strings
        ["1.001", "1.01", "1.1", "1.9", "1.10"],
        ["1_alpha_alpha", "1_alpha", "1_alpha_p"],  # an extra suffix: _p wins, others lose
        ["1", "1.0", "1.0.0"],
    ],
    ids=" < ".join,
)
def test_ascending(chain: list[str]) -> None:
    versions = [v(t) for t in chain]
    assert all(a < b for a, b in itertools.pairwise(versions))


@pytest.mark.parametrize(
    "same",
    [["1.0", "1.0-r0"], ["1.010", "1.01"], ["1.0", "1.00"], ["1_alpha", "1_alpha0"], ["01", "1"]],
    ids=" = ".join,
)
def test_equal_spellings(same: list[str]) -> None:
    versions = {v(t) for t in same}
    assert len(versions) == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "1.0_foo",
            "invalid ebuild version: expected '.N', a letter, "
            "'_alpha', '_beta', '_pre', '_rc', '_p' or '-rN' here"
            "\n  1.0_foo\n     ^",
        ),
        ("a1", "invalid ebuild version: expected a version to start with a digit\n  a1\n  ^"),
    ],
)
def test_error_messages(text: str, message: str) -> None:
    with pytest.raises(InvalidVersion) as info:
        v(text)
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("relation", "inside", "outside"),
    [
        ("~1.2", ["1.2", "1.2-r0", "1.2-r7"], ["1.2_p1", "1.2.0", "1.1", "1.2_rc1"]),
        ("~1.2-r3", ["1.2", "1.2-r1"], ["1.3"]),  # ~ ignores a revision
        (">=1.2", ["1.2", "1.2-r1", "2"], ["1.2_rc1"]),
        ("<1.2-r2", ["1.2-r1", "1.2"], ["1.2-r2"]),
        (">=1.0, <2 | =3", ["1.5", "3"], ["2", "3-r1"]),
    ],
)
def test_relations(relation: str, inside: list[str], outside: list[str]) -> None:
    versions = SCHEME.parse_range(relation)
    assert all(versions.contains(v(t)) for t in inside)
    assert not any(versions.contains(v(t)) for t in outside)


def test_any_revision_round_trips_but_has_no_primitive() -> None:
    versions = SCHEME.parse_range("~1.2")
    assert SCHEME.format_range(versions) == "~1.2"
    with pytest.raises(InvalidRange, match="'~' \\(any revision\\) has no primitive comparator"):
        SCHEME.desugar_range("~1.2")
    with pytest.raises(ValueError, match="an atom cannot say"):
        SCHEME.format_range(~versions)


def test_glob_is_refused() -> None:
    with pytest.raises(InvalidRange) as info:
        SCHEME.parse_range("=1.2*")
    assert str(info.value) == (
        "invalid ebuild range: glob matches ('=1.2*') are not supported\n  =1.2*\n      ^"
    )


def test_registry_names() -> None:
    assert is_registered("ebuild", SCHEME)
    assert is_registered("gentoo", SCHEME)


# --- properties ------------------------------------------------------------------------

_number = st.sampled_from(["0", "1", "2", "10", "01", "001", "010", "99999999999999999999"])
versions = st.builds(
    lambda first, rest, letter, suffixes, revision: (
        first + "".join("." + n for n in rest) + letter + "".join(suffixes) + revision
    ),
    _number,
    st.lists(_number, max_size=3),
    st.sampled_from(["", "a", "b"]),
    st.lists(
        st.builds(
            lambda name, n: f"_{name}{n}",
            st.sampled_from(["alpha", "beta", "pre", "rc", "p"]),
            st.sampled_from(["", "0", "1", "2"]),
        ),
        max_size=2,
    ),
    st.sampled_from(["", "-r0", "-r1", "-r2"]),
)
ranges = st.builds(
    lambda op, version: f"{op}{version}",
    st.sampled_from(["<", "<=", "=", ">=", ">", "~"]),
    versions,
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
