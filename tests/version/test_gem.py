"""RubyGems: VERS from-native data (gem_range_from_native_test.json), order, requirements."""

from __future__ import annotations

import contextlib
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polypac.errors import InvalidRange, InvalidVersion
from polypac.version import get_scheme
from polypac.version.gem import SCHEME, GemVersion
from polypac.version.sets import VersionSet
from tests.conftest import load_json
from tests.version._laws import (
    assert_parsers_raise_only_typed_errors,
    assert_set_laws,
    version_sets,
)

FROM_NATIVE = load_json("vers", "tests", "gem_range_from_native_test.json")["tests"]


@pytest.mark.parametrize("case", FROM_NATIVE, ids=lambda c: c["input"]["native_range"])
def test_from_native_comparators(case: dict[str, Any]) -> None:
    """desugar_range spells the comparators the VERS conversion expects."""
    groups = SCHEME.desugar_range(case["input"]["native_range"])
    assert len(groups) == 1
    expected = case["expected_output"].removeprefix("vers:gem/")
    assert "|".join(str(c) for c in groups[0]) == expected


def v(text: str) -> GemVersion:
    return SCHEME.parse_version(text)


# Orderings stated by RubyGems' documentation and Gem::Version's rules.
@pytest.mark.parametrize(
    ("lower", "higher"),
    [
        ("1.0.a", "1.0"),
        ("1.0.a", "1.0.b"),
        ("1.0.a2", "1.0.b1"),
        ("1.0.b1", "1.0.rc1"),
        ("1.0.rc1", "1.0"),
        ("1.0", "1.0.1"),
        ("1.0-beta", "1.0"),
        ("1.0.0-1", "1.0.0"),
        ("1.9.3", "1.10"),
        ("1.0.a.9", "1.0.a.10"),
        ("1.a", "1.0.0.1"),
        ("0.a", "0"),
        ("2.0.99.rc1", "2.1.a"),
    ],
)
def test_order(lower: str, higher: str) -> None:
    assert v(lower) < v(higher)
    assert not v(higher) < v(lower)
    assert v(lower) != v(higher)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("1.0", "1.0.0"),
        ("1", "1.0.0.0"),
        ("1.0.a", "1.a"),
        ("1.0-beta", "1.0.pre.beta"),
        (" 1.0 ", "1.0"),
        ("1.a.0", "1.a"),
    ],
)
def test_equal(a: str, b: str) -> None:
    assert v(a) == v(b)
    assert hash(v(a)) == hash(v(b))


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1.0", False), ("1.0.a", True), ("1.0-1", True), ("2.0.0.rc1", True), ("10", False)],
)
def test_is_prerelease(text: str, expected: bool) -> None:
    assert v(text).is_prerelease is expected


@pytest.mark.parametrize(
    ("text", "position", "problem"),
    [
        ("", None, "expected a version"),
        ("a.1", 0, "expected a version of numbers and letters such as 1.2.3 or 2.0.0.rc1"),
        ("1.0 beta", 3, "expected a version of numbers and letters such as 1.2.3 or 2.0.0.rc1"),
        ("1..2", 1, "expected a version of numbers and letters such as 1.2.3 or 2.0.0.rc1"),
    ],
)
def test_invalid_version(text: str, position: int | None, problem: str) -> None:
    with pytest.raises(InvalidVersion) as caught:
        SCHEME.parse_version(text)
    assert (caught.value.position, caught.value.problem) == (position, problem)


