"""Loading OSV records: the anchor data, zips, and files that break the rules."""

from __future__ import annotations

import json
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polypac.errors import ParseError
from polypac.vuln.osv import OsvError, OsvRecord, load_osv, record_from_mapping
from tests.vuln._data import all_records, pypa_dir, rustsec_dir


def test_every_anchor_record_loads() -> None:
    records = all_records()
    files = [
        p
        for folder in (pypa_dir(), rustsec_dir())
        for p in folder.rglob("*")
        if p.suffix in (".yaml", ".json")
    ]
    assert len(records) == len(files)
    assert len({r.id for r in records}) == len(records)


def test_yaml_versions_and_dates_stay_strings(tmp_path: Path) -> None:
    path = tmp_path / "X-1.yaml"
    path.write_text(
        "id: X-1\nmodified: 2024-01-02T03:04:05Z\naffected:\n- package: {ecosystem: PyPI, "
        "name: foo}\n  versions: [1.10, 2]\n  ranges:\n  - type: ECOSYSTEM\n    events:\n"
        "    - introduced: 0\n    - fixed: 1.20\n",
        encoding="utf-8",
    )
    [loaded] = load_osv(path)
    assert not isinstance(loaded, OsvError)
    assert loaded.modified == "2024-01-02T03:04:05Z"
    assert loaded.affected[0].versions == ("1.10", "2")
    assert loaded.affected[0].fixed_versions == ("1.20",)


def test_zip_of_records(tmp_path: Path) -> None:
    sources = sorted(rustsec_dir().glob("*.json"))[:25]
    archive = tmp_path / "all.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for source in sources:
            out.write(source, source.name)
    loaded = list(load_osv(archive))
    assert [r.id for r in loaded if not isinstance(r, OsvError)] == [s.stem for s in sources]


def test_malformed_json_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "BAD-1.json"
    path.write_text('{\n  "id": "BAD-1",\n  "affected": [,]\n}\n', encoding="utf-8")
    [error] = load_osv(path)
    assert isinstance(error, OsvError)
    assert isinstance(error, ParseError)
    assert (error.source, error.line) == (str(path), 3)
    assert str(error).startswith(f"{path}:3: invalid OSV record: not JSON: Expecting value")


def test_malformed_yaml_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "BAD-2.yaml"
    path.write_text("id: BAD-2\naffected:\n  - [unclosed\n", encoding="utf-8")
    [error] = load_osv(path)
    assert isinstance(error, OsvError)
    assert error.source == str(path)
    assert error.line is not None
    assert f"{path}:{error.line}: invalid OSV record: not YAML:" in str(error)


@pytest.mark.parametrize(
    ("document", "words"),
    [
        pytest.param({"modified": "x"}, "field record.id is required", id="no-id"),
        pytest.param(
            {"id": "X", "affected": {}},
            "field record.affected expected a list, got dict",
            id="affected-not-list",
        ),
        pytest.param(
            {"id": "X", "affected": [{"ranges": [{"type": "SEMVER", "events": [{}]}]}]},
            "field record.affected[0].ranges[0].events[0] expected exactly one of "
            "introduced, fixed, last_affected, limit",
            id="empty-event",
        ),
        pytest.param([], "field record expected an object, got list", id="not-object"),
    ],
)
def test_schema_errors_say_which_field(document: object, words: str, tmp_path: Path) -> None:
    with pytest.raises(OsvError) as caught:
        record_from_mapping(document)
    assert caught.value.problem == words
    path = tmp_path / "X.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    [error] = load_osv(path)
    assert isinstance(error, OsvError)
    assert str(error).startswith(f"{path}: invalid OSV record: {words}")


def test_unreadable_zip_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "all.zip"
    path.write_bytes(b"not a zip")
    [error] = load_osv(path)
    assert isinstance(error, OsvError)
    assert error.source == str(path)
    assert error.problem.startswith("cannot read zip:")


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=200), suffix=st.sampled_from([".json", ".yaml"]))
def test_loading_any_text_gives_a_record_or_an_osv_error(text: str, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"X{suffix}"
        path.write_text(text, encoding="utf-8")
        [loaded] = load_osv(path)
    assert isinstance(loaded, OsvError | OsvRecord)
    if isinstance(loaded, OsvError):
        assert loaded.source == str(path)
