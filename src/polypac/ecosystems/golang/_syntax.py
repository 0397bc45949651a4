"""The line syntax of go.mod files (Go modules reference, "Lexical elements"): tokens,
comments, ``verb ( ... )`` blocks, and Go module PURLs."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePath

from polypac.inventory.graph import LockfileError
from polypac.purl import PackageURL, build_purl

__all__ = ["Line", "generic_root", "golang_purl", "logical_lines", "tokens"]


@dataclass(frozen=True, slots=True)
class Line:
    """One directive: ``verb`` and its ``arguments`` (from a block line, the block's verb),
    whether its comment says ``indirect``, and the physical line it is on."""

    number: int
    text: str
    verb: str
    arguments: tuple[str, ...]
    indirect: bool


class _TokenError(Exception):
    def __init__(self, column: int, problem: str) -> None:
        super().__init__(problem)
        self.column = column
        self.problem = problem


def tokens(line: str) -> tuple[list[str], str | None]:
    """The tokens of one physical line and its ``//`` comment (``None`` if none).

    >>> tokens('require "rsc.io/quote" v1.5.2 // indirect')
    (['require', 'rsc.io/quote', 'v1.5.2'], ' indirect')
    """
    found: list[str] = []
    index, size = 0, len(line)
    while index < size:
        char = line[index]
        if char.isspace():
            index += 1
        elif line.startswith("//", index):
            return found, line[index + 2 :]
        elif char in "()":
            found.append(char)
            index += 1
        elif line.startswith("=>", index):
            found.append("=>")
            index += 2
        elif char == '"':
            index = _interpreted(line, index, found)
        elif char == "`":
            end = line.find("`", index + 1)
            if end < 0:
                raise _TokenError(index, "raw string is not closed with `")
            found.append(line[index + 1 : end])
            index = end + 1
        else:
            start = index
            while (
                index < size
                and not line[index].isspace()
                and line[index] not in '()"`'
                and not line.startswith(("//", "=>"), index)
            ):
                index += 1
            found.append(line[start:index])
    return found, None


def _interpreted(line: str, start: int, found: list[str]) -> int:
    value: list[str] = []
    index = start + 1
    while index < len(line):
        char = line[index]
        if char == '"':
            found.append("".join(value))
            return index + 1
        if char == "\\" and index + 1 < len(line):
            value.append(line[index + 1])
            index += 2
            continue
        value.append(char)
        index += 1
    raise _TokenError(start, 'string is not closed with "')


def logical_lines(
    text: str, *, source: str, what: str, errors: list[LockfileError]
) -> Iterator[Line]:
    """The directives of ``text``, blocks unrolled; bad lines go to ``errors``."""
    block: tuple[str, int, str] | None = None  # verb, line number and text of its opening
    for number, physical in enumerate(text.splitlines(), start=1):
        try:
            words, comment = tokens(physical)
        except _TokenError as error:
            errors.append(
                LockfileError(
                    physical, error.column, error.problem, what=what, source=source, line=number
                )
            )
            continue
        if not words:
            continue
        indirect = comment is not None and _says_indirect(comment)
        if block is not None:
            if words == [")"]:
                block = None
                continue
            if "(" in words or ")" in words:
                problem = "unexpected parenthesis inside a block"
                errors.append(_error(physical, "()", problem, what, source, number))
                continue
            yield Line(number, physical, block[0], tuple(words), indirect)
            continue
        if len(words) == 2 and words[1] == "(":
            block = (words[0], number, physical)
            continue
        if "(" in words or ")" in words:
            problem = "a block opens with 'verb (' alone on its line and closes with ')' alone"
            errors.append(_error(physical, "()", problem, what, source, number))
            continue
        yield Line(number, physical, words[0], tuple(words[1:]), indirect)
    if block is not None:
        problem = f"the {block[0]} block opened here is never closed with ')'"
        errors.append(
            LockfileError(block[2], None, problem, what=what, source=source, line=block[1])
        )


def _says_indirect(comment: str) -> bool:
    text = comment.strip()
    return text == "indirect" or text.startswith("indirect;")


def _error(
    physical: str, chars: str, problem: str, what: str, source: str, number: int
) -> LockfileError:
    columns = [physical.find(char) for char in chars if char in physical]
    column = min(columns) if columns else None
    return LockfileError(physical, column, problem, what=what, source=source, line=number)


def golang_purl(path: str, version: str | None = None) -> PackageURL:
    """``pkg:golang/<namespace>/<name>@<version>`` for a module path.

    >>> golang_purl("golang.org/x/text", "v0.14.0").to_string()
    'pkg:golang/golang.org/x/text@v0.14.0'
    """
    namespace, _, name = path.rpartition("/")
    return build_purl("golang", name, namespace=namespace or None, version=version)


def generic_root(source: str) -> PackageURL:
    """``pkg:generic/<directory>`` for the directory holding ``source`` (its stem if none)."""
    path = PurePath(source)
    return build_purl("generic", path.parent.name or path.stem or "project")
