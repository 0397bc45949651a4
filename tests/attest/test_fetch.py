"""Fetching attestations from recorded registry responses on a fake server (127.0.0.1)."""

from __future__ import annotations

import json
import pickle
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from polypac.attest import Digest
from polypac.attest.fetch import (
    ArtifactAttestations,
    Endpoints,
    FetchError,
    NoAttestations,
    fetch_attestations,
    fetch_github,
)
from polypac.net import HttpClient, HttpResponse, NetError
from tests.attest._cases import PYPI_ATTESTATIONS_0_0_19, SIGSTORE_1_0_0_GEM
from tests.attest._recorded import (
    ALL_PURLS,
    GEM_PURL,
    MAVEN_PATH,
    MAVEN_PURL,
    PYPI_FILE,
    PYPI_PURL,
    Registry,
    json_reply,
    npm_dist,
    packument,
    raw,
    recorded_scripts,
    simple_page,
)
from tests.net._server import Reply, Script, serve


@pytest.fixture
def registry() -> Iterator[Registry]:
    with serve() as server:
        server.scripts.update(recorded_scripts(server.base_url))
        yield Registry(server)


@pytest.fixture
def client(tmp_path: Path) -> Iterator[HttpClient]:
    with HttpClient(tmp_path / "cache", retries=2, backoff=0.0) as http:
        http.sleep = lambda seconds: None
        yield http


def only(found: object) -> ArtifactAttestations:
    assert isinstance(found, tuple), found
    assert len(found) == 1
    artifact = found[0]
    assert isinstance(artifact, ArtifactAttestations)
    return artifact


def provenance_count() -> int:
    document = json.loads(raw("pypi", f"{PYPI_FILE}.provenance"))
    return sum(len(group["attestations"]) for group in document["attestation_bundles"])


@pytest.mark.parametrize("purl", ALL_PURLS)
def test_recorded_endpoints_give_attestations(
    registry: Registry, client: HttpClient, purl: str
) -> None:
    found = fetch_attestations(client, [purl], endpoints=registry.endpoints)
    artifact = only(found[purl])
    assert artifact.missing is None
    assert artifact.attestations
    assert artifact.digests


def test_all_packages_are_fetched_in_one_batch(registry: Registry, client: HttpClient) -> None:
    found = fetch_attestations(client, ALL_PURLS, endpoints=registry.endpoints)
    assert list(found) == ALL_PURLS
    assert all(isinstance(value, tuple) for value in found.values())
    # the npm keys are fetched once for all npm packages
    assert registry.server.count("/npm/-/npm/v1/keys") == 1


def test_pypi_digest_and_provenance_url_come_from_the_simple_api(
    registry: Registry, client: HttpClient
) -> None:
    artifact = only(
        fetch_attestations(client, [PYPI_PURL], endpoints=registry.endpoints)[PYPI_PURL]
    )
    assert artifact.artifact == PYPI_FILE
    assert artifact.digests == (Digest("sha256", PYPI_ATTESTATIONS_0_0_19),)
    assert artifact.url == registry.server.url(f"/provenance/{PYPI_FILE}")
    assert len(artifact.attestations) == provenance_count()
    assert artifact.attestations[0].publisher is not None
    headers = registry.server.headers_of("/simple/pypi-attestations/")
    assert headers[0]["accept"] == "application/vnd.pypi.simple.v1+json"


def test_pypi_without_provenance_field_asks_the_integrity_api(
    registry: Registry, client: HttpClient
) -> None:
    base = registry.server.base_url
    registry.server.scripts["/simple/pypi-attestations/"] = json_reply(
        simple_page(base, provenance="absent")
    )
    integrity = f"/integrity/pypi-attestations/0.0.19/{PYPI_FILE}/provenance"
    registry.server.scripts[integrity] = [Reply(200, raw("pypi", f"{PYPI_FILE}.provenance"))]
    artifact = only(
        fetch_attestations(client, [PYPI_PURL], endpoints=registry.endpoints)[PYPI_PURL]
    )
    assert artifact.url == registry.server.url(integrity)
    assert len(artifact.attestations) == provenance_count()


def test_pypi_null_provenance_is_missing_without_a_request(
    registry: Registry, client: HttpClient
) -> None:
    base = registry.server.base_url
    registry.server.scripts["/simple/pypi-attestations/"] = json_reply(
        simple_page(base, provenance=None)
    )
    artifact = only(
        fetch_attestations(client, [PYPI_PURL], endpoints=registry.endpoints)[PYPI_PURL]
    )
    assert artifact.attestations == ()
    assert isinstance(artifact.missing, NoAttestations)
    assert artifact.missing.reason == f"the index lists no provenance for {PYPI_FILE}"
    assert registry.server.count(f"/provenance/{PYPI_FILE}") == 0


