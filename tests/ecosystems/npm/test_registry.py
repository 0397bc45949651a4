"""The npm registry client: packuments, npm's version pick, dates, faults."""

from __future__ import annotations

import base64
import hashlib
import json
import time
from concurrent.futures import Future
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from polypac.ecosystems.npm.registry import (
    ABBREVIATED,
    ManifestTable,
    NoMatchingVersion,
    NpmManifest,
    NpmRegistry,
    Packument,
    PackumentUnavailable,
    RegistryError,
    normalize_manifest,
    packument_path,
    parse_packument,
    pick_manifest,
    read_packument,
)
from tests.ecosystems.npm._fake_registry import (
    RECORDED_DATE,
    client,
    packument,
    path_of,
    recorded_packuments,
    registry_server,
)
from tests.net._server import Reply

BEFORE = datetime.fromisoformat(RECORDED_DATE.replace("Z", "+00:00"))


# --- reading packuments ------------------------------------------------------------------------


def test_recorded_packument_fields() -> None:
    document = recorded_packuments()["ajv-keywords"]
    read = parse_packument("ajv-keywords", document)
    manifest = read.versions["5.1.0"]
    assert manifest.peer_dependencies == {"ajv": "^8.8.2"}
    assert manifest.dependencies == {"fast-deep-equal": "^3.1.3"}
    assert manifest.integrity is not None
    assert manifest.integrity.startswith("sha512-")
    assert manifest.tarball == "https://registry.npmjs.org/ajv-keywords/-/ajv-keywords-5.1.0.tgz"
    assert manifest.published is not None
    assert manifest.published < BEFORE
    assert read.dist_tags["latest"] in document["versions"]


@pytest.mark.parametrize("name", sorted(recorded_packuments()))
def test_bytes_and_decoded_documents_read_alike(name: str) -> None:
    document = recorded_packuments()[name]
    from_bytes = read_packument(name, json.dumps(document).encode())
    decoded = parse_packument(name, document)
    assert (from_bytes.dist_tags, from_bytes.modified) == (decoded.dist_tags, decoded.modified)
    assert list(from_bytes.versions) == list(decoded.versions)
    for version, manifest in decoded.versions.items():
        assert from_bytes.versions[version] == manifest
        assert from_bytes.versions[version].raw == manifest.raw


def test_manifests_are_built_when_asked() -> None:
    body = b'{"versions": {"1.0.0": {"dependencies": {"a": "1"}}, "2.0.0": {"bad": [1, 2]}}}'
    read = read_packument("x", body)
    assert isinstance(read.versions, ManifestTable)
    assert read.versions.semver("2.0.0").major == 2
    assert read.versions["1.0.0"].dependencies == {"a": "1"}
    assert read.versions["1.0.0"] is read.versions["1.0.0"]  # built once


