"""parse_vers, validate_vers and writing VERS back: grammar, canonical form, error words."""

from __future__ import annotations

import pytest

from polypac.errors import VersError
from polypac.vers import Vers, VersConstraint, parse_vers, validate_vers


@pytest.mark.parametrize(
    ("text", "problem", "position"),
    [
        pytest.param("npm/1.0", "expected 'vers:' at the start", 0, id="no-scheme"),
        pytest.param("purl:npm/1.0", "expected 'vers:' at the start", 0, id="other-scheme"),
        pytest.param("vers:npm", "expected '/' after the type", 8, id="no-slash"),
        pytest.param("vers:/1.0", "expected a type after 'vers:'", 5, id="no-type"),
        pytest.param(
            "vers:1npm/1.0",
            "a type is ASCII letters, digits, '.' and '-', starting with a letter",
            5,
            id="type-digit-first",
        ),
        pytest.param(
            "vers:n_pm/1.0",
            "a type is ASCII letters, digits, '.' and '-', starting with a letter",
            6,
            id="type-underscore",
        ),
        pytest.param(
            "vers:invalid/1.0", "the 'invalid' type is always invalid", 5, id="type-invalid"
        ),
        pytest.param("vers:npm/", "expected at least one constraint after the type", 9, id="empty"),
        pytest.param("vers:npm/||", "expected a constraint between pipes", 9, id="only-pipes"),
        pytest.param("vers:npm/*|1.0", "'*' must be the only constraint", 9, id="star-first"),
        pytest.param("vers:npm/1.0|*", "'*' must be the only constraint", 13, id="star-last"),
        pytest.param(
            "vers:npm/1.*", "'*' in a version must be percent-encoded as %2A", 11, id="raw-star"
        ),
        pytest.param(
            "vers:npm/>>1.0", "'>' in a version must be percent-encoded as %3E", 10, id="op>>"
        ),
        pytest.param(
            "vers:npm/>==1.0", "'=' in a version must be percent-encoded as %3D", 11, id="op>=="
        ),
        pytest.param("vers:npm/>=", "expected a version after '>='", 11, id="no-version"),
        pytest.param("vers:npm/1.0|!=", "expected a version after '!='", 15, id="no-version2"),
        pytest.param(
            "vers:npm/1.0%2", "invalid percent-encoding in version", 12, id="short-triplet"
        ),
        pytest.param(
            "vers:npm/1.0%0A",
            "a version holds printable ASCII characters only",
            12,
            id="encoded-newline",
        ),
        pytest.param(
            "vers:npm/1.0\u00e9",
            "only printable ASCII characters are permitted",
            12,
            id="non-ascii",
        ),
        pytest.param("vers:all/>=1.0", "'vers:all/*' is the only valid form", 9, id="all-not-star"),
        pytest.param("vers:none/1.0", "'vers:none/*' is the only valid form", 10, id="none"),
    ],
)
@pytest.mark.parametrize("strict", [True, False], ids=["strict", "lenient"])
def test_invalid_in_any_mode(text: str, problem: str, position: int, strict: bool) -> None:
    with pytest.raises(VersError) as caught:
        parse_vers(text, strict=strict)
    assert caught.value.problem == problem
    assert caught.value.position == position
    assert caught.value.text == text


