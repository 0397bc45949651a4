"""Reading attestations: every shape in the anchors, and typed errors for everything else."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polypac.attest import BundleError, Digest, InvalidDigest, load_attestations
from polypac.attest.bundle import BUNDLE_MEDIA_TYPES
from tests.conftest import anchor

# (file under attestations/, attestation count, kinds, predicate types) — from README.md.
SLSA1 = "https://slsa.dev/provenance/v1"
SLSA02 = "https://slsa.dev/provenance/v0.2"
PYPI_PUBLISH = "https://docs.pypi.org/attestations/publish/v1"
NPM_PUBLISH = "https://github.com/npm/attestation/tree/main/specs/publish/v0.1"
SHAPES: list[tuple[str, list[str], list[str | None]]] = [
    ("pypi/pypi_attestations-0.0.19.tar.gz.provenance", ["dsse"], [PYPI_PUBLISH]),
    ("pypi/pypi_attestations-0.0.19.tar.gz.publish.attestation", ["dsse"], [PYPI_PUBLISH]),
    ("pypi/pypi_attestations-0.0.19.tar.gz.slsa.attestation", ["dsse"], [SLSA1]),
    ("pypi/gitlab_oidc_project-0.0.3.tar.gz.publish.attestation", ["dsse"], [PYPI_PUBLISH]),
    ("pypi/pypi_attestation_models-0.0.4a2.tar.gz.sigstore", ["dsse"], [PYPI_PUBLISH]),
    ("pypi/rfc8785-0.1.2-py3-none-any.whl.attestation", ["dsse"], [PYPI_PUBLISH]),
    ("rubygems/sigstore-1.0.0.gem.sigstore.json", ["message_signature"], [None]),
    ("maven/a.txt.sigstore.json", ["message_signature"], [None]),
    ("maven/a.txt.dsse-rekor-v1.sigstore.json", ["dsse"], [SLSA1]),
    ("maven/a.txt.dsse-rekor-v2.sigstore.json", ["dsse"], [SLSA1]),
    ("github/reusable-workflow-attestation.sigstore.json", ["dsse"], [SLSA1]),
    ("github/github_provenance_demo-0.0.12-py3-none-any-bundle.jsonl", ["dsse"], [SLSA1]),
    ("npm/sigstore-1.0.0.publish-v0.1.dsse.sigstore", ["dsse"], [NPM_PUBLISH]),
    ("npm/sigstore-0.4.0.attestations.json", ["dsse", "dsse"], [SLSA02, NPM_PUBLISH]),
    ("npm/sigstore-1.0.0.attestations.json", ["dsse", "dsse"], [SLSA02, NPM_PUBLISH]),
    ("npm/tuf-js-1.0.0.attestations.json", ["dsse", "dsse"], [SLSA02, NPM_PUBLISH]),
    ("npm/sigstore-2.2.0.provenance.sigstore.json", ["dsse"], [SLSA1]),
    ("npm/sigstore-js-2.1.0-bundle.json", ["dsse"], [SLSA1]),
    ("npm/sigstore-js-2.1.0-bundle-v0.1.json", ["dsse"], [SLSA1]),
]


def _read(name: str) -> bytes:
    return anchor("attestations", *name.split("/")).read_bytes()


@pytest.mark.parametrize(("name", "kinds", "predicates"), SHAPES, ids=[s[0] for s in SHAPES])
def test_every_anchor_shape_loads(name: str, kinds: list[str], predicates: list[str]) -> None:
    """Each anchor file reads as its attestations, each with a known media type."""
    attestations = load_attestations(_read(name), source=name)
    assert [a.kind for a in attestations] == kinds
    assert [a.predicate_type for a in attestations] == predicates
    assert [a.index for a in attestations] == list(range(len(kinds)))
    for attestation in attestations:
        assert attestation.media_type in BUNDLE_MEDIA_TYPES
        assert json.loads(attestation.bundle_json)["mediaType"] == attestation.media_type


def test_pep740_attestation_and_provenance_give_the_same_bundle() -> None:
    """The provenance object PyPI serves wraps the same attestation as the .publish file."""
    (alone,) = load_attestations(
        _read("pypi/pypi_attestations-0.0.19.tar.gz.publish.attestation"), source="a"
    )
    (wrapped,) = load_attestations(
        _read("pypi/pypi_attestations-0.0.19.tar.gz.provenance"), source="p"
    )
    assert alone.bundle_json == wrapped.bundle_json
    assert alone.publisher is None
    assert wrapped.publisher is not None
    assert wrapped.publisher.kind == "GitHub"
    assert wrapped.publisher.claim("repository") == "trailofbits/pypi-attestations"
    assert wrapped.publisher.claim("workflow") == "release.yml"
    assert wrapped.publisher.claim("environment") is None


def test_legacy_shapes_are_kept_for_the_legacy_path() -> None:
    """A v0.1 bundle without inclusion proof loads (stock sigstore would refuse it)."""
    attestations = load_attestations(
        _read("npm/sigstore-0.4.0.attestations.json"), source="sigstore@0.4.0"
    )
    first = attestations[0]
    assert first.media_type == "application/vnd.dev.sigstore.bundle+json;version=0.1"
    assert first.log_entry_kinds == ("intoto/0.0.2",)
    assert not first.has_inclusion_proof
    assert attestations[1].name == "sigstore@0.4.0#1"


def _bundle() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(_read("maven/a.txt.sigstore.json"))
    return document


BAD_INPUTS: list[tuple[str, bytes, str, str]] = [
    ("empty", b"", "json", "malformed JSON"),
    ("not-json", b"{mediaType:", "json", "malformed JSON"),
    ("array", b"[]", "json", "expected a JSON object, found an array"),
    ("string", b'"x"', "json", "expected a JSON object, found a string"),
    ("utf16", json.dumps(_bundle()).encode("utf-16"), "encoding", "not UTF-8 text"),
    ("latin1", b'{"a": "\xff"}', "encoding", "not UTF-8 text (byte 7: invalid start byte)"),
    ("no-shape", b'{"hello": 1}', "json", "not an attestation"),
    ("empty-response", b'{"attestations": []}', "json", "no attestations found"),
    (
        "unknown-media-type",
        json.dumps({**_bundle(), "mediaType": "application/x-bundle"}).encode(),
        "media type",
        "unknown bundle media type 'application/x-bundle'; expected one of",
    ),
    (
        "two-contents",
        json.dumps({**_bundle(), "dsseEnvelope": {}}).encode(),
        "bundle",
        "a bundle holds exactly one of dsseEnvelope and messageSignature",
    ),
    (
        "no-material",
        json.dumps({k: v for k, v in _bundle().items() if k != "verificationMaterial"}).encode(),
        "bundle",
        "missing object verificationMaterial",
    ),
    (
        "bad-base64",
        json.dumps(
            {**_bundle(), "messageSignature": {"signature": "%%%"}},
        ).encode(),
        "bundle",
        "messageSignature.signature is not valid base64",
    ),
    (
        "pep740-version",
        b'{"version": 2, "verification_material": {}, "envelope": {}}',
        "pep 740",
        "attestation: unknown version 2",
    ),
    (
        "provenance-no-publisher",
        b'{"version": 1, "attestation_bundles": [{"attestations": []}]}',
        "provenance",
        "attestation_bundles[0].publisher has no kind",
    ),
]


@pytest.mark.parametrize(
    ("data", "step", "words"),
    [case[1:] for case in BAD_INPUTS],
    ids=[case[0] for case in BAD_INPUTS],
)
def test_bad_input_is_a_typed_error(data: bytes, step: str, words: str) -> None:
    """Bad input raises BundleError naming the source and the failing step, in these words."""
    with pytest.raises(BundleError) as caught:
        load_attestations(data, source="pkg.sigstore.json")
    error = caught.value
    assert error.source.startswith("pkg.sigstore.json")
    assert error.step == step
    assert words in error.reason
    assert str(error).startswith(f"{error.source}: cannot read attestation (step: {step}): ")
    assert "Failing step: " + step in error.diagnostics()


def test_error_message_exact_words() -> None:
    """The message of an unknown media type, word for word."""
    data = json.dumps({"mediaType": "application/vnd.dev.sigstore.bundle+json;version=9"})
    with pytest.raises(BundleError) as caught:
        load_attestations(data, source="x.json")
    assert str(caught.value) == (
        "x.json: cannot read attestation (step: media type): unknown bundle media type "
        "'application/vnd.dev.sigstore.bundle+json;version=9'; expected one of "
        + ", ".join(sorted(BUNDLE_MEDIA_TYPES))
    )


CUTS = [0.1, 0.3, 0.5, 0.7, 0.9, 0.99]


@pytest.mark.parametrize("fraction", CUTS, ids=[f"cut-{int(f * 100)}%" for f in CUTS])
@pytest.mark.parametrize(
    "name",
    ["pypi/pypi_attestations-0.0.19.tar.gz.provenance", "maven/a.txt.dsse-rekor-v2.sigstore.json"],
)
def test_truncated_bundles_are_typed_errors(name: str, fraction: float) -> None:
    """A bundle cut short (a partial download) is a BundleError at the json step."""
    data = _read(name)
    with pytest.raises(BundleError) as caught:
        load_attestations(data[: int(len(data) * fraction)], source=name)
    assert caught.value.step == "json"


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_give_attestations_or_bundle_error(data: bytes) -> None:
    """No bytes make the loader raise anything but BundleError."""
    with contextlib.suppress(BundleError):
        load_attestations(data, source="fuzz")


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)
_KEYS = [
    "mediaType",
    "verificationMaterial",
    "dsseEnvelope",
    "messageSignature",
    "tlogEntries",
    "certificate",
    "attestations",
    "attestation_bundles",
    "envelope",
    "verification_material",
    "version",
]


def _paths(value: object, prefix: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found.extend(_paths(item, (*prefix, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(_paths(item, (*prefix, index)))
    return found


@settings(max_examples=200, deadline=None)
@given(
    name=st.sampled_from([s[0] for s in SHAPES]),
    data=st.data(),
    replacement=_JSON,
)
def test_mutated_real_documents_give_attestations_or_bundle_error(
    name: str, data: st.DataObject, replacement: object
) -> None:
    """Replacing any part of a real document with any JSON never escapes BundleError."""
    text = _read(name).decode()
    document = json.loads(text.splitlines()[0] if name.endswith(".jsonl") else text)
    paths = _paths(document)[1:]
    path = data.draw(st.sampled_from(paths))
    parent: Any = document
    for step in path[:-1]:
        parent = parent[step]
    if data.draw(st.booleans()) and isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent[path[-1]] = replacement
    if data.draw(st.booleans()):
        document = {data.draw(st.sampled_from(_KEYS)): document}
    with contextlib.suppress(BundleError):
        load_attestations(json.dumps(document), source="fuzz")


DIGEST_ERRORS = [
    ("sha256", "expected 'sha256:HEX' or 'sha512:HEX'", 6),
    ("md5:abcd", "expected algorithm 'sha256' or 'sha512'", 0),
    ("sha256:abz", "expected a hexadecimal digit", 9),
    ("sha512:abcd", "expected 128 hexadecimal digits after 'sha512:'", None),
]


@pytest.mark.parametrize(("text", "problem", "position"), DIGEST_ERRORS)
def test_digest_errors(text: str, problem: str, position: int | None) -> None:
    """Digest text errors point at the bad character and say what was expected."""
    with pytest.raises(InvalidDigest) as caught:
        Digest.parse(text)
    assert caught.value.problem == problem
    assert caught.value.position == position
    assert isinstance(caught.value, ValueError)
    assert str(caught.value).startswith(f"invalid digest: {problem}")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=140))
def test_any_digest_text_parses_or_is_invalid_digest(text: str) -> None:
    """Digest.parse raises nothing but InvalidDigest, and round-trips what it accepts."""
    try:
        digest = Digest.parse(text)
    except InvalidDigest:
        return
    assert Digest.parse(str(digest)) == digest
    assert str(digest).lower() == text.lower()


def test_digest_of_file(tmp_path: Path) -> None:
    """Digest.of_file gives the sha256 and sha512 of the bytes."""
    path = tmp_path / "artifact"
    path.write_bytes(b"abc")
    sha256, sha512 = Digest.of_file(path)
    assert sha256 == Digest.parse(
        "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )
    assert (sha256, sha512) == Digest.of_bytes(b"abc")
