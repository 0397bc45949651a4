"""Bundled dependencies: npm's lock entries for what a bundler's tarball holds.

The truth is npm 11's own lock for each case in ``fixtures/bundled`` (see its README): two
real cdk8s tarballs resolved against the registry, and made tarballs served by a fake
registry. The real tarballs hold another project's code, which the repository does not
keep: their cases fetch them from the registry (checked against the published shasum) and
are marked ``online``.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import json
import tarfile
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from polypac.ecosystems.npm.bundled import (
    BundleContents,
    BundleError,
    TarballLimits,
    cracks_open,
    read_bundle,
)
from polypac.ecosystems.npm.registry import NpmManifest, RegistryError, parse_packument
from polypac.errors import PolypacError

FIXTURES = Path(__file__).parent / "fixtures" / "bundled"
CASES: list[dict[str, Any]] = json.loads((FIXTURES / "cases.json").read_text(encoding="utf-8"))
CASE = {case["id"]: case for case in CASES}


def _manifest(document: dict[str, Any]) -> NpmManifest:
    name, version = document["name"], document["version"]
    return parse_packument(name, {"name": name, "versions": {version: document}}).versions[version]


_FETCHED: dict[str, bytes] = {}


def _tarball(case: dict[str, Any]) -> bytes:
    """The made tarball kept here, or the real one fetched from the registry."""
    kept = FIXTURES / str(case["tarball"])
    if kept.exists():
        return kept.read_bytes()
    dist = case["manifest"]["dist"]
    url: str = dist["tarball"]
    if url not in _FETCHED:
        content = urllib.request.urlopen(url, timeout=60).read()
        assert hashlib.sha1(content).hexdigest() == dist["shasum"], url
        _FETCHED[url] = content
    return _FETCHED[url]


def _is_real(case: dict[str, Any]) -> bool:
    return not (FIXTURES / str(case["tarball"])).exists()


def _lock(case: dict[str, Any]) -> dict[str, dict[str, Any]]:
    document = json.loads((FIXTURES / case["lock"]).read_text(encoding="utf-8"))
    packages: dict[str, dict[str, Any]] = document["packages"]
    return packages


def _npm_entries(case: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """npm's entries under the bundler."""
    inside = case["location"] + "/"
    return {k: v for k, v in _lock(case).items() if k.startswith(inside)}


def _read(case: dict[str, Any], **options: Any) -> BundleContents:
    bundler = _lock(case)[case["location"]]
    return read_bundle(
        _tarball(case),
        _manifest(case["manifest"]),
        case["location"],
        within_bundle=bool(bundler.get("inBundle")),
        **options,
    )


