"""The I/O layer every registry client uses: HTTP with a cache, retries and offline mode.

- :class:`HttpClient` (``client``): GET, GET JSON, many GETs at once; validation with
  ETag / Last-Modified, ``max-age`` freshness, offline from the cache.
- :class:`HttpCache` (``cache``): the on-disk cache, atomic entries, never a half entry.
- :func:`verify_digest`: content against ``sha256:HEX``, ``sha256=HEX`` or SRI.
- ``config``: the indexes and registries the user's pip, npm and apt are configured with.
- Errors: :class:`NetError` and its subclasses, under :class:`polypac.errors.PolypacError`.
"""

from __future__ import annotations

from polypac.net._digest import content_digest, verify_digest
from polypac.net._errors import (
    ConnectionFailed,
    DigestMismatch,
    HttpStatusError,
    NetError,
    NotCached,
)
from polypac.net.cache import CacheEntry, HttpCache, default_cache_dir
from polypac.net.client import HttpClient, HttpResponse
from polypac.net.config import (
    AptSource,
    IndexUrls,
    apt_sources,
    npm_registry,
    pip_index_urls,
)

__all__ = [
    "AptSource",
    "CacheEntry",
    "ConnectionFailed",
    "DigestMismatch",
    "HttpCache",
    "HttpClient",
    "HttpResponse",
    "HttpStatusError",
    "IndexUrls",
    "NetError",
    "NotCached",
    "apt_sources",
    "content_digest",
    "default_cache_dir",
    "npm_registry",
    "pip_index_urls",
    "verify_digest",
]
