"""The VERS grammar: scanning text into a :class:`Vers`, with every problem located.

One scanner serves three callers. ``parse_vers(strict=True)`` raises on the first problem
of any kind; ``parse_vers(strict=False)`` raises only on problems that normalizing cannot
fix (whitespace, pipes, case, order and percent-encoding are fixed); ``validate_vers``
lists every problem, and adds the Clause 5.4 rules that the scanner does not enforce.
"""

from __future__ import annotations

import itertools
import string
from dataclasses import dataclass
from typing import Final

from polypac.errors import InvalidVersion, UnknownSchemeError, VersError
from polypac.vers._model import MUST_ENCODE, ConstraintOrder, Vers, VersComparator, VersConstraint
from polypac.vers._types import (
    ALL_TYPE,
    INVALID_TYPE,
    NONE_TYPE,
    RESERVED_TYPES,
    is_registered,
    scheme_for_type,
)
from polypac.version.sets import Version

__all__ = ["parse_vers", "validate_vers"]

_WHITESPACE: Final = frozenset(" \t\n\r\f\v")
_HEX: Final = frozenset(string.hexdigits)
_TYPE_CHARS: Final = frozenset(string.ascii_letters + string.digits + ".-")
# Longest first, so ">=" is not read as ">" followed by a version starting with "=".
_PREFIXES: Final[tuple[tuple[str, VersComparator], ...]] = (
    (">=", ">="),
    ("<=", "<="),
    ("!=", "!="),
    ("<", "<"),
    (">", ">"),
    ("=", "="),
)


@dataclass(frozen=True, slots=True)
class _Issue:
    """One problem: where (offset in the input), what, and whether normalizing fixes it."""

    position: int | None
    problem: str
    fixable: bool


class _Fatal(Exception):
    """A problem that stops the scan."""

    def __init__(self, issue: _Issue) -> None:
        super().__init__(issue.problem)
        self.issue = issue


@dataclass(frozen=True, slots=True)
class _Scanned:
    """A scanned specifier: its constraints (normalized order) and the offset in the input
    of each constraint's version."""

    vers: Vers
    offsets: tuple[int, ...]


def parse_vers(text: str, *, strict: bool = True) -> Vers:
    """Parse a VERS specifier.

    With ``strict`` (the default) the text must be in canonical form: no whitespace, no
    empty constraint between pipes, lowercase ``vers`` and type, constraints sorted by
    version, versions percent-encoded exactly where VERS requires it. Without ``strict``
    those are normalized instead. Either way a problem raises
    :class:`~polypac.errors.VersError` with the offset of the bad character::

        >>> parse_vers("VERS:NPM/<2.0.0|>=1.0.0", strict=False).to_string()
        'vers:npm/>=1.0.0|<2.0.0'
    """
    issues: list[_Issue] = []
    try:
        scanned = _scan(text, issues, strict=strict)
    except _Fatal as fatal:
        # In strict mode the first problem met is the one reported, fixable or not.
        first = issues[0] if strict and issues else fatal.issue
        raise VersError(text, first.position, first.problem) from None
    if strict and issues:
        raise VersError(text, issues[0].position, issues[0].problem)
    return scanned.vers


def validate_vers(text: str) -> list[str]:
    """Every problem of a VERS specifier, as text; an empty list when it is valid.

    Beyond what :func:`parse_vers` checks in strict mode, this applies the validation rules
    of VERS Clause 5.4 (each version once; ``=`` followed only by ``=``, ``>``, ``>=``;
    ``<``/``<=`` and ``>``/``>=`` alternating), checks each version against the type's
    scheme, and warns about a type polypac cannot order::

        >>> for problem in validate_vers("vers:npm/>=1.0.0|>=1.2.0"):
        ...     print(problem)
        constraint '>=1.2.0' (at offset 19) cannot follow '>=1.0.0': '>' and '<' bounds alternate
    """
    issues: list[_Issue] = []
    try:
        scanned = _scan(text, issues, strict=True, collect=True)
    except _Fatal as fatal:
        return [_describe(issue) for issue in [*issues, fatal.issue]]
    problems = [_describe(issue) for issue in issues]
    problems.extend(_rule_problems(scanned))
    return problems


def _describe(issue: _Issue) -> str:
    where = "" if issue.position is None else f" (at offset {issue.position})"
    return f"{issue.problem}{where}"