def test_unpublished_times_and_odd_versions() -> None:
    body = json.dumps(
        {
            "versions": {"1.0.0": {}, "garbage": {}, "2.0.0": 5},
            "time": {"1.0.0": "2020-01-01T00:00:00.000Z", "unpublished": {"versions": ["3.0.0"]}},
            "dist-tags": {"latest": "1.0.0", "odd": 7},
        }
    ).encode()
    read = read_packument("x", body)
    assert list(read.versions) == ["1.0.0"]
    assert read.dist_tags == {"latest": "1.0.0"}
    assert isinstance(read.versions, ManifestTable)
    assert read.versions.published("1.0.0") == datetime.fromisoformat("2020-01-01T00:00:00+00:00")


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        pytest.param(b'{"versions": [1]}', "the answer is not a packument", id="versions-list"),
        pytest.param(b"[1, 2]", "the answer is not a packument", id="not-an-object"),
        pytest.param(b'{"name": "x"}', "the answer is not a packument", id="no-versions"),
    ],
)
def test_bytes_that_are_not_a_packument(body: bytes, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        read_packument("x", body)


@given(st.binary(max_size=200))
def test_any_bytes_read_or_raise_value_error(body: bytes) -> None:
    try:
        read = read_packument("x", body)
    except ValueError:
        return
    for version in read.versions:
        assert read.versions[version].version == version


def test_os_and_engines_are_read() -> None:
    manifest = parse_packument("fsevents", recorded_packuments()["fsevents"]).versions["2.3.3"]
    assert manifest.os == ("darwin",)
    assert "node" in manifest.engines


def test_optional_peer_and_bundles() -> None:
    document = packument(
        "p",
        {
            "1.0.0": {
                "peerDependencies": {"a": "1", "b": "2"},
                "peerDependenciesMeta": {"b": {"optional": True}},
                "dependencies": {"c": "1", "d": "1"},
                "bundledDependencies": ["c"],
                "deprecated": "use q",
            }
        },
    )
    manifest = parse_packument("p", document).versions["1.0.0"]
    assert manifest.optional_peers == frozenset({"b"})
    assert manifest.bundle_dependencies == frozenset({"c"})
    assert manifest.deprecated == "use q"


def test_legacy_shasum_becomes_sri() -> None:
    document = {"versions": {"1.0.0": {"dist": {"shasum": "a" * 40}}}}
    manifest = parse_packument("x", document).versions["1.0.0"]
    assert manifest.integrity == "sha1-qqqqqqqqqqqqqqqqqqqqqqqqqqo="


def test_unreadable_versions_are_skipped() -> None:
    read = parse_packument("x", {"versions": {"1.0.0": {}, "not-a-version": {}}})
    assert list(read.versions) == ["1.0.0"]


def test_not_a_packument() -> None:
    with pytest.raises(ValueError, match="no 'versions' object"):
        parse_packument("x", ["a list"])


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        pytest.param(
            {"funding": "https://f.test"}, {"funding": {"url": "https://f.test"}}, id="funding"
        ),
        pytest.param({"bin": "./cli.js"}, {"bin": {"tool": "cli.js"}}, id="bin-string"),
        pytest.param({"bin": {"../x/t": "/a/../b.js"}}, {"bin": {"t": "b.js"}}, id="bin-clean"),
        pytest.param(
            {"dependencies": {"a": "1"}, "bundleDependencies": True},
            {"dependencies": {"a": "1"}, "bundleDependencies": ["a"]},
            id="bundle-all",
        ),
        pytest.param({"bundledDependencies": ["a"]}, {"bundleDependencies": ["a"]}, id="bundled"),
        pytest.param(
            {"dependencies": {"a": "1"}, "optionalDependencies": {"a": "1"}},
            {"optionalDependencies": {"a": "1"}},
            id="optional-dedupe",
        ),
    ],
)
def test_normalize_manifest(given: dict[str, object], expected: dict[str, object]) -> None:
    assert normalize_manifest(given, "@scope/tool") == expected


def test_packument_path_of_scoped_name() -> None:
    assert packument_path("@types/node") == "@types%2fnode"
    assert packument_path("ms") == "ms"


# --- npm's pick -------------------------------------------------------------------------------


def _packument(latest: str, *versions: NpmManifest) -> Packument:
    return Packument("a", {m.version: m for m in versions}, {"latest": latest})


@pytest.mark.parametrize(
    ("spec", "latest", "expected"),
    [
        pytest.param("^1.0.0", "1.0.0", "1.0.0", id="latest-wins-when-it-satisfies"),
        pytest.param("^1.0.0", "2.0.0", "1.1.0", id="highest-satisfying"),
        pytest.param("*", "1.1.0", "1.1.0", id="star-takes-latest"),
        pytest.param("", "1.0.0", "1.0.0", id="empty-is-star"),
        pytest.param("latest", "1.1.0", "1.1.0", id="dist-tag"),
        pytest.param(">=1.0.0", "1.0.0", "1.0.0", id="latest-below-highest"),
    ],
)
def test_pick(spec: str, latest: str, expected: str) -> None:
    versions = [NpmManifest("a", v) for v in ("1.0.0", "1.1.0", "2.0.0")]
    read = _packument(latest, *versions)
    picked = pick_manifest(read, read.versions, spec)
    assert isinstance(picked, NpmManifest)
    assert picked.version == expected


def test_pick_avoids_deprecated_and_engine_misfits() -> None:
    read = _packument(
        "1.0.0",
        NpmManifest("a", "1.0.0", deprecated="old"),
        NpmManifest("a", "1.1.0", engines={"node": ">=99"}),
        NpmManifest("a", "1.0.5"),
    )
    picked = pick_manifest(read, read.versions, "^1.0.0", node_version="20.0.0")
    assert isinstance(picked, NpmManifest)
    assert picked.version == "1.0.5"
    unaware = pick_manifest(read, read.versions, "^1.0.0")
    assert isinstance(unaware, NpmManifest)
    assert unaware.version == "1.1.0"


def test_pick_no_match_names_the_package() -> None:
    read = _packument("1.0.0", NpmManifest("a", "1.0.0"))
    picked = pick_manifest(read, read.versions, "^3")
    assert isinstance(picked, NoMatchingVersion)
    assert picked.reason == "no version of a satisfies"
    assert picked.versions == ("1.0.0",)


def test_pick_garbage_spec() -> None:
    read = _packument("1.0.0", NpmManifest("a", "1.0.0"))
    picked = pick_manifest(read, read.versions, "not a range at all!")
    assert isinstance(picked, NoMatchingVersion)
    assert "is neither a range nor a dist-tag" in picked.reason


# --- over HTTP ---------------------------------------------------------------------------------


