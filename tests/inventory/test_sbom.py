"""SBOM readers against real SBOMs from `npm sbom` and `cyclonedx-py`, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polypac.ecosystems.npm.package_lock import read_package_lock
from polypac.inventory.graph import LockfileError, ReadResult, Scope
from polypac.inventory.sbom import read_cyclonedx_json, read_spdx_json

FIXTURES = Path(__file__).parent / "fixtures"
NPM_LOCK = Path(__file__).parents[1] / "ecosystems/npm/fixtures/demo-app/package-lock.v3.json"
NPM_ROOT = "pkg:npm/demo-app@1.2.0"


def _text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def _lock_purls() -> set[str]:
    result = read_package_lock(NPM_LOCK.read_text(encoding="utf-8"), source="package-lock.json")
    assert result.errors == []
    return set(result.graph.nodes) - result.graph.roots


@pytest.mark.parametrize(
    ("name", "reader"),
    [("npm-demo-app.cdx.json", read_cyclonedx_json), ("npm-demo-app.spdx.json", read_spdx_json)],
    ids=["cyclonedx", "spdx"],
)
def test_npm_sbom_has_the_packages_of_the_lockfile(name: str, reader: object) -> None:
    assert callable(reader)
    result: ReadResult = reader(_text(name), source=name)
    assert result.errors == []
    assert result.graph.roots == {NPM_ROOT}
    assert set(result.graph.nodes) - {NPM_ROOT} == _lock_purls()


def _direct_scopes(result: ReadResult) -> dict[str, Scope]:
    return {e.child: e.scope for e in result.graph.edges if e.direct}


def test_cyclonedx_direct_edges_are_the_roots_depends_on() -> None:
    text = _text("npm-demo-app.cdx.json")
    document = json.loads(text)
    [root_entry] = [d for d in document["dependencies"] if d["ref"] == "demo-app@1.2.0"]
    purl_of = {c["bom-ref"]: c["purl"] for c in document["components"]}
    result = read_cyclonedx_json(text, source="bom.json")
    scopes = _direct_scopes(result)
    assert set(scopes) == {purl_of[ref] for ref in root_entry["dependsOn"]}
    # npm marks dev packages with the cdx:npm:package:development property
    assert scopes["pkg:npm/typescript@5.6.3"] is Scope.DEV
    assert scopes["pkg:npm/express@4.22.3"] is Scope.RUNTIME


def test_cyclonedx_edges_follow_dependencies_and_lines_open_components() -> None:
    text = _text("npm-demo-app.cdx.json")
    document = json.loads(text)
    purl_of = {c["bom-ref"]: c["purl"] for c in document["components"]}
    purl_of["demo-app@1.2.0"] = NPM_ROOT
    expected = {
        (purl_of[d["ref"]], purl_of[child])
        for d in document["dependencies"]
        for child in d["dependsOn"]
    }
    result = read_cyclonedx_json(text, source="bom.json")
    assert {(e.parent, e.child) for e in result.graph.edges} == expected
    lines = text.splitlines()
    for edge in result.graph.edges:
        assert edge.declared_at is not None
        opening = lines[edge.declared_at.line - 1]
        assert opening.strip() == "{"
        assert '"bom-ref"' in lines[edge.declared_at.line]


def test_spdx_relationships_give_scopes() -> None:
    result = read_spdx_json(_text("npm-demo-app.spdx.json"), source="sbom.spdx.json")
    scopes = _direct_scopes(result)
    assert scopes == {
        "pkg:npm/express@4.22.3": Scope.RUNTIME,
        "pkg:npm/chalk@4.1.2": Scope.RUNTIME,
        "pkg:npm/debug@4.4.3": Scope.RUNTIME,
        "pkg:npm/ms@2.1.3": Scope.OPTIONAL,
        "pkg:npm/typescript@5.6.3": Scope.DEV,
        "pkg:npm/%40types/ms@0.7.34": Scope.DEV,
    }
    document = json.loads(_text("npm-demo-app.spdx.json"))
    purl_of = {p["SPDXID"]: p["externalRefs"][0]["referenceLocator"] for p in document["packages"]}
    expected = {
        (purl_of[r["relatedSpdxElement"]], purl_of[r["spdxElementId"]])
        for r in document["relationships"]
        if r["relationshipType"].endswith("DEPENDENCY_OF")
    }
    assert {(e.parent, e.child) for e in result.graph.edges} == expected


def test_cyclonedx_py_requirements_without_root_uses_the_folder() -> None:
    source = "proj/py-requirements.cdx.json"
    result = read_cyclonedx_json(_text("py-requirements.cdx.json"), source=source)
    assert result.errors == []
    assert result.graph.roots == {"pkg:generic/proj"}
    assert _direct_scopes(result) == {
        "pkg:pypi/requests@2.32.3": Scope.RUNTIME,
        "pkg:pypi/click": Scope.RUNTIME,
    }


def test_cyclonedx_py_environment_direct_are_the_unrequired() -> None:
    text = _text("py-environment.cdx.json")
    document = json.loads(text)
    purl_of = {c["bom-ref"]: c["purl"] for c in document["components"]}
    required = {child for d in document["dependencies"] for child in d.get("dependsOn", [])}
    result = read_cyclonedx_json(text, source="env/bom.json")
    assert result.errors == []
    assert set(_direct_scopes(result)) == {purl_of[r] for r in purl_of if r not in required}
    assert set(result.graph.nodes) - result.graph.roots == set(purl_of.values())


def test_nested_components_and_scopes() -> None:
    text = """{"bomFormat": "CycloneDX", "specVersion": "1.4",
 "metadata": {"component": {"bom-ref": "r", "name": "app", "version": "2"}},
 "components": [
  {"bom-ref": "a", "purl": "pkg:pypi/a@1", "scope": "optional",
   "components": [
    {"bom-ref": "b", "purl": "pkg:pypi/b@1", "scope": "excluded"}]}],
 "dependencies": [{"ref": "r", "dependsOn": ["a", "b"]}]}"""
    result = read_cyclonedx_json(text, source="bom.json")
    assert result.errors == []
    assert [str(e) for e in result.graph.edges] == [
        "pkg:generic/app@2 -> pkg:pypi/a@1 (optional, direct, bom.json:4)",
        "pkg:generic/app@2 -> pkg:pypi/b@1 (dev, direct, bom.json:6)",
    ]


def test_component_without_or_with_bad_purl_is_an_error_not_fatal() -> None:
    text = """{"bomFormat": "CycloneDX", "specVersion": "1.6",
 "components": [
  {"bom-ref": "x", "name": "x"},
  {"bom-ref": "y", "name": "y", "purl": "pkg:/nope"},
  {"bom-ref": "z", "purl": "pkg:npm/z@1"}],
 "dependencies": [{"ref": "x", "dependsOn": ["z"]}, {"ref": "q", "dependsOn": []}]}"""
    result = read_cyclonedx_json(text, source="dir/bom.json")
    messages = [str(e).splitlines()[0] for e in result.errors]
    assert messages[0] == "dir/bom.json:3: invalid CycloneDX JSON: component 'x' has no purl"
    assert messages[1].startswith("dir/bom.json:4: invalid CycloneDX JSON: component 'y' has a bad")
    assert messages[2] == (
        "dir/bom.json:6: invalid CycloneDX JSON: dependencies name an unknown bom-ref 'q'"
    )
    assert len(messages) == 3
    assert set(result.graph.nodes) == {"pkg:generic/dir", "pkg:npm/z@1"}


def test_spdx_package_without_purl_and_unknown_id() -> None:
    text = """{"spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT",
 "documentDescribes": ["SPDXRef-app"],
 "packages": [
  {"SPDXID": "SPDXRef-app", "name": "app", "versionInfo": "1"},
  {"SPDXID": "SPDXRef-lib", "name": "lib", "externalRefs": [
    {"referenceCategory": "PACKAGE_MANAGER", "referenceType": "purl",
     "referenceLocator": "pkg:cargo/lib@0.1.0"}]},
  {"SPDXID": "SPDXRef-c", "name": "c"}],
 "relationships": [
  {"spdxElementId": "SPDXRef-app", "relationshipType": "DEPENDS_ON",
   "relatedSpdxElement": "SPDXRef-lib"},
  {"spdxElementId": "SPDXRef-lib", "relationshipType": "BUILD_DEPENDENCY_OF",
   "relatedSpdxElement": "SPDXRef-nope"}]}"""
    result = read_spdx_json(text, source="a.spdx.json")
    assert [str(e).splitlines()[0] for e in result.errors] == [
        "a.spdx.json:8: invalid SPDX JSON: package 'c' has no purl",
        "a.spdx.json:12: invalid SPDX JSON: a relationship names an unknown SPDXID 'SPDXRef-nope'",
    ]
    assert [str(e) for e in result.graph.edges] == [
        "pkg:generic/app@1 -> pkg:cargo/lib@0.1.0 (runtime, direct, a.spdx.json:5)"
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '{"bomFormat": "CycloneDX",\n "components": [}',
            "a.json:2: invalid CycloneDX JSON: not JSON",
        ),
        ("[1]", "a.json:1: invalid CycloneDX JSON: the top level must be an object"),
        ('{"bomFormat": "SPDX"}', "a.json:1: invalid CycloneDX JSON: bomFormat must be"),
    ],
    ids=["truncated", "array", "not-cyclonedx"],
)
def test_cyclonedx_bad_documents(text: str, message: str) -> None:
    result = read_cyclonedx_json(text, source="a.json")
    assert len(result.errors) == 1
    assert str(result.errors[0]).startswith(message)
    assert result.graph.roots == {"pkg:generic/a"}


def test_spdx_wrong_version_field() -> None:
    result = read_spdx_json('{"spdxVersion": 2}', source="x/a.json")
    assert str(result.errors[0]).startswith(
        "x/a.json:1: invalid SPDX JSON: spdxVersion must be 'SPDX-2.x', not 2"
    )


def _only_lockfile_errors(text: str) -> None:
    for reader in (read_cyclonedx_json, read_spdx_json):
        result = reader(text, source="fuzz/bom.json")
        assert all(isinstance(error, LockfileError) for error in result.errors)
        assert result.graph.roots


@settings(max_examples=100, deadline=None)
@given(st.text())
def test_any_text_gives_only_lockfile_errors(text: str) -> None:
    _only_lockfile_errors(text)


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(["npm-demo-app.cdx.json", "npm-demo-app.spdx.json", "py-environment.cdx.json"]),
    st.data(),
)
def test_mutated_fixtures_give_only_lockfile_errors(name: str, data: st.DataObject) -> None:
    lines = _text(name).splitlines()
    start = data.draw(st.integers(0, len(lines) - 1))
    stop = data.draw(st.integers(start, min(len(lines), start + 40)))
    if data.draw(st.booleans()):
        text = "\n".join(lines[:start])
    else:
        text = "\n".join(lines[:start] + lines[stop:])
    _only_lockfile_errors(text)


@settings(max_examples=100, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=8),
        lambda inner: (
            st.lists(inner, max_size=4)
            | st.dictionaries(
                st.sampled_from(
                    [
                        "bomFormat",
                        "components",
                        "purl",
                        "bom-ref",
                        "dependencies",
                        "ref",
                        "dependsOn",
                        "metadata",
                        "component",
                        "scope",
                        "properties",
                        "spdxVersion",
                        "packages",
                        "SPDXID",
                        "relationships",
                        "externalRefs",
                        "documentDescribes",
                    ]
                ),
                inner,
                max_size=5,
            )
        ),
        max_leaves=20,
    )
)
def test_odd_shapes_give_only_lockfile_errors(value: object) -> None:
    if isinstance(value, dict):
        value = {"bomFormat": "CycloneDX", "spdxVersion": "SPDX-2.3", **value}
    _only_lockfile_errors(json.dumps(value))
