"""A test-only adapter: CocoaPods' Resolver-Integration-Specs (Molinillo) as core problems.

A case requests gems under RubyGems requirements (``""`` means any release); the index lists
every version of every gem with its dependencies. The root is a synthetic package ``<root>``
that depends on what the case requests. ``base`` holds locked versions: Molinillo offers
only the locked version of a locked name, so the index keeps only that version.
Requirements are read with the ``gem`` scheme, so pre-releases are excluded unless a
requirement names one, as RubyGems does.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from polypac.calculus import Dependency, Package, Problem
from polypac.version import get_scheme
from polypac.version.sets import VersionSet
from tests.conftest import anchor

__all__ = ["ROOT", "Case", "cases", "expected_selection", "problem_of"]

GEM = get_scheme("gem")
ROOT = "<root>"
FOLDER = ("resolver-scenarios", "cocoapods")


@dataclass(frozen=True, slots=True)
class Case:
    """One scenario file."""

    slug: str
    data: dict[str, Any]


def _printable(name: str) -> str:
    # swapping_changes_transitive_dependency requests "RestKit\x01"; resolvelib drops it too.
    return "".join(ch for ch in name if ch.isprintable())


def cases() -> Iterator[Case]:
    """Every case file, by file name."""
    for path in sorted(anchor(*FOLDER, "case").glob("*.json")):
        yield Case(path.stem, json.loads(path.read_text(encoding="utf-8")))


@functools.cache
def _index(stem: str) -> dict[str, list[dict[str, Any]]]:
    text = anchor(*FOLDER, "index", f"{stem}.json").read_text(encoding="utf-8")
    text = re.sub(r"//.*$", "", text, flags=re.MULTILINE)  # two indexes carry // comments
    index: dict[str, list[dict[str, Any]]] = json.loads(text)
    return index


@functools.cache
def _range(text: str) -> VersionSet[Any]:
    return GEM.parse_range(text.strip() or ">= 0")


@functools.cache
def _version(text: str) -> Any:
    return GEM.parse_version(text)


def _dependencies(raw: Any) -> list[tuple[str, str]]:
    if isinstance(raw, dict):
        return [(name, text) for name, text in raw.items()]
    return [(d["name"], d.get("requirement", "")) for d in raw]  # "dependencies": []


def problem_of(case: Case) -> Problem[Any]:
    """The core problem of a case: the names reachable from the request, with their versions."""
    index = _index(case.data.get("index", "awesome"))
    locked = {entry["name"]: _version(entry["version"]) for entry in case.data["base"]}
    root = Package(ROOT, _version("0"))
    requested = [(_printable(name), text) for name, text in case.data["requested"].items()]
    packages: dict[str, list[Any]] = {ROOT: [root.version]}
    dependencies: dict[Package[Any], tuple[Dependency[Any], ...]] = {
        root: tuple(Dependency(name, _range(text)) for name, text in requested)
    }
    frontier = [name for name, _ in requested]
    while frontier:
        name = frontier.pop()
        if name in packages:
            continue
        packages[name] = []
        for entry in index.get(name, []):
            version = _version(entry["version"])
            if name in locked and version != locked[name]:
                continue
            packages[name].append(version)
            needs = _dependencies(entry["dependencies"])
            dependencies[Package(name, version)] = tuple(
                Dependency(other, _range(text)) for other, text in needs
            )
            frontier.extend(other for other, _ in needs if other not in packages)
    return Problem(root, {n: tuple(vs) for n, vs in packages.items()}, dependencies)


def expected_selection(case: Case) -> dict[str, str]:
    """Every (name, version) anywhere in the ``resolved`` tree, the root added."""
    found: dict[str, str] = {ROOT: "0"}
    stack = list(case.data["resolved"])
    while stack:
        node = stack.pop()
        found[node["name"]] = node["version"]
        stack.extend(node.get("dependencies", []))
    return found
