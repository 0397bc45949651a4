"""npm registry signatures and attestation responses, against the anchors and recorded data."""

from __future__ import annotations

import base64
import copy
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import given, settings
from hypothesis import strategies as st

from polypac.attest.npm import (
    PUBLISH_PREDICATE,
    NpmAttestationError,
    integrity_digest,
    verify_npm_attestations,
    verify_publish_attestation,
    verify_registry_signature,
)
from polypac.errors import PolypacError
from tests.conftest import load_json

FIXTURES = Path(__file__).parent / "fixtures"
PUBLIC_GOOD = load_json("attestations", "common", "trusted_root.public-good.json")
KEYS = load_json("attestations", "npm", "npm-registry-keys.json")
OLD_KEY = "SHA256:jl3bwswu80PjjokCgh0o2w5c2U4LhQAE57gj9cz1kzA"
CURRENT_KEY = "SHA256:DhQ8wR5APBvFHLF/+Tc+AYvPOdTpcIDqOhxsBHRwC7U"

PACKAGES = [("sigstore", "0.4.0"), ("sigstore", "1.0.0"), ("tuf-js", "1.0.0")]


def recorded_integrity(name: str, version: str) -> str:
    """``dist.integrity`` from the recorded ``npm view <name>@<version> dist --json``."""
    dist = json.loads((FIXTURES / f"npm-view-{name}-{version}-dist.json").read_text())
    return str(dist["integrity"])


def response(name: str, version: str) -> dict[str, Any]:
    return dict(load_json("attestations", "npm", f"{name}-{version}.attestations.json"))


def publish_bundle(data: dict[str, Any]) -> dict[str, Any]:
    (bundle,) = [
        a["bundle"] for a in data["attestations"] if a["predicateType"] == PUBLISH_PREDICATE
    ]
    return dict(bundle)


@pytest.mark.parametrize(("name", "version"), PACKAGES, ids=[f"{n}@{v}" for n, v in PACKAGES])
def test_attestations_response_verifies(name: str, version: str) -> None:
    results = verify_npm_attestations(
        response(name, version),
        name=name,
        version=version,
        integrity=recorded_integrity(name, version),
        keys=KEYS,
        trusted_root=PUBLIC_GOOD,
    )
    assert sorted(r.kind for r in results) == ["provenance", "publish"]
    publish = next(r.verified for r in results if r.kind == "publish")
    provenance = next(r.verified for r in results if r.kind == "provenance")
    assert publish.key_id == OLD_KEY
    assert publish.san is None
    assert publish.predicate_type == PUBLISH_PREDICATE
    assert provenance.source_repository is not None
    assert provenance.san is not None
    assert provenance.san.startswith(provenance.source_repository)
    assert provenance.issuer == "https://token.actions.githubusercontent.com"
    assert publish.integrated_time is not None
    assert provenance.integrated_time is not None


def test_integrity_digest_is_hex_of_sri() -> None:
    assert integrity_digest(recorded_integrity("sigstore", "1.0.0")) == (
        "sha512:7bea9f6e7ff37f5fab0b36bf061200fff03099fd2fd696b91d04bc5e4f225eb9"
        "fd6e0cadcad54ba980f43fb352a99e8810b4e0abeb5c0ef2cf9108cd1f258b36"
    )
    with pytest.raises(NpmAttestationError, match="is not an SRI sha2 digest"):
        integrity_digest("md5-AAAA")


# --- publish attestations, tampered --------------------------------------------------------


def flip_b64(text: str, index: int) -> str:
    raw = bytearray(base64.b64decode(text))
    raw[index] ^= 0x01
    return base64.b64encode(bytes(raw)).decode()


def entry(bundle: dict[str, Any]) -> dict[str, Any]:
    return bundle["verificationMaterial"]["tlogEntries"][0]  # type: ignore[no-any-return]


