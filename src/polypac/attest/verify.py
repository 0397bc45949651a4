"""Verifying attestations offline, against a pinned Sigstore trusted root: one entry point.

:func:`verify` takes any attestation :func:`~polypac.attest.load_attestations` reads and
chooses the path its bundle needs:

- **stock sigstore-python** wherever it can: the certificate chain at signing time, the SCTs,
  the inclusion proof and its checkpoint, the SET, the signature over the DSSE envelope or the
  artifact digest, and that the log entry matches the bundle;
- **polypac's own checks** (:mod:`polypac.attest._legacy`, written with ``cryptography``) where
  sigstore-python 4.5 refuses the bundle: Rekor ``intoto/0.0.2`` entries (npm provenance),
  bundle v0.1 whose entry proves inclusion by its SET only, bundles without a transparency log
  (GitHub's private instance, trusted time from an RFC 3161 authority), and npm publish
  attestations signed by the registry key (:mod:`polypac.attest.npm`).

Then, on every path, what the library leaves to its caller: that the artifact is a subject of
the in-toto statement (by sha256 or sha512), that a message signature signs this artifact's
digest, and that the signer and predicate type satisfy the :mod:`~polypac.attest.policy`.

The outcome is a value, the same on every path: :class:`Verified` (who signed, where the log
put it, the statement) or :class:`Invalid` (the failing step and the reason). Only trust
material that cannot be read raises (:class:`~polypac.attest.errors.TrustRootError`).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
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

from polypac.attest import _legacy, npm
from polypac.attest._legacy_crypto import LegacyVerificationError, TrustedRootKeys
from polypac.attest.bundle import Attestation, load_attestations
from polypac.attest.digest import Digest
from polypac.attest.errors import AttestationError, BundleError, StatementError, TrustRootError
from polypac.attest.identity import Identity, LogEntry, identity_of_certificate
from polypac.attest.policy import Mismatch, NoPolicy, Policy
from polypac.attest.statement import IN_TOTO_PAYLOAD_TYPE, Statement, Subject, parse_statement

__all__ = [
    "NPM_REGISTRY_ISSUER",
    "Facts",
    "Invalid",
    "Route",
    "Step",
    "TrustedRoot",
    "Verdict",
    "Verified",
    "read_facts",
    "verify",
    "verify_npm",
]

Step = Literal["bundle", "digest", "signature", "statement", "subject", "policy"]
"""The step at which an attestation failed; each names one kind of reason."""

Route = Literal["sigstore", "intoto/0.0.2", "set only", "no transparency log", "npm registry key"]
"""Which verification path :func:`verify` chose for a bundle (``Verified.route``)."""

NPM_REGISTRY_ISSUER = "npm registry"
"""``Identity.issuer`` of an npm publish attestation; its ``san`` is the registry key id."""

# The production root that sigstore-python ships inside its wheel (the TUF bootstrap target).
# Reading the package data pins it: the TUF cache in the user's home is neither read nor written.
_EMBEDDED = "https%3A%2F%2Ftuf-repo-cdn.sigstore.dev"
_TRUSTED_ROOT_MEDIA_TYPE = "application/vnd.dev.sigstore.trustedroot"


@dataclass(frozen=True, slots=True)
class TrustedRoot:
    """A Sigstore trusted root (Fulcio CAs, Rekor and CT log keys, TSAs) and its verifier.

    ``name`` says where it came from, for messages. ``documents`` are the trusted root JSON
    documents (one, or several for GitHub's ``gh attestation trusted-root`` JSON Lines, whose
    private instance has no transparency log). ``verifier`` is sigstore-python's verifier for
    the first document that has a transparency log (``None`` when none has one).
    """

    name: str
    verifier: Verifier | None
    documents: tuple[Mapping[str, Any], ...] = field(default=(), compare=False, repr=False)

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
        """A ``trusted_root.json`` file, or JSON Lines of them (``--trusted-root FILE``)."""
        try:
            data = Path(path).read_bytes()
        except OSError as error:
            raise TrustRootError(str(path), "read", error.strerror or str(error)) from error
        return cls.from_json(data, source=str(path))

    @classmethod
    def from_json(cls, data: bytes | str, *, source: str) -> TrustedRoot:
        """A trusted root from its JSON (or JSON Lines); :class:`TrustRootError` if unusable."""
        documents = _root_documents(data, source)
        verifier: Verifier | None = None
        for document in documents:
            try:
                TrustedRootKeys.from_json(document)  # what polypac's own checks read
            except LegacyVerificationError as error:
                raise TrustRootError(source, "trusted root", error.reason) from error
            if verifier is not None or not document.get("tlogs"):
                continue
            try:
                root = SigstoreTrustedRoot(trustroot_v1.TrustedRoot.from_json(json.dumps(document)))
                verifier = Verifier(trusted_root=root)
            except (SigstoreError, ValueError, KeyError, TypeError) as error:
                raise TrustRootError(source, "trusted root", str(error)) from error
        return cls(source, verifier, documents)

    @property
    def logged(self) -> Mapping[str, Any] | None:
        """The first document with a transparency log: the one ``verifier`` checks against."""
        return next((document for document in self.documents if document.get("tlogs")), None)


def _root_documents(data: bytes | str, source: str) -> tuple[Mapping[str, Any], ...]:
    try:
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    except UnicodeDecodeError as error:
        raise TrustRootError(source, "encoding", f"not UTF-8 text ({error.reason})") from error
    try:
        parsed: list[Any] = [json.loads(text)]
    except ValueError as whole:
        lines = [line for line in text.splitlines() if line.strip()]
        if len(lines) < 2:
            raise TrustRootError(source, "json", f"malformed JSON: {whole}") from whole
        parsed = []
        for number, line in enumerate(lines, start=1):
            try:
                parsed.append(json.loads(line))
            except ValueError as error:
                raise TrustRootError(
                    source, "json", f"malformed JSON on line {number}: {error}"
                ) from error
    for document in parsed:
        media_type = document.get("mediaType") if isinstance(document, dict) else None
        if not isinstance(media_type, str) or not media_type.startswith(_TRUSTED_ROOT_MEDIA_TYPE):
            raise TrustRootError(
                source,
                "trusted root",
                f"not a Sigstore trusted root (mediaType {media_type!r}; expected "
                f"{_TRUSTED_ROOT_MEDIA_TYPE}+json)",
            )
    return tuple(parsed)


@dataclass(frozen=True, slots=True)
class Verified:
    """An attestation that verified: who signed it, where it was logged, what it states.

    ``statement`` and ``subject`` (the subject that names the artifact) are ``None`` for
    message signatures, which sign the artifact digest itself. ``log_entry`` is ``None`` for a
    bundle without transparency log (GitHub's private instance); its trusted time is then
    ``timestamp``, from an RFC 3161 timestamp authority. ``route`` says which path verified it.
    For an npm publish attestation the signer is the registry key: ``identity.issuer`` is
    :data:`NPM_REGISTRY_ISSUER` and ``identity.san`` the key id.
    """

    attestation: Attestation
    identity: Identity
    log_entry: LogEntry | None
    predicate_type: str | None
    statement: Statement | None
    subject: Subject | None
    timestamp: datetime | None = None
    route: Route = "sigstore"

    @property
    def ok(self) -> Literal[True]:
        """Always true: lets callers test ``verdict.ok`` on either outcome."""
        return True


@dataclass(frozen=True, slots=True)
class Invalid:
    """An attestation that did not verify: the ``step`` that failed and the ``reason``.

    ``mismatch`` holds the policy's data when ``step`` is ``"policy"``; ``identity`` is the
    signer when it was read before the failure. On polypac's own paths the reason begins with
    the finer check that failed (``"inclusion proof failed: ..."``).
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
    npm_keys: Mapping[str, Any] | None = None,
) -> Verdict:
    """Verify ``attestation`` for the artifact with ``artifact_digest``, offline.

    Give every digest you have of the artifact (``Digest.of_file`` gives sha256 and sha512):
    a statement may name its subject by either, a message signature signs the sha256, npm
    names tarballs by sha512. ``npm_keys`` (the parsed ``/-/npm/v1/keys`` document) is needed
    only for npm publish attestations, which the registry key signs; their package name and
    version are read from the predicate (:func:`verify_npm` checks them against the package).
    """
    digests = artifact_digest if isinstance(artifact_digest, tuple) else (artifact_digest,)
    return _verify(attestation, digests, policy, trusted_root, npm_keys, package=None)


