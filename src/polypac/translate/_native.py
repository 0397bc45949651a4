"""Constraints between version schemes: version text, range structure, pre-release rules.

The rules (docs/translate.md says why):

- A version carries over exactly when it is a plain release ``N(.N)*`` with at most
  three numbers for semver, optionally with a numbered pre-release ``aN``/``bN``/``rcN``
  (PEP 440), ``-alpha.N``/``-beta.N``/``-rc.N`` (semver), ``~aN``/``~alphaN``/... (Debian),
  or is the "lowest pre-release" idiom ``X.Y.Z-0`` / ``X.Y.Z~`` / ``X.Y.Z.dev0`` that an
  upper bound uses to shut out every pre-release of ``X.Y.Z``. Epochs, post and dev
  releases, local versions, build metadata and Debian revisions have no counterpart.
- Debian orders ``1.2`` before ``1.2.0`` where PEP 440 and semver call them equal; so
  ``= <= > !=`` against a Debian version (from or into PEP 440, or from Debian into
  semver when the version has not three numbers) do not carry over exactly.
- PEP 440 specifiers and Cargo requirements have no OR: a union is widened to its hull.
  Cargo has no ``!=``: it is dropped. npm has no ``!=``: it becomes ``<V || >V``
  (exact). Debian writes any OR of ANDs exactly, as alternatives of the same package.
- Pre-release rules differ between PEP 440 (one pre-release named admits every
  pre-release), semver (npm and Cargo: a pre-release is admitted only where a comparator
  names one of the same ``X.Y.Z``) and Debian (no pre-releases, ``~`` orders first):
  a constraint that names a pre-release does not carry over exactly between families.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import Any, cast

from packaging.version import InvalidVersion as PackagingInvalidVersion
from packaging.version import Version as PackagingVersion

from polypac.version.scheme import (
    Comparator,
    ComparatorOp,
    Desugaring,
    RangeDesugarer,
    get_scheme,
)

__all__ = [
    "SCHEME_WORDS",
    "conjunctive",
    "convert_groups",
    "deb_operator",
    "desugar",
    "hull",
    "native_range",
    "pypi_groups",
    "same_scheme_text",
]

SCHEME_WORDS = {
    "pypi": "PEP 440",
    "npm": "npm",
    "cargo": "Cargo",
    "deb": "Debian",
}

_FAMILY = {"pypi": "pep440", "npm": "semver", "cargo": "semver", "deb": "deb"}

_PRE_RULES = {
    "pep440": "PEP 440 admits every pre-release once one is named",
    "semver": "semver admits a pre-release only of a version a comparator names",
    "deb": "Debian has no pre-releases and admits '~' versions by order",
}


@dataclass(frozen=True, slots=True)
class _Neutral:
    """A version every scheme can write: release numbers, and a pre-release or the floor."""

    release: tuple[int, ...]
    pre: tuple[str, int] | None = None  # ("a" | "b" | "rc", number)
    floor: bool = False  # the lowest pre-release of ``release``


class _NoCounterpart(Exception):
    """A version that has no exact counterpart in the target scheme."""


_SEMVER = re.compile(r"^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(\+[0-9A-Za-z.-]+)?$")
_SEMVER_PRE = re.compile(r"^(alpha|beta|rc|a|b)\.(\d+)$")
_DEBIAN = re.compile(r"^(?:(\d+):)?(\d+(?:\.\d+)*)(~(?:(alpha|beta|rc|a|b)(\d+))?)?(-.*)?$")
_PRE_KIND = {"alpha": "a", "a": "a", "beta": "b", "b": "b", "rc": "rc", "c": "rc"}


def _read(scheme: str, text: str) -> _Neutral:
    if scheme == "pypi":
        try:
            version = PackagingVersion(text)
        except PackagingInvalidVersion as error:
            raise _NoCounterpart(f"the version {text}") from error
        if version.epoch:
            raise _NoCounterpart(f"the epoch of {text}")
        if version.post is not None or version.local is not None:
            raise _NoCounterpart(
                f"the {'post' if version.post is not None else 'local'} part of {text}"
            )
        if version.dev is not None:
            if version.dev == 0 and version.pre is None:
                return _Neutral(version.release, floor=True)
            raise _NoCounterpart(f"the dev part of {text}")
        pre = None if version.pre is None else (_PRE_KIND[version.pre[0]], version.pre[1])
        return _Neutral(version.release, pre)
    if scheme in ("npm", "cargo"):
        match = _SEMVER.match(text.lstrip("v="))
        if match is None:
            raise _NoCounterpart(f"the version {text}")
        release = (int(match[1]), int(match[2]), int(match[3]))
        if match[5]:
            raise _NoCounterpart(f"the build metadata of {text}")
        if match[4] is None:
            return _Neutral(release)
        if match[4] == "0":
            return _Neutral(release, floor=True)
        named = _SEMVER_PRE.match(match[4])
        if named is None:
            raise _NoCounterpart(f"the pre-release {match[4]!r} of {text}")
        return _Neutral(release, (_PRE_KIND[named[1]], int(named[2])))
    match = _DEBIAN.match(text)
    if match is None:
        raise _NoCounterpart(f"the version {text}")
    epoch, upstream, tilde, kind, number, revision = match.groups()
    if epoch is not None and int(epoch):
        raise _NoCounterpart(f"the epoch of {text}")
    if revision is not None:
        raise _NoCounterpart(f"the Debian revision of {text}")
    numbers = tuple(int(part) for part in upstream.split("."))
    if tilde is None:
        return _Neutral(numbers)
    if kind is None:
        return _Neutral(numbers, floor=True)
    return _Neutral(numbers, (_PRE_KIND[kind], int(number)))
    if tilde is None:
        return _Neutral(release)
    if kind is None:
        return _Neutral(release, floor=True)
    return _Neutral(release, (_PRE_KIND[kind], int(number)))


_SEMVER_WORDS = {"a": "alpha", "b": "beta", "rc": "rc"}


def _write(scheme: str, version: _Neutral) -> str:
    release = ".".join(map(str, version.release))
    if scheme == "pypi":
        if version.floor:
            return f"{release}.dev0"
        return release if version.pre is None else f"{release}{version.pre[0]}{version.pre[1]}"
    if scheme == "deb":
        if version.floor:
            return f"{release}~"
        return release if version.pre is None else f"{release}~{version.pre[0]}{version.pre[1]}"
    if len(version.release) > 3:
        raise _NoCounterpart(f"the {len(version.release)}-number release {release}")
    release = ".".join(map(str, (*version.release, 0, 0)[:3]))
    if version.floor:
        return f"{release}-0"
    if version.pre is None:
        return release
    return f"{release}-{_SEMVER_WORDS[version.pre[0]]}.{version.pre[1]}"


def native_range(scheme: str, groups: Desugaring) -> str:
    """``groups`` written in the native range syntax of ``scheme``, comparators as they are.

    PEP 440, Cargo and Debian have no OR: those take one group only.

        >>> native_range("npm", ((Comparator(">=", "1.2.0"),), (Comparator("=", "3.0.0"),)))
        '>=1.2.0 || 3.0.0'
    """
    if scheme == "pypi":
        (group,) = groups
        return ",".join(f"=={c.version}" if c.operator == "=" else str(c) for c in group)
    if scheme == "cargo":
        (group,) = groups
        return ", ".join(str(c) for c in group) or "*"
    if scheme == "deb":
        (group,) = groups
        return ", ".join(f"{_DEB_OPERATORS[c.operator]} {c.version}" for c in group)
    texts = [" ".join(c.version if c.operator == "=" else str(c) for c in g) for g in groups]
    return " || ".join(text or "*" for text in texts)


_DEB_OPERATORS = {"<": "<<", "<=": "<=", "=": "=", ">=": ">=", ">": ">>", "!=": "!="}


def deb_operator(operator: ComparatorOp) -> str:
    """Debian's spelling of a primitive operator (``<<`` for ``<``, ``>>`` for ``>``)."""
    return _DEB_OPERATORS[operator]


