"""The OSV API client against a fake OSV server on 127.0.0.1 serving the anchor records.

The fake answers as the OSV API documentation shows (querybatch: ``results[].vulns[]`` of
``id`` and ``modified``, ``next_page_token`` per query, ``{}`` for a query that matched
nothing, at most 1,000 queries; ``GET /v1/vulns/{id}``: the record; errors as
``{"code", "message"}``), and can be told to fail: a status, a body cut short, a sleep.
"""

from __future__ import annotations

import functools
import json
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from polypac.errors import PolypacError, PurlError
from polypac.purl import PackageURL, parse_purl
from polypac.vuln.match import affects, finding
from polypac.vuln.osv import OsvError, OsvRecord, load_osv_documents, package_key
from polypac.vuln.osv_api import BATCH_LIMIT, OsvApiError, OsvClient, query_batch
from tests.vuln._data import pypa_dir, rustsec_dir

# The sample answer of the OSV documentation (POST /v1/querybatch) for jinja2 2.4.1 names
# these PyPA records (and GHSA ones, not in the anchors): the fake must find them too.
DOCUMENTED_JINJA2 = (
    "PYSEC-2014-8",
    "PYSEC-2014-82",
    "PYSEC-2019-217",
    "PYSEC-2019-220",
    "PYSEC-2021-66",
)


@dataclass(frozen=True, slots=True)
class Anchors:
    documents: dict[str, Any]
    records: dict[str, OsvRecord]
    by_key: dict[str, tuple[str, ...]]


@functools.cache
def anchors() -> Anchors:
    documents: dict[str, Any] = {}
    records: dict[str, OsvRecord] = {}
    by_key: dict[str, list[str]] = {}
    for folder in (pypa_dir(), rustsec_dir()):
        for loaded in load_osv_documents(folder):
            if isinstance(loaded, OsvError):
                raise AssertionError(str(loaded))
            record, document = loaded
            documents[record.id], records[record.id] = document, record
            for key in dict.fromkeys(a.package_key for a in record.affected if a.package_key):
                by_key.setdefault(key, []).append(record.id)
    return Anchors(documents, records, {k: tuple(v) for k, v in by_key.items()})


@dataclass(frozen=True, slots=True)
class Fault:
    """What the fake does instead of answering: ``status``, ``cut`` the body, ``sleep``."""

    kind: str
    status: int = 200
    seconds: float = 0.0
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()