def _entries(case: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """polypac's entries, with the bundler's flags as npm wrote them."""
    bundler = _lock(case)[case["location"]]
    return _read(case).lock_entries(
        dev=bool(bundler.get("dev")),
        optional=bool(bundler.get("optional")),
        dev_optional=bool(bundler.get("devOptional")),
        peer=bool(bundler.get("peer")),
    )


SHRINKWRAP_GAP = pytest.mark.xfail(
    strict=True,
    reason="a shrinkwrapped package's subtree is returned as data (BundleContents.shrinkwrap), "
    "not as lock entries: npm loads it from npm-shrinkwrap.json, and the lead decides",
)


def _marks(case: dict[str, Any]) -> list[pytest.MarkDecorator]:
    marks = [SHRINKWRAP_GAP] if case["manifest"].get("_hasShrinkwrap") else []
    return [*marks, pytest.mark.online] if _is_real(case) else marks


AGREEMENT = [
    pytest.param(
        case,
        location,
        id=f"{case['id']}:{location[len(case['location']) + 1 :]}",
        marks=_marks(case),
    )
    for case in CASES
    for location in _npm_entries(case)
]
BY_CASE = [pytest.param(case, id=case["id"], marks=_marks(case)) for case in CASES]
EVERY_CASE = [  # for the tests the shrinkwrap case passes
    pytest.param(case, id=case["id"], marks=[pytest.mark.online] if _is_real(case) else [])
    for case in CASES
]


# --- agreement with npm ------------------------------------------------------------------------


@pytest.mark.parametrize(("case", "location"), AGREEMENT)
def test_entry_agrees_with_npm(case: dict[str, Any], location: str) -> None:
    expected = _npm_entries(case)[location]
    assert _entries(case).get(location) == expected


@pytest.mark.parametrize("case", BY_CASE)
def test_no_entry_beyond_npm(case: dict[str, Any]) -> None:
    assert sorted(_entries(case)) == sorted(_npm_entries(case))


@pytest.mark.parametrize(("case", "location"), AGREEMENT)
def test_manifest_carries_npm_dependencies(case: dict[str, Any], location: str) -> None:
    package = _read(case).at(location)
    assert package is not None
    expected = _npm_entries(case)[location]
    for field, read in (
        ("dependencies", package.manifest.dependencies),
        ("optionalDependencies", package.manifest.optional_dependencies),
        ("peerDependencies", package.manifest.peer_dependencies),
    ):
        written = expected.get(field, {})
        wanted = (
            {k: v for k, v in written.items() if isinstance(v, str)}
            if isinstance(written, dict)
            else {}
        )
        assert dict(read) == wanted, field
    assert package.in_bundle == bool(expected.get("inBundle"))
    assert package.extraneous == bool(expected.get("extraneous"))


@pytest.mark.parametrize("case", EVERY_CASE)
def test_missing_names_get_no_entry(case: dict[str, Any]) -> None:
    listed = case["manifest"].get("bundleDependencies") or case["manifest"].get(
        "bundledDependencies", []
    )
    under = case["location"] + "/node_modules/"
    present = {k[len(under) :].lower() for k in _npm_entries(case) if k.startswith(under)}
    expected = tuple(name for name in listed if name.lower() not in present)
    assert _read(case).missing == expected


SERVED = [
    c
    for c in CASES
    if "requests" in c and not c["manifest"].get("_hasShrinkwrap") and not _is_real(c)
]


@pytest.mark.parametrize("case", SERVED, ids=[c["id"] for c in SERVED])
def test_npm_never_asks_the_registry_for_a_bundled_name(case: dict[str, Any]) -> None:
    contents = _read(case)
    bundled = {p.folder for p in contents.packages if p.in_bundle} | set(contents.missing)
    assert bundled
    assert not {f"/{name}" for name in bundled} & set(case["requests"])


@pytest.mark.online
def test_a_missing_bundled_dependency_of_a_real_package() -> None:
    contents = _read(CASE["cdk8s-0.0.0"])
    assert contents.missing == ("yaml",)
    assert contents.packages == ()


@pytest.mark.parametrize("case", EVERY_CASE)
def test_shrinkwrap_is_returned_when_the_manifest_says_so(case: dict[str, Any]) -> None:
    contents = _read(case)
    says = bool(case["manifest"].get("_hasShrinkwrap"))
    assert (contents.shrinkwrap is not None) == says
    assert cracks_open(_manifest(case["manifest"]))


def test_shrinkwrap_packages_are_what_npm_writes_under_the_bundler() -> None:
    case = CASE["sw"]
    shrinkwrap = _read(case).shrinkwrap
    assert shrinkwrap is not None
    rerooted = {
        f"{case['location']}/{key}": entry
        for key, entry in shrinkwrap["packages"].items()
        if key.startswith("node_modules/")
    }
    assert rerooted == _npm_entries(case)


def test_a_plain_package_is_not_cracked_open() -> None:
    assert not cracks_open(_manifest({"name": "plain", "version": "1.0.0"}))


def test_links_and_dot_dot_paths_are_skipped() -> None:
    skipped = _read(CASE["odd"]).skipped
    assert skipped == (
        "odd/node_modules/linked",
        "odd/node_modules/hard/package.json",
        "odd/node_modules/dotdot/../escape/package.json",
    )


def test_unreadable_package_json_says_why() -> None:
    contents = _read(CASE["odd"])
    problems = {p.folder: p.problem for p in contents.packages if p.problem}
    assert problems["nopj"] == "no package.json"
    assert problems["README.md"] == "no package.json"
    assert problems["badjson"].startswith("package.json is not JSON (Expecting property name")


def test_edges_leaving_the_bundle_resolve_outside() -> None:
    package = _read(CASE["bund-prod"]).at("node_modules/bund/node_modules/a")
    assert package is not None
    edges = {edge.name: (edge.kind, edge.to) for edge in package.edges}
    assert edges["notbundled"] == ("prod", None)
    assert edges["outside-peer"] == ("peer", None)
    assert edges["d"] == ("prod", "node_modules/bund/node_modules/a/node_modules/d")


# --- tar formats -------------------------------------------------------------------------------


def _members(data: bytes) -> list[tuple[tarfile.TarInfo, bytes | None]]:
    out = []
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for member in tar.getmembers():
            handle = tar.extractfile(member) if member.isreg() else None
            out.append((member, handle.read() if handle else None))
    return out


def _raw_tar(data: bytes, form: int) -> bytes:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=form) as tar:
        for member, content in _members(data):
            tar.addfile(member, io.BytesIO(content) if content is not None else None)
    return raw.getvalue()


