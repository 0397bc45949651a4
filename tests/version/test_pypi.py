"""PEP 440: packaging's own test data (../shared/anchors/pep440) and property tests.

The specifier data records packaging 26's answers. Each case is mapped to polypac's model
with one rule (see :func:`expected_policy`): where packaging is asked to admit
pre-releases, or where it is left to decide for a single version (packaging 26 then admits
them, as there is no alternative), the answer must equal membership in
``parse_range(spec, include_prerelease=True)``; where it is told to refuse pre-releases, the
answer must equal membership of releases only.
"""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from polypac.errors import InvalidRange, InvalidVersion
from polypac.version import get_scheme
from polypac.version.pypi import SCHEME, Edge, PypiVersion
from polypac.version.sets import VersionSet
from tests.conftest import load_json
from tests.version._laws import (
    assert_parsers_raise_only_typed_errors,
    assert_set_laws,
    version_sets,
)

VERSIONS = load_json("pep440", "versions.json")["sections"]
SPECIFIERS = load_json("pep440", "specifiers.json")["sections"]


def cases(section: str, *, data: dict[str, Any] = SPECIFIERS) -> list[dict[str, Any]]:
    return list(data[section]["cases"])


def case_id(case: dict[str, Any]) -> str:
    return "|".join(str(value) for value in case.values())[:80]


def params(section: str, *, data: dict[str, Any] = SPECIFIERS) -> pytest.MarkDecorator:
    return pytest.mark.parametrize("case", cases(section, data=data), ids=case_id)


def version_text(value: Any) -> str:
    """A case's version: a plain string, or ``{"$Version": s}`` (normalized by packaging)."""
    return str(Version(value["$Version"])) if isinstance(value, dict) else str(value)


def is_pep440(text: str) -> bool:
    try:
        Version(text)
    except ValueError:
        return False
    return True


def member(spec: str, version: str, policy: bool | None) -> bool:
    """polypac's answer to packaging's ``contains`` under a resolved pre-release policy."""
    v = SCHEME.parse_version(version)
    if policy is False and v.is_prerelease:
        return False
    return SCHEME.parse_range(spec, include_prerelease=True).contains(v)


def expected_policy(*flags: bool | None) -> bool | None:
    """The first explicit flag: how packaging resolves ``prereleases`` arguments."""
    return next((flag for flag in flags if flag is not None), None)


# -- versions ---------------------------------------------------------------------------------


ORDER = [case["version"] for case in cases("order", data=VERSIONS)]


@pytest.mark.parametrize(("i", "text"), list(enumerate(ORDER)), ids=ORDER)
def test_order(i: int, text: str) -> None:
    v = SCHEME.parse_version(text)
    for j, other_text in enumerate(ORDER):
        other = SCHEME.parse_version(other_text)
        assert (v < other) == (i < j), (text, other_text)
        assert (v == other) == (i == j), (text, other_text)
        assert (hash(v) == hash(other)) or i != j


@params("invalid", data=VERSIONS)
def test_invalid_version(case: dict[str, Any]) -> None:
    with pytest.raises(InvalidVersion):
        SCHEME.parse_version(case["version"])


@params("normalized", data=VERSIONS)
def test_normalized(case: dict[str, Any]) -> None:
    assert str(SCHEME.parse_version(case["version"])) == case["normalized"]


@params("str", data=VERSIONS)
def test_str(case: dict[str, Any]) -> None:
    assert str(SCHEME.parse_version(case["version"])) == case["expected"]


@params("is_prerelease", data=VERSIONS)
def test_is_prerelease(case: dict[str, Any]) -> None:
    assert SCHEME.parse_version(case["version"]).is_prerelease is case["expected"]


def test_invalid_version_message() -> None:
    with pytest.raises(InvalidVersion) as caught:
        SCHEME.parse_version("1.0-beta.x")
    assert caught.value.problem == (
        "expected a PEP 440 version such as 1.2.3, 2.0rc1, 1!3.0.post2 or 1.0+local"
    )
    assert caught.value.position == 9  # the "x"


# -- specifier validity ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "case", cases("specifier_valid") + cases("specifierset_valid_legacy"), ids=case_id
)
def test_valid_specifier(case: dict[str, Any]) -> None:
    SCHEME.parse_range(case["specifier"])
    assert SCHEME.desugar_range(case["specifier"])


