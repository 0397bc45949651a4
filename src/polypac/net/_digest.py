"""Content digests as registries publish them, and checking content against them.

Three notations: ``ALG:HEX`` (OCI, attestations, Debian tools), ``ALG=HEX`` (the
``#sha256=`` fragment of PyPI's simple API) and Subresource Integrity ``ALG-BASE64``
(npm's ``dist.integrity``, possibly several space-separated, of which the strongest
algorithm decides, as npm's ``ssri`` does).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re

from polypac.errors import ParseError
from polypac.net._errors import DigestMismatch

__all__ = ["content_digest", "verify_digest"]

_HEX_FORM = re.compile(r"(?P<alg>[A-Za-z0-9_]+)(?P<sep>[:=])(?P<value>[0-9A-Fa-f]+)")
_SRI_FORM = re.compile(r"(?P<alg>sha(?:1|256|384|512))-(?P<value>[A-Za-z0-9+/]+={0,2})(?:\?.*)?")
_ALGORITHMS = frozenset({"md5", "sha1", "sha224", "sha256", "sha384", "sha512"})
_SRI_STRENGTH = {"sha1": 1, "sha256": 2, "sha384": 3, "sha512": 4}


def content_digest(content: bytes, algorithm: str = "sha256") -> str:
    """The digest of ``content`` in ``ALG:HEX`` notation.

    >>> content_digest(b"")[:20]
    'sha256:e3b0c44298fc1'
    """
    return f"{algorithm}:{hashlib.new(algorithm, content).hexdigest()}"


def verify_digest(content: bytes, expected: str, *, url: str) -> None:
    """Raise :class:`DigestMismatch` unless ``content`` has the digest ``expected``.

    ``expected`` is ``sha256:HEX``, ``sha256=HEX`` (also md5, sha1, sha224, sha384,
    sha512) or SRI ``sha512-BASE64`` (also sha1, sha256, sha384; several may be given,
    separated by spaces). A digest that follows none of these raises
    :class:`polypac.errors.ParseError`.

    >>> verify_digest(b"", "sha256=" + "e3b0c44298fc1c149afbf4c8996fb924"
    ...               "27ae41e4649b934ca495991b7852b855", url="x")
    >>> verify_digest(b"x", "sha256:00", url="https://example.org/x")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    polypac.net._errors.DigestMismatch: GET https://example.org/x: digest mismatch: ...
    """
    text = expected.strip()
    hexed = _HEX_FORM.fullmatch(text)
    if hexed is not None:
        algorithm = hexed["alg"].lower()
        if algorithm not in _ALGORITHMS:
            raise ParseError(expected, 0, f"unknown digest algorithm {algorithm!r}", what="digest")
        actual = hashlib.new(algorithm, content).hexdigest()
        if not hmac.compare_digest(actual, hexed["value"].lower()):
            raise DigestMismatch(url, text, f"{algorithm}{hexed['sep']}{actual}")
        return
    _verify_sri(content, expected, url=url)


def _verify_sri(content: bytes, expected: str, *, url: str) -> None:
    wanted: list[tuple[str, bytes]] = []
    offset = 0
    for part in expected.split(" "):
        if part:
            match = _SRI_FORM.fullmatch(part)
            if match is None:
                raise ParseError(
                    expected,
                    offset,
                    "expected ALG:HEX, ALG=HEX or an SRI digest ALG-BASE64",
                    what="digest",
                )
            try:
                raw = base64.b64decode(match["value"], validate=True)
            except (binascii.Error, ValueError) as error:
                raise ParseError(
                    expected, offset, "the SRI digest is not base64", what="digest"
                ) from error
            wanted.append((match["alg"], raw))
        offset += len(part) + 1
    if not wanted:
        raise ParseError(expected, None, "expected a digest, found nothing", what="digest")
    strongest = max(_SRI_STRENGTH[algorithm] for algorithm, _ in wanted)
    chosen = [(a, raw) for a, raw in wanted if _SRI_STRENGTH[a] == strongest]
    algorithm = chosen[0][0]
    actual = hashlib.new(algorithm, content).digest()
    if not any(hmac.compare_digest(actual, raw) for _, raw in chosen):
        shown = " ".join(f"{algorithm}-{base64.b64encode(raw).decode()}" for _, raw in chosen)
        raise DigestMismatch(url, shown, f"{algorithm}-{base64.b64encode(actual).decode()}")
