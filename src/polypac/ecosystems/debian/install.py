"""Install requests against apt's indexes: what ``apt-get install -s PKG...`` would do.

**The cache.** :class:`AptCache` holds what apt's cache holds for one architecture: every
version of the apt lists (``/var/lib/apt/lists/*_Packages*``) and the installed versions of
dpkg's status, with the fields the plan needs beyond :class:`BinaryPackage` (Recommends,
Priority, the suite each version comes from).

**Candidates.** As apt does, a plan only ever considers two versions of a name: the
installed one and the *candidate*. Every list here has pin priority 500 and the status 100,
and apt never downgrades below an installed version of priority < 1000, so the candidate
is the highest version of the lists and the status. A request ``name=version`` or
``name/suite`` replaces the candidate of that name.

**The algorithm: apt's greedy order, each step checked by SAT.** The candidates reached from
the request and from the installed packages are encoded as clauses by
:mod:`polypac.ecosystems.debian._encode` (Depends, Pre-Depends, Conflicts, Breaks, Provides,
one version per name), with every installed name kept. Then, as apt's ``MarkInstall`` does,
each package to install is visited breadth first and its Pre-Depends, Depends and (unless
``install_recommends`` is off) Recommends are met in order: an OR-group already met by a
package kept or chosen costs nothing; otherwise its alternatives are tried in order (a real
package before the providers of a virtual name, providers ordered as apt's
``CompareProviders``: essential, installed, then by Priority, then by name), and the first
one the solver finds compatible with every choice made so far is chosen for good. A
Recommends no alternative of which fits is dropped, as apt drops it. As apt 2.x does, installing or
upgrading a package also upgrades the installed packages built from the same source when
their candidates come from the same source version. Installed packages are then kept at
their version where the solver allows, else moved to their candidate. Nothing is removed:
a request that needs a removal fails, naming the installed package in the way.

Why not an optimising encoding (fewest changes, newest versions, first alternatives as a
MaxSAT objective)? Because apt's answer is not an optimum of any such objective: it takes
the first alternative that *can* be installed even when a later one would install fewer
packages, follows Recommends transitively, and never looks back. Following its order makes
the plans agree with apt's (the same packages for 50 of 50 recorded requests:
tests/ecosystems/debian/fixtures/apt-s/README.md), and the
solver makes each greedy step safe: where apt's own greedy walk paints itself into a corner
and needs its problem resolver, this one never does, because a choice is only made when a
complete installation with it still exists. The finished plan is checked against every
relation once more before it is returned.

    >>> cache = AptCache.from_texts(['''\\
    ... Package: app
    ... Version: 1.0
    ... Architecture: amd64
    ... Depends: mta | mail-transport-agent
    ...
    ... Package: tiny-mta
    ... Version: 2.0
    ... Architecture: amd64
    ... Provides: mail-transport-agent
    ... '''])
    >>> print(plan_install(["app"], cache=cache))
    Inst app (1.0 [amd64])
    Inst tiny-mta (2.0 [amd64])
"""

from __future__ import annotations

import glob
import re
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from polypac.ecosystems.debian._encode import Architectures, Universe, build_universe, clauses
from polypac.ecosystems.debian._explain import explain_broken
from polypac.ecosystems.debian.deb822 import ControlFileError, parse_deb822
from polypac.ecosystems.debian.packages import (
    BinaryPackage,
    PackagesIndex,
    _binary_package,
    read_index_text,
)
from polypac.ecosystems.debian.relations import Relation, Relations, parse_relations
from polypac.errors import ParseError
from polypac.solve._cnf import SatSolver
from polypac.version.debian import parse_version

__all__ = [
    "AptCache",
    "AptVersion",
    "InstallFailure",
    "InstallPlan",
    "PlannedPackage",
    "parse_install_request",
    "plan_install",
    "plan_relations",
]

