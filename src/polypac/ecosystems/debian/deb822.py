"""deb822 control data (Packages, Sources, dpkg status): stanzas of ``Field: value`` lines.

Written by hand because the index of one Debian release holds over 60,000 stanzas and the
general-purpose reader of python-debian takes several seconds on it (docs/benchmarks.md).
Each stanza remembers the line it starts on so that later errors can name it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from polypac.errors import ParseError

# A one-line field; the value group stops at the last non-space character (a lazy group
# with a trailing-space class costs five times as much on a whole archive).
_FIELD_LINE = re.compile(r"^([^:\s#][^:\s]*):[ \t]*([^\n]*[^\s])?[ \t]*$", re.MULTILINE)

__all__ = ["ControlFileError", "Stanza", "parse_deb822"]


class ControlFileError(ParseError):
    """A line of a deb822 file that is neither a field nor a continuation."""

    what_default = "deb822 stanza"


@dataclass(frozen=True, slots=True)
class Stanza:
    """One paragraph: its fields (names as written) and the line it starts on (1-based)."""

    fields: Mapping[str, str]
    line: int

    def get(self, name: str, default: str | None = None) -> str | None:
        """A field's value, or ``default``."""
        return self.fields.get(name, default)

    def field_line(self, name: str) -> int:
        """The line a field starts on (the stanza's line if the field is absent)."""
        for offset, key in enumerate(self.fields):
            if key == name:
                return self.line + offset
        return self.line


def parse_deb822(text: str, *, source: str | None = None) -> Iterator[Stanza | ControlFileError]:
    """Every stanza of ``text``, in order; a malformed stanza yields its error instead.

    The error names ``source`` and the line, and reading goes on with the next stanza.
    Field lines of multi-line values keep their leading space stripped and are joined with
    newlines. ``field_line`` is exact for files without multi-line fields before the field.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    line_no = 1
    for raw in text.split("\n\n"):
        chunk = raw
        start = line_no
        line_no += chunk.count("\n") + 2
        if not chunk.strip():
            # blank stanzas (extra blank lines) hold nothing; keep the line count right
            continue
        if chunk[0] == "\n":
            stripped = chunk.lstrip("\n")
            start += len(chunk) - len(stripped)
            chunk = stripped
        pairs = _FIELD_LINE.findall(chunk)
        if len(pairs) == chunk.count("\n") + 1:
            # fast path: every line is a simple one-line field
            yield Stanza(dict(pairs), start)
            continue
        lines = chunk.split("\n")
        fields: dict[str, str] = {}
        key = ""
        error: ControlFileError | None = None
        for index, line in enumerate(lines):
            if not line or line[0] == "#":
                continue
            if line[0] in " \t":
                if not key:
                    error = ControlFileError(
                        line,
                        0,
                        "a continuation line comes before any field",
                        source=source,
                        line=start + index,
                    )
                    break
                fields[key] += "\n" + line.strip()
                continue
            name, colon, value = line.partition(":")
            if not colon or not name or " " in name:
                error = ControlFileError(
                    line,
                    len(name) if colon else 0,
                    "expected 'Field: value'",
                    source=source,
                    line=start + index,
                )
                break
            key = name
            fields[key] = value.strip()
        yield error if error is not None else Stanza(fields, start)