def verify_npm(
    response: Mapping[str, Any],
    *,
    name: str,
    version: str,
    integrity: str,
    keys: Mapping[str, Any] | None,
    trusted_root: TrustedRoot,
    policy: Policy,
    source: str | None = None,
) -> list[Verdict]:
    """One verdict per attestation of an npm ``/-/npm/v1/attestations/<name>@<version>`` body.

    ``integrity`` is the version's ``dist.integrity`` (``sha512-BASE64``), the digest every
    statement must name. The SLSA provenance is judged by ``policy`` on its Fulcio identity;
    the publish attestation's signer is the registry key (from ``keys``, unexpired at the log
    time; ``None`` leaves it invalid, saying the keys are needed), so ``policy`` does not apply
    to it, but its predicate must name ``name@version``.
    ``source`` names the response in verdicts (default ``name@version``). Raises
    :class:`~polypac.attest.errors.AttestationError` when the response or ``integrity`` cannot
    be read.
    """
    source = source or f"{name}@{version}"
    algorithm, _, hex_ = npm.integrity_digest(integrity).partition(":")
    if algorithm not in {"sha256", "sha512"}:
        raise npm.NpmAttestationError(
            "integrity", f"{algorithm} integrity is not supported; expected sha512", subject=source
        )
    digest = Digest("sha256" if algorithm == "sha256" else "sha512", hex_)
    attestations = load_attestations(json.dumps(response), source=source)
    return [
        _verify(
            attestation,
            (digest,),
            NoPolicy() if _is_key_signed(json.loads(attestation.bundle_json)) else policy,
            trusted_root,
            keys,
            package=(name, version),
        )
        for attestation in attestations
    ]


