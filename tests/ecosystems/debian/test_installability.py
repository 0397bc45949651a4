"""Whole-archive installability: hand-written archives for every relation kind, the generic
reduction and the calculus' brute force as cross-checks, a real slice against dose-distcheck
(and libsolv's installcheck), bad input, and the command line."""

from __future__ import annotations

import glob
import json
import re
import shutil
import subprocess
from collections import deque
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from polypac.calculus.extended import (
    ExtendedResolution,
    all_extended_resolutions,
    check_extended,
)
from polypac.calculus.model import Package
from polypac.cli._debian import debian
from polypac.ecosystems.debian._extended import check_package, real_name
from polypac.ecosystems.debian.installability import (
    DebianArchive,
    InstallabilityReport,
    archive_from_index,
    archive_installability,
    extended_problem,
    installability_by_reduction,
    installation_set,
    load_archive,
)
from polypac.ecosystems.debian.packages import BinaryPackage, read_packages_text
from polypac.version.debian import parse_version

# --- hand-written archives -----------------------------------------------------------------


def archive(text: str, *, foreign: tuple[str, ...] = ()) -> DebianArchive:
    return archive_from_index(
        read_packages_text(text, source="Packages"),
        native_arch="amd64",
        foreign_archs=foreign,
        source="Packages",
    )


def broken_words(report: InstallabilityReport) -> dict[str, str]:
    return {str(item.package): item.explanation for item in report.broken}


