"""HTTP GET for every registry client: cache, validation, retries, offline, concurrency.

One :class:`HttpClient` holds one ``httpx.Client`` (a pool of at most ``max_connections``
connections, shared by threads) and one :class:`polypac.net.cache.HttpCache`. A GET:

1. offline: the cached entry, fresh or stale, else :class:`NotCached`;
2. a cached entry still fresh under its ``Cache-Control: max-age``: served, no request;
3. otherwise a request, conditional (``If-None-Match`` / ``If-Modified-Since``) when an
   entry exists; ``304`` serves the entry and refreshes its metadata; ``200`` is stored
   unless ``Cache-Control: no-store`` says not to;
4. connection errors, timeouts, bodies cut short, ``429`` (its ``Retry-After`` honoured)
   and ``5xx`` are retried with exponential backoff and jitter; other statuses of 400 and
   above raise :class:`HttpStatusError` at once.

``file://`` URLs are read from disk (a folder serves its ``index.html``, as pip reads a
local index), never cached. A failed cache write never fails a GET: the answer is served,
the entry is just not stored.
"""

from __future__ import annotations

import contextlib
import email.utils
import json
import random
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

from polypac import __version__
from polypac.net._digest import verify_digest
from polypac.net._errors import (
    ConnectionFailed,
    DigestMismatch,
    HttpStatusError,
    NetError,
    NotCached,
)
from polypac.net.cache import CacheEntry, HttpCache, default_cache_dir, new_entry

__all__ = ["HttpClient", "HttpResponse"]


@dataclass(frozen=True, slots=True)
class HttpResponse:
    """The answer to a GET: the final ``url`` (after redirects), ``status``, ``headers``
    (case-insensitive), the decoded body ``content``, and whether it came from the cache."""

    url: str
    status: int
    headers: Mapping[str, str]
    content: bytes
    from_cache: bool

    @property
    def text(self) -> str:
        """The body as text, in the charset of ``Content-Type`` (UTF-8 by default)."""
        charset = _charset(self.headers.get("content-type")) or "utf-8"
        try:
            return self.content.decode(charset, errors="replace")
        except LookupError:  # a charset Python does not know
            return self.content.decode("utf-8", errors="replace")


