"""RFC 3339 timestamps as versions, against the VERS conformance cases."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polypac.errors import InvalidVersion
from polypac.version.datetime import SCHEME
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


@pytest.mark.parametrize("case", vers_cases("datetime_version_cmp_test.json"))
def test_vers_conformance(case: dict[str, Any]) -> None:
    check_vers_case(case)


def test_one_instant_is_one_value() -> None:
    forms = [
        "2024-01-01T00:00:00Z",
        "2024-01-01t00:00:00z",
        "2023-12-31T19:00:00-05:00",
        "2024-01-01T05:30:00.000+05:30",
        "2024-01-01T00:00:00-00:00",
    ]
    assert len({v(form) for form in forms}) == 1
    assert str(v(forms[2])) == forms[2]


def test_order_across_dates() -> None:
    chain = ["1969-12-31T23:59:59.999Z", "1970-01-01T00:00:00Z", "2000-02-29T12:00:00Z"]
    versions = [v(t) for t in chain]
    assert versions == sorted(versions)
    assert v("1970-01-01T00:00:00Z").seconds == 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "2023-02-29T00:00:00Z",
            "invalid datetime version: day must be 01 to 28 in that month"
            "\n  2023-02-29T00:00:00Z\n          ^",
        ),
        (
            "2024-01-01 00:00:00Z",
            "invalid datetime version: expected an RFC 3339 date-time like 2024-01-01T00:00:00Z"
            "\n  2024-01-01 00:00:00Z\n            ^",
        ),
        (
            "2016-12-31T23:59:60Z",
            "invalid datetime version: leap seconds (:60) are not supported"
            "\n  2016-12-31T23:59:60Z\n                   ^",
        ),
        (
            "2024-13-01T00:00:00Z",
            "invalid datetime version: month must be 01 to 12\n  2024-13-01T00:00:00Z\n       ^",
        ),
    ],
)
def test_error_messages(text: str, message: str) -> None:
    with pytest.raises(InvalidVersion) as info:
        v(text)
    assert str(info.value) == message


def test_ranges() -> None:
    versions = SCHEME.parse_range(">=2024-01-01T00:00:00Z, <2024-02-01T00:00:00+01:00")
    assert versions.contains(v("2024-01-31T22:59:59.999Z"))
    assert not versions.contains(v("2024-01-31T23:00:00Z"))  # the upper bound's instant
    assert SCHEME.parse_range(SCHEME.format_range(versions)) == versions


def test_registry_name() -> None:
    assert is_registered("datetime", SCHEME)


# --- properties ------------------------------------------------------------------------

versions = st.builds(
    lambda day, hour, minute, fraction, offset: (
        f"2024-02-{day:02d}T{hour:02d}:{minute:02d}:00{fraction}{offset}"
    ),
    st.integers(1, 29),
    st.integers(0, 23),
    st.sampled_from([0, 30, 59]),
    st.sampled_from(["", ".5", ".500", ".123456789"]),
    st.sampled_from(["Z", "+00:00", "+01:00", "-05:00", "+05:30"]),
)
ranges = st.builds(
    lambda op, version: f"{op}{version}",
    st.sampled_from(["<", "<=", "=", ">=", ">", "!="]),
    versions,
) | st.builds(lambda a, b: f">={a}, <{b}", versions, versions)


@settings(max_examples=200)
@given(versions, versions, versions)
def test_order_is_total(a: str, b: str, c: str) -> None:
    assert_total_order(v(a), v(b), v(c))


@settings(max_examples=200)
@given(st.text(max_size=25) | versions)
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
