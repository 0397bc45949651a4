"""Composer versions and constraints (composer/semver).

Composer normalizes every version to four numbers and a stability: ``1.2`` is
``1.2.0.0``, ``v2.0-beta.1`` is ``2.0.0.0-beta1``, ``2.1.x-dev`` is the branch
``2.1.9999999.9999999-dev``; other branches are ``dev-NAME``. Normalized versions compare
as PHP's ``version_compare`` does (``dev < alpha < beta < RC < stable < patch``); named
branches compare with nothing, so polypac puts them after every numbered version, and only
``==``, ``!=`` and ``*`` can hold them::

    >>> from polypac.version.composer import SCHEME
    >>> v = SCHEME.parse_version
    >>> str(v("v1.2-RC.3"))
    '1.2.0.0-RC3'
    >>> v("1.0-dev") < v("1.0-alpha1") < v("1.0-beta") < v("1.0-RC1") < v("1.0") < v("1.0-p1")
    True

Constraints: ``,`` or a space between conditions (and), ``||`` between alternatives (or),
``^1.2`` (``>=1.2.0.0-dev <2.0.0.0-dev``), ``~1.2`` (``>=1.2.0.0-dev <2.0.0.0-dev``),
``~1.2.3`` (up to ``1.3``), ``1.2.*``, ``1.0 - 2.0`` (hyphen ranges), ``!=``, ``<>``,
``@stability`` flags and ``as`` aliases::

    >>> r = SCHEME.parse_range("^1.2 || ~3.4.1")
    >>> [r.contains(v(t)) for t in ("1.9.9", "2.0", "3.4.9", "3.5.0")]
    [True, False, True, False]

Which stabilities may be installed is Composer's ``minimum-stability`` (``stable`` by
default) widened by flags: ``^1.0@beta``, or a condition naming an unstable version such
as ``>=1.0-beta`` or ``dev-main``. A set cannot hold "beta or more stable" (that is no union
of intervals), so ``parse_range`` admits *every* unstable version in its intervals when the
constraint carries such a flag, none otherwise, and all of them with
``include_prerelease=True`` (``minimum-stability: dev``, as ``Semver::satisfies`` answers).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise, zip_longest

from polypac.errors import InvalidRange, InvalidVersion
from polypac.version._ranges import Bound, Ranges, Segment
from polypac.version.scheme import Comparator, ComparatorOp, Desugaring
from polypac.version.sets import VersionSet

__all__ = ["SCHEME", "ComposerScheme", "ComposerVersion"]

_FLAGS = re.IGNORECASE | re.ASCII
_MODIFIER = r"[._-]?(?:(stable|beta|b|RC|alpha|a|patch|pl|p)((?:[.-]?\d+)*+)?)?([.-]?dev)?"
_STABILITIES = r"stable|RC|beta|alpha|dev"
_PHP_SPACE = " \t\n\r\0\x0b"


# -- PHP's version_compare ---------------------------------------------------------------------

_SPECIAL_FORMS = (
    ("dev", 0),
    ("alpha", 1),
    ("a", 1),
    ("beta", 2),
    ("b", 2),
    ("RC", 3),
    ("rc", 3),
    ("#", 4),
    ("pl", 5),
    ("p", 5),
)

PartKey = tuple[int, int, int]
_MISSING: PartKey = (4, 0, 0)  # a part one version has and the other lacks


def _special(form: str) -> int:
    """PHP's ``compare_special_version_forms`` rank: prefix match, unknown words lowest."""
    return next((rank for name, rank in _SPECIAL_FORMS if form.startswith(name)), -6)


def _php_parts(version: str) -> tuple[PartKey, ...]:
    """PHP's ``php_canonicalize_version`` and its split, as comparable parts.

    A number is ``(4, 1, n)`` (rank of "#", above a missing part), a word ``(rank, 0, 0)``,
    so that comparing part by part, a missing part counted as ``(4, 0, 0)``, is PHP's rule.
    """
    tokens = re.findall(r"[0-9]+|[A-Za-z]+", version)
    return tuple((4, 1, int(t)) if t.isdigit() else (_special(t), 0, 0) for t in tokens)


