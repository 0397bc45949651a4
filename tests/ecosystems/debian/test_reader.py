"""deb822 stanzas, the relation grammar, and Packages indexes (own text and the system's)."""

from __future__ import annotations

import glob
import lzma

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polypac.ecosystems.debian import parse_deb822, parse_relations, read_packages
from polypac.ecosystems.debian.deb822 import ControlFileError, Stanza
from polypac.ecosystems.debian.packages import read_packages_text
from polypac.ecosystems.debian.relations import Relation, RelationError

INDEX = """\
Package: hello
Version: 2.10-3
Architecture: amd64
Depends: libc6 (>= 2.34)
Description: example package
 a second line of the description
 .
 and a third

Package: broken
Version: 1.0
Architecture: amd64
Depends: libc6 (>= 2.34), libfoo (>> )

Package: virtual-user
Version: 1:0.5~rc1-2
Architecture: all
Multi-Arch: foreign
Essential: yes
Pre-Depends: dpkg (>= 1.19)
Depends: mail-transport-agent | exim4:any, perl:any
Conflicts: old-user (<< 0.4)
Breaks: other (< 2)
Provides: user-api (= 1.2), another-api
"""


def test_stanzas_keep_their_lines_and_multiline_values() -> None:
    stanzas = list(parse_deb822(INDEX))
    assert all(isinstance(s, Stanza) for s in stanzas)
    first = stanzas[0]
    assert isinstance(first, Stanza)
    assert first.fields["Description"] == (
        "example package\na second line of the description\n.\nand a third"
    )
    assert [s.line for s in stanzas if isinstance(s, Stanza)] == [1, 10, 15]


def test_packages_index_reads_every_relation_field() -> None:
    index = read_packages_text(INDEX, source="Packages")
    names = [p.name for p in index.packages]
    assert names == ["hello", "virtual-user"]
    user = index.packages[1]
    assert (user.version, user.architecture, user.multi_arch, user.essential) == (
        "1:0.5~rc1-2",
        "all",
        "foreign",
        True,
    )
    assert [[str(r) for r in g] for g in user.depends] == [
        ["mail-transport-agent", "exim4:any"],
        ["perl:any"],
    ]
    assert user.pre_depends == ((Relation("dpkg", None, ">=", "1.19"),),)
    assert user.breaks == ((Relation("other", None, "<=", "2"),),)  # obsolete '<' is '<='
    assert user.provides[0] == (Relation("user-api", None, "=", "1.2"),)


def test_bad_relation_names_file_line_and_column_and_the_rest_is_read() -> None:
    index = read_packages_text(INDEX, source="Packages")
    assert len(index.errors) == 1
    assert str(index.errors[0]) == (
        "Packages:13: invalid Debian relation: expected '(op version)' with op one of"
        " << <= = >= >>\n  libc6 (>= 2.34), libfoo (>> )\n" + " " * (2 + 24) + "^"
    )


def test_malformed_stanza_is_an_error_with_its_line() -> None:
    items = list(parse_deb822("Package: a\nVersion 1\n\nPackage: b\n", source="x"))
    assert isinstance(items[0], ControlFileError)
    assert str(items[0]).splitlines()[0] == "x:2: invalid deb822 stanza: expected 'Field: value'"
    assert isinstance(items[1], Stanza)
    assert items[1].fields == {"Package": "b"}


def test_stanza_missing_required_fields() -> None:
    index = read_packages_text("Package: a\nVersion: 1\n", source="P")
    assert str(index.errors[0]).splitlines()[0] == (
        "P:1: invalid deb822 stanza: stanza lacks Architecture"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a | | b", "expected a package name (empty alternative)"),
        ("a (>= 1", "expected ')' to close the version constraint"),
        ("a b", "expected '(', '[', '<', ',' or '|' after the package name"),
        ("(a)", "expected a package name"),
    ],
)
def test_relation_errors_say_what_was_expected(text: str, message: str) -> None:
    with pytest.raises(RelationError) as info:
        parse_relations(text)
    assert info.value.problem == message


def test_architecture_and_profile_restrictions() -> None:
    (group,) = parse_relations("gcc [amd64 !i386] <!nocheck> <stage1 cross>")
    assert group[0].architectures == ("amd64", "!i386")
    assert group[0].profiles == (("!nocheck",), ("stage1", "cross"))
    assert str(group[0]) == "gcc [amd64 !i386] <!nocheck> <stage1 cross>"


@settings(max_examples=200)
@given(st.text(max_size=40))
def test_relation_parser_raises_only_its_error(text: str) -> None:
    try:
        groups = parse_relations(text)
    except RelationError as error:
        position = error.position
        groups = None
    if groups is None:
        assert position is not None
        assert 0 <= position <= len(text)
    else:
        assert parse_relations(", ".join(" | ".join(map(str, g)) for g in groups)) == groups


@settings(max_examples=100)
@given(st.text(max_size=200))
def test_deb822_never_raises(text: str) -> None:
    for item in parse_deb822(text):
        assert isinstance(item, Stanza | ControlFileError)


def test_compressed_index_round_trip(tmp_path: pytest.TempPathFactory) -> None:
    path = tmp_path / "Packages.xz"  # type: ignore[operator]
    path.write_bytes(lzma.compress(INDEX.encode()))
    index = read_packages([path])
    assert [p.name for p in index.packages] == ["hello", "virtual-user"]
    assert str(index.errors[0]).startswith(f"{path}:13: ")


SYSTEM_INDEXES = sorted(glob.glob("/var/lib/apt/lists/*_main_binary-amd64_Packages*"))


@pytest.mark.skipif(not SYSTEM_INDEXES, reason="no apt index on this machine")
def test_system_index_reads_without_errors() -> None:
    index = read_packages(SYSTEM_INDEXES[:1])
    assert index.errors == []
    assert len(index.packages) > 100
    assert all(p.name and p.version and p.architecture for p in index.packages)