@pytest.mark.parametrize(
    ("text", "problem", "position", "normalized"),
    [
        pytest.param(
            "vers:test/1.0 |2.0",
            "whitespace is not permitted",
            13,
            "vers:test/1.0|2.0",
            id="space",
        ),
        pytest.param(
            "\tvers:test/1.0\n", "whitespace is not permitted", 0, "vers:test/1.0", id="tab-lf"
        ),
        pytest.param(
            "VERS:test/1.0", "the scheme must be lowercase 'vers'", 0, "vers:test/1.0", id="VERS"
        ),
        pytest.param(
            "vers:Test/1.0", "the type must be lowercase", 5, "vers:test/1.0", id="type-case"
        ),
        pytest.param(
            "vers:test/|1.0", "leading pipe is not permitted", 10, "vers:test/1.0", id="lead"
        ),
        pytest.param(
            "vers:test/1.0|", "trailing pipe is not permitted", 13, "vers:test/1.0", id="trail"
        ),
        pytest.param(
            "vers:test/1.0|||2.0",
            "consecutive pipes are not permitted",
            14,
            "vers:test/1.0|2.0",
            id="pipes",
        ),
        pytest.param(
            "vers:test/=1.0",
            "a constraint must not start with '=': equality is a bare version",
            10,
            "vers:test/1.0",
            id="equals",
        ),
        pytest.param(
            "vers:test/1.0%7e1",
            "percent-encoding in version is not canonical",
            13,
            "vers:test/1.0~1",
            id="lower-hex-unneeded",
        ),
        pytest.param(
            "vers:test/1.0%2B1",
            "percent-encoding in version is not canonical",
            13,
            "vers:test/1.0+1",
            id="needless-encoding",
        ),
        pytest.param(
            "vers:test/1.0%7c1",
            "percent-encoding in version is not canonical",
            13,
            "vers:test/1.0%7C1",
            id="lower-hex",
        ),
        pytest.param(
            "vers:datetime/2024-01-01t00:00:00Z",
            "datetime must use uppercase T and Z",
            24,
            "vers:datetime/2024-01-01T00:00:00Z",
            id="datetime-t",
        ),
        pytest.param(
            "vers:datetime/2024-01-01T00%3A00:00Z",
            "datetime time colons must be unencoded",
            27,
            "vers:datetime/2024-01-01T00:00:00Z",
            id="datetime-colon",
        ),
    ],
)
def test_non_canonical(text: str, problem: str, position: int, normalized: str) -> None:
    with pytest.raises(VersError) as caught:
        parse_vers(text)
    assert (caught.value.problem, caught.value.position) == (problem, position)
    assert parse_vers(text, strict=False).to_string() == normalized
    assert parse_vers(normalized).to_string() == normalized


def test_strict_reports_the_first_problem_met() -> None:
    with pytest.raises(VersError) as caught:
        parse_vers("VERS:npm/1.*")
    assert (caught.value.problem, caught.value.position) == (
        "the scheme must be lowercase 'vers'",
        0,
    )
    with pytest.raises(VersError) as caught:
        parse_vers("VERS:npm/1.*", strict=False)
    assert caught.value.problem == "'*' in a version must be percent-encoded as %2A"
    assert validate_vers("VERS:npm/1.*") == [
        "the scheme must be lowercase 'vers' (at offset 0)",
        "'*' in a version must be percent-encoded as %2A (at offset 11)",
    ]


def test_error_message_points_at_the_bad_character() -> None:
    with pytest.raises(VersError) as caught:
        parse_vers("vers:npm/>=1.0.0| <2.0.0")
    assert str(caught.value) == (
        "invalid vers: whitespace is not permitted\n"
        "  vers:npm/>=1.0.0| <2.0.0\n"
        "                   ^"
    )


def test_percent_decoding_happens_once() -> None:
    vers = parse_vers("vers:test/1.0%252F0|%3E%3C%3D%21%2A%7C%25%20x")
    assert [c.version for c in vers.constraints] == ["1.0%2F0", "><=!*|% x"]
    assert vers.to_string() == "vers:test/1.0%252F0|%3E%3C%3D%21%2A%7C%25%20x"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("vers:test/*", [("*", "")]),
        ("vers:test/1.0", [("=", "1.0")]),
        ("vers:test/!=1|<2|<=3|>4|>=5|6", [("!=", "1"), ("<", "2"), ("<=", "3"), (">", "4"),
                                             (">=", "5"), ("=", "6")]),
        ("vers:test/>=v1:2/3", [(">=", "v1:2/3")]),
    ],
)  # fmt: skip
def test_comparators(text: str, expected: list[tuple[str, str]]) -> None:
    vers = parse_vers(text)
    assert [(c.comparator, c.version) for c in vers.constraints] == expected
    assert vers.to_string() == text


