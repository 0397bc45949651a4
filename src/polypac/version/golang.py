"""Go module versions: SemVer with a required ``v``, ``+incompatible`` and pseudo-versions.

A module version is canonical SemVer written with a leading ``v`` (``v1.2.3``,
``v2.0.0-rc.1``). Build metadata is not allowed, except ``+incompatible`` on a major version
2 or above of a module without a ``go.mod``; it takes no part in the order, as in Go's
``semver.Compare``. A pseudo-version names a commit; it is a pre-release, ordered by SemVer
precedence like any other, in one of three forms (Go modules reference, "Pseudo-versions")::

    vX.0.0-yyyymmddhhmmss-abcdefabcdef         no earlier tagged version
    vX.Y.Z-pre.0.yyyymmddhhmmss-abcdefabcdef   after the pre-release vX.Y.Z-pre
    vX.Y.(Z+1)-0.yyyymmddhhmmss-abcdefabcdef   after the release vX.Y.Z

    >>> from polypac.version.golang import SCHEME
    >>> v = SCHEME.parse_version
    >>> v("v1.2.3") < v("v1.2.4-0.20191109021931-daa7c04131f5") < v("v1.2.4")
    True
    >>> str(v("v1.2.4-0.20191109021931-daa7c04131f5").pseudo_base)
    'v1.2.3'

Go has no range syntax of its own. For VERS and OSV the scheme reads comparator lists
(``>=v1.2.3, <v2.0.0``, ``||`` between alternatives) in which pseudo-versions and other
pre-releases are placed by precedence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from polypac.errors import InvalidVersion
from polypac.version.scheme import Desugaring
from polypac.version.semver import (
    SemVer,
    comparator_groups_set,
    format_comparator_groups,
    parse_comparator_list,
    semver_error,
    split_prerelease,
    unify_halves,
)
from polypac.version.sets import VersionSet

__all__ = ["SCHEME", "GoScheme", "GoVersion", "parse_version"]

_NUMBER = r"0|[1-9][0-9]*"
_PRE_ID = r"0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*"
_VERSION = re.compile(
    rf"v({_NUMBER})\.({_NUMBER})\.({_NUMBER})"
    rf"(?:-((?:{_PRE_ID})(?:\.(?:{_PRE_ID}))*))?"
    r"(\+incompatible)?"
)
# The Go modules reference's pattern (module.IsPseudoVersion), less its build suffix.
_PSEUDO = re.compile(
    r"v[0-9]+\.(?:0\.0-|[0-9]+\.[0-9]+-(?:[^+]*\.)?0\.)[0-9]{14}-[A-Za-z0-9]+(?:\+incompatible)?"
)
_SHORTHAND = re.compile(r"v[0-9]+(?:\.[0-9]+)?")


@dataclass(frozen=True, slots=True, eq=False, init=False)
class GoVersion(SemVer):
    """A Go module version; ``str()`` writes it with its ``v``."""

    def __str__(self) -> str:
        return "v" + SemVer.__str__(self)

    @property
    def incompatible(self) -> bool:
        """Whether the version carries ``+incompatible``."""
        return self.build == ("incompatible",)

    @property
    def is_pseudo(self) -> bool:
        """Whether the version is a pseudo-version (names a commit, not a tag)."""
        return _PSEUDO.fullmatch(str(self)) is not None

    @property
    def pseudo_time(self) -> str | None:
        """A pseudo-version's commit time, ``yyyymmddhhmmss`` (UTC); else ``None``."""
        if not self.is_pseudo:
            return None
        return str(self.prerelease[-1]).split("-", 1)[0]

    @property
    def pseudo_revision(self) -> str | None:
        """A pseudo-version's revision identifier (12 hex digits of the commit hash)."""
        if not self.is_pseudo:
            return None
        return str(self.prerelease[-1]).split("-", 1)[1]

    @property
    def pseudo_base(self) -> GoVersion | None:
        """The tagged version a pseudo-version follows (``None`` for the
        ``vX.0.0-yyyymmddhhmmss-abcdef`` form and for versions that are not pseudo)."""
        if not self.is_pseudo or len(self.prerelease) == 1:
            return None
        if len(self.prerelease) == 2:  # vX.Y.(Z+1)-0.yyyymmddhhmmss-abcdef
            return GoVersion(self.major, self.minor, self.patch - 1)
        # vX.Y.Z-pre.0.yyyymmddhhmmss-abcdef
        return GoVersion(self.major, self.minor, self.patch, self.prerelease[:-2])


def parse_version(text: str) -> GoVersion:
    """Parse a canonical Go module version.

    >>> parse_version("v2.0.0+incompatible").incompatible
    True
    """
    what = "go version"
    if not isinstance(text, str):
        raise InvalidVersion(
            repr(text), None, f"expected a string, not {type(text).__name__}", what=what
        )
    m = _VERSION.fullmatch(text)
    if m is None:
        raise _error(text)
    major, minor, patch, pre, incompatible = m.groups()
    if incompatible and int(major) < 2:
        raise InvalidVersion(
            text,
            len(text) - len("+incompatible"),
            "+incompatible is only for major version 2 and above",
            what=what,
        )
    return GoVersion(
        int(major),
        int(minor),
        int(patch),
        split_prerelease(pre) if pre else (),
        ("incompatible",) if incompatible else (),
    )


def _error(text: str) -> InvalidVersion:
    what = "go version"
    if not text:
        return InvalidVersion(text, 0, "expected a version like v1.2.3, found nothing", what=what)
    if not text.startswith("v"):
        return InvalidVersion(text, 0, "Go module versions start with 'v' (v1.2.3)", what=what)
    if _SHORTHAND.fullmatch(text):
        return InvalidVersion(
            text,
            len(text),
            "a module version is written in full (v1.2.0, not v1.2)",
            what=what,
        )
    plus = text.find("+")
    if plus != -1 and _VERSION.fullmatch(text[:plus]):
        return InvalidVersion(
            text,
            plus,
            "the only build suffix a module version may have is +incompatible",
            what=what,
        )
    error = semver_error(text, 1, what)
    return InvalidVersion(text, error.position, error.problem, what=what)


class GoScheme:
    """Go module versions with comparator-list ranges (scheme name ``golang``)."""

    @property
    def name(self) -> str:
        """``golang``, the PURL type."""
        return "golang"

    def parse_version(self, text: str) -> GoVersion:
        """Parse one module version; raise :class:`~polypac.errors.InvalidVersion`."""
        return parse_version(text)

    def desugar_range(self, text: str) -> Desugaring:
        """A comparator list (``>=v1.2.3, <v2.0.0 || =v3.0.0``) as primitive comparators."""
        return parse_comparator_list(text, parse_version, what="go range")

    def parse_range(self, text: str, *, include_prerelease: bool = False) -> VersionSet[GoVersion]:
        """Parse a comparator list; pseudo-versions and other pre-releases are placed by
        precedence, so ``include_prerelease`` changes nothing."""
        return comparator_groups_set(self.desugar_range(text), parse_version)

    def format_range(self, versions: VersionSet[GoVersion]) -> str:
        """Write a set as a comparator list; ``ValueError`` for the empty set, or for a set
        whose pre-releases do not follow the same bounds as its releases."""
        return format_comparator_groups(unify_halves(versions, "go range"), str, what="go range")


SCHEME = GoScheme()
"""The Go scheme object the registry hands out."""
