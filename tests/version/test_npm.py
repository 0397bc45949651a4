"""npm versions and ranges against node-semver's own test fixtures, plus set laws."""

from __future__ import annotations

import contextlib
import re
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from polypac.errors import InvalidRange, InvalidVersion
from polypac.version.npm import SCHEME, normalize_range, parse_version, satisfies
from polypac.version.semver import SemVer, snap_halves
from polypac.version.sets import Bound, Ranges, VersionSet
from tests.conftest import load_json


def _cases(name: str) -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = load_json("npm-semver", name)["cases"]
    return cases


def _opts(case: dict[str, Any]) -> dict[str, bool]:
    options = case.get("options") or {}
    return {
        "loose": bool(options.get("loose")),
        "include_prerelease": bool(options.get("includePrerelease")),
    }


def _id(index: int, *parts: object) -> str:
    text = " | ".join(str(p) for p in parts)
    return f"{index}:{text[:60]}{'...' if len(text) > 60 else ''}"


def _flags(case: dict[str, Any]) -> str:
    o = _opts(case)
    return ",".join(k for k, v in o.items() if v) or "-"


def _members_differ(a: VersionSet[SemVer], b: VersionSet[SemVer]) -> bool:
    return not (snap_halves(a.difference(b)).is_empty() and snap_halves(b.difference(a)).is_empty())


def _nonempty(versions: VersionSet[SemVer]) -> bool:
    return not snap_halves(versions).is_empty()


# --- range-parse.json: validRange ----------------------------------------------------------


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(c, id=_id(i, c["range"], _flags(c)))
        for i, c in enumerate(_cases("range-parse.json"))
    ],
)
def test_range_parse(case: dict[str, Any]) -> None:
    expected = case["expected"]
    if expected is None:
        with pytest.raises(InvalidRange):
            normalize_range(case["range"], **_opts(case))
    else:
        assert normalize_range(case["range"], **_opts(case)) == expected


# --- range-include.json / range-exclude.json: satisfies -------------------------------------


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(c, id=_id(i, c["range"], c["version"], _flags(c)))
        for i, c in enumerate(_cases("range-include.json"))
    ],
)
def test_range_include(case: dict[str, Any]) -> None:
    opts = _opts(case)
    versions = SCHEME.parse_range(case["range"], **opts)
    assert versions.contains(parse_version(case["version"], loose=opts["loose"]))
    assert satisfies(case["version"], case["range"], **opts)


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(c, id=_id(i, c["range"], c["version"], _flags(c)))
        for i, c in enumerate(_cases("range-exclude.json"))
    ],
)
def test_range_exclude(case: dict[str, Any]) -> None:
    opts = _opts(case)
    version = case["version"]
    # node-semver's satisfies is false for a version or range it cannot parse
    assert not satisfies(version, case["range"], **opts)
    try:
        parsed = parse_version(version, loose=opts["loose"])
        versions = SCHEME.parse_range(case["range"], **opts)
    except (InvalidVersion, InvalidRange):
        return
    assert not versions.contains(parsed)


# --- comparisons.json / equality.json -------------------------------------------------------


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(c, id=_id(i, c["v0"], c["v1"], _flags(c)))
        for i, c in enumerate(_cases("comparisons.json"))
    ],
)
def test_comparisons(case: dict[str, Any]) -> None:
    loose = _opts(case)["loose"]
    a, b = parse_version(case["v0"], loose=loose), parse_version(case["v1"], loose=loose)
    assert a > b
    assert b < a
    assert a != b
    assert a == parse_version(case["v0"], loose=loose)


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(c, id=_id(i, c["v0"], c["v1"], _flags(c)))
        for i, c in enumerate(_cases("equality.json"))
    ],
)
def test_equality(case: dict[str, Any]) -> None:
    loose = _opts(case)["loose"]
    a, b = parse_version(case["v0"], loose=loose), parse_version(case["v1"], loose=loose)
    assert a == b
    assert not a < b
    assert not b < a
    assert hash(a) == hash(b)


# --- valid-versions.json / invalid-versions.json --------------------------------------------


@pytest.mark.parametrize(
    "case",
    [pytest.param(c, id=_id(i, c["version"])) for i, c in enumerate(_cases("valid-versions.json"))],
)
def test_valid_versions(case: dict[str, Any]) -> None:
    v = parse_version(case["version"])
    assert (v.major, v.minor, v.patch) == (case["major"], case["minor"], case["patch"])
    assert list(v.prerelease) == case["prerelease"]
    assert list(v.build) == case["build"]