def _php_compare(left: tuple[PartKey, ...], right: tuple[PartKey, ...]) -> int:
    for a, b in zip_longest(left, right, fillvalue=_MISSING):
        if a != b:
            return -1 if a < b else 1
    return 0


# -- VersionParser::normalize --------------------------------------------------------------------

_ALIAS = re.compile(r"^([^,\s]++) ++as ++([^,\s]++)$", re.ASCII)
_FLAG = re.compile(rf"@(?:{_STABILITIES})$", _FLAGS)
_BUILD = re.compile(r"^([^,\s+]++)\+[^\s]++$", re.ASCII)
_CLASSICAL = re.compile(rf"^v?(\d{{1,5}})(\.\d++)?(\.\d++)?(\.\d++)?{_MODIFIER}$", _FLAGS)
_DATETIME = re.compile(
    rf"^v?(\d{{4}}(?:[.:-]?\d{{2}}){{1,6}}(?:[.:-]?\d{{1,3}}){{0,2}}){_MODIFIER}$", _FLAGS
)
_DEV_SUFFIX = re.compile(r"(.*?)[.-]?dev$", _FLAGS)
_BRANCH = re.compile(r"^v?(\d++)(\.(?:\d++|[xX*]))?(\.(?:\d++|[xX*]))?(\.(?:\d++|[xX*]))?$", _FLAGS)


def _expand_stability(stability: str) -> str:
    lowered = stability.lower()
    return {"a": "alpha", "b": "beta", "p": "patch", "pl": "patch", "rc": "RC"}.get(
        lowered, lowered
    )


def _normalize_branch(name: str) -> str:
    name = name.strip(_PHP_SPACE)
    match = _BRANCH.match(name)
    if match:
        parts = [
            ".x" if group is None else group.replace("*", "x").replace("X", "x")
            for group in match.groups()[1:]
        ]
        return f"{match.group(1)}{''.join(parts)}".replace("x", "9999999") + "-dev"
    return "dev-" + name


def _normalize(version: str) -> str | None:
    """Composer's ``VersionParser::normalize``; ``None`` where Composer throws."""
    version = version.strip(_PHP_SPACE)
    alias = _ALIAS.match(version)
    if alias:
        version = alias.group(1)
    flag = _FLAG.search(version)
    if flag:
        version = version[: flag.start()]
    if version in ("master", "trunk", "default"):
        version = "dev-" + version
    if version[:4].lower() == "dev-":
        return "dev-" + version[4:]
    build = _BUILD.match(version)
    if build:
        version = build.group(1)
    match = _CLASSICAL.match(version)
    if match:
        numbers = match.group(1) + "".join(match.group(i) or ".0" for i in (2, 3, 4))
        stability, number, dev = match.group(5), match.group(6), match.group(7)
    else:
        match = _DATETIME.match(version)
        if match is None:
            dev_branch = _DEV_SUFFIX.match(version)
            if dev_branch:
                branch = _normalize_branch(dev_branch.group(1))
                if "dev-" not in branch:
                    return branch
            return None
        numbers = re.sub(r"\D", ".", match.group(1), flags=re.ASCII)
        stability, number, dev = match.group(2), match.group(3), match.group(4)
    if stability:
        if stability == "stable":
            return numbers
        numbers += "-" + _expand_stability(stability) + (number.lstrip(".-") if number else "")
    if dev:
        numbers += "-dev"
    return numbers


def _stability(normalized: str) -> str:
    """``VersionParser::parseStability`` of a normalized version or a constraint token."""
    text = re.sub(r"#.+$", "", normalized)
    if text.startswith("dev-") or text.endswith("-dev"):
        return "dev"
    match = re.search(rf"{_MODIFIER}(?:\+.*)?$", text.lower(), _FLAGS)
    if match and match.group(3):
        return "dev"
    word = match.group(1) if match else None
    return {"beta": "beta", "b": "beta", "alpha": "alpha", "a": "alpha", "rc": "RC"}.get(
        word or "", "stable"
    )


