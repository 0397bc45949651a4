"""npm's own signatures and attestations, verified offline.

- :func:`verify_registry_signature`: the registry's ECDSA P-256 signature over
  ``"<name>@<version>:<integrity>"`` (``dist.signatures``), with the key from
  ``/-/npm/v1/keys`` chosen by key id and refused once expired;
- :func:`verify_publish_attestation`: the npm *publish* attestation
  (``https://github.com/npm/attestation/tree/main/specs/publish/v0.1``), a DSSE envelope
  signed by the registry key, logged on Rekor; the key must not have expired at the log's
  integrated time;
- :func:`verify_npm_attestations`: a whole ``/-/npm/v1/attestations/<name>@<version>``
  response: the publish attestation and the SLSA provenance (Fulcio-signed, Rekor
  ``intoto/0.0.2``, which stock sigstore-python refuses), each bound to ``dist.integrity``.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.types import PublicKeyTypes

from polypac.attest._legacy import (
    LegacyVerified,
    check_body_matches,
    check_log_entry,
    check_subject,
    parse_envelope,
    parse_log_entries,
    statement_subjects,
    verify_intoto_v002,
)
from polypac.attest._legacy_crypto import (
    LegacyVerificationError,
    TrustedRootKeys,
    b64decode,
    dsse_pae,
    load_spki,
    verify_signature,
)

__all__ = [
    "PUBLISH_PREDICATE",
    "NpmAttestationError",
    "NpmVerified",
    "integrity_digest",
    "verify_npm_attestations",
    "verify_publish_attestation",
    "verify_registry_signature",
]

PUBLISH_PREDICATE = "https://github.com/npm/attestation/tree/main/specs/publish/v0.1"


class NpmAttestationError(LegacyVerificationError):
    """An npm registry signature or attestation failed one verification step."""


@dataclass(frozen=True, slots=True)
class NpmVerified:
    """One verified npm attestation: ``kind`` is ``"publish"`` or ``"provenance"``."""

    kind: str
    verified: LegacyVerified


@dataclass(frozen=True, slots=True)
class _RegistryKey:
    key_id: str
    key: PublicKeyTypes
    expires: datetime | None


def integrity_digest(integrity: str) -> str:
    """An npm SRI ``dist.integrity`` (``sha512-BASE64``) as ``"sha512:HEX"``.

    >>> integrity_digest("sha512-AAEC")
    'sha512:000102'
    """
    algorithm, _, value = integrity.strip().partition("-")
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as error:
        raise NpmAttestationError("integrity", f"{integrity!r} is not SRI base64") from error
    if algorithm not in {"sha256", "sha384", "sha512"} or not raw:
        raise NpmAttestationError("integrity", f"{integrity!r} is not an SRI sha2 digest")
    return f"{algorithm}:{raw.hex()}"


def _registry_key(keys: Mapping[str, Any], key_id: str, subject: str) -> _RegistryKey:
    step = "registry key"
    entries = keys.get("keys") if isinstance(keys, Mapping) else None
    if not isinstance(entries, list):
        raise NpmAttestationError(step, "the keys document has no 'keys' list", subject=subject)
    for entry in entries:
        if not isinstance(entry, Mapping) or entry.get("keyid") != key_id:
            continue
        if (
            entry.get("keytype") != "ecdsa-sha2-nistp256"
            or entry.get("scheme") != "ecdsa-sha2-nistp256"
        ):
            raise NpmAttestationError(
                step, f"key {key_id} is not ecdsa-sha2-nistp256", subject=subject
            )
        try:
            key = load_spki(b64decode(entry.get("key"), step, "key"), step)
            expires = entry.get("expires")
            expiry = (
                None
                if expires is None
                else datetime.fromisoformat(str(expires).replace("Z", "+00:00"))
            )
        except (LegacyVerificationError, ValueError) as error:
            raise NpmAttestationError(
                step, f"key {key_id} does not parse", subject=subject
            ) from error
        if not isinstance(key, ec.EllipticCurvePublicKey) or key.curve.name != "secp256r1":
            raise NpmAttestationError(step, f"key {key_id} is not a P-256 key", subject=subject)
        return _RegistryKey(key_id=key_id, key=key, expires=expiry)
    raise NpmAttestationError(step, f"no registry key has keyid {key_id}", subject=subject)


def _check_expiry(key: _RegistryKey, when: datetime, subject: str) -> None:
    if key.expires is not None and key.expires < when:
        raise NpmAttestationError(
            "registry key",
            f"key {key.key_id} expired {key.expires:%Y-%m-%dT%H:%M:%SZ}, "
            f"before the signing time {when:%Y-%m-%dT%H:%M:%SZ}",
            subject=subject,
        )


def verify_registry_signature(
    name: str,
    version: str,
    integrity: str,
    signatures: Sequence[Mapping[str, str]],
    keys: Mapping[str, Any],
    *,
    when: datetime,
) -> str:
    """Check npm's registry signature of a package version; the key id that signed it.

    ``signatures`` is ``dist.signatures`` (``[{"keyid", "sig"}]``), ``keys`` the parsed
    ``/-/npm/v1/keys`` document, ``when`` the time the signature is judged at (a key whose
    ``expires`` is before it is refused). One valid signature by a known key is enough.
    """
    subject = f"{name}@{version}"
    if not signatures:
        raise NpmAttestationError("registry signature", "no signature", subject=subject)
    message = f"{name}@{version}:{integrity}".encode()
    failure: NpmAttestationError | None = None
    for signature in signatures:
        try:
            key = _registry_key(keys, str(signature.get("keyid", "")), subject)
            _check_expiry(key, when, subject)
            raw = b64decode(signature.get("sig"), "registry signature", "signature")
            verify_signature(key.key, raw, message, "registry signature")
        except LegacyVerificationError as error:
            failure = NpmAttestationError(error.step, error.problem, subject=subject)
            continue
        return key.key_id
    assert failure is not None
    raise failure


def verify_publish_attestation(
    bundle: Mapping[str, Any],
    *,
    name: str,
    version: str,
    integrity: str,
    keys: Mapping[str, Any],
    trusted_root: Mapping[str, Any],
) -> LegacyVerified:
    """Verify npm's publish attestation of ``name@version`` (signed by the registry key).

    Checks, in order: the registry key named by ``verificationMaterial.publicKey.hint``, the
    DSSE signature with it, the Rekor entry body against the envelope, the SET (and inclusion
    proof when present) against the trusted root's Rekor key, the key's expiry against the
    integrated time, the predicate's name and version, and the subject digest = ``integrity``.
    """
    subject = f"{name}@{version}"
    try:
        root = TrustedRootKeys.from_json(trusted_root)
        hint = bundle.get("verificationMaterial", {}).get("publicKey", {}).get("hint")
        if not isinstance(hint, str):
            raise NpmAttestationError("bundle", "no publicKey.hint naming the registry key")
        key = _registry_key(keys, hint, subject)
        envelope = parse_envelope(bundle)
        entries = parse_log_entries(bundle)
        if len(entries) != 1:
            raise NpmAttestationError("log entry", f"expected one entry, found {len(entries)}")
        entry = entries[0]
        verify_signature(
            key.key,
            envelope.signature,
            dsse_pae(envelope.payload_type, envelope.payload),
            "DSSE signature",
        )
        check_body_matches(entry, envelope, key.key)
        proved = check_log_entry(entry, root, require_proof=False, require_set=True)
        when = datetime.fromtimestamp(entry.integrated_time, UTC)
        _check_expiry(key, when, subject)
        predicate_type, subjects = statement_subjects(envelope)
        if predicate_type != PUBLISH_PREDICATE:
            raise NpmAttestationError("statement", f"predicate type is {predicate_type!r}")
        predicate = json.loads(envelope.payload).get("predicate") or {}
        if (predicate.get("name"), predicate.get("version")) != (name, version):
            raise NpmAttestationError(
                "statement",
                f"the predicate names {predicate.get('name')}@{predicate.get('version')}",
            )
        check_subject(subjects, integrity_digest(integrity))
    except LegacyVerificationError as error:
        raise NpmAttestationError(error.step, error.problem, subject=subject) from error
    except (KeyError, TypeError, AttributeError, ValueError, IndexError) as error:
        # A bundle of the wrong shape: a verification error, never a foreign one.
        problem = f"malformed bundle ({type(error).__name__}: {error})"
        raise NpmAttestationError("bundle", problem, subject=subject) from error
    return LegacyVerified(
        predicate_type=predicate_type,
        subjects=subjects,
        key_id=key.key_id,
        log_index=entry.log_index,
        integrated_time=when,
        inclusion_proof=proved,
    )


def verify_npm_attestations(
    response: Mapping[str, Any],
    *,
    name: str,
    version: str,
    integrity: str,
    keys: Mapping[str, Any],
    trusted_root: Mapping[str, Any],
) -> list[NpmVerified]:
    """Verify every attestation of an npm attestations response; all must verify.

    ``response`` is the parsed ``/-/npm/v1/attestations/<name>@<version>`` body,
    ``integrity`` the version's ``dist.integrity``. Raises :class:`NpmAttestationError`
    naming the package and the failed step.
    """
    subject = f"{name}@{version}"
    attestations = response.get("attestations") if isinstance(response, Mapping) else None
    if not isinstance(attestations, list) or not attestations:
        raise NpmAttestationError("response", "no attestations in the response", subject=subject)
    results = []
    for attestation in attestations:
        bundle = attestation.get("bundle") if isinstance(attestation, Mapping) else None
        if not isinstance(bundle, Mapping):
            raise NpmAttestationError("response", "an attestation has no bundle", subject=subject)
        if attestation.get("predicateType") == PUBLISH_PREDICATE:
            verified = verify_publish_attestation(
                bundle,
                name=name,
                version=version,
                integrity=integrity,
                keys=keys,
                trusted_root=trusted_root,
            )
            results.append(NpmVerified("publish", verified))
            continue
        try:
            verified = verify_intoto_v002(
                bundle, artifact_digest=integrity_digest(integrity), trusted_root=trusted_root
            )
        except LegacyVerificationError as error:
            raise NpmAttestationError(error.step, error.problem, subject=subject) from error
        results.append(NpmVerified("provenance", verified))
    return results
