"""A Debian archive written in the extended Package Calculus (the generic path).

Each binary package becomes the calculus package ``name:slot`` at its version (the slot is
its architecture, or the native one for ``all``), so the calculus' one-version-per-name rule
is Debian's one-version-per-architecture rule. Relations become formulae:

* ``Depends``/``Pre-Depends``: one formula per OR-group, an :class:`AnyOf` of
  :class:`Requirement` on ``x:slot`` (no qualifier), ``x:native-arch`` (``:native``),
  ``x:ARCH`` or ``x:any``, with the dpkg version set of the constraint;
* ``Conflicts``/``Breaks``: :class:`Not` of the requirement, once per architecture for an
  unqualified (or ``:any``) relation;
* ``Provides``: a package provides ``v:slot`` (at the provided version, or unversioned);
  ``Multi-Arch: foreign`` packages provide their own name and their provides in every
  architecture; ``Multi-Arch: allowed`` packages provide theirs as ``v:any``; every
  package provides ``name:any`` at its own version;
* across architectures a package excludes same-named packages of other architectures,
  except that ``Multi-Arch: same`` packages allow copies at the same version;
* a synthetic root ``(check) i`` for each package asked about requires that
  package (through a provide ``(is) name:slot`` that only the package itself makes) and,
  with essentials, some package of every essential name.

The names ``(is) name:slot`` are provided by each real package alone (at its version), so
requirements on them mean "this very package": the check roots, the essential names and the
cross-architecture exclusions use them, where a plain requirement would also be met by a
provider.

This is the same semantics as the direct encoding of :mod:`._encode`, which the tests
check on small archives (both verdicts, the brute force of the calculus, dose-distcheck).
One corner differs, only with foreign architectures: a negated requirement of the calculus
spares only its declarer, so a ``Multi-Arch: same`` package whose Conflicts or Breaks match
its own name or a name it provides conflicts here with its copies in other architectures,
which the direct encoding (as dose-distcheck) spares.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeAlias

from polypac.calculus.extended import (
    AnyOf,
    ExtendedProblem,
    Formula,
    Not,
    Provide,
    Requirement,
    VersionTest,
)
from polypac.calculus.model import Package
from polypac.calculus.reduce import version_formula_set
from polypac.ecosystems.debian._encode import Architectures
from polypac.ecosystems.debian.packages import BinaryPackage
from polypac.ecosystems.debian.relations import Relation
from polypac.version.debian import DebianVersion, parse_version
from polypac.version.scheme import ComparatorOp
from polypac.version.sets import VersionSet

__all__ = [
    "CHECK",
    "DebianProblem",
    "check_name",
    "check_package",
    "extended_problem",
    "real_name",
]

CHECK = "(check)"
"""The prefix of the synthetic root names: ``(check) i`` at version ``1`` checks root ``i``.

