"""Provenance: read Sigstore attestations of any ecosystem and verify them offline.

from polypac.attest import Digest, TrustedRoot, load_attestations, verify
from polypac.attest.policy import AllOf, Repository, Workflow

root = TrustedRoot.production()
for attestation in load_attestations(data, source="pkg.tar.gz.provenance"):
    verdict = verify(attestation, artifact_digest=Digest.of_file("pkg.tar.gz"),
                     policy=AllOf(Repository("owner/repo"), Workflow("release.yml")),
                     trusted_root=root)
    print(verdict.ok, verdict)
"""

from __future__ import annotations

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
from polypac.attest.policy import Mismatch, Policy
from polypac.attest.statement import Statement, Subject
from polypac.attest.verify import Invalid, TrustedRoot, Verdict, Verified, verify

__all__ = [
    "Attestation",
    "AttestationError",
    "BundleError",
    "Digest",
    "Identity",
    "Invalid",
    "InvalidDigest",
    "LogEntry",
    "Mismatch",
    "Policy",
    "Publisher",
    "Statement",
    "StatementError",
    "Subject",
    "TrustRootError",
    "TrustedRoot",
    "Verdict",
    "Verified",
    "load_attestations",
    "verify",
]
