"""Every anchor bundle that stock sigstore-python verifies, verified offline with its artifact."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from polypac.attest import (
    Digest,
    Invalid,
    TrustedRoot,
    TrustRootError,
    Verified,
    load_attestations,
    verify,
)
from polypac.attest.policy import NoPolicy
from tests.attest._cases import CASE_IDS, CASES, Case, production_root
from tests.conftest import anchor


def _verify_case(case: Case) -> list[Verified | Invalid]:
    return [
        verify(
            attestation,
            artifact_digest=case.digests(),
            policy=NoPolicy(),
            trusted_root=case.trusted_root(),
        )
        for attestation in case.attestations()
    ]


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_positive_bundle_verifies(case: Case) -> None:
    """The bundle verifies for its artifact, with a log entry and an identity."""
    verdicts = _verify_case(case)
    assert verdicts
    for verdict in verdicts:
        assert isinstance(verdict, Verified), str(verdict)
        assert verdict.ok
        assert verdict.log_entry is not None  # None only without a transparency log
        assert verdict.log_entry.log_index > 0
        assert verdict.identity.issuer is not None
        assert verdict.identity.san is not None
        if verdict.attestation.kind == "dsse":
            assert verdict.statement is not None
            assert verdict.subject is not None
            assert verdict.predicate_type == verdict.attestation.predicate_type
        else:
            assert verdict.statement is None


# (case, Identity field, expected value) — facts stated in attestations/README.md.
FACTS = [
    ("pypi-publish", "source_repository", "https://github.com/trailofbits/pypi-attestations"),
    ("pypi-publish", "workflow", ".github/workflows/release.yml"),
    ("pypi-publish", "issuer", "https://token.actions.githubusercontent.com"),
    ("pypi-slsa", "source_repository", "https://github.com/trailofbits/pypi-attestations"),
    ("pypi-gitlab", "source_repository", "https://gitlab.com/facutuesca/gitlab-oidc-project"),
    ("pypi-gitlab", "workflow", ".gitlab-ci.yml"),
    ("pypi-gitlab", "issuer", "https://gitlab.com"),
    ("pypi-rfc8785-staging", "san", "william@yossarian.net"),
    ("maven-message", "san", "appu@google.com"),
    ("maven-message", "issuer", "https://accounts.google.com"),
    ("npm-publish-dsse", "san", "brian@dehamer.com"),
    (
        "rubygems-message",
        "source_repository",
        "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon",
    ),
    ("github-reusable-workflow", "workflow", ".github/workflows/attest.yml"),
]


@pytest.mark.parametrize(
    ("case_id", "field", "expected"), FACTS, ids=[f"{c}-{f}" for c, f, _ in FACTS]
)
def test_identity_facts(case_id: str, field: str, expected: str) -> None:
    """The identity read off the certificate states what the README says about the bundle."""
    (verdict,) = _verify_case(CASES[CASE_IDS.index(case_id)])
    assert isinstance(verdict, Verified)
    assert getattr(verdict.identity, field) == expected


def test_provenance_publisher_agrees_with_certificate() -> None:
    """The PEP 740 publisher PyPI served names the repository and workflow the cert binds."""
    (verdict,) = _verify_case(CASES[CASE_IDS.index("pypi-provenance")])
    assert isinstance(verdict, Verified)
    publisher = verdict.attestation.publisher
    assert publisher is not None
    assert publisher.kind == "GitHub"
    identity = verdict.identity
    assert identity.source_repository == f"https://github.com/{publisher.claim('repository')}"
    assert identity.workflow == f".github/workflows/{publisher.claim('workflow')}"
    assert identity.ref == "refs/tags/v0.0.19"
    assert identity.commit is not None
    assert len(identity.commit) == 40
    assert identity.runner_environment == "github-hosted"
    assert identity.run_invocation_uri is not None
    assert identity.run_invocation_uri.startswith(
        "https://github.com/trailofbits/pypi-attestations/actions/runs/"
    )


def test_reusable_workflow_signer_differs_from_source() -> None:
    """A reusable workflow: the build signer is another repository than the source."""
    (verdict,) = _verify_case(CASES[CASE_IDS.index("github-reusable-workflow")])
    assert isinstance(verdict, Verified)
    identity = verdict.identity
    assert identity.build_signer_uri is not None
    assert identity.build_signer_uri.startswith(
        "https://github.com/github/artifact-attestations-workflows/"
    )
    assert identity.source_repository is not None
    assert not identity.build_signer_uri.startswith(identity.source_repository)
    assert identity.build_config_uri is not None
    assert identity.build_config_uri.startswith(identity.source_repository)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_log_time_within_certificate_validity(case: Case) -> None:
    """Rekor v1 entries carry an integrated time inside the short-lived certificate's life."""
    from sigstore.models import Bundle

    for verdict in _verify_case(case):
        assert isinstance(verdict, Verified)
        certificate = Bundle.from_json(verdict.attestation.bundle_json).signing_certificate
        assert verdict.log_entry is not None
        time = verdict.log_entry.integrated_time
        if verdict.log_entry.version == "0.0.2" and verdict.log_entry.kind == "hashedrekord":
            assert time is None  # Rekor v2: time comes from the timestamp authority
            continue
        assert time is not None
        assert certificate.not_valid_before_utc <= time <= certificate.not_valid_after_utc
        assert time < datetime.now(UTC)


