"""Resolve Python requirements against simple indexes and write the answer as a lock.

:func:`resolve_requirements` runs PubGrub (:func:`polypac.solve.solve`) over a
:class:`~polypac.ecosystems.python.provider.PypiProvider` and answers with a
:class:`Resolution` (one version per project, with the files that install it in the target)
or a :class:`Failure` (the solver's explanation, in words, with ``hint:`` lines where one
applies). :func:`write_pylock` and :func:`write_requirements_txt` turn a resolution into
``pylock.toml`` (PEP 751) and a ``requirements.txt`` with ``--hash`` options; both are
byte-identical for the same inputs and index state: everything is sorted and nothing
records the time of the run.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from polypac.ecosystems.python.index import DistributionFile, SimpleIndex
from polypac.ecosystems.python.provider import (
    ROOT_NAME,
    Environment,
    PypiProvider,
    split_extra,
)
from polypac.net import HttpClient, pip_index_urls
from polypac.solve import Unsatisfiable, explain, readable_versions, solve
from polypac.version.pypi import SCHEME, PypiVersion
from polypac.version.sets import VersionSet

__all__ = [
    "Failure",
    "LockedPackage",
    "Resolution",
    "resolve_requirements",
    "write_pylock",
    "write_requirements_txt",
]


@dataclass(frozen=True, slots=True)
class LockedPackage:
    """One project of a resolution: its version, where it comes from, the files that install
    it in the target (compatible wheels, best first, and the sdist), and who needs it."""

    name: str
    version: str
    index: str
    wheels: tuple[DistributionFile, ...]
    sdist: DistributionFile | None
    required_by: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Resolution:
    """The projects to install for ``requirements`` in ``environment``, sorted by name."""

    requirements: tuple[str, ...]
    environment: Environment
    packages: tuple[LockedPackage, ...]

    def pins(self) -> dict[str, str]:
        """Each project's version, by normalized name."""
        return {p.name: p.version for p in self.packages}


@dataclass(frozen=True, slots=True)
class Failure:
    """No resolution exists; ``explanation`` says why, step by step."""

    requirements: tuple[str, ...]
    explanation: str


def resolve_requirements(
    requirements: list[str],
    *,
    environment: Environment,
    client: HttpClient,
    exclude_newer: datetime | None = None,
    index_urls: Sequence[str] | None = None,
    build_sdists: bool = True,
    build_check: Callable[[DistributionFile], str | None] | None = None,
) -> Resolution | Failure:
    """Resolve PEP 508 ``requirements`` for ``environment`` on ``index_urls`` (default:
    pip's configured index and extra indexes, in that order). ``build_sdists`` allows
    PEP 517 builds for the metadata of releases that have only an sdist.
    ``build_check`` is asked of each release that would be installed from its sdist: a
    reason makes that release unavailable (the explanation of a failure gives it).

    Raises :class:`polypac.net.NetError` (a page or file that could not be fetched, a hash
    that does not match) and :class:`~polypac.ecosystems.python.index.IndexPageError` (a
    page or metadata file that cannot be read); an unsatisfiable request is a
    :class:`Failure`, not an error.
    """
    if index_urls is None:
        configured = pip_index_urls()
        index_urls = (configured.index_url, *configured.extra_index_urls)
    index = SimpleIndex(client, index_urls, build_sdists=build_sdists)
    if exclude_newer is not None and exclude_newer.tzinfo is None:
        exclude_newer = exclude_newer.replace(tzinfo=UTC)
    provider = PypiProvider(
        index, environment, requirements, exclude_newer=exclude_newer, build_check=build_check
    )
    answer = solve(provider, provider.root)
    if isinstance(answer, Unsatisfiable):
        return Failure(tuple(requirements), _explanation(answer, provider))
    return Resolution(
        tuple(requirements),
        environment,
        _locked(answer.selected, provider),
    )


def _locked(
    selected: Mapping[str, PypiVersion], provider: PypiProvider
) -> tuple[LockedPackage, ...]:
    parents: dict[str, set[str]] = {}
    for package, dependencies in provider.dependencies.items():
        depender = split_extra(package.name)[0]
        for dependency in dependencies:
            needed = split_extra(dependency.name)[0]
            if needed != depender:
                parents.setdefault(needed, set()).add(depender)
    locked = []
    rank = provider.environment.wheel_rank
    for name, version in selected.items():
        if name == ROOT_NAME or split_extra(name)[1] is not None:
            continue
        release = provider.files(name, version)
        wheels = sorted(
            (f for f in release.installable if f.is_wheel),
            key=lambda f: (rank(f.filename) or 0, f.filename),
        )
        sdists = sorted(
            (f for f in release.installable if not f.is_wheel), key=lambda f: f.filename
        )
        first = (wheels or sdists)[0]
        locked.append(
            LockedPackage(
                name=name,
                version=str(version),
                index=first.index_url,
                wheels=tuple(wheels),
                sdist=sdists[0] if sdists else None,
                required_by=tuple(sorted(parents.get(name, ()))),
            )
        )
    return tuple(sorted(locked, key=lambda p: p.name))


