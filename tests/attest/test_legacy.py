"""Bundles stock sigstore-python refuses: intoto/0.0.2, SET-only v0.1, GitHub's private instance.

Positive cases are every such bundle of the anchors; each is then tampered one way at a time
and must be rejected by the step that the tampering breaks.
"""

from __future__ import annotations

import base64
import copy
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from polypac.attest._legacy import (
    LegacyVerified,
    verify_intoto_v002,
    verify_private_github,
    verify_set_only,
)
from polypac.attest._legacy_crypto import LegacyVerificationError, dsse_pae
from polypac.attest.npm import integrity_digest
from polypac.errors import PolypacError
from tests.conftest import anchor, load_json

FIXTURES = Path(__file__).parent / "fixtures"
PUBLIC_GOOD = load_json("attestations", "common", "trusted_root.public-good.json")
STAGING = load_json("attestations", "common", "trusted_root.staging.json")
GITHUB_ROOTS = anchor("attestations", "github", "gh-attestation-trusted-root.jsonl").read_text()


def recorded_digest(package: str) -> str:
    """The artifact digest from the recorded ``npm view <package> dist --json``."""
    dist = json.loads((FIXTURES / f"npm-view-{package}-dist.json").read_text())
    return integrity_digest(dist["integrity"])


def provenance_of(response: str) -> dict[str, Any]:
    """The provenance bundle (the non-publish attestation) of an npm attestations response."""
    data = load_json("attestations", "npm", response)
    (bundle,) = [
        a["bundle"] for a in data["attestations"] if "slsa.dev/provenance" in a["predicateType"]
    ]
    return dict(bundle)


Verify = Callable[[dict[str, Any], str], LegacyVerified]


def _intoto(bundle: dict[str, Any], digest: str) -> LegacyVerified:
    return verify_intoto_v002(bundle, artifact_digest=digest, trusted_root=PUBLIC_GOOD)


def _set_only(bundle: dict[str, Any], digest: str) -> LegacyVerified:
    return verify_set_only(bundle, artifact_digest=digest, trusted_root=PUBLIC_GOOD)


def _private(bundle: dict[str, Any], digest: str) -> LegacyVerified:
    return verify_private_github(bundle, trusted_root_json=GITHUB_ROOTS, artifact_digest=digest)


# The first subject of the private bundle, as its anchors README lists (no registry serves it).
PRIVATE_DIGEST = "sha256:138280fd3302b9706596621761945a1ae958f93a15e4372ddae4fc00a93b09a2"


@dataclass(frozen=True)
class Case:
    id: str
    bundle: dict[str, Any]
    digest: str
    verify: Verify
    proof: bool
    san: str


