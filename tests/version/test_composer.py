"""Composer: normalization, PHP ordering, constraints as documented on getcomposer.org.

No upstream conformance data is in ../shared/anchors for Composer; the cases below restate
the rules of Composer's documentation ("Versions and constraints") and of
``VersionParser``, one rule per case.
"""

from __future__ import annotations

import contextlib
import itertools
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polypac.errors import InvalidRange, InvalidVersion
from polypac.version import get_scheme
from polypac.version.composer import SCHEME, ComposerVersion
from polypac.version.sets import VersionSet
from tests.version._laws import (
    assert_parsers_raise_only_typed_errors,
    assert_set_laws,
    version_sets,
)


def v(text: str) -> ComposerVersion:
    return SCHEME.parse_version(text)


@pytest.mark.parametrize(
    ("text", "normalized"),
    [
        ("1.2", "1.2.0.0"),  # four numbers
        ("v2.0.1", "2.0.1.0"),  # leading v
        ("1.0.0-rc.2", "1.0.0.0-RC2"),  # RC upper case, separators dropped
        ("1.0beta3", "1.0.0.0-beta3"),
        ("1.0-b", "1.0.0.0-beta"),  # short forms expand
        ("1.0-a1", "1.0.0.0-alpha1"),
        ("1.0-pl2", "1.0.0.0-patch2"),
        ("1.0.0-stable", "1.0.0.0"),
        ("1.0-dev", "1.0.0.0-dev"),
        ("1.0.0-beta.2-dev", "1.0.0.0-beta2-dev"),
        ("1.0.0+build.7", "1.0.0.0"),  # build metadata dropped
        ("1.0@beta", "1.0.0.0"),  # stability flag dropped
        ("1.0 as 2.0", "1.0.0.0"),  # alias dropped
        ("2.x-dev", "2.9999999.9999999.9999999-dev"),  # numbered branch
        ("1.2.x-dev", "1.2.9999999.9999999-dev"),
        ("dev-main", "dev-main"),  # named branch
        ("master", "dev-master"),
        ("20240115", "20240115"),  # date versions keep their numbers
        ("2024-01-15", "2024.01.15"),
    ],
)
def test_normalize(text: str, normalized: str) -> None:
    assert str(v(text)) == normalized
    assert v(text).text == text.strip()


@pytest.mark.parametrize("text", ["", "a", "1.0.0-meh", "1.0.0.0.0", "feature-foo", "1.0 x"])
def test_invalid_version(text: str) -> None:
    with pytest.raises(InvalidVersion) as caught:
        SCHEME.parse_version(text)
    assert caught.value.problem == (
        "expected a version such as 1.2.3, v2.0-beta.1, 1.0.x-dev or dev-main"
    )


@pytest.mark.parametrize(
    "ascending",
    [
        ["1.0-dev", "1.0-alpha1", "1.0-alpha2", "1.0-beta1", "1.0-RC1", "1.0", "1.0-p1", "1.0.1"],
        ["1.9", "1.10", "2.0-dev", "2.0"],
        ["1.0.0-alpha1-dev", "1.0.0-alpha1", "1.0.0-alpha1.1"],
        ["2.x-dev", "3.0", "dev-feature", "dev-main"],  # named branches after numbers
    ],
)
def test_order(ascending: list[str]) -> None:
    versions = [v(t) for t in ascending]
    assert sorted(reversed(versions)) == versions  # noqa: C414  # sort from the wrong end
    assert all(a < b for a, b in itertools.pairwise(versions))


@pytest.mark.parametrize(("a", "b"), [("1.0", "1.0.0"), ("v1", "1.0.0.0"), ("1.0-b1", "1.0-beta1")])
def test_equal(a: str, b: str) -> None:
    assert v(a) == v(b)
    assert hash(v(a)) == hash(v(b))


@pytest.mark.parametrize(
    ("text", "stability"),
    [
        ("1.0", "stable"),
        ("1.0-p1", "stable"),
        ("1.0-RC1", "RC"),
        ("1.0-b2", "beta"),
        ("1.0-alpha", "alpha"),
        ("1.0-dev", "dev"),
        ("dev-main", "dev"),
        ("1.x-dev", "dev"),
    ],
)
def test_stability(text: str, stability: str) -> None:
    assert v(text).stability == stability
    assert v(text).is_prerelease is (stability != "stable")


