"""Python requirements and the Debian packages they need, solved as one problem.

A Python release needs Debian packages when it is installed from an sdist, which must be
built: its PEP 725 ``[external]`` table (in the sdist's ``pyproject.toml``) names what the
build and the built package need. A wheel brings its libraries with it and needs none. So
the joint problem couples the two ecosystems exactly where the Python resolution chooses a
release that has no wheel for the target: if that release's needs cannot be installed from
this machine's apt lists, the release may not be chosen, and the Python resolution must
find another.

:func:`resolve_with_debian` puts that into the resolution itself, the way a SAT solver
consults a theory: whenever PubGrub considers a release that would be built, its
``[external]`` needs are planned (with the project's own) as an apt request, and a release
whose request fails is unavailable, with apt's reason. PubGrub backtracks past it at once,
and if the Python side has no answer left, its explanation names the releases ruled out and
why. The needs of the releases chosen are then planned together as one request. Needs that
install one by one but not together (two built releases asking for conflicting Debian
packages) are the one case this does not search past: the smallest such set is found and
the failure names its releases, so that one of them can be pinned elsewhere. Each side keeps
its own solver: PubGrub's explanations on one, apt's candidate rules on the other.

The project's own ``[external]`` needs are planned first: if they fail, no Python choice
can help, and the apt failure is returned at once.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from polypac.ecosystems.debian.external import MappingTable, plan_external
from polypac.ecosystems.debian.install import AptCache, InstallFailure, InstallPlan
from polypac.ecosystems.python.external import ExternalRequirement, read_external
from polypac.ecosystems.python.index import DistributionFile
from polypac.ecosystems.python.lock import Failure, Resolution, resolve_requirements
from polypac.ecosystems.python.provider import Environment
from polypac.ecosystems.python.sdist import SdistMetadataError, sdist_pyproject
from polypac.net import HttpClient

__all__ = ["JointResolution", "RuledOut", "SystemNeeds", "resolve_with_debian"]


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
    cache: AptCache | Callable[[], AptCache],
    exclude_newer: datetime | None = None,
    build_sdists: bool = True,
    index_urls: Sequence[str] | None = None,
    table: MappingTable | None = None,
) -> JointResolution | Failure | InstallFailure:
    """Resolve ``requirements`` and plan the Debian packages that the project
    (``project_external``) and every release built from an sdist need, as one problem.

    ``cache`` is the apt cache, or what loads it (called once, when first needed). A
    :class:`Failure` is a Python side with no answer (its explanation names the releases
    ruled out for their Debian needs); an :class:`InstallFailure` a Debian side with none.
    Raises what :func:`polypac.ecosystems.python.lock.resolve_requirements` raises.
    """
    markers = environment.markers()
    loaded: list[AptCache] = []

    def plan(wanted: Sequence[ExternalRequirement]) -> InstallPlan | InstallFailure:
        if not loaded:
            loaded.append(cache() if callable(cache) else cache)
        return plan_external(wanted, cache=loaded[0], table=table, environment=markers)

    own = tuple(project_external)
    if own:
        alone = plan(own)
        if isinstance(alone, InstallFailure):
            return alone
    needs: dict[str, SystemNeeds] = {}  # by sdist URL
    ruled_out: dict[str, RuledOut] = {}

    def check(file: DistributionFile) -> str | None:
        if file.url not in needs:
            needs[file.url] = _needs_of(file, client)
            found = needs[file.url]
            if found.requirements:
                answer = plan(own + found.requirements)
                if isinstance(answer, InstallFailure):
                    reason = "its [external] needs cannot be installed from Debian"
                    if answer.reasons:
                        reason += f": {answer.reasons[0].strip()}"
                    ruled_out[file.url] = RuledOut(found.name, found.version, reason)
        kept = ruled_out.get(file.url)
        return kept.reason if kept is not None else None

    answer = resolve_requirements(
        requirements,
        environment=environment,
        client=client,
        exclude_newer=exclude_newer,
        index_urls=index_urls,
        build_sdists=build_sdists,
        build_check=check,
    )
    if isinstance(answer, Failure):
        return answer
    chosen = tuple(
        needs[p.sdist.url]
        for p in answer.packages
        if not p.wheels and p.sdist is not None and p.sdist.url in needs
    )
    wanted = [n for n in chosen if n.requirements]
    together = plan(own + tuple(r for n in wanted for r in n.requirements))
    if isinstance(together, InstallFailure):
        return _conflict(wanted, own, plan, together)
    return JointResolution(answer, together, chosen, tuple(ruled_out.values()))


def _conflict(
    wanted: list[SystemNeeds],
    own: tuple[ExternalRequirement, ...],
    plan: Callable[[Sequence[ExternalRequirement]], InstallPlan | InstallFailure],
    failure: InstallFailure,
) -> InstallFailure:
    """The failure of needs that install one by one but not together, naming the smallest
    set of releases (found by deletion) whose needs conflict."""
    smallest = list(wanted)
    for need in list(smallest):
        rest = [n for n in smallest if n is not need]
        if isinstance(plan(own + tuple(r for n in rest for r in n.requirements)), InstallFailure):
            smallest = rest
    names = ", ".join(f"{n.name} {n.version}" for n in smallest)
    return InstallFailure(
        failure.request,
        (
            f"the Debian needs of {names} (each installable alone) cannot be installed together",
            *failure.reasons,
        ),
        "pin one of them to a version with a wheel for the target, or to another release",
    )


def _needs_of(file: DistributionFile, client: HttpClient) -> SystemNeeds:
    """The ``[external]`` needs of the release whose sdist is ``file``."""
    name, version = str(file.project), str(file.version)
    try:
        pyproject = sdist_pyproject(client, file)
    except SdistMetadataError as error:
        return SystemNeeds(name, version, (), (error.problem,))
    table = _external_table(pyproject)
    if isinstance(table, str):
        return SystemNeeds(name, version, (), (table,))
    if table is None:
        return SystemNeeds(name, version, ())
    requirements, errors = read_external(table)
    return SystemNeeds(name, version, tuple(requirements), tuple(str(e) for e in errors))


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
