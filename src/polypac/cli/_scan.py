"""``polypac scan PATH``: every manifest and lockfile under PATH as one PURL-keyed graph."""

from __future__ import annotations

import json
import os
import tempfile
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    from polypac.scan import ScanResult

__all__ = ["scan_command"]

EXIT_INCOMPLETE = 2


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
        "errors": [{"file": e.source, "line": e.line, "message": e.problem} for e in result.errors]
        + [{"file": str(p), "line": None, "message": why} for p, why in result.unreadable],
    }


def _write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file beside it: never half a file."""
    handle, temporary = tempfile.mkstemp(dir=path.parent or ".", prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


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
    type=click.Choice(["table", "json", "cyclonedx", "spdx"]),
    default="table",
    help="A table for people, polypac's JSON, CycloneDX 1.6 or SPDX 2.3.",
)
@click.option("--output", type=click.Path(path_type=Path), help="Write to FILE, atomically.")
def scan_command(path: Path, output_format: str, output: Path | None) -> int:
    """Read every manifest and lockfile under PATH into one PURL-keyed dependency graph.

    Exit 2 when some file could not be read (each is listed with its line and problem); the
    rest is still read.
    """
    from polypac.scan import scan

    result = scan(path)
    if output_format == "table":
        _table(result)
        if output is not None:
            _write_atomically(output, _document(result, path, "json"))
    else:
        text = _document(result, path, output_format)
        if output is not None:
            _write_atomically(output, text)
        else:
            click.echo(text, nl=False)
    if output_format != "table" and not result.complete:
        for problem in [str(e) for e in result.errors] + [
            f"{p}: {w}" for p, w in result.unreadable
        ]:
            click.echo(problem, err=True)
    return 0 if result.complete else EXIT_INCOMPLETE


def _document(result: ScanResult, root: Path, output_format: str) -> str:
    """The scan as a document in ``output_format`` (json, cyclonedx or spdx)."""
    name = root.resolve().name or "project"
    if output_format == "cyclonedx":
        from polypac.sinks.cyclonedx import to_cyclonedx

        return to_cyclonedx(result.graph, project_name=name) + "\n"
    if output_format == "spdx":
        import uuid
        from datetime import UTC, datetime

        from polypac.sinks.spdx import to_spdx

        digest = uuid.uuid5(uuid.NAMESPACE_URL, "\n".join(sorted(result.graph.nodes)))
        namespace = f"https://spdx.org/spdxdocs/polypac-{name}-{digest}"
        return (
            to_spdx(result.graph, name=name, namespace=namespace, created=datetime.now(UTC)) + "\n"
        )
    return json.dumps(_data(result, root), indent=2) + "\n"
