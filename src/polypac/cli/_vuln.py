"""``polypac vuln``: load OSV advisories into the embedded store, and look packages up."""

from __future__ import annotations

from pathlib import Path

import click

from polypac.cli._io import Outcome, iter_inputs, run_batch

__all__ = ["vuln"]

STORE = click.option(
    "--store",
    type=click.Path(path_type=Path),
    help="The store file (default: $XDG_CACHE_HOME/polypac/vulns.sqlite3).",
)


@click.group()
def vuln() -> None:
    """Vulnerabilities from OSV data, matched offline."""


@vuln.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--replace", is_flag=True, help="Start a fresh store instead of adding to it.")
@STORE
def vuln_import(paths: tuple[Path, ...], replace: bool, store: Path | None) -> int:
    """Load OSV records (folders of JSON or YAML, or OSV all.zip files) into the store.

    The store is replaced atomically: an interrupted import leaves the previous one intact.
    Exit 2 when some file could not be read (each is listed); the rest is imported.
    """
    from polypac.vuln.store import VulnStore

    target = VulnStore(store)
    report = target.import_records(paths, replace=replace)
    click.echo(
        f"{report.records} records imported ({report.withdrawn} withdrawn) into {target.path}"
        f" in {report.seconds:.1f} s"
    )
    for error in report.errors:
        click.echo(f"error: {error}", err=True)
    return 2 if report.errors else 0


@vuln.command("match")
@click.argument("purls", nargs=-1, required=True)
@STORE
@click.option("--json", "as_json", is_flag=True, help="One JSON object per PURL.")
def vuln_match(purls: tuple[str, ...], store: Path | None, as_json: bool) -> int:
    """The advisories that affect each PURL (with a version), or '-' for PURLs on stdin.

    Exit 1 when some PURL is affected.
    """
    from polypac.purl import parse_purl
    from polypac.vuln.store import VulnStore

    source = VulnStore(store)

    def handle(text: str) -> Outcome:
        findings = source.match(parse_purl(text))
        data = {
            "purl": text,
            "vulnerabilities": [
                {
                    "id": f.id,
                    "aliases": list(f.aliases),
                    "summary": f.summary,
                    "fixed": list(f.fixed),
                }
                for f in findings
            ],
        }
        lines = [text] + [
            f"  {f.id} ({', '.join(f.aliases) or 'no alias'}): "
            f"fixed in {', '.join(f.fixed) or 'no release'}"
            for f in findings
        ]
        return Outcome(data, "\n".join(lines), ok=not findings)

    return run_batch(iter_inputs(purls), handle, as_json=as_json)
