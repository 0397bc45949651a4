"""PEP 725 ``[external]`` requirements as Debian packages, planned as one apt request.

The mapping is data: ``data/pep725-debian.toml`` (the role PEP 804 gives a central
registry) names, for each DepURL, the Debian packages of each PEP 725 role: ``build``
(``build-requires``: tools run during the build), ``host`` (``host-requires``: libraries and
headers built against) and ``run`` (``dependencies``). A ``pkg:deb/debian/NAME`` requirement
needs no table: it names its package. An item of the table is a Debian OR-group
(``libopenblas-dev | libblas-dev``), so the table's alternatives become apt's alternatives,
taken in order by :func:`~polypac.ecosystems.debian.install.plan_relations`.

A PEP 440 range of a requirement becomes Debian constraints on each package that alone
meets a group of a non-virtual requirement, on the upstream part of the version (the
package's epoch, read from the apt cache, is put in front): ``>=V`` is ``(>= V)``, ``<V``
is ``(<< V~)`` (no pre-release of V, no revision of V), ``<=V`` is ``(<< V.~)`` (every
revision and repack of V, nothing above), ``>V`` is ``(>= V.~)`` and ``==V`` both bounds
of ``<=``/``>=``.

    >>> from polypac.ecosystems.python.external import parse_external_requirement
    >>> found = debian_packages_for([
    ...     parse_external_requirement("dep:virtual/compiler/c", key="build-requires"),
    ...     parse_external_requirement("dep:generic/openblas", key="host-requires"),
    ...     parse_external_requirement("dep:generic/no-such-thing"),
    ... ])
    >>> found.relations()
    'gcc, libopenblas-dev'
    >>> print(found.unmapped[0])
    dep:generic/no-such-thing: no entry in pep725-debian.toml
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from packaging.markers import Marker
from packaging.specifiers import SpecifierSet

from polypac.ecosystems.debian.install import (
    AptCache,
    InstallFailure,
    InstallPlan,
    plan_relations,
)
from polypac.ecosystems.debian.relations import parse_relations
from polypac.ecosystems.python.external import ExternalRequirement, parse_external_requirement
from polypac.errors import PolypacError
from polypac.purl import PackageURL

__all__ = [
    "ROLES",
    "DebianRequirement",
    "MappingEntry",
    "MappingResult",
    "MappingTable",
    "UnmappedRequirement",
    "debian_packages_for",
    "load_mapping_table",
    "plan_external",
]

ROLES = ("build", "host", "run")
"""The PEP 725 roles, as the table names them."""

_ROLE_OF_KEY = {
    "build-requires": "build",
    "optional-build-requires": "build",
    "host-requires": "host",
    "optional-host-requires": "host",
    "dependencies": "run",
    "optional-dependencies": "run",
    "dependency-groups": "run",
}
_OPTIONAL_KEYS = frozenset(
    {"optional-build-requires", "optional-host-requires", "optional-dependencies"}
)
_TABLE_NAME = "pep725-debian.toml"


@dataclass(frozen=True, slots=True)
class MappingEntry:
    """One DepURL of the table: the Debian OR-groups of each role, the descriptions they are
    chosen on, or why the DepURL has no Debian package."""

    depurl: str
    build: tuple[str, ...] = ()
    host: tuple[str, ...] = ()
    run: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()
    unmapped: str | None = None

    def groups(self, role: str) -> tuple[str, ...]:
        """The OR-groups of ``role`` (``build``, ``host`` or ``run``)."""
        found: tuple[str, ...] = getattr(self, role)
        return found

    def names(self) -> tuple[str, ...]:
        """Every Debian package name the entry mentions, in order, each once."""
        seen: dict[str, None] = {}
        for role in ROLES:
            for group in self.groups(role):
                for alternative in parse_relations(group):
                    for relation in alternative:
                        seen.setdefault(relation.name, None)
        return tuple(seen)


@dataclass(frozen=True, slots=True)
class MappingTable:
    """The table, keyed by the PURL of each DepURL (version, qualifiers and subpath left
    out), with the file it was read from."""

    entries: Mapping[str, MappingEntry]
    source: str = _TABLE_NAME

    def lookup(self, purl: PackageURL) -> MappingEntry | None:
        """The entry of a requirement's PURL, if the table has one."""
        return self.entries.get(_key(purl))


