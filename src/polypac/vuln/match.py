"""Whether an OSV record affects a package version, by the OSV 1.7 evaluation rules.

A record affects ``pkg:type/name@version`` when one of its ``affected[]`` entries names
that package (by its ``purl`` or its ecosystem and name) and either lists the version in
``versions`` or holds it in an ECOSYSTEM or SEMVER range. Ranges are walked in version
order: ``introduced`` opens ("0" is before every version), ``fixed`` closes before the
version, ``last_affected`` closes after it, and ``limit`` caps the whole range. GIT
ranges name commits and are left out of version matching.

A version the ecosystem's scheme cannot parse is matched only against the ``versions``
list, and reported as "possibly" affected, never as an error.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from polypac.errors import InvalidVersion, PolypacError
from polypac.purl import PackageURL
from polypac.version import get_scheme
from polypac.vuln.osv import Affected, Event, OsvRange, OsvRecord, Severity, package_key

__all__ = ["Finding", "Verdict", "affects", "assess", "finding"]


class Verdict(enum.Enum):
    """How a record applies to one package version."""

    UNAFFECTED = "unaffected"
    AFFECTED = "affected"
    POSSIBLY = "possibly affected"  # the version is listed, but its scheme cannot parse it


@dataclass(frozen=True, slots=True)
class Finding:
    """One record that affects a package version: what a report shows of it."""

    id: str
    aliases: tuple[str, ...]
    summary: str
    severity: tuple[Severity, ...]
    database_severity: str | None
    fixed: tuple[str, ...]
    verdict: Verdict

    @property
    def cvss_vectors(self) -> tuple[str, ...]:
        """The CVSS vectors among the record's severities."""
        return tuple(s.score for s in self.severity if s.type.startswith("CVSS"))


def _scheme(name: str) -> Any:
    try:
        return get_scheme(name)
    except PolypacError:
        return None


def _parse(scheme: Any, text: str) -> Any:
    try:
        return scheme.parse_version(text)
    except (InvalidVersion, ValueError):
        return None


def _in_range(scheme: Any, version: Any, osv_range: OsvRange) -> bool:
    """The OSV evaluation of one range's events, in version order."""
    limits = []
    ordered: list[tuple[int, Any, Event]] = []
    for event in osv_range.events:
        if event.kind == "introduced" and event.version == "0":
            ordered.append((0, None, event))
            continue
        parsed = _parse(scheme, event.version)
        if parsed is None:
            continue  # an event the scheme cannot read cannot place the version
        if event.kind == "limit":
            limits.append(parsed)
        else:
            ordered.append((1, parsed, event))
    if limits and not any(version < limit for limit in limits):
        return False
    ordered.sort(key=_EventOrder)
    affected = False
    for rank, parsed, event in ordered:
        if event.kind == "introduced":
            if rank == 0 or not version < parsed:
                affected = True
        elif event.kind == "fixed":
            if not version < parsed:
                affected = False
        elif event.kind == "last_affected" and parsed < version:
            affected = False
    return affected


class _EventOrder:
    """Sort key for (rank, version, event): "0" first, then by version."""

    __slots__ = ("rank", "version")

    def __init__(self, item: tuple[int, Any, Event]) -> None:
        self.rank, self.version = item[0], item[1]

    def __lt__(self, other: _EventOrder) -> bool:
        if self.rank != other.rank:
            return self.rank < other.rank
        return self.rank == 1 and bool(self.version < other.version)


def _listed(scheme: Any, parsed: Any, text: str, versions: Sequence[str]) -> bool:
    if text in versions:
        return True
    if scheme is not None and scheme.name == "pypi":  # PEP 440 versions ignore case
        folded = text.casefold()
        if any(listed.casefold() == folded for listed in versions):
            return True
    if scheme is None or parsed is None:
        return False
    return any(_parse(scheme, listed) == parsed for listed in versions)


def _assess_entry(entry: Affected, purl_type: str, version: str) -> Verdict:
    scheme = _scheme(purl_type)
    parsed = _parse(scheme, version) if scheme is not None else None
    if entry.versions and _listed(scheme, parsed, version, entry.versions):
        return Verdict.AFFECTED if parsed is not None else Verdict.POSSIBLY
    for osv_range in entry.ranges:
        if osv_range.type == "SEMVER":
            semver = _scheme("semver")
            semver_version = _parse(semver, version.removeprefix("v"))
            if semver_version is not None and _in_range(semver, semver_version, osv_range):
                return Verdict.AFFECTED
        elif (
            osv_range.type == "ECOSYSTEM"
            and parsed is not None
            and _in_range(scheme, parsed, osv_range)
        ):
            return Verdict.AFFECTED
    return Verdict.UNAFFECTED


def assess(record: OsvRecord, purl: PackageURL) -> Verdict:
    """How ``record`` applies to the package and version of ``purl``.

    A withdrawn record, or a PURL without a version, is never affected.
    """
    if record.is_withdrawn or purl.version is None:
        return Verdict.UNAFFECTED
    key = package_key(purl.type, purl.namespace, purl.name)
    best = Verdict.UNAFFECTED
    for entry in record.affected:
        if entry.package_key != key:
            continue
        verdict = _assess_entry(entry, purl.type, purl.version)
        if verdict is Verdict.AFFECTED:
            return verdict
        if verdict is Verdict.POSSIBLY:
            best = verdict
    return best


def affects(record: OsvRecord, purl: PackageURL) -> bool:
    """Whether ``record`` affects (or possibly affects) the version of ``purl``.

    >>> from polypac.purl import parse_purl
    >>> from polypac.vuln.osv import record_from_mapping
    >>> record = record_from_mapping({"id": "X-1", "affected": [{
    ...     "package": {"ecosystem": "crates.io", "name": "foo"},
    ...     "ranges": [{"type": "SEMVER",
    ...                 "events": [{"introduced": "0"}, {"fixed": "1.2.0"}]}]}]})
    >>> affects(record, parse_purl("pkg:cargo/foo@1.1.9")), affects(record, parse_purl(
    ...     "pkg:cargo/foo@1.2.0"))
    (True, False)
    """
    return assess(record, purl) is not Verdict.UNAFFECTED


def finding(record: OsvRecord, purl: PackageURL) -> Finding | None:
    """The finding ``record`` makes about ``purl``, or ``None`` when it does not affect it."""
    verdict = assess(record, purl)
    if verdict is Verdict.UNAFFECTED:
        return None
    key = package_key(purl.type, purl.namespace, purl.name)
    fixed = tuple(
        dict.fromkeys(v for e in record.affected if e.package_key == key for v in e.fixed_versions)
    )
    return Finding(
        id=record.id,
        aliases=record.aliases,
        summary=record.summary,
        severity=record.severity,
        database_severity=record.database_severity,
        fixed=fixed,
        verdict=verdict,
    )