def _render(versions: VersionSet[PypiVersion]) -> str:
    if versions.releases.is_full() and versions.prereleases.is_empty():
        return "*"
    try:
        return SCHEME.format_range(versions)
    except ValueError:
        return readable_versions(versions)


def _explanation(failure: Unsatisfiable[PypiVersion], provider: PypiProvider) -> str:
    text = explain(failure, render_versions=_render, versions=provider.versions)
    text = text.replace(f"we are solving the dependencies of {ROOT_NAME} 0", "you ask for them")
    text = text.replace(f"{ROOT_NAME} depends on", "you require")
    text = text.replace(f"{ROOT_NAME} requires", "you require")
    text = text.replace(ROOT_NAME, "your requirements")
    hints = []
    for name in provider.names_met():
        if f"no version of {name} " not in text and f"no versions of {name} " not in text:
            continue
        prereleases = provider.prerelease_candidates(name)
        if prereleases:
            newest = prereleases[-1]
            hints.append(
                f"hint: pre-releases of {name} exist (e.g. {newest}) but none was asked for;"
                f" name one in the specifier (e.g. {name}>={newest}) to allow them"
            )
    return "\n".join([text, *hints])


# writers


def _toml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _toml_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ").replace(".000000Z", "Z")


def _file_table(file: DistributionFile, *, with_name: bool) -> list[str]:
    lines = []
    if with_name:
        lines.append(f"name = {_toml_string(file.filename)}")
    if file.upload_time is not None:
        lines.append(f"upload-time = {_toml_time(file.upload_time)}")
    lines.append(f"url = {_toml_string(file.url)}")
    if file.size is not None:
        lines.append(f"size = {file.size}")
    hashes = ", ".join(f"{alg} = {_toml_string(value)}" for alg, value in sorted(file.hashes))
    lines.append(f"hashes = {{{hashes}}}")
    return lines


def write_pylock(resolution: Resolution) -> str:
    """``pylock.toml`` (PEP 751, lock-version 1.0) for the one target environment.

    No package carries a marker: the lock holds for the environment named in
    ``environments`` only.
    """
    env = resolution.environment
    lines = [
        'lock-version = "1.0"',
        f"environments = [{_toml_string(env.marker_text())}]",
        f"requires-python = {_toml_string('==' + env.python_version + '.*')}",
        f"created-by = {_toml_string('polypac')}",
        "",
    ]
    for package in resolution.packages:
        lines += [
            "[[packages]]",
            f"name = {_toml_string(package.name)}",
            f"version = {_toml_string(package.version)}",
            f"index = {_toml_string(package.index)}",
        ]
        if package.sdist is not None:
            lines += ["", "[packages.sdist]", *_file_table(package.sdist, with_name=True)]
        for wheel in package.wheels:
            lines += ["", "[[packages.wheels]]", *_file_table(wheel, with_name=True)]
        lines.append("")
    return "\n".join(lines)


def write_requirements_txt(resolution: Resolution) -> str:
    """``requirements.txt`` with every installable file's hash, ``# via`` comments."""
    lines = [
        "# This file was produced by polypac from:",
        *(f"#   {text}" for text in resolution.requirements),
        f"# for: {resolution.environment.marker_text()}",
    ]
    direct = {canonicalize_name(Requirement(r).name) for r in resolution.requirements}
    for package in resolution.packages:
        files = [*package.wheels, *([package.sdist] if package.sdist else [])]
        digests = sorted(
            {f"{alg}:{value}" for f in files for alg, value in f.hashes if alg == "sha256"}
        )
        entry = [f"{package.name}=={package.version}", *(f"    --hash={d}" for d in digests)]
        lines.append(" \\\n".join(entry))
        via = [p for p in package.required_by if p != ROOT_NAME]
        if package.name in direct:
            via.insert(0, "(requested)")
        if via:
            lines.append(f"    # via {', '.join(via)}")
    return "\n".join(lines) + "\n"
