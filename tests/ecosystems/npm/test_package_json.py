"""package.json: the project, its sections' scopes and lines, and bad input."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from polypac.ecosystems.npm import read_package_json
from polypac.inventory.graph import LockfileError
from tests.ecosystems.npm._support import fixture

SOURCE = "demo-app/package.json"
MANIFEST = fixture("demo-app", "package.json")


def test_fixture_sections_give_scopes_and_lines() -> None:
    result = read_package_json(MANIFEST, source=SOURCE)
    assert result.errors == []
    assert result.graph.roots == {"pkg:npm/demo-app@1.2.0"}
    lines = MANIFEST.splitlines()
    found = {}
    for edge in result.graph.edges:
        assert edge.declared_at is not None
        found[edge.child] = (edge.scope.value, lines[edge.declared_at.line - 1].strip())
    assert found["pkg:npm/express"] == ("runtime", '"express": "^4.21.0",')
    assert found["pkg:npm/typescript"][0] == "dev"
    assert found["pkg:npm/%40types/ms"][0] == "dev"
    assert found["pkg:npm/ms"] == ("optional", '"ms": "^2.1.3"')


def test_bad_sections_are_reported_and_the_rest_is_read() -> None:
    text = '{\n "dependencies": {"a": 1, "b": "^1"},\n "devDependencies": []\n}'
    result = read_package_json(text, source="web/package.json")
    assert [e.problem for e in result.errors] == [
        "the range of 'a' must be a string",
        "'devDependencies' must be an object",
    ]
    assert str(result.errors[1]).startswith("web/package.json:3: invalid package.json:")
    assert [str(e) for e in result.graph.edges] == [
        "pkg:generic/web -> pkg:npm/b (runtime, direct, web/package.json:2)"
    ]


@settings(max_examples=150, deadline=None)
@given(st.text())
def test_any_text_gives_only_lockfile_errors(text: str) -> None:
    result = read_package_json(text, source=SOURCE)
    assert all(isinstance(error, LockfileError) for error in result.errors)
    assert result.graph.roots
