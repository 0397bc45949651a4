"""``polypac attest``: verify the Sigstore attestations in a file, offline, or show what they say.

The command only wires: :func:`polypac.attest.load_attestations` reads the file,
:func:`polypac.attest.verify` (or :func:`polypac.attest.verify_npm` for an npm attestations
response) gives one verdict per attestation, and this module renders them. Exit codes: 0 when
every attestation that applies verifies, 1 when one does not (or none applies), 2 for a usage
or input error (a message naming the file and the step, never a traceback).
"""

from __future__ import annotations

import base64
import json
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console
from rich.table import Table

from polypac.errors import PolypacError

if TYPE_CHECKING:  # polypac.attest loads sigstore: imported when a command runs, not at start-up
    from polypac.attest import Attestation, Digest, Facts, TrustedRoot, Verdict
    from polypac.attest.policy import Policy

__all__ = ["attest"]

EXIT_INVALID = 1
EXIT_USAGE = 2

BUNDLE = click.option(
    "--bundle",
    "bundle_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="A Sigstore bundle (any version), a PEP 740 attestation or provenance object, a .jsonl "
    "of bundles, or an npm attestations response.",
)
JSON = click.option("--json", "as_json", is_flag=True, help="One JSON object per attestation.")


class UsageProblem(PolypacError):
    """A combination of options that cannot work (exit 2)."""


@click.group("attest")
def attest() -> None:
    """Sigstore attestations (provenance) of packages, verified offline."""


@attest.command("verify")
@click.argument("targets", nargs=-1)
@BUNDLE
@click.option(
    "--artifact",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The attested file (its sha256 and sha512 are computed).",
)
@click.option(
    "--digest",
    "digests",
    multiple=True,
    metavar="sha256:HEX|sha512:HEX",
    help="The attested file's digest, instead of --artifact (may be repeated).",
)
@click.option("--repository", help="Expected source repository (URL, or OWNER/REPO on GitHub).")
@click.option("--workflow", help="Expected build signer: a workflow path, or a URI prefix.")
@click.option("--identity", "san", help="Expected certificate identity (SAN), exactly.")
@click.option("--issuer", help="Expected OIDC issuer URL, exactly.")
@click.option("--ref", help="Expected source ref (v1.2 matches refs/tags/v1.2).")
@click.option(
    "--predicate-type",
    help="Only attestations of this predicate type apply; at least one must verify.",
)
@click.option("--deny-self-hosted", is_flag=True, help="Refuse builds on self-hosted runners.")
@click.option(
    "--trusted-root",
    type=click.Path(path_type=Path, dir_okay=False),
    help="A Sigstore trusted_root.json (or gh's JSON Lines) instead of the embedded production "
    "root.",
)
@click.option(
    "--npm-keys",
    type=click.Path(path_type=Path, dir_okay=False),
    help="npm registry keys (/-/npm/v1/keys), for npm publish attestations.",
)
@click.option(
    "--require-provenance",
    is_flag=True,
    help="With TARGETS: a package without attestations fails too.",
)
@click.option("--offline", is_flag=True, help="With TARGETS: answer from the HTTP cache only.")
@click.option(
    "--pins",
    type=click.Path(path_type=Path, dir_okay=False),
    help="With TARGETS: the identity pin store (default: $XDG_CACHE_HOME/polypac/"
    "attest-pins.sqlite3).",
)
@JSON
def attest_verify(
    targets: tuple[str, ...],
    bundle_path: Path | None,
    artifact: Path | None,
    digests: tuple[str, ...],
    repository: str | None,
    workflow: str | None,
    san: str | None,
    issuer: str | None,
    ref: str | None,
    predicate_type: str | None,
    deny_self_hosted: bool,
    trusted_root: Path | None,
    npm_keys: Path | None,
    require_provenance: bool,
    offline: bool,
    pins: Path | None,
    as_json: bool,
) -> int:
    """Verify attestations: of the packages in TARGETS (PURLs, lockfiles, project folders),
    fetched from their registries; or every attestation in --bundle FILE for one artifact.

    The policy options apply to every package. Exit 0 when everything that applies verifies;
    1 when something is invalid, could not be fetched, or was built by another repository or
    workflow than the first version seen (or lacks provenance that version had); 2 for a
    usage or input error.
    """
    from polypac.attest import TrustedRoot, verify

    if targets and bundle_path is not None:
        return _usage_error(UsageProblem("give TARGETS or --bundle FILE, not both"))
    if not targets and bundle_path is None:
        return _usage_error(
            UsageProblem("nothing to verify: give PURLs, lockfiles or folders, or --bundle FILE")
        )
    if targets:
        from polypac.cli._attest_project import verify_targets

        try:
            root = TrustedRoot.from_file(trusted_root) if trusted_root else TrustedRoot.production()
            policy = _policy(
                repository, workflow, san, issuer, ref, predicate_type, deny_self_hosted
            )
        except PolypacError as error:
            return _usage_error(error)
        return verify_targets(
            targets,
            root=root,
            policy=policy,
            offline=offline,
            pins=pins,
            require_provenance=require_provenance,
            as_json=as_json,
        )
    if require_provenance or offline or pins is not None:
        return _usage_error(
            UsageProblem("--require-provenance, --offline and --pins go with TARGETS")
        )
    assert bundle_path is not None  # checked above: TARGETS or --bundle
    try:
        artifact_digests = _artifact_digests(artifact, digests)
        attestations, document = _load(bundle_path)
        root = TrustedRoot.from_file(trusted_root) if trusted_root else TrustedRoot.production()
        keys = _read_json(npm_keys, "npm keys") if npm_keys else None
        policy = _policy(repository, workflow, san, issuer, ref, predicate_type, deny_self_hosted)
        applying = [
            a for a in attestations if predicate_type is None or a.predicate_type == predicate_type
        ]
        package = _npm_package(document, attestations)
        if package is not None:
            verdicts = _verify_npm(
                str(bundle_path), document, package, artifact_digests, keys, root, policy
            )
            verdicts = [v for v in verdicts if v.attestation in applying]
        else:
            verdicts = [
                verify(
                    attestation,
                    artifact_digest=artifact_digests,
                    policy=policy,
                    trusted_root=root,
                    npm_keys=keys,
                )
                for attestation in applying
            ]
    except PolypacError as error:
        return _usage_error(error)
    skipped = [a for a in attestations if a not in applying]
    _render_verdicts(verdicts, skipped, as_json=as_json)
    if not verdicts:
        click.echo(
            f"invalid: {bundle_path}: no attestation of predicate type {predicate_type!r} "
            f"(found: {', '.join(sorted({str(a.predicate_type) for a in attestations}))})",
            err=True,
        )
        return EXIT_INVALID
    return 0 if all(verdict.ok for verdict in verdicts) else EXIT_INVALID