# -- constraints --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("constraint", "groups"),
    [
        ("~1.2", [[">=1.2.0.0-dev", "<2.0.0.0-dev"]]),
        ("~1.2.3", [[">=1.2.3.0-dev", "<1.3.0.0-dev"]]),
        ("^1.2.3", [[">=1.2.3.0-dev", "<2.0.0.0-dev"]]),
        ("^0.3", [[">=0.3.0.0-dev", "<0.4.0.0-dev"]]),
        ("^0.0.3", [[">=0.0.3.0-dev", "<0.0.4.0-dev"]]),
        ("1.0 - 2.0", [[">=1.0.0.0-dev", "<2.1.0.0-dev"]]),  # a partial end means its family
        ("1.0.0 - 2.1.0", [[">=1.0.0.0-dev", "<=2.1.0.0"]]),
        ("1.0.*", [[">=1.0.0.0-dev", "<1.1.0.0-dev"]]),
        ("0.*", [["<1.0.0.0-dev"]]),
        (">=1.0 <1.1 || >=1.2", [[">=1.0.0.0-dev", "<1.1.0.0-dev"], [">=1.2.0.0-dev"]]),
        (">=1.0,<2.0", [[">=1.0.0.0-dev", "<2.0.0.0-dev"]]),
        (">= 1.0", [[">=1.0.0.0-dev"]]),
        ("<>1.0", [["!=1.0.0.0"]]),
        ("> 1.0", [[">1.0.0.0"]]),
        ("1.0", [["=1.0.0.0"]]),
        (">=1.0@beta", [[">=1.0.0.0-beta"]]),  # a flag lowers a stable bound
        ("dev-main", [["=dev-main"]]),
        ("dev-main#abc123", [["=dev-main"]]),  # references are Composer's business
        ("foo-dev", [["=dev-foo"]]),
        ("*", [[]]),
        ("1.* || 2.*", [[">=1.0.0.0-dev", "<2.0.0.0-dev"], [">=2.0.0.0-dev", "<3.0.0.0-dev"]]),
    ],
)
def test_desugar_range(constraint: str, groups: list[list[str]]) -> None:
    assert [[str(c) for c in g] for g in SCHEME.desugar_range(constraint)] == groups


@pytest.mark.parametrize(
    ("constraint", "inside", "outside"),
    [
        ("^1.2", ["1.2", "1.9.9", "1.2.0.1"], ["1.1.9", "2.0", "1.5-beta", "dev-main"]),
        ("~1.2.3", ["1.2.3", "1.2.99"], ["1.3.0"]),
        ("!=1.5", ["1.4"], ["1.5.0"]),
        ("*", ["1.0"], ["1.0-beta"]),
        ("dev-main", [], ["1.0", "dev-other"]),  # needs its dev stability, see below
        ("1.0 - 2.0", ["1.0", "2.0.5"], ["2.1", "0.9"]),
        (">dev-main", [], ["dev-main", "dev-zzz", "1.0"]),  # branches compare with nothing
    ],
)
def test_parse_range(constraint: str, inside: list[str], outside: list[str]) -> None:
    versions = SCHEME.parse_range(constraint)
    for text in inside:
        assert versions.contains(v(text)), text
    for text in outside:
        assert not versions.contains(v(text)), text


@pytest.mark.parametrize(
    ("constraint", "version", "default", "with_pre"),
    [
        ("^1.0", "1.5.0-beta1", False, True),  # minimum-stability stable by default
        ("^1.0@beta", "1.5.0-beta1", True, True),  # a flag admits unstable versions
        ("^1.0@dev", "1.5.0-alpha1", True, True),
        (">=1.0-beta, <2", "1.5.0-RC1", True, True),  # a condition naming one does too
        ("dev-main", "dev-main", True, True),
        ("1.x-dev", "1.x-dev", True, True),
        ("^1.0@stable", "1.5.0-RC1", False, True),
        ("<2.0", "2.0-beta", False, False),  # <2.0 stops below 2.0.0.0-dev
        ("!=1.5", "dev-main", False, True),  # != holds named branches too
        ("*", "dev-main", False, True),
    ],
)
def test_stability_flags(constraint: str, version: str, default: bool, with_pre: bool) -> None:
    assert SCHEME.parse_range(constraint).contains(v(version)) is default
    assert SCHEME.parse_range(constraint, include_prerelease=True).contains(v(version)) is with_pre


@pytest.mark.parametrize(
    ("constraint", "position", "problem"),
    [
        ("", None, "expected a constraint such as ^1.2 or >=1.0 <2.0"),
        (
            "~>1.2",
            0,
            'could not parse \'~>1.2\': "~>" is no Composer operator; you probably meant "~"',
        ),
        (">=1.0 <foo", 6, "could not parse '<foo': invalid version string \"foo\""),
        ("^1.0 || ^2.0 || ~bar", 16, "could not parse '~bar': invalid version string \"~bar\""),
    ],
)
def test_invalid_range(constraint: str, position: int | None, problem: str) -> None:
    with pytest.raises(InvalidRange) as caught:
        SCHEME.parse_range(constraint)
    assert (caught.value.position, caught.value.problem) == (position, problem)
    assert str(caught.value).startswith(f"invalid Composer constraint: {problem}")


