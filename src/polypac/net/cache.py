"""The on-disk HTTP cache: one file per (URL, Accept), written atomically.

An entry file is one line of JSON metadata (the URL asked for and the one answered, the
Accept header, the status, the headers that matter for validation and reading, when it
was fetched, and the length and SHA-256 of the body), a newline, then the body. The
file is written to a temporary file in the same folder and moved into place with
:func:`os.replace`, so a reader sees the old entry or the new one, never half of one; and
an entry whose body does not have the length and digest its metadata names (a truncated
file, a foreign file) reads as missing. :func:`decode_entry` never raises.

Entries live under ``<cache_dir>/<first two hex digits>/<sha256 of the key>``; the
default ``cache_dir`` is :func:`default_cache_dir`.
"""

from __future__ import annotations

import contextlib
import email.utils
import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

__all__ = [
    "CacheEntry",
    "EntryHead",
    "HttpCache",
    "decode_entry",
    "default_cache_dir",
    "encode_entry",
]

_FORMAT = "polypac-http-cache/1"

# Headers that describe the body or its freshness; hop-by-hop headers and the transfer
# encoding (the body is stored decoded) are not kept.
_DROPPED_HEADERS = frozenset(
    {
        "connection",
        "content-encoding",
        "content-length",
        "keep-alive",
        "proxy-connection",
        "set-cookie",
        "trailer",
        "transfer-encoding",
        "upgrade",
    }
)


def default_cache_dir(environ: Mapping[str, str] | None = None) -> Path:
    """``$XDG_CACHE_HOME/polypac/http``, else ``~/.cache/polypac/http``.

    >>> default_cache_dir({"XDG_CACHE_HOME": "/var/cache/me"}).as_posix()
    '/var/cache/me/polypac/http'
    """
    env = os.environ if environ is None else environ
    base = env.get("XDG_CACHE_HOME", "")
    if base and Path(base).is_absolute():  # the XDG spec says to ignore relative paths
        return Path(base) / "polypac" / "http"
    home = env.get("HOME")
    return (Path(home) if home else Path.home()) / ".cache" / "polypac" / "http"


