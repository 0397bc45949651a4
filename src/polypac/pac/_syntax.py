"""The lexical rules of Pac, shared by the parser and the printer.

One place says which words are reserved, which characters a bare name, version, value or
range may hold, and how a quoted string is written, so that whatever the printer leaves
bare the parser reads back as the same text.
"""

from __future__ import annotations

import re

from polypac.errors import ParseError

__all__ = [
    "BARE_NAME",
    "BARE_RANGE_STOP",
    "BARE_SET_VERSION",
    "BARE_WORD",
    "KEYWORDS",
    "MODIFIERS",
    "PacError",
    "located",
    "quote",
    "word_or_quoted",
]


class PacError(ParseError):
    """Pac text that does not follow the grammar, or names what the problem cannot hold.

    ``source`` is the file, ``line`` the 1-based line, ``text`` that line and ``position``
    the 0-based column of the bad character (``None`` when the whole file is at fault)::

        >>> from polypac.pac import PacError, parse_pac
        >>> try:
        ...     parse_pac("root app 1.0.0\\npackage app 1.0.0 2.0.0\\n", source="app.pac")
        ... except PacError as error:
        ...     print(error)
        app.pac:2: invalid Pac: expected ',' or the end of the line, found '2.0.0'
          package app 1.0.0 2.0.0
                            ^
    """

    what_default = "Pac"

    @property
    def column(self) -> int | None:
        """The 1-based column of the bad character, if there is one."""
        return None if self.position is None else self.position + 1


def located(text: str, offset: int | None, problem: str, source: str) -> PacError:
    """A :class:`PacError` at ``offset`` of the whole file ``text``, told by line and column."""
    if offset is None:
        first = text.split("\n", 1)[0].rstrip("\r")
        return PacError(first.replace("\t", " "), None, problem, source=source, line=1)
    offset = max(0, min(offset, len(text)))
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    if end == -1:
        end = len(text)
    line_text = text[start:end]
    column = offset - start
    if line_text.endswith("\r"):
        line_text = line_text[:-1]
        column = min(column, len(line_text))
    line = text.count("\n", 0, start) + 1
    # A tab is shown as one blank, so that the caret stays under the bad character.
    return PacError(line_text.replace("\t", " "), column, problem, source=source, line=line)


KEYWORDS = frozenset({"not", "when", "then", "all", "any", "public", "no-default"})
"""Words that cannot stand bare where a formula starts: such names are quoted."""

MODIFIERS = ("public", "no-default")
"""Words before a requirement's name, in canonical order."""

BARE_NAME = re.compile(r"[A-Za-z0-9_@](?:[A-Za-z0-9_.+\-:/@]*[A-Za-z0-9_.+\-/@])?")
"""A name (package, feature, variable) written without quotes: letters, digits and
``_ . + - : / @``, not beginning with ``. + - : /`` and not ending with ``:`` (so that
``feature tls: ...`` reads the feature ``tls``)."""

BARE_WORD = re.compile(r"[^\s,{}()\[\]#\"|;=]+")
"""A version or a variable's value written without quotes."""

BARE_SET_VERSION = re.compile(r"[^\s,{}()\[\]#\"|;=<>*]+")
"""A version inside an exact version set ``{...}`` written without quotes."""

BARE_RANGE_STOP = frozenset(',|()#"[]{}\n\r')
"""Characters that end (or cannot begin) a bare native range."""

_ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "t": "\t", "r": "\r"}
_SPELL = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def quote(text: str) -> str:
    r"""``text`` as a Pac string literal: ``"..."`` with ``\"``, ``\\``, ``\n``, ``\t``,
    ``\r`` and ``\u{HEX}`` for any other character that cannot be printed."""
    out = ['"']
    for char in text:
        if char in _SPELL:
            out.append(_SPELL[char])
        elif char.isprintable():
            out.append(char)
        else:
            out.append(f"\\u{{{ord(char):x}}}")
    out.append('"')
    return "".join(out)


def word_or_quoted(text: str, bare: re.Pattern[str], *, reserved: bool = False) -> str:
    """``text`` bare if ``bare`` matches all of it (and, with ``reserved``, it is no
    keyword), else quoted."""
    if bare.fullmatch(text) and not (reserved and text in KEYWORDS):
        return text
    return quote(text)


def read_quoted(text: str, start: int) -> tuple[str, int]:
    """The string literal opening at ``text[start]`` (a ``"``) and the offset after it.

    Raises :class:`ValueError` with ``args == (message, offset)`` for an unterminated
    literal or a bad escape; the caller turns it into a located error.
    """
    out: list[str] = []
    i = start + 1
    n = len(text)
    while i < n:
        char = text[i]
        if char == '"':
            return "".join(out), i + 1
        if char in "\n\r":
            break
        if char != "\\":
            out.append(char)
            i += 1
            continue
        if i + 1 >= n:
            break
        escape = text[i + 1]
        if escape in _ESCAPES:
            out.append(_ESCAPES[escape])
            i += 2
            continue
        if escape == "u":
            match = re.compile(r"\{([0-9A-Fa-f]{1,6})\}").match(text, i + 2)
            if match is None or int(match.group(1), 16) > 0x10FFFF:
                raise ValueError(r"expected a code point like \u{1F600} after \u", i)
            out.append(chr(int(match.group(1), 16)))
            i = match.end()
            continue
        raise ValueError(
            f'unknown escape \\{escape}; expected one of \\" \\\\ \\n \\t \\r \\u{{HEX}}', i
        )
    raise ValueError("this string has no closing '\"' on its line", start)
