"""Laws every version scheme keeps, written once for the scheme test files.

* its order is total: exactly one of ``a < b``, ``a == b``, ``b < a``; equal versions hash
  alike; ``<=`` is transitive;
* ``parse_version`` and ``parse_range`` fail only with the typed errors;
* sets built from its ranges and singletons obey the set laws, structurally and pointwise.
"""

from __future__ import annotations

import contextlib
import itertools
from typing import Any

import pytest
from hypothesis import strategies as st

from polypac.errors import InvalidRange, InvalidVersion
from polypac.version.sets import VersionSet


def assert_total_order(a: Any, b: Any, c: Any) -> None:
    """The order of three versions is total, antisymmetric, transitive, and agrees with
    equality and hashing."""
    for x, y in ((a, b), (b, c), (a, c)):
        outcomes = [x < y, x == y, y < x]
        assert outcomes.count(True) == 1, (x, y, outcomes)
        assert (x <= y) == (x < y or x == y)
        assert (x >= y) == (y < x or x == y)
        assert (x > y) == (y < x)
        if x == y:
            assert hash(x) == hash(y)
    if a <= b <= c:
        assert a <= c
    if a < b < c:
        assert a < c


def assert_parsers_raise_only_typed_errors(scheme: Any, text: str) -> None:
    """Any text parses, or fails with InvalidVersion / InvalidRange and nothing else."""
    try:
        version = scheme.parse_version(text)
    except InvalidVersion as error:
        failure = error
        assert failure.text == text
        assert failure.position is None or 0 <= failure.position <= len(text)
    else:
        again = scheme.parse_version(text)
        assert version == again
        assert hash(version) == hash(again)
    with contextlib.suppress(InvalidRange):
        scheme.parse_range(text)


def version_sets(
    scheme: Any, versions: st.SearchStrategy[str], ranges: st.SearchStrategy[str]
) -> st.SearchStrategy[VersionSet[Any]]:
    """Sets from the scheme's own ranges and from singletons of its versions."""
    from_range = ranges.map(scheme.parse_range)
    from_singleton = versions.map(lambda text: VersionSet.singleton(scheme.parse_version(text)))
    return st.one_of(from_range, from_singleton)


def assert_set_laws(a: VersionSet[Any], b: VersionSet[Any], probes: list[Any]) -> None:
    """De Morgan, complement involution, A & ~A = empty, A | ~A = all; checked structurally and
    on ``probes``."""
    assert ~~a == a
    assert ~(a | b) == (~a & ~b)
    assert ~(a & b) == (~a | ~b)
    assert (a & ~a).is_empty()
    assert (a | ~a).is_full()
    for version in probes:
        assert ((~a).contains(version)) != a.contains(version)
        assert (a & b).contains(version) == (a.contains(version) and b.contains(version))
        assert (a | b).contains(version) == (a.contains(version) or b.contains(version))


def vers_cases(name: str, xfail: dict[tuple[str, ...], str] | None = None) -> list[Any]:
    """The cases of one VERS ``*_version_cmp_test.json`` file as pytest params, each named by
    its position, kind and versions; ``xfail`` maps a case's versions to the reason it is
    a known, decided disagreement."""
    from tests.conftest import load_json

    params = []
    for index, case in enumerate(load_json("vers", "tests", name)["tests"]):
        versions = tuple(case["input"]["versions"])
        marks = []
        if xfail and versions in xfail and case["test_type"] == "equality":
            marks.append(pytest.mark.xfail(strict=True, reason=xfail[versions]))
        case_id = f"{index}-{case['test_type']}-{' '.join(versions)}"
        params.append(pytest.param(case, id=case_id, marks=marks))
    return params


def check_vers_case(case: dict[str, Any]) -> None:
    """One VERS comparison or equality case, with the scheme its input names."""
    from polypac.version import get_scheme

    scheme = get_scheme(case["input"]["input_scheme"])
    versions = [scheme.parse_version(text) for text in case["input"]["versions"]]
    if case["test_type"] == "comparison":
        expected = [scheme.parse_version(text) for text in case["expected_output"]]
        assert sorted(versions) == expected
        assert all(not (b < a) for a, b in itertools.pairwise(expected))
    else:
        # equality as the ecosystem's own tool decides it (pacman's vercmp is no total
        # order); the version type's own equality must agree wherever the order is total
        from polypac.version import compare

        assert case["test_type"] == "equality"
        texts = case["input"]["versions"]
        assert (compare(scheme, texts[0], texts[1]) == 0) == case["expected_output"]
        if not hasattr(scheme, "compare_versions"):
            first, second = versions
            assert (first == second) == case["expected_output"]


def is_registered(name: str, scheme: object) -> bool:
    """Whether the registry hands out ``scheme`` under ``name``."""
    from polypac.version import get_scheme

    return get_scheme(name) is scheme
