"""The Pac grammar, case by case, and its located errors."""

from __future__ import annotations

from typing import Any

import pytest

from polypac.calculus.extended import (
    AllOf,
    AnyOf,
    Condition,
    ExtendedProblem,
    Formula,
    Not,
    Provide,
    Requirement,
    When,
)
from polypac.calculus.model import Ordinal, Package
from polypac.errors import ParseError
from polypac.pac import PacError, parse_pac
from polypac.version import get_scheme
from polypac.version.sets import Bound, VersionSet

NPM = get_scheme("npm")
FULL: VersionSet[Any] = VersionSet.full()


def v(text: str) -> Any:
    return NPM.parse_version(text)


def r(text: str) -> VersionSet[Any]:
    return NPM.parse_range(text)


def req(name: str, versions: str | None = None, **kwargs: Any) -> Requirement[Any]:
    return Requirement(name, FULL if versions is None else r(versions), **kwargs)


PRELUDE = (
    "scheme npm\n"
    "variable os {linux, windows}\n"
    "variable py {3.11, 3.12}\n"
    "root app 1.0.0\n"
    "package app 1.0.0\n"
)

# (depends line, the formulae it holds)
FORMULAE: list[tuple[str, str, tuple[Formula[Any], ...]]] = [
    ("bare-name", "a", (req("a"),)),
    ("bare-range", "a ^1.2.0", (req("a", "^1.2.0"),)),
    ("range-with-blank", "a >=1.0.0 <2.0.0", (req("a", ">=1.0.0 <2.0.0"),)),
    ("glued-range", "a>=1", (req("a", ">=1"),)),
    ("paren-range", "a (^1.0.0 || ^2.0.0)", (req("a", "^1.0.0 || ^2.0.0"),)),
    ("quoted-range", 'a "^1 || ^2"', (req("a", "^1 || ^2"),)),
    ("comma-is-a-list", "a, b", (req("a"), req("b"))),
    ("bar-is-or", "a | b ^2", (AnyOf((req("a"), req("b", "^2"))),)),
    ("or-binds-tighter", "a | b, c", (AnyOf((req("a"), req("b"))), req("c"))),
    ("not-is-a-conflict", "not d <2", (Not(req("d", "<2")),)),
    ("not-binds-tightest", "not a | b", (AnyOf((Not(req("a")), req("b"))),)),
    ("group-is-and", "(a, b) | c", (AnyOf((AllOf((req("a"), req("b"))), req("c"))),)),
    ("group-of-one-is-itself", "(a)", (req("a"),)),
    ("all-empty-is-true", "all()", (AllOf(()),)),
    ("any-empty-is-false", "any()", (AnyOf(()),)),
    ("all-of-one", "all(a)", (AllOf((req("a"),)),)),
    ("any-of-one", "any(a ^1)", (AnyOf((req("a", "^1"),)),)),
    ("features", "a[tls, json] ^1", (req("a", "^1", features=frozenset({"tls", "json"})),)),
    ("public", "public a", (req("a", public=True),)),
    (
        "no-default",
        "no-default a[x]",
        (req("a", features=frozenset({"x"}), default_features=False),),
    ),
    ("both-modifiers", "no-default public a", (req("a", public=True, default_features=False),)),
    ("condition", "os in {linux}", (Condition("os", frozenset({"linux"})),)),
    ("empty-condition", "os in {}", (Condition("os", frozenset()),)),
    (
        "when",
        "when py in {3.11, 3.12} then e >=1",
        (When(Condition("py", frozenset({"3.11", "3.12"})), req("e", ">=1")),),
    ),
    (
        "when-then-takes-alternatives",
        "when os in {linux} then a | b, c",
        (When(Condition("os", frozenset({"linux"})), AnyOf((req("a"), req("b")))), req("c")),
    ),
    (
        "when-condition-formula",
        "when not os in {linux} | (py in {3.12}, os in {windows}) then a",
        (
            When(
                AnyOf(
                    (
                        Not(Condition("os", frozenset({"linux"}))),
                        AllOf(
                            (
                                Condition("py", frozenset({"3.12"})),
                                Condition("os", frozenset({"windows"})),
                            )
                        ),
                    )
                ),
                req("a"),
            ),
        ),
    ),
    ("quoted-keyword-name", '"not" ^1', (req("not", "^1"),)),
    ("scoped-name", "@types/node ^20", (req("@types/node", "^20"),)),
    (
        "exact-set",
        "a {>=1.0.0 <2.0.0 || =3.0.0}",
        (
            Requirement(
                "a",
                VersionSet.between(Bound(v("1.0.0"), True), Bound(v("2.0.0"), False)).union(
                    VersionSet.singleton(v("3.0.0"))
                ),
            ),
        ),
    ),
    (
        "exact-set-releases-only",
        "a {>=1.0.0; pre none}",
        (Requirement("a", VersionSet.between(Bound(v("1.0.0"), True), None, prereleases=False)),),
    ),
    ("empty-set", "a {}", (Requirement("a", VersionSet.empty()),)),
    ("continued-line", "a,\n    b |\n    c", (req("a"), AnyOf((req("b"), req("c"))))),
    ("multi-line-group", "(a,\n  # why b\n  b)", (AllOf((req("a"), req("b"))),)),
]


