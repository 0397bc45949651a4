"""Conan 2: VERS comparison data, the comparator spelling VERS conversion expects, ranges."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polypac.errors import InvalidRange, InvalidVersion
from polypac.version import get_scheme
from polypac.version.conan import SCHEME, ConanVersion
from polypac.version.scheme import Comparator
from polypac.version.sets import VersionSet
from tests.conftest import load_json
from tests.version._laws import (
    assert_parsers_raise_only_typed_errors,
    assert_set_laws,
    version_sets,
)

CMP = load_json("vers", "tests", "conan_version_cmp_test.json")["tests"]
FROM_NATIVE = [
    *load_json("vers", "tests", "conan_range_from_native_basic_test.json")["tests"],
    *load_json("vers", "tests", "conan_range_from_native_test.json")["tests"],
]


def v(text: str) -> ConanVersion:
    return SCHEME.parse_version(text)


@pytest.mark.parametrize(
    "case", CMP, ids=lambda c: f"{c['test_type']}:{'|'.join(c['input']['versions'])}"
)
def test_version_cmp(case: dict[str, Any]) -> None:
    versions = [v(text) for text in case["input"]["versions"]]
    if case["test_type"] == "comparison":
        assert [str(x) for x in sorted(versions)] == case["expected_output"]
    else:
        a, b = versions
        assert (a == b) is case["expected_output"]
        assert (hash(a) == hash(b)) or not case["expected_output"]


def vers_token(comparator: Comparator) -> str:
    return comparator.version if comparator.operator == "=" else str(comparator)


@pytest.mark.parametrize("case", FROM_NATIVE, ids=lambda c: repr(c["input"]["native_range"]))
def test_desugar_spelling(case: dict[str, Any]) -> None:
    """desugar_range gives the comparators, in order, of the expected VERS string."""
    groups = SCHEME.desugar_range(case["input"]["native_range"])
    tokens = [vers_token(c) for group in groups for c in group]
    assert "|".join(tokens) == case["expected_output"].removeprefix("vers:conan/")


# -- ranges -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "inside", "outside"),
    [
        ("~2.5", ["2.5", "2.5.9"], ["2.6", "2.4.9", "2.6-pre", "2.5.1-rc1"]),
        ("~1", ["1", "1.9"], ["2", "0.9"]),
        ("^1.2", ["1.2", "1.99"], ["2.0", "1.1"]),
        ("^0.1.2", ["0.1.2", "0.1.99"], ["0.2"]),
        (">1 <2.0", ["1.0.1", "1.9"], ["1", "2.0"]),
        (">=5.1.0 <=5.1.1", ["5.1.0", "5.1.1"], ["5.1.2"]),
        ("=3.7", ["3.7", "3.7.0"], ["3.7.1"]),
        ("3.7", ["3.7"], ["3.8"]),
        ("1.0.0 || 2.1.3", ["1.0.0", "2.1.3"], ["1.5"]),
        ("*", ["0.0.1", "99", "cci.20200203"], ["1.0-rc1"]),
        ("", ["1.0"], ["1.0-rc1"]),
        (">=1.1.1d <=1.1.1f", ["1.1.1d", "1.1.1e"], ["1.1.1c", "1.1.1g"]),
    ],
)
def test_parse_range(spec: str, inside: list[str], outside: list[str]) -> None:
    versions = SCHEME.parse_range(spec)
    for text in inside:
        assert versions.contains(v(text)), text
    for text in outside:
        assert not versions.contains(v(text)), text


@pytest.mark.parametrize(
    ("spec", "version", "default", "with_pre"),
    [
        (">=1.0 <2", "1.5-rc1", False, True),
        (">=1.0", "1.0-rc1", False, True),  # >=1.0 reaches down to 1.0-
        ("<2.0", "2.0-rc1", False, False),  # <2.0 stops below 2.0-
        ("~2.5", "2.5.1-rc1", False, True),
        (">1 <2, include_prerelease", "1.5-rc1", True, True),
        (">1 <2, include_prerelease=True", "1.5-rc1", True, True),
        (">1- <2", "1-rc1", False, True),
        (">1 <2", "1-rc1", False, False),
    ],
)
def test_prereleases(spec: str, version: str, default: bool, with_pre: bool) -> None:
    assert SCHEME.parse_range(spec).contains(v(version)) is default
    assert SCHEME.parse_range(spec, include_prerelease=True).contains(v(version)) is with_pre


@pytest.mark.parametrize(
    ("spec", "position", "problem"),
    [
        ("1", 0, "expected an operator and a version; write a one-character version as =1"),
        (">=1.0 ~=2", 6, "'~=' is no operator here; write ~1.2 instead"),
        (">=", 2, "expected a version"),
        ("~a.b", 0, "cannot raise item 2 of 'a.b-': it is not a number"),
        ("^0.0.0", 0, "cannot find an item to raise in '0.0.0': it is all zeros"),
        (">1, 2", 4, "expected an option such as include_prerelease"),
        (">>1", 1, "a version cannot start with an operator (<, >, =, ~, ^)"),
    ],
)
def test_invalid_range(spec: str, position: int, problem: str) -> None:
    with pytest.raises(InvalidRange) as caught:
        SCHEME.parse_range(spec)
    assert (caught.value.position, caught.value.problem) == (position, problem)
    assert str(caught.value).startswith(f"invalid Conan version range: {problem}")


@pytest.mark.parametrize(("text", "position"), [("", None), ("1.0 beta", 3), (">1", 0), ("1,2", 1)])
def test_invalid_version(text: str, position: int | None) -> None:
    with pytest.raises(InvalidVersion) as caught:
        SCHEME.parse_version(text)
    assert caught.value.position == position


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (">1- <2.0", ">=1- <2.0-"),
        ("~2.5", ">=2.5- <2.6-"),
        ("~2.5, include_prerelease", ">=2.5- <2.6-, include_prerelease"),
        ("1.0.0 || 2.1.3", "=1.0.0 || =2.1.3"),
    ],
)
def test_format_range(spec: str, expected: str) -> None:
    assert SCHEME.format_range(SCHEME.parse_range(spec)) == expected


def test_version_parts() -> None:
    version = v("1.2.3-rc.1+b-7")
    assert (version.main, version.pre, version.build) == ("1.2.3", "rc.1", "b-7")
    assert version.is_prerelease
    assert not v("1.2.3+b1").is_prerelease


def test_registry() -> None:
    scheme: object = get_scheme("conan")
    assert scheme is SCHEME


# -- properties -------------------------------------------------------------------------------

items = st.one_of(
    st.integers(0, 12).map(str),
    st.sampled_from(["a", "b", "rc1", "1a", "cci", "20200203", "x"]),
)
parts = st.lists(items, min_size=1, max_size=3).map(".".join)


@st.composite
def conan_versions(draw: st.DrawFn) -> str:
    text = draw(parts)
    if draw(st.integers(0, 3)) == 0:
        text += "-" + draw(st.one_of(st.just(""), parts))
    if draw(st.integers(0, 4)) == 0:
        text += "+" + draw(parts)
    return text


@st.composite
def conan_ranges(draw: st.DrawFn) -> str:
    alternatives = []
    for _ in range(draw(st.integers(1, 2))):
        conditions = []
        for _ in range(draw(st.integers(1, 2))):
            op = draw(st.sampled_from([">", "<", ">=", "<=", "=", "~", "^", ""]))
            version = draw(conan_versions())
            if op in ("~", "^"):
                numbers = draw(st.lists(st.integers(1, 5), min_size=1, max_size=3))
                version = ".".join(map(str, numbers))
            if op == "" and len(version) == 1:
                op = "="
            conditions.append(op + version)
        alternatives.append(" ".join(conditions))
    text = " || ".join(alternatives)
    if draw(st.booleans()):
        text += ", include_prerelease"
    return text


@settings(max_examples=200)
@given(conan_versions(), conan_versions(), conan_versions())
def test_total_order(a: str, b: str, c: str) -> None:
    va, vb, vc = v(a), v(b), v(c)
    assert sum([va < vb, va == vb, vb < va]) == 1
    if va == vb:
        assert hash(va) == hash(vb)
    if va <= vb <= vc:
        assert va <= vc


@settings(max_examples=200)
@given(st.text())
def test_parsers_raise_only_typed_errors(text: str) -> None:
    with contextlib.suppress(InvalidVersion):
        SCHEME.parse_version(text)
    with contextlib.suppress(InvalidRange):
        SCHEME.parse_range(text)
        SCHEME.desugar_range(text)


@settings(max_examples=200)
@given(conan_ranges(), conan_ranges(), conan_versions())
def test_set_laws(left: str, right: str, version: str) -> None:
    a, b = SCHEME.parse_range(left), SCHEME.parse_range(right)
    x = v(version)
    assert a.complement().complement() == a
    assert (a | b).complement() == a.complement() & b.complement()
    assert (a & b).complement() == a.complement() | b.complement()
    assert (a & a.complement()).is_empty()
    assert (a | b).contains(x) == (a.contains(x) or b.contains(x))
    assert a.complement().contains(x) != a.contains(x)


@settings(max_examples=200)
@given(conan_ranges())
def test_format_round_trip(spec: str) -> None:
    versions = SCHEME.parse_range(spec)
    try:
        text = SCHEME.format_range(versions)
    except ValueError:
        return
    assert SCHEME.parse_range(text) == versions


@settings(max_examples=100)
@given(
    version_sets(SCHEME, conan_versions(), conan_ranges()),
    version_sets(SCHEME, conan_versions(), conan_ranges()),
    st.lists(conan_versions(), max_size=5),
)
def test_shared_set_laws(a: VersionSet[Any], b: VersionSet[Any], probes: list[str]) -> None:
    """The laws every scheme keeps (tests/version/_laws.py), with singletons mixed in."""
    assert_set_laws(a, b, [SCHEME.parse_version(text) for text in probes])


@settings(max_examples=100)
@given(st.one_of(st.text(), conan_versions()))
def test_shared_parser_laws(text: str) -> None:
    assert_parsers_raise_only_typed_errors(SCHEME, text)
