"""A fake HTTP server on 127.0.0.1 for the fault tests of the net layer.

Each path has a script: a list of :class:`Reply` served in turn (the last one repeats), or
a function of the request headers. Every request is recorded, so tests count attempts
instead of timing them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True, slots=True)
class Reply:
    """What the fake answers: a status, a body, headers; ``sleep`` first; ``cut`` the
    body short (a Content-Length longer than what is sent, then the connection closes)."""

    status: int = 200
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    sleep: float = 0.0
    cut: bool = False


Script = list[Reply] | Callable[[Mapping[str, str]], Reply]


@dataclass
class FakeServer:
    scripts: dict[str, Script] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    base_url: str = ""
    in_flight: int = 0
    most_in_flight: int = 0  # the most requests being answered at once
    bodies: list[tuple[str, bytes]] = field(default_factory=list)  # POSTed, by path

    def busy(self, delta: int) -> None:
        with self.lock:
            self.in_flight += delta
            self.most_in_flight = max(self.most_in_flight, self.in_flight)

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def count(self, path: str) -> int:
        with self.lock:
            return sum(1 for seen, _ in self.requests if seen == path)

    def headers_of(self, path: str) -> list[dict[str, str]]:
        with self.lock:
            return [headers for seen, headers in self.requests if seen == path]

    def reply(self, path: str, headers: Mapping[str, str]) -> Reply:
        with self.lock:
            self.requests.append((path, dict(headers)))
            script = self.scripts.get(path)
            if script is None:
                return Reply(404, b"no such page")
            if callable(script):
                chosen = script
            else:
                return script.pop(0) if len(script) > 1 else script[0]
        return chosen(headers)


def _handler(fake: FakeServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            headers = {name.lower(): value for name, value in self.headers.items()}
            reply = fake.reply(self.path, headers)
            # in flight while the answer is being made: the client may send its next
            # request as soon as it has read this answer, before this thread moves on
            fake.busy(+1)
            try:
                if reply.sleep:
                    time.sleep(reply.sleep)
            finally:
                fake.busy(-1)
            self._answer(reply)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            fake.bodies.append((self.path, self.rfile.read(length)))
            self.do_GET()

        def _answer(self, reply: Reply) -> None:
            try:
                self.send_response(reply.status)
                for name, value in reply.headers:
                    self.send_header(name, value)
                length = len(reply.body) + (100 if reply.cut else 0)
                if reply.status != 304:
                    self.send_header("Content-Length", str(length))
                self.end_headers()
                if reply.status != 304:
                    self.wfile.write(reply.body)
                self.wfile.flush()
            except OSError:
                pass  # the client gave up (a timeout test)
            self.close_connection = True

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the default 5 drops connections that get_many opens at once


@contextmanager
def serve(scripts: dict[str, Script] | None = None) -> Iterator[FakeServer]:
    fake = FakeServer(scripts=dict(scripts or {}))
    server = _Server(("127.0.0.1", 0), _handler(fake))
    fake.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