def t_signature(bundle: dict[str, Any], keys: dict[str, Any]) -> None:
    signature = bundle["dsseEnvelope"]["signatures"][0]
    signature["sig"] = flip_b64(signature["sig"], 10)


def t_payload(bundle: dict[str, Any], keys: dict[str, Any]) -> None:
    bundle["dsseEnvelope"]["payload"] = flip_b64(bundle["dsseEnvelope"]["payload"], 30)


def t_set(bundle: dict[str, Any], keys: dict[str, Any]) -> None:
    promise = entry(bundle)["inclusionPromise"]
    promise["signedEntryTimestamp"] = flip_b64(promise["signedEntryTimestamp"], 12)


def t_body(bundle: dict[str, Any], keys: dict[str, Any]) -> None:
    body = json.loads(base64.b64decode(entry(bundle)["canonicalizedBody"]))
    body["spec"]["content"]["envelope"]["signatures"][0]["sig"] = base64.b64encode(b"x").decode()
    entry(bundle)["canonicalizedBody"] = base64.b64encode(json.dumps(body).encode()).decode()


def t_expired_key(bundle: dict[str, Any], keys: dict[str, Any]) -> None:
    # One second before the log entry was integrated.
    when = datetime.fromtimestamp(int(entry(bundle)["integratedTime"]) - 1, UTC)
    keys["keys"][0]["expires"] = when.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def t_wrong_keyid(bundle: dict[str, Any], keys: dict[str, Any]) -> None:
    bundle["verificationMaterial"]["publicKey"]["hint"] = CURRENT_KEY


def t_unknown_keyid(bundle: dict[str, Any], keys: dict[str, Any]) -> None:
    bundle["verificationMaterial"]["publicKey"]["hint"] = "SHA256:unknown"


PUBLISH_TAMPERED: list[tuple[str, Callable[[dict[str, Any], dict[str, Any]], None], str]] = [
    ("signature", t_signature, "DSSE signature failed: the signature does not match"),
    ("payload", t_payload, "DSSE signature failed: the signature does not match"),
    ("set", t_set, "signed entry timestamp failed: the signature does not match"),
    ("body", t_body, "log entry body failed: the signature differs from the envelope's"),
    ("expired-key", t_expired_key, f"registry key failed: key {OLD_KEY} expired"),
    ("wrong-keyid", t_wrong_keyid, "DSSE signature failed: the signature does not match"),
    ("unknown-keyid", t_unknown_keyid, "registry key failed: no registry key has keyid"),
]
PUBLISH_CASES = [(p, *t) for p in PACKAGES for t in PUBLISH_TAMPERED]


@pytest.mark.parametrize(
    ("package", "what", "tamper", "message"),
    PUBLISH_CASES,
    ids=[f"{n}@{v}-{what}" for (n, v), what, _, _ in PUBLISH_CASES],
)
def test_tampered_publish_attestation_is_rejected(
    package: tuple[str, str],
    what: str,
    tamper: Callable[[dict[str, Any], dict[str, Any]], None],
    message: str,
) -> None:
    name, version = package
    bundle = copy.deepcopy(publish_bundle(response(name, version)))
    keys = copy.deepcopy(KEYS)
    tamper(bundle, keys)
    with pytest.raises(NpmAttestationError) as caught:
        verify_publish_attestation(
            bundle,
            name=name,
            version=version,
            integrity=recorded_integrity(name, version),
            keys=keys,
            trusted_root=PUBLIC_GOOD,
        )
    assert str(caught.value).startswith(f"{name}@{version}: {message}")


@pytest.mark.parametrize(("name", "version"), PACKAGES, ids=[f"{n}@{v}" for n, v in PACKAGES])
def test_another_artifact_is_rejected(name: str, version: str) -> None:
    other = recorded_integrity(*next(p for p in PACKAGES if p != (name, version)))
    with pytest.raises(NpmAttestationError) as caught:
        verify_npm_attestations(
            response(name, version),
            name=name,
            version=version,
            integrity=other,
            keys=KEYS,
            trusted_root=PUBLIC_GOOD,
        )
    assert caught.value.step == "subject"
    assert caught.value.subject == f"{name}@{version}"


