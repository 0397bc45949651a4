"""Percent-encoding as ECMA-427 defines it (clause "Character encoding").

Kept as is: ASCII letters and digits, the punctuation ``.-_~`` and the colon ``:``, which is
never encoded. Everything else is UTF-8 encoded and written as ``%XX`` with uppercase hex.
Encoding is one regex substitution; callers on the hot path first check with
:data:`NEEDS_ENCODING` whether there is anything to encode, which is the common case.
"""

from __future__ import annotations

import re
from types import MappingProxyType
from urllib.parse import unquote_to_bytes

__all__ = [
    "NEEDS_ENCODING",
    "NEEDS_ENCODING_IN_PATH",
    "DecodeError",
    "decode",
    "encode",
    "encode_path",
]

NEEDS_ENCODING = re.compile(r"[^A-Za-z0-9._~:-]")
NEEDS_ENCODING_IN_PATH = re.compile(r"[^A-Za-z0-9._~:/-]")
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


class DecodeError(Exception):
    """Bad percent-encoding at ``offset`` (relative to the decoded piece)."""

    def __init__(self, offset: int, problem: str) -> None:
        super().__init__(problem)
        self.offset = offset
        self.problem = problem


_KEPT = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._~:-"
_ESCAPES = MappingProxyType(
    {chr(code): f"%{code:02X}" for code in range(128) if chr(code) not in _KEPT}
)


def _escape(match: re.Match[str]) -> str:
    char = match[0]
    escape = _ESCAPES.get(char)
    if escape is None:  # not ASCII: one escape per UTF-8 byte
        escape = "".join([f"%{byte:02X}" for byte in char.encode("utf-8")])
    return escape


def encode(text: str) -> str:
    """Percent-encode one component or segment (a ``/`` is encoded too)."""
    return NEEDS_ENCODING.sub(_escape, text)


def encode_path(text: str) -> str:
    """Percent-encode ``/``-separated segments, keeping the ``/`` separators."""
    return NEEDS_ENCODING_IN_PATH.sub(_escape, text)


def decode(text: str) -> str:
    """Percent-decode ``text`` that contains a ``%``; the bytes must be UTF-8."""
    bad = _BAD_ESCAPE.search(text)
    if bad is not None:
        raise DecodeError(bad.start(), "expected two hex digits after '%'")
    try:
        return unquote_to_bytes(text).decode("utf-8")
    except UnicodeDecodeError as error:
        raise DecodeError(
            _escape_offset(text, error.start), "percent-encoded bytes are not UTF-8"
        ) from error


def _escape_offset(text: str, byte_offset: int) -> int:
    """The offset in ``text`` of the character that produced decoded byte ``byte_offset``."""
    produced = 0
    index = 0
    while index < len(text):
        if produced >= byte_offset:
            return index
        if text[index] == "%":
            index += 3
            produced += 1
        else:
            produced += len(text[index].encode("utf-8", "surrogatepass"))
            index += 1
    return max(len(text) - 1, 0)
