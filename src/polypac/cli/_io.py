"""Batch input and output shared by the commands.

Every command takes its inputs as arguments or, given ``-``, one per line on stdin. With
``--json`` it prints one JSON object per input, errors included as ``{"input", "error"}``
objects, so that one bad line does not stop the rest.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from polypac.errors import PolypacError

__all__ = ["Outcome", "OutputError", "iter_inputs", "progress_bar", "run_batch", "write_atomically"]


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


@contextlib.contextmanager
def progress_bar(verb: str) -> Iterator[Callable[[str, int, int], None] | None]:
    """A progress bar on stderr (``verb``, a bar, done/total, the current item) while the
    block runs, when stderr is a terminal; ``None`` otherwise, so logs stay clean. Call the
    callback with the item's name, how many are done, and how many there are."""
    from rich.console import Console

    console = Console(stderr=True)
    if not console.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    columns = (
        TextColumn(verb),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("", total=None)

        def advance(item: str, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total, description=item)

        yield advance


class OutputError(PolypacError):
    """An output file that cannot be written (exit 2); the old file, if any, is intact."""


def _mode_for(path: Path) -> int:
    """The mode ``path`` has, or for a new file what ``open`` would give it (the temporary
    file is made owner-only)."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` by ``text``: a temporary file in the same folder, flushed to disk,
    then a rename, so that a crash leaves the old file or the new one, never half of one.
    The file keeps its permissions (a new one gets the usual ones). Raises
    :class:`OutputError` when it cannot be written."""
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as error:
        raise OutputError(f"cannot write {path}: {error.strerror or error}") from error
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(OSError):
            os.chmod(temporary, _mode_for(path))
        os.replace(temporary, path)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(error, OSError):
            raise OutputError(f"cannot write {path}: {error.strerror or error}") from error
        raise
