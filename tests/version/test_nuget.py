"""NuGet versions and ranges: the VERS NuGet comparison anchors and NuGet's documented rules.

Range notation, floating versions and normalization cases are facts from NuGet's "Package
versioning" documentation (version ranges table, floating versions, normalized numbers).
"""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polypac.errors import InvalidRange, InvalidVersion
from polypac.version.nuget import SCHEME, NuGetVersion, parse_version
from polypac.version.sets import VersionSet
from tests.conftest import load_json


def _anchor_cases(kind: str) -> list[Any]:
    tests = load_json("vers", "tests", "nuget_version_cmp_test.json")["tests"]
    return [
        pytest.param(t, id=f"{i}:{' vs '.join(t['input']['versions'])}")
        for i, t in enumerate(tests)
        if t["test_type"] == kind
    ]


@pytest.mark.parametrize("case", _anchor_cases("comparison"))
def test_vers_comparison(case: dict[str, Any]) -> None:
    ordered = sorted(parse_version(v) for v in case["input"]["versions"])
    expected = [parse_version(v) for v in case["expected_output"]]
    assert ordered == expected
    assert ordered[0] < ordered[1]


@pytest.mark.parametrize("case", _anchor_cases("equality"))
def test_vers_equality(case: dict[str, Any]) -> None:
    a, b = (parse_version(v) for v in case["input"]["versions"])
    assert (a == b) is case["expected_output"]
    if case["expected_output"]:
        assert hash(a) == hash(b)


@pytest.mark.parametrize(
    ("text", "parts", "normalized"),
    [
        ("1", (1, 0, 0, 0, (), ""), "1.0.0"),
        ("1.01", (1, 1, 0, 0, (), ""), "1.1.0"),
        ("1.00.0.0", (1, 0, 0, 0, (), ""), "1.0.0"),
        ("1.0.0.1", (1, 0, 0, 1, (), ""), "1.0.0.1"),
        ("1.0.0-Beta.2", (1, 0, 0, 0, ("Beta", "2"), ""), "1.0.0-Beta.2"),
        ("1.0.0-rc.1+git.abc", (1, 0, 0, 0, ("rc", "1"), "git.abc"), "1.0.0-rc.1"),
        (" 2.0 ", (2, 0, 0, 0, (), ""), "2.0.0"),
    ],
)
def test_parse(text: str, parts: tuple[Any, ...], normalized: str) -> None:
    v = parse_version(text)
    assert (v.major, v.minor, v.patch, v.revision, v.release, v.metadata) == parts
    assert v.normalized == normalized


@pytest.mark.parametrize(
    ("text", "position", "problem"),
    [
        ("", None, "expected a version, found nothing"),
        ("1.0.0.0.0", 7, "a version has at most four numbers"),
        ("1..0", 2, "expected a number, found '.'"),
        ("1.0-", 4, "expected a pre-release label, found the end"),
        ("1.0-beta..1", 9, "expected a pre-release label, found '.'"),
        ("1.0-01", 4, "numeric pre-release labels must not have leading zeros"),
        ("1.0+", 4, "expected a metadata label, found the end"),
        ("1.0_beta", 3, "unexpected '_' in the version"),
        ("v1.0", 0, "expected a number, found 'v'"),
        ("2147483648.0", 0, "version number 2147483648 is larger than 2147483647"),
    ],
)
def test_invalid(text: str, position: int | None, problem: str) -> None:
    with pytest.raises(InvalidVersion) as info:
        parse_version(text)
    assert (info.value.position, info.value.problem) == (position, problem)


# --- ranges: the documented notation -----------------------------------------------------

