"""Laws of the PURL parser and writer, checked with hypothesis."""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, reject, settings
from hypothesis import strategies as st

from polypac.errors import PurlError
from polypac.purl import PackageURL, build_purl, parse_purl, validate_purl
from polypac.purl._types import REGISTERED_TYPES

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# chrome-extension names are 32 letters a-p: random text never is one
TYPES = sorted(set(REGISTERED_TYPES) - {"chrome-extension"})
REQUIRED_QUALIFIERS = {
    "julia": {"uuid": "ade2ca70-3891-5945-98fb-dc099432e06a"},
    "swid": {"tag_id": "x"},
}

# text that exercises percent-encoding: separators, spaces, non-ASCII, and plain letters
piece = st.text(
    st.one_of(
        st.sampled_from("aZ09.-_~:/@?=&#%+ ,é☃"),
        st.characters(codec="utf-8"),
    ),
    min_size=1,
    max_size=12,
)
segment = piece.filter(lambda text: "/" not in text)
segments = st.lists(segment, min_size=1, max_size=3).map("/".join)
keys = st.from_regex(r"[a-z][a-z0-9._-]{0,6}", fullmatch=True)


@st.composite
def built_purls(draw: st.DrawFn) -> PackageURL:
    """PURLs built from generated components; combinations a type forbids are rejected."""
    purl_type = draw(
        st.one_of(st.sampled_from(TYPES), st.from_regex(r"[a-z][a-z0-9.-]{0,8}", fullmatch=True))
    )
    qualifiers = draw(st.dictionaries(keys, piece, max_size=3))
    qualifiers.update(REQUIRED_QUALIFIERS.get(purl_type, {}))
    try:
        return build_purl(
            purl_type,
            draw(piece),
            namespace=draw(st.none() | segments),
            version=draw(st.none() | piece),
            qualifiers=qualifiers,
            subpath=draw(st.none() | segments),
        )
    except PurlError:
        reject()


@SETTINGS
@given(built_purls())
def test_to_string_then_parse_gives_the_same_purl(purl: PackageURL) -> None:
    text = purl.to_string()
    again = parse_purl(text)
    assert again == purl
    assert again.to_string() == text


@SETTINGS
@given(built_purls())
def test_canonical_strings_validate_cleanly(purl: PackageURL) -> None:
    findings = validate_purl(purl.to_string())
    if purl.type in REGISTERED_TYPES:
        assert findings == []
    else:
        assert findings == [f"type {purl.type!r} is not a registered PURL type"]


@SETTINGS
@given(built_purls())
def test_building_a_built_purl_changes_nothing(purl: PackageURL) -> None:
    rebuilt = build_purl(
        purl.type,
        purl.name,
        namespace=purl.namespace,
        version=purl.version,
        qualifiers=purl.qualifiers,
        subpath=purl.subpath,
    )
    assert rebuilt == purl


def _parse_or_error(text: str) -> None:
    """Parse ``text``: a PURL that writes back to itself, or a PurlError inside the text."""
    position: int | None = None
    try:
        purl = parse_purl(text)
    except PurlError as error:
        position = error.position if error.position is not None else 0
    if position is None:
        assert parse_purl(purl.to_string()) == purl
    else:
        assert 0 <= position <= len(text)


@SETTINGS
@given(st.text())
def test_parse_raises_only_purl_errors_on_any_text(text: str) -> None:
    _parse_or_error(text)


@SETTINGS
@given(st.text(st.sampled_from("pkg:PKG/@?=&#%2fF.-_ aé1"), max_size=40).map(lambda t: "pkg:" + t))
@example("pkg:F//1")  # an empty namespace segment once became namespace ""
def test_parse_raises_only_purl_errors_on_purl_like_text(text: str) -> None:
    _parse_or_error(text)
