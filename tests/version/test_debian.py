"""Debian versions against the APT and dpkg test suites, and the scheme's laws."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polypac.errors import InvalidRange, InvalidVersion
from polypac.version.debian import SCHEME, DebianVersion, compare_part, compare_string
from polypac.version.scheme import Comparator
from polypac.version.sets import VersionSet
from tests.conftest import anchor, load_json
from tests.version._laws import (
    assert_parsers_raise_only_typed_errors,
    assert_set_laws,
    assert_total_order,
    is_registered,
    version_sets,
)

v = SCHEME.parse_version
SYMBOL = {-1: "<", 0: "=", 1: ">"}


def cmp(a: DebianVersion, b: DebianVersion) -> int:
    return (b < a) - (a < b)


def _cases(name: str) -> list[Any]:
    return [
        pytest.param(c["a"], c["b"], c["cmp"], id=f"{c['a']} {SYMBOL[c['cmp']]} {c['b']}")
        for c in load_json("debian-versions", name)
    ]


def _lst_cases() -> list[Any]:
    cases = []
    for number, line in enumerate(
        anchor("debian-versions", "versions.lst").read_text().splitlines()
    ):
        fields = line.split("#", 1)[0].split()
        if fields:
            a, b, result = fields
            cases.append(pytest.param(a, b, int(result), id=f"line {number + 1}: {a} {b}"))
    return cases


@pytest.mark.parametrize(("a", "b", "expected"), _cases("apt-compareversion-test.json"))
def test_apt_compareversion(a: str, b: str, expected: int) -> None:
    assert cmp(v(a), v(b)) == expected
    assert cmp(v(b), v(a)) == -expected


@pytest.mark.parametrize(("a", "b", "expected"), _cases("dpkg-perl-compare.json"))
def test_dpkg_perl_compare(a: str, b: str, expected: int) -> None:
    assert cmp(v(a), v(b)) == expected
    assert cmp(v(b), v(a)) == -expected


@pytest.mark.parametrize(("a", "b", "expected"), _cases("versions.json"))
def test_apt_versions_json(a: str, b: str, expected: int) -> None:
    assert cmp(v(a), v(b)) == expected
    assert cmp(v(b), v(a)) == -expected


@pytest.mark.parametrize(("a", "b", "expected"), _lst_cases())
def test_apt_versions_lst(a: str, b: str, expected: int) -> None:
    assert cmp(v(a), v(b)) == expected
    assert cmp(v(b), v(a)) == -expected


def _parse_cases() -> list[Any]:
    return [
        pytest.param(c, id=f"{c['input']!r} {'valid' if c['valid'] else c['level']}")
        for c in load_json("debian-versions", "dpkg-c-parseversion.json")
    ]


@pytest.mark.parametrize("case", _parse_cases())
def test_dpkg_c_parseversion(case: dict[str, Any]) -> None:
    if case["valid"]:
        version = v(case["input"])
        assert (version.epoch, version.upstream, version.revision) == (
            case["epoch"],
            case["upstream"],
            case["revision"],
        )
    else:  # dpkg's warnings are errors here, as for dpkg --compare-versions
        with pytest.raises(InvalidVersion):
            v(case["input"])


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(c, id=repr(c["version"]))
        for c in load_json("debian-versions", "dpkg-perl-parse.json")
    ],
)
def test_dpkg_perl_parse(case: dict[str, Any]) -> None:
    if case.get("valid", True) is False:
        with pytest.raises(InvalidVersion):
            v(case["version"])
        return
    version = v(case["version"])
    if "has_epoch" in case:
        assert version.has_epoch == case["has_epoch"]
    if "has_revision" in case:
        assert version.has_revision == case["has_revision"]
    assert str(version) == case.get("as_string", case["version"])


def _sort_versions(texts: list[str]) -> list[str]:
    return [str(x) for x in sorted(v(t) for t in texts)]


def _sort_parts(texts: list[str]) -> list[str]:
    return sorted(texts, key=functools.cmp_to_key(compare_part))


def _sort_strings(texts: list[str]) -> list[str]:
    return sorted(texts, key=functools.cmp_to_key(compare_string))


_SORTERS = {
    "version_compare": _sort_versions,
    "version_compare_part": _sort_parts,
    "version_compare_string": _sort_strings,
}


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(c, id=c["function"])
        for c in load_json("debian-versions", "dpkg-perl-sort.json")
    ],
)
def test_dpkg_perl_sort(case: dict[str, Any]) -> None:
    assert _SORTERS[case["function"]](case["unsorted"]) == case["expected_sorted"]


def test_equal_versions_are_one_value() -> None:
    forms = [v("1.0"), v("0:1.0"), v("1.0-0"), v("0:1.00-0"), v(" 1.0\t")]
    assert len(set(forms)) == 1
    assert all(form == forms[0] and hash(form) == hash(forms[0]) for form in forms)
    assert v("1.0") != v("1.0-1")


def test_str_writes_the_version_back() -> None:
    assert str(v("1:2.30-1ubuntu1")) == "1:2.30-1ubuntu1"
    assert str(v("  0:0-1\t")) == "0:0-1"
    assert str(v("1.0")) == "1.0"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0:0 0-1", "invalid deb version: version string has embedded spaces\n  0:0 0-1\n     ^"),
        ("a:0-0", "invalid deb version: epoch in version is not number\n  a:0-0\n  ^"),
        ("1.0-", "invalid deb version: revision number is empty\n  1.0-\n      ^"),
        ("foo5.2", "invalid deb version: version number does not start with digit\n  foo5.2\n  ^"),
        ("5.2@3-2", "invalid deb version: invalid character in version number\n  5.2@3-2\n     ^"),
        ("", "invalid deb version: version string is empty\n  "),
    ],
)
def test_error_messages(text: str, message: str) -> None:
    with pytest.raises(InvalidVersion) as info:
        v(text)
    assert str(info.value) == message


def test_epoch_limits() -> None:
    assert v("2147483647:1").epoch == 2**31 - 1
    with pytest.raises(InvalidVersion, match="epoch in version is too big"):
        v("2147483648:1")
    with pytest.raises(InvalidVersion, match="epoch in version is negative"):
        v("-1:0-1")


# --- relations -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("relation", "inside", "outside"),
    [
        (">= 1.2-3", ["1.2-3", "1.2-3+b1", "2"], ["1.2-2", "1.2~rc1-5"]),
        ("(>= 1.2)", ["1.2", "1.2-1"], ["1.1", "1.2~1"]),
        ("<< 2.0", ["1.9", "2.0~rc1"], ["2.0", "2.0-0", "1:0.1"]),
        (">> 2.0", ["2.0-1", "2.0.1"], ["2.0", "2.0~rc1"]),
        ("= 1:1.0-1", ["1:1.0-1"], ["1.0-1", "1:1.0-2"]),
        ("< 2.0", ["2.0", "1.0"], ["2.0-1"]),  # the obsolete < is <=
        ("> 2.0", ["2.0", "3"], ["1.9"]),  # the obsolete > is >=
        (">= 1.0, << 2.0", ["1.0", "1.5-3"], ["2.0", "0.9"]),
        ("<< 1.0 | >> 2.0", ["0.9", "2.1"], ["1.0", "1.5", "2.0"]),
        ("(>=1.0),(<<2)", ["1.5"], ["2"]),
        ("", ["0~", "99:9"], []),
    ],
)
def test_relations(relation: str, inside: list[str], outside: list[str]) -> None:
    versions = SCHEME.parse_range(relation)
    assert all(versions.contains(v(t)) for t in inside)
    assert not any(versions.contains(v(t)) for t in outside)


def test_desugar_maps_dpkg_operators_to_primitives() -> None:
    assert SCHEME.desugar_range("<< 1, <= 2 | = 3, >= 4, >> 5, < 6, > 7") == (
        (Comparator("<", "1"), Comparator("<=", "2")),
        (
            Comparator("=", "3"),
            Comparator(">=", "4"),
            Comparator(">", "5"),
            Comparator("<=", "6"),
            Comparator(">=", "7"),
        ),
    )


@pytest.mark.parametrize(
    ("relation", "written"),
    [
        ("(>= 1.2-3), (<< 2)", ">= 1.2-3, << 2"),
        ("= 1:2", "= 1:2"),
        ("<< 1 | >> 2", "<< 1 | >> 2"),
        ("> 2", ">= 2"),
        ("", ""),
    ],
)
def test_format_range(relation: str, written: str) -> None:
    versions = SCHEME.parse_range(relation)
    assert SCHEME.format_range(versions) == written
    assert SCHEME.parse_range(written) == versions


def test_format_refuses_the_empty_set() -> None:
    with pytest.raises(ValueError, match="the empty set cannot be written as a deb range"):
        SCHEME.format_range(VersionSet.empty())


@pytest.mark.parametrize(
    ("relation", "message"),
    [
        (
            "1.0",
            "invalid deb range: expected a relation operator "
            "('<', '=', '>', '<<', '<=', '>=', '>>')"
            "\n  1.0\n  ^",
        ),
        (">= 1.0,", "invalid deb range: expected a relation here\n  >= 1.0,\n         ^"),
        (">= x1", "invalid deb range: version number does not start with digit\n  >= x1\n     ^"),
        ("(>= 1", "invalid deb range: expected ')' to close the relation\n  (>= 1\n      ^"),
    ],
)
def test_range_error_messages(relation: str, message: str) -> None:
    with pytest.raises(InvalidRange) as info:
        SCHEME.parse_range(relation)
    assert str(info.value) == message


def test_registry_names() -> None:
    assert is_registered("deb", SCHEME)
    assert is_registered("debian", SCHEME)


# --- properties ------------------------------------------------------------------------


def _reference_verrevcmp(a: str, b: str) -> int:
    """dpkg's verrevcmp as a straight character loop, to check the sort keys against."""

    def isdigit(c: str) -> bool:  # C's isdigit: ASCII only
        return c in "0123456789"

    def order(c: str) -> int:
        if isdigit(c):
            return 0
        if c.isascii() and c.isalpha():
            return ord(c)
        if c == "~":
            return -1
        return ord(c) + 256

    i = j = 0
    while i < len(a) or j < len(b):
        first_diff = 0
        while (i < len(a) and not isdigit(a[i])) or (j < len(b) and not isdigit(b[j])):
            ac = order(a[i]) if i < len(a) else 0
            bc = order(b[j]) if j < len(b) else 0
            if ac != bc:
                return -1 if ac < bc else 1
            i, j = i + 1, j + 1
        while i < len(a) and a[i] == "0":
            i += 1
        while j < len(b) and b[j] == "0":
            j += 1
        while i < len(a) and isdigit(a[i]) and j < len(b) and isdigit(b[j]):
            if not first_diff:
                first_diff = ord(a[i]) - ord(b[j])
            i, j = i + 1, j + 1
        if i < len(a) and isdigit(a[i]):
            return 1
        if j < len(b) and isdigit(b[j]):
            return -1
        if first_diff:
            return -1 if first_diff < 0 else 1
    return 0