def hull(scheme: str, groups: Desugaring) -> tuple[Comparator, ...]:
    """The smallest single group holding every group (``!=`` dropped)."""
    parse = get_scheme(scheme).parse_version

    def lowest(group: tuple[Comparator, ...]) -> Comparator | None:
        lowers = [c for c in group if c.operator in (">=", ">", "=")]
        if not lowers:
            return None
        best = lowers[0]
        for c in lowers[1:]:
            a, b = parse(c.version), parse(best.version)
            if b < a or (not b < a and not a < b and c.operator == ">"):
                best = c
        return Comparator(">=" if best.operator == "=" else best.operator, best.version)

    def highest(group: tuple[Comparator, ...]) -> Comparator | None:
        uppers = [c for c in group if c.operator in ("<=", "<", "=")]
        if not uppers:
            return None
        best = uppers[0]
        for c in uppers[1:]:
            a, b = parse(c.version), parse(best.version)
            if a < b or (not b < a and not a < b and c.operator == "<"):
                best = c
        return Comparator("<=" if best.operator == "=" else best.operator, best.version)

    lows = [lowest(g) for g in groups]
    highs = [highest(g) for g in groups]
    low: Comparator | None = None
    if all(c is not None for c in lows):
        for c in lows:
            assert c is not None  # checked just above
            if (
                low is None
                or parse(c.version) < parse(low.version)
                or (not parse(low.version) < parse(c.version) and c.operator == ">=")
            ):
                low = c
    high: Comparator | None = None
    if all(c is not None for c in highs):
        for c in highs:
            assert c is not None  # checked just above
            if (
                high is None
                or parse(high.version) < parse(c.version)
                or (not parse(c.version) < parse(high.version) and c.operator == "<=")
            ):
                high = c
    return tuple(c for c in (low, high) if c is not None)


