"""npm versions and ranges, read the way node-semver 7 reads them.

A version is SemVer 2.0.0 with node-semver's allowances: a leading ``v`` and surrounding
blanks, and in *loose* mode a leading ``=``, leading zeros and a pre-release without its
hyphen (``1.2.3beta``). Numbers above ``Number.MAX_SAFE_INTEGER`` and strings longer than
256 characters are rejected, as node-semver rejects them.

A range is ``||``-separated comparator sets; each set is blank-separated comparators, with
node-semver's sugar: hyphen ranges (``1.2 - 2``), x-ranges (``1.x``, ``1.2.*``, ``*``, the
empty range), tilde (``~1.2.3``, ``~>1.2``), caret with its 0.x rules (``^0.2.3``), a leading
``v`` or ``=``, and blanks between an operator and its version. The sugar is rewritten into
primitive comparators exactly as node-semver rewrites it (:func:`normalize_range` returns
its ``validRange`` text)::

    >>> from polypac.version.npm import SCHEME, normalize_range
    >>> normalize_range("^0.2.3 || 1.x")
    '>=0.2.3 <0.3.0-0||>=1.0.0 <2.0.0-0'
    >>> SCHEME.parse_range(">=1.2.3-beta.1 <2.0.0").contains(SCHEME.parse_version("1.2.3-beta.2"))
    True
    >>> SCHEME.parse_range(">=1.2.3-beta.1 <2.0.0").contains(SCHEME.parse_version("1.2.4-beta"))
    False

Pre-releases follow node-semver's rule: a comparator set holds a pre-release only when one
of its comparators names a pre-release of the same ``major.minor.patch``; with
``include_prerelease`` (node's ``includePrerelease``) they are placed by precedence like any
version. The :class:`~polypac.version.sets.VersionSet` keeps that rule exactly in its
pre-release half.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from polypac.errors import InvalidRange, InvalidVersion
from polypac.version._ranges import Bound, Ranges, Segment
from polypac.version.scheme import Comparator, ComparatorOp, Desugaring
from polypac.version.semver import (
    SemVer,
    semver_error,
    snap_halves,
    snap_prerelease_segment,
    snap_release_segment,
    split_prerelease,
)
from polypac.version.sets import VersionSet

__all__ = [
    "MAX_LENGTH",
    "MAX_SAFE_INTEGER",
    "SCHEME",
    "NpmScheme",
    "normalize_range",
    "parse_version",
    "satisfies",
]

MAX_LENGTH = 256
"""node-semver rejects version strings longer than this."""

MAX_SAFE_INTEGER = 2**53 - 1
"""node-semver rejects version numbers above JavaScript's ``Number.MAX_SAFE_INTEGER``."""