def test_publish_attestation_for_another_package_name_is_rejected() -> None:
    with pytest.raises(NpmAttestationError, match=r"the predicate names sigstore@1\.0\.0"):
        verify_publish_attestation(
            publish_bundle(response("sigstore", "1.0.0")),
            name="sigstore-fork",
            version="1.0.0",
            integrity=recorded_integrity("sigstore", "1.0.0"),
            keys=KEYS,
            trusted_root=PUBLIC_GOOD,
        )


def test_tampered_provenance_in_response_names_the_package() -> None:
    data = copy.deepcopy(response("tuf-js", "1.0.0"))
    bundle = next(
        a["bundle"] for a in data["attestations"] if a["predicateType"] != PUBLISH_PREDICATE
    )
    bundle["dsseEnvelope"]["payload"] = flip_b64(bundle["dsseEnvelope"]["payload"], 30)
    with pytest.raises(NpmAttestationError) as caught:
        verify_npm_attestations(
            data,
            name="tuf-js",
            version="1.0.0",
            integrity=recorded_integrity("tuf-js", "1.0.0"),
            keys=KEYS,
            trusted_root=PUBLIC_GOOD,
        )
    assert str(caught.value) == (
        "tuf-js@1.0.0: DSSE signature failed: the signature does not match"
    )
    assert isinstance(caught.value, PolypacError)


def test_empty_response_is_rejected() -> None:
    with pytest.raises(NpmAttestationError, match="no attestations in the response"):
        verify_npm_attestations(
            {"attestations": []},
            name="x",
            version="1.0.0",
            integrity=recorded_integrity("sigstore", "1.0.0"),
            keys=KEYS,
            trusted_root=PUBLIC_GOOD,
        )


# --- registry signatures ---------------------------------------------------------------------
# The reachable registry strips dist.signatures (see fixtures/README.md), so no real registry
# signature over "name@version:integrity" is on record: these tests sign with a key of their
# own, published in a keys document of the registry's format, and check the anchors' real keys
# for key selection and expiry.

WHEN = datetime(2024, 6, 1, tzinfo=UTC)


def own_keys(expires: str | None = None) -> tuple[ec.EllipticCurvePrivateKey, dict[str, Any]]:
    private = ec.generate_private_key(ec.SECP256R1())
    spki = private.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    document = copy.deepcopy(KEYS)
    document["keys"].append(
        {
            "expires": expires,
            "keyid": "SHA256:test-key",
            "keytype": "ecdsa-sha2-nistp256",
            "scheme": "ecdsa-sha2-nistp256",
            "key": base64.b64encode(spki).decode(),
        }
    )
    return private, document


def sign(private: ec.EllipticCurvePrivateKey, message: str) -> str:
    return base64.b64encode(private.sign(message.encode(), ec.ECDSA(hashes.SHA256()))).decode()


INTEGRITY = recorded_integrity("sigstore", "1.0.0")


def test_registry_signature_verifies() -> None:
    private, keys = own_keys()
    sig = sign(private, f"sigstore@1.0.0:{INTEGRITY}")
    signatures = [{"keyid": "SHA256:test-key", "sig": sig}]
    assert verify_registry_signature(
        "sigstore", "1.0.0", INTEGRITY, signatures, keys, when=WHEN
    ) == ("SHA256:test-key")


@pytest.mark.parametrize(
    ("name", "version", "integrity"),
    [
        ("sigstore-fork", "1.0.0", INTEGRITY),
        ("sigstore", "1.0.1", INTEGRITY),
        ("sigstore", "1.0.0", recorded_integrity("sigstore", "0.4.0")),
    ],
    ids=["other-name", "other-version", "other-integrity"],
)
def test_registry_signature_over_other_data_is_rejected(
    name: str, version: str, integrity: str
) -> None:
    private, keys = own_keys()
    sig = sign(private, f"sigstore@1.0.0:{INTEGRITY}")
    with pytest.raises(NpmAttestationError) as caught:
        verify_registry_signature(
            name, version, integrity, [{"keyid": "SHA256:test-key", "sig": sig}], keys, when=WHEN
        )
    assert str(caught.value) == (
        f"{name}@{version}: registry signature failed: the signature does not match"
    )


