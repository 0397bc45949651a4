"""``polypac resolve INPUT --output OUT``: a project's requirements resolved against the
live registries, written as the lockfile the output's name asks for.

INPUT is a ``pyproject.toml``, a pip requirements file (``requirements.in``, ``*.txt``),
a ``package.json``, or a Pac file (solved as it stands, no registry). OUT's name picks
the format: ``pylock.toml`` (PEP 751), ``requirements.txt`` (pins with hashes),
``package-lock.json`` (v3, as npm writes it), or ``*.pac`` (a Pac lock, for any of
them). With ``--system debian`` the PEP 725 ``[external]`` requirements of a
``pyproject.toml`` are planned as a Debian install request against this machine's apt
lists, and the packages to install are printed.
"""

from __future__ import annotations

import json
import re
import tomllib
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from polypac.errors import PolypacError

if TYPE_CHECKING:
    from polypac.ecosystems.npm.resolve import NpmTree
    from polypac.ecosystems.python.lock import Resolution
    from polypac.resolve import Locked

__all__ = ["resolve_command"]

EXIT_UNSATISFIABLE = 1
EXIT_USAGE = 2
_PYTHON_OUTPUTS = ("pylock.toml", "requirements.txt")


class ResolveUsageError(PolypacError):
    """An input or output the command cannot handle (exit 2)."""


@click.command("resolve")
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="pylock.toml, requirements.txt, package-lock.json or NAME.pac (default: print the "
    "versions chosen).",
)
@click.option("--python-version", help="Target Python (default: the running one), e.g. 3.12.")
@click.option(
    "--platform",
    "target_platform",
    type=click.Choice(["linux", "darwin", "win32"]),
    help="Target platform for Python markers and wheels (default: the running one).",
)
@click.option(
    "--exclude-newer",
    metavar="DATE",
    help="Resolve as the registry stood at DATE (ISO 8601): later uploads are ignored.",
)
@click.option(
    "--system",
    type=click.Choice(["debian"]),
    help="Also plan, as a Debian install request, the PEP 725 [external] needs of a Python "
    "project and of the releases it builds from sdists (solved with the Python requirements "
    "as one problem), or the build tools of a package.json's native addons.",
)
@click.option(
    "--no-build",
    is_flag=True,
    help="Never run an sdist's build backend to read its metadata (a static PKG-INFO or "
    "pyproject.toml is still read): a release that would need a build is unavailable.",
)
@click.option("--offline", is_flag=True, help="Answer from the HTTP cache only.")
def resolve_command(
    input_path: Path,
    output: Path | None,
    python_version: str | None,
    target_platform: str | None,
    exclude_newer: str | None,
    system: str | None,
    no_build: bool,
    offline: bool,
) -> int:
    """Resolve INPUT's requirements against the registries and write a lockfile.

    The same inputs and the same registry state give a byte-identical lock. Exit 1 when no
    resolution exists (the explanation is printed), 2 for an input or usage error.
    """
    from polypac.net import HttpClient

    try:
        text = _read(input_path)
        before = _date(exclude_newer) if exclude_newer else None
        kind = _input_kind(input_path)
        _check_output(kind, output)
        _check_target(python_version)
        if system is not None and kind == "pac":
            raise ResolveUsageError(
                "--system debian plans the [external] needs of a Python project and of the "
                "releases it builds, or the native addons of a package.json"
            )
        # read before any work, so that a bad [external] table stops the command at once
        wants_external = system is not None and input_path.name == "pyproject.toml"
        external = _external(text, input_path) if wants_external else []
        if kind == "pac":
            return _resolve_pac(text, input_path, output)
        with HttpClient(offline=offline) as client:
            if kind == "npm":
                return _resolve_npm(text, input_path, output, client, before, system)
            target = (python_version, target_platform)
            system_needs = external if system == "debian" else None
            return _resolve_python(
                text, input_path, output, client, before, target, not no_build, system_needs
            )
    except PolypacError as error:
        click.echo(f"error: {error}", err=True)
        return EXIT_USAGE


def _check_target(python_version: str | None) -> None:
    if python_version is not None and not re.fullmatch(r"3\.\d+(\.\d+)?", python_version):
        raise ResolveUsageError(
            f"--python-version {python_version!r}: give a Python 3 version such as 3.12"
        )


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ResolveUsageError(f"cannot read {path}: {error}") from error