@dataclass(frozen=True, slots=True, eq=False)
class ComposerVersion:
    """A Composer version: ``text`` as written and ``normalized`` as Composer stores it."""

    text: str
    normalized: str
    _key: tuple[int, tuple[PartKey, ...], str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        key: tuple[int, tuple[PartKey, ...], str]
        if self.is_branch:
            key = (1, (), self.normalized[4:])
        else:
            key = (0, _php_parts(self.normalized), "")
        object.__setattr__(self, "_key", key)

    @property
    def is_branch(self) -> bool:
        """Whether this is a named branch (``dev-main``), which no range compares with."""
        return self.normalized.startswith("dev-")

    @property
    def stability(self) -> str:
        """``dev``, ``alpha``, ``beta``, ``RC`` or ``stable`` (``patch`` is stable)."""
        return _stability(self.normalized)

    @property
    def is_prerelease(self) -> bool:
        """Whether the stability is below ``stable``."""
        return self.stability != "stable"

    def _cmp(self, other: ComposerVersion) -> int:
        if self._key[0] != other._key[0]:
            return -1 if self._key[0] < other._key[0] else 1
        if self.is_branch:
            a, b = self._key[2], other._key[2]
            return (a > b) - (a < b)
        return _php_compare(self._key[1], other._key[1])

    def __lt__(self, other: ComposerVersion) -> bool:
        return self._cmp(other) < 0

    def __le__(self, other: ComposerVersion) -> bool:
        return self._cmp(other) <= 0

    def __gt__(self, other: ComposerVersion) -> bool:
        return self._cmp(other) > 0

    def __ge__(self, other: ComposerVersion) -> bool:
        return self._cmp(other) >= 0

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ComposerVersion) and self._cmp(other) == 0

    def __hash__(self) -> int:
        return hash(self._key)

    def __str__(self) -> str:
        return self.normalized


def _version(normalized: str) -> ComposerVersion:
    return ComposerVersion(normalized, normalized)


_BRANCH_FLOOR = _version("dev-")
"""Below every named branch, above every numbered version: where ``>=``, ``<`` ranges end."""


# -- VersionParser::parseConstraints --------------------------------------------------------------

_VR = (
    r"v?(\d++)(?:\.(\d++))?(?:\.(\d++))?(?:\.(\d++))?"
    rf"(?:{_MODIFIER}|\.([xX*][.-]?dev))(?:\+[^\s]+)?"
)
_OR_SPLIT = re.compile(r"\s*\|\|?\s*", re.ASCII)
_AND_SPLIT = re.compile(r"(?<=[\s\S])(?<!as)(?<![=>< ,]) *(?<!-)[, ](?!-) *(?!,|as|$)", re.ASCII)
_C_FLAG = re.compile(rf"^([^,\s]*?)@({_STABILITIES})$", _FLAGS)
_C_REF = re.compile(r"^(dev-[^,\s@]+?|[^,\s@]+?\.x-dev)#.+$", _FLAGS)
_C_ANY = re.compile(r"^(v)?[xX*](\.[xX*])*$", _FLAGS)
_C_TILDE = re.compile(rf"^~>?{_VR}$", _FLAGS)
_C_CARET = re.compile(rf"^\^{_VR}($)", _FLAGS)
_C_XRANGE = re.compile(r"^v?(\d++)(?:\.(\d++))?(?:\.(\d++))?(?:\.[xX*])++$", re.ASCII)
_C_HYPHEN = re.compile(rf"^(?P<from>{_VR}) +- +(?P<to>{_VR})($)", _FLAGS)
_C_BASIC = re.compile(r"^(<>|!=|>=?|<=?|==?)?\s*(.*)", re.ASCII | re.DOTALL)
_LENIENT_DEV = re.compile(r"^[0-9a-zA-Z\-./]+$", re.ASCII)

_ANY = ("*", "")  # Composer's MatchAllConstraint


class _Refused(ValueError):
    """Composer's UnexpectedValueException inside the constraint parser (a message only)."""


def _manipulate(groups: list[str | None], position: int, increment: int = 0) -> str:
    """``manipulateVersionString``: pad after ``position``, add ``increment`` at it."""
    parts: list[str | None] = [*groups, None, None, None, None][:5]
    for i in range(4, 0, -1):
        if i > position:
            parts[i] = "0"
        elif i == position and increment:
            parts[i] = str(int(parts[i] or "0") + increment)
    return ".".join(part or "" for part in parts[1:5])


