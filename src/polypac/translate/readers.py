"""Read each syntax's dependency declarations into a :class:`~polypac.translate.model.Manifest`.

Every reader takes the text and the name of the file it came from (for messages), and
returns the manifest with what it could not read as losses (a requirement that names no
project, pip options). Text that breaks the syntax raises a located
:class:`~polypac.errors.ParseError`: :class:`~polypac.translate.model.TranslateError`, or
the error of the ecosystem reader polypac already has.

    >>> reading = read_package_json('{"dependencies": {"ms": "^2.1.3"}}', source="p.json")
    >>> dependency = reading.manifest.dependencies[0]
    >>> dependency.name, str(dependency.constraint), dependency.scope.value
    ('ms', '>=2.1.3,<3.0.0-0', 'runtime')
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from polypac.calculus.extended import AllOf, AnyOf, Formula, Not, When
from polypac.calculus.extended import Condition as PacCondition
from polypac.calculus.extended import Requirement as PacRequirement
from polypac.ecosystems.cargo._toml import KeyLines, toml_error
from polypac.ecosystems.debian.deb822 import ControlFileError, parse_deb822
from polypac.ecosystems.debian.relations import Relation, RelationError, parse_relations
from polypac.ecosystems.python.requirements import read_requirements as _read_pip
from polypac.errors import InvalidRange
from polypac.inventory._readers import json_key_lines
from polypac.translate._native import desugar, pypi_groups
from polypac.translate.model import (
    ANY,
    Alternative,
    Condition,
    Constraint,
    Dependency,
    Feature,
    Loss,
    Manifest,
    Scope,
    TranslateError,
)
from polypac.version.scheme import Comparator, Desugaring, get_scheme

__all__ = [
    "READERS",
    "Reading",
    "read_cargo_toml",
    "read_debian_control",
    "read_pac",
    "read_package_json",
    "read_requirements",
]


@dataclass(frozen=True, slots=True)
class Reading:
    """A manifest, its version scheme, and what reading it could not keep."""

    manifest: Manifest
    scheme: str
    losses: tuple[Loss, ...] = field(default_factory=tuple)


def _line(text: str, number: int) -> str:
    lines = text.splitlines()
    return lines[number - 1] if 0 < number <= len(lines) else ""


def _error(text: str, number: int, problem: str, source: str, what: str) -> TranslateError:
    return TranslateError(
        _line(text, number), None, problem, what=what, source=source, line=number or None
    )


# --- requirements ---------------------------------------------------------------------------


def read_requirements(text: str, *, source: str) -> Reading:
    """The PEP 508 lines of a pip requirements file (``-r``/``-c`` files are not read)."""
    result = _read_pip(text, source=source)
    if result.errors:
        raise result.errors[0]
    losses: list[Loss] = []
    dependencies: list[Dependency] = []
    for requirement in result.requirements:
        shown = _line(text, requirement.line).strip()
        if requirement.name is None:
            losses.append(
                Loss(
                    f"line {requirement.line}",
                    shown,
                    "names no project (a path or URL without #egg=): skipped",
                )
            )
            continue
        try:
            groups = pypi_groups(requirement.specifier) if requirement.specifier else ANY
        except InvalidRange as error:
            raise error.located(source, requirement.line) from error
        location: list[tuple[str, str]] = []
        if requirement.url is not None:
            location.append(("editable" if requirement.editable else "url", requirement.url))
        location += [("hash", digest) for digest in requirement.hashes]
        dependencies.append(
            Dependency(
                requirement.name,
                Constraint("pypi", groups),
                conditions=(
                    (Condition("marker", requirement.marker),) if requirement.marker else ()
                ),
                features=requirement.extras,
                location=tuple(location),
                line=requirement.line,
                source_text=shown,
            )
        )
    for include in result.includes:
        option = "-c" if include.constraint else "-r"
        losses.append(
            Loss(
                f"line {include.line}",
                f"{option} {include.path}",
                "included files are not read: translate each file on its own",
            )
        )
    for name, value in result.options:
        shown = name if value is None else f"{name} {value}"
        losses.append(Loss(name, shown, "pip options are not dependencies: dropped"))
    return Reading(Manifest(tuple(dependencies)), "pypi", tuple(losses))


# --- package.json ---------------------------------------------------------------------------

_NPM_SECTIONS = (
    ("dependencies", Scope.RUNTIME),
    ("devDependencies", Scope.DEV),
    ("optionalDependencies", Scope.OPTIONAL),
    ("peerDependencies", Scope.PEER),
)


def read_package_json(text: str, *, source: str) -> Reading:
    """The four dependency sections of a ``package.json``.

    A spec that is no semver range (``github:u/r``, ``file:../x``, ``npm:other@^1``, a
    dist-tag) is kept as a location with every version allowed.
    """
    what = "package.json"
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise TranslateError(
            _line(text, error.lineno),
            error.colno - 1,
            f"not JSON: {error.msg}",
            what=what,
            source=source,
            line=error.lineno,
        ) from error
    except RecursionError as error:
        raise TranslateError("", None, "nested too deeply", what=what, source=source) from error
    if not isinstance(document, dict):
        raise _error(text, 1, "the top level must be an object", source, what)
    lines = json_key_lines(text, max_depth=2)
    dependencies: list[Dependency] = []
    for section, scope in _NPM_SECTIONS:
        declared = document.get(section)
        if declared is None:
            continue
        number = lines.get((section,), 0)
        if not isinstance(declared, dict):
            raise _error(text, number, f"{section!r} must be an object", source, what)
        for name, spec in declared.items():
            number = lines.get((section, name), 0)
            if not isinstance(spec, str):
                raise _error(text, number, f"the range of {name!r} must be a string", source, what)
            where: tuple[tuple[str, str], ...] = ()
            try:
                groups = desugar("npm", spec)
            except InvalidRange:
                groups, where = ANY, (("npm", spec),)
            dependencies.append(
                Dependency(
                    name,
                    Constraint("npm", groups),
                    scope,
                    location=where,
                    line=number,
                    source_text=f'"{name}": "{spec}"',
                )
            )
    return Reading(Manifest(tuple(dependencies)), "npm")


# --- Cargo.toml -----------------------------------------------------------------------------

_CARGO_KINDS = (
    ("dependencies", Scope.RUNTIME),
    ("dev-dependencies", Scope.DEV),
    ("build-dependencies", Scope.BUILD),
)
_CARGO_LOCATION_KEYS = ("package", "path", "git", "branch", "tag", "rev", "registry")


def read_cargo_toml(text: str, *, source: str) -> Reading:
    """``[dependencies]``, ``[dev-dependencies]``, ``[build-dependencies]`` (also under
    ``[target.'cfg(...)']``, as a ``cfg`` condition), optional dependencies (scope
    ``optional``) and the ``[features]`` table."""
    what = "Cargo.toml"
    try:
        manifest = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise toml_error(error, text, 1, source=source, what=what) from error
    lines = KeyLines(text)
    losses: list[Loss] = []
    tables: list[tuple[tuple[str, ...], tuple[Condition, ...], Any]] = [((), (), manifest)]
    targets = manifest.get("target")
    if isinstance(targets, dict):
        tables += [(("target", cfg), (Condition("cfg", cfg),), t) for cfg, t in targets.items()]
    dependencies: list[Dependency] = []
    for prefix, conditions, table in tables:
        if not isinstance(table, dict):
            continue
        for kind, scope in _CARGO_KINDS:
            entries = table.get(kind, table.get(kind.replace("-", "_")))
            if entries is None:
                continue
            if not isinstance(entries, dict):
                raise _error(
                    text, lines.line(*prefix, kind), f"[{kind}] must be a table", source, what
                )
            for name, spec in entries.items():
                number = lines.line(*prefix, kind, name)
                shown = _line(text, number).strip()
                version, wanted, default = "*", tuple[str, ...](), True
                location: list[tuple[str, str]] = []
                this_scope = scope
                if isinstance(spec, str):
                    version = spec
                elif isinstance(spec, dict):
                    raw = spec.get("version")
                    version = raw if isinstance(raw, str) else "*"
                    wanted = tuple(f for f in spec.get("features", ()) if isinstance(f, str))
                    default = (
                        spec.get("default-features", spec.get("default_features")) is not False
                    )
                    if spec.get("optional") is True:
                        this_scope = Scope.OPTIONAL
                    for key in _CARGO_LOCATION_KEYS:
                        if isinstance(spec.get(key), str):
                            location.append((key, spec[key]))
                    if spec.get("workspace") is True:
                        location.append(("workspace", "true"))
                else:
                    raise _error(
                        text,
                        number,
                        f'dependency "{name}" must be a version string or a table',
                        source,
                        what,
                    )
                try:
                    groups = desugar("cargo", version)
                except InvalidRange as error:
                    raise error.located(source, number) from error
                dependencies.append(
                    Dependency(
                        name,
                        Constraint("cargo", groups),
                        this_scope,
                        conditions,
                        wanted,
                        default,
                        location=tuple(location),
                        line=number,
                        source_text=shown,
                    )
                )
    features_table = manifest.get("features")
    features: list[Feature] = []
    if isinstance(features_table, dict):
        for name, enables in features_table.items():
            if not isinstance(enables, list) or not all(isinstance(e, str) for e in enables):
                raise _error(
                    text,
                    lines.line("features", name),
                    f"feature {name!r} must be a list of strings",
                    source,
                    what,
                )
            features.append(Feature(name, tuple(enables)))
    return Reading(Manifest(tuple(dependencies), tuple(features)), "cargo", tuple(losses))


# --- Debian control -------------------------------------------------------------------------

_DEBIAN_FIELDS = (
    ("Build-Depends", Scope.BUILD),
    ("Build-Depends-Arch", Scope.BUILD),
    ("Build-Depends-Indep", Scope.BUILD),
    ("Pre-Depends", Scope.RUNTIME),
    ("Depends", Scope.RUNTIME),
)
_OTHER_FIELDS = (
    "Recommends",
    "Suggests",
    "Enhances",
    "Breaks",
    "Conflicts",
    "Build-Conflicts",
    "Build-Conflicts-Indep",
    "Build-Conflicts-Arch",
)
_DEB_OPS = {"<<": "<", "<=": "<=", "=": "=", ">=": ">=", ">>": ">"}


def _relation_constraint(relation: Relation) -> Constraint:
    if relation.operator is None or relation.version is None:
        return Constraint("deb")
    return Constraint(
        "deb",
        (
            (
                Comparator(
                    _DEB_OPS[relation.operator],  # type: ignore[arg-type]
                    relation.version,
                ),
            ),
        ),
    )


def _relation_conditions(relation: Relation) -> tuple[Condition, ...]:
    conditions: list[Condition] = []
    if relation.arch_qualifier is not None:
        conditions.append(Condition("arch-qualifier", relation.arch_qualifier))
    if relation.architectures:
        conditions.append(Condition("arch", " ".join(relation.architectures)))
    conditions += [Condition("profile", " ".join(formula)) for formula in relation.profiles]
    return tuple(conditions)


def read_debian_control(text: str, *, source: str) -> Reading:
    """``Build-Depends`` (``-Arch``, ``-Indep``), ``Pre-Depends`` and ``Depends`` of every
    stanza of a ``debian/control`` file (or of ``apt-cache show`` output).

    A group ``a | b`` is one dependency on ``a`` with the alternative ``b``; successive
    groups of one relation on the same package with the same conditions (``a (>= 1), a
    (<< 2)``) are one dependency on ``>= 1, << 2``. Other relation fields (``Recommends``,
    ``Conflicts``...) are reported as losses.
    """
    losses: list[Loss] = []
    dependencies: list[Dependency] = []
    for stanza in parse_deb822(text, source=source):
        if isinstance(stanza, ControlFileError):
            raise stanza
        for name, scope in _DEBIAN_FIELDS:
            value = stanza.get(name)
            if value is None:
                continue
            number = stanza.field_line(name)
            try:
                groups = parse_relations(value)
            except RelationError as error:
                raise error.located(source, number) from error
            for group in groups:
                first, *rest = group
                dependency = Dependency(
                    first.name,
                    _relation_constraint(first),
                    scope,
                    _relation_conditions(first),
                    alternatives=tuple(
                        Alternative(r.name, _relation_constraint(r), _relation_conditions(r))
                        for r in rest
                    ),
                    line=number,
                    source_text=" | ".join(map(str, group)),
                )
                previous = dependencies[-1] if dependencies else None
                if (
                    previous is not None
                    and not rest
                    and not previous.alternatives
                    and previous.line == number
                    and (previous.name, previous.conditions) == (first.name, dependency.conditions)
                    and len(previous.constraint.groups) == 1
                    and first.operator is not None
                ):
                    merged = Constraint(
                        "deb", (previous.constraint.groups[0] + dependency.constraint.groups[0],)
                    )
                    dependencies[-1] = Dependency(
                        previous.name,
                        merged,
                        scope,
                        previous.conditions,
                        line=number,
                        source_text=f"{previous.source_text}, {dependency.source_text}",
                    )
                    continue
                dependencies.append(dependency)
        for name in _OTHER_FIELDS:
            if stanza.get(name) is not None:
                losses.append(
                    Loss(
                        f"{stanza.get('Package') or stanza.get('Source') or 'stanza'} {name}",
                        f"{name}: {stanza.get(name)}",
                        f"only Depends, Pre-Depends and Build-Depends are "
                        f"dependencies: {name} dropped",
                    )
                )
    return Reading(Manifest(tuple(dependencies)), "deb", tuple(losses))


# --- Pac ------------------------------------------------------------------------------------

_PAC_SCHEMES = ("pypi", "npm", "cargo", "deb")


def read_pac(text: str, *, source: str) -> Reading:
    """The requirements of a Pac file's root, as :mod:`polypac.translate.writers` writes
    them: ``depends`` lines (scope and conditions as ``when`` tests of the variables
    ``scope``, ``marker``, ``cfg``, ``arch``, ``profile``, ``arch-qualifier``),
    alternatives ``a | b``, ``peer`` lines, and ``feature`` lines for the project's own
    features."""
    from polypac.pac import parse_pac

    document = parse_pac(text, source=source)
    scheme = get_scheme(document.scheme).name
    if scheme not in _PAC_SCHEMES:
        raise TranslateError(
            f"scheme {document.scheme}",
            7,
            f"translate reads Pac files in the schemes {', '.join(_PAC_SCHEMES)}",
            what="Pac file",
            source=source,
        )
    problem = document.problem
    root = problem.root
    dependencies: list[Dependency] = []

    def fail(problem_text: str) -> TranslateError:
        return TranslateError("", None, problem_text, what="Pac file", source=source)

    losses: list[Loss] = []

    def constraint(requirement: PacRequirement[Any]) -> Constraint:
        result = Constraint(scheme, _groups(scheme, requirement.versions))
        if result.versions() != requirement.versions:
            losses.append(
                Loss(
                    requirement.name,
                    str(requirement),
                    f"this set of versions has no {scheme} range: read as {result}",
                )
            )
        return result

    for formula in problem.dependencies.get(root, ()):
        scope, conditions, body = Scope.RUNTIME, [], formula
        if isinstance(body, When):
            for test in _tests(body.condition, fail):
                if test.variable == "scope":
                    scope = Scope(next(iter(test.values)))
                else:
                    conditions.append(Condition(test.variable, next(iter(test.values))))
            body = body.then
        choices = body.formulas if isinstance(body, AnyOf) else (body,)
        requirements = [c for c in choices if isinstance(c, PacRequirement)]
        if len(requirements) != len(choices) or not requirements:
            raise fail(f"a root requirement must be NAME RANGE or alternatives, not {body}")
        first, *rest = requirements
        dependencies.append(
            Dependency(
                first.name,
                constraint(first),
                scope,
                tuple(conditions),
                tuple(sorted(first.features)),
                first.default_features,
                tuple(Alternative(r.name, constraint(r)) for r in rest),
            )
        )
    for peer in problem.peers.get(root, ()):
        dependencies.append(Dependency(peer.name, constraint(peer), Scope.PEER))
    features = tuple(
        Feature(name, tuple(f.name for f in formulas if isinstance(f, PacRequirement)))
        for name, formulas in problem.features.get(root, {}).items()
    )
    return Reading(Manifest(tuple(dependencies), features), scheme, tuple(losses))


def _tests(condition: Formula[Any], fail: Callable[[str], TranslateError]) -> list[PacCondition]:
    if isinstance(condition, PacCondition) and len(condition.values) == 1:
        return [condition]
    if isinstance(condition, AllOf):
        return [test for part in condition.formulas for test in _tests(part, fail)]
    if isinstance(condition, Not):
        raise fail("a root condition must be VARIABLE in {VALUE}, not a negation")
    raise fail(f"a root condition must be VARIABLE in {{VALUE}}, not {condition}")


def _groups(scheme: str, versions: Any) -> Desugaring:
    """A version set of a Pac file as comparators: through the scheme's own syntax."""
    native = get_scheme(scheme)
    if versions.is_full():
        return ANY
    if versions.is_empty():
        return ()
    try:
        text = native.format_range(versions)
        return pypi_groups(text) if scheme == "pypi" else desugar(scheme, text)
    except ValueError:
        pass
    groups: list[tuple[Comparator, ...]] = []
    for segment in versions.releases:
        group: list[Comparator] = []
        if segment.lower is not None:
            group.append(
                Comparator(">=" if segment.lower.inclusive else ">", str(segment.lower.version))
            )
        if segment.upper is not None:
            group.append(
                Comparator("<=" if segment.upper.inclusive else "<", str(segment.upper.version))
            )
        groups.append(tuple(group))
    return tuple(groups)


READERS: dict[str, Callable[..., Reading]] = {
    "requirements": read_requirements,
    "package.json": read_package_json,
    "cargo": read_cargo_toml,
    "debian": read_debian_control,
    "pac": read_pac,
}
"""The reader of each syntax, by the name the command line gives it."""
