"""Python requirements and their Debian needs as one problem: a release built from its
sdist brings its PEP 725 [external] needs, and a release whose needs apt cannot meet is
ruled out so that PubGrub finds another."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from polypac.ecosystems.debian.install import AptCache, InstallFailure
from polypac.ecosystems.python.external import parse_external_requirement
from polypac.ecosystems.python.lock import Failure
from polypac.ecosystems.python.provider import Environment
from polypac.net import HttpClient
from polypac.resolve.system import JointResolution, resolve_with_debian
from tests.ecosystems.python._fake_index import (
    json_page,
    json_reply,
    metadata_text,
    sha256,
    wheel_bytes,
)
from tests.ecosystems.python.test_sdist import sdist
from tests.net._server import FakeServer, Reply, serve

PY312 = Environment.target("3.12", "linux")


def _apt(*names: str) -> AptCache:
    text = "\n".join(f"Package: {n}\nVersion: 1.0-1\nArchitecture: amd64\n" for n in names)
    return AptCache.from_texts([text])


def _native(version: str, needs: str) -> bytes:
    """An sdist whose pyproject.toml is static and asks for ``needs`` to build."""
    project = (
        f'[project]\nname = "native"\nversion = "{version}"\n\n'
        f'[external]\nhost-requires = ["{needs}"]\n'
    )
    return sdist("native", version, info=None, project=project)


def _index(fake: FakeServer, files: Mapping[str, bytes]) -> str:
    """A simple index of ``files`` (name -> content), each project's page listing its own."""
    pages: dict[str, list[str]] = {}
    for filename in files:
        pages.setdefault(filename.split("-", 1)[0], []).append(filename)
    for project, names in pages.items():
        entries = [
            {
                "filename": n,
                "url": f"/files/{n}",
                "hashes": {"sha256": sha256(files[n])},
                "upload-time": "2024-01-01T00:00:00Z",
            }
            for n in names
        ]
        fake.scripts[f"/simple/{project}/"] = [json_reply(json_page(*entries))]
    for filename, content in files.items():
        fake.scripts[f"/files/{filename}"] = [Reply(200, content)]
    return fake.url("/simple")


@pytest.fixture
def client(tmp_path: Path) -> Iterator[HttpClient]:
    with HttpClient(tmp_path / "cache", retries=0, timeout=5.0) as made:
        yield made


APP = {"app-1.0-py3-none-any.whl": wheel_bytes("app", "1.0", metadata_text("app", "1.0", "native"))}


def test_a_release_whose_needs_apt_cannot_meet_is_ruled_out(client: HttpClient) -> None:
    files = {
        **APP,
        "native-2.0.tar.gz": _native("2.0", "pkg:deb/debian/libnew-dev"),
        "native-1.0.tar.gz": _native("1.0", "pkg:deb/debian/libold-dev"),
    }
    with serve() as fake:
        url = _index(fake, files)
        answer = resolve_with_debian(
            ["app"],
            [],
            environment=PY312,
            client=client,
            cache=_apt("libold-dev"),
            index_urls=[url],
        )
    assert isinstance(answer, JointResolution)
    assert answer.python.pins() == {"app": "1.0", "native": "1.0"}
    assert [p.name for p in answer.plan.install] == ["libold-dev"]
    assert [(r.name, r.version) for r in answer.ruled_out] == [("native", "2.0")]
    assert answer.ruled_out[0].reason.startswith(
        "its [external] needs cannot be installed from Debian:"
    )
    assert [(n.name, n.version) for n in answer.needs] == [("native", "1.0")]


def test_a_wheel_brings_its_libraries_and_needs_nothing(client: HttpClient) -> None:
    wheel = wheel_bytes("native", "2.0", metadata_text("native", "2.0"))
    files = {
        **APP,
        "native-2.0.tar.gz": _native("2.0", "pkg:deb/debian/libnew-dev"),
        "native-2.0-py3-none-any.whl": wheel,
    }
    with serve() as fake:
        url = _index(fake, files)
        answer = resolve_with_debian(
            ["app"], [], environment=PY312, client=client, cache=_apt(), index_urls=[url]
        )
    assert isinstance(answer, JointResolution)
    assert answer.python.pins()["native"] == "2.0"
    assert (answer.needs, answer.plan.install, answer.ruled_out) == ((), (), ())
    assert [path for path, _ in fake.requests if path.endswith(".tar.gz")] == []


def test_no_release_fits_and_pubgrub_says_why(client: HttpClient) -> None:
    files = {**APP, "native-2.0.tar.gz": _native("2.0", "pkg:deb/debian/libnew-dev")}
    with serve() as fake:
        url = _index(fake, files)
        answer = resolve_with_debian(
            ["app"], [], environment=PY312, client=client, cache=_apt(), index_urls=[url]
        )
    assert isinstance(answer, Failure)
    assert "its [external] needs cannot be installed from Debian" in answer.explanation
    assert "native" in answer.explanation


def test_the_projects_own_needs_fail_first(client: HttpClient) -> None:
    own = [parse_external_requirement("pkg:deb/debian/libmissing-dev", key="host-requires")]
    with serve() as fake:
        url = _index(fake, APP)
        answer = resolve_with_debian(
            ["app"], own, environment=PY312, client=client, cache=_apt(), index_urls=[url]
        )
        assert fake.requests == []  # no Python release can help: nothing was fetched
    assert isinstance(answer, InstallFailure)
    assert any("libmissing-dev" in reason for reason in answer.reasons)


def test_needs_that_conflict_only_together_name_their_releases(client: HttpClient) -> None:
    # each sdist needs a package apt has; the two packages conflict with each other
    apt = AptCache.from_texts(
        [
            "Package: liba-dev\nVersion: 1.0-1\nArchitecture: amd64\nConflicts: libb-dev\n\n"
            "Package: libb-dev\nVersion: 1.0-1\nArchitecture: amd64\n"
        ]
    )

    def sdist_needing(name: str, needs: str) -> bytes:
        project = (
            f'[project]\nname = "{name}"\nversion = "1.0"\n\n'
            f'[external]\nhost-requires = ["{needs}"]\n'
        )
        return sdist(name, "1.0", info=None, project=project)

    files = {
        "alpha-1.0.tar.gz": sdist_needing("alpha", "pkg:deb/debian/liba-dev"),
        "beta-1.0.tar.gz": sdist_needing("beta", "pkg:deb/debian/libb-dev"),
        "gamma-1.0.tar.gz": sdist_needing("gamma", "pkg:deb/debian/liba-dev"),
    }
    with serve() as fake:
        url = _index(fake, files)
        answer = resolve_with_debian(
            ["alpha", "beta", "gamma"],
            [],
            environment=PY312,
            client=client,
            cache=lambda: apt,
            index_urls=[url],
        )
    assert isinstance(answer, InstallFailure)
    # the smallest conflicting set, by deletion in the resolution's order: alpha goes first
    assert answer.reasons[0] == (
        "the Debian needs of beta 1.0, gamma 1.0 (each installable alone) cannot be installed"
        " together"
    )
    assert answer.hint.startswith("pin one of them")
