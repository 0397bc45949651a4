"""``polypac scan PATH``: every manifest and lockfile under PATH as one PURL-keyed graph."""

from __future__ import annotations

import json
import os
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console
from rich.table import Table

from polypac.cli._io import progress_bar, write_atomically

if TYPE_CHECKING:
    from polypac.scan import ScanResult
    from polypac.sinks.openvex import VexStatement
    from polypac.vuln.match import Finding

__all__ = ["scan_command"]

EXIT_INCOMPLETE = 2
EXIT_FOUND = 1
SEVERITY_RANK = {"any": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}


def _data(result: ScanResult, root: Path) -> dict[str, Any]:
    graph = result.graph
    return {
        "root": str(root),
        "files": [str(p) for p in result.files],
        "packages": [{"purl": key, "root": key in graph.roots} for key in sorted(graph.nodes)],
        "dependencies": [
            {
                "parent": e.parent,
                "child": e.child,
                "scope": e.scope.value,
                "direct": e.direct,
                "declared_at": str(e.declared_at) if e.declared_at else None,
            }
            for e in graph.edges
        ],
        "vulnerabilities": [
            {
                "purl": purl,
                "id": f.id,
                "aliases": list(f.aliases),
                "summary": f.summary,
                "severity": _severity_word(f),
                "fixed": list(f.fixed),
            }
            for purl, findings in sorted(result.findings.items())
            for f in findings
        ],
        "errors": [{"file": e.source, "line": e.line, "message": e.problem} for e in result.errors]
        + [{"file": str(p), "line": None, "message": why} for p, why in result.unreadable],
    }


def _table(result: ScanResult) -> None:
    console = Console()
    graph = result.graph
    packages = [n for key, n in graph.nodes.items() if key not in graph.roots]
    by_type = Counter(n.purl.type for n in packages)
    table = Table("ecosystem", "packages", title=f"{len(result.files)} files read")
    for kind, count in sorted(by_type.items()):
        table.add_row(kind, str(count))
    console.print(table)
    direct = sum(1 for e in graph.edges if e.direct)
    console.print(
        f"{len(packages)} packages, {len(graph.edges)} dependencies ({direct} direct), "
        f"{len(graph.roots)} projects"
    )
    if result.findings:
        vulns = Table(title="known vulnerabilities")
        for header in ("package", "advisory", "severity", "aliases", "fixed in"):
            vulns.add_column(header, overflow="fold")
        for purl, findings in sorted(result.findings.items()):
            for f in findings:
                severity = _severity_word(f) or ""
                vulns.add_row(purl, f.id, severity, ", ".join(f.aliases), ", ".join(f.fixed))
        console.print(vulns)
    count = sum(len(f) for f in result.findings.values())
    console.print(f"{count} known vulnerabilities in {len(result.findings)} packages")
    problems = [str(e) for e in result.errors] + [f"{p}: {why}" for p, why in result.unreadable]
    if problems:
        errors = Console(stderr=True)
        errors.print(f"could not read everything ({len(problems)} problems):", style="bold")
        for problem in problems:
            errors.print(problem, markup=False, highlight=False)


@click.command("scan")
@click.argument("path", type=click.Path(exists=True, path_type=Path), default=".")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "json", "cyclonedx", "spdx", "openvex"]),
    default="table",
    help="A table for people, polypac's JSON, CycloneDX 1.6, SPDX 2.3 or OpenVEX 0.2.",
)
@click.option("--output", type=click.Path(path_type=Path), help="Write to FILE, atomically.")
@click.option(
    "--fail-on",
    type=click.Choice(list(SEVERITY_RANK)),
    help="Exit 1 when a vulnerability of at least this severity is found ('any': any at all).",
)
@click.option(
    "--store",
    type=click.Path(path_type=Path),
    help="The vulnerability store (default: $XDG_CACHE_HOME/polypac/vulns.sqlite3).",
)
@click.option(
    "--online",
    is_flag=True,
    help="Ask the OSV API (api.osv.dev, or $POLYPAC_OSV_URL) instead of the local store.",
)
def scan_command(
    path: Path,
    output_format: str,
    output: Path | None,
    fail_on: str | None,
    store: Path | None,
    online: bool,
) -> int:
    """Read every manifest and lockfile under PATH into one PURL-keyed dependency graph,
    and match it against the vulnerabilities imported with `polypac vuln import`.

    Exit 2 when some file could not be read (each is listed with its line and problem; the
    rest is still read), else 1 when --fail-on found a vulnerability, else 0.
    """
    from polypac.scan import scan
    from polypac.vuln.store import VulnStore

    if online and store is not None:
        click.echo("error: --store and --online exclude each other", err=True)
        return EXIT_INCOMPLETE
    vulnerabilities: VulnStore | None = None if online else VulnStore(store)
    if vulnerabilities is not None and not vulnerabilities.path.exists() and fail_on:
        click.echo(
            f"error: --fail-on needs vulnerability data, and there is none at "
            f"{vulnerabilities.path}\nhint: load OSV records with `polypac vuln import PATH...`, "
            "or use --online",
            err=True,
        )
        return EXIT_INCOMPLETE
    if vulnerabilities is not None and not vulnerabilities.path.exists():
        click.echo(
            f"note: no vulnerability data at {vulnerabilities.path}\n"
            "hint: load OSV records with `polypac vuln import PATH...`",
            err=True,
        )
        vulnerabilities = None
    with progress_bar("reading") as advance:
        progress = (
            None if advance is None else (lambda p, done, total: advance(p.name, done, total))
        )
        result = scan(path, vulnerabilities=vulnerabilities, progress=progress)
    if not result.files and not result.unreadable:
        if path.is_file():
            click.echo(
                f"error: polypac does not read {path}: it is no manifest or lockfile it knows "
                "(docs/scan.md lists them)",
                err=True,
            )
            return EXIT_INCOMPLETE
        click.echo(f"note: no manifest or lockfile found under {path}", err=True)
    if online:
        from polypac.vuln.osv_api import OsvClient

        versioned = [key for key, node in result.graph.nodes.items() if node.purl.version]
        result.findings = {
            key: found for key, found in sorted(OsvClient().findings(versioned).items()) if found
        }
    if output_format == "table":
        _table(result)
        if output is not None:
            write_atomically(output, _document(result, path, "json"))
    else:
        text = _document(result, path, output_format)
        if output is not None:
            write_atomically(output, text)
        else:
            click.echo(text, nl=False)
    if output_format != "table" and not result.complete:
        for problem in [str(e) for e in result.errors] + [
            f"{p}: {w}" for p, w in result.unreadable
        ]:
            click.echo(problem, err=True)
    if not result.complete:
        return EXIT_INCOMPLETE
    return EXIT_FOUND if fail_on is not None and _fails(result, fail_on) else 0


