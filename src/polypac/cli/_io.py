"""Batch input and output shared by the commands.

Every command takes its inputs as arguments or, given ``-``, one per line on stdin. With
``--json`` it prints one JSON object per input, errors included as ``{"input", "error"}``
objects, so that one bad line does not stop the rest.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import click

from polypac.errors import PolypacError

__all__ = ["Outcome", "iter_inputs", "run_batch"]


def iter_inputs(values: Iterable[str]) -> Iterator[str]:
    """The arguments, with ``-`` replaced by the non-blank lines of stdin."""
    for value in values:
        if value == "-":
            for raw in sys.stdin:
                line = raw.rstrip("\r\n")
                if line.strip():
                    yield line
        else:
            yield value


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one input gave: data for JSON, a line for people, and whether it was true."""

    data: dict[str, Any]
    text: str
    ok: bool = True


def run_batch(
    inputs: Iterable[str],
    handle: Callable[[str], Outcome],
    *,
    as_json: bool,
) -> int:
    """Handle every input; print each result; return the exit code.

    0 when every input was handled and true, 1 when some answer was false (a version that
    does not satisfy, a PURL that does not validate), 2 when some input was invalid.
    """
    invalid = false = False
    for text in inputs:
        try:
            outcome = handle(text)
        except PolypacError as error:
            invalid = True
            if as_json:
                click.echo(json.dumps({"input": text, "error": error.diagnostics()}))
            else:
                click.echo(f"error: {error.diagnostics()}", err=True)
            continue
        false = false or not outcome.ok
        click.echo(json.dumps(outcome.data, ensure_ascii=False) if as_json else outcome.text)
    return 2 if invalid else (1 if false else 0)