SIGSTORE_JS = "https://github.com/sigstore/sigstore-js/.github/workflows/"
CASES = [
    Case(
        "sigstore-js-2.1.0-bundle-v0.3-intoto",
        load_json("attestations", "npm", "sigstore-js-2.1.0-bundle.json"),
        recorded_digest("sigstore-2.1.0"),
        _intoto,
        True,
        SIGSTORE_JS + "release.yml@refs/heads/main",
    ),
    Case(
        "sigstore-js-2.1.0-bundle-v0.1-intoto",
        load_json("attestations", "npm", "sigstore-js-2.1.0-bundle-v0.1.json"),
        recorded_digest("sigstore-2.1.0"),
        _intoto,
        True,
        SIGSTORE_JS + "release.yml@refs/heads/main",
    ),
    Case(
        "sigstore-2.2.0-provenance-v0.3-intoto",
        load_json("attestations", "npm", "sigstore-2.2.0.provenance.sigstore.json"),
        recorded_digest("sigstore-2.2.0"),
        _intoto,
        True,
        SIGSTORE_JS + "release.yml@refs/heads/main",
    ),
    Case(
        "sigstore-0.4.0-provenance-v0.1-set-only",
        provenance_of("sigstore-0.4.0.attestations.json"),
        recorded_digest("sigstore-0.4.0"),
        _set_only,
        False,
        SIGSTORE_JS + "publish.yml@refs/tags/v0.4.0",
    ),
    Case(
        "sigstore-1.0.0-provenance-v0.1-set-only",
        provenance_of("sigstore-1.0.0.attestations.json"),
        recorded_digest("sigstore-1.0.0"),
        _set_only,
        False,
        SIGSTORE_JS + "publish.yml@refs/tags/v1.0.0",
    ),
    Case(
        "tuf-js-1.0.0-provenance-v0.1-set-only",
        provenance_of("tuf-js-1.0.0.attestations.json"),
        recorded_digest("tuf-js-1.0.0"),
        _set_only,
        False,
        "https://github.com/theupdateframework/tuf-js/.github/workflows/"
        "publish.yml@refs/tags/v1.0.0",
    ),
    Case(
        "sigstore-1.0.0-publish-dsse-email",
        load_json("attestations", "npm", "sigstore-1.0.0.publish-v0.1.dsse.sigstore"),
        recorded_digest("sigstore-1.0.0"),
        _set_only,
        True,
        "brian@dehamer.com",
    ),
    Case(
        "github-private-no-tlog",
        load_json("attestations", "github", "github-private-no-tlog.attestation.sigstore.json"),
        PRIVATE_DIGEST,
        _private,
        False,
        "https://github.com/neverendingsupport/slsa-attestations/.github/workflows/"
        "attest.yml@9f6d9dc1bfc02986955721eb15f89ad618f1cedb",
    ),
]
LOGGED = [case for case in CASES if case.verify is not _private]
PROVED = [case for case in CASES if case.proof]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_positive_bundle_verifies(case: Case) -> None:
    result = case.verify(copy.deepcopy(case.bundle), case.digest)
    assert result.san == case.san
    assert result.inclusion_proof is case.proof
    algorithm, _, value = case.digest.partition(":")
    assert any((algorithm, value) in digests for _, digests in result.subjects)
    if case.verify is _private:
        assert result.timestamp is not None
        assert result.log_index is None
        assert result.issuer == "https://token.actions.githubusercontent.com"
    else:
        assert result.log_index is not None
        assert result.integrated_time is not None


def test_identity_facts_of_a_github_workflow() -> None:
    result = _intoto(copy.deepcopy(CASES[0].bundle), CASES[0].digest)
    assert result.issuer == "https://token.actions.githubusercontent.com"
    assert result.source_repository == "https://github.com/sigstore/sigstore-js"
    assert result.workflow == SIGSTORE_JS + "release.yml@refs/heads/main"
    assert result.predicate_type == "https://slsa.dev/provenance/v1"


def test_email_identity_has_no_workflow() -> None:
    case = next(c for c in CASES if c.id == "sigstore-1.0.0-publish-dsse-email")
    result = case.verify(copy.deepcopy(case.bundle), case.digest)
    assert (result.issuer, result.workflow) == ("https://github.com/login/oauth", None)


# --- tampering ---------------------------------------------------------------------------


def flip_b64(text: str, index: int = -1) -> str:
    """The base64 text with one byte of what it encodes flipped."""
    raw = bytearray(base64.b64decode(text))
    raw[index] ^= 0x01
    return base64.b64encode(bytes(raw)).decode()


def material(bundle: dict[str, Any]) -> dict[str, Any]:
    return bundle["verificationMaterial"]  # type: ignore[no-any-return]  # JSON


def certificate_holder(bundle: dict[str, Any]) -> dict[str, Any]:
    vm = material(bundle)
    if "certificate" in vm:
        return vm["certificate"]  # type: ignore[no-any-return]  # JSON
    return vm["x509CertificateChain"]["certificates"][0]  # type: ignore[no-any-return]


def tamper_signature(bundle: dict[str, Any]) -> None:
    signature = bundle["dsseEnvelope"]["signatures"][0]
    signature["sig"] = flip_b64(signature["sig"], 10)


def tamper_payload(bundle: dict[str, Any]) -> None:
    bundle["dsseEnvelope"]["payload"] = flip_b64(bundle["dsseEnvelope"]["payload"], 40)


