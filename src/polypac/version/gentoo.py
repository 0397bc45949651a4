"""Gentoo ebuild versions, compared by the Package Manager Specification (PMS, section 3.3).

A version is ``N{.N}[letter]{_suffix[N]}[-rN]``: numeric components, one optional
lowercase letter, suffixes ``_alpha _beta _pre _rc _p`` each with an optional number, and
the ebuild revision. PMS compares the first component as a number; each later one as a
number too, unless either has a leading zero, when both are compared as strings with
trailing zeros removed (``1.01 < 1.1``, ``1.010 == 1.01``); more components win; then the
letter; then the suffixes in turn (``_alpha < _beta < _pre < _rc < (none) < _p``); then the
revision (``-r0`` is no revision)::

    >>> from polypac.version.gentoo import SCHEME
    >>> v = SCHEME.parse_version
    >>> v("1.0_alpha") < v("1.0_rc1") < v("1.0") < v("1.0-r1") < v("1.0_p1") < v("1.0a")
    True
    >>> v("1.0-r0") == v("1.0")
    True

Relations are those of a package atom, written without the package: ``< <= = >= >`` and
``~`` (any revision of the version): ``~1.2`` holds ``1.2`` and ``1.2-r3``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from polypac.errors import InvalidRange, InvalidVersion
from polypac.version._relations import (
    RelationSyntax,
    build_set,
    desugar,
    join_groups,
    primitive_groups,
    primitive_set,
)
from polypac.version.scheme import Comparator, ComparatorOp, Desugaring
from polypac.version.sets import VersionSet

__all__ = ["SCHEME", "GentooScheme", "GentooVersion", "parse_version"]

_VERSION = re.compile(
    r"(?P<numbers>[0-9]+(?:\.[0-9]+)*)(?P<letter>[a-z]?)"
    r"(?P<suffixes>(?:_(?:alpha|beta|pre|rc|p)[0-9]*)*)(?:-r(?P<revision>[0-9]+))?"
)
_SUFFIX = re.compile(r"_(alpha|beta|pre|rc|p)([0-9]*)")
_SUFFIX_RANK = {"alpha": 0, "beta": 1, "pre": 2, "rc": 3, "p": 5}
_SUFFIX_END = (4,)  # between _rc and _p: an extra _p suffix wins, any other loses
_ABOVE_ALL = float("inf")  # a revision above every real one: the top of a version's revisions


@dataclass(frozen=True, slots=True, order=True)  # ordered and equal by ``key`` alone
class GentooVersion:
    """One ebuild version as written; versions PMS finds equal (``1.0-r0`` and ``1.0``,
    ``1.010`` and ``1.01``) compare and hash alike.

    ``above_revisions`` marks a bound that no ebuild has: just above every revision of its
    version, the end of ``~1.2``.
    """

    text: str = field(compare=False)
    revision: int = field(compare=False, default=0)
    above_revisions: bool = field(compare=False, default=False)
    key: tuple[object, ...] = field(repr=False, default=())

    @property
    def is_prerelease(self) -> bool:
        """Always false: atoms order ``_alpha``..``_rc`` among releases and do not set them
        apart."""
        return False

    @property
    def without_revision(self) -> str:
        """The version with its ``-rN`` cut off."""
        return self.text.partition("-r")[0]

    def __str__(self) -> str:
        return self.text

    def revisions_top(self) -> GentooVersion:
        """The bound just above every revision of this version."""
        key = (*self.key[:-1], _ABOVE_ALL)
        return GentooVersion(self.without_revision, 0, True, key)


def _component(digits: str) -> tuple[int, object]:
    """PMS algorithm 3.3: a leading zero makes it a string without trailing zeros."""
    if digits[0] == "0":
        return (0, digits.rstrip("0"))
    return (1, int(digits))


def parse_version(text: str) -> GentooVersion:
    """Parse one ebuild version; raise :class:`~polypac.errors.InvalidVersion`."""
    match = _VERSION.fullmatch(text)
    if match is None:
        prefix = _VERSION.match(text)
        at = prefix.end() if prefix is not None else 0
        problem = (
            "expected a version to start with a digit"
            if at == 0
            else "expected '.N', a letter, '_alpha', '_beta', '_pre', '_rc', '_p' or '-rN' here"
        )
        raise InvalidVersion(text, at, problem, what="ebuild version")
    numbers = match["numbers"].split(".")
    suffixes = tuple(
        (_SUFFIX_RANK[name], int(number) if number else 0)
        for name, number in _SUFFIX.findall(match["suffixes"])
    )
    revision = int(match["revision"]) if match["revision"] is not None else 0
    key = (
        int(numbers[0]),
        tuple(_component(n) for n in numbers[1:]),
        match["letter"],
        (*suffixes, _SUFFIX_END),
        revision,
    )
    return GentooVersion(text, revision, False, key)


_SYNTAX = RelationSyntax(
    what="ebuild range",
    operators={"<": "<", "<=": "<=", "=": "=", ">=": ">=", ">": ">", "~": "~"},
    space_after_operator=False,
)


class GentooScheme:
    """PMS version rules and atom relations (scheme name ``ebuild``)."""

    @property
    def name(self) -> str:
        """``ebuild``, the PURL type."""
        return "ebuild"

    def parse_version(self, text: str) -> GentooVersion:
        """Parse one version; raise :class:`~polypac.errors.InvalidVersion` if invalid."""
        return parse_version(text)

    def desugar_range(self, text: str) -> Desugaring:
        """Atom relations as primitive comparators, AND-ed with ``,`` and OR-ed with ``|``.

        ``~1.2`` (every revision of 1.2) has no primitive spelling and is refused here;
        :meth:`parse_range` reads it. Glob matches (``=1.2*``) are not read.
        """
        groups = _desugar(text)
        for group in groups:
            for comparator in group:
                if comparator.operator == "~":  # type: ignore[comparison-overlap]
                    at = text.find("~")
                    raise InvalidRange(
                        text,
                        at,
                        "'~' (any revision) has no primitive comparator",
                        what="ebuild range",
                    )
        return groups

    def parse_range(
        self, text: str, *, include_prerelease: bool = False
    ) -> VersionSet[GentooVersion]:
        """Parse relations like ``>=1.2, <2`` or ``~1.2``; blank text is every version.
        ``include_prerelease`` has no effect."""
        return build_set(_desugar(text), _comparator_set)

    def format_range(self, versions: VersionSet[GentooVersion]) -> str:
        """Write a set as atom relations (``, `` for AND, `` | `` for OR); raise
        ``ValueError`` for a bound an atom cannot name."""
        groups = primitive_groups(versions.releases, same_group=_all_revisions)
        return join_groups(groups, _spell, what="ebuild range")


def _desugar(text: str) -> Desugaring:
    if "*" in text:
        raise InvalidRange(
            text, text.find("*"), "glob matches ('=1.2*') are not supported", what="ebuild range"
        )
    return desugar(text, _SYNTAX, parse_version)


def _comparator_set(comparator: Comparator) -> VersionSet[GentooVersion]:
    version = parse_version(comparator.version)
    if comparator.operator == "~":  # type: ignore[comparison-overlap]
        floor = parse_version(version.without_revision)
        return primitive_set("=", floor, floor.revisions_top())
    return primitive_set(comparator.operator, version, version)


def _all_revisions(low: GentooVersion, high: GentooVersion) -> bool:
    return (
        high.above_revisions
        and not low.above_revisions
        and low.key[:-1] == high.key[:-1]
        and low.key[-1] == 0
    )


def _spell(operator: ComparatorOp, version: GentooVersion) -> str:
    if not version.above_revisions:
        return f"{operator}{version}"
    if operator == "=":
        return f"~{version}"
    raise ValueError(f"an atom cannot say {operator} above every revision of {version}")


SCHEME = GentooScheme()
"""The Gentoo scheme object the registry hands out."""