@params("specifier_invalid")
def test_invalid_specifier(case: dict[str, Any]) -> None:
    with pytest.raises(InvalidRange):
        SCHEME.parse_range(case["specifier"])
    with pytest.raises(InvalidRange):
        SCHEME.desugar_range(case["specifier"])


@params("specifier_valid_versions")
def test_valid_specifier_versions(case: dict[str, Any]) -> None:
    version = case["version"]
    ops = ["==", "!="] if "+" in version else ["~=", "==", "!=", "<=", ">=", "<", ">"]
    for op in ops:
        SCHEME.parse_range(op + version)


@pytest.mark.parametrize(
    ("text", "position", "problem"),
    [
        ("2.0", 0, "expected an operator (==, !=, <=, >=, <, >, ~= or ===) before the version"),
        (">=1.0,~=1", 8, "'~=' needs a version with at least two release numbers, such as ~=2.1"),
        (">=1.0+local", 5, "a local version label (+...) is only allowed after == or !="),
        ("<1.0.*", 5, "'.*' may only end a version after '==' or '!='"),
        (">=1.0,<2\u0131", 8, "PEP 440 specifiers are ASCII text"),
        ("==", 1, "expected a version after '=='"),
    ],
)
def test_invalid_specifier_message(text: str, position: int, problem: str) -> None:
    with pytest.raises(InvalidRange) as caught:
        SCHEME.parse_range(text)
    assert (caught.value.position, caught.value.problem) == (position, problem)
    assert str(caught.value).startswith(f"invalid PEP 440 specifier: {problem}")


# -- containment ----------------------------------------------------------------------------


@params("specifier_contains")
def test_specifier_contains(case: dict[str, Any]) -> None:
    assert member(case["spec_str"], case["version"], True) is case["expected"]


@params("specifier_contains_prereleases")
def test_specifier_contains_prereleases(case: dict[str, Any]) -> None:
    policy = expected_policy(case["contains_pre"], case["spec_pre"])
    assert member(case["specifier"], case["version"], policy) is case["expected"]


@params("specifier_prereleases_set")
def test_specifier_prereleases_set(case: dict[str, Any]) -> None:
    spec, version = case["specifier"], case["version"]
    assert member(spec, version, case["initial_prereleases"]) is case["initial_contains"]
    assert member(spec, version, case["set_prereleases"]) is case["final_contains"]


@params("specifierset_prereleases_set")
def test_specifierset_prereleases_set(case: dict[str, Any]) -> None:
    spec, version = case["spec_str"], case["version"]
    assert member(spec, version, case["initial_prereleases"]) is case["initial_contains"]
    assert member(spec, version, case["set_prereleases"]) is case["final_contains"]


@params("specifierset_contains_installed")
def test_specifierset_contains_installed(case: dict[str, Any]) -> None:
    installed = case["installed"] and Version(case["version"]).is_prerelease
    policy = expected_policy(
        True if installed else None, case["contains_prereleases"], case["spec_prereleases"]
    )
    assert member(case["specifier"], case["version"], policy) is case["expected"]


@params("specifierset_contains_exclusionary_bridges")
def test_specifierset_contains_exclusionary_bridges(case: dict[str, Any]) -> None:
    assert member(case["specifier"], case["version"], case["prereleases"]) is case["expected"]


@params("specifierset_contains_post_release_boundary")
def test_specifierset_contains_post_release_boundary(case: dict[str, Any]) -> None:
    assert member(case["spec_str"], case["version"], True) is case["expected"]


@params("specifierset_contains_ignores_local")
def test_specifierset_contains_ignores_local(case: dict[str, Any]) -> None:
    assert member(case["specifier"], case["version"], None) is case["expected"]


@params("specifier_boundary_closure_short_release")
def test_specifier_boundary_closure_short_release(case: dict[str, Any]) -> None:
    assert member(case["spec_str"], case["version_str"], None) is case["expected"]


@params("specifier_prereleases_property")
def test_prereleases_named(case: dict[str, Any]) -> None:
    """Without ``include_prerelease`` a set holds pre-releases iff a clause names one."""
    admitted = not SCHEME.parse_range(case["specifier"]).prereleases.is_empty()
    assert admitted is bool(case["expected"])


