"""Core metadata of a release that has only an sdist: static ``PKG-INFO``, static
``pyproject.toml``, or a PEP 517 build.

:func:`sdist_metadata` downloads the sdist through :class:`polypac.net.HttpClient`, checks
it against its published hash (a mismatch is a :class:`polypac.net.DigestMismatch`, never
retried), checks the archive (no member may land outside its folder: ``tarfile``'s
``data`` filter, zip member names checked by hand) and reads the metadata the cheapest way
that is right:

1. PEP 643: a ``<top>/PKG-INFO`` of ``Metadata-Version`` 2.2 or later that marks none of
   ``Requires-Dist``, ``Requires-Python``, ``Provides-Extra`` as ``Dynamic`` *is* the
   metadata any build would make. No code runs.
2. Otherwise, PEP 621: a ``<top>/pyproject.toml`` whose ``[project]`` table names the
   project and lists none of ``dependencies``, ``optional-dependencies``,
   ``requires-python`` in ``dynamic`` gives those fields, since a backend may not fill in a
   field that is not dynamic, and a missing one is empty. Its ``version`` (the file's when
   dynamic) must be the file's. A table that does not qualify, or is malformed (bad TOML,
   wrong types, an invalid PEP 508 string), is passed over for the next step, as is one
   beside a ``[tool.poetry]`` table that leaves ``dependencies`` out (Poetry before 2.0
   ignores ``[project]``). No code runs.
3. Otherwise, unless building is switched off, the archive is unpacked into a temporary
   folder and its backend is asked for the metadata (``prepare_metadata_for_build_wheel``,
   else ``build_wheel`` and the wheel's ``.dist-info``, as PEP 517 says) in an isolated
   build environment made by pypa ``build``; pip installs the build requirements from the
   indexes it is configured with.

Why the build step is a process of its own (:mod:`polypac.ecosystems.python._build_metadata`)
rather than ``build`` called in this one: ``build`` runs each hook in a subprocess, but
nothing bounds the time of the whole step (the venv, pip installing the build requirements,
the hooks), and killing one hook process would leave pip or whatever the backend started
running. The step runs in a session of its own, so a timeout (:data:`DEFAULT_BUILD_TIMEOUT`,
configurable) kills the whole tree at once, and the backend has no controlling terminal to
prompt on; its output (pip's, the backend's, ours) goes to one file, whose last lines a
failure reports; and a backend that crashes its interpreter cannot take polypac with it.

Results are cached under ``<client cache>/sdist-metadata/``, keyed by the sdist's SHA-256
and written atomically, so a second resolution neither builds nor (when the index
publishes the SHA-256) downloads again; a result read from ``pyproject.toml`` is kept as the
``METADATA`` file it stands for, since reading it is cheap but the download is not. The key
is the content alone: the metadata is taken to be the same on every platform and Python, as
uv and pip's resolver take it.
Offline, a cached result answers; else the sdist must be in the HTTP cache
(:class:`polypac.net.NotCached` otherwise) and static (either way), since a build needs pip
and the network (:class:`~polypac.net.NotCached` again, saying so).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import signal
import subprocess
import sys
import tarfile
import tempfile
import tomllib
import zipfile
import zlib
from collections.abc import Iterable
from email.parser import BytesParser
from email.policy import compat32
from pathlib import Path, PurePosixPath
from typing import IO, Any, NamedTuple

from packaging.markers import Marker
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import InvalidName, canonicalize_name
from packaging.version import InvalidVersion, Version

from polypac.ecosystems.python.index import (
    CoreMetadata,
    DistributionFile,
    IndexPageError,
    named_mismatch,
    parse_core_metadata,
)
from polypac.net import DigestMismatch, HttpClient, NotCached

__all__ = [
    "DEFAULT_BUILD_TIMEOUT",
    "SdistMetadataError",
    "read_sdist_metadata",
    "sdist_metadata",
    "sdist_pyproject",
    "static_metadata_problem",
    "static_pyproject_metadata",
]

DEFAULT_BUILD_TIMEOUT = 300.0
"""Seconds a build of an sdist's metadata may take (environment, build requirements and
backend together) before it is stopped."""

_TAIL_LINES = 20  # of a failed build's output, in the error
_TAIL_BYTES = 64 * 1024
_MAX_UNPACKED = 1 << 30  # an sdist that unpacks to more than 1 GiB is refused
_MAX_MEMBERS = 100_000  # and one of more members (each header costs memory to hold)
_DYNAMIC_FIELDS = ("Requires-Dist", "Requires-Python", "Provides-Extra")
_STATIC_SINCE = Version("2.2")
_PYPROJECT_FIELDS = ("dependencies", "optional-dependencies", "requires-python")
_CACHE_FOLDER = "sdist-metadata"
_CACHE_FORMAT = "polypac-sdist-metadata/2"  # changes when the way results are read changes
_WORKER = "polypac.ecosystems.python._build_metadata"
_CHECK_ROOT = "/polypac-sdist-check"  # where members are imagined unpacked when checked


class SdistMetadataError(IndexPageError):
    """The metadata of an sdist could not be had: an archive that cannot be read or is
    not safe to unpack, metadata that needs a build while building is switched off, a
    backend that failed or did not finish in time.

    Besides ``project``, ``url`` and ``problem``: ``version`` and ``filename`` of the
    sdist, and ``output``, the last lines a failed build printed (empty when nothing was
    built).
    """

    def __init__(self, file: DistributionFile, problem: str, *, output: str = "") -> None:
        self.version = str(file.version)
        self.filename = file.filename
        self.output = output
        super().__init__(file.project, file.url, problem)

    def __str__(self) -> str:
        lines = [f"{self.project} {self.version}: {self.problem}", f"  sdist: {self.url}"]
        if self.output:
            shown = self.output.splitlines()
            lines.append(f"  the build's last {len(shown)} lines of output:")
            lines += [f"    | {line}" for line in shown]
        return "\n".join(lines)


def sdist_metadata(
    client: HttpClient,
    file: DistributionFile,
    *,
    build: bool = True,
    timeout: float = DEFAULT_BUILD_TIMEOUT,
) -> CoreMetadata:
    """The core metadata of the sdist ``file``, from the cache, its static ``PKG-INFO``,
    its static ``pyproject.toml`` or (with ``build``) a PEP 517 build that may take
    ``timeout`` seconds.

    Raises :class:`SdistMetadataError` when the metadata cannot be had, and the
    :class:`polypac.net.NetError` of a failed download (:class:`~polypac.net.DigestMismatch`
    for content that is not what the index published, :class:`~polypac.net.NotCached`
    offline).
    """
    published = dict(file.hashes).get("sha256")
    if published is not None:
        kept = _cached(client, file, published)
        if kept is not None:
            return kept
    content = _download(client, file)
    sha256 = hashlib.sha256(content).hexdigest()
    if published is None:
        kept = _cached(client, file, sha256)
        if kept is not None:
            return kept
    data, found = _read(content, file, build=build, timeout=timeout, client=client)
    _store(client, file, sha256, data)
    return found


def sdist_pyproject(client: HttpClient, file: DistributionFile) -> bytes | None:
    """The top-level ``pyproject.toml`` of the sdist ``file`` (``None`` when it has none),
    the sdist fetched through ``client`` (from its cache when kept), checked against its
    published hash, its members checked as for its metadata.

    Raises :class:`SdistMetadataError` for an archive that cannot be read or is unsafe,
    and the :class:`polypac.net.NetError` of a failed download.
    """
    return _inspect(_download(client, file), file).pyproject


def _download(client: HttpClient, file: DistributionFile) -> bytes:
    """The sdist's bytes, checked against the hash its index published (a copy in the
    HTTP cache with that hash answers without a request)."""
    try:
        return client.get(file.url, digest=file.digest()).content
    except DigestMismatch as error:
        raise named_mismatch(error, file, "sdist") from error


def read_sdist_metadata(
    content: bytes,
    file: DistributionFile,
    *,
    build: bool = True,
    timeout: float = DEFAULT_BUILD_TIMEOUT,
) -> CoreMetadata:
    """The core metadata of the sdist whose bytes are ``content`` (named by ``file``): its
    static ``PKG-INFO``, its static ``pyproject.toml``, or with ``build`` a PEP 517 build.
    No cache, no hash check.

    Raises only :class:`SdistMetadataError`, whatever the bytes.
    """
    return _read(content, file, build=build, timeout=timeout, client=None)[1]


def static_metadata_problem(pkg_info: bytes | None) -> str | None:
    """Why ``pkg_info`` (an sdist's ``PKG-INFO``) cannot stand for the built metadata
    under PEP 643, or ``None`` when it can.

    >>> static_metadata_problem(b"Metadata-Version: 2.2\\nName: a\\nVersion: 1\\n") is None
    True
    >>> static_metadata_problem(b"Metadata-Version: 2.4\\nDynamic: requires-dist\\n")
    'its PKG-INFO marks Requires-Dist as Dynamic (PEP 643)'
    """
    if pkg_info is None:
        return "it has no PKG-INFO"
    message = BytesParser(policy=compat32).parsebytes(pkg_info)
    declared = str(message.get("Metadata-Version") or "").strip()
    try:
        metadata_version = Version(declared)
    except InvalidVersion:
        return "its PKG-INFO has no valid Metadata-Version"
    if metadata_version < _STATIC_SINCE:
        return (
            f"its PKG-INFO is Metadata-Version {declared}, older than 2.2 (PEP 643), so its"
            " dependencies may be computed at build time"
        )
    dynamic = {str(value).strip().lower() for value in message.get_all("Dynamic") or ()}
    marked = [name for name in _DYNAMIC_FIELDS if name.lower() in dynamic]
    if marked:
        return f"its PKG-INFO marks {' and '.join(marked)} as Dynamic (PEP 643)"
    return None


def static_pyproject_metadata(
    pyproject: bytes | None, project: str, version: Version
) -> CoreMetadata | str:
    """The metadata that ``pyproject`` (an sdist's ``pyproject.toml``) declares for
    ``project`` ``version`` under PEP 621, or why it declares none a build must keep.

    ``requires_dist`` holds ``dependencies``, then each extra's requirements with
    ``extra == "<name>"`` ANDed to their own marker; extra names are normalized (PEP 685).

    >>> text = b'''
    ... [project]
    ... name = "lib"
    ... version = "1.0"
    ... requires-python = ">=3.9"
    ... dependencies = ["a>=1"]
    ... optional-dependencies.Fast_IO = ["b; os_name == 'nt' or os_name == 'posix'"]
    ... '''
    >>> found = static_pyproject_metadata(text, "lib", Version("1.0"))
    >>> for requirement in found.requires_dist:
    ...     print(requirement)
    a>=1
    b; (os_name == "nt" or os_name == "posix") and extra == "fast-io"
    >>> found.provides_extra, found.requires_python
    (('fast-io',), '>=3.9')
    >>> static_pyproject_metadata(b'[project]\\nname = "lib"\\ndynamic = ["dependencies"]\\n',
    ...                           "lib", Version("1.0"))
    'its pyproject.toml lists dependencies in project.dynamic'
    """
    try:
        return _declared(pyproject, canonicalize_name(project), version)
    except _NotStatic as reason:
        return reason.problem


# reading: static or built


def _read(
    content: bytes,
    file: DistributionFile,
    *,
    build: bool,
    timeout: float,
    client: HttpClient | None,
) -> tuple[bytes, CoreMetadata]:
    """The metadata file and its fields; ``client`` says whether polypac is offline."""
    pkg_info, pyproject = _inspect(content, file)
    problem = static_metadata_problem(pkg_info)
    if problem is None and pkg_info is not None:
        return pkg_info, _checked(pkg_info, file, "the PKG-INFO")
    declared = static_pyproject_metadata(pyproject, file.project, file.version)
    if isinstance(declared, CoreMetadata):
        data = _metadata_file(declared)
        return data, _checked(data, file, "the metadata the pyproject.toml declares")
    problem = f"{problem}, and {declared}"
    if not build:
        raise SdistMetadataError(
            file,
            f"{file.filename} needs a build to give its metadata: {problem};"
            " building sdists is switched off (--no-build)",
        )
    if client is not None and client.offline:
        raise NotCached(
            file.url,
            f"{file.filename} needs a build to give its metadata ({problem}); a build installs"
            " its build requirements from the network, and polypac is offline",
            cache_dir=client.cache.directory,
        )
    data = _build(content, file, timeout)
    return data, _checked(data, file, "the metadata the backend built")


def _checked(data: bytes, file: DistributionFile, source: str) -> CoreMetadata:
    """``data`` read, and checked to name the project and version of ``file``."""
    try:
        found = parse_core_metadata(data, file.project, file.url)
    except IndexPageError as error:
        raise SdistMetadataError(file, f"{source} of {file.filename}: {error.problem}") from error
    try:
        same = (
            canonicalize_name(found.name) == file.project and Version(found.version) == file.version
        )
    except InvalidVersion:
        same = False
    if not same:
        raise SdistMetadataError(
            file,
            f"{source} of {file.filename} names {found.name} {found.version},"
            f" not {file.project} {file.version}",
        )
    return found


# the static pyproject.toml


class _NotStatic(Exception):
    """Why a ``pyproject.toml`` declares no metadata a build must keep (internal)."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


def _declared(pyproject: bytes | None, project: str, version: Version) -> CoreMetadata:
    """The metadata ``pyproject`` declares, for :func:`static_pyproject_metadata`."""
    if pyproject is None:
        raise _NotStatic("it has no pyproject.toml")
    try:
        document = tomllib.loads(pyproject.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise _NotStatic("its pyproject.toml is not UTF-8 text") from error
    except (tomllib.TOMLDecodeError, RecursionError) as error:
        raise _NotStatic(f"its pyproject.toml is not valid TOML: {error}") from error
    table = document.get("project")
    if not isinstance(table, dict):
        raise _NotStatic("its pyproject.toml has no [project] table")
    name = table.get("name")
    if not isinstance(name, str):
        raise _NotStatic("its pyproject.toml has no project.name")
    dynamic = table.get("dynamic", [])
    if not isinstance(dynamic, list) or not all(isinstance(f, str) for f in dynamic):
        raise _NotStatic("its pyproject.toml's project.dynamic is not a list of strings")
    if "name" in dynamic:
        raise _NotStatic("its pyproject.toml lists name in project.dynamic, which is not allowed")
    marked = [field for field in _PYPROJECT_FIELDS if field in dynamic]
    if marked:
        raise _NotStatic(f"its pyproject.toml lists {' and '.join(marked)} in project.dynamic")
    try:
        declared_project = canonicalize_name(name, validate=True)
    except InvalidName as error:
        raise _NotStatic(f"its pyproject.toml's project.name {name!r} is not valid") from error
    if declared_project != project:
        raise _NotStatic(f"its pyproject.toml names {name}, not {project}")
    tool = document.get("tool")
    if "dependencies" not in table and isinstance(tool, dict) and "poetry" in tool:
        raise _NotStatic(
            "its pyproject.toml has a [tool.poetry] table and no project.dependencies"
            " (Poetry before 2.0 reads the dependencies from [tool.poetry])"
        )
    if any("\n" in text or "\r" in text for text in _texts(table)):
        raise _NotStatic("its pyproject.toml has a line break inside a metadata field")
    extras = _extras(table)
    metadata = CoreMetadata(
        name=name,
        version=_declared_version(table, "version" in dynamic, version),
        requires_dist=(*_dependencies(table), *_extras_requirements(extras)),
        requires_python=_requires_python(table),
        provides_extra=tuple(extras),
    )
    return metadata


def _texts(table: dict[str, Any]) -> list[str]:
    """Every string of the fields that become metadata lines, as written."""
    found = [v for v in (table.get("version"), table.get("requires-python")) if isinstance(v, str)]
    dependencies = table.get("dependencies")
    if isinstance(dependencies, list):
        found += [v for v in dependencies if isinstance(v, str)]
    extras = table.get("optional-dependencies")
    if isinstance(extras, dict):
        for name, values in extras.items():
            found.append(str(name))
            if isinstance(values, list):
                found += [v for v in values if isinstance(v, str)]
    return found


def _declared_version(table: dict[str, Any], dynamic: bool, version: Version) -> str:
    """``project.version``, or the file's ``version`` when it is dynamic (a build may not
    change the version an sdist's name gives)."""
    given = table.get("version")
    if dynamic:
        if given is not None:
            raise _NotStatic(
                "its pyproject.toml both sets project.version and lists it in project.dynamic"
            )
        return str(version)
    if given is None:
        raise _NotStatic(
            "its pyproject.toml has no project.version and does not list it in project.dynamic"
        )
    try:
        if not isinstance(given, str):
            raise InvalidVersion(given)
        declared = Version(given)
    except InvalidVersion as error:
        raise _NotStatic(
            f"its pyproject.toml's project.version {given!r} is not a valid version"
        ) from error
    if declared != version:
        raise _NotStatic(f"its pyproject.toml gives version {given}, not {version}")
    return given.strip()


def _requirements(value: object, field: str) -> list[Requirement]:
    """``value`` (the array ``field``) as PEP 508 requirements."""
    if not isinstance(value, list) or not all(isinstance(text, str) for text in value):
        raise _NotStatic(f"its pyproject.toml's {field} is not a list of strings")
    found = []
    for text in value:
        try:
            found.append(Requirement(text))
        except InvalidRequirement as error:
            said = str(error).splitlines()[0] if str(error) else "not PEP 508"
            raise _NotStatic(
                f"its pyproject.toml's {field} holds an invalid requirement {text!r}: {said}"
            ) from error
    return found


def _dependencies(table: dict[str, Any]) -> list[str]:
    return [str(r) for r in _requirements(table.get("dependencies", []), "project.dependencies")]


def _extras(table: dict[str, Any]) -> dict[str, list[Requirement]]:
    """Each extra of ``project.optional-dependencies`` by its normalized name (PEP 685), in
    the order the table gives them."""
    field = "project.optional-dependencies"
    value = table.get("optional-dependencies", {})
    if not isinstance(value, dict):
        raise _NotStatic(f"its pyproject.toml's {field} is not a table")
    extras: dict[str, list[Requirement]] = {}
    for key, requirements in value.items():
        try:
            extra = canonicalize_name(key, validate=True)
        except InvalidName as error:
            raise _NotStatic(
                f"its pyproject.toml's {field} has an invalid extra name {key!r}"
            ) from error
        if extra in extras:
            raise _NotStatic(
                f"its pyproject.toml's {field} names the extra {extra} twice (PEP 685)"
            )
        extras[extra] = _requirements(requirements, f"{field}.{key}")
    return extras


def _extras_requirements(extras: dict[str, list[Requirement]]) -> list[str]:
    """Each extra's requirements as ``Requires-Dist`` has them: ``extra == "<name>"``
    ANDed to the requirement's own marker, which is parenthesized so that an ``or`` in it
    binds first."""
    found = []
    for extra, requirements in extras.items():
        for requirement in requirements:
            condition = f'extra == "{extra}"'
            if requirement.marker is not None:
                condition = f"({requirement.marker}) and {condition}"
            requirement.marker = Marker(condition)
            found.append(str(requirement))
    return found


def _requires_python(table: dict[str, Any]) -> str | None:
    given = table.get("requires-python")
    if given is None:
        return None
    try:
        if isinstance(given, str):
            SpecifierSet(given)
            return given.strip()
    except InvalidSpecifier:
        pass
    raise _NotStatic(
        f"its pyproject.toml's project.requires-python {given!r} is not a version specifier"
    )


def _metadata_file(metadata: CoreMetadata) -> bytes:
    """``metadata`` as the ``METADATA`` file a build would write (the fields resolution
    reads), to be checked and cached like one."""
    lines = [
        "Metadata-Version: 2.3",
        f"Name: {metadata.name}",
        f"Version: {metadata.version}",
    ]
    if metadata.requires_python is not None:
        lines.append(f"Requires-Python: {metadata.requires_python}")
    lines += [f"Requires-Dist: {requirement}" for requirement in metadata.requires_dist]
    lines += [f"Provides-Extra: {extra}" for extra in metadata.provides_extra]
    return ("\n".join(lines) + "\n\n").encode("utf-8")


# the archive


class _Sources(NamedTuple):
    """The files of an sdist's top folder that may hold its metadata (``None``: absent)."""

    pkg_info: bytes | None
    pyproject: bytes | None


_SOURCES = ("PKG-INFO", "pyproject.toml")


def _inspect(content: bytes, file: DistributionFile) -> _Sources:
    """The ``PKG-INFO`` and ``pyproject.toml`` of the sdist's top folder, after checking
    that every member would stay inside the folder it is unpacked into."""
    kind = _kind(file)
    try:
        if kind == "zip":
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                _check_count(len(archive.infolist()), file)
                names = [info.filename for info in archive.infolist()]
                _check_sizes((info.file_size for info in archive.infolist()), file)
                for name in names:
                    _check_name(name, file)
                top = _top_folder(names, file)
                wanted = [f"{top}/{source}" for source in _SOURCES]
                return _Sources(*(archive.read(w) if w in names else None for w in wanted))
        with tarfile.open(fileobj=io.BytesIO(content), mode="r:gz") as archive:
            members = []
            for member in archive:  # read header by header, so that the count is checked first
                members.append(member)
                _check_count(len(members), file)
            _check_sizes((m.size for m in members if m.isfile()), file)
            for member in members:
                _check_name(member.name, file)  # the filter would only strip a leading /
                tarfile.data_filter(member, _CHECK_ROOT)
            top = _top_folder([m.name for m in members], file)
            found: list[bytes | None] = []
            for source in _SOURCES:
                path = f"{top}/{source}"
                # the last of duplicated members, as extraction (the build's view) keeps it
                kept = next(
                    (m for m in reversed(members) if _clean(m.name) == path and m.isfile()),
                    None,
                )
                stream = archive.extractfile(kept) if kept is not None else None
                found.append(stream.read() if stream is not None else None)
            return _Sources(*found)
    except tarfile.FilterError as error:
        raise SdistMetadataError(file, f"{file.filename} is not safe to unpack: {error}") from error
    except (tarfile.TarError, zipfile.BadZipFile, OSError, EOFError, zlib.error) as error:
        raise SdistMetadataError(
            file, f"{file.filename} is not a readable {kind} archive: {error}"
        ) from error
    except (ValueError, UnicodeError, RuntimeError) as error:  # a zip's own odd complaints
        raise SdistMetadataError(
            file, f"{file.filename} is not a readable {kind} archive: {error}"
        ) from error


def _kind(file: DistributionFile) -> str:
    name = file.filename.lower()
    if name.endswith(".zip"):
        return "zip"
    if name.endswith((".tar.gz", ".tgz")):
        return "tar.gz"
    raise SdistMetadataError(file, f"{file.filename} is neither a .tar.gz nor a .zip sdist")


def _clean(name: str) -> str:
    return name.removeprefix("./").rstrip("/")


def _top_folder(names: list[str], file: DistributionFile) -> str:
    """The one folder every member is in (the ``{name}-{version}`` of the file name when
    several are)."""
    cleaned = [_clean(name) for name in names]
    tops = {name.split("/", 1)[0] for name in cleaned if name}
    folders = {name.split("/", 1)[0] for name in cleaned if "/" in name}
    stem = file.filename[: -len(".zip")] if _kind(file) == "zip" else file.filename
    stem = stem.removesuffix(".tar.gz").removesuffix(".tgz")
    if stem in folders:
        return stem
    if len(tops) == 1 and tops <= folders:
        return next(iter(tops))
    raise SdistMetadataError(file, f"{file.filename} has no single top-level folder")


def _check_count(count: int, file: DistributionFile) -> None:
    if count > _MAX_MEMBERS:
        raise SdistMetadataError(
            file, f"{file.filename} has more than the {_MAX_MEMBERS} members allowed"
        )


def _check_sizes(sizes: Iterable[int], file: DistributionFile) -> None:
    total = sum(sizes)
    if total > _MAX_UNPACKED:
        raise SdistMetadataError(
            file, f"{file.filename} unpacks to {total} bytes, more than the {_MAX_UNPACKED} allowed"
        )


def _check_name(name: str, file: DistributionFile) -> None:
    """Refuse a member name that is absolute or climbs out of the folder."""
    parts = PurePosixPath(name).parts
    if (
        name.startswith("/")
        or "\\" in name
        or ".." in parts
        or (parts and ":" in parts[0])
        or "\x00" in name
    ):
        raise SdistMetadataError(
            file, f"{file.filename} is not safe to unpack: member {name!r} would land outside it"
        )


def _unpack(content: bytes, file: DistributionFile, into: Path) -> Path:
    """The sdist unpacked into ``into`` (checked as :func:`_inspect` checked it); its top
    folder."""
    kind = _kind(file)
    try:
        if kind == "zip":
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = archive.namelist()
                for name in names:
                    _check_name(name, file)
                archive.extractall(into)
        else:
            with tarfile.open(fileobj=io.BytesIO(content), mode="r:gz") as archive:
                names = archive.getnames()
                archive.extractall(into, filter="data")
    except tarfile.FilterError as error:
        raise SdistMetadataError(file, f"{file.filename} is not safe to unpack: {error}") from error
    except (tarfile.TarError, zipfile.BadZipFile, OSError, EOFError, zlib.error) as error:
        raise SdistMetadataError(file, f"{file.filename} could not be unpacked: {error}") from error
    return into / _top_folder(names, file)


# the build


def _build(content: bytes, file: DistributionFile, timeout: float) -> bytes:
    """The ``METADATA`` the sdist's backend makes, in an isolated environment, in a
    process tree that is killed after ``timeout`` seconds."""
    with tempfile.TemporaryDirectory(prefix="polypac-sdist-", ignore_cleanup_errors=True) as name:
        workspace = Path(name)
        source = _unpack(content, file, workspace / "sdist")
        output = workspace / "METADATA"
        command = [
            sys.executable,
            "-P",  # the workspace (the current folder) stays off sys.path
            "-m",
            _WORKER,
            str(source),
            str(workspace / "build-env"),
            str(output),
        ]
        code, tail = _run(command, workspace, timeout)
        if code is None:
            raise SdistMetadataError(
                file,
                f"building the metadata of {file.filename} did not finish within"
                f" {timeout:g} seconds, and was stopped",
                output=tail,
            )
        if code != 0 or not output.is_file():
            said = _summary(tail)
            raise SdistMetadataError(
                file,
                f"building the metadata of {file.filename} failed (exit status {code})"
                + (f": {said}" if said else ""),
                output=tail,
            )
        return output.read_bytes()


_EXCEPTION_LINE = re.compile(r"[A-Za-z_][\w.]*(?:Error|Exception|Exit)(?::\s.*)?")


def _summary(output: str) -> str:
    """The line of a failed build's output that says best what went wrong: the last
    Python exception, else pip's last ``ERROR:``, else the worker's own ``error:`` line,
    else the last line."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    unindented = [line for line in output.splitlines() if line[:1].strip()]
    for line in reversed(unindented):
        if _EXCEPTION_LINE.fullmatch(line.strip()):
            return line.strip()
    for prefix in ("ERROR: ", "error: "):
        found = next((line for line in reversed(lines) if line.startswith(prefix)), None)
        if found is not None:
            return found.removeprefix(prefix)
    return lines[-1] if lines else ""


def _run(command: list[str], cwd: Path, timeout: float) -> tuple[int | None, str]:
    """Run ``command`` in a process group of its own, its output to a file; kill the whole
    group when it ends or after ``timeout`` seconds. Its exit status (``None`` when the
    time ran out) and the last lines of its output."""
    environment = {**os.environ, "PYTHONUNBUFFERED": "1"}  # keep the output in order
    with tempfile.TemporaryFile(dir=cwd) as log:
        process = _start(command, cwd, log, environment)
        code: int | None = None
        try:
            code = process.wait(timeout)
        except subprocess.TimeoutExpired:
            code = None
        finally:
            # also what the backend left running after a normal end
            _kill_tree(process)
            process.wait()
        return code, _tail(log)


def _start(
    command: list[str], cwd: Path, log: IO[bytes], environment: dict[str, str]
) -> subprocess.Popen[bytes]:
    if sys.platform == "win32":
        return subprocess.Popen(
            command,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=environment,
            creationflags=subprocess.CREATE_NEW_PROCESS_GROUP,
        )
    return subprocess.Popen(
        command,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        env=environment,
        start_new_session=True,  # its own process group, and no controlling terminal
    )


def _kill_tree(process: subprocess.Popen[bytes]) -> None:
    if sys.platform == "win32":
        if process.poll() is None:
            subprocess.run(
                ["taskkill", "/F", "/T", "/PID", str(process.pid)],
                capture_output=True,
                check=False,
            )
        return
    # the group outlives its leader while a member lives, so its id cannot be reused
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


def _tail(log: IO[bytes]) -> str:
    log.seek(0, os.SEEK_END)
    size = log.tell()
    log.seek(max(0, size - _TAIL_BYTES))
    text = log.read().decode("utf-8", errors="replace")
    lines = text.rstrip().splitlines()
    return "\n".join(lines[-_TAIL_LINES:])


# the cache of results


def _cache_path(client: HttpClient, sha256: str) -> Path:
    return client.cache.directory / _CACHE_FOLDER / sha256[:2] / sha256


def _cached(client: HttpClient, file: DistributionFile, sha256: str) -> CoreMetadata | None:
    """The cached metadata of the sdist with ``sha256``, or ``None`` (missing, or a
    damaged entry, which is removed)."""
    path = _cache_path(client, sha256)
    try:
        entry = path.read_bytes()
    except OSError:
        return None
    head, newline, body = entry.partition(b"\n")
    try:
        header = json.loads(head)
        valid = (
            bool(newline)
            and isinstance(header, dict)
            and header.get("format") == _CACHE_FORMAT
            and header.get("sdist-sha256") == sha256
            and header.get("sha256") == hashlib.sha256(body).hexdigest()
        )
        found = _checked(body, file, "the cached metadata") if valid else None
    except (ValueError, RecursionError, SdistMetadataError):
        found = None
    if found is None:
        with contextlib.suppress(OSError):
            path.unlink()
    return found


def _store(client: HttpClient, file: DistributionFile, sha256: str, data: bytes) -> None:
    """Keep ``data`` for the sdist with ``sha256``: written to a temporary file and moved
    into place, so a reader sees the whole entry or none. An unwritable cache only costs a
    later build."""
    header = {
        "format": _CACHE_FORMAT,
        "sdist-sha256": sha256,
        "filename": file.filename,
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    path = _cache_path(client, sha256)
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
        try:
            with os.fdopen(descriptor, "wb") as stream:
                stream.write(json.dumps(header).encode("ascii") + b"\n" + data)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