@pytest.mark.parametrize(
    ("constraint", "expected"),
    [
        ("^1.2 || 3.0.1", ">=1.2.0.0 <2.0.0.0 || ==3.0.1.0"),
        ("!=1.0", "!=1.0.0.0"),
        ("*", "*"),
        ("^1.0, !=1.5", ">=1.0.0.0 <2.0.0.0 !=1.5.0.0"),
        ("^1.0@beta", ">=1.0.0.0@dev <2.0.0.0"),
    ],
)
def test_format_range(constraint: str, expected: str) -> None:
    assert SCHEME.format_range(SCHEME.parse_range(constraint)) == expected


def test_registry() -> None:
    schemes: list[object] = [get_scheme("composer"), get_scheme("packagist")]
    assert all(scheme is SCHEME for scheme in schemes)


# -- properties ---------------------------------------------------------------------------------

numbers = st.lists(st.integers(0, 12), min_size=1, max_size=4).map(
    lambda xs: ".".join(map(str, xs))
)
suffixes = st.sampled_from(
    ["", "", "", "-dev", "-alpha1", "-beta", "-beta2", "-RC1", "-p1", "-alpha1-dev", "-b3"]
)


@st.composite
def composer_versions(draw: st.DrawFn) -> str:
    if draw(st.integers(0, 9)) == 0:
        return draw(st.sampled_from(["dev-main", "dev-feature", "1.x-dev", "2.1.x-dev"]))
    return draw(numbers) + draw(suffixes)


@st.composite
def constraints(draw: st.DrawFn) -> str:
    def one() -> str:
        kind = draw(st.sampled_from(["op", "op", "caret", "tilde", "star", "hyphen", "flag"]))
        version = draw(numbers)
        if kind == "caret":
            return f"^{version}"
        if kind == "tilde":
            return f"~{version}"
        if kind == "star":
            return f"{version}.*" if version.count(".") < 3 else version
        if kind == "hyphen":
            return f"{version} - {draw(numbers)}"
        op = draw(st.sampled_from(["", "=", "==", "!=", "<>", "<", "<=", ">", ">="]))
        flag = draw(st.sampled_from(["", "@dev", "@beta"])) if kind == "flag" else ""
        return f"{op}{version}{draw(suffixes)}{flag}"

    alternatives = [
        ", ".join(one() for _ in range(draw(st.integers(1, 2))))
        for _ in range(draw(st.integers(1, 2)))
    ]
    return " || ".join(alternatives)


@settings(max_examples=200)
@given(composer_versions(), composer_versions(), composer_versions())
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
@given(constraints(), constraints(), composer_versions())
def test_set_laws(left: str, right: str, version: str) -> None:
    a, b = SCHEME.parse_range(left), SCHEME.parse_range(right, include_prerelease=True)
    x = v(version)
    assert a.complement().complement() == a
    assert (a | b).complement() == a.complement() & b.complement()
    assert (a & b).complement() == a.complement() | b.complement()
    assert (a & a.complement()).is_empty()
    assert (a & b).contains(x) == (a.contains(x) and b.contains(x))
    assert a.complement().contains(x) != a.contains(x)


@settings(max_examples=200)
@given(constraints(), composer_versions())
def test_desugar_agrees_with_parse(constraint: str, version: str) -> None:
    """Reading the comparators with Composer's rules gives the same answer as parse_range."""
    x = v(version)

    def holds(op: str, bound: ComposerVersion) -> bool:
        if op == "=":
            return x == bound
        if op == "!=":
            return x != bound
        if x.is_branch or bound.is_branch:
            return False  # named branches compare with nothing
        return {"<": x < bound, "<=": x <= bound, ">": x > bound, ">=": x >= bound}[op]

    answer = any(
        # bounds are normalized already, and some (0.0.0.0-patch1-beta) only exist as bounds
        all(holds(c.operator, ComposerVersion(c.version, c.version)) for c in group)
        for group in SCHEME.desugar_range(constraint)
    )
    assert answer is SCHEME.parse_range(constraint, include_prerelease=True).contains(x)


@settings(max_examples=200)
@given(constraints(), st.booleans())
def test_format_round_trip(constraint: str, pre: bool) -> None:
    versions = SCHEME.parse_range(constraint, include_prerelease=pre)
    try:
        text = SCHEME.format_range(versions)
    except ValueError:
        return
    assert SCHEME.parse_range(text) == versions


@settings(max_examples=100)
@given(
    version_sets(SCHEME, composer_versions(), constraints()),
    version_sets(SCHEME, composer_versions(), constraints()),
    st.lists(composer_versions(), max_size=5),
)
def test_shared_set_laws(a: VersionSet[Any], b: VersionSet[Any], probes: list[str]) -> None:
    """The laws every scheme keeps (tests/version/_laws.py), with singletons mixed in."""
    assert_set_laws(a, b, [SCHEME.parse_version(text) for text in probes])


@settings(max_examples=100)
@given(st.one_of(st.text(), composer_versions()))
def test_shared_parser_laws(text: str) -> None:
    assert_parsers_raise_only_typed_errors(SCHEME, text)
