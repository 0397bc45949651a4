"""OpenSSL versions against the VERS conformance cases, and the scheme's laws."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polypac.errors import InvalidVersion
from polypac.version.openssl import SCHEME
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


@pytest.mark.parametrize("case", vers_cases("openssl_version_cmp_test.json"))
def test_vers_conformance(case: dict[str, Any]) -> None:
    check_vers_case(case)


@pytest.mark.parametrize(
    "chain",
    [
        ["0.9.8", "0.9.8a", "0.9.8z", "0.9.8za", "0.9.8zh", "1.0.0-beta5", "1.0.0", "1.0.0a"],
        ["1.1.0-pre1", "1.1.0-pre9", "1.1.0"],
        ["3.0.0-alpha1", "3.0.0-alpha17", "3.0.0-beta1", "3.0.0", "3.0.1", "3.0.10"],
        ["1.1.1w", "3.0.0"],
    ],
    ids=" < ".join,
)
def test_ascending(chain: list[str]) -> None:
    versions = [v(t) for t in chain]
    assert all(a < b for a, b in itertools.pairwise(versions))


def test_fields() -> None:
    version = v("1.0.2zk")
    assert (version.major, version.minor, version.patch, version.letters) == (1, 0, 2, "zk")
    assert v("3.0.0-beta02") == v("3.0.0-beta2")
    assert str(v("3.0.0-beta02")) == "3.0.0-beta2"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "1.0",
            "invalid openssl version: "
            "expected MAJOR.MINOR.PATCH, then fix letters or a tag like '-beta1'"
            "\n  1.0\n  ^",
        ),
        (
            "1.0.2-fips",
            "invalid openssl version: expected nothing more after the version"
            "\n  1.0.2-fips\n       ^",
        ),
    ],
)
def test_error_messages(text: str, message: str) -> None:
    with pytest.raises(InvalidVersion) as info:
        v(text)
    assert str(info.value) == message


def test_a_list_of_versions_is_a_union() -> None:
    versions = SCHEME.parse_range("3.0.0, 1.0.1b")
    assert versions.contains(v("3.0.0"))
    assert versions.contains(v("1.0.1b"))
    assert not versions.contains(v("1.0.1c"))
    assert SCHEME.format_range(versions) == "1.0.1b, 3.0.0"
    assert SCHEME.parse_range(">=1.0.1, <1.0.1g").contains(v("1.0.1f"))


def test_format_refuses_spans() -> None:
    with pytest.raises(ValueError, match="only a list of single versions"):
        SCHEME.format_range(SCHEME.parse_range(">=1.0.1"))


def test_registry_name() -> None:
    assert is_registered("openssl", SCHEME)


# --- properties ------------------------------------------------------------------------

versions = st.builds(
    lambda numbers, letters, tag: ".".join(numbers) + letters + tag,
    st.lists(st.sampled_from(["0", "1", "2", "3", "9", "10"]), min_size=3, max_size=3),
    st.sampled_from(["", "a", "b", "z", "za", "zh", "ag"]),
    st.sampled_from(["", "-alpha1", "-beta2", "-pre3", "-beta10"]),
)
ranges = st.lists(versions, min_size=1, max_size=4).map(", ".join) | st.builds(
    lambda op, version: f"{op}{version}", st.sampled_from(["<", "<=", ">=", ">", "!="]), versions
)


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