# -- requirements ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("requirement", "inside", "outside"),
    [
        ("~> 2.0.8", ["2.0.8", "2.0.9", "2.0.100"], ["2.0.7", "2.1", "3"]),
        ("~> 1.4", ["1.4", "1.5", "1.99"], ["1.3", "2.0"]),
        ("~> 1", ["1", "1.9"], ["2", "0.9"]),
        ("~>2.0", ["2.0", "2.9"], ["3.0"]),
        (">= 1.0, < 2", ["1.0", "1.9.9"], ["2", "0.9", "1.5.a"]),
        ("!= 1.2", ["1.1", "1.3"], ["1.2", "1.2.0"]),
        ("1.0", ["1.0", "1.0.0"], ["1.0.1"]),
        ("= 1.0", ["1.0"], ["1.1"]),
        ("> 1.0.a", ["1.0.b", "1.0", "2.a"], ["1.0.a", "0.9"]),
        ("<= 1.0", ["1.0", "0.1"], ["1.0.1", "0.9.a"]),
    ],
)
def test_parse_range(requirement: str, inside: list[str], outside: list[str]) -> None:
    versions = SCHEME.parse_range(requirement)
    for text in inside:
        assert versions.contains(v(text)), text
    for text in outside:
        assert not versions.contains(v(text)), text


@pytest.mark.parametrize(
    ("requirement", "version", "default", "with_pre"),
    [
        ("~> 2.0.8", "2.0.9.rc1", False, True),
        ("~> 2.0.8", "2.1.a", False, False),  # RubyGems compares 2.1.a's release, 2.1
        ("~> 2.0.8", "2.1.0.a", False, False),
        ("< 2.1", "2.1.a", False, True),  # a plain "<" keeps them: 2.1.a < 2.1
        ("~> 1.0.a", "1.5.b", True, True),  # the requirement names a pre-release
        (">= 1.0", "2.0.rc1", False, True),
    ],
)
def test_prereleases(requirement: str, version: str, default: bool, with_pre: bool) -> None:
    assert SCHEME.parse_range(requirement).contains(v(version)) is default
    assert SCHEME.parse_range(requirement, include_prerelease=True).contains(v(version)) is with_pre


def test_pessimistic_floor() -> None:
    upper = SCHEME.parse_range("~> 2.0.8", include_prerelease=True).releases.segments[0].upper
    assert upper is not None
    assert upper.version.prerelease_floor
    assert v("2.0.99") < upper.version < v("2.1.A.A.A") < v("2.1")
    assert str(upper.version) == "2.1"


@pytest.mark.parametrize(
    ("requirement", "groups"),
    [
        ("~> 2.0.8", [[">=2.0.8", "<2.1"]]),
        ("~> 1", [[">=1", "<2"]]),
        ("~> 1.0.a", [[">=1.0.a", "<2"]]),
        (">= 1.0, < 2, != 1.5", [[">=1.0", "<2", "!=1.5"]]),
        ("3.1", [["=3.1"]]),
    ],
)
def test_desugar_range(requirement: str, groups: list[list[str]]) -> None:
    assert [[str(c) for c in g] for g in SCHEME.desugar_range(requirement)] == groups


BAD_OPERATOR = "expected an operator (=, !=, >, <, >=, <=, ~>) and a version such as 1.2.3"


@pytest.mark.parametrize(
    ("text", "position", "problem"),
    [
        ("", None, "expected a requirement such as '~> 2.0' or '>= 1.2, < 3'"),
        (">= ", 2, "expected a version after '>='"),
        ("~ 1.0", 0, "expected an operator (=, !=, >, <, >=, <=, ~>) and a version such as 1.2.3"),
        (
            "1.0 beta",
            3,
            "expected an operator (=, !=, >, <, >=, <=, ~>) and a version such as 1.2.3",
        ),
        (">= 1.0,", 6, "expected a requirement such as '~> 2.0' or '>= 1.2, < 3'"),
    ],
)
def test_invalid_range(text: str, position: int | None, problem: str) -> None:
    with pytest.raises(InvalidRange) as caught:
        SCHEME.parse_range(text)
    assert (caught.value.position, caught.value.problem) == (position, problem)
    assert str(caught.value).startswith(f"invalid RubyGems requirement: {problem}")


@pytest.mark.parametrize(
    "requirement", ["~> 2.0.8", ">= 1.0, < 2", "!= 1.2", "= 1.0", "> 1.0.a, < 2", "~> 1.0.a"]
)
def test_format_range(requirement: str) -> None:
    assert SCHEME.format_range(SCHEME.parse_range(requirement)) == requirement