_PRIORITIES = {"required": 1, "important": 2, "standard": 3, "optional": 4, "extra": 5}
_INSTALLED_STATES = frozenset(
    {"installed", "triggers-pending", "triggers-awaited", "half-configured", "unpacked"}
)
_SUITE = re.compile(r"_dists_([^_]+)_")
_REQUEST = re.compile(r"^(?P<name>[a-z0-9][a-z0-9.+\-]*)(?:(?P<sep>[=/])(?P<value>[^=/\s]\S*))?$")


@dataclass(frozen=True, slots=True)
class AptVersion:
    """One version of a package as apt's cache knows it.

    ``suites`` are the suites of the lists it is in (``bookworm``, ``bookworm-security``);
    ``installed`` says it is the version dpkg's status holds.
    """

    package: BinaryPackage
    recommends: Relations = ()
    priority: str = "optional"
    suites: tuple[str, ...] = ()
    installed: bool = False

    @property
    def name(self) -> str:
        """The package name."""
        return self.package.name

    @property
    def version(self) -> str:
        """The version string."""
        return self.package.version


@dataclass(slots=True)
class AptCache:
    """Every available version by name (native architecture and ``all`` only), the installed
    versions, and what could not be read."""

    native: str
    available: dict[str, list[AptVersion]] = field(default_factory=dict)
    installed: dict[str, AptVersion] = field(default_factory=dict)
    errors: list[ParseError] = field(default_factory=list)

    @classmethod
    def from_texts(
        cls,
        indexes: Sequence[str],
        status: str | None = None,
        *,
        native: str | None = None,
        sources: Sequence[str] = (),
    ) -> AptCache:
        """A cache from the texts of Packages indexes and of a dpkg status file.

        ``sources[i]`` names ``indexes[i]`` (a path of apt's lists: its suite is read from
        the ``_dists_<suite>_`` part). The native architecture is ``native``, else the
        first one not ``all`` of the status, else of the indexes.
        """
        read: list[tuple[AptVersion, bool]] = []
        errors: list[ParseError] = []
        if status is not None:
            read.extend((v, True) for v in _read_versions(status, "status", True, errors))
        for position, text in enumerate(indexes):
            source = sources[position] if position < len(sources) else None
            read.extend((v, False) for v in _read_versions(text, source, False, errors))
        if native is None:
            native = next(
                (v.package.architecture for v, _ in read if v.package.architecture != "all"),
                "amd64",
            )
        cache = cls(native, errors=errors)
        for version, installed in read:
            if version.package.architecture not in ("all", native):
                continue
            if installed:
                cache.installed[version.name] = version
            else:
                cache._add(version)
        return cache

    @classmethod
    def from_index(
        cls, index: PackagesIndex, installed: PackagesIndex | None = None, *, native: str = ""
    ) -> AptCache:
        """A cache from already-read indexes (which carry no Recommends or Priority)."""
        arch = native or next(
            (p.architecture for p in index.packages if p.architecture != "all"), "amd64"
        )
        cache = cls(arch, errors=[*index.errors])
        for package in installed.packages if installed is not None else ():
            if package.architecture in ("all", arch):
                cache.installed[package.name] = AptVersion(package, installed=True)
        for package in index.packages:
            if package.architecture in ("all", arch):
                cache._add(AptVersion(package))
        return cache

    @classmethod
    def from_files(
        cls,
        lists: Iterable[Path | str],
        status: Path | str | None = None,
        *,
        native: str | None = None,
    ) -> AptCache:
        """A cache from Packages index files (plain, .gz, .xz, .lz4) and a dpkg status file."""
        paths = [Path(p) for p in lists]
        texts = [read_index_text(p) for p in paths]
        status_text = read_index_text(Path(status)) if status is not None else None
        return cls.from_texts(texts, status_text, native=native, sources=[str(p) for p in paths])

    @classmethod
    def from_machine(cls, root: Path = Path("/")) -> AptCache:
        """This machine's cache: ``/var/lib/apt/lists/*_Packages*`` and dpkg's status."""
        lists = sorted(glob.glob(str(root / "var/lib/apt/lists/*_Packages*")))
        status = root / "var/lib/dpkg/status"
        return cls.from_files(lists, status if status.exists() else None)

    def _add(self, version: AptVersion) -> None:
        versions = self.available.setdefault(version.name, [])
        for position, known in enumerate(versions):
            if known.version == version.version:
                suites = (*known.suites, *(s for s in version.suites if s not in known.suites))
                versions[position] = AptVersion(
                    known.package, known.recommends, known.priority, suites
                )
                return
        versions.append(version)

    def candidate(self, name: str) -> AptVersion | None:
        """apt's candidate of ``name``: the highest version of the lists and the status."""
        found = [*self.available.get(name, ())]
        installed = self.installed.get(name)
        if installed is not None:
            found.append(installed)
        if not found:
            return None
        best: AptVersion = max(found, key=lambda v: parse_version(v.version).key)
        return best

    def version(self, name: str, version: str) -> AptVersion | None:
        """The version ``version`` of ``name`` (installed or available), if any."""
        installed = self.installed.get(name)
        if installed is not None and installed.version == version:
            return installed
        return next((v for v in self.available.get(name, ()) if v.version == version), None)


