"""Cargo versions and requirements against the semver crate's and Cargo's own tests."""

from __future__ import annotations

import contextlib
import itertools
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polypac.errors import InvalidRange, InvalidVersion
from polypac.version.cargo import (
    SCHEME,
    CargoComparator,
    CargoVersion,
    parse_comparator,
    parse_requirement,
    parse_version,
)
from polypac.version.semver import snap_halves
from polypac.version.sets import VersionSet
from tests.conftest import load_json


def _cases(name: str) -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = load_json("cargo-semver", name)
    return cases


def _id(index: int, *parts: object) -> str:
    text = " | ".join(repr(p) if isinstance(p, str) else str(p) for p in parts)
    return f"{index}:{text[:70]}"


def _params(name: str, *keys: str) -> list[Any]:
    return [pytest.param(c, id=_id(i, *(c[k] for k in keys))) for i, c in enumerate(_cases(name))]


# --- versions -----------------------------------------------------------------------------


@pytest.mark.parametrize("case", _params("version-parse.json", "version"))
def test_version_parse(case: dict[str, Any]) -> None:
    if not case["ok"]:
        with pytest.raises(InvalidVersion) as info:
            parse_version(case["version"])
        assert info.value.problem == case["error"]
        return
    v = parse_version(case["version"])
    assert (v.major, v.minor, v.patch) == (case["major"], case["minor"], case["patch"])
    assert ".".join(map(str, v.prerelease)) == case["pre"]
    assert ".".join(v.build) == case["build"]


_OPS = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "==": lambda a, b: a == b,
}


@pytest.mark.parametrize("case", _params("version-compare.json", "a", "op", "b"))
def test_version_compare(case: dict[str, Any]) -> None:
    a, b = parse_version(case["a"]), parse_version(case["b"])
    assert _OPS[case["op"]](a, b) is case["expected"]


@pytest.mark.parametrize("case", _params("version-order.json", "test"))
def test_version_order(case: dict[str, Any]) -> None:
    versions = [parse_version(text) for text in case["ascending"]]
    for lower, higher in itertools.pairwise(versions):
        assert lower < higher


@pytest.mark.parametrize("case", _params("version-display.json", "version"))
def test_version_display(case: dict[str, Any]) -> None:
    assert str(parse_version(case["version"])) == case["display"]


# --- requirements: parsing ------------------------------------------------------------------


@pytest.mark.parametrize("case", _params("req-parse.json", "req"))
def test_req_parse(case: dict[str, Any]) -> None:
    if not case["ok"]:
        with pytest.raises(InvalidRange) as info:
            parse_requirement(case["req"])
        assert info.value.problem == case["error"]
        with pytest.raises(InvalidRange):
            SCHEME.parse_range(case["req"])
        return
    req = parse_requirement(case["req"])
    if "display" in case:
        assert str(req) == case["display"]
    assert parse_requirement(str(req)) == req


@pytest.mark.parametrize("case", _params("comparator-parse.json", "comparator"))
def test_comparator_parse(case: dict[str, Any]) -> None:
    if not case["ok"]:
        with pytest.raises(InvalidRange) as info:
            parse_comparator(case["comparator"])
        assert info.value.problem == case["error"]
        return
    assert str(parse_comparator(case["comparator"])) == case["display"]


@pytest.mark.parametrize("case", _params("req-equivalence.json", "a", "b"))
def test_req_equivalence(case: dict[str, Any]) -> None:
    a, b = parse_requirement(case["a"]), parse_requirement(case["b"])
    assert (a == b) is case["equal"]
    assert (SCHEME.parse_range(case["a"]) == SCHEME.parse_range(case["b"])) is case["equal"]


# --- requirements: matching -----------------------------------------------------------------


@pytest.mark.parametrize("case", _params("req-matches.json", "req", "version"))
def test_req_matches(case: dict[str, Any]) -> None:
    versions = SCHEME.parse_range(case["req"])
    assert versions.contains(parse_version(case["version"])) is case["matches"]