_pieces = st.sampled_from(
    ["0", "1", "2", "10", "007", ".", "+", "~", "a", "b", "Z", "rc", "-", ":"]
)
_upstream = st.builds(
    lambda head, rest: head + "".join(rest),
    st.sampled_from(["0", "1", "2", "10", "1.0", "2.30"]),
    st.lists(_pieces.filter(lambda p: p not in "-:"), max_size=5),
)
_revision = st.lists(
    st.sampled_from(["0", "1", "2", "b", "+", ".", "~", "ubuntu"]), min_size=1, max_size=4
).map("".join)
versions = st.builds(
    lambda epoch, upstream, revision: f"{epoch}{upstream}{revision}",
    st.sampled_from(["", "0:", "1:", "2:"]),
    _upstream,
    st.one_of(st.just(""), _revision.map(lambda r: "-" + r)),
)
ranges = (
    st.builds(
        lambda op, version: f"{op} {version}",
        st.sampled_from(["<<", "<=", "=", ">=", ">>"]),
        versions,
    )
    | st.builds(lambda a, b: f">= {a}, << {b}", versions, versions)
    | st.builds(lambda a, b: f"<< {a} | >> {b}", versions, versions)
)


@settings(max_examples=200)
@given(versions, versions)
def test_keys_agree_with_a_plain_verrevcmp(a: str, b: str) -> None:
    va, vb = v(a), v(b)
    expected = (va.epoch > vb.epoch) - (va.epoch < vb.epoch)
    expected = expected or _reference_verrevcmp(va.upstream, vb.upstream)
    expected = expected or _reference_verrevcmp(va.revision, vb.revision)
    assert cmp(va, vb) == expected
    assert compare_part(va.upstream, vb.upstream) == _reference_verrevcmp(va.upstream, vb.upstream)


@settings(max_examples=200)
@given(st.text(max_size=12), st.text(max_size=12))
def test_compare_part_agrees_on_any_text(a: str, b: str) -> None:
    assert compare_part(a, b) == _reference_verrevcmp(a, b)


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


@settings(max_examples=100, deadline=None)
@given(ranges)
def test_format_round_trips(relation: str) -> None:
    versions = SCHEME.parse_range(relation)
    if versions.is_empty():
        return
    assert SCHEME.parse_range(SCHEME.format_range(versions)) == versions


def test_anchor_folder_is_covered() -> None:
    folder = anchor("debian-versions", "PROVENANCE.md").parent
    data = {p.name for p in Path(folder).iterdir() if p.suffix in {".json", ".lst"}}
    assert data == {
        "apt-compareversion-test.json",
        "dpkg-c-parseversion.json",
        "dpkg-perl-compare.json",
        "dpkg-perl-parse.json",
        "dpkg-perl-sort.json",
        "versions.json",
        "versions.lst",
    }