class _HasToString:
    """A non-string whose text is a valid version (node's ``{toString}`` object)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __str__(self) -> str:
        return self.text


def _invalid_value(case: dict[str, Any]) -> Any:
    if case["value_type"] == "regexp":
        return re.compile(case["value"][1:-1])
    if case["value_type"] == "object":
        return _HasToString(case["value_toString"])
    return case["value"]


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(c, id=_id(i, c["reason"], _flags(c)))
        for i, c in enumerate(_cases("invalid-versions.json"))
    ],
)
def test_invalid_versions(case: dict[str, Any]) -> None:
    with pytest.raises(InvalidVersion):
        parse_version(_invalid_value(case), loose=_opts(case)["loose"])


# --- comparator-intersection.json / range-intersection.json ---------------------------------


@pytest.mark.parametrize("loose", [False, True], ids=["strict", "loose"])
@pytest.mark.parametrize(
    "case",
    [
        pytest.param(c, id=_id(i, c["c0"], c["c1"], c["options"]["includePrerelease"]))
        for i, c in enumerate(_cases("comparator-intersection.json"))
    ],
)
def test_comparator_intersection(case: dict[str, Any], loose: bool) -> None:
    pre = case["options"]["includePrerelease"]
    a = SCHEME.parse_range(case["c0"], include_prerelease=pre, loose=loose)
    b = SCHEME.parse_range(case["c1"], include_prerelease=pre, loose=loose)
    assert _nonempty(a & b) is case["expected"]
    assert _nonempty(b & a) is case["expected"]


@pytest.mark.parametrize("loose", [False, True], ids=["strict", "loose"])
@pytest.mark.parametrize(
    "case",
    [
        pytest.param(c, id=_id(i, c["r0"], c["r1"]))
        for i, c in enumerate(_cases("range-intersection.json"))
    ],
)
def test_range_intersection(case: dict[str, Any], loose: bool) -> None:
    a = SCHEME.parse_range(case["r0"], loose=loose)
    b = SCHEME.parse_range(case["r1"], loose=loose)
    assert _nonempty(a & b) is case["expected"]
    assert _nonempty(b & a) is case["expected"]


# --- version-(not-)gt/lt-range.json: gtr / ltr ---------------------------------------------
#
# "Greater than the range" here is exact: outside the set and above every member of it.
# node-semver's gtr/ltr compare against the comparators' bounds and skip the pre-release
# rule, so a pre-release that the rule keeps out of a range while it sits between the range's
# bounds counts as outside "above" (or "below") it there; those cases are marked.

_QUIRK = (
    "node-semver's gtr/ltr look only at the comparator bounds, so a pre-release excluded by "
    "the pre-release rule while inside the bounds counts as outside; the exact set does not"
)


def _outside(version: str, range_text: str, opts: dict[str, bool], above: bool) -> bool:
    versions = SCHEME.parse_range(range_text, **opts)
    v = parse_version(version, loose=opts["loose"])
    if versions.contains(v):
        return False
    beyond: VersionSet[SemVer] = (
        VersionSet.between(Bound(v, True), None)
        if above
        else VersionSet.between(None, Bound(v, True))
    )
    return not _nonempty(versions & beyond)


def _outside_params(name: str, quirks: set[tuple[str, str]]) -> list[Any]:
    return [
        pytest.param(
            c,
            id=_id(i, c["range"], c["version"], _flags(c)),
            marks=[pytest.mark.xfail(strict=True, reason=_QUIRK)]
            if (c["range"], c["version"]) in quirks
            else [],
        )
        for i, c in enumerate(_cases(name))
    ]


@pytest.mark.parametrize(
    "case", _outside_params("version-gt-range.json", {("0.7.x", "0.7.2-beta")})
)
def test_version_gt_range(case: dict[str, Any]) -> None:
    assert _outside(case["version"], case["range"], _opts(case), above=True)


@pytest.mark.parametrize("case", _outside_params("version-not-gt-range.json", set()))
def test_version_not_gt_range(case: dict[str, Any]) -> None:
    assert not _outside(case["version"], case["range"], _opts(case), above=True)


@pytest.mark.parametrize(
    "case", _outside_params("version-lt-range.json", {(">1.2.3", "1.3.0-alpha")})
)
def test_version_lt_range(case: dict[str, Any]) -> None:
    assert _outside(case["version"], case["range"], _opts(case), above=False)


@pytest.mark.parametrize("case", _outside_params("version-not-lt-range.json", set()))
def test_version_not_lt_range(case: dict[str, Any]) -> None:
    assert not _outside(case["version"], case["range"], _opts(case), above=False)


# --- behaviour and messages ---------------------------------------------------------------


def test_prerelease_half_is_the_band_of_the_named_prerelease() -> None:
    v = parse_version
    versions = SCHEME.parse_range(">=1.2.3-beta.1 <2.0.0")
    assert versions.contains(v("1.2.3-beta.2"))
    assert not versions.contains(v("1.2.3-beta.0"))
    assert not versions.contains(v("1.2.4-beta"))
    releases = Ranges.between(Bound(v("1.2.3"), True), Bound(v("2.0.0"), False))
    band = Ranges.between(Bound(v("1.2.3-beta.1"), True), Bound(v("1.2.3"), False))
    assert versions == VersionSet(releases, band)
    with_pre = SCHEME.parse_range(">=1.2.3-beta.1 <2.0.0", include_prerelease=True)
    everything = Ranges.between(Bound(v("1.2.3-beta.1"), True), Bound(v("2.0.0"), False))
    assert with_pre == VersionSet(releases, everything)
    assert with_pre.contains(v("1.2.4-beta"))


def test_desugar_range_spells_out_node_comparators() -> None:
    groups = SCHEME.desugar_range("^0.2.3 || 1.x")
    assert [[str(c) for c in g] for g in groups] == [
        [">=0.2.3", "<0.3.0-0"],
        [">=1.0.0", "<2.0.0-0"],
    ]
    # as in node-semver, an alternative that allows anything makes the whole range "*"
    assert SCHEME.desugar_range("^0.2.3 || *") == ((),)


def test_version_error_points_at_the_bad_character() -> None:
    with pytest.raises(InvalidVersion) as info:
        parse_version("1.2")
    assert info.value.problem == "expected '.' after the minor version, found the end"
    assert info.value.position == 3
    with pytest.raises(InvalidVersion) as info:
        parse_version("90071992547409910.0.0")
    assert info.value.problem == (
        "the major version 90071992547409910 is larger than 9007199254740991"
    )


def test_range_error_names_the_bad_comparator() -> None:
    with pytest.raises(InvalidRange) as info:
        SCHEME.parse_range(">=1.0.0 foo")
    assert info.value.problem == (
        "expected a comparator such as '>=1.2.3', '^1.2', '~1.2.3' or '1.x', found 'foo'"
    )
    assert info.value.position == 8


def test_loose_drops_junk_comparators_but_not_everything() -> None:
    assert normalize_range(">=1.0.0 foo", loose=True) == ">=1.0.0"
    with pytest.raises(InvalidRange) as info:
        SCHEME.parse_range("foo", loose=True)
    assert info.value.problem == "no valid comparator in the range"


@pytest.mark.parametrize(
    ("range_text", "expected"),
    [
        ("^1.2.3", ">=1.2.3 <2.0.0"),
        (">=1.2.3-beta.1 <2.0.0", ">=1.2.3-beta.1 <2.0.0"),
        ("1.2.3 || 2.x", "1.2.3 || >=2.0.0 <3.0.0"),
        ("<0.0.0-0", "<0.0.0-0"),
        ("*", "*"),
        (">=1.0.0 <=2.0.0-rc.1", ">=1.0.0 <=2.0.0-rc.1"),
        (">=1.0.0-0 <1.0.0", ">=1.0.0-0 <1.0.0"),
    ],
)
def test_format_range(range_text: str, expected: str) -> None:
    assert SCHEME.format_range(SCHEME.parse_range(range_text)) == expected


def test_format_range_refuses_prereleases_of_many_releases() -> None:
    with pytest.raises(ValueError, match="pre-releases of more than one"):
        SCHEME.format_range(SCHEME.parse_range("^1.2.3", include_prerelease=True))


# --- properties ---------------------------------------------------------------------------

_IDS = st.sampled_from(["alpha", "beta", "rc", 0, 1, 2, 11])
_versions = st.builds(
    SemVer,
    st.integers(0, 3),
    st.integers(0, 3),
    st.integers(0, 3),
    st.lists(_IDS, max_size=2).map(tuple),
)


def _version_text(v: SemVer) -> str:
    return str(v)


_parts = st.sampled_from(["0", "1", "2", "3", "x", "*"])


@st.composite
def _partial(draw: st.DrawFn) -> str:
    major = draw(st.sampled_from(["0", "1", "2", "x"]))
    count = draw(st.integers(1, 3))
    text = major
    parts = [major]
    for _ in range(count - 1):
        part = draw(_parts)
        parts.append(part)
    text = ".".join(parts)
    if count == 3 and draw(st.booleans()):
        text += "-" + draw(st.sampled_from(["alpha", "beta.1", "0", "rc.2"]))
    return text


_OPS = ["", "=", "<", "<=", ">", ">=", "^", "~", "~>"]


@st.composite
def _ranges(draw: st.DrawFn) -> str:
    groups = []
    for _ in range(draw(st.integers(1, 3))):
        if draw(st.integers(0, 5)) == 0:
            groups.append(f"{draw(_partial())} - {draw(_partial())}")
            continue
        tokens = [
            draw(st.sampled_from(_OPS)) + draw(_partial()) for _ in range(draw(st.integers(1, 3)))
        ]
        groups.append(" ".join(tokens))
    return " || ".join(groups)


def _parse_or_none(text: str, **opts: bool) -> VersionSet[SemVer] | None:
    try:
        return SCHEME.parse_range(text, **opts)
    except InvalidRange:
        return None


def _reference_contains(text: str, v: SemVer, include_prerelease: bool) -> bool:
    """node-semver's ``testSet`` over the desugared comparators, written out directly."""
    for group in SCHEME.desugar_range(text, include_prerelease=include_prerelease):
        ok = True
        for comp in group:
            w = parse_version(comp.version)
            op = comp.operator
            ok = (
                ok
                and {
                    "=": v == w,
                    "<": v < w,
                    "<=": v <= w,
                    ">": v > w,
                    ">=": v >= w,
                    "!=": v != w,
                }[op]
            )
        if ok and v.prerelease and not include_prerelease:
            ok = any(
                parse_version(c.version).prerelease
                and parse_version(c.version).release == v.release
                for c in group
            )
        if ok:
            return True
    return False