def _scan(text: str, issues: list[_Issue], *, strict: bool, collect: bool = False) -> _Scanned:
    """Scan ``text``, adding fixable problems to ``issues``; raise _Fatal on the others.

    A strict scan that is not collecting stops before ordering once a problem is known.
    """
    for index, char in enumerate(text):
        if not (" " <= char <= "~") and char not in _WHITESPACE:
            raise _Fatal(_Issue(index, "only printable ASCII characters are permitted", False))
    # Work on the text without whitespace; ``where`` maps its offsets back to the input.
    where = [i for i, ch in enumerate(text) if ch not in _WHITESPACE]
    if len(where) != len(text):
        first_space = next(i for i, ch in enumerate(text) if ch in _WHITESPACE)
        issues.append(_Issue(first_space, "whitespace is not permitted", True))
    clean = "".join(text[i] for i in where)
    where.append(len(text))

    colon = clean.find(":")
    if colon < 0 or clean[:colon].lower() != "vers":
        raise _Fatal(_Issue(where[0], "expected 'vers:' at the start", False))
    if clean[:colon] != "vers":
        issues.append(_Issue(where[0], "the scheme must be lowercase 'vers'", True))

    slash = clean.find("/", colon + 1)
    if slash < 0:
        raise _Fatal(_Issue(len(text), "expected '/' after the type", False))
    vers_type = _scan_type(clean[colon + 1 : slash], colon + 1, where, issues)

    body_start = slash + 1
    body = clean[body_start:]
    if not body:
        raise _Fatal(_Issue(len(text), "expected at least one constraint after the type", False))

    pieces: list[tuple[int, str]] = []
    start = body_start
    for piece in body.split("|"):
        pieces.append((start, piece))
        start += len(piece) + 1
    filled = [(start, piece) for start, piece in pieces if piece]
    if not filled:
        raise _Fatal(_Issue(where[body_start], "expected a constraint between pipes", False))
    last = len(pieces) - 1
    for index, (start, piece) in enumerate(pieces):
        if piece or last == 0:
            continue
        if index == 0:
            issues.append(_Issue(where[start], "leading pipe is not permitted", True))
        elif index == last:
            issues.append(_Issue(where[start - 1], "trailing pipe is not permitted", True))
        elif pieces[index - 1][1]:
            issues.append(_Issue(where[start], "consecutive pipes are not permitted", True))

    constraints: list[VersConstraint] = []
    offsets: list[int] = []
    for start, piece in filled:
        if piece == "*":
            if len(filled) > 1:
                raise _Fatal(_Issue(where[start], "'*' must be the only constraint", False))
            constraints.append(VersConstraint("*", ""))
            offsets.append(where[start])
        else:
            constraint, version_start = _scan_constraint(piece, start, where, vers_type, issues)
            constraints.append(constraint)
            offsets.append(where[version_start])

    if vers_type in (ALL_TYPE, NONE_TYPE) and constraints[0].comparator != "*":
        raise _Fatal(
            _Issue(where[body_start], f"'vers:{vers_type}/*' is the only valid form", False)
        )
    vers = Vers(vers_type, tuple(constraints))
    if strict and issues and not collect:
        return _Scanned(vers, tuple(offsets))
    order = _order(vers, offsets)
    if order is None:
        pass
    elif strict:
        moved = next(
            (i for i in range(1, len(order)) if order[i].version < order[i - 1].version), None
        )
        if moved is not None:
            where_moved = offsets[moved] - len(_comparator_text(constraints[moved]))
            issues.append(_Issue(where_moved, "constraints are not sorted by version", True))
    else:
        pairs = sorted(zip(order, constraints, offsets, strict=True), key=lambda p: p[0])
        vers = Vers(vers_type, tuple(c for _, c, _ in pairs))
        offsets = [o for _, _, o in pairs]
    return _Scanned(vers, tuple(offsets))


def _scan_type(raw: str, start: int, where: list[int], issues: list[_Issue]) -> str:
    if not raw:
        raise _Fatal(_Issue(where[start], "expected a type after 'vers:'", False))
    for index, char in enumerate(raw):
        if char not in _TYPE_CHARS or (index == 0 and not char.isalpha()):
            raise _Fatal(
                _Issue(
                    where[start + index],
                    "a type is ASCII letters, digits, '.' and '-', starting with a letter",
                    False,
                )
            )
    upper = next((i for i, ch in enumerate(raw) if ch.isupper()), None)
    if upper is not None:
        issues.append(_Issue(where[start + upper], "the type must be lowercase", True))
    vers_type = raw.lower()
    if vers_type == INVALID_TYPE:
        raise _Fatal(_Issue(where[start], "the 'invalid' type is always invalid", False))
    return vers_type


def _comparator_text(constraint: VersConstraint) -> str:
    return "" if constraint.comparator in ("=", "*") else constraint.comparator


def _scan_constraint(
    piece: str, start: int, where: list[int], vers_type: str, issues: list[_Issue]
) -> tuple[VersConstraint, int]:
    comparator: VersComparator = "="
    for prefix, op in _PREFIXES:
        if piece.startswith(prefix):
            comparator = op
            if prefix == "=":
                issues.append(
                    _Issue(
                        where[start],
                        "a constraint must not start with '=': equality is a bare version",
                        True,
                    )
                )
            piece = piece[len(prefix) :]
            start += len(prefix)
            break
    if not piece:
        shown = "'='" if comparator == "=" else f"'{comparator}'"
        raise _Fatal(_Issue(where[start], f"expected a version after {shown}", False))
    version = _decode(piece, start, where, vers_type, issues)
    if vers_type == "datetime" and ("t" in version or "z" in version):
        bad = next(i for i, ch in enumerate(piece) if ch in "tz")
        issues.append(_Issue(where[start + bad], "datetime must use uppercase T and Z", True))
        version = version.replace("t", "T").replace("z", "Z")
    return VersConstraint(comparator, version), start


