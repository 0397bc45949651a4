"""A small reader of Scheme data (the part of the syntax channel files use).

Lists ``( ... )`` (and ``[ ... ]``), strings with escapes, symbols and other atoms
(numbers, ``#t``, keywords: kept as symbols), the quote forms ``'x`` `` `x`` ``,x``,
``;`` line comments, ``#| |#`` block comments and ``#;`` datum comments. Every datum
keeps the line and column where it starts. Reading never stops at the first problem:
a stray ``)`` is skipped, and lists still open at the end of the text are closed and
marked incomplete, so a caller can keep what was written whole.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Datum", "SList", "SexpProblem", "String", "Symbol", "read_data"]


@dataclass(frozen=True, slots=True)
class Symbol:
    """A symbol or another atom, as written."""

    name: str
    line: int
    column: int


@dataclass(frozen=True, slots=True)
class String:
    """A string literal, escapes decoded."""

    value: str
    line: int
    column: int


@dataclass(slots=True)
class SList:
    """A list; ``complete`` is False when the text ended before its closing parenthesis.
    A quoted datum ``'x`` reads as the list ``(quote x)``."""

    items: list[Datum] = field(default_factory=list)
    line: int = 0
    column: int = 0
    complete: bool = True

    def head(self) -> str | None:
        """The name of the first item when it is a symbol."""
        return self.items[0].name if self.items and isinstance(self.items[0], Symbol) else None


Datum = Symbol | String | SList


@dataclass(frozen=True, slots=True)
class SexpProblem:
    """Something the reader could not read, with the line and column it starts at."""

    line: int
    column: int
    problem: str


_ESCAPES = {
    '"': '"',
    "\\": "\\",
    "n": "\n",
    "t": "\t",
    "r": "\r",
    "a": "\a",
    "f": "\f",
    "v": "\v",
    "b": "\b",
    "0": "\0",
}
_QUOTES = {"'": "quote", "`": "quasiquote", ",": "unquote"}
_DELIMITERS = frozenset("()[]\";'`, \t\n\r\f")


def read_data(text: str) -> tuple[list[Datum], list[SexpProblem]]:
    """The top-level data of ``text`` and the problems met while reading it."""
    return _Reader(text).read()


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.line = 1
        self.line_start = 0
        self.problems: list[SexpProblem] = []

    def read(self) -> tuple[list[Datum], list[SexpProblem]]:
        top = SList()
        # each frame: the list being filled and its closing character ("'" for the frame
        # of a quote form, which closes after one datum)
        stack: list[tuple[SList, str]] = [(top, "")]
        skips: list[int] = []  # the depths of the datum comments waiting for their datum
        while True:
            self._skip_space()
            if self.pos >= len(self.text):
                break
            char = self.text[self.pos]
            line, column = self.line, self.pos - self.line_start
            datum: Datum | None = None
            if char in "([":
                self.pos += 1
                stack.append((SList([], line, column), ")" if char == "(" else "]"))
                continue
            if char in ")]":
                self.pos += 1
                if len(stack) == 1 or stack[-1][1] != char:
                    self._problem(line, column, f"unexpected {char!r}: no list is open here")
                    continue
                datum = stack.pop()[0]
            elif char in _QUOTES:
                self.pos += 1
                stack.append((SList([Symbol(_QUOTES[char], line, column)], line, column), "'"))
                continue
            elif char == '"':
                datum = self._string(line, column)
            elif self.text.startswith("#;", self.pos):
                self.pos += 2
                skips.append(len(stack))
                continue
            else:
                datum = self._atom(line, column)
            while True:
                if skips and skips[-1] == len(stack) and datum is not None:
                    skips.pop()
                    datum = None
                if datum is not None:
                    stack[-1][0].items.append(datum)
                if stack[-1][1] != "'" or datum is None:
                    break
                datum = stack.pop()[0]  # a quote form is complete after one datum
        for open_list, closer in reversed(stack[1:]):
            open_list.complete = False
            if closer != "'":
                self._problem(
                    open_list.line,
                    open_list.column,
                    f"the text ends before the list opened here is closed with {closer!r}",
                )
        while len(stack) > 1:
            unfinished = stack.pop()[0]
            stack[-1][0].items.append(unfinished)
        return top.items, self.problems

    def _problem(self, line: int, column: int, problem: str) -> None:
        self.problems.append(SexpProblem(line, column, problem))

    def _advance_to(self, end: int) -> None:
        """Move to ``end``, counting the newlines passed."""
        newlines = self.text.count("\n", self.pos, end)
        if newlines:
            self.line += newlines
            self.line_start = self.text.rindex("\n", self.pos, end) + 1
        self.pos = end

    def _skip_space(self) -> None:
        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            if char in " \t\r\f\n":
                self._advance_to(self.pos + 1)
            elif char == ";":
                end = text.find("\n", self.pos)
                self._advance_to(len(text) if end < 0 else end)
            elif text.startswith("#|", self.pos):
                line, column = self.line, self.pos - self.line_start
                end = text.find("|#", self.pos + 2)
                if end < 0:
                    self._problem(line, column, "the block comment opened here is not closed")
                    self._advance_to(len(text))
                else:
                    self._advance_to(end + 2)
            else:
                return

    def _string(self, line: int, column: int) -> String | None:
        text = self.text
        parts: list[str] = []
        index = self.pos + 1
        while index < len(text):
            char = text[index]
            if char == '"':
                self._advance_to(index + 1)
                return String("".join(parts), line, column)
            if char != "\\":
                parts.append(char)
                index += 1
                continue
            escape = text[index + 1 : index + 2]
            if escape in _ESCAPES:
                parts.append(_ESCAPES[escape])
                index += 2
            elif escape == "\n":  # a line continuation: skip the leading blanks that follow
                index += 2
                while index < len(text) and text[index] in " \t":
                    index += 1
            elif escape == "x":
                end = index + 2
                while end < len(text) and text[end] in "0123456789abcdefABCDEF":
                    end += 1
                digits = text[index + 2 : end]
                if not digits or int(digits, 16) > 0x10FFFF:
                    self._advance_to(index)
                    bad_column = index - self.line_start
                    self._problem(self.line, bad_column, "expected hex digits after '\\x'")
                    self._give_up_string(index)
                    return None
                parts.append(chr(int(digits, 16)))
                index = end + 1 if text[end : end + 1] == ";" else end
            else:
                self._advance_to(index)
                self._problem(
                    self.line,
                    index - self.line_start,
                    f"unknown string escape '\\{escape}'" if escape else "the text ends in a '\\'",
                )
                self._give_up_string(index)
                return None
        self._problem(line, column, "the string opened here is not closed")
        self._advance_to(len(text))
        return None

    def _give_up_string(self, index: int) -> None:
        """Skip to after the string's closing quote (or the end), keeping no datum."""
        end = self.text.find('"', index + 2)
        self._advance_to(len(self.text) if end < 0 else end + 1)

    def _atom(self, line: int, column: int) -> Symbol:
        end = self.pos
        text = self.text
        while end < len(text) and text[end] not in _DELIMITERS:
            end += 1
        if end == self.pos:  # a lone '#' or other delimiter-like start: take one character
            end += 1
        name = text[self.pos : end]
        self._advance_to(end)
        return Symbol(name, line, column)