_TRAILING_ZERO_OPS = ("=", "!=", "<=", ">")


def convert_groups(source: str, target: str, groups: Desugaring) -> tuple[Desugaring, list[str]]:
    """``groups`` (versions of scheme ``source``) as groups of scheme ``target``, and why
    they are not exactly the same set (empty when they are).

    The result obeys the target's structure: one group for PEP 440 and Cargo, no ``!=``
    for npm and Cargo.
    """
    reasons: list[str] = []
    if any(not group for group in groups):
        return ((),), reasons
    target_words = SCHEME_WORDS[target]
    if source != target:
        converted: list[tuple[Comparator, ...]] = []
        names_pre = False
        for group in groups:
            out: list[Comparator] = []
            for comparator in group:
                try:
                    neutral = _read(source, comparator.version)
                    text = _write(target, neutral)
                except _NoCounterpart as reason:
                    reasons.append(
                        f"{target_words} has no counterpart for {reason}: dropped "
                        f"{comparator}, which widens the constraint"
                    )
                    continue
                if neutral is not None:
                    if neutral.pre is not None or (
                        neutral.floor and comparator.operator not in ("<", ">=")
                    ):
                        names_pre = True
                    if neutral.floor and comparator.operator == ">=":
                        names_pre = True
                    if target == "pypi" and neutral.floor and comparator.operator == "<":
                        text = ".".join(map(str, neutral.release))  # PEP 440 '<V' shuts V's pre
                    trailing_zero = len(neutral.release) > 1 and neutral.release[-1] == 0
                    plain = neutral.pre is None and not neutral.floor
                    if (
                        target == "deb"
                        and source == "pypi"
                        and plain
                        and trailing_zero
                        and (comparator.operator in (">=", "<"))
                    ):
                        # PEP 440 '>=1.0' admits 1 and 1.0.0; Debian '>= 1' admits them too
                        text = ".".join(map(str, _strip_zeros(neutral.release)))
                    elif (
                        comparator.operator in _TRAILING_ZERO_OPS
                        and (
                            (source == "deb" and (target == "pypi" or len(neutral.release) != 3))
                            or (target == "deb" and source == "pypi")
                        )
                    ) or (source == "deb" and target == "pypi" and trailing_zero):
                        other = "PEP 440" if "pypi" in (source, target) else "semver"
                        reasons.append(
                            f"Debian orders {comparator.version} apart from its forms with "
                            f"more trailing zeros, {other} calls them equal: kept "
                            f"{comparator.operator}{text}"
                        )
                out.append(Comparator(comparator.operator, text))
            converted.append(tuple(out))
        if names_pre and _FAMILY[source] != _FAMILY[target]:
            reasons.append(
                f"pre-release rules differ ({_PRE_RULES[_FAMILY[source]]}; "
                f"{_PRE_RULES[_FAMILY[target]]})"
            )
        groups = tuple(converted)
    if target == "cargo" and any(c.operator == "!=" for g in groups for c in g):
        dropped = " ".join(str(c) for g in groups for c in g if c.operator == "!=")
        reasons.append(f"Cargo requirements have no '!=': dropped {dropped}")
        groups = tuple(tuple(c for c in g if c.operator != "!=") for g in groups)
    if target == "npm" and any(c.operator == "!=" for g in groups for c in g):
        groups = _split_not_equal(groups)
    if len(groups) > 1 and any(not group for group in groups):
        groups = ((),)
    if len(groups) > 1:
        widest = hull(target, groups)
        if _same_set(target, groups, (widest,)):
            groups = (widest,)
    if len(groups) > 1 and target in ("pypi", "cargo") and not _writable(target, groups):
        original = " || ".join(native_range(target, (g,)) for g in groups)
        widened = native_range(target, (widest,)) if widest else "*"
        noun = "PEP 440 specifiers have" if target == "pypi" else "Cargo requirements have"
        reasons.append(f"{noun} no OR: widened {original} to its hull {widened}")
        groups = (widest,)
    return groups, reasons