def _read_versions(
    text: str, source: str | None, status: bool, errors: list[ParseError]
) -> Iterable[AptVersion]:
    suite = _SUITE.search(source or "")
    suites = (suite.group(1),) if suite else ()
    for stanza in parse_deb822(text, source=source):
        if isinstance(stanza, ControlFileError):
            errors.append(stanza)
            continue
        fields = stanza.fields
        if status and fields.get("Status", "").rpartition(" ")[2] not in _INSTALLED_STATES:
            continue
        try:
            package = _binary_package(stanza, source)
            recommends = parse_relations(fields.get("Recommends", ""))
        except ParseError as error:
            errors.append(error)
            continue
        yield AptVersion(
            package,
            recommends,
            fields.get("Priority", "optional"),
            ("now",) if status else suites,
            status,
        )


@dataclass(frozen=True, slots=True)
class PlannedPackage:
    """One package the plan installs: ``current`` is the installed version it replaces."""

    name: str
    version: str
    architecture: str
    automatic: bool
    current: str | None = None

    @property
    def action(self) -> str:
        """``install``, ``upgrade`` or ``downgrade``."""
        if self.current is None:
            return "install"
        newer = parse_version(self.version).key > parse_version(self.current).key
        return "upgrade" if newer else "downgrade"

    def __str__(self) -> str:
        current = f" [{self.current}]" if self.current else ""
        return f"Inst {self.name}{current} ({self.version} [{self.architecture}])"


@dataclass(frozen=True, slots=True)
class InstallPlan:
    """What to install (new packages and upgrades, in the order they were chosen), and the
    requested packages already installed at their candidate."""

    request: tuple[str, ...]
    install: tuple[PlannedPackage, ...]
    already_installed: tuple[str, ...] = ()

    def names(self) -> frozenset[tuple[str, str]]:
        """``(name, version)`` of every package to install: apt's ``Inst`` lines."""
        return frozenset((p.name, p.version) for p in self.install)

    def __str__(self) -> str:
        return "\n".join(str(p) for p in sorted(self.install, key=lambda p: p.name))


@dataclass(frozen=True, slots=True)
class InstallFailure:
    """Why a request cannot be installed: one sentence per reason, and a hint."""

    request: tuple[str, ...]
    reasons: tuple[str, ...]
    hint: str

    def __str__(self) -> str:
        lines = [f"error: cannot install {' '.join(self.request)}"]
        lines.extend(f"  {reason}" for reason in self.reasons)
        lines.append(f"hint: {self.hint}")
        return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class _Wanted:
    text: str
    name: str
    pinned: str | None  # "=version" or "/suite"


