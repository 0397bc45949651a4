"""Sigstore checks that stock sigstore-python 4.5.1 does not make, written with ``cryptography``.

Each function checks one thing and raises :class:`LegacyVerificationError` naming the step
that failed. Nothing here does I/O: the trusted root and bundles come in as parsed JSON.

- DSSE pre-authentication encoding (PAE) and ECDSA signatures over it;
- Rekor's signed entry timestamp (SET): ECDSA over the canonical JSON
  ``{"body","integratedTime","logID","logIndex"}`` (keys sorted, no spaces);
- RFC 6962 Merkle inclusion proofs and the signed-note checkpoint that commits to the root;
- a Fulcio certificate chain at a given time, and its embedded SCTs;
- an RFC 3161 timestamp token (through ``rfc3161-client``, which sigstore itself uses).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.types import PublicKeyTypes
from cryptography.x509.oid import ExtendedKeyUsageOID

from polypac.attest.errors import AttestationError

__all__ = [
    "CertificateAuthority",
    "LegacyVerificationError",
    "TransparencyLog",
    "TrustedRootKeys",
    "b64decode",
    "dsse_pae",
    "verify_certificate_chain",
    "verify_checkpoint",
    "verify_inclusion_proof",
    "verify_rfc3161_timestamp",
    "verify_scts",
    "verify_set",
    "verify_signature",
]

_CODE_SIGNING = ExtendedKeyUsageOID.CODE_SIGNING


class LegacyVerificationError(AttestationError):
    """A bundle failed one verification step that polypac makes itself.

    ``step`` names the check ("DSSE signature", "signed entry timestamp", "inclusion proof",
    ...), ``problem`` says what was wrong; ``subject`` names the package or file when known.
    As an :class:`~polypac.attest.errors.AttestationError` it also answers to ``source``
    (``subject``, or ``""``) and ``reason`` (``problem``), so one handler reads every error.
    """

    action = "verification failed"
    doing = "verifying"
    hint = (
        "The attestation does not verify: it was modified, it is for another artifact, or it "
        "was signed under another trust root."
    )

    def __init__(self, step: str, problem: str, *, subject: str | None = None) -> None:
        self.subject = subject
        super().__init__(subject or "", step, problem)

    @property
    def problem(self) -> str:
        """What was wrong (the same text as ``reason``)."""
        return self.reason

    def _render(self) -> str:
        where = f"{self.subject}: " if self.subject else ""
        return f"{where}{self.step} failed: {self.reason}"

    def __reduce__(self) -> tuple[object, ...]:  # keep pickling working with keyword data
        return (_rebuild, (type(self), self.step, self.problem, self.subject))


def _rebuild(
    cls: type[LegacyVerificationError], step: str, problem: str, subject: str | None
) -> LegacyVerificationError:
    return cls(step, problem, subject=subject)


def b64decode(text: object, step: str, what: str) -> bytes:
    """Strict standard base64, or a :class:`LegacyVerificationError` naming ``what``."""
    if not isinstance(text, str):
        raise LegacyVerificationError(step, f"{what} is not a base64 string")
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as error:
        raise LegacyVerificationError(step, f"{what} is not valid base64") from error


def dsse_pae(payload_type: str, payload: bytes) -> bytes:
    """The DSSE v1 pre-authentication encoding that a DSSE signature covers."""
    kind = payload_type.encode()
    return b"DSSEv1 %d %s %d %s" % (len(kind), kind, len(payload), payload)


def verify_signature(key: PublicKeyTypes, signature: bytes, data: bytes, step: str) -> None:
    """Check ``signature`` over ``data`` with ``key`` (ECDSA/RSA with SHA-256, or Ed25519)."""
    try:
        if isinstance(key, ec.EllipticCurvePublicKey):
            digest: hashes.HashAlgorithm = (
                hashes.SHA384() if key.curve.key_size == 384 else hashes.SHA256()
            )
            key.verify(signature, data, ec.ECDSA(digest))
        elif isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, data, PKCS1v15(), hashes.SHA256())
        elif isinstance(key, ed25519.Ed25519PublicKey):
            key.verify(signature, data)
        else:
            raise LegacyVerificationError(step, f"unsupported key type {type(key).__name__}")
    except InvalidSignature as error:
        raise LegacyVerificationError(step, "the signature does not match") from error


def load_spki(raw: bytes, step: str) -> PublicKeyTypes:
    try:
        return serialization.load_der_public_key(raw)
    except (ValueError, TypeError) as error:
        raise LegacyVerificationError(step, "the public key is not DER SPKI") from error


def _parse_time(text: object) -> datetime | None:
    if not isinstance(text, str):
        return None
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@dataclass(frozen=True, slots=True)
class TransparencyLog:
    """A log (Rekor or CT) of a trusted root: its id (sha256 of its key) and key."""

    log_id: bytes
    key: PublicKeyTypes
    start: datetime | None
    end: datetime | None


@dataclass(frozen=True, slots=True)
class CertificateAuthority:
    """A certificate authority (Fulcio or a TSA): its chain, leaf first, root last."""

    uri: str
    chain: tuple[x509.Certificate, ...]
    start: datetime | None
    end: datetime | None

    def valid_at(self, when: datetime) -> bool:
        """Whether the trusted root says this authority was in service at ``when``."""
        return (self.start is None or self.start <= when) and (self.end is None or when <= self.end)


@dataclass(frozen=True, slots=True)
class TrustedRootKeys:
    """What polypac's own checks need from a Sigstore trusted root JSON."""

    tlogs: tuple[TransparencyLog, ...]
    ctlogs: tuple[TransparencyLog, ...]
    certificate_authorities: tuple[CertificateAuthority, ...]
    timestamp_authorities: tuple[CertificateAuthority, ...]

    @classmethod
    def from_json(cls, root: Mapping[str, Any]) -> TrustedRootKeys:
        """Read the keys and chains out of a parsed trusted root (any instance, even no tlog)."""
        step = "trusted root"
        try:
            return cls(
                tlogs=tuple(_log(entry, step) for entry in root.get("tlogs") or ()),
                ctlogs=tuple(_log(entry, step) for entry in root.get("ctlogs") or ()),
                certificate_authorities=tuple(
                    _authority(entry, step) for entry in root.get("certificateAuthorities") or ()
                ),
                timestamp_authorities=tuple(
                    _authority(entry, step) for entry in root.get("timestampAuthorities") or ()
                ),
            )
        except (KeyError, TypeError, AttributeError, ValueError) as error:
            if isinstance(error, LegacyVerificationError):
                raise
            raise LegacyVerificationError(step, f"malformed trusted root ({error!r})") from error

    def tlog(self, log_id: bytes, step: str) -> TransparencyLog:
        """The transparency log with this id, or an error saying the root does not know it."""
        for log in self.tlogs:
            if log.log_id == log_id:
                return log
        raise LegacyVerificationError(
            step, f"log id {log_id.hex()} is not a transparency log of the trusted root"
        )


