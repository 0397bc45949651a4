"""Verify the Sigstore bundles that stock sigstore-python 4.5.1 refuses.

- :func:`verify_intoto_v002`: DSSE bundles logged as Rekor ``intoto/0.0.2`` entries (npm
  provenance; sigstore-python issue #1384), with an inclusion proof and checkpoint and/or a SET;
- :func:`verify_set_only`: bundle v0.1 whose log entry has only a signed entry timestamp;
- :func:`verify_private_github`: GitHub's private instance (fulcio.githubapp.com): no
  transparency log, trusted time from an RFC 3161 timestamp authority.

Every check is done by polypac with ``cryptography`` (see ``_legacy_crypto``); the steps, in
order: certificate chain at the trusted time, SCT, DSSE signature over PAE, log entry body
against the envelope, SET, inclusion proof, checkpoint, and the artifact digest among the
statement's subjects.

Rekor's ``intoto/0.0.2`` body also carries ``spec.content.hash``, a SHA-256 over the envelope
as the *client* serialized it when uploading; that byte form is not recoverable from the bundle,
so (like sigstore-js) polypac checks the payload hash and the signatures instead, which bind
the same envelope.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypedDict

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.types import PublicKeyTypes

from polypac.attest._legacy_crypto import (
    LegacyVerificationError,
    TrustedRootKeys,
    b64decode,
    dsse_pae,
    verify_certificate_chain,
    verify_checkpoint,
    verify_inclusion_proof,
    verify_rfc3161_timestamp,
    verify_scts,
    verify_set,
    verify_signature,
)

__all__ = [
    "LegacyVerificationError",
    "LegacyVerified",
    "verify_intoto_v002",
    "verify_private_github",
    "verify_set_only",
]

_OID_ISSUER_V1 = x509.ObjectIdentifier("1.3.6.1.4.1.57264.1.1")
_OID_REPOSITORY_V1 = x509.ObjectIdentifier("1.3.6.1.4.1.57264.1.5")
_OID_ISSUER_V2 = x509.ObjectIdentifier("1.3.6.1.4.1.57264.1.8")
_OID_BUILD_SIGNER_URI = x509.ObjectIdentifier("1.3.6.1.4.1.57264.1.9")
_OID_SOURCE_REPOSITORY_URI = x509.ObjectIdentifier("1.3.6.1.4.1.57264.1.12")


@dataclass(frozen=True, slots=True)
class LegacyVerified:
    """What a verified bundle says: the statement's facts and the signer's identity.

    ``san`` is the certificate's subject alternative name (a workflow URI or an email),
    ``workflow`` the build signer URI (the SAN for older certificates), ``log_index`` and
    ``integrated_time`` come from the transparency log, ``timestamp`` from an RFC 3161 TSA.
    For a bundle signed by a plain key (npm publish attestations) the identity fields are
    ``None`` and ``key_id`` names the key.
    """

    predicate_type: str
    subjects: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]
    san: str | None = None
    issuer: str | None = None
    source_repository: str | None = None
    workflow: str | None = None
    key_id: str | None = None
    log_index: int | None = None
    integrated_time: datetime | None = None
    timestamp: datetime | None = None
    inclusion_proof: bool = False


@dataclass(frozen=True, slots=True)
class _Envelope:
    payload_type: str
    payload: bytes
    signature: bytes
    raw_signature: str


@dataclass(frozen=True, slots=True)
class _LogEntry:
    log_index: int
    log_id: bytes
    kind: str
    version: str
    integrated_time: int
    body_text: str
    body: Mapping[str, Any]
    set_: bytes | None
    proof: Mapping[str, Any] | None


def _field(mapping: object, *path: str, step: str = "bundle") -> Any:
    value = mapping
    for name in path:
        if not isinstance(value, Mapping) or name not in value:
            raise LegacyVerificationError(step, f"missing field {'.'.join(path)}")
        value = value[name]
    return value


def parse_envelope(bundle: Mapping[str, Any]) -> _Envelope:
    step = "bundle"
    envelope = _field(bundle, "dsseEnvelope")
    signatures = _field(envelope, "signatures")
    if not isinstance(signatures, list) or len(signatures) != 1:
        raise LegacyVerificationError(step, "the DSSE envelope must carry exactly one signature")
    raw = _field(signatures[0], "sig")
    payload_type = _field(envelope, "payloadType")
    if not isinstance(payload_type, str):
        raise LegacyVerificationError(step, "payloadType is not a string")
    return _Envelope(
        payload_type=payload_type,
        payload=b64decode(_field(envelope, "payload"), step, "DSSE payload"),
        signature=b64decode(raw, step, "DSSE signature"),
        raw_signature=raw,
    )


def _leaf_certificate(bundle: Mapping[str, Any]) -> x509.Certificate:
    material = _field(bundle, "verificationMaterial")
    if "certificate" in material:
        raw = _field(material, "certificate", "rawBytes")
    else:
        chain = _field(material, "x509CertificateChain", "certificates")
        if not isinstance(chain, list) or not chain:
            raise LegacyVerificationError("bundle", "the certificate chain is empty")
        raw = _field(chain[0], "rawBytes")
    der = b64decode(raw, "bundle", "certificate")
    try:
        return x509.load_der_x509_certificate(der)
    except ValueError as error:
        raise LegacyVerificationError("certificate", "the certificate is not DER X.509") from error


def parse_log_entries(bundle: Mapping[str, Any]) -> list[_LogEntry]:
    step = "log entry"
    entries = _field(bundle, "verificationMaterial").get("tlogEntries") or []
    parsed = []
    for entry in entries:
        body_text = _field(entry, "canonicalizedBody", step=step)
        try:
            body = json.loads(b64decode(body_text, step, "canonicalized body"))
            log_index = int(_field(entry, "logIndex", step=step))
            integrated_time = int(_field(entry, "integratedTime", step=step))
        except ValueError as error:
            raise LegacyVerificationError(step, f"malformed log entry ({error})") from error
        promise = entry.get("inclusionPromise") or {}
        set_text = promise.get("signedEntryTimestamp")
        parsed.append(
            _LogEntry(
                log_index=log_index,
                log_id=b64decode(_field(entry, "logId", "keyId", step=step), step, "log id"),
                kind=str(_field(entry, "kindVersion", "kind", step=step)),
                version=str(_field(entry, "kindVersion", "version", step=step)),
                integrated_time=integrated_time,
                body_text=body_text,
                body=body if isinstance(body, Mapping) else {},
                set_=None if set_text is None else b64decode(set_text, step, "SET"),
                proof=entry.get("inclusionProof") or None,
            )
        )
    return parsed


def _spki(key: PublicKeyTypes) -> bytes:
    return key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _pem_key(text: str, step: str) -> bytes:
    """The SPKI of the base64 PEM (certificate or public key) a Rekor body names."""
    pem = b64decode(text, step, "public key in the log entry")
    try:
        if b"CERTIFICATE" in pem:
            return _spki(x509.load_pem_x509_certificate(pem).public_key())
        return _spki(serialization.load_pem_public_key(pem))
    except ValueError as error:
        raise LegacyVerificationError(step, "the log entry's key does not parse") from error


def check_body_matches(entry: _LogEntry, envelope: _Envelope, signer_key: PublicKeyTypes) -> None:
    """Check that the Rekor entry body records this envelope's payload, signature and key."""
    step = "log entry body"
    payload_hash = hashlib.sha256(envelope.payload).hexdigest()
    kind = (entry.kind, entry.version)
    body_kind = (entry.body.get("kind"), entry.body.get("apiVersion"))
    if body_kind != kind:
        raise LegacyVerificationError(step, f"body is {body_kind}, the entry says {kind}")
    if kind == ("intoto", "0.0.2"):
        content = _field(entry.body, "spec", "content", step=step)
        recorded = _field(content, "payloadHash", step=step)
        signatures = _field(content, "envelope", "signatures", step=step)
        # Rekor stores the DSSE signature base64-encoded a second time.
        pairs: list[tuple[str, str]] = [
            (
                b64decode(_field(s, "sig", step=step), step, "signature").decode(
                    "ascii", "replace"
                ),
                str(s.get("publicKey", "")),
            )
            for s in signatures
        ]
    elif kind == ("dsse", "0.0.1"):
        spec = _field(entry.body, "spec", step=step)
        recorded = _field(spec, "payloadHash", step=step)
        pairs = [
            (str(_field(s, "signature", step=step)), str(s.get("verifier", "")))
            for s in _field(spec, "signatures", step=step)
        ]
    else:
        raise LegacyVerificationError(step, f"unsupported entry kind {kind[0]}/{kind[1]}")
    if recorded.get("algorithm") != "sha256" or recorded.get("value") != payload_hash:
        raise LegacyVerificationError(step, "the payload hash differs from the envelope's")
    if len(pairs) != 1 or pairs[0][0] != envelope.raw_signature:
        raise LegacyVerificationError(step, "the signature differs from the envelope's")
    if pairs[0][1] and _pem_key(pairs[0][1], step) != _spki(signer_key):
        raise LegacyVerificationError(step, "the signer's key differs from the bundle's")