# Each case: an archive, the foreign architectures, whether essentials count, and every
# broken package with its explanation, word for word.
CASES: list[tuple[str, str, tuple[str, ...], bool, dict[str, str]]] = [
    (
        "depends-version-unmet",
        """\
Package: foo
Version: 1.0
Architecture: amd64
Depends: libbar (>= 2)

Package: libbar
Version: 1.5
Architecture: amd64

Package: ok
Version: 1
Architecture: all
Depends: libbar (<< 2), libbar (>= 1.5)
""",
        (),
        True,
        {
            "foo 1.0 (amd64)": "foo 1.0 (amd64) depends on libbar (>= 2), but no version of "
            "libbar satisfies >= 2 (the archive has 1.5)"
        },
    ),
    (
        "depends-missing-name-and-every-gap-of-the-package",
        """\
Package: foo
Version: 1
Architecture: amd64
Depends: gone, libc6 (>= 2.36), also-gone
""",
        (),
        True,
        {
            "foo 1 (amd64)": "foo 1 (amd64) depends on also-gone, but there is no package "
            "also-gone\nfoo 1 (amd64) depends on gone, but there is no package gone\n"
            "foo 1 (amd64) depends on libc6 (>= 2.36), but there is no package libc6"
        },
    ),
    (
        "alternatives",
        """\
Package: mailer
Version: 1
Architecture: amd64
Depends: postfix | exim4

Package: exim4
Version: 4.96
Architecture: amd64

Package: nomailer
Version: 1
Architecture: amd64
Depends: postfix | sendmail (>= 8)
""",
        (),
        True,
        {
            "nomailer 1 (amd64)": "nomailer 1 (amd64) depends on postfix | sendmail (>= 8), "
            "but no package satisfies any of its alternatives"
        },
    ),
    (
        "pre-depends-chain",
        """\
Package: top
Version: 2
Architecture: all
Pre-Depends: middle

Package: middle
Version: 1
Architecture: amd64
Depends: bottom (= 3)

Package: bottom
Version: 2
Architecture: amd64
""",
        (),
        True,
        {
            "top 2 (all)": "top 2 (all) pre-depends on middle; middle 1 (amd64) depends on "
            "bottom (= 3), but no version of bottom satisfies = 3 (the archive has 2)",
            "middle 1 (amd64)": "middle 1 (amd64) depends on bottom (= 3), but no version of "
            "bottom satisfies = 3 (the archive has 2)",
        },
    ),
    (
        "conflicts-and-self-conflicts",
        """\
Package: a
Version: 1
Architecture: amd64
Depends: b
Conflicts: c

Package: b
Version: 1
Architecture: amd64
Depends: c

Package: c
Version: 1
Architecture: amd64
Conflicts: c

Package: vim-a
Version: 1
Architecture: amd64
Provides: editor
Conflicts: editor

Package: vim-b
Version: 1
Architecture: amd64
Provides: editor
Conflicts: editor

Package: both-vims
Version: 1
Architecture: amd64
Depends: vim-a, vim-b
""",
        (),
        True,
        {
            "a 1 (amd64)": "a 1 (amd64) depends on b; b 1 (amd64) depends on c, but a 1 "
            "(amd64) conflicts with c",
            "both-vims 1 (amd64)": "both-vims 1 (amd64) depends on vim-a; both-vims 1 (amd64) "
            "depends on vim-b, but vim-a 1 (amd64) conflicts with editor (which vim-b 1 "
            "(amd64) provides)",
        },
    ),
    (
        "breaks-versioned",
        """\
Package: new-lib
Version: 2
Architecture: amd64
Breaks: old-app (<< 2)

Package: old-app
Version: 1
Architecture: amd64
Depends: new-lib

Package: fixed-app
Version: 1
Architecture: amd64
Depends: new-lib
Breaks: new-lib (<< 2)
""",
        (),
        True,
        {
            "old-app 1 (amd64)": "old-app 1 (amd64) depends on new-lib, but new-lib 2 (amd64) "
            "breaks old-app (<< 2)"
        },
    ),
    (
        "provides-versioned-and-unversioned",
        """\
Package: plain-user
Version: 1
Architecture: amd64
Depends: api

Package: versioned-user
Version: 1
Architecture: amd64
Depends: api (>= 2)

Package: unversioned-provider
Version: 1
Architecture: amd64
Provides: api

Package: exact-user
Version: 1
Architecture: amd64
Depends: abi (>= 3)

Package: versioned-provider
Version: 1
Architecture: amd64
Provides: abi (= 3)

Package: versioned-conflict
Version: 1
Architecture: amd64
Depends: unversioned-provider, versioned-provider
Conflicts: api (<< 5)

Package: blocked
Version: 1
Architecture: amd64
Depends: versioned-provider
Conflicts: abi (<< 5)
""",
        (),
        True,
        {
            "versioned-user 1 (amd64)": "versioned-user 1 (amd64) depends on api (>= 2), but "
            "no package provides api at a version that satisfies >= 2",
            "blocked 1 (amd64)": "blocked 1 (amd64) depends on versioned-provider, but "
            "blocked 1 (amd64) conflicts with abi (<< 5) (which versioned-provider 1 (amd64) "
            "provides)",
        },
    ),
    (
        "architecture-qualifiers",
        """\
Package: script
Version: 1
Architecture: all
Depends: python3:any (>= 3.11), perl:native

Package: python3
Version: 3.11.2
Architecture: amd64
Multi-Arch: allowed

Package: perl
Version: 5.36
Architecture: amd64

Package: wants-any-virtual
Version: 1
Architecture: amd64
Depends: awk:any

Package: mawk
Version: 1
Architecture: amd64
Provides: awk

Package: wants-i386
Version: 1
Architecture: amd64
Depends: perl:i386

Package: old-python
Version: 1
Architecture: amd64
Depends: python3:any (<< 3)

Package: restricted
Version: 1
Architecture: amd64
Depends: perl [amd64], nothing [i386]
""",
        (),
        True,
        {
            "wants-any-virtual 1 (amd64)": "wants-any-virtual 1 (amd64) depends on awk:any, "
            "but no package that provides awk is Multi-Arch: allowed",
            "wants-i386 1 (amd64)": "wants-i386 1 (amd64) depends on perl:i386, but no "
            "package of architecture i386 satisfies it",
            "old-python 1 (amd64)": "old-python 1 (amd64) depends on python3:any (<< 3), but "
            "no version of python3 satisfies << 3 (the archive has 3.11.2)",
        },
    ),
    (
        "one-version-per-name",
        """\
Package: lib
Version: 1
Architecture: amd64

Package: lib
Version: 2
Architecture: amd64

Package: old-user
Version: 1
Architecture: amd64
Depends: lib (<< 2)

Package: new-user
Version: 1
Architecture: all
Depends: lib (>= 2)

Package: both-users
Version: 1
Architecture: amd64
Depends: old-user, new-user

Package: tool
Version: 1
Architecture: all

Package: tool
Version: 2
Architecture: amd64

Package: both-tools
Version: 1
Architecture: amd64
Depends: tool (= 1), tool (= 2)
""",
        (),
        True,
        {
            "both-users 1 (amd64)": "both-users 1 (amd64) depends on old-user; old-user 1 "
            "(amd64) depends on lib (<< 2); both-users 1 (amd64) depends on new-user; new-user "
            "1 (all) depends on lib (>= 2), but lib 1 (amd64) and lib 2 (amd64) cannot both be "
            "installed",
            "both-tools 1 (amd64)": "both-tools 1 (amd64) depends on tool (= 1); both-tools 1 "
            "(amd64) depends on tool (= 2), but tool 1 (all) and tool 2 (amd64) cannot both "
            "be installed",
        },
    ),
    (
        "multi-arch-foreign-and-same",
        """\
Package: app
Version: 1
Architecture: amd64
Depends: tool, libs (= 1), libs:i386 (= 1)

Package: tool
Version: 1
Architecture: i386
Multi-Arch: foreign

Package: libs
Version: 1
Architecture: amd64
Multi-Arch: same

Package: libs
Version: 1
Architecture: i386
Multi-Arch: same

Package: skew
Version: 1
Architecture: amd64
Depends: libd (= 1), libd:i386 (= 2)

Package: libd
Version: 1
Architecture: amd64
Multi-Arch: same

Package: libd
Version: 2
Architecture: i386
Multi-Arch: same

Package: only-i386
Version: 1
Architecture: amd64
Depends: libi

Package: libi
Version: 1
Architecture: i386
Multi-Arch: same

Package: elsewhere
Version: 1
Architecture: arm64
Depends: nothing
""",
        ("i386",),
        True,
        {
            "skew 1 (amd64)": "skew 1 (amd64) depends on libd (= 1); skew 1 (amd64) depends "
            "on libd:i386 (= 2), but libd 1 (amd64) and libd 2 (i386) cannot both be installed",
            "only-i386 1 (amd64)": "only-i386 1 (amd64) depends on libi, but no package of "
            "architecture amd64 satisfies it",
        },
    ),
    (
        "essential-counts",
        """\
Package: dpkg
Version: 1.21
Architecture: amd64
Essential: yes

Package: rebel
Version: 1
Architecture: amd64
Conflicts: dpkg

Package: old
Version: 1
Architecture: amd64
Depends: helper

Package: helper
Version: 1
Architecture: amd64
Breaks: dpkg (<< 1.22)
""",
        (),
        True,
        {
            "rebel 1 (amd64)": "dpkg 1.21 (amd64) is essential, but rebel 1 (amd64) conflicts "
            "with dpkg",
            "old 1 (amd64)": "dpkg 1.21 (amd64) is essential; old 1 (amd64) depends on helper, "
            "but helper 1 (amd64) breaks dpkg (<< 1.22)",
            "helper 1 (amd64)": "dpkg 1.21 (amd64) is essential, but helper 1 (amd64) breaks "
            "dpkg (<< 1.22)",
        },
    ),
    (
        "essential-ignored",
        """\
Package: dpkg
Version: 1.21
Architecture: amd64
Essential: yes

Package: rebel
Version: 1
Architecture: amd64
Conflicts: dpkg
""",
        (),
        False,
        {},
    ),
    (
        "essentials-that-cannot-be-installed-break-everything",
        """\
Package: base
Version: 1
Architecture: amd64
Essential: yes
Depends: missing-lib

Package: leaf
Version: 1
Architecture: all
""",
        (),
        True,
        {
            "base 1 (amd64)": "base 1 (amd64) depends on missing-lib, but there is no package "
            "missing-lib",
            "leaf 1 (all)": "base 1 (amd64) is essential; base 1 (amd64) depends on "
            "missing-lib, but there is no package missing-lib",
        },
    ),
]


