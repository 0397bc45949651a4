"""HttpClient against a fake server on 127.0.0.1: retries, validation, freshness, offline."""

from __future__ import annotations

import hashlib
import os
import pickle
import socket
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from polypac.errors import PolypacError
from polypac.net import (
    ConnectionFailed,
    DigestMismatch,
    HttpClient,
    HttpStatusError,
    NetError,
    NotCached,
)
from tests.net._server import FakeServer, Reply, Script, serve


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def waits() -> list[float]:
    return []


@pytest.fixture
def client(tmp_path: Path, clock: Clock, waits: list[float]) -> Iterator[HttpClient]:
    with HttpClient(tmp_path / "cache", timeout=5.0, retries=3, backoff=0.01) as made:
        made.sleep = waits.append  # record the waits; nothing here needs to really wait
        made.clock = clock
        yield made


def ok(body: bytes, *headers: tuple[str, str]) -> Reply:
    return Reply(200, body, headers)


# retries


def test_5xx_are_retried_until_an_answer(client: HttpClient, waits: list[float]) -> None:
    with serve({"/x": [Reply(500), Reply(503), ok(b"hello")]}) as fake:
        response = client.get(fake.url("/x"))
        assert (response.status, response.content, response.from_cache) == (200, b"hello", False)
        assert fake.count("/x") == 3
    # backoff 0.01 doubled at each retry, times a jitter in [0.5, 1]
    assert len(waits) == 2
    assert 0.005 <= waits[0] <= 0.01
    assert 0.01 <= waits[1] <= 0.02


def test_5xx_give_up_after_the_retries(client: HttpClient) -> None:
    with serve({"/x": [Reply(500)]}) as fake:
        with pytest.raises(HttpStatusError) as caught:
            client.get(fake.url("/x"))
        assert fake.count("/x") == 4
    error = caught.value
    assert (error.status, error.attempts) == (500, 4)
    assert str(error) == (
        f"GET {fake.url('/x')} (HTTP 500): Internal Server Error after 4 attempts\n"
        "hint: the server is busy or failing; try again later"
    )


@pytest.mark.parametrize("status", [400, 401, 403, 404, 410])
def test_other_4xx_are_not_retried(client: HttpClient, status: int) -> None:
    with serve({"/x": [Reply(status)]}) as fake:
        with pytest.raises(HttpStatusError) as caught:
            client.get(fake.url("/x"))
        assert fake.count("/x") == 1
    assert caught.value.status == status
    assert caught.value.attempts == 1


def test_404_message(client: HttpClient) -> None:
    with serve() as fake, pytest.raises(HttpStatusError) as caught:
        client.get(fake.url("/nothing"))
    assert str(caught.value) == (
        f"GET {fake.url('/nothing')} (HTTP 404): Not Found\n"
        "hint: check the name and the index or registry URL; the server has no such page"
    )
    assert isinstance(caught.value, NetError)
    assert isinstance(caught.value, PolypacError)


def test_429_honours_retry_after_seconds(client: HttpClient, waits: list[float]) -> None:
    with serve({"/x": [Reply(429, headers=(("Retry-After", "7"),)), ok(b"ok")]}) as fake:
        assert client.get(fake.url("/x")).content == b"ok"
        assert fake.count("/x") == 2
    assert waits == [7.0]


def test_429_honours_retry_after_date(client: HttpClient, waits: list[float], clock: Clock) -> None:
    when = "Tue, 14 Nov 2023 22:13:32 GMT"  # 12 seconds after the clock's now
    clock.now = 1_700_000_000.0
    with serve({"/x": [Reply(429, headers=(("Retry-After", when),)), ok(b"ok")]}) as fake:
        assert client.get(fake.url("/x")).content == b"ok"
    assert waits == [pytest.approx(12.0)]


def test_retry_after_is_bounded_by_max_backoff(client: HttpClient, waits: list[float]) -> None:
    client.max_backoff = 3.0
    with serve({"/x": [Reply(429, headers=(("Retry-After", "3600"),)), ok(b"ok")]}) as fake:
        client.get(fake.url("/x"))
    assert waits == [3.0]


def test_timeouts_are_retried(tmp_path: Path) -> None:
    with (
        serve({"/slow": [Reply(sleep=1.0, body=b"late"), ok(b"on time")]}) as fake,
        HttpClient(tmp_path, timeout=0.2, retries=2, backoff=0.01) as client,
    ):
        assert client.get(fake.url("/slow")).content == b"on time"
        assert fake.count("/slow") == 2