def test_reserved_and_unregistered_types_keep_their_order() -> None:
    vers = parse_vers("vers:example/b|a")
    assert [c.version for c in vers.constraints] == ["b", "a"]
    assert parse_vers("vers:example/b|a", strict=False) == vers


def test_all_and_none() -> None:
    assert parse_vers("vers:all/*").is_star()
    assert parse_vers("vers:none/*").to_string() == "vers:none/*"


def test_strict_rejects_unsorted_constraints() -> None:
    with pytest.raises(VersError) as caught:
        parse_vers("vers:pypi/1.0|>=3.0|<2.0")
    assert caught.value.problem == "constraints are not sorted by version"
    assert caught.value.position == 20


def test_lenient_sorts_and_keeps_duplicates() -> None:
    # equal versions are ordered by comparator text, the suite's tie-break
    vers = parse_vers("vers:pypi/<2.0|>=1.0|>1.0.0|1.0.0|>=1.0|!=1", strict=False)
    assert vers.to_string() == "vers:pypi/!=1|1.0.0|>1.0.0|>=1.0|>=1.0|<2.0"


def test_strict_accepts_equal_versions_in_any_order() -> None:
    assert parse_vers("vers:pypi/>=1.0|<1.0.0").to_string() == "vers:pypi/>=1.0|<1.0.0"


def test_unorderable_version_is_reported_where_it_is() -> None:
    with pytest.raises(VersError) as caught:
        parse_vers("vers:pypi/1.0|>=not-a-version")
    assert caught.value.position == 16
    assert caught.value.problem.startswith(
        "'not-a-version' is not a valid pypi version, so the constraints cannot be ordered"
    )


def test_constraint_rejects_bad_values() -> None:
    with pytest.raises(ValueError, match="unknown VERS comparator '~'"):
        VersConstraint("~", "1.0")  # type: ignore[arg-type]  # what a caller might pass
    with pytest.raises(ValueError, match="'\\*' takes no version"):
        VersConstraint("*", "1.0")
    with pytest.raises(ValueError, match="'\\*' takes no version"):
        VersConstraint(">=", "")


def test_to_string_encodes_what_vers_requires() -> None:
    vers = Vers("test", (VersConstraint(">=", "1 <2|*"), VersConstraint("!=", "50%")))
    assert vers.to_string() == "vers:test/>=1%20%3C2%7C%2A|!=50%25"
    assert parse_vers(vers.to_string()) == vers


def test_validate_lists_every_problem() -> None:
    assert validate_vers("VERS:Test/|1.0%2b1") == [
        "the scheme must be lowercase 'vers' (at offset 0)",
        "the type must be lowercase (at offset 5)",
        "leading pipe is not permitted (at offset 10)",
        "percent-encoding in version is not canonical (at offset 14)",
        "type 'test' is not registered: versions cannot be ordered or compared",
    ]


def test_validate_stops_at_a_fatal_problem() -> None:
    assert validate_vers("vers:npm/1.0|*") == ["'*' must be the only constraint (at offset 13)"]


def test_validate_applies_clause_5_4() -> None:
    assert validate_vers("vers:pypi/>=1.0|<2.0|!=3.0|>=4.0") == []
    assert validate_vers("vers:pypi/1.0|<2.0|2.0|>=3.0|>=3.0.0") == [
        "version '2.0' (at offset 19) repeats '<2.0': each version may appear once",
        "version '3.0.0' (at offset 31) repeats '>=3.0': each version may appear once",
        "constraint '<2.0' (at offset 15) cannot follow '1.0': an equality is followed only "
        "by an equality, '>' or '>='",
        "constraint '>=3.0.0' (at offset 31) cannot follow '>=3.0': '>' and '<' bounds alternate",
    ]


def test_validate_checks_versions_of_the_type() -> None:
    problems = validate_vers("vers:pypi/not-a-version")
    assert len(problems) == 1
    assert problems[0].startswith("'not-a-version' (at offset 10) is not a valid pypi version")
