"""Shared test helpers: random calculus problems, and a checker of derivation trees that
shares no code with the solver (it reads the Problem, never the solver's state)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from hypothesis import strategies as st

from polypac.calculus.model import Dependency, Ordinal, Package, Problem
from polypac.solve import (
    DependsOn,
    Derivation,
    Derived,
    NotRoot,
    NoVersions,
    PackageUnavailable,
    Terms,
)
from polypac.version.sets import Bound, VersionSet

NAMES = ("a", "b", "c", "d", "e")
GHOST = "ghost"  # depended upon, never published


def _bound(value: int, inclusive: bool) -> Bound[Ordinal] | None:
    return None if value < 0 else Bound(Ordinal(value), inclusive)


def _decode_set(kind: int, a: int, b: int, a_in: bool, b_in: bool) -> VersionSet[Ordinal]:
    """One version set from a flat recipe (flat recipes keep data generation fast).

    ``a`` and ``b`` are values in [-1, 6], -1 standing for "unbounded".
    """
    point: VersionSet[Ordinal] = VersionSet.singleton(Ordinal(max(a, 0)))
    interval: VersionSet[Ordinal] = VersionSet.between(_bound(a, a_in), _bound(b, b_in))
    other: VersionSet[Ordinal] = VersionSet.singleton(Ordinal(max(b, 0)))
    return [
        VersionSet.full(),
        point,
        interval,
        interval,
        point.union(other),
        interval.union(other),
        point.complement(),
        interval.complement(),
    ][kind]


def ordinal_sets() -> st.SearchStrategy[VersionSet[Ordinal]]:
    """Version sets over small ordinals: intervals, singletons, unions, complements."""
    value = st.integers(-1, 6)
    return st.builds(_decode_set, st.integers(0, 7), value, value, st.booleans(), st.booleans())


@st.composite
def problems(draw: st.DrawFn) -> Problem[Ordinal]:
    """3 to 5 names with 1 to 4 versions each; random dependencies, some on no package."""
    count = draw(st.integers(3, 5))
    names = NAMES[:count]
    packages = {
        name: tuple(
            Ordinal(v)
            for v in draw(st.lists(st.integers(1, 5), min_size=1, max_size=4, unique=True))
        )
        for name in names
    }
    targets = (*names, GHOST) if draw(st.booleans()) else names
    need = st.tuples(st.sampled_from(targets), ordinal_sets())
    dependencies: dict[Package[Ordinal], tuple[Dependency[Ordinal], ...]] = {}
    for name in names:
        for version in packages[name]:
            needs = draw(st.lists(need, max_size=3))
            if needs:
                dependencies[Package(name, version)] = tuple(Dependency(n, s) for n, s in needs)
    root_version = draw(st.sampled_from(sorted(packages[names[0]])))
    return Problem(Package(names[0], root_version), packages, dependencies)


# -- checking a derivation tree against the problem ---------------------------------------


def nodes(tree: Derivation[Ordinal]) -> Iterator[Derivation[Ordinal]]:
    """Every node of the tree once, shared nodes included once."""
    seen: set[int] = set()
    stack = [tree]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        yield node
        if isinstance(node, Derived):
            stack.extend((node.cause1, node.cause2))


def fact_errors(problem: Problem[Ordinal], node: Derivation[Ordinal]) -> list[str]:
    """Why an external fact is not true of ``problem`` (empty if it is)."""
    if isinstance(node, NotRoot):
        return [] if node.package == problem.root else [f"{node} is not the root"]
    if isinstance(node, NoVersions):
        found = [v for v in problem.versions_of(node.name) if node.versions.contains(v)]
        return [f"{node}: yet {node.name} has {found}"] if found else []
    if isinstance(node, PackageUnavailable):
        return [f"{node}: a problem provider never reports a package unavailable"]
    if isinstance(node, DependsOn):
        errors = []
        for version in problem.versions_of(node.depender):
            if not node.depender_versions.contains(version):
                continue
            needs = [
                d.versions
                for d in problem.dependencies_of(Package(node.depender, version))
                if d.name == node.dependency
            ]
            if not needs:
                errors.append(f"{node}: {node.depender} {version} has no such dependency")
                continue
            combined = needs[0]
            for more in needs[1:]:
                combined = combined.intersection(more)
            if not combined.is_subset(node.dependency_versions):
                errors.append(f"{node}: {node.depender} {version} needs something else")
        return errors
    return []


def _all_hold(terms: Terms[Ordinal], selection: dict[str, Ordinal | None]) -> bool:
    return all(term.holds_for(selection[name]) for name, term in terms)


def _selections(problem: Problem[Ordinal], names: list[str]) -> Iterator[dict[str, Ordinal | None]]:
    choices = [[None, *problem.versions_of(name)] for name in names]
    for picks in itertools.product(*choices):
        yield dict(zip(names, picks, strict=True))


def derivation_errors(problem: Problem[Ordinal], tree: Derivation[Ordinal]) -> list[str]:
    """Everything wrong with ``tree`` as a proof that ``problem`` has no resolution."""
    errors: list[str] = []
    root_terms = tree.terms
    root = problem.root
    terminal = not root_terms or (
        len(root_terms) == 1
        and root_terms[0][0] == root.name
        and root_terms[0][1].holds_for(root.version)
    )
    if not terminal:
        errors.append(f"the tree's root {root_terms} does not rule out the root")
    for node in nodes(tree):
        if not isinstance(node, Derived):
            errors.extend(fact_errors(problem, node))
            continue
        # Sound resolution: wherever the derived terms all hold, a cause's terms all hold.
        names = sorted({n for n, _ in (*node.terms, *node.cause1.terms, *node.cause2.terms)})
        for selection in _selections(problem, names):
            if _all_hold(node.terms, selection) and not (
                _all_hold(node.cause1.terms, selection) or _all_hold(node.cause2.terms, selection)
            ):
                errors.append(f"{node.terms} does not follow from its causes at {selection}")
                break
        if len({n for n, _ in node.terms}) != len(node.terms):
            errors.append(f"{node.terms} has two terms on one name")
    return errors