def _present(value: str | None) -> bool:
    """PHP's ``!empty()`` on a match group: ``None``, ``""`` and ``"0"`` are empty."""
    return bool(value) and value != "0"


def _normalize_or_refuse(text: str) -> str:
    normalized = _normalize(text)
    if normalized is None:
        raise _Refused(f'invalid version string "{text.strip(_PHP_SPACE)}"')
    return normalized


def _constraint(text: str, flags: list[str]) -> list[tuple[str, str]]:
    """``VersionParser::parseConstraint``: (operator, normalized version) pairs."""
    alias = _ALIAS.match(text)
    if alias:
        text = alias.group(1)
    flag = _C_FLAG.match(text)
    modifier = None
    if flag:
        text = flag.group(1) or "*"
        if flag.group(2) != "stable":
            modifier = flag.group(2)
            flags.append(modifier)
    ref = _C_REF.match(text)
    if ref:
        text = ref.group(1)
    any_match = _C_ANY.match(text)
    if any_match:
        if any_match.group(1) or any_match.group(2):
            return [(">=", "0.0.0.0-dev")]
        return [_ANY]

    match = _C_TILDE.match(text)
    if match:
        if text.startswith("~>"):
            raise _Refused('"~>" is no Composer operator; you probably meant "~"')
        g = [None, *match.groups()]
        position = next((i for i in (4, 3, 2) if g[i]), 1)
        if g[8]:
            position += 1
        suffix = "" if g[5] or g[7] or g[8] else "-dev"
        low = _normalize_or_refuse((text + suffix)[1:])
        high = _manipulate(g, max(1, position - 1), 1) + "-dev"
        return [(">=", low), ("<", high)]

    match = _C_CARET.match(text)
    if match:
        g = [None, *match.groups()]
        if g[1] != "0" or not g[2]:
            position = 1
        elif g[2] != "0" or not g[3]:
            position = 2
        else:
            position = 3
        suffix = "" if g[5] or g[7] or g[8] else "-dev"
        low = _normalize_or_refuse((text + suffix)[1:])
        return [(">=", low), ("<", _manipulate(g, position, 1) + "-dev")]

    match = _C_XRANGE.match(text)
    if match:
        g = [None, *match.groups()]
        position = next((i for i in (3, 2) if g[i]), 1)
        low = _manipulate(g, position) + "-dev"
        high = _manipulate(g, position, 1) + "-dev"
        return [("<", high)] if low == "0.0.0.0-dev" else [(">=", low), ("<", high)]

    match = _C_HYPHEN.match(text)
    if match:
        g = [None, *match.groups()]  # from: 1-9, to: 10-18
        low_suffix = "" if g[6] or g[8] or g[9] else "-dev"
        lower = (">=", _normalize_or_refuse(match.group("from")) + low_suffix)
        if (_filled(g[12]) and _filled(g[13])) or g[15] or g[17] or g[18]:
            return [lower, ("<=", _normalize_or_refuse(match.group("to")))]
        _normalize_or_refuse(match.group("to"))
        to_groups = [None, g[11], g[12], g[13], g[14]]
        position = 2 if _filled(g[12]) else 1
        return [lower, ("<", _manipulate(to_groups, position, 1) + "-dev")]

    basic = _C_BASIC.match(text)
    assert basic is not None  # the pattern matches every string
    op, rest = basic.group(1), basic.group(2)
    version = _normalize(rest)
    if version is None:
        if rest.endswith("-dev") and _LENIENT_DEV.match(rest):
            version = _normalize("dev-" + rest[:-4])
        if version is None:
            raise _Refused(f'invalid version string "{rest.strip(_PHP_SPACE)}"')
    op = op or "="
    if op not in ("==", "=") and modifier and _stability(version) == "stable":
        version += "-" + modifier
    elif (
        op in ("<", ">=")
        and not re.search(f"-{_MODIFIER}$", rest.lower(), re.ASCII)
        and not rest.startswith("dev-")
    ):
        version += "-dev"
    return [(op, version)]


def _filled(value: str | None) -> bool:
    """The ``$empty`` of the hyphen range: a group that matched, ``"0"`` included."""
    return bool(value)


