"""Readers for JavaScript manifests and lockfiles (npm, yarn, pnpm, bun): each returns the
file's PURL-keyed dependency graph and the problems met on the way (a ``ReadResult``).

The readers are loaded when first used, so that the resolver's modules, which share this
package, do not load five lockfile grammars (and YAML) they never need.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from polypac.ecosystems.npm.bun_lock import read_bun_lock
    from polypac.ecosystems.npm.package_json import read_package_json
    from polypac.ecosystems.npm.package_lock import read_package_lock
    from polypac.ecosystems.npm.pnpm_lock import read_pnpm_lock
    from polypac.ecosystems.npm.yarn_lock import read_yarn_lock

__all__ = [
    "read_bun_lock",
    "read_package_json",
    "read_package_lock",
    "read_pnpm_lock",
    "read_yarn_lock",
]

_MODULES = {name: name.removeprefix("read_") for name in __all__}


def __getattr__(name: str) -> Any:
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
