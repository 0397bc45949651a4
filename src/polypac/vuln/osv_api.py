"""A client for the OSV API (https://api.osv.dev), for users who are online.

Two steps, as the API asks: ``POST /v1/querybatch`` names, for each package version, the
ids of the records that affect it (at most 1,000 queries a request, each query paged with
``next_page_token``), then ``GET /v1/vulns/{id}`` fetches each full record once, on a
bounded pool of threads. Records are read by :func:`polypac.vuln.osv.record_from_mapping`,
the parser of the offline store, so :func:`findings` matches them exactly as offline.

Requests go through :class:`polypac.net.HttpClient`: each has a timeout and is retried
with exponential backoff on 429, 5xx and connection errors, and fetched records are kept in
the HTTP cache (revalidated with their ETag); when the client gives up it raises
:class:`OsvApiError`, which names the URL and the HTTP status. The base URL is
``https://api.osv.dev`` unless ``base_url=`` or the environment variable
``POLYPAC_OSV_URL`` says otherwise.
"""

from __future__ import annotations

import os
import urllib.parse
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from polypac.errors import PolypacError
from polypac.net import HttpClient, NetError
from polypac.purl import PackageURL, parse_purl
from polypac.vuln.match import Finding, finding
from polypac.vuln.osv import OsvError, OsvRecord, record_from_mapping

__all__ = [
    "BATCH_LIMIT",
    "DEFAULT_BASE_URL",
    "OsvApiError",
    "OsvClient",
    "findings",
    "query_batch",
]

DEFAULT_BASE_URL = "https://api.osv.dev"
"""Where the OSV API lives; ``POLYPAC_OSV_URL`` or ``base_url=`` override it."""

BATCH_LIMIT = 1000
"""The most queries the API accepts in one querybatch request."""


class OsvApiError(PolypacError):
    """The OSV API could not be reached, refused a request, or answered what is not OSV.

    ``url`` is the request that failed, ``status`` its HTTP status (``None`` when no
    answer came), ``problem`` what went wrong, ``attempts`` how many times it was tried.
    """

    def __init__(
        self, url: str, problem: str, *, status: int | None = None, attempts: int = 1
    ) -> None:
        self.url = url
        self.problem = problem
        self.status = status
        self.attempts = attempts
        where = f"{url} (HTTP {status})" if status is not None else url
        tries = f" after {attempts} attempts" if attempts > 1 else ""
        super().__init__(
            f"OSV API {where}: {problem}{tries}\n"
            "hint: check the network, or match offline with `polypac vuln import`"
        )

    def __reduce__(self) -> tuple[object, ...]:  # keep pickling (multiprocessing) working
        return (_rebuild, (self.url, self.problem, self.status, self.attempts))


def _rebuild(url: str, problem: str, status: int | None, attempts: int) -> OsvApiError:
    return OsvApiError(url, problem, status=status, attempts=attempts)