def _verify(
    attestation: Attestation,
    digests: tuple[Digest, ...],
    policy: Policy,
    trusted_root: TrustedRoot,
    npm_keys: Mapping[str, Any] | None,
    *,
    package: tuple[str, str] | None,
) -> Verdict:
    try:
        bundle = json.loads(attestation.bundle_json)
    except (ValueError, RecursionError) as error:
        return Invalid(attestation, "bundle", f"malformed bundle JSON: {error}")
    route = _route(attestation, bundle)
    if route == "sigstore":
        return _verify_stock(attestation, digests, policy, trusted_root)
    try:
        verified = _verify_own(attestation, bundle, route, digests, trusted_root, npm_keys, package)
    except LegacyVerificationError as error:
        return Invalid(attestation, _STEPS.get(error.step, "signature"), _reason(error))
    except AttestationError as error:  # the statement, once the signature held
        return Invalid(attestation, "statement", error.reason)
    except (KeyError, TypeError, AttributeError, ValueError, IndexError) as error:
        # A bundle of a shape _legacy does not guard against: still a verdict, never a crash.
        return Invalid(attestation, "bundle", f"malformed bundle ({type(error).__name__}: {error})")
    if isinstance(verified, Invalid):
        return verified
    mismatch = policy.check(verified.identity, verified.predicate_type)
    if mismatch is not None:
        return Invalid(
            attestation, "policy", str(mismatch), mismatch=mismatch, identity=verified.identity
        )
    return verified


def _is_key_signed(bundle: object) -> bool:
    material = bundle.get("verificationMaterial") if isinstance(bundle, dict) else None
    return isinstance(material, dict) and "publicKey" in material


def _route(attestation: Attestation, bundle: object) -> Route:
    """The path a bundle needs: stock sigstore-python wherever it accepts the bundle."""
    if _is_key_signed(bundle):
        return "npm registry key"
    if not attestation.log_entry_kinds:
        return "no transparency log"
    if "intoto/0.0.2" in attestation.log_entry_kinds:
        return "intoto/0.0.2"
    if attestation.media_type.endswith("version=0.1") and not attestation.has_inclusion_proof:
        return "set only"
    return "sigstore"


# polypac's finer steps, grouped like the stock path groups sigstore's failures.
_STEPS: dict[str, Step] = {
    "bundle": "bundle",
    "log entry": "bundle",
    "certificate": "bundle",
    "response": "bundle",
    "integrity": "digest",
    "statement": "statement",
    "subject": "subject",
}


def _reason(error: LegacyVerificationError) -> str:
    return f"{error.step} failed: {error.reason}"


