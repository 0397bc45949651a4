"""Verify the same anchor bundles with polypac's batch and with the reference CLIs, one run.

The bundles are the anchors (``attestations/``) that the reference tools verify offline:

- ``python -m sigstore verify identity --offline --bundle B --cert-identity SAN
  --cert-oidc-issuer ISSUER ARTIFACT|sha256:HEX`` (sigstore-python 4.5.1) for the Sigstore
  bundles: PyPI (actions/attest), RubyGems, Maven (message signature, DSSE on Rekor v1 and v2),
  GitHub (reusable workflow);
- ``python -m pypi_attestations verify attestation --offline [--staging] --identity SAN DIST``
  (pypi-attestations) for the PEP 740 attestations of pypi-attestations 0.0.19 (publish and
  SLSA) and rfc8785 0.1.2 (staging), whose archives are fetched once with ``pip download``
  into ``--dists`` (skipped, and said so, when they cannot be).

Each reference command verifies one artifact per process, as people and CI scripts run them.
polypac verifies all of them in one fresh process (``load_attestations`` + ``verify`` with
the same SAN and issuer policy, the trusted roots loaded once), timed from the outside
(interpreter start included) and from the inside. The whole set is repeated ``--repeat``
times on both sides. Run from the repository root::

    .venv/bin/python benchmarks/attest_bench.py --repeat 3

The certificate identities given to the reference tools are read from each bundle's
certificate (they are the bundles' own signers), and every command must succeed.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # tests.attest._cases holds the anchors' artifact digests


def anchors_dir() -> Path:
    """$POLYPAC_ANCHORS, else ../shared/anchors beside the repository."""
    env = os.environ.get("POLYPAC_ANCHORS")
    return Path(env) if env else REPO.parent / "shared" / "anchors"


@dataclass(frozen=True)
class Item:
    """One bundle and its artifact: ``artifact`` is a file path or ``sha256:HEX``."""

    id: str
    tool: str  # "sigstore" or "pypi-attestations"
    bundle: str
    artifact: str
    san: str
    issuer: str
    staging: bool = False


def signer(bundle_path: Path) -> tuple[str, str]:
    """The SAN and OIDC issuer of the bundle's certificate."""
    from cryptography import x509

    from polypac.attest import load_attestations
    from polypac.attest.identity import identity_of_certificate

    attestation = load_attestations(bundle_path.read_bytes(), source=bundle_path.name)[0]
    material = json.loads(attestation.bundle_json)["verificationMaterial"]
    raw = (material.get("certificate") or material["x509CertificateChain"]["certificates"][0])[
        "rawBytes"
    ]
    identity = identity_of_certificate(x509.load_der_x509_certificate(base64.b64decode(raw)))
    assert identity.san is not None
    assert identity.issuer is not None
    return identity.san, identity.issuer


def sigstore_items(attestations: Path) -> list[Item]:
    from tests.attest._cases import PYPI_ATTESTATION_MODELS_0_0_4A2, SIGSTORE_1_0_0_GEM

    chosen = [
        ("pypi-actions-attest", "pypi/pypi_attestation_models-0.0.4a2.tar.gz.sigstore",
         f"sha256:{PYPI_ATTESTATION_MODELS_0_0_4A2}"),
        ("rubygems-message", "rubygems/sigstore-1.0.0.gem.sigstore.json",
         f"sha256:{SIGSTORE_1_0_0_GEM}"),
        ("maven-message", "maven/a.txt.sigstore.json", str(attestations / "maven/a.txt")),
        ("maven-dsse-rekor-v1", "maven/a.txt.dsse-rekor-v1.sigstore.json",
         str(attestations / "maven/a.txt")),
        ("maven-dsse-rekor-v2", "maven/a.txt.dsse-rekor-v2.sigstore.json",
         str(attestations / "maven/a.txt")),
        ("github-reusable-workflow", "github/reusable-workflow-attestation.sigstore.json",
         str(attestations / "github/reusable-workflow-artifact")),
    ]  # fmt: skip
    items = []
    for name, bundle, artifact in chosen:
        path = attestations / bundle
        san, issuer = signer(path)
        items.append(Item(name, "sigstore", str(path), artifact, san, issuer))
    return items


