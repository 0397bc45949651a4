"""Just enough DER to read the UTF8String that Fulcio puts in its v2 extensions."""

from __future__ import annotations

__all__ = ["read_utf8_string"]

_UTF8_STRING = 0x0C


def read_utf8_string(der: bytes) -> str | None:
    """The text of a DER UTF8String that fills ``der`` exactly, else ``None``."""
    if len(der) < 2 or der[0] != _UTF8_STRING:
        return None
    length = der[1]
    offset = 2
    if length & 0x80:
        count = length & 0x7F
        if count == 0 or count > 4 or len(der) < 2 + count:
            return None
        length = int.from_bytes(der[2 : 2 + count], "big")
        offset = 2 + count
    if offset + length != len(der):
        return None
    try:
        return der[offset:].decode("utf-8")
    except UnicodeDecodeError:
        return None