def _log(entry: Mapping[str, Any], step: str) -> TransparencyLog:
    key = entry["publicKey"]
    valid = key.get("validFor") or {}
    return TransparencyLog(
        log_id=b64decode(entry["logId"]["keyId"], step, "log id"),
        key=load_spki(b64decode(key["rawBytes"], step, "log key"), step),
        start=_parse_time(valid.get("start")),
        end=_parse_time(valid.get("end")),
    )


def _authority(entry: Mapping[str, Any], step: str) -> CertificateAuthority:
    valid = entry.get("validFor") or {}
    chain = tuple(
        x509.load_der_x509_certificate(b64decode(cert["rawBytes"], step, "certificate"))
        for cert in entry["certChain"]["certificates"]
    )
    return CertificateAuthority(
        uri=str(entry.get("uri", "")),
        chain=chain,
        start=_parse_time(valid.get("start")),
        end=_parse_time(valid.get("end")),
    )


def canonical_json(value: object) -> bytes:
    """JSON with sorted keys and no whitespace: the form Rekor signs for a SET."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def verify_set(
    *,
    body: str,
    integrated_time: int,
    log_id: bytes,
    log_index: int,
    signed_entry_timestamp: bytes,
    root: TrustedRootKeys,
) -> None:
    """Check a Rekor signed entry timestamp against the log's key in the trusted root."""
    step = "signed entry timestamp"
    log = root.tlog(log_id, step)
    payload = canonical_json(
        {
            "body": body,
            "integratedTime": integrated_time,
            "logID": log_id.hex(),
            "logIndex": log_index,
        }
    )
    verify_signature(log.key, signed_entry_timestamp, payload, step)


