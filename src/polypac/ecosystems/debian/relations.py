"""The Debian relation language (Policy §7.1): ``a (>= 1.0) | b:any [amd64] <!nocheck>, c``.

A field is a comma-separated AND of groups; a group is a ``|``-separated OR of relations.
Each relation names a package, optionally an architecture qualifier (``:any``,
``:native``, ``:amd64``), a version constraint with one of ``<< <= = >= >>`` (and the
obsolete ``<`` and ``>``, which dpkg reads as ``<=`` and ``>=``), an architecture
restriction list and build-profile restriction formulas.

    >>> [[str(r) for r in group] for group in parse_relations("a (>= 1.0) | b:any, c")]
    [['a (>= 1.0)', 'b:any'], ['c']]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from polypac.errors import InvalidRange

__all__ = ["Relation", "RelationError", "parse_relations"]


class RelationError(InvalidRange):
    """A relation field that does not follow Debian's relation grammar."""

    what_default = "Debian relation"


_OBSOLETE = {"<": "<=", ">": ">="}

_RELATION = re.compile(
    r"""\s*
    (?P<name>[A-Za-z0-9][A-Za-z0-9.+\-]*)
    (?::(?P<arch>[A-Za-z0-9][A-Za-z0-9\-]*))?
    \s*
    (?:\(\s*(?P<op><<|<=|>=|>>|=|<|>)\s*(?P<version>[A-Za-z0-9.+~:\-]+)\s*\))?
    \s*
    (?:\[(?P<archs>[^\]]*)\])?
    \s*
    (?P<profiles>(?:<[^<>]*>\s*)*)
    \s*$""",
    re.VERBOSE,
)


@dataclass(frozen=True, slots=True)
class Relation:
    """One alternative of a relation field."""

    name: str
    arch_qualifier: str | None = None
    operator: str | None = None
    version: str | None = None
    architectures: tuple[str, ...] = ()
    profiles: tuple[tuple[str, ...], ...] = ()

    def __str__(self) -> str:
        text = self.name if self.arch_qualifier is None else f"{self.name}:{self.arch_qualifier}"
        if self.operator is not None:
            text += f" ({self.operator} {self.version})"
        if self.architectures:
            text += f" [{' '.join(self.architectures)}]"
        for formula in self.profiles:
            text += f" <{' '.join(formula)}>"
        return text


Relations = tuple[tuple[Relation, ...], ...]


def parse_relations(text: str) -> Relations:
    """A relation field as an AND (tuple) of OR-groups (tuples) of relations.

    An empty field (or one holding only white space) means no relation. Raises
    :class:`RelationError` pointing at the first bad character.
    """
    return _parse_relations(text)


@lru_cache(maxsize=65536)
def _parse_relations(text: str) -> Relations:
    if not text.strip():
        return ()
    groups = tuple(tuple(map(_relation, group.split("|"))) for group in text.split(","))
    for group in groups:
        if None in group:
            _raise_first_error(text)
    return groups  # type: ignore[return-value]  # no None left: checked just above


def _raise_first_error(text: str) -> None:
    offset = 0
    for alt_text in re.split(r"([,|])", text)[::2]:
        if _relation(alt_text) is None:
            raise RelationError(text, offset + _first_bad(alt_text), _expectation(alt_text))
        offset += len(alt_text) + 1


@lru_cache(maxsize=262144)
def _relation(text: str) -> Relation | None:
    """One alternative, or None when it does not parse."""
    match = _RELATION.match(text)
    if match is None:
        return None
    name, arch, op, version, archs, profiles = match.groups()
    if op is not None:
        op = _OBSOLETE.get(op, op)
    return Relation(
        name,
        arch,
        op,
        version,
        tuple(archs.split()) if archs is not None else (),
        tuple(tuple(f.split()) for f in _PROFILE.findall(profiles)) if profiles else (),
    )


_PROFILE = re.compile(r"<([^<>]*)>")


def _first_bad(text: str) -> int:
    """The offset in ``text`` of the first character that cannot continue a relation."""
    stripped = len(text) - len(text.lstrip())
    if not text.strip():
        return stripped
    name = re.match(r"[A-Za-z0-9][A-Za-z0-9.+\-]*(?::[A-Za-z0-9\-]+)?", text[stripped:])
    if name is None:
        return stripped
    position = stripped + name.end()
    rest = text[position:]
    after_space = position + len(rest) - len(rest.lstrip())
    return after_space


def _expectation(text: str) -> str:
    if not text.strip():
        return "expected a package name (empty alternative)"
    stripped = text.strip()
    if not re.match(r"[A-Za-z0-9]", stripped):
        return "expected a package name"
    if "(" in stripped and ")" not in stripped:
        return "expected ')' to close the version constraint"
    if "(" in stripped:
        return "expected '(op version)' with op one of << <= = >= >>"
    return "expected '(', '[', '<', ',' or '|' after the package name"
