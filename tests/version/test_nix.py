"""Nix versions: builtins.compareVersions rules, and the scheme's laws."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polypac.errors import InvalidVersion
from polypac.version.nix import SCHEME, split_version
from polypac.version.sets import VersionSet
from tests.version._laws import (
    assert_parsers_raise_only_typed_errors,
    assert_set_laws,
    assert_total_order,
    is_registered,
    version_sets,
)

v = SCHEME.parse_version

# The examples of the Nix manual for builtins.compareVersions, and Nix's own tests.
ASCENDING = [
    ["1.0", "2.3"],
    ["2.1", "2.3"],
    ["2.3", "2.3.1"],
    ["2.3.1", "2.5"],
    ["2.3.1", "2.3.2"],
    ["2.3pre1", "2.3"],  # pre sorts before everything, even the end
    ["2.3pre3", "2.3pre12"],
    ["2.3a", "2.3c"],
    ["2.3pre1", "2.3c"],
    ["2.3pre1", "2.3q"],
    ["2.3a", "2.3.1"],  # a word before a number
    ["2.3", "2.3a"],  # the end before a word
    ["1.0pre", "1.0"],
    ["2.3-pre1", "2.3"],
]


@pytest.mark.parametrize("pair", ASCENDING, ids=" < ".join)
def test_compare_versions_examples(pair: list[str]) -> None:
    a, b = (v(t) for t in pair)
    assert a < b
    assert not b < a


@pytest.mark.parametrize(
    "same",
    [["1.0", "1-0", "1.00"], ["2.3.0", "2.3-0"], ["unstable-2023-01-01", "unstable.2023.1.1"]],
    ids=" = ".join,
)
def test_equal_spellings(same: list[str]) -> None:
    assert len({v(t) for t in same}) == 1


def test_split_version() -> None:
    assert split_version("2.3pre1-foo.4") == ["2", "3", "pre", "1", "foo", "4"]


def test_numbers_too_big_for_an_int_compare_as_words() -> None:
    # Nix parses a piece as a C int; one that overflows is a word, and words sort below
    # numbers, so this huge piece sorts below 2.
    assert v("1.99999999999") < v("1.2")
    assert v("1.2147483647") > v("1.2")


def test_error_message() -> None:
    with pytest.raises(InvalidVersion) as info:
        v("1.0 beta")
    assert str(info.value) == (
        "invalid nix version: a version cannot contain blanks or control characters\n"
        "  1.0 beta\n     ^"
    )


@pytest.mark.parametrize(
    ("relation", "inside", "outside"),
    [
        (">=2.3, <3", ["2.3", "2.10"], ["2.3pre1", "3"]),
        ("2.3", ["2.3", "2-3"], ["2.3.0"]),
        ("!=2.3", ["2.4"], ["2.3"]),
        ("<1 | >2", ["0.9", "2.1"], ["1.5"]),
    ],
)
def test_relations(relation: str, inside: list[str], outside: list[str]) -> None:
    versions = SCHEME.parse_range(relation)
    assert all(versions.contains(v(t)) for t in inside)
    assert not any(versions.contains(v(t)) for t in outside)


def test_format_range() -> None:
    versions = SCHEME.parse_range(">=2.3, <3 | =4")
    assert SCHEME.format_range(versions) == ">=2.3, <3 | =4"
    assert SCHEME.parse_range(SCHEME.format_range(~versions)) == ~versions


def test_registry_name() -> None:
    assert is_registered("nix", SCHEME)


# --- properties ------------------------------------------------------------------------

_piece = st.sampled_from(["0", "1", "2", "10", "01", "pre", "a", "rc", "beta", "unstable"])
versions = st.lists(st.tuples(st.sampled_from(["", ".", "-"]), _piece), min_size=1, max_size=5).map(
    lambda pairs: pairs[0][1] + "".join(s + p for s, p in pairs[1:])
)
ranges = st.builds(
    lambda op, version: f"{op}{version}",
    st.sampled_from(["<", "<=", "=", ">=", ">", "!=", ""]),
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