def _verify_own(
    attestation: Attestation,
    bundle: Mapping[str, Any],
    route: Route,
    digests: tuple[Digest, ...],
    trusted_root: TrustedRoot,
    npm_keys: Mapping[str, Any] | None,
    package: tuple[str, str] | None,
) -> Verified | Invalid:
    """The paths stock sigstore-python refuses; raises LegacyVerificationError on failure."""
    if attestation.kind != "dsse":
        return Invalid(
            attestation,
            "bundle",
            f"a message signature on the {route} path is not supported; sigstore-python "
            "needs an inclusion proof and a transparency log for message signatures",
        )
    envelope = _legacy.parse_envelope(bundle)
    unverified = _unverified_statement(envelope.payload, attestation.name)
    chosen = _choose_digest(unverified, digests)
    logged = trusted_root.logged
    result: _legacy.LegacyVerified
    identity: Identity
    if route == "npm registry key":
        if npm_keys is None:
            return Invalid(
                attestation,
                "signature",
                "signed by a registry key, not a certificate: pass the npm registry keys "
                "(/-/npm/v1/keys; --npm-keys FILE)",
            )
        if logged is None:
            return Invalid(attestation, "signature", _NO_TLOG.format(trusted_root.name))
        sha512 = next((digest for digest in digests if digest.algorithm == "sha512"), None)
        if sha512 is None:
            return Invalid(
                attestation, "digest", "npm names the tarball by sha512; give a sha512 digest"
            )
        name, version = package or _npm_package(unverified)
        result = npm.verify_publish_attestation(
            bundle,
            name=name,
            version=version,
            integrity="sha512-" + base64.b64encode(bytes.fromhex(sha512.hex)).decode(),
            keys=npm_keys,
            trusted_root=logged,
        )
        identity = Identity(issuer=NPM_REGISTRY_ISSUER, san=result.key_id)
    else:
        if route == "no transparency log":
            result = _legacy.verify_private_github(
                bundle,
                trusted_root_json="\n".join(json.dumps(d) for d in trusted_root.documents),
                artifact_digest=str(chosen),
            )
        elif logged is None:
            return Invalid(attestation, "signature", _NO_TLOG.format(trusted_root.name))
        elif route == "intoto/0.0.2":
            result = _legacy.verify_intoto_v002(
                bundle, artifact_digest=str(chosen), trusted_root=logged
            )
        else:
            result = _legacy.verify_set_only(
                bundle, artifact_digest=str(chosen), trusted_root=logged
            )
        identity = _identity(_legacy._leaf_certificate(bundle))  # one certificate reader
    # The signature over the payload held: now the statement is the signed one.
    statement = parse_statement(envelope.payload, source=attestation.name)
    subject = statement.subject_for(digests)
    if subject is None:  # _legacy checked it; kept so a change there cannot skip it
        return Invalid(attestation, "subject", _no_subject(statement, digests))
    log_entry = None
    if result.log_index is not None:
        kind, _, kind_version = attestation.log_entry_kinds[0].partition("/")
        log_entry = LogEntry(result.log_index, result.integrated_time, kind, kind_version)
    return Verified(
        attestation,
        identity,
        log_entry,
        statement.predicate_type,
        statement,
        subject,
        timestamp=result.timestamp,
        route=route,
    )


def _identity(certificate: x509.Certificate) -> Identity:
    """The certificate's identity; certificates issued before Fulcio's ``.12``/``.9`` extensions
    (npm provenance of 2023) name the repository in ``.5`` and the workflow only in the SAN."""
    identity = identity_of_certificate(certificate)
    if identity.source_repository is not None and identity.build_signer_uri is not None:
        return identity
    legacy = _legacy.identity(certificate)
    return replace(
        identity,
        source_repository=identity.source_repository or legacy["source_repository"],
        build_signer_uri=identity.build_signer_uri
        or (legacy["workflow"] if legacy["source_repository"] else None),
        commit=identity.commit or _raw_extension(certificate, _OID_WORKFLOW_SHA),
        ref=identity.ref or _raw_extension(certificate, _OID_WORKFLOW_REF),
    )


# Fulcio's deprecated raw-string extensions (docs/oid-info.md): .3 workflow SHA, .6 ref.
_OID_WORKFLOW_SHA = x509.ObjectIdentifier("1.3.6.1.4.1.57264.1.3")
_OID_WORKFLOW_REF = x509.ObjectIdentifier("1.3.6.1.4.1.57264.1.6")


def _raw_extension(certificate: x509.Certificate, oid: x509.ObjectIdentifier) -> str | None:
    return _legacy._text_extension(certificate, oid, der=False)  # the one raw-extension reader