def _key(purl: PackageURL) -> str:
    namespace = f"{purl.namespace}/" if purl.namespace else ""
    return f"{purl.type}/{namespace}{purl.name}"


class MappingTableError(PolypacError):
    """The mapping table is not what this module expects (a bug of the data file)."""


def load_mapping_table(path: Path | str | None = None) -> MappingTable:
    """Read the mapping table (default: the one shipped with polypac).

    Raises :class:`MappingTableError` naming the entry for a DepURL that does not parse, a
    Debian group that is not a relation, an unknown field, or a DepURL listed twice.
    """
    if path is None:
        text = resources.files("polypac.ecosystems.debian").joinpath("data", _TABLE_NAME)
        raw, source = text.read_text(encoding="utf-8"), _TABLE_NAME
    else:
        raw, source = Path(path).read_text(encoding="utf-8"), str(path)
    try:
        document = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as error:
        raise MappingTableError(f"{source}: {error}") from error
    entries: dict[str, MappingEntry] = {}
    for number, item in enumerate(document.get("mapping", []), start=1):
        entry = _entry(item, f"{source}: mapping #{number}")
        requirement = parse_external_requirement(entry.depurl)
        key = _key(requirement.purl)
        if key in entries:
            raise MappingTableError(f"{source}: {entry.depurl} is listed twice")
        entries[key] = entry
    return MappingTable(entries, source)


def _entry(item: Mapping[str, object], where: str) -> MappingEntry:
    known = {"depurl", "build", "host", "run", "evidence", "unmapped"}
    unknown = sorted(set(item) - known)
    if unknown:
        raise MappingTableError(f"{where}: unknown field {unknown[0]!r}")
    depurl = item.get("depurl")
    if not isinstance(depurl, str):
        raise MappingTableError(f"{where}: 'depurl' must be a string")
    lists: dict[str, tuple[str, ...]] = {}
    for name in ("build", "host", "run", "evidence"):
        value = item.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise MappingTableError(f"{where} ({depurl}): {name!r} must be a list of strings")
        lists[name] = tuple(value)
    for role in ROLES:
        for group in lists[role]:
            parse_relations(group)  # raises RelationError pointing at the bad character
    unmapped = item.get("unmapped")
    if unmapped is not None and not isinstance(unmapped, str):
        raise MappingTableError(f"{where} ({depurl}): 'unmapped' must be a string")
    return MappingEntry(depurl, unmapped=unmapped, **lists)


@dataclass(frozen=True, slots=True)
class DebianRequirement:
    """A requirement mapped to Debian: its role and OR-groups, and where they come from
    (the table, or the ``pkg:deb`` PURL itself)."""

    requirement: ExternalRequirement
    role: str
    groups: tuple[str, ...]
    via: str

    def __str__(self) -> str:
        groups = ", ".join(self.groups) or "(nothing)"
        return f"{_shown(self.requirement)} ({self.role}): {groups}"


@dataclass(frozen=True, slots=True)
class UnmappedRequirement:
    """A requirement with no Debian package, and why."""

    requirement: ExternalRequirement
    reason: str

    def __str__(self) -> str:
        return f"{_shown(self.requirement)}: {self.reason}"


def _shown(requirement: ExternalRequirement) -> str:
    return requirement.text.partition(";")[0].strip()


@dataclass(frozen=True, slots=True)
class MappingResult:
    """Every requirement, mapped or not."""

    mapped: tuple[DebianRequirement, ...] = ()
    unmapped: tuple[UnmappedRequirement, ...] = ()
    skipped: tuple[ExternalRequirement, ...] = field(default=())

    def relations(self) -> str:
        """The mapped groups as one Depends field, each group once, in order."""
        seen: dict[str, None] = {}
        for item in self.mapped:
            for group in item.groups:
                seen.setdefault(group, None)
        return ", ".join(seen)


def debian_packages_for(
    requirements: Sequence[ExternalRequirement],
    *,
    table: MappingTable | None = None,
    extras: Collection[str] = (),
    environment: Mapping[str, str] | None = None,
) -> MappingResult:
    """The Debian packages each requirement needs (unversioned), or why there are none.

    Requirements whose marker is false for ``environment`` (default: the running
    interpreter's), and optional ones (``optional-*`` keys) whose extra is not in ``extras``
    are left out (``skipped``).
    """
    table = table if table is not None else load_mapping_table()
    mapped: list[DebianRequirement] = []
    unmapped: list[UnmappedRequirement] = []
    skipped: list[ExternalRequirement] = []
    for requirement in requirements:
        if (requirement.key in _OPTIONAL_KEYS and requirement.group not in extras) or (
            requirement.marker and not Marker(requirement.marker).evaluate(_env(environment))
        ):
            skipped.append(requirement)
            continue
        found = _map_one(requirement, table)
        if isinstance(found, DebianRequirement):
            mapped.append(found)
        else:
            unmapped.append(found)
    return MappingResult(tuple(mapped), tuple(unmapped), tuple(skipped))


