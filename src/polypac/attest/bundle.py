"""Reading attestations: every shape the registries serve, turned into Sigstore bundles.

:func:`load_attestations` accepts

- a Sigstore bundle (media types v0.1, v0.2, v0.3), as ``.sigstore.json`` / ``.sigstore`` files,
  Maven Central's ``.jar.sigstore.json`` and RubyGems' attestations;
- JSON Lines of bundles (``gh attestation download``);
- a PEP 740 attestation object (``version`` 1, ``verification_material``, ``envelope``), which
  becomes a v0.3 bundle with a DSSE envelope over an in-toto statement, as PyPI defines it;
- a PEP 740 provenance object (``attestation_bundles[].attestations[]``, each group with the
  Trusted Publisher that produced it), as PyPI's integrity API serves it;
- an attestations response (``{"attestations": [{"predicateType", "bundle"}]}``) of npm or
  GitHub.

Only the shape is checked here; signatures and the log are checked by
:func:`polypac.attest.verify`. The bundle JSON is kept as text, so that paths which stock
sigstore-python refuses (a v0.1 bundle without inclusion proof) can still read it.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from polypac.attest.errors import BundleError
from polypac.attest.statement import IN_TOTO_PAYLOAD_TYPE

__all__ = [
    "BUNDLE_MEDIA_TYPES",
    "Attestation",
    "AttestationKind",
    "Publisher",
    "load_attestations",
]

BUNDLE_MEDIA_TYPES = frozenset(
    {
        "application/vnd.dev.sigstore.bundle+json;version=0.1",
        "application/vnd.dev.sigstore.bundle+json;version=0.2",
        "application/vnd.dev.sigstore.bundle+json;version=0.3",
        "application/vnd.dev.sigstore.bundle.v0.3+json",
    }
)
"""The Sigstore bundle media types this reader accepts."""

_V03 = "application/vnd.dev.sigstore.bundle.v0.3+json"

AttestationKind = Literal["dsse", "message_signature"]


@dataclass(frozen=True, slots=True)
class Publisher:
    """A PEP 740 Trusted Publisher: its ``kind`` (GitHub, GitLab, ...) and claims.

    ``claims`` keeps every string claim the index sent (``repository``, ``workflow``,
    ``environment``, ...), sorted by name.
    """

    kind: str
    claims: tuple[tuple[str, str], ...]

    def claim(self, name: str) -> str | None:
        """One claim by name, or ``None``."""
        return dict(self.claims).get(name)


@dataclass(frozen=True, slots=True)
class Attestation:
    """One Sigstore bundle read from ``source`` (``index``: its position there, from 0).

    ``kind`` says what is signed: a DSSE envelope (an in-toto statement) or the artifact's
    digest (a message signature). ``predicate_type`` is the statement's (or what the response
    said it is), ``None`` for message signatures. ``bundle_json`` is the bundle as JSON text,
    ``media_type`` its media type, ``log_entry_kinds`` the Rekor entry kinds (``dsse/0.0.1``,
    ``intoto/0.0.2``, ``hashedrekord/0.0.1``...), ``has_inclusion_proof`` whether every log entry
    carries one. ``publisher`` is the PEP 740 publisher when the source named one.
    """

    source: str
    index: int
    kind: AttestationKind
    media_type: str
    predicate_type: str | None
    bundle_json: str
    log_entry_kinds: tuple[str, ...]
    has_inclusion_proof: bool
    publisher: Publisher | None = None

    @property
    def name(self) -> str:
        """``source`` and, when the source held several, the position: ``file#2``."""
        return self.source if self.index == 0 else f"{self.source}#{self.index}"


