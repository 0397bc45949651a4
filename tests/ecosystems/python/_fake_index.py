"""A fake simple index on 127.0.0.1 serving the recorded PyPI answers (see the README of
``fixtures/pypi-recorded``), plus helpers to build small pages and wheels by hand."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.net._server import FakeServer, Reply, serve

RECORDED = Path(__file__).parent / "fixtures" / "pypi-recorded"
PYPI = "https://pypi.org/simple"
FILES = "https://files.pythonhosted.org/"
JSON_TYPE = "application/vnd.pypi.simple.v1+json"


def request_settings() -> dict[str, Any]:
    """The request the recording answered (``request.json``)."""
    loaded: dict[str, Any] = json.loads((RECORDED / "request.json").read_text())
    return loaded


def uv_pins() -> dict[str, str]:
    """uv's answer to the recorded request, ``name -> version``."""
    lines = (RECORDED / "uv-pip-compile.txt").read_text().split()
    return dict(line.split("==", 1) for line in lines)


def _recorded() -> dict[str, tuple[dict[str, Any], bytes]]:
    manifest: dict[str, dict[str, Any]] = json.loads((RECORDED / "responses.json").read_text())
    return {
        key: (entry, gzip.decompress((RECORDED / "responses" / entry["file"]).read_bytes()))
        for key, entry in manifest.items()
    }


def recorded_body(url: str) -> bytes:
    """The recorded body of a GET of ``url``."""
    return _recorded()[url][1]


def _path(url: str) -> str:
    if url.startswith(PYPI):
        return "/simple" + url[len(PYPI) :]
    return "/files/" + url[len(FILES) :]


@contextmanager
def recorded_index() -> Iterator[FakeServer]:
    """Serve the recording; the index is ``fake.url("/simple")``."""
    with serve() as fake:
        base = fake.url("/files/").encode()
        by_path: dict[str, dict[str | None, tuple[dict[str, Any], bytes]]] = {}
        for key, (entry, body) in _recorded().items():
            url, _, wanted = key.partition(" ")
            served = body.replace(FILES.encode(), base) if url.startswith(PYPI) else body
            by_path.setdefault(_path(url), {})[wanted or None] = (entry, served)
        for path, answers in by_path.items():
            fake.scripts[path] = _answering(answers)
        yield fake


def _answering(answers: Mapping[str | None, tuple[dict[str, Any], bytes]]) -> Any:
    def reply(headers: Mapping[str, str]) -> Reply:
        found = answers.get(headers.get("range"))
        if found is None:
            return Reply(416, b"range not recorded")
        entry, body = found
        sent = [("Content-Type", entry["content-type"])]
        if entry.get("content-range"):
            sent.append(("Content-Range", entry["content-range"]))
        return Reply(entry["status"], body, tuple(sent))

    return reply


def sha256(data: bytes) -> str:
    """The hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def metadata_text(name: str, version: str, *requires: str, python: str | None = None) -> bytes:
    """A core metadata file."""
    lines = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
    if python is not None:
        lines.append(f"Requires-Python: {python}")
    lines += [f"Requires-Dist: {r}" for r in requires]
    return ("\n".join(lines) + "\n\n").encode()


def wheel_bytes(name: str, version: str, metadata: bytes) -> bytes:
    """A wheel holding only ``<name>-<version>.dist-info/METADATA``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as wheel:
        wheel.writestr(f"{name}-{version}.dist-info/METADATA", metadata)
    return buffer.getvalue()


def json_page(*files: dict[str, Any]) -> bytes:
    """A PEP 691 project page."""
    return json.dumps({"meta": {"api-version": "1.1"}, "name": "x", "files": list(files)}).encode()


def json_reply(body: bytes) -> Reply:
    """A 200 answer with the PEP 691 content type."""
    return Reply(200, body, (("Content-Type", JSON_TYPE),))