def pypi_items(attestations: Path, dists: Path) -> list[Item]:
    """PEP 740 attestations beside their archives (each in its own folder, named as
    pypi-attestations wants: ``DIST.publish.attestation``)."""
    from tests.attest._cases import PYPI_ATTESTATIONS_0_0_19, RFC8785_0_1_2

    from polypac.attest import Digest

    wanted = [
        ("pypi-attestations==0.0.19", ["--no-binary", ":all:"], "pypi_attestations-0.0.19.tar.gz",
         PYPI_ATTESTATIONS_0_0_19),
        ("rfc8785==0.1.2", ["--only-binary", ":all:"], "rfc8785-0.1.2-py3-none-any.whl",
         RFC8785_0_1_2),
    ]  # fmt: skip
    dists.mkdir(parents=True, exist_ok=True)
    for requirement, options, filename, sha256 in wanted:
        if not (dists / filename).exists():
            subprocess.run(
                [sys.executable, "-m", "pip", "download", "-q", "--no-deps", *options,
                 requirement, "-d", str(dists)],
                check=False, capture_output=True,
            )  # fmt: skip
        if not (dists / filename).exists():
            print(f"skipped the PEP 740 bundles: cannot download {requirement}", file=sys.stderr)
            return []
        if Digest.of_file(dists / filename)[0].hex != sha256:
            sys.exit(f"{dists / filename} is not the attested archive (sha256 differs)")
    chosen = [
        ("pypi-publish", "pypi_attestations-0.0.19.tar.gz.publish.attestation",
         "pypi_attestations-0.0.19.tar.gz", False),
        ("pypi-slsa", "pypi_attestations-0.0.19.tar.gz.slsa.attestation",
         "pypi_attestations-0.0.19.tar.gz", False),
        ("pypi-staging", "rfc8785-0.1.2-py3-none-any.whl.attestation",
         "rfc8785-0.1.2-py3-none-any.whl", True),
    ]  # fmt: skip
    items = []
    for name, attestation, filename, staging in chosen:
        folder = dists / name
        folder.mkdir(exist_ok=True)
        shutil.copyfile(dists / filename, folder / filename)
        bundle = folder / f"{filename}.publish.attestation"
        shutil.copyfile(attestations / "pypi" / attestation, bundle)
        san, issuer = signer(bundle)
        items.append(
            Item(name, "pypi-attestations", str(bundle), str(folder / filename), san, issuer,
                 staging)
        )  # fmt: skip
    return items


def reference_command(item: Item) -> list[str]:
    if item.tool == "sigstore":
        staging = ["--staging"] if item.staging else []
        return [sys.executable, "-m", "sigstore", *staging, "verify", "identity", "--offline",
                "--bundle", item.bundle, "--cert-identity", item.san,
                "--cert-oidc-issuer", item.issuer, item.artifact]  # fmt: skip
    staging = ["--staging"] if item.staging else []
    return [sys.executable, "-m", "pypi_attestations", "verify", "attestation", "--offline",
            *staging, "--identity", item.san, item.artifact]  # fmt: skip


def run_reference(items: list[Item], repeat: int) -> float:
    started = time.perf_counter()
    for _ in range(repeat):
        for item in items:
            done = subprocess.run(
                reference_command(item), check=False, capture_output=True, text=True
            )
            if done.returncode != 0:
                sys.exit(f"{item.tool} refused {item.id}:\n{done.stderr[-2000:]}")
    return time.perf_counter() - started


