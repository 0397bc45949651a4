"""A recursive-descent parser for Pac, with located errors.

The parser reads the whole text with one cursor (so every error knows its offset, hence
its line and column) and builds the :class:`~polypac.calculus.extended.ExtendedProblem`
directly. Native ranges and versions go to the scheme named at the top of the file; what a
scheme rejects comes back as a :class:`~polypac.pac.PacError` pointing into the range.
Checks that need the whole file (the root exists, conditions name declared variables,
requirements do not name variables) run at the end, at the offsets recorded on the way.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from polypac.calculus.extended import (
    GRANULARITIES,
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
from polypac.calculus.model import InvalidProblem, Package
from polypac.errors import ParseError, PolypacError, UnknownSchemeError
from polypac.pac._document import DEFAULT_SCHEME, CommentKey, Note, PacDocument, lookup_scheme
from polypac.pac._intervals import parse_exact_set
from polypac.pac._syntax import (
    BARE_NAME,
    BARE_RANGE_STOP,
    BARE_WORD,
    KEYWORDS,
    MODIFIERS,
    PacError,
    located,
    read_quoted,
)
from polypac.version.scheme import VersionScheme
from polypac.version.sets import VersionSet

__all__ = ["parse_document"]

T = TypeVar("T")

MAX_NESTING = 64
"""How deep formulae may nest; deeper text is refused rather than overflowing the stack."""

_STATEMENT = re.compile(r"[A-Za-z][A-Za-z-]*")
_TOP = ("scheme", "root", "package", "variable", "environment", "granularity", "default-feature")
_BODY = ("depends", "feature", "peer", "provides")
_RANGE_HINT = "a range holding ',' or '|' goes between parentheses: NAME (RANGE)"


@dataclass(frozen=True, slots=True)
class _RequirementSite:
    name: str
    offset: int
    negated: bool
    default_features: bool


@dataclass(frozen=True, slots=True)
class _ConditionSite:
    variable: str
    offset: int
    values: tuple[tuple[str, int], ...]


class _Parser:
    def __init__(self, text: str, source: str) -> None:
        self.text = text
        self.source = source
        self.i = 0
        self.depth = 0
        self.scheme_name = DEFAULT_SCHEME
        self.scheme_line: int | None = None
        self.name_schemes: dict[str, str] = {}
        self.started = False
        self.root: tuple[str, int, Any, int] | None = None
        self.packages: dict[str, dict[Any, None]] = {}
        self.block: tuple[str, list[Any]] | None = None
        self.dependencies: dict[Package[Any], list[Formula[Any]]] = {}
        self.features: dict[Package[Any], dict[str, list[Formula[Any]]]] = {}
        self.peers: dict[Package[Any], list[Requirement[Any]]] = {}
        self.provides: dict[Package[Any], list[Provide[Any]]] = {}
        self.provide_sites: list[int] = []
        self.variables: dict[str, tuple[str, ...]] = {}
        self.variable_sites: dict[str, int] = {}
        self.environment: dict[str, str] = {}
        self.environment_sites: dict[str, tuple[int, int]] = {}
        self.granularity = "single"
        self.granularity_site: int | None = None
        self.default_feature: str | None = None
        self.default_feature_site: int | None = None
        self.requirement_sites: list[_RequirementSite] = []
        self.condition_sites: list[_ConditionSite] = []
        self.comments: dict[CommentKey, Note] = {}
        self.above: list[str] = []
        self.inner: list[str] = []
        self.after: str | None = None
        self.nesting = 0

    # -- cursor --------------------------------------------------------------------------

    def fail(self, problem: str, at: int | None = -1) -> PacError:
        return located(self.text, self.i if at == -1 else at, problem, self.source)

    def peek(self, ahead: int = 0) -> str:
        j = self.i + ahead
        return self.text[j] if j < len(self.text) else ""

    def found(self) -> str:
        """What is at the cursor, for messages: a word, a character, or an end."""
        char = self.peek()
        if not char:
            return "the end of the file"
        if char == "\n" or (char == "\r" and self.peek(1) == "\n"):
            return "the end of the line"
        return repr(self.word_at() or char)

    def line_of(self, offset: int) -> int:
        return self.text.count("\n", 0, offset) + 1

    def blanks(self) -> None:
        """Skip blanks; inside brackets also line breaks and comments."""
        text, n = self.text, len(self.text)
        while self.i < n:
            char = text[self.i]
            if char in " \t" or (self.depth and char in "\r\n"):
                self.i += 1
            elif self.depth and char == "#":
                self.comment(self.inner)
            else:
                return

    def onward(self) -> None:
        """Skip blanks, line breaks and comments: after an operator the formula goes on,
        on an indented line if it goes on to the next (else the operator ends the line)."""
        start, depth = self.i, self.depth
        self.depth += 1
        inner = len(self.inner)
        self.blanks()
        self.depth = depth
        if depth or "\n" not in self.text[start : self.i]:
            return
        line_start = self.text.rfind("\n", 0, self.i) + 1
        if self.i == line_start or not self.peek():
            del self.inner[inner:]
            self.i = start
            while self.peek() in (" ", "\t") and self.peek():
                self.i += 1

    def comment(self, into: list[str]) -> None:
        end = self.text.find("\n", self.i)
        end = len(self.text) if end == -1 else end
        into.append(self.text[self.i : end].rstrip())
        self.i = end

    def end_of_line(self, expected: str) -> None:
        self.blanks()
        if self.peek() == "#":
            trailing: list[str] = []
            self.comment(trailing)
            self.after = trailing[0]
        if self.peek() == "\r" and self.peek(1) == "\n":
            self.i += 2
        elif self.peek() == "\n":
            self.i += 1
        elif self.peek():
            raise self.fail(f"expected {expected} or the end of the line, found {self.found()}")

    def word_at(self) -> str | None:
        match = BARE_NAME.match(self.text, self.i)
        return match.group() if match else None

    def take(self, char: str, problem: str) -> None:
        self.blanks()
        if self.peek() != char:
            raise self.fail(f"{problem}, found {self.found()}")
        self.i += 1

    def quoted(self) -> str:
        try:
            value, self.i = read_quoted(self.text, self.i)
        except ValueError as error:
            raise self.fail(str(error.args[0]), error.args[1]) from error
        return value

    def name(self, what: str, *, reserved: bool = True) -> tuple[str, int]:
        """A name, bare or quoted; bare keywords are refused where ``reserved``."""
        self.blanks()
        start = self.i
        if self.peek() == '"':
            return self.quoted(), start
        word = self.word_at()
        if word is None:
            hint = f" ({_RANGE_HINT})" if self.peek() and self.peek() in "<>=!~^*" else ""
            raise self.fail(f"expected {what}, found {self.found()}{hint}")
        if reserved and word in KEYWORDS:
            raise self.fail(
                f"'{word}' is a keyword; a name spelled so is written quoted: \"{word}\""
            )
        self.i += len(word)
        return word, start

    def word(self, what: str) -> tuple[str, int]:
        """A version or a value, bare or quoted."""
        self.blanks()
        start = self.i
        if self.peek() == '"':
            return self.quoted(), start
        match = BARE_WORD.match(self.text, self.i)
        if match is None:
            raise self.fail(f"expected {what}, found {self.found()}")
        self.i = match.end()
        return match.group(), start

    def version(self, name: str) -> tuple[Any, int]:
        raw, start = self.word(f"a version of {name}")
        quoted = self.text[start] == '"'
        return self.checked(lambda s: s.parse_version(raw), name, start + quoted), start

    def checked(self, call: Callable[[VersionScheme[Any]], T], name: str, start: int) -> T:
        """Run ``call`` on the scheme of ``name``; its parse errors point into the file."""
        try:
            return call(self.scheme_for(name))
        except ParseError as error:
            at = start + min(error.position or 0, max(len(error.text), 0))
            raise self.fail(f"not a valid {error.what}: {error.problem}", at) from error
        except (PolypacError, ValueError) as error:
            raise self.fail(f"{name}: {error}", start) from error

    def scheme_for(self, name: str) -> VersionScheme[Any]:
        return lookup_scheme(self.name_schemes.get(name, self.scheme_name))

    # -- comments ------------------------------------------------------------------------

    def note(self, *keys: CommentKey) -> None:
        """Give the comments gathered for the current statement to ``keys``."""
        above = (*self.above, *self.inner)
        after = self.after
        self.above, self.inner, self.after = [], [], None
        if not above and after is None:
            return
        for key in keys:
            old = self.comments.get(key)
            if old is None:
                self.comments[key] = Note(above, after)
                continue
            extra = () if after is None or old.after is None else (after,)
            self.comments[key] = Note(
                (*old.above, *above, *extra), old.after if old.after is not None else after
            )

    # -- statements ----------------------------------------------------------------------

    def run(self) -> PacDocument:
        seen_statement = False
        while True:
            blank_before = self.skip_blank_lines()
            if not self.peek():
                break
            if not seen_statement and self.above and blank_before:
                self.comments[("header",)] = Note(tuple(self.above))
                self.above = []
            seen_statement = True
            indent = self.i
            while self.peek() in (" ", "\t") and self.peek():
                self.i += 1
            indented = self.i > indent
            match = _STATEMENT.match(self.text, self.i)
            keyword = match.group() if match else ""
            if indented:
                self.body_statement(keyword)
            else:
                self.top_statement(keyword)
        if self.above:
            self.comments[("footer",)] = Note(tuple(self.above))
        return self.finish()

    def skip_blank_lines(self) -> bool:
        """Skip blank and comment-only lines (keeping the comments); whether any was blank
        after the last comment."""
        blank = False
        while True:
            j = self.i
            while j < len(self.text) and self.text[j] in " \t":
                j += 1
            char = self.text[j] if j < len(self.text) else ""
            if char == "#":
                self.i = j
                self.comment(self.above)
                blank = False
                if self.peek():
                    self.i += 1
            elif char in ("\n", "\r"):
                self.i = j + (2 if self.text.startswith("\r\n", j) else 1)
                blank = True
            else:
                if not char:
                    self.i = j
                return blank or not char

    def top_statement(self, keyword: str) -> None:
        start = self.i
        self.block = None
        if keyword not in _TOP:
            if keyword in _BODY:
                raise self.fail(
                    f"'{keyword}' belongs in a package block: indent it under 'package'"
                )
            raise self.fail(f"expected a statement ({', '.join(_TOP)}), found {self.found()}")
        self.i += len(keyword)
        if keyword == "scheme":
            self.scheme_statement(start)
            return
        self.started = True
        if keyword == "root":
            self.root_statement(start)
        elif keyword == "package":
            self.package_statement()
        elif keyword == "variable":
            self.variable_statement()
        elif keyword == "environment":
            self.environment_statement()
        elif keyword == "granularity":
            self.granularity_statement(start)
        else:
            self.default_feature_statement(start)

    def scheme_statement(self, start: int) -> None:
        if self.started:
            raise self.fail("scheme statements come first, before every other statement", start)
        scheme_name, at = self.name("a version scheme name (semver, npm, pypi, deb, ...)")
        try:
            scheme = lookup_scheme(scheme_name)
        except UnknownSchemeError as error:
            raise self.fail(str(error), at) from error
        self.blanks()
        if self.word_at() != "for":
            if self.scheme_line is not None:
                raise self.fail(
                    f"the file's scheme is already named on line {self.scheme_line}", start
                )
            self.scheme_name = scheme.name
            self.scheme_line = self.line_of(start)
            self.end_of_line("'for NAME'")
            self.note(("scheme",))
            return
        self.i += 3
        names = []
        while True:
            name, name_at = self.name("a package name")
            if name in self.name_schemes:
                raise self.fail(f"the scheme of {name} is already named", name_at)
            self.name_schemes[name] = scheme.name
            names.append(name)
            self.blanks()
            if self.peek() != ",":
                break
            self.i += 1
        self.end_of_line("','")
        self.note(*(("scheme-for", name) for name in names))

    def root_statement(self, start: int) -> None:
        if self.root is not None:
            raise self.fail(
                f"the root is already named on line {self.line_of(self.root[1])}", start
            )
        name, name_at = self.name("the root package's name")
        version, version_at = self.version(name)
        self.root = (name, name_at, version, version_at)
        self.end_of_line("nothing more")
        self.note(("root",))

    def package_statement(self) -> None:
        name, _ = self.name("a package name")
        versions: dict[Any, None] = self.packages.setdefault(name, {})
        block: dict[Any, None] = {}
        self.blanks()
        if self.peek() not in ("", "\n", "\r", "#"):
            while True:
                version, _ = self.version(name)
                versions.setdefault(version, None)
                block.setdefault(version, None)
                self.blanks()
                if self.peek() != ",":
                    break
                self.i += 1
        self.block = (name, list(block))
        self.end_of_line("','")
        self.note(("package", name))

    def variable_statement(self) -> None:
        name, at = self.name("a variable name")
        if name in self.variables:
            line = self.line_of(self.variable_sites[name])
            raise self.fail(f"variable {name} is already declared on line {line}", at)
        self.take("{", f"expected '{{' and the values of {name}")
        values = self.values(name)
        if not values:
            raise self.fail(f"variable {name} needs at least one value", at)
        self.variables[name] = tuple(value for value, _ in values)
        self.variable_sites[name] = at
        self.end_of_line("nothing more")
        self.note(("variable", name))

    def values(self, variable: str) -> list[tuple[str, int]]:
        """Values up to the closing ``}`` (the ``{`` is taken), each once."""
        self.depth += 1
        values: list[tuple[str, int]] = []
        self.blanks()
        if self.peek() != "}":
            while True:
                value, at = self.word(f"a value of {variable}")
                if any(value == seen for seen, _ in values):
                    raise self.fail(f"{value} is listed twice", at)
                values.append((value, at))
                self.blanks()
                if self.peek() != ",":
                    break
                self.i += 1
        self.take("}", "expected ',' or '}'")
        self.depth -= 1
        return values

    def environment_statement(self) -> None:
        names = []
        while True:
            name, at = self.name("a variable name")
            if name in self.environment:
                raise self.fail(f"the environment already fixes {name}", at)
            self.take("=", f"expected '=' and the value of {name}")
            value, value_at = self.word(f"a value of {name}")
            self.environment[name] = value
            self.environment_sites[name] = (at, value_at)
            names.append(name)
            self.blanks()
            if self.peek() != ",":
                break
            self.i += 1
        self.end_of_line("','")
        self.note(*(("environment", name) for name in names))

    def granularity_statement(self, start: int) -> None:
        if self.granularity_site is not None:
            line = self.line_of(self.granularity_site)
            raise self.fail(f"the granularity is already set on line {line}", start)
        word, at = self.name("a granularity (single, exact, semver-major)")
        if word not in GRANULARITIES:
            raise self.fail(
                f"unknown granularity {word!r}; expected one of {', '.join(GRANULARITIES)}", at
            )
        self.granularity, self.granularity_site = word, start
        self.end_of_line("nothing more")
        self.note(("granularity",))

    def default_feature_statement(self, start: int) -> None:
        if self.default_feature_site is not None:
            line = self.line_of(self.default_feature_site)
            raise self.fail(f"the default feature is already named on line {line}", start)
        self.default_feature, _ = self.name("a feature name", reserved=False)
        self.default_feature_site = start
        self.end_of_line("nothing more")
        self.note(("default-feature",))

    # -- block statements ----------------------------------------------------------------

    def body_statement(self, keyword: str) -> None:
        if keyword not in _BODY:
            if keyword in _TOP:
                raise self.fail(f"'{keyword}' starts a statement of its own: do not indent it")
            raise self.fail(f"expected {', '.join(_BODY)} in a package block, found {self.found()}")
        if self.block is None:
            raise self.fail(f"'{keyword}' belongs in a package block; no 'package' line is open")
        name, versions = self.block
        if not versions:
            raise self.fail(f"package {name} lists no version for '{keyword}' to apply to")
        self.i += len(keyword)
        packages = [Package(name, v) for v in versions]
        if keyword == "depends":
            formulas = self.formula_list(negated=False)
            self.end_of_line("',' or '|'")
            keys = []
            for package in packages:
                found = self.dependencies.setdefault(package, [])
                keys.append(("depends", name, package.version, len(found)))
                found.extend(formulas)
            self.note(*keys)
        elif keyword == "feature":
            self.feature_statement(name, packages)
        elif keyword == "peer":
            self.peer_statement(name, packages)
        else:
            self.provides_statement(name, packages)

    def feature_statement(self, name: str, packages: list[Package[Any]]) -> None:
        feature, _ = self.name("a feature name", reserved=False)
        self.blanks()
        formulas: list[Formula[Any]] = []
        if self.peek() == ":":
            self.i += 1
            formulas = self.formula_list(negated=False)
        self.end_of_line("':' and formulae")
        keys = []
        for package in packages:
            found = self.features.setdefault(package, {}).setdefault(feature, [])
            keys.append(("feature", name, package.version, feature, len(found)))
            found.extend(formulas)
        self.note(*keys)

    def peer_statement(self, name: str, packages: list[Package[Any]]) -> None:
        peers: list[Requirement[Any]] = []
        while True:
            self.blanks()
            start = self.i
            formula = self.unary(negated=False)
            if not isinstance(formula, Requirement):
                raise self.fail("a peer is a requirement: NAME [FEATURES] [RANGE]", start)
            peers.append(formula)
            self.blanks()
            if self.peek() != ",":
                break
            self.i += 1
        self.end_of_line("','")
        keys = []
        for package in packages:
            found = self.peers.setdefault(package, [])
            keys.append(("peer", name, package.version, len(found)))
            found.extend(peers)
        self.note(*keys)

    def provides_statement(self, name: str, packages: list[Package[Any]]) -> None:
        provides: list[Provide[Any]] = []
        self.provide_sites.append(self.i - len("provides"))
        while True:
            provided, _ = self.name("a provided name")
            self.blanks()
            version = None
            if self.peek() not in ("", ",", "#", "\n", "\r"):
                version, _ = self.version(provided)
            provides.append(Provide(provided, version))
            self.blanks()
            if self.peek() != ",":
                break
            self.i += 1
        self.end_of_line("','")
        keys = []
        for package in packages:
            found = self.provides.setdefault(package, [])
            keys.append(("provides", name, package.version, len(found)))
            found.extend(provides)
        self.note(*keys)

    # -- formulae ------------------------------------------------------------------------

    def formula_list(self, *, negated: bool) -> list[Formula[Any]]:
        """Formulae separated by ``,``, up to the end of the line or a closing ``)``."""
        formulas = [self.alternatives(negated=negated)]
        while True:
            self.blanks()
            if self.peek() != ",":
                return formulas
            self.i += 1
            self.onward()
            formulas.append(self.alternatives(negated=negated))

    def alternatives(self, *, negated: bool) -> Formula[Any]:
        parts = [self.unary(negated=negated)]
        while True:
            self.blanks()
            if self.peek() != "|":
                break
            if self.peek(1) == "|":
                raise self.fail(f"'||' is no Pac operator; {_RANGE_HINT}")
            self.i += 1
            self.onward()
            parts.append(self.unary(negated=negated))
        return parts[0] if len(parts) == 1 else AnyOf(tuple(parts))

    def nest(self) -> None:
        self.nesting += 1
        if self.nesting > MAX_NESTING:
            raise self.fail(f"formulae nest deeper than {MAX_NESTING} levels")

    def unary(self, *, negated: bool) -> Formula[Any]:
        self.blanks()
        self.nest()
        try:
            return self.unary_inner(negated=negated)
        finally:
            self.nesting -= 1

    def unary_inner(self, *, negated: bool) -> Formula[Any]:
        word = self.word_at()
        if word == "not":
            self.i += 3
            self.onward()
            return Not(self.unary(negated=not negated))
        if word == "when":
            self.i += 4
            self.onward()
            condition = self.condition_alternatives()
            self.blanks()
            if self.word_at() != "then":
                raise self.fail(f"expected 'then' after the condition, found {self.found()}")
            self.i += 4
            self.onward()
            return When(condition, self.alternatives(negated=negated))
        if word in ("all", "any"):
            return self.call(word, lambda: self.formula_list(negated=negated))
        if word == "then":
            raise self.fail("'then' without 'when'")
        if self.peek() == "(":
            return self.group(lambda: self.formula_list(negated=negated))
        return self.atom(negated=negated)

    def call(self, word: str, items: Callable[[], list[Formula[Any]]]) -> Formula[Any]:
        self.i += len(word)
        self.take("(", f"expected '(' after '{word}'")
        self.depth += 1
        self.blanks()
        formulas = [] if self.peek() == ")" else items()
        self.take(")", "expected ',' or ')'")
        self.depth -= 1
        return AllOf(tuple(formulas)) if word == "all" else AnyOf(tuple(formulas))

    def group(self, items: Callable[[], list[Formula[Any]]]) -> Formula[Any]:
        self.i += 1
        self.depth += 1
        self.blanks()
        if self.peek() == ")":
            raise self.fail("expected a formula between '(' and ')'; all() is true, any() false")
        formulas = items()
        self.take(")", "expected ',', '|' or ')'")
        self.depth -= 1
        return formulas[0] if len(formulas) == 1 else AllOf(tuple(formulas))

    def condition_ahead(self) -> bool:
        """Whether ``in {`` follows: the name just read is a variable under test."""
        match = re.compile(r"[ \t]*in[ \t]*\{").match(self.text, self.i)
        return match is not None

    def condition(self, variable: str, at: int) -> Condition:
        self.i = self.text.index("{", self.i) + 1
        values = self.values(variable)
        self.condition_sites.append(_ConditionSite(variable, at, tuple(values)))
        return Condition(variable, frozenset(value for value, _ in values))

    def atom(self, *, negated: bool) -> Formula[Any]:
        start = self.i
        modifiers: list[str] = []
        while True:
            word = self.word_at()
            if word is None or word not in MODIFIERS:
                break
            if word in modifiers:
                raise self.fail(f"'{word}' is said twice")
            modifiers.append(word)
            self.i += len(word)
            self.blanks()
        name, at = self.name("a package name, a condition, 'not', 'when' or '('")
        if not modifiers and self.condition_ahead():
            return self.condition(name, at)
        features: frozenset[str] = frozenset()
        self.blanks()
        if self.peek() == "[":
            feature_at = self.i
            features = self.feature_list()
            if negated and features:
                raise self.fail("a conflict cannot ask for features", feature_at)
        versions = self.range_of(name)
        default_features = "no-default" not in modifiers
        self.requirement_sites.append(_RequirementSite(name, start, negated, default_features))
        return Requirement(name, versions, features, default_features, "public" in modifiers)

    def feature_list(self) -> frozenset[str]:
        self.i += 1
        self.depth += 1
        features: list[str] = []
        self.blanks()
        if self.peek() != "]":
            while True:
                feature, _ = self.name("a feature name", reserved=False)
                features.append(feature)
                self.blanks()
                if self.peek() != ",":
                    break
                self.i += 1
        self.take("]", "expected ',' or ']'")
        self.depth -= 1
        return frozenset(features)

    def range_of(self, name: str) -> VersionSet[Any]:
        """The range after a requirement's name: ``{set}``, ``(native)``, ``"native"``,
        bare native text, or nothing (every version)."""
        self.blanks()
        char = self.peek()
        start = self.i
        if char == "{":
            end = self.closing("{", "}")
            inner = self.text[start + 1 : end]
            self.i = end + 1
            return self.checked(lambda s: parse_exact_set(inner, s.parse_version), name, start + 1)
        if char == "(":
            end = self.text.find(")", start)
            newline = self.text.find("\n", start)
            if end == -1 or (newline != -1 and newline < end):
                raise self.fail("this '(' has no ')' on its line")
            raw = self.text[start + 1 : end]
            body = raw.strip()
            if not body:
                raise self.fail("expected a range between '(' and ')'")
            self.i = end + 1
            offset = start + 1 + (len(raw) - len(raw.lstrip()))
            return self.checked(lambda s: s.parse_range(body), name, offset)
        if char == '"':
            raw = self.quoted()
            return self.checked(lambda s: s.parse_range(raw), name, start + 1)
        if not char or char in BARE_RANGE_STOP or char in " \t":
            return VersionSet.full()
        end = start
        while end < len(self.text) and self.text[end] not in BARE_RANGE_STOP:
            end += 1
        raw = self.text[start:end].rstrip(" \t")
        self.i = start + len(raw)
        return self.checked(lambda s: s.parse_range(raw), name, start)

    def closing(self, opener: str, closer: str) -> int:
        """The offset of the ``closer`` that ends the bracket at the cursor (quotes skipped)."""
        j = self.i + 1
        while j < len(self.text):
            char = self.text[j]
            if char == closer:
                return j
            if char in "\r\n":
                break
            if char == '"':
                try:
                    _, j = read_quoted(self.text, j)
                except ValueError as error:
                    raise self.fail(str(error.args[0]), error.args[1]) from error
                continue
            j += 1
        raise self.fail(f"this '{opener}' has no '{closer}' on its line")

    # -- conditions of 'when' ------------------------------------------------------------

    def condition_alternatives(self) -> Formula[Any]:
        parts = [self.condition_unary()]
        while True:
            self.blanks()
            if self.peek() != "|":
                break
            self.i += 1
            self.onward()
            parts.append(self.condition_unary())
        return parts[0] if len(parts) == 1 else AnyOf(tuple(parts))

    def condition_list(self) -> list[Formula[Any]]:
        parts = [self.condition_alternatives()]
        while True:
            self.blanks()
            if self.peek() != ",":
                return parts
            self.i += 1
            self.onward()
            parts.append(self.condition_alternatives())

    def condition_unary(self) -> Formula[Any]:
        self.blanks()
        self.nest()
        try:
            word = self.word_at()
            if word == "not":
                self.i += 3
                self.onward()
                return Not(self.condition_unary())
            if word in ("all", "any"):
                return self.call(word, self.condition_list)
            if self.peek() == "(":
                return self.group(self.condition_list)
            if word in KEYWORDS:
                raise self.fail(f"a condition of 'when' tests variables only; found '{word}'")
            name, at = self.name("a variable test such as 'python in {3.12}'")
            if not self.condition_ahead():
                self.blanks()
                raise self.fail(
                    f"a condition of 'when' tests variables only: expected 'in {{' after "
                    f"{name}, found {self.found()}"
                )
            return self.condition(name, at)
        finally:
            self.nesting -= 1

    # -- the whole file ------------------------------------------------------------------

    def finish(self) -> PacDocument:
        if self.root is None:
            raise self.fail("no root: add a line 'root NAME VERSION'", None)
        name, name_at, version, version_at = self.root
        if name not in self.packages:
            raise self.fail(f"the root {name} is not a package; add 'package {name} ...'", name_at)
        if version not in self.packages[name]:
            known = ", ".join(str(v) for v in sorted(self.packages[name])) or "none"
            raise self.fail(
                f"the root {name} has no version {version}; its versions: {known}", version_at
            )
        self.check_variables()
        self.check_formula_sites()
        if self.provide_sites and self.granularity != "single":
            raise self.fail(
                f"provides need granularity single, not {self.granularity}", self.provide_sites[0]
            )
        try:
            problem: ExtendedProblem[Any] = ExtendedProblem(
                root=Package(name, version),
                packages={n: tuple(vs) for n, vs in self.packages.items()},
                dependencies={p: tuple(fs) for p, fs in self.dependencies.items()},
                features={
                    p: {f: tuple(fs) for f, fs in table.items()}
                    for p, table in self.features.items()
                },
                peers={p: tuple(rs) for p, rs in self.peers.items()},
                provides={p: tuple(ps) for p, ps in self.provides.items()},
                variables=dict(self.variables),
                environment=dict(self.environment),
                granularity=self.granularity,
                default_feature=self.default_feature,
            )
        except (InvalidProblem, TypeError, ValueError) as error:
            raise self.fail(str(error), None) from error
        return PacDocument(problem, self.scheme_name, dict(self.name_schemes), dict(self.comments))

    def check_variables(self) -> None:
        for variable, at in self.variable_sites.items():
            if variable in self.packages:
                raise self.fail(f"{variable} is both a variable and a package name", at)
        for variable, (at, value_at) in self.environment_sites.items():
            domain = self.variables.get(variable)
            if domain is None:
                raise self.fail(f"the environment fixes {variable}, which is no variable", at)
            value = self.environment[variable]
            if value not in domain:
                raise self.fail(
                    f"{value} is not a value of {variable}; its values: {', '.join(domain)}",
                    value_at,
                )

    def check_formula_sites(self) -> None:
        for site in self.requirement_sites:
            if site.name in self.variables:
                raise self.fail(
                    f"{site.name} is a variable; test it with '{site.name} in {{...}}'",
                    site.offset,
                )
            if site.negated and site.default_features and self.default_feature is not None:
                raise self.fail(
                    "a conflict cannot ask for the default feature; write "
                    f"'not no-default {site.name}'",
                    site.offset,
                )
        for condition in self.condition_sites:
            domain = self.variables.get(condition.variable)
            if domain is None:
                raise self.fail(
                    f"{condition.variable} is no variable; declare it: "
                    f"'variable {condition.variable} {{...}}'",
                    condition.offset,
                )
            for value, at in condition.values:
                if value not in domain:
                    raise self.fail(
                        f"{value} is not a value of {condition.variable}; its values: "
                        f"{', '.join(domain)}",
                        at,
                    )


def parse_document(text: str, *, source: str) -> PacDocument:
    """Parse a whole Pac file (see :func:`polypac.pac.parse_pac`)."""
    if not isinstance(text, str):
        raise PacError(repr(text), None, f"expected text, not {type(text).__name__}")
    return _Parser(text, source).run()
