"""Provenance: read Sigstore attestations of any ecosystem and verify them offline.

from polypac.attest import Digest, TrustedRoot, load_attestations, verify
from polypac.attest.policy import AllOf, Repository, Workflow

root = TrustedRoot.production()
for attestation in load_attestations(data, source="pkg.tar.gz.provenance"):
    verdict = verify(attestation, artifact_digest=Digest.of_file("pkg.tar.gz"),
                     policy=AllOf(Repository("owner/repo"), Workflow("release.yml")),
                     trusted_root=root)
    print(verdict.ok, verdict)

One entry point, :func:`verify`, takes every kind of bundle: stock sigstore-python checks what it
can, polypac's own checks (``cryptography``) take Rekor ``intoto/0.0.2`` entries, SET-only v0.1
bundles, GitHub's private instance (no transparency log) and npm publish attestations.
:func:`verify_npm` verifies a whole npm attestations response; :func:`verify_registry_signature`
npm's registry signature over ``name@version:integrity``.
"""

from __future__ import annotations

from polypac.attest._legacy_crypto import LegacyVerificationError
from polypac.attest.bundle import Attestation, Publisher, load_attestations
from polypac.attest.digest import Digest
from polypac.attest.errors import (
    AttestationError,
    BundleError,
    InvalidDigest,
    StatementError,
    TrustRootError,
)
from polypac.attest.identity import Identity, LogEntry
from polypac.attest.npm import NpmAttestationError, integrity_digest, verify_registry_signature
from polypac.attest.policy import Mismatch, Policy
from polypac.attest.statement import Statement, Subject
from polypac.attest.verify import (
    NPM_REGISTRY_ISSUER,
    Facts,
    Invalid,
    Route,
    Step,
    TrustedRoot,
    Verdict,
    Verified,
    read_facts,
    verify,
    verify_npm,
)

__all__ = [
    "NPM_REGISTRY_ISSUER",
    "Attestation",
    "AttestationError",
    "BundleError",
    "Digest",
    "Facts",
    "Identity",
    "Invalid",
    "InvalidDigest",
    "LegacyVerificationError",
    "LogEntry",
    "Mismatch",
    "NpmAttestationError",
    "Policy",
    "Publisher",
    "Route",
    "Statement",
    "StatementError",
    "Step",
    "Subject",
    "TrustRootError",
    "TrustedRoot",
    "Verdict",
    "Verified",
    "integrity_digest",
    "load_attestations",
    "read_facts",
    "verify",
    "verify_npm",
    "verify_registry_signature",
]
