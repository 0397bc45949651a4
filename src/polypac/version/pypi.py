"""PEP 440 versions and version specifiers, as exact version sets.

Versions are parsed by :mod:`packaging` and wrapped in :class:`PypiVersion`, whose order is
PEP 440's. A specifier set such as ``>=1.0,!=1.3.*,<2`` becomes an exact
:class:`~polypac.version.sets.VersionSet`, including PEP 440's quieter rules::

    >>> from polypac.version.pypi import SCHEME
    >>> v = SCHEME.parse_version
    >>> gt = SCHEME.parse_range(">1.7")
    >>> gt.contains(v("1.7.post1")), gt.contains(v("1.7.0.1"))
    (False, True)
    >>> SCHEME.parse_range("==1.0").contains(v("1.0+ubuntu1"))
    True
    >>> SCHEME.parse_range("<2").contains(v("2.0a1"))
    False
    >>> SCHEME.parse_range("<2.0b1").contains(v("2.0a1"))
    True

Pre-releases follow the static rule of pip and of packaging before 26.0: a specifier set
admits pre-releases (wherever its intervals put them) only when one of its clauses names a
pre-release (``!=`` and ``==X.*`` clauses do not count) or ``include_prerelease=True``::

    >>> SCHEME.parse_range(">=1.0").contains(v("2.0rc1"))
    False
    >>> SCHEME.parse_range(">=1.0,!=1.5a1").contains(v("2.0rc1"))
    False
    >>> SCHEME.parse_range(">=1.0a1").contains(v("2.0rc1"))
    True

packaging 26 answers ``SpecifierSet(">=1.0").contains("2.0rc1")`` with ``True`` (one version
has no alternative, so PEP 440's "only pre-releases are available" rule applies); a set of
versions cannot depend on which other versions exist, so polypac keeps the static rule.
``parse_range(text, include_prerelease=True)`` is packaging's ``prereleases=True``.

``===`` (arbitrary equality) compares spellings, which no set of versions can; ``===V`` is
the set of versions equal to ``V`` (``===1.0`` therefore also holds ``1.0.0``), and empty
when ``V`` is not a PEP 440 version (no :class:`PypiVersion` can spell it).

Some bounds of PEP 440 sit where no version can: ``>1.0`` starts above ``1.0`` and every
``1.0.postN`` but below ``1.0.0.1.dev0``, ``1.0.0.0.1.dev0``, ... which have no least
element. Such a bound is a :class:`PypiVersion` whose ``edge`` is
:attr:`Edge.AFTER_POSTS`; :meth:`PypiScheme.parse_version` never returns one. Every other
bound is a real version (``<=1.0`` ends just below ``1.0.post0.dev0``), so that two equal sets
are equal field by field and an interval is empty exactly when no version lies in it.
"""

from __future__ import annotations

import enum
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from packaging.specifiers import InvalidSpecifier, Specifier
from packaging.version import VERSION_PATTERN, Version
from packaging.version import InvalidVersion as _PackagingInvalidVersion

from polypac.errors import InvalidRange, InvalidVersion
from polypac.version._ranges import Bound, Ranges, Segment
from polypac.version.scheme import Comparator, ComparatorOp, Desugaring
from polypac.version.sets import VersionSet

__all__ = ["SCHEME", "Edge", "PypiScheme", "PypiVersion"]


class Edge(enum.Enum):
    """Whether a :class:`PypiVersion` is a version or a range bound no version can name."""

    EXACT = "exact"
    """The version itself."""

    AFTER_POSTS = "after-posts"
    """Above the version, its local versions and all its post-releases; below the next version."""


_PRE_RANK = {"a": 0, "b": 1, "rc": 2}

# Component keys that sort above every real value of their component.
_POST_ABOVE_ALL = (2, 0)
_LOCAL_ABOVE_ALL: tuple[Any, ...] = (2,)


