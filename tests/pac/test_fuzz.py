"""Whatever the text, the parser answers with a document or a PacError, nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from polypac.pac import PacError, format_document, parse_pac
from tests.pac._strategies import FRAGMENTS

EXAMPLES = sorted((Path(__file__).parents[2] / "examples" / "pac").glob("*.pac"))
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def refusal(text: str) -> PacError | None:
    try:
        parse_pac(text, source="fuzz.pac")
    except PacError as error:
        return error
    return None


def parses_or_refuses(text: str) -> None:
    error = refusal(text)
    if error is not None:
        assert str(error).startswith("fuzz.pac:")
        assert error.line is not None
        assert error.line >= 1


@FUZZ
@given(st.text())
@example("")
@example("root")
@example('root "a\\u{110000}" 1')
@example('root a 1.0.0\npackage a 1.0.0\n  depends b {="x')
@example("scheme ordinal\nroot a 1\npackage a 1\n  depends b {=1; pre")
@example("scheme ordinal\nroot a 1\npackage a 1\n  depends " + "not " * 300 + "b")
def test_any_text(text: str) -> None:
    parses_or_refuses(text)


@FUZZ
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join))
def test_text_made_of_pac_pieces(text: str) -> None:
    parses_or_refuses(text)


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_examples(path: Path, data: st.DataObject) -> None:
    text = path.read_text(encoding="utf-8")
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(text)))
        cut = data.draw(st.integers(0, 3))
        insert = data.draw(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=3)))
        text = text[:at] + insert + text[at + cut :]
    error = refusal(text)
    if error is None:
        # What parses formats canonically: the format parses to the same problem and is a
        # fixed point of formatting (comments included).
        canonical = format_document(parse_pac(text))
        assert parse_pac(canonical).problem == parse_pac(text).problem
        assert format_document(parse_pac(canonical)) == canonical