def check_log_entry(
    entry: _LogEntry, root: TrustedRootKeys, *, require_proof: bool, require_set: bool
) -> bool:
    """Check the entry's SET and/or inclusion proof and checkpoint; whether a proof was checked."""
    if require_set and entry.set_ is None:
        raise LegacyVerificationError("signed entry timestamp", "the log entry carries no SET")
    if entry.set_ is not None:
        verify_set(
            body=entry.body_text,
            integrated_time=entry.integrated_time,
            log_id=entry.log_id,
            log_index=entry.log_index,
            signed_entry_timestamp=entry.set_,
            root=root,
        )
    if entry.proof is None:
        if require_proof or entry.set_ is None:
            raise LegacyVerificationError(
                "inclusion proof", "the log entry has neither an inclusion proof nor a SET"
            )
        return False
    step = "inclusion proof"
    proof = entry.proof
    try:
        index = int(_field(proof, "logIndex", step=step))
        tree_size = int(_field(proof, "treeSize", step=step))
    except ValueError as error:
        raise LegacyVerificationError(step, "index or tree size is not a number") from error
    root_hash = b64decode(_field(proof, "rootHash", step=step), step, "root hash")
    hashes_ = [b64decode(h, step, "audit path hash") for h in _field(proof, "hashes", step=step)]
    verify_inclusion_proof(
        leaf=b64decode(entry.body_text, step, "canonicalized body"),
        index=index,
        tree_size=tree_size,
        hashes_=hashes_,
        root_hash=root_hash,
    )
    checkpoint = _field(proof, "checkpoint", "envelope", step="checkpoint")
    verify_checkpoint(checkpoint, tree_size=tree_size, root_hash=root_hash, root=root)
    return True