# -- arbitrary equality: spellings versus versions ---------------------------------------------

SPELLING = (
    "=== compares spellings; a set of versions holds every spelling of an equal version "
    "(===1.1 also holds 1.01), see polypac.version.pypi"
)
NOT_PEP440 = "=== with a string that is no PEP 440 version: polypac versions are PEP 440 only"
NOT_PEP440_FILTER = (
    "packaging passes strings that are no PEP 440 version through; polypac has no such versions"
)


def arbitrary_marks(spec: str, versions: list[str], expected: bool) -> list[Any]:
    """xfail marks for the two documented limits of ``===`` (see the reasons)."""
    for clause in spec.split(","):
        if not clause.strip().startswith("==="):
            continue
        target = clause.strip()[3:]
        for version in versions:
            if not is_pep440(version) or not is_pep440(target):
                if expected:
                    return [pytest.mark.xfail(strict=True, reason=NOT_PEP440)]
            elif version.lower() != target.lower() and Version(version) == Version(target):
                return [pytest.mark.xfail(strict=True, reason=SPELLING)]
    return []


def arbitrary_cases(section: str, spec_key: str) -> list[Any]:
    out = []
    for case in cases(section):
        spec, version = case[spec_key], version_text(case["version"])
        marks = arbitrary_marks(spec, [version], case["expected"])
        out.append(pytest.param(spec, version, case["expected"], marks=marks, id=case_id(case)))
    return out


def arbitrary_member(spec: str, version: str) -> bool:
    try:
        v = SCHEME.parse_version(version)
    except InvalidVersion:
        return False
    return SCHEME.parse_range(spec, include_prerelease=True).contains(v)


@pytest.mark.parametrize(
    ("spec", "version", "expected"),
    arbitrary_cases("specifier_arbitrary_equality", "spec_str")
    + arbitrary_cases("specifier_arbitrary_equality_normalization", "spec_str")
    + arbitrary_cases("specifierset_contains_arbitrary_equality", "specifier")
    + arbitrary_cases("specifierset_contains_arbitrary_equality_normalization", "spec_str")
    + arbitrary_cases("specifier_contains_invalid_version", "spec_str"),
)
def test_arbitrary_equality(spec: str, version: str, expected: bool) -> None:
    assert arbitrary_member(spec, version) is expected


@params("specifierset_contains_invalid_specifier")
def test_contains_text_that_is_no_version(case: dict[str, Any]) -> None:
    """Text that is no PEP 440 version is in no set: it cannot even be a version."""
    with pytest.raises(InvalidVersion):
        SCHEME.parse_version(case["input"])
    assert arbitrary_member(case["specifier"], case["input"]) is False


# -- filtering: PEP 440's "pre-releases only when nothing else matches" ------------------------


def pep440_filter(spec: str, items: list[Any], policy: bool | None) -> list[str]:
    """packaging's filter, from polypac's sets: finals first, pre-releases as a fallback."""
    texts = [version_text(item) for item in items]
    matching = [t for t in texts if is_pep440(t) and member(spec, t, policy)]
    if policy is None and any(not Version(t).is_prerelease for t in matching):
        return [t for t in matching if not Version(t).is_prerelease]
    return matching


def filter_cases(section: str, spec_key: str, *flag_keys: str) -> list[Any]:
    out = []
    for case in cases(section):
        spec = case[spec_key] if spec_key else ""
        flags = [case[key] for key in flag_keys]
        policy = expected_policy(*flags)
        if spec_key and SpecifierSet(spec).prereleases and policy is None:
            policy = True  # a clause names a pre-release: packaging admits them
        items = case["input" if "input" in case else "versions"]
        expected = [version_text(item) for item in case["expected"]]
        pep440_items = [version_text(i) for i in items if is_pep440(version_text(i))]
        marks = arbitrary_marks(spec, pep440_items, bool(expected))
        if not all(map(is_pep440, expected)):
            marks = [pytest.mark.xfail(strict=True, reason=NOT_PEP440_FILTER)]
        out.append(pytest.param(spec, items, policy, expected, marks=marks, id=case_id(case)))
    return out


