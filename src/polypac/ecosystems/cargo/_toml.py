"""TOML helpers shared by the Cargo readers: sections, line numbers and located errors.

``tomllib`` parses but keeps no positions, so these helpers split a document at its table
headers (each part is parsed on its own, so one bad table does not hide the others) and
index the line where each key path is first written.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from polypac.inventory.graph import LockfileError
from polypac.purl import PackageURL, build_purl

__all__ = [
    "KeyLines",
    "Section",
    "generic_root",
    "load_section",
    "merge_tables",
    "sections",
    "toml_error",
]

_HEADER = re.compile(r"[ \t]*\[")
_KEY_PART = r"""(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')"""
_KEY = re.compile(rf"[ \t]*({_KEY_PART}(?:[ \t]*\.[ \t]*{_KEY_PART})*)[ \t]*=")
_WHERE = re.compile(r"\(at line (\d+), column (\d+)\)")


@dataclass(frozen=True, slots=True)
class Section:
    """A table header and the lines up to the next one; ``line`` is the header's line
    (1-based), or 1 for the lines before the first header."""

    line: int
    text: str


def sections(text: str) -> list[Section]:
    """``text`` cut before every line that starts (after blanks) with ``[``."""
    found: list[Section] = []
    start, chunk = 1, list[str]()
    for number, line in enumerate(text.splitlines(), start=1):
        if _HEADER.match(line) and chunk:
            found.append(Section(start, "\n".join(chunk) + "\n"))
            start, chunk = number, []
        chunk.append(line)
    if chunk:
        found.append(Section(start, "\n".join(chunk) + "\n"))
    return found


def toml_error(
    error: tomllib.TOMLDecodeError, text: str, first_line: int, *, source: str, what: str
) -> LockfileError:
    """A :class:`LockfileError` at the line and column ``tomllib`` reported in ``text``
    (which starts at line ``first_line`` of the file)."""
    message = str(error)
    lines = text.splitlines() or [""]
    match = _WHERE.search(message)
    if match:
        row, column = int(match[1]), int(match[2]) - 1
    else:  # "at end of document": the input stopped too early
        row, column = len(lines), len(lines[-1])
    row = min(max(row, 1), len(lines))
    problem = _WHERE.sub("", message).replace("(at end of document)", "").strip()
    problem = f"{problem[:1].lower()}{problem[1:]}" if problem else "not valid TOML"
    if not match:
        problem += " (the file ends too early)"
    line_text = lines[row - 1]
    return LockfileError(
        line_text,
        min(column, len(line_text)),
        problem,
        what=what,
        source=source,
        line=first_line + row - 1,
    )


def load_section(
    section: Section, *, source: str, what: str
) -> tuple[dict[str, Any] | None, LockfileError | None]:
    """The table of one section, or the error that stopped its parse."""
    try:
        return tomllib.loads(section.text), None
    except tomllib.TOMLDecodeError as error:
        return None, toml_error(error, section.text, section.line, source=source, what=what)


def merge_tables(into: dict[str, Any], table: dict[str, Any]) -> None:
    """Merge ``table`` into ``into``: nested tables merged, arrays of tables extended."""
    for key, value in table.items():
        old = into.get(key)
        if isinstance(old, dict) and isinstance(value, dict):
            merge_tables(old, value)
        elif isinstance(old, list) and isinstance(value, list):
            old.extend(value)
        elif old is None:
            into[key] = value


class KeyLines:
    """The 1-based line where each key path (a table header or a ``key =`` line, dotted
    keys included) is first written, e.g. ``("dependencies", "serde")``."""

    __slots__ = ("_lines",)

    def __init__(self, text: str) -> None:
        self._lines: dict[tuple[str, ...], int] = {}
        table: tuple[str, ...] = ()
        for number, line in enumerate(text.splitlines(), start=1):
            if _HEADER.match(line):
                path = _path_of(line)
                if path is not None:
                    table = path
                    self._note(table, number)
                continue
            key = _KEY.match(line)
            if key is None:
                continue
            path = _path_of(f"{key[1]} = 0")
            if path is not None:
                self._note(table + path, number)

    def _note(self, path: tuple[str, ...], number: int) -> None:
        for end in range(1, len(path) + 1):
            self._lines.setdefault(path[:end], number)

    def line(self, *path: str) -> int:
        """The line of ``path``, or 0 when it was not found."""
        return self._lines.get(path, 0)


def _path_of(snippet: str) -> tuple[str, ...] | None:
    """The key path a one-line TOML header or ``key = 0`` names (``None`` if it is not one)."""
    try:
        value: Any = tomllib.loads(snippet)
    except tomllib.TOMLDecodeError:
        return None
    path: list[str] = []
    while isinstance(value, dict) and len(value) == 1:
        key, value = next(iter(value.items()))
        path.append(key)
        if isinstance(value, list) and len(value) == 1:  # [[array.of.tables]]
            value = value[0]
    return tuple(path)


def generic_root(source: str) -> PackageURL:
    """``pkg:generic/<directory>`` for the directory holding ``source`` (its stem if none)."""
    path = PurePath(source)
    name = path.parent.name or path.stem or "project"
    return build_purl("generic", name)
