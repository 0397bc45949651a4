"""package-lock.json v3 as npm 11 writes it."""

from __future__ import annotations

import json
from typing import Any

import pytest

from polypac.ecosystems.npm.lock_writer import collation_key, lock_document, write_package_lock
from polypac.ecosystems.npm.registry import NpmRegistry, parse_packument, parse_time
from polypac.ecosystems.npm.resolve import NpmTree, PlacedPackage, Target, resolve_package_json
from tests.ecosystems.npm._fake_registry import (
    RECORDED,
    RECORDED_DATE,
    client,
    recorded_packuments,
    registry_server,
)

NPM_TEXT = (RECORDED / "npm-package-lock.json").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def recorded_tree(tmp_path_factory: pytest.TempPathFactory) -> NpmTree:
    manifest = json.loads((RECORDED / "package.json").read_text(encoding="utf-8"))
    cache = tmp_path_factory.mktemp("cache")
    with registry_server(recorded_packuments()) as fake, client(cache) as http:
        registry = NpmRegistry(http, registry=fake.base_url, before=parse_time(RECORDED_DATE))
        tree = resolve_package_json(manifest, registry, target=Target("linux", "x64", "20.20.2"))
    assert isinstance(tree, NpmTree), str(tree)
    return tree


def test_lock_is_byte_identical_to_npm(recorded_tree: NpmTree) -> None:
    assert write_package_lock(recorded_tree) == NPM_TEXT


@pytest.mark.parametrize("location", list(json.loads(NPM_TEXT)["packages"]))
def test_each_entry_equals_npm(recorded_tree: NpmTree, location: str) -> None:
    ours = json.loads(write_package_lock(recorded_tree))["packages"]
    theirs = json.loads(NPM_TEXT)["packages"]
    assert ours.get(location) == theirs[location]


def test_same_tree_same_bytes(recorded_tree: NpmTree) -> None:
    assert write_package_lock(recorded_tree) == write_package_lock(recorded_tree)


def test_omit_resolved(recorded_tree: NpmTree) -> None:
    packages = json.loads(write_package_lock(recorded_tree, omit_resolved=True))["packages"]
    assert not any("resolved" in entry for entry in packages.values())
    assert all("integrity" in entry for key, entry in packages.items() if key)


def test_top_level_shape(recorded_tree: NpmTree) -> None:
    text = write_package_lock(recorded_tree)
    assert text.endswith("}\n")
    assert text.startswith('{\n  "name": "polypac-fixture-app",\n')
    assert list(json.loads(text)) == ["name", "version", "lockfileVersion", "requires", "packages"]
    assert json.loads(text)["lockfileVersion"] == 3


def _entry(raw: dict[str, Any], **flags: bool) -> dict[str, Any]:
    manifest = parse_packument("tool", {"versions": {"1.0.0": raw}}).versions["1.0.0"]
    placed = PlacedPackage(
        "node_modules/tool",
        manifest,
        dev=flags.get("dev", False),
        optional=flags.get("optional", False),
        dev_optional=flags.get("dev_optional", False),
        peer=flags.get("peer", False),
    )
    tree = NpmTree({"name": "app"}, (placed,))
    entry: dict[str, Any] = lock_document(tree)["packages"]["node_modules/tool"]
    return entry


def test_entry_fields_and_normalization() -> None:
    entry = _entry(
        {
            "license": {"type": "MIT", "url": "x"},
            "funding": "https://f.test",
            "bin": "./cli.js",
            "scripts": {"postinstall": "node x"},
            "deprecated": "use other",
            "engines": {},
            "dist": {"tarball": "https://r.test/tool-1.0.0.tgz", "integrity": "sha512-x"},
        },
        optional=True,
        peer=True,
    )
    assert entry == {
        "version": "1.0.0",
        "license": "MIT",
        "funding": {"url": "https://f.test"},
        "bin": {"tool": "cli.js"},
        "hasInstallScript": True,
        "deprecated": "use other",
        "integrity": "sha512-x",
        "resolved": "https://r.test/tool-1.0.0.tgz",
        "optional": True,
        "peer": True,
    }


def test_dev_optional_flag_only_alone() -> None:
    assert _entry({}, dev_optional=True)["devOptional"] is True
    assert "devOptional" not in _entry({}, dev_optional=True, dev=True)


def test_key_order_plain_values_before_objects() -> None:
    tree = NpmTree(
        {"name": "app", "version": "1.0.0", "dependencies": {"b": "1", "a": "1"}, "license": "MIT"},
        (),
    )
    root = json.loads(write_package_lock(tree))["packages"][""]
    assert list(root) == ["name", "version", "license", "dependencies"]
    assert list(root["dependencies"]) == ["a", "b"]


def test_collation_matches_locale_compare() -> None:
    # the order node's "a".localeCompare(b, "en") gives these
    names = ["a.b", "A", "a_b", "a-b", "@s/x", "a", "a1", "ab"]
    ordered = sorted((f"node_modules/{n}" for n in names), key=collation_key)
    assert [o.removeprefix("node_modules/") for o in ordered] == [
        "@s/x", "a", "A", "a_b", "a-b", "a.b", "a1", "ab"
    ]  # fmt: skip


def test_lock_file_roundtrip_reader(recorded_tree: NpmTree) -> None:
    from polypac.ecosystems.npm import read_package_lock

    text = write_package_lock(recorded_tree)
    result = read_package_lock(text, source="package-lock.json")
    assert not result.errors
    assert len(result.graph.nodes) >= len(recorded_tree.packages)