@pytest.mark.parametrize(
    ("spec", "items", "policy", "expected"),
    filter_cases("specifier_filter", "specifier", "prereleases", "specifier_prereleases")
    + filter_cases("specifierset_filter", "specifier", "prereleases", "specifier_prereleases")
    + filter_cases("specifierset_filter_exclusionary_bridges", "specifier", "prereleases")
    + filter_cases("specifierset_empty_filter", "", "prereleases")
    + filter_cases("specifierset_empty_filter_ordering", "")
    + filter_cases("specifier_filter_arbitrary_equality_normalization", "specifier"),
)
def test_filter(spec: str, items: list[Any], policy: bool | None, expected: list[str]) -> None:
    assert pep440_filter(spec, items, policy) == expected


# -- satisfiability and relations ---------------------------------------------------------------


@pytest.mark.parametrize(
    "case", cases("unsatisfiable") + cases("unsatisfiable_post_release_boundary"), ids=case_id
)
def test_unsatisfiable(case: dict[str, Any]) -> None:
    assert SCHEME.parse_range(case["spec_str"], include_prerelease=True).is_empty()


def satisfiable_cases() -> list[Any]:
    out = []
    for case in cases("satisfiable"):
        spec = case["spec_str"]
        arbitrary = [c[3:] for c in spec.split(",") if c.startswith("===")]
        marks = []
        if not all(map(is_pep440, arbitrary)):
            marks = [pytest.mark.xfail(strict=True, reason=NOT_PEP440)]
        out.append(pytest.param(spec, marks=marks, id=spec))
    return out


@pytest.mark.parametrize("spec", satisfiable_cases())
def test_satisfiable(spec: str) -> None:
    assert not SCHEME.parse_range(spec, include_prerelease=True).is_empty()


@params("unsatisfiable_no_pre")
def test_unsatisfiable_no_pre(case: dict[str, Any]) -> None:
    assert SCHEME.parse_range(case["spec_str"], include_prerelease=True).releases.is_empty()


def no_pre_cases() -> list[Any]:
    out = []
    for case in cases("satisfiable_no_pre"):
        marks = []
        if case["spec_str"] == "===foobar":
            marks = [pytest.mark.xfail(strict=True, reason=NOT_PEP440)]
        out.append(pytest.param(case["spec_str"], marks=marks, id=case["spec_str"]))
    return out


@pytest.mark.parametrize("spec", no_pre_cases())
def test_satisfiable_no_pre(spec: str) -> None:
    assert not SCHEME.parse_range(spec, include_prerelease=True).releases.is_empty()


@pytest.mark.parametrize(
    ("case", "relation"),
    [(c, "subset") for c in cases("specifierset_is_subset")]
    + [(c, "superset") for c in cases("specifierset_is_superset")]
    + [(c, "disjoint") for c in cases("specifierset_is_disjoint")],
    ids=lambda value: case_id(value) if isinstance(value, dict) else str(value),
)
def test_relations(case: dict[str, Any], relation: str) -> None:
    left = SCHEME.parse_range(case["left"], include_prerelease=True)
    right = SCHEME.parse_range(case["right"], include_prerelease=True)
    answer = {
        "subset": left.is_subset(right),
        "superset": right.is_subset(left),
        "disjoint": left.is_disjoint(right),
    }[relation]
    assert answer is case["expected"]


# -- the static pre-release rule, desugaring, formatting ------------------------------------------


@pytest.mark.parametrize(
    ("spec", "version", "expected"),
    [
        (">=1.0", "2.0rc1", False),
        (">=1.0,!=1.5a1", "2.0rc1", False),
        (">=1.0a1", "2.0rc1", True),
        ("==2.0.*", "2.0.dev1", False),
        ("<3,>=2.0.dev0", "2.5b1", True),
        ("", "1.0a1", False),
        ("", "1.0", True),
    ],
)
def test_static_prerelease_rule(spec: str, version: str, expected: bool) -> None:
    assert SCHEME.parse_range(spec).contains(SCHEME.parse_version(version)) is expected