def test_lockfile_checksum_overrides_the_index_hash(registry: Registry, client: HttpClient) -> None:
    purl = f"{PYPI_PURL}?checksum=sha256:{'ab' * 32}"
    found = fetch_attestations(client, [purl], endpoints=registry.endpoints)
    artifact = only(next(iter(found.values())))
    assert artifact.digests == (Digest("sha256", "ab" * 32),)


def test_404_on_attestations_is_no_attestations(registry: Registry, client: HttpClient) -> None:
    del registry.server.scripts["/npm/-/npm/v1/attestations/sigstore@1.0.0"]
    purl = "pkg:npm/sigstore@1.0.0"
    artifact = only(fetch_attestations(client, [purl], endpoints=registry.endpoints)[purl])
    assert artifact.attestations == ()
    assert artifact.missing is not None
    assert "HTTP 404" in artifact.missing.reason


def test_npm_material_is_integrity_keys_and_response(
    registry: Registry, client: HttpClient
) -> None:
    purl = "pkg:npm/sigstore@1.0.0"
    artifact = only(fetch_attestations(client, [purl], endpoints=registry.endpoints)[purl])
    assert artifact.npm is not None
    assert artifact.npm.integrity == npm_dist("sigstore", "1.0.0")["integrity"]
    assert artifact.digests[0].algorithm == "sha512"
    assert "keys" in artifact.npm.keys
    assert artifact.npm.response is not None
    assert artifact.artifact == "sigstore-1.0.0.tgz"


def test_npm_dist_attestations_url_is_followed(registry: Registry, client: HttpClient) -> None:
    elsewhere = "/elsewhere/sigstore-1.0.0.json"
    registry.server.scripts["/npm/sigstore"] = json_reply(
        packument(
            "sigstore",
            attestations={"url": registry.server.url(elsewhere)},
            signatures=[{"keyid": "SHA256:x", "sig": "MEUC"}],
        )
    )
    registry.server.scripts[elsewhere] = [
        Reply(200, raw("npm", "sigstore-1.0.0.attestations.json"))
    ]
    purl = "pkg:npm/sigstore@1.0.0"
    artifact = only(fetch_attestations(client, [purl], endpoints=registry.endpoints)[purl])
    assert artifact.url == registry.server.url(elsewhere)
    assert artifact.npm is not None
    assert artifact.npm.signatures == (("SHA256:x", "MEUC"),)


def test_rubygems_array_of_bundles(registry: Registry, client: HttpClient) -> None:
    artifact = only(fetch_attestations(client, [GEM_PURL], endpoints=registry.endpoints)[GEM_PURL])
    assert artifact.artifact == "sigstore-1.0.0.gem"
    assert artifact.digests == (Digest("sha256", SIGSTORE_1_0_0_GEM),)
    assert [a.kind for a in artifact.attestations] == ["message_signature"]


def test_maven_falls_back_to_legacy_sigstore_suffix(registry: Registry, client: HttpClient) -> None:
    registry.server.scripts[f"{MAVEN_PATH}.sigstore"] = registry.server.scripts.pop(
        f"{MAVEN_PATH}.sigstore.json"
    )
    artifact = only(
        fetch_attestations(client, [MAVEN_PURL], endpoints=registry.endpoints)[MAVEN_PURL]
    )
    assert artifact.url == registry.server.url(f"{MAVEN_PATH}.sigstore")
    assert artifact.artifact == "a-1.0.txt"
    assert artifact.digests == (Digest.of_bytes(raw("maven", "a.txt"))[0],)


# bad input: each a typed error naming the package, the step and the URL


