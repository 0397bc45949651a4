"""read_guix_channels and its s-expression reader, on the Guix manual's examples."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polypac.ecosystems.guix import channels
from polypac.ecosystems.guix._sexp import SList, String, Symbol, read_data
from polypac.ecosystems.guix.channels import read_guix_channels
from polypac.inventory.graph import LockfileError, ReadResult
from polypac.purl import parse_purl

FIXTURES = Path(__file__).parent / "fixtures"
GUIX = "https://git.savannah.gnu.org/git/guix.git"


def _read(folder: str) -> tuple[str, ReadResult]:
    text = (FIXTURES / folder / "channels.scm").read_text()
    return text, read_guix_channels(text, source=f"{folder}/channels.scm")


def test_describe_output() -> None:
    _, result = _read("describe")
    assert result.errors == []
    [edge] = result.graph.edges
    assert (edge.parent, edge.direct, str(edge.declared_at)) == (
        "pkg:generic/describe",
        True,
        "describe/channels.scm:1",
    )
    purl = parse_purl(edge.child)
    commit = "e0fa68c7718fffd33d81af415279d6ddb518f727"
    assert (purl.type, purl.name, purl.version) == ("generic", "guix", commit)
    assert dict(purl.qualifiers) == {"vcs_url": f"git+{GUIX}@{commit}"}


def test_replicating_example() -> None:
    text, result = _read("replicating")
    assert result.errors == []
    found = {(parse_purl(e.child).name, parse_purl(e.child).version) for e in result.graph.edges}
    assert found == {
        ("guix", "6298c3ffd9654d3231a6f25390b056483e8f407c"),
        ("variant-packages", "dd3df5e2c8818760a8fc0bd699e55d3b69fef2bb"),
    }
    lines = text.splitlines()
    for edge in result.graph.edges:
        assert edge.declared_at is not None
        assert "(channel" in lines[edge.declared_at.line - 1]


def test_manual_text_as_printed_is_a_located_error() -> None:
    text = (FIXTURES / "describe" / "channels.scm").read_text()
    printed = text.replace('f727")\n', 'f727")))\n')
    result = read_guix_channels(printed, source="channels.scm")
    assert [(e.line, e.position) for e in result.errors] == [(10, 69), (10, 70)]
    assert str(result.errors[0]) == (
        "channels.scm:10: invalid Guix channels file: unexpected ')': no list is open here"
        '\n                "BBB0 2DDF 2CEA F6A8 0D1D  E643 A2A0 6DF2 A33A 54FA")))))'
        "\n                                                                       ^"
    )
    assert [parse_purl(e.child).name for e in result.graph.edges] == ["guix"]


def test_unpinned_channel_and_cons() -> None:
    text = """(cons* (channel (name 'nonguix) (url "https://gitlab.com/nonguix/nonguix")
                      (branch "master")) ; no commit: follows the branch
       %default-channels)"""
    result = read_guix_channels(text, source="channels.scm")
    assert result.errors == []
    assert [e.child for e in result.graph.edges] == [
        "pkg:generic/nonguix?vcs_url=git%2Bhttps:%2F%2Fgitlab.com%2Fnonguix%2Fnonguix"
    ]


# --- the s-expression reader ------------------------------------------------------------


def test_reader_data() -> None:
    data, problems = read_data("""(a "x\\"y\\n\\x41;" 'b) #| block |# #;(skipped) [c]""")
    assert problems == []
    first, second = data
    assert isinstance(first, SList)
    assert isinstance(second, SList)
    a, string, quoted = first.items
    assert a == Symbol("a", 1, 1)
    assert string == String('x"y\nA', 1, 3)
    assert isinstance(quoted, SList)
    assert [item.name for item in quoted.items if isinstance(item, Symbol)] == ["quote", "b"]
    assert second.head() == "c"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "(list (channel\n  (name 'guix)",
            [
                (1, 6, "the text ends before the list opened here is closed with ')'"),
                (1, 0, "the text ends before the list opened here is closed with ')'"),
            ],
            id="truncated",
        ),
        pytest.param(
            '(url "https://x\n',
            [
                (1, 5, "the string opened here is not closed"),
                (1, 0, "the text ends before the list opened here is closed with ')'"),
            ],
            id="open-string",
        ),
        pytest.param('("a\\qb")', [(1, 3, "unknown string escape '\\q'")], id="bad-escape"),
        pytest.param(
            "#| never closed",
            [(1, 0, "the block comment opened here is not closed")],
            id="open-comment",
        ),
    ],
)
def test_reader_problems(text: str, expected: list[tuple[int, int, str]]) -> None:
    _, problems = read_data(text)
    assert [(p.line, p.column, p.problem) for p in problems] == expected


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        pytest.param('(channel (url "u"))', "expected (name 'symbol) in the channel", id="no-name"),
        pytest.param("(channel (name 'x))", "channel 'x' has no (url \"...\")", id="no-url"),
        pytest.param(
            "(channel (name 'x) (url u))", "expected a string in (url ...)", id="url-not-string"
        ),
        pytest.param(
            "(channel (name 'x) oops)",
            'expected a channel field like (name \'guix) or (url "...")',
            id="not-a-field",
        ),
    ],
)
def test_channel_errors(text: str, problem: str) -> None:
    result = read_guix_channels(text, source="channels.scm")
    assert [(e.line, e.problem) for e in result.errors] == [(1, problem)]


def test_bad_channel_does_not_stop_the_reading() -> None:
    text = (FIXTURES / "replicating" / "channels.scm").read_text()
    broken = text.replace("(name 'guix)", "(name guix)")
    result = read_guix_channels(broken, source="channels.scm")
    assert [(e.line, e.problem) for e in result.errors] == [
        (2, "expected (name 'symbol) in the channel")
    ]
    assert [parse_purl(e.child).name for e in result.graph.edges] == ["variant-packages"]


# --- fuzz -------------------------------------------------------------------------------


def _check(result: ReadResult) -> None:
    for error in result.errors:
        assert isinstance(error, LockfileError)
        assert error.source == "channels.scm"


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_text_gives_only_lockfile_errors(text: str) -> None:
    _check(read_guix_channels(text, source="channels.scm"))


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="()[]'\";|#\\ \nx", max_size=60))
def test_any_scheme_punctuation_gives_only_lockfile_errors(text: str) -> None:
    _check(read_guix_channels(text, source="channels.scm"))


@settings(max_examples=150, deadline=None)
@given(st.integers(min_value=0), st.lists(st.integers(min_value=0), max_size=4))
def test_mutated_fixture_gives_only_lockfile_errors(cut: int, dropped: list[int]) -> None:
    text = (FIXTURES / "describe" / "channels.scm").read_text()
    text += (FIXTURES / "replicating" / "channels.scm").read_text()
    for index in dropped:
        if text:
            position = index % len(text)
            text = text[:position] + text[position + 1 :]
    _check(read_guix_channels(text[: cut % (len(text) + 1)], source="channels.scm"))


def test_doctests() -> None:
    assert doctest.testmod(channels).failed == 0