@settings(max_examples=200, deadline=None)
@given(text=_ranges(), versions=st.lists(_versions, min_size=1, max_size=8), pre=st.booleans())
def test_set_agrees_with_node_comparator_semantics(
    text: str, versions: list[SemVer], pre: bool
) -> None:
    parsed = _parse_or_none(text, include_prerelease=pre)
    if parsed is None:
        return
    for v in versions:
        assert parsed.contains(v) is _reference_contains(text, v, pre), (text, str(v))


@settings(max_examples=150, deadline=None)
@given(a=_ranges(), b=_ranges(), versions=st.lists(_versions, min_size=1, max_size=6))
def test_set_laws(a: str, b: str, versions: list[SemVer]) -> None:
    sa, sb = _parse_or_none(a), _parse_or_none(b)
    if sa is None or sb is None:
        return
    assert ~~sa == sa
    assert ~(sa | sb) == (~sa & ~sb)
    assert ~(sa & sb) == (~sa | ~sb)
    assert (sa & ~sa).is_empty()
    assert (sa | ~sa).is_full()
    for v in versions:
        assert (sa & sb).contains(v) is (sa.contains(v) and sb.contains(v))
        assert (sa | sb).contains(v) is (sa.contains(v) or sb.contains(v))
        assert (~sa).contains(v) is (not sa.contains(v))
        assert sa.difference(sb).contains(v) is (sa.contains(v) and not sb.contains(v))


