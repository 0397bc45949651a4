"""Pac: the Package Calculus written down as text a person can read, diff and edit.

A Pac file names its version scheme, the root, and the packages that exist with what each
version needs; every extension of the calculus has a line of its own (the grammar is in
``docs/pac.md``)::

    >>> from polypac.pac import parse_pac, format_document
    >>> document = parse_pac('''
    ... scheme npm
    ... root app 1.0.0
    ... package app 1.0.0
    ...   depends left-pad ^1.1.0 | right-pad, not bad-pad   # ',' and, '|' or
    ... package left-pad 1.0.0, 1.3.0
    ... ''')
    >>> print(format_document(document), end="")
    scheme npm
    root app 1.0.0
    <BLANKLINE>
    package app 1.0.0
      depends left-pad >=1.1.0 <2.0.0 | right-pad  # ',' and, '|' or
      depends not bad-pad
    <BLANKLINE>
    package left-pad 1.0.0, 1.3.0

:func:`parse_pac` raises :class:`PacError` (a :class:`~polypac.errors.ParseError`) with
the file, line and column of the first mistake; :func:`format_pac` writes the canonical
text, and ``parse_pac(format_pac(p, scheme=s)).problem == p``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from polypac.calculus.extended import ExtendedProblem, Requirement
from polypac.calculus.model import Problem
from polypac.pac._document import DEFAULT_SCHEME, CommentKey, Note, PacDocument, lookup_scheme
from polypac.pac._intervals import ORDINAL, OrdinalScheme
from polypac.pac._parser import parse_document
from polypac.pac._printer import format_document, format_problem
from polypac.pac._syntax import PacError

__all__ = [
    "DEFAULT_SCHEME",
    "ORDINAL",
    "CommentKey",
    "Note",
    "OrdinalScheme",
    "PacDocument",
    "PacError",
    "core_as_extended",
    "format_core",
    "format_document",
    "format_pac",
    "lookup_scheme",
    "parse_pac",
]


def parse_pac(text: str, *, source: str = "<pac>") -> PacDocument:
    """Parse Pac ``text`` (read from ``source``, for messages) into a :class:`PacDocument`.

    Raises :class:`PacError` for text that breaks the grammar or names what the problem
    cannot hold (an unknown root, a range its scheme rejects, an undeclared variable).
    """
    return parse_document(text, source=source)


def format_pac(
    problem: ExtendedProblem[Any],
    *,
    scheme: str | None = None,
    schemes: Mapping[str, str] | None = None,
    comments: Mapping[CommentKey, Note] | None = None,
) -> str:
    """The canonical Pac text of ``problem``.

    ``scheme`` names the scheme its versions belong to (default: ``ordinal`` when every
    version is an :class:`~polypac.calculus.model.Ordinal`, else ``semver``); ``schemes``
    names other schemes per package name (names whose versions are ordinals are found
    without it); ``comments`` are put back by the statement they stand by.
    """
    return format_problem(problem, scheme=scheme, schemes=schemes, comments=comments)


def core_as_extended(problem: Problem[Any]) -> ExtendedProblem[Any]:
    """A core problem as the extended problem that holds only plain requirements."""
    return ExtendedProblem(
        root=problem.root,
        packages=problem.packages,
        dependencies={
            package: tuple(Requirement(d.name, d.versions) for d in dependencies)
            for package, dependencies in problem.dependencies.items()
            if dependencies
        },
    )


def format_core(
    problem: Problem[Any],
    *,
    scheme: str | None = None,
    schemes: Mapping[str, str] | None = None,
    notes: Mapping[str, str] | None = None,
) -> str:
    """The Pac text of a core problem (``depends`` lines with plain requirements only).

    ``notes`` puts a comment above the block of a name (what a synthetic name stands for).
    """
    comments: dict[CommentKey, Note] = {
        ("package", name): Note((f"# {text}",)) for name, text in (notes or {}).items()
    }
    return format_problem(
        core_as_extended(problem), scheme=scheme, schemes=schemes, comments=comments
    )
