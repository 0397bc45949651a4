"""Helpers shared by the Python readers: the fallback root node, TOML read by ``[[package]]``
blocks so that one bad entry does not hide the others, and line lookup inside a block."""

from __future__ import annotations

import itertools
import re
import tomllib
from dataclasses import dataclass
from typing import Any

from polypac.inventory.graph import LockfileError
from polypac.purl import PackageURL, build_purl

__all__ = [
    "TomlBlock",
    "TomlDocument",
    "find_line",
    "load_toml",
    "pypi_purl",
    "read_toml_blocks",
]

_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)$")
_AT_END = "(at end of document)"


def _lower_first(problem: str) -> str:
    return problem[:1].lower() + problem[1:]


def pypi_purl(name: str, version: str | None) -> PackageURL:
    """The PyPI PURL of ``name`` at ``version`` (names are normalized by ``build_purl``)."""
    return build_purl("pypi", name, version=version or None)


@dataclass(frozen=True, slots=True)
class TomlBlock:
    """One ``[[<array>]]`` entry: its table, the 1-based line of its header, and its lines."""

    table: dict[str, Any]
    line: int
    lines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TomlDocument:
    """A TOML file read block by block: the top-level keys and the entries of one array."""

    top: dict[str, Any]
    blocks: tuple[TomlBlock, ...]


def _toml_error(
    error: tomllib.TOMLDecodeError, lines: list[str], first_line: int, source: str, what: str
) -> LockfileError:
    message = str(error)
    match = _TOML_POSITION.search(message)
    problem = message[: match.start()].strip() if match else message
    if match is None:
        if message.endswith(_AT_END):
            # Reported at the end of the part: point past the last line that has text.
            problem = message.removesuffix(_AT_END).strip()
            last = max((i for i, line in enumerate(lines) if line.strip()), default=0)
            text = lines[last] if lines else ""
            return LockfileError(
                text,
                len(text),
                _lower_first(problem),
                what=what,
                source=source,
                line=first_line + last,
            )
        return LockfileError("", None, problem, what=what, source=source, line=first_line)
    offset, column = int(match.group(1)) - 1, int(match.group(2)) - 1
    text = lines[offset] if 0 <= offset < len(lines) else ""
    position = column if 0 <= column <= len(text) else None
    return LockfileError(
        text, position, _lower_first(problem), what=what, source=source, line=first_line + offset
    )


def load_toml(text: str, *, source: str, what: str) -> dict[str, Any] | LockfileError:
    """The whole of ``text`` as TOML, or the error that names the line and problem."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        return _toml_error(error, text.splitlines(), 1, source, what)
    except RecursionError:
        # tomllib recurses once per nested array or inline table
        problem = "arrays or tables nested too deeply"
        return LockfileError("", None, problem, what=what, source=source, line=1)


def read_toml_blocks(
    text: str, *, array: str, source: str, what: str
) -> tuple[TomlDocument, list[LockfileError]]:
    """Read ``text`` as TOML, one ``[[array]]`` entry at a time.

    The text before the first ``[[array]]`` header is one part, each entry (up to the next
    header) another; a part that is not valid TOML becomes a :class:`LockfileError` and the
    other parts are still read. Tables after the last entry (``[metadata]``) join ``top``.
    """
    lines = text.splitlines()
    header = f"[[{array}]]"
    starts = [index for index, line in enumerate(lines) if line.strip() == header]
    bounds = [0, *starts, len(lines)]
    top: dict[str, Any] = {}
    blocks: list[TomlBlock] = []
    errors: list[LockfileError] = []
    for begin, end in itertools.pairwise(bounds):
        if end <= begin:
            continue
        part = lines[begin:end]
        try:
            parsed = tomllib.loads("\n".join(part))
        except tomllib.TOMLDecodeError as error:
            errors.append(_toml_error(error, part, begin + 1, source, what))
            continue
        except RecursionError:
            # tomllib recurses once per nested array or inline table
            shown = part[0] if part else ""
            problem = "arrays or tables nested too deeply"
            errors.append(
                LockfileError(shown, None, problem, what=what, source=source, line=begin + 1)
            )
            continue
        entries = parsed.pop(array, None)
        for key, value in parsed.items():
            top.setdefault(key, value)
        if begin in starts:
            if (
                not isinstance(entries, list)
                or len(entries) != 1
                or not isinstance(entries[0], dict)
            ):
                errors.append(
                    LockfileError(
                        part[0],
                        None,
                        f"{header} is not an array of tables",
                        what=what,
                        source=source,
                        line=begin + 1,
                    )
                )
                continue
            blocks.append(TomlBlock(entries[0], begin + 1, tuple(part)))
        elif entries is not None:
            errors.append(
                LockfileError(
                    part[0] if part else "",
                    None,
                    f"{array!r} must be written as {header}",
                    what=what,
                    source=source,
                    line=begin + 1,
                )
            )
    return TomlDocument(top, tuple(blocks)), errors


def find_line(block: TomlBlock, needle: str, start: int = 0) -> int:
    """The 1-based line of the first line of ``block`` (from ``start``) that contains
    ``needle``, or the block's header line when none does."""
    for index in range(start, len(block.lines)):
        if needle in block.lines[index]:
            return block.line + index
    return block.line