def _hash_children(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def verify_inclusion_proof(
    *, leaf: bytes, index: int, tree_size: int, hashes_: Sequence[bytes], root_hash: bytes
) -> None:
    """Check an RFC 6962 audit path from the entry ``leaf`` (its canonical body) to a root."""
    step = "inclusion proof"
    if not 0 <= index < tree_size:
        raise LegacyVerificationError(step, f"index {index} is outside a tree of {tree_size}")
    node = hashlib.sha256(b"\x00" + leaf).digest()
    # RFC 9162 section 2.1.3.2: walk up while fn (the node index) has siblings.
    fn, sn = index, tree_size - 1
    for sibling in hashes_:
        if sn == 0:
            raise LegacyVerificationError(step, "the audit path is longer than the tree")
        if fn & 1 or fn == sn:
            node = _hash_children(sibling, node)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            node = _hash_children(node, sibling)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise LegacyVerificationError(step, "the audit path is shorter than the tree")
    if node != root_hash:
        raise LegacyVerificationError(
            step, "the audit path does not lead to the root hash of the proof"
        )


def verify_checkpoint(
    envelope: str, *, tree_size: int, root_hash: bytes, root: TrustedRootKeys
) -> None:
    """Check a signed-note checkpoint: signed by a log of the root, naming this size and root."""
    step = "checkpoint"
    text, separator, signatures = envelope.partition("\n\n")
    if not separator:
        raise LegacyVerificationError(step, "no blank line between the note and its signatures")
    note = (text + "\n").encode()
    lines = text.split("\n")
    if len(lines) < 3:
        raise LegacyVerificationError(step, "the note has fewer than three lines")
    try:
        size = int(lines[1])
    except ValueError as error:
        raise LegacyVerificationError(step, "the tree size is not a number") from error
    if size != tree_size:
        raise LegacyVerificationError(step, f"tree size {size} differs from the proof's")
    if b64decode(lines[2], step, "checkpoint root hash") != root_hash:
        raise LegacyVerificationError(step, "the root hash differs from the proof's")
    checked = False
    for line in signatures.splitlines():
        if not line.startswith("\u2014 "):
            continue
        _, _, blob = line[2:].rpartition(" ")
        raw = b64decode(blob, step, "checkpoint signature")
        hint, signature = raw[:4], raw[4:]
        for log in root.tlogs:
            spki = log.key.public_bytes(
                serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            if hashlib.sha256(spki).digest()[:4] == hint:
                verify_signature(log.key, signature, note, step)
                checked = True
    if not checked:
        raise LegacyVerificationError(step, "no signature by a transparency log of the root")


def verify_certificate_chain(
    leaf: x509.Certificate,
    authorities: Sequence[CertificateAuthority],
    when: datetime,
    *,
    step: str = "certificate chain",
    code_signing: bool = True,
) -> CertificateAuthority:
    """Check that ``leaf`` chains to one of ``authorities`` and every link is valid at ``when``.

    Returns the authority whose chain it is.
    """
    if not leaf.not_valid_before_utc <= when <= leaf.not_valid_after_utc:
        raise LegacyVerificationError(
            step,
            f"the certificate is valid {leaf.not_valid_before_utc:%Y-%m-%dT%H:%M:%SZ} to "
            f"{leaf.not_valid_after_utc:%Y-%m-%dT%H:%M:%SZ}, not at {when:%Y-%m-%dT%H:%M:%SZ}",
        )
    if code_signing:
        try:
            usages = leaf.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
        except x509.ExtensionNotFound:
            usages = x509.ExtendedKeyUsage([])
        if _CODE_SIGNING not in usages:
            raise LegacyVerificationError(step, "the certificate is not for code signing")
    problems: list[str] = []
    for authority in authorities:
        if not authority.chain:
            continue
        if not authority.valid_at(when):
            problems.append(f"{authority.uri or 'authority'}: not in service then")
            continue
        problem = _chain_problem(leaf, authority.chain, when)
        if problem is None:
            return authority
        problems.append(f"{authority.uri or 'authority'}: {problem}")
    detail = "; ".join(problems) or "the trusted root has no certificate authority"
    raise LegacyVerificationError(step, f"no trusted chain ({detail})")


def _chain_problem(
    leaf: x509.Certificate, chain: Sequence[x509.Certificate], when: datetime
) -> str | None:
    child = leaf
    for parent in chain:
        if child.issuer != parent.subject:
            return "issuer name does not match"
        try:
            child.verify_directly_issued_by(parent)
        except (InvalidSignature, ValueError, TypeError):
            return "signature by the issuer does not match"
        if not parent.not_valid_before_utc <= when <= parent.not_valid_after_utc:
            return f"CA certificate {parent.subject.rfc4514_string()} not valid then"
        try:
            constraints = parent.extensions.get_extension_for_class(x509.BasicConstraints).value
        except x509.ExtensionNotFound:
            return "a CA certificate lacks basic constraints"
        if not constraints.ca:
            return "an issuer is not a CA"
        child = parent
    if child.issuer != child.subject:
        return "the chain does not end at a self-signed root"
    return None


def verify_scts(leaf: x509.Certificate, issuer: x509.Certificate, root: TrustedRootKeys) -> int:
    """Check the leaf's embedded SCTs against the CT logs of the root; the number verified.

    An SCT by a log the root does not list is skipped; at least one must verify.
    """
    step = "signed certificate timestamp"
    try:
        scts = leaf.extensions.get_extension_for_class(
            x509.PrecertificateSignedCertificateTimestamps
        ).value
    except x509.ExtensionNotFound as error:
        raise LegacyVerificationError(step, "the certificate carries no SCT") from error
    issuer_key_hash = hashlib.sha256(
        issuer.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    ).digest()
    tbs = leaf.tbs_precertificate_bytes
    verified = 0
    for sct in scts:
        log = next((log for log in root.ctlogs if log.log_id == sct.log_id), None)
        if log is None:
            continue
        millis = int(sct.timestamp.replace(tzinfo=UTC).timestamp() * 1000)
        extensions = sct.extension_bytes
        # RFC 6962 section 3.2: the digitally-signed struct of a precertificate entry.
        signed = (
            b"\x00\x00"
            + millis.to_bytes(8, "big")
            + b"\x00\x01"
            + issuer_key_hash
            + len(tbs).to_bytes(3, "big")
            + tbs
            + len(extensions).to_bytes(2, "big")
            + extensions
        )
        verify_signature(log.key, sct.signature, signed, step)
        verified += 1
    if not verified:
        raise LegacyVerificationError(step, "no SCT from a CT log of the trusted root")
    return verified


def verify_rfc3161_timestamp(
    signed_timestamp: bytes, message: bytes, root: TrustedRootKeys
) -> datetime:
    """Check an RFC 3161 timestamp response over ``message``; the time it attests."""
    # Imported here: rfc3161-client is only needed for bundles without a transparency log.
    import rfc3161_client

    step = "RFC 3161 timestamp"
    try:
        response = rfc3161_client.decode_timestamp_response(signed_timestamp)
    except ValueError as error:
        raise LegacyVerificationError(step, "the timestamp response does not parse") from error
    when = response.tst_info.gen_time
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    problems: list[str] = []
    for authority in root.timestamp_authorities:
        if not authority.chain or not authority.valid_at(when):
            continue
        builder = rfc3161_client.VerifierBuilder(
            tsa_certificate=authority.chain[0],
            intermediates=list(authority.chain[1:-1]),
            roots=[authority.chain[-1]],
        )
        try:
            builder.build().verify_message(response, message)
        except rfc3161_client.VerificationError as error:
            problems.append(f"{authority.uri}: {error}")
            continue
        return when
    detail = "; ".join(problems) or "no timestamp authority of the root was in service then"
    raise LegacyVerificationError(step, detail)
