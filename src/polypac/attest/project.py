"""Verifying the provenance of every package of a project, across ecosystems, in one batch.

>>> from polypac.attest import TrustedRoot
>>> from polypac.attest.policy import NoPolicy
>>> from polypac.attest.project import verify_project, targets_of
>>> from polypac.net import HttpClient
>>> with HttpClient() as client:                                  # doctest: +SKIP
...     for verdict in verify_project(targets_of(["uv.lock", "pkg:npm/sigstore@2.2.0"]),
...                                   client=client, trusted_root=TrustedRoot.production(),
...                                   policy_for=lambda purl: NoPolicy()):
...         print(verdict.purl, verdict.status, verdict.source_repository)

Targets are PURLs, from the command line or from every node of a :func:`polypac.scan.scan`
graph whose type publishes attestations (PyPI, npm, RubyGems, Maven). They are fetched
together (:func:`polypac.attest.fetch.fetch_attestations`), then each package's artifacts are
verified offline against the trusted root: Sigstore bundles through
:func:`polypac.attest.verify`, npm responses through npm's own checks
(:mod:`polypac.attest.npm`). Each package comes back as a :class:`PackageVerdict`:
``verified``, ``missing`` (the registry has no attestations), ``invalid`` (they do not verify,
or the policy refuses the signer) or ``error`` (they could not be fetched or read); one bad
package never stops the batch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from polypac.attest.fetch import (
    ATTESTED_TYPES,
    ArtifactAttestations,
    Endpoints,
    FetchError,
    fetch_attestations,
)
from polypac.attest.identity import Identity
from polypac.attest.npm import NpmAttestationError, verify_registry_signature
from polypac.attest.pins import BuildIdentity, PinStore, ProvenanceChange, package_key
from polypac.attest.policy import Policy
from polypac.attest.verify import (
    NPM_REGISTRY_ISSUER,
    TrustedRoot,
    Verdict,
    Verified,
    verify,
    verify_npm,
)
from polypac.errors import PolypacError
from polypac.net import HttpClient
from polypac.purl import PackageURL, parse_purl

__all__ = ["PackageVerdict", "Status", "TargetError", "targets_of", "verify_project"]

Status = Literal["verified", "missing", "invalid", "error"]
"""``verified``: every attestation found verified; ``missing``: the registry has none;
``invalid``: one did not verify or its signer is refused; ``error``: fetching or reading
failed (the ``reason`` names the step and URL)."""


class TargetError(PolypacError):
    """A target that names nothing: a path that does not exist, a file that cannot be read,
    a lockfile or folder with no package that publishes attestations."""

    def __init__(self, target: str, problem: str) -> None:
        self.target = target
        self.problem = problem
        super().__init__(f"{target}: {problem}\nhint: give a lockfile, a folder or a PURL")

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.target, self.problem))


@dataclass(frozen=True, slots=True)
class PackageVerdict:
    """The provenance of one package: its ``status`` and who built it.

    ``source_repository``, ``commit``, ``workflow`` (the build signer's path), ``build_time``
    (the log's integrated time) and ``log_index`` come from the first verified attestation
    with a certificate; ``identity`` is that certificate's whole identity. ``reason`` says
    why a package is not verified (or which of its files had no attestation).
    ``artifacts`` names the files checked. ``change`` is the :class:`ProvenanceChange` found
    against the pin store, when one was given.
    """

    purl: str
    status: Status
    source_repository: str | None = None
    commit: str | None = None
    workflow: str | None = None
    build_time: datetime | None = None
    log_index: int | None = None
    reason: str | None = None
    artifacts: tuple[str, ...] = ()
    identity: Identity | None = None
    change: ProvenanceChange | None = None

    @property
    def ok(self) -> bool:
        """Verified, with no provenance change."""
        return self.status == "verified" and self.change is None


def targets_of(arguments: Iterable[str | Path]) -> list[PackageURL]:
    """The packages named by ``arguments``: PURLs (``pkg:...``), or lockfiles and folders,
    read with :func:`polypac.scan.scan`; only types that publish attestations, with versions,
    each once, in the order found.

    Raises :class:`polypac.errors.PurlError` for a bad PURL text or a PURL without a
    version or of a type without attestations, :class:`TargetError` for a path that does not
    exist, a file that cannot be read whole, or a path with no package to verify: checking
    nothing must not pass for checking everything.
    """
    from polypac.scan import scan  # the scanners pull in every ecosystem; only here

    found: dict[str, PackageURL] = {}
    for argument in arguments:
        if isinstance(argument, str) and argument.startswith("pkg:"):
            purl = parse_purl(argument)
            if purl.type not in ATTESTED_TYPES or not purl.version:
                raise TargetError(
                    argument,
                    "a PURL to verify needs a version and one of the types "
                    f"{', '.join(sorted(ATTESTED_TYPES))}",
                )
            found.setdefault(purl.to_string(), purl)
            continue
        if not Path(argument).exists():
            raise TargetError(str(argument), "no such file or folder")
        result = scan(Path(argument))
        problems = [str(e) for e in result.errors] + [f"{p}: {w}" for p, w in result.unreadable]
        if problems:
            raise TargetError(str(argument), f"cannot be read whole: {problems[0]}")
        attested = [
            (key, node.purl)
            for key, node in result.graph.nodes.items()
            if node.purl.type in ATTESTED_TYPES and node.purl.version
        ]
        if not attested:
            kinds = ", ".join(sorted(ATTESTED_TYPES))
            raise TargetError(str(argument), f"no {kinds} package with a version found here")
        for key, purl in attested:
            found.setdefault(key, purl)
    return list(found.values())


def verify_project(
    targets: Iterable[str | PackageURL],
    *,
    client: HttpClient,
    trusted_root: TrustedRoot,
    policy_for: Callable[[PackageURL], Policy],
    progress: Callable[[str, int, int], None] | None = None,
    endpoints: Endpoints | None = None,
    pins: PinStore | None = None,
) -> list[PackageVerdict]:
    """Fetch and verify the attestations of every package in ``targets``, one verdict each.

    ``policy_for`` gives the identity policy of each package (``NoPolicy()`` to accept any
    signer the root trusts). ``progress(purl, done, total)`` is called after each package.
    ``endpoints`` chooses the registries (default: the public ones). With ``pins``, every
    verdict is also checked against the first identity seen for its package (and a package
    seen for the first time pins it).
    """
    purls: dict[str, PackageURL | str] = {}
    for target in targets:
        purls[target if isinstance(target, str) else target.to_string()] = target
    fetched = fetch_attestations(client, purls.values(), endpoints=endpoints)
    verdicts: list[PackageVerdict] = []
    total = len(fetched)
    for done, (key, found) in enumerate(fetched.items(), start=1):
        verdict = _verdict(key, found, trusted_root, policy_for)
        if pins is not None and verdict.status in ("verified", "missing"):
            verdict = _with_pin_check(verdict, pins)
        verdicts.append(verdict)
        if progress is not None:
            progress(key, done, total)
    return verdicts


def _verdict(
    key: str,
    found: tuple[ArtifactAttestations, ...] | FetchError,
    trusted_root: TrustedRoot,
    policy_for: Callable[[PackageURL], Policy],
) -> PackageVerdict:
    if isinstance(found, FetchError):
        where = f" (GET {found.url})" if found.url else ""
        return PackageVerdict(key, "error", reason=f"{found.step}: {found.reason}{where}")
    try:
        purl = parse_purl(key)
        policy = policy_for(purl)
        outcomes = [_verify_artifact(purl, item, trusted_root, policy) for item in found]
    except PolypacError as error:  # one package's failure stays in its verdict
        return PackageVerdict(key, "error", reason=str(error).splitlines()[0])
    artifacts = tuple(item.artifact for item in found)
    invalid = [(item, outcome) for item, outcome in zip(found, outcomes, strict=True)
               if isinstance(outcome, str)]  # fmt: skip
    if invalid:
        item, reason = invalid[0]
        return PackageVerdict(
            key, "invalid", reason=f"{item.artifact}: {reason}", artifacts=artifacts
        )
    verified = [outcome for outcome in outcomes if isinstance(outcome, _Signed)]
    missing = [item for item in found if item.missing is not None]
    if not verified:
        reasons = "; ".join(f"{item.artifact}: {item.missing.reason}" for item in missing
                            if item.missing is not None)  # fmt: skip
        return PackageVerdict(
            key, "missing", reason=reasons or "no attestations", artifacts=artifacts
        )
    signed = next((outcome for outcome in verified if outcome.identity is not None), verified[0])
    note = (
        f"{len(missing)} of {len(found)} files have no attestations: "
        + ", ".join(item.artifact for item in missing)
        if missing
        else None
    )
    builders = sorted({str(built) for one in verified if one.identity is not None
                       and (built := BuildIdentity.of(one.identity)) is not None})  # fmt: skip
    if len(builders) > 1:  # files of one release built in different places: say so
        mixed = "files built by different identities: " + "; ".join(builders)
        note = mixed if note is None else f"{note}; {mixed}"
    identity = signed.identity
    return PackageVerdict(
        key,
        "verified",
        source_repository=identity.source_repository if identity else None,
        commit=identity.commit if identity else None,
        workflow=identity.workflow if identity else None,
        build_time=signed.build_time,
        log_index=signed.log_index,
        reason=note,
        artifacts=artifacts,
        identity=identity,
    )


@dataclass(frozen=True, slots=True)
class _Signed:
    identity: Identity | None
    build_time: datetime | None
    log_index: int | None


def _verify_artifact(
    purl: PackageURL,
    item: ArtifactAttestations,
    trusted_root: TrustedRoot,
    policy: Policy,
) -> _Signed | str | None:
    """The signer of a verified artifact, the reason it is invalid, or ``None`` if missing."""
    if item.missing is not None:
        return None
    verdicts: list[Verdict]
    if item.npm is not None and item.npm.response is not None:
        name = f"{purl.namespace}/{purl.name}" if purl.namespace else purl.name
        verdicts = verify_npm(
            item.npm.response,
            name=name,
            version=str(purl.version),
            integrity=item.npm.integrity,
            keys=item.npm.keys,
            trusted_root=trusted_root,
            policy=policy,
        )
        if item.npm.signatures:
            failure = _registry_signature(name, str(purl.version), item, verdicts)
            if failure is not None:
                return failure
    else:
        verdicts = [
            verify(
                attestation, artifact_digest=item.digests, policy=policy, trusted_root=trusted_root
            )
            for attestation in item.attestations
        ]
    signed: list[_Signed] = []
    for verdict in verdicts:
        if not isinstance(verdict, Verified):
            return f"{verdict.step}: {verdict.reason}"
        entry = verdict.log_entry
        key_signed = verdict.identity.issuer == NPM_REGISTRY_ISSUER
        signed.append(
            _Signed(
                None if key_signed else verdict.identity,
                entry.integrated_time if entry is not None else verdict.timestamp,
                entry.log_index if entry is not None else None,
            )
        )
    if not signed:
        return None
    return next((one for one in signed if one.identity is not None), signed[0])


def _registry_signature(
    name: str, version: str, item: ArtifactAttestations, verdicts: list[Verdict]
) -> str | None:
    """npm's registry signature over ``name@version:integrity``, judged at the publish time
    (the earliest log time of the attestations), else now."""
    assert item.npm is not None
    times = [
        verdict.log_entry.integrated_time
        for verdict in verdicts
        if isinstance(verdict, Verified)
        and verdict.log_entry is not None
        and verdict.log_entry.integrated_time is not None
    ]
    signatures = [{"keyid": key_id, "sig": sig} for key_id, sig in item.npm.signatures]
    try:
        verify_registry_signature(
            name,
            version,
            item.npm.integrity,
            signatures,
            item.npm.keys,
            when=min(times) if times else datetime.now(UTC),
        )
    except NpmAttestationError as error:
        return f"{error.step}: {error.problem}"
    return None


def _with_pin_check(verdict: PackageVerdict, pins: PinStore) -> PackageVerdict:
    purl = parse_purl(verdict.purl)
    built = BuildIdentity.of(verdict.identity) if verdict.identity is not None else None
    if verdict.status == "verified" and built is None:
        return verdict  # signed by a key or a person: nothing to pin
    change = pins.check(package_key(purl), str(purl.version), built)
    return verdict if change is None else replace(verdict, change=change)
