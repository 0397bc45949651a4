"""Hypothesis strategies: one dependency line in each syntax, and versions to test with."""

from __future__ import annotations

import json

from hypothesis import strategies as st

numbers = st.integers(min_value=0, max_value=4)
release = st.tuples(numbers, numbers, numbers)


def _dotted(parts: tuple[int, ...]) -> str:
    return ".".join(map(str, parts))


@st.composite
def pypi_specifiers(draw: st.DrawFn) -> str:
    """A PEP 440 specifier of one to three clauses (releases, sometimes an rc)."""
    clauses = []
    count = draw(st.integers(min_value=1, max_value=3))
    for _ in range(count):
        size = draw(st.integers(min_value=1, max_value=3))
        version = _dotted(draw(release)[:size])
        operator = draw(st.sampled_from([">=", "<", "<=", ">", "==", "!=", "~="]))
        if operator == "~=" and size == 1:
            version += ".0"
        # '!=X.*' is left out: next to another clause, its set can need an OR of
        # comparators that PEP 440 cannot write back (docs/translate.md, "Limits")
        if operator == "==" and draw(st.booleans()):
            version += ".*"
        elif count == 1 and operator != "~=" and draw(st.integers(min_value=0, max_value=5)) == 0:
            # one pre-release clause alone: a set whose pre-release half differs from its
            # releases' (``>=0,>=0rc1``) has no comparator spelling (docs/translate.md)
            version += "rc1"
        clauses.append(operator + version)
    return ",".join(clauses)


@st.composite
def npm_ranges(draw: st.DrawFn) -> str:
    """An npm range: caret, tilde, x-ranges, comparators, hyphen ranges, joined by '||'."""
    sets = []
    for _ in range(draw(st.integers(min_value=1, max_value=2))):
        v = _dotted(draw(release))
        w = _dotted(draw(release))
        form = draw(st.integers(min_value=0, max_value=6))
        sets.append(
            [
                f"^{v}",
                f"~{v}",
                f"{v.rsplit('.', 1)[0]}.x",
                f">={v} <{w}",
                f">{v}",
                f"{v} - {w}",
                f"<={v}",
            ][form]
        )
    return " || ".join(sets)


@st.composite
def cargo_requirements(draw: st.DrawFn) -> str:
    """A Cargo requirement: default (caret), tilde, wildcard, comparators, exact."""
    v = draw(release)
    text = _dotted(v[: draw(st.integers(min_value=1, max_value=3))])
    w = _dotted(draw(release))
    form = draw(st.integers(min_value=0, max_value=6))
    return [
        text,
        f"^{text}",
        f"~{text}",
        f"{_dotted(v[:2])}.*",
        f">={text}, <{w}",
        f"={_dotted(v)}",
        f"<{w}",
    ][form]


@st.composite
def debian_relations(draw: st.DrawFn) -> str:
    """One or two relations on the same package (numeric versions, sometimes a '~')."""
    parts = []
    for _ in range(draw(st.integers(min_value=1, max_value=2))):
        size = draw(st.integers(min_value=1, max_value=3))
        version = _dotted(draw(release)[:size])
        if draw(st.integers(min_value=0, max_value=4)) == 0:
            version += "~"
        operator = draw(st.sampled_from([">=", "<<", "<=", ">>", "="]))
        parts.append(f"pkg ({operator} {version})")
    return ", ".join(parts)


def as_file(syntax: str, constraint: str) -> str:
    """A one-dependency file of ``syntax`` requiring ``pkg`` at ``constraint``."""
    if syntax == "requirements":
        return f"pkg{constraint}\n"
    if syntax == "package.json":
        return json.dumps({"dependencies": {"pkg": constraint}})
    if syntax == "cargo":
        return f'[dependencies]\npkg = "{constraint}"\n'
    return f"Package: app\nDepends: {constraint}\n"


GRAMMARS = {
    "requirements": pypi_specifiers(),
    "package.json": npm_ranges(),
    "cargo": cargo_requirements(),
    "debian": debian_relations(),
}

SCHEME = {"requirements": "pypi", "package.json": "npm", "cargo": "cargo", "debian": "deb"}


def version_texts(scheme: str, parts: tuple[int, ...], pre: int | None) -> str:
    """The release ``parts`` (with release candidate ``pre``) as ``scheme`` writes it."""
    text = _dotted(parts)
    if pre is None:
        return text
    return {"pypi": f"{text}rc{pre}", "deb": f"{text}~rc{pre}"}.get(scheme, f"{text}-rc.{pre}")