@pytest.mark.parametrize(
    ("line", "expected"), [c[1:] for c in FORMULAE], ids=[c[0] for c in FORMULAE]
)
def test_depends_line(line: str, expected: tuple[Formula[Any], ...]) -> None:
    problem = parse_pac(PRELUDE + f"  depends {line}\n").problem
    assert problem.dependencies_of(Package("app", v("1.0.0"))) == expected


def test_every_extension_has_a_line() -> None:
    text = """\
# comments run to the end of a line
scheme npm
granularity exact
default-feature default
variable os {linux, windows}
environment os = linux
root app 1.0.0
package app 1.0.0
  depends a ^1.0.0, b >=2 | c, not no-default d <2   # comma and, bar or, not conflict
  peer react >=18
  feature tls: openssl >=3
  feature default
package a 1.0.0, 1.1.0
package d 1.0.0
  provides mta 2.0.0
  provides mta
"""
    problem = parse_pac(text.replace("granularity exact\n", "")).problem
    app = Package("app", v("1.0.0"))
    d = Package("d", v("1.0.0"))
    assert problem.packages["a"] == (v("1.0.0"), v("1.1.0"))
    assert problem.dependencies_of(app) == (
        req("a", "^1.0.0"),
        AnyOf((req("b", ">=2"), req("c"))),
        Not(req("d", "<2", default_features=False)),
    )
    assert problem.peers_of(app) == (req("react", ">=18"),)
    assert problem.features_of(app) == {"tls": (req("openssl", ">=3"),), "default": ()}
    assert problem.provides_of(d) == (Provide("mta", v("2.0.0")), Provide("mta"))
    assert problem.variables == {"os": ("linux", "windows")}
    assert problem.environment == {"os": "linux"}
    assert problem.default_feature == "default"
    assert problem.granularity == "single"
    with pytest.raises(PacError, match="provides need granularity single, not exact"):
        parse_pac(text)


def test_block_applies_to_every_version_it_lists() -> None:
    problem = parse_pac(
        "scheme ordinal\nroot a 1\npackage a 1, 2\n  depends b\npackage a 3\npackage b 1\n"
    ).problem
    assert problem.packages["a"] == (Ordinal(1), Ordinal(2), Ordinal(3))
    assert [problem.dependencies_of(Package("a", Ordinal(n))) for n in (1, 2, 3)] == [
        (Requirement("b", FULL),),
        (Requirement("b", FULL),),
        (),
    ]


def test_scheme_for_names_writes_them_in_another_scheme() -> None:
    problem = parse_pac(
        "scheme npm\nscheme ordinal for choice\nroot app 1.0.0\n"
        "package app 1.0.0\n  depends choice (=0 || >=2)\npackage choice 0, 1, 2\n"
    ).problem
    assert problem.packages["choice"] == (Ordinal(0), Ordinal(1), Ordinal(2))
    (dependency,) = problem.dependencies_of(Package("app", v("1.0.0")))
    assert isinstance(dependency, Requirement)
    assert [n for n in range(4) if dependency.versions.contains(Ordinal(n))] == [0, 2, 3]


def test_default_scheme_is_semver() -> None:
    document = parse_pac("root a 1.0.0\npackage a 1.0.0\n")
    assert document.scheme == "semver"
    assert isinstance(document.problem, ExtendedProblem)


