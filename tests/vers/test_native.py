"""vers_from_native and vers_to_native: conversions keep the same versions."""

from __future__ import annotations

import itertools

import pytest

from polypac.errors import InvalidRange, UnknownSchemeError
from polypac.vers import parse_vers, vers_from_native, vers_from_version_set, vers_to_native
from polypac.vers._types import scheme_for_type

RELEASES = {
    "npm": [".".join(map(str, t)) for t in itertools.product(range(4), range(4), range(4))],
    "cargo": [".".join(map(str, t)) for t in itertools.product(range(4), range(4), range(4))],
    "pypi": [".".join(map(str, t)) for t in itertools.product(range(4), range(4))]
    + ["1", "2.1.5", "1.0.post1"],
    "gem": [".".join(map(str, t)) for t in itertools.product(range(4), range(4), range(3))],
    "nuget": [".".join(map(str, t)) for t in itertools.product(range(4), range(4), range(3))],
    "deb": ["0.9", "1.0", "1.0-1", "1.5", "2.0", "2.0~rc1", "3"],
    "maven": [".".join(map(str, t)) for t in itertools.product(range(4), range(4))],
}

# Native ranges with one group, or groups that do not overlap: VERS writes them exactly.
NATIVE = [
    ("npm", "^1.2.3"),
    ("npm", "~1.2.3"),
    ("npm", "1.2.x"),
    ("npm", "1.x || >=3.1.0"),
    ("npm", "1.2.3 - 2.3"),
    ("npm", ">=0.1.0 <1.0.0 || 2.0.0"),
    ("cargo", "^0.2.1"),
    ("cargo", ">=1.0.0, <1.3.0"),
    ("cargo", "~1.2"),
    ("pypi", ">=1.0,<2.1"),
    ("pypi", "~=1.2"),
    ("pypi", "==1.*"),
    ("pypi", ">=1.0,!=1.2,<3"),
    ("gem", "~> 2.1"),
    ("gem", ">= 1.0, < 2.2.1"),
    ("nuget", "[1.0, 2.0)"),
    ("nuget", "(1.1.0, 2.3.2]"),
    ("maven", "[1.0,2.0)"),
    ("maven", "(,1.0],[1.2,)"),
]


@pytest.mark.parametrize(("scheme", "native"), NATIVE, ids=[f"{s}:{n}" for s, n in NATIVE])
def test_from_native_keeps_the_releases(scheme: str, native: str) -> None:
    version_scheme = scheme_for_type(scheme)
    expected = version_scheme.parse_range(native, include_prerelease=True)
    vers = vers_from_native(scheme, native)
    wrong = [
        v
        for v in RELEASES[scheme]
        if vers.contains(v) is not expected.contains(version_scheme.parse_version(v))
    ]
    assert wrong == []
    assert parse_vers(vers.to_string()) == vers  # canonical: sorted, well encoded


@pytest.mark.parametrize(
    ("scheme", "native", "expected"),
    [
        ("npm", "^1.2.3", "vers:npm/>=1.2.3|<2.0.0"),
        ("npm", "*", "vers:npm/*"),
        ("npm", "=3.0.0-rc.1", "vers:npm/3.0.0-rc.1"),
        ("npm", ">=v1.0.0", "vers:npm/>=1.0.0"),
        ("cargo", "^1.2", "vers:cargo/>=1.2.0|<2.0.0"),
        ("conan", "*", "vers:conan/>=0.0.0"),
    ],
)
def test_from_native_spelling(scheme: str, native: str, expected: str) -> None:
    assert vers_from_native(scheme, native).to_string() == expected


VERS = [
    "vers:npm/>=1.2.3|<2.0.0",
    "vers:npm/1.0.0|>=2.0.0",
    "vers:npm/*",
    "vers:pypi/>=1.0|<2.0",
    "vers:pypi/<1.0|>=2.0",
    "vers:deb/>=1.0|<2.0",
    "vers:cargo/>=0.2.0|<0.3.0",
    "vers:maven/>=1.0|<2.0",
    "vers:nuget/>=1.0.0|<=2.0.0",
]


@pytest.mark.parametrize("text", VERS)
def test_to_native_keeps_the_versions(text: str) -> None:
    vers = parse_vers(text)
    scheme = scheme_for_type(vers.scheme)
    native = scheme.parse_range(vers_to_native(vers), include_prerelease=True)
    wrong = [
        v
        for v in RELEASES[vers.scheme]
        if vers.contains(v) is not native.contains(scheme.parse_version(v))
    ]
    assert wrong == []


@pytest.mark.parametrize("text", VERS)
def test_version_set_round_trip(text: str) -> None:
    vers = parse_vers(text)
    again = vers_from_version_set(vers.scheme, vers.to_version_set())
    assert again.to_version_set() == vers.to_version_set()


def test_invalid_native_range() -> None:
    with pytest.raises(InvalidRange):
        vers_from_native("npm", ">=1.0.0 <<2")


def test_unknown_type() -> None:
    with pytest.raises(UnknownSchemeError):
        vers_from_native("no-such-type", "1.0")
