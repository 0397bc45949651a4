"""The error tree: data first, text second, a caret under the bad character."""

from __future__ import annotations

import pickle

from polypac.errors import InvalidRange, ParseError, PolypacError, PurlError


def test_caret_points_at_the_bad_character() -> None:
    error = PurlError("pkg:npm/a b", 9, "a name may not hold a space")
    assert str(error) == "invalid purl: a name may not hold a space\n  pkg:npm/a b\n           ^"


def test_parse_errors_are_value_errors_and_polypac_errors() -> None:
    error = InvalidRange(">=1 <", 5, "expected a version after '<'", what="npm range")
    assert isinstance(error, ValueError)
    assert isinstance(error, PolypacError)
    assert str(error).startswith("invalid npm range: expected a version after '<'")


def test_located_error_names_file_and_line() -> None:
    error = InvalidRange("libc6 (>> )", 10, "expected a version", what="Debian relation")
    moved = error.located("Packages", 120)
    assert isinstance(moved, InvalidRange)
    assert str(moved).splitlines()[0] == "Packages:120: invalid Debian relation: expected a version"


def test_unprintable_input_is_shown_escaped() -> None:
    error = ParseError("a\x00b", 1, "no control characters")
    assert str(error) == "invalid input: no control characters (at offset 1)\n  'a\\x00b'"


def test_errors_survive_pickling() -> None:
    error = PurlError("pkg:", 4, "expected a type", source="list.txt", line=3)
    copy = pickle.loads(pickle.dumps(error))
    assert (type(copy), str(copy), copy.line) == (PurlError, str(error), 3)