class HttpClient:
    """GETs with a disk cache, retries and an offline mode; safe to use from threads.

    ``cache_dir`` is the cache folder (``None``: :func:`default_cache_dir`), ``offline``
    serves only from the cache, ``timeout`` bounds each attempt (seconds), ``retries`` is
    how many times a failed attempt is tried again, ``backoff`` the first wait (doubled at
    each retry, with jitter, at most ``max_backoff``; a ``Retry-After`` is honoured up to
    that bound), ``max_connections`` the size of the connection pool and of the thread pool
    of :meth:`get_many`. Use it as a context manager, or call :meth:`close`.

    The attributes ``sleep`` (how to wait between attempts) and ``clock`` (the time now,
    for freshness) may be replaced, as the tests do to count waits instead of waiting.
    """

    def __init__(
        self,
        cache_dir: Path | None = None,
        *,
        offline: bool = False,
        timeout: float = 30.0,
        retries: int = 3,
        backoff: float = 0.5,
        max_backoff: float = 30.0,
        max_connections: int = 16,
        user_agent: str = f"polypac/{__version__}",
    ) -> None:
        self.cache = HttpCache(default_cache_dir() if cache_dir is None else cache_dir)
        self.offline = offline
        self.timeout = timeout
        self.retries = max(0, retries)
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.max_connections = max(1, max_connections)
        self.user_agent = user_agent
        self.sleep: Callable[[float], None] = time.sleep  # tests record the waits instead
        self.clock: Callable[[], float] = time.time
        self._client: httpx.Client | None = None
        self._lock = threading.Lock()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool (a later GET opens a new one)."""
        with self._lock:
            client, self._client = self._client, None
        if client is not None:
            client.close()

    def get(
        self,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        accept: str | None = None,
        digest: str | None = None,
    ) -> HttpResponse:
        """GET ``url`` through the cache; ``accept`` is the Accept header (part of the key).

        ``headers`` are sent as well (they are not part of the cache key). With ``digest``
        (``sha256:HEX``, ``sha256=HEX`` or SRI), the content is checked against it and a
        mismatch raises :class:`DigestMismatch`; a cached body that has that digest is the
        answer, with no request (content named by its hash does not change, whatever the
        server says of freshness). Every failure is a :class:`NetError`.
        """
        if urllib.parse.urlsplit(url).scheme.lower() == "file":
            response = _read_file_url(url)
        else:
            kept = self._kept(url, accept, digest) if digest is not None else None
            response = kept if kept is not None else self._get_http(url, headers or {}, accept)
        if digest is not None:
            verify_digest(response.content, digest, url=url)
        return response

    def get_json(
        self,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        accept: str | None = "application/json",
    ) -> Any:
        """GET ``url`` and parse its body as JSON; a body that is not JSON is a NetError."""
        response = self.get(url, headers=headers, accept=accept)
        try:
            return json.loads(response.content)
        except (UnicodeDecodeError, ValueError, RecursionError) as error:
            raise NetError(
                url, f"the answer is not JSON: {error}", status=response.status
            ) from error

    def post_json(
        self, url: str, payload: object, *, headers: Mapping[str, str] | None = None
    ) -> Any:
        """POST ``payload`` as JSON and parse the JSON answer: never cached (a query, not a
        document), retried like a GET. Offline, it raises :class:`NotCached`."""
        if self.offline:
            raise NotCached(url, cache_dir=self.cache.directory, method="POST")
        sent = {
            "User-Agent": self.user_agent,
            "Accept": "application/json",
            "Content-Type": "application/json",
            **(headers or {}),
        }
        body = json.dumps(payload).encode("utf-8")
        answer, attempts = self._request(url, sent, method="POST", content=body)
        if answer.status_code >= 400:
            raise HttpStatusError(
                url, _reason(answer), status=answer.status_code, attempts=attempts, method="POST"
            )
        try:
            return json.loads(answer.content)
        except (UnicodeDecodeError, ValueError, RecursionError) as error:
            raise NetError(
                url,
                f"the answer is not JSON: {error}",
                status=answer.status_code,
                attempts=attempts,
                method="POST",
            ) from error

    def get_many(
        self,
        urls: Iterable[str],
        *,
        headers: Mapping[str, str] | None = None,
        accept: str | None = None,
    ) -> dict[str, HttpResponse | NetError]:
        """GET each URL concurrently (at most ``max_connections`` at once).

        The answer maps each URL, in the order given (duplicates once), to its response or
        to the :class:`NetError` it ended with: one failure never stops the others.
        """
        unique = list(dict.fromkeys(urls))
        if not unique:
            return {}

        def fetch(url: str) -> HttpResponse | NetError:
            try:
                return self.get(url, headers=headers, accept=accept)
            except NetError as error:
                return error

        workers = min(self.max_connections, len(unique))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="polypac-net") as pool:
            return dict(zip(unique, pool.map(fetch, unique), strict=True))

    # the HTTP path

    def _kept(self, url: str, accept: str | None, digest: str) -> HttpResponse | None:
        """The cached answer for ``url`` when its body has ``digest``, else ``None``."""
        entry = self.cache.lookup(url, accept)
        if entry is None:
            return None
        try:
            verify_digest(entry.content, digest, url=url)
        except DigestMismatch:
            return None
        return _from_entry(entry)

    def _get_http(self, url: str, headers: Mapping[str, str], accept: str | None) -> HttpResponse:
        if self.offline:
            entry = self.cache.lookup(url, accept)
            if entry is None:
                raise NotCached(url, cache_dir=self.cache.directory)
            return _from_entry(entry)
        # The body of a cached entry is read only when it is served: an entry that is
        # neither fresh nor revalidated (a registry that sends no validators) costs one
        # line read, not a read and a digest of a body that is about to be replaced.
        head = self.cache.head(url, accept)
        if head is not None and head.entry.is_fresh(self.clock()):
            entry = self.cache.lookup(url, accept)
            if entry is not None:
                return _from_entry(entry)
            head = None
        sent = {"User-Agent": self.user_agent, **headers}
        if accept is not None:
            sent["Accept"] = accept
        conditional = dict(sent)
        if head is not None:
            if head.entry.etag is not None:
                conditional["If-None-Match"] = head.entry.etag
            if head.entry.last_modified is not None:
                conditional["If-Modified-Since"] = head.entry.last_modified
        answer, attempts = self._request(url, conditional)
        now = self.clock()
        if answer.status_code == 304 and head is not None:
            entry = self.cache.lookup(url, accept)
            if entry is not None:
                refreshed = entry.revalidated(answer.headers.multi_items(), now)
                self._store(refreshed)
                return _from_entry(refreshed)
            answer, attempts = self._request(url, sent)  # the entry went bad meanwhile
        if answer.status_code >= 400 or answer.status_code == 304:
            raise HttpStatusError(
                url, _reason(answer), status=answer.status_code, attempts=attempts
            )
        fresh = new_entry(
            url,
            accept,
            final_url=str(answer.url),
            status=answer.status_code,
            headers=answer.headers.multi_items(),
            content=answer.content,
            fetched_at=now,
        )
        if answer.status_code == 200:
            if "no-store" in fresh.cache_control:
                self.cache.remove(url, accept)
            elif not (
                head is not None
                and head.same_as(fresh)
                and self.cache.holds(url, accept, fresh.content)
            ):
                self._store(fresh)
        return HttpResponse(
            str(answer.url), answer.status_code, answer.headers, answer.content, False
        )

    def _request(
        self,
        url: str,
        headers: Mapping[str, str],
        *,
        method: str = "GET",
        content: bytes | None = None,
    ) -> tuple[httpx.Response, int]:
        """One request, retried as the policy says; the last answer and the attempts it took."""
        client = self._http()
        attempt = 0
        while True:
            attempt += 1
            retry_after: float | None = None
            try:
                answer = client.request(method, url, headers=headers, content=content)
            except httpx.UnsupportedProtocol as error:
                raise NetError(
                    url, f"unsupported URL: {error}", attempts=attempt, method=method
                ) from error
            except httpx.LocalProtocolError as error:  # our request is malformed: no retry
                raise NetError(
                    url, f"invalid request: {error}", attempts=attempt, method=method
                ) from error
            except httpx.InvalidURL as error:
                raise NetError(
                    url, f"invalid URL: {error}", attempts=attempt, method=method
                ) from error
            except httpx.TransportError as error:
                if attempt > self.retries:
                    problem = _transport_problem(error, self.timeout)
                    raise ConnectionFailed(url, problem, attempts=attempt, method=method) from error
            except httpx.HTTPError as error:  # too many redirects, a bad answer
                raise NetError(
                    url, str(error) or type(error).__name__, attempts=attempt, method=method
                ) from error
            else:
                status = answer.status_code
                if not (status == 429 or status >= 500) or attempt > self.retries:
                    return answer, attempt
                retry_after = _retry_after(answer.headers.get("retry-after"), self.clock())
            self.sleep(self._delay(attempt, retry_after))

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        # jitter, so that threads turned back together do not come back together
        delay = self.backoff * 2.0 ** (attempt - 1) * random.uniform(0.5, 1.0)
        if retry_after is not None:
            delay = max(delay, retry_after)
        return min(delay, self.max_backoff)

    def _http(self) -> httpx.Client:
        with self._lock:
            if self._client is None:
                self._client = httpx.Client(
                    timeout=httpx.Timeout(self.timeout),
                    limits=httpx.Limits(
                        max_connections=self.max_connections,
                        max_keepalive_connections=self.max_connections,
                    ),
                    follow_redirects=True,
                )
            return self._client

    def _store(self, entry: CacheEntry) -> None:
        with contextlib.suppress(OSError):  # an unwritable cache only costs a later request
            self.cache.store(entry)


def _from_entry(entry: CacheEntry) -> HttpResponse:
    return HttpResponse(
        entry.final_url, entry.status, httpx.Headers(list(entry.headers)), entry.content, True
    )


def _read_file_url(url: str) -> HttpResponse:
    path = Path(urllib.request.url2pathname(urllib.parse.urlsplit(url).path))
    if path.is_dir():
        path = path / "index.html"
    try:
        content = path.read_bytes()
    except FileNotFoundError as error:
        raise NetError(url, f"no such file: {path}") from error
    except OSError as error:
        raise NetError(url, f"cannot read {path}: {error.strerror or error}") from error
    content_type = "text/html" if path.suffix in (".html", ".htm") else "application/octet-stream"
    if path.suffix == ".json":
        content_type = "application/json"
    return HttpResponse(
        path.as_uri(), 200, httpx.Headers({"content-type": content_type}), content, False
    )


def _transport_problem(error: httpx.TransportError, timeout: float) -> str:
    if isinstance(error, httpx.TimeoutException):
        return f"no answer within {timeout:g} seconds"
    if isinstance(error, httpx.ConnectError):
        return f"could not connect: {error}"
    if isinstance(error, httpx.RemoteProtocolError):
        return f"the answer was cut short: {error}"
    return f"no answer: {error or type(error).__name__}"


def _reason(answer: httpx.Response) -> str:
    """The server's own words when its error body is JSON with a ``message`` (OSV, npm,
    GitHub and PyPI answer so), else the HTTP reason phrase."""
    if "json" in (answer.headers.get("content-type") or "") or answer.content[:1] == b"{":
        try:
            body = json.loads(answer.content[:4096])
        except (UnicodeDecodeError, ValueError, RecursionError):
            body = None
        if isinstance(body, dict):
            for key in ("message", "error", "detail"):
                if isinstance(body.get(key), str) and body[key].strip():
                    return str(body[key]).strip()[:300]
    return answer.reason_phrase or "request failed"


def _retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait per ``Retry-After``: a number of seconds or an HTTP date."""
    if value is None:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, when.timestamp() - now)


def _charset(content_type: str | None) -> str | None:
    for parameter in (content_type or "").split(";")[1:]:
        name, _, value = parameter.strip().partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip('"') or None
    return None
