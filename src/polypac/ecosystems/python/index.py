"""A client of the Python simple repository API (PEP 503, 691, 592, 658, 700, 714).

:class:`SimpleIndex` reads project pages from one or more indexes through
:class:`polypac.net.HttpClient` (cache, retries, offline), asking for PEP 691 JSON and
falling back to PEP 503 HTML when that is what the index answers (``file://`` indexes, as
pip's configuration may name, are HTML folders and are read the same way). Each page
becomes a :class:`ProjectPage` of :class:`DistributionFile` values: hashes,
``requires-python``, ``yanked`` (PEP 592), ``upload-time`` (PEP 700) and whether the core
metadata is served on its own (PEP 658, ``core-metadata`` or the older
``data-dist-info-metadata`` of PEP 714).

:meth:`SimpleIndex.metadata` gets a file's core metadata: ``<file-url>.metadata`` checked
against its published hash, else the ``METADATA`` member of the wheel itself (downloaded,
checked against the file's hash), else, for an sdist, its static ``PKG-INFO``, its static
``pyproject.toml`` ``[project]`` table, or a PEP 517 build
(:mod:`polypac.ecosystems.python.sdist`). A hash mismatch is a
:class:`polypac.net.DigestMismatch` naming the file, its project and the URL, never
retried. :meth:`SimpleIndex.prefetch` and :meth:`SimpleIndex.prefetch_metadata` fetch many
at once with ``get_many``.

Projects are looked up in the indexes in order and the first index that has a project
serves all of its files (uv's ``first-index`` strategy, which keeps an extra index from
shadowing a project of the main one with a higher version).
"""

from __future__ import annotations

import contextlib
import io
import json
import threading
import time
import urllib.parse
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from email.parser import BytesParser
from email.policy import compat32
from functools import lru_cache, partial
from html.parser import HTMLParser
from typing import Any

from packaging.utils import (
    InvalidSdistFilename,
    NormalizedName,
    canonicalize_name,
    parse_sdist_filename,
)
from packaging.version import InvalidVersion, Version

from polypac.errors import PolypacError
from polypac.net import (
    CacheEntry,
    DigestMismatch,
    HttpClient,
    HttpResponse,
    HttpStatusError,
    NetError,
    NotCached,
)
from polypac.net._digest import verify_digest

__all__ = [
    "ACCEPT",
    "CoreMetadata",
    "DistributionFile",
    "IndexPageError",
    "ProjectPage",
    "SimpleIndex",
    "named_mismatch",
]

ACCEPT = (
    "application/vnd.pypi.simple.v1+json, "
    "application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01"
)
"""The Accept header of a project page request: PEP 691 JSON first, then HTML."""

_JSON_TYPE = "application/vnd.pypi.simple.v1+json"
_WHEEL_METADATA = "application/x-polypac-wheel-metadata"  # cache key of METADATA read by ranges


class IndexPageError(PolypacError):
    """An index answered with something that is no project page or no core metadata.

    ``project`` and ``url`` say where; ``problem`` what was wrong.
    """

    def __init__(self, project: str, url: str, problem: str) -> None:
        self.project = project
        self.url = url
        self.problem = problem
        super().__init__(f"{project}: {url}: {problem}")


@dataclass(frozen=True, slots=True)
class DistributionFile:
    """One file of a project page.

    ``hashes`` maps an algorithm to a hex digest; ``yanked`` is ``None`` or the reason
    (empty when none was given); ``metadata_hashes`` is ``None`` when the index serves no
    separate metadata, else the hashes of ``<url>.metadata`` (possibly empty).
    """

    filename: str
    url: str
    project: NormalizedName
    version: Version
    is_wheel: bool
    index_url: str
    hashes: tuple[tuple[str, str], ...] = ()
    requires_python: str | None = None
    yanked: str | None = None
    upload_time: datetime | None = None
    size: int | None = None
    metadata_hashes: tuple[tuple[str, str], ...] | None = None

    @property
    def metadata_url(self) -> str:
        """Where PEP 658 serves the core metadata of this file."""
        return self.url.split("#", 1)[0] + ".metadata"

    def digest(self) -> str | None:
        """The strongest published hash as ``alg=hex`` (sha256 preferred), if any."""
        return _best_digest(self.hashes)


@dataclass(frozen=True, slots=True)
class ProjectPage:
    """The files an index lists for one project (``files`` in the page's order)."""

    name: NormalizedName
    url: str
    files: tuple[DistributionFile, ...]