def _sort_key(version: Version, edge: Edge) -> tuple[Any, ...]:
    """PEP 440's order as a plain tuple (the points of :class:`Edge` included)."""
    release = tuple(itertools.dropwhile(lambda x: x == 0, reversed(version.release)))[::-1]
    if version.pre is None and version.post is None and version.dev is not None:
        pre: tuple[int, int] = (-1, 0)  # 1.0.dev0 sorts before 1.0a0
    elif version.pre is None:
        pre = (3, 0)
    else:
        pre = (_PRE_RANK[version.pre[0]], version.pre[1])
    post = (0, 0) if version.post is None else (1, version.post)
    dev = (1, 0) if version.dev is None else (0, version.dev)
    if version.local is None:
        local: tuple[Any, ...] = (0,)
    else:
        parts = tuple(
            (1, part, "") if isinstance(part, int) else (0, 0, part)
            for part in _local_parts(version)
        )
        local = (1, parts)
    if edge is Edge.AFTER_POSTS:
        post, dev, local = _POST_ABOVE_ALL, (1, 0), _LOCAL_ABOVE_ALL
    return (version.epoch, release, pre, post, dev, local)


def _local_parts(version: Version) -> tuple[int | str, ...]:
    local = version.local or ""
    return tuple(int(p) if p.isdigit() else p.lower() for p in re.split(r"[._-]", local))


@dataclass(frozen=True, slots=True, eq=False)
class PypiVersion:
    """A PEP 440 version (a :class:`packaging.version.Version`) or a range bound.

    Equality and order are PEP 440's: ``1.0 == 1.0.0``, ``1.0.dev0 < 1.0a1 < 1.0 <
    1.0+local < 1.0.post1``. ``edge`` is :attr:`Edge.EXACT` for every parsed version.
    """

    version: Version
    edge: Edge = Edge.EXACT
    _key: tuple[Any, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_key", _sort_key(self.version, self.edge))

    @property
    def is_prerelease(self) -> bool:
        """Whether this is a pre-release or a development release (PEP 440)."""
        return self.edge is Edge.EXACT and self.version.is_prerelease

    def __lt__(self, other: PypiVersion) -> bool:
        return self._key < other._key

    def __le__(self, other: PypiVersion) -> bool:
        return self._key <= other._key

    def __gt__(self, other: PypiVersion) -> bool:
        return self._key > other._key

    def __ge__(self, other: PypiVersion) -> bool:
        return self._key >= other._key

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PypiVersion) and self._key == other._key

    def __hash__(self) -> int:
        return hash(self._key)

    def __str__(self) -> str:
        return str(self.version)


# -- building versions from parts ------------------------------------------------------------


def _make(
    epoch: int,
    release: tuple[int, ...],
    *,
    pre: tuple[str, int] | None = None,
    post: int | None = None,
    dev: int | None = None,
) -> PypiVersion:
    text = f"{epoch}!" if epoch else ""
    text += ".".join(str(part) for part in release)
    if pre is not None:
        text += f"{pre[0]}{pre[1]}"
    if post is not None:
        text += f".post{post}"
    if dev is not None:
        text += f".dev{dev}"
    return PypiVersion(Version(text))


def _dev0(v: Version) -> PypiVersion:
    """The earliest pre-release of ``v``'s release: 1.2 -> 1.2.dev0."""
    return _make(v.epoch, v.release, dev=0)


def _next_prefix_dev0(epoch: int, release: tuple[int, ...]) -> PypiVersion:
    """The first version past a release prefix: 1.2 -> 1.3.dev0."""
    return _make(epoch, (*release[:-1], release[-1] + 1), dev=0)


def _after_locals(v: Version) -> PypiVersion:
    """The least version above ``v`` and all of its local versions."""
    if v.dev is not None:
        return _make(v.epoch, v.release, pre=v.pre, post=v.post, dev=v.dev + 1)
    post = 0 if v.post is None else v.post + 1
    return _make(v.epoch, v.release, pre=v.pre, post=post, dev=0)


_MIN_VERSION = PypiVersion(Version("0.dev0"))
"""The least PEP 440 version: nothing sorts below ``0.dev0``."""


# -- the atoms a specifier set is made of ----------------------------------------------------

_AtomOp = Literal["<", "<=", "=", "!=", ">=", ">", "===", "==*", "!=*", "~="]