@pytest.mark.parametrize(
    ("text", "foreign", "essential", "expected"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_verdicts_and_explanations(
    text: str, foreign: tuple[str, ...], essential: bool, expected: dict[str, str]
) -> None:
    report = archive_installability(archive(text, foreign=foreign), essential=essential)
    assert broken_words(report) == expected
    assert report.summary() == (
        f"{len(expected)} broken {'package' if len(expected) == 1 else 'packages'} "
        f"out of {report.checked}"
    )


def test_packages_of_other_architectures_are_ignored() -> None:
    report = archive_installability(archive(CASES[9][1], foreign=("i386",)))
    assert report.ignored == 1
    assert report.checked == 9


@pytest.mark.parametrize(
    ("text", "foreign", "essential"),
    [pytest.param(*case[1:4], id=case[0]) for case in CASES],
)
def test_generic_reduction_gives_the_same_verdicts(
    text: str, foreign: tuple[str, ...], essential: bool
) -> None:
    subject = archive(text, foreign=foreign)
    direct = {b.package for b in archive_installability(subject, essential=essential).broken}
    generic = installability_by_reduction(subject, essential=essential)
    assert {p for p, ok in generic.items() if not ok} == direct


def _witness_checks(subject: DebianArchive, package: BinaryPackage, essential: bool) -> list[str]:
    """The calculus' own checker on the direct encoding's installation for ``package``."""
    found = installation_set(subject, package, essential=essential)
    assert found is not None
    problem = extended_problem(subject, [package], essential=essential)
    chosen = {Package(real_name(p, subject.architectures), parse_version(p.version)) for p in found}
    resolution = ExtendedResolution(frozenset({*chosen, check_package(0)}))
    return [v.reason for v in check_extended(problem, resolution)]


@pytest.mark.parametrize(
    ("text", "foreign", "essential"),
    [pytest.param(*case[1:4], id=case[0]) for case in CASES],
)
def test_installations_pass_the_calculus_checker(
    text: str, foreign: tuple[str, ...], essential: bool
) -> None:
    subject = archive(text, foreign=foreign)
    broken = {b.package for b in archive_installability(subject, essential=essential).broken}
    for package in subject.packages:
        if package in broken:
            assert installation_set(subject, package, essential=essential) is None
        else:
            assert _witness_checks(subject, package, essential) == []


# --- random small archives: direct encoding = generic reduction = brute force ---------------

NAMES = ("a", "b", "c", "d")
VIRTUAL = ("v", "w")


@st.composite
def relations(draw: st.DrawFn, *, provides: bool = False) -> str:
    name: str = draw(st.sampled_from(NAMES + VIRTUAL))
    if provides:
        provided: str = draw(st.sampled_from(["", " (= 1)", " (= 2)"]))
        return name + provided
    qualifier: str = draw(st.sampled_from(["", "", "", ":any", ":native", ":i386"]))
    version: str = draw(st.sampled_from(["", "", " (>= 2)", " (<< 2)", " (= 1)", " (<= 1)"]))
    return name + qualifier + version


@st.composite
def small_archives(draw: st.DrawFn) -> tuple[str, tuple[str, ...]]:
    foreign = draw(st.sampled_from([(), ("i386",)]))
    arches = ["amd64", "all", *foreign]
    stanzas = []
    for _ in range(draw(st.integers(1, 5))):
        lines = [
            f"Package: {draw(st.sampled_from(NAMES))}",
            f"Version: {draw(st.sampled_from(['1', '2']))}",
            f"Architecture: {draw(st.sampled_from(arches))}",
            f"Multi-Arch: {draw(st.sampled_from(['no', 'same', 'foreign', 'allowed']))}",
        ]
        if draw(st.integers(0, 9)) == 0:
            lines.append("Essential: yes")
        for field in ("Depends", "Conflicts", "Breaks", "Provides"):
            count = draw(st.integers(0, 2))
            if not count:
                continue
            if field == "Depends":
                groups = [
                    " | ".join(draw(st.lists(relations(), min_size=1, max_size=2)))
                    for _ in range(count)
                ]
            else:
                groups = [draw(relations(provides=field == "Provides")) for _ in range(count)]
            lines.append(f"{field}: {', '.join(groups)}")
        stanzas.append("\n".join(lines))
    return "\n\n".join(stanzas) + "\n", foreign


def _copy_conflict(subject: DebianArchive) -> bool:
    """The one corner where the calculus mapping and the direct encoding differ (see
    ``_extended``): a Multi-Arch: same package whose conflicts could hit its own copy."""
    for package in subject.packages:
        if package.multi_arch != "same":
            continue
        own = {package.name} | {r.name for g in package.provides for r in g}
        if any(r.name in own for g in (*package.conflicts, *package.breaks) for r in g):
            return True
    return False


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_archives(), st.booleans())
def test_random_archives_agree_with_reduction_and_brute_force(
    drawn: tuple[str, tuple[str, ...]], essential: bool
) -> None:
    text, foreign = drawn
    subject = archive(text, foreign=foreign)
    assume(subject.packages)
    assume(not _copy_conflict(subject))
    report = archive_installability(subject, essential=essential)
    direct = {b.package for b in report.broken}
    event(f"broken packages: {bool(direct)}; foreign architecture: {bool(foreign)}")
    generic = installability_by_reduction(subject, essential=essential)
    assert {p for p, ok in generic.items() if not ok} == direct
    for package in subject.packages:
        problem = extended_problem(subject, [package], essential=essential)
        brute = next(all_extended_resolutions(problem), None)
        assert (brute is None) == (package in direct), str(package)
        if package not in direct:
            assert _witness_checks(subject, package, essential) == []
    assert all(item.reasons for item in report.broken)  # every broken package is explained


# --- bad input -------------------------------------------------------------------------------

BAD_INPUT = """\
Package: good
Version: 1
Architecture: amd64
Depends: needs-bad

Package: bad-relation
Version: 1
Architecture: amd64
Depends: libc6 (>> )

Package: bad-version
Version: 1:
Architecture: amd64

 stray continuation
Package: bad-stanza

Package: fine
Version: 2
Architecture: all
"""


def test_bad_stanzas_are_skipped_with_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "Packages"
    path.write_text(BAD_INPUT)
    report = archive_installability(load_archive([path]))
    skipped = [str(s) for s in report.skipped]
    assert skipped == [
        f"{path}:9 (bad-relation): invalid Debian relation: expected '(op version)' with op "
        "one of << <= = >= >>",
        f"{path}:15 (bad-stanza): invalid deb822 stanza: a continuation line comes before "
        "any field",
        f"{path}:11 (bad-version): invalid deb version: nothing after colon in version number "
        "('1:')",
    ]
    assert report.checked == 2
    assert broken_words(report) == {
        "good 1 (amd64)": "good 1 (amd64) depends on needs-bad, but there is no package needs-bad"
    }


def test_a_bad_version_in_a_relation_skips_its_package() -> None:
    text = "Package: y\nVersion: 1\nArchitecture: amd64\nDepends: z (>= 1.0:bad)\n"
    report = archive_installability(archive(text + "\nPackage: q\nVersion: 1\nArchitecture: all\n"))
    assert [str(s) for s in report.skipped] == [
        "Packages:1 (y): invalid deb version: epoch in version is not number ('1.0:bad')"
    ]
    assert report.summary() == "0 broken packages out of 1"


# --- the command line --------------------------------------------------------------------------


def run_cli(*args: str) -> int:
    result = debian.main(args=["installability", *args], standalone_mode=False)
    assert isinstance(result, int)
    return result


def test_cli_exit_codes_and_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fine = tmp_path / "fine"
    fine.write_text(CASES[0][1].split("\n\nPackage: ok")[0].replace("(>= 2)", "(>= 1)"))
    assert run_cli(str(fine)) == 0
    assert capsys.readouterr().out.strip().endswith("0 broken packages out of 2")
    broken = tmp_path / "broken"
    broken.write_text(CASES[0][1])
    assert run_cli(str(broken)) == 1
    out = capsys.readouterr().out
    assert "1 broken package out of 3" in out
    assert "libbar" in out
    bad = tmp_path / "bad"
    bad.write_text(BAD_INPUT)
    assert run_cli(str(bad)) == 2
    captured = capsys.readouterr()
    assert f"skipped: {bad}:9 (bad-relation): invalid Debian relation" in captured.err
    assert "1 broken package out of 2 (3 skipped: they do not parse)" in captured.out


def test_cli_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "Packages"
    path.write_text(CASES[10][1])
    assert run_cli("--json", str(path)) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["summary"] == "3 broken packages out of 4"
    rebel = next(item for item in data["broken"] if item["name"] == "rebel")
    assert rebel["version"] == "1"
    assert rebel["architecture"] == "amd64"
    assert rebel["explanation"] == (
        "dpkg 1.21 (amd64) is essential, but rebel 1 (amd64) conflicts with dpkg"
    )
    assert rebel["reasons"][0]["kind"] == "conflict"
    assert rebel["reasons"][0]["chains"] == [
        [
            {
                "package": "dpkg",
                "version": "1.21",
                "architecture": "amd64",
                "field": "essential",
                "relation": "",
            }
        ]
    ]
    assert run_cli("--json", "--ignore-essential", str(path)) == 0
    assert json.loads(capsys.readouterr().out)["broken"] == []


def test_cli_unreadable_file_is_bad_input(tmp_path: Path) -> None:
    path = tmp_path / "Packages.xz"
    path.write_bytes(b"not xz at all")
    from polypac.errors import PolypacError

    with pytest.raises(PolypacError, match=r"Packages\.xz: cannot read"):
        run_cli(str(path))


# --- a real slice, against dose-distcheck and installcheck --------------------------------------

ROOTS = (
    "webext-xnotepp",
    "webext-tbsync",
    "console-setup-freebsd",
    "exim4-daemon-light",
    "postfix",
    "hello",
)


def _system_index() -> str | None:
    found = glob.glob("/var/lib/apt/lists/*_main_binary-amd64_Packages*")
    return max(found, key=lambda p: Path(p).stat().st_size, default=None)


def _stanza(package: BinaryPackage) -> str:
    lines = [
        f"Package: {package.name}",
        f"Version: {package.version}",
        f"Architecture: {package.architecture}",
    ]
    if package.multi_arch != "no":
        lines.append(f"Multi-Arch: {package.multi_arch}")
    if package.essential:
        lines.append("Essential: yes")
    for field, groups in (
        ("Pre-Depends", package.pre_depends),
        ("Depends", package.depends),
        ("Conflicts", package.conflicts),
        ("Breaks", package.breaks),
        ("Provides", package.provides),
    ):
        if groups:
            lines.append(f"{field}: " + ", ".join(" | ".join(map(str, g)) for g in groups))
    return "\n".join(lines)


@pytest.fixture(scope="module")
def real_slice(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The dependency cone of a few packages (some broken) and of the essential ones."""
    index = _system_index()
    if index is None:
        pytest.skip("no Debian main amd64 Packages index under /var/lib/apt/lists")
    whole = load_archive([index])
    by_name: dict[str, list[BinaryPackage]] = {}
    for package in whole.packages:
        by_name.setdefault(package.name, []).append(package)
        for group in package.provides:
            for relation in group:
                by_name.setdefault(relation.name, []).append(package)
    wanted = [*ROOTS, *(p.name for p in whole.packages if p.essential)]
    names, queue = set(wanted), deque(wanted)
    chosen: dict[int, BinaryPackage] = {}
    while queue:
        for package in by_name.get(queue.popleft(), ()):
            if id(package) in chosen:
                continue
            chosen[id(package)] = package
            for group in (*package.pre_depends, *package.depends):
                for relation in group:
                    if relation.name not in names:
                        names.add(relation.name)
                        queue.append(relation.name)
    path = tmp_path_factory.mktemp("slice") / "Packages"
    path.write_text("\n\n".join(map(_stanza, chosen.values())) + "\n")
    return path


def _dose_broken(path: Path) -> set[str]:
    output = subprocess.run(
        ["dose-distcheck", "--deb-native-arch=amd64", "-f", f"deb://{path}"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    found = re.findall(
        r"^ -\n  package: (\S+)\n  version: (\S+)\n  architecture: (\S+)$", output, re.MULTILINE
    )
    assert re.search(r"^broken-packages: (\d+)$", output, re.MULTILINE), output[-500:]
    return {f"{name} {version} ({arch})" for name, version, arch in found}


def _installcheck_broken(path: Path) -> set[str]:
    """installcheck's broken packages as it names them: ``name-version.arch``."""
    output = subprocess.run(
        ["installcheck", "amd64", str(path)], capture_output=True, text=True, check=False
    ).stdout
    return set(re.findall(r"^can't install (\S+):$", output, re.MULTILINE))


@pytest.mark.skipif(shutil.which("dose-distcheck") is None, reason="dose-distcheck not installed")
def test_real_slice_agrees_with_dose_distcheck(real_slice: Path) -> None:
    report = archive_installability(load_archive([real_slice]))
    ours = {str(item.package) for item in report.broken}
    assert ours == _dose_broken(real_slice)
    assert {"webext-xnotepp 3.3.2-1 (all)", "console-setup-freebsd 1.221 (all)"} <= ours
    assert all(item.reasons for item in report.broken)


@pytest.mark.skipif(shutil.which("installcheck") is None, reason="installcheck not installed")
def test_real_slice_agrees_with_installcheck(real_slice: Path) -> None:
    report = archive_installability(load_archive([real_slice]), essential=False)
    ours = {f"{b.package.name}-{b.package.version}.{b.package.architecture}" for b in report.broken}
    assert ours == _installcheck_broken(real_slice)
