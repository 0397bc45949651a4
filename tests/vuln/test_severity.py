"""Severity levels: CVSS vectors of the anchor records, the specs' examples, database words."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polypac.vuln.match import finding
from polypac.vuln.osv import OsvRecord, record_from_mapping
from polypac.vuln.severity import Level, Scored, level_of_score, rate, score_vector
from tests.vuln._data import all_records, purl_of

CVSS_TYPES = ("CVSS_V2", "CVSS_V3", "CVSS_V4")


def with_cvss() -> list[OsvRecord]:
    return [r for r in all_records() if any(s.type.startswith("CVSS") for s in r.severity)]


WITH_CVSS = with_cvss()


@pytest.mark.parametrize("osv", WITH_CVSS, ids=[r.id for r in WITH_CVSS])
def test_every_anchor_vector_is_scored(osv: OsvRecord) -> None:
    rating = rate(osv)
    assert rating.problems == ()
    scores = [s.score for s in rating.scored]
    assert all(score is not None for score in scores)
    assert rating.score == max(score for score in scores if score is not None)
    assert rating.source in CVSS_TYPES
    assert rating.level is not None


def test_anchor_vector_count() -> None:
    vectors = [s for r in WITH_CVSS for s in r.severity]
    scored = [s for r in WITH_CVSS for s in rate(r).scored if s.score is not None]
    assert len(scored) == len(vectors)
    assert {s.type for s in vectors} <= set(CVSS_TYPES)
    assert len(WITH_CVSS) > 500  # the anchors hold 620 such files; a loader that drops them fails


# (vector, base score) from the specifications' worked examples: CVSS v3.1 "Examples"
# (Heartbleed, phpMyAdmin XSS, MySQL, POODLE, Shellshock), CVSS v2 guide section 3.3,
# CVSS v4.0 calculator, and the bounds of each scale.
SPEC_EXAMPLES = [
    ("CVSS_V3", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, Level.CRITICAL),
    ("CVSS_V3", "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, Level.CRITICAL),
    ("CVSS_V3", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 7.5, Level.HIGH),
    ("CVSS_V3", "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1, Level.MEDIUM),
    ("CVSS_V3", "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N", 6.4, Level.MEDIUM),
    ("CVSS_V3", "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N", 3.1, Level.LOW),
    ("CVSS_V3", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0, Level.CRITICAL),
    ("CVSS_V3", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0, Level.NONE),
    ("CVSS_V2", "AV:N/AC:L/Au:N/C:N/I:N/A:C", 7.8, Level.HIGH),
    ("CVSS_V2", "AV:N/AC:L/Au:N/C:C/I:C/A:C", 10.0, Level.CRITICAL),
    ("CVSS_V2", "AV:L/AC:H/Au:N/C:C/I:C/A:C", 6.2, Level.MEDIUM),
    (
        "CVSS_V4",
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
        9.3,
        Level.CRITICAL,
    ),
    ("CVSS_V4", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N", 0.0, Level.NONE),
]


@pytest.mark.parametrize(
    ("kind", "vector", "score", "level"), SPEC_EXAMPLES, ids=[v for _, v, _, _ in SPEC_EXAMPLES]
)
def test_spec_examples(kind: str, vector: str, score: float, level: Level) -> None:
    scored = score_vector(kind, vector)
    assert scored == Scored(kind, vector, score)
    assert scored.level is level


@pytest.mark.parametrize(
    ("score", "level"),
    [
        (0.0, Level.NONE),
        (0.1, Level.LOW),
        (3.9, Level.LOW),
        (4.0, Level.MEDIUM),
        (6.9, Level.MEDIUM),
        (7.0, Level.HIGH),
        (8.9, Level.HIGH),
        (9.0, Level.CRITICAL),
        (10.0, Level.CRITICAL),
    ],
)
def test_qualitative_scale(score: float, level: Level) -> None:
    assert level_of_score(score) is level


def record_with(severity: list[dict[str, str]], word: str | None = None) -> OsvRecord:
    data: dict[str, object] = {"id": "TEST-1", "severity": severity}
    if word is not None:
        data["database_specific"] = {"severity": word}
    return record_from_mapping(data)


CRITICAL_V3 = {"type": "CVSS_V3", "score": SPEC_EXAMPLES[0][1]}
LOW_V3 = {"type": "CVSS_V3", "score": SPEC_EXAMPLES[5][1]}
HIGH_V2 = {"type": "CVSS_V2", "score": SPEC_EXAMPLES[8][1]}


@pytest.mark.parametrize(
    ("word", "level"),
    [
        ("LOW", Level.LOW),
        ("MODERATE", Level.MEDIUM),
        ("MEDIUM", Level.MEDIUM),
        ("HIGH", Level.HIGH),
        ("CRITICAL", Level.CRITICAL),
        ("high", Level.HIGH),
    ],
)
def test_database_word_decides_first(word: str, level: Level) -> None:
    rating = rate(record_with([CRITICAL_V3], word))
    assert (rating.level, rating.source, rating.score) == (level, "database", None)
    assert [s.score for s in rating.scored] == [9.8]


def test_word_in_affected_database_specific() -> None:
    osv = record_from_mapping(
        {
            "id": "TEST-2",
            "affected": [
                {
                    "package": {"ecosystem": "PyPI", "name": "x"},
                    "database_specific": {"severity": "MODERATE"},
                }
            ],
        }
    )
    assert rate(osv).level is Level.MEDIUM


def test_unknown_word_falls_back_to_cvss() -> None:
    rating = rate(record_with([LOW_V3], "UNKNOWN"))
    assert (rating.level, rating.source) == (Level.LOW, "CVSS_V3")
    assert rating.problems == ("database severity 'UNKNOWN': not a known word",)


def test_highest_vector_wins() -> None:
    rating = rate(record_with([LOW_V3, HIGH_V2, CRITICAL_V3]))
    assert (rating.level, rating.source, rating.score) == (Level.CRITICAL, "CVSS_V3", 9.8)
    rating = rate(record_with([LOW_V3, HIGH_V2]))
    assert (rating.level, rating.source, rating.score) == (Level.HIGH, "CVSS_V2", 7.8)


def test_no_severity_is_unknown_not_none() -> None:
    rating = rate(record_with([]))
    assert (rating.level, rating.source, rating.score, rating.problems) == (None, None, None, ())


@pytest.mark.parametrize(
    ("kind", "vector", "problem"),
    [
        ("CVSS_V3", "", "Malformed CVSS3 vector, vector is empty"),
        ("CVSS_V3", "CVSS:3.1/AV:X", 'Unknown value "X" in field "AV:X"'),
        ("CVSS_V2", "AV:N/AC:L", 'Missing mandatory metrics "Au, C, I, A"'),
        (
            "CVSS_V4",
            "CVSS:4.0/AV:N",
            'Missing mandatory metrics "AC, AT, PR, UI, VC, VI, VA, SC, SI, SA"',
        ),
        (
            "CVSS_V3",
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
            'Malformed CVSS3 vector "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/'
            'SA:N" is missing mandatory prefix or uses unsupported CVSS version',
        ),
        ("Ubuntu", "high", "not a CVSS severity type"),
    ],
)
def test_invalid_vectors_are_left_out_with_the_reason(kind: str, vector: str, problem: str) -> None:
    scored = score_vector(kind, vector)
    assert (scored.score, scored.level, scored.problem) == (None, None, problem)
    rating = rate(record_with([{"type": kind, "score": vector}, LOW_V3]))
    assert (rating.level, rating.score) == (Level.LOW, 3.1)
    assert rating.problems == (f"{kind} {vector}: {problem}",)


@settings(max_examples=200, deadline=None)
@given(
    kind=st.sampled_from(CVSS_TYPES),
    vector=st.one_of(
        st.text(),
        st.lists(
            st.sampled_from(
                [
                    "CVSS:3.1",
                    "CVSS:4.0",
                    "CVSS:3.0",
                    "AV:N",
                    "AC:L",
                    "PR:N",
                    "UI:N",
                    "S:U",
                    "S:C",
                    "C:H",
                    "I:H",
                    "A:H",
                    "Au:N",
                    "AT:N",
                    "VC:H",
                    "VI:H",
                    "VA:H",
                    "SC:N",
                    "SI:N",
                    "SA:N",
                    "E:X",
                    "E:Q",
                    "",
                    ":",
                    "AV:",
                    "/",
                ]
            )
        ).map("/".join),
    ),
)
def test_scoring_never_raises(kind: str, vector: str) -> None:
    scored = score_vector(kind, vector)
    assert (scored.score is None) == (scored.problem is not None)
    if scored.score is not None:
        assert 0.0 <= scored.score <= 10.0


def test_a_finding_carries_what_rating_needs() -> None:
    osv = next(r for r in WITH_CVSS if not r.is_withdrawn and any(a.versions for a in r.affected))
    entry = next(a for a in osv.affected if a.versions)
    found = finding(osv, purl_of(entry, entry.versions[0]))
    assert found is not None
    assert rate(found) == rate(osv)


def test_level_words() -> None:
    assert [str(level) for level in Level] == ["none", "low", "medium", "high", "critical"]
    assert Level.from_word(" Moderate ") is Level.MEDIUM
    assert Level.CRITICAL > Level.HIGH > Level.MEDIUM > Level.LOW > Level.NONE
