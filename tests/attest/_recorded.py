"""Registry responses recorded from the anchors, served by the fake server of tests/net.

The registries reachable from the build machines answer 404 on the attestation endpoints
(attestations/ARCHIVES.md), so each endpoint is served here with what the live registry
serves, built at test time from the anchor files (never copied into the repo): PyPI's JSON
simple page and PEP 740 provenance, npm's packument, attestations response and keys,
RubyGems' version info and attestations, Maven Central's checksum and bundle.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from polypac.attest.fetch import PYPI_SIMPLE_JSON, Endpoints
from tests.attest._cases import PYPI_ATTESTATIONS_0_0_19, SIGSTORE_1_0_0_GEM
from tests.conftest import REPO, anchor
from tests.net._server import FakeServer, Reply, Script

FIXTURES = REPO / "tests" / "attest" / "fixtures"

NPM_PACKAGES = [("sigstore", "0.4.0"), ("sigstore", "1.0.0"), ("tuf-js", "1.0.0")]

PYPI_PURL = "pkg:pypi/pypi-attestations@0.0.19"
GEM_PURL = "pkg:gem/sigstore@1.0.0"
MAVEN_PURL = "pkg:maven/dev.sigstore/a@1.0?type=txt"
NPM_PURLS = [f"pkg:npm/{name}@{version}" for name, version in NPM_PACKAGES]
ALL_PURLS = [PYPI_PURL, *NPM_PURLS, GEM_PURL, MAVEN_PURL]

PYPI_FILE = "pypi_attestations-0.0.19.tar.gz"
MAVEN_PATH = "/maven2/dev/sigstore/a/1.0/a-1.0.txt"


def json_reply(document: Any, content_type: str = "application/json") -> list[Reply]:
    return [Reply(200, json.dumps(document).encode(), (("Content-Type", content_type),))]


def raw(*parts: str) -> bytes:
    return anchor("attestations", *parts).read_bytes()


def npm_dist(name: str, version: str) -> dict[str, Any]:
    recorded: dict[str, Any] = json.loads(
        (FIXTURES / f"npm-view-{name}-{version}-dist.json").read_text("utf-8")
    )
    return recorded


def packument(name: str, **dist_extra: Any) -> dict[str, Any]:
    versions = {
        version: {
            "name": name,
            "version": version,
            "dist": {**npm_dist(name, version), **dist_extra},
        }
        for have, version in NPM_PACKAGES
        if have == name
    }
    return {"name": name, "versions": versions}


def simple_page(base: str, provenance: object = "url") -> dict[str, Any]:
    entry: dict[str, Any] = {
        "filename": PYPI_FILE,
        "url": f"{base}/files/{PYPI_FILE}",
        "hashes": {"sha256": PYPI_ATTESTATIONS_0_0_19},
    }
    if provenance == "url":
        entry["provenance"] = f"{base}/provenance/{PYPI_FILE}"
    elif provenance != "absent":
        entry["provenance"] = provenance
    other = {"filename": "pypi_attestations-0.0.18.tar.gz", "url": "x", "hashes": {}}
    return {"meta": {"api-version": "1.1"}, "name": "pypi-attestations", "files": [other, entry]}


@dataclass
class Registry:
    """The fake server and the endpoints that point at it."""

    server: FakeServer

    @property
    def endpoints(self) -> Endpoints:
        base = self.server.base_url
        return Endpoints(
            pypi_simple=f"{base}/simple",
            pypi_integrity=base,
            npm_registry=f"{base}/npm",
            rubygems=f"{base}/gems",
            maven=f"{base}/maven2",
            github_api=f"{base}/github",
        )


def recorded_scripts(base: str) -> dict[str, Script]:
    """Every endpoint, as the live registries answer it for the anchor packages."""
    scripts: dict[str, Script] = {
        "/simple/pypi-attestations/": json_reply(simple_page(base), PYPI_SIMPLE_JSON),
        f"/provenance/{PYPI_FILE}": json_reply(json.loads(raw("pypi", f"{PYPI_FILE}.provenance"))),
        "/npm/-/npm/v1/keys": json_reply(json.loads(raw("npm", "npm-registry-keys.json"))),
        "/gems/api/v2/rubygems/sigstore/versions/1.0.0.json": json_reply(
            {"number": "1.0.0", "sha": SIGSTORE_1_0_0_GEM}
        ),
        "/gems/api/v1/attestations/sigstore-1.0.0.json": json_reply(
            [json.loads(raw("rubygems", "sigstore-1.0.0.gem.sigstore.json"))]
        ),
        f"{MAVEN_PATH}.sha256": [
            Reply(200, hashlib.sha256(raw("maven", "a.txt")).hexdigest().encode())
        ],
        f"{MAVEN_PATH}.sigstore.json": [Reply(200, raw("maven", "a.txt.sigstore.json"))],
    }
    for name in {name for name, _ in NPM_PACKAGES}:
        scripts[f"/npm/{name}"] = json_reply(packument(name))
    for name, version in NPM_PACKAGES:
        scripts[f"/npm/-/npm/v1/attestations/{name}@{version}"] = [
            Reply(200, raw("npm", f"{name}-{version}.attestations.json"))
        ]
    return scripts