def test_timeouts_give_up(tmp_path: Path) -> None:
    with (
        serve({"/slow": [Reply(sleep=1.0, body=b"late")]}) as fake,
        HttpClient(tmp_path, timeout=0.2, retries=1, backoff=0.01) as client,
        pytest.raises(ConnectionFailed) as caught,
    ):
        client.get(fake.url("/slow"))
    assert fake.count("/slow") == 2
    assert str(caught.value) == (
        f"GET {fake.url('/slow')}: no answer within 0.2 seconds after 2 attempts\n"
        "hint: check the network (and any proxy), or work offline from the cache"
    )
    assert caught.value.status is None


def test_truncated_bodies_are_retried(client: HttpClient) -> None:
    with serve({"/x": [Reply(body=b"partial", cut=True), ok(b"whole")]}) as fake:
        assert client.get(fake.url("/x")).content == b"whole"
        assert fake.count("/x") == 2


def test_truncated_bodies_give_up(client: HttpClient) -> None:
    with serve({"/x": [Reply(body=b"partial", cut=True)]}) as fake:
        with pytest.raises(ConnectionFailed) as caught:
            client.get(fake.url("/x"))
        assert fake.count("/x") == 4
    assert "the answer was cut short" in caught.value.problem
    assert caught.value.attempts == 4


def test_refused_connection(client: HttpClient) -> None:
    with socket.socket() as probe:  # a port that nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client.retries = 1
    with pytest.raises(ConnectionFailed) as caught:
        client.get(f"http://127.0.0.1:{port}/x")
    assert caught.value.problem.startswith("could not connect")
    assert caught.value.attempts == 2


def test_unsupported_scheme_is_not_retried(client: HttpClient, waits: list[float]) -> None:
    with pytest.raises(NetError) as caught:
        client.get("gopher://example.org/x")
    assert caught.value.problem.startswith("unsupported URL")
    assert waits == []


# validation and freshness


def _etag_script(headers: Mapping[str, str]) -> Reply:
    if headers.get("if-none-match") == '"v1"':
        return Reply(304, headers=(("ETag", '"v1"'), ("Cache-Control", "max-age=5")))
    return ok(b"body v1", ("ETag", '"v1"'), ("Content-Type", "text/plain"))


def test_etag_revalidation_serves_the_cache_on_304(client: HttpClient, clock: Clock) -> None:
    with serve({"/e": _etag_script}) as fake:
        first = client.get(fake.url("/e"))
        clock.now += 100
        second = client.get(fake.url("/e"))
        assert fake.count("/e") == 2
        sent = fake.headers_of("/e")
    assert not first.from_cache
    assert (second.from_cache, second.status, second.content) == (True, 200, b"body v1")
    assert "if-none-match" not in sent[0]
    assert sent[1]["if-none-match"] == '"v1"'
    assert second.headers["content-type"] == "text/plain"
    entry = client.cache.lookup(fake.url("/e"), None)
    assert entry is not None
    assert entry.fetched_at == clock.now  # the metadata was refreshed
    assert entry.max_age == 5.0  # the 304's headers replace the stored ones


def _last_modified_script(headers: Mapping[str, str]) -> Reply:
    stamp = "Mon, 02 Jun 2025 10:00:00 GMT"
    if headers.get("if-modified-since") == stamp:
        return Reply(304)
    return ok(b"listing", ("Last-Modified", stamp))


def test_last_modified_revalidation(client: HttpClient) -> None:
    with serve({"/m": _last_modified_script}) as fake:
        client.get(fake.url("/m"))
        second = client.get(fake.url("/m"))
        sent = fake.headers_of("/m")
    assert second.from_cache
    assert second.content == b"listing"
    assert sent[1]["if-modified-since"] == "Mon, 02 Jun 2025 10:00:00 GMT"


def test_changed_content_replaces_the_entry(client: HttpClient) -> None:
    with serve({"/c": [ok(b"one", ("ETag", '"1"')), ok(b"two", ("ETag", '"2"'))]}) as fake:
        client.get(fake.url("/c"))
        second = client.get(fake.url("/c"))
    assert (second.content, second.from_cache) == (b"two", False)
    entry = client.cache.lookup(fake.url("/c"), None)
    assert entry is not None
    assert (entry.content, entry.etag) == (b"two", '"2"')


def test_max_age_serves_without_a_request_while_fresh(client: HttpClient, clock: Clock) -> None:
    script = [ok(b"fresh", ("Cache-Control", "public, max-age=60"), ("ETag", '"f"'))]
    with serve({"/f": script}) as fake:
        client.get(fake.url("/f"))
        clock.now += 59
        cached = client.get(fake.url("/f"))
        assert fake.count("/f") == 1
        assert cached.from_cache
        clock.now += 2  # now stale: asked again, conditionally
        client.get(fake.url("/f"))
        assert fake.count("/f") == 2
        assert fake.headers_of("/f")[1]["if-none-match"] == '"f"'