def tamper_certificate(bundle: dict[str, Any]) -> None:
    holder = certificate_holder(bundle)
    holder["rawBytes"] = flip_b64(holder["rawBytes"], -1)  # the issuer's signature value


def tamper_set(bundle: dict[str, Any]) -> None:
    promise = material(bundle)["tlogEntries"][0]["inclusionPromise"]
    promise["signedEntryTimestamp"] = flip_b64(promise["signedEntryTimestamp"], 12)


def tamper_body(bundle: dict[str, Any]) -> None:
    entry = material(bundle)["tlogEntries"][0]
    body = json.loads(base64.b64decode(entry["canonicalizedBody"]))
    spec = body["spec"].get("content", body["spec"])
    spec["payloadHash"]["value"] = "0" * 64
    entry["canonicalizedBody"] = base64.b64encode(json.dumps(body).encode()).decode()


def tamper_inclusion_proof(bundle: dict[str, Any]) -> None:
    proof = material(bundle)["tlogEntries"][0]["inclusionProof"]
    proof["hashes"][0] = flip_b64(proof["hashes"][0], 0)


def tamper_checkpoint(bundle: dict[str, Any]) -> None:
    checkpoint = material(bundle)["tlogEntries"][0]["inclusionProof"]["checkpoint"]
    note, _, signature = checkpoint["envelope"].partition("\n\n")
    head, _, blob = signature.rstrip("\n").rpartition(" ")
    checkpoint["envelope"] = f"{note}\n\n{head} {flip_b64(blob, 12)}\n"


def tamper_timestamp(bundle: dict[str, Any]) -> None:
    stamp = material(bundle)["timestampVerificationData"]["rfc3161Timestamps"][0]
    stamp["signedTimestamp"] = flip_b64(stamp["signedTimestamp"], -5)


COMMON = [
    ("signature", tamper_signature, "DSSE signature failed: the signature does not match"),
    ("payload", tamper_payload, "DSSE signature failed: the signature does not match"),
    ("certificate", tamper_certificate, "certificate chain failed: no trusted chain"),
]
LOG_ONLY = [
    ("set", tamper_set, "signed entry timestamp failed: the signature does not match"),
    ("body", tamper_body, "log entry body failed: the payload hash differs"),
]
PROOF_ONLY = [
    ("inclusion-proof", tamper_inclusion_proof, "inclusion proof failed: the audit path"),
    ("checkpoint", tamper_checkpoint, "checkpoint failed: the signature does not match"),
]
TAMPERED = (
    [(case, *t) for case in CASES for t in COMMON]
    + [(case, *t) for case in LOGGED for t in LOG_ONLY]
    + [(case, *t) for case in PROVED for t in PROOF_ONLY]
    + [(CASES[-1], "timestamp", tamper_timestamp, "RFC 3161 timestamp failed")]
)


@pytest.mark.parametrize(
    ("case", "what", "tamper", "message"),
    TAMPERED,
    ids=[f"{case.id}-{what}" for case, what, _, _ in TAMPERED],
)
def test_tampered_bundle_is_rejected(
    case: Case, what: str, tamper: Callable[[dict[str, Any]], None], message: str
) -> None:
    bundle = copy.deepcopy(case.bundle)
    tamper(bundle)
    with pytest.raises(LegacyVerificationError) as caught:
        case.verify(bundle, case.digest)
    assert message in str(caught.value)
    assert isinstance(caught.value, PolypacError)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_another_artifact_is_rejected(case: Case) -> None:
    algorithm = case.digest.partition(":")[0]
    other = f"{algorithm}:{'ab' * (len(case.digest.partition(':')[2]) // 2)}"
    with pytest.raises(LegacyVerificationError) as caught:
        case.verify(copy.deepcopy(case.bundle), other)
    assert caught.value.step == "subject"
    assert str(caught.value).startswith("subject failed: no subject of the statement has digest")


