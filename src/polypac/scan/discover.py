"""Which files a scan reads, and with which reader.

A lockfile says what is installed; a manifest only what was asked for. Where a folder holds
a lockfile of an ecosystem, that ecosystem's manifests there are not read (their direct
dependencies are in the lockfile, with versions); ``go.sum`` is read only without ``go.mod``.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from polypac.ecosystems.cargo import read_cargo_lock, read_cargo_toml
from polypac.ecosystems.composer import read_composer_lock
from polypac.ecosystems.golang import read_go_mod, read_go_sum
from polypac.ecosystems.npm import (
    read_package_json,
    read_package_lock,
    read_pnpm_lock,
    read_yarn_lock,
)
from polypac.ecosystems.python import (
    read_pipfile_lock,
    read_poetry_lock,
    read_pylock,
    read_pyproject,
    read_requirements,
    read_uv_lock,
)
from polypac.ecosystems.ruby import read_gemfile_lock
from polypac.inventory import ReadResult

__all__ = ["FORMATS", "SKIPPED_DIRECTORIES", "FileFormat", "discover"]

Reader = Callable[..., ReadResult]


@dataclass(frozen=True, slots=True)
class FileFormat:
    """A kind of file: the name pattern, its ecosystem, whether it locks, its reader."""

    pattern: str
    ecosystem: str
    lockfile: bool
    reader: Reader

    def matches(self, name: str) -> bool:
        """Whether a file called ``name`` is of this format."""
        return fnmatch.fnmatchcase(name, self.pattern)


FORMATS: tuple[FileFormat, ...] = (
    FileFormat("uv.lock", "pypi", True, read_uv_lock),
    FileFormat("poetry.lock", "pypi", True, read_poetry_lock),
    FileFormat("pylock.toml", "pypi", True, read_pylock),
    FileFormat("pylock.*.toml", "pypi", True, read_pylock),
    FileFormat("Pipfile.lock", "pypi", True, read_pipfile_lock),
    FileFormat("requirements*.txt", "pypi", True, read_requirements),
    FileFormat("pyproject.toml", "pypi", False, read_pyproject),
    FileFormat("package-lock.json", "npm", True, read_package_lock),
    FileFormat("npm-shrinkwrap.json", "npm", True, read_package_lock),
    FileFormat("yarn.lock", "npm", True, read_yarn_lock),
    FileFormat("pnpm-lock.yaml", "npm", True, read_pnpm_lock),
    FileFormat("package.json", "npm", False, read_package_json),
    FileFormat("Cargo.lock", "cargo", True, read_cargo_lock),
    FileFormat("Cargo.toml", "cargo", False, read_cargo_toml),
    FileFormat("go.mod", "golang", True, read_go_mod),
    FileFormat("go.sum", "golang", False, read_go_sum),
    FileFormat("Gemfile.lock", "gem", True, read_gemfile_lock),
    FileFormat("composer.lock", "composer", True, read_composer_lock),
)

SKIPPED_DIRECTORIES = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "node_modules",
        ".venv",
        "venv",
        "__pycache__",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        "build",
        "dist",
        "target",
        ".build",
    }
)


def format_of(name: str) -> FileFormat | None:
    """The format of a file called ``name``, if polypac reads it."""
    return next((f for f in FORMATS if f.matches(name)), None)


def discover(root: Path) -> Iterator[tuple[Path, FileFormat]]:
    """Every file under ``root`` that a scan reads, folder by folder in sorted order.

    ``root`` may also be one file. Folders named in :data:`SKIPPED_DIRECTORIES` (and hidden
    folders) are not entered.
    """
    if root.is_file():
        found = format_of(root.name)
        if found is not None:
            yield root, found
        return
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = sorted(
            d for d in subfolders if d not in SKIPPED_DIRECTORIES and not d.startswith(".")
        )
        present = [(name, f) for name in sorted(files) if (f := format_of(name)) is not None]
        locked = {f.ecosystem for _, f in present if f.lockfile}
        for name, found in present:
            if not found.lockfile and found.ecosystem in locked:
                continue  # the lockfile beside it says the same, with versions
            yield Path(folder) / name, found