@dataclass(frozen=True, slots=True)
class _Atom:
    """One clause of a specifier set: operator, version text as written, parsed version."""

    op: _AtomOp
    text: str
    version: Version | None  # None: a === clause whose text is no PEP 440 version

    def names_prerelease(self) -> bool:
        """packaging's ``Specifier.prereleases``: does this clause invite pre-releases."""
        if self.op in ("!=", "==*", "!=*") or self.version is None:
            return False
        return self.version.is_prerelease

    def ranges(self) -> Ranges[PypiVersion]:
        """The exact interval union this clause allows (pre-release policy aside)."""
        v = self.version
        if v is None:
            return Ranges.empty()
        pv = PypiVersion(v)
        op = self.op
        if op == ">=":
            return _between(pv, True, None, False)
        if op == "<=":
            return _between(None, False, _after_locals(v), False)
        if op == ">":
            if v.dev is not None:
                lower = _make(v.epoch, v.release, pre=v.pre, post=v.post, dev=v.dev + 1)
                return _between(lower, True, None, False)
            if v.post is not None:
                lower = _make(v.epoch, v.release, pre=v.pre, post=v.post + 1, dev=0)
                return _between(lower, True, None, False)
            if v.pre is not None:  # the next pre-release's .dev0 follows all posts of v
                nxt = _make(v.epoch, v.release, pre=(v.pre[0], v.pre[1] + 1), dev=0)
                return _between(nxt, True, None, False)
            return _between(PypiVersion(v, Edge.AFTER_POSTS), False, None, False)
        if op == "<":
            upper = pv if v.is_prerelease else _make(v.epoch, v.release, post=v.post, dev=0)
            return _between(None, False, upper, False)
        if op in ("=", "!="):
            if v.local is not None:
                equal = Ranges.singleton(pv)
            else:
                equal = _between(pv, True, _after_locals(v), False)
            return equal if op == "=" else equal.complement()
        if op in ("==*", "!=*"):
            prefix = _between(_dev0(v), True, _next_prefix_dev0(v.epoch, v.release), False)
            return prefix if op == "==*" else prefix.complement()
        if op == "~=":
            upper = _next_prefix_dev0(v.epoch, v.release[:-1])
            return _between(pv, True, upper, False)
        # ===: the versions equal to the text, spelling aside (see the module docstring).
        return Ranges.singleton(pv)

    def comparators(self) -> list[tuple[Comparator, ...]]:
        """This clause as alternatives of primitive comparators."""
        v = self.version
        if self.op in ("<", "<=", "=", "!=", ">=", ">"):
            return [(Comparator(_as_op(self.op), self.text),)]
        if v is None:
            return []
        if self.op == "===":
            return [(Comparator("=", self.text),)]
        if self.op == "~=":
            upper = _next_prefix_dev0(v.epoch, v.release[:-1])
            return [(Comparator(">=", self.text), Comparator("<", str(upper)))]
        low, high = str(_dev0(v)), str(_next_prefix_dev0(v.epoch, v.release))
        if self.op == "==*":
            return [(Comparator(">=", low), Comparator("<", high))]
        return [(Comparator("<", low),), (Comparator(">=", high),)]


def _as_op(op: str) -> ComparatorOp:
    table: dict[str, ComparatorOp] = {
        "<": "<",
        "<=": "<=",
        "=": "=",
        "!=": "!=",
        ">=": ">=",
        ">": ">",
    }
    return table[op]


def _between(
    lower: PypiVersion | None,
    lower_inclusive: bool,
    upper: PypiVersion | None,
    upper_inclusive: bool,
) -> Ranges[PypiVersion]:
    """An interval, normalized so that equal sets are equal and empty means no version."""
    if lower is not None and lower_inclusive and lower == _MIN_VERSION:
        lower = None
    if upper is not None and not upper_inclusive and upper <= _MIN_VERSION:
        return Ranges.empty()
    return Ranges.between(
        None if lower is None else Bound(lower, lower_inclusive),
        None if upper is None else Bound(upper, upper_inclusive),
    )


# -- parsing ---------------------------------------------------------------------------------

