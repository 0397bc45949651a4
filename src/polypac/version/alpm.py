"""Arch Linux package versions (``[epoch:]pkgver[-pkgrel]``), ordered like pacman's ``vercmp``.

pacman compares the epoch, then ``pkgver``, then ``pkgrel``, each with its own copy of an
old ``rpmvercmp``: runs of letters and of digits compared in turn (digits as numbers, a digit
run above a letter run), where a longer run of separators between two runs wins, and where,
when one side runs out, what the other has left decides: a letter (``1.0a``, ``1.0rc1``) makes
it older, anything else (``1.0.1``, ``1.0.a``) newer. There is no special ``~``::

    >>> from polypac.version.alpm import SCHEME
    >>> v = SCHEME.parse_version
    >>> v("1.0rc1") < v("1.0") < v("1.0.a") < v("1.0.1") < v("1:0.1")
    True

Two places where pacman's ``vercmp`` is not a total order, and what this module does:

* ``vercmp`` skips the ``pkgrel`` when either side has none, so ``1.5`` equals both ``1.5-1``
  and ``1.5-2``. Here a version without a ``pkgrel`` sorts before every ``pkgrel`` of it;
  relations keep pacman's meaning (``=1.5`` holds ``1.5-1`` and ``1.5-2``).
* after a run of several separators next to a string's end, ``vercmp`` can go round in a
  circle (``1.`` < ``1.2`` < ``1..a`` < ``1.``). Here a separator that ends a string weighs
  like one separator followed by a run between letters and digits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from polypac.errors import InvalidVersion
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

__all__ = ["SCHEME", "AlpmScheme", "AlpmVersion", "parse_version", "vercmp"]

_RUNS = re.compile(r"([^A-Za-z0-9]*)([A-Za-z]+|[0-9]+)")
_ABOVE_ALL = 1 << 62  # above every real pkgrel key: the top of a pkgver's releases


def _key(text: str) -> list[object]:
    """The sort key of one field under pacman's ``rpmvercmp``.

    Each run gives (twice its separator count, 0 for letters or 2 for digits, value); the
    end gives (0, 1) when the string ends on a run and (2, 1) when it ends on separators.
    The 1 sits between letters (0) and digits (2): a side that has ended is newer than a
    letter run and older than a digit run, and a bare end is older than any run that a
    separator leads.
    """
    key: list[object] = []
    end = 0
    for match in _RUNS.finditer(text):
        separators, run = match.groups()
        if run[0].isdigit():
            key += (2 * len(separators), 2, int(run))
        else:
            key += (2 * len(separators), 0, run)
        end = match.end()
    key += (2 if end < len(text) else 0, 1)
    return key


def vercmp(a: str, b: str) -> int:
    """Compare two versions as pacman's ``vercmp`` does: -1, 0 or 1.

    The ``pkgrel`` counts only when both sides have one, so ``1.5`` equals both ``1.5-1``
    and ``1.5-2``. That is no total order; :class:`AlpmVersion` orders a version without a
    ``pkgrel`` just below its ``pkgrel`` releases instead, which agrees with this function
    everywhere else and keeps version sets exact.
    """
    va, vb = parse_version(a), parse_version(b)
    if va.pkgrel is None or vb.pkgrel is None:
        ha, hb = va.releases_top().key[:-1], vb.releases_top().key[:-1]
        return (hb < ha) - (ha < hb)
    return (vb < va) - (va < vb)


@dataclass(frozen=True, slots=True, order=True)  # ordered and equal by ``key`` alone
class AlpmVersion:
    """An Arch version: ``epoch`` (``None`` when not written), ``pkgver``, ``pkgrel``.

    ``above_releases`` marks a bound that no package has: just above every ``pkgrel`` of
    its epoch and ``pkgver``, the end of ranges such as ``<=1.0``.
    """

    epoch: int | None = field(compare=False)
    pkgver: str = field(compare=False)
    pkgrel: str | None = field(compare=False)
    above_releases: bool = field(compare=False, default=False)
    key: tuple[object, ...] = field(repr=False, default=())

    @property
    def is_prerelease(self) -> bool:
        """Always false: pacman relations do not set pre-releases apart."""
        return False

    def __str__(self) -> str:
        head = "" if self.epoch is None else f"{self.epoch}:"
        tail = "" if self.pkgrel is None else f"-{self.pkgrel}"
        return f"{head}{self.pkgver}{tail}"

    def releases_top(self) -> AlpmVersion:
        """The bound just above every ``pkgrel`` of this epoch and ``pkgver``."""
        head = (0 if self.epoch is None else self.epoch, *_key(self.pkgver))
        return AlpmVersion(self.epoch, self.pkgver, None, True, (*head, _ABOVE_ALL))


def parse_version(text: str) -> AlpmVersion:
    """Parse ``[epoch:]pkgver[-pkgrel]`` the way pacman splits it.

    The epoch is the leading digits when a ``:`` follows them; the ``pkgrel`` is what
    follows the last ``-``. Any printable ASCII other than blanks is accepted, as
    ``vercmp`` accepts it, but neither part may be empty.
    """
    what = "alpm version"
    if not text:
        raise InvalidVersion(text, None, "expected a version", what=what)
    for offset, char in enumerate(text):
        if not ("!" <= char <= "~"):
            raise InvalidVersion(text, offset, "expected printable ASCII without blanks", what=what)
    epoch: int | None = None
    body = 0
    digits = len(text) - len(text.lstrip("0123456789"))
    if digits < len(text) and text[digits] == ":":
        epoch, body = (int(text[:digits]) if digits else 0), digits + 1
    hyphen = text.rfind("-", body)
    if hyphen != -1:
        pkgver, pkgrel = text[body:hyphen], text[hyphen + 1 :]
        if not pkgrel:
            raise InvalidVersion(text, hyphen + 1, "expected a pkgrel after '-'", what=what)
    else:
        pkgver, pkgrel = text[body:], None
    if not pkgver:
        raise InvalidVersion(text, body, "expected a pkgver", what=what)
    head = (0 if epoch is None else epoch, *_key(pkgver))
    key = head if pkgrel is None else (*head, *_key(pkgrel))
    return AlpmVersion(epoch, pkgver, pkgrel, False, key)


_SYNTAX = RelationSyntax(
    what="alpm range",
    operators={"<": "<", "<=": "<=", "=": "=", ">=": ">=", ">": ">"},
)


class AlpmScheme:
    """pacman's version rules and dependency relations (scheme name ``alpm``)."""

    @property
    def name(self) -> str:
        """``alpm``, the PURL type."""
        return "alpm"

    def parse_version(self, text: str) -> AlpmVersion:
        """Parse one version; raise :class:`~polypac.errors.InvalidVersion` if invalid."""
        return parse_version(text)

    def compare_versions(self, a: str, b: str) -> int:
        """pacman's own comparison (:func:`vercmp`), which ignores a missing ``pkgrel``."""
        return vercmp(a, b)

    def desugar_range(self, text: str) -> Desugaring:
        """Relations (``< <= = >= >``, as in ``depends=('foo>=1.2')``) as primitive
        comparators, AND-ed with ``,`` and OR-ed with ``|``. A version without a ``pkgrel``
        names every ``pkgrel`` of it, as in pacman."""
        return desugar(text, _SYNTAX, parse_version)

    def parse_range(
        self, text: str, *, include_prerelease: bool = False
    ) -> VersionSet[AlpmVersion]:
        """Parse relations like ``>=1.2-3, <2``; blank text is every version.
        ``include_prerelease`` has no effect."""
        return build_set(self.desugar_range(text), _comparator_set)

    def format_range(self, versions: VersionSet[AlpmVersion]) -> str:
        """Write a set as pacman relations (``, `` for AND, `` | `` for OR); raise
        ``ValueError`` for a bound pacman cannot name."""
        groups = primitive_groups(versions.releases, same_group=_whole_pkgver)
        return join_groups(groups, _spell, what="alpm range")


def _comparator_set(comparator: Comparator) -> VersionSet[AlpmVersion]:
    version = parse_version(comparator.version)
    if version.pkgrel is None:
        return primitive_set(comparator.operator, version, version.releases_top())
    return primitive_set(comparator.operator, version, version)


def _whole_pkgver(low: AlpmVersion, high: AlpmVersion) -> bool:
    return (
        low.pkgrel is None
        and not low.above_releases
        and high.above_releases
        and high.key == (*low.key, _ABOVE_ALL)
    )


def _spell(operator: ComparatorOp, version: AlpmVersion) -> str:
    exact = version.pkgrel is not None
    floor = version.pkgrel is None and not version.above_releases
    fits = {
        "=": exact or version.above_releases,
        ">=": exact or floor,
        "<": exact or floor,
        ">": exact or version.above_releases,
        "<=": exact or version.above_releases,
    }
    if not fits.get(operator, False):
        raise ValueError(f"a pacman relation cannot say {operator}{version} without a pkgrel")
    return f"{operator}{version}"


SCHEME = AlpmScheme()
"""The Arch Linux scheme object the registry hands out."""
