"""What a Pac file holds: a problem, the schemes its versions are written in, its comments."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from polypac.calculus.extended import ExtendedProblem
from polypac.pac._intervals import ORDINAL
from polypac.version.scheme import VersionScheme, get_scheme

__all__ = ["DEFAULT_SCHEME", "CommentKey", "Note", "PacDocument", "lookup_scheme"]

DEFAULT_SCHEME = "semver"
"""The scheme of a file that names none."""

CommentKey = tuple[object, ...]
"""Where a comment belongs: ``("header",)``, ``("root",)``, ``("package", name)``,
``("depends", name, version, index)``, ... (see :class:`PacDocument`)."""


@dataclass(frozen=True, slots=True)
class Note:
    """The comments of one statement: whole lines above it, and one at the end of its line."""

    above: tuple[str, ...] = ()
    after: str | None = None


@dataclass(frozen=True, slots=True)
class PacDocument:
    """A parsed Pac file.

    ``scheme`` is the canonical name of the file's version scheme; ``schemes`` names the
    scheme of each package name written in another one (``scheme ordinal for x``).
    ``comments`` keeps the file's comments by the statement they stand by, so that
    formatting keeps them: keys are ``("header",)``, ``("footer",)``, ``("scheme",)``,
    ``("scheme-for", name)``, ``("granularity",)``, ``("default-feature",)``,
    ``("variable", name)``, ``("environment", name)``, ``("root",)``,
    ``("package", name)``, and for the lines of a block ``("depends" | "peer" | "provides",
    name, version, index)`` and ``("feature", name, version, feature, index)``.
    """

    problem: ExtendedProblem[Any]
    scheme: str = DEFAULT_SCHEME
    schemes: Mapping[str, str] = field(default_factory=dict)
    comments: Mapping[CommentKey, Note] = field(default_factory=dict)

    def scheme_of(self, name: str) -> VersionScheme[Any]:
        """The scheme the versions of ``name`` are written in."""
        return lookup_scheme(self.schemes.get(name, self.scheme))


def lookup_scheme(name: str) -> VersionScheme[Any]:
    """The scheme called ``name``: ``ordinal`` (Pac's own) or any scheme of the registry.

    Raises :class:`~polypac.errors.UnknownSchemeError` for an unknown name.
    """
    if name.strip().lower() == "ordinal":
        return ORDINAL
    return get_scheme(name)
