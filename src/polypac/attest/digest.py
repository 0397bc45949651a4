"""Artifact digests: what an attestation is checked against.

>>> from polypac.attest.digest import Digest
>>> Digest.parse("sha256:" + "ab" * 32).algorithm
'sha256'
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from polypac.attest.errors import InvalidDigest

__all__ = ["Algorithm", "Digest"]

Algorithm = Literal["sha256", "sha512"]

_LENGTHS: dict[str, int] = {"sha256": 64, "sha512": 128}
_HEX = frozenset("0123456789abcdef")


@dataclass(frozen=True, slots=True)
class Digest:
    """One digest of an artifact: ``algorithm`` and lowercase ``hex``."""

    algorithm: Algorithm
    hex: str

    def __post_init__(self) -> None:
        length = _LENGTHS.get(self.algorithm)
        if length is None:
            raise InvalidDigest(self.algorithm, 0, "expected algorithm 'sha256' or 'sha512'")
        if len(self.hex) != length or not _HEX.issuperset(self.hex):
            raise InvalidDigest(
                f"{self.algorithm}:{self.hex}",
                None,
                f"expected {length} lowercase hexadecimal digits for {self.algorithm}",
            )

    @classmethod
    def parse(cls, text: str) -> Digest:
        """Read ``sha256:HEX`` or ``sha512:HEX`` (hex digits in either case)."""
        algorithm, colon, value = text.partition(":")
        if not colon:
            return _fail(text, len(text), "expected 'sha256:HEX' or 'sha512:HEX'")
        if algorithm not in _LENGTHS:
            return _fail(text, 0, "expected algorithm 'sha256' or 'sha512'")
        length = _LENGTHS[algorithm]
        lowered = value.lower()
        for offset, char in enumerate(lowered):
            if char not in _HEX:
                return _fail(text, len(algorithm) + 1 + offset, "expected a hexadecimal digit")
        if len(lowered) != length:
            return _fail(text, None, f"expected {length} hexadecimal digits after '{algorithm}:'")
        return cls("sha256" if algorithm == "sha256" else "sha512", lowered)

    @classmethod
    def of_bytes(cls, data: bytes) -> tuple[Digest, Digest]:
        """The sha256 and sha512 digests of ``data``."""
        return (
            cls("sha256", hashlib.sha256(data).hexdigest()),
            cls("sha512", hashlib.sha512(data).hexdigest()),
        )

    @classmethod
    def of_file(cls, path: str | Path) -> tuple[Digest, Digest]:
        """The sha256 and sha512 digests of the file at ``path``, read once in chunks."""
        sha256, sha512 = hashlib.sha256(), hashlib.sha512()
        with Path(path).open("rb") as stream:
            while chunk := stream.read(1 << 20):
                sha256.update(chunk)
                sha512.update(chunk)
        return cls("sha256", sha256.hexdigest()), cls("sha512", sha512.hexdigest())

    def __str__(self) -> str:
        return f"{self.algorithm}:{self.hex}"


def _fail(text: str, position: int | None, problem: str) -> Digest:
    raise InvalidDigest(text, position, problem)
