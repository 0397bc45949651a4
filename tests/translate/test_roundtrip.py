"""Round trips and exactness: the versions allowed are the same before and after."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from polypac.errors import PolypacError
from polypac.translate import Reading, read, translate
from tests.translate._strategies import GRAMMARS, SCHEME, as_file, version_texts
from tests.translate._support import Allows

SYNTAXES = list(GRAMMARS)
RELEASES = [p for n in (1, 2, 3) for p in itertools.product(range(5), repeat=n)]
SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def _read_or_skip(syntax: str, text: str) -> object:
    try:
        return read(text, syntax, source="generated")
    except PolypacError:
        assume(False)  # the generator made a range the grammar rejects (e.g. '~=1')
        raise


def _samples(source: str, target: str) -> list[tuple[tuple[int, ...], int | None]]:
    """Versions both schemes can write: three numbers for semver, one to three between
    PEP 440 and Debian; release candidates too between npm and Cargo (same rules)."""
    semver = "npm" in (source, target) or "cargo" in (source, target)
    parts = [p for p in RELEASES if len(p) == 3 or not semver]
    pres: list[int | None] = [None]
    if {source, target} <= {"npm", "cargo"} or source == target:
        pres += [1, 2]
    return [(p, pre) for p in parts for pre in pres if pre is None or len(p) == 3]


@pytest.mark.parametrize("syntax", SYNTAXES)
@given(data=st.data())
@SETTINGS
def test_roundtrip_through_pac_keeps_the_set(syntax: str, data: st.DataObject) -> None:
    text = as_file(syntax, data.draw(GRAMMARS[syntax], label="constraint"))
    before = _read_or_skip(syntax, text)
    assert isinstance(before, Reading)
    assume(not before.manifest.dependencies[0].constraint.versions().is_empty())
    to_pac = translate(text, source_format=syntax, target_format="pac")
    assert to_pac.losses == ()
    back = translate(to_pac.text, source_format="pac", target_format=syntax)
    assert back.losses == ()
    after = read(back.text, syntax, source="round trip")
    scheme = SCHEME[syntax]
    old, new = Allows(before.manifest, "pkg"), Allows(after.manifest, "pkg")
    for parts, pre in _samples(scheme, scheme):
        version = version_texts(scheme, parts, pre)
        assert old(version) == new(version), (version, text, to_pac.text, back.text)


@pytest.mark.parametrize(("source", "target"), list(itertools.permutations(SYNTAXES, 2)))
@given(data=st.data())
@SETTINGS
def test_translation_without_loss_is_exact(source: str, target: str, data: st.DataObject) -> None:
    text = as_file(source, data.draw(GRAMMARS[source], label="constraint"))
    before = _read_or_skip(source, text)
    assert isinstance(before, Reading)
    result = translate(text, source_format=source, target_format=target)
    assume(result.losses == ())
    after = read(result.text, target, source="translated")
    old, new = Allows(before.manifest, "pkg"), Allows(after.manifest, "pkg")
    for parts, pre in _samples(SCHEME[source], SCHEME[target]):
        a = version_texts(SCHEME[source], parts, pre)
        b = version_texts(SCHEME[target], parts, pre)
        assert old(a) == new(b), (a, text, result.text)


@pytest.mark.parametrize("syntax", SYNTAXES)
@given(data=st.data())
@SETTINGS
def test_same_syntax_loses_nothing(syntax: str, data: st.DataObject) -> None:
    text = as_file(syntax, data.draw(GRAMMARS[syntax], label="constraint"))
    _read_or_skip(syntax, text)
    assert translate(text, source_format=syntax, target_format=syntax).losses == ()
