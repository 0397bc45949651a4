"""The one model every syntax is read into and written from: a list of declared dependencies.

A :class:`Manifest` is what a requirements file, a ``package.json``, a ``Cargo.toml``, a
Debian control stanza or a Pac file says its project needs. Each :class:`Dependency` has a
name, an ecosystem-neutral :class:`Constraint` (an OR of ANDs of primitive comparators, as
:meth:`~polypac.version.scheme.RangeDesugarer.desugar_range` spells a native range out),
a :class:`Scope`, the :class:`Condition` s it holds under (PEP 508 markers, Cargo
``cfg(...)`` targets, Debian architecture and build-profile restrictions), the features or
extras it asks for, the other packages that would do instead (Debian alternatives), and a
download location when it names one instead of a registry version.

What a target cannot say is a :class:`Loss`, reported item by item.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from polypac.errors import ParseError
from polypac.version.scheme import Desugaring, get_scheme
from polypac.version.sets import VersionSet

__all__ = [
    "ANY",
    "Alternative",
    "Condition",
    "Constraint",
    "Dependency",
    "Feature",
    "Loss",
    "Manifest",
    "Scope",
    "TranslateError",
]

ANY: Desugaring = ((),)
"""The constraint every version meets: one group with no comparator."""


class TranslateError(ParseError):
    """An input that cannot be read as the syntax it was said to be in."""

    what_default = "dependency declaration"


class Scope(enum.Enum):
    """Why a dependency is declared."""

    RUNTIME = "runtime"
    DEV = "dev"
    OPTIONAL = "optional"
    BUILD = "build"
    PEER = "peer"


@dataclass(frozen=True, slots=True)
class Constraint:
    """The versions a dependency accepts: any of ``groups``, all comparators within one.

    Versions stay as written (``Comparator.version`` is text, so ``1.2`` is not turned into
    ``1.2.0``); ``scheme`` names the version scheme (``pypi``, ``npm``, ``cargo``, ``deb``)
    that gives them their order and pre-release rules, and :meth:`version` parses one.

        >>> from polypac.version.scheme import Comparator
        >>> c = Constraint("pypi", ((Comparator(">=", "1.2"), Comparator("<", "2")),))
        >>> str(c), c.versions().contains(c.version("1.9"))
        ('>=1.2,<2', True)
    """

    scheme: str
    groups: Desugaring = ANY

    @property
    def is_any(self) -> bool:
        """Whether every version is accepted."""
        return any(not group for group in self.groups)

    def version(self, text: str) -> Any:
        """``text`` parsed as a version of this constraint's scheme."""
        return get_scheme(self.scheme).parse_version(text)

    def versions(self) -> VersionSet[Any]:
        """The set of versions accepted, under the scheme's own rules (pre-releases too)."""
        from polypac.translate._native import native_range

        scheme = get_scheme(self.scheme)
        result: VersionSet[Any] = VersionSet.empty()
        for group in self.groups:
            result = result | scheme.parse_range(native_range(self.scheme, (group,)))
        return result

    def __str__(self) -> str:
        return " || ".join(",".join(map(str, group)) or "*" for group in self.groups)


@dataclass(frozen=True, slots=True)
class Condition:
    """When a dependency applies, in the words of the ecosystem that said it.

    ``kind`` is ``marker`` (PEP 508), ``cfg`` (a Cargo ``[target.'...']`` key),
    ``arch`` (a Debian architecture restriction list, ``amd64 !i386``), ``profile`` (a
    Debian build-profile formula, ``!nocheck``) or ``arch-qualifier`` (Debian's
    ``:any``, ``:native``, ``:amd64``); ``text`` is the condition as written.
    """

    kind: str
    text: str

    def __str__(self) -> str:
        return f"{self.kind} {self.text}"


@dataclass(frozen=True, slots=True)
class Alternative:
    """A package that would do instead of the dependency (Debian's ``a | b``)."""

    name: str
    constraint: Constraint
    conditions: tuple[Condition, ...] = ()


@dataclass(frozen=True, slots=True)
class Dependency:
    """One declared dependency.

    ``features`` are PEP 508 extras or Cargo features asked of it; ``default_features``
    is Cargo's ``default-features``; ``location`` holds where it comes from instead of the
    registry, as ``(key, value)`` pairs in its ecosystem's words (``("url", ...)``,
    ``("git", ...)``, ``("path", ...)``, ``("npm", "github:user/repo")``); ``line`` is
    where it was declared (0 when unknown) and ``source_text`` how.
    """

    name: str
    constraint: Constraint
    scope: Scope = Scope.RUNTIME
    conditions: tuple[Condition, ...] = ()
    features: tuple[str, ...] = ()
    default_features: bool = True
    alternatives: tuple[Alternative, ...] = ()
    location: tuple[tuple[str, str], ...] = ()
    line: int = 0
    source_text: str = ""


@dataclass(frozen=True, slots=True)
class Feature:
    """A feature of the project itself (Cargo's ``[features]``): what enabling it enables,
    as written (``dep:openssl``, ``serde/std``, ``other-feature``)."""

    name: str
    enables: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Manifest:
    """The dependencies one file declares, and the project's own features."""

    dependencies: tuple[Dependency, ...] = ()
    features: tuple[Feature, ...] = ()


@dataclass(frozen=True, slots=True)
class Loss:
    """Something the target syntax cannot say exactly: which ``item``, how it was written
    (``source_text``), and why (``reason``, which also says what was written instead)."""

    item: str
    source_text: str
    reason: str

    def __str__(self) -> str:
        return f"loss: {self.item}: {self.reason}"