@dataclass(frozen=True, slots=True)
class CoreMetadata:
    """What the resolver needs of a distribution's core metadata."""

    name: str
    version: str
    requires_dist: tuple[str, ...]
    requires_python: str | None
    provides_extra: tuple[str, ...]


def _best_digest(hashes: Iterable[tuple[str, str]]) -> str | None:
    table = dict(hashes)
    for algorithm in ("sha256", "sha384", "sha512"):
        if algorithm in table:
            return f"{algorithm}={table[algorithm]}"
    return None


class SimpleIndex:
    """Project pages and core metadata from simple repositories, through ``client``.

    ``index_urls`` are tried in order (a 404 means "not here"); pages and metadata are kept
    in memory for the life of the object, so that a resolution asks each URL once.
    ``build_sdists`` allows PEP 517 builds for the metadata of sdists whose ``PKG-INFO`` is
    not static, each stopped after ``build_timeout`` seconds (``None``: the default of
    :mod:`polypac.ecosystems.python.sdist`).
    """

    def __init__(
        self,
        client: HttpClient,
        index_urls: Sequence[str],
        *,
        build_sdists: bool = True,
        build_timeout: float | None = None,
    ) -> None:
        if not index_urls:
            raise ValueError("at least one index URL is needed")
        self.client = client
        self.index_urls = tuple(url.rstrip("/") for url in index_urls)
        self.build_sdists = build_sdists
        self.build_timeout = build_timeout
        self._pages: dict[NormalizedName, ProjectPage | None] = {}
        self._metadata: dict[str, CoreMetadata] = {}
        # Failures met while prefetching: raised when the metadata is asked for, not retried.
        self._failed: dict[str, PolypacError] = {}
        self._lock = threading.Lock()

    # project pages

    def page_url(self, index_url: str, name: str) -> str:
        """The URL of the project page of ``name`` on ``index_url``."""
        return f"{index_url.rstrip('/')}/{canonicalize_name(name)}/"

    def project(self, name: str) -> ProjectPage | None:
        """The page of ``name`` on the first index that has it, ``None`` if none has."""
        key = canonicalize_name(name)
        with self._lock:
            if key in self._pages:
                return self._pages[key]
        page: ProjectPage | None = None
        for index_url in self.index_urls:
            url = self.page_url(index_url, key)
            try:
                response = self.client.get(url, accept=ACCEPT)
            except HttpStatusError as error:
                if error.status in (404, 410):
                    continue
                raise
            except NetError as error:
                if url.startswith("file:") and "no such file" in error.problem:
                    continue
                raise
            page = parse_project_page(key, response, index_url)
            break
        with self._lock:
            self._pages[key] = page
        return page

    def prefetch(self, names: Iterable[str]) -> None:
        """Fetch the pages of ``names`` concurrently (errors surface on :meth:`project`)."""
        with self._lock:
            wanted = [canonicalize_name(n) for n in names]
            wanted = [n for n in dict.fromkeys(wanted) if n not in self._pages]
        if not wanted:
            return
        first = self.index_urls[0]
        answers = self.client.get_many([self.page_url(first, n) for n in wanted], accept=ACCEPT)
        for name in wanted:
            answer = answers.get(self.page_url(first, name))
            if isinstance(answer, HttpResponse):
                try:
                    page = parse_project_page(name, answer, first)
                except IndexPageError:
                    continue  # asked again, and reported, by project()
                with self._lock:
                    self._pages.setdefault(name, page)

    # core metadata

    def metadata(self, file: DistributionFile) -> CoreMetadata:
        """The core metadata of ``file``: PEP 658 when served, else read from the wheel,
        else from the sdist (its static ``PKG-INFO`` or ``pyproject.toml``, or a build; a
        failure is a
        :class:`~polypac.ecosystems.python.sdist.SdistMetadataError`)."""
        with self._lock:
            cached = self._metadata.get(file.url)
            failed = self._failed.get(file.url)
        if cached is not None:
            return cached
        if failed is not None:
            raise failed
        if file.metadata_hashes is not None:
            response = self.client.get(file.metadata_url)
            found = self._checked_metadata(file, response.content)
        elif file.is_wheel:
            found = self._from_remote_wheel(file)
        else:
            from polypac.ecosystems.python import sdist

            timeout = self.build_timeout
            if timeout is None:
                timeout = sdist.DEFAULT_BUILD_TIMEOUT
            try:
                found = sdist.sdist_metadata(
                    self.client, file, build=self.build_sdists, timeout=timeout
                )
            except sdist.SdistMetadataError as error:
                with self._lock:  # an extra of the same version must not build it again
                    self._failed.setdefault(file.url, error)
                raise
        with self._lock:
            self._metadata[file.url] = found
        return found

    def prefetch_metadata(self, files: Iterable[DistributionFile]) -> None:
        """Fetch the metadata of ``files`` concurrently: PEP 658 files with ``get_many``,
        wheels without them by range requests on a thread pool. Sdists without PEP 658
        metadata are left for :meth:`metadata`: a build is slow, and done only when needed.

        A failure (a hash that does not match, an unreadable answer) is kept and raised
        when :meth:`metadata` asks for that file: a prefetch neither hides an error nor
        makes a second request for it. Network errors are left for :meth:`metadata` to
        meet (with its retries) again.
        """
        with self._lock:
            chosen = [
                f
                for f in dict.fromkeys(files)
                if f.url not in self._metadata and f.url not in self._failed
            ]
        separate = [f for f in chosen if f.metadata_hashes is not None]
        wheels = [f for f in chosen if f.metadata_hashes is None and f.is_wheel]
        if separate:
            answers = self.client.get_many(f.metadata_url for f in separate)
            for file in separate:
                answer = answers.get(file.metadata_url)
                if isinstance(answer, HttpResponse):
                    self._keep(file, partial(self._checked_metadata, file, answer.content))
        if wheels:
            workers = min(self.client.max_connections, len(wheels))
            with ThreadPoolExecutor(workers, thread_name_prefix="polypac-wheel") as pool:
                for file in wheels:
                    pool.submit(self._keep, file, partial(self._from_remote_wheel, file))

    def _keep(self, file: DistributionFile, read: Callable[[], CoreMetadata]) -> None:
        try:
            found = read()
        except NetError as error:
            if isinstance(error, DigestMismatch):
                with self._lock:
                    self._failed.setdefault(file.url, error)
            return
        except IndexPageError as error:
            with self._lock:
                self._failed.setdefault(file.url, error)
            return
        with self._lock:
            self._metadata.setdefault(file.url, found)

    def _checked_metadata(self, file: DistributionFile, content: bytes) -> CoreMetadata:
        digest = _best_digest(file.metadata_hashes or ())
        if digest is not None:
            _verify(content, digest, file, file.metadata_url, "metadata")
        return parse_core_metadata(content, file.project, file.metadata_url)

    def _from_remote_wheel(self, file: DistributionFile) -> CoreMetadata:
        """``METADATA`` read with HTTP range requests (the zip's central directory, then the
        one member), as uv and pip do; the whole wheel when the server ignores ranges.

        Only the whole wheel can be checked against the file's hash: metadata read by ranges
        is not verified (the installer checks the wheel it installs).
        """
        if file.url.startswith("file:"):
            return self._from_wheel(file, self.client.get(file.url).content)
        # A published file never changes: the METADATA read from it is cached for good,
        # under the wheel's URL and a media type of its own (which also serves offline).
        kept = self.client.cache.lookup(file.url, _WHEEL_METADATA)
        if kept is not None:
            return parse_core_metadata(kept.content, file.project, file.url)
        if self.client.offline:
            raise NotCached(file.url, cache_dir=self.client.cache.directory)
        remote = _RangeFile(self.client, file.url, file.project)
        if remote.whole is not None:
            return self._from_wheel(file, remote.whole)
        try:
            with zipfile.ZipFile(remote) as wheel:
                data = wheel.read(_metadata_member(wheel, file))
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
            raise IndexPageError(
                file.project, file.url, f"not a readable wheel: {error}"
            ) from error
        found = parse_core_metadata(data, file.project, file.url)
        entry = CacheEntry(file.url, _WHEEL_METADATA, file.url, 200, (), data, time.time())
        with contextlib.suppress(OSError):  # an unwritable cache only costs a later request
            self.client.cache.store(entry)
        return found

    def _from_wheel(self, file: DistributionFile, content: bytes) -> CoreMetadata:
        digest = file.digest()
        if digest is not None:
            _verify(content, digest, file, file.url, "wheel")
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as wheel:
                data = wheel.read(_metadata_member(wheel, file))
        except (zipfile.BadZipFile, OSError, EOFError) as error:
            raise IndexPageError(
                file.project, file.url, f"not a readable wheel: {error}"
            ) from error
        return parse_core_metadata(data, file.project, file.url)