@pytest.mark.parametrize("case", _params("cargo-matches-prerelease.json", "req", "version"))
def test_cargo_matches_prerelease(case: dict[str, Any]) -> None:
    versions = SCHEME.parse_range(case["req"], include_prerelease=True)
    assert versions.contains(parse_version(case["version"])) is case["matches_prerelease"]


@pytest.mark.parametrize(
    "case", _params("cargo-optversionreq-matches-prerelease.json", "req", "version")
)
def test_optversionreq_matches_prerelease(case: dict[str, Any]) -> None:
    versions = SCHEME.parse_range(case["req"], include_prerelease=True)
    assert versions.contains(parse_version(case["version"])) is case["matches_prerelease"]


# --- behaviour and messages ---------------------------------------------------------------


def test_build_metadata_orders_but_does_not_restrict() -> None:
    v = parse_version
    assert v("1.2.3") < v("1.2.3+0") < v("1.2.3+00") < v("1.2.3+1") < v("1.2.3+a")
    assert v("1.2.3+a") < v("1.2.3+a.b") < v("1.2.4-0")
    exact = SCHEME.parse_range("=1.2.3")
    assert exact.contains(v("1.2.3+anything"))
    assert not SCHEME.parse_range(">1.2.3").contains(v("1.2.3+anything"))


def test_error_points_at_the_offending_character() -> None:
    with pytest.raises(InvalidRange) as info:
        SCHEME.parse_range("> 0.0.9 <= 2.5.3")
    assert info.value.problem == "expected comma after patch version number, found '<'"
    assert info.value.position == 8
    with pytest.raises(InvalidVersion) as vinfo:
        parse_version("1.2.3-01")
    assert vinfo.value.problem == "invalid leading zero in pre-release identifier"
    assert vinfo.value.position == 6


def test_desugar_reads_as_matches_prerelease() -> None:
    assert [str(c) for c in SCHEME.desugar_range("^1.2.3")[0]] == [">=1.2.3", "<2.0.0-0"]
    assert [str(c) for c in SCHEME.desugar_range(">=1.2.3-0, <2")[0]] == [
        ">=1.2.3-0",
        "<2.0.0",
    ]
    assert SCHEME.desugar_range("*") == ((),)


def test_comparator_structure() -> None:
    assert parse_comparator("~1.2") == CargoComparator("~", 1, 2, None, ())
    assert parse_comparator("1.2.3-rc.1") == CargoComparator("^", 1, 2, 3, ("rc", 1))


@pytest.mark.parametrize(
    ("req", "expected"),
    [
        ("^1.2.3", "^1.2.3"),
        ("1.2", "^1.2.0"),
        (">=1.2.3-beta.1, <2.0.0", "^1.2.3-beta.1"),
        (">=1.2.3-beta.1, <1.5.0", ">=1.2.3-beta.1, <1.5.0"),
        ("=1.2.3-alpha", "=1.2.3-alpha"),
        ("<=1.5.2", "<=1.5.2"),
        ("*", "*"),
        (">5.0.0, <2.0.0", "<0.0.0"),
    ],
)
def test_format_range(req: str, expected: str) -> None:
    assert SCHEME.format_range(SCHEME.parse_range(req)) == expected


def test_format_range_refuses_a_union() -> None:
    union = SCHEME.parse_range("^1.2") | SCHEME.parse_range("^3")
    with pytest.raises(ValueError, match="separate stretches of releases"):
        SCHEME.format_range(union)


# --- properties ---------------------------------------------------------------------------

_IDS = st.sampled_from(["alpha", "beta", "rc", 0, 1, 2])
_versions = st.builds(
    CargoVersion,
    st.integers(0, 3),
    st.integers(0, 3),
    st.integers(0, 3),
    st.lists(_IDS, max_size=2).map(tuple),
    st.lists(st.sampled_from(["build", "1", "01"]), max_size=1).map(tuple),
)


@st.composite
def _comparator_texts(draw: st.DrawFn) -> str:
    op = draw(st.sampled_from(["", "=", ">", ">=", "<", "<=", "~", "^"]))
    parts = [str(draw(st.integers(0, 3))) for _ in range(draw(st.integers(1, 3)))]
    text = ".".join(parts)
    if len(parts) == 3 and draw(st.booleans()):
        text += "-" + draw(st.sampled_from(["alpha", "beta.1", "0", "rc.2"]))
    elif len(parts) < 3 and not op and draw(st.booleans()):
        text += ".*"
    return op + text


