"""The simple-API client: PEP 691 JSON and PEP 503 HTML pages (recorded and hand-made),
``file://`` indexes, PEP 658 metadata and its hash, metadata read from wheels by ranges,
and faults from a fake index on 127.0.0.1."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from polypac.ecosystems.python.index import (
    ACCEPT,
    IndexPageError,
    ProjectPage,
    SimpleIndex,
)
from polypac.net import DigestMismatch, HttpClient, HttpStatusError
from tests.ecosystems.python._fake_index import (
    PYPI,
    json_page,
    json_reply,
    metadata_text,
    recorded_body,
    recorded_index,
    sha256,
    uv_pins,
    wheel_bytes,
)
from tests.net._server import Reply, Script, serve


@pytest.fixture
def client(tmp_path: Path) -> Iterator[HttpClient]:
    with HttpClient(tmp_path / "cache", retries=2) as http:
        http.sleep = lambda seconds: None
        yield http


def _page(index: SimpleIndex, name: str) -> ProjectPage:
    page = index.project(name)
    assert page is not None
    return page


@pytest.mark.parametrize("name", sorted(uv_pins()))
def test_recorded_json_page(client: HttpClient, name: str) -> None:
    with recorded_index() as fake:
        page = _page(SimpleIndex(client, [fake.url("/simple")]), name)
        headers = fake.headers_of(f"/simple/{name}/")
    assert headers[0]["accept"] == ACCEPT
    assert page.name == name
    assert page.files, "a real project has files"
    for file in page.files:
        assert file.project == name
        assert file.url.startswith(fake.url("/files/"))
        assert dict(file.hashes)["sha256"]
        assert file.upload_time is not None
        assert file.upload_time.tzinfo is not None
        assert file.size is not None
        assert file.size > 0
    assert any(f.is_wheel for f in page.files)


@pytest.mark.parametrize("name", sorted(uv_pins()))
def test_recorded_fields_as_published(client: HttpClient, name: str) -> None:
    raw = {e["filename"]: e for e in json.loads(recorded_body(f"{PYPI}/{name}/"))["files"]}
    with recorded_index() as fake:
        page = _page(SimpleIndex(client, [fake.url("/simple")]), name)
    assert {f.filename for f in page.files} <= set(raw)
    for file in page.files:
        entry = raw[file.filename]
        yanked = entry.get("yanked", False)
        assert file.requires_python == entry.get("requires-python")
        assert file.yanked == ((yanked if isinstance(yanked, str) else "") if yanked else None)
        assert file.upload_time == datetime.fromisoformat(entry["upload-time"])
        assert (file.size, dict(file.hashes)) == (entry["size"], entry["hashes"])


def test_recorded_metadata_by_ranges(client: HttpClient) -> None:
    with recorded_index() as fake:
        index = SimpleIndex(client, [fake.url("/simple")])
        wheel = next(
            f for f in _page(index, "httpx").files if f.filename.endswith("0.28.1-py3-none-any.whl")
        )
        metadata = index.metadata(wheel)
        ranges = [h.get("range") for h in fake.headers_of(wheel.url.removeprefix(fake.base_url))]
    assert (metadata.name, metadata.version, metadata.requires_python) == (
        "httpx",
        "0.28.1",
        ">=3.8",
    )
    assert "socksio==1.*; extra == 'socks'" in metadata.requires_dist
    assert "socks" in metadata.provides_extra
    assert ranges[0] == "bytes=-8192"
    # METADATA read by ranges is kept in the disk cache: an offline client finds it there
    with HttpClient(client.cache.directory, offline=True) as offline:
        again = SimpleIndex(offline, [fake.url("/simple")]).metadata(wheel)
    assert again == metadata


HTML = """<!DOCTYPE html><html><body>
<a href="../../files/lib-1.0-py3-none-any.whl#sha256=AA11" data-requires-python="&gt;=3.8"
   data-core-metadata="sha256=bb22">lib-1.0-py3-none-any.whl</a>
<a href="/files/lib-1.1.tar.gz#sha256=cc33" data-yanked="">lib-1.1.tar.gz</a>
<a href="/files/lib-1.2-py3-none-any.whl" data-yanked="bad build"
   data-dist-info-metadata="true">lib-1.2-py3-none-any.whl</a>