def _metadata_member(wheel: zipfile.ZipFile, file: DistributionFile) -> str:
    names = [n for n in wheel.namelist() if n.count("/") == 1 and n.endswith(".dist-info/METADATA")]
    if len(names) != 1:
        raise IndexPageError(file.project, file.url, "the wheel has no single .dist-info/METADATA")
    return names[0]


_CHUNK = 8 * 1024


class _RangeFile(io.RawIOBase):
    """A remote file read by HTTP range requests, in chunks of at least ``_CHUNK`` bytes.

    The first request asks for the last chunk (where a zip keeps its directory) and learns
    the size from ``Content-Range``; a server that answers ``200`` sent everything, kept in
    ``whole``.
    """

    def __init__(self, client: HttpClient, url: str, project: str) -> None:
        super().__init__()
        self.client = client
        self.url = url
        self.project = project
        self.whole: bytes | None = None
        self.position = 0
        self.pieces: list[tuple[int, bytes]] = []
        answer = client.get(url, headers={"Range": f"bytes=-{_CHUNK}"})
        if answer.status != 206:
            self.whole = answer.content
            self.size = len(answer.content)
            return
        total = answer.headers.get("content-range", "").rpartition("/")[2]
        if not total.isdigit():
            raise IndexPageError(project, url, "a range answer without the file's size")
        self.size = int(total)
        self.pieces.append((self.size - len(answer.content), answer.content))

    def seekable(self) -> bool:
        return True

    def readable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}[whence]
        self.position = max(0, base + offset)
        return self.position

    def read(self, size: int | None = -1) -> bytes:
        end = self.size if size is None or size < 0 else min(self.size, self.position + size)
        if end <= self.position:
            return b""
        data = self._span(self.position, end)
        self.position = end
        return data

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def _span(self, start: int, end: int) -> bytes:
        for offset, piece in self.pieces:
            if offset <= start and end <= offset + len(piece):
                return piece[start - offset : end - offset]
        fetch_end = min(self.size, max(end, start + _CHUNK))
        answer = self.client.get(self.url, headers={"Range": f"bytes={start}-{fetch_end - 1}"})
        if answer.status != 206 or len(answer.content) != fetch_end - start:
            raise IndexPageError(
                self.project, self.url, f"the server did not answer the range {start}-"
            )
        self.pieces.append((start, answer.content))
        return answer.content[: end - start]