_reqs = st.one_of(
    st.just("*"), st.lists(_comparator_texts(), min_size=1, max_size=3).map(", ".join)
)


# The crate's eval.rs and Cargo's semver_eval_ext.rs, transcribed comparator by comparator,
# as an oracle independent of the interval construction under test.


def _pre(ids: tuple[Any, ...]) -> CargoVersion:
    """A stand-in that orders pre-release identifiers as the crate does (empty is highest)."""
    return CargoVersion(0, 0, 0, ids)


def _exact(c: CargoComparator, v: CargoVersion) -> bool:
    return (
        v.major == c.major
        and (c.minor is None or v.minor == c.minor)
        and (c.patch is None or v.patch == c.patch)
        and v.prerelease == c.pre
    )


def _greater(c: CargoComparator, v: CargoVersion) -> bool:
    if v.major != c.major:
        return v.major > c.major
    if c.minor is None:
        return False
    if v.minor != c.minor:
        return v.minor > c.minor
    if c.patch is None:
        return False
    if v.patch != c.patch:
        return v.patch > c.patch
    return _pre(v.prerelease) > _pre(c.pre)


def _less(c: CargoComparator, v: CargoVersion) -> bool:
    if v.major != c.major:
        return v.major < c.major
    if c.minor is None:
        return False
    if v.minor != c.minor:
        return v.minor < c.minor
    if c.patch is None:
        return False
    if v.patch != c.patch:
        return v.patch < c.patch
    return _pre(v.prerelease) < _pre(c.pre)


def _tilde(c: CargoComparator, v: CargoVersion) -> bool:
    if v.major != c.major or (c.minor is not None and v.minor != c.minor):
        return False
    if c.patch is not None and v.patch != c.patch:
        return v.patch > c.patch
    return _pre(v.prerelease) >= _pre(c.pre)


def _caret(c: CargoComparator, v: CargoVersion) -> bool:
    if v.major != c.major:
        return False
    if c.minor is None:
        return True
    if c.patch is None:
        return v.minor >= c.minor if c.major > 0 else v.minor == c.minor
    if c.major > 0:
        if v.minor != c.minor:
            return v.minor > c.minor
        if v.patch != c.patch:
            return v.patch > c.patch
    elif c.minor > 0:
        if v.minor != c.minor:
            return False
        if v.patch != c.patch:
            return v.patch > c.patch
    elif v.minor != c.minor or v.patch != c.patch:
        return False
    return _pre(v.prerelease) >= _pre(c.pre)


def _matches_impl(c: CargoComparator, v: CargoVersion) -> bool:
    return {
        "=": lambda: _exact(c, v),
        "*": lambda: _exact(c, v),
        ">": lambda: _greater(c, v),
        ">=": lambda: _exact(c, v) or _greater(c, v),
        "<": lambda: _less(c, v),
        "<=": lambda: _exact(c, v) or _less(c, v),
        "~": lambda: _tilde(c, v),
        "^": lambda: _caret(c, v),
    }[c.op]()


def _fill(c: CargoComparator, *, with_pre: bool = False) -> CargoComparator:
    minor, patch, pre = c.minor, c.patch, c.pre
    if minor is None:
        minor, patch = 0, 0
        if with_pre:
            pre = (0,)
    elif patch is None:
        patch = 0
    if with_pre and not pre:
        pre = (0,)
    return replace(c, minor=minor, patch=patch, pre=pre)


def _upper(c: CargoComparator, kind: str) -> CargoComparator:
    major, minor, patch = c.major, c.minor, c.patch
    if kind == "exact" or (kind == "caret" and major == 0 and minor == 0 and patch is not None):
        if minor is not None and patch is not None:
            patch += 1
        elif minor is not None:
            minor, patch = minor + 1, 0
        else:
            major, minor, patch = major + 1, 0, 0
    elif kind == "tilde" or (kind == "caret" and major == 0 and minor is not None):
        if minor is not None:
            minor, patch = minor + 1, 0
        else:
            major, minor, patch = major + 1, 0, 0
    else:
        major, minor, patch = major + 1, 0, 0
    return CargoComparator("<", major, minor, patch, (0,))