_VERSION_PREFIX = re.compile(r"\s*(?:" + VERSION_PATTERN + r")", re.VERBOSE | re.IGNORECASE)
_OPERATOR = re.compile(r"\s*(===|~=|==|!=|<=|>=|<|>)\s*")
_ATOM_OPS: dict[str, _AtomOp] = {
    "<": "<",
    "<=": "<=",
    "==": "=",
    "!=": "!=",
    ">=": ">=",
    ">": ">",
    "===": "===",
    "~=": "~=",
}


def _non_ascii(text: str) -> int | None:
    """The offset of the first character outside ASCII (PEP 440 text is ASCII).

    Surrounding whitespace of any kind is allowed, as packaging strips it.
    """
    start = len(text) - len(text.lstrip())
    core = text.strip()
    return next((start + i for i, ch in enumerate(core) if not ch.isascii()), None)


def _parse_version(text: str) -> Version:
    bad = _non_ascii(text)
    if bad is not None:
        raise InvalidVersion(text, bad, "PEP 440 versions are ASCII text")
    try:
        return Version(text)
    except _PackagingInvalidVersion as error:
        match = _VERSION_PREFIX.match(text)
        stripped = len(text) - len(text.lstrip())
        position = match.end() if match else stripped
        if position >= len(text.rstrip()):
            position = stripped
        problem = "expected a PEP 440 version such as 1.2.3, 2.0rc1, 1!3.0.post2 or 1.0+local"
        raise InvalidVersion(text, min(position, max(len(text) - 1, 0)), problem) from error


def _clauses(text: str) -> Iterator[tuple[int, str]]:
    """The comma-separated clauses with their offsets; empty clauses are skipped."""
    offset = 0
    for piece in text.split(","):
        lead = len(piece) - len(piece.lstrip())
        if piece.strip():
            yield offset + lead, piece.strip()
        offset += len(piece) + 1


def _diagnose(clause: str) -> tuple[int, str]:
    """Where a clause packaging refused goes wrong, and what was expected there."""
    op_match = _OPERATOR.match(clause)
    if op_match is None:
        return 0, "expected an operator (==, !=, <=, >=, <, >, ~= or ===) before the version"
    op, rest, at = op_match.group(1), clause[op_match.end() :], op_match.end()
    if not rest:
        return at if at < len(clause) else max(at - 1, 0), f"expected a version after {op!r}"
    if op == "===":
        return at, "expected a version without spaces after '==='"
    wildcard = rest.endswith(".*")
    if "*" in rest and (not wildcard or op not in ("==", "!=")):
        where = rest.index("*")
        return at + where, "'.*' may only end a version after '==' or '!='"
    core = rest[:-2] if wildcard else rest
    if "+" in core and (op not in ("==", "!=") or wildcard):
        return at + core.index("+"), "a local version label (+...) is only allowed after == or !="
    try:
        version = Version(core)
    except _PackagingInvalidVersion:
        match = _VERSION_PREFIX.match(core)
        where = match.end() if match and match.end() < len(core) else 0
        return at + where, "expected a PEP 440 version such as 1.2.3, 2.0rc1 or 1.0.post1"
    if wildcard and (version.pre or version.post is not None or version.dev is not None):
        return at, "a '.*' prefix may hold only an epoch and release numbers"
    if op == "~=" and len(version.release) < 2:
        return at, "'~=' needs a version with at least two release numbers, such as ~=2.1"
    return at, "expected a PEP 440 specifier such as >=1.0, ~=2.1 or ==1.4.*"


def _atoms(text: str) -> list[_Atom]:
    bad = _non_ascii(text)
    if bad is not None:
        raise InvalidRange(text, bad, "PEP 440 specifiers are ASCII text", what="PEP 440 specifier")
    atoms: list[_Atom] = []
    for offset, clause in _clauses(text):
        try:
            spec = Specifier(clause)
        except InvalidSpecifier as error:
            where, problem = _diagnose(clause)
            raise InvalidRange(text, offset + where, problem, what="PEP 440 specifier") from error
        op, version_text = spec.operator, spec.version
        if op == "===":
            try:
                parsed: Version | None = Version(version_text)
            except _PackagingInvalidVersion:
                parsed = None
            atoms.append(_Atom("===", version_text, parsed))
            continue
        if version_text.endswith(".*"):
            base = Version(version_text[:-2])
            atoms.append(_Atom("==*" if op == "==" else "!=*", version_text, base))
            continue
        atoms.append(_Atom(_ATOM_OPS[op], version_text, Version(version_text)))
    return atoms


