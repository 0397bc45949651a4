"""Which files a scan reads, and with which reader.

A lockfile says what is installed; a manifest only what was asked for. Where a folder holds
a lockfile of an ecosystem, that ecosystem's manifests there are not read (their direct
dependencies are in the lockfile, with versions); ``go.sum`` is read only without ``go.mod``.

pip's requirements files are their own kind: a ``requirements-docs.txt`` is no lock of the
project, so it neither hides a ``pyproject.toml`` nor is hidden by a ``uv.lock``.

Some inventories are folders, not files: a Python virtual environment (the folder of a
``pyvenv.cfg``) or a ``site-packages`` folder is read as an installed environment, and is
not searched further. The usual environment folders ``.venv`` and ``venv`` are skipped like
other installed trees (``node_modules``): scan one by naming it. An environment under
another name, met on the way, is read.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from polypac.ecosystems.cargo import read_cargo_lock, read_cargo_toml
from polypac.ecosystems.composer import read_composer_json, read_composer_lock
from polypac.ecosystems.debian import read_dpkg_status
from polypac.ecosystems.golang import read_go_mod, read_go_sum
from polypac.ecosystems.guix import read_guix_channels
from polypac.ecosystems.maven import read_gradle_lockfile, read_pom
from polypac.ecosystems.nix import read_flake_lock
from polypac.ecosystems.npm import (
    read_bun_lock,
    read_package_json,
    read_package_lock,
    read_pnpm_lock,
    read_yarn_lock,
)
from polypac.ecosystems.nuget import read_packages_lock
from polypac.ecosystems.python import (
    read_environment,
    read_pipfile_lock,
    read_poetry_lock,
    read_pylock,
    read_pyproject,
    read_requirements,
    read_uv_lock,
)
from polypac.ecosystems.ruby import read_gemfile, read_gemfile_lock
from polypac.inventory import ReadResult, read_cyclonedx_json, read_spdx_json

__all__ = ["FORMATS", "SKIPPED_DIRECTORIES", "FileFormat", "discover"]

Reader = Callable[..., ReadResult]


@dataclass(frozen=True, slots=True)
class FileFormat:
    """A kind of file: the name pattern, its ecosystem, whether it locks, its reader.

    ``folder`` names the folder the file must be in (dpkg's ``status``); a format that
    ``reads_folder`` is read from the folder the file is in (the reader takes that path),
    not from the file's text.
    """

    pattern: str
    ecosystem: str
    lockfile: bool
    reader: Reader
    folder: str | None = None
    reads_folder: bool = False

    def matches(self, name: str, folder: str = "") -> bool:
        """Whether a file called ``name`` in a folder called ``folder`` is of this format."""
        if self.folder is not None and folder != self.folder:
            return False
        return fnmatch.fnmatchcase(name, self.pattern)


FORMATS: tuple[FileFormat, ...] = (
    FileFormat("uv.lock", "pypi", True, read_uv_lock),
    FileFormat("poetry.lock", "pypi", True, read_poetry_lock),
    FileFormat("pylock.toml", "pypi", True, read_pylock),
    FileFormat("pylock.*.toml", "pypi", True, read_pylock),
    FileFormat("Pipfile.lock", "pypi", True, read_pipfile_lock),
    FileFormat("requirements*.txt", "pip-requirements", True, read_requirements),
    FileFormat("pyproject.toml", "pypi", False, read_pyproject),
    FileFormat("pyvenv.cfg", "pypi", True, read_environment, reads_folder=True),
    FileFormat("package-lock.json", "npm", True, read_package_lock),
    FileFormat("npm-shrinkwrap.json", "npm", True, read_package_lock),
    FileFormat("yarn.lock", "npm", True, read_yarn_lock),
    FileFormat("pnpm-lock.yaml", "npm", True, read_pnpm_lock),
    FileFormat("bun.lock", "npm", True, read_bun_lock),
    FileFormat("package.json", "npm", False, read_package_json),
    FileFormat("Cargo.lock", "cargo", True, read_cargo_lock),
    FileFormat("Cargo.toml", "cargo", False, read_cargo_toml),
    FileFormat("go.mod", "golang", True, read_go_mod),
    FileFormat("go.sum", "golang", False, read_go_sum),
    FileFormat("Gemfile.lock", "gem", True, read_gemfile_lock),
    FileFormat("gems.locked", "gem", True, read_gemfile_lock),
    FileFormat("Gemfile", "gem", False, read_gemfile),
    FileFormat("gems.rb", "gem", False, read_gemfile),
    FileFormat("composer.lock", "composer", True, read_composer_lock),
    FileFormat("composer.json", "composer", False, read_composer_json),
    FileFormat("gradle.lockfile", "maven", True, read_gradle_lockfile),
    FileFormat("buildscript-gradle.lockfile", "maven", True, read_gradle_lockfile),
    FileFormat("pom.xml", "maven", False, read_pom),
    FileFormat("packages.lock.json", "nuget", True, read_packages_lock),
    FileFormat("packages.*.lock.json", "nuget", True, read_packages_lock),
    FileFormat("flake.lock", "nix", True, read_flake_lock),
    FileFormat("channels.scm", "guix", True, read_guix_channels),
    FileFormat("channels-lock.scm", "guix", True, read_guix_channels),
    FileFormat("status", "deb", True, read_dpkg_status, folder="dpkg"),
    FileFormat("*.cdx.json", "sbom", True, read_cyclonedx_json),
    FileFormat("*.cyclonedx.json", "sbom", True, read_cyclonedx_json),
    FileFormat("bom.json", "sbom", True, read_cyclonedx_json),
    FileFormat("*.spdx.json", "sbom", True, read_spdx_json),
)

_ENVIRONMENT_FOLDERS = frozenset({"site-packages", "dist-packages"})

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


def format_of(name: str, folder: str = "") -> FileFormat | None:
    """The format of a file called ``name`` in a folder called ``folder``, if polypac
    reads it."""
    return next((f for f in FORMATS if f.matches(name, folder)), None)


_ENVIRONMENT = next(f for f in FORMATS if f.reads_folder)


def discover(root: Path) -> Iterator[tuple[Path, FileFormat]]:
    """Every file under ``root`` that a scan reads, folder by folder in sorted order.

    ``root`` may also be one file. Folders named in :data:`SKIPPED_DIRECTORIES` (and hidden
    folders) are not entered. A format that reads a folder is given the file that marks
    the folder (``pyvenv.cfg``); a ``site-packages`` root is given as itself.
    """
    if root.is_file():
        found = format_of(root.name, root.resolve().parent.name)
        if found is not None:
            yield root, found
        return
    if root.name in _ENVIRONMENT_FOLDERS:
        yield root, _ENVIRONMENT
        return
    for folder, subfolders, files in os.walk(root):
        if "pyvenv.cfg" in files:
            subfolders[:] = []  # an installed environment: read as one, not searched
            yield Path(folder) / "pyvenv.cfg", _ENVIRONMENT
            continue
        subfolders[:] = sorted(
            d for d in subfolders if d not in SKIPPED_DIRECTORIES and not d.startswith(".")
        )
        here = Path(folder).name
        present = [(name, f) for name in sorted(files) if (f := format_of(name, here)) is not None]
        locked = {f.ecosystem for _, f in present if f.lockfile}
        for name, found in present:
            if not found.lockfile and found.ecosystem in locked:
                continue  # the lockfile beside it says the same, with versions
            yield Path(folder) / name, found