@dataclass(frozen=True, slots=True)
class _Parsed:
    """A constraint as alternatives of conditions, and whether it invites unstable versions."""

    alternatives: tuple[tuple[tuple[str, str], ...], ...]
    unstable: bool


_WHAT = "Composer constraint"


def _parse(text: str) -> _Parsed:
    trimmed = text.strip(_PHP_SPACE)
    lead = len(text) - len(text.lstrip(_PHP_SPACE))
    if not trimmed:
        raise InvalidRange(
            text, None, "expected a constraint such as ^1.2 or >=1.0 <2.0", what=_WHAT
        )
    flags: list[str] = []
    named_unstable = False
    alternatives: list[tuple[tuple[str, str], ...]] = []
    offset = lead
    pieces = _OR_SPLIT.split(trimmed)
    separators = [m.group(0) for m in _OR_SPLIT.finditer(trimmed)]
    for index, alternative in enumerate(pieces):
        conditions: list[tuple[str, str]] = []
        for part in _AND_SPLIT.split(alternative):
            at = offset + alternative.find(part) if part else offset
            try:
                conditions.extend(_constraint(part, flags))
            except _Refused as refused:
                problem = f"could not parse {part!r}: {refused}"
                if not part:
                    problem = "expected a constraint between the '||'"
                raise InvalidRange(text, min(at, len(text) - 1), problem, what=_WHAT) from None
            token = _ALIAS.sub(r"\1", part)
            if re.fullmatch(r"[^,\s@]+", token, re.ASCII) and _stability(token) != "stable":
                named_unstable = True
        alternatives.append(tuple(conditions))
        offset += len(alternative) + (len(separators[index]) if index < len(separators) else 0)
    return _Parsed(tuple(alternatives), named_unstable or bool(flags))


def _condition_ranges(op: str, normalized: str) -> Ranges[ComposerVersion]:
    if (op, normalized) == _ANY:
        return Ranges.full()
    version = _version(normalized)
    if op in ("=", "=="):
        return Ranges.singleton(version)
    if op in ("!=", "<>"):
        return Ranges.singleton(version).complement()
    if version.is_branch:
        return Ranges.empty()  # named branches compare with nothing
    lower = Bound(version, op == ">=") if op in (">", ">=") else None
    upper = Bound(version, op == "<=") if op in ("<", "<=") else Bound(_BRANCH_FLOOR, False)
    return Ranges.between(lower, upper)


_COMPARATOR_OPS: dict[str, ComparatorOp] = {
    "=": "=",
    "==": "=",
    "!=": "!=",
    "<>": "!=",
    "<": "<",
    "<=": "<=",
    ">": ">",
    ">=": ">=",
}


@dataclass(frozen=True, slots=True)
class ComposerScheme:
    """Composer: normalized versions, PHP ordering and composer/semver constraints."""

    name: str = "composer"

    def parse_version(self, text: str) -> ComposerVersion:
        """Parse and normalize one version (``VersionParser::normalize``)."""
        normalized = _normalize(text)
        if normalized is None or not text.strip(_PHP_SPACE) or normalized == "dev-":
            lead = len(text) - len(text.lstrip(_PHP_SPACE))
            raise InvalidVersion(
                text,
                lead if text.strip(_PHP_SPACE) else None,
                "expected a version such as 1.2.3, v2.0-beta.1, 1.0.x-dev or dev-main",
                what="Composer version",
            )
        return ComposerVersion(text.strip(_PHP_SPACE), normalized)

    def parse_range(
        self, text: str, *, include_prerelease: bool = False
    ) -> VersionSet[ComposerVersion]:
        """Parse a constraint such as ``^1.2 || ~3.4, !=3.4.5``."""
        parsed = _parse(text)
        ranges: Ranges[ComposerVersion] = Ranges.empty()
        for conditions in parsed.alternatives:
            group: Ranges[ComposerVersion] = Ranges.full()
            for op, normalized in conditions:
                group = group.intersection(_condition_ranges(op, normalized))
            ranges = ranges.union(group)
        admit = include_prerelease or parsed.unstable
        return VersionSet(ranges, ranges if admit else Ranges.empty())

    def desugar_range(self, text: str) -> Desugaring:
        """The constraint as alternatives of comparators on normalized versions.

        >>> [[str(c) for c in g] for g in SCHEME.desugar_range("^1.2 || 3.*")]
        [['>=1.2.0.0-dev', '<2.0.0.0-dev'], ['>=3.0.0.0-dev', '<4.0.0.0-dev']]
        """
        return tuple(
            tuple(
                Comparator(_COMPARATOR_OPS[op], normalized)
                for op, normalized in conditions
                if (op, normalized) != _ANY
            )
            for conditions in _parse(text).alternatives
        )

    def format_range(self, versions: VersionSet[ComposerVersion]) -> str:
        """Write a set as a constraint on normalized versions; ``ValueError`` where none can.

        >>> SCHEME.format_range(SCHEME.parse_range("^1.2 || 3.0.1"))
        '>=1.2.0.0 <2.0.0.0 || ==3.0.1.0'
        """
        if versions.releases.is_full() and versions.prereleases.is_full():
            return "*@dev"
        halves = [(versions.releases, False)]
        if not versions.prereleases.is_empty():
            halves.insert(0, (versions.prereleases, True))
        for half, prerelease_half in halves:
            for segments in (_half_open(half, prerelease_half), list(half)):
                try:
                    alternatives = _format_segments(segments)
                except ValueError:
                    continue
                if not alternatives:
                    continue
                if prerelease_half:
                    alternatives[0][0] += "@dev"  # admit unstable versions
                text = " || ".join(" ".join(conditions) for conditions in alternatives)
                if self.parse_range(text) == versions:
                    return text
        raise ValueError("no Composer constraint writes this set exactly")