def test_abbreviated_accept_and_scoped_url(tmp_path: Path) -> None:
    documents = {"@scope/pkg": packument("@scope/pkg", {"1.0.0": {}})}
    with registry_server(documents) as fake, client(tmp_path) as http:
        registry = NpmRegistry(http, registry=fake.base_url)
        assert registry.url_of("@scope/pkg") == f"{fake.base_url}/@scope%2fpkg"
        read = registry.packument("@scope/pkg")
        assert isinstance(read, Packument)
        assert fake.headers_of("/@scope%2fpkg")[0]["accept"] == ABBREVIATED


def test_registry_per_scope(tmp_path: Path) -> None:
    with registry_server({"ms": packument("ms", {"1.0.0": {}})}) as fake, client(tmp_path) as http:

        def registry_of(scope: str | None) -> str:
            return "https://other.test/" if scope == "@acme" else fake.base_url + "/"

        registry = NpmRegistry(http, registry=registry_of)
        assert registry.url_of("@acme/x") == "https://other.test/@acme%2fx"
        assert registry.url_of("ms") == fake.base_url + "/ms"


def test_before_fetches_full_packuments_and_filters(tmp_path: Path) -> None:
    documents = recorded_packuments()
    with registry_server({"express": documents["express"]}) as fake, client(tmp_path) as http:
        registry = NpmRegistry(http, registry=fake.base_url, before=BEFORE)
        picked = registry.pick("express", "*")
        assert fake.headers_of(path_of("express"))[0]["accept"] == "application/json"
    newest = max(documents["express"]["time"][v] for v in documents["express"]["versions"])
    assert newest > RECORDED_DATE, "the fixture keeps one version after the date"
    assert isinstance(picked, NpmManifest)
    assert picked.published is not None
    assert picked.published <= BEFORE
    assert documents["express"]["time"][picked.version] < newest


def test_concurrent_prefetch(tmp_path: Path) -> None:
    documents = {n: packument(n, {"1.0.0": {}}) for n in ("a", "b", "c", "d")}
    with registry_server(documents) as fake, client(tmp_path) as http:
        registry = NpmRegistry(http, registry=fake.base_url)
        registry.prefetch(["a", "b", "c", "d", "a"])
        assert all(fake.count(path_of(n)) == 1 for n in documents)
        registry.packument("a")
        assert fake.count(path_of("a")) == 1  # kept in memory


def _chain() -> dict[str, dict[str, object]]:
    return {
        "a": packument("a", {"1.0.0": {"dependencies": {"b": "^1"}}}),
        "b": packument("b", {"1.0.0": {"dependencies": {"c": "npm:real@^2"}}}),
        "real": packument("real", {"2.0.0": {"peerDependencies": {"d": "1"}}}),
        "d": packument("d", {"1.0.0": {"dependencies": {"g": "github:o/r", "f": "file:../f"}}}),
    }


def test_looking_ahead_fetches_the_closure(tmp_path: Path) -> None:
    with registry_server(_chain()) as fake, client(tmp_path) as http:
        registry = NpmRegistry(http, registry=fake.base_url)
        registry.expect([("a", "^1.0.0")])
        wanted = {path_of(n) for n in ("a", "b", "real", "d")}
        deadline = time.monotonic() + 10
        while not wanted <= {path for path, _ in fake.requests} and time.monotonic() < deadline:
            time.sleep(0.01)  # the closure streams in without anyone asking for it
        registry.close()
        asked = {path for path, _ in fake.requests}
        assert {path_of(n) for n in ("a", "b", "real", "d")} <= asked
        assert not {path_of(n) for n in ("c", "g", "f")} & asked  # aliases followed, no git
        assert all(fake.count(path_of(n)) == 1 for n in ("a", "b", "real", "d"))
        registry.packument("d")  # after close, what was read is kept
        assert fake.count(path_of("d")) == 1


def test_without_lookahead_only_what_is_asked(tmp_path: Path) -> None:
    with registry_server(_chain()) as fake, client(tmp_path) as http:
        with NpmRegistry(http, registry=fake.base_url, lookahead=False) as registry:
            registry.expect([("a", "^1.0.0")])
            registry.packument("a")
        assert [path for path, _ in fake.requests] == [path_of("a")]


def test_after_close_fetches_in_the_caller(tmp_path: Path) -> None:
    with registry_server(_chain()) as fake, client(tmp_path) as http:
        registry = NpmRegistry(http, registry=fake.base_url)
        registry.close()
        registry.expect([("a", "^1.0.0")])
        assert isinstance(registry.packument("b"), Packument)
        assert [path for path, _ in fake.requests] == [path_of("b")]


