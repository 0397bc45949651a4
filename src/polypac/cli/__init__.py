"""The ``polypac`` command line: a thin layer that parses arguments and renders results.

Data goes to stdout, messages to stderr. A user's mistake (bad input, unknown scheme, bad
option) is a message on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click

from polypac.cli._app import cli
from polypac.errors import PolypacError

__all__ = ["cli", "main"]

EXIT_USAGE = 2


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        result = cli.main(args=args, prog_name="polypac", standalone_mode=False)
    except PolypacError as error:
        click.echo(f"error: {error.diagnostics()}", err=True)
        return EXIT_USAGE
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return 130
    except click.ClickException as error:
        error.show()
        return EXIT_USAGE if error.exit_code == 2 else error.exit_code
    except click.exceptions.Exit as done:
        return done.exit_code
    except BrokenPipeError:
        return 0
    return result if isinstance(result, int) else 0
