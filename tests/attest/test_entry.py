"""The one entry point: ``verify`` routes every bundle kind; ``verify_npm``; one error tree."""

from __future__ import annotations

import base64
import json
import pickle
from pathlib import Path
from typing import Any

import pytest

from polypac.attest import (
    NPM_REGISTRY_ISSUER,
    AttestationError,
    Digest,
    Invalid,
    LegacyVerificationError,
    NpmAttestationError,
    TrustedRoot,
    TrustRootError,
    Verified,
    integrity_digest,
    load_attestations,
    verify,
    verify_npm,
)
from polypac.attest.policy import NoPolicy, Repository
from polypac.errors import PolypacError
from tests.attest._cases import production_root
from tests.conftest import anchor, load_json

FIXTURES = Path(__file__).parent / "fixtures"
KEYS = load_json("attestations", "npm", "npm-registry-keys.json")
GITHUB_ROOTS = anchor("attestations", "github", "gh-attestation-trusted-root.jsonl")
PRIVATE_DIGEST = "sha256:138280fd3302b9706596621761945a1ae958f93a15e4372ddae4fc00a93b09a2"


def integrity(package: str) -> str:
    dist = json.loads((FIXTURES / f"npm-view-{package}-dist.json").read_text("utf-8"))
    return str(dist["integrity"])


def sha512(package: str) -> Digest:
    algorithm, _, value = integrity_digest(integrity(package)).partition(":")
    assert algorithm == "sha512"
    return Digest("sha512", value)


# (id, anchor file, the package whose recorded dist.integrity is the artifact's sha512)
OWN_PATHS = [
    ("v0.3-intoto", ("npm", "sigstore-js-2.1.0-bundle.json"), "sigstore-2.1.0"),
    ("v0.1-intoto", ("npm", "sigstore-js-2.1.0-bundle-v0.1.json"), "sigstore-2.1.0"),
    ("v0.3-intoto-2.2.0", ("npm", "sigstore-2.2.0.provenance.sigstore.json"), "sigstore-2.2.0"),
    ("response-0.4.0", ("npm", "sigstore-0.4.0.attestations.json"), "sigstore-0.4.0"),
    ("response-1.0.0", ("npm", "sigstore-1.0.0.attestations.json"), "sigstore-1.0.0"),
    ("response-tuf-js", ("npm", "tuf-js-1.0.0.attestations.json"), "tuf-js-1.0.0"),
]


@pytest.mark.parametrize(
    ("path", "package"), [case[1:] for case in OWN_PATHS], ids=[c[0] for c in OWN_PATHS]
)
def test_bundles_sigstore_refuses_verify_through_verify(
    path: tuple[str, ...], package: str
) -> None:
    attestations = load_attestations(anchor("attestations", *path).read_bytes(), source=path[-1])
    verdicts = [
        verify(
            attestation,
            artifact_digest=sha512(package),
            policy=NoPolicy(),
            trusted_root=production_root(),
            npm_keys=KEYS,
        )
        for attestation in attestations
    ]
    assert all(isinstance(verdict, Verified) for verdict in verdicts), verdicts
    first = verdicts[0]
    assert isinstance(first, Verified)
    assert first.route == "intoto/0.0.2"
    assert first.log_entry is not None
    assert first.log_entry.kind == "intoto"
    assert first.statement is not None
    assert first.subject is not None
    assert first.identity.issuer == "https://token.actions.githubusercontent.com"
    for verdict in verdicts[1:]:  # npm's publish attestation
        assert isinstance(verdict, Verified)
        assert verdict.route == "npm registry key"
        assert verdict.identity.issuer == NPM_REGISTRY_ISSUER


def test_private_instance_verifies_with_its_root() -> None:
    (attestation,) = load_attestations(
        anchor(
            "attestations", "github", "github-private-no-tlog.attestation.sigstore.json"
        ).read_bytes(),
        source="private",
    )
    root = TrustedRoot.from_file(GITHUB_ROOTS)
    verdict = verify(
        attestation,
        artifact_digest=Digest.parse(PRIVATE_DIGEST),
        policy=Repository("neverendingsupport/nes-java-test-lib-a"),
        trusted_root=root,
    )
    assert isinstance(verdict, Verified)
    assert (verdict.route, verdict.log_entry) == ("no transparency log", None)
    assert verdict.timestamp is not None
    refused = verify(
        attestation,
        artifact_digest=Digest.parse(PRIVATE_DIGEST),
        policy=Repository("pypa/pip"),
        trusted_root=root,
    )
    assert isinstance(refused, Invalid)
    assert refused.reason == (
        "source repository: expected 'https://github.com/pypa/pip', "
        "found 'https://github.com/neverendingsupport/nes-java-test-lib-a'"
    )


def test_github_roots_keep_a_verifier_for_the_public_good_line() -> None:
    root = TrustedRoot.from_file(GITHUB_ROOTS)
    assert len(root.documents) == 2
    assert root.verifier is not None
    assert root.logged is root.documents[0]


def test_root_without_transparency_log_refuses_logged_bundles() -> None:
    private_line = GITHUB_ROOTS.read_text("utf-8").splitlines()[1]
    root = TrustedRoot.from_json(private_line, source="github-private")
    assert root.verifier is None
    (attestation,) = load_attestations(
        anchor("attestations", "npm", "sigstore-js-2.1.0-bundle.json").read_bytes(), source="b"
    )
    verdict = verify(
        attestation, artifact_digest=sha512("sigstore-2.1.0"), policy=NoPolicy(), trusted_root=root
    )
    assert isinstance(verdict, Invalid)
    assert verdict.reason == (
        "the trusted root github-private has no transparency log to check the log entry against"
    )


