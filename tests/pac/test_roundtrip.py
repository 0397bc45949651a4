"""Round trips: parse(format(p)) == p over random problems; formatting is idempotent."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from polypac.calculus.extended import ExtendedProblem
from polypac.calculus.reduce import reduce
from polypac.pac import core_as_extended, format_core, format_document, format_pac, parse_pac
from tests.pac._strategies import SCHEMES, problems

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("scheme", SCHEMES)
@SETTINGS
@given(data=st.data())
def test_parse_of_format_is_the_problem(scheme: str, data: st.DataObject) -> None:
    problem, scheme = data.draw(problems(scheme=scheme))
    text = format_pac(problem, scheme=scheme)
    document = parse_pac(text)
    assert document.problem == problem, text
    assert format_document(document) == text


@SETTINGS
@given(drawn=problems())
def test_formatting_is_idempotent(drawn: tuple[ExtendedProblem[Any], str]) -> None:
    problem, scheme = drawn
    once = format_pac(problem, scheme=scheme)
    twice = format_document(parse_pac(once))
    assert twice == once
    assert format_document(parse_pac(twice)) == twice


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(drawn=problems(scheme="semver"))
def test_reduced_core_round_trips_with_ordinal_names(
    drawn: tuple[ExtendedProblem[Any], str],
) -> None:
    problem, scheme = drawn
    core = reduce(problem).problem
    text = format_core(core, scheme=scheme)
    assert parse_pac(text).problem == core_as_extended(core), text
