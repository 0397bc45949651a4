"""nginx: VERS from-native data (nginx_range_from_native_test.json), lists, properties."""

from __future__ import annotations

import contextlib
from collections import Counter
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polypac.errors import InvalidRange, InvalidVersion
from polypac.version import get_scheme
from polypac.version.nginx import SCHEME, NginxVersion
from polypac.version.scheme import Comparator
from polypac.version.sets import VersionSet
from tests.conftest import load_json
from tests.version._laws import (
    assert_parsers_raise_only_typed_errors,
    assert_set_laws,
    version_sets,
)

FROM_NATIVE = load_json("vers", "tests", "nginx_range_from_native_test.json")["tests"]


def vers_token(comparator: Comparator) -> str:
    return comparator.version if comparator.operator == "=" else str(comparator)


@pytest.mark.parametrize("case", FROM_NATIVE, ids=lambda c: c["input"]["native_range"])
def test_from_native_comparators(case: dict[str, Any]) -> None:
    """desugar_range yields the comparators of the expected VERS (VERS sorts them)."""
    groups = SCHEME.desugar_range(case["input"]["native_range"])
    ours = Counter(vers_token(c) for group in groups for c in group)
    expected = Counter(case["expected_output"].removeprefix("vers:nginx/").split("|"))
    assert ours == expected


def v(text: str) -> NginxVersion:
    return SCHEME.parse_version(text)


@pytest.mark.parametrize(
    ("spec", "inside", "outside"),
    [
        ("0.8.40+", ["0.8.40", "0.8.99"], ["0.8.39", "0.9.0"]),
        ("1.25.4+", ["1.25.4", "1.27.0", "2.0.0"], ["1.25.3"]),
        ("0.7.52-0.8.39", ["0.7.52", "0.8.0", "0.8.39"], ["0.7.51", "0.8.40"]),
        ("1.5.10", ["1.5.10"], ["1.5.9", "1.5.11"]),
        ("1.5.0+, 1.4.1+", ["1.4.1", "1.5.0", "1.9.0"], ["1.4.0"]),
        ("all", ["0.0.1", "9.9.9"], []),
        ("none", [], ["1.0.0"]),
        (" 1.1.4 - 1.2.8 , 1.3.9-1.4.0 ", ["1.2.8", "1.4.0"], ["1.3.0", "1.4.1"]),
    ],
)
def test_parse_range(spec: str, inside: list[str], outside: list[str]) -> None:
    versions = SCHEME.parse_range(spec)
    for text in inside:
        assert versions.contains(v(text)), text
    for text in outside:
        assert not versions.contains(v(text)), text


@pytest.mark.parametrize(
    ("spec", "groups"),
    [
        ("0.8.40+", [[">=0.8.40", "<0.9.0"]]),
        ("1.25.4+", [[">=1.25.4"]]),
        ("0.7.52-0.8.39", [[">=0.7.52", "<=0.8.39"]]),
        ("0.9.10", [["=0.9.10"]]),
        ("all", [[]]),
        ("none", []),
    ],
)
def test_desugar_range(spec: str, groups: list[list[str]]) -> None:
    assert [[str(c) for c in g] for g in SCHEME.desugar_range(spec)] == groups


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("1.5.0+, 1.4.1+", "1.4.1+, 1.5.0+"),
        ("0.7.52-0.8.39", "0.7.52-0.8.39"),
        ("1.2.3, 1.2.4", "1.2.3-1.2.4"),
        ("1.24.0+", "1.24.0+"),
        ("0.0.0-0.2.0, 0.2.0+", "0.0.0-0.2.0, 0.2.0+"),
        ("all", "all"),
        ("none", "none"),
    ],
)
def test_format_range(spec: str, expected: str) -> None:
    assert SCHEME.format_range(SCHEME.parse_range(spec)) == expected


