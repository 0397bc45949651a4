"""Helpers shared by the readers of manifests and lockfiles: error construction, roots
named after a file's folder, and the lines of JSON keys."""

from __future__ import annotations

import json
import re
from pathlib import PurePosixPath
from typing import Any

from polypac.errors import PurlError
from polypac.inventory.graph import DependencyGraph, LockfileError, Node, ReadResult
from polypac.purl import build_purl

__all__ = [
    "JsonKeyPath",
    "generic_root",
    "json_error",
    "json_key_lines",
    "line_text",
    "load_json_object",
    "lockfile_error",
]

JsonKeyPath = tuple[str, ...]

# A JSON string token, or one of the structural characters.
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\],:]')


def line_text(text: str, line: int) -> str:
    """The text of the 1-based ``line`` of ``text`` ('' when out of range)."""
    if line <= 0:
        return ""
    lines = text.splitlines()
    return lines[line - 1] if line <= len(lines) else ""


def lockfile_error(
    text: str, line: int, problem: str, *, what: str, source: str, column: int | None = None
) -> LockfileError:
    """A :class:`LockfileError` for ``line`` of ``source`` (0 when the line is unknown)."""
    return LockfileError(
        line_text(text, line), column, problem, what=what, source=source, line=line or None
    )


def generic_root(graph: DependencyGraph, source: str) -> Node:
    """The ``pkg:generic`` root named after the directory of ``source`` (else its stem)."""
    path = PurePosixPath(source.replace("\\", "/"))
    name = path.parent.name or path.stem or "project"
    try:
        purl = build_purl("generic", name)
    except PurlError:
        purl = build_purl("generic", "project")
    return graph.add_node(purl, root=True)


def json_key_lines(text: str, *, max_depth: int = 64) -> dict[JsonKeyPath, int]:
    """The 1-based line of each object key of the (valid) JSON ``text``, by key path.

    Array items add ``""`` to the path. Only keys at most ``max_depth`` deep are kept; the
    first occurrence of a path wins.

    >>> json_key_lines('{"a": {\\n  "b": 1}}')
    {('a',): 1, ('a', 'b'): 2}
    """
    lines: dict[JsonKeyPath, int] = {}
    # Each frame: the path of the container, whether it is an object, whether a key is due.
    stack: list[tuple[JsonKeyPath, bool]] = []
    expecting_key = False
    last_key = ""
    line = 1
    offset = 0
    for match in _JSON_TOKEN.finditer(text):
        start = match.start()
        line += text.count("\n", offset, start)
        offset = start
        token = match.group()
        if token in {"{", "["}:
            parent = stack[-1] if stack else None
            if parent is None:
                path: JsonKeyPath = ()
            elif parent[1]:
                path = (*parent[0], last_key)
            else:
                path = (*parent[0], "")
            stack.append((path, token == "{"))
            expecting_key = token == "{"
        elif token in {"}", "]"}:
            if stack:
                stack.pop()
            expecting_key = False
        elif token == ",":
            expecting_key = bool(stack) and stack[-1][1]
        elif token == ":":
            expecting_key = False
        elif expecting_key and stack:
            try:
                key = json.loads(token)
            except ValueError:
                key = token[1:-1]
            last_key = str(key)
            path = (*stack[-1][0], last_key)
            if len(path) <= max_depth:
                lines.setdefault(path, line)
            expecting_key = False
    return lines


def json_error(
    text: str, error: ValueError | RecursionError, *, what: str, source: str
) -> LockfileError:
    """The located error for ``text`` that :func:`json.loads` refused with ``error``."""
    if isinstance(error, json.JSONDecodeError):
        problem = f"not valid JSON: {error.msg}"
        return lockfile_error(
            text, error.lineno, problem, what=what, source=source, column=error.colno - 1
        )
    if isinstance(error, RecursionError):
        return lockfile_error(
            text, 1, "not valid JSON: nested too deeply", what=what, source=source
        )
    return lockfile_error(text, 1, f"not valid JSON: {error}", what=what, source=source)


def load_json_object(
    text: str, result: ReadResult, *, what: str, source: str
) -> dict[str, Any] | None:
    """The JSON object in ``text``; ``None`` when it is not one, with the located error in
    ``result`` and the root named after the file's folder, so that the scan lists it."""
    try:
        document = json.loads(text)
    except (ValueError, RecursionError) as error:
        result.errors.append(json_error(text, error, what=what, source=source))
        generic_root(result.graph, source)
        return None
    if not isinstance(document, dict):
        problem = "the top level must be a JSON object"
        result.errors.append(lockfile_error(text, 1, problem, what=what, source=source))
        generic_root(result.graph, source)
        return None
    return document
