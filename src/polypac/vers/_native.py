"""Conversion between each ecosystem's native range syntax and VERS.

Native to VERS builds on the scheme's ``desugar_range`` (an OR of ANDs of primitive
comparators) and writes every comparator of every group as one VERS constraint, sorted by
version, duplicates kept: the form the VERS test suite expects (``^2.0.18 || ^3.0.16`` is
``>=2.0.18|<3.0.0|>=3.0.16|<4.0.0``). Where ecosystems spell the same thing differently
(npm's ``-0`` pre-release floor on upper bounds, conan's ``-`` on lower bounds, how
"everything" is written) the difference is one row of :data:`_SPELLINGS`.

VERS to native goes through the exact :class:`~polypac.version.sets.VersionSet` of the
specifier and the scheme's own ``format_range``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from polypac.errors import InvalidRange
from polypac.vers._model import ConstraintOrder, Vers, VersComparator, VersConstraint
from polypac.vers._types import VERS_TYPES, scheme_for_type
from polypac.version.scheme import Comparator, Desugaring
from polypac.version.sets import Ranges, Version, VersionSet

__all__ = ["vers_from_native", "vers_from_version_set", "vers_to_native"]

_STAR: Final = (VersConstraint("*", ""),)


@dataclass(frozen=True, slots=True)
class _Spelling:
    """How one ecosystem's primitive comparators are written as VERS constraints.

    ``everything`` is written for a range that holds every version; ``upper_suffix`` is
    cut from the versions of ``<``/``<=`` bounds and ``lower_suffix`` from those of
    ``>``/``>=`` bounds (pre-release floors that the native syntax adds but VERS data
    leaves out); ``prefix`` is cut from the front of every version.
    """

    everything: tuple[VersConstraint, ...] = _STAR
    upper_suffix: str = ""
    lower_suffix: str = ""
    prefix: str = ""
    split_options: str = ""


_SEMVER_LIKE: Final = _Spelling(upper_suffix="-0", prefix="v")

_SPELLINGS: Final[dict[str, _Spelling]] = {
    "npm": _SEMVER_LIKE,
    "cargo": _SEMVER_LIKE,
    "semver": _SEMVER_LIKE,
    "hex": _SEMVER_LIKE,
    # conan writes "everything" as >=0.0.0, keeps the "-" that opens pre-releases on upper
    # bounds (~2.5 is <2.6-), drops it on lower bounds, and puts options after a comma.
    "conan": _Spelling(
        everything=(VersConstraint(">=", "0.0.0"),), lower_suffix="-", split_options=","
    ),
}
_DEFAULT: Final = _Spelling()


def vers_from_native(scheme: str, native_range: str) -> Vers:
    """Convert an ecosystem's native range to VERS.

    ``scheme`` is the VERS type (``npm``, ``pypi``, ``conan``, ...). Raises
    :class:`~polypac.errors.InvalidRange` when ``native_range`` is not a valid range of
    the ecosystem::

        >>> vers_from_native("npm", "^1.2.9 || 2.0.x").to_string()
        'vers:npm/>=1.2.9|<2.0.0|>=2.0.0|<2.1.0'
    """
    vers_type = scheme.strip().lower()
    version_scheme = scheme_for_type(vers_type)
    spelling = _SPELLINGS.get(vers_type, _DEFAULT)
    text = native_range
    if spelling.split_options:
        text = text.split(spelling.split_options, 1)[0]
    desugar = getattr(version_scheme, "desugar_range", None)
    if desugar is None:
        versions = version_scheme.parse_range(text, include_prerelease=True)
        return vers_from_version_set(vers_type, versions)
    groups: Desugaring = desugar(text)
    if not groups:
        raise InvalidRange(
            native_range,
            None,
            "the range holds no version, which VERS cannot write",
            what=f"{vers_type} range",
        )
    if any(not group for group in groups):
        return Vers(vers_type, spelling.everything)
    constraints = [_spell(c, spelling) for group in groups for c in group]
    keyed = [
        (ConstraintOrder(version_scheme.parse_version(c.version), c.comparator), c)
        for c in constraints
    ]
    keyed.sort(key=lambda pair: pair[0])
    return Vers(vers_type, tuple(c for _, c in keyed))


def _spell(comparator: Comparator, spelling: _Spelling) -> VersConstraint:
    version = comparator.version
    if spelling.prefix and version.startswith(spelling.prefix):
        version = version[len(spelling.prefix) :]
    op: VersComparator = comparator.operator
    if op in ("<", "<=") and spelling.upper_suffix:
        version = version.removesuffix(spelling.upper_suffix)
    if op in (">", ">=") and spelling.lower_suffix:
        version = version.removesuffix(spelling.lower_suffix)
    return VersConstraint(op, version)


def vers_from_version_set(scheme: str, versions: VersionSet[Version]) -> Vers:
    """The VERS of a set of versions: one constraint per bound, ``=`` for single points.

    Exact for sets whose pre-releases follow the releases (VERS has no pre-release rule):
    the releases half of ``versions`` is written.
    """
    vers_type = scheme.strip().lower()
    if vers_type not in VERS_TYPES:
        scheme_for_type(vers_type)  # raises UnknownSchemeError
    ranges = versions.releases
    if ranges.is_full():
        return Vers(vers_type, _STAR)
    constraints: list[VersConstraint] = []
    for segment in ranges:
        lower, upper = segment.lower, segment.upper
        if lower is not None and upper is not None and lower == upper:
            constraints.append(VersConstraint("=", str(lower.version)))
            continue
        if lower is not None:
            constraints.append(VersConstraint(">=" if lower.inclusive else ">", str(lower.version)))
        if upper is not None:
            constraints.append(VersConstraint("<=" if upper.inclusive else "<", str(upper.version)))
    if not constraints:
        raise ValueError(f"VERS cannot write an empty set of {vers_type} versions")
    return Vers(vers_type, tuple(constraints))


def vers_to_native(vers: Vers) -> str:
    """Write a VERS specifier in its ecosystem's native range syntax.

    The native text holds exactly the versions of :meth:`Vers.to_version_set` when the
    syntax can say so. VERS places pre-releases by order alone, which npm, Cargo and PEP 440
    ranges cannot write (they hold pre-releases only where a comparator names one); for
    those the releases are written exactly and the pre-releases follow the ecosystem's own
    rule. Raises ``ValueError`` when even the releases cannot be written::

        >>> from polypac.vers import parse_vers
        >>> vers_to_native(parse_vers("vers:npm/>=1.2.3|<2.0.0"))
        '>=1.2.3 <2.0.0'
    """
    scheme = vers.version_scheme()
    versions = vers.to_version_set()
    try:
        return scheme.format_range(versions)
    except ValueError:
        return scheme.format_range(VersionSet(versions.releases, Ranges.empty()))