def _same_set(scheme: str, a: Desugaring, b: Desugaring) -> bool:
    return bool(_union(scheme, a) == _union(scheme, b))


def _strip_zeros(release: tuple[int, ...]) -> tuple[int, ...]:
    while len(release) > 1 and release[-1] == 0:
        release = release[:-1]
    return release


def _split_not_equal(groups: Desugaring) -> Desugaring:
    """``!=V`` as ``<V || >V``, distributed over the rest of its group (exact)."""
    result: list[tuple[Comparator, ...]] = []
    for group in groups:
        kept = tuple(c for c in group if c.operator != "!=")
        choices = [
            (Comparator("<", c.version), Comparator(">", c.version))
            for c in group
            if c.operator == "!="
        ]
        for picked in itertools.product(*choices):
            result.append(kept + tuple(picked))
    return tuple(result)


def conjunctive(groups: Desugaring) -> list[tuple[Comparator, ...]] | None:
    """An OR of ANDs as an AND of ORs (each ``!=V`` as ``<V | >V``), for Debian's
    alternatives; ``None`` when that would take more than 32 clauses."""
    expanded: list[list[tuple[Comparator, ...]]] = []
    for group in groups:
        options: list[tuple[Comparator, ...]] = []
        for c in group:
            if c.operator == "!=":
                options.append((Comparator("<", c.version), Comparator(">", c.version)))
            else:
                options.append((c,))
        expanded.append(options)
    size = 1
    for options in expanded:
        size *= max(len(options), 1)
    if size > 32:
        return None
    clauses: list[tuple[Comparator, ...]] = []
    for picked in itertools.product(*expanded):
        clause: list[Comparator] = []
        for part in picked:
            for c in part:
                if c not in clause:
                    clause.append(c)
        if tuple(clause) not in clauses:
            clauses.append(tuple(clause))
    return clauses


def same_scheme_text(scheme: str, groups: Desugaring) -> str:
    """The shortest native text of ``groups`` in ``scheme`` that means the very same set:
    the scheme's own ``format_range`` when it parses back to the same set, else the
    comparators as they are."""
    plain = native_range(scheme, groups) if len(groups) == 1 or scheme == "npm" else None
    if scheme == "deb" and plain is not None:
        return plain
    pretty = _formatted(scheme, groups)
    if pretty is not None and (plain is None or len(pretty) <= len(plain)):
        return pretty
    if plain is None:
        raise ValueError(f"{scheme} cannot write {groups}")
    return plain


def _union(scheme: str, groups: Desugaring) -> Any:
    native = get_scheme(scheme)
    result: Any = None
    for group in groups:
        one = native.parse_range(native_range(scheme, (group,)))
        result = one if result is None else result | one
    return result


def _formatted(scheme: str, groups: Desugaring) -> str | None:
    """The scheme's own text for the union of ``groups``, if it means the very same set."""
    native = get_scheme(scheme)
    try:
        versions = _union(scheme, groups)
        pretty = native.format_range(versions)
        if native.parse_range(pretty) == versions:
            return pretty
    except ValueError:
        pass
    return None


def _writable(scheme: str, groups: Desugaring) -> bool:
    return _formatted(scheme, groups) is not None


_DEV0 = re.compile(r"^(\d+(?:\.\d+)*)\.dev0$")


def pypi_groups(specifier: str) -> Desugaring:
    """A PEP 440 specifier as comparators, keeping its pre-release meaning.

    ``desugar_range`` spells ``~=1.4.2`` as ``>=1.4.2,<1.5.dev0``; read as a specifier,
    ``.dev0`` names a pre-release and so admits every pre-release. When the specifier
    names none, the bound is written ``<1.5``, which PEP 440 reads as the same releases
    and still no pre-release.
    """
    groups = desugar("pypi", specifier)
    names_pre = False
    for clause in specifier.split(","):
        text = clause.strip().lstrip("=!<>~").strip().removesuffix(".*")
        try:
            names_pre = names_pre or PackagingVersion(text).is_prerelease
        except PackagingInvalidVersion:
            continue
    if names_pre:
        return groups
    return tuple(
        tuple(Comparator(c.operator, m[1]) if (m := _DEV0.match(c.version)) else c for c in group)
        for group in groups
    )


def desugar(scheme: str, text: str) -> Desugaring:
    """The native range ``text`` of ``scheme`` as comparators (``pypi``, ``npm``,
    ``cargo`` and ``deb`` all spell their ranges out)."""
    return cast(RangeDesugarer, get_scheme(scheme)).desugar_range(text)