# -- canonical halves ------------------------------------------------------------------------

_LEAST_RELEASE = PypiVersion(Version("0"))


def _least_release_from(v: Version) -> PypiVersion:
    """The least release (no pre-release, no dev part) at or above pre-release ``v``."""
    if v.pre is not None:
        return _make(v.epoch, v.release)
    return _make(v.epoch, v.release, post=v.post)


def _half(ranges: Ranges[PypiVersion], prerelease_half: bool) -> Ranges[PypiVersion]:
    """One canonical half of a set: the versions of one kind in ``ranges``."""
    least = _MIN_VERSION if prerelease_half else _LEAST_RELEASE
    out: list[Segment[PypiVersion]] = []
    for seg in ranges:
        lower, upper = seg.lower, seg.upper
        if lower is not None and _foreign(lower.version, prerelease_half):
            lower = Bound(_next_native(lower.version.version, prerelease_half), True)
        if upper is not None and _foreign(upper.version, prerelease_half):
            upper = Bound(_next_native(upper.version.version, prerelease_half), False)
        if lower is not None and lower.inclusive and lower.version == least:
            lower = None
        if (
            lower is None
            and upper is not None
            and (upper.version < least or (upper.version == least and not upper.inclusive))
        ):
            continue
        out.extend(Ranges.between(lower, upper))
    return Ranges.from_segments(out)


def _foreign(v: PypiVersion, prerelease_half: bool) -> bool:
    return v.edge is Edge.EXACT and v.version.is_prerelease != prerelease_half


def _next_native(v: Version, prerelease_half: bool) -> PypiVersion:
    """The least version of the half's kind above ``v`` (which is of the other kind)."""
    return _after_locals(v) if prerelease_half else _least_release_from(v)


# -- formatting ------------------------------------------------------------------------------


def _lower_texts(bound: Bound[PypiVersion] | None) -> list[list[str]]:
    if bound is None:
        return [[]]
    v = bound.version
    if v.edge is Edge.AFTER_POSTS or not bound.inclusive:
        return [[f">{v}"]]
    return [[f">={v}"]]


def _upper_texts(bound: Bound[PypiVersion] | None) -> list[list[str]]:
    if bound is None:
        return [[]]
    v = bound.version
    if v.edge is not Edge.EXACT or bound.inclusive:
        return [[f"<={v}"]]
    x = v.version
    out: list[list[str]] = []
    for probe in (x, _make(x.epoch, x.release, pre=x.pre, post=x.post, dev=0).version):
        below = _below_after_locals(probe)
        if below is not None and [f"<={below}"] not in out:
            out.append([f"<={below}"])
    if x.dev == 0 and x.pre is None and x.post is None:
        out.append([f"<{_make(x.epoch, x.release)}"])
    out.append([f"<{v}"])
    out.append([f"<={v}", f"!={v}"])
    return out


def _below_after_locals(version: Version) -> PypiVersion | None:
    """The version ``w`` whose ``<=w`` ends just below ``version``, if there is one."""
    if version.local is not None or version.dev is None:
        return None
    if version.dev > 0:
        return _make(
            version.epoch, version.release, pre=version.pre, post=version.post, dev=version.dev - 1
        )
    if version.post is None:
        return None
    post = version.post - 1 if version.post > 0 else None
    return _make(version.epoch, version.release, pre=version.pre, post=post)


def _equal_texts(segment: Segment[PypiVersion], prerelease_half: bool) -> list[str]:
    """The ``==``-style clauses (``==V``, ``===V``, ``==P.*``) whose half is ``segment``."""
    if segment.lower is None or segment.lower.version.edge is not Edge.EXACT:
        return []
    v = segment.lower.version.version
    candidates = [f"=={v}", f"==={v}"]
    candidates += [
        "==" + (f"{v.epoch}!" if v.epoch else "") + ".".join(map(str, v.release[:n])) + ".*"
        for n in range(1, len(v.release) + 1)
    ]
    target = Ranges((segment,))
    found = []
    for text in candidates:
        atom = _atoms(text)[0]
        if _half(atom.ranges(), prerelease_half) == target:
            found.append(text)
    return found