def load_attestations(data: bytes | str, *, source: str) -> list[Attestation]:
    """Read every attestation in ``data`` (see the module docs for the shapes accepted).

    Raises :class:`~polypac.attest.errors.BundleError`, naming ``source`` and the failing step,
    for anything else: bad encodings, malformed JSON, unknown media types, truncated bundles.
    """
    text = _decode(data, source)
    documents = _documents(text, source)
    found: list[tuple[dict[str, Any], str | None, Publisher | None]] = []
    for document in documents:
        found.extend(_bundles_of(document, source))
    if not found:
        raise BundleError(source, "json", "no attestations found")
    return [
        _attestation(bundle, predicate_type, publisher, source, index)
        for index, (bundle, predicate_type, publisher) in enumerate(found)
    ]


def _decode(data: bytes | str, source: str) -> str:
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise BundleError(
            source, "encoding", f"not UTF-8 text (byte {error.start}: {error.reason})"
        ) from error


def _documents(text: str, source: str) -> list[object]:
    try:
        return [json.loads(text)]
    except RecursionError as error:
        raise BundleError(source, "json", "JSON nested too deeply") from error
    except ValueError as whole_error:
        lines = [line for line in text.splitlines() if line.strip()]
        if len(lines) < 2:
            raise BundleError(source, "json", f"malformed JSON: {whole_error}") from whole_error
        documents: list[object] = []
        for number, line in enumerate(lines, start=1):
            try:
                documents.append(json.loads(line))
            except (ValueError, RecursionError) as error:
                raise BundleError(
                    source, "json", f"malformed JSON on line {number}: {error}"
                ) from error
        return documents


Found = tuple[dict[str, Any], str | None, Publisher | None]


def _bundles_of(document: object, source: str) -> list[Found]:
    if not isinstance(document, dict):
        raise BundleError(source, "json", f"expected a JSON object, found {_json_type(document)}")
    if "mediaType" in document:
        return [(document, None, None)]
    if "attestation_bundles" in document:
        return _provenance(document, source)
    if "envelope" in document and "verification_material" in document:
        return [(_pep740_to_bundle(document, source, "attestation"), None, None)]
    if "attestations" in document:
        return _attestations_response(document, source)
    raise BundleError(
        source,
        "json",
        "not an attestation: expected a Sigstore bundle (mediaType), a PEP 740 attestation or "
        "provenance object, or an attestations response",
    )


def _provenance(document: dict[str, Any], source: str) -> list[Found]:
    if not _is_one(document.get("version")):
        raise BundleError(
            source, "provenance", f"unknown provenance version {document.get('version')!r}"
        )
    groups = document["attestation_bundles"]
    if not isinstance(groups, list):
        raise BundleError(source, "provenance", "attestation_bundles is not a list")
    found: list[Found] = []
    for number, group in enumerate(groups):
        where = f"attestation_bundles[{number}]"
        if not isinstance(group, dict):
            raise BundleError(source, "provenance", f"{where} is not an object")
        publisher = _publisher(group.get("publisher"), source, where)
        attestations = group.get("attestations")
        if not isinstance(attestations, list) or not attestations:
            raise BundleError(source, "provenance", f"{where} has no attestations list")
        for inner, attestation in enumerate(attestations):
            bundle = _pep740_to_bundle(attestation, source, f"{where}.attestations[{inner}]")
            found.append((bundle, None, publisher))
    return found


def _publisher(value: object, source: str, where: str) -> Publisher:
    if not isinstance(value, dict) or not isinstance(value.get("kind"), str):
        raise BundleError(source, "provenance", f"{where}.publisher has no kind")
    claims = tuple(
        sorted(
            (key, item) for key, item in value.items() if isinstance(item, str) and key != "kind"
        )
    )
    return Publisher(value["kind"], claims)


