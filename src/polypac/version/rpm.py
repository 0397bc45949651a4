"""RPM versions (``[epoch:]version[-release]``), ordered by ``rpmvercmp``.

``rpmvercmp`` cuts a version into runs of letters and runs of digits; anything else
separates them and is otherwise ignored. Runs are compared in turn: digits as numbers,
letters as ASCII strings, a digit run above a letter run. A ``~`` sorts before everything,
even the end of the string (pre-releases: ``1.0~rc1 < 1.0``); a ``^`` sorts after the end
but before anything else (snapshots after a release: ``1.0 < 1.0^git1 < 1.0.1``)::

    >>> from polypac.version.rpm import SCHEME
    >>> v = SCHEME.parse_version
    >>> v("1.0~rc1") < v("1.0") < v("1.0^git1") < v("1.0.1") < v("1:0.1")
    True
    >>> v("1.0") == v("0:1.0") and v("1.0") == v("1_0")
    True

The epoch counts first (absent is 0), then the version, then the release. RPM itself
compares releases only when both sides have one, which is not a total order (``1.0-1`` and
``1.0-2`` would both equal ``1.0``); here a version without a release sorts before every
release of it. Relations keep RPM's meaning: ``= 1.0`` holds every release of 1.0,
``<= 1.0`` every release up to and including 1.0's, ``= 1.0-2`` exactly that one::

    >>> SCHEME.parse_range("= 1.0").contains(v("1.0-7"))
    True
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

__all__ = ["SCHEME", "RpmScheme", "RpmVersion", "parse_version", "rpmvercmp"]

_TOKENS = re.compile(r"[A-Za-z]+|[0-9]+|~|\^")
_ALLOWED = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz._+~^")
# Ranks of what can stand at one position: the end of the string is 1.
_TILDE, _END, _CARET, _ALPHA, _DIGITS = 0, 1, 2, 3, 4
_ABOVE_ALL = 9  # a release rank above every real one: the top of a version's releases


def _key(text: str) -> list[object]:
    """The sort key of a version or release under ``rpmvercmp``: per run a rank and a
    value (``~`` and ``^`` a rank alone), then the end's rank."""
    key: list[object] = []
    for token in _TOKENS.findall(text):
        if token == "~":
            key.append(_TILDE)
        elif token == "^":
            key.append(_CARET)
        elif token[0].isdigit():
            key += (_DIGITS, int(token))
        else:
            key += (_ALPHA, token)
    key.append(_END)
    return key


def rpmvercmp(a: str, b: str) -> int:
    """RPM's ``rpmvercmp`` on two version (or release) strings: -1, 0 or 1."""
    ka, kb = _key(a), _key(b)
    return (ka > kb) - (ka < kb)


@dataclass(frozen=True, slots=True, order=True)  # ordered and equal by ``key`` alone
class RpmVersion:
    """An RPM EVR: ``epoch`` (``None`` when not written), ``version``, ``release``.

    ``above_releases`` marks a bound that no package has: just above every release of its
    epoch and version. It appears only at the ends of ranges such as ``<= 1.0``.
    """

    epoch: int | None = field(compare=False)
    version: str = field(compare=False)
    release: str | None = field(compare=False)
    above_releases: bool = field(compare=False, default=False)
    key: tuple[object, ...] = field(repr=False, default=())

    @property
    def is_prerelease(self) -> bool:
        """Always false: RPM relations do not set pre-releases apart (``~`` only orders)."""
        return False

    def __str__(self) -> str:
        head = "" if self.epoch is None else f"{self.epoch}:"
        tail = "" if self.release is None else f"-{self.release}"
        return f"{head}{self.version}{tail}"

    def releases_top(self) -> RpmVersion:
        """The bound just above every release of this epoch and version."""
        head = (0 if self.epoch is None else self.epoch, *_key(self.version))
        return RpmVersion(self.epoch, self.version, None, True, (*head, _ABOVE_ALL))