def statement_subjects(
    envelope: _Envelope,
) -> tuple[str, tuple[tuple[str, tuple[tuple[str, str], ...]], ...]]:
    """The predicate type and subjects of the in-toto statement in the envelope."""
    step = "statement"
    if envelope.payload_type != "application/vnd.in-toto+json":
        raise LegacyVerificationError(step, f"payload type is {envelope.payload_type!r}")
    try:
        statement = json.loads(envelope.payload)
    except ValueError as error:
        raise LegacyVerificationError(step, "the payload is not JSON") from error
    predicate_type = _field(statement, "predicateType", step=step)
    subjects = tuple(
        (
            str(subject.get("name", "")),
            tuple(sorted((str(k), str(v).lower()) for k, v in subject["digest"].items())),
        )
        for subject in _field(statement, "subject", step=step)
        if isinstance(subject, Mapping) and isinstance(subject.get("digest"), Mapping)
    )
    return str(predicate_type), subjects


def check_subject(
    subjects: Sequence[tuple[str, tuple[tuple[str, str], ...]]], artifact_digest: str
) -> None:
    """Check that ``artifact_digest`` (``"sha512:HEX"``) is the digest of one subject."""
    algorithm, _, value = artifact_digest.partition(":")
    wanted = (algorithm.lower(), value.lower())
    if not any(wanted in digests for _, digests in subjects):
        raise LegacyVerificationError(
            "subject", f"no subject of the statement has digest {algorithm}:{value[:16]}..."
        )


def _text_extension(cert: x509.Certificate, oid: x509.ObjectIdentifier, *, der: bool) -> str | None:
    try:
        value = cert.extensions.get_extension_for_oid(oid).value
    except x509.ExtensionNotFound:
        return None
    raw = value.value if isinstance(value, x509.UnrecognizedExtension) else b""
    if der and len(raw) >= 2 and raw[0] == 0x0C:  # a DER UTF8String; short or long length form
        length = raw[1]
        start = 2 if length < 0x80 else 2 + (length & 0x7F)
        raw = raw[start:]
    return raw.decode("utf-8", "replace") or None