class OsvClient:
    """Queries the OSV API; the settings are the request policy, and hold no results.

    ``timeout`` is the socket timeout of each attempt in seconds, ``retries`` how many
    times a failed attempt is tried again, ``backoff`` the first wait (doubled at each
    retry, with jitter, and at most ``max_backoff``; a 429's ``Retry-After`` is honoured up
    to that bound), ``workers`` the threads fetching records, ``max_pages`` how many pages
    one query may take before the answer is judged broken. ``cache_dir`` is the HTTP
    cache (default: polypac's, in the user's cache directory).
    """

    def __init__(
        self,
        base_url: str | None = None,
        *,
        timeout: float = 30.0,
        retries: int = 4,
        backoff: float = 0.5,
        max_backoff: float = 30.0,
        workers: int = 8,
        batch_size: int = BATCH_LIMIT,
        max_pages: int = 100,
        cache_dir: Path | None = None,
    ) -> None:
        chosen = base_url or os.environ.get("POLYPAC_OSV_URL") or DEFAULT_BASE_URL
        self.base_url = chosen.rstrip("/")
        self.workers = max(1, workers)
        self.http = HttpClient(
            cache_dir,
            timeout=timeout,
            retries=max(0, retries),
            backoff=backoff,
            max_backoff=max_backoff,
            max_connections=self.workers,
        )
        self.batch_size = min(max(1, batch_size), BATCH_LIMIT)
        self.max_pages = max(1, max_pages)

    def query_batch(self, purls: Iterable[str | PackageURL]) -> dict[str, list[OsvRecord]]:
        """The records OSV says affect each PURL, keyed by the PURL as given, in order.

        A PURL without a version is affected by nothing and is not sent. An invalid PURL
        raises :class:`polypac.errors.PurlError` before any request is made.
        """
        keys: dict[str, PackageURL] = {}
        for purl in purls:
            parsed = parse_purl(purl) if isinstance(purl, str) else purl
            keys[purl if isinstance(purl, str) else purl.to_string()] = parsed
        queried = [key for key, parsed in keys.items() if parsed.version is not None]
        ids = self._query_ids([keys[key].to_string() for key in queried])
        records = self.get_records(dict.fromkeys(i for found in ids for i in found))
        result: dict[str, list[OsvRecord]] = {key: [] for key in keys}
        for key, found in zip(queried, ids, strict=True):
            result[key] = [records[record_id] for record_id in found]
        return result

    def findings(self, purls: Iterable[str | PackageURL]) -> dict[str, list[Finding]]:
        """As :meth:`query_batch`, each record matched by polypac's own rules (as offline).

        OSV's server matches versions loosely; a record it names that polypac's matcher
        finds does not affect the version is left out.
        """
        given = list(purls)
        parsed = {
            (p if isinstance(p, str) else p.to_string()): (
                parse_purl(p) if isinstance(p, str) else p
            )
            for p in given
        }
        result: dict[str, list[Finding]] = {}
        for key, records in self.query_batch(given).items():
            found = (finding(record, parsed[key]) for record in records)
            result[key] = [f for f in found if f is not None]
        return result

    def get_records(self, ids: Iterable[str]) -> dict[str, OsvRecord]:
        """``GET /v1/vulns/{id}`` for each id, concurrently; the records by id."""
        unique = list(dict.fromkeys(ids))
        if not unique:
            return {}
        with ThreadPoolExecutor(max_workers=min(self.workers, len(unique))) as pool:
            futures = [pool.submit(self.get_record, record_id) for record_id in unique]
            try:
                return {
                    record_id: future.result()
                    for record_id, future in zip(unique, futures, strict=True)
                }
            except BaseException:
                for future in futures:  # the first failure ends the whole fetch
                    future.cancel()
                raise

    def get_record(self, record_id: str) -> OsvRecord:
        """``GET /v1/vulns/{id}``: one full record, read as offline."""
        url = f"{self.base_url}/v1/vulns/{urllib.parse.quote(record_id, safe='')}"
        document = self._request(url, None)
        try:
            return record_from_mapping(document)
        except OsvError as error:
            raise OsvApiError(url, f"not an OSV record: {error.problem}", status=200) from error

    def _query_ids(self, purls: list[str]) -> list[list[str]]:
        """The record ids OSV names for each PURL (with a version), in order, all pages."""
        ids: list[list[str]] = [[] for _ in purls]
        for start in range(0, len(purls), self.batch_size):
            pending: dict[int, str | None] = dict.fromkeys(
                range(start, min(start + self.batch_size, len(purls)))
            )
            for _page in range(self.max_pages):
                order = list(pending)
                queries = []
                for index in order:
                    query: dict[str, Any] = {"package": {"purl": purls[index]}}
                    if pending[index] is not None:
                        query["page_token"] = pending[index]
                    queries.append(query)
                url = f"{self.base_url}/v1/querybatch"
                results = _results(url, self._request(url, {"queries": queries}), len(order))
                pending = {}
                for index, entry in zip(order, results, strict=True):
                    ids[index].extend(i for i in _ids(url, entry) if i not in ids[index])
                    token = entry.get("next_page_token")
                    if token:
                        pending[index] = str(token)
                if not pending:
                    break
            else:
                raise OsvApiError(
                    f"{self.base_url}/v1/querybatch",
                    f"still paging after {self.max_pages} pages",
                    status=200,
                )
        return ids

    def _request(self, url: str, payload: object | None) -> Any:
        """One JSON request (POST when there is a payload), retried as the policy says."""
        try:
            if payload is None:
                return self.http.get_json(url)
            return self.http.post_json(url, payload)
        except NetError as error:
            raise OsvApiError(
                url, error.problem, status=error.status, attempts=error.attempts
            ) from error


def _results(url: str, document: Any, expected: int) -> list[Mapping[str, Any]]:
    results = document.get("results") if isinstance(document, Mapping) else None
    if not isinstance(results, list) or len(results) != expected:
        count = len(results) if isinstance(results, list) else "no"
        raise OsvApiError(url, f"expected {expected} results, got {count}", status=200)
    if not all(isinstance(entry, Mapping) for entry in results):
        raise OsvApiError(url, "a result is not a JSON object", status=200)
    return results


def _ids(url: str, entry: Mapping[str, Any]) -> list[str]:
    vulns = entry.get("vulns") or []  # a query that matched nothing may answer {}
    if not isinstance(vulns, list):
        raise OsvApiError(url, "a result's vulns is not a list", status=200)
    ids = []
    for vuln in vulns:
        if not isinstance(vuln, Mapping) or not isinstance(vuln.get("id"), str):
            raise OsvApiError(url, "a result's vuln has no id", status=200)
        ids.append(vuln["id"])
    return ids


def query_batch(
    purls: Iterable[str | PackageURL], *, base_url: str | None = None, **policy: Any
) -> dict[str, list[OsvRecord]]:
    """The records OSV says affect each PURL; see :meth:`OsvClient.query_batch`.

    ``policy`` takes the keyword arguments of :class:`OsvClient` (timeout, retries...).
    """
    return OsvClient(base_url, **policy).query_batch(purls)


def findings(
    purls: Iterable[str | PackageURL], *, base_url: str | None = None, **policy: Any
) -> dict[str, list[Finding]]:
    """The findings for each PURL, matched as offline; see :meth:`OsvClient.findings`."""
    return OsvClient(base_url, **policy).findings(purls)