def _identity(path: Path) -> tuple[int, int]:
    status = path.stat()
    return status.st_ino, status.st_mtime_ns


def test_an_unchanged_answer_is_not_rewritten(client: HttpClient) -> None:
    # no validators, no max-age: the registry case; the same body again changes nothing
    with serve({"/u": [ok(b"same"), ok(b"same"), ok(b"new!")]}) as fake:
        client.get(fake.url("/u"))
        path = client.cache.path(fake.url("/u"), None)
        before = _identity(path)
        again = client.get(fake.url("/u"))
        assert (again.content, again.from_cache) == (b"same", False)
        assert _identity(path) == before
        client.get(fake.url("/u"))
        assert _identity(path) != before
    entry = client.cache.lookup(fake.url("/u"), None)
    assert entry is not None
    assert entry.content == b"new!"


def test_an_answer_with_max_age_is_rewritten(client: HttpClient, clock: Clock) -> None:
    # the time of fetching decides freshness here, so it must be kept up to date
    with serve({"/a": [ok(b"x", ("Cache-Control", "max-age=10"))]}) as fake:
        client.get(fake.url("/a"))
        clock.now += 60
        client.get(fake.url("/a"))
        assert fake.count("/a") == 2
    entry = client.cache.lookup(fake.url("/a"), None)
    assert entry is not None
    assert entry.fetched_at == clock.now


