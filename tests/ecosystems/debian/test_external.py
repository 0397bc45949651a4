"""PEP 725 requirements as Debian packages: the mapping table validated entry by entry (and
against this machine's bookworm index), the mapping of each kind of DepURL, version ranges
carried over, and whole plans on hand-written indexes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from polypac.ecosystems.debian.external import (
    ROLES,
    MappingTableError,
    debian_packages_for,
    load_mapping_table,
    plan_external,
)
from polypac.ecosystems.debian.install import AptCache, InstallFailure, InstallPlan
from polypac.ecosystems.debian.relations import parse_relations
from polypac.ecosystems.python.external import ExternalRequirement, parse_external_requirement

TABLE = load_mapping_table()
ENTRIES = sorted(TABLE.entries.values(), key=lambda e: e.depurl)


def req(text: str, key: str = "dependencies", group: str | None = None) -> ExternalRequirement:
    return parse_external_requirement(text, key=key, group=group)


def test_the_table_holds_what_real_pep725_users_need() -> None:
    assert len(ENTRIES) >= 40
    for depurl in (
        "dep:virtual/compiler/c",
        "dep:virtual/compiler/cpp",
        "dep:virtual/compiler/fortran",
        "dep:virtual/compiler/rust",
        "dep:virtual/interface/blas",
        "dep:generic/openblas",
        "dep:generic/pkg-config",
        "dep:generic/openssl",
        "dep:generic/hdf5",
    ):
        assert TABLE.lookup(req(depurl).purl) is not None, depurl


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.depurl for e in ENTRIES])
def test_every_entry_parses_and_quotes_a_description_for_each_name(entry: object) -> None:
    from polypac.ecosystems.debian.external import MappingEntry

    assert isinstance(entry, MappingEntry)
    parse_external_requirement(entry.depurl)
    if entry.unmapped is not None:
        assert not entry.names()
        return
    assert entry.names(), "a mapped entry names at least one package"
    quoted = [line.partition(":")[0] for line in entry.evidence]
    assert quoted == list(entry.names())
    for role in ROLES:
        for group in entry.groups(role):
            assert parse_relations(group)


def test_every_debian_name_exists_in_the_bookworm_index() -> None:
    lists = sorted(Path("/var/lib/apt/lists").glob("*bookworm*_Packages*"))
    if not lists:
        message = "no bookworm apt lists on this machine"
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    cache = AptCache.from_files(lists)
    missing = [
        f"{entry.depurl}: {name}"
        for entry in ENTRIES
        for name in entry.names()
        if name not in cache.available
    ]
    assert missing == []


def test_a_bad_table_is_refused_with_the_entry_named(tmp_path: Path) -> None:
    path = tmp_path / "table.toml"
    path.write_text('[[mapping]]\ndepurl = "dep:generic/x"\nhots = ["a"]\n', encoding="utf-8")
    with pytest.raises(MappingTableError, match=r"mapping #1: unknown field 'hots'"):
        load_mapping_table(path)
    path.write_text(
        '[[mapping]]\ndepurl = "dep:generic/x"\n[[mapping]]\ndepurl = "pkg:generic/x"\n',
        encoding="utf-8",
    )
    with pytest.raises(MappingTableError, match="pkg:generic/x is listed twice"):
        load_mapping_table(path)


# --- mapping ------------------------------------------------------------------------------


def test_each_key_maps_to_its_role() -> None:
    found = debian_packages_for(
        [
            req("dep:generic/openblas", "build-requires"),
            req("dep:generic/openblas", "host-requires"),
            req("dep:generic/openblas", "dependencies"),
        ]
    )
    assert [(m.role, m.groups) for m in found.mapped] == [
        ("build", ()),
        ("host", ("libopenblas-dev",)),
        ("run", ("libopenblas0",)),
    ]


def test_alternatives_of_the_table_stay_alternatives() -> None:
    found = debian_packages_for([req("dep:virtual/interface/blas", "host-requires")])
    assert found.relations() == "libopenblas-dev | libblas-dev"
    assert str(found.mapped[0]) == (
        "dep:virtual/interface/blas (host): libopenblas-dev | libblas-dev"
    )


def test_deb_purls_name_their_package_and_other_types_are_refused() -> None:
    found = debian_packages_for(
        [
            req("pkg:deb/debian/libssl-dev", "host-requires"),
            req("pkg:deb/ubuntu/libssl-dev", "host-requires"),
            req("pkg:pypi/numpy"),
            req("dep:generic/not-in-the-table"),
            req("dep:virtual/compiler/cuda", "build-requires"),
        ]
    )
    assert found.relations() == "libssl-dev"
    assert [str(u) for u in found.unmapped] == [
        "pkg:deb/ubuntu/libssl-dev: a package of ubuntu, not Debian: its name may differ in Debian",
        "pkg:pypi/numpy: pkg:pypi packages are not installed by apt",
        "dep:generic/not-in-the-table: no entry in pep725-debian.toml",
        "dep:virtual/compiler/cuda: nvidia-cuda-toolkit is in Debian's non-free area;"
        " the apt sources read here hold main only",
    ]


def test_markers_and_optional_extras_decide_what_is_asked() -> None:
    linux = {"sys_platform": "linux", "platform_system": "Linux"}
    requirements = [
        req("dep:generic/zlib; sys_platform == 'win32'", "host-requires"),
        req("dep:generic/libpng", "optional-host-requires", "images"),
        req("dep:generic/libjpeg", "optional-host-requires", "jpeg"),
    ]
    found = debian_packages_for(requirements, extras={"images"}, environment=linux)
    assert found.relations() == "libpng-dev"
    assert [s.text for s in found.skipped] == [
        "dep:generic/zlib; sys_platform == 'win32'",
        "dep:generic/libjpeg",
    ]


# --- plans --------------------------------------------------------------------------------


def index(*stanzas: tuple[str, str, str]) -> AptCache:
    text = "\n".join(
        f"Package: {name}\nVersion: {version}\nArchitecture: amd64\n{extra}"
        for name, version, extra in stanzas
    )
    return AptCache.from_texts([text])


def test_one_request_for_all_requirements_with_alternatives() -> None:
    cache = index(
        ("gcc", "4:12.2.0-3", ""),
        ("libblas-dev", "3.11.0-2", "Depends: libblas3\n"),
        ("libblas3", "3.11.0-2", ""),
    )
    found = plan_external(
        [
            req("dep:virtual/compiler/c", "build-requires"),
            req("dep:virtual/interface/blas", "host-requires"),
        ],
        cache=cache,
    )
    assert isinstance(found, InstallPlan)
    assert sorted(p.name for p in found.install) == ["gcc", "libblas-dev", "libblas3"]


@pytest.mark.parametrize(
    ("text", "versions", "chosen"),
    [
        ("dep:generic/openblas@>=0.3", ["0.2.20-1", "0.3.21+ds-4"], "0.3.21+ds-4"),
        ("dep:generic/openblas@<0.3", ["0.2.20-1", "0.3.21+ds-4"], "0.2.20-1"),
        ("dep:generic/openblas@<=0.3.21", ["0.3.21+ds-4", "0.3.22-1"], "0.3.21+ds-4"),
        ("dep:generic/openblas@>0.3.21", ["0.3.21+ds-4", "0.3.22-1"], "0.3.22-1"),
        ("dep:generic/openblas@==0.3.21", ["0.3.20-1", "0.3.21-2", "0.3.22-1"], "0.3.21-2"),
        ("dep:generic/openblas@0.3.21", ["0.3.20-1", "0.3.21-2", "0.3.22-1"], "0.3.21-2"),
    ],
)
def test_version_ranges_become_debian_constraints(
    text: str, versions: list[str], chosen: str
) -> None:
    cache = index(*(("libopenblas-dev", v, "") for v in versions))
    found = plan_external([req(text, "host-requires")], cache=cache)
    if chosen != max(versions):
        assert isinstance(found, InstallFailure)  # apt only ever takes the candidate
        return
    assert isinstance(found, InstallPlan)
    assert [p.version for p in found.install] == [chosen]


def test_the_epoch_of_the_package_goes_in_front_of_the_range() -> None:
    cache = index(("zlib1g-dev", "1:1.2.13.dfsg-1", ""))
    found = plan_external([req("dep:generic/zlib@>=1.2,<1.3", "host-requires")], cache=cache)
    assert isinstance(found, InstallPlan)
    assert found.names() == {("zlib1g-dev", "1:1.2.13.dfsg-1")}
    too_new = plan_external([req("dep:generic/zlib@>=1.3", "host-requires")], cache=cache)
    assert isinstance(too_new, InstallFailure)
    assert too_new.reasons == (
        "the request depends on zlib1g-dev (>= 1:1.3), but no version of zlib1g-dev"
        " satisfies >= 1:1.3 (the archive has 1:1.2.13.dfsg-1)",
    )


def test_an_unmapped_requirement_fails_the_request_with_a_hint() -> None:
    found = plan_external([req("dep:generic/frobnicate", "host-requires")], cache=index())
    assert str(found) == (
        "error: cannot install dep:generic/frobnicate\n"
        "  dep:generic/frobnicate: no entry in pep725-debian.toml\n"
        "hint: add the DepURL to pep725-debian.toml, or require the Debian package itself"
        " (pkg:deb/debian/NAME)"
    )
