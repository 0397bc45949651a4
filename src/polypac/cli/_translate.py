"""``polypac translate``: dependency declarations from one package manager's syntax to another's.

Register with ``cli.add_command(translate)``. The translated text goes to stdout (or
``--output FILE``); every loss is a ``loss: <item>: <reason>`` line on stderr. Exit codes:
0 nothing lost, 1 some items lost precision, 2 invalid input (the file and line named).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from polypac.errors import PolypacError

__all__ = ["translate"]

_FORMATS = ("requirements", "package.json", "cargo", "debian", "pac")


def _read(path: str) -> str:
    from polypac.translate import TranslateError

    try:
        data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except OSError as error:
        raise TranslateError(
            "", None, f"cannot read: {error.strerror}", what="input", source=path
        ) from error
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise TranslateError(
            "",
            None,
            f"not UTF-8 text (byte {error.start} is {data[error.start]:#04x})",
            what="input",
            source=path,
        ) from error


@click.command("translate")
@click.option(
    "--from",
    "source_format",
    type=click.Choice(_FORMATS),
    required=True,
    help="The syntax INPUT is written in.",
)
@click.option(
    "--to", "target_format", type=click.Choice(_FORMATS), required=True, help="The syntax to write."
)
@click.argument(
    "input_path", metavar="[INPUT|-]", default="-", type=click.Path(dir_okay=False, allow_dash=True)
)
@click.option(
    "--output",
    "-o",
    "output",
    type=click.Path(dir_okay=False),
    help="Write the translation to FILE instead of stdout.",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print the translation, the dependencies and the losses as JSON.",
)
def translate(
    source_format: str, target_format: str, input_path: str, output: str | None, as_json: bool
) -> int:
    """Translate the dependencies of INPUT (default stdin) between package managers.

    Names are kept as they are (only normalized as the target requires); what the target
    cannot say exactly is reported on stderr, item by item (see docs/translate.md).
    """
    from polypac.translate import translate as run

    try:
        result = run(
            _read(input_path),
            source_format=source_format,
            target_format=target_format,
            source=input_path,
        )
    except PolypacError as error:
        click.echo(f"error: {error.diagnostics()}", err=True)
        return 2
    if output is not None:
        try:
            Path(output).write_text(result.text, encoding="utf-8")
        except OSError as error:
            click.echo(f"error: cannot write {output}: {error.strerror}", err=True)
            return 2
    if as_json:
        document = {
            "from": source_format,
            "to": target_format,
            "text": result.text,
            "dependencies": [
                {
                    "name": d.name,
                    "constraint": [[str(c) for c in group] for group in d.constraint.groups],
                    "scheme": d.constraint.scheme,
                    "scope": d.scope.value,
                    "conditions": [{"kind": c.kind, "text": c.text} for c in d.conditions],
                    "features": list(d.features),
                    "alternatives": [a.name for a in d.alternatives],
                    "line": d.line,
                }
                for d in result.manifest.dependencies
            ],
            "losses": [
                {"item": loss.item, "source_text": loss.source_text, "reason": loss.reason}
                for loss in result.losses
            ],
        }
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
    elif output is None:
        click.echo(result.text, nl=False)
    for loss in result.losses:
        click.echo(str(loss), err=True)
    return 1 if result.losses else 0