def _pep740_to_bundle(value: object, source: str, where: str) -> dict[str, Any]:
    """A PEP 740 attestation as the v0.3 bundle it stands for (DSSE over an in-toto statement)."""
    step = "pep 740"
    if not isinstance(value, dict):
        raise BundleError(source, step, f"{where} is not an object")
    if not _is_one(value.get("version")):
        raise BundleError(source, step, f"{where}: unknown version {value.get('version')!r}")
    material = value.get("verification_material")
    envelope = value.get("envelope")
    if not isinstance(material, dict) or not isinstance(envelope, dict):
        raise BundleError(source, step, f"{where} needs verification_material and envelope")
    certificate = material.get("certificate")
    entries = material.get("transparency_entries")
    if not isinstance(certificate, str):
        raise BundleError(source, step, f"{where}.verification_material has no certificate")
    if not isinstance(entries, list) or not entries:
        raise BundleError(
            source, step, f"{where}.verification_material has no transparency_entries"
        )
    statement = envelope.get("statement")
    signature = envelope.get("signature")
    if not isinstance(statement, str) or not isinstance(signature, str):
        raise BundleError(source, step, f"{where}.envelope needs statement and signature")
    return {
        "mediaType": _V03,
        "verificationMaterial": {"certificate": {"rawBytes": certificate}, "tlogEntries": entries},
        "dsseEnvelope": {
            "payload": statement,
            "payloadType": IN_TOTO_PAYLOAD_TYPE,
            "signatures": [{"sig": signature}],
        },
    }


def _attestations_response(document: dict[str, Any], source: str) -> list[Found]:
    items = document["attestations"]
    if not isinstance(items, list):
        raise BundleError(source, "response", "attestations is not a list")
    found: list[Found] = []
    for number, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("bundle"), dict):
            raise BundleError(source, "response", f"attestations[{number}] has no bundle object")
        predicate_type = item.get("predicateType")
        found.append(
            (item["bundle"], predicate_type if isinstance(predicate_type, str) else None, None)
        )
    return found


def _attestation(
    bundle: dict[str, Any],
    predicate_type: str | None,
    publisher: Publisher | None,
    source: str,
    index: int,
) -> Attestation:
    where = source if index == 0 else f"{source}#{index}"
    media_type = bundle.get("mediaType")
    if not isinstance(media_type, str) or media_type not in BUNDLE_MEDIA_TYPES:
        raise BundleError(
            where,
            "media type",
            f"unknown bundle media type {media_type!r}; expected one of "
            + ", ".join(sorted(BUNDLE_MEDIA_TYPES)),
        )
    material = _object(bundle, "verificationMaterial", where)
    _check_material(material, where)
    entries = material.get("tlogEntries", [])
    if not isinstance(entries, list):
        raise BundleError(where, "bundle", "verificationMaterial.tlogEntries is not a list")
    kinds = tuple(_entry_kind(entry, where, number) for number, entry in enumerate(entries))
    has_proof = bool(entries) and all(
        isinstance(entry.get("inclusionProof"), dict) for entry in entries
    )
    envelope, message = bundle.get("dsseEnvelope"), bundle.get("messageSignature")
    if (envelope is None) == (message is None):
        raise BundleError(
            where, "bundle", "a bundle holds exactly one of dsseEnvelope and messageSignature"
        )
    kind: AttestationKind
    if envelope is not None:
        kind = "dsse"
        payload = _check_envelope(envelope, where)
        if predicate_type is None:
            predicate_type = _predicate_type(payload)
    else:
        kind = "message_signature"
        _check_message(message, where)
    return Attestation(
        source=source,
        index=index,
        kind=kind,
        media_type=media_type,
        predicate_type=predicate_type,
        bundle_json=json.dumps(bundle),
        log_entry_kinds=kinds,
        has_inclusion_proof=has_proof,
        publisher=publisher,
    )


def _object(parent: Mapping[str, Any], key: str, where: str, *, path: str = "") -> dict[str, Any]:
    value = parent.get(key)
    if not isinstance(value, dict):
        raise BundleError(where, "bundle", f"missing object {path}{key}")
    return value


