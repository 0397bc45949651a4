"""Translate dependency declarations between package managers through one model.

A requirements file, a ``package.json``, a ``Cargo.toml``, a Debian control file and a Pac
file are each read into a :class:`Manifest` (:mod:`polypac.translate.readers`) and written
out in any of the five syntaxes (:mod:`polypac.translate.writers`). What the target cannot
say exactly comes back as :class:`Loss` items, one per thing lost, never silently dropped.
Names are kept as they are (no mapping of ``libssl-dev`` to ``openssl``), but for the
normalization a target requires (PEP 503 for requirements, lowercase for Debian).

    >>> result = translate('{"devDependencies": {"left-pad": "^1.3.0"}}',
    ...                    source_format="package.json", target_format="cargo")
    >>> print(result.text, end="")
    [dev-dependencies]
    left-pad = "^1.3.0"
    >>> result.losses
    ()
"""

from __future__ import annotations

from dataclasses import dataclass

from polypac.translate.model import (
    ANY,
    Alternative,
    Condition,
    Constraint,
    Dependency,
    Feature,
    Loss,
    Manifest,
    Scope,
    TranslateError,
)
from polypac.translate.readers import READERS, Reading
from polypac.translate.writers import WRITERS

__all__ = [
    "ANY",
    "FORMATS",
    "Alternative",
    "Condition",
    "Constraint",
    "Dependency",
    "Feature",
    "Loss",
    "Manifest",
    "Reading",
    "Scope",
    "TranslateError",
    "Translation",
    "read",
    "translate",
    "write",
]

FORMATS = tuple(READERS)
"""The syntaxes, by the names the command line uses: requirements, package.json, cargo,
debian, pac."""


@dataclass(frozen=True, slots=True)
class Translation:
    """The text in the target syntax, what was read, and every loss (reading's first)."""

    text: str
    manifest: Manifest
    losses: tuple[Loss, ...]


def _check(format_name: str) -> None:
    if format_name not in READERS:
        raise TranslateError(
            format_name, 0, f"expected one of {', '.join(FORMATS)}", what="format name"
        )


def read(text: str, format_name: str, *, source: str = "<input>") -> Reading:
    """Read ``text`` written in ``format_name`` (one of :data:`FORMATS`)."""
    _check(format_name)
    return READERS[format_name](text, source=source)


def write(manifest: Manifest, scheme: str, format_name: str) -> tuple[str, list[Loss]]:
    """Write ``manifest`` (its versions in ``scheme``) in ``format_name``."""
    _check(format_name)
    return WRITERS[format_name](manifest, scheme)


def translate(
    text: str, *, source_format: str, target_format: str, source: str = "<input>"
) -> Translation:
    """Read ``text`` in ``source_format`` and write it in ``target_format``."""
    reading = read(text, source_format, source=source)
    _check(target_format)
    written, losses = WRITERS[target_format](reading.manifest, reading.scheme)
    return Translation(written, reading.manifest, (*reading.losses, *losses))
