"""verify_digest over the notations registries publish."""

from __future__ import annotations

import base64
import hashlib

import pytest

from polypac.errors import ParseError
from polypac.net import DigestMismatch, content_digest, verify_digest

CONTENT = b"demo-1.0.tar.gz contents"
SHA256 = hashlib.sha256(CONTENT).hexdigest()
SHA512 = hashlib.sha512(CONTENT).hexdigest()
SRI512 = "sha512-" + base64.b64encode(hashlib.sha512(CONTENT).digest()).decode()
SRI1 = "sha1-" + base64.b64encode(hashlib.sha1(CONTENT).digest()).decode()


@pytest.mark.parametrize(
    "digest",
    [
        f"sha256:{SHA256}",
        f"sha256:{SHA256.upper()}",
        f"sha512:{SHA512}",
        f"sha256={SHA256}",
        f"md5={hashlib.md5(CONTENT).hexdigest()}",
        SRI512,
        f"{SRI1} {SRI512}",
        f"sha512-AAAA {SRI512}",  # either digest of the strongest algorithm may match
        f"{SRI512}?opt",
    ],
)
def test_matching_digests(digest: str) -> None:
    verify_digest(CONTENT, digest, url="https://r/x")


def test_hex_mismatch_message() -> None:
    with pytest.raises(DigestMismatch) as caught:
        verify_digest(b"other", f"sha256:{SHA256}", url="https://files/x.whl")
    actual = hashlib.sha256(b"other").hexdigest()
    assert (caught.value.expected, caught.value.actual) == (f"sha256:{SHA256}", f"sha256:{actual}")
    assert str(caught.value) == (
        f"GET https://files/x.whl: digest mismatch: expected sha256:{SHA256}, "
        f"got sha256:{actual}\n"
        "hint: the content is not what was published; do not use it "
        "(a mirror, proxy or cache may have altered it)"
    )


def test_sri_mismatch_uses_the_strongest_algorithm() -> None:
    # the sha1 matches, but sha512 is the strongest given and it does not: a mismatch
    wrong512 = "sha512-" + base64.b64encode(hashlib.sha512(b"other").digest()).decode()
    with pytest.raises(DigestMismatch) as caught:
        verify_digest(CONTENT, f"{SRI1} {wrong512}", url="https://r/x.tgz")
    assert caught.value.expected == wrong512
    assert caught.value.actual == SRI512


@pytest.mark.parametrize(
    ("digest", "position"),
    [
        ("crc32:00ff", 0),
        ("sha256", 0),
        ("sha512-!!!", 0),
        (f"{SRI512} sha999-AAAA", len(SRI512) + 1),
        ("", None),
        ("sha512-A", 0),
    ],
)
def test_malformed_digests(digest: str, position: int | None) -> None:
    with pytest.raises(ParseError) as caught:
        verify_digest(CONTENT, digest, url="u")
    assert caught.value.position == position
    assert caught.value.what == "digest"


def test_content_digest() -> None:
    assert content_digest(CONTENT) == f"sha256:{SHA256}"
    assert content_digest(CONTENT, "sha512") == f"sha512:{SHA512}"