def _verify(content: bytes, digest: str, file: DistributionFile, url: str, what: str) -> None:
    try:
        verify_digest(content, digest, url=url)
    except DigestMismatch as error:
        raise named_mismatch(error, file, what) from error


def named_mismatch(error: DigestMismatch, file: DistributionFile, what: str) -> DigestMismatch:
    """``error`` said of ``what`` (the sdist, the wheel, the metadata) of ``file``."""
    return DigestMismatch(
        error.url,
        error.expected,
        error.actual,
        problem=(
            f"the {what} of {file.filename} ({file.project} {file.version}) does not"
            f" match its published hash: expected {error.expected}, got {error.actual}"
        ),
    )


def parse_core_metadata(content: bytes, project: str, url: str) -> CoreMetadata:
    """The fields of a ``METADATA`` file that resolution needs."""
    message = BytesParser(policy=compat32).parsebytes(content)
    name = message.get("Name")
    version = message.get("Version")
    if not name or not version:
        raise IndexPageError(project, url, "the core metadata has no Name or no Version")
    return CoreMetadata(
        name=str(name).strip(),
        version=str(version).strip(),
        requires_dist=tuple(str(v).strip() for v in message.get_all("Requires-Dist") or ()),
        requires_python=(
            str(message["Requires-Python"]).strip() if message.get("Requires-Python") else None
        ),
        provides_extra=tuple(str(v).strip() for v in message.get_all("Provides-Extra") or ()),
    )


# project pages: JSON and HTML


def parse_project_page(name: NormalizedName, response: HttpResponse, index_url: str) -> ProjectPage:
    """A project page from a PEP 691 JSON or PEP 503 HTML answer."""
    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type in (_JSON_TYPE, "application/json"):
        try:
            document = json.loads(response.content)
        except (UnicodeDecodeError, ValueError, RecursionError) as error:
            raise IndexPageError(
                name, response.url, f"the project page is not valid JSON: {error}"
            ) from error
        if not isinstance(document, dict) or not isinstance(document.get("files"), list):
            raise IndexPageError(name, response.url, "the project page has no files list")
        files = [_json_file(name, entry, response.url, index_url) for entry in document["files"]]
    else:
        collector = _Anchors()
        collector.feed(response.text)
        collector.close()
        files = [_html_file(name, attrs, response.url, index_url) for attrs in collector.anchors]
    return ProjectPage(name, response.url, tuple(f for f in files if f is not None))