def test_message_signature_needs_sha256() -> None:
    """A message signature signs the sha256: a sha512 alone is not enough, and says so."""
    case = CASES[CASE_IDS.index("maven-message")]
    sha512 = next(d for d in case.digests() if d.algorithm == "sha512")
    (attestation,) = case.attestations()
    verdict = verify(
        attestation, artifact_digest=sha512, policy=NoPolicy(), trusted_root=production_root()
    )
    assert isinstance(verdict, Invalid)
    assert verdict.step == "digest"
    assert verdict.reason == (
        "a message signature signs the artifact's sha256; give a sha256 digest"
    )


def test_dsse_subject_matched_by_sha512() -> None:
    """The npm statement names its subject by sha512 only; the sha512 finds it."""
    case = CASES[CASE_IDS.index("npm-publish-dsse")]
    (digest,) = case.digests()
    assert digest.algorithm == "sha512"
    (verdict,) = _verify_case(case)
    assert isinstance(verdict, Verified)
    assert verdict.subject is not None
    assert verdict.subject.name == "pkg:npm/sigstore@1.0.0"


def test_statement_payload_type_is_checked() -> None:
    """A DSSE envelope that verifies but is not in-toto is refused at the statement step."""
    case = CASES[CASE_IDS.index("pypi-publish")]
    (attestation,) = case.attestations()
    other = replace(
        attestation,
        bundle_json=attestation.bundle_json.replace("application/vnd.in-toto+json", "text/plain"),
    )
    verdict = verify(
        other, artifact_digest=case.digests(), policy=NoPolicy(), trusted_root=production_root()
    )
    assert isinstance(verdict, Invalid)  # the DSSE signature covers the payload type too
    assert verdict.step == "signature"


def test_trusted_root_errors(tmp_path: pytest.TempPathFactory) -> None:
    """A missing or malformed trusted root is an error that names the file and the step."""
    with pytest.raises(TrustRootError, match=r"cannot use trusted root \(step: read\)"):
        TrustedRoot.from_file("/nonexistent/trusted_root.json")
    with pytest.raises(TrustRootError) as caught:
        TrustedRoot.from_json(b'{"mediaType": "x"}', source="bad.json")
    assert caught.value.source == "bad.json"
    assert caught.value.step == "trusted root"
    assert "Failing step: trusted root" in caught.value.diagnostics()


def test_production_root_is_the_pinned_public_good_root() -> None:
    """The embedded root is the one the anchors pin (public-good, checked by the README)."""
    pinned = TrustedRoot.from_file(
        anchor("attestations", "common", "trusted_root.public-good.json")
    )
    case = CASES[CASE_IDS.index("pypi-publish")]
    (attestation,) = case.attestations()
    for root in (production_root(), pinned):
        verdict = verify(
            attestation, artifact_digest=case.digests(), policy=NoPolicy(), trusted_root=root
        )
        assert verdict.ok


def test_digest_of_file_matches_parse(tmp_path: pytest.TempPathFactory) -> None:
    """``Digest.of_file`` gives sha256 and sha512; ``Digest.parse`` reads them back."""
    sha256, sha512 = Digest.of_file(anchor("attestations", "maven", "a.txt"))
    assert Digest.parse(str(sha256)) == sha256
    assert Digest.parse(str(sha512).upper().replace("SHA512", "sha512")) == sha512
    assert (sha256.algorithm, len(sha256.hex), sha512.algorithm, len(sha512.hex)) == (
        "sha256",
        64,
        "sha512",
        128,
    )


def test_jsonl_loads_like_the_bundle() -> None:
    """A JSON Lines file of two bundles reads as two attestations that verify."""
    case = CASES[CASE_IDS.index("pypi-models-bundle")]
    line = case.file().read_text("utf-8").replace("\n", "")
    attestations = load_attestations(f"{line}\n{line}\n", source="two.jsonl")
    assert [a.index for a in attestations] == [0, 1]
    for attestation in attestations:
        verdict = verify(
            attestation,
            artifact_digest=case.digests(),
            policy=NoPolicy(),
            trusted_root=production_root(),
        )
        assert verdict.ok
