"""A test-only adapter: resolvelib's "python" functional inputs as extended problems.

Requirements are PEP 508; markers are evaluated for resolvelib's default (the environment
of the running interpreter, as its test provider does), with ``python_version`` pinned so
results do not depend on the interpreter running the tests. Extras are features.
"""

from __future__ import annotations

import functools
import gzip
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from packaging.markers import default_environment
from packaging.utils import canonicalize_name

from polypac.calculus import ExtendedProblem
from tests.conftest import anchor
from tests.solve.scenarios._pep508 import ROOT, Release, build

__all__ = ["ENVIRONMENT", "Case", "build_problem", "cases", "expected_selection"]

FOLDER = ("resolver-scenarios", "resolvelib-python")


def _environment() -> dict[str, str]:
    environment: dict[str, str] = dict(default_environment())  # type: ignore[arg-type]
    environment.update(python_version="3.8", python_full_version="3.8.10")
    return environment


ENVIRONMENT = _environment()


@dataclass(frozen=True, slots=True)
class Case:
    """One case file."""

    slug: str
    data: dict[str, Any]


def cases() -> Iterator[Case]:
    """Every case, by file name."""
    for path in sorted(anchor(*FOLDER, "case").glob("*.json")):
        yield Case(path.stem, json.loads(path.read_text(encoding="utf-8")))


@functools.cache
def _index(stem: str) -> Mapping[str, Mapping[str, Release]]:
    folder = anchor(*FOLDER, "index")
    plain = folder / f"{stem}.json"
    if plain.exists():
        raw = json.loads(plain.read_text(encoding="utf-8"))
    else:
        raw = json.loads(gzip.decompress(anchor(*FOLDER, "index", f"{stem}.json.gz").read_bytes()))
    return {
        name: {v: Release(tuple(meta["dependencies"])) for v, meta in versions.items()}
        for name, versions in raw.items()
        if isinstance(versions, dict)  # backjump-test-3 has a stray "needs_optimistic": true
    }


def build_problem(case: Case) -> ExtendedProblem[Any]:
    """The extended problem of a case."""
    return build(case.data["requested"], _index(case.data["index"]), ENVIRONMENT)


def expected_selection(case: Case) -> dict[str, str] | None:
    """The expected versions by normalized name (root added), or ``None`` for a conflict."""
    if "conflicted" in case.data:
        return None
    found = {ROOT: "0"}
    for name, value in case.data["resolved"].items():
        found[canonicalize_name(name)] = value if isinstance(value, str) else value["version"]
    return found