class _Identity(TypedDict):
    san: str | None
    issuer: str | None
    source_repository: str | None
    workflow: str | None


def identity(cert: x509.Certificate) -> _Identity:
    """The Fulcio identity facts of a signing certificate."""
    uris: list[str] = []
    emails: list[str] = []
    try:
        names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        uris = names.get_values_for_type(x509.UniformResourceIdentifier)
        emails = names.get_values_for_type(x509.RFC822Name)
    except x509.ExtensionNotFound:
        pass
    san = uris[0] if uris else emails[0] if emails else None
    repository = _text_extension(cert, _OID_SOURCE_REPOSITORY_URI, der=True)
    if repository is None:
        legacy = _text_extension(cert, _OID_REPOSITORY_V1, der=False)
        repository = None if legacy is None else f"https://github.com/{legacy}"
    return {
        "san": san,
        "issuer": _text_extension(cert, _OID_ISSUER_V2, der=True)
        or _text_extension(cert, _OID_ISSUER_V1, der=False),
        "source_repository": repository,
        # Older Fulcio certificates name the workflow only in the URI SAN.
        "workflow": _text_extension(cert, _OID_BUILD_SIGNER_URI, der=True)
        or (uris[0] if uris else None),
    }


def _verify_logged_fulcio(
    bundle: Mapping[str, Any],
    *,
    artifact_digest: str,
    trusted_root: Mapping[str, Any],
    require_proof: bool,
    require_set: bool,
    kinds: tuple[tuple[str, str], ...],
) -> LegacyVerified:
    root = TrustedRootKeys.from_json(trusted_root)
    envelope = parse_envelope(bundle)
    leaf = _leaf_certificate(bundle)
    entries = parse_log_entries(bundle)
    if len(entries) != 1:
        raise LegacyVerificationError("log entry", f"expected one log entry, found {len(entries)}")
    entry = entries[0]
    if (entry.kind, entry.version) not in kinds:
        raise LegacyVerificationError(
            "log entry", f"entry kind {entry.kind}/{entry.version} is not handled here"
        )
    when = datetime.fromtimestamp(entry.integrated_time, UTC)
    authority = verify_certificate_chain(leaf, root.certificate_authorities, when)
    verify_scts(leaf, authority.chain[0], root)
    verify_signature(
        leaf.public_key(),
        envelope.signature,
        dsse_pae(envelope.payload_type, envelope.payload),
        "DSSE signature",
    )
    check_body_matches(entry, envelope, leaf.public_key())
    proved = check_log_entry(entry, root, require_proof=require_proof, require_set=require_set)
    predicate_type, subjects = statement_subjects(envelope)
    check_subject(subjects, artifact_digest)
    return LegacyVerified(
        predicate_type=predicate_type,
        subjects=subjects,
        log_index=entry.log_index,
        integrated_time=when,
        inclusion_proof=proved,
        **identity(leaf),
    )


def _verify_intoto_v002_unguarded(
    bundle: Mapping[str, Any], *, artifact_digest: str, trusted_root: Mapping[str, Any]
) -> LegacyVerified:
    return _verify_logged_fulcio(
        bundle,
        artifact_digest=artifact_digest,
        trusted_root=trusted_root,
        require_proof=False,
        require_set=False,
        kinds=(("intoto", "0.0.2"),),
    )


def _verify_set_only_unguarded(
    bundle: Mapping[str, Any], *, artifact_digest: str, trusted_root: Mapping[str, Any]
) -> LegacyVerified:
    return _verify_logged_fulcio(
        bundle,
        artifact_digest=artifact_digest,
        trusted_root=trusted_root,
        require_proof=False,
        require_set=True,
        kinds=(("intoto", "0.0.2"), ("dsse", "0.0.1")),
    )