def _two_gzip_members(raw: bytes) -> bytes:
    half = len(raw) // 2
    return gzip.compress(raw[:half], mtime=0) + gzip.compress(raw[half:], mtime=0)


SAME_CONTENT: dict[str, Callable[[bytes], bytes]] = {
    "ustar": lambda d: gzip.compress(_raw_tar(d, tarfile.USTAR_FORMAT), mtime=0),
    "gnu": lambda d: gzip.compress(_raw_tar(d, tarfile.GNU_FORMAT), mtime=0),
    "pax": lambda d: gzip.compress(_raw_tar(d, tarfile.PAX_FORMAT), mtime=0),
    "uncompressed": lambda d: _raw_tar(d, tarfile.PAX_FORMAT),
    "two-gzip-members": lambda d: _two_gzip_members(_raw_tar(d, tarfile.PAX_FORMAT)),
    "trailing-garbage": lambda d: d + b"not gzip",
}


@pytest.mark.parametrize("form", sorted(SAME_CONTENT))
@pytest.mark.parametrize(
    "case_id", ["bund-prod", pytest.param("cdk8s-1.0.0", marks=pytest.mark.online)]
)
def test_every_tar_form_reads_the_same(case_id: str, form: str) -> None:
    case = CASE[case_id]
    manifest = _manifest(case["manifest"])
    expected = read_bundle(_tarball(case), manifest, case["location"])
    again = read_bundle(SAME_CONTENT[form](_tarball(case)), manifest, case["location"])
    assert again.lock_entries() == expected.lock_entries()
    assert again.missing == expected.missing


# --- errors ------------------------------------------------------------------------------------

BUND = CASE["bund-prod"]
BUND_URL = "http://registry.invalid/bund/-/bund-1.0.0.tgz"


def _bund_error(data: bytes, limits: TarballLimits | None = None) -> BundleError:
    manifest = _manifest(BUND["manifest"])
    chosen = limits or TarballLimits()
    with pytest.raises(BundleError) as caught:
        read_bundle(data, manifest, "node_modules/bund", limits=chosen)
    return caught.value


def test_empty_tarball() -> None:
    error = _bund_error(b"")
    assert str(error) == f"npm package bund@1.0.0: the tarball is empty ({BUND_URL})"
    assert isinstance(error, RegistryError)
    assert isinstance(error, PolypacError)
    assert (error.package, error.url) == ("bund@1.0.0", BUND_URL)