def _format_half(ranges: Ranges[PypiVersion], prerelease_half: bool) -> Iterator[str]:
    """Specifier sets whose intervals, seen from one half, are ``ranges``."""
    segments = ranges.segments
    if not segments:
        yield "<0.dev0"
        return
    if len(segments) == 1:
        yield from _equal_texts(segments[0], prerelease_half)
    holes: list[str] = []
    for left, right in itertools.pairwise(segments):
        assert left.upper is not None
        assert right.lower is not None
        hole = Segment(_flip(left.upper), _flip(right.lower))
        texts = _equal_texts(hole, prerelease_half)
        if not texts:
            return
        holes.append("!" + texts[0][1:])
    for lower in _lower_texts(segments[0].lower):
        for upper in _upper_texts(segments[-1].upper):
            yield ",".join([*lower, *upper, *holes])


def _flip(bound: Bound[PypiVersion]) -> Bound[PypiVersion]:
    return Bound(bound.version, not bound.inclusive)


# -- the scheme ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PypiScheme:
    """PEP 440: versions, specifier sets, and their desugaring into comparators."""

    name: str = "pypi"

    def parse_version(self, text: str) -> PypiVersion:
        """Parse one PEP 440 version; raise :class:`~polypac.errors.InvalidVersion`."""
        if not isinstance(text, str):
            raise InvalidVersion(repr(text), None, "expected a version string")
        return PypiVersion(_parse_version(text))

    def parse_range(
        self, text: str, *, include_prerelease: bool = False
    ) -> VersionSet[PypiVersion]:
        """Parse a specifier set (``>=1.0,<2``; empty text allows every release).

        Raise :class:`~polypac.errors.InvalidRange` for text that is no specifier set.
        """
        atoms = _atoms(text)
        ranges: Ranges[PypiVersion] = Ranges.full()
        for atom in atoms:
            ranges = ranges.intersection(atom.ranges())
        admit = include_prerelease or any(atom.names_prerelease() for atom in atoms)
        prereleases = _half(ranges, True) if admit else Ranges.empty()
        return VersionSet(_half(ranges, False), prereleases)

    def desugar_range(self, text: str) -> Desugaring:
        """The specifier set as alternatives of primitive comparators.

        The comparators keep PEP 440's meaning (``<V`` excludes ``V``'s pre-releases, ``>V``
        its post-releases, ``=V`` holds ``V``'s local versions); ``~=``, ``==V.*`` and
        ``!=V.*`` become ``.dev0`` bounds, ``===V`` becomes ``=V``::

            >>> [[str(c) for c in group] for group in SCHEME.desugar_range("~=1.4.5,!=1.4.*")]
            [['>=1.4.5', '<1.5.dev0', '<1.4.dev0'], ['>=1.4.5', '<1.5.dev0', '>=1.5.dev0']]
        """
        groups: list[tuple[Comparator, ...]] = [()]
        for atom in _atoms(text):
            alternatives = atom.comparators()
            groups = [group + alt for group in groups for alt in alternatives]
        return tuple(groups)

    def format_range(self, versions: VersionSet[PypiVersion]) -> str:
        """Write a set as a specifier set; raise ``ValueError`` when PEP 440 cannot.

        >>> SCHEME.format_range(SCHEME.parse_range(">= 1.0, <= 2.0, != 1.5.*"))
        '>=1.0,<=2.0,!=1.5.*'
        """
        halves = [(versions.releases, False)]
        if not versions.prereleases.is_empty():
            halves.insert(0, (versions.prereleases, True))
        for ranges, prerelease_half in halves:
            for text in _format_half(ranges, prerelease_half):
                for candidate in (text, f"{text},>=0.dev0"):
                    try:
                        if self.parse_range(candidate) == versions:
                            return candidate
                    except InvalidRange:
                        continue
        raise ValueError("no PEP 440 specifier set writes this set exactly")


SCHEME = PypiScheme()
"""The PEP 440 scheme (``pypi``)."""
