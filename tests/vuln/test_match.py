"""Matching one record against one package version, by the OSV evaluation rules."""

from __future__ import annotations

from typing import Any

import pytest

from polypac.purl import parse_purl
from polypac.vuln.match import Verdict, affects, assess, finding
from polypac.vuln.osv import OsvRecord, record_from_mapping
from tests.vuln._data import all_records, purl_of, record


def test_every_listed_version_is_affected() -> None:
    """For every record and every version in its ``versions`` list, ``affects`` is true."""
    checked = 0
    missed = []
    for osv in all_records():
        if osv.is_withdrawn:
            continue
        for entry in osv.affected:
            for version in entry.versions:
                checked += 1
                if not affects(osv, purl_of(entry, version)):
                    missed.append((osv.id, version))
    assert checked > 100_000
    assert missed == []


def _single_range_cases() -> list[Any]:
    """Records with one package, one (introduced, fixed) range, no contradicting list."""
    cases = []
    for osv in all_records():
        if osv.is_withdrawn or len(osv.affected) != 1:
            continue
        [entry] = osv.affected
        ranges = [r for r in entry.ranges if r.type != "GIT"]
        if len(ranges) != 1 or [e.kind for e in ranges[0].events] != ["introduced", "fixed"]:
            continue
        introduced, fixed = (e.version for e in ranges[0].events)
        if fixed in entry.versions:
            continue
        cases.append(pytest.param(osv, introduced, fixed, id=osv.id))
    return cases


@pytest.mark.parametrize(("osv", "introduced", "fixed"), _single_range_cases())
def test_introduced_is_affected_and_fixed_is_not(
    osv: OsvRecord, introduced: str, fixed: str
) -> None:
    entry = osv.affected[0]
    if introduced not in ("0", "0.0.0-0"):
        assert affects(osv, purl_of(entry, introduced))
    assert not affects(osv, purl_of(entry, fixed))


def test_rustsec_range_inside_and_fixed() -> None:
    osv = record("RUSTSEC-2016-0001")
    [event_in, event_fixed] = osv.affected[0].ranges[0].events
    assert (event_in.kind, event_fixed.kind) == ("introduced", "fixed")
    major, minor, _ = event_fixed.version.split(".")
    below = f"{major}.{int(minor) - 1}.99"
    assert affects(osv, parse_purl(f"pkg:cargo/openssl@{below}"))
    assert not affects(osv, parse_purl(f"pkg:cargo/openssl@{event_fixed.version}"))
    assert not affects(osv, parse_purl("pkg:cargo/openssl-sys@0.1.0"))
    found = finding(osv, parse_purl(f"pkg:cargo/openssl@{below}"))
    assert found is not None
    assert found.fixed == (event_fixed.version,)
    assert found.aliases == osv.aliases
    assert "CVE-2016-10931" in found.aliases
    assert found.cvss_vectors == tuple(s.score for s in osv.severity)


def test_last_affected_is_inclusive() -> None:
    osv = record("PYSEC-2022-42969")
    [entry] = osv.affected
    last = next(e.version for r in entry.ranges for e in r.events if e.kind == "last_affected")
    assert affects(osv, purl_of(entry, last))
    assert not affects(osv, purl_of(entry, last + ".post1"))


def test_withdrawn_records_never_affect() -> None:
    withdrawn = [r for r in all_records() if r.is_withdrawn]
    assert withdrawn
    for osv in withdrawn:
        for entry in osv.affected:
            for version in entry.versions[:3]:
                assert assess(osv, purl_of(entry, version)) is Verdict.UNAFFECTED


def _synthetic(ranges: list[dict[str, Any]], versions: list[str] | None = None) -> OsvRecord:
    return record_from_mapping(
        {
            "id": "TEST-1",
            "affected": [
                {
                    "package": {"ecosystem": "PyPI", "name": "Some_Package"},
                    "ranges": ranges,
                    "versions": versions or [],
                }
            ],
        }
    )


@pytest.mark.parametrize(
    ("version", "expected"),
    [("0.9", False), ("1.0", True), ("1.4", True), ("1.5", False), ("2.0", True), ("3.0", False)],
)
def test_limit_caps_the_range(version: str, expected: bool) -> None:
    osv = _synthetic(
        [
            {
                "type": "ECOSYSTEM",
                "events": [
                    {"introduced": "1.0"},
                    {"fixed": "1.5"},
                    {"introduced": "2.0"},
                    {"limit": "3.0"},
                ],
            }
        ]
    )
    assert affects(osv, parse_purl(f"pkg:pypi/some-package@{version}")) is expected


def test_git_ranges_are_ignored() -> None:
    osv = _synthetic([{"type": "GIT", "events": [{"introduced": "0"}, {"fixed": "abc123"}]}])
    assert not affects(osv, parse_purl("pkg:pypi/some-package@1.0"))


def test_unparseable_version_is_possibly_affected_only_when_listed() -> None:
    osv = _synthetic([{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}], ["not-pep-440!"])
    listed = parse_purl("pkg:pypi/some-package@not-pep-440!")
    other = parse_purl("pkg:pypi/some-package@also-not-pep-440!")
    assert assess(osv, listed) is Verdict.POSSIBLY
    assert assess(osv, other) is Verdict.UNAFFECTED
    assert assess(osv, parse_purl("pkg:pypi/some-package@7.0")) is Verdict.AFFECTED


def test_pep_503_names_match() -> None:
    osv = _synthetic([{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}])
    assert affects(osv, parse_purl("pkg:pypi/some.package@1.0"))
    assert not affects(osv, parse_purl("pkg:pypi/some-package"))  # no version, no match


@pytest.mark.parametrize(
    ("ecosystem", "name", "purl"),
    [
        ("crates.io", "serde", "pkg:cargo/serde@1.0.0"),
        ("npm", "@babel/core", "pkg:npm/%40babel/core@1.0.0"),
        ("Go", "github.com/gin-gonic/gin", "pkg:golang/github.com/gin-gonic/gin@v1.0.0"),
        ("RubyGems", "rails", "pkg:gem/rails@1.0.0"),
        (
            "Maven",
            "org.apache.logging.log4j:log4j-core",
            "pkg:maven/org.apache.logging.log4j/log4j-core@1.0.0",
        ),
        ("NuGet", "Newtonsoft.Json", "pkg:nuget/Newtonsoft.Json@1.0.0"),
        ("Packagist", "symfony/http-kernel", "pkg:composer/symfony/http-kernel@1.0.0"),
        ("Debian:12", "curl", "pkg:deb/debian/curl@1.0.0-1?arch=amd64"),
        ("PyPI", "Zope.Interface", "pkg:pypi/zope-interface@1.0.0"),
    ],
)
def test_ecosystem_names_map_to_purls(ecosystem: str, name: str, purl: str) -> None:
    osv = record_from_mapping(
        {
            "id": "TEST-2",
            "affected": [
                {
                    "package": {"ecosystem": ecosystem, "name": name},
                    "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}],
                }
            ],
        }
    )
    assert assess(osv, parse_purl(purl)) is Verdict.AFFECTED