RANGES = [
    # notation, inside, outside
    ("1.0", ["1.0", "1.0.1", "99.0"], ["0.9", "1.5-beta"]),
    ("[1.0,)", ["1.0", "2.0"], ["0.9.9"]),
    ("(1.0,)", ["1.0.0.1", "2.0"], ["1.0", "0.5"]),
    ("[1.0]", ["1.0", "1.0.0.0", "1.0+meta"], ["1.0.0.1", "0.9"]),
    ("(,1.0]", ["0.1", "1.0"], ["1.0.0.1", "0.5-beta"]),
    ("(,1.0)", ["0.9.9"], ["1.0"]),
    ("[1.0,2.0]", ["1.0", "1.5", "2.0"], ["2.0.0.1", "0.9"]),
    ("(1.0,2.0)", ["1.0.1", "1.9"], ["1.0", "2.0"]),
    ("[1.0,2.0)", ["1.0", "1.9.9"], ["2.0", "1.5-beta"]),
    ("[1.0, 2.0)", ["1.0"], ["2.0"]),
    ("[1.0.0-beta,2.0)", ["1.0.0-beta", "1.0.0-rc", "1.5-alpha", "1.9"], ["1.0.0-alpha", "2.0"]),
    ("6.*", ["6.0", "6.9.1"], ["5.9", "7.0", "6.1-beta"]),
    ("6.0.*", ["6.0.0", "6.0.9"], ["6.1.0", "6.0.1-beta"]),
    ("6.0.0.*", ["6.0.0", "6.0.0.9"], ["6.0.1"]),
    ("6.0.0-*", ["6.0.0-alpha", "6.0.0-0", "6.0.0"], ["6.0.1-alpha", "5.9", "6.0.0.1"]),
    ("6.0.0-beta*", ["6.0.0-beta", "6.0.0-BETA.2", "6.0.0-beta2", "6.0.0"], ["6.0.0-alpha"]),
    ("6.*-*", ["6.0.0-alpha", "6.5", "6.9-rc"], ["7.0.0-alpha", "5.9"]),
    ("*", ["0.0.1", "99.0"], ["1.0-beta"]),
    ("*-*", ["0.0.1", "1.0-beta"], []),
]


@pytest.mark.parametrize(("notation", "inside", "outside"), RANGES, ids=[r[0] for r in RANGES])
def test_range_notation(notation: str, inside: list[str], outside: list[str]) -> None:
    versions = SCHEME.parse_range(notation)
    for text in inside:
        assert versions.contains(parse_version(text)), text
    for text in outside:
        assert not versions.contains(parse_version(text)), text


def test_include_prerelease_places_prereleases_by_precedence() -> None:
    assert SCHEME.parse_range("[1.0,2.0)", include_prerelease=True).contains(
        parse_version("1.5-beta")
    )
    assert SCHEME.parse_range("1.*", include_prerelease=True).contains(parse_version("1.5-beta"))
    assert not SCHEME.parse_range("1.*", include_prerelease=True).contains(
        parse_version("2.0-beta")
    )


@pytest.mark.parametrize(
    ("notation", "problem"),
    [
        ("(1.0)", "a single version must be in square brackets: [1.0]"),
        ("[2.0,1.0]", "the lower bound is above the upper bound"),
        ("(1.0,1.0]", "the lower bound is above the upper bound"),
        ("[1.0", "expected ']' or ')' to close the range"),
        ("[,]", "a range needs at least one bound"),
        ("[1.0,2.0,3.0]", "a range has at most two bounds"),
        ("", "expected a version range, found nothing"),
        (
            "1.*.3",
            "a floating version has '*' in place of its last number (1.*), or after its "
            "pre-release prefix (1.0.0-beta*)",
        ),
        ("[1.0, 2.*]", "expected a number, found '*'"),
    ],
)
def test_invalid_ranges(notation: str, problem: str) -> None:
    with pytest.raises(InvalidRange) as info:
        SCHEME.parse_range(notation)
    assert info.value.problem == problem


@pytest.mark.parametrize(
    ("notation", "expected"),
    [
        ("1.0", "1.0.0"),
        ("[1.0]", "[1.0.0]"),
        ("(1.0,)", "(1.0.0, )"),
        ("[1.0,2.0)", "[1.0.0, 2.0.0)"),
        ("(,1.0]", "(, 1.0.0]"),
        ("1.*", "[1.0.0, 2.0.0)"),
        ("[1.0.0-beta, 2.0)", "[1.0.0-beta, 2.0.0)"),
        ("*", "*"),
        ("*-*", "*-*"),
    ],
)
def test_format_range(notation: str, expected: str) -> None:
    assert SCHEME.format_range(SCHEME.parse_range(notation)) == expected


def test_format_range_refuses_a_union() -> None:
    union = SCHEME.parse_range("[1.0]") | SCHEME.parse_range("[3.0]")
    with pytest.raises(ValueError, match="one interval"):
        SCHEME.format_range(union)


def test_desugar_range() -> None:
    assert [str(c) for c in SCHEME.desugar_range("[1.0, 2.0)")[0]] == [">=1.0.0", "<2.0.0"]
    assert [[str(c) for c in g] for g in SCHEME.desugar_range("1.0.0-rc*")] == [
        [">=1.0.0-rc", "<1.0.0-rd"],
        ["=1.0.0"],
    ]


# --- properties ---------------------------------------------------------------------------