@pytest.mark.parametrize(
    ("spec", "groups"),
    [
        (">= 1.0", [[">=1.0"]]),
        ("<2.1.0", [["<2.1.0"]]),
        ("!=5", [["!=5"]]),
        ("", [[]]),
        ("~=1.4.5", [[">=1.4.5", "<1.5.dev0"]]),
        ("~=1!2.2", [[">=1!2.2", "<1!3.dev0"]]),
        ("==1.2.*", [[">=1.2.dev0", "<1.3.dev0"]]),
        ("!=1.*,>=0.5", [["<1.dev0", ">=0.5"], [">=2.dev0", ">=0.5"]]),
        ("===1.0", [["=1.0"]]),
        ("===foobar", []),
    ],
)
def test_desugar_range(spec: str, groups: list[list[str]]) -> None:
    assert [[str(c) for c in group] for group in SCHEME.desugar_range(spec)] == groups


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (">1.0", ">1.0"),
        ("<=1.0", "<=1.0"),
        ("~=1.4.5", ">=1.4.5,<1.5"),
        (">= 1.0, <= 2.0, != 1.5.*", ">=1.0,<=2.0,!=1.5.*"),
        ("==1.0+abc", "==1.0+abc"),
        ("===1.0a1", "===1.0a1"),
        (">=1.0a1,<2", ">=1.0a1,<2"),
        ("", ""),
    ],
)
def test_format_range(spec: str, expected: str) -> None:
    assert SCHEME.format_range(SCHEME.parse_range(spec)) == expected


def test_format_range_refuses_what_pep440_cannot_say() -> None:
    mixed = VersionSet(SCHEME.parse_range(">=2").releases, SCHEME.parse_range("<1a1").releases)
    with pytest.raises(ValueError, match="no PEP 440 specifier set writes this set exactly"):
        SCHEME.format_range(mixed)


def test_after_posts_bound() -> None:
    bound = SCHEME.parse_range(">1.0").releases.segments[0].lower
    assert bound is not None
    assert bound.version.edge is Edge.AFTER_POSTS
    assert not bound.inclusive
    assert SCHEME.parse_version("1.0.post99+x") < bound.version < SCHEME.parse_version("1.0.0.1")


def test_registry() -> None:
    schemes: list[object] = [get_scheme("pypi"), get_scheme("pip"), get_scheme("PyPI")]
    assert all(scheme is SCHEME for scheme in schemes)


# -- properties ---------------------------------------------------------------------------------

small = st.integers(min_value=0, max_value=3)


@st.composite
def pep440_versions(draw: st.DrawFn) -> str:
    epoch = draw(st.sampled_from(["", "", "", "1!"]))
    release = ".".join(str(x) for x in draw(st.lists(small, min_size=1, max_size=3)))
    pre = draw(st.sampled_from(["", "", "a", "b", "rc"]))
    pre = f"{pre}{draw(small)}" if pre else ""
    post = draw(st.sampled_from(["", "", f".post{draw(small)}"]))
    dev = draw(st.sampled_from(["", "", f".dev{draw(small)}"]))
    local = draw(st.sampled_from(["", "", "", "+local", "+1.x", "+abc.2"]))
    return f"{epoch}{release}{pre}{post}{dev}{local}"


OPS = ["==", "!=", "<=", ">=", "<", ">", "~=", "==*", "!=*", "==="]


@st.composite
def clauses(draw: st.DrawFn) -> str:
    op = draw(st.sampled_from(OPS))
    version = draw(pep440_versions())
    if op in ("==*", "!=*"):
        release = Version(version).release
        return f"{op[:2]}{'.'.join(map(str, release))}.*"
    if op == "===":
        return f"==={Version(version)}"
    if op not in ("==", "!="):
        version = str(Version(version).public)
    if op == "~=" and len(Version(version).release) < 2:
        version = f"{Version(version).release[0]}.0"
    return op + version


specifier_sets = st.lists(clauses(), max_size=3).map(",".join)


@settings(max_examples=200)
@given(pep440_versions(), pep440_versions(), pep440_versions())
def test_total_order(a: str, b: str, c: str) -> None:
    va, vb, vc = (SCHEME.parse_version(t) for t in (a, b, c))
    assert (va < vb) == (Version(a) < Version(b))
    assert (va == vb) == (Version(a) == Version(b))
    assert (va == vb) <= (hash(va) == hash(vb))
    assert sum([va < vb, va == vb, vb < va]) == 1
    if va < vb < vc:
        assert va < vc