<a href="/files/other-1.0-py3-none-any.whl">other-1.0-py3-none-any.whl</a>
<a href="/files/lib-1.3.exe">lib-1.3.exe</a>
</body></html>"""


def test_html_page(client: HttpClient) -> None:
    with serve(
        {"/simple/lib/": [Reply(200, HTML.encode(), (("Content-Type", "text/html"),))]}
    ) as fake:
        page = _page(SimpleIndex(client, [fake.url("/simple")]), "Lib")
    one, two, three = page.files
    assert one.url == fake.url("/files/lib-1.0-py3-none-any.whl")
    assert (one.hashes, one.requires_python, one.yanked) == ((("sha256", "aa11"),), ">=3.8", None)
    assert one.metadata_hashes == (("sha256", "bb22"),)
    assert (two.is_wheel, two.yanked, two.metadata_hashes) == (False, "", None)
    assert (three.yanked, three.metadata_hashes, three.hashes) == ("bad build", (), ())


def test_file_index_and_wheel_metadata(client: HttpClient, tmp_path: Path) -> None:
    wheel = wheel_bytes("lib", "1.0", metadata_text("lib", "1.0", "dep>=2", python=">=3.9"))
    folder = tmp_path / "simple" / "lib"
    folder.mkdir(parents=True)
    (folder / "lib-1.0-py3-none-any.whl").write_bytes(wheel)
    (folder / "index.html").write_text(
        f'<a href="lib-1.0-py3-none-any.whl#sha256={sha256(wheel)}">lib</a>'
    )
    with serve() as fake:  # the first index has no such project: the file index serves it
        index = SimpleIndex(client, [fake.url("/simple"), (tmp_path / "simple").as_uri()])
        page = _page(index, "lib")
        metadata = index.metadata(page.files[0])
        assert index.project("missing") is None
    assert (metadata.requires_dist, metadata.requires_python) == (("dep>=2",), ">=3.9")


def _pep658_page(metadata: bytes, published: str) -> dict[str, Script]:
    entry = {
        "filename": "lib-1.0-py3-none-any.whl",
        "url": "/files/lib-1.0-py3-none-any.whl",
        "hashes": {"sha256": "00"},
        "core-metadata": {"sha256": published},
    }
    return {
        "/simple/lib/": [json_reply(json_page(entry))],
        "/files/lib-1.0-py3-none-any.whl.metadata": [Reply(200, metadata)],
    }


def test_pep658_metadata(client: HttpClient) -> None:
    metadata = metadata_text("lib", "1.0", "dep")
    with serve(_pep658_page(metadata, sha256(metadata))) as fake:
        index = SimpleIndex(client, [fake.url("/simple")])
        file = _page(index, "lib").files[0]
        index.prefetch_metadata([file])
        assert index.metadata(file).requires_dist == ("dep",)
        assert fake.count("/files/lib-1.0-py3-none-any.whl.metadata") == 1


def test_wrong_metadata_hash_is_an_error_naming_package_and_url(client: HttpClient) -> None:
    metadata = metadata_text("lib", "1.0")
    with serve(_pep658_page(metadata, "ab" * 32)) as fake:
        index = SimpleIndex(client, [fake.url("/simple")])
        file = _page(index, "lib").files[0]
        with pytest.raises(DigestMismatch) as caught:
            index.metadata(file)
        assert fake.count("/files/lib-1.0-py3-none-any.whl.metadata") == 1  # never retried
    url = fake.url("/files/lib-1.0-py3-none-any.whl.metadata")
    assert caught.value.url == url
    assert str(caught.value).splitlines()[0] == (
        f"GET {url}: the metadata of lib-1.0-py3-none-any.whl (lib 1.0) does not match its"
        f" published hash: expected sha256={'ab' * 32}, got sha256={sha256(metadata)}"
    )


def test_server_errors_then_success(client: HttpClient) -> None:
    body = json_page({"filename": "lib-1.0.tar.gz", "url": "/f/lib-1.0.tar.gz"})
    script = [Reply(500), Reply(503), json_reply(body)]
    with serve({"/simple/lib/": script}) as fake:
        page = _page(SimpleIndex(client, [fake.url("/simple")]), "lib")
        assert fake.count("/simple/lib/") == 3
    assert [f.filename for f in page.files] == ["lib-1.0.tar.gz"]


def test_server_errors_exhaust_retries(client: HttpClient) -> None:
    with serve({"/simple/lib/": [Reply(500)]}) as fake, pytest.raises(HttpStatusError) as caught:
        SimpleIndex(client, [fake.url("/simple")]).project("lib")
    assert caught.value.url == fake.url("/simple/lib/")
    assert caught.value.attempts == 3


def test_truncated_json(client: HttpClient) -> None:
    body = json_page({"filename": "lib-1.0.tar.gz", "url": "/f/lib-1.0.tar.gz"})[:-7]
    with (
        serve({"/simple/lib/": [json_reply(body)]}) as fake,
        pytest.raises(IndexPageError) as caught,
    ):
        SimpleIndex(client, [fake.url("/simple")]).project("lib")
    assert (caught.value.project, caught.value.url) == ("lib", fake.url("/simple/lib/"))
    assert str(caught.value).startswith(
        f"lib: {fake.url('/simple/lib/')}: the project page is not valid JSON: "
    )