def _decode(raw: str, start: int, where: list[int], vers_type: str, issues: list[_Issue]) -> str:
    """Percent-decode a version exactly once, noting non-canonical encodings."""
    out: list[str] = []
    index = 0
    while index < len(raw):
        char = raw[index]
        if char != "%":
            if char in MUST_ENCODE:
                raise _Fatal(
                    _Issue(
                        where[start + index],
                        f"'{char}' in a version must be percent-encoded as %{ord(char):02X}",
                        False,
                    )
                )
            out.append(char)
            index += 1
            continue
        triplet = raw[index : index + 3]
        if len(triplet) < 3 or not set(triplet[1:]) <= _HEX:
            raise _Fatal(_Issue(where[start + index], "invalid percent-encoding in version", False))
        decoded = chr(int(triplet[1:], 16))
        if not " " <= decoded <= "~":
            raise _Fatal(
                _Issue(
                    where[start + index],
                    "a version holds printable ASCII characters only",
                    False,
                )
            )
        if triplet[1:] != triplet[1:].upper() or (
            decoded not in MUST_ENCODE and not (vers_type == "datetime" and decoded == ":")
        ):
            problem = "percent-encoding in version is not canonical"
            issues.append(_Issue(where[start + index], problem, True))
        elif vers_type == "datetime" and decoded == ":":
            problem = "datetime time colons must be unencoded"
            issues.append(_Issue(where[start + index], problem, True))
        out.append(decoded)
        index += 3
    return "".join(out)


def _order(vers: Vers, offsets: list[int]) -> list[ConstraintOrder] | None:
    """Each constraint's place in the type's order, or None when none is needed or known."""
    if len(vers.constraints) < 2:
        return None
    try:
        scheme = scheme_for_type(vers.scheme)
    except UnknownSchemeError:
        return None
    keys: list[ConstraintOrder] = []
    for constraint, offset in zip(vers.constraints, offsets, strict=True):
        try:
            version = scheme.parse_version(constraint.version)
            keys.append(ConstraintOrder(version, constraint.comparator))
        except InvalidVersion as error:
            raise _Fatal(
                _Issue(
                    offset,
                    f"{constraint.version!r} is not a valid {vers.scheme} version, so the "
                    f"constraints cannot be ordered ({error.problem})",
                    False,
                )
            ) from error
    return keys


def _rule_problems(scanned: _Scanned) -> list[str]:
    """The Clause 5.4 rules, the type's version syntax, and registration."""
    vers = scanned.vers
    problems: list[str] = []
    if vers.scheme in RESERVED_TYPES or not is_registered(vers.scheme):
        problems.append(
            f"type {vers.scheme!r} is not registered: versions cannot be ordered or compared"
        )
        return problems
    if vers.is_star() or vers.scheme in (ALL_TYPE, NONE_TYPE):
        return problems
    scheme = scheme_for_type(vers.scheme)
    parsed: list[Version | None] = []
    for constraint, offset in zip(vers.constraints, scanned.offsets, strict=True):
        try:
            parsed.append(scheme.parse_version(constraint.version))
        except InvalidVersion as error:
            parsed.append(None)
            problems.append(
                f"{constraint.version!r} (at offset {offset}) is not a valid {vers.scheme} "
                f"version: {error.problem}"
            )
    for index in range(1, len(parsed)):
        here = parsed[index]
        if here is None:
            continue
        for earlier in range(index):
            there = parsed[earlier]
            if there is not None and not (here < there or there < here):
                problems.append(
                    f"version {vers.constraints[index].version!r} (at offset "
                    f"{scanned.offsets[index]}) repeats {vers.constraints[earlier].to_string()!r}:"
                    " each version may appear once"
                )
                break
    problems.extend(_sequence_problems(vers.constraints, scanned.offsets))
    return problems


def _sequence_problems(
    constraints: tuple[VersConstraint, ...], offsets: tuple[int, ...]
) -> list[str]:
    problems: list[str] = []
    kept = [(c, o) for c, o in zip(constraints, offsets, strict=True) if c.comparator != "!="]
    for (before, _), (after, offset) in itertools.pairwise(kept):
        if before.comparator == "=" and after.comparator in ("<", "<="):
            problems.append(
                f"constraint {after.to_string()!r} (at offset {offset}) cannot follow "
                f"{before.to_string()!r}: an equality is followed only by an equality, "
                "'>' or '>='"
            )
    bounds = [(c, o) for c, o in kept if c.comparator != "="]
    for (before, _), (after, offset) in itertools.pairwise(bounds):
        if (before.comparator in ("<", "<=")) == (after.comparator in ("<", "<=")):
            problems.append(
                f"constraint {after.to_string()!r} (at offset {offset}) cannot follow "
                f"{before.to_string()!r}: '>' and '<' bounds alternate"
            )
    return problems
