"""Vers.contains and Vers.to_version_set: the VERS containment rules over a scheme's order."""

from __future__ import annotations

import pytest

from polypac.errors import InvalidVersion, UnknownSchemeError, VersError
from polypac.vers import Vers, VersConstraint, parse_vers
from polypac.vers._types import scheme_for_type

CASES = [
    # one bound
    ("vers:pypi/<2.0", {"1.0": True, "2.0": False, "3.0": False}),
    ("vers:pypi/<=2.0", {"1.0": True, "2.0": True, "2.0.0": True, "3.0": False}),
    ("vers:pypi/>2.0", {"1.0": False, "2.0": False, "2.0.1": True}),
    ("vers:pypi/>=2.0", {"1.0": False, "2.0": True, "9": True}),
    # intervals, points, holes
    ("vers:pypi/>=1.0|<2.0", {"0.9": False, "1.0": True, "1.5": True, "2.0": False}),
    ("vers:pypi/>1.0|<=2.0", {"1.0": False, "1.5": True, "2.0": True, "2.1": False}),
    ("vers:pypi/<1.0|>=2.0", {"0.5": True, "1.0": False, "1.5": False, "2.0": True}),
    ("vers:pypi/>=1.0|!=1.5|<2.0", {"1.4": True, "1.5": False, "1.6": True, "2.0": False}),
    ("vers:pypi/1.0|1.2|>=3.0", {"1.0": True, "1.1": False, "1.2": True, "3.5": True}),
    ("vers:pypi/1.0|3.0", {"1.0": True, "2.0": False, "3.0": True}),
    ("vers:pypi/!=1.0", {"0.1": True, "1.0": False, "1.0.0": False, "2.0": True}),
    ("vers:pypi/!=1.0|!=2.0", {"1.0": False, "1.5": True, "2.0": False}),
    ("vers:pypi/1.0|!=2.0", {"1.0": True, "2.0": False, "3.0": False}),
    ("vers:pypi/<1.0|>=2.0|<3.0|>4.0", {"0.1": True, "1.5": False, "2.5": True, "3.5": False,
                                        "4.0": False, "5": True}),
    # a non-alternating sequence: the pairwise rule reads what it can
    ("vers:pypi/>0.0.0|>=0.0.1|0.0.2|<0.0.3", {"0.0.0": False, "0.0.0.5": False,
                                               "0.0.1": True, "0.0.2": True, "0.0.2.5": True,
                                               "0.0.3": False}),
    # pre-releases sit in the order like any version: VERS has no exclusion rule
    ("vers:pypi/>=1.0|<2.0", {"1.5a1": True, "2.0rc1": True, "1.0a1": False}),
    ("vers:npm/>=1.0.0|<2.0.0", {"1.5.0-beta.1": True, "2.0.0-rc.1": True,
                                 "1.0.0-rc.1": False}),
    ("vers:npm/*", {"0.0.1": True, "1.0.0-alpha": True}),
]  # fmt: skip

PARAMS = [
    pytest.param(vers, version, expected, id=f"{version}-in-{vers}")
    for vers, table in CASES
    for version, expected in table.items()
]


@pytest.mark.parametrize(("text", "version", "expected"), PARAMS)
def test_contains(text: str, version: str, expected: bool) -> None:
    assert parse_vers(text).contains(version) is expected


@pytest.mark.parametrize(("text", "version", "expected"), PARAMS)
def test_version_set_agrees(text: str, version: str, expected: bool) -> None:
    vers = parse_vers(text)
    scheme = scheme_for_type(vers.scheme)
    assert vers.to_version_set().contains(scheme.parse_version(version)) is expected


def test_order_of_a_hand_built_vers_does_not_matter() -> None:
    built = Vers("pypi", (VersConstraint("<", "2.0"), VersConstraint(">=", "1.0")))
    assert built.contains("1.5")
    assert not built.contains("2.5")


def test_all_and_none_need_no_scheme() -> None:
    assert parse_vers("vers:all/*").contains("anything at all")
    assert not parse_vers("vers:none/*").contains("1.0")
    assert parse_vers("vers:all/*").to_version_set().is_full()
    assert parse_vers("vers:none/*").to_version_set().is_empty()


def test_star_holds_every_version() -> None:
    assert parse_vers("vers:pypi/*").to_version_set().is_full()


def test_unregistered_type_cannot_be_ordered() -> None:
    with pytest.raises(UnknownSchemeError) as caught:
        parse_vers("vers:example/1.0").contains("1.0")
    assert caught.value.name == "example"


def test_tested_version_must_be_of_the_type() -> None:
    with pytest.raises(InvalidVersion):
        parse_vers("vers:pypi/>=1.0").contains("not a version")


def test_bad_constraint_version_is_located() -> None:
    vers = Vers("pypi", (VersConstraint(">=", "1.0"), VersConstraint("!=", "what")))
    with pytest.raises(VersError) as caught:
        vers.contains("1.0")
    assert caught.value.position == 18
    assert caught.value.text == "vers:pypi/>=1.0|!=what"
    assert caught.value.problem.startswith("'what' is not a valid pypi version")
