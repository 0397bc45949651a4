"""Verifying attestations offline, against a pinned Sigstore trusted root.

sigstore-python checks the cryptography and the log: the certificate chain at signing time,
the SCTs, the inclusion proof and its checkpoint, the SET, the signature over the DSSE envelope
or the artifact digest, and that the log entry matches the bundle. Then this module checks what
the library leaves to its caller: that the artifact is a subject of the in-toto statement (by
sha256 or sha512), that a message signature signs this artifact's digest, and that the signer
and predicate type satisfy the :mod:`~polypac.attest.policy`.

The outcome is a value: :class:`Verified` (who signed, where the log put it, the statement) or
:class:`Invalid` (the failing step and the reason). Only trust material that cannot be read
raises (:class:`~polypac.attest.errors.TrustRootError`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from cryptography import x509
from sigstore.errors import Error as SigstoreError
from sigstore.hashes import Hashed
from sigstore.models import Bundle
from sigstore.models import TrustedRoot as SigstoreTrustedRoot
from sigstore.verify import Verifier
from sigstore_models.common.v1 import HashAlgorithm
from sigstore_models.trustroot import v1 as trustroot_v1

from polypac.attest.bundle import Attestation
from polypac.attest.digest import Digest
from polypac.attest.errors import StatementError, TrustRootError
from polypac.attest.identity import Identity, LogEntry, identity_of_certificate
from polypac.attest.policy import Mismatch, Policy
from polypac.attest.statement import IN_TOTO_PAYLOAD_TYPE, Statement, Subject, parse_statement

__all__ = ["Invalid", "Step", "TrustedRoot", "Verdict", "Verified", "verify"]

Step = Literal["bundle", "digest", "signature", "statement", "subject", "policy"]
"""The step at which an attestation failed; each names one kind of reason."""

# The production root that sigstore-python ships inside its wheel (the TUF bootstrap target).
# Reading the package data pins it: the TUF cache in the user's home is neither read nor written.
_EMBEDDED = "https%3A%2F%2Ftuf-repo-cdn.sigstore.dev"


@dataclass(frozen=True, slots=True)
class TrustedRoot:
    """A Sigstore trusted root (Fulcio CAs, Rekor and CT log keys, TSAs) and its verifier.

    ``name`` says where it came from, for messages.
    """

    name: str
    verifier: Verifier

    @classmethod
    def production(cls) -> TrustedRoot:
        """The public-good production root embedded in the installed sigstore-python."""
        resource = resources.files("sigstore._store").joinpath(_EMBEDDED, "trusted_root.json")
        try:
            data = resource.read_bytes()
        except OSError as error:
            raise TrustRootError(
                "sigstore-python's embedded trusted root", "trusted root", str(error)
            ) from error
        return cls.from_json(data, source="sigstore public-good (embedded in sigstore-python)")

    @classmethod
    def from_file(cls, path: str | Path) -> TrustedRoot:
        """A ``trusted_root.json`` file (``--trusted-root FILE``)."""
        try:
            data = Path(path).read_bytes()
        except OSError as error:
            raise TrustRootError(str(path), "read", error.strerror or str(error)) from error
        return cls.from_json(data, source=str(path))

    @classmethod
    def from_json(cls, data: bytes | str, *, source: str) -> TrustedRoot:
        """A trusted root from its JSON; :class:`TrustRootError` if it cannot be used."""
        try:
            root = SigstoreTrustedRoot(trustroot_v1.TrustedRoot.from_json(data))
            verifier = Verifier(trusted_root=root)
        except (SigstoreError, ValueError, KeyError, TypeError) as error:
            raise TrustRootError(source, "trusted root", str(error)) from error
        return cls(source, verifier)


@dataclass(frozen=True, slots=True)
class Verified:
    """An attestation that verified: who signed it, where it was logged, what it states.

    ``statement`` and ``subject`` (the subject that names the artifact) are ``None`` for
    message signatures, which sign the artifact digest itself.
    """

    attestation: Attestation
    identity: Identity
    log_entry: LogEntry
    predicate_type: str | None
    statement: Statement | None
    subject: Subject | None

    @property
    def ok(self) -> Literal[True]:
        """Always true: lets callers test ``verdict.ok`` on either outcome."""
        return True


@dataclass(frozen=True, slots=True)
class Invalid:
    """An attestation that did not verify: the ``step`` that failed and the ``reason``.

    ``mismatch`` holds the policy's data when ``step`` is ``"policy"``; ``identity`` is the
    signer when it was read before the failure.
    """

    attestation: Attestation
    step: Step
    reason: str
    mismatch: Mismatch | None = None
    identity: Identity | None = None

    @property
    def ok(self) -> Literal[False]:
        """Always false."""
        return False

    def __str__(self) -> str:
        return f"{self.attestation.name}: not verified ({self.step}): {self.reason}"


Verdict = Verified | Invalid


class _AnySigner:
    """A sigstore VerificationPolicy accepting every certificate: polypac's policies run after
    sigstore's checks, on the identity read from the certificate, so that a refusal says which
    field differed (sigstore's UnsafeNoOp would also log a warning on every call)."""

    def verify(self, cert: x509.Certificate) -> None:
        """Accept."""


def verify(
    attestation: Attestation,
    *,
    artifact_digest: Digest | tuple[Digest, ...],
    policy: Policy,
    trusted_root: TrustedRoot,
) -> Verdict:
    """Verify ``attestation`` for the artifact with ``artifact_digest``, offline.

    Give every digest you have of the artifact (``Digest.of_file`` gives sha256 and sha512):
    a statement may name its subject by either, a message signature signs the sha256.
    """
    digests = artifact_digest if isinstance(artifact_digest, tuple) else (artifact_digest,)

    def invalid(step: Step, reason: str, **extra: Any) -> Invalid:
        return Invalid(attestation, step, reason, **extra)

    try:
        bundle = Bundle.from_json(attestation.bundle_json)
    except SigstoreError as error:
        return invalid("bundle", str(error))
    except Exception as error:  # sigstore's models raise what their parsers raise
        return invalid("bundle", f"malformed bundle ({type(error).__name__}): {error}")

    statement: Statement | None = None
    subject: Subject | None = None
    if attestation.kind == "dsse":
        try:
            payload_type, payload = trusted_root.verifier.verify_dsse(bundle, _AnySigner())
        except SigstoreError as error:
            return invalid("signature", str(error))
        except Exception as error:  # a tampered bundle can break sigstore's parsers too
            return invalid("signature", f"{type(error).__name__}: {error}")
        if payload_type != IN_TOTO_PAYLOAD_TYPE:
            return invalid("statement", f"payload type {payload_type!r} is not in-toto")
        try:
            statement = parse_statement(payload, source=attestation.name)
        except StatementError as error:
            return invalid("statement", error.reason)
        subject = statement.subject_for(digests)
        if subject is None:
            return invalid("subject", _no_subject(statement, digests))
        predicate_type: str | None = statement.predicate_type
    else:
        sha256 = next((digest for digest in digests if digest.algorithm == "sha256"), None)
        if sha256 is None:
            return invalid(
                "digest", "a message signature signs the artifact's sha256; give a sha256 digest"
            )
        signed = _signed_digest(bundle)
        if signed is not None and signed != sha256:
            return invalid("subject", f"the bundle signs {signed}, not the artifact ({sha256})")
        hashed = Hashed(algorithm=HashAlgorithm.SHA2_256, digest=bytes.fromhex(sha256.hex))
        try:
            trusted_root.verifier.verify_artifact(hashed, bundle, _AnySigner())
        except SigstoreError as error:
            return invalid("signature", str(error))
        except Exception as error:
            return invalid("signature", f"{type(error).__name__}: {error}")
        predicate_type = None

    identity = identity_of_certificate(bundle.signing_certificate)
    mismatch = policy.check(identity, predicate_type)
    if mismatch is not None:
        return invalid("policy", str(mismatch), mismatch=mismatch, identity=identity)
    return Verified(
        attestation, identity, _log_entry(attestation), predicate_type, statement, subject
    )


def _signed_digest(bundle: Bundle) -> Digest | None:
    """The sha256 a message-signature bundle says it signs, when it says so."""
    message = bundle._inner.message_signature  # sigstore exposes no public accessor
    if message is None or message.message_digest is None:
        return None
    if message.message_digest.algorithm != HashAlgorithm.SHA2_256:
        return None  # sigstore refuses the bundle at the signature step
    return Digest("sha256", message.message_digest.digest.hex())


def _no_subject(statement: Statement, digests: tuple[Digest, ...]) -> str:
    given = ", ".join(str(digest) for digest in digests)
    named = "; ".join(
        f"{subject.name or '(unnamed)'} "
        + ", ".join(f"{algorithm}:{value}" for algorithm, value in subject.digests)
        for subject in statement.subjects[:5]
    )
    more = f" and {len(statement.subjects) - 5} more" if len(statement.subjects) > 5 else ""
    return f"the artifact ({given}) is not a subject of the statement (subjects: {named}{more})"


def _log_entry(attestation: Attestation) -> LogEntry:
    # Bundle.from_json has accepted this JSON, so the first entry is there and well-formed.
    entry = json.loads(attestation.bundle_json)["verificationMaterial"]["tlogEntries"][0]
    seconds = int(entry.get("integratedTime") or 0)
    kind_version = entry["kindVersion"]
    return LogEntry(
        log_index=int(entry["logIndex"]),
        integrated_time=datetime.fromtimestamp(seconds, UTC) if seconds else None,
        kind=kind_version["kind"],
        version=kind_version["version"],
    )