# JavaScript's \s (and what String.prototype.trim removes): not quite Python's.
_WS_CHARS = (
    "\t\n\x0b\x0c\r \xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)
_WS_SET = frozenset(_WS_CHARS)
_BLANK = r"\t\n\x0b\x0c\r \xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_S = f"[{_BLANK}]"
_WS_RUN = re.compile(_S + "+")


def _js_split(text: str) -> list[str]:
    """``text.split(/\\s+/)`` as JavaScript does it (leading/trailing empties kept)."""
    return _WS_RUN.split(text)


# --- node-semver's token grammar, strict and loose --------------------------------------------

_NUM = r"0|[1-9][0-9]*"
_NUM_LOOSE = r"[0-9]+"
_WORD = r"[0-9]*[a-zA-Z-][a-zA-Z0-9-]*"
_PRE = rf"(?:-((?:{_NUM}|{_WORD})(?:\.(?:{_NUM}|{_WORD}))*))"
# loose: the hyphen may be left out, or be dots, when a letter or hyphen follows
_PRE_LOOSE = rf"(?:(?:-|\.*(?=[a-zA-Z-]))((?:{_NUM_LOOSE}|{_WORD})(?:\.(?:{_NUM_LOOSE}|{_WORD}))*))"
_BUILD = r"(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))"
_GTLT = r"((?:<|>)?=?)"


def _plain(loose: bool) -> str:
    if loose:
        num = _NUM_LOOSE
        return rf"[v={_BLANK}]*({num})\.({num})\.({num}){_PRE_LOOSE}?{_BUILD}?"
    return rf"v?({_NUM})\.({_NUM})\.({_NUM}){_PRE}?{_BUILD}?"


def _xrange_plain(loose: bool) -> str:
    xid = rf"{_NUM_LOOSE if loose else _NUM}|x|X|\*"
    pre = _PRE_LOOSE if loose else _PRE
    # Build metadata may follow a partial version too (``1.x+build``), as in node-semver 7.8.
    return rf"[v={_BLANK}]*({xid})(?:\.({xid})(?:\.({xid})(?:{pre})?)?)?{_BUILD}?"


@dataclass(frozen=True, slots=True)
class _Grammar:
    version: re.Pattern[str]
    comparator: re.Pattern[str]
    xrange: re.Pattern[str]
    tilde: re.Pattern[str]
    caret: re.Pattern[str]
    hyphen: re.Pattern[str]


def _grammar(loose: bool) -> _Grammar:
    plain = _plain(loose)
    xplain = _xrange_plain(loose)
    return _Grammar(
        version=re.compile(plain),
        comparator=re.compile(rf"{_GTLT}{_S}*({plain})|"),
        xrange=re.compile(rf"{_GTLT}{_S}*{xplain}"),
        tilde=re.compile(rf"~>?{xplain}"),
        caret=re.compile(rf"\^{xplain}"),
        hyphen=re.compile(rf"{_S}*({xplain}){_S}+-{_S}+({xplain}){_S}*"),
    )


_STRICT = _grammar(False)
_LOOSE = _grammar(True)
_TILDE_TRIM = re.compile(rf"({_S}*)~>?{_S}+")
_CARET_TRIM = re.compile(rf"({_S}*)\^{_S}+")
_STAR = re.compile(rf"(<|>)?=?{_S}*\*")
_VERSION_START = frozenset("0123456789xX*")


# --- versions -----------------------------------------------------------------------------


def parse_version(text: str, *, loose: bool = False) -> SemVer:
    """Parse an npm version as ``new SemVer(text, {loose})`` does.

    >>> str(parse_version(" v1.2.3 "))
    '1.2.3'
    >>> str(parse_version("=01.2.3beta", loose=True))
    '1.2.3-beta'
    """
    if not isinstance(text, str):
        raise InvalidVersion(
            repr(text), None, f"expected a string, not {type(text).__name__}", what="npm version"
        )
    if len(text) > MAX_LENGTH:
        raise InvalidVersion(
            text, MAX_LENGTH, f"version is longer than {MAX_LENGTH} characters", what="npm version"
        )
    body = text.strip(_WS_CHARS)
    grammar = _LOOSE if loose else _STRICT
    m = grammar.version.fullmatch(body)
    if m is None:
        start = len(text) - len(text.lstrip(_WS_CHARS))
        if not loose and text.startswith("v", start):
            start += 1
        error = semver_error(text, start, "npm version")
        raise InvalidVersion(text, error.position, error.problem, what="npm version")
    return _version_from_match(m, text)


def _version_from_match(m: re.Match[str], text: str) -> SemVer:
    major, minor, patch, pre, build = m.group(1, 2, 3, 4, 5)
    numbers = (int(major), int(minor), int(patch))
    for name, number in zip(("major", "minor", "patch"), numbers, strict=True):
        if number > MAX_SAFE_INTEGER:
            raise InvalidVersion(
                text,
                None,
                f"the {name} version {number} is larger than {MAX_SAFE_INTEGER}",
                what="npm version",
            )
    return SemVer(
        *numbers,
        split_prerelease(pre) if pre else (),
        tuple(build.split(".")) if build else (),
    )


def _plain_text(version: SemVer) -> str:
    """node-semver's ``version`` string: no build metadata."""
    text = f"{version.major}.{version.minor}.{version.patch}"
    if version.prerelease:
        text += "-" + ".".join(map(str, version.prerelease))
    return text


# --- ranges -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Comp:
    """One primitive comparator after desugaring: ``version`` is ``None`` for any version."""

    operator: str  # "", "<", "<=", ">", ">="
    version: SemVer | None

    @property
    def value(self) -> str:
        if self.version is None:
            return ""
        return self.operator + _plain_text(self.version)


_NULL_SET = "<0.0.0-0"
_PRIMITIVE: dict[str, ComparatorOp] = {"": "=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}


def _is_x(part: str | None) -> bool:
    return not part or part in ("x", "X", "*")


def _number_after_x(major: str | None, minor: str | None, patch: str | None) -> bool:
    """``1.x.5`` and ``x.1``: node-semver 7.8 takes no number after a wildcard part."""
    if _is_x(major):
        return bool(minor and not _is_x(minor)) or bool(patch and not _is_x(patch))
    return _is_x(minor) and bool(patch and not _is_x(patch))


def _replace_caret(comp: str, grammar: _Grammar, include_prerelease: bool) -> str:
    m = grammar.caret.fullmatch(comp)
    if m is None or _number_after_x(*m.group(1, 2, 3)):
        return comp
    major, minor, patch, pre = m.group(1, 2, 3, 4)
    z = "-0" if include_prerelease else ""
    if _is_x(major):
        return ""
    if _is_x(minor):
        return f">={major}.0.0{z} <{int(major) + 1}.0.0-0"
    if _is_x(patch):
        if major == "0":
            return f">={major}.{minor}.0{z} <{major}.{int(minor) + 1}.0-0"
        return f">={major}.{minor}.0{z} <{int(major) + 1}.0.0-0"
    # A full version keeps its own lower bound, with or without include_prerelease.
    low = f">={major}.{minor}.{patch}-{pre}" if pre else f">={major}.{minor}.{patch}"
    if major == "0":
        if minor == "0":
            return f"{low} <{major}.{minor}.{int(patch) + 1}-0"
        return f"{low} <{major}.{int(minor) + 1}.0-0"
    return f"{low} <{int(major) + 1}.0.0-0"


def _replace_tilde(comp: str, grammar: _Grammar, include_prerelease: bool) -> str:
    m = grammar.tilde.fullmatch(comp)
    if m is None or _number_after_x(*m.group(1, 2, 3)):
        return comp
    major, minor, patch, pre = m.group(1, 2, 3, 4)
    z = "-0" if include_prerelease else ""
    if _is_x(major):
        return ""
    if _is_x(minor):
        return f">={major}.0.0{z} <{int(major) + 1}.0.0-0"
    if _is_x(patch):
        return f">={major}.{minor}.0{z} <{major}.{int(minor) + 1}.0-0"
    low = f">={major}.{minor}.{patch}-{pre}" if pre else f">={major}.{minor}.{patch}"
    return f"{low} <{major}.{int(minor) + 1}.0-0"


def _replace_xrange(comp: str, grammar: _Grammar, include_prerelease: bool) -> str:
    comp = comp.strip(_WS_CHARS)
    m = grammar.xrange.fullmatch(comp)
    if m is None or _number_after_x(*m.group(2, 3, 4)):
        return comp
    gtlt, major, minor, patch = m.group(1, 2, 3, 4)
    x_major = _is_x(major)
    x_minor = x_major or _is_x(minor)
    any_x = x_minor or _is_x(patch)
    if gtlt == "=" and any_x:
        gtlt = ""
    pr = "-0" if include_prerelease else ""
    if x_major:
        return "<0.0.0-0" if gtlt in (">", "<") else "*"
    if gtlt and any_x:
        mj: int | str = major
        mn: int | str = 0 if x_minor else minor
        if gtlt == ">":
            gtlt = ">="
            if x_minor:
                mj, mn = int(major) + 1, 0
            else:
                mn = int(minor) + 1
        elif gtlt == "<=":
            gtlt = "<"
            if x_minor:
                mj = int(major) + 1
            else:
                mn = int(minor) + 1
        if gtlt == "<":
            pr = "-0"
        return f"{gtlt}{mj}.{mn}.0{pr}"
    if x_minor:
        return f">={major}.0.0{pr} <{int(major) + 1}.0.0-0"
    if any_x:
        return f">={major}.{minor}.0{pr} <{major}.{int(minor) + 1}.0-0"
    return comp


def _replace_hyphen(m: re.Match[str], include_prerelease: bool) -> str:
    start, f_major, f_minor, f_patch, f_pre = m.group(1, 2, 3, 4, 5)
    end, t_major, t_minor, t_patch, t_pre = m.group(7, 8, 9, 10, 11)
    z = "-0" if include_prerelease else ""
    if _is_x(f_major):
        low = ""
    elif _is_x(f_minor):
        low = f">={f_major}.0.0{z}"
    elif _is_x(f_patch):
        low = f">={f_major}.{f_minor}.0{z}"
    elif f_pre:
        low = f">={start}"
    else:
        low = f">={start}{z}"
    if _is_x(t_major):
        high = ""
    elif _is_x(t_minor):
        high = f"<{int(t_major) + 1}.0.0-0"
    elif _is_x(t_patch):
        high = f"<{t_major}.{int(t_minor) + 1}.0-0"
    elif t_pre:
        high = f"<={t_major}.{t_minor}.{t_patch}-{t_pre}"
    elif include_prerelease:
        high = f"<{t_major}.{t_minor}.{int(t_patch) + 1}-0"
    else:
        high = f"<={end}"
    return f"{low} {high}".strip(_WS_CHARS)


def _trim_operator_blanks(text: str) -> str:
    """Drop the blank between an operator and its version (``> 1.2.3`` is ``>1.2.3``).

    node-semver 7.8 walks back from each character that can start a version over ``v``,
    ``=`` and blanks to the operator before them, and removes the one blank right after it.
    """
    n = len(text)
    removals: set[int] = set()
    for start in range(n):
        if text[start] not in _VERSION_START:
            continue
        prefix = start
        while prefix > 0 and (text[prefix - 1] in "v=" or text[prefix - 1] in _WS_SET):
            prefix -= 1
        if prefix > 0 and text[prefix - 1] in "<>":
            end = prefix
            if end < n and text[end] == "=":
                end += 1
        else:
            end = prefix
            if end < n and text[end] in _WS_SET:
                end += 1
            if end >= n or text[end] != "=":
                if not (text[prefix] in _WS_SET and prefix + 1 < n and text[prefix + 1] in _WS_SET):
                    continue
                end = prefix + 1
            else:
                end += 1
        if end < n and text[end] in _WS_SET:
            removals.add(end)
    if not removals:
        return text
    return "".join(char for index, char in enumerate(text) if index not in removals)


def _desugar_token(token: str, grammar: _Grammar, include_prerelease: bool) -> str:
    """node-semver's ``parseComparator``: caret, tilde, x-range, then star rewriting."""
    text = " ".join(
        _replace_caret(c, grammar, include_prerelease) for c in _js_split(token.strip(_WS_CHARS))
    )
    text = " ".join(
        _replace_tilde(c, grammar, include_prerelease) for c in _js_split(text.strip(_WS_CHARS))
    )
    text = " ".join(_replace_xrange(c, grammar, include_prerelease) for c in _js_split(text))
    return _STAR.sub("", text.strip(_WS_CHARS), count=1)


def _comparator(token: str, grammar: _Grammar, source: str) -> _Comp:
    m = grammar.comparator.fullmatch(token)
    if m is None:
        at = source.find(token) if token else -1
        raise InvalidRange(
            source,
            at if at >= 0 else None,
            f"expected a comparator such as '>=1.2.3', '^1.2', '~1.2.3' or '1.x', found {token!r}",
            what="npm range",
        )
    operator = m.group(1) or ""
    if m.group(2) is None:
        return _Comp("", None)
    if operator == "=":
        operator = ""
    body = m.group(2).strip(_WS_CHARS)
    vm = grammar.version.fullmatch(body)
    if vm is None:  # pragma: no cover - the comparator pattern already matched it
        raise InvalidRange(source, None, f"invalid version {body!r}", what="npm range")
    try:
        version = _version_from_match(vm, body)
    except InvalidVersion as error:
        raise InvalidRange(source, None, error.problem, what="npm range") from error
    return _Comp(operator, version)


_FAST_ID = rf"{_NUM}|[xX*]"
_FAST_TOKEN = re.compile(
    rf"(\^|~>?|[<>]=?|=)?({_FAST_ID})(?:\.({_FAST_ID})(?:\.({_FAST_ID}){_PRE}?)?)?"
)
_ANY = _Comp("", None)


def _at_least(major: int, minor: int, patch: int, pre: tuple[int | str, ...]) -> _Comp:
    return _Comp(">=", SemVer(major, minor, patch, pre))


def _below(major: int, minor: int, patch: int, pre: tuple[int | str, ...] = (0,)) -> _Comp:
    return _Comp("<", SemVer(major, minor, patch, pre))


def _fast_token(token: str, include_prerelease: bool) -> list[_Comp] | None:
    """The comparators of one plain token (``^1.2.3``, ``~1.2``, ``>=1.0.0``, ``1.x``)
    without the text rewriting, or ``None`` when the token needs the full pipeline.

    The rules are node-semver's caret, tilde and x-range rewriting; the test suite checks
    this path against the full pipeline.
    """
    m = _FAST_TOKEN.fullmatch(token)
    if m is None:
        return None
    op, major, minor, patch, pre_text = m.groups()
    if _number_after_x(major, minor, patch):
        return None
    x_major = _is_x(major)
    x_minor = x_major or _is_x(minor)
    x_patch = x_minor or _is_x(patch)
    if x_major:
        if op in ("<", ">"):
            return [_Comp("<", SemVer(0, 0, 0, (0,)))]
        return [_ANY]
    mj = int(major)
    mn = 0 if x_minor else int(minor)
    pt = 0 if x_patch else int(patch)
    pre = split_prerelease(pre_text) if pre_text and not x_patch else ()
    if max(mj, mn, pt) >= MAX_SAFE_INTEGER:
        return None  # let the full pipeline report it
    z: tuple[int | str, ...] = (0,) if include_prerelease else ()
    if op and op[0] == "~":
        if x_minor:
            return [_at_least(mj, 0, 0, z), _below(mj + 1, 0, 0)]
        if x_patch:
            return [_at_least(mj, mn, 0, z), _below(mj, mn + 1, 0)]
        return [_at_least(mj, mn, pt, pre), _below(mj, mn + 1, 0)]
    if op == "^":
        if x_minor:
            return [_at_least(mj, 0, 0, z), _below(mj + 1, 0, 0)]
        if x_patch:
            if major == "0":
                return [_at_least(mj, mn, 0, z), _below(mj, mn + 1, 0)]
            return [_at_least(mj, mn, 0, z), _below(mj + 1, 0, 0)]
        low = _at_least(mj, mn, pt, pre)
        if major == "0":
            if minor == "0":
                return [low, _below(mj, mn, pt + 1)]
            return [low, _below(mj, mn + 1, 0)]
        return [low, _below(mj + 1, 0, 0)]
    if not x_patch:
        return [_Comp("" if op in (None, "=") else op, SemVer(mj, mn, pt, pre))]
    if op and op != "=":
        if op == ">":
            if x_minor:
                return [_at_least(mj + 1, 0, 0, z)]
            return [_at_least(mj, mn + 1, 0, z)]
        if op == "<=":
            return [_below(mj + 1, 0, 0) if x_minor else _below(mj, mn + 1, 0)]
        if op == "<":
            return [_below(mj, mn, 0)]
        return [_at_least(mj, mn, 0, z)]
    if x_minor:
        return [_at_least(mj, 0, 0, z), _below(mj + 1, 0, 0)]
    return [_at_least(mj, mn, 0, z), _below(mj, mn + 1, 0)]


def _finish_set(comps: list[_Comp], lowest: str | None = None) -> list[_Comp]:
    """node-semver's last steps: the null set wins, duplicates go, and next to others so do
    any-version comparators. ``lowest`` (``>=0.0.0``, or ``>=0.0.0-0`` with pre-releases)
    is read as any version, as node-semver reads the text."""
    seen: dict[str, _Comp] = {}
    for given in comps:
        value = given.value
        comp = _ANY if value == lowest else given
        if comp is _ANY:
            value = ""
        if value == _NULL_SET:
            return [comp]
        seen[value] = comp
    if len(seen) > 1 and "" in seen:
        del seen[""]
    return list(seen.values())


def _parse_set(
    part: str, grammar: _Grammar, loose: bool, include_prerelease: bool, source: str
) -> list[_Comp]:
    """One ``||`` alternative as its list of comparators (node-semver's ``parseRange``)."""
    fast: list[_Comp] = []
    for token in part.split(" "):
        comps = _fast_token(token, include_prerelease)
        if comps is None:
            break
        fast.extend(comps)
    else:
        return _finish_set(fast, ">=0.0.0-0" if include_prerelease else ">=0.0.0")
    m = grammar.hyphen.fullmatch(part)
    if m is not None and not (
        _number_after_x(*m.group(2, 3, 4)) or _number_after_x(*m.group(8, 9, 10))
    ):
        part = _replace_hyphen(m, include_prerelease)
    part = _trim_operator_blanks(part)
    part = _TILDE_TRIM.sub(r"\1~", part)
    part = _CARET_TRIM.sub(r"\1^", part)
    joined = " ".join(
        _desugar_token(token, grammar, include_prerelease) for token in part.split(" ")
    )
    tokens = _js_split(joined)
    gte0 = ">=0.0.0-0" if include_prerelease else ">=0.0.0"
    tokens = ["" if token == gte0 else token for token in tokens]
    if loose:
        tokens = [token for token in tokens if grammar.comparator.fullmatch(token)]
    return _finish_set([_comparator(t, grammar, source) for t in tokens])


def _parse(text: str, loose: bool, include_prerelease: bool) -> list[list[_Comp]]:
    """A range as node-semver's ``Range#set``: OR of AND lists of primitive comparators."""
    if not isinstance(text, str):
        raise InvalidRange(
            repr(text), None, f"expected a string, not {type(text).__name__}", what="npm range"
        )
    grammar = _LOOSE if loose else _STRICT
    raw = _WS_RUN.sub(" ", text.strip(_WS_CHARS))
    groups = [
        comps
        for part in raw.split("||")
        if (comps := _parse_set(part.strip(" "), grammar, loose, include_prerelease, text))
    ]
    if not groups:
        raise InvalidRange(text, None, "no valid comparator in the range", what="npm range")
    if len(groups) > 1:
        live = [g for g in groups if g[0].value != _NULL_SET]
        if not live:
            return groups[:1]
        for g in live:
            if len(g) == 1 and g[0].version is None:
                return [g]
        return live
    return groups


def normalize_range(text: str, *, loose: bool = False, include_prerelease: bool = False) -> str:
    """What node-semver's ``validRange(text, options)`` returns for a valid range.

    Raise :class:`~polypac.errors.InvalidRange` where ``validRange`` returns ``null``.

    >>> normalize_range("1.2 - 3.4")
    '>=1.2.0 <3.5.0-0'
    >>> normalize_range("")
    '*'
    """
    groups = _parse(text, loose, include_prerelease)
    out = "||".join(" ".join(c.value for c in g).strip(" ") for g in groups).strip(" ")
    return out or "*"


def _group_segments(
    comps: list[_Comp],
    include_prerelease: bool,
    releases: list[Segment[SemVer]],
    prereleases: list[Segment[SemVer]],
) -> None:
    """Add one comparator set's release and pre-release segments to the two lists.

    Every primitive comparator is an interval, so the set's comparators meet in one
    interval; pre-releases are kept only inside the bands ``[M.m.p-0, M.m.p)`` of the
    comparators that name a pre-release (unless ``include_prerelease``).
    """
    lo: Bound[SemVer] | None = None
    hi: Bound[SemVer] | None = None
    bands: list[SemVer] = []
    for comp in comps:
        version = comp.version
        if version is None:
            continue
        op = comp.operator
        if op in ("", ">=", ">"):
            bound = Bound(version, op != ">")
            if lo is None or _tighter_lower(bound, lo):
                lo = bound
        if op in ("", "<=", "<"):
            bound = Bound(version, op != "<")
            if hi is None or _tighter_upper(bound, hi):
                hi = bound
        if version.prerelease and not include_prerelease:
            bands.append(version)
    if (seg := snap_release_segment(lo, hi)) is not None:
        releases.append(seg)
    if include_prerelease:
        if (seg := snap_prerelease_segment(lo, hi)) is not None:
            prereleases.append(seg)
        return
    done: set[tuple[int, int, int]] = set()
    for version in bands:
        if version.release in done:
            continue
        done.add(version.release)
        band_lo: Bound[SemVer] = Bound(version.first_prerelease(), True)
        band_hi: Bound[SemVer] = Bound(version.core(), False)
        b_lo = band_lo if lo is None or _tighter_lower(band_lo, lo) else lo
        b_hi = band_hi if hi is None or _tighter_upper(band_hi, hi) else hi
        if (seg := snap_prerelease_segment(b_lo, b_hi)) is not None:
            prereleases.append(seg)


def _tighter_lower(a: Bound[SemVer], b: Bound[SemVer]) -> bool:
    """Whether lower bound ``a`` admits less than lower bound ``b``."""
    return b.version < a.version or (a.version == b.version and b.inclusive and not a.inclusive)


def _tighter_upper(a: Bound[SemVer], b: Bound[SemVer]) -> bool:
    """Whether upper bound ``a`` admits less than upper bound ``b``."""
    return a.version < b.version or (a.version == b.version and b.inclusive and not a.inclusive)


def satisfies(
    version: str, range_text: str, *, loose: bool = False, include_prerelease: bool = False
) -> bool:
    """node-semver's ``satisfies``: false (not an error) when either text is invalid."""
    try:
        parsed = parse_version(version, loose=loose)
        versions = SCHEME.parse_range(
            range_text, loose=loose, include_prerelease=include_prerelease
        )
    except (InvalidVersion, InvalidRange):
        return False
    return versions.contains(parsed)


class NpmScheme:
    """node-semver's versions and ranges (scheme name ``npm``).

    Every method takes node-semver's options as keywords: ``loose`` for the forgiving
    grammar, ``include_prerelease`` for ``includePrerelease``.
    """

    @property
    def name(self) -> str:
        """``npm``, the PURL type."""
        return "npm"

    def parse_version(self, text: str, *, loose: bool = False) -> SemVer:
        """Parse one version; raise :class:`~polypac.errors.InvalidVersion` if invalid."""
        return parse_version(text, loose=loose)

    def desugar_range(
        self, text: str, *, loose: bool = False, include_prerelease: bool = False
    ) -> Desugaring:
        """The range as node-semver's primitive comparators (``^1.2.3`` is
        ``>=1.2.3 <2.0.0-0``); a set that allows any version is the empty group."""
        out: list[tuple[Comparator, ...]] = []
        for group in _parse(text, loose, include_prerelease):
            comparators: list[Comparator] = []
            for comp in group:
                if comp.version is None:
                    continue
                operator = _PRIMITIVE[comp.operator]
                comparators.append(Comparator(operator, _plain_text(comp.version)))
            out.append(tuple(comparators))
        return tuple(out)

    def parse_range(
        self, text: str, *, include_prerelease: bool = False, loose: bool = False
    ) -> VersionSet[SemVer]:
        """Parse a range into the exact set of versions ``satisfies`` accepts."""
        releases: list[Segment[SemVer]] = []
        prereleases: list[Segment[SemVer]] = []
        for group in _parse(text, loose, include_prerelease):
            _group_segments(group, include_prerelease, releases, prereleases)
        return VersionSet(Ranges.from_segments(releases), Ranges.from_segments(prereleases))

    def format_range(self, versions: VersionSet[SemVer]) -> str:
        """Write a set as an npm range (read without ``includePrerelease``).

        Raise ``ValueError`` when npm cannot say it: pre-releases are only held for a
        ``major.minor.patch`` that a comparator names with a pre-release, so a set holding
        pre-releases of unboundedly many releases has no npm range. The empty set is
        node-semver's null set ``<0.0.0-0``.
        """
        text = _format(versions)
        if not _same_members(self.parse_range(text), versions):  # pragma: no cover - a bug
            raise ValueError(f"npm range {text!r} does not hold the same versions")
        return text


def _same_members(a: VersionSet[SemVer], b: VersionSet[SemVer]) -> bool:
    return snap_halves(a.difference(b)).is_empty() and snap_halves(b.difference(a)).is_empty()


def _format(versions: VersionSet[SemVer]) -> str:
    snapped = snap_halves(versions)
    if snapped.is_empty():
        return _NULL_SET
    # Each release segment is one comparator set with release bounds.
    groups: list[list[Bound[SemVer] | None]] = [[seg.lower, seg.upper] for seg in snapped.releases]
    extra: list[list[Bound[SemVer] | None]] = []
    for seg in snapped.prereleases:
        lo, hi = seg.lower, seg.upper
        if lo is None or hi is None or hi.version.release != lo.version.release:
            raise ValueError(
                "npm ranges hold pre-releases only of a major.minor.patch that a comparator "
                "names with a pre-release; this set holds pre-releases of more than one"
            )
        core = lo.version.core()
        high_is_core = not hi.version.is_prerelease
        merged = False
        for group in groups:
            g_lo, g_hi = group
            if high_is_core and g_lo is not None and g_lo.inclusive and g_lo.version == core:
                group[0] = lo  # ">=1.2.3-beta <2.0.0" also holds 1.2.3 pre-releases from beta
                merged = True
                break
            if (
                lo.version == lo.version.first_prerelease()
                and g_hi is not None
                and not g_hi.inclusive
                and not g_hi.version.is_prerelease
                and g_hi.version == core
            ):
                group[1] = hi  # "<=2.0.0-rc.1" also holds 2.0.0 pre-releases up to rc.1
                merged = True
                break
        if not merged:
            extra.append([lo, Bound(core, False) if high_is_core else hi])
    texts = [_group_text(lo, hi) for lo, hi in groups + extra]
    return " || ".join(texts)


def _group_text(lo: Bound[SemVer] | None, hi: Bound[SemVer] | None) -> str:
    if lo is None and hi is None:
        return "*"
    if (
        lo is not None
        and hi is not None
        and lo.inclusive
        and hi.inclusive
        and lo.version == hi.version
    ):
        return _plain_text(lo.version)
    parts: list[str] = []
    if lo is not None:
        parts.append((">=" if lo.inclusive else ">") + _plain_text(lo.version))
    if hi is not None:
        parts.append(("<=" if hi.inclusive else "<") + _plain_text(hi.version))
    return " ".join(parts)


SCHEME = NpmScheme()
"""The npm scheme object the registry hands out."""
