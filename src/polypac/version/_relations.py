"""The operator-and-version range grammar the distribution schemes share.

Debian's ``>= 1.2-3``, RPM's ``< 2.0``, apk's ``>=1.2``, Gentoo's ``~1.2`` are all one
shape: a relation operator followed by a version. This module reads that shape, with AND
(``,``) and OR (``|`` or ``||``) between relations and optional parentheses around each, into
primitive :class:`~polypac.version.scheme.Comparator` groups; turns groups into a
:class:`~polypac.version.sets.VersionSet`; and turns a set back into groups of
``(operator, version)`` for a scheme to spell. Each scheme passes its own operator table and
version parser, so the grammar is written once and every error points at the bad character.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from polypac.errors import InvalidRange, InvalidVersion
from polypac.version._ranges import Bound, Ranges
from polypac.version.scheme import Comparator, ComparatorOp, Desugaring
from polypac.version.sets import Version, VersionSet

__all__ = [
    "RelationSyntax",
    "build_set",
    "desugar",
    "join_groups",
    "primitive_groups",
    "primitive_set",
]

V = TypeVar("V", bound=Version)

_BLANKS = " \t"


@dataclass(frozen=True, slots=True)
class RelationSyntax:
    """How one scheme spells its relations.

    ``operators`` maps each native spelling to the primitive operator it means (a scheme may
    map a spelling to itself, like Gentoo's ``~``, and handle it when building the set);
    ``bare`` is the operator of a version written with none (``None``: an operator is
    required); ``what`` names the input in error messages; ``comma_is_or`` makes ``,`` an
    OR like ``|`` (lists of affected versions), leaving no AND.
    """

    what: str
    operators: Mapping[str, str]
    bare: str | None = None
    space_after_operator: bool = True
    comma_is_or: bool = False


def desugar(
    text: str, syntax: RelationSyntax, check_version: Callable[[str], object]
) -> Desugaring:
    """Read ``text`` into OR groups of AND-ed comparators; blank text is every version.

    ``check_version`` parses one version (raising
    :class:`~polypac.errors.InvalidVersion`); its error is re-raised as
    :class:`~polypac.errors.InvalidRange` pointing into ``text``.
    """
    if not text.strip(_BLANKS):
        return ((),)
    groups: list[tuple[Comparator, ...]] = []
    for start, end in _split(text, 0, len(text), "|"):
        pieces = _split(text, start, end, ",")
        if syntax.comma_is_or:
            groups += [(_relation(text, lo, hi, syntax, check_version),) for lo, hi in pieces]
        else:
            groups.append(
                tuple(_relation(text, lo, hi, syntax, check_version) for lo, hi in pieces)
            )
    return tuple(groups)


def _split(text: str, start: int, end: int, separator: str) -> list[tuple[int, int]]:
    """Offsets of the pieces between separators; a doubled ``||`` is one separator."""
    pieces: list[tuple[int, int]] = []
    lo = start
    while (at := text.find(separator, lo, end)) != -1:
        pieces.append((lo, at))
        lo = at + 1
        if separator == "|" and text.startswith("|", lo, end):
            lo += 1
    pieces.append((lo, end))
    return pieces


def _relation(
    text: str,
    start: int,
    end: int,
    syntax: RelationSyntax,
    check_version: Callable[[str], object],
) -> Comparator:
    what = syntax.what
    while start < end and text[start] in _BLANKS:
        start += 1
    while end > start and text[end - 1] in _BLANKS:
        end -= 1
    if start == end:
        raise InvalidRange(text, start, "expected a relation here", what=what)
    if text[start] == "(":
        if text[end - 1] != ")":
            raise InvalidRange(text, end - 1, "expected ')' to close the relation", what=what)
        return _relation(text, start + 1, end - 1, syntax, check_version)
    for at in range(start, end):
        if text[at] in "()":
            raise InvalidRange(text, at, f"unexpected {text[at]!r}", what=what)
    operator = _operator(text, start, end, syntax)
    if operator is None:
        if syntax.bare is None:
            expected = ", ".join(repr(op) for op in _spellings(syntax))
            raise InvalidRange(text, start, f"expected a relation operator ({expected})", what=what)
        op_text, version_start = syntax.bare, start
    else:
        op_text, version_start = syntax.operators[operator], start + len(operator)
    while version_start < end and text[version_start] in _BLANKS:
        if not syntax.space_after_operator:
            raise InvalidRange(
                text, version_start, "expected the version right after the operator", what=what
            )
        version_start += 1
    version = text[version_start:end]
    if not version:
        raise InvalidRange(text, version_start, "expected a version after the operator", what=what)
    try:
        check_version(version)
    except InvalidVersion as error:
        offset = version_start + (error.position or 0)
        raise InvalidRange(text, offset, error.problem, what=what) from error
    return Comparator(op_text, version)  # type: ignore[arg-type]  # scheme-checked spelling


def _spellings(syntax: RelationSyntax) -> list[str]:
    return sorted(syntax.operators, key=lambda op: (len(op), op))


def _operator(text: str, start: int, end: int, syntax: RelationSyntax) -> str | None:
    best: str | None = None
    for spelling in syntax.operators:
        if text.startswith(spelling, start, end) and (best is None or len(spelling) > len(best)):
            best = spelling
    return best


def build_set(
    groups: Desugaring,
    comparator_set: Callable[[Comparator], VersionSet[V]],
) -> VersionSet[V]:
    """The union over groups of the intersection of each group's comparator sets."""
    result: VersionSet[V] = VersionSet.empty()
    for group in groups:
        acc: VersionSet[V] = VersionSet.full()
        for comparator in group:
            acc = acc.intersection(comparator_set(comparator))
        result = result.union(acc)
    return result


def primitive_set(operator: str, low: V, high: V) -> VersionSet[V]:
    """The set for ``operator`` against a group of versions spanning ``[low, high]``.

    For an exact version ``low`` and ``high`` are the version itself; schemes where a
    relation names a whole group (RPM's ``= 1.0`` is every release of 1.0) pass the group's
    first member and a sentinel just above its last.
    """
    if operator == "=":
        ranges: Ranges[V] = Ranges.between(Bound(low, True), Bound(high, True))
    elif operator == "!=":
        ranges = Ranges.between(Bound(low, True), Bound(high, True)).complement()
    elif operator == "<":
        ranges = Ranges.between(None, Bound(low, False))
    elif operator == "<=":
        ranges = Ranges.between(None, Bound(high, True))
    elif operator == ">":
        ranges = Ranges.between(Bound(high, False), None)
    elif operator == ">=":
        ranges = Ranges.between(Bound(low, True), None)
    else:  # pragma: no cover - the syntax tables only produce the six above
        raise ValueError(f"not a primitive operator: {operator!r}")
    return VersionSet.from_ranges(ranges)


def primitive_groups(
    ranges: Ranges[V],
    *,
    same_group: Callable[[V, V], bool] | None = None,
) -> list[list[tuple[ComparatorOp, V]]]:
    """A normalized union of segments as OR groups of ``(operator, version)`` pairs.

    An empty list is the empty set; ``[[]]`` is every version. A segment whose two ends
    are one version, or span one group (``same_group``), becomes a single ``=`` with the
    segment's upper end.
    """
    groups: list[list[tuple[ComparatorOp, V]]] = []
    for segment in ranges:
        lo, hi = segment.lower, segment.upper
        if (
            lo is not None
            and hi is not None
            and lo.inclusive
            and hi.inclusive
            and (
                not (lo.version < hi.version or hi.version < lo.version)
                or (same_group is not None and same_group(lo.version, hi.version))
            )
        ):
            groups.append([("=", hi.version)])  # for a group, its top stands for it
            continue
        group: list[tuple[ComparatorOp, V]] = []
        if lo is not None:
            group.append((">=" if lo.inclusive else ">", lo.version))
        if hi is not None:
            group.append(("<=" if hi.inclusive else "<", hi.version))
        groups.append(group)
    return groups


def join_groups(
    groups: list[list[tuple[ComparatorOp, V]]],
    spell: Callable[[ComparatorOp, V], str],
    *,
    and_separator: str = ", ",
    or_separator: str = " | ",
    what: str,
) -> str:
    """Write groups with a scheme's ``spell``; an empty set cannot be written."""
    if not groups:
        raise ValueError(f"the empty set cannot be written as a {what}")
    return or_separator.join(and_separator.join(spell(op, v) for op, v in g) for g in groups)