@pytest.mark.parametrize(
    ("spec", "position", "problem"),
    [
        ("1.5", 3, "expected a version of three numbers such as 1.25.3"),
        ("1.5.0, ", 6, "expected a version, 'V+', 'V-W', 'all' or 'none'"),
        ("1.5.0-1.4.0", 6, "the range ends before it starts"),
        ("nginx/Windows 1.5.0", 0, "expected a version of three numbers such as 1.25.3"),
        ("1.5.0-1.6.x", 10, "expected a version of three numbers such as 1.25.3"),
    ],
)
def test_invalid_range(spec: str, position: int, problem: str) -> None:
    with pytest.raises(InvalidRange) as caught:
        SCHEME.parse_range(spec)
    assert (caught.value.position, caught.value.problem) == (position, problem)
    assert str(caught.value).startswith(f"invalid nginx version list: {problem}")


def test_invalid_version() -> None:
    with pytest.raises(InvalidVersion) as caught:
        SCHEME.parse_version("1.05.0")
    assert caught.value.position == 2


def test_registry() -> None:
    scheme: object = get_scheme("nginx")
    assert scheme is SCHEME


# -- properties --------------------------------------------------------------------------------

versions = st.builds(NginxVersion, st.integers(0, 2), st.integers(0, 6), st.integers(0, 12))


@st.composite
def advisory_lists(draw: st.DrawFn) -> str:
    items = []
    for _ in range(draw(st.integers(1, 3))):
        a, b = sorted([draw(versions), draw(versions)])
        items.append(draw(st.sampled_from([f"{a}", f"{a}+", f"{a}-{b}", "all", "none"])))
    return ", ".join(items)


@settings(max_examples=200)
@given(versions, versions, versions)
def test_total_order(a: NginxVersion, b: NginxVersion, c: NginxVersion) -> None:
    assert sum([a < b, a == b, b < a]) == 1
    if a <= b <= c:
        assert a <= c
    assert (a == b) <= (hash(a) == hash(b))
    assert v(str(a)) == a


@settings(max_examples=200)
@given(st.text())
def test_parsers_raise_only_typed_errors(text: str) -> None:
    with contextlib.suppress(InvalidVersion):
        SCHEME.parse_version(text)
    with contextlib.suppress(InvalidRange):
        SCHEME.parse_range(text)
        SCHEME.desugar_range(text)


@settings(max_examples=200)
@given(advisory_lists(), advisory_lists(), versions)
def test_set_laws(left: str, right: str, version: NginxVersion) -> None:
    a, b = SCHEME.parse_range(left), SCHEME.parse_range(right)
    assert a.complement().complement() == a
    assert (a | b).complement() == a.complement() & b.complement()
    assert (a & b).complement() == a.complement() | b.complement()
    assert (a & a.complement()).is_empty()
    assert (a | b).contains(version) == (a.contains(version) or b.contains(version))
    assert a.complement().contains(version) != a.contains(version)


@settings(max_examples=200)
@given(advisory_lists())
def test_format_round_trip(spec: str) -> None:
    versions_set = SCHEME.parse_range(spec)
    assert SCHEME.parse_range(SCHEME.format_range(versions_set)) == versions_set


@settings(max_examples=200)
@given(advisory_lists(), versions)
def test_desugar_agrees_with_parse(spec: str, version: NginxVersion) -> None:
    def holds(c: Comparator) -> bool:
        other = v(c.version)
        return {
            "=": version == other,
            "!=": version != other,
            "<": version < other,
            "<=": version <= other,
            ">": version > other,
            ">=": version >= other,
        }[c.operator]

    desugared = any(all(holds(c) for c in group) for group in SCHEME.desugar_range(spec))
    assert desugared is SCHEME.parse_range(spec).contains(version)


@settings(max_examples=100)
@given(
    version_sets(SCHEME, versions.map(str), advisory_lists()),
    version_sets(SCHEME, versions.map(str), advisory_lists()),
    st.lists(versions.map(str), max_size=5),
)
def test_shared_set_laws(a: VersionSet[Any], b: VersionSet[Any], probes: list[str]) -> None:
    """The laws every scheme keeps (tests/version/_laws.py), with singletons mixed in."""
    assert_set_laws(a, b, [SCHEME.parse_version(text) for text in probes])


@settings(max_examples=100)
@given(st.one_of(st.text(), versions.map(str)))
def test_shared_parser_laws(text: str) -> None:
    assert_parsers_raise_only_typed_errors(SCHEME, text)
