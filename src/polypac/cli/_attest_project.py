"""``polypac attest verify TARGETS...`` and ``polypac attest show PURL``: the provenance of
every package of a project, fetched from the registries and verified offline."""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console
from rich.table import Table

from polypac.cli._io import progress_bar
from polypac.errors import PolypacError

if TYPE_CHECKING:
    from polypac.attest import TrustedRoot
    from polypac.attest.policy import Policy
    from polypac.attest.project import PackageVerdict

__all__ = ["show_package", "verify_targets"]

EXIT_FAILED = 1
EXIT_USAGE = 2
_COLUMNS = ("package", "status", "source repository", "commit", "workflow", "built", "log index")


def verify_targets(
    targets: tuple[str, ...],
    *,
    root: TrustedRoot,
    policy: Policy,
    offline: bool,
    pins: Path | None,
    require_provenance: bool,
    as_json: bool,
) -> int:
    """Verify every package the targets name; print a table or JSON lines; the exit code."""
    from polypac.attest.fetch import Endpoints
    from polypac.attest.pins import PinStore
    from polypac.attest.project import targets_of, verify_project
    from polypac.net import HttpClient

    try:
        purls = targets_of(Path(t) if not t.startswith("pkg:") else t for t in targets)
        store = PinStore(pins)
    except PolypacError as error:
        click.echo(f"error: {error}", err=True)
        return EXIT_USAGE
    with HttpClient(offline=offline) as client, progress_bar("verifying") as progress:
        verdicts = verify_project(
            purls,
            client=client,
            trusted_root=root,
            policy_for=lambda _purl: policy,
            progress=progress,
            endpoints=Endpoints.configured(),
            pins=store,
        )
    _render(verdicts, as_json=as_json)
    failed = [v for v in verdicts if _fails(v, require_provenance=require_provenance)]
    for verdict in failed:
        why = str(verdict.change) if verdict.change is not None else verdict.reason or ""
        click.echo(f"{verdict.status}: {verdict.purl}: {why}", err=True)
    return EXIT_FAILED if failed else 0


def show_package(purl: str, *, offline: bool, as_json: bool) -> int:
    """Fetch and verify one package (no policy, no pins) and print everything found."""
    from polypac.attest import TrustedRoot
    from polypac.attest.fetch import Endpoints
    from polypac.attest.policy import NoPolicy
    from polypac.attest.project import targets_of, verify_project
    from polypac.net import HttpClient

    try:
        targets = targets_of([purl])
    except PolypacError as error:
        click.echo(f"error: {error}", err=True)
        return EXIT_USAGE
    with HttpClient(offline=offline) as client:
        [verdict] = verify_project(
            targets,
            client=client,
            trusted_root=TrustedRoot.production(),
            policy_for=lambda _purl: NoPolicy(),
            endpoints=Endpoints.configured(),
        )
    data = _data(verdict)
    if verdict.identity is not None:
        data["identity"] = {
            key: value
            for key, value in dataclasses.asdict(verdict.identity).items()
            if value not in (None, "", ())
        }
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, default=str))
    else:
        console = Console(highlight=False)
        for key, value in data.items():
            if value in (None, [], "", {}):
                continue
            if isinstance(value, dict):
                console.print(f"{key}:", markup=False)
                for inner, text in value.items():
                    console.print(f"  {inner}: {text}", markup=False)
            else:
                shown = ", ".join(value) if isinstance(value, list) else value
                console.print(f"{key}: {shown}", markup=False)
    return 0 if verdict.status in {"verified", "missing"} else EXIT_FAILED


def _fails(verdict: PackageVerdict, *, require_provenance: bool) -> bool:
    if verdict.change is not None or verdict.status in {"invalid", "error"}:
        return True
    return verdict.status == "missing" and require_provenance


def _data(verdict: PackageVerdict) -> dict[str, Any]:
    return {
        "purl": verdict.purl,
        "status": verdict.status,
        "source_repository": verdict.source_repository,
        "commit": verdict.commit,
        "workflow": verdict.workflow,
        "build_time": verdict.build_time.isoformat() if verdict.build_time else None,
        "log_index": verdict.log_index,
        "reason": verdict.reason,
        "artifacts": list(verdict.artifacts),
        "provenance_change": str(verdict.change) if verdict.change is not None else None,
    }


def _render(verdicts: list[PackageVerdict], *, as_json: bool) -> None:
    if as_json:
        for verdict in verdicts:
            click.echo(json.dumps(_data(verdict), ensure_ascii=False))
        return
    table = Table()
    for header in _COLUMNS:
        table.add_column(header, overflow="fold")
    for verdict in verdicts:
        data = _data(verdict)
        status = "changed" if verdict.change is not None else verdict.status
        table.add_row(
            verdict.purl,
            status,
            data["source_repository"] or "",
            (data["commit"] or "")[:12],
            data["workflow"] or "",
            data["build_time"] or "",
            "" if data["log_index"] is None else str(data["log_index"]),
        )
    Console(highlight=False, width=None if sys.stdout.isatty() else 240).print(table)
    counts: dict[str, int] = {}
    for verdict in verdicts:
        counts[verdict.status] = counts.get(verdict.status, 0) + 1
    summary = ", ".join(f"{count} {status}" for status, count in sorted(counts.items()))
    click.echo(f"{len(verdicts)} packages: {summary or 'none'}")
