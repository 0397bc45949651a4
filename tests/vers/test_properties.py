"""Laws of the VERS API, checked on generated input (hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from polypac.errors import VersError
from polypac.vers import Vers, VersComparator, VersConstraint, parse_vers, validate_vers
from polypac.vers._types import scheme_for_type

OPERATORS: list[VersComparator] = ["=", "!=", "<", "<=", ">", ">="]
PRINTABLE = "".join(chr(c) for c in range(0x20, 0x7F))

# Text that looks like VERS often enough to reach every branch of the scanner.
vers_like = st.builds(
    lambda scheme, vers_type, body: f"{scheme}:{vers_type}/{body}",
    st.sampled_from(["vers", "VERS", "vers ", "purl", ""]),
    st.sampled_from(["npm", "pypi", "test", "datetime", "all", "none", "invalid", "Npm", "1x", ""]),
    st.text(alphabet="<>=!*|%0123456789abcdefABCDEFtz.:-+ \t/~", max_size=30),
)


def _parse(text: str, *, strict: bool) -> Vers | VersError:
    """The parsed specifier, or the VersError it raised (any other exception escapes)."""
    try:
        return parse_vers(text, strict=strict)
    except VersError as error:
        return error


@settings(max_examples=200)
@given(st.one_of(st.text(max_size=40), vers_like), st.booleans())
def test_parse_raises_only_vers_error(text: str, strict: bool) -> None:
    outcome = _parse(text, strict=strict)
    if isinstance(outcome, VersError):
        assert outcome.text == text
        assert outcome.position is None or 0 <= outcome.position <= len(text)
    else:
        assert outcome.to_string().startswith("vers:")


@settings(max_examples=200)
@given(st.one_of(st.text(max_size=40), vers_like))
def test_validate_never_raises_and_agrees_with_strict_parse(text: str) -> None:
    problems = validate_vers(text)
    outcome = _parse(text, strict=True)
    if isinstance(outcome, VersError):
        assert problems
        assert problems[0].startswith(outcome.problem)


constraint = st.builds(
    VersConstraint,
    st.sampled_from(OPERATORS),
    st.text(alphabet=PRINTABLE, min_size=1, max_size=12),
)


@settings(max_examples=200)
@given(st.one_of(st.lists(constraint, min_size=1, max_size=6), st.just([VersConstraint("*", "")])))
def test_canonical_text_round_trips(constraints: list[VersConstraint]) -> None:
    vers = Vers("test", tuple(constraints))
    text = vers.to_string()
    assert parse_vers(text) == vers
    assert parse_vers(text).to_string() == text
    assert parse_vers(text, strict=False).to_string() == text


pypi_version = st.builds(
    lambda release, pre, post, dev: ".".join(map(str, release)) + pre + post + dev,
    st.lists(st.integers(0, 3), min_size=1, max_size=3),
    st.sampled_from(["", "", "a1", "b2", "rc1"]),
    st.sampled_from(["", "", ".post1"]),
    st.sampled_from(["", "", ".dev0"]),
)
npm_version = st.builds(
    lambda major, minor, patch, pre: f"{major}.{minor}.{patch}{pre}",
    st.integers(0, 3),
    st.integers(0, 3),
    st.integers(0, 3),
    st.sampled_from(["", "", "-alpha", "-alpha.1", "-rc.2", "-0"]),
)


def _range(vers_type: str, versions: st.SearchStrategy[str]) -> st.SearchStrategy[Vers]:
    """Specifiers of a type, sorted by its order (built leniently from random constraints)."""
    pairs = st.lists(st.tuples(st.sampled_from(OPERATORS), versions), min_size=1, max_size=6)
    return pairs.map(
        lambda items: parse_vers(
            f"vers:{vers_type}/" + "|".join(VersConstraint(op, v).to_string() for op, v in items),
            strict=False,
        )
    )


@settings(max_examples=200)
@given(st.one_of(_range("pypi", pypi_version), _range("npm", npm_version)))
def test_sorted_specifiers_round_trip_strictly(vers: Vers) -> None:
    text = vers.to_string()
    assert parse_vers(text) == vers
    assert all(" " < ch <= "~" for ch in text)


@settings(max_examples=200)
@given(_range("pypi", pypi_version), st.lists(pypi_version, min_size=1, max_size=8))
def test_pypi_contains_agrees_with_version_set(vers: Vers, tested: list[str]) -> None:
    scheme = scheme_for_type("pypi")
    versions = vers.to_version_set()
    for version in tested:
        assert vers.contains(version) is versions.contains(scheme.parse_version(version))


@settings(max_examples=200)
@given(_range("npm", npm_version), st.lists(npm_version, min_size=1, max_size=8))
def test_npm_contains_agrees_with_version_set(vers: Vers, tested: list[str]) -> None:
    scheme = scheme_for_type("npm")
    versions = vers.to_version_set()
    for version in tested:
        assert vers.contains(version) is versions.contains(scheme.parse_version(version))