def test_a_failing_guess_breaks_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import polypac.ecosystems.npm.registry as module

    def broken(*args: object, **kwargs: object) -> NpmManifest:
        raise RuntimeError("a bug in a guess")

    monkeypatch.setattr(module, "pick_manifest", broken)
    with (
        registry_server(_chain()) as fake,
        client(tmp_path) as http,
        NpmRegistry(http, registry=fake.base_url) as registry,
    ):
        registry.expect([("a", "^1.0.0")])
        assert isinstance(registry.packument("a"), Packument)


def test_fetches_dropped_by_close_are_made_when_asked(tmp_path: Path) -> None:
    with registry_server(_chain()) as fake, client(tmp_path) as http:
        registry = NpmRegistry(http, registry=fake.base_url, lookahead=False)
        registry.close()
        for name in ("a", "b", "real", "d"):  # a cancelled future stands for none
            cancelled: Future[object] = Future()
            cancelled.cancel()
            registry._fetches[name] = cancelled  # type: ignore[assignment]
        assert all(isinstance(registry.packument(n), Packument) for n in ("a", "b", "real", "d"))


@pytest.mark.parametrize("times", [None, [1, 2], "soon"], ids=["null", "list", "string"])
def test_a_time_that_is_no_object_is_no_times(times: object) -> None:
    body = json.dumps({"versions": {"1.0.0": {}}, "time": times}).encode()
    read = read_packument("x", body)
    assert list(read.versions) == ["1.0.0"]
    assert read.versions["1.0.0"].published is None


def test_pick_builds_only_what_it_looks_at() -> None:
    versions: dict[str, dict[str, str]] = {f"1.{i}.0": {} for i in range(50)}
    read = read_packument("a", json.dumps({"versions": versions}).encode())
    table = read.versions
    assert isinstance(table, ManifestTable)
    picked = pick_manifest(read, table, "^1.0.0")
    assert isinstance(picked, NpmManifest)
    assert picked.version == "1.49.0"
    assert len(table._built) == 1


def test_missing_package_is_a_value(tmp_path: Path) -> None:
    with registry_server({}) as fake, client(tmp_path) as http:
        registry = NpmRegistry(http, registry=fake.base_url)
        read = registry.packument("nope")
    assert isinstance(read, PackumentUnavailable)
    assert read.reason == "the registry has no package nope"
    assert read.url.endswith("/nope")


def test_500s_then_success(tmp_path: Path) -> None:
    body = json.dumps(packument("ms", {"1.0.0": {}})).encode()
    script = [Reply(500), Reply(503), Reply(200, body)]
    with registry_server({}, {"/ms": script}) as fake, client(tmp_path, retries=2) as http:
        registry = NpmRegistry(http, registry=fake.base_url)
        read = registry.packument("ms")
        assert isinstance(read, Packument)
        assert fake.count("/ms") == 3


def test_500s_forever_names_package_and_url(tmp_path: Path) -> None:
    with registry_server({}, {"/ms": [Reply(500)]}) as fake, client(tmp_path, retries=1) as http:
        registry = NpmRegistry(http, registry=fake.base_url)
        with pytest.raises(RegistryError) as caught:
            registry.packument("ms")
        assert fake.count("/ms") == 2
    assert caught.value.package == "ms"
    assert caught.value.url == f"{fake.base_url}/ms"
    assert str(caught.value).startswith("npm package ms: cannot fetch the packument:")


def test_truncated_json(tmp_path: Path) -> None:
    body = json.dumps(packument("ms", {"1.0.0": {}})).encode()[:40]
    with registry_server({}, {"/ms": [Reply(200, body)]}) as fake, client(tmp_path) as http:
        registry = NpmRegistry(http, registry=fake.base_url)
        with pytest.raises(
            RegistryError, match=r"^npm package ms: the packument is not valid JSON"
        ):
            registry.packument("ms")
    assert not list(http.cache.directory.rglob("*.tmp"))


def test_tarball_integrity(tmp_path: Path) -> None:
    content = b"the tarball"
    good = "sha512-" + base64.b64encode(hashlib.sha512(content).digest()).decode()
    with registry_server({}, {"/t.tgz": [Reply(200, content)]}) as fake, client(tmp_path) as http:
        registry = NpmRegistry(http, registry=fake.base_url)
        manifest = NpmManifest("t", "1.0.0", tarball=fake.url("/t.tgz"), integrity=good)
        assert registry.tarball(manifest) == content
        wrong = "sha512-" + "B" * 86 + "=="
        bad = NpmManifest("t", "1.0.0", tarball=fake.url("/t.tgz"), integrity=wrong)
        with pytest.raises(RegistryError) as caught:
            registry.tarball(bad)
        assert fake.count("/t.tgz") == 2  # a mismatch is not retried
    assert caught.value.package == "t@1.0.0"
    assert caught.value.url == fake.url("/t.tgz")
    assert "does not match its integrity" in str(caught.value)