@pytest.mark.parametrize("case", LOGGED, ids=lambda case: case.id)
def test_production_bundle_against_staging_root_is_rejected(case: Case) -> None:
    verify = verify_intoto_v002 if case.verify is _intoto else verify_set_only
    with pytest.raises(LegacyVerificationError) as caught:
        verify(case.bundle, artifact_digest=case.digest, trusted_root=STAGING)
    assert caught.value.step == "certificate chain"


def test_set_only_requires_a_set() -> None:
    bundle = copy.deepcopy(CASES[3].bundle)
    del material(bundle)["tlogEntries"][0]["inclusionPromise"]
    with pytest.raises(LegacyVerificationError, match="the log entry carries no SET"):
        _set_only(bundle, CASES[3].digest)


def test_intoto_without_set_or_proof_is_rejected() -> None:
    bundle = copy.deepcopy(CASES[3].bundle)
    del material(bundle)["tlogEntries"][0]["inclusionPromise"]
    with pytest.raises(LegacyVerificationError, match="neither an inclusion proof nor a SET"):
        _intoto(bundle, CASES[3].digest)


def test_private_bundle_with_only_the_public_good_root_is_rejected() -> None:
    public_only = GITHUB_ROOTS.splitlines()[0]
    with pytest.raises(LegacyVerificationError, match="no trusted root has the certificate"):
        verify_private_github(
            CASES[-1].bundle, trusted_root_json=public_only, artifact_digest=PRIVATE_DIGEST
        )


def test_private_bundle_without_timestamp_is_rejected() -> None:
    bundle = copy.deepcopy(CASES[-1].bundle)
    material(bundle)["timestampVerificationData"]["rfc3161Timestamps"] = []
    with pytest.raises(LegacyVerificationError) as caught:
        _private(bundle, PRIVATE_DIGEST)
    assert str(caught.value) == "RFC 3161 timestamp failed: the bundle carries no timestamp"


def test_dsse_pae_matches_the_spec_example() -> None:
    # The example of the DSSE protocol document.
    assert dsse_pae("http://example.com/HelloWorld", b"hello world") == (
        b"DSSEv1 29 http://example.com/HelloWorld 11 hello world"
    )


def test_certificate_without_a_known_ct_log_is_rejected() -> None:
    root = copy.deepcopy(PUBLIC_GOOD)
    root["ctlogs"] = []
    with pytest.raises(LegacyVerificationError) as caught:
        verify_intoto_v002(CASES[0].bundle, artifact_digest=CASES[0].digest, trusted_root=root)
    assert str(caught.value) == (
        "signed certificate timestamp failed: no SCT from a CT log of the trusted root"
    )


def test_checkpoint_for_another_tree_size_is_rejected() -> None:
    bundle = copy.deepcopy(CASES[0].bundle)
    checkpoint = material(bundle)["tlogEntries"][0]["inclusionProof"]["checkpoint"]
    origin, size, rest = checkpoint["envelope"].split("\n", 2)
    checkpoint["envelope"] = f"{origin}\n{int(size) + 1}\n{rest}"
    with pytest.raises(LegacyVerificationError, match=r"tree size \d+ differs from the proof's"):
        _intoto(bundle, CASES[0].digest)


# --- malformed bundles: only the typed error, whatever the shape -------------------------------


def _paths(value: object, prefix: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    found: list[tuple[str | int, ...]] = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, (*prefix, index))
    return found


JUNK: list[object] = [None, 0, -1, "", "x", "!!", [], {}, [1], {"a": 1}, True]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_malformed_bundle_raises_only_the_typed_error(case: Case, data: st.DataObject) -> None:
    bundle = copy.deepcopy(case.bundle)
    path = data.draw(st.sampled_from(_paths(bundle)))
    junk = data.draw(st.sampled_from(JUNK))
    parent: Any = bundle
    for step in path[:-1]:
        parent = parent[step]
    if data.draw(st.booleans()) and isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent[path[-1]] = copy.deepcopy(junk)
    try:
        case.verify(bundle, case.digest)
    except LegacyVerificationError as error:
        failed_step = error.step
    else:
        return
    assert failed_step  # a named step