@dataclass(frozen=True, slots=True)
class CacheEntry:
    """One cached answer to a GET.

    ``url`` is the URL asked for (the key, with ``accept``), ``final_url`` the one that
    answered after redirects, ``headers`` the kept response headers as (lower-case name,
    value) pairs, ``fetched_at`` when the answer was last fetched or revalidated (seconds
    since the epoch).
    """

    url: str
    accept: str | None
    final_url: str
    status: int
    headers: tuple[tuple[str, str], ...]
    content: bytes
    fetched_at: float

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (any case), or ``None``."""
        wanted = name.lower()
        return next((value for key, value in self.headers if key == wanted), None)

    @property
    def etag(self) -> str | None:
        """The ``ETag`` validator, if the server sent one."""
        return self.header("etag")

    @property
    def last_modified(self) -> str | None:
        """The ``Last-Modified`` validator, if the server sent one."""
        return self.header("last-modified")

    @property
    def cache_control(self) -> dict[str, str | None]:
        """The ``Cache-Control`` directives, lower-case names to values (or ``None``)."""
        return parse_cache_control(self.header("cache-control"))

    @property
    def max_age(self) -> float | None:
        """How long the entry is fresh after it was fetched, per ``max-age``; else ``None``.

        An entry with ``no-cache`` is never fresh (it must be revalidated each time).
        """
        directives = self.cache_control
        if "no-cache" in directives:
            return None
        value = directives.get("max-age")
        try:
            return max(0.0, float(value)) if value is not None else None
        except ValueError:
            return None

    def age(self, now: float) -> float:
        """The entry's age at ``now``: the server's ``Age`` when fetched plus the time since."""
        try:
            initial = max(0.0, float(self.header("age") or 0))
        except ValueError:
            initial = 0.0
        return initial + max(0.0, now - self.fetched_at)

    def is_fresh(self, now: float) -> bool:
        """Whether the entry may be served at ``now`` without asking the server."""
        max_age = self.max_age
        return max_age is not None and self.age(now) < max_age

    def revalidated(self, headers: Iterable[tuple[str, str]], now: float) -> CacheEntry:
        """The entry after a ``304 Not Modified`` with ``headers``: those headers updated."""
        fresh = _kept_headers(headers)
        names = {name for name, _ in fresh}
        kept = tuple((n, v) for n, v in self.headers if n not in names and n != "age")
        return replace(self, headers=kept + fresh, fetched_at=now)


@dataclass(frozen=True, slots=True)
class EntryHead:
    """An entry's metadata line without its body: enough to decide whether the body is
    worth reading (fresh, or a validator to send) and whether a new answer changed it.

    ``entry`` has an empty ``content``; ``length`` and ``sha256`` describe the body kept.
    """

    entry: CacheEntry
    length: int
    sha256: str

    def same_as(self, answer: CacheEntry) -> bool:
        """Whether ``answer`` says nothing the kept entry's metadata does not: the same
        status, final URL, validators and caching rules, a body of the same length, and no
        ``max-age`` (for which the time of fetching would matter). With the same body
        too (:meth:`HttpCache.holds`), rewriting the entry would be wasted."""
        kept = self.entry
        return (
            answer.max_age is None
            and kept.max_age is None
            and answer.status == kept.status
            and answer.final_url == kept.final_url
            and all(
                answer.header(name) == kept.header(name)
                for name in ("etag", "last-modified", "cache-control", "content-type")
            )
            and len(answer.content) == self.length
        )


def parse_cache_control(value: str | None) -> dict[str, str | None]:
    """``Cache-Control`` directives: ``"max-age=60, no-store"`` → ``{"max-age": "60", ...}``.

    >>> parse_cache_control('public, max-age="60", No-Store')
    {'public': None, 'max-age': '60', 'no-store': None}
    """
    directives: dict[str, str | None] = {}
    for part in (value or "").split(","):
        name, sep, argument = part.strip().partition("=")
        if name:
            directives[name.strip().lower()] = argument.strip().strip('"') if sep else None
    return directives


def _kept_headers(headers: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    return tuple(
        (name.lower(), value) for name, value in headers if name.lower() not in _DROPPED_HEADERS
    )


def new_entry(
    url: str,
    accept: str | None,
    *,
    final_url: str,
    status: int,
    headers: Iterable[tuple[str, str]],
    content: bytes,
    fetched_at: float,
) -> CacheEntry:
    """An entry for a fresh answer; keeps only the headers worth keeping."""
    return CacheEntry(url, accept, final_url, status, _kept_headers(headers), content, fetched_at)


def encode_entry(entry: CacheEntry) -> bytes:
    """The bytes of an entry file: a line of JSON metadata, then the body."""
    return _metadata_line(entry) + entry.content


def _metadata_line(entry: CacheEntry) -> bytes:
    metadata = {
        "format": _FORMAT,
        "url": entry.url,
        "accept": entry.accept,
        "final_url": entry.final_url,
        "status": entry.status,
        "headers": [list(pair) for pair in entry.headers],
        "fetched_at": entry.fetched_at,
        "fetched_at_http": email.utils.formatdate(entry.fetched_at, usegmt=True),
        "length": len(entry.content),
        "sha256": hashlib.sha256(entry.content).hexdigest(),
    }
    line = json.dumps(metadata, ensure_ascii=True, separators=(",", ":"))
    return line.encode("ascii") + b"\n"


def decode_entry(data: bytes) -> CacheEntry | None:
    """The entry in ``data``, or ``None`` when it is not a whole, valid entry file.

    Never raises: a truncated or foreign file is simply not an entry.

    >>> decode_entry(b"not an entry") is None
    True
    """
    head, newline, body = data.partition(b"\n")
    if not newline:
        return None
    try:
        metadata = json.loads(head.decode("ascii"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(metadata, dict) or metadata.get("format") != _FORMAT:
        return None
    return _entry_from(metadata, body)


def _head_from(metadata: dict[str, Any]) -> EntryHead | None:
    """The head described by a metadata line, or ``None`` when it is not one."""
    length, digest = metadata.get("length"), metadata.get("sha256")
    if type(length) is not int or not isinstance(digest, str):
        return None
    entry = _entry_from(metadata, b"", check_body=False)
    return None if entry is None else EntryHead(entry, length, digest)


def _entry_from(
    metadata: dict[str, Any], body: bytes, *, check_body: bool = True
) -> CacheEntry | None:
    url, accept, final_url = metadata.get("url"), metadata.get("accept"), metadata.get("final_url")
    status, fetched_at = metadata.get("status"), metadata.get("fetched_at")
    headers, length, digest = (
        metadata.get("headers"),
        metadata.get("length"),
        metadata.get("sha256"),
    )
    if not (
        isinstance(url, str)
        and (accept is None or isinstance(accept, str))
        and isinstance(final_url, str)
        and type(status) is int
        and isinstance(fetched_at, int | float)
        and not isinstance(fetched_at, bool)
        and type(length) is int
        and isinstance(digest, str)
        and isinstance(headers, list)
        and all(
            isinstance(pair, list) and len(pair) == 2 and all(isinstance(p, str) for p in pair)
            for pair in headers
        )
    ):
        return None
    if check_body and (len(body) != length or hashlib.sha256(body).hexdigest() != digest):
        return None
    pairs = tuple((str(name), str(value)) for name, value in headers)
    return CacheEntry(url, accept, final_url, status, pairs, body, float(fetched_at))


def cache_key(url: str, accept: str | None) -> str:
    """The hex name of the entry for ``url`` asked for with ``accept``."""
    return hashlib.sha256(f"{url}\n{accept or ''}".encode()).hexdigest()


class HttpCache:
    """The entries under one folder. Safe to share between threads and processes.

    Reading an entry that is corrupt removes it and reports it missing; a failed write
    leaves the previous entry (or none) and no temporary file, and raises ``OSError``.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def path(self, url: str, accept: str | None) -> Path:
        """Where the entry for ``url`` with ``accept`` lives."""
        key = cache_key(url, accept)
        return self.directory / key[:2] / key

    def lookup(self, url: str, accept: str | None) -> CacheEntry | None:
        """The entry for ``url`` with ``accept``, or ``None`` (missing or corrupt)."""
        path = self.path(url, accept)
        try:
            data = path.read_bytes()
        except OSError:
            return None
        entry = decode_entry(data)
        if entry is None or entry.url != url or entry.accept != accept:
            self._discard(path)
            return None
        return entry

    def head(self, url: str, accept: str | None) -> EntryHead | None:
        """The metadata of the entry for ``url`` with ``accept``, its body left unread: a
        body of another length (a torn write) makes no head; its digest is checked by
        :meth:`lookup` when the body is read."""
        try:
            with self.path(url, accept).open("rb") as stream:
                line = stream.readline(1 << 20)
                size = stream.seek(0, os.SEEK_END)
        except OSError:
            return None
        try:
            metadata = json.loads(line.decode("ascii"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            return None
        if not isinstance(metadata, dict) or metadata.get("format") != _FORMAT:
            return None
        head = _head_from(metadata)
        if head is None or head.entry.url != url or head.entry.accept != accept:
            return None
        return head if size == len(line) + head.length else None

    def holds(self, url: str, accept: str | None, content: bytes) -> bool:
        """Whether the entry for ``url`` with ``accept`` has exactly ``content`` as its body
        (compared byte for byte: a body damaged on disk is not held, and gets rewritten)."""
        try:
            with self.path(url, accept).open("rb") as stream:
                stream.readline(1 << 20)
                return stream.read(len(content) + 1) == content
        except OSError:
            return False

    def store(self, entry: CacheEntry) -> None:
        """Write ``entry`` atomically, replacing any entry for its URL and Accept."""
        path = self.path(entry.url, entry.accept)
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
        try:
            # No fsync: a cache need not survive a power cut, and an entry left torn
            # by one fails its length and digest check and reads as missing.
            with os.fdopen(descriptor, "wb") as stream:
                stream.write(_metadata_line(entry))
                stream.write(entry.content)
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise

    def remove(self, url: str, accept: str | None) -> None:
        """Forget the entry for ``url`` with ``accept``, if there is one."""
        self._discard(self.path(url, accept))

    @staticmethod
    def _discard(path: Path) -> None:
        with contextlib.suppress(OSError):
            path.unlink()