def _verify_private_github_unguarded(
    bundle: Mapping[str, Any], *, trusted_root_json: str, artifact_digest: str
) -> LegacyVerified:
    envelope = parse_envelope(bundle)
    leaf = _leaf_certificate(bundle)
    stamps = (_field(bundle, "verificationMaterial").get("timestampVerificationData") or {}).get(
        "rfc3161Timestamps"
    ) or []
    if not stamps:
        raise LegacyVerificationError("RFC 3161 timestamp", "the bundle carries no timestamp")
    roots = []
    for number, line in enumerate(trusted_root_json.splitlines(), start=1):
        if line.strip():
            try:
                roots.append(TrustedRootKeys.from_json(json.loads(line)))
            except ValueError as error:
                raise LegacyVerificationError(
                    "trusted root", f"line {number} is not JSON"
                ) from error
    step = "certificate chain"
    issuing = [
        root
        for root in roots
        if any(
            authority.chain and leaf.issuer == authority.chain[0].subject
            for authority in root.certificate_authorities
        )
    ]
    if not issuing:
        raise LegacyVerificationError(step, "no trusted root has the certificate's issuer")
    root = issuing[0]
    verify_signature(
        leaf.public_key(),
        envelope.signature,
        dsse_pae(envelope.payload_type, envelope.payload),
        "DSSE signature",
    )
    when = verify_rfc3161_timestamp(
        b64decode(_field(stamps[0], "signedTimestamp"), "bundle", "signed timestamp"),
        envelope.signature,
        root,
    )
    verify_certificate_chain(leaf, root.certificate_authorities, when)
    predicate_type, subjects = statement_subjects(envelope)
    check_subject(subjects, artifact_digest)
    return LegacyVerified(
        predicate_type=predicate_type, subjects=subjects, timestamp=when, **identity(leaf)
    )


def _guard(step: str, error: Exception) -> LegacyVerificationError:
    # A bundle of the wrong shape: say so as a verification error, never a foreign one.
    return LegacyVerificationError(step, f"malformed bundle ({type(error).__name__}: {error})")


def verify_intoto_v002(
    bundle: Mapping[str, Any], *, artifact_digest: str, trusted_root: Mapping[str, Any]
) -> LegacyVerified:
    """Verify a Fulcio-signed DSSE bundle logged as a Rekor ``intoto/0.0.2`` entry.

    ``bundle`` is the parsed bundle JSON (v0.1 to v0.3), ``artifact_digest`` is
    ``"sha512:HEX"`` or ``"sha256:HEX"``, ``trusted_root`` the parsed trusted root JSON.
    The log entry needs an inclusion proof with its checkpoint, or a SET (both are checked
    when both are present). Raises :class:`LegacyVerificationError` naming the failed step.
    """
    try:
        return _verify_intoto_v002_unguarded(
            bundle, artifact_digest=artifact_digest, trusted_root=trusted_root
        )
    except (KeyError, TypeError, AttributeError, ValueError, IndexError) as error:
        raise _guard("bundle", error) from error


def verify_set_only(
    bundle: Mapping[str, Any], *, artifact_digest: str, trusted_root: Mapping[str, Any]
) -> LegacyVerified:
    """Verify a bundle whose log entry proves inclusion by its SET alone (bundle v0.1).

    Checks the SET against the trusted root's Rekor key and the certificate chain at the
    integrated time the SET vouches for; an inclusion proof, when present, is checked too.
    """
    try:
        return _verify_set_only_unguarded(
            bundle, artifact_digest=artifact_digest, trusted_root=trusted_root
        )
    except (KeyError, TypeError, AttributeError, ValueError, IndexError) as error:
        raise _guard("bundle", error) from error


def verify_private_github(
    bundle: Mapping[str, Any], *, trusted_root_json: str, artifact_digest: str
) -> LegacyVerified:
    """Verify a bundle of GitHub's private Sigstore instance (no log; RFC 3161 time).

    ``trusted_root_json`` is GitHub's trusted root file: one JSON trusted root per line
    (``gh attestation trusted-root``); the root whose Fulcio chain issued the certificate is
    used. The DSSE signature must match the certificate's key, the timestamp token must be
    signed by that root's TSA over the DSSE signature, and the certificate chain must be valid
    at the stamped time.
    """
    try:
        return _verify_private_github_unguarded(
            bundle, trusted_root_json=trusted_root_json, artifact_digest=artifact_digest
        )
    except (KeyError, TypeError, AttributeError, ValueError, IndexError) as error:
        raise _guard("bundle", error) from error
