"""``polypac debian``: questions about Debian archives.

``polypac debian installability PACKAGES...`` checks every package of the Packages indexes
(plain, .gz, .xz or .lz4) and lists the broken ones with the reason in words. Exit codes:
0 when every package is installable, 1 when some are broken, 2 on bad input (a file that
cannot be read, or stanzas that were skipped because they do not parse: the rest is still
checked and reported).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console
from rich.table import Table

from polypac.errors import PolypacError

if TYPE_CHECKING:  # the solver stack loads when the command runs, not with every command
    from polypac.ecosystems.debian.installability import InstallabilityReport

__all__ = ["debian"]

EXIT_BROKEN = 1
EXIT_BAD_INPUT = 2


@click.group()
def debian() -> None:
    """Debian archives: which packages can be installed, and why not."""


def _report_data(report: InstallabilityReport) -> dict[str, Any]:
    return {
        "summary": report.summary(),
        "checked": report.checked,
        "installable": report.installable,
        "essential": report.essential,
        "broken": [
            {
                "name": item.package.name,
                "version": item.package.version,
                "architecture": item.package.architecture,
                "explanation": item.explanation,
                "reasons": [
                    {
                        "kind": reason.kind,
                        "text": reason.text,
                        "chains": [
                            [
                                {
                                    "package": step.package.name,
                                    "version": step.package.version,
                                    "architecture": step.package.architecture,
                                    "field": step.field,
                                    "relation": step.relation,
                                }
                                for step in chain
                            ]
                            for chain in reason.chains
                        ],
                    }
                    for reason in item.reasons
                ],
            }
            for item in report.broken
        ],
        "skipped": [
            {
                "source": skipped.source,
                "line": skipped.line,
                "package": skipped.name,
                "problem": skipped.problem,
            }
            for skipped in report.skipped
        ],
        "ignored": report.ignored,
    }


def _render(report: InstallabilityReport) -> None:
    out = Console(soft_wrap=False, highlight=False)
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    for skipped in report.skipped:
        err.print(f"skipped: {skipped}", markup=False)
    if report.broken:
        table = Table(title="Broken packages", show_lines=True)
        table.add_column("Package", no_wrap=True)
        table.add_column("Version")
        table.add_column("Arch")
        table.add_column("Why", overflow="fold")
        for item in report.broken:
            package = item.package
            table.add_row(
                package.name, package.version, package.architecture, item.explanation or "-"
            )
        out.print(table)
    line = report.summary()
    if report.skipped:
        line += f" ({len(report.skipped)} skipped: they do not parse)"
    out.print(line, markup=False)


@debian.command("installability")
@click.argument(
    "packages",
    nargs=-1,
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
)
@click.option("--json", "as_json", is_flag=True, help="Print the verdicts as one JSON object.")
@click.option(
    "--native-arch",
    metavar="ARCH",
    help="The native architecture (default: that of the first package not 'all').",
)
@click.option(
    "--foreign-arch",
    "foreign_archs",
    multiple=True,
    metavar="ARCH",
    help="A foreign architecture to take in (repeatable); other ones are ignored.",
)
@click.option(
    "--ignore-essential",
    is_flag=True,
    help="Do not install the Essential packages with every package (libsolv's installcheck).",
)
@click.option("--no-explain", is_flag=True, help="Only the verdicts, no reasons (faster).")
def installability(
    packages: tuple[Path, ...],
    as_json: bool,
    native_arch: str | None,
    foreign_archs: tuple[str, ...],
    ignore_essential: bool,
    no_explain: bool,
) -> int:
    """Check that every package of the Packages indexes PACKAGES can be installed.

    A package is installable when some set of packages of the archive holds it and meets
    every Depends and Pre-Depends, breaks no Conflicts or Breaks, holds one version per
    name and architecture and, as dose-distcheck does by default, holds every Essential
    package. Broken packages are listed with the chain of relations that rules them out.

    Exit status: 0 when all are installable, 1 when some are broken, 2 on bad input.
    """
    from polypac.ecosystems.debian.installability import archive_installability, load_archive

    archive = load_archive(packages, native_arch=native_arch, foreign_archs=foreign_archs)
    if sys.stderr.isatty() and not as_json:
        with Console(stderr=True).status(f"checking {len(archive.packages)} packages"):
            report = archive_installability(
                archive, essential=not ignore_essential, explain=not no_explain
            )
    else:
        report = archive_installability(
            archive, essential=not ignore_essential, explain=not no_explain
        )
    if as_json:
        click.echo(json.dumps(_report_data(report), ensure_ascii=False, indent=2))
    else:
        _render(report)
    if report.skipped:
        return EXIT_BAD_INPUT
    return EXIT_BROKEN if report.broken else 0


@debian.command("install")
@click.argument("packages", nargs=-1, required=True)
@click.option("--no-install-recommends", is_flag=True, help="Leave Recommends out, as apt does.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per package to install.")
def install(packages: tuple[str, ...], no_install_recommends: bool, as_json: bool) -> int:
    """Plan installing PACKAGES (NAME, NAME=VERSION or NAME/SUITE) as `apt-get install -s`
    plans it, from this machine's apt lists and dpkg status; nothing is installed.

    Prints apt's `Inst` lines (or JSON). Exit 1 when the request cannot be installed (the
    reasons are printed), 2 when the apt lists cannot be read.
    """
    from polypac.ecosystems.debian.install import AptCache, InstallFailure, plan_install

    try:
        cache = AptCache.from_machine()
    except (OSError, PolypacError) as error:
        click.echo(f"error: cannot read the apt lists: {error}", err=True)
        return 2
    plan = plan_install(list(packages), cache=cache, install_recommends=not no_install_recommends)
    if isinstance(plan, InstallFailure):
        click.echo(str(plan), err=True)
        return 1
    for package in plan.install:
        if as_json:
            data = {
                "name": package.name,
                "version": package.version,
                "architecture": package.architecture,
                "automatic": package.automatic,
                "current": package.current,
                "action": package.action,
            }
            click.echo(json.dumps(data))
        else:
            now = f"[{package.current}] " if package.current else ""
            click.echo(f"Inst {package.name} {now}({package.version} {package.architecture})")
    return 0