def test_registry_signature_with_expired_key_is_rejected() -> None:
    private, keys = own_keys(expires="2024-01-01T00:00:00.000Z")
    sig = sign(private, f"sigstore@1.0.0:{INTEGRITY}")
    with pytest.raises(NpmAttestationError) as caught:
        verify_registry_signature(
            "sigstore",
            "1.0.0",
            INTEGRITY,
            [{"keyid": "SHA256:test-key", "sig": sig}],
            keys,
            when=WHEN,
        )
    assert str(caught.value) == (
        "sigstore@1.0.0: registry key failed: key SHA256:test-key expired 2024-01-01T00:00:00Z,"
        " before the signing time 2024-06-01T00:00:00Z"
    )


def test_registry_signature_by_the_anchors_expired_key_is_refused() -> None:
    # The anchors' jl3bw... key expires 2025-01-29: judged later, any signature is refused.
    with pytest.raises(NpmAttestationError, match=f"key {OLD_KEY} expired 2025-01-29"):
        verify_registry_signature(
            "sigstore",
            "1.0.0",
            INTEGRITY,
            [{"keyid": OLD_KEY, "sig": "AAAA"}],
            KEYS,
            when=datetime(2025, 6, 1, tzinfo=UTC),
        )


def test_registry_signature_with_wrong_keyid_is_rejected() -> None:
    private, keys = own_keys()
    sig = sign(private, f"sigstore@1.0.0:{INTEGRITY}")
    with pytest.raises(NpmAttestationError, match="registry signature failed"):
        verify_registry_signature(
            "sigstore", "1.0.0", INTEGRITY, [{"keyid": CURRENT_KEY, "sig": sig}], keys, when=WHEN
        )
    with pytest.raises(NpmAttestationError, match="no registry key has keyid SHA256:nope"):
        verify_registry_signature(
            "sigstore", "1.0.0", INTEGRITY, [{"keyid": "SHA256:nope", "sig": sig}], keys, when=WHEN
        )


def test_one_good_signature_among_several_is_enough() -> None:
    private, keys = own_keys()
    good = sign(private, f"sigstore@1.0.0:{INTEGRITY}")
    signatures = [{"keyid": "SHA256:nope", "sig": good}, {"keyid": "SHA256:test-key", "sig": good}]
    assert (
        verify_registry_signature("sigstore", "1.0.0", INTEGRITY, signatures, keys, when=WHEN)
        == "SHA256:test-key"
    )


def test_no_signature_is_rejected() -> None:
    with pytest.raises(NpmAttestationError, match="registry signature failed: no signature"):
        verify_registry_signature("sigstore", "1.0.0", INTEGRITY, [], KEYS, when=WHEN)


def _paths(value: object, prefix: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    found: list[tuple[str | int, ...]] = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, (*prefix, index))
    return found


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_malformed_response_raises_only_the_typed_error(data: st.DataObject) -> None:
    value = copy.deepcopy(response("sigstore", "1.0.0"))
    path = data.draw(st.sampled_from(_paths(value)))
    parent: Any = value
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = data.draw(st.sampled_from([None, 0, "", "x", [], {}, [1], {"a": 1}]))
    try:
        verify_npm_attestations(
            value,
            name="sigstore",
            version="1.0.0",
            integrity=INTEGRITY,
            keys=KEYS,
            trusted_root=PUBLIC_GOOD,
        )
    except NpmAttestationError as error:
        subject = error.subject
    else:
        return
    assert subject == "sigstore@1.0.0"
