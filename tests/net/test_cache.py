"""The on-disk cache: entry files decode whole or not at all, writes are atomic."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polypac.net.cache import (
    CacheEntry,
    HttpCache,
    decode_entry,
    default_cache_dir,
    encode_entry,
    parse_cache_control,
)

texts = st.text(max_size=30)
entries = st.builds(
    CacheEntry,
    url=texts,
    accept=st.none() | texts,
    final_url=texts,
    status=st.integers(100, 599),
    headers=st.lists(st.tuples(texts, texts), max_size=4).map(tuple),
    content=st.binary(max_size=200),
    fetched_at=st.floats(0, 4e9),
)


@settings(max_examples=200)
@given(st.binary(max_size=400))
def test_decode_never_raises_on_arbitrary_bytes(data: bytes) -> None:
    assert decode_entry(data) is None or isinstance(decode_entry(data), CacheEntry)


@settings(max_examples=100)
@given(entries)
def test_encode_decode_round_trip(entry: CacheEntry) -> None:
    assert decode_entry(encode_entry(entry)) == entry


@settings(max_examples=100)
@given(entries, st.data())
def test_any_truncation_reads_as_missing(entry: CacheEntry, data: st.DataObject) -> None:
    encoded = encode_entry(entry)
    cut = data.draw(st.integers(0, len(encoded) - 1))
    assert decode_entry(encoded[:cut]) is None


@settings(max_examples=100)
@given(entries, st.data())
def test_any_flipped_byte_never_raises(entry: CacheEntry, data: st.DataObject) -> None:
    encoded = bytearray(encode_entry(entry))
    index = data.draw(st.integers(0, len(encoded) - 1))
    encoded[index] ^= data.draw(st.integers(1, 255))
    decoded = decode_entry(bytes(encoded))
    assert decoded is None or isinstance(decoded, CacheEntry)


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"", "empty"),
        (b"{}\n", "no format"),
        (b'{"format": "polypac-http-cache/1"}\n', "no fields"),
        (b"[1, 2]\nbody", "not an object"),
        (b"\xff\xfe\nbody", "not ASCII"),
        (b"[" * 5000 + b"\n", "deeply nested"),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_foreign_files_are_not_entries(data: bytes, why: str) -> None:
    assert decode_entry(data) is None, why


def test_store_and_lookup(tmp_path: Path) -> None:
    cache = HttpCache(tmp_path)
    entry = CacheEntry(
        "https://x/a", "text/html", "https://x/b", 200, (("etag", '"1"'),), b"A", 5.0
    )
    cache.store(entry)
    assert cache.lookup("https://x/a", "text/html") == entry
    assert cache.lookup("https://x/a", None) is None
    assert cache.lookup("https://x/b", "text/html") is None
    cache.remove("https://x/a", "text/html")
    assert cache.lookup("https://x/a", "text/html") is None


def test_entry_at_another_key_is_discarded(tmp_path: Path) -> None:
    cache = HttpCache(tmp_path)
    entry = CacheEntry("https://x/a", None, "https://x/a", 200, (), b"A", 5.0)
    cache.store(entry)
    moved = cache.path("https://x/other", None)
    moved.parent.mkdir(parents=True, exist_ok=True)
    cache.path("https://x/a", None).rename(moved)
    assert cache.lookup("https://x/other", None) is None
    assert not moved.exists()


@pytest.mark.parametrize(
    ("headers", "age", "fresh"),
    [
        ((("cache-control", "max-age=60"),), 59.0, True),
        ((("cache-control", "max-age=60"),), 60.0, False),
        ((("cache-control", "max-age=60"), ("age", "30")), 29.0, True),
        ((("cache-control", "max-age=60"), ("age", "30")), 31.0, False),
        ((("cache-control", "no-cache, max-age=60"),), 1.0, False),
        ((("cache-control", "max-age=oops"),), 1.0, False),
        ((), 0.0, False),
    ],
)
def test_freshness(headers: tuple[tuple[str, str], ...], age: float, fresh: bool) -> None:
    entry = CacheEntry("u", None, "u", 200, headers, b"", 1000.0)
    assert entry.is_fresh(1000.0 + age) is fresh


def test_parse_cache_control() -> None:
    assert parse_cache_control(None) == {}
    assert parse_cache_control("max-age=0,must-revalidate") == {
        "max-age": "0",
        "must-revalidate": None,
    }


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"XDG_CACHE_HOME": "/xdg", "HOME": "/home/u"}, "/xdg/polypac/http"),
        ({"XDG_CACHE_HOME": "relative", "HOME": "/home/u"}, "/home/u/.cache/polypac/http"),
        ({"HOME": "/home/u"}, "/home/u/.cache/polypac/http"),
    ],
)
def test_default_cache_dir(environ: dict[str, str], expected: str) -> None:
    assert default_cache_dir(environ).as_posix() == expected