def parse_install_request(text: str) -> tuple[str, str | None, str | None]:
    """``name``, ``name=version`` or ``name/suite`` as ``(name, version, suite)``.

    Raises :class:`~polypac.errors.ParseError` pointing at the bad character.

    >>> parse_install_request("curl=7.88.1-10+deb12u5")
    ('curl', '7.88.1-10+deb12u5', None)
    """
    match = _REQUEST.match(text)
    if match is None:
        good = re.match(r"[a-z0-9][a-z0-9.+\-]*", text)
        position = good.end() if good else 0
        raise ParseError(
            text,
            position,
            "expected 'name', 'name=version' or 'name/suite' (lower-case package name)",
            what="apt install request",
        )
    sep, value = match["sep"], match["value"]
    return match["name"], value if sep == "=" else None, value if sep == "/" else None


def plan_install(
    request: Sequence[str],
    *,
    cache: AptCache,
    install_recommends: bool = True,
) -> InstallPlan | InstallFailure:
    """What ``apt-get install -s`` would install for ``request`` (see the module docstring).

    ``request`` items are ``name``, ``name=version`` or ``name/suite``. An unknown name, a
    version or suite that does not exist, a virtual name with several providers, or a
    request no installation can hold comes back as an :class:`InstallFailure`.
    """
    pinned: dict[str, AptVersion] = {}
    for text in request:
        name, version, suite = parse_install_request(text)
        found = _requested_version(cache, text, name, version, suite)
        if isinstance(found, InstallFailure):
            return found
        pinned[found.name] = found
    depends = tuple((Relation(v.name, None, "=", v.version),) for v in pinned.values())
    return _Planner(cache, depends, pinned, install_recommends, tuple(request)).run()


def plan_relations(
    relations: str | Relations,
    *,
    cache: AptCache,
    install_recommends: bool = True,
    request: Sequence[str] = (),
) -> InstallPlan | InstallFailure:
    """What apt would install to meet ``relations``, a Depends field such as
    ``gcc, libopenblas-dev | libblas-dev (>= 3)``: as if a package with that field were
    being installed. Alternatives are taken in order, as apt takes them. ``request`` names
    the request in the answer (default: each OR-group as written).

    >>> blas = "Package: libblas-dev\\nVersion: 3.11.0-2\\nArchitecture: amd64\\n"
    >>> cache = AptCache.from_texts([blas])
    >>> print(plan_relations("libopenblas-dev | libblas-dev", cache=cache))
    Inst libblas-dev (3.11.0-2 [amd64])
    """
    groups = parse_relations(relations) if isinstance(relations, str) else relations
    shown = tuple(request) or tuple(" | ".join(map(str, g)) for g in groups)
    return _Planner(cache, groups, {}, install_recommends, shown).run()


def _requested_version(
    cache: AptCache, text: str, name: str, version: str | None, suite: str | None
) -> AptVersion | InstallFailure:
    request = (text,)
    if name not in cache.available and name not in cache.installed:
        providers = sorted(
            {
                v.name
                for versions in cache.available.values()
                for v in versions
                if any(r.name == name for g in v.package.provides for r in g)
            }
        )
        if len(providers) == 1:
            candidate = cache.candidate(providers[0])
            assert candidate is not None  # it was found among the available versions
            return candidate
        if providers:
            return InstallFailure(
                request,
                (f"{name} is a virtual package provided by {', '.join(providers)}",),
                f"install one of them explicitly, e.g. apt-get install {providers[0]}",
            )
        return InstallFailure(
            request,
            (f"there is no package {name} in the apt lists",),
            "check the name (apt-cache search), or refresh the lists with apt-get update",
        )
    if version is not None:
        exact = cache.version(name, version)
        if exact is None:
            known = ", ".join(_versions_of(cache, name))
            return InstallFailure(
                request,
                (f"there is no version {version} of {name} (the apt lists have {known})",),
                f"pick one of the versions listed, or request {name} alone for its candidate",
            )
        return exact
    if suite is not None:
        in_suite = [v for v in cache.available.get(name, ()) if suite in v.suites]
        if not in_suite:
            suites = sorted({s for v in cache.available.get(name, ()) for s in v.suites})
            return InstallFailure(
                request,
                (f"no version of {name} comes from {suite} (it is in {', '.join(suites)})",),
                "name a suite of the apt sources, as in /etc/apt/sources.list",
            )
        return max(in_suite, key=lambda v: parse_version(v.version).key)
    candidate = cache.candidate(name)
    assert candidate is not None  # the name is known
    return candidate