@settings(max_examples=200)
@given(st.text())
def test_parse_version_raises_only_invalid_version(text: str) -> None:
    with contextlib.suppress(InvalidVersion):
        SCHEME.parse_version(text)


@settings(max_examples=200)
@given(st.one_of(st.text(), specifier_sets.map(lambda s: s.replace(",", " , "))))
def test_parse_range_raises_only_invalid_range(text: str) -> None:
    with contextlib.suppress(InvalidRange):
        SCHEME.parse_range(text)
        SCHEME.desugar_range(text)


@settings(max_examples=200)
@given(specifier_sets, pep440_versions(), st.booleans())
def test_agrees_with_packaging(spec: str, version: str, pre: bool) -> None:
    """parse_range(spec) holds v iff packaging's contains does, under the static rule."""
    packaging_set = SpecifierSet(spec)
    v = Version(version)
    for clause in spec.split(","):
        if clause.startswith("==="):  # === compares spellings; keep to exact spellings
            assume(not (Version(clause[3:]) == v and str(v) != clause[3:]))
    policy = pre or bool(packaging_set.prereleases)
    ours = SCHEME.parse_range(spec, include_prerelease=pre).contains(SCHEME.parse_version(version))
    assert ours is packaging_set.contains(v, prereleases=policy)


@settings(max_examples=200)
@given(specifier_sets, specifier_sets, pep440_versions())
def test_set_laws(left: str, right: str, version: str) -> None:
    a, b = SCHEME.parse_range(left), SCHEME.parse_range(right, include_prerelease=True)
    v = SCHEME.parse_version(version)
    assert a.complement().complement() == a
    assert (a | b).complement() == a.complement() & b.complement()
    assert (a & b).complement() == a.complement() | b.complement()
    assert (a & a.complement()).is_empty()
    assert (a | b).contains(v) == (a.contains(v) or b.contains(v))
    assert (a & b).contains(v) == (a.contains(v) and b.contains(v))
    assert a.complement().contains(v) != a.contains(v)


@settings(max_examples=200)
@given(specifier_sets, st.booleans())
def test_format_round_trip(spec: str, pre: bool) -> None:
    versions = SCHEME.parse_range(spec, include_prerelease=pre)
    try:
        text = SCHEME.format_range(versions)
    except ValueError:
        return
    assert SCHEME.parse_range(text) == versions


@settings(max_examples=100)
@given(specifier_sets, pep440_versions())
def test_desugar_agrees_with_parse(spec: str, version: str) -> None:
    """The desugared comparators, read with PEP 440's operators, hold the same versions."""
    assume("===" not in spec)  # ===V desugars to =V, which also holds V's local versions
    v = SCHEME.parse_version(version)
    alternatives = [
        SCHEME.parse_range(
            ",".join(f"{'==' if c.operator == '=' else c.operator}{c.version}" for c in group),
            include_prerelease=True,
        )
        for group in SCHEME.desugar_range(spec)
    ]
    direct = SCHEME.parse_range(spec, include_prerelease=True)
    assert any(r.contains(v) for r in alternatives) == direct.contains(v)


def test_pypi_version_is_hashable_and_frozen() -> None:
    v = SCHEME.parse_version("1.0")
    assert {v, SCHEME.parse_version("1.0.0")} == {v}
    assert isinstance(v, PypiVersion)
    with pytest.raises(AttributeError):
        v.edge = Edge.AFTER_POSTS  # type: ignore[misc]


@settings(max_examples=100)
@given(
    version_sets(SCHEME, pep440_versions(), specifier_sets),
    version_sets(SCHEME, pep440_versions(), specifier_sets),
    st.lists(pep440_versions(), max_size=5),
)
def test_shared_set_laws(a: VersionSet[Any], b: VersionSet[Any], probes: list[str]) -> None:
    """The laws every scheme keeps (tests/version/_laws.py), with singletons mixed in."""
    assert_set_laws(a, b, [SCHEME.parse_version(text) for text in probes])


@settings(max_examples=100)
@given(st.one_of(st.text(), pep440_versions()))
def test_shared_parser_laws(text: str) -> None:
    assert_parsers_raise_only_typed_errors(SCHEME, text)