def _half_open(
    ranges: Ranges[ComposerVersion], prerelease_half: bool
) -> list[Segment[ComposerVersion]]:
    """Bounds at versions the half never holds, made ``[a, b)`` (the half stays the same)."""

    def foreign(bound: Bound[ComposerVersion] | None) -> bool:
        return bound is not None and bound.version.is_prerelease != prerelease_half

    return [
        Segment(
            Bound(seg.lower.version, True) if seg.lower and foreign(seg.lower) else seg.lower,
            Bound(seg.upper.version, False) if seg.upper and foreign(seg.upper) else seg.upper,
        )
        for seg in ranges
    ]


def _format_segments(segments: list[Segment[ComposerVersion]]) -> list[list[str]]:
    """Alternatives of conditions: one per segment, or one hull with ``!=`` holes."""
    holes = list(pairwise(segments))
    if holes and all(
        left.upper is not None
        and right.lower is not None
        and left.upper.version == right.lower.version
        and not left.upper.inclusive
        and not right.lower.inclusive
        for left, right in holes
    ):
        excluded = [f"!={left.upper.version}" for left, _ in holes if left.upper is not None]
        hull = Segment(segments[0].lower, segments[-1].upper)
        if hull.lower is None and hull.upper is None:
            return [excluded]
        return [[*_format_segment(hull), *excluded]]
    if len(segments) == 1 and segments[0].lower is None and segments[0].upper is None:
        return [["*"]]
    return [_format_segment(segment) for segment in segments]


def _bound_text(op: str, version: ComposerVersion) -> str:
    """``op`` and version, leaving out the ``-dev`` Composer adds itself to ``>=`` and ``<``."""
    text = version.normalized
    if op in (">=", "<") and text.endswith("-dev") and _stability(text[:-4]) == "stable":
        return f"{op}{text[:-4]}"
    return f"{op}{text}"


def _format_segment(segment: Segment[ComposerVersion]) -> list[str]:
    lower, upper = segment.lower, segment.upper
    if lower is not None and upper is not None and lower.version == upper.version:
        return [f"=={lower.version}"]
    if upper is None or (upper.version.is_branch and upper.version != _BRANCH_FLOOR):
        raise ValueError("Composer ranges with >, >=, <, <= never reach named branches")
    parts = []
    if lower is not None:
        parts.append(_bound_text(">=" if lower.inclusive else ">", lower.version))
    if upper.version != _BRANCH_FLOOR:
        parts.append(_bound_text("<=" if upper.inclusive else "<", upper.version))
    if not parts:
        raise ValueError("every numbered version and no branch has no Composer constraint")
    return parts


SCHEME = ComposerScheme()
"""The Composer scheme (``composer``)."""
