"""verify_project over recorded registry responses: every ecosystem in one batch."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from polypac.attest.fetch import ATTESTED_TYPES
from polypac.attest.pins import PinStore
from polypac.attest.policy import NoPolicy, Policy, Repository
from polypac.attest.project import PackageVerdict, TargetError, targets_of, verify_project
from polypac.net import HttpClient
from polypac.purl import PackageURL
from tests.attest._cases import PYPI_ATTESTATION_MODELS_0_0_4A2, production_root
from tests.attest._recorded import (
    ALL_PURLS,
    GEM_PURL,
    MAVEN_PURL,
    PYPI_FILE,
    PYPI_PURL,
    Registry,
    json_reply,
    packument,
    raw,
    recorded_scripts,
    simple_page,
)
from tests.net._server import Reply, serve


@pytest.fixture
def registry() -> Iterator[Registry]:
    with serve() as server:
        server.scripts.update(recorded_scripts(server.base_url))
        yield Registry(server)


@pytest.fixture
def client(tmp_path: Path) -> Iterator[HttpClient]:
    with HttpClient(tmp_path / "cache", retries=1, backoff=0.0) as http:
        http.sleep = lambda seconds: None
        yield http


def any_signer(purl: PackageURL) -> Policy:
    return NoPolicy()


def run(
    registry: Registry, client: HttpClient, purls: list[str], **options: object
) -> dict[str, PackageVerdict]:
    verdicts = verify_project(
        purls,
        client=client,
        trusted_root=production_root(),
        policy_for=options.pop("policy_for", any_signer),  # type: ignore[arg-type]  # test helper
        endpoints=registry.endpoints,
        **options,  # type: ignore[arg-type]  # progress / pins
    )
    return {verdict.purl: verdict for verdict in verdicts}


def first_log_index(*parts: str) -> int:
    """The log index of the first attestation with a certificate in an anchor file."""
    document = json.loads(raw(*parts))
    if isinstance(document, dict) and "attestation_bundles" in document:
        entry = document["attestation_bundles"][0]["attestations"][0]["verification_material"]
        return int(entry["transparency_entries"][0]["logIndex"])
    if isinstance(document, dict) and "attestations" in document:
        for item in document["attestations"]:
            material = item["bundle"]["verificationMaterial"]
            if "publicKey" not in material:
                return int(material["tlogEntries"][0]["logIndex"])
    return int(document["verificationMaterial"]["tlogEntries"][0]["logIndex"])


LOG_INDEX = {
    PYPI_PURL: ("pypi", f"{PYPI_FILE}.provenance"),
    "pkg:npm/sigstore@0.4.0": ("npm", "sigstore-0.4.0.attestations.json"),
    "pkg:npm/sigstore@1.0.0": ("npm", "sigstore-1.0.0.attestations.json"),
    "pkg:npm/tuf-js@1.0.0": ("npm", "tuf-js-1.0.0.attestations.json"),
    GEM_PURL: ("rubygems", "sigstore-1.0.0.gem.sigstore.json"),
    MAVEN_PURL: ("maven", "a.txt.sigstore.json"),
}


def test_every_recorded_package_verifies(registry: Registry, client: HttpClient) -> None:
    verdicts = run(registry, client, ALL_PURLS)
    assert list(verdicts) == ALL_PURLS
    for purl, verdict in verdicts.items():
        assert verdict.status == "verified", (purl, verdict.reason)
        assert verdict.ok
        assert verdict.log_index == first_log_index(*LOG_INDEX[purl])
        assert verdict.build_time is not None
        assert verdict.identity is not None


def test_pypi_verdict_names_the_trusted_publisher(registry: Registry, client: HttpClient) -> None:
    verdict = run(registry, client, [PYPI_PURL])[PYPI_PURL]
    publisher = json.loads(raw("pypi", f"{PYPI_FILE}.provenance"))["attestation_bundles"][0][
        "publisher"
    ]
    assert verdict.source_repository == f"https://github.com/{publisher['repository']}"
    assert verdict.workflow is not None
    assert verdict.workflow.endswith(publisher["workflow"])
    assert verdict.commit is not None
    assert len(verdict.commit) == 40
    assert verdict.artifacts == (PYPI_FILE,)


def test_npm_verdict_comes_from_the_provenance_not_the_registry_key(
    registry: Registry, client: HttpClient
) -> None:
    verdict = run(registry, client, ["pkg:npm/tuf-js@1.0.0"])["pkg:npm/tuf-js@1.0.0"]
    assert verdict.identity is not None
    assert verdict.source_repository == verdict.identity.source_repository
    assert verdict.source_repository is not None
    assert verdict.source_repository.endswith("/tuf-js")


def test_missing_attestations(registry: Registry, client: HttpClient) -> None:
    del registry.server.scripts["/npm/-/npm/v1/attestations/sigstore@0.4.0"]
    verdicts = run(registry, client, ALL_PURLS)
    verdict = verdicts["pkg:npm/sigstore@0.4.0"]
    assert verdict.status == "missing"
    assert verdict.reason is not None
    assert verdict.reason.startswith("sigstore-0.4.0.tgz: no attestations (HTTP 404")
    others = [v.status for purl, v in verdicts.items() if purl != "pkg:npm/sigstore@0.4.0"]
    assert others == ["verified"] * (len(ALL_PURLS) - 1)


def test_server_failure_is_an_error_verdict_and_the_batch_goes_on(
    registry: Registry, client: HttpClient
) -> None:
    registry.server.scripts["/gems/api/v1/attestations/sigstore-1.0.0.json"] = [Reply(500)]
    registry.server.scripts["/npm/sigstore"] = [Reply(200, b"{not json")]
    verdicts = run(registry, client, ALL_PURLS)
    assert verdicts[GEM_PURL].status == "error"
    assert verdicts[GEM_PURL].reason == (
        "attestations: HTTP 500: Internal Server Error after 2 attempts "
        f"(GET {registry.server.url('/gems/api/v1/attestations/sigstore-1.0.0.json')})"
    )
    assert verdicts["pkg:npm/sigstore@1.0.0"].status == "error"
    assert verdicts["pkg:npm/sigstore@1.0.0"].reason is not None
    assert verdicts["pkg:npm/sigstore@1.0.0"].reason.startswith("packument: malformed JSON")
    for purl in (PYPI_PURL, "pkg:npm/tuf-js@1.0.0", MAVEN_PURL):
        assert verdicts[purl].status == "verified"


def test_another_artifact_is_invalid(registry: Registry, client: HttpClient) -> None:
    purl = f"{PYPI_PURL}?checksum=sha256:{'ab' * 32}"
    verdict = next(iter(run(registry, client, [purl]).values()))
    assert verdict.status == "invalid"
    assert verdict.reason is not None
    assert verdict.reason.startswith(f"{PYPI_FILE}: subject: the artifact (sha256:abab")


def test_another_npm_tarball_is_invalid(registry: Registry, client: HttpClient) -> None:
    other = packument("sigstore")
    other["versions"]["1.0.0"]["dist"]["integrity"] = other["versions"]["0.4.0"]["dist"][
        "integrity"
    ]
    registry.server.scripts["/npm/sigstore"] = json_reply(other)
    verdict = run(registry, client, ["pkg:npm/sigstore@1.0.0"])["pkg:npm/sigstore@1.0.0"]
    assert verdict.status == "invalid"


def test_policy_refusal_is_invalid(registry: Registry, client: HttpClient) -> None:
    def pinned_repository(purl: PackageURL) -> Policy:
        return Repository("someone/else")

    verdicts = run(registry, client, [PYPI_PURL, "pkg:npm/sigstore@1.0.0"],
                   policy_for=pinned_repository)  # fmt: skip
    for verdict in verdicts.values():
        assert verdict.status == "invalid"
        assert verdict.reason is not None
        assert "policy: source repository: expected 'https://github.com/someone/else'" in (
            verdict.reason
        )


def test_tampered_npm_provenance_is_invalid(registry: Registry, client: HttpClient) -> None:
    response = json.loads(raw("npm", "sigstore-1.0.0.attestations.json"))
    envelope = response["attestations"][0]["bundle"]["dsseEnvelope"]
    signature = bytearray(base64.b64decode(envelope["signatures"][0]["sig"]))
    signature[10] ^= 1
    envelope["signatures"][0]["sig"] = base64.b64encode(bytes(signature)).decode()
    registry.server.scripts["/npm/-/npm/v1/attestations/sigstore@1.0.0"] = json_reply(response)
    verdict = run(registry, client, ["pkg:npm/sigstore@1.0.0"])["pkg:npm/sigstore@1.0.0"]
    assert verdict.status == "invalid"
    assert verdict.reason is not None
    assert verdict.reason.startswith("sigstore-1.0.0.tgz: signature")


def test_bad_registry_signature_is_invalid(registry: Registry, client: HttpClient) -> None:
    keys = json.loads(raw("npm", "npm-registry-keys.json"))
    key_id = keys["keys"][0]["keyid"]
    bogus = base64.b64encode(b"\x30\x06\x02\x01\x01\x02\x01\x01").decode()
    registry.server.scripts["/npm/sigstore"] = json_reply(
        packument("sigstore", signatures=[{"keyid": key_id, "sig": bogus}])
    )
    verdict = run(registry, client, ["pkg:npm/sigstore@1.0.0"])["pkg:npm/sigstore@1.0.0"]
    assert verdict.status == "invalid"
    assert verdict.reason is not None
    assert "registry signature" in verdict.reason


def test_progress_counts_every_package(registry: Registry, client: HttpClient) -> None:
    seen: list[tuple[str, int, int]] = []
    run(registry, client, ALL_PURLS, progress=lambda *call: seen.append(call))
    assert seen == [(purl, done, len(ALL_PURLS)) for done, purl in enumerate(ALL_PURLS, 1)]


def test_pins_report_a_dropped_provenance(
    registry: Registry, client: HttpClient, tmp_path: Path
) -> None:
    pins = PinStore(tmp_path / "pins.sqlite3")
    first = run(registry, client, ["pkg:npm/sigstore@0.4.0"], pins=pins)
    assert first["pkg:npm/sigstore@0.4.0"].change is None
    del registry.server.scripts["/npm/-/npm/v1/attestations/sigstore@1.0.0"]
    later = run(registry, client, ["pkg:npm/sigstore@1.0.0"], pins=pins)
    verdict = later["pkg:npm/sigstore@1.0.0"]
    assert verdict.status == "missing"
    assert verdict.change is not None
    assert verdict.change.kind == "no provenance"
    assert not verdict.ok


def test_targets_from_a_lockfile_and_purls(tmp_path: Path) -> None:
    lock = {
        "name": "app",
        "lockfileVersion": 3,
        "packages": {
            "": {"name": "app", "dependencies": {"sigstore": "1.0.0"}},
            "node_modules/sigstore": {"version": "1.0.0"},
            "node_modules/tuf-js": {"version": "1.0.0"},
        },
    }
    (tmp_path / "package-lock.json").write_text(json.dumps(lock), "utf-8")
    (tmp_path / "Cargo.lock").write_text(
        'version = 3\n\n[[package]]\nname = "serde"\nversion = "1.0.0"\n', "utf-8"
    )
    found = targets_of([tmp_path, "pkg:pypi/pypi-attestations@0.0.19", "pkg:npm/tuf-js@1.0.0"])
    keys = [purl.to_string() for purl in found]
    assert "pkg:npm/sigstore@1.0.0" in keys
    assert keys.count("pkg:npm/tuf-js@1.0.0") == 1
    assert PYPI_PURL in keys
    assert all(purl.type in ATTESTED_TYPES and purl.version for purl in found)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)

BUNDLE_PARTS = ["verificationMaterial", "dsseEnvelope", "mediaType"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    which=st.integers(min_value=0, max_value=1),
    part=st.sampled_from(BUNDLE_PARTS),
    value=JSON_VALUES,
)
def test_any_npm_bundle_damage_is_a_verdict(
    tmp_path_factory: pytest.TempPathFactory, which: int, part: str, value: object
) -> None:
    response = json.loads(raw("npm", "tuf-js-1.0.0.attestations.json"))
    response["attestations"][which]["bundle"][part] = value
    with serve() as server:
        server.scripts.update(recorded_scripts(server.base_url))
        server.scripts["/npm/-/npm/v1/attestations/tuf-js@1.0.0"] = json_reply(response)
        with HttpClient(tmp_path_factory.mktemp("cache"), retries=0) as client:
            verdicts = run(Registry(server), client, ["pkg:npm/tuf-js@1.0.0", GEM_PURL])
    assert verdicts["pkg:npm/tuf-js@1.0.0"].status in ("invalid", "error")
    assert verdicts["pkg:npm/tuf-js@1.0.0"].reason
    assert verdicts[GEM_PURL].status == "verified"


def test_files_of_one_release_from_different_builders_are_noted(
    registry: Registry, client: HttpClient
) -> None:
    base = registry.server.base_url
    page = simple_page(base)
    wheel = "pypi_attestations-0.0.19-py3-none-any.whl"
    page["files"].append(
        {
            "filename": wheel,
            "url": "x",
            "hashes": {"sha256": PYPI_ATTESTATION_MODELS_0_0_4A2},
            "provenance": f"{base}/provenance/{wheel}",
        }
    )
    page["files"].append(
        {"filename": "pypi_attestations-0.0.19-py2-none-any.whl", "url": "x", "provenance": None}
    )
    registry.server.scripts["/simple/pypi-attestations/"] = json_reply(page)
    registry.server.scripts[f"/provenance/{wheel}"] = [
        Reply(200, raw("pypi", "pypi_attestation_models-0.0.4a2.tar.gz.sigstore"))
    ]
    verdict = run(registry, client, [PYPI_PURL])[PYPI_PURL]
    assert verdict.status == "verified"
    assert len(verdict.artifacts) == 3
    assert verdict.reason == (
        "1 of 3 files have no attestations: pypi_attestations-0.0.19-py2-none-any.whl; "
        "files built by different identities: "
        "https://github.com/trailofbits/pypi-attestation-models (.github/workflows/release.yml); "
        "https://github.com/trailofbits/pypi-attestations (.github/workflows/release.yml)"
    )


def test_target_that_does_not_exist(tmp_path: Path) -> None:
    with pytest.raises(TargetError) as caught:
        targets_of([tmp_path / "nope.lock"])
    assert str(caught.value) == (
        f"{tmp_path / 'nope.lock'}: no such file or folder\n"
        "hint: give a lockfile, a folder or a PURL"
    )