BAD: dict[str, tuple[Script, str, str]] = {
    "malformed-json": (
        [Reply(200, b'{"versions": ')],
        "packument",
        "malformed JSON: Expecting value: line 1 column 14 (char 13)",
    ),
    "utf-16": ([Reply(200, json.dumps({"versions": {}}).encode("utf-16"))], "packument",
               "not UTF-8 text (byte 0: invalid start byte)"),
    "latin-1": ([Reply(200, '{"name": "sigstore\xe9"}'.encode("latin-1"))], "packument",
                "not UTF-8 text (byte 18: invalid continuation byte)"),
    "server-error": ([Reply(500, b"oops")], "packument",
                     "HTTP 500: Internal Server Error after 3 attempts"),
    "not-a-packument": (json_reply({"versions": []}), "packument",
                        "no version {version} in the packument"),
    "no-integrity": (json_reply({"versions": {"0.4.0": {"dist": {"signatures": 5}},
                                              "1.0.0": {"dist": {"integrity": 5}}}}),
                     "packument", "the version has no dist.integrity"),
    "bad-integrity": (json_reply({"versions": {v: {"dist": {"integrity": "sha512-%%"}}
                                               for v in ("0.4.0", "1.0.0")}}),
                      "packument", "dist.integrity: 'sha512-%%' is not base64"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(BAD))
def test_bad_packument_is_a_typed_error_and_others_go_on(
    registry: Registry, client: HttpClient, case: str
) -> None:
    script, step, reason = BAD[case]
    registry.server.scripts["/npm/sigstore"] = script
    found = fetch_attestations(client, ALL_PURLS, endpoints=registry.endpoints)
    for purl in ("pkg:npm/sigstore@0.4.0", "pkg:npm/sigstore@1.0.0"):
        error = found[purl]
        assert isinstance(error, FetchError)
        assert error.source == purl
        assert error.step == step
        assert error.reason == reason.format(version=purl.rsplit("@", 1)[1])
        assert error.url == registry.server.url("/npm/sigstore")
    for purl in (PYPI_PURL, "pkg:npm/tuf-js@1.0.0", GEM_PURL, MAVEN_PURL):
        assert isinstance(found[purl], tuple), found[purl]


def test_server_error_message_names_package_step_and_url(
    registry: Registry, client: HttpClient
) -> None:
    registry.server.scripts["/npm/-/npm/v1/attestations/tuf-js@1.0.0"] = [Reply(503, b"")]
    error = fetch_attestations(client, ["pkg:npm/tuf-js@1.0.0"], endpoints=registry.endpoints)[
        "pkg:npm/tuf-js@1.0.0"
    ]
    assert isinstance(error, FetchError)
    url = registry.server.url("/npm/-/npm/v1/attestations/tuf-js@1.0.0")
    assert str(error) == (
        "pkg:npm/tuf-js@1.0.0: cannot fetch attestations (step: attestations): "
        f"HTTP 503: Service Unavailable after 3 attempts (GET {url})"
    )
    assert registry.server.count("/npm/-/npm/v1/attestations/tuf-js@1.0.0") == 3
    assert pickle.loads(pickle.dumps(error)).url == url


def test_truncated_response_is_retried_then_an_error(
    registry: Registry, client: HttpClient
) -> None:
    path = f"/provenance/{PYPI_FILE}"
    registry.server.scripts[path] = [
        Reply(200, raw("pypi", f"{PYPI_FILE}.provenance")[:50], cut=True)
    ]
    error = fetch_attestations(client, [PYPI_PURL], endpoints=registry.endpoints)[PYPI_PURL]
    assert isinstance(error, FetchError)
    assert error.step == "attestations"
    assert "cut short" in error.reason
    assert registry.server.count(path) == 3


def test_truncated_bundle_is_an_attestations_error(registry: Registry, client: HttpClient) -> None:
    bundle = json.loads(raw("rubygems", "sigstore-1.0.0.gem.sigstore.json"))
    del bundle["verificationMaterial"]
    registry.server.scripts["/gems/api/v1/attestations/sigstore-1.0.0.json"] = json_reply([bundle])
    error = fetch_attestations(client, [GEM_PURL], endpoints=registry.endpoints)[GEM_PURL]
    assert isinstance(error, FetchError)
    assert error.step == "attestations (bundle)"
    assert error.reason == "missing object verificationMaterial"


def test_unknown_media_type_is_an_attestations_error(
    registry: Registry, client: HttpClient
) -> None:
    bundle = json.loads(raw("rubygems", "sigstore-1.0.0.gem.sigstore.json"))
    bundle["mediaType"] = "application/x-other"
    registry.server.scripts["/gems/api/v1/attestations/sigstore-1.0.0.json"] = json_reply([bundle])
    error = fetch_attestations(client, [GEM_PURL], endpoints=registry.endpoints)[GEM_PURL]
    assert isinstance(error, FetchError)
    assert error.step == "attestations (media type)"


@pytest.mark.parametrize(
    ("purl", "reason"),
    [
        ("pkg:cargo/serde@1.0.0", "cargo packages have no attestations"),
        ("pkg:npm/sigstore", "a version is needed"),
    ],
)
def test_targets_without_attestations_are_errors(
    client: HttpClient, purl: str, reason: str
) -> None:
    error = fetch_attestations(client, [purl])[purl]
    assert isinstance(error, FetchError)
    assert (error.step, error.reason) == ("purl", reason)


def test_bad_purl_text_is_an_error(client: HttpClient) -> None:
    error = fetch_attestations(client, ["pkg:"])["pkg:"]
    assert isinstance(error, FetchError)
    assert error.step == "purl"


# GitHub


@pytest.mark.parametrize(
    ("owner", "path"),
    [
        ({"repository": "octo/demo"}, "/github/repos/octo/demo/attestations/"),
        ({"org": "octo"}, "/github/orgs/octo/attestations/"),
        ({"user": "octocat"}, "/github/users/octocat/attestations/"),
    ],
    ids=["repository", "org", "user"],
)
def test_github_attestations_by_digest(
    registry: Registry, client: HttpClient, owner: dict[str, str], path: str
) -> None:
    digest = Digest.of_file(Path(__file__))[0]
    bundle = json.loads(raw("github", "reusable-workflow-attestation.sigstore.json"))
    registry.server.scripts[f"{path}{digest}"] = json_reply(
        {"attestations": [{"bundle": bundle, "repository_id": 1}]}
    )
    found = fetch_github(client, digest, api=registry.server.url("/github"), **owner)
    assert isinstance(found, list)
    assert [a.kind for a in found] == ["dsse"]


def test_github_404_is_no_attestations(registry: Registry, client: HttpClient) -> None:
    digest = Digest.of_file(Path(__file__))[0]
    found = fetch_github(client, digest, repository="o/r", api=registry.server.url("/github"))
    assert isinstance(found, NoAttestations)
    assert found.url == registry.server.url(f"/github/repos/o/r/attestations/{digest}")


def test_github_needs_one_owner(client: HttpClient) -> None:
    with pytest.raises(ValueError, match="exactly one"):
        fetch_github(client, Digest("sha256", "00" * 32), repository="o/r", org="o")


def test_maven_without_sha256_hashes_the_artifact(registry: Registry, client: HttpClient) -> None:
    del registry.server.scripts[f"{MAVEN_PATH}.sha256"]
    registry.server.scripts[MAVEN_PATH] = [Reply(200, raw("maven", "a.txt"))]
    found = fetch_attestations(client, [MAVEN_PURL], endpoints=registry.endpoints)[MAVEN_PURL]
    artifact = only(found)
    assert artifact.digests == Digest.of_bytes(raw("maven", "a.txt"))


def test_maven_artifact_failure_is_an_error(registry: Registry, client: HttpClient) -> None:
    del registry.server.scripts[f"{MAVEN_PATH}.sha256"]
    error = fetch_attestations(client, [MAVEN_PURL], endpoints=registry.endpoints)[MAVEN_PURL]
    assert isinstance(error, FetchError)
    assert (error.step, error.reason) == ("artifact", "HTTP 404: Not Found")


# property: whatever a registry answers, a package ends as a value or a FetchError


class CannedClient(HttpClient):
    """Answers every URL with one body (no network): for the property tests."""

    def __init__(self, cache_dir: Path, body: bytes) -> None:
        super().__init__(cache_dir)
        self.body = body

    def get_many(
        self,
        urls: Iterable[str],
        *,
        headers: Mapping[str, str] | None = None,
        accept: str | None = None,
    ) -> dict[str, HttpResponse | NetError]:
        return {url: HttpResponse(url, 200, {}, self.body, False) for url in urls}


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(
        st.sampled_from(["versions", "1.0.0", "dist", "integrity", "files", "filename",
                         "provenance", "attestations", "bundle", "sha", "keys", "mediaType",
                         "url", "hashes", "sha256", "signatures", "tarball", "keyid",
                         "sig", "attestation_bundles", "version", "publisher"]),
        inner,
        max_size=4,
    ),
    max_leaves=12,
)  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=st.binary(max_size=64) | JSON_VALUES.map(lambda value: json.dumps(value).encode()))
def test_any_answer_gives_values_or_fetch_errors(tmp_path_factory: Any, body: bytes) -> None:
    client = CannedClient(tmp_path_factory.mktemp("cache"), body)
    purls = ["pkg:pypi/p@1.0", "pkg:npm/n@1.0.0", "pkg:gem/g@1.0", "pkg:maven/o.g/a@1.0"]
    found = fetch_attestations(client, purls)
    assert set(found) == set(purls)
    for value in found.values():
        assert isinstance(value, (tuple, FetchError)), value