@attest.command("show")
@click.argument("purl", required=False)
@BUNDLE
@click.option("--offline", is_flag=True, help="With PURL: answer from the HTTP cache only.")
@JSON
def attest_show(purl: str | None, bundle_path: Path | None, offline: bool, as_json: bool) -> int:
    """The details of one package's provenance (PURL: fetched and verified, with every
    file and the whole identity), or what each attestation in --bundle FILE says, WITHOUT
    verifying it (identity, subjects, log entries: trust none of it; use `attest verify`).
    """
    from polypac.attest import read_facts

    if (purl is None) == (bundle_path is None):
        return _usage_error(UsageProblem("give one PURL or --bundle FILE"))
    if purl is not None:
        from polypac.cli._attest_project import show_package

        return show_package(purl, offline=offline, as_json=as_json)
    assert bundle_path is not None
    try:
        attestations, _ = _load(bundle_path)
        facts = [read_facts(attestation) for attestation in attestations]
    except PolypacError as error:
        return _usage_error(error)
    if as_json:
        for fact in facts:
            click.echo(json.dumps(_facts_data(fact), ensure_ascii=False))
        return 0
    console = Console(highlight=False)
    for fact in facts:
        console.print(f"{_label(fact.attestation)} (not verified)", style="bold", markup=False)
        for key, value in _facts_data(fact).items():
            if key in {"attestation", "verified"} or value in (None, [], ""):
                continue
            console.print(f"  {key}: {_text(value)}", markup=False)
    return 0


# ---------------------------------------------------------------------------- inputs


def _usage_error(error: PolypacError) -> int:
    click.echo(f"error: {error}", err=True)
    hint = getattr(error, "hint", None)
    if isinstance(hint, str):
        click.echo(f"hint: {hint}", err=True)
    return EXIT_USAGE


def _read_bytes(path: Path, what: str) -> bytes:
    from polypac.attest import BundleError

    try:
        return path.read_bytes()
    except OSError as error:
        raise BundleError(str(path), "read", f"cannot read {what}: {error.strerror}") from error


def _read_json(path: Path, what: str) -> Mapping[str, Any]:
    from polypac.attest import BundleError

    data = _read_bytes(path, what)
    try:
        document = json.loads(data)
    except (ValueError, RecursionError) as error:
        raise BundleError(str(path), "json", f"{what}: malformed JSON: {error}") from error
    if not isinstance(document, dict):
        raise BundleError(str(path), "json", f"{what}: expected a JSON object")
    return document