_NO_TLOG = "the trusted root {} has no transparency log to check the log entry against"


def _unverified_statement(payload: bytes, source: str) -> Statement | None:
    # Read before the signature check only to choose which digest to look for.
    try:
        return parse_statement(payload, source=source)
    except StatementError:
        return None


def _choose_digest(statement: Statement | None, digests: tuple[Digest, ...]) -> Digest:
    if statement is not None:
        for digest in digests:
            if statement.subject_for((digest,)) is not None:
                return digest
    return digests[0]


def _npm_package(statement: Statement | None) -> tuple[str, str]:
    predicate = json.loads(statement.predicate_json) if statement is not None else None
    if not isinstance(predicate, dict):
        raise LegacyVerificationError("statement", "the publish predicate names no package")
    name, version = predicate.get("name"), predicate.get("version")
    if not isinstance(name, str) or not isinstance(version, str):
        raise LegacyVerificationError("statement", "the publish predicate names no package")
    return name, version


def _verify_stock(
    attestation: Attestation,
    digests: tuple[Digest, ...],
    policy: Policy,
    trusted_root: TrustedRoot,
) -> Verdict:
    def invalid(step: Step, reason: str, **extra: Any) -> Invalid:
        return Invalid(attestation, step, reason, **extra)

    verifier = trusted_root.verifier
    if verifier is None:
        return invalid("signature", _NO_TLOG.format(trusted_root.name))
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
            payload_type, payload = verifier.verify_dsse(bundle, _AnySigner())
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
            verifier.verify_artifact(hashed, bundle, _AnySigner())
        except SigstoreError as error:
            return invalid("signature", str(error))
        except Exception as error:
            return invalid("signature", f"{type(error).__name__}: {error}")
        predicate_type = None

    identity = _identity(bundle.signing_certificate)
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


@dataclass(frozen=True, slots=True)
class Facts:
    """What an attestation *says*, read without verifying anything (``polypac attest show``).

    ``identity`` is read from the signing certificate (``None`` for a key-signed bundle, whose
    ``key_id`` is the key hint); ``statement`` is ``None`` for message signatures or when the
    payload is not a statement (``problem`` says why); ``log_entries`` are as the bundle states
    them; ``timestamps`` counts its RFC 3161 timestamps.
    """

    attestation: Attestation
    identity: Identity | None
    key_id: str | None
    statement: Statement | None
    log_entries: tuple[LogEntry, ...]
    timestamps: int
    problem: str | None = None


def read_facts(attestation: Attestation) -> Facts:
    """The unverified facts of ``attestation``; nothing here is checked, so trust none of it.

    Raises :class:`~polypac.attest.errors.BundleError` for a certificate that is not X.509 DER
    or a log entry whose numbers are not numbers.
    """
    try:
        return _read_facts(attestation)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        reason = f"malformed bundle ({type(error).__name__}: {error})"
        raise BundleError(attestation.name, "bundle", reason) from error


def _read_facts(attestation: Attestation) -> Facts:
    bundle = json.loads(attestation.bundle_json)
    material = bundle["verificationMaterial"]  # load_attestations checked the shape
    identity: Identity | None = None
    key_id: str | None = None
    if isinstance(material.get("publicKey"), dict):
        hint = material["publicKey"].get("hint")
        key_id = hint if isinstance(hint, str) else None
    else:
        try:
            identity = _identity(_legacy._leaf_certificate(bundle))  # one certificate reader
        except LegacyVerificationError as error:
            raise BundleError(attestation.name, "certificate", error.reason) from error
    statement: Statement | None = None
    problem: str | None = None
    if attestation.kind == "dsse":
        payload = base64.b64decode(bundle["dsseEnvelope"]["payload"])
        try:
            statement = parse_statement(payload, source=attestation.name)
        except StatementError as error:
            problem = error.reason
    entries = tuple(
        LogEntry(
            log_index=int(entry["logIndex"]),
            integrated_time=(
                datetime.fromtimestamp(int(entry["integratedTime"]), UTC)
                if int(entry.get("integratedTime") or 0)
                else None
            ),
            kind=entry["kindVersion"]["kind"],
            version=entry["kindVersion"]["version"],
        )
        for entry in material.get("tlogEntries") or ()
    )
    stamps = (material.get("timestampVerificationData") or {}).get("rfc3161Timestamps") or ()
    return Facts(attestation, identity, key_id, statement, entries, len(stamps), problem)