def _versions_of(cache: AptCache, name: str) -> list[str]:
    found = {v.version for v in cache.available.get(name, ())}
    if name in cache.installed:
        found.add(cache.installed[name].version)
    return sorted(found, key=lambda text: parse_version(text).key)


_ROOT = "the request"
_ASKED = re.compile(r"the request depends on (\S+) \(= ([^)]+)\)")


class _Planner:
    """One run of the greedy walk over one encoded cone of the cache."""

    def __init__(
        self,
        cache: AptCache,
        depends: Relations,
        pinned: dict[str, AptVersion],
        install_recommends: bool,
        request: tuple[str, ...],
    ) -> None:
        self.cache = cache
        self.requested = pinned
        self.wanted = [r.name for group in depends for r in group]
        self.install_recommends = install_recommends
        self.request = request
        versions = self._cone()
        self.extras = {id(v.package): v for v in versions}
        root = BinaryPackage(_ROOT, "0", "all", depends=depends)
        self.packages = [root, *(v.package for v in versions)]
        universe, rejected = build_universe(
            self.packages, Architectures(cache.native), essential=False
        )
        self.universe: Universe = universe
        self.rejected = rejected
        self.variable = {id(p): i + 1 for i, p in enumerate(universe.packages)}
        self.installed_var: dict[str, int] = {}
        self.candidate_var: dict[str, int] = {}
        for index, package in enumerate(universe.packages):
            extra = self.extras.get(id(package))
            if extra is not None and extra.installed:
                self.installed_var[package.name] = index + 1
            elif extra is not None:
                self.candidate_var[package.name] = index + 1
        self.by_source: dict[str, list[str]] = {}
        for name in self.installed_var:
            source = _source_of(cache.installed[name].package)[0]
            self.by_source.setdefault(source, []).append(name)

    def _candidates_of(self, name: str) -> list[AptVersion]:
        found: list[AptVersion] = []
        installed = self.cache.installed.get(name)
        if installed is not None:
            found.append(installed)
        chosen = self.requested.get(name) or self.cache.candidate(name)
        if chosen is not None and (installed is None or chosen.version != installed.version):
            found.append(chosen)
        return found

    def _cone(self) -> list[AptVersion]:
        """The installed and candidate versions of every name the request and the installed
        packages reach through Depends, Pre-Depends, Recommends and Provides."""
        providers: dict[str, set[str]] = {}
        for name in self.cache.available.keys() | self.cache.installed.keys():
            for version in self._candidates_of(name):
                for group in version.package.provides:
                    for relation in group:
                        providers.setdefault(relation.name, set()).add(name)
        seen: set[str] = set()
        queue = deque([*self.wanted, *self.cache.installed])
        found: list[AptVersion] = []
        while queue:
            name = queue.popleft()
            if name in seen:
                continue
            seen.add(name)
            queue.extend(sorted(providers.get(name, ())))
            for version in self._candidates_of(name):
                found.append(version)
                package = version.package
                for groups in (package.pre_depends, package.depends, version.recommends):
                    for group in groups:
                        queue.extend(r.name for r in group)
        return found

    # -- the walk --------------------------------------------------------------------------

    def run(self) -> InstallPlan | InstallFailure:
        universe = self.universe
        installed_clauses = [
            [self.variable[id(p)] for p in universe.packages if p.name == name]
            for name in self.installed_var
        ]
        with SatSolver("cadical195", [*clauses(universe), *installed_clauses]) as sat:
            self.sat = sat
            count = len(universe)
            installed = set(self.installed_var.values())
            sat.set_phases([v if v in installed else -v for v in range(1, count + 1)])
            if not sat.solve([1]):
                return self._failure()
            sat.add_clause([1])
            self.chosen: list[int] = []
            self.fixed: set[int] = {1}
            self.refuted: set[int] = set()
            self.queue: deque[int] = deque([1])
            self._walk()
            for name, variable in self.installed_var.items():
                # installed packages stay where they are if the solver allows it
                if self._name_fixed(name):
                    continue
                if not self._try(variable):
                    other = self._model_version(name)
                    self._fix(other)
                    self._walk()
            self._walk()
        return self._plan()

    def _name_fixed(self, name: str) -> bool:
        return any(self.universe.packages[v - 1].name == name for v in self.fixed)

    def _model_version(self, name: str) -> int:
        self.sat.solve([])
        model = self.sat.model()
        for index, package in enumerate(self.universe.packages):
            if package.name == name and model[index] > 0:
                return index + 1
        raise AssertionError(f"no version of installed {name} in the model")  # pragma: no cover

    def _try(self, variable: int) -> bool:
        if variable in self.fixed:
            return True
        if variable in self.refuted:
            return False
        if self.sat.solve([variable]):
            self._fix(variable)
            return True
        self.refuted.add(variable)
        self.sat.add_clause([-variable])
        return False

    def _fix(self, variable: int) -> None:
        self.sat.add_clause([variable])
        self.fixed.add(variable)
        if self.installed_var.get(self.universe.packages[variable - 1].name) != variable:
            self.chosen.append(variable)
        self.queue.append(variable)

    def _met(self, candidates: Iterable[int]) -> bool:
        for candidate in candidates:
            variable = candidate + 1
            if variable in self.fixed:
                return True
            name = self.universe.packages[candidate].name
            if self.installed_var.get(name) == variable and not self._name_fixed(name):
                return True
        return False

    def _walk(self) -> None:
        universe = self.universe
        while self.queue:
            variable = self.queue.popleft()
            index = variable - 1
            package = universe.packages[index]
            extra = self.extras.get(id(package))
            groups = [(edge.group, edge.candidates, True) for edge in universe.depends[index]]
            kept = extra is not None and extra.installed
            if self.install_recommends and extra is not None and not kept:
                before = self.cache.installed.get(package.name)
                old = {str(g) for g in before.recommends} if before is not None else set()
                slot = universe.slots[index]
                for group in extra.recommends:
                    if str(group) in old:
                        continue  # apt installs only the Recommends an upgrade adds
                    edge = universe.depends_edge("recommends", group, slot)
                    if edge is not None:
                        groups.append((edge.group, edge.candidates, False))
            if extra is not None and not kept:
                self._upgrade_siblings(package)
            for group, candidates, hard in groups:
                if self._met(candidates):
                    continue
                if any(self._try(target) for target in self._targets(group, slot_of=index)):
                    continue
                if hard:  # the solver meets it some other way (the model holds one)
                    self._fix(self._model_choice(candidates))

    def _upgrade_siblings(self, package: BinaryPackage) -> None:
        """apt 2.x upgrades the installed packages of the source of a package it installs or
        upgrades, where their candidates come from the same source version."""
        source, version = _source_of(package)
        for name in self.by_source.get(source, ()):
            variable = self.candidate_var.get(name)
            if variable is None or self._name_fixed(name):
                continue
            if _source_of(self.universe.packages[variable - 1]) == (source, version):
                self._try(variable)

    def _model_choice(self, candidates: Sequence[int]) -> int:
        self.sat.solve([])
        model = self.sat.model()
        return next(c + 1 for c in candidates if model[c] > 0)

    def _targets(self, group: Sequence[Relation], *, slot_of: int) -> list[int]:
        """The packages that could meet an OR-group, in apt's order of preference."""
        universe = self.universe
        slot = universe.slots[slot_of]
        order: list[int] = []
        for relation in group:
            candidates = universe.dependency_candidates(relation, slot)
            real = [c for c in candidates if universe.packages[c].name == relation.name]
            provided = [c for c in candidates if c not in real]
            real.sort(key=self._version_rank)
            provided.sort(key=self._provider_rank)
            for candidate in (*real, *provided):
                if candidate + 1 not in order:
                    order.append(candidate + 1)
        return order

    def _version_rank(self, index: int) -> tuple[bool, tuple[int, ...]]:
        """The candidate version before the installed one (an install request upgrades)."""
        package = self.universe.packages[index]
        extra = self.extras.get(id(package))
        return (extra is not None and extra.installed, ())

    def _provider_rank(self, index: int) -> tuple[bool, bool, int, str]:
        package = self.universe.packages[index]
        extra = self.extras.get(id(package))
        priority = _PRIORITIES.get(extra.priority if extra is not None else "", 4)
        installed = package.name in self.installed_var
        return (not package.essential, not installed, priority, package.name)

    # -- answers ---------------------------------------------------------------------------

    def _plan(self) -> InstallPlan:
        packages = self.universe.packages
        planned: list[PlannedPackage] = []
        requested = set(self.wanted)
        final = {packages[v - 1].name: v for v in self.fixed}
        for variable in self.chosen:
            package = packages[variable - 1]
            if final.get(package.name) != variable or package.name == _ROOT:
                continue
            current = self.cache.installed.get(package.name)
            planned.append(
                PlannedPackage(
                    package.name,
                    package.version,
                    package.architecture,
                    package.name not in requested,
                    current.version if current is not None else None,
                )
            )
        self._check({v - 1 for v in final.values()})
        changed = {p.name for p in planned}
        already = tuple(
            sorted(
                {
                    name
                    for name in self.wanted
                    if self.installed_var.get(name) in self.fixed and name not in changed
                }
            )
        )
        return InstallPlan(self.request, tuple(planned), already)

    def _check(self, selected: set[int]) -> None:
        """Every relation of the finished plan holds (a bug here is a bug of the walk)."""
        universe = self.universe
        for index in selected:
            for edge in universe.depends[index]:
                if not selected.intersection(edge.candidates):
                    raise AssertionError(f"{universe.packages[index]}: {edge.text} unmet")
            for block in universe.conflicts[index]:
                if selected.intersection(block.hits):
                    raise AssertionError(f"{universe.packages[index]}: {block.relation} hit")

    def _failure(self) -> InstallFailure:
        universe = self.universe
        # the installed packages join the request for the explanation: they must stay
        reasons = explain_broken(_with_installed(universe, self.installed_var), 0)
        root = str(universe.packages[0])
        texts = tuple(
            _ASKED.sub(r"the request asks for \1 \2", reason.text.replace(root, _ROOT))
            for reason in reasons
        )
        names = set(self.wanted)
        hint = "request fewer packages at once, or other versions (name=version)"
        if len(names) > 1:
            hint = "these packages cannot be installed together; install one of them"
        return InstallFailure(self.request, texts or ("no installation holds them",), hint)


def _source_of(package: BinaryPackage) -> tuple[str, str]:
    """The source package's name and version (``Source: name (version)`` or the binary's)."""
    if not package.source:
        return package.name, package.version
    name, _, rest = package.source.partition(" ")
    version = rest.strip().strip("()").strip()
    return name, version or package.version


def _with_installed(universe: Universe, installed: Mapping[str, int]) -> Universe:
    """The universe with the root also needing every installed name (they are kept)."""
    root = universe.packages[0]
    keep = tuple((Relation(name),) for name in sorted(installed))
    packages = [
        BinaryPackage(root.name, root.version, root.architecture, depends=(*root.depends, *keep)),
        *universe.packages[1:],
    ]
    rebuilt, _ = build_universe(packages, universe.architectures, essential=False)
    return rebuilt