@dataclass
class FakeOsv:
    page_size: int = 1000
    faults: dict[str, deque[Fault]] = field(default_factory=dict)
    requests: list[tuple[str, str, int]] = field(default_factory=list)  # method, path, queries
    lock: threading.Lock = field(default_factory=threading.Lock)
    url: str = ""

    def fail(self, route: str, *faults: Fault) -> None:
        """``route`` is ``querybatch`` or ``vulns``; each request there takes one fault."""
        self.faults.setdefault(route, deque()).extend(faults)

    def count(self, route: str) -> int:
        return sum(1 for _, path, _ in self.requests if path.startswith(f"/v1/{route}"))

    def next_fault(self, path: str) -> Fault | None:
        route = path.removeprefix("/v1/").partition("/")[0]
        with self.lock:
            waiting = self.faults.get(route)
            return waiting.popleft() if waiting else None

    def querybatch(self, body: Any) -> tuple[int, Any]:
        queries = body["queries"]
        if len(queries) > BATCH_LIMIT:
            return 400, {"code": 3, "message": "Too many queries."}
        results = []
        for query in queries:
            purl = parse_purl(query["package"]["purl"])
            key = package_key(purl.type, purl.namespace, purl.name)
            records = anchors().records
            ids = [i for i in anchors().by_key.get(key, ()) if affects(records[i], purl)]
            start = int(query.get("page_token") or 0)
            page = ids[start : start + self.page_size]
            entry: dict[str, Any] = {}
            if page:
                entry["vulns"] = [{"id": i, "modified": records[i].modified} for i in page]
            if start + self.page_size < len(ids):
                entry["next_page_token"] = str(start + self.page_size)
            results.append(entry)
        return 200, {"results": results}

    def vuln(self, record_id: str) -> tuple[int, Any]:
        document = anchors().documents.get(record_id)
        if document is None:
            return 404, {"code": 5, "message": "Bug not found."}
        return 200, document


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self._answer(None)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self._answer(json.loads(self.rfile.read(length)))

    def _answer(self, body: Any) -> None:
        fake = self.server.fake
        queries = len(body["queries"]) if body is not None else 0
        with fake.lock:
            fake.requests.append((self.command, self.path, queries))
        fault = fake.next_fault(self.path)
        if fault is not None and fault.kind == "sleep":
            time.sleep(fault.seconds)
            fault = None
        if fault is not None and fault.kind == "status":
            self._send(fault.status, fault.body, fault.headers)
            return
        if self.path == "/v1/querybatch" and self.command == "POST":
            status, answer = fake.querybatch(body)
        elif self.path.startswith("/v1/vulns/") and self.command == "GET":
            status, answer = fake.vuln(self.path.removeprefix("/v1/vulns/"))
        else:
            status, answer = 404, {"code": 5, "message": "Not Found"}
        data = json.dumps(answer).encode()
        if fault is not None and fault.kind == "truncate":  # a whole answer, not all JSON
            data = data[: len(data) // 2]
        if fault is not None and fault.kind == "cut":  # the connection drops mid-body
            self.send_response(status)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[: len(data) // 2])
            return
        self._send(status, data, ())

    def _send(self, status: int, data: bytes, headers: tuple[tuple[str, str], ...]) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    fake: FakeOsv

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that timed out and left: expected in the fault tests


@pytest.fixture
def fake() -> Iterator[FakeOsv]:
    anchors()  # load before the server starts, so no request waits on it
    server = _Server(("127.0.0.1", 0), _Handler)
    server.fake = FakeOsv()
    server.fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server.fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def client(fake: FakeOsv, **policy: Any) -> OsvClient:
    return OsvClient(fake.url, **{"timeout": 5.0, "backoff": 0.01, **policy})


def offline(purl: PackageURL) -> list[OsvRecord]:
    """The anchor records that polypac, offline, finds affect ``purl``."""
    data = anchors()
    key = package_key(purl.type, purl.namespace, purl.name)
    return [data.records[i] for i in data.by_key.get(key, ()) if affects(data.records[i], purl)]


PURLS = [
    "pkg:pypi/jinja2@2.4.1",
    "pkg:pypi/Jinja2@2.10",
    "pkg:cargo/smallvec@0.6.0",
    "pkg:cargo/tokio@1.8.0",
    "pkg:pypi/not-in-the-anchors@1.0",
]


def test_query_batch_returns_the_anchor_records(fake: FakeOsv) -> None:
    found = client(fake).query_batch(PURLS)
    assert list(found) == PURLS
    for text in PURLS:
        assert found[text] == offline(parse_purl(text)), text
    assert [r.id for r in found["pkg:pypi/jinja2@2.4.1"]] == list(DOCUMENTED_JINJA2)
    assert found["pkg:pypi/not-in-the-anchors@1.0"] == []
    # each record is fetched once, however many PURLs name it
    ids = {r.id for records in found.values() for r in records}
    assert fake.count("vulns") == len(ids)
    assert fake.count("querybatch") == 1


def test_findings_are_the_offline_findings(fake: FakeOsv) -> None:
    found = client(fake).findings(PURLS)
    for text in PURLS:
        purl = parse_purl(text)
        expected = [finding(record, purl) for record in offline(purl)]
        assert found[text] == expected, text


def test_module_function_and_package_urls(fake: FakeOsv) -> None:
    purl = parse_purl("pkg:pypi/jinja2@2.4.1")
    found = query_batch([purl], base_url=fake.url, backoff=0.01)
    assert [r.id for r in found[purl.to_string()]] == [r.id for r in offline(purl)]


@pytest.mark.parametrize("page_size", [1, 2, 3])
def test_paging_follows_next_page_token(fake: FakeOsv, page_size: int) -> None:
    fake.page_size = page_size
    found = client(fake).query_batch(PURLS)
    for text in PURLS:
        assert found[text] == offline(parse_purl(text)), text
    longest = max(len(offline(parse_purl(text))) for text in PURLS)
    pages = -(-longest // page_size)
    batches = [n for method, path, n in fake.requests if path == "/v1/querybatch"]
    assert len(batches) == pages
    # later pages carry only the queries that still have a token
    for page, sent in enumerate(batches):
        waiting = sum(
            1 for text in PURLS if len(offline(parse_purl(text))) > page * page_size or page == 0
        )
        assert sent == waiting


def test_batches_split_at_the_limit(fake: FakeOsv) -> None:
    purls = [f"pkg:pypi/not-in-the-anchors@1.{i}" for i in range(2 * BATCH_LIMIT + 345)]
    purls[1500] = "pkg:pypi/jinja2@2.4.1"
    found = client(fake).query_batch(purls)
    batches = [n for _, path, n in fake.requests if path == "/v1/querybatch"]
    assert batches == [BATCH_LIMIT, BATCH_LIMIT, 345]
    assert found["pkg:pypi/jinja2@2.4.1"] == offline(parse_purl("pkg:pypi/jinja2@2.4.1"))
    assert sum(len(records) for records in found.values()) == len(found[purls[1500]])


def test_smaller_batch_size(fake: FakeOsv) -> None:
    client(fake, batch_size=2).query_batch(PURLS)
    assert [n for _, path, n in fake.requests if path == "/v1/querybatch"] == [2, 2, 1]


def test_purl_without_version_is_not_sent(fake: FakeOsv) -> None:
    assert client(fake).query_batch(["pkg:pypi/jinja2"]) == {"pkg:pypi/jinja2": []}
    assert fake.requests == []


def test_invalid_purl_raises_before_any_request(fake: FakeOsv) -> None:
    with pytest.raises(PurlError):
        client(fake).query_batch(["pkg:/jinja2@1"])
    assert fake.requests == []


def test_retries_503_then_answers(fake: FakeOsv) -> None:
    fake.fail("querybatch", Fault("status", 503), Fault("status", 503))
    found = client(fake, retries=2).query_batch(["pkg:pypi/jinja2@2.4.1"])
    assert found["pkg:pypi/jinja2@2.4.1"] == offline(parse_purl("pkg:pypi/jinja2@2.4.1"))
    assert fake.count("querybatch") == 3


def test_retries_429_and_500_on_records(fake: FakeOsv) -> None:
    fake.fail(
        "vulns",
        Fault("status", 429, headers=(("Retry-After", "0"),)),
        Fault("status", 500, body=b'{"code": 13, "message": "Internal error."}'),
    )
    found = client(fake, workers=1).query_batch(["pkg:cargo/smallvec@1.6.0"])
    records = found["pkg:cargo/smallvec@1.6.0"]
    assert records == offline(parse_purl("pkg:cargo/smallvec@1.6.0"))
    assert fake.count("vulns") == len(records) + 2


def test_retries_a_body_cut_short(fake: FakeOsv) -> None:
    fake.fail("querybatch", Fault("cut"))
    found = client(fake).query_batch(["pkg:pypi/jinja2@2.4.1"])
    assert found["pkg:pypi/jinja2@2.4.1"] == offline(parse_purl("pkg:pypi/jinja2@2.4.1"))
    assert fake.count("querybatch") == 2


def test_gives_up_naming_the_url_and_status(fake: FakeOsv) -> None:
    body = b'{"code": 14, "message": "Service unavailable."}'
    fake.fail("querybatch", *[Fault("status", 503, body=body)] * 5)
    with pytest.raises(OsvApiError) as caught:
        client(fake, retries=2).query_batch(["pkg:pypi/jinja2@2.4.1"])
    error = caught.value
    url = f"{fake.url}/v1/querybatch"
    assert (error.url, error.status, error.attempts) == (url, 503, 3)
    assert str(error).splitlines()[0] == (
        f"OSV API {url} (HTTP 503): Service unavailable. after 3 attempts"
    )
    assert isinstance(error, PolypacError)
    assert fake.count("querybatch") == 3


def test_client_errors_are_not_retried(fake: FakeOsv) -> None:
    with pytest.raises(OsvApiError) as caught:
        client(fake).get_record("NOT-A-RECORD-1")
    error = caught.value
    assert (error.status, error.attempts, error.problem) == (404, 1, "Bug not found.")
    assert error.url == f"{fake.url}/v1/vulns/NOT-A-RECORD-1"
    assert fake.count("vulns") == 1


def test_truncated_json_is_a_typed_error(fake: FakeOsv) -> None:
    fake.fail("querybatch", Fault("truncate"))
    with pytest.raises(OsvApiError, match="the answer is not JSON") as caught:
        client(fake).query_batch(["pkg:pypi/jinja2@2.4.1"])
    assert (caught.value.status, caught.value.url) == (200, f"{fake.url}/v1/querybatch")


def test_truncated_record_is_a_typed_error(fake: FakeOsv) -> None:
    fake.fail("vulns", Fault("truncate"))
    with pytest.raises(OsvApiError, match="the answer is not JSON") as caught:
        client(fake, workers=1).query_batch(["pkg:pypi/jinja2@2.4.1"])
    assert caught.value.url.startswith(f"{fake.url}/v1/vulns/PYSEC-")


def test_a_record_that_breaks_the_schema_is_a_typed_error(fake: FakeOsv) -> None:
    fake.fail("vulns", Fault("status", 200, body=b'{"summary": "no id"}'))
    with pytest.raises(OsvApiError) as caught:
        client(fake).get_record("PYSEC-2014-8")
    assert caught.value.problem == "not an OSV record: field record.id is required"


def test_a_short_results_list_is_a_typed_error(fake: FakeOsv) -> None:
    fake.fail("querybatch", Fault("status", 200, body=b'{"results": []}'))
    with pytest.raises(OsvApiError) as caught:
        client(fake).query_batch(["pkg:pypi/jinja2@2.4.1"])
    assert caught.value.problem == "expected 1 results, got 0"


def test_timeout_is_a_typed_error(fake: FakeOsv) -> None:
    fake.fail("querybatch", Fault("sleep", seconds=3.0), Fault("sleep", seconds=3.0))
    with pytest.raises(OsvApiError) as caught:
        client(fake, timeout=0.2, retries=1).query_batch(["pkg:pypi/jinja2@2.4.1"])
    # the client gave up on its own timeouts (the words say so), twice
    error = caught.value
    assert (error.status, error.attempts) == (None, 2)
    assert error.problem == "no answer within 0.2 seconds"


def test_connection_refused_is_a_typed_error() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    port = server.server_address[1]
    server.server_close()  # nobody listens on the port any more
    with pytest.raises(OsvApiError) as caught:
        OsvClient(f"http://127.0.0.1:{port}", retries=1, backoff=0.01).get_record("X-1")
    assert caught.value.url == f"http://127.0.0.1:{port}/v1/vulns/X-1"
    assert caught.value.problem.startswith("could not connect: ")


def test_base_url_from_the_environment(fake: FakeOsv, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLYPAC_OSV_URL", f"{fake.url}/")
    assert OsvClient().base_url == fake.url
    assert OsvClient("http://example.invalid").base_url == "http://example.invalid"
    record = OsvClient(backoff=0.01).get_record("PYSEC-2014-8")
    assert record == anchors().records["PYSEC-2014-8"]
    monkeypatch.delenv("POLYPAC_OSV_URL")
    assert OsvClient().base_url == "https://api.osv.dev"
