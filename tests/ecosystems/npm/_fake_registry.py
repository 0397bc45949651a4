"""A fake npm registry on 127.0.0.1 for the resolver tests: recorded or made-up packuments."""

from __future__ import annotations

import base64
import hashlib
import json
import urllib.parse
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from polypac.ecosystems.npm.registry import packument_path
from polypac.net import HttpClient
from tests.net._server import FakeServer, Reply, Script, serve

RECORDED = Path(__file__).parent / "fixtures" / "registry-recorded"
RECORDED_DATE = "2025-06-01T00:00:00.000Z"


def recorded_packuments() -> dict[str, dict[str, Any]]:
    """The recorded packuments by package name."""
    out = {}
    for path in sorted((RECORDED / "packuments").glob("*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        out[document["name"]] = document
    return out


def _integrity(text: str) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(text.encode()).digest()).decode()


def packument(name: str, versions: Mapping[str, Mapping[str, Any]], **extra: Any) -> dict[str, Any]:
    """A made-up packument: ``versions`` maps each version to its manifest fields."""
    body = {
        version: {
            "name": name,
            "version": version,
            "dist": {
                "tarball": f"https://registry.test/{name}/-/{name.rpartition('/')[2]}-{version}.tgz",
                "integrity": _integrity(f"{name}@{version}"),
            },
            **fields,
        }
        for version, fields in versions.items()
    }
    latest = extra.pop("latest", max(versions, key=lambda v: tuple(map(int, v.split(".")))))
    return {"name": name, "dist-tags": {"latest": latest}, "versions": body, **extra}


def path_of(name: str) -> str:
    """The request path of ``name``'s packument."""
    return "/" + packument_path(name)


@contextmanager
def registry_server(
    documents: Mapping[str, Mapping[str, Any]], extra: Mapping[str, Script] | None = None
) -> Iterator[FakeServer]:
    """Serve ``documents`` (name to packument) as a registry; ``extra`` scripts more paths."""
    scripts: dict[str, Script] = {
        path_of(name): [
            Reply(200, json.dumps(doc).encode(), (("Content-Type", "application/json"),))
        ]
        for name, doc in documents.items()
    }
    scripts.update(extra or {})
    with serve(scripts) as fake:
        yield fake


def client(cache: Path, *, retries: int = 2) -> HttpClient:
    """A client that never waits between retries."""
    made = HttpClient(cache, retries=retries, backoff=0.0, timeout=5.0)
    made.sleep = lambda seconds: None
    return made


def unquote_path(path: str) -> str:
    """A request path back to a package name."""
    return urllib.parse.unquote(path.lstrip("/"))