def _timestamp() -> datetime:
    """Now, or SOURCE_DATE_EPOCH when set, so that builds can reproduce documents."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC)
    return datetime.now(UTC)


def _severity_word(found: Finding) -> str | None:
    """The finding's level: the database's word, else its highest CVSS score's rating."""
    from polypac.vuln.severity import rate

    level = rate(found).level
    return None if level is None else str(level)


def _fails(result: ScanResult, fail_on: str) -> bool:
    """Whether a finding reaches ``fail_on``. A finding whose record gives neither a
    severity word nor a CVSS vector that scores reaches only ``any``."""
    from polypac.vuln.severity import rate

    threshold = SEVERITY_RANK[fail_on]
    for findings in result.findings.values():
        for f in findings:
            level = rate(f).level
            if threshold == 0 or (level is not None and int(level) >= threshold):
                return True
    return False


def _vex_statements(result: ScanResult) -> list[VexStatement]:
    """One statement per finding: ``affected`` with what to do, or ``under_investigation``
    where the record lists the version but its scheme could not be read to be sure."""
    from polypac.sinks.openvex import VexStatement, VexStatus
    from polypac.vuln.match import Verdict

    statements = []
    for purl, findings in sorted(result.findings.items()):
        for f in findings:
            if f.verdict is Verdict.POSSIBLY:
                statements.append(
                    VexStatement(f.id, purl, VexStatus.UNDER_INVESTIGATION, aliases=f.aliases)
                )
                continue
            action = (
                f"Update to a fixed version: {', '.join(f.fixed)}."
                if f.fixed
                else "No fixed version is recorded: remove or replace the package."
            )
            statements.append(
                VexStatement(
                    f.id, purl, VexStatus.AFFECTED, action_statement=action, aliases=f.aliases
                )
            )
    return statements


def _document(result: ScanResult, root: Path, output_format: str) -> str:
    """The scan as a document in ``output_format`` (json, cyclonedx, spdx or openvex)."""
    name = root.resolve().name or "project"
    if output_format == "cyclonedx":
        from polypac.sinks.cyclonedx import VulnerabilityRecord, to_cyclonedx

        records = [
            VulnerabilityRecord(
                id=f.id,
                aliases=f.aliases,
                summary=f.summary or None,
                affected_purl=purl,
                fixed_versions=f.fixed,
                severity=_severity_word(f),
            )
            for purl, findings in sorted(result.findings.items())
            for f in findings
        ]
        return to_cyclonedx(result.graph, vulnerabilities=records, project_name=name) + "\n"
    if output_format == "spdx":
        import uuid

        from polypac.sinks.spdx import to_spdx

        digest = uuid.uuid5(uuid.NAMESPACE_URL, "\n".join(sorted(result.graph.nodes)))
        namespace = f"https://spdx.org/spdxdocs/polypac-{name}-{digest}"
        return to_spdx(result.graph, name=name, namespace=namespace, created=_timestamp()) + "\n"
    if output_format == "openvex":
        from polypac.sinks.openvex import to_openvex

        return to_openvex(_vex_statements(result), author="polypac", timestamp=_timestamp())
    return json.dumps(_data(result, root), indent=2) + "\n"