def _date(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as error:
        raise ResolveUsageError(
            f"--exclude-newer {text!r} is not an ISO 8601 date (2026-11-01, or with a time)"
        ) from error
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _input_kind(path: Path) -> str:
    if path.name == "package.json":
        return "npm"
    if path.suffix == ".pac":
        return "pac"
    if path.name == "pyproject.toml" or path.suffix in {".in", ".txt"}:
        return "python"
    raise ResolveUsageError(
        f"{path}: cannot tell what it is; give a pyproject.toml, a requirements file "
        "(.in, .txt), a package.json or a .pac"
    )


def _check_output(kind: str, output: Path | None) -> None:
    if output is None or output.suffix == ".pac":
        return
    if kind == "pac":
        raise ResolveUsageError(f"a Pac problem locks to a .pac, not {output}")
    if kind == "npm" and output.name != "package-lock.json":
        raise ResolveUsageError(
            f"an npm project locks to package-lock.json or a .pac, not {output}"
        )
    is_python_lock = output.name in _PYTHON_OUTPUTS or (
        output.name.startswith("pylock.") and output.suffix == ".toml"
    )
    if kind == "python" and not is_python_lock:
        raise ResolveUsageError(
            f"a Python project locks to pylock.toml, requirements.txt or a .pac, not {output}"
        )


def _write(output: Path, text: str) -> None:
    from polypac.cli._io import write_atomically

    write_atomically(output, text)


# ------------------------------------------------------------------ Python


def _python_requirements(text: str, path: Path) -> tuple[list[str], str, str]:
    """The PEP 508 requirements, the project's name and version."""
    if path.name == "pyproject.toml":
        try:
            document = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise ResolveUsageError(f"{path}: not TOML: {error}") from error
        project = document.get("project", {})
        if not isinstance(project, dict):
            raise ResolveUsageError(f"{path}: [project] must be a table")
        requirements = project.get("dependencies", [])
        if not isinstance(requirements, list) or not all(isinstance(r, str) for r in requirements):
            raise ResolveUsageError(f"{path}: [project] dependencies must be a list of strings")
        for requirement in requirements:
            _check_pep508(requirement, path)
        name = str(project.get("name") or f"project:{path.parent.resolve().name}")
        return list(requirements), name, str(project.get("version") or "0")
    from polypac.ecosystems.python import read_requirements

    read = read_requirements(text, source=str(path))
    if read.errors:
        raise read.errors[0]
    requirements = []
    for item in read.requirements:
        if item.name is None or item.url is not None or item.editable:
            raise ResolveUsageError(
                f"{path}:{item.line}: only index requirements can be resolved, not a URL, path "
                "or editable"
            )
        extras = f"[{','.join(item.extras)}]" if item.extras else ""
        marker = f"; {item.marker}" if item.marker else ""
        requirements.append(f"{item.name}{extras}{item.specifier}{marker}")
    for requirement in requirements:
        _check_pep508(requirement, path)
    # "project:" cannot start a PyPI name: the root never clashes with a requirement
    return requirements, f"project:{path.parent.resolve().name}", "0"


def _check_pep508(text: str, path: Path) -> None:
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        Requirement(text)
    except InvalidRequirement as error:
        problem = str(error).splitlines()[0]
        raise ResolveUsageError(f"{path}: invalid requirement {text!r}: {problem}") from error


def _resolve_python(
    text: str,
    path: Path,
    output: Path | None,
    client: Any,
    before: datetime | None,
    target: tuple[str | None, str | None],
    build: bool,
    system_needs: list[Any] | None,
) -> int:
    from polypac.ecosystems.python.lock import (
        Failure,
        resolve_requirements,
        write_pylock,
        write_requirements_txt,
    )
    from polypac.ecosystems.python.provider import Environment

    requirements, name, version = _python_requirements(text, path)
    python_version, target_platform = target
    if target_platform is not None:
        import sys

        chosen = python_version or f"{sys.version_info.major}.{sys.version_info.minor}"
        environment = Environment.target(chosen, target_platform)
    else:
        environment = Environment.current(python_version)
    joint = None
    if system_needs is None:
        answer = resolve_requirements(
            requirements,
            environment=environment,
            client=client,
            exclude_newer=before,
            build_sdists=build,
        )
    else:
        from polypac.ecosystems.debian.install import AptCache, InstallFailure
        from polypac.resolve.system import resolve_with_debian

        joint = resolve_with_debian(
            requirements,
            system_needs,
            environment=environment,
            client=client,
            cache=AptCache.from_machine,
            exclude_newer=before,
            build_sdists=build,
        )
        if isinstance(joint, InstallFailure):
            click.echo(str(joint), err=True)
            return EXIT_UNSATISFIABLE
        answer = joint if isinstance(joint, Failure) else joint.python
    if isinstance(answer, Failure):
        click.echo(answer.explanation, err=True)
        return EXIT_UNSATISFIABLE
    if output is None:
        for package in answer.packages:
            click.echo(f"{package.name}=={package.version}")
    elif output.suffix == ".pac":
        from polypac.resolve import pac_lock

        root, packages = _python_locks(answer, name, version)
        _write(output, pac_lock("pypi", root, packages))
    elif output.name == "requirements.txt":
        _write(output, write_requirements_txt(answer))
    else:
        _write(output, write_pylock(answer))
    if joint is not None and not isinstance(joint, Failure):
        _print_joint(joint)
    return 0


def _print_joint(joint: Any) -> None:
    """The Debian side of a joint resolution: what to install, who needs it, what was
    ruled out for its Debian needs."""
    for ruled in joint.ruled_out:
        click.echo(f"ruled out {ruled.name} {ruled.version}: {ruled.reason}", err=True)
    for need in joint.needs:
        for problem in need.problems:
            click.echo(f"note: {need.name} {need.version}: {problem}", err=True)
        if need.requirements:
            shown = ", ".join(r.purl.to_string() for r in need.requirements)
            click.echo(
                f"{need.name} {need.version} is built from its sdist and needs: {shown}", err=True
            )
    if not joint.plan.request and not any(need.requirements for need in joint.needs):
        click.echo("no [external] requirements: no Debian packages needed", err=True)
        return
    _print_plan(joint.plan.install)


def _python_locks(answer: Resolution, name: str, version: str) -> tuple[Locked, list[Locked]]:
    """The resolution as Pac locks: each project depends on the pins of those it requires."""
    from polypac.resolve import Locked

    pins = answer.pins()
    below: dict[str, list[tuple[str, str]]] = {}
    for package in answer.packages:
        for parent in package.required_by:
            key = parent if parent in pins else ""
            below.setdefault(key, []).append((package.name, package.version))
    root = Locked(name, version, tuple(below.get("", ())))
    packages = [Locked(p.name, p.version, tuple(below.get(p.name, ()))) for p in answer.packages]
    return root, packages


# ------------------------------------------------------------------ Pac


def _resolve_pac(text: str, path: Path, output: Path | None) -> int:
    from polypac.pac import parse_pac
    from polypac.resolve import resolution_lock
    from polypac.solve.extended import ExtendedFailure, solve_extended

    document = parse_pac(text, source=str(path))
    answer = solve_extended(document.problem)
    if isinstance(answer, ExtendedFailure):
        click.echo(f"{document.problem.root} has no resolution:\n{answer.explain()}", err=True)
        return EXIT_UNSATISFIABLE
    if output is None:
        for package in sorted(answer.packages, key=lambda p: (p.name, p.version)):
            click.echo(str(package))
    else:
        _write(output, resolution_lock(document, answer))
    return 0


# ------------------------------------------------------------------ npm


def _resolve_npm(
    text: str,
    path: Path,
    output: Path | None,
    client: Any,
    before: datetime | None,
    system: str | None,
) -> int:
    from polypac.ecosystems.npm.lock_writer import write_package_lock
    from polypac.ecosystems.npm.registry import NpmRegistry
    from polypac.ecosystems.npm.resolve import NpmFailure, resolve_package_json

    try:
        manifest = json.loads(text)
    except ValueError as error:
        raise ResolveUsageError(f"{path}: not JSON: {error}") from error
    if not isinstance(manifest, dict):
        raise ResolveUsageError(f"{path}: the top level must be a JSON object")
    with NpmRegistry(client, before=before) as registry:
        tree = resolve_package_json(manifest, registry)
    if isinstance(tree, NpmFailure):
        click.echo(tree.message, err=True)
        return EXIT_UNSATISFIABLE
    if output is None:
        for package in tree.packages:
            click.echo(f"{package.location} {package.version}")
    elif output.suffix == ".pac":
        from polypac.resolve import pac_lock

        root, packages = npm_locks(tree)
        _write(output, pac_lock("npm", root, packages, granularity="exact"))
    else:
        _write(output, write_package_lock(tree))
    if system == "debian":
        return _plan_native_addons(tree)
    return 0


# node-gyp, which builds npm's native addons, needs a C and C++ toolchain, make and Python 3.
_NODE_GYP = (
    "dep:virtual/compiler/c",
    "dep:virtual/compiler/cpp",
    "dep:generic/make",
    "pkg:deb/debian/python3",
)


def native_addons(tree: NpmTree) -> list[str]:
    """The packages of ``tree`` that build code when installed: a ``binding.gyp``
    (``gypfile``), an install script (``hasInstallScript``, or ``install``/``preinstall``/
    ``postinstall`` scripts) that npm runs; as ``name@version``."""
    found = []
    for package in tree.packages:
        raw = package.manifest.raw
        scripts = raw.get("scripts")
        scripted = isinstance(scripts, dict) and any(
            scripts.get(k) for k in ("install", "preinstall", "postinstall")
        )
        if raw.get("gypfile") is True or raw.get("hasInstallScript") is True or scripted:
            found.append(f"{package.name}@{package.version}")
    return sorted(set(found))


def _plan_native_addons(tree: NpmTree) -> int:
    from polypac.ecosystems.debian.external import plan_external
    from polypac.ecosystems.debian.install import AptCache, InstallFailure
    from polypac.ecosystems.python.external import parse_external_requirement

    addons = native_addons(tree)
    if not addons:
        click.echo("no package runs an install script: no Debian packages needed", err=True)
        return 0
    click.echo(f"packages that may build native code when installed: {', '.join(addons)}")
    needs = [parse_external_requirement(url, key="build-requires") for url in _NODE_GYP]
    plan = plan_external(needs, cache=AptCache.from_machine())
    if isinstance(plan, InstallFailure):
        click.echo(str(plan), err=True)
        return EXIT_UNSATISFIABLE
    _print_plan(plan.install)
    return 0


def _print_plan(install: Any) -> None:
    if not install:
        click.echo("Debian packages to install: none, every one needed is installed")
        return
    click.echo("Debian packages to install (apt-get install):")
    for package in install:
        mark = "" if package.automatic else " (requested)"
        click.echo(f"  {package.name} {package.version}{mark}")


def npm_locks(tree: NpmTree) -> tuple[Locked, list[Locked]]:
    """npm's tree as Pac locks: each copy depends on the copy it sees (the nearest
    ``node_modules`` up from where it sits), as node's module lookup finds it."""
    from polypac.resolve import Locked

    where = {package.location: package for package in tree.packages}

    def seen(location: str, name: str) -> str | None:
        folder = location
        while True:
            candidate = f"{folder}/node_modules/{name}" if folder else f"node_modules/{name}"
            if candidate in where:
                return where[candidate].version
            if not folder:
                return None
            folder = folder.rpartition("/node_modules/")[0] if "/node_modules/" in folder else ""

    def depends(location: str, wanted: list[str]) -> tuple[tuple[str, str], ...]:
        found = ((name, seen(location, name)) for name in wanted)
        return tuple((name, version) for name, version in found if version is not None)

    manifest = tree.manifest
    sections = ("dependencies", "devDependencies", "optionalDependencies", "peerDependencies")
    direct = [name for section in sections for name in (manifest.get(section) or {})]
    root = Locked(
        str(manifest.get("name") or "project"),
        str(manifest.get("version") or "0.0.0"),
        depends("", direct),
    )
    copies: dict[tuple[str, str], set[tuple[str, str]]] = {}
    for package in tree.packages:
        m = package.manifest
        wanted = [*m.dependencies, *m.optional_dependencies, *m.peer_dependencies]
        copies.setdefault((package.name, package.version), set()).update(
            depends(package.location, wanted)
        )
    packages = [
        Locked(name, version, tuple(sorted(deps))) for (name, version), deps in copies.items()
    ]
    return root, packages


# ------------------------------------------------------------------ Debian


def _external(text: str, path: Path) -> list[Any]:
    """The PEP 725 requirements of a pyproject.toml's ``[external]`` table."""
    from polypac.ecosystems.python.external import read_external

    try:
        external = tomllib.loads(text).get("external")
    except tomllib.TOMLDecodeError as error:
        raise ResolveUsageError(f"{path}: not TOML: {error}") from error
    if external is None:
        return []
    if not isinstance(external, dict):
        raise ResolveUsageError(f"{path}: [external] must be a table")
    requirements, problems = read_external(external)
    if problems:
        raise problems[0]
    return list(requirements)
