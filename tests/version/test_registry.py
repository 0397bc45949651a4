"""Every registered scheme loads, names itself, and fails only with the typed errors."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polypac.errors import InvalidRange, InvalidVersion, UnknownSchemeError
from polypac.version import compare, get_scheme, scheme_names
from polypac.version.scheme import _ALIASES


@pytest.mark.parametrize("name", scheme_names())
def test_scheme_loads_under_its_name(name: str) -> None:
    assert get_scheme(name).name == name


@pytest.mark.parametrize(("alias", "name"), sorted(_ALIASES.items()))
def test_aliases_reach_their_scheme(alias: str, name: str) -> None:
    assert get_scheme(alias) is get_scheme(name)
    assert get_scheme(alias.upper()) is get_scheme(name)


def test_unknown_scheme_lists_the_known_ones() -> None:
    with pytest.raises(UnknownSchemeError) as info:
        get_scheme("cobol")
    assert str(info.value) == f"unknown version scheme 'cobol'; known: {', '.join(scheme_names())}"


@pytest.mark.parametrize("name", scheme_names())
@settings(max_examples=60, deadline=None)
@given(text=st.text(max_size=30))
def test_parsers_raise_only_typed_errors(name: str, text: str) -> None:
    scheme = get_scheme(name)
    try:
        version = scheme.parse_version(text)
    except InvalidVersion:
        pass
    else:
        again = scheme.parse_version(text)
        assert compare(scheme, text, text) == 0
        assert (version, hash(version)) == (again, hash(again))
    with contextlib.suppress(InvalidRange):
        scheme.parse_range(text)