def test_registry() -> None:
    schemes: list[object] = [get_scheme("gem"), get_scheme("rubygems")]
    assert all(scheme is SCHEME for scheme in schemes)


# -- properties ----------------------------------------------------------------------------

numbers = st.integers(0, 12).map(str)
letters = st.sampled_from(["a", "b", "rc", "pre", "beta", "A", "alpha"])


@st.composite
def gem_versions(draw: st.DrawFn) -> str:
    parts = [draw(numbers)]
    for _ in range(draw(st.integers(0, 4))):
        part = draw(st.one_of(numbers, letters, st.tuples(letters, numbers).map("".join)))
        parts.append(part)
    text = ".".join(parts)
    if draw(st.integers(0, 5)) == 0:
        text += "-" + draw(st.one_of(letters, numbers))
    return text


@st.composite
def requirements(draw: st.DrawFn) -> str:
    ops = st.sampled_from(["=", "!=", ">", "<", ">=", "<=", "~>", ""])
    clauses = [f"{draw(ops)} {draw(gem_versions())}" for _ in range(draw(st.integers(1, 3)))]
    return ", ".join(clauses)


@settings(max_examples=200)
@given(gem_versions(), gem_versions(), gem_versions())
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
@given(requirements(), requirements(), gem_versions(), st.booleans())
def test_set_laws(left: str, right: str, version: str, pre: bool) -> None:
    a, b = SCHEME.parse_range(left, include_prerelease=pre), SCHEME.parse_range(right)
    x = v(version)
    assert a.complement().complement() == a
    assert (a | b).complement() == a.complement() & b.complement()
    assert (a & b).complement() == a.complement() | b.complement()
    assert (a & a.complement()).is_empty()
    assert (a & b).contains(x) == (a.contains(x) and b.contains(x))
    assert a.complement().contains(x) != a.contains(x)


@settings(max_examples=200)
@given(requirements(), gem_versions())
def test_matches_ruby_rules(requirement: str, version: str) -> None:
    """Membership follows Gem::Requirement#satisfied_by? rule by rule."""
    x = v(version)
    expected = True
    for clause in requirement.split(","):
        op, _, text = clause.strip().rpartition(" ")
        r = v(text)
        if op == "~>":
            ok = r <= x and x.release < _bump(r)
        else:
            ok = {
                "": x == r,
                "=": x == r,
                "!=": x != r,
                ">": x > r,
                "<": x < r,
                ">=": x >= r,
                "<=": x <= r,
            }[op]
        expected = expected and ok
    assert SCHEME.parse_range(requirement, include_prerelease=True).contains(x) is expected


def _bump(version: GemVersion) -> GemVersion:
    """Gem::Version#bump, restated: numbers before the first letter, last dropped, +1."""
    numbers = []
    for part in re.findall(r"[0-9]+|[a-z]+", version.text.replace("-", ".pre."), re.I):
        if not part.isdigit():
            break
        numbers.append(int(part))
    if len(numbers) > 1:
        numbers.pop()
    numbers[-1] += 1
    return v(".".join(map(str, numbers)))


@settings(max_examples=200)
@given(requirements(), st.booleans())
def test_format_round_trip(requirement: str, pre: bool) -> None:
    versions = SCHEME.parse_range(requirement, include_prerelease=pre)
    try:
        text = SCHEME.format_range(versions)
    except ValueError:
        return
    assert SCHEME.parse_range(text) == versions


@settings(max_examples=100)
@given(
    version_sets(SCHEME, gem_versions(), requirements()),
    version_sets(SCHEME, gem_versions(), requirements()),
    st.lists(gem_versions(), max_size=5),
)
def test_shared_set_laws(a: VersionSet[Any], b: VersionSet[Any], probes: list[str]) -> None:
    """The laws every scheme keeps (tests/version/_laws.py), with singletons mixed in."""
    assert_set_laws(a, b, [SCHEME.parse_version(text) for text in probes])


@settings(max_examples=100)
@given(st.one_of(st.text(), gem_versions()))
def test_shared_parser_laws(text: str) -> None:
    assert_parsers_raise_only_typed_errors(SCHEME, text)