def _load(path: Path) -> tuple[list[Attestation], object]:
    from polypac.attest import load_attestations

    data = _read_bytes(path, "the bundle")
    attestations = load_attestations(data, source=str(path))
    try:
        document: object = json.loads(data)
    except (ValueError, RecursionError):  # JSON Lines: load_attestations read them
        document = None
    return attestations, document


def _artifact_digests(artifact: Path | None, digests: tuple[str, ...]) -> tuple[Digest, ...]:
    from polypac.attest import BundleError, Digest

    if (artifact is None) == (not digests):
        raise UsageProblem(
            "give the attested file as --artifact FILE or its digest as --digest sha256:HEX / "
            "--digest sha512:HEX (one of the two)"
        )
    if artifact is not None:
        try:
            return Digest.of_file(artifact)
        except OSError as error:
            raise BundleError(
                str(artifact), "read", f"cannot read the artifact: {error.strerror}"
            ) from error
    return tuple(Digest.parse(text) for text in digests)


def _policy(
    repository: str | None,
    workflow: str | None,
    san: str | None,
    issuer: str | None,
    ref: str | None,
    predicate_type: str | None,
    deny_self_hosted: bool,
) -> Policy:
    from polypac.attest.policy import (
        AllOf,
        IdentitySan,
        Issuer,
        NoPolicy,
        PredicateType,
        Ref,
        Repository,
        RunnerEnvironment,
        Workflow,
    )

    policies: list[Policy] = []
    if repository:
        policies.append(Repository(repository))
    if workflow:
        policies.append(Workflow(workflow))
    if san:
        policies.append(IdentitySan(san))
    if issuer:
        policies.append(Issuer(issuer))
    if ref:
        policies.append(Ref(ref))
    if predicate_type:
        policies.append(PredicateType(predicate_type))
    if deny_self_hosted:
        policies.append(RunnerEnvironment(deny_self_hosted=True))
    return AllOf(*policies) if policies else NoPolicy()


def _npm_package(document: object, attestations: list[Attestation]) -> tuple[str, str] | None:
    """``(name, version)`` when the file is an npm attestations response, else ``None``.

    npm names its statements' subject ``pkg:npm/NAME@VERSION``; the name read here is only a
    claim, which :func:`verify_npm` then checks against the signed statements.
    """
    if not isinstance(document, dict) or "attestations" not in document:
        return None
    from polypac.attest import read_facts
    from polypac.purl import parse_purl

    for attestation in attestations:
        try:
            facts = read_facts(attestation)
        except PolypacError:  # a broken certificate is verify's to report, as invalid
            continue
        if facts.statement is None:
            continue
        for subject in facts.statement.subjects:
            if subject.name.startswith("pkg:npm/"):
                purl = parse_purl(subject.name)
                name = f"{purl.namespace}/{purl.name}" if purl.namespace else purl.name
                return name, purl.version or ""
    return None


def _verify_npm(
    source: str,
    document: object,
    package: tuple[str, str],
    digests: tuple[Digest, ...],
    keys: Mapping[str, Any] | None,
    root: TrustedRoot,
    policy: Policy,
) -> list[Verdict]:
    from polypac.attest import verify_npm

    sha512 = next((digest for digest in digests if digest.algorithm == "sha512"), None)
    if sha512 is None:
        raise UsageProblem(
            "an npm attestations response names the tarball by sha512: give --artifact FILE "
            "or --digest sha512:HEX"
        )
    assert isinstance(document, dict)  # _npm_package said so
    name, version = package
    return verify_npm(
        document,
        name=name,
        version=version,
        integrity="sha512-" + base64.b64encode(bytes.fromhex(sha512.hex)).decode(),
        keys=keys,
        trusted_root=root,
        policy=policy,
        source=source,
    )


# ---------------------------------------------------------------------------- output


def _label(attestation: Attestation) -> str:
    return f"{attestation.source}#{attestation.index}"


def _kind(attestation: Attestation, route: str | None) -> str:
    if route == "npm registry key":
        return "dsse (npm registry key)"
    return "dsse" if attestation.kind == "dsse" else "message signature"