def _response(name: str) -> dict[str, Any]:
    return dict(load_json("attestations", "npm", f"{name}.attestations.json"))


def test_verify_npm_one_verdict_per_attestation() -> None:
    verdicts = verify_npm(
        _response("sigstore-1.0.0"),
        name="sigstore",
        version="1.0.0",
        integrity=integrity("sigstore-1.0.0"),
        keys=KEYS,
        trusted_root=production_root(),
        policy=Repository("sigstore/sigstore-js"),
    )
    assert [verdict.ok for verdict in verdicts] == [True, True]
    assert [v.attestation.name for v in verdicts] == ["sigstore@1.0.0", "sigstore@1.0.0#1"]


def test_verify_npm_checks_the_package_the_predicate_names() -> None:
    verdicts = verify_npm(
        _response("sigstore-1.0.0"),
        name="sigstore",
        version="1.0.1",
        integrity=integrity("sigstore-1.0.0"),
        keys=KEYS,
        trusted_root=production_root(),
        policy=NoPolicy(),
    )
    publish = verdicts[1]
    assert isinstance(publish, Invalid)
    assert (publish.step, publish.reason) == (
        "statement",
        "statement failed: the predicate names sigstore@1.0.0",
    )


def test_verify_npm_refuses_an_expired_key() -> None:
    keys = json.loads(json.dumps(KEYS))
    for key in keys["keys"]:
        key["expires"] = "2020-01-01T00:00:00.000Z"
    verdicts = verify_npm(
        _response("sigstore-1.0.0"),
        name="sigstore",
        version="1.0.0",
        integrity=integrity("sigstore-1.0.0"),
        keys=keys,
        trusted_root=production_root(),
        policy=NoPolicy(),
    )
    publish = verdicts[1]
    assert isinstance(publish, Invalid)
    assert publish.reason.startswith(
        "registry key failed: key SHA256:jl3bwswu80PjjokCgh0o2w5c2U4LhQAE57gj9cz1kzA expired "
        "2020-01-01T00:00:00Z, before the signing time 2023-"
    )


def test_verify_npm_bad_integrity_is_a_typed_error() -> None:
    with pytest.raises(NpmAttestationError, match="is not SRI base64"):
        verify_npm(
            _response("sigstore-1.0.0"),
            name="sigstore",
            version="1.0.0",
            integrity="sha512-!!",
            keys=KEYS,
            trusted_root=production_root(),
            policy=NoPolicy(),
        )


def test_one_error_tree() -> None:
    error = NpmAttestationError("registry key", "no key", subject="sigstore@1.0.0")
    assert isinstance(error, LegacyVerificationError)
    assert isinstance(error, AttestationError)
    assert isinstance(error, PolypacError)
    assert (error.step, error.problem, error.subject) == (
        "registry key",
        "no key",
        "sigstore@1.0.0",
    )
    assert (error.source, error.reason) == ("sigstore@1.0.0", "no key")
    assert str(error) == "sigstore@1.0.0: registry key failed: no key"
    assert error.diagnostics().startswith("An issue occurred while verifying sigstore@1.0.0.")
    assert "Failing step: registry key" in error.diagnostics()
    again = pickle.loads(pickle.dumps(error))
    assert (type(again), str(again)) == (NpmAttestationError, str(error))
    bare = LegacyVerificationError("checkpoint", "bad")
    assert (str(bare), bare.source) == ("checkpoint failed: bad", "")
    assert "while verifying the attestation." in bare.diagnostics()


def test_trusted_root_of_another_media_type_is_refused() -> None:
    with pytest.raises(TrustRootError) as caught:
        TrustedRoot.from_json('{"mediaType": "application/x"}\n{"a": 1}\n', source="r.jsonl")
    assert str(caught.value) == (
        "r.jsonl: cannot use trusted root (step: trusted root): not a Sigstore trusted root "
        "(mediaType 'application/x'; expected application/vnd.dev.sigstore.trustedroot+json)"
    )


def test_message_signature_without_proof_is_not_guessed() -> None:
    """A v0.1 message signature with only a SET: neither sigstore nor polypac's DSSE path."""
    bundle = json.loads(anchor("attestations", "maven", "a.txt.sigstore.json").read_text("utf-8"))
    bundle["mediaType"] = "application/vnd.dev.sigstore.bundle+json;version=0.1"
    del bundle["verificationMaterial"]["tlogEntries"][0]["inclusionProof"]
    (attestation,) = load_attestations(json.dumps(bundle), source="v01")
    verdict = verify(
        attestation,
        artifact_digest=Digest.of_file(anchor("attestations", "maven", "a.txt")),
        policy=NoPolicy(),
        trusted_root=production_root(),
    )
    assert isinstance(verdict, Invalid)
    assert verdict.step == "bundle"
    assert verdict.reason.startswith("a message signature on the set only path is not supported")


def test_publish_attestation_needs_a_sha512() -> None:
    data = _response("tuf-js-1.0.0")
    attestations = load_attestations(json.dumps(data), source="r")
    sha256 = Digest("sha256", base64.b16encode(b"\x00" * 32).decode().lower())
    verdict = verify(
        attestations[1],
        artifact_digest=sha256,
        policy=NoPolicy(),
        trusted_root=production_root(),
        npm_keys=KEYS,
    )
    assert isinstance(verdict, Invalid)
    assert (verdict.step, verdict.reason) == (
        "digest",
        "npm names the tarball by sha512; give a sha512 digest",
    )