One name per root, not one name with a version per root: the calculus looks versions up in
tuples, and a name with tens of thousands of versions makes building the problem quadratic.
"""

DebianProblem: TypeAlias = ExtendedProblem[DebianVersion]

_OPERATORS: dict[str, ComparatorOp] = {"<<": "<", "<=": "<=", "=": "=", ">=": ">=", ">>": ">"}


def real_name(package: BinaryPackage, architectures: Architectures) -> str:
    """The calculus name of a binary package: ``name:slot``."""
    return f"{package.name}:{architectures.slot(package.architecture)}"


def _versions(relation: Relation) -> VersionSet[DebianVersion]:
    if relation.operator is None or relation.version is None:
        return VersionSet.full()
    test = VersionTest(_OPERATORS[relation.operator], parse_version(relation.version))
    return version_formula_set(test)


def _applies(relation: Relation, slot: str) -> bool:
    restriction = relation.architectures
    if not restriction:
        return True
    if all(a.startswith("!") for a in restriction):
        return f"!{slot}" not in restriction
    return slot in restriction


def _target(relation: Relation, slot: str, architectures: Architectures) -> str:
    qualifier = relation.arch_qualifier
    if qualifier is None:
        return f"{relation.name}:{slot}"
    if qualifier == "any":
        return f"{relation.name}:any"
    if qualifier == "native":
        return f"{relation.name}:{architectures.native}"
    return f"{relation.name}:{architectures.slot(qualifier)}"


def check_name(index: int) -> str:
    """The synthetic root name that checks root ``index``."""
    return f"{CHECK} {index}"


def check_package(index: int) -> Package[DebianVersion]:
    """The synthetic root package that checks root ``index``."""
    return Package(check_name(index), parse_version("1"))


def extended_problem(
    packages: Sequence[BinaryPackage],
    architectures: Architectures,
    roots: Sequence[BinaryPackage],
    *,
    essential: bool = True,
) -> DebianProblem:
    """The archive as one extended problem with one synthetic root per package asked about.

    :func:`check_package` ``(i)`` is installable exactly when ``roots[i]`` is. The
    problem's own root is the first of them.
    """
    if not roots:
        raise ValueError("extended_problem needs at least one root")
    versions: dict[str, set[DebianVersion]] = {}
    dependencies: dict[Package[DebianVersion], list[Formula[DebianVersion]]] = {}
    provides: dict[Package[DebianVersion], list[Provide[DebianVersion]]] = {}
    arches = architectures.all
    by_name: dict[str, list[BinaryPackage]] = {}
    for package in packages:
        by_name.setdefault(package.name, []).append(package)
    for package in packages:
        slot = architectures.slot(package.architecture)
        version = parse_version(package.version)
        name = f"{package.name}:{slot}"
        versions.setdefault(name, set()).add(version)
        me = Package(name, version)
        formulas = dependencies.setdefault(me, [])
        offers = provides.setdefault(me, [])
        offers.append(Provide(f"(is) {name}", version))
        offers.append(Provide(f"{package.name}:any", version))
        foreign = package.multi_arch == "foreign"
        if foreign:
            offers.extend(Provide(f"{package.name}:{a}", version) for a in arches if a != slot)
        for group in package.provides:
            for relation in group:
                provided = None
                if relation.operator is not None and relation.version is not None:
                    provided = parse_version(relation.version)
                offers.append(Provide(f"{relation.name}:{slot}", provided))
                if foreign:
                    offers.extend(
                        Provide(f"{relation.name}:{a}", provided) for a in arches if a != slot
                    )
                if package.multi_arch == "allowed":
                    offers.append(Provide(f"{relation.name}:any", provided))
        for groups in (package.pre_depends, package.depends):
            for group in groups:
                alternatives: list[Formula[DebianVersion]] = [
                    Requirement(_target(r, slot, architectures), _versions(r))
                    for r in group
                    if _applies(r, slot)
                ]
                if len(alternatives) == 1:
                    formulas.append(alternatives[0])
                elif alternatives:
                    formulas.append(AnyOf(tuple(alternatives)))
        for groups in (package.conflicts, package.breaks):
            for group in groups:
                for relation in group:
                    if not _applies(relation, slot):
                        continue
                    wanted = _versions(relation)
                    if relation.arch_qualifier in (None, "any"):
                        targets = [f"{relation.name}:{a}" for a in arches]
                    else:
                        targets = [_target(relation, slot, architectures)]
                    formulas.extend(Not(Requirement(t, wanted)) for t in targets)
        for other in by_name[package.name]:
            other_slot = architectures.slot(other.architecture)
            if other_slot == slot:
                continue
            excluded: VersionSet[DebianVersion] = VersionSet.full()
            if package.multi_arch == "same" and other.multi_arch == "same":
                excluded = VersionSet.singleton(version).complement()
            formulas.append(Not(Requirement(f"(is) {package.name}:{other_slot}", excluded)))
    essentials: list[Formula[DebianVersion]] = []
    if essential:
        for name in sorted({p.name for p in packages if p.essential}):
            essentials.append(
                AnyOf(
                    tuple(
                        Requirement(
                            f"(is) {real_name(p, architectures)}",
                            VersionSet.singleton(parse_version(p.version)),
                        )
                        for p in by_name[name]
                    )
                )
            )
    one = parse_version("1")
    for index, root in enumerate(roots):
        versions[check_name(index)] = {one}
        wanted = VersionSet.singleton(parse_version(root.version))
        dependencies[check_package(index)] = [
            Requirement(f"(is) {real_name(root, architectures)}", wanted),
            *essentials,
        ]
    return ExtendedProblem(
        root=check_package(0),
        packages={name: tuple(vs) for name, vs in versions.items()},
        dependencies={p: tuple(fs) for p, fs in dependencies.items() if fs},
        provides={p: tuple(ps) for p, ps in provides.items()},
    )
