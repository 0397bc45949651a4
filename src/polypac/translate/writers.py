"""Write a :class:`~polypac.translate.model.Manifest` in each syntax, with what it loses.

Each writer takes the manifest and the version scheme its constraints are written in, and
returns the text and the :class:`~polypac.translate.model.Loss` list: every item the
target cannot say exactly is written as closely as it can be (a union widened to its
hull, an alternative dropped, a condition dropped) or skipped, and the loss says which.

    >>> from polypac.translate.readers import read_package_json
    >>> reading = read_package_json('{"dependencies": {"ms": "<2.0.0 || >2.0.0"}}', source="x")
    >>> text, losses = write_requirements(reading.manifest, reading.scheme)
    >>> print(text, end="")
    ms
    >>> print(losses[0])
    loss: ms: PEP 440 specifiers have no OR: widened <2.0.0 || >2.0.0 to its hull *
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable
from typing import Any

from packaging.utils import canonicalize_name

from polypac.calculus.extended import AllOf, AnyOf, ExtendedProblem, Formula, Requirement, When
from polypac.calculus.extended import Condition as PacCondition
from polypac.calculus.model import Package
from polypac.translate._native import (
    conjunctive,
    convert_groups,
    deb_operator,
    hull,
    same_scheme_text,
)
from polypac.translate.model import Constraint, Dependency, Loss, Manifest, Scope
from polypac.version.scheme import Desugaring, get_scheme
from polypac.version.sets import VersionSet

__all__ = [
    "WRITERS",
    "write_cargo_toml",
    "write_debian_control",
    "write_pac",
    "write_package_json",
    "write_requirements",
]

_Losses = list[Loss]


class _Writer:
    """What every target shares: name rules, conversion of constraints, and loss texts."""

    def __init__(self, target: str, scheme: str, words: str, name_pattern: str) -> None:
        self.target = target  # the target's version scheme
        self.source = scheme
        self.words = words  # how a loss names the target: "PEP 508", "package.json", ...
        self.name_pattern = re.compile(name_pattern, re.IGNORECASE)
        self.losses: _Losses = []

    def lose(self, dependency: Dependency | str, reason: str, shown: str = "") -> None:
        if isinstance(dependency, Dependency):
            item = dependency.name
            shown = dependency.source_text or f"{dependency.name} {dependency.constraint}"
        else:
            item = dependency
        self.losses.append(Loss(item, shown, reason))

    def name(self, dependency: Dependency, normalized: str) -> str | None:
        if not dependency.constraint.groups:
            self.lose(dependency, "accepts no version at all: skipped")
            return None
        if self.name_pattern.fullmatch(normalized) is None:
            self.lose(dependency, f"{dependency.name!r} is not a valid {self.words} name: skipped")
            return None
        return normalized

    def groups(self, dependency: Dependency, constraint: Constraint | None = None) -> Desugaring:
        constraint = constraint or dependency.constraint
        groups, reasons = convert_groups(constraint.scheme, self.target, constraint.groups)
        for reason in reasons:
            self.lose(dependency, reason)
        return groups

    def alternatives(self, dependency: Dependency) -> None:
        if dependency.alternatives:
            dropped = " | ".join(a.name for a in dependency.alternatives)
            self.lose(
                dependency,
                f"{self.words} has no alternatives: kept {dependency.name}, dropped {dropped}",
            )

    def conditions(self, dependency: Dependency, kinds: tuple[str, ...]) -> None:
        for condition in dependency.conditions:
            if condition.kind not in kinds:
                self.lose(
                    dependency,
                    f"{self.words} has no {condition.kind} conditions: dropped "
                    f"{condition.text!r}, the dependency applies everywhere",
                )

    def features(
        self, dependency: Dependency, noun: str | None, *, default_off: bool = False
    ) -> None:
        if noun is None and dependency.features:
            self.lose(
                dependency,
                f"{self.words} has no features or extras: dropped {', '.join(dependency.features)}",
            )
        if not dependency.default_features and not default_off:
            self.lose(dependency, f"{self.words} cannot turn default features off: dropped")

    def location(self, dependency: Dependency, keys: tuple[str, ...]) -> None:
        for key, value in dependency.location:
            if key not in keys:
                self.lose(
                    dependency,
                    f"{self.words} cannot say {key} = {value!r}: dropped, the registry is used",
                )

    def project_features(self, manifest: Manifest) -> None:
        for feature in manifest.features:
            self.lose(
                f"feature {feature.name}",
                f"Cargo features have no counterpart in {self.words}: dropped",
                f"{feature.name} = {list(feature.enables)}",
            )


# --- requirements ---------------------------------------------------------------------------

_PEP508_NAME = r"[A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9]"


def write_requirements(manifest: Manifest, scheme: str) -> tuple[str, list[Loss]]:
    """A pip requirements file: one PEP 508 line per dependency, names normalized (PEP 503)."""
    writer = _Writer("pypi", scheme, "PEP 508", _PEP508_NAME)
    lines: list[str] = []
    for dependency in manifest.dependencies:
        name = writer.name(dependency, canonicalize_name(dependency.name))
        if name is None:
            continue
        if dependency.scope is not Scope.RUNTIME:
            writer.lose(
                dependency,
                f"requirements files have no {dependency.scope.value} scope: written as a "
                "plain requirement",
            )
        writer.alternatives(dependency)
        writer.conditions(dependency, ("marker",))
        writer.features(dependency, "extras")
        writer.location(dependency, ("url", "editable", "hash"))
        where = dict(dependency.location)
        extras = f"[{','.join(dependency.features)}]" if dependency.features else ""
        markers = [c.text for c in dependency.conditions if c.kind == "marker"]
        marker = f" ; {' and '.join(markers)}" if markers else ""
        if "editable" in where:
            line = f"-e {where['editable']}"
        elif "url" in where:
            line = f"{name}{extras} @ {where['url']}{' ' if marker else ''}{marker}"
        else:
            groups = writer.groups(dependency)
            spec = "" if any(not g for g in groups) else same_scheme_text("pypi", groups)
            line = f"{name}{extras}{spec}{marker}"
        hashes = [value for key, value in dependency.location if key == "hash"]
        line += "".join(f" \\\n    --hash={digest}" for digest in hashes)
        lines.append(line)
    writer.project_features(manifest)
    return "".join(f"{line}\n" for line in lines), writer.losses


# --- package.json ---------------------------------------------------------------------------

_NPM_NAME = r"(@[a-z0-9~-][a-z0-9._~-]*/)?[a-z0-9~-][a-z0-9._~-]*"
_NPM_SECTION = {
    Scope.RUNTIME: "dependencies",
    Scope.DEV: "devDependencies",
    Scope.OPTIONAL: "optionalDependencies",
    Scope.PEER: "peerDependencies",
    Scope.BUILD: "devDependencies",
}


def write_package_json(manifest: Manifest, scheme: str) -> tuple[str, list[Loss]]:
    """A ``package.json`` holding the four dependency sections that are not empty."""
    writer = _Writer("npm", scheme, "package.json", _NPM_NAME)
    sections: dict[str, dict[str, str]] = {}
    for dependency in manifest.dependencies:
        name = writer.name(dependency, dependency.name)
        if name is None:
            continue
        section = _NPM_SECTION[dependency.scope]
        if dependency.scope is Scope.BUILD:
            writer.lose(dependency, "npm has no build scope: written in devDependencies")
        writer.alternatives(dependency)
        writer.conditions(dependency, ())
        writer.features(dependency, None)
        writer.location(dependency, ("npm",))
        where = dict(dependency.location)
        groups = writer.groups(dependency)
        text = where.get("npm") or same_scheme_text("npm", groups)
        entries = sections.setdefault(section, {})
        if name in entries:
            writer.lose(
                dependency,
                f"{name} is already in {section} (as {entries[name]!r}): this one dropped",
            )
            continue
        entries[name] = text
    writer.project_features(manifest)
    ordered = {s: sections[s] for s in dict.fromkeys(_NPM_SECTION.values()) if s in sections}
    return json.dumps(ordered, indent=2, ensure_ascii=False) + "\n", writer.losses


# --- Cargo.toml -----------------------------------------------------------------------------

_CARGO_NAME = r"[A-Za-z][A-Za-z0-9_-]{0,63}"
_CARGO_TABLE = {
    Scope.RUNTIME: "dependencies",
    Scope.OPTIONAL: "dependencies",
    Scope.PEER: "dependencies",
    Scope.DEV: "dev-dependencies",
    Scope.BUILD: "build-dependencies",
}
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def _toml_key(key: str) -> str:
    return key if _BARE_KEY.fullmatch(key) else _toml_string(key)


def _toml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def write_cargo_toml(manifest: Manifest, scheme: str) -> tuple[str, list[Loss]]:
    """The dependency tables of a ``Cargo.toml`` (and ``[features]``)."""
    writer = _Writer("cargo", scheme, "Cargo.toml", _CARGO_NAME)
    tables: dict[tuple[str, ...], dict[str, str]] = {}
    for dependency in manifest.dependencies:
        name = writer.name(dependency, dependency.name)
        if name is None:
            continue
        if dependency.scope is Scope.PEER:
            writer.lose(dependency, "Cargo has no peer dependencies: written in [dependencies]")
        writer.alternatives(dependency)
        writer.conditions(dependency, ("cfg",))
        writer.features(dependency, "features", default_off=True)
        writer.location(
            dependency, ("package", "path", "git", "branch", "tag", "rev", "registry", "workspace")
        )
        cfgs = [c.text for c in dependency.conditions if c.kind == "cfg"]
        if len(cfgs) > 1:
            writer.lose(dependency, f"Cargo takes one target per dependency: kept {cfgs[0]!r}")
        groups = writer.groups(dependency)
        version = None if any(not g for g in groups) else same_scheme_text("cargo", groups)
        fields: list[str] = []
        where = dict(dependency.location)
        if where.get("workspace") == "true":
            fields.append("workspace = true")
        elif version is not None or not where:
            fields.append(f"version = {_toml_string(version or '*')}")
        for key in ("package", "path", "git", "branch", "tag", "rev", "registry"):
            if key in where:
                fields.append(f"{key} = {_toml_string(where[key])}")
        if dependency.features:
            fields.append(f"features = [{', '.join(map(_toml_string, dependency.features))}]")
        if not dependency.default_features:
            fields.append("default-features = false")
        if dependency.scope is Scope.OPTIONAL:
            fields.append("optional = true")
        if not fields or fields == [f"version = {_toml_string(version or '*')}"]:
            entry = f"{_toml_key(name)} = {_toml_string(version or '*')}"
        else:
            entry = f"{_toml_key(name)} = {{ {', '.join(fields)} }}"
        table = _CARGO_TABLE[dependency.scope]
        path: tuple[str, ...] = ("target", _toml_string(cfgs[0]), table) if cfgs else (table,)
        entries = tables.setdefault(path, {})
        if name in entries:
            writer.lose(
                dependency,
                f"{name} is already in [{'.'.join(path)}]: this one dropped",
            )
            continue
        entries[name] = entry
    blocks = []
    for path in sorted(tables, key=lambda p: (len(p), p)):
        blocks.append(f"[{'.'.join(path)}]\n" + "".join(f"{e}\n" for e in tables[path].values()))
    if manifest.features:
        body = "".join(
            f"{_toml_key(f.name)} = [{', '.join(map(_toml_string, f.enables))}]\n"
            for f in manifest.features
        )
        blocks.append(f"[features]\n{body}")
    return "\n".join(blocks), writer.losses


# --- Debian control -------------------------------------------------------------------------

_DEBIAN_NAME = r"[a-z0-9][a-z0-9.+-]+"
_DEBIAN_FIELD = {
    Scope.RUNTIME: "Depends",
    Scope.PEER: "Depends",
    Scope.OPTIONAL: "Recommends",
    Scope.BUILD: "Build-Depends",
    Scope.DEV: "Build-Depends",
}


def write_debian_control(manifest: Manifest, scheme: str) -> tuple[str, list[Loss]]:
    """A control stanza with ``Build-Depends``, ``Depends`` and ``Recommends``; names in
    lowercase, any OR of ANDs written exactly with alternatives."""
    writer = _Writer("deb", scheme, "Debian", _DEBIAN_NAME)
    fields: dict[str, list[str]] = {}
    for dependency in manifest.dependencies:
        if writer.name(dependency, dependency.name.lower()) is None:
            continue
        if dependency.scope in (Scope.PEER, Scope.OPTIONAL, Scope.DEV):
            field = _DEBIAN_FIELD[dependency.scope]
            writer.lose(
                dependency,
                f"Debian has no {dependency.scope.value} dependencies: written in {field}",
            )
        writer.conditions(dependency, ("arch", "profile", "arch-qualifier"))
        writer.features(dependency, None)
        writer.location(dependency, ())
        choices: list[list[list[str]]] = []  # per choice, its clauses, each a list of relations
        for name, constraint, conditions in (
            (dependency.name, dependency.constraint, dependency.conditions),
            *((a.name, a.constraint, a.conditions) for a in dependency.alternatives),
        ):
            lowered = name.lower()
            if (
                lowered != dependency.name.lower()
                and writer.name_pattern.fullmatch(lowered) is None
            ):
                writer.lose(dependency, f"{name!r} is not a valid Debian name: alternative dropped")
                continue
            choices.append(_debian_clauses(writer, dependency, lowered, constraint, conditions))
        clauses = [
            [relation for clause in picked for relation in clause]
            for picked in itertools.product(*choices)
        ]
        fields.setdefault(_DEBIAN_FIELD[dependency.scope], []).extend(
            " | ".join(dict.fromkeys(clause)) for clause in clauses
        )
    writer.project_features(manifest)
    text = "".join(
        f"{field}: " + ",\n ".join(fields[field]) + "\n"
        for field in ("Build-Depends", "Depends", "Recommends")
        if field in fields
    )
    return text, writer.losses


def _debian_clauses(
    writer: _Writer,
    dependency: Dependency,
    name: str,
    constraint: Constraint,
    conditions: tuple[Any, ...],
) -> list[list[str]]:
    qualifier = next((c.text for c in conditions if c.kind == "arch-qualifier"), None)
    archs = [c.text for c in conditions if c.kind == "arch"]
    profiles = [c.text for c in conditions if c.kind == "profile"]
    head = name if qualifier is None else f"{name}:{qualifier}"
    tail = "".join(f" [{a}]" for a in archs[:1]) + "".join(f" <{p}>" for p in profiles)
    groups = writer.groups(dependency, constraint)
    if any(not g for g in groups):
        return [[head + tail]]
    clauses = conjunctive(groups)
    if clauses is not None:  # lower bounds first, as people write them
        clauses.sort(key=lambda clause: clause[0].operator not in (">=", ">", "="))
    if clauses is None:
        writer.lose(dependency, "too many alternatives to write exactly: widened to its hull")
        clauses = [(c,) for c in hull(writer.target, groups)] or [()]
    return [
        [f"{head} ({deb_operator(c.operator)} {c.version}){tail}" for c in clause]
        for clause in clauses
    ]


# --- Pac ------------------------------------------------------------------------------------

_ROOT_VERSION = {"pypi": "0", "deb": "0", "npm": "0.0.0", "cargo": "0.0.0"}


def write_pac(manifest: Manifest, scheme: str) -> tuple[str, list[Loss]]:
    """A Pac file whose root ``project`` requires every dependency: scope and conditions
    as ``when`` tests of variables named after them (``scope``, ``marker``, ``cfg``,
    ``arch``, ``profile``, ``arch-qualifier``), peers as ``peer`` lines, the project's
    features as ``feature`` lines naming what each enables."""
    from polypac.pac import format_pac

    writer = _Writer(scheme, scheme, "Pac", r".+")
    native = get_scheme(scheme)
    root = Package("project", native.parse_version(_ROOT_VERSION[scheme]))
    variables: dict[str, list[str]] = {}
    formulas: list[Formula[Any]] = []
    peers: list[Requirement[Any]] = []

    def requirement(name: str, constraint: Constraint, dependency: Dependency) -> Requirement[Any]:
        return Requirement(
            name, constraint.versions(), frozenset(dependency.features), dependency.default_features
        )

    for dependency in manifest.dependencies:
        writer.location(dependency, ())
        if (
            dependency.scope is Scope.PEER
            and not dependency.conditions
            and not (dependency.alternatives)
        ):
            peers.append(requirement(dependency.name, dependency.constraint, dependency))
            continue
        tests: list[tuple[str, str]] = []
        if dependency.scope is not Scope.RUNTIME:
            tests.append(("scope", dependency.scope.value))
        tests += [(c.kind, c.text) for c in dependency.conditions]
        for variable, value in tests:
            values = variables.setdefault(variable, [])
            if value not in values:
                values.append(value)
        body: Formula[Any] = requirement(dependency.name, dependency.constraint, dependency)
        if dependency.alternatives:
            for alternative in dependency.alternatives:
                if alternative.conditions:
                    writer.lose(
                        dependency,
                        f"Pac alternatives take no conditions: dropped those of {alternative.name}",
                    )
            body = AnyOf(
                (
                    body,
                    *(
                        Requirement(a.name, a.constraint.versions())
                        for a in dependency.alternatives
                    ),
                )
            )
        if tests:
            conditions = [PacCondition(v, frozenset({value})) for v, value in tests]
            condition: Formula[Any] = (
                conditions[0] if len(conditions) == 1 else AllOf(tuple(conditions))
            )
            body = When(condition, body)
        formulas.append(body)
    features = {
        feature.name: tuple(Requirement(m, _full(scheme)) for m in feature.enables)
        for feature in manifest.features
    }
    problem: ExtendedProblem[Any] = ExtendedProblem(
        root=root,
        packages={"project": (root.version,)},
        dependencies={root: tuple(formulas)} if formulas else {},
        features={root: features} if features else {},
        peers={root: tuple(peers)} if peers else {},
        variables={name: tuple(values) for name, values in variables.items()},
    )
    return format_pac(problem, scheme=scheme), writer.losses


def _full(scheme: str) -> VersionSet[Any]:
    del scheme  # every scheme's full set is the same value
    return VersionSet.full()


WRITERS: dict[str, Callable[[Manifest, str], tuple[str, list[Loss]]]] = {
    "requirements": write_requirements,
    "package.json": write_package_json,
    "cargo": write_cargo_toml,
    "debian": write_debian_control,
    "pac": write_pac,
}
"""The writer of each syntax, by the name the command line gives it."""
