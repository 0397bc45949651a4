"""The errors of the I/O layer: one branch of the tree under :class:`PolypacError`.

::

    PolypacError
    └── NetError                a request that did not give a usable answer
        ├── HttpStatusError     the server answered with an error status (4xx, 5xx)
        ├── ConnectionFailed    no answer: refused, timed out, or cut short
        ├── NotCached           offline, and the URL is not in the cache
        └── DigestMismatch      the content is not what its digest says

Each carries its data (``url``, ``status``, ``problem``, ``attempts``) and says in its
message what went wrong, where, and on a ``hint:`` line what to do.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from polypac.errors import PolypacError

__all__ = [
    "ConnectionFailed",
    "DigestMismatch",
    "HttpStatusError",
    "NetError",
    "NotCached",
]


class NetError(PolypacError):
    """A request that did not give a usable answer.

    ``url`` is the request (``method`` its verb), ``status`` the HTTP status of the last
    answer (``None`` when none came), ``problem`` what went wrong, ``attempts`` how many
    times it was tried.
    """

    hint = "check the URL and the network, then try again"

    def __init__(
        self,
        url: str,
        problem: str,
        *,
        status: int | None = None,
        attempts: int = 1,
        method: str = "GET",
    ) -> None:
        self.url = url
        self.problem = problem
        self.status = status
        self.attempts = attempts
        self.method = method
        super().__init__(self._render())

    def _render(self) -> str:
        where = f"{self.url} (HTTP {self.status})" if self.status is not None else self.url
        tries = f" after {self.attempts} attempts" if self.attempts > 1 else ""
        return f"{self.method} {where}: {self.problem}{tries}\nhint: {self._hint()}"

    def _hint(self) -> str:
        return self.hint

    def _arguments(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "problem": self.problem,
            "status": self.status,
            "attempts": self.attempts,
            "method": self.method,
        }

    def __reduce__(self) -> tuple[object, ...]:  # keep pickling (multiprocessing) working
        return (_rebuild, (type(self), self._arguments()))


def _rebuild(cls: type[NetError], arguments: dict[str, Any]) -> NetError:
    return cls(**arguments)


class HttpStatusError(NetError):
    """The server answered with an error status (after the retries, for 429 and 5xx)."""

    def _hint(self) -> str:
        if self.status in (404, 410):
            return "check the name and the index or registry URL; the server has no such page"
        if self.status in (401, 403):
            return "the server wants credentials or refuses them; check the index configuration"
        if self.status is not None and (self.status == 429 or self.status >= 500):
            return "the server is busy or failing; try again later"
        return "the server refused the request; check the URL"


class ConnectionFailed(NetError):
    """No (whole) answer came: the connection was refused, timed out, or broke off."""

    hint = "check the network (and any proxy), or work offline from the cache"


class NotCached(NetError):
    """Offline, and the URL is not in the cache: nothing can be served."""

    def __init__(
        self,
        url: str,
        problem: str | None = None,
        *,
        status: int | None = None,
        attempts: int = 0,
        cache_dir: Path | None = None,
        method: str = "GET",
    ) -> None:
        self.cache_dir = cache_dir
        place = f" ({cache_dir})" if cache_dir is not None else ""
        chosen = problem or f"not in the cache{place}, and polypac is offline"
        super().__init__(url, chosen, status=status, attempts=attempts, method=method)

    hint = "run once online to fill the cache, then offline runs can use it"

    def _arguments(self) -> dict[str, Any]:
        return {**super()._arguments(), "cache_dir": self.cache_dir}


class DigestMismatch(NetError):
    """The content fetched is not the content its published digest names.

    ``expected`` is the digest as given, ``actual`` the digest of the content in the same
    algorithm and notation.
    """

    def __init__(
        self,
        url: str,
        expected: str,
        actual: str,
        *,
        problem: str | None = None,
        status: int | None = None,
        attempts: int = 1,
        method: str = "GET",
    ) -> None:
        self.expected = expected
        self.actual = actual
        chosen = problem or f"digest mismatch: expected {expected}, got {actual}"
        super().__init__(url, chosen, status=status, attempts=attempts, method=method)

    hint = (
        "the content is not what was published; do not use it "
        "(a mirror, proxy or cache may have altered it)"
    )

    def _arguments(self) -> dict[str, Any]:
        return {**super()._arguments(), "expected": self.expected, "actual": self.actual}
