"""Real inputs: the fixtures of tests/ecosystems and a Debian 12 control record."""

from __future__ import annotations

from pathlib import Path

import pytest
from packaging.utils import canonicalize_name

from polypac.errors import ParseError
from polypac.translate import FORMATS, Dependency, Scope, read, translate
from tests.translate._support import Allows

TESTS = Path(__file__).parent.parent
FIXTURES = {
    "requirements": TESTS / "ecosystems/python/fixtures/requirements/requirements.txt",
    "package.json": TESTS / "ecosystems/npm/fixtures/demo-app/package.json",
    "cargo": TESTS / "ecosystems/cargo/fixtures/workspace/app/Cargo.toml",
    "debian": TESTS / "translate/fixtures/debian/apt-cache-show.control",
}


def _key(name: str) -> str:
    return canonicalize_name(name)


@pytest.mark.parametrize("source", list(FIXTURES))
@pytest.mark.parametrize("target", FORMATS)
def test_nothing_is_dropped_silently(source: str, target: str) -> None:
    """Every dependency read is in the translation, or a loss names it."""
    text = FIXTURES[source].read_text()
    result = translate(text, source_format=source, target_format=target)
    written = read(result.text, target, source="translated").manifest
    present = {_key(d.name) for d in written.dependencies}
    present |= {_key(a.name) for d in written.dependencies for a in d.alternatives}
    named = {_key(loss.item) for loss in result.losses}
    for dependency in result.manifest.dependencies:
        assert _key(dependency.name) in present | named, dependency


@pytest.mark.parametrize("source", list(FIXTURES))
def test_roundtrip_through_pac(source: str) -> None:
    """X -> Pac -> X: every dependency Pac carried without loss allows the same versions."""
    text = FIXTURES[source].read_text()
    before = read(text, source, source=str(FIXTURES[source]))
    to_pac = translate(text, source_format=source, target_format="pac")
    back = translate(to_pac.text, source_format="pac", target_format=source)
    assert back.losses == ()
    after = read(back.text, source, source="round trip").manifest
    # Pac names no download location (hashes, paths, git): the versions still carry over
    lost = {loss.item for loss in to_pac.losses if "cannot say" not in loss.reason}
    checked = 0
    for dependency in before.manifest.dependencies:
        if dependency.name in lost:
            continue
        versions = {c.version for g in dependency.constraint.groups for c in g}
        versions.add({"npm": "1.0.0", "cargo": "1.0.0"}.get(before.scheme, "1"))
        old, new = Allows(before.manifest, dependency.name), Allows(after, dependency.name)
        for version in versions:
            assert old(version) == new(version), (dependency, version)
        checked += 1
    assert checked > 0


def test_requirements_fixture() -> None:
    reading = read(FIXTURES["requirements"].read_text(), "requirements", source="r.txt")
    certifi = reading.manifest.dependencies[0]
    assert (certifi.name, str(certifi.constraint), certifi.line) == (
        "certifi",
        "=2026.10.19.post1",
        3,
    )
    assert certifi.location[0][0] == "hash"


def test_package_json_fixture_scopes() -> None:
    reading = read(FIXTURES["package.json"].read_text(), "package.json", source="p.json")
    scopes = {d.name: d.scope for d in reading.manifest.dependencies}
    assert scopes == {
        "express": Scope.RUNTIME,
        "chalk": Scope.RUNTIME,
        "debug": Scope.RUNTIME,
        "typescript": Scope.DEV,
        "@types/ms": Scope.DEV,
        "ms": Scope.OPTIONAL,
    }


def test_cargo_fixture() -> None:
    reading = read(FIXTURES["cargo"].read_text(), "cargo", source="Cargo.toml")
    by_name = {d.name: d for d in reading.manifest.dependencies}
    assert by_name["rand"].default_features is False
    assert by_name["cc"].scope is Scope.BUILD
    assert [str(c) for c in by_name["libc"].conditions] == ["cfg cfg(unix)"]
    assert dict(by_name["demo-core"].location) == {"package": "core-lib", "path": "../crates/core"}


def test_debian_fixture() -> None:
    reading = read(FIXTURES["debian"].read_text(), "debian", source="control")
    by_name: dict[str, Dependency] = {}
    for dependency in reading.manifest.dependencies:
        by_name.setdefault(dependency.name, dependency)  # the first stanza's
    assert [a.name for a in by_name["debconf"].alternatives] == ["debconf-2.0"]
    assert str(by_name["git-man"].constraint) == ">1:2.39.5,<1:2.39.5-."
    assert [str(c) for c in by_name["perl"].conditions] == ["arch-qualifier any"]
    assert by_name["libc6"].line == 8
    same = translate(FIXTURES["debian"].read_text(), source_format="debian", target_format="debian")
    assert "debconf (>= 0.5) | debconf-2.0" in same.text
    assert all("only Depends" in loss.reason for loss in same.losses)


BAD = [
    ("requirements", "ok>=1\nbad line !!\n", "in.txt:2: invalid requirements file"),
    (
        "package.json",
        '{"dependencies": {"a": 1}}',
        "in.txt:1: invalid package.json: the range of 'a' must be a string",
    ),
    ("package.json", '{"dependencies": ', "in.txt:1: invalid package.json: not JSON"),
    ("cargo", "[dependencies]\na = \n", "in.txt:2: invalid Cargo.toml: invalid value"),
    ("cargo", '[dependencies]\na = "^^1"\n', "in.txt:2: invalid"),
    ("debian", "Package: x\nDepends: a (>= 1\n", "in.txt:2: invalid Debian relation"),
    (
        "pac",
        "scheme gem\nroot p 1\npackage p 1\n",
        "in.txt: invalid Pac file: translate reads Pac files in the schemes pypi, npm, cargo, deb",
    ),
]


@pytest.mark.parametrize(("syntax", "text", "message"), BAD)
def test_bad_input_is_a_located_error(syntax: str, text: str, message: str) -> None:
    with pytest.raises(ParseError) as caught:
        read(text, syntax, source="in.txt")
    assert str(caught.value).startswith(message)