def _in_window(c: CargoComparator, v: CargoVersion, kind: str) -> bool:
    return _greater(_fill(c), v) and _less(_upper(c, kind), v)


def _matches_prerelease_impl(c: CargoComparator, v: CargoVersion, lower_pre: bool) -> bool:
    def exact_pre() -> bool:
        return _exact(c, v) or (not c.pre and _in_window(c, v, "exact"))

    if c.op in ("=", "*"):
        return exact_pre()
    if c.op == ">":
        return _greater(c, v)
    if c.op == ">=":
        return exact_pre() or _greater(c, v)
    if c.op == "<":
        return _less(_fill(c, with_pre=not lower_pre), v)
    if c.op == "<=":
        return exact_pre() or _less(_fill(c), v)
    kind = "tilde" if c.op == "~" else "caret"
    return _exact(c, v) or _in_window(c, v, kind)


def _reference(req: str, v: CargoVersion, pre: bool) -> bool:
    comparators = parse_requirement(req).comparators
    if pre:
        lower_pre = any(c.op in (">", ">=") and c.pre for c in comparators)
        return all(_matches_prerelease_impl(c, v, lower_pre) for c in comparators)
    if not all(_matches_impl(c, v) for c in comparators):
        return False
    return not v.prerelease or any(
        c.pre and (c.major, c.minor, c.patch) == (v.major, v.minor, v.patch) for c in comparators
    )


@settings(max_examples=200, deadline=None)
@given(req=_reqs, versions=st.lists(_versions, min_size=1, max_size=8), pre=st.booleans())
def test_set_agrees_with_comparator_semantics(
    req: str, versions: list[CargoVersion], pre: bool
) -> None:
    parsed = SCHEME.parse_range(req, include_prerelease=pre)
    for v in versions:
        assert parsed.contains(v) is _reference(req, v, pre), (req, str(v))


@settings(max_examples=150, deadline=None)
@given(a=_reqs, b=_reqs, pre=st.booleans(), versions=st.lists(_versions, max_size=6))
def test_set_laws(a: str, b: str, pre: bool, versions: list[CargoVersion]) -> None:
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


def _same(a: VersionSet[CargoVersion], b: VersionSet[CargoVersion]) -> bool:
    return (
        snap_halves(a.difference(b), builds_ordered=True).is_empty()
        and snap_halves(b.difference(a), builds_ordered=True).is_empty()
    )


@settings(max_examples=150, deadline=None)
@given(req=_reqs)
def test_format_range_round_trips(req: str) -> None:
    parsed = SCHEME.parse_range(req)
    written = SCHEME.format_range(parsed)
    assert _same(SCHEME.parse_range(written), parsed), written


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=30), pre=st.booleans())
def test_parsers_raise_only_typed_errors(text: str, pre: bool) -> None:
    with contextlib.suppress(InvalidVersion):
        parse_version(text)
    with contextlib.suppress(InvalidRange):
        SCHEME.parse_range(text, include_prerelease=pre)
    with contextlib.suppress(InvalidRange):
        parse_comparator(text)


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet="0123456789.*xX^~<>=-+, abc", max_size=30))
def test_requirement_like_text_raises_only_typed_errors(text: str) -> None:
    with contextlib.suppress(InvalidRange):
        SCHEME.parse_range(text)


@settings(max_examples=200, deadline=None)
@given(req=_reqs, spaces=st.sampled_from(["", " ", "  "]))
def test_plain_shortcut_agrees_with_the_scanner(req: str, spaces: str) -> None:
    from polypac.version.cargo import _plain_requirement, _scan_requirement

    text = spaces + req.replace(", ", spaces + "," + spaces) + spaces
    plain = _plain_requirement(text)
    if plain is not None:
        assert plain == _scan_requirement(text)