def test_a_304_for_an_entry_gone_bad_asks_again(
    client: HttpClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = [ok(b"v1", ("ETag", '"1"')), Reply(304), ok(b"v2", ("ETag", '"2"'))]
    with serve({"/g": script}) as fake:
        client.get(fake.url("/g"))
        monkeypatch.setattr(client.cache, "lookup", lambda url, accept: None)
        answer = client.get(fake.url("/g"))
        sent = fake.headers_of("/g")
    assert (answer.content, answer.from_cache) == (b"v2", False)
    assert sent[1]["if-none-match"] == '"1"'
    assert "if-none-match" not in sent[2]


def test_a_torn_body_has_no_head(client: HttpClient) -> None:
    with serve({"/t": [ok(b"whole body")]}) as fake:
        client.get(fake.url("/t"))
    path = client.cache.path(fake.url("/t"), None)
    head = client.cache.head(fake.url("/t"), None)
    assert head is not None
    assert (head.length, head.sha256) == (10, hashlib.sha256(b"whole body").hexdigest())
    assert head.entry.content == b""
    path.write_bytes(path.read_bytes()[:-1])
    assert client.cache.head(fake.url("/t"), None) is None


def test_no_cache_is_always_revalidated(client: HttpClient) -> None:
    with serve({"/n": [ok(b"x", ("Cache-Control", "no-cache, max-age=600"))]}) as fake:
        client.get(fake.url("/n"))
        client.get(fake.url("/n"))
        assert fake.count("/n") == 2


def test_no_store_is_not_cached(client: HttpClient) -> None:
    with serve({"/s": [ok(b"secret", ("Cache-Control", "no-store"), ("ETag", '"s"'))]}) as fake:
        client.get(fake.url("/s"))
        client.get(fake.url("/s"))
        assert fake.count("/s") == 2
        assert "if-none-match" not in fake.headers_of("/s")[1]
    assert client.cache.lookup(fake.url("/s"), None) is None
    assert not any(p.is_file() for p in client.cache.directory.rglob("*"))


def test_accept_is_part_of_the_key(client: HttpClient) -> None:
    def negotiate(headers: Mapping[str, str]) -> Reply:
        json_wanted = "json" in headers.get("accept", "")
        return ok(b"{}" if json_wanted else b"<html/>", ("Cache-Control", "max-age=600"))

    json_type = "application/vnd.pypi.simple.v1+json"
    with serve({"/simple/x/": negotiate}) as fake:
        url = fake.url("/simple/x/")
        assert client.get(url, accept=json_type).content == b"{}"
        assert client.get(url, accept="text/html").content == b"<html/>"
        assert client.get(url, accept=json_type).from_cache
        assert fake.count("/simple/x/") == 2


# offline


def test_offline_serves_a_stale_entry_without_a_request(tmp_path: Path, clock: Clock) -> None:
    with serve({"/o": [ok(b"kept", ("Cache-Control", "max-age=1"))]}) as fake:
        with HttpClient(tmp_path) as online:
            online.get(fake.url("/o"))
        with HttpClient(tmp_path, offline=True) as offline:
            offline.clock = lambda: clock.now + 10**6
            response = offline.get(fake.url("/o"))
        assert fake.count("/o") == 1
    assert (response.content, response.from_cache) == (b"kept", True)


def test_offline_without_an_entry(tmp_path: Path) -> None:
    with serve({"/o": [ok(b"x")]}) as fake:
        with (
            HttpClient(tmp_path / "c", offline=True) as offline,
            pytest.raises(NotCached) as caught,
        ):
            offline.get(fake.url("/o"))
        assert fake.count("/o") == 0
    assert str(caught.value) == (
        f"GET {fake.url('/o')}: not in the cache ({tmp_path / 'c'}), and polypac is offline\n"
        "hint: run once online to fill the cache, then offline runs can use it"
    )


# the cache on disk


def test_corrupt_entry_is_fetched_again_and_replaced(client: HttpClient) -> None:
    with serve({"/k": [ok(b"good")]}) as fake:
        client.get(fake.url("/k"))
        path = client.cache.path(fake.url("/k"), None)
        path.write_bytes(path.read_bytes()[:-2])  # truncated
        response = client.get(fake.url("/k"))
        assert fake.count("/k") == 2
    assert (response.content, response.from_cache) == (b"good", False)
    assert client.cache.lookup(fake.url("/k"), None) is not None


def test_corrupt_entry_offline_is_missing_and_removed(tmp_path: Path) -> None:
    with serve({"/k": [ok(b"good")]}) as fake, HttpClient(tmp_path) as online:
        online.get(fake.url("/k"))
    path = online.cache.path(fake.url("/k"), None)
    path.write_bytes(b'{"format": "polypac-http-cache/1", "url": 1}\nbody')
    with HttpClient(tmp_path, offline=True) as offline, pytest.raises(NotCached):
        offline.get(fake.url("/k"))
    assert not path.exists()


def test_a_crash_mid_write_keeps_the_old_entry(
    client: HttpClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    with serve({"/w": [ok(b"old"), ok(b"new")]}) as fake:
        client.get(fake.url("/w"))

        def crash(source: object, target: object) -> None:
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(os, "replace", crash)
        response = client.get(fake.url("/w"))  # the answer is served all the same
        monkeypatch.undo()
    assert response.content == b"new"
    entry = client.cache.lookup(fake.url("/w"), None)
    assert entry is not None
    assert entry.content == b"old"
    leftovers = [p.name for p in client.cache.directory.rglob("*") if p.is_file()]
    assert leftovers == [client.cache.path(fake.url("/w"), None).name]


# digests, JSON, many, files


def test_digest_checked(client: HttpClient) -> None:
    good = "sha256:" + hashlib.sha256(b"wheel").hexdigest()
    with serve({"/w.whl": [ok(b"wheel")]}) as fake:
        assert client.get(fake.url("/w.whl"), digest=good).content == b"wheel"
        with pytest.raises(DigestMismatch) as caught:
            client.get(fake.url("/w.whl"), digest="sha256=" + "0" * 64)
        assert fake.count("/w.whl") == 2  # a mismatch is not retried
    assert caught.value.expected == "sha256=" + "0" * 64
    assert caught.value.actual == good.replace(":", "=")


def test_get_json(client: HttpClient) -> None:
    with serve({"/j": [ok(b'{"a": [1]}')], "/h": [ok(b"<html>")]}) as fake:
        assert client.get_json(fake.url("/j")) == {"a": [1]}
        assert fake.headers_of("/j")[0]["accept"] == "application/json"
        with pytest.raises(NetError) as caught:
            client.get_json(fake.url("/h"))
    assert caught.value.problem.startswith("the answer is not JSON")
    assert caught.value.status == 200


def test_get_many_keeps_going_past_a_failure(client: HttpClient) -> None:
    scripts: dict[str, list[Reply]] = {f"/p{i}": [ok(f"page {i}".encode())] for i in range(12)}
    with serve(dict(scripts)) as fake:
        urls = [fake.url(f"/p{i}") for i in range(12)]
        urls.insert(5, fake.url("/missing"))
        results = client.get_many([*urls, urls[0]])
    assert list(results) == urls
    failed = results[fake.url("/missing")]
    assert isinstance(failed, HttpStatusError)
    assert failed.status == 404
    for i in range(12):
        answer = results[fake.url(f"/p{i}")]
        assert not isinstance(answer, NetError)
        assert answer.content == f"page {i}".encode()


def test_get_many_stays_within_max_connections(tmp_path: Path) -> None:
    scripts: dict[str, Script] = {f"/s{i}": [Reply(200, b"x", sleep=0.02)] for i in range(12)}
    with serve(scripts) as fake, HttpClient(tmp_path, max_connections=3) as client:
        results = client.get_many(fake.url(f"/s{i}") for i in range(12))
    assert all(not isinstance(r, NetError) for r in results.values())
    assert 1 <= fake.most_in_flight <= 3


def test_file_urls_read_from_disk(client: HttpClient, tmp_path: Path) -> None:
    project = tmp_path / "simple" / "demo"
    project.mkdir(parents=True)
    (project / "index.html").write_text("<a>demo-1.0.tar.gz</a>")
    response = client.get(project.as_uri())
    assert response.content == b"<a>demo-1.0.tar.gz</a>"
    assert response.headers["content-type"] == "text/html"
    with pytest.raises(NetError) as caught:
        client.get((tmp_path / "nope.json").as_uri())
    assert caught.value.problem == f"no such file: {tmp_path / 'nope.json'}"


@pytest.mark.parametrize(
    "error",
    [
        NetError("https://x/", "broken", status=502, attempts=3),
        HttpStatusError("https://x/", "Not Found", status=404),
        ConnectionFailed("https://x/", "no answer", attempts=2),
        NotCached("https://x/", cache_dir=Path("/c")),
        DigestMismatch("https://x/", "sha256:00", "sha256:11"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_errors_pickle(error: NetError) -> None:
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error)
    assert str(copy) == str(error)


def test_fake_server_counts(tmp_path: Path) -> None:
    fake: FakeServer
    with serve({"/a": [ok(b"a")]}) as fake, HttpClient(tmp_path) as client:
        client.get(fake.url("/a"))
    assert fake.count("/a") == 1
    assert fake.headers_of("/a")[0]["user-agent"].startswith("polypac/")


# POST (queries such as OSV's querybatch): retried like GET, never cached


def test_post_json_sends_the_payload_and_retries(client: HttpClient) -> None:
    answer = ok(b'{"results": []}', ("Content-Type", "application/json"))
    with serve({"/q": [Reply(503), answer]}) as fake:
        assert client.post_json(fake.url("/q"), {"queries": [1]}) == {"results": []}
        assert fake.count("/q") == 2
        assert [body for _, body in fake.bodies] == [b'{"queries": [1]}'] * 2
        assert client.post_json(fake.url("/q"), {"queries": [1]}) == {"results": []}
        assert fake.count("/q") == 3  # not served from the cache


def test_post_errors_say_post_and_carry_the_servers_words(client: HttpClient) -> None:
    refusal = Reply(400, b'{"code": 3, "message": "Invalid query."}')
    with serve({"/q": [refusal]}) as fake, pytest.raises(HttpStatusError) as caught:
        client.post_json(fake.url("/q"), {})
    assert str(caught.value).splitlines()[0] == f"POST {fake.url('/q')} (HTTP 400): Invalid query."
    assert pickle.loads(pickle.dumps(caught.value)).method == "POST"


def test_post_offline_is_not_cached(tmp_path: Path) -> None:
    with (
        HttpClient(tmp_path / "cache", offline=True) as offline,
        pytest.raises(NotCached) as caught,
    ):
        offline.post_json("https://api.example/q", {})
    assert str(caught.value).startswith("POST https://api.example/q: not in the cache")


def test_a_body_damaged_on_disk_is_rewritten(client: HttpClient) -> None:
    with serve({"/d": [ok(b"intact")]}) as fake:
        client.get(fake.url("/d"))
        path = client.cache.path(fake.url("/d"), None)
        damaged = path.read_bytes()[:-1] + b"X"  # same length, another body
        path.write_bytes(damaged)
        client.get(fake.url("/d"))
    entry = client.cache.lookup(fake.url("/d"), None)
    assert entry is not None
    assert entry.content == b"intact"


def test_a_cached_body_with_the_digest_asked_is_the_answer(client: HttpClient) -> None:
    body = b"an sdist"
    digest = "sha256=" + hashlib.sha256(body).hexdigest()
    with serve({"/f": [ok(body), ok(b"changed")]}) as fake:  # no validators, no max-age
        first = client.get(fake.url("/f"), digest=digest)
        again = client.get(fake.url("/f"), digest=digest)
        assert fake.count("/f") == 1
        other = client.get(fake.url("/f"))  # without a digest: asked again, as before
        assert fake.count("/f") == 2
    assert (first.from_cache, again.from_cache, again.content) == (False, True, body)
    assert other.content == b"changed"