@settings(max_examples=150, deadline=None)
@given(text=_ranges())
def test_format_range_round_trips(text: str) -> None:
    parsed = _parse_or_none(text)
    if parsed is None:
        return
    try:
        written = SCHEME.format_range(parsed)
    except ValueError:
        return
    assert not _members_differ(SCHEME.parse_range(written), parsed), written


@settings(max_examples=200, deadline=None)
@given(op=st.sampled_from(_OPS), version=_partial(), pre=st.booleans(), loose=st.booleans())
def test_plain_tokens_take_the_same_path_as_prefixed_ones(
    op: str, version: str, pre: bool, loose: bool
) -> None:
    # A leading "v" changes nothing in node-semver but sends a token down the full rewriting
    # pipeline instead of the plain-token shortcut: both must agree. One exception, node's
    # own: ">=0.0.0" is rewritten to "*" only when written without the "v".
    assume(not (op == ">=" and version == "0.0.0"))

    def normalized(text: str) -> str | None:
        try:
            return normalize_range(text, include_prerelease=pre, loose=loose)
        except InvalidRange:
            return None

    assert normalized(op + version) == normalized(op + "v" + version)


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=40), loose=st.booleans(), pre=st.booleans())
def test_parsers_raise_only_typed_errors(text: str, loose: bool, pre: bool) -> None:
    with contextlib.suppress(InvalidVersion):
        parse_version(text, loose=loose)
    with contextlib.suppress(InvalidRange):
        SCHEME.parse_range(text, loose=loose, include_prerelease=pre)


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(alphabet="0123456789.xX*^~<>=-| vabc+", max_size=30),
    loose=st.booleans(),
)
def test_range_like_text_raises_only_typed_errors(text: str, loose: bool) -> None:
    with contextlib.suppress(InvalidRange):
        SCHEME.parse_range(text, loose=loose)
