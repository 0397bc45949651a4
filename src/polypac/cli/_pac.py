"""``polypac pac``: check, format, reduce and solve problems written in Pac.

Register with ``cli.add_command(pac)``. Data goes to stdout; "reformatted", "would
reformat" and error messages go to stderr. Exit codes: 0 done, 1 a negative answer (not
canonical, unsatisfiable), 2 invalid input (with the file, line and column of the mistake).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from polypac.cli._io import write_atomically
from polypac.errors import PolypacError

__all__ = ["pac"]

JSON_HELP = "Print JSON instead of text."


def _read(path: str) -> str:
    """The text of ``path`` (``-`` is stdin); text that is not UTF-8 is a located error."""
    from polypac.pac import PacError

    data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise PacError(
            "",
            None,
            f"not UTF-8 text (byte {error.start} is {data[error.start]:#04x})",
            source=path,
        ) from error


def _report(error: PolypacError, path: str, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps({"file": path, "valid": False, "error": error.diagnostics()}))
    else:
        click.echo(f"error: {error.diagnostics()}", err=True)


PATH = click.Path(exists=True, dir_okay=False, allow_dash=True)
FILES = click.argument("files", nargs=-1, required=True, type=PATH)


@click.group()
def pac() -> None:
    """Check, format, reduce and solve problems written in Pac (see docs/pac.md)."""


@pac.command("check")
@FILES
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per file.")
def pac_check(files: tuple[str, ...], as_json: bool) -> int:
    """Parse and validate FILES ('-' for stdin); exit 2 at the first mistake of any."""
    from polypac.pac import parse_pac

    invalid = False
    for path in files:
        try:
            problem = parse_pac(_read(path), source=path).problem
        except PolypacError as error:
            invalid = True
            _report(error, path, as_json)
            continue
        versions = sum(len(vs) for vs in problem.packages.values())
        data = {
            "file": path,
            "valid": True,
            "root": str(problem.root),
            "names": len(problem.packages),
            "versions": versions,
        }
        text = (
            f"{path}: ok (root {problem.root}, {len(problem.packages)} names, {versions} versions)"
        )
        click.echo(json.dumps(data) if as_json else text)
    return 2 if invalid else 0


@pac.command("fmt")
@FILES
@click.option("--write", is_flag=True, help="Rewrite each file in canonical form, atomically.")
@click.option("--check", "check_only", is_flag=True, help="Exit 1 if a file is not canonical.")
def pac_fmt(files: tuple[str, ...], write: bool, check_only: bool) -> int:
    """Print FILE in canonical form (comments kept), or rewrite/check FILES."""
    from polypac.pac import format_document, parse_pac

    if write and check_only:
        raise click.UsageError("give --write or --check, not both")
    if not (write or check_only) and len(files) != 1:
        raise click.UsageError("give one file to print, or --write / --check for several")
    if write and "-" in files:
        raise click.UsageError("--write cannot rewrite stdin")
    invalid = changed = False
    for path in files:
        try:
            text = _read(path)
            canonical = format_document(parse_pac(text, source=path))
        except PolypacError as error:
            invalid = True
            _report(error, path, False)
            continue
        if not (write or check_only):
            click.echo(canonical, nl=False)
        elif text != canonical:
            changed = True
            if write:
                try:
                    write_atomically(Path(path), canonical)
                except PolypacError as error:
                    invalid = True
                    click.echo(f"error: {error}", err=True)
                    continue
                click.echo(f"reformatted {path}", err=True)
            else:
                click.echo(f"would reformat {path}", err=True)
    if invalid:
        return 2
    return 1 if changed and check_only else 0


@pac.command("reduce")
@click.argument("file", type=PATH)
def pac_reduce(file: str) -> int:
    """Print the core problem FILE reduces to, in Pac (synthetic names explained)."""
    from polypac.calculus.reduce import reduce
    from polypac.pac import format_core, parse_pac

    document = parse_pac(_read(file), source=file)
    reduction = reduce(document.problem)
    click.echo(
        format_core(
            reduction.problem,
            scheme=document.scheme,
            schemes=document.schemes,
            notes=reduction.synthetic,
        ),
        nl=False,
    )
    return 0


def _package_data(package: Any, features: frozenset[str] = frozenset()) -> dict[str, Any]:
    data: dict[str, Any] = {"name": package.name, "version": str(package.version)}
    if features:
        data["features"] = sorted(features)
    return data


@pac.command("solve")
@click.argument("file", type=PATH)
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
def pac_solve(file: str, as_json: bool) -> int:
    """Solve FILE with PubGrub: print the resolution, or why there is none (exit 1)."""
    from polypac.calculus.extended import check_extended
    from polypac.pac import parse_pac
    from polypac.solve.extended import ExtendedFailure, solve_extended

    problem = parse_pac(_read(file), source=file).problem
    answer = solve_extended(problem)
    root = problem.root
    if isinstance(answer, ExtendedFailure):
        text = answer.explain()
        legend = answer.legend()
        if as_json:
            data = {"file": file, "root": _package_data(root), "satisfiable": False}
            click.echo(json.dumps({**data, "explanation": text, "synthetic": legend}))
        else:
            click.echo(f"{root} has no resolution:\n{text}")
            if legend:
                click.echo("where:")
                for name, meaning in legend.items():
                    click.echo(f"  {name}: {meaning}")
        return 1
    resolution = answer
    violations = check_extended(problem, resolution)
    if violations:
        reasons = "; ".join(v.reason for v in violations)
        raise PolypacError(f"internal error: the solver's answer breaks {file}: {reasons}")
    packages = sorted(resolution.packages, key=lambda p: (p.name, p.version))
    assignment = dict(sorted(resolution.assignment))
    links = sorted(resolution.links, key=str)
    if as_json:
        data = {
            "file": file,
            "root": _package_data(root),
            "satisfiable": True,
            "packages": [_package_data(p, resolution.features_of(p)) for p in packages],
            "variables": assignment,
            "links": [
                {"dependent": _package_data(link.dependent), "target": _package_data(link.target)}
                for link in links
            ],
        }
        click.echo(json.dumps(data))
        return 0
    click.echo(f"{root} resolves to {len(packages)} packages:")
    for package in packages:
        features = resolution.features_of(package)
        suffix = f" [{', '.join(sorted(features))}]" if features else ""
        click.echo(f"  {package}{suffix}")
    if assignment:
        click.echo("variables:")
        for variable, value in assignment.items():
            click.echo(f"  {variable} = {value}")
    if links:
        click.echo("links:")
        for link in links:
            click.echo(f"  {link}")
    return 0