def test_gzip_cut_short() -> None:
    data = _tarball(BUND)
    error = _bund_error(data[: len(data) // 2])
    assert error.problem == "the gzip data is cut short"


def test_corrupt_gzip() -> None:
    data = bytearray(_tarball(BUND))
    data[20:40] = b"\xff" * 20
    error = _bund_error(bytes(data))
    assert error.problem.startswith("the gzip data is corrupt (Error -3 while decompressing")


def test_gzip_of_something_else() -> None:
    error = _bund_error(gzip.compress(b"hello, not a tar", mtime=0))
    assert error.problem.startswith("the gzip-compressed tar data cannot be read (")


def test_unpacked_size_limit() -> None:
    error = _bund_error(_tarball(BUND), TarballLimits(unpacked_bytes=4000))
    assert error.problem == "the tarball unpacks to more than 4000 bytes"


def test_entry_count_limit() -> None:
    error = _bund_error(_tarball(BUND), TarballLimits(entries=3))
    assert error.problem == "the tarball has more than 3 entries"


def test_manifest_size_limit() -> None:
    sizes = {member.name: member.size for member, _ in _members(_tarball(BUND))}
    size = sizes["package/node_modules/a/package.json"]
    error = _bund_error(_tarball(BUND), TarballLimits(manifest_bytes=size - 1))
    assert error.member == "package/node_modules/a/package.json"
    assert error.problem == (
        f"package/node_modules/a/package.json is {size} bytes, "
        f"more than the {size - 1} read of a manifest"
    )


def test_packages_nested_too_deeply() -> None:
    members = [("package/" + "node_modules/a/" * depth + "package.json", b"{}") for depth in (1, 2)]
    assert len(read_bundle(_made_tarball(members), _manifest(BUND["manifest"]), "x").packages) == 2
    deep = [("package/" + "node_modules/a/" * 3000 + "package.json", b"{}")]
    error = _bund_error(_made_tarball(deep))
    assert error.problem == "the packages in the tarball nest too deeply"


def test_a_shrinkwrap_that_is_not_json() -> None:
    members = [("package/package.json", b"{}"), ("package/npm-shrinkwrap.json", b"[1,")]
    contents = read_bundle(_made_tarball(members), _manifest(BUND["manifest"]), "x")
    assert contents.shrinkwrap is None
    assert contents.shrinkwrap_problem is not None
    assert contents.shrinkwrap_problem.startswith("npm-shrinkwrap.json is not JSON (")


# --- properties --------------------------------------------------------------------------------

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(st.binary(max_size=2048))
def test_any_bytes_give_a_result_or_the_typed_error(data: bytes) -> None:
    with contextlib.suppress(BundleError):
        read_bundle(data, _manifest(BUND["manifest"]), "node_modules/bund")


@PROPERTY
@given(st.integers(min_value=0, max_value=len(_tarball(BUND)) - 1))
def test_a_cut_tarball_is_refused_or_read_whole(cut: int) -> None:
    manifest = _manifest(BUND["manifest"])
    whole = read_bundle(_tarball(BUND), manifest, "node_modules/bund")
    try:
        read = read_bundle(_tarball(BUND)[:cut], manifest, "node_modules/bund")
    except BundleError:
        return
    assert read.lock_entries() == whole.lock_entries()


@PROPERTY
@given(st.integers(min_value=0, max_value=len(_tarball(BUND)) - 1), st.integers(0, 255))
def test_a_changed_byte_gives_a_result_or_the_typed_error(position: int, value: int) -> None:
    data = bytearray(_tarball(BUND))
    data[position] = value
    with contextlib.suppress(BundleError):
        read_bundle(bytes(data), _manifest(BUND["manifest"]), "node_modules/bund")


_PART = st.sampled_from(["package", "node_modules", "a", "@s", "b", ".", "..", "", "package.json"])
_NAME = st.lists(st.one_of(_PART, st.text(max_size=6)), min_size=1, max_size=7).map("/".join)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
_FIELDS = st.dictionaries(
    st.sampled_from(
        [
            "name",
            "version",
            "dependencies",
            "optionalDependencies",
            "peerDependencies",
            "peerDependenciesMeta",
            "bundleDependencies",
            "bundledDependencies",
            "bin",
            "directories",
            "scripts",
            "funding",
            "license",
            "_resolved",
        ]
    ),
    _JSON,
)


def _made_tarball(members: list[tuple[str, bytes]]) -> bytes:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, content in members:
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    return gzip.compress(raw.getvalue(), mtime=0)


@PROPERTY
@given(st.lists(st.tuples(_NAME, st.binary(max_size=40)), max_size=12))
def test_any_member_names_stay_under_the_bundler(members: list[tuple[str, bytes]]) -> None:
    try:
        contents = read_bundle(
            _made_tarball(members), _manifest(BUND["manifest"]), "node_modules/bund"
        )
    except BundleError:
        return
    for package in contents.packages:
        assert package.location.startswith("node_modules/bund/node_modules/")
        parts = package.location.split("/")
        assert not {"", ".", ".."} & set(parts)
    contents.lock_entries(optional=True)


@PROPERTY
@given(_FIELDS, _FIELDS)
def test_any_package_json_gives_an_entry(first: dict[str, Any], second: dict[str, Any]) -> None:
    members = [
        ("package/package.json", b"{}"),
        ("package/node_modules/a/package.json", json.dumps(first).encode()),
        ("package/node_modules/a/bin/x", b""),
        ("package/node_modules/b/package.json", json.dumps(second).encode()),
    ]
    manifest = _manifest(BUND["manifest"])
    contents = read_bundle(_made_tarball(members), manifest, "node_modules/bund")
    assert {p.folder for p in contents.packages} == {"a", "b"}
    for entry in contents.lock_entries(dev=True).values():
        assert "resolved" not in entry
        assert "integrity" not in entry


# --- end to end: the resolver fetches the tarball and the lock carries the bundle ------------


@pytest.mark.parametrize("case_id", ["odd", "weird"])
def test_the_lock_holds_the_bundle_as_npm_writes_it(case_id: str, tmp_path: Path) -> None:
    from polypac.ecosystems.npm.lock_writer import write_package_lock
    from polypac.ecosystems.npm.registry import NpmRegistry
    from polypac.ecosystems.npm.resolve import NpmTree, Target, resolve_package_json
    from tests.ecosystems.npm._fake_registry import client, registry_server
    from tests.net._server import Reply

    case = CASE[case_id]
    name = case["manifest"]["name"]
    npm_lock = _lock(case)
    tarball_path = f"/{name}/-/{name}-1.0.0.tgz"
    with registry_server({}, {tarball_path: [Reply(200, _tarball(case))]}) as fake:
        manifest = json.loads(json.dumps(case["manifest"]))
        manifest["dist"]["tarball"] = fake.url(tarball_path)
        document = {"name": name, "dist-tags": {"latest": "1.0.0"}, "versions": {"1.0.0": manifest}}
        fake.scripts[f"/{name}"] = [Reply(200, json.dumps(document).encode())]
        project = {"name": f"made-{name}", "version": "1.0.0", "dependencies": {name: "1"}}
        with client(tmp_path) as http, NpmRegistry(http, registry=fake.base_url) as registry:
            tree = resolve_package_json(project, registry, target=Target("linux", "x64", "20.0.0"))
        asked = sorted(path for path, _ in fake.requests)
    assert isinstance(tree, NpmTree), str(tree)
    assert asked == sorted(case["requests"])  # nothing bundled was asked of the registry
    ours = json.loads(write_package_lock(tree))["packages"]
    ours[f"node_modules/{name}"]["resolved"] = npm_lock[f"node_modules/{name}"]["resolved"]
    assert ours == npm_lock