def test_answer_keeps_the_order_given(registry: Registry, client: HttpClient) -> None:
    purls = ["pkg:cargo/x@1", GEM_PURL, "pkg:", PYPI_PURL]
    assert list(fetch_attestations(client, purls, endpoints=registry.endpoints)) == purls


def test_configured_endpoints_follow_pip_and_npm(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIP_INDEX_URL", "https://mirror.example/simple/")
    monkeypatch.setenv("PIP_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("npm_config_registry", "https://npm.example/")
    configured = Endpoints.configured()
    assert configured.pypi_simple == "https://mirror.example/simple"
    assert configured.pypi_integrity is None  # only pypi.org serves the integrity API
    assert configured.npm_registry == "https://npm.example"


def test_provenance_in_another_encoding_is_an_error(registry: Registry, client: HttpClient) -> None:
    path = f"/provenance/{PYPI_FILE}"
    text = raw("pypi", f"{PYPI_FILE}.provenance").decode("utf-8")
    registry.server.scripts[path] = [Reply(200, text.encode("utf-16"))]
    error = fetch_attestations(client, [PYPI_PURL], endpoints=registry.endpoints)[PYPI_PURL]
    assert isinstance(error, FetchError)
    assert (error.step, error.reason) == (
        "attestations",
        "not UTF-8 text (byte 0: invalid start byte)",
    )
    assert error.url == registry.server.url(path)


def test_rubygems_platform_names_the_file(registry: Registry, client: HttpClient) -> None:
    scripts = registry.server.scripts
    scripts["/gems/api/v2/rubygems/sigstore/versions/1.0.0.json?platform=java"] = scripts[
        "/gems/api/v2/rubygems/sigstore/versions/1.0.0.json"
    ]
    scripts["/gems/api/v1/attestations/sigstore-1.0.0-java.json"] = scripts[
        "/gems/api/v1/attestations/sigstore-1.0.0.json"
    ]
    purl = "pkg:gem/sigstore@1.0.0?platform=java"
    artifact = only(fetch_attestations(client, [purl], endpoints=registry.endpoints)[purl])
    assert artifact.artifact == "sigstore-1.0.0-java.gem"
    assert artifact.url == registry.server.url("/gems/api/v1/attestations/sigstore-1.0.0-java.json")


def test_scoped_npm_package_paths(registry: Registry, client: HttpClient) -> None:
    document = packument("sigstore")
    document["name"] = "@sigstore/cli"
    registry.server.scripts["/npm/@sigstore%2Fcli"] = json_reply(document)
    registry.server.scripts["/npm/-/npm/v1/attestations/@sigstore/cli@1.0.0"] = [
        Reply(200, raw("npm", "sigstore-1.0.0.attestations.json"))
    ]
    purl = "pkg:npm/%40sigstore/cli@1.0.0"
    artifact = only(fetch_attestations(client, [purl], endpoints=registry.endpoints)[purl])
    assert artifact.url == registry.server.url("/npm/-/npm/v1/attestations/@sigstore/cli@1.0.0")


def test_packages_are_fetched_concurrently(registry: Registry, client: HttpClient) -> None:
    scripts = registry.server.scripts
    for path in ("/npm/sigstore", "/npm/tuf-js", "/simple/pypi-attestations/"):
        reply = scripts[path]
        assert isinstance(reply, list)
        scripts[path] = [Reply(r.status, r.body, r.headers, sleep=0.3) for r in reply]
    fetch_attestations(client, ALL_PURLS, endpoints=registry.endpoints)
    assert registry.server.most_in_flight >= 2


def test_offline_run_is_served_from_the_cache(
    registry: Registry, client: HttpClient, tmp_path: Path
) -> None:
    online = fetch_attestations(client, ALL_PURLS, endpoints=registry.endpoints)
    served = len(registry.server.requests)
    with HttpClient(tmp_path / "cache", offline=True) as offline:
        again = fetch_attestations(offline, ALL_PURLS, endpoints=registry.endpoints)
    assert len(registry.server.requests) == served
    assert again == online


def test_offline_without_cache_is_an_error(registry: Registry, tmp_path: Path) -> None:
    with HttpClient(tmp_path / "empty", offline=True) as offline:
        error = fetch_attestations(offline, [GEM_PURL], endpoints=registry.endpoints)[GEM_PURL]
    assert isinstance(error, FetchError)
    assert error.step == "version info"
    assert error.reason.startswith("not in the cache")
