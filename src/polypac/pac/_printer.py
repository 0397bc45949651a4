"""The canonical text of a problem in Pac.

Canonical means: the scheme first, then the problem-wide settings, variables (by name), the
environment (by name) and the root; then the packages by name, versions oldest first, the
consecutive versions of one name that say the same thing sharing one ``package`` line;
inside a block ``depends``, ``peer``, ``feature`` (by name) and ``provides`` lines, one
formula per line, in the problem's order (the order of formulae is part of the problem).
Ranges are written in the scheme's native syntax by its ``format_range`` where that text
parses back to the very same set, and as an exact interval set ``{...}`` otherwise.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from polypac.calculus.extended import (
    AllOf,
    AnyOf,
    Condition,
    ExtendedProblem,
    Formula,
    Not,
    Requirement,
    When,
)
from polypac.calculus.model import Ordinal, Package
from polypac.errors import PolypacError
from polypac.pac._document import DEFAULT_SCHEME, CommentKey, Note, PacDocument, lookup_scheme
from polypac.pac._intervals import format_exact_set
from polypac.pac._syntax import BARE_NAME, BARE_RANGE_STOP, BARE_WORD, quote, word_or_quoted
from polypac.version.scheme import VersionScheme
from polypac.version.sets import VersionSet

__all__ = ["format_problem", "infer_schemes"]

_INDENT = "  "


def _name(text: str) -> str:
    return word_or_quoted(text, BARE_NAME, reserved=True)


def _feature(text: str) -> str:
    return word_or_quoted(text, BARE_NAME)


def _word(text: object) -> str:
    return word_or_quoted(str(text), BARE_WORD)


def _formulas(problem: ExtendedProblem[Any]) -> Iterator[Formula[Any]]:
    for formulas in problem.dependencies.values():
        yield from formulas
    for table in problem.features.values():
        for formulas in table.values():
            yield from formulas
    for peers in problem.peers.values():
        yield from peers


def _requirements(formula: Formula[Any]) -> Iterator[Requirement[Any]]:
    match formula:
        case Requirement():
            yield formula
        case Not(inner):
            yield from _requirements(inner)
        case AllOf(parts) | AnyOf(parts):
            for part in parts:
                yield from _requirements(part)
        case When(condition, then):
            yield from _requirements(condition)
            yield from _requirements(then)
        case Condition():
            return


def _sample(versions: VersionSet[Any]) -> object | None:
    for half in (versions.releases, versions.prereleases):
        for segment in half.segments:
            for bound in (segment.lower, segment.upper):
                if bound is not None:
                    version: object = bound.version
                    return version
    return None


def _samples(problem: ExtendedProblem[Any]) -> dict[str, object]:
    """One version of each name that the problem writes a version of."""
    samples: dict[str, object] = {}
    for name, versions in problem.packages.items():
        if versions:
            samples[name] = versions[0]
    for formula in _formulas(problem):
        for requirement in _requirements(formula):
            sample = _sample(requirement.versions)
            if sample is not None:
                samples.setdefault(requirement.name, sample)
    for provides in problem.provides.values():
        for provide in provides:
            if provide.version is not None:
                samples.setdefault(provide.name, provide.version)
    return samples


def infer_schemes(
    problem: ExtendedProblem[Any], scheme: str | None, schemes: Mapping[str, str] | None
) -> tuple[str, dict[str, str]]:
    """The file's scheme and the per-name schemes to write ``problem`` with.

    Names whose versions are :class:`~polypac.calculus.model.Ordinal` (a reduction's
    synthetic names) are written in the ``ordinal`` scheme; without ``scheme`` a problem
    whose versions are all ordinals is an ``ordinal`` file, any other a ``semver`` one.
    """
    samples = _samples(problem)
    if scheme is None:
        every_ordinal = all(isinstance(v, Ordinal) for v in samples.values())
        scheme = "ordinal" if every_ordinal else DEFAULT_SCHEME
    file_scheme = lookup_scheme(scheme).name
    overrides = {n: lookup_scheme(s).name for n, s in (schemes or {}).items()}
    if file_scheme != "ordinal":
        for name, sample in samples.items():
            if isinstance(sample, Ordinal) and name not in overrides:
                overrides[name] = "ordinal"
    return file_scheme, {n: s for n, s in overrides.items() if s != file_scheme}


class _Printer:
    def __init__(
        self,
        problem: ExtendedProblem[Any],
        scheme: str,
        schemes: Mapping[str, str],
        comments: Mapping[CommentKey, Note],
    ) -> None:
        self.problem = problem
        self.scheme = scheme
        self.schemes = schemes
        self.comments = comments
        self.lines: list[str] = []

    # -- pieces --------------------------------------------------------------------------

    def scheme_of(self, name: str) -> VersionScheme[Any]:
        return lookup_scheme(self.schemes.get(name, self.scheme))

    def range_text(self, name: str, versions: VersionSet[Any]) -> str:
        if versions.is_full():
            return ""
        scheme = self.scheme_of(name)
        native = ""
        try:
            native = scheme.format_range(versions)
            exact = bool(native) and native == native.strip()
            exact = exact and scheme.parse_range(native) == versions
        except (PolypacError, ValueError):
            exact = False
        if exact:
            if not any(char in BARE_RANGE_STOP for char in native):
                return native
            if not any(char in ")\n\r" for char in native):
                return f"({native})"
            return quote(native)
        return "{" + format_exact_set(versions) + "}"

    def requirement(self, requirement: Requirement[Any]) -> str:
        words = []
        if requirement.public:
            words.append("public ")
        if not requirement.default_features:
            words.append("no-default ")
        words.append(_name(requirement.name))
        if requirement.features:
            words.append(f"[{', '.join(_feature(f) for f in sorted(requirement.features))}]")
        versions = self.range_text(requirement.name, requirement.versions)
        if versions:
            words.append(f" {versions}")
        return "".join(words)

    def condition(self, condition: Condition) -> str:
        """``x in {...}``, the values in the order the variable declares them."""
        domain = self.problem.variables.get(condition.variable, ())
        order = {value: index for index, value in enumerate(domain)}
        ranked = sorted(condition.values, key=lambda value: (order.get(value, len(order)), value))
        values = ", ".join(_word(value) for value in ranked)
        return f"{_name(condition.variable)} in {{{values}}}"

    def item(self, formula: Formula[Any]) -> str:
        """A formula where a list item stands: alternatives and ``when`` need no brackets."""
        match formula:
            case AnyOf(parts) if len(parts) >= 2:
                return " | ".join(self.operand(part) for part in parts)
            case When(condition, then):
                return f"when {self.condition_item(condition)} then {self.item(then)}"
            case _:
                return self.operand(formula)

    def operand(self, formula: Formula[Any]) -> str:
        """A formula where an operand of ``|`` or ``not`` stands."""
        match formula:
            case Requirement():
                return self.requirement(formula)
            case Condition():
                return self.condition(formula)
            case Not(inner):
                return f"not {self.operand(inner)}"
            case AllOf(parts) if len(parts) >= 2:
                return "(" + ", ".join(self.item(part) for part in parts) + ")"
            case AllOf(parts):
                return "all(" + ", ".join(self.item(part) for part in parts) + ")"
            case AnyOf(parts) if len(parts) >= 2:
                return "(" + self.item(formula) + ")"
            case AnyOf(parts):
                return "any(" + ", ".join(self.item(part) for part in parts) + ")"
            case When():
                return "(" + self.item(formula) + ")"

    def condition_item(self, formula: Formula[Any]) -> str:
        match formula:
            case AnyOf(parts) if len(parts) >= 2:
                return " | ".join(self.condition_operand(part) for part in parts)
            case _:
                return self.condition_operand(formula)

    def condition_operand(self, formula: Formula[Any]) -> str:
        match formula:
            case Condition():
                return self.condition(formula)
            case Not(inner):
                return f"not {self.condition_operand(inner)}"
            case AllOf(parts) if len(parts) >= 2:
                return "(" + ", ".join(self.condition_item(part) for part in parts) + ")"
            case AllOf(parts):
                return "all(" + ", ".join(self.condition_item(part) for part in parts) + ")"
            case AnyOf(parts) if len(parts) >= 2:
                return "(" + self.condition_item(formula) + ")"
            case AnyOf(parts):
                return "any(" + ", ".join(self.condition_item(part) for part in parts) + ")"
            case _:
                raise ValueError(f"a condition of 'when' tests variables only, not {formula}")

    # -- lines ---------------------------------------------------------------------------

    def emit(self, text: str, note: Note | None, indent: str = "") -> None:
        if note is not None:
            self.lines.extend(indent + line for line in note.above)
        line = indent + text
        if note is not None and note.after is not None:
            line += "  " + note.after
        self.lines.append(line)

    def note(self, *keys: CommentKey) -> Note | None:
        above: list[str] = []
        after: str | None = None
        for key in keys:
            note = self.comments.get(key)
            if note is None:
                continue
            above.extend(line for line in note.above if line not in above)
            if after is None:
                after = note.after
            elif note.after is not None and note.after != after and note.after not in above:
                above.append(note.after)
        return Note(tuple(above), after) if above or after is not None else None

    def body(self, package: Package[Any]) -> list[tuple[str, tuple[object, ...]]]:
        """The lines of ``package``'s block, each with its comment key minus the version."""
        problem, name = self.problem, package.name
        lines: list[tuple[str, tuple[object, ...]]] = []
        for i, formula in enumerate(problem.dependencies_of(package)):
            lines.append((f"depends {self.item(formula)}", ("depends", name, i)))
        for i, peer in enumerate(problem.peers_of(package)):
            lines.append((f"peer {self.requirement(peer)}", ("peer", name, i)))
        features = problem.features_of(package)
        for feature in sorted(features):
            formulas = features[feature]
            if not formulas:
                lines.append((f"feature {_feature(feature)}", ("feature", name, feature, 0)))
            for i, formula in enumerate(formulas):
                text = f"feature {_feature(feature)}: {self.item(formula)}"
                lines.append((text, ("feature", name, feature, i)))
        for i, provide in enumerate(problem.provides_of(package)):
            text = f"provides {_name(provide.name)}"
            if provide.version is not None:
                text += f" {_word(provide.version)}"
            lines.append((text, ("provides", name, i)))
        return lines

    def package_blocks(self, name: str) -> bool:
        """Write the blocks of ``name``; whether any has a body."""
        versions = self.problem.versions_of(name)
        if not versions:
            self.emit(f"package {_name(name)}", self.note(("package", name)))
            return False
        groups: list[tuple[list[Any], list[tuple[str, tuple[object, ...]]]]] = []
        for version in versions:
            body = self.body(Package(name, version))
            if groups and [t for t, _ in groups[-1][1]] == [t for t, _ in body]:
                groups[-1][0].append(version)
            else:
                groups.append(([version], body))
        any_body = False
        for index, (members, body) in enumerate(groups):
            header = f"package {_name(name)} " + ", ".join(_word(v) for v in members)
            self.emit(header, self.note(("package", name)) if index == 0 else None)
            for text, key in body:
                kind, rest = key[0], key[2:]
                keys = [(kind, name, version, *rest) for version in members]
                self.emit(text, self.note(*keys), _INDENT)
            any_body = any_body or bool(body)
        return any_body

    def run(self) -> str:
        problem, note = self.problem, self.note
        header = self.comments.get(("header",))
        if header is not None:
            self.lines.extend([*header.above, ""])
        self.emit(f"scheme {self.scheme}", note(("scheme",)))
        for name in sorted(self.schemes):
            self.emit(f"scheme {self.schemes[name]} for {_name(name)}", note(("scheme-for", name)))
        if problem.granularity != "single":
            self.emit(f"granularity {problem.granularity}", note(("granularity",)))
        if problem.default_feature is not None:
            feature = _feature(problem.default_feature)
            self.emit(f"default-feature {feature}", note(("default-feature",)))
        for variable in sorted(problem.variables):
            values = ", ".join(_word(v) for v in problem.variables[variable])
            self.emit(f"variable {_name(variable)} {{{values}}}", note(("variable", variable)))
        for variable in sorted(problem.environment):
            value = _word(problem.environment[variable])
            self.emit(f"environment {_name(variable)} = {value}", note(("environment", variable)))
        root = problem.root
        self.emit(f"root {_name(root.name)} {_word(root.version)}", note(("root",)))
        previous_body = True
        for name in sorted(problem.packages):
            start = len(self.lines)
            has_body = self.package_blocks(name)
            if has_body or previous_body:
                self.lines.insert(start, "")
            previous_body = has_body
        footer = self.comments.get(("footer",))
        if footer is not None:
            self.lines.extend(["", *footer.above])
        return "\n".join(self.lines) + "\n"


def format_problem(
    problem: ExtendedProblem[Any],
    *,
    scheme: str | None = None,
    schemes: Mapping[str, str] | None = None,
    comments: Mapping[CommentKey, Note] | None = None,
) -> str:
    """The canonical Pac text of ``problem`` (see :func:`polypac.pac.format_pac`)."""
    file_scheme, overrides = infer_schemes(problem, scheme, schemes)
    return _Printer(problem, file_scheme, overrides, comments or {}).run()


def format_document(document: PacDocument) -> str:
    """The canonical text of a parsed file, its comments kept."""
    return format_problem(
        document.problem,
        scheme=document.scheme,
        schemes=document.schemes,
        comments=document.comments,
    )
