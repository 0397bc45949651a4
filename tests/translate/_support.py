"""Helpers shared by the translate tests."""

from __future__ import annotations

from typing import Any

from packaging.utils import canonicalize_name

from polypac.translate import Manifest
from polypac.version import get_scheme


class Allows:
    """Whether every dependency on ``name`` in ``manifest`` accepts a version (written in
    the manifest's scheme): some choice of it that names ``name`` does."""

    def __init__(self, manifest: Manifest, name: str) -> None:
        wanted = canonicalize_name(name)
        self.clauses: list[list[tuple[str, Any]]] = []
        for dependency in manifest.dependencies:
            choices = [(dependency.name, dependency.constraint)]
            choices += [(a.name, a.constraint) for a in dependency.alternatives]
            if all(canonicalize_name(n) != wanted for n, _ in choices):
                continue
            self.clauses.append(
                [(c.scheme, c.versions()) for n, c in choices if canonicalize_name(n) == wanted]
            )

    def __call__(self, version: str) -> bool:
        return bool(self.clauses) and all(
            any(vs.contains(get_scheme(scheme).parse_version(version)) for scheme, vs in clause)
            for clause in self.clauses
        )