def _verdict_data(verdict: Verdict) -> dict[str, Any]:
    attestation = verdict.attestation
    data: dict[str, Any] = {
        "attestation": _label(attestation),
        "kind": _kind(attestation, verdict.route if verdict.ok else None),
        "predicate_type": attestation.predicate_type,
        "verified": verdict.ok,
    }
    identity = verdict.identity
    if not verdict.ok:
        data |= {"step": verdict.step, "reason": verdict.reason}
        if verdict.mismatch is not None:
            data["mismatch"] = {
                "field": verdict.mismatch.field,
                "expected": verdict.mismatch.expected,
                "found": verdict.mismatch.found,
            }
    else:
        data |= {
            "route": verdict.route,
            "subject": None if verdict.subject is None else verdict.subject.name,
        }
    data |= {
        "source_repository": identity.source_repository if identity else None,
        "commit": identity.commit if identity else None,
        "workflow": identity.workflow if identity else None,
        "ref": identity.ref if identity else None,
        "identity": identity.san if identity else None,
        "issuer": identity.issuer if identity else None,
        "runner_environment": identity.runner_environment if identity else None,
    }
    entry = verdict.log_entry if verdict.ok else None
    data |= {
        "log_index": entry.log_index if entry else None,
        "integrated_time": _time(entry.integrated_time if entry else None),
        "timestamp": _time(verdict.timestamp if verdict.ok else None),
    }
    return data


def _time(value: Any) -> str | None:
    return None if value is None else str(value.isoformat().replace("+00:00", "Z"))


_COLUMNS = (
    "attestation",
    "kind",
    "predicate type",
    "status",
    "source repository",
    "commit",
    "workflow",
    "issuer",
    "log index",
    "integrated time",
)


def _render_verdicts(
    verdicts: list[Verdict], skipped: Iterable[Attestation], *, as_json: bool
) -> None:
    skipped = list(skipped)
    if as_json:
        for verdict in verdicts:
            click.echo(json.dumps(_verdict_data(verdict), ensure_ascii=False))
        for attestation in skipped:
            data = {
                "attestation": _label(attestation),
                "kind": _kind(attestation, None),
                "predicate_type": attestation.predicate_type,
                "verified": None,
                "reason": "not applicable: another predicate type",
            }
            click.echo(json.dumps(data, ensure_ascii=False))
    else:
        table = Table()
        for header in _COLUMNS:
            table.add_column(header, overflow="fold")
        for verdict in verdicts:
            data = _verdict_data(verdict)
            table.add_row(
                data["attestation"],
                data["kind"],
                data["predicate_type"] or "",
                "verified" if verdict.ok else "invalid",
                data["source_repository"] or "",
                (data["commit"] or "")[:12],
                data["workflow"] or "",
                data["issuer"] or "",
                "" if data["log_index"] is None else str(data["log_index"]),
                data["integrated_time"] or data["timestamp"] or "",
            )
        for attestation in skipped:
            table.add_row(
                _label(attestation),
                _kind(attestation, None),
                attestation.predicate_type or "",
                "not applicable",
            )
        # Not a terminal (CI logs, pipes): wide enough that URLs and digests stay whole.
        Console(highlight=False, width=None if sys.stdout.isatty() else 240).print(table)
    for verdict in verdicts:
        if not verdict.ok:
            reason = verdict.reason.replace("\n", " ")
            click.echo(
                f"invalid: {_label(verdict.attestation)}: {verdict.step}: {reason}", err=True
            )


def _facts_data(facts: Facts) -> dict[str, Any]:
    identity = facts.identity
    statement = facts.statement
    return {
        "attestation": _label(facts.attestation),
        "verified": False,
        "kind": _kind(facts.attestation, "npm registry key" if facts.key_id else None),
        "media_type": facts.attestation.media_type,
        "predicate_type": statement.predicate_type
        if statement
        else facts.attestation.predicate_type,
        "key_id": facts.key_id,
        "identity": identity.san if identity else None,
        "issuer": identity.issuer if identity else None,
        "source_repository": identity.source_repository if identity else None,
        "commit": identity.commit if identity else None,
        "ref": identity.ref if identity else None,
        "workflow": identity.workflow if identity else None,
        "build_signer_uri": identity.build_signer_uri if identity else None,
        "runner_environment": identity.runner_environment if identity else None,
        "subjects": [
            {"name": subject.name, "digest": dict(subject.digests)}
            for subject in (statement.subjects if statement else ())
        ],
        "statement_problem": facts.problem,
        "log_entries": [
            {
                "kind": f"{entry.kind}/{entry.version}",
                "log_index": entry.log_index,
                "integrated_time": _time(entry.integrated_time),
            }
            for entry in facts.log_entries
        ],
        "inclusion_proof": facts.attestation.has_inclusion_proof,
        "rfc3161_timestamps": facts.timestamps,
    }


def _text(value: object) -> str:
    if isinstance(value, list):
        return "; ".join(_text(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{key} {_text(item)}" for key, item in value.items() if item is not None)
    return str(value)
