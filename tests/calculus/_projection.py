"""Every core resolution, seen through a set of visible names: the core brute force, made fast.

A reduced problem has synthetic names that only steer a choice (which alternative, which side
of a conflict). Enumerating every core resolution multiplies the answers by every free way to
set those names; the map back drops them anyway. :func:`projected_resolutions` enumerates
the visible names exhaustively, like :func:`polypac.calculus.all_resolutions`, and for the
hidden names only asks whether *some* completion exists, selecting a hidden package only when
a selected package needs its name. A resolution stays a resolution when packages nobody
needs are dropped, so the answer is exactly ``{c ∩ visible : c a core resolution}``; a test
checks that against ``all_resolutions`` itself.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from typing import TypeVar

from polypac.calculus import Dependency, Package, Problem
from polypac.version.sets import Version

W = TypeVar("W", bound=Version)


def projected_resolutions(
    problem: Problem[W], visible: Collection[str]
) -> set[frozenset[Package[W]]]:
    """``{c restricted to visible names : c ∈ all_resolutions(problem)}``."""
    names = sorted(n for n in problem.packages if n in visible)
    hidden = {n for n in problem.packages if n not in visible}
    if problem.root.name in hidden:
        raise ValueError("the root's name must be visible")
    incoming: dict[str, list[tuple[Package[W], Dependency[W]]]] = defaultdict(list)
    for package, deps in problem.dependencies.items():
        for dep in deps:
            incoming[dep.name].append((package, dep))
    visible_picks: dict[str, W | None] = {}
    results: set[frozenset[Package[W]]] = set()

    def own_deps_hold(package: Package[W], hidden_picks: dict[str, W]) -> bool:
        """The dependencies of ``package`` on names already decided all hold."""
        for dep in problem.dependencies_of(package):
            if dep.name not in problem.packages:
                return False
            if dep.name == package.name:
                if not dep.versions.contains(package.version):
                    return False
            elif dep.name in visible_picks:
                chosen = visible_picks[dep.name]
                if chosen is None or not dep.versions.contains(chosen):
                    return False
            elif dep.name in hidden_picks and not dep.versions.contains(hidden_picks[dep.name]):
                return False
        return True

    def incoming_hold(name: str, version: W | None, hidden_picks: dict[str, W]) -> bool:
        """Every selected package's dependency on ``name`` accepts ``version``."""
        for dependent, dep in incoming.get(name, ()):
            if dependent.name == name:
                continue
            selected = (
                visible_picks.get(dependent.name) == dependent.version
                if dependent.name in visible_picks
                else hidden_picks.get(dependent.name) == dependent.version
            )
            if selected and (version is None or not dep.versions.contains(version)):
                return False
        return True

    def complete(hidden_picks: dict[str, W]) -> bool:
        selected = [Package(n, v) for n, v in visible_picks.items() if v is not None]
        selected += [Package(n, v) for n, v in hidden_picks.items()]
        for package in selected:
            for dep in problem.dependencies_of(package):
                if dep.name not in hidden or dep.name in hidden_picks:
                    continue
                for version in problem.versions_of(dep.name):
                    if not dep.versions.contains(version):
                        continue
                    candidate = Package(dep.name, version)
                    hidden_picks[dep.name] = version
                    if (
                        incoming_hold(dep.name, version, hidden_picks)
                        and own_deps_hold(candidate, hidden_picks)
                        and complete(hidden_picks)
                    ):
                        return True
                    del hidden_picks[dep.name]
                return False
        return True

    def walk(index: int) -> None:
        if index == len(names):
            if complete({}):
                results.add(
                    frozenset(Package(n, v) for n, v in visible_picks.items() if v is not None)
                )
            return
        name = names[index]
        options: list[W | None]
        if name == problem.root.name:
            options = [problem.root.version]
        else:
            options = [None, *problem.versions_of(name)]
        for version in options:
            visible_picks[name] = version
            if incoming_hold(name, version, {}) and (
                version is None or own_deps_hold(Package(name, version), {})
            ):
                walk(index + 1)
            del visible_picks[name]

    walk(0)
    return results