_labels = st.sampled_from([(), ("alpha",), ("Beta", "2"), ("rc",), ("0",)])
_versions = st.builds(
    NuGetVersion,
    st.integers(0, 3),
    st.integers(0, 2),
    st.integers(0, 2),
    st.integers(0, 1),
    _labels,
)


def _text(v: NuGetVersion) -> str:
    return str(v)


@st.composite
def _ranges(draw: st.DrawFn, *, floats: bool = True) -> str:
    kind = draw(st.integers(0, 3 if floats else 2))
    if kind == 0:
        return _text(draw(_versions))
    if kind == 1:
        return f"[{_text(draw(_versions))}]"
    if kind == 2:
        lo = draw(st.one_of(st.none(), _versions))
        hi = draw(st.one_of(st.none(), _versions))
        if lo is None and hi is None:
            hi = draw(_versions)
        if lo is not None and hi is not None and hi < lo:
            lo, hi = hi, lo
        left = draw(st.sampled_from("[(")) + ("" if lo is None else _text(lo))
        right = ("" if hi is None else _text(hi)) + draw(st.sampled_from("])"))
        if lo is not None and lo == hi:
            left, right = "[" + left[1:], right[:-1] + "]"
        return f"{left},{right}"
    numbers = ".".join(str(draw(st.integers(0, 2))) for _ in range(draw(st.integers(1, 3))))
    return draw(st.sampled_from([f"{numbers}.*", f"{numbers}-*", f"{numbers}.*-*", "*", "*-*"]))


def _reference(text: str, v: NuGetVersion, pre: bool) -> bool:
    """Bounds from the desugared comparators, and NuGet's rule for pre-releases (held only
    when a bound is one)."""
    ops = {
        "=": lambda a, b: a == b,
        "<": lambda a, b: a < b,
        "<=": lambda a, b: a <= b,
        ">": lambda a, b: a > b,
        ">=": lambda a, b: a >= b,
    }
    groups = SCHEME.desugar_range(text)
    inside = any(
        all(ops[c.operator](v, parse_version(c.version)) for c in group) for group in groups
    )
    if not inside or not v.is_prerelease or pre:
        return inside
    return any(parse_version(c.version).is_prerelease for g in groups for c in g)


@settings(max_examples=200, deadline=None)
@given(
    text=_ranges(floats=False),
    versions=st.lists(_versions, min_size=1, max_size=8),
    pre=st.booleans(),
)
def test_set_agrees_with_bounds_and_prerelease_rule(
    text: str, versions: list[NuGetVersion], pre: bool
) -> None:
    # floats hold what the float may pick: test_range_notation checks those
    parsed = SCHEME.parse_range(text, include_prerelease=pre)
    for v in versions:
        assert parsed.contains(v) is _reference(text, v, pre), (text, str(v))


@settings(max_examples=150, deadline=None)
@given(a=_ranges(), b=_ranges(), pre=st.booleans(), versions=st.lists(_versions, max_size=6))
def test_set_laws(a: str, b: str, pre: bool, versions: list[NuGetVersion]) -> None:
    sa = SCHEME.parse_range(a, include_prerelease=pre)
    sb = SCHEME.parse_range(b, include_prerelease=pre)
    assert ~~sa == sa
    assert ~(sa | sb) == (~sa & ~sb)
    assert ~(sa & sb) == (~sa | ~sb)
    assert (sa & ~sa).is_empty()
    assert (sa | ~sa).is_full()
    for v in versions:
        assert (sa & sb).contains(v) is (sa.contains(v) and sb.contains(v))
        assert (sa | sb).contains(v) is (sa.contains(v) or sb.contains(v))
        assert (~sa).contains(v) is (not sa.contains(v))


@settings(max_examples=150, deadline=None)
@given(text=_ranges(), versions=st.lists(_versions, max_size=8))
def test_format_range_round_trips(text: str, versions: list[NuGetVersion]) -> None:
    parsed: VersionSet[NuGetVersion] = SCHEME.parse_range(text)
    try:
        written = SCHEME.format_range(parsed)
    except ValueError:
        return
    again = SCHEME.parse_range(written)
    for v in versions:
        assert again.contains(v) is parsed.contains(v), written


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=30), pre=st.booleans())
def test_parsers_raise_only_typed_errors(text: str, pre: bool) -> None:
    with contextlib.suppress(InvalidVersion):
        parse_version(text)
    with contextlib.suppress(InvalidRange):
        SCHEME.parse_range(text, include_prerelease=pre)


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet="0123456789.*-+[](), abz", max_size=30))
def test_range_like_text_raises_only_typed_errors(text: str) -> None:
    with contextlib.suppress(InvalidRange):
        SCHEME.parse_range(text)
