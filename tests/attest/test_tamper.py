"""Tampered variants of every positive anchor: each is rejected, with the failing step.

For every bundle: a flipped byte in the signature, the payload (DSSE) or the signed digest
(message signature), the certificate, an inclusion-proof hash and the checkpoint; another
artifact; a policy that names another identity. And the staging bundle against production.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from polypac.attest import Attestation, Digest, Invalid, Verified, verify
from polypac.attest.policy import IdentitySan, NoPolicy, Repository
from tests.attest._cases import CASE_IDS, CASES, Case, production_root

Bundle = dict[str, Any]


def _flip(text: str) -> str:
    """Flip one bit of the middle byte of a base64 value."""
    raw = bytearray(base64.b64decode(text))
    raw[len(raw) // 2] ^= 0x01
    return base64.b64encode(bytes(raw)).decode("ascii")


def _signature(bundle: Bundle) -> None:
    if "dsseEnvelope" in bundle:
        signature = bundle["dsseEnvelope"]["signatures"][0]
        signature["sig"] = _flip(signature["sig"])
    else:
        message = bundle["messageSignature"]
        message["signature"] = _flip(message["signature"])


def _payload(bundle: Bundle) -> None:
    if "dsseEnvelope" in bundle:
        envelope = bundle["dsseEnvelope"]
        envelope["payload"] = _flip(envelope["payload"])
    else:
        digest = bundle["messageSignature"]["messageDigest"]
        digest["digest"] = _flip(digest["digest"])


def _certificate(bundle: Bundle) -> None:
    material = bundle["verificationMaterial"]
    if "certificate" in material:
        holder = material["certificate"]
    else:
        holder = material["x509CertificateChain"]["certificates"][0]
    holder["rawBytes"] = _flip(holder["rawBytes"])


def _proof_hash(bundle: Bundle) -> None:
    hashes = bundle["verificationMaterial"]["tlogEntries"][0]["inclusionProof"]["hashes"]
    hashes[0] = _flip(hashes[0])


def _checkpoint(bundle: Bundle) -> None:
    """Flip a byte of the log's signature line (the last line of the note)."""
    checkpoint = bundle["verificationMaterial"]["tlogEntries"][0]["inclusionProof"]["checkpoint"]
    lines = checkpoint["envelope"].split("\n")
    index = max(i for i, line in enumerate(lines) if line.startswith("\u2014 "))
    prefix, _, signature = lines[index].rpartition(" ")
    lines[index] = f"{prefix} {_flip(signature)}"
    checkpoint["envelope"] = "\n".join(lines)


TAMPERS: dict[str, Callable[[Bundle], None]] = {
    "signature": _signature,
    "payload": _payload,
    "certificate": _certificate,
    "inclusion-proof-hash": _proof_hash,
    "checkpoint": _checkpoint,
}


def _tampered(attestation: Attestation, tamper: Callable[[Bundle], None]) -> Attestation:
    bundle = json.loads(attestation.bundle_json)
    tamper(bundle)
    changed = json.dumps(bundle)
    assert changed != attestation.bundle_json
    return replace(attestation, bundle_json=changed)


@pytest.mark.parametrize("tamper", list(TAMPERS), ids=list(TAMPERS))
@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_flipped_byte_is_rejected(case: Case, tamper: str) -> None:
    """A flipped byte anywhere that is signed or proven makes the bundle fail verification."""
    for attestation in case.attestations():
        verdict = verify(
            _tampered(attestation, TAMPERS[tamper]),
            artifact_digest=case.digests(),
            policy=NoPolicy(),
            trusted_root=case.trusted_root(),
        )
        assert isinstance(verdict, Invalid)
        if tamper == "payload" and attestation.kind == "message_signature":
            assert verdict.step == "subject"  # the bundle now names another digest
            assert verdict.reason.startswith("the bundle signs sha256:")
        else:
            assert verdict.step in {"bundle", "signature"}
            assert verdict.reason


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_another_artifact_is_rejected(case: Case) -> None:
    """The bundle does not verify for an artifact it was not made for."""
    other = Digest.of_bytes(b"another artifact\n")
    for attestation in case.attestations():
        verdict = verify(
            attestation,
            artifact_digest=other,
            policy=NoPolicy(),
            trusted_root=case.trusted_root(),
        )
        assert isinstance(verdict, Invalid)
        assert verdict.step == "subject"
        if attestation.kind == "dsse":
            assert verdict.reason.startswith(
                f"the artifact ({other[0]}, {other[1]}) is not a subject of the statement"
            )
        else:
            signed = next(d for d in case.digests() if d.algorithm == "sha256")
            assert verdict.reason == f"the bundle signs {signed}, not the artifact ({other[0]})"


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_other_identity_is_rejected(case: Case) -> None:
    """A policy naming another signer refuses the bundle and says what it found."""
    for attestation in case.attestations():
        policy = IdentitySan("mallory@example.com")
        verdict = verify(
            attestation,
            artifact_digest=case.digests(),
            policy=policy,
            trusted_root=case.trusted_root(),
        )
        assert isinstance(verdict, Invalid)
        assert verdict.step == "policy"
        assert verdict.identity is not None
        assert verdict.reason == (
            f"identity (SAN): expected 'mallory@example.com', found {verdict.identity.san!r}"
        )


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_other_repository_is_rejected(case: Case) -> None:
    """``Repository`` refuses CI bundles of another repository and personal signatures."""
    for attestation in case.attestations():
        verdict = verify(
            attestation,
            artifact_digest=case.digests(),
            policy=Repository("pypa/pip"),
            trusted_root=case.trusted_root(),
        )
        assert isinstance(verdict, Invalid)
        assert verdict.mismatch is not None
        assert verdict.mismatch.field == "source repository"
        assert verdict.mismatch.expected == "'https://github.com/pypa/pip'"


def test_staging_bundle_against_production_root() -> None:
    """A bundle signed on staging does not verify against the production root."""
    case = CASES[CASE_IDS.index("pypi-rfc8785-staging")]
    assert case.root == "staging"
    (attestation,) = case.attestations()
    verdict = verify(
        attestation,
        artifact_digest=case.digests(),
        policy=NoPolicy(),
        trusted_root=production_root(),
    )
    assert isinstance(verdict, Invalid)
    assert verdict.step == "signature"
    assert "certificate chain" in verdict.reason


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=st.sampled_from(CASES), data=st.data())
def test_any_character_change_never_raises(case: Case, data: st.DataObject) -> None:
    """Changing any one character of a bundle gives a verdict, never an exception."""
    (attestation, *_) = case.attestations()
    text = attestation.bundle_json
    position = data.draw(st.integers(0, len(text) - 1))
    char = data.draw(st.characters(codec="ascii"))
    changed = replace(attestation, bundle_json=text[:position] + char + text[position + 1 :])
    verdict = verify(
        changed,
        artifact_digest=case.digests(),
        policy=NoPolicy(),
        trusted_root=case.trusted_root(),
    )
    if verdict.ok:
        # A change that still verifies (say, in a field sigstore ignores) must not change
        # who signed or which entry of the log vouches for it.
        original = verify(
            attestation,
            artifact_digest=case.digests(),
            policy=NoPolicy(),
            trusted_root=case.trusted_root(),
        )
        assert isinstance(original, Verified)
        assert verdict.identity == original.identity
        assert verdict.subject == original.subject
    else:
        assert verdict.reason