def polypac_batch(items_file: Path, repeat: int) -> None:
    """The child process: verify every item ``repeat`` times; print the seconds inside."""
    started = time.perf_counter()
    from polypac.attest import Digest, TrustedRoot, load_attestations, verify
    from polypac.attest.policy import AllOf, IdentitySan, Issuer

    items = [Item(**entry) for entry in json.loads(items_file.read_text("utf-8"))]
    roots = {
        False: TrustedRoot.production(),
        True: TrustedRoot.from_file(
            anchors_dir() / "attestations" / "common" / "trusted_root.staging.json"
        ),
    }
    loaded = time.perf_counter()
    count = 0
    for _ in range(repeat):
        for item in items:
            if item.artifact.startswith("sha256:"):
                digests: tuple[Digest, ...] = (Digest.parse(item.artifact),)
            else:
                digests = Digest.of_file(item.artifact)
            policy = AllOf(IdentitySan(item.san), Issuer(item.issuer))
            data = Path(item.bundle).read_bytes()
            for attestation in load_attestations(data, source=item.bundle):
                verdict = verify(
                    attestation, artifact_digest=digests, policy=policy,
                    trusted_root=roots[item.staging],
                )  # fmt: skip
                if not verdict.ok:
                    sys.exit(f"polypac refused {item.id}: {verdict}")
                count += 1
    finished = time.perf_counter()
    print(json.dumps({"verified": count, "setup": loaded - started, "verify": finished - loaded}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="times the set is verified")
    parser.add_argument(
        "--dists",
        type=Path,
        default=Path(tempfile.gettempdir()) / "polypac-attest-bench",
        help="where the attested PyPI archives are downloaded",
    )
    parser.add_argument("--batch", type=Path, help=argparse.SUPPRESS)  # the child process
    arguments = parser.parse_args()
    if arguments.batch is not None:
        polypac_batch(arguments.batch, arguments.repeat)
        return

    attestations = anchors_dir() / "attestations"
    if not attestations.is_dir():
        sys.exit(f"anchors not found at {attestations} (set POLYPAC_ANCHORS)")
    items = sigstore_items(attestations) + pypi_items(attestations, arguments.dists)
    repeat = max(1, arguments.repeat)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump([asdict(item) for item in items], handle)
    items_file = Path(handle.name)
    try:
        started = time.perf_counter()
        child = subprocess.run(
            [sys.executable, __file__, "--batch", str(items_file), "--repeat", str(repeat)],
            check=False, capture_output=True, text=True,
        )  # fmt: skip
        polypac_seconds = time.perf_counter() - started
        if child.returncode != 0:
            sys.exit(f"polypac batch failed:\n{child.stderr[-2000:]}{child.stdout[-2000:]}")
        inside = json.loads(child.stdout.strip().splitlines()[-1])
    finally:
        items_file.unlink()

    by_tool: dict[str, list[Item]] = {}
    for item in items:
        by_tool.setdefault(item.tool, []).append(item)
    reference_seconds = 0.0
    print(f"bundles: {len(items)} x {repeat} = {len(items) * repeat} verifications")
    for tool, chosen in by_tool.items():
        seconds = run_reference(chosen, repeat)
        reference_seconds += seconds
        count = len(chosen) * repeat
        print(
            f"  {tool:<18} {count:>4} verifications  {seconds:8.2f} s  "
            f"{count / seconds:8.1f} /s  (one process per artifact)"
        )
    total = len(items) * repeat
    print(
        f"  {'polypac batch':<18} {inside['verified']:>4} verifications  {polypac_seconds:8.2f} s"
        f"  {total / polypac_seconds:8.1f} /s  (one process; setup {inside['setup']:.2f} s, "
        f"verify {inside['verify']:.2f} s = {inside['verify'] / total * 1000:.1f} ms each)"
    )
    ratio = reference_seconds / polypac_seconds
    steady = (reference_seconds / total) / (inside["verify"] / total)
    print(f"throughput ratio polypac / reference CLIs: {ratio:.1f}x (whole run, goal >= 10x)")
    print(f"per-verification ratio without process start-up: {steady:.1f}x")


if __name__ == "__main__":
    main()
