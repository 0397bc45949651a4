"""Locks from a resolution of recorded PyPI answers: pylock.toml (PEP 751) and
requirements.txt with hashes, byte-identical run after run, read back by polypac's readers."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from polypac.ecosystems.python.lock import (
    Resolution,
    resolve_requirements,
    write_pylock,
    write_requirements_txt,
)
from polypac.ecosystems.python.provider import Environment
from polypac.ecosystems.python.pylock import read_pylock
from polypac.ecosystems.python.requirements import read_requirements
from polypac.net import HttpClient
from tests.ecosystems.python._fake_index import recorded_index, request_settings, uv_pins
from tests.net._server import FakeServer

SETTINGS = request_settings()


@pytest.fixture(scope="module")
def recorded() -> Iterator[FakeServer]:
    with recorded_index() as fake:
        yield fake


def _resolution(fake: FakeServer, cache: Path) -> Resolution:
    with HttpClient(cache) as client:
        answer = resolve_requirements(
            SETTINGS["requirements"],
            environment=Environment.target("3.12", "linux"),
            client=client,
            exclude_newer=datetime.fromisoformat(SETTINGS["exclude_newer"]),
            index_urls=[fake.url("/simple")],
        )
    assert isinstance(answer, Resolution)
    return answer


@pytest.fixture(scope="module")
def resolution(recorded: FakeServer, tmp_path_factory: pytest.TempPathFactory) -> Resolution:
    return _resolution(recorded, tmp_path_factory.mktemp("cache"))


def test_locks_are_byte_identical(
    recorded: FakeServer, resolution: Resolution, tmp_path: Path
) -> None:
    again = _resolution(recorded, tmp_path / "other-cache")
    assert write_pylock(again) == write_pylock(resolution)
    assert write_requirements_txt(again) == write_requirements_txt(resolution)


def test_pylock_fields(resolution: Resolution) -> None:
    document = tomllib.loads(write_pylock(resolution))
    assert document["lock-version"] == "1.0"
    assert document["created-by"] == "polypac"
    assert document["requires-python"] == "==3.12.*"
    names = [p["name"] for p in document["packages"]]
    assert names == sorted(names)
    assert {p["name"]: p["version"] for p in document["packages"]} == uv_pins()
    for package, locked in zip(document["packages"], resolution.packages, strict=True):
        assert "marker" not in package
        assert package["index"] == locked.index
        files = [*package.get("wheels", []), *([package["sdist"]] if "sdist" in package else [])]
        assert files, f"{package['name']} has no file"
        for entry in files:
            assert set(entry) == {"name", "url", "hashes", "upload-time", "size"}
            assert entry["url"].endswith("/" + entry["name"])
            assert len(entry["hashes"]["sha256"]) == 64
            assert isinstance(entry["upload-time"], datetime)
            assert entry["upload-time"] < datetime.fromisoformat(SETTINGS["exclude_newer"])


def test_pylock_read_back(resolution: Resolution) -> None:
    graph = read_pylock(write_pylock(resolution), source="pylock.toml").graph
    found = {n.purl.name: n.purl.version for n in graph.nodes.values() if n.purl.type == "pypi"}
    assert found == uv_pins()


def test_requirements_txt_hashes(resolution: Resolution) -> None:
    text = write_requirements_txt(resolution)
    result = read_requirements(text, source="requirements.txt")
    nodes = result.graph.nodes.values()
    found = {n.purl.name: n.purl.version for n in nodes if n.purl.type == "pypi"}
    assert found == uv_pins()
    for package in resolution.packages:
        files = [*package.wheels, *([package.sdist] if package.sdist else [])]
        for file in files:
            assert f"--hash=sha256:{dict(file.hashes)['sha256']}" in text
    assert "    # via (requested)\n" in text
