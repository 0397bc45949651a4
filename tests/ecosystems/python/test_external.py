"""PEP 725 [external] entries: every spelling of the drafts, scopes, and bad input."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polypac.ecosystems.python.external import (
    external_dependencies,
    parse_external_requirement,
)
from polypac.inventory.graph import LockfileError, Scope


@pytest.mark.parametrize(
    ("text", "purl", "specifier", "marker"),
    [
        ("dep:generic/openblas", "pkg:generic/openblas", "", None),
        ("pkg:generic/openblas", "pkg:generic/openblas", "", None),
        ("dep:generic/openblas@0.3.27", "pkg:generic/openblas@0.3.27", "", None),
        ("dep:generic/openblas@>=0.3", "pkg:generic/openblas", ">=0.3", None),
        ("dep:generic/openblas>=0.3", "pkg:generic/openblas", ">=0.3", None),
        ("dep:pypi/numpy@%3E%3D2.0", "pkg:pypi/numpy", ">=2.0", None),
        ("dep:generic/gcc >=12,<14", "pkg:generic/gcc", ">=12,<14", None),
        ("dep:github/org/tool@1.0", "pkg:github/org/tool@1.0", "", None),
        (
            "dep:generic/libffi; sys_platform == 'linux'",
            "pkg:generic/libffi",
            "",
            "sys_platform == 'linux'",
        ),
        (
            "dep:cargo/ripgrep@==14.1 ;os_name=='posix'",
            "pkg:cargo/ripgrep",
            "==14.1",
            "os_name=='posix'",
        ),
    ],
    ids=[
        "dep",
        "pkg-draft",
        "pinned",
        "at-range",
        "bare-range",
        "encoded-range",
        "spaced-range",
        "namespace",
        "marker",
        "range-and-marker",
    ],
)
def test_concrete_dependencies(text: str, purl: str, specifier: str, marker: str | None) -> None:
    requirement = parse_external_requirement(text, key="host-requires")
    assert requirement.text == text
    assert requirement.purl.to_string() == purl
    assert requirement.specifier == specifier
    assert requirement.marker == marker
    assert not requirement.is_virtual


@pytest.mark.parametrize(
    ("text", "kind", "name", "purl"),
    [
        ("dep:virtual/compiler/c", "compiler", "c", "pkg:generic/virtual/compiler/c"),
        ("virtual:compiler/rust", "compiler", "rust", "pkg:generic/virtual/compiler/rust"),
        ("pkg:virtual/interface/blas", "interface", "blas", "pkg:generic/virtual/interface/blas"),
        ("dep:virtual/interface/lapack@>=3.7.1", "interface", "lapack", None),
    ],
    ids=["dep", "virtual-scheme", "pkg-scheme", "with-range"],
)
def test_virtual_dependencies(text: str, kind: str, name: str, purl: str | None) -> None:
    requirement = parse_external_requirement(text, key="build-requires")
    assert (requirement.virtual_kind, requirement.virtual_name) == (kind, name)
    assert requirement.purl.to_string() == (purl or f"pkg:generic/virtual/{kind}/{name}")


def test_keys_give_scopes_and_groups() -> None:
    table = {
        "build-requires": ["dep:virtual/compiler/c", "dep:generic/ninja"],
        "host-requires": ["dep:generic/openssl@>=3"],
        "dependencies": ["dep:generic/git"],
        "optional-build-requires": {"fast": ["dep:virtual/compiler/rust"]},
        "optional-host-requires": {"gpu": ["dep:generic/cuda"]},
        "optional-dependencies": {"pgp": ["dep:generic/gpg"]},
        "dependency-groups": {"dev": ["dep:generic/valgrind", {"include-group": "x"}]},
    }
    found = [(r.purl.name, r.key, r.group, r.scope) for r in external_dependencies(table)]
    assert found == [
        ("c", "build-requires", None, Scope.BUILD),
        ("ninja", "build-requires", None, Scope.BUILD),
        ("openssl", "host-requires", None, Scope.BUILD),
        ("git", "dependencies", None, Scope.SYSTEM),
        ("rust", "optional-build-requires", "fast", Scope.OPTIONAL),
        ("cuda", "optional-host-requires", "gpu", Scope.OPTIONAL),
        ("gpg", "optional-dependencies", "pgp", Scope.OPTIONAL),
        ("valgrind", "dependency-groups", "dev", Scope.DEV),
    ]


@pytest.mark.parametrize(
    ("text", "message", "caret"),
    [
        ("openblas", "expected a DepURL such as 'dep:generic/openblas'", 0),
        (
            "dep:generic/x !=1",
            "operator '!=' is not allowed in a DepURL version (use >=, >, <, <=, ==)",
            14,
        ),
        ("dep:virtual/gpu/cuda", "virtual kind must be compiler or interface, not 'gpu'", 12),
        ("dep:virtual/compiler", "a virtual dependency is 'dep:virtual/<kind>/<name>'", 4),
        ("dep:generic/x@", "expected a version after '@'", 14),
        ("dep:generic/x junk", "expected a version range or ';' after the DepURL", 14),
        ("dep:generic/x@1 >=2", "a version is given both after '@' and after the URL", 15),
        ("dep:generic/x; os ==", "invalid environment marker:", 15),
        ("dep:generic/x>=1..0", "invalid version range '>=1..0'", 13),
    ],
    ids=[
        "no-scheme",
        "not-allowed-op",
        "bad-virtual-kind",
        "short-virtual",
        "empty-version",
        "junk",
        "two-versions",
        "bad-marker",
        "bad-range",
    ],
)
def test_bad_entries(text: str, message: str, caret: int) -> None:
    with pytest.raises(LockfileError) as caught:
        parse_external_requirement(text)
    assert caught.value.problem.startswith(message)
    assert caught.value.position == caret
    assert str(caught.value).startswith("invalid external dependency: ")


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"requires": []}, "unknown [external] key"),
        ({"dependencies": "dep:generic/x"}, "[external] dependencies must be an array of strings"),
        (
            {"optional-dependencies": ["dep:generic/x"]},
            "[external] optional-dependencies must be a table",
        ),
        ({"dependencies": [3]}, "an entry of [external] dependencies must be a string"),
    ],
    ids=["unknown-key", "not-array", "not-table", "not-string"],
)
def test_bad_tables(table: dict[str, object], message: str) -> None:
    with pytest.raises(LockfileError) as caught:
        external_dependencies(table)
    assert caught.value.problem.startswith(message)


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(
        st.text(),
        st.builds(
            "".join,
            st.lists(
                st.sampled_from(
                    [
                        "dep:",
                        "pkg:",
                        "virtual:",
                        "generic/",
                        "virtual/",
                        "compiler/",
                        "c",
                        "x",
                        "@",
                        ">=",
                        "1.0",
                        ",",
                        "<2",
                        ";",
                        " ",
                        "os_name == 'nt'",
                        "%3E",
                        "?a=b",
                        "#s",
                    ]
                ),
                max_size=8,
            ),
        ),
    )
)
def test_any_text_gives_a_requirement_or_a_lockfile_error(text: str) -> None:
    try:
        requirement = parse_external_requirement(text)
    except LockfileError:
        return
    assert requirement.text == text
