"""The PyPI provider: resolutions of recorded PyPI answers checked against uv's, the target
environment's rules (tags, requires-python, yanked, exclude-newer, extras, markers), and
failures in words."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from polypac.calculus.model import Package
from polypac.ecosystems.python.index import SimpleIndex
from polypac.ecosystems.python.lock import Failure, Resolution, resolve_requirements
from polypac.ecosystems.python.provider import ROOT_NAME, Environment, PypiProvider
from polypac.net import HttpClient, HttpStatusError
from polypac.solve import Available
from polypac.version.pypi import SCHEME
from tests.ecosystems.python._fake_index import (
    json_page,
    json_reply,
    metadata_text,
    recorded_index,
    request_settings,
    sha256,
    uv_pins,
)
from tests.net._server import FakeServer, serve

SETTINGS = request_settings()
CUTOFF = datetime.fromisoformat(SETTINGS["exclude_newer"])
PY312 = Environment.target("3.12", "linux")


@pytest.fixture
def client(tmp_path: Path) -> Iterator[HttpClient]:
    with HttpClient(tmp_path / "cache", retries=2) as http:
        http.sleep = lambda seconds: None
        yield http


@pytest.fixture(scope="module")
def recorded() -> Iterator[FakeServer]:
    with recorded_index() as fake:
        yield fake


def _resolve(requirements: list[str], client: HttpClient, fake: FakeServer) -> Any:
    return resolve_requirements(
        requirements,
        environment=PY312,
        client=client,
        exclude_newer=CUTOFF,
        index_urls=[fake.url("/simple")],
    )


def test_recorded_resolution_equals_uv(client: HttpClient, recorded: FakeServer) -> None:
    answer = _resolve(SETTINGS["requirements"], client, recorded)
    assert isinstance(answer, Resolution)
    assert answer.pins() == uv_pins()


def test_recorded_unsatisfiable_explanation(client: HttpClient, recorded: FakeServer) -> None:
    answer = _resolve(SETTINGS["unsatisfiable"][0], client, recorded)
    assert isinstance(answer, Failure)
    assert answer.explanation == (
        "Because you require httpx[socks] ==0.28.1 which depends on socksio ==1.*,"
        " you require socksio ==1.*.\n"
        "So, because you require socksio <1, version solving failed."
    )


# a small hand-made index: one page per project, PEP 658 metadata for every wheel


def _file(
    name: str,
    version: str,
    metadata: bytes | None,
    *,
    tag: str = "py3-none-any",
    uploaded: str = "2024-01-01T00:00:00Z",
    **extra: Any,
) -> tuple[dict[str, Any], str, bytes | None]:
    filename = f"{name}-{version}-{tag}.whl" if tag else f"{name}-{version}.tar.gz"
    entry: dict[str, Any] = {
        "filename": filename,
        "url": f"/files/{filename}",
        "hashes": {"sha256": sha256(filename.encode())},
        "upload-time": uploaded,
        **extra,
    }
    if metadata is not None:
        entry["core-metadata"] = {"sha256": sha256(metadata)}
    return entry, f"/files/{filename}.metadata", metadata


def _index(fake: FakeServer, projects: dict[str, list[tuple[dict[str, Any], str, Any]]]) -> str:
    for project, files in projects.items():
        fake.scripts[f"/simple/{project}/"] = [json_reply(json_page(*(f[0] for f in files)))]
        for _, path, metadata in files:
            if metadata is not None:
                fake.scripts[path] = [json_reply(metadata)]
    return fake.url("/simple")


def _provider(client: HttpClient, url: str, requirements: list[str], **options: Any) -> Any:
    return PypiProvider(SimpleIndex(client, [url]), PY312, requirements, **options)


def _versions(provider: PypiProvider, name: str) -> list[str]:
    return [str(v) for v in provider.versions(name)]


def test_installable_versions(client: HttpClient) -> None:
    meta = metadata_text("lib", "1")
    with serve() as fake:
        url = _index(
            fake,
            {
                "lib": [
                    _file("lib", "1.0", meta),
                    _file("lib", "1.1", meta, tag="cp311-cp311-win_amd64"),  # wrong platform
                    _file("lib", "1.2", meta, **{"requires-python": ">=3.13"}),
                    _file("lib", "1.3", meta, yanked="broken"),
                    _file("lib", "1.4", None, tag=""),  # sdist only: listed
                    _file("lib", "1.5", meta, tag="cp312-abi3-manylinux_2_17_x86_64"),
                    _file("lib", "1.6", meta, uploaded="2030-01-01T00:00:00Z"),
                    _file("lib", "2.0b1", meta),
                ]
            },
        )
        provider = _provider(client, url, ["lib"], exclude_newer=datetime(2029, 1, 1, tzinfo=UTC))
        assert _versions(provider, "lib") == ["1.0", "1.4", "1.5", "2.0b1"]
        release_only = SCHEME.parse_range("")
        assert str(provider.choose_version("lib", release_only)) == "1.5"
        assert str(provider.choose_version("lib", SCHEME.parse_range(">=2.0a1"))) == "2.0b1"
        # an sdist-only release's metadata is read from the sdist (test_sdist.py serves real
        # ones); this fake index has none to serve
        with pytest.raises(HttpStatusError, match=r"/files/lib-1\.4\.tar\.gz \(HTTP 404\)"):
            provider.get_dependencies(Package("lib", SCHEME.parse_version("1.4")))


def test_yanked_version_usable_when_pinned(client: HttpClient) -> None:
    meta = metadata_text("lib", "1")
    with serve() as fake:
        url = _index(
            fake, {"lib": [_file("lib", "1.0", meta), _file("lib", "1.3", meta, yanked=True)]}
        )
        assert _versions(_provider(client, url, ["lib==1.3"]), "lib") == ["1.0", "1.3"]
        assert _versions(_provider(client, url, ["lib>=1.3"]), "lib") == ["1.0"]


def test_extras_and_markers(client: HttpClient) -> None:
    app = metadata_text(
        "app",
        "1.0",
        "base>=1",
        "old; python_version < '3.11'",
        "win; sys_platform == 'win32'",
        "socks>=2; extra == 'socks'",
        "fast[speed]; extra == 'speed' and python_version >= '3.12'",
    )
    with serve() as fake:
        url = _index(fake, {"app": [_file("app", "1.0", app)]})
        provider = _provider(client, url, ["app[socks,speed]"])
        one = SCHEME.parse_version("1.0")
        root = provider.get_dependencies(provider.root)
        assert isinstance(root, Available)
        assert [d.name for d in root.dependencies] == ["app", "app[socks]", "app[speed]"]
        base = provider.get_dependencies(Package("app", one))
        assert isinstance(base, Available)
        assert [(d.name, SCHEME.format_range(d.versions)) for d in base.dependencies] == [
            ("base", ">=1")
        ]
        socks = provider.get_dependencies(Package("app[socks]", one))
        assert isinstance(socks, Available)
        assert [(d.name, SCHEME.format_range(d.versions)) for d in socks.dependencies] == [
            ("app", "===1.0"),
            ("socks", ">=2"),
        ]
        speed = provider.get_dependencies(Package("app[speed]", one))
        assert isinstance(speed, Available)
        assert [d.name for d in speed.dependencies] == ["app", "fast", "fast[speed]"]


def test_no_version_explanation_with_prerelease_hint(client: HttpClient) -> None:
    meta = metadata_text("lib", "1")
    with serve() as fake:
        url = _index(fake, {"lib": [_file("lib", "1.0", meta), _file("lib", "2.0rc1", meta)]})
        answer = resolve_requirements(
            ["lib>=2"], environment=PY312, client=client, index_urls=[url]
        )
    assert isinstance(answer, Failure)
    assert answer.explanation == (
        "Because you require lib >=2 and no version of lib satisfies >=2,"
        " version solving failed.\n"
        "hint: pre-releases of lib exist (e.g. 2.0rc1) but none was asked for;"
        " name one in the specifier (e.g. lib>=2.0rc1) to allow them"
    )


def test_unknown_project_has_no_versions(client: HttpClient) -> None:
    with serve() as fake:
        provider = _provider(client, fake.url("/simple"), ["nothing"])
        assert provider.versions("nothing") == ()
        assert provider.versions(ROOT_NAME) == (provider.root.version,)


def test_environment_target_markers_and_tags() -> None:
    mac = Environment.target("3.11.4", "darwin")
    markers = mac.markers("x")
    assert (markers["python_version"], markers["python_full_version"]) == ("3.11", "3.11.4")
    assert (markers["sys_platform"], markers["platform_machine"], markers["extra"]) == (
        "darwin",
        "arm64",
        "x",
    )
    assert mac.wheel_rank("a-1-cp311-cp311-macosx_11_0_arm64.whl") is not None
    assert mac.wheel_rank("a-1-cp311-cp311-manylinux_2_17_x86_64.whl") is None
    assert PY312.wheel_rank("a-1-cp312-cp312-manylinux_2_17_x86_64.whl") is not None
    assert PY312.wheel_rank("a-1-cp313-cp313-manylinux_2_17_x86_64.whl") is None
    assert PY312.wheel_rank("a-1-py36+-none-any.whl") is None  # an invalid tag
    assert PY312.wheel_rank("a-1.tar.gz") is None
    with pytest.raises(ValueError, match="unknown platform 'aix'"):
        Environment.target("3.12", "aix")


def test_current_environment_is_the_running_interpreter() -> None:
    here = Environment.current()
    assert here.python_version == f"{sys.version_info[0]}.{sys.version_info[1]}"
    assert here.sys_platform == sys.platform


@pytest.mark.online
def test_live_pypi_agrees_with_uv(tmp_path: Path) -> None:
    requirements = ["requests[socks]", "rich", "click", "attrs"]
    (tmp_path / "requirements.in").write_text("\n".join(requirements) + "\n")
    uv = Path(sys.executable).parent / "uv"
    pins = subprocess.run(
        [
            str(uv),
            "pip",
            "compile",
            str(tmp_path / "requirements.in"),
            "--python-version",
            "3.12",
            "--exclude-newer",
            "2025-06-01T00:00:00Z",
            "--no-header",
            "--no-annotate",
            "--index-url",
            "https://pypi.org/simple",
            "-q",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    with HttpClient(tmp_path / "cache") as http:
        answer = resolve_requirements(
            requirements,
            environment=PY312,
            client=http,
            exclude_newer=datetime(2025, 6, 1, tzinfo=UTC),
            index_urls=["https://pypi.org/simple"],
        )
    assert isinstance(answer, Resolution)
    assert answer.pins() == dict(line.split("==", 1) for line in pins)