def parse_version(text: str) -> RpmVersion:
    """Parse ``[epoch:]version[-release]``; raise :class:`~polypac.errors.InvalidVersion`.

    Version and release take ASCII letters, digits and ``. _ + ~ ^`` (rpm-version(7)); the
    epoch is a non-negative integer.
    """
    what = "rpm version"
    if not text:
        raise InvalidVersion(text, None, "expected a version", what=what)
    epoch: int | None = None
    body = 0
    colon = text.find(":")
    if colon != -1:
        digits = text[:colon]
        if not digits:
            raise InvalidVersion(text, 0, "expected an epoch before ':'", what=what)
        for offset, char in enumerate(digits):
            if not ("0" <= char <= "9"):
                raise InvalidVersion(text, offset, "expected the epoch to be a number", what=what)
        epoch, body = int(digits), colon + 1
    hyphen = text.find("-", body)
    if hyphen != -1:
        version, release = text[body:hyphen], text[hyphen + 1 :]
        _check(text, hyphen + 1, release, "release")
    else:
        version, release = text[body:], None
    _check(text, body, version, "version")
    head = (0 if epoch is None else epoch, *_key(version))
    key = head if release is None else (*head, *_key(release))
    return RpmVersion(epoch, version, release, False, key)


def _check(text: str, start: int, part: str, name: str) -> None:
    what = "rpm version"
    if not part:
        raise InvalidVersion(text, start, f"expected a {name}", what=what)
    if not _ALLOWED.issuperset(part):
        offset = next(i for i, char in enumerate(part) if char not in _ALLOWED)
        char = part[offset]
        problem = (
            f"a {name} cannot contain '-'"
            if char == "-"
            else f"a {name} takes letters, digits and '. _ + ~ ^', not {char!r}"
        )
        raise InvalidVersion(text, start + offset, problem, what=what)


_SYNTAX = RelationSyntax(
    what="rpm range",
    operators={
        "<": "<", "<=": "<=", "=<": "<=", "=": "=", "==": "=", ">=": ">=", "=>": ">=", ">": ">",
    },
)  # fmt: skip


class RpmScheme:
    """RPM's version rules and dependency relations (scheme name ``rpm``)."""

    @property
    def name(self) -> str:
        """``rpm``, the PURL type."""
        return "rpm"

    def parse_version(self, text: str) -> RpmVersion:
        """Parse one EVR; raise :class:`~polypac.errors.InvalidVersion` if invalid."""
        return parse_version(text)

    def desugar_range(self, text: str) -> Desugaring:
        """Relations (``< <= = >= >``, also ``== =< =>``) as primitive comparators, AND-ed
        with ``,`` and OR-ed with ``|``. A version without a release in a comparator names
        every release of it, as in RPM."""
        return desugar(text, _SYNTAX, parse_version)

    def parse_range(self, text: str, *, include_prerelease: bool = False) -> VersionSet[RpmVersion]:
        """Parse relations like ``>= 1.2-3, < 2``; blank text is every version.
        ``include_prerelease`` has no effect."""
        return build_set(self.desugar_range(text), _comparator_set)

    def format_range(self, versions: VersionSet[RpmVersion]) -> str:
        """Write a set as RPM relations (``, `` for AND, `` | `` for OR); raise
        ``ValueError`` for a bound RPM cannot name (a version without its release, used
        exactly)."""
        groups = primitive_groups(versions.releases, same_group=_whole_version)
        return join_groups(groups, _spell, what="rpm range")


def _comparator_set(comparator: Comparator) -> VersionSet[RpmVersion]:
    version = parse_version(comparator.version)
    if version.release is None:
        return primitive_set(comparator.operator, version, version.releases_top())
    return primitive_set(comparator.operator, version, version)


def _whole_version(low: RpmVersion, high: RpmVersion) -> bool:
    return (
        low.release is None
        and not low.above_releases
        and high.above_releases
        and low.key == high.key[: len(low.key)]
        and len(high.key) == len(low.key) + 1
    )


def _spell(operator: ComparatorOp, version: RpmVersion) -> str:
    exact = version.release is not None
    fits = {
        "=": exact or version.above_releases,
        ">=": exact or _is_group_floor(version),
        "<": exact or _is_group_floor(version),
        ">": exact or version.above_releases,
        "<=": exact or version.above_releases,
    }
    if not fits.get(operator, False):
        raise ValueError(
            f"an RPM relation cannot say {operator} {version} without naming a release"
        )
    return f"{operator} {version}"


def _is_group_floor(version: RpmVersion) -> bool:
    return version.release is None and not version.above_releases


SCHEME = RpmScheme()
"""The RPM scheme object the registry hands out."""
