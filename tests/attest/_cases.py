"""The anchor bundles that stock sigstore-python verifies, with their artifacts' digests.

Digests come from the artifact where the anchors keep it (maven/a.txt, the GitHub
reusable-workflow artifact), else from ``attestations/README.md``, and for npm's sigstore@1.0.0
from the subject of the *other* attestation npm serves for that tarball (signed by GitHub
Actions), so that the two bundles vouch for the same archive.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from polypac.attest import Attestation, Digest, TrustedRoot, load_attestations
from tests.conftest import anchor

# attestations/README.md, column "artifact sha256" and the rubygems/ section.
PYPI_ATTESTATIONS_0_0_19 = "9bb1add04b1b4e182be6b0b80931593f7a291eb49d69b4fd728a5d4cbcdc4bd3"
GITLAB_OIDC_PROJECT_0_0_3 = "c1ca9b0d85df1606451098233018534497bf584362e10e4a8c21dfaea92c02a8"
PYPI_ATTESTATION_MODELS_0_0_4A2 = "c9709ce6fd5b67b59b4a28758cf14d3f411803c4b89b6068b1f1a8e4ee94c8ef"
RFC8785_0_1_2 = "c4e92e9ecc828bef2aa7dba1de8ac983511f7532a0df11c770d39099a25cf201"
SIGSTORE_1_0_0_GEM = "77339159c377db36b9218521bdd193d21e1b86b3dbcd7af53b904fb5f4d4ab54"


@dataclass(frozen=True)
class Case:
    """One positive anchor: its file, how to get the artifact's digests, which root."""

    id: str
    path: tuple[str, ...]
    digest: str  # "sha256:HEX", or "file:<anchor path>", or "npm-sigstore-1.0.0"
    root: str = "production"

    def file(self) -> Path:
        """The bundle file."""
        return anchor("attestations", *self.path)

    def attestations(self) -> list[Attestation]:
        """Every attestation of the file."""
        return load_attestations(self.file().read_bytes(), source=self.path[-1])

    def digests(self) -> tuple[Digest, ...]:
        """The artifact's digests."""
        if self.digest.startswith("file:"):
            return Digest.of_file(anchor("attestations", *self.digest[5:].split("/")))
        if self.digest == "npm-sigstore-1.0.0":
            return (npm_sigstore_1_0_0_sha512(),)
        return (Digest.parse(self.digest),)

    def trusted_root(self) -> TrustedRoot:
        """The root this bundle was signed under."""
        return staging_root() if self.root == "staging" else production_root()


CASES = [
    Case("pypi-provenance", ("pypi", "pypi_attestations-0.0.19.tar.gz.provenance"),
         f"sha256:{PYPI_ATTESTATIONS_0_0_19}"),
    Case("pypi-publish", ("pypi", "pypi_attestations-0.0.19.tar.gz.publish.attestation"),
         f"sha256:{PYPI_ATTESTATIONS_0_0_19}"),
    Case("pypi-slsa", ("pypi", "pypi_attestations-0.0.19.tar.gz.slsa.attestation"),
         f"sha256:{PYPI_ATTESTATIONS_0_0_19}"),
    Case("pypi-gitlab", ("pypi", "gitlab_oidc_project-0.0.3.tar.gz.publish.attestation"),
         f"sha256:{GITLAB_OIDC_PROJECT_0_0_3}"),
    Case("pypi-models-bundle", ("pypi", "pypi_attestation_models-0.0.4a2.tar.gz.sigstore"),
         f"sha256:{PYPI_ATTESTATION_MODELS_0_0_4A2}"),
    Case("rubygems-message", ("rubygems", "sigstore-1.0.0.gem.sigstore.json"),
         f"sha256:{SIGSTORE_1_0_0_GEM}"),
    Case("maven-message", ("maven", "a.txt.sigstore.json"), "file:maven/a.txt"),
    Case("maven-dsse-rekor-v1", ("maven", "a.txt.dsse-rekor-v1.sigstore.json"), "file:maven/a.txt"),
    Case("maven-dsse-rekor-v2", ("maven", "a.txt.dsse-rekor-v2.sigstore.json"), "file:maven/a.txt"),
    Case("github-reusable-workflow", ("github", "reusable-workflow-attestation.sigstore.json"),
         "file:github/reusable-workflow-artifact"),
    Case("npm-publish-dsse", ("npm", "sigstore-1.0.0.publish-v0.1.dsse.sigstore"),
         "npm-sigstore-1.0.0"),
    Case("pypi-rfc8785-staging", ("pypi", "rfc8785-0.1.2-py3-none-any.whl.attestation"),
         f"sha256:{RFC8785_0_1_2}", root="staging"),
]  # fmt: skip

CASE_IDS = [case.id for case in CASES]


@cache
def production_root() -> TrustedRoot:
    """sigstore-python's embedded production root."""
    return TrustedRoot.production()


@cache
def staging_root() -> TrustedRoot:
    """The staging root of the anchors."""
    return TrustedRoot.from_file(anchor("attestations", "common", "trusted_root.staging.json"))


def npm_sigstore_1_0_0_sha512() -> Digest:
    """The sha512 that npm's SLSA provenance of sigstore@1.0.0 names as its subject."""
    response = json.loads(
        anchor("attestations", "npm", "sigstore-1.0.0.attestations.json").read_text("utf-8")
    )
    for item in response["attestations"]:
        if item["predicateType"].startswith("https://slsa.dev/provenance/"):
            payload = base64.b64decode(item["bundle"]["dsseEnvelope"]["payload"])
            subject = json.loads(payload)["subject"][0]
            assert subject["name"] == "pkg:npm/sigstore@1.0.0"
            return Digest("sha512", subject["digest"]["sha512"])
    raise AssertionError("no provenance in sigstore-1.0.0.attestations.json")