def _base64(value: object, where: str, field: str) -> bytes:
    if not isinstance(value, str):
        raise BundleError(where, "bundle", f"{field} is not a base64 string")
    # Protobuf JSON writes standard base64 and reads the URL-safe alphabet too.
    standard = value.replace("-", "+").replace("_", "/")
    try:
        return base64.b64decode(standard, validate=True)
    except (binascii.Error, ValueError) as error:
        raise BundleError(where, "bundle", f"{field} is not valid base64") from error


def _check_material(material: dict[str, Any], where: str) -> None:
    if isinstance(material.get("certificate"), dict):
        _base64(material["certificate"].get("rawBytes"), where, "certificate.rawBytes")
    elif isinstance(material.get("x509CertificateChain"), dict):
        certificates = material["x509CertificateChain"].get("certificates")
        if not isinstance(certificates, list) or not certificates:
            raise BundleError(where, "bundle", "x509CertificateChain has no certificates")
        for number, certificate in enumerate(certificates):
            if not isinstance(certificate, dict):
                raise BundleError(where, "bundle", f"certificates[{number}] is not an object")
            _base64(certificate.get("rawBytes"), where, f"certificates[{number}].rawBytes")
    elif not isinstance(material.get("publicKey"), dict):
        raise BundleError(
            where,
            "bundle",
            "verificationMaterial has no certificate, x509CertificateChain or publicKey",
        )


def _entry_kind(entry: object, where: str, number: int) -> str:
    field = f"tlogEntries[{number}]"
    if not isinstance(entry, dict):
        raise BundleError(where, "bundle", f"{field} is not an object")
    kind_version = entry.get("kindVersion")
    if not isinstance(kind_version, dict):
        raise BundleError(where, "bundle", f"{field} has no kindVersion")
    kind, version = kind_version.get("kind"), kind_version.get("version")
    if not isinstance(kind, str) or not isinstance(version, str):
        raise BundleError(where, "bundle", f"{field}.kindVersion needs kind and version")
    if not isinstance(entry.get("logIndex"), (str, int)):
        raise BundleError(where, "bundle", f"{field} has no logIndex")
    _base64(entry.get("canonicalizedBody"), where, f"{field}.canonicalizedBody")
    return f"{kind}/{version}"


def _check_envelope(envelope: object, where: str) -> bytes:
    if not isinstance(envelope, dict):
        raise BundleError(where, "bundle", "dsseEnvelope is not an object")
    payload = _base64(envelope.get("payload"), where, "dsseEnvelope.payload")
    if not isinstance(envelope.get("payloadType"), str):
        raise BundleError(where, "bundle", "dsseEnvelope has no payloadType")
    signatures = envelope.get("signatures")
    if not isinstance(signatures, list) or not signatures:
        raise BundleError(where, "bundle", "dsseEnvelope has no signatures")
    for number, signature in enumerate(signatures):
        if not isinstance(signature, dict):
            raise BundleError(
                where, "bundle", f"dsseEnvelope.signatures[{number}] is not an object"
            )
        _base64(signature.get("sig"), where, f"dsseEnvelope.signatures[{number}].sig")
    return payload


def _check_message(message: object, where: str) -> None:
    if not isinstance(message, dict):
        raise BundleError(where, "bundle", "messageSignature is not an object")
    _base64(message.get("signature"), where, "messageSignature.signature")
    digest = message.get("messageDigest")
    if digest is not None:
        if not isinstance(digest, dict):
            raise BundleError(where, "bundle", "messageSignature.messageDigest is not an object")
        _base64(digest.get("digest"), where, "messageSignature.messageDigest.digest")


def _predicate_type(payload: bytes) -> str | None:
    # A payload that is not a statement is reported by verify(), after the signature check.
    try:
        document = json.loads(payload)
    except (ValueError, RecursionError):
        return None
    if isinstance(document, dict) and isinstance(document.get("predicateType"), str):
        return str(document["predicateType"])
    return None


def _is_one(value: object) -> bool:
    return type(value) is int and value == 1


def _json_type(value: object) -> str:
    names = {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    return names.get(type(value), "a number")
