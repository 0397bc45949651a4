"""Python: readers for uv.lock, poetry.lock, pylock.toml, Pipfile.lock, pip requirements
files, pyproject.toml (with PEP 725 external dependencies) and installed environments."""

from __future__ import annotations

from polypac.ecosystems.python.external import (
    ExternalRequirement,
    external_dependencies,
    parse_external_requirement,
)
from polypac.ecosystems.python.installed import find_site_packages, read_environment
from polypac.ecosystems.python.pipfile_lock import read_pipfile_lock
from polypac.ecosystems.python.poetry_lock import read_poetry_lock
from polypac.ecosystems.python.pylock import read_pylock
from polypac.ecosystems.python.pyproject import read_pyproject
from polypac.ecosystems.python.requirements import (
    Include,
    Requirement,
    RequirementsResult,
    read_requirements,
)
from polypac.ecosystems.python.uv_lock import read_uv_lock

__all__ = [
    "ExternalRequirement",
    "Include",
    "Requirement",
    "RequirementsResult",
    "external_dependencies",
    "find_site_packages",
    "parse_external_requirement",
    "read_environment",
    "read_pipfile_lock",
    "read_poetry_lock",
    "read_pylock",
    "read_pyproject",
    "read_requirements",
    "read_uv_lock",
]
