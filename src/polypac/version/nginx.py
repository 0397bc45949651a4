"""nginx versions and the version lists of nginx security advisories.

nginx versions are three numbers (``1.25.3``). An even minor number marks a *stable*
branch (``1.24.x``), an odd one the *mainline* (``1.25.x``). The advisories at
https://nginx.org/en/security_advisories.html list versions as comma-separated items:

- ``1.5.10``: that version;
- ``0.7.52-0.8.39``: every version from one to the other, both included;
- ``1.24.0+``: that version and later ones *of its branch*: on a stable branch up to the
  next minor (``>=1.24.0 <1.25.0``), on the mainline without end (``>=1.25.4``);
- ``all`` and ``none``.

::

    >>> from polypac.version.nginx import SCHEME
    >>> r = SCHEME.parse_range("1.25.4+, 1.24.0+")
    >>> [r.contains(SCHEME.parse_version(t)) for t in ("1.24.3", "1.25.0", "1.27.1")]
    [True, False, True]

nginx has no pre-releases; ``include_prerelease`` changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from polypac.errors import InvalidRange, InvalidVersion
from polypac.version._ranges import Bound, Ranges, Segment
from polypac.version.scheme import Comparator, Desugaring
from polypac.version.sets import VersionSet

__all__ = ["SCHEME", "NginxScheme", "NginxVersion"]

_VERSION = re.compile(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)", re.ASCII)


@dataclass(frozen=True, slots=True, order=True)
class NginxVersion:
    """An nginx version: major, minor and patch numbers."""

    major: int
    minor: int
    patch: int

    @property
    def is_prerelease(self) -> bool:
        """Always ``False``: nginx has no pre-releases."""
        return False

    @property
    def is_stable(self) -> bool:
        """Whether the version is on a stable branch (an even minor number)."""
        return self.minor % 2 == 0

    def next_minor(self) -> NginxVersion:
        """The first version of the next branch: ``1.24.3`` -> ``1.25.0``."""
        return NginxVersion(self.major, self.minor + 1, 0)

    def next_patch(self) -> NginxVersion:
        """The version right after this one: ``1.24.3`` -> ``1.24.4``."""
        return NginxVersion(self.major, self.minor, self.patch + 1)

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"


def _first_bad(text: str) -> int:
    """The offset where ``text`` stops being three dot-separated numbers."""
    i = 0
    for part in range(3):
        if part:
            if i >= len(text) or text[i] != ".":
                return i
            i += 1
        start = i
        while i < len(text) and text[i] in "0123456789":
            i += 1
        if i == start or (text[start] == "0" and i - start > 1):
            return start
    return i


def _version(text: str, offset: int, whole: str, *, in_range: bool) -> NginxVersion:
    match = _VERSION.fullmatch(text)
    if match is None:
        at = _first_bad(text)
        problem = "expected a version of three numbers such as 1.25.3"
        if in_range:
            raise InvalidRange(whole, offset + at, problem, what="nginx version list")
        raise InvalidVersion(text, at if text else None, problem, what="nginx version")
    major, minor, patch = (int(g) for g in match.groups())
    return NginxVersion(major, minor, patch)


@dataclass(frozen=True, slots=True)
class _Item:
    """One item of an advisory list, as the interval it names."""

    lower: NginxVersion | None
    upper: NginxVersion | None
    upper_inclusive: bool
    everything: bool = False
    nothing: bool = False

    def ranges(self) -> Ranges[NginxVersion]:
        if self.nothing:
            return Ranges.empty()
        if self.everything:
            return Ranges.full()
        # Versions are discrete, so every segment is kept half-open, [a, b): equal sets are
        # then equal field by field, and complements stay half-open.
        lower = None if self.lower is None else Bound(self.lower, True)
        if self.upper is None:
            return Ranges.between(lower, None)
        end = self.upper.next_patch() if self.upper_inclusive else self.upper
        return Ranges.between(lower, Bound(end, False))

    def comparators(self) -> list[tuple[Comparator, ...]]:
        if self.nothing:
            return []
        if self.everything or self.lower is None:
            return [()]
        if self.upper == self.lower:
            return [(Comparator("=", str(self.lower)),)]
        group = [Comparator(">=", str(self.lower))]
        if self.upper is not None:
            group.append(Comparator("<=" if self.upper_inclusive else "<", str(self.upper)))
        return [tuple(group)]


def _items(text: str) -> list[_Item]:
    what = "nginx version list"
    items: list[_Item] = []
    offset = 0
    for piece in text.split(","):
        lead = len(piece) - len(piece.lstrip())
        item = piece.strip()
        at = offset + lead
        offset += len(piece) + 1
        if item.lower() == "all":
            items.append(_Item(None, None, False, everything=True))
        elif item.lower() == "none":
            items.append(_Item(None, None, False, nothing=True))
        elif not item:
            problem = "expected a version, 'V+', 'V-W', 'all' or 'none'"
            raise InvalidRange(
                text, min(at, max(len(text) - 1, 0)) if text else None, problem, what=what
            )
        elif item.endswith("+"):
            start = _version(item[:-1].rstrip(), at, text, in_range=True)
            end = start.next_minor() if start.is_stable else None
            items.append(_Item(start, end, False))
        elif "-" in item:
            low, _, high = item.partition("-")
            start = _version(low.strip(), at, text, in_range=True)
            high_at = at + len(low) + 1 + len(high) - len(high.lstrip())
            end = _version(high.strip(), high_at, text, in_range=True)
            if end < start:
                raise InvalidRange(text, high_at, "the range ends before it starts", what=what)
            items.append(_Item(start, end, True))
        else:
            version = _version(item, at, text, in_range=True)
            items.append(_Item(version, version, True))
    return items


def _format_segment(segment: Segment[NginxVersion]) -> str:
    lower, upper = segment.lower, segment.upper
    if lower is None:
        raise ValueError("nginx version lists start every item at a version")
    start = lower.version if lower.inclusive else lower.version.next_patch()
    if upper is None:
        if start.is_stable:  # the stable branch, then the mainline and on
            return f"{start}+, {start.next_minor()}+"
        return f"{start}+"
    end = upper.version
    if upper.inclusive:
        end = end.next_patch()
    if end.patch > 0:
        last = NginxVersion(end.major, end.minor, end.patch - 1)
        return str(start) if last == start else f"{start}-{last}"
    branch = NginxVersion(end.major, end.minor - 1, 0) if end.minor > 0 else None
    if branch is None or not branch.is_stable or start > branch.next_minor():
        raise ValueError(f"nginx cannot end a list item just below {end}")
    if start >= branch:
        return f"{start}+"
    return f"{start}-{branch}, {branch}+"  # up to the stable branch, then all of it


@dataclass(frozen=True, slots=True)
class NginxScheme:
    """nginx versions and advisory version lists."""

    name: str = "nginx"

    def parse_version(self, text: str) -> NginxVersion:
        """Parse one version such as ``1.25.3``."""
        return _version(text, 0, text, in_range=False)

    def parse_range(
        self, text: str, *, include_prerelease: bool = False
    ) -> VersionSet[NginxVersion]:
        """Parse an advisory list such as ``0.7.52-0.8.39, 1.5.0+``."""
        ranges: Ranges[NginxVersion] = Ranges.empty()
        for item in _items(text):
            ranges = ranges.union(item.ranges())
        return VersionSet(ranges, ranges)

    def desugar_range(self, text: str) -> Desugaring:
        """Each item as comparators: ``0.8.40+`` -> ``>=0.8.40 <0.9.0``.

        >>> [[str(c) for c in g] for g in SCHEME.desugar_range("1.5.0+, 1.4.1+")]
        [['>=1.5.0'], ['>=1.4.1', '<1.5.0']]
        """
        groups: list[tuple[Comparator, ...]] = []
        for item in _items(text):
            groups.extend(item.comparators())
        return tuple(groups)

    def format_range(self, versions: VersionSet[NginxVersion]) -> str:
        """Write a set as an advisory list; raise ``ValueError`` where the list cannot."""
        segments = versions.releases.segments
        if not segments:
            return "none"
        if versions.releases.is_full():
            return "all"
        return ", ".join(_format_segment(segment) for segment in segments)


SCHEME = NginxScheme()
"""The nginx scheme (``nginx``)."""