def test_comments_are_kept_by_statement() -> None:
    document = parse_pac(
        "# header\n\nscheme ordinal  # the scheme\n# the root\nroot a 1\npackage a 1\n"
        "  # why b\n  depends b  # really\n# the end\n"
    )
    notes = document.comments
    assert notes[("header",)].above == ("# header",)
    assert notes[("scheme",)].after == "# the scheme"
    assert notes[("root",)].above == ("# the root",)
    assert notes[("depends", "a", Ordinal(1), 0)].above == ("# why b",)
    assert notes[("depends", "a", Ordinal(1), 0)].after == "# really"
    assert notes[("footer",)].above == ("# the end",)


# (case, text, line, column, the words of the message)
ERRORS = [
    ("no-root", "package a 1.0.0\n", 1, None, "no root: add a line 'root NAME VERSION'"),
    (
        "unknown-root",
        "root b 1.0.0\npackage a 1.0.0\n",
        1,
        6,
        "the root b is not a package; add 'package b ...'",
    ),
    (
        "root-version",
        "root a 2.0.0\npackage a 1.0.0\n",
        1,
        8,
        "the root a has no version 2.0.0; its versions: 1.0.0",
    ),
    (
        "bad-range",
        "scheme npm\nroot a 1.0.0\npackage a 1.0.0\n  depends b >=1.x.y\n",
        4,
        13,
        "not a valid npm range",
    ),
    (
        "bad-version",
        "root a 1.0\npackage a 1.0\n",
        1,
        11,
        "not a valid semver version",
    ),
    (
        "two-versions-without-comma",
        "root a 1.0.0\npackage a 1.0.0 2.0.0\n",
        2,
        17,
        "expected ',' or the end of the line, found '2.0.0'",
    ),
    (
        "double-bar",
        "scheme npm\nroot a 1.0.0\npackage a 1.0.0\n  depends b ^1 || ^2\n",
        4,
        16,
        "'||' is no Pac operator; a range holding ',' or '|' goes between parentheses",
    ),
    (
        "comma-in-bare-range",
        "scheme pypi\nroot a 1.0\npackage a 1.0\n  depends b >=1,<2\n",
        4,
        17,
        "expected a package name, a condition, 'not', 'when' or '(', found '<' (a range",
    ),
    (
        "unknown-scheme",
        "scheme nope\nroot a 1\n",
        1,
        8,
        "unknown version scheme 'nope'; known:",
    ),
    (
        "scheme-late",
        "root a 1.0.0\nscheme npm\npackage a 1.0.0\n",
        2,
        1,
        "scheme statements come first, before every other statement",
    ),
    (
        "body-outside-block",
        "root a 1.0.0\n  depends b\n",
        2,
        3,
        "'depends' belongs in a package block; no 'package' line is open",
    ),
    (
        "unindented-body",
        "root a 1.0.0\npackage a 1.0.0\ndepends b\n",
        3,
        1,
        "'depends' belongs in a package block: indent it under 'package'",
    ),
    (
        "unknown-statement",
        "root a 1.0.0\nrequire b\n",
        2,
        1,
        "expected a statement (scheme, root, package, variable, environment, granularity, "
        "default-feature), found 'require'",
    ),
    (
        "undeclared-variable",
        "root a 1.0.0\npackage a 1.0.0\n  depends when os in {linux} then b\n",
        3,
        16,
        "os is no variable; declare it: 'variable os {...}'",
    ),
    (
        "value-outside-domain",
        "variable os {linux}\nroot a 1.0.0\npackage a 1.0.0\n  depends os in {mac}\n",
        4,
        18,
        "mac is not a value of os; its values: linux",
    ),
    (
        "requirement-in-when",
        "variable os {linux}\nroot a 1.0.0\npackage a 1.0.0\n  depends when b then c\n",
        4,
        18,
        "a condition of 'when' tests variables only: expected 'in {' after b, found 'then'",
    ),
    (
        "missing-then",
        "variable os {linux}\nroot a 1.0.0\npackage a 1.0.0\n  depends when os in {linux} c\n",
        4,
        30,
        "expected 'then' after the condition, found 'c'",
    ),
    (
        "conflict-with-features",
        "root a 1.0.0\npackage a 1.0.0\n  depends not b[x]\n",
        3,
        16,
        "a conflict cannot ask for features",
    ),
    (
        "conflict-asking-default",
        "default-feature default\nroot a 1.0.0\npackage a 1.0.0\n  depends not b\n",
        4,
        15,
        "a conflict cannot ask for the default feature; write 'not no-default b'",
    ),
    (
        "requirement-on-variable",
        "variable os {linux}\nroot a 1.0.0\npackage a 1.0.0\n  depends os\n",
        4,
        11,
        "os is a variable; test it with 'os in {...}'",
    ),
    (
        "keyword-as-name",
        "root a 1.0.0\npackage a 1.0.0\n  depends public not\n",
        3,
        18,
        "'not' is a keyword; a name spelled so is written quoted: \"not\"",
    ),
    (
        "unclosed-group",
        "root a 1.0.0\npackage a 1.0.0\n  depends (b, c\n",
        4,
        1,
        "expected ',', '|' or ')', found the end of the file",
    ),
    (
        "unclosed-string",
        'root a 1.0.0\npackage a 1.0.0\n  depends "b\n',
        3,
        11,
        "this string has no closing '\"' on its line",
    ),
    (
        "bad-escape",
        'root a 1.0.0\npackage a 1.0.0\n  depends "b\\q"\n',
        3,
        13,
        "unknown escape \\q",
    ),
    (
        "dangling-comma",
        "root a 1.0.0\npackage a 1.0.0\n  depends b,\npackage b 1.0.0\n",
        3,
        13,
        "expected a package name, a condition, 'not', 'when' or '(', found the end of the line",
    ),
    (
        "unknown-granularity",
        "granularity cargo\nroot a 1.0.0\npackage a 1.0.0\n",
        1,
        13,
        "unknown granularity 'cargo'; expected one of single, exact, semver-major",
    ),
    (
        "environment-outside-domain",
        "variable os {linux}\nenvironment os = mac\nroot a 1.0.0\npackage a 1.0.0\n",
        2,
        18,
        "mac is not a value of os; its values: linux",
    ),
    (
        "bad-exact-set",
        "root a 1.0.0\npackage a 1.0.0\n  depends b {>=1.0.0 >=2.0.0}\n",
        3,
        22,
        "not a valid version set: an interval has one lower bound",
    ),
    (
        "second-root",
        "root a 1.0.0\nroot a 1.0.0\npackage a 1.0.0\n",
        2,
        1,
        "the root is already named on line 1",
    ),
    (
        "peer-is-a-requirement",
        "root a 1.0.0\npackage a 1.0.0\n  peer not b\n",
        3,
        8,
        "a peer is a requirement: NAME [FEATURES] [RANGE]",
    ),
    (
        "duplicate-value",
        "variable os {linux, linux}\nroot a 1.0.0\n",
        1,
        21,
        "linux is listed twice",
    ),
    (
        "variable-named-like-a-package",
        "variable a {x}\nroot a 1.0.0\npackage a 1.0.0\n",
        1,
        10,
        "a is both a variable and a package name",
    ),
]


@pytest.mark.parametrize(
    ("text", "line", "column", "words"), [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS]
)
def test_located_error(text: str, line: int, column: int | None, words: str) -> None:
    with pytest.raises(PacError) as caught:
        parse_pac(text, source="app.pac")
    error = caught.value
    assert isinstance(error, ParseError)
    assert (error.line, error.column) == (line, column)
    assert error.problem.startswith(words), error.problem
    assert str(error).startswith(f"app.pac:{line}: invalid Pac: {words}")


def test_message_shows_the_line_and_a_caret() -> None:
    with pytest.raises(PacError) as caught:
        parse_pac("root a 1.0.0\npackage a 1.0.0\n\tdepends b >=1.0.0 )\n", source="x.pac")
    assert str(caught.value).splitlines() == [
        "x.pac:3: invalid Pac: expected ',' or '|' or the end of the line, found ')'",
        "   depends b >=1.0.0 )",
        "                     ^",
    ]


def test_nesting_is_bounded() -> None:
    deep = "(" * 500 + "a" + ")" * 500
    with pytest.raises(PacError, match="formulae nest deeper than 64 levels"):
        parse_pac(f"root a 1.0.0\npackage a 1.0.0\n  depends {deep}\n")
