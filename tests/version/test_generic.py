"""The generic and lexicographic schemes: VERS lexicographic cases and both schemes' laws."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polypac.errors import InvalidVersion
from polypac.version.generic import LEXICOGRAPHIC, SCHEME
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
lex = LEXICOGRAPHIC.parse_version


@pytest.mark.parametrize("case", vers_cases("lexicographic-test.json"))
def test_lexicographic_vers_conformance(case: dict[str, Any]) -> None:
    check_vers_case(case)


def test_lexicographic_is_utf8_byte_order() -> None:
    texts = ["é", "e\u0301", "z", "😀", "ß", "ss", "A", "a", "€", "\ufb01", "\U00010000"]
    by_scheme = [str(x) for x in sorted(lex(t) for t in texts)]
    assert by_scheme == sorted(texts, key=lambda t: t.encode("utf-8"))


@pytest.mark.parametrize(
    "chain",
    [
        ["1.0alpha1", "1.0alpha2", "1.0beta", "1.0rc1", "1.0", "1.0a", "1.0.post1", "1.0.1"],
        ["1.9", "1.10", "2"],
        ["1.0", "1.0.0"],  # no padding: more parts win
        ["1.0-dev", "1.0"],
        ["1.0", "1.0patch1", "1.0.1"],
    ],
    ids=" < ".join,
)
def test_generic_ascending(chain: list[str]) -> None:
    versions = [v(t) for t in chain]
    assert all(a < b for a, b in itertools.pairwise(versions))


def test_generic_equal_spellings() -> None:
    assert v("1.0RC1") == v("1.0-rc.1") == v("1_0_rc_01")
    assert str(v("1.0RC1")) == "1.0RC1"


@pytest.mark.parametrize("scheme", [SCHEME, LEXICOGRAPHIC], ids=lambda s: s.name)
def test_error_message(scheme: Any) -> None:
    with pytest.raises(InvalidVersion) as info:
        scheme.parse_version("1.0\tb")
    assert str(info.value) == (
        f"invalid {scheme.name} version: a version cannot contain blanks or control characters"
        " (at offset 3)\n  '1.0\\tb'"
    )


def test_ranges() -> None:
    versions = SCHEME.parse_range(">=1.0, <2.0 | 3.0")
    assert versions.contains(v("1.5"))
    assert versions.contains(v("3.0"))
    assert versions.contains(v("2.0rc1"))  # a pre-release word: 2.0rc1 < 2.0
    assert SCHEME.format_range(versions) == ">=1.0, <2.0 | =3.0"
    assert LEXICOGRAPHIC.parse_range(">=a, <b").contains(lex("az"))


def test_registry_names() -> None:
    assert is_registered("generic", SCHEME)
    assert is_registered("lexicographic", LEXICOGRAPHIC)


# --- properties ------------------------------------------------------------------------

_piece = st.sampled_from(["0", "1", "2", "10", "01", "a", "rc", "RC", "post", "beta", "p"])
versions = st.lists(
    st.tuples(st.sampled_from(["", ".", "-", "_", "+"]), _piece), min_size=1, max_size=5
).map(lambda pairs: pairs[0][1] + "".join(s + p for s, p in pairs[1:]))
texts = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp")),
    min_size=1,
    max_size=6,
).filter(lambda t: not any(c in t for c in ",|()<>=!"))


def _ranges(values: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.builds(
        lambda op, version: f"{op}{version}",
        st.sampled_from(["<", "<=", "=", ">=", ">", "!="]),
        values,
    ) | st.builds(lambda a, b: f">={a}, <{b}", values, values)


@settings(max_examples=200)
@given(versions, versions, versions)
def test_generic_order_is_total(a: str, b: str, c: str) -> None:
    assert_total_order(v(a), v(b), v(c))


@settings(max_examples=200)
@given(texts, texts, texts)
def test_lexicographic_order_is_total(a: str, b: str, c: str) -> None:
    assert_total_order(lex(a), lex(b), lex(c))


@pytest.mark.parametrize("scheme", [SCHEME, LEXICOGRAPHIC], ids=lambda s: s.name)
@settings(max_examples=100)
@given(text=st.text(max_size=20))
def test_parsers_raise_only_typed_errors(scheme: Any, text: str) -> None:
    assert_parsers_raise_only_typed_errors(scheme, text)


@settings(max_examples=100, deadline=None)
@given(
    version_sets(SCHEME, versions, _ranges(versions)),
    version_sets(SCHEME, versions, _ranges(versions)),
    st.lists(versions, max_size=6),
)
def test_generic_set_laws(a: VersionSet[Any], b: VersionSet[Any], probes: list[str]) -> None:
    assert_set_laws(a, b, [v(p) for p in probes])


@settings(max_examples=100, deadline=None)
@given(
    version_sets(LEXICOGRAPHIC, texts, _ranges(texts)),
    version_sets(LEXICOGRAPHIC, texts, _ranges(texts)),
    st.lists(texts, max_size=6),
)
def test_lexicographic_set_laws(a: VersionSet[Any], b: VersionSet[Any], probes: list[str]) -> None:
    assert_set_laws(a, b, [lex(p) for p in probes])