def _env(environment: Mapping[str, str] | None) -> dict[str, str] | None:
    return dict(environment) if environment is not None else None


def _map_one(
    requirement: ExternalRequirement, table: MappingTable
) -> DebianRequirement | UnmappedRequirement:
    purl = requirement.purl
    role = _ROLE_OF_KEY.get(requirement.key, "run")
    if purl.type == "deb":
        if purl.namespace not in (None, "debian"):
            return UnmappedRequirement(
                requirement,
                f"a package of {purl.namespace}, not Debian: its name may differ in Debian",
            )
        return DebianRequirement(requirement, role, (purl.name,), "pkg:deb")
    if purl.type not in ("generic",):
        return UnmappedRequirement(
            requirement, f"pkg:{purl.type} packages are not installed by apt"
        )
    entry = table.lookup(purl)
    if entry is None:
        return UnmappedRequirement(requirement, f"no entry in {_TABLE_NAME}")
    if entry.unmapped is not None:
        return UnmappedRequirement(requirement, entry.unmapped)
    return DebianRequirement(requirement, role, entry.groups(role), _TABLE_NAME)


def plan_external(
    requirements: Sequence[ExternalRequirement],
    *,
    cache: AptCache,
    table: MappingTable | None = None,
    extras: Collection[str] = (),
    environment: Mapping[str, str] | None = None,
    install_recommends: bool = True,
) -> InstallPlan | InstallFailure:
    """The Debian packages to install for ``requirements``, solved as one apt request.

    Every mapped group, with the requirement's version range carried over (see the module
    docstring), is one Depends group of the request. A requirement with no Debian
    package makes the whole request fail, naming it, with a hint.
    """
    found = debian_packages_for(requirements, table=table, extras=extras, environment=environment)
    if found.unmapped:
        return InstallFailure(
            tuple(_shown(r) for r in requirements),
            tuple(str(item) for item in found.unmapped),
            f"add the DepURL to {_TABLE_NAME}, or require the Debian package itself"
            " (pkg:deb/debian/NAME)",
        )
    groups: dict[str, None] = {}
    for item in found.mapped:
        for group in item.groups:
            for text in _versioned(group, item, cache):
                groups.setdefault(text, None)
    request = tuple(str(item) for item in found.mapped)
    if not groups:
        return InstallPlan(request, ())
    return plan_relations(
        ", ".join(groups), cache=cache, install_recommends=install_recommends, request=request
    )


def _versioned(group: str, item: DebianRequirement, cache: AptCache) -> list[str]:
    """The group, and the range of the requirement as Debian constraints on its package."""
    requirement = item.requirement
    purl = requirement.purl
    alternatives = [r for g in parse_relations(group) for r in g]
    if len(alternatives) != 1 or requirement.is_virtual:
        return [group]
    name = alternatives[0].name
    if purl.type == "deb" and purl.version:
        return [f"{name} (= {purl.version})"]
    specifier = requirement.specifier or (f"=={purl.version}" if purl.version else "")
    if not specifier:
        return [group]
    candidate = cache.candidate(name)
    epoch = ""
    if candidate is not None and ":" in candidate.version:
        epoch = candidate.version.partition(":")[0] + ":"
    constraints: list[str] = []
    for item_spec in SpecifierSet(specifier):
        version = re.sub(r"\.\*$", "", item_spec.version)
        for operator, bound in _DEBIAN_BOUNDS[item_spec.operator]:
            constraints.append(f"{name} ({operator} {epoch}{version}{bound})")
    return constraints or [group]


_DEBIAN_BOUNDS: dict[str, tuple[tuple[str, str], ...]] = {
    ">=": ((">=", ""),),
    "<": (("<<", "~"),),
    "<=": (("<<", ".~"),),
    ">": ((">=", ".~"),),
    "==": ((">=", ""), ("<<", ".~")),
}