def _identify(filename: str, project: NormalizedName) -> tuple[Version, bool] | None:
    """The version and wheel-ness of a file, ``None`` for files resolution cannot use.

    Wheel names are split by hand (name, version, then tags): packaging's full parse of
    every file of every page was the largest cost of a resolution; the tags are checked
    by whoever needs them.
    """
    try:
        if filename.endswith(".whl"):
            parts = filename[:-4].split("-")
            if len(parts) not in (5, 6) or canonicalize_name(parts[0]) != project:
                return None
            return _version(parts[1]), True
        if filename.endswith((".tar.gz", ".zip")):
            sdist_name, version = parse_sdist_filename(filename)
            return (version, False) if sdist_name == project else None
    except (InvalidSdistFilename, InvalidVersion):
        return None
    return None


@lru_cache(maxsize=4096)
def _version(text: str) -> Version:
    return Version(text)


def _hash_pairs(value: Any) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, Mapping):
        return ()
    return tuple(sorted((str(k).lower(), str(v).lower()) for k, v in value.items()))


def _json_file(
    project: NormalizedName, entry: Any, page_url: str, index_url: str
) -> DistributionFile | None:
    if not isinstance(entry, Mapping):
        raise IndexPageError(project, page_url, "a file entry is not an object")
    filename, url = entry.get("filename"), entry.get("url")
    if not isinstance(filename, str) or not isinstance(url, str):
        raise IndexPageError(project, page_url, "a file entry has no filename or url")
    identified = _identify(filename, project)
    if identified is None:
        return None
    yanked = entry.get("yanked", False)
    metadata = entry.get("core-metadata", entry.get("data-dist-info-metadata", False))
    upload = entry.get("upload-time")
    size = entry.get("size")
    requires_python = entry.get("requires-python")
    return DistributionFile(
        filename=filename,
        url=url if url.startswith(("https://", "http://")) else urllib.parse.urljoin(page_url, url),
        project=project,
        version=identified[0],
        is_wheel=identified[1],
        index_url=index_url,
        hashes=_hash_pairs(entry.get("hashes")),
        requires_python=requires_python if isinstance(requires_python, str) else None,
        yanked=(yanked if isinstance(yanked, str) else "") if yanked else None,
        upload_time=_timestamp(upload) if isinstance(upload, str) else None,
        size=size if isinstance(size, int) else None,
        metadata_hashes=(_hash_pairs(metadata) if metadata else None),
    )


def _timestamp(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class _Anchors(HTMLParser):
    """The attributes of every ``<a>`` of a PEP 503 page (entities already unescaped)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.anchors: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.anchors.append(dict(attrs))


def _html_file(
    project: NormalizedName, attrs: Mapping[str, str | None], page_url: str, index_url: str
) -> DistributionFile | None:
    href = attrs.get("href")
    if not href:
        return None
    url = urllib.parse.urljoin(page_url, href)
    path, _, fragment = url.partition("#")
    filename = urllib.parse.unquote(path.rsplit("/", 1)[-1])
    identified = _identify(filename, project)
    if identified is None:
        return None
    hashes: tuple[tuple[str, str], ...] = ()
    algorithm, _, value = fragment.partition("=")
    if value:
        hashes = ((algorithm.lower(), value.lower()),)
    metadata = attrs.get("data-core-metadata", attrs.get("data-dist-info-metadata"))
    metadata_hashes: tuple[tuple[str, str], ...] | None = None
    if metadata is not None:
        algorithm, _, value = metadata.partition("=")
        metadata_hashes = ((algorithm.lower(), value.lower()),) if value else ()
        if metadata.lower() == "false":
            metadata_hashes = None
    yanked_attr = "data-yanked" in attrs
    return DistributionFile(
        filename=filename,
        url=path,
        project=project,
        version=identified[0],
        is_wheel=identified[1],
        index_url=index_url,
        hashes=hashes,
        requires_python=attrs.get("data-requires-python") or None,
        yanked=(attrs.get("data-yanked") or "") if yanked_attr else None,
        metadata_hashes=metadata_hashes,
    )
