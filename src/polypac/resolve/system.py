"""Python requirements and the Debian packages they need, solved as one problem.

A Python release needs Debian packages when it is installed from an sdist, which must be
built: its PEP 725 ``[external]`` table (in the sdist's ``pyproject.toml``) names what the
build and the built package need. A wheel brings its libraries with it and needs none. So
the joint problem couples the two ecosystems exactly where the Python resolution chooses a
release that has no wheel for the target: if that release's needs cannot be installed from
this machine's apt lists, the release may not be chosen, and the Python resolution must
find another.

:func:`resolve_with_debian` solves it lazily, the way a SAT solver with a theory learns
from its oracle: PubGrub resolves the Python requirements; the ``[external]`` needs of the
project and of every release to be built are planned as one apt request; when that request
fails, each built release whose needs fail alone (with the project's) is ruled out (a new
fact, which PubGrub's explanation names if the Python side then fails too) and PubGrub
resolves again. Every round rules out at least one release, so the loop ends; when no single
release is to blame (needs that fail only together) the apt failure is the answer. The
result is a Python resolution whose every release can be installed together with the
Debian packages planned, which is what one problem over both would give, while each
ecosystem keeps its own solver: PubGrub's explanations on one side, apt's candidate rules
on the other.

The project's own ``[external]`` needs are planned first: if they fail, no Python choice
can help, and the apt failure is returned at once.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from polypac.ecosystems.debian.external import MappingTable, plan_external
from polypac.ecosystems.debian.install import AptCache, InstallFailure, InstallPlan
from polypac.ecosystems.python.external import ExternalRequirement, read_external
from polypac.ecosystems.python.lock import Failure, Resolution, resolve_requirements
from polypac.ecosystems.python.provider import Environment
from polypac.ecosystems.python.sdist import SdistMetadataError, sdist_pyproject
from polypac.net import HttpClient

__all__ = ["JointResolution", "RuledOut", "SystemNeeds", "resolve_with_debian"]

MAX_ROUNDS = 25
"""Resolutions tried before giving up (each rules out at least one release)."""


@dataclass(frozen=True, slots=True)
class SystemNeeds:
    """The ``[external]`` requirements of one Python release built from its sdist.

    ``problems`` are the entries of its table that could not be read (they are left out
    of the request, and shown).
    """

    name: str
    version: str
    requirements: tuple[ExternalRequirement, ...]
    problems: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RuledOut:
    """A release the joint problem may not choose, and why."""

    name: str
    version: str
    reason: str


@dataclass(frozen=True, slots=True)
class JointResolution:
    """A Python resolution, the Debian packages to install for it, who needs them, and the
    releases ruled out on the way."""

    python: Resolution
    plan: InstallPlan
    needs: tuple[SystemNeeds, ...]
    ruled_out: tuple[RuledOut, ...]


def resolve_with_debian(
    requirements: list[str],
    project_external: Sequence[ExternalRequirement],
    *,
    environment: Environment,
    client: HttpClient,
    cache: AptCache,
    exclude_newer: datetime | None = None,
    build_sdists: bool = True,
    index_urls: Sequence[str] | None = None,
    table: MappingTable | None = None,
) -> JointResolution | Failure | InstallFailure:
    """Resolve ``requirements`` and plan the Debian packages that the project
    (``project_external``) and every release built from an sdist need, as one problem.

    A :class:`Failure` is a Python side with no answer (its explanation names the releases
    ruled out for their Debian needs); an :class:`InstallFailure` a Debian side with none.
    Raises what :func:`polypac.ecosystems.python.lock.resolve_requirements` raises.
    """
    markers = environment.markers()

    def plan(wanted: Sequence[ExternalRequirement]) -> InstallPlan | InstallFailure:
        return plan_external(wanted, cache=cache, table=table, environment=markers)

    own = tuple(project_external)
    if own:
        alone = plan(own)
        if isinstance(alone, InstallFailure):
            return alone
    excluded: dict[str, dict[str, str]] = {}
    ruled_out: list[RuledOut] = []
    for _ in range(MAX_ROUNDS):
        answer = resolve_requirements(
            requirements,
            environment=environment,
            client=client,
            exclude_newer=exclude_newer,
            index_urls=index_urls,
            build_sdists=build_sdists,
            excluded=excluded,
        )
        if isinstance(answer, Failure):
            return answer
        needs = tuple(_needs(answer, client))
        together = plan(own + tuple(r for need in needs for r in need.requirements))
        if isinstance(together, InstallPlan):
            return JointResolution(answer, together, needs, tuple(ruled_out))
        blamed = False
        for need in needs:
            alone = plan(own + need.requirements)
            if isinstance(alone, InstallPlan):
                continue
            reason = (
                f"its [external] needs cannot be installed from Debian: {_first(alone)}"
                if alone.reasons
                else "its [external] needs cannot be installed from Debian"
            )
            excluded.setdefault(need.name, {})[need.version] = reason
            ruled_out.append(RuledOut(need.name, need.version, reason))
            blamed = True
        if not blamed:
            return together
    return InstallFailure(
        tuple(requirements),
        (f"no resolution whose [external] needs install was found in {MAX_ROUNDS} rounds",),
        "pin the releases to build, or install their system packages by hand",
    )


def _first(failure: InstallFailure) -> str:
    return failure.reasons[0].strip()


def _needs(answer: Resolution, client: HttpClient) -> list[SystemNeeds]:
    """The ``[external]`` needs of every release the resolution installs from an sdist."""
    found: list[SystemNeeds] = []
    for package in answer.packages:
        if package.wheels or package.sdist is None:
            continue
        try:
            pyproject = sdist_pyproject(client, package.sdist)
        except SdistMetadataError as error:
            found.append(SystemNeeds(package.name, package.version, (), (error.problem,)))
            continue
        table = _external_table(pyproject)
        if isinstance(table, str):
            found.append(SystemNeeds(package.name, package.version, (), (table,)))
            continue
        if table is None:
            continue
        requirements, errors = read_external(table)
        found.append(
            SystemNeeds(
                package.name,
                package.version,
                tuple(requirements),
                tuple(str(error) for error in errors),
            )
        )
    return found


def _external_table(pyproject: bytes | None) -> Mapping[str, object] | str | None:
    """The ``[external]`` table (``None`` when there is none), or why it cannot be read."""
    if pyproject is None:
        return None
    try:
        document = tomllib.loads(pyproject.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        return f"its pyproject.toml cannot be read: {error}"
    table = document.get("external")
    if table is None:
        return None
    if not isinstance(table, dict):
        return "its pyproject.toml's [external] is not a table"
    return table
