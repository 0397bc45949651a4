"""The Pac snippets of docs/pac.md parse, and its error example is what the parser says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from polypac.pac import PacError, format_document, parse_pac

DOC = (Path(__file__).parents[2] / "docs" / "pac.md").read_text(encoding="utf-8")
SNIPPETS = re.findall(r"```pac\n(.*?)```", DOC, flags=re.DOTALL)


def test_the_doc_has_snippets() -> None:
    assert len(SNIPPETS) >= 2


@pytest.mark.parametrize("snippet", SNIPPETS, ids=[f"snippet-{i}" for i in range(len(SNIPPETS))])
def test_snippet_parses_and_formats_stably(snippet: str) -> None:
    canonical = format_document(parse_pac(snippet, source="docs/pac.md"))
    assert format_document(parse_pac(canonical)) == canonical


def test_error_example_is_the_parser_s_message() -> None:
    shown = re.search(r"```text\n(app\.pac:4: .*?)```", DOC, flags=re.DOTALL)
    assert shown is not None
    text = "scheme npm\nroot app 1.0.0\npackage app 1.0.0\n  depends b ^1 || ^2\n"
    with pytest.raises(PacError) as caught:
        parse_pac(text, source="app.pac")
    assert str(caught.value) + "\n" == shown.group(1)
