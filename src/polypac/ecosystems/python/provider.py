"""PubGrub's :class:`~polypac.solve.DependencyProvider` over a Python simple index.

A target :class:`Environment` (marker variables and the wheel tags it installs) decides
what counts: a version of a project exists for the solver when one of its files could be
installed there (a wheel whose tags the target accepts, or an sdist), its
``requires-python`` admits the target's Python, it is not yanked (PEP 592; a yanked version
stays usable when the request pins it with ``==``), and, with ``exclude_newer``, it was
uploaded before that moment. Pre-releases follow PEP 440's static rule through the version
sets of :mod:`polypac.version.pypi`: a specifier admits them only when it names one.

Dependencies come from ``Requires-Dist``, markers evaluated for the target. An extra is a
virtual package ``name[extra]`` whose version ``v`` depends on ``name ==v`` and on the
requirements of that extra. The provider builds these itself instead of going through
:mod:`polypac.calculus.reduce`: the reduction works on a whole extended problem known in
advance, while a registry is read lazily, one page and one metadata file at a time; the
virtual packages are the same construction, made at the moment the solver asks.

The root is the request itself, a package named :data:`ROOT_NAME`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from packaging import tags
from packaging.markers import default_environment
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

from polypac.calculus.model import Dependency, Package
from polypac.ecosystems.python.index import DistributionFile, SimpleIndex
from polypac.ecosystems.python.sdist import SdistMetadataError
from polypac.errors import InvalidRange
from polypac.solve.provider import Available, Unavailable
from polypac.version.pypi import SCHEME, PypiVersion
from polypac.version.sets import VersionSet

__all__ = [
    "ROOT_NAME",
    "ROOT_VERSION",
    "Environment",
    "PypiProvider",
    "split_extra",
]

ROOT_NAME = "<requirements>"
"""The name of the root package: the request being resolved (no project can have it)."""

ROOT_VERSION = PypiVersion(Version("0"))
"""The version of the root package."""

_PLATFORMS = ("linux", "darwin", "win32")


def _linux_platforms(machine: str, glibc: tuple[int, int]) -> tuple[str, ...]:
    found = [f"manylinux_{glibc[0]}_{minor}_{machine}" for minor in range(glibc[1], 4, -1)]
    legacy = {17: "manylinux2014", 12: "manylinux2010", 5: "manylinux1"}
    for minor, name in legacy.items():
        if minor <= glibc[1] and (minor == 17 or machine in ("x86_64", "i686")):
            found.append(f"{name}_{machine}")
    found.append(f"linux_{machine}")
    return tuple(found)


@dataclass(frozen=True, slots=True)
class Environment:
    """A target environment: PEP 508 marker variables and the wheel platform tags it takes.

    ``platforms`` are wheel platform tags, most preferred first. Build one with
    :meth:`current` (the running interpreter, optionally another Python version) or
    :meth:`target`::

        >>> env = Environment.target("3.12", "linux")
        >>> env.markers()["python_full_version"], env.markers()["sys_platform"]
        ('3.12.0', 'linux')
        >>> str(env.tags()[0])
        'cp312-cp312-manylinux_2_39_x86_64'
    """

    python_version: str
    python_full_version: str
    sys_platform: str
    platform_machine: str
    platform_system: str
    os_name: str
    platforms: tuple[str, ...]
    implementation_name: str = "cpython"
    platform_python_implementation: str = "CPython"
    platform_release: str = ""
    platform_version: str = ""
    _tags: tuple[tags.Tag, ...] = field(default=(), init=False, repr=False, compare=False)
    _rank: Mapping[tags.Tag, int] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    # a memo of wheel_rank by tag triple: many files share one
    _by_triple: dict[str, int | None] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        major, minor = (int(part) for part in self.python_version.split(".")[:2])
        interpreter = f"cp{major}{minor}"
        found = list(tags.cpython_tags((major, minor), platforms=self.platforms))
        found += tags.compatible_tags((major, minor), interpreter, self.platforms)
        object.__setattr__(self, "_tags", tuple(dict.fromkeys(found)))
        object.__setattr__(self, "_rank", {tag: i for i, tag in enumerate(self._tags)})

    @classmethod
    def current(cls, python_version: str | None = None) -> Environment:
        """The running interpreter and platform (``python_version`` may name another)."""
        markers = default_environment()
        version = python_version or markers["python_version"]
        full = markers["python_full_version"] if python_version is None else f"{version}.0"
        return cls(
            python_version=".".join(version.split(".")[:2]),
            python_full_version=full,
            sys_platform=sys.platform,
            platform_machine=markers["platform_machine"],
            platform_system=markers["platform_system"],
            os_name=markers["os_name"],
            platforms=tuple(tags.platform_tags()),
            implementation_name=markers["implementation_name"],
            platform_python_implementation=markers["platform_python_implementation"],
            platform_release=markers["platform_release"],
            platform_version=markers["platform_version"],
        )

    @classmethod
    def target(
        cls,
        python_version: str,
        sys_platform: str = "linux",
        machine: str | None = None,
        *,
        glibc: tuple[int, int] = (2, 39),
        macos: tuple[int, int] = (14, 0),
    ) -> Environment:
        """A CPython ``python_version`` (``3.12`` or ``3.12.4``) on ``sys_platform``
        (``linux``, ``darwin`` or ``win32``); ``machine`` defaults to x86_64 (arm64 on
        macOS, AMD64 on Windows)."""
        if sys_platform not in _PLATFORMS:
            raise ValueError(f"unknown platform {sys_platform!r}: expected one of {_PLATFORMS}")
        parts = python_version.split(".")
        short = ".".join(parts[:2])
        full = python_version if len(parts) >= 3 else f"{short}.0"
        if sys_platform == "linux":
            arch = machine or "x86_64"
            return cls(short, full, "linux", arch, "Linux", "posix", _linux_platforms(arch, glibc))
        if sys_platform == "darwin":
            arch = machine or "arm64"
            platforms = tuple(tags.mac_platforms(macos, arch))
            return cls(short, full, "darwin", arch, "Darwin", "posix", platforms)
        arch = machine or "AMD64"
        wheel_arch = {"AMD64": "win_amd64", "ARM64": "win_arm64", "x86": "win32"}[arch]
        return cls(short, full, "win32", arch, "Windows", "nt", (wheel_arch,))

    def markers(self, extra: str = "") -> dict[str, str]:
        """The PEP 508 marker environment, with ``extra`` set as given."""
        return {
            "implementation_name": self.implementation_name,
            "implementation_version": self.python_full_version,
            "os_name": self.os_name,
            "platform_machine": self.platform_machine,
            "platform_python_implementation": self.platform_python_implementation,
            "platform_release": self.platform_release,
            "platform_system": self.platform_system,
            "platform_version": self.platform_version,
            "python_full_version": self.python_full_version,
            "python_version": self.python_version,
            "sys_platform": self.sys_platform,
            "extra": extra,
        }

    def marker_text(self) -> str:
        """A PEP 508 marker that holds in this environment only (for lock files)."""
        return (
            f"python_version == '{self.python_version}' and sys_platform == "
            f"'{self.sys_platform}' and platform_machine == '{self.platform_machine}'"
        )

    def tags(self) -> tuple[tags.Tag, ...]:
        """The wheel tags this environment installs, most preferred first."""
        return self._tags

    def wheel_rank(self, filename: str) -> int | None:
        """How preferred a wheel is here (smaller is better), ``None`` if not installable."""
        if not filename.endswith(".whl"):
            return None
        triple = "-".join(filename[:-4].split("-")[-3:])
        if triple not in self._by_triple:
            try:
                parsed = tags.parse_tag(triple)
            except ValueError:  # packaging's InvalidTag: a wheel no installer takes
                parsed = frozenset()
            ranks = [self._rank[tag] for tag in parsed if tag in self._rank]
            self._by_triple[triple] = min(ranks) if ranks else None
        return self._by_triple[triple]


def split_extra(name: str) -> tuple[str, str | None]:
    """``("foo", "bar")`` for the virtual package ``foo[bar]``, ``("foo", None)`` for ``foo``.

    >>> split_extra("requests[socks]"), split_extra("click")
    (('requests', 'socks'), ('click', None))
    """
    if name.endswith("]") and "[" in name:
        base, _, extra = name[:-1].partition("[")
        return base, extra
    return name, None


@dataclass(frozen=True, slots=True)
class _Release:
    """The files of one version: those that count for the target, and all of them."""

    installable: tuple[DistributionFile, ...]
    every: tuple[DistributionFile, ...]


class PypiProvider:
    """Versions and dependencies of Python projects from ``index``, for ``environment``.

    ``requirements`` are the root's PEP 508 requirements. ``exclude_newer`` drops files
    uploaded after it (and files with no upload time). ``prefetch`` fetches the pages and
    metadata the solver is likely to ask for next, concurrently.
    """

    def __init__(
        self,
        index: SimpleIndex,
        environment: Environment,
        requirements: Sequence[str],
        *,
        exclude_newer: datetime | None = None,
        prefetch: bool = True,
        build_check: Callable[[DistributionFile], str | None] | None = None,
    ) -> None:
        self.index = index
        # asked of each release that would be built from its sdist (no wheel installs in
        # the target): why it may not be chosen, or None
        self.build_check = build_check
        self.environment = environment
        self.exclude_newer = exclude_newer
        self.prefetch = prefetch
        self.requirements = tuple(requirements)
        self.root = Package(ROOT_NAME, ROOT_VERSION)
        self._python = Version(environment.python_full_version)
        self._parsed = [Requirement(text) for text in self.requirements]
        self._pinned: dict[str, set[Version]] = {}
        for requirement in self._parsed:
            for spec in requirement.specifier:
                if spec.operator in ("==", "===") and not spec.version.endswith(".*"):
                    pinned = self._pinned.setdefault(canonicalize_name(requirement.name), set())
                    pinned.add(Version(spec.version))
        self._releases: dict[str, dict[PypiVersion, _Release]] = {}
        self._sorted: dict[str, tuple[PypiVersion, ...]] = {}
        self._order: dict[str, int] = {}
        self._python_answers: dict[str, bool] = {}
        self.dependencies: dict[Package[PypiVersion], tuple[Dependency[PypiVersion], ...]] = {}

    # what the solver asks

    def prioritize(self, name: str, versions: VersionSet[PypiVersion]) -> tuple[int, int]:
        """Names with at most one candidate first, then in the order they were met."""
        order = self._order.setdefault(name, len(self._order))
        matching = sum(1 for v in self.versions(name) if versions.contains(v))
        return (0 if matching <= 1 else 1, order)

    def versions(self, name: str) -> tuple[PypiVersion, ...]:
        """The candidate versions of ``name`` (of its base for ``name[extra]``), oldest first."""
        if name == ROOT_NAME:
            return (ROOT_VERSION,)
        base, _ = split_extra(name)
        self._load(base)
        return self._sorted[base]

    def choose_version(self, name: str, versions: VersionSet[PypiVersion]) -> PypiVersion | None:
        """The newest candidate in ``versions``; starts fetching the next few's metadata."""
        candidates = [v for v in reversed(self.versions(name)) if versions.contains(v)]
        if not candidates:
            return None
        if self.prefetch and name != ROOT_NAME:
            base, _ = split_extra(name)
            files = [self._metadata_file(base, v) for v in candidates[:3]]
            # the next candidates only when their metadata is cheap (PEP 658)
            self.index.prefetch_metadata(
                f
                for i, f in enumerate(files)
                if f is not None and (i == 0 or f.metadata_hashes is not None)
            )
        return candidates[0]

    def should_cancel(self) -> bool:
        """Never."""
        return False

    def get_dependencies(
        self, package: Package[PypiVersion]
    ) -> Available[PypiVersion] | Unavailable:
        """The requirements of ``package`` that hold in the target environment."""
        if package.name == ROOT_NAME:
            answer = self._convert(self._parsed, extra=None)
        else:
            answer = self._package_dependencies(package)
        if isinstance(answer, Available):
            self.dependencies[package] = answer.dependencies
            if self.prefetch:
                self._prefetch(answer.dependencies)
        return answer

    def names_met(self) -> tuple[str, ...]:
        """The projects whose pages were read, sorted."""
        return tuple(sorted(self._sorted))

    def prerelease_candidates(self, name: str) -> tuple[PypiVersion, ...]:
        """Candidate pre-releases of ``name`` newer than its newest release, oldest first."""
        known = self._sorted.get(name, ())
        releases = [v for v in known if not v.is_prerelease]
        return tuple(v for v in known if v.is_prerelease and (not releases or v > releases[-1]))

    # releases

    def files(self, name: str, version: PypiVersion) -> _Release:
        """The files of ``name`` at ``version`` (after :meth:`versions` listed it)."""
        return self._releases[name][version]

    def _load(self, name: str) -> None:
        if name in self._sorted:
            return
        page = self.index.project(name)
        grouped: dict[PypiVersion, list[DistributionFile]] = {}
        for file in page.files if page is not None else ():
            if self.exclude_newer is not None and (
                file.upload_time is None or file.upload_time > self.exclude_newer
            ):
                continue
            grouped.setdefault(PypiVersion(file.version), []).append(file)
        releases: dict[PypiVersion, _Release] = {}
        pinned = self._pinned.get(name, set())
        for version, files in grouped.items():
            installable = tuple(
                f
                for f in files
                if (f.yanked is None or version.version in pinned)
                and self._python_ok(f.requires_python)
                and (not f.is_wheel or self.environment.wheel_rank(f.filename) is not None)
            )
            if installable:
                releases[version] = _Release(installable, tuple(files))
        self._releases[name] = releases
        self._sorted[name] = tuple(sorted(releases))

    def _python_ok(self, requires_python: str | None) -> bool:
        if not requires_python:
            return True
        known = self._python_answers.get(requires_python)
        if known is None:
            try:
                specifiers = SpecifierSet(requires_python)
                known = specifiers.contains(self._python, prereleases=True)
            except InvalidSpecifier:
                known = True  # as pip and uv do: an unreadable requires-python does not exclude
            self._python_answers[requires_python] = known
        return known

    def built_from(self, name: str, version: PypiVersion) -> DistributionFile | None:
        """The sdist ``version`` of ``name`` is installed from when no wheel of it installs
        in the target (a ``.tar.gz`` before a ``.zip``); ``None`` when a wheel does."""
        release = self._releases[name][version]
        if any(f.is_wheel for f in release.installable):
            return None
        sdists = sorted(
            (f for f in release.installable if not f.is_wheel),
            key=lambda f: (not f.filename.endswith(".tar.gz"), f.filename),
        )
        return sdists[0] if sdists else None

    def _metadata_file(self, name: str, version: PypiVersion) -> DistributionFile | None:
        """The file whose metadata stands for ``version``: the best installable wheel
        with PEP 658 metadata, any installable wheel, then any wheel with PEP 658 metadata
        (an sdist-only target still shares the release's metadata), then the installable
        sdist (with PEP 658 metadata first, a ``.tar.gz`` before a ``.zip``)."""
        release = self._releases[name][version]
        rank = self.environment.wheel_rank
        wheels = sorted(
            (f for f in release.installable if f.is_wheel),
            key=lambda f: (f.metadata_hashes is None, rank(f.filename) or 0, f.filename),
        )
        if wheels:
            return wheels[0]
        others = sorted(
            (f for f in release.every if f.is_wheel and f.metadata_hashes is not None),
            key=lambda f: f.filename,
        )
        if others:
            return others[0]
        sdists = sorted(
            (f for f in release.installable if not f.is_wheel),
            key=lambda f: (
                f.metadata_hashes is None,
                not f.filename.endswith(".tar.gz"),
                f.filename,
            ),
        )
        return sdists[0] if sdists else None

    def _package_dependencies(
        self, package: Package[PypiVersion]
    ) -> Available[PypiVersion] | Unavailable:
        base, extra = split_extra(package.name)
        self._load(base)
        if package.version not in self._releases[base]:
            return Unavailable(f"{base} {package.version} has no file for the target")
        if self.build_check is not None:
            built = self.built_from(base, package.version)
            reason = self.build_check(built) if built is not None else None
            if reason is not None:
                return Unavailable(reason)
        file = self._metadata_file(base, package.version)
        if file is None:
            return Unavailable("it has no file to read its metadata from")
        try:
            metadata = self.index.metadata(file)
        except SdistMetadataError as error:
            return Unavailable(error.problem)
        if not self._python_ok(metadata.requires_python):
            return Unavailable(f"it requires Python {metadata.requires_python}")
        try:
            parsed = [Requirement(text) for text in metadata.requires_dist]
        except InvalidRequirement as error:
            return Unavailable(f"its metadata has an invalid requirement: {error}")
        answer = self._convert(parsed, extra=extra)
        if isinstance(answer, Unavailable) or extra is None:
            return answer
        pinned = Dependency(base, VersionSet.singleton(package.version))
        return Available((pinned, *answer.dependencies))

    def _convert(
        self, requirements: Iterable[Requirement], *, extra: str | None
    ) -> Available[PypiVersion] | Unavailable:
        """The dependencies of ``requirements`` for the target: with ``extra``, only those
        that its extra brings in; without, those with no extra."""
        base_env = self.environment.markers()
        extra_env = self.environment.markers(extra) if extra is not None else None
        needed: dict[str, VersionSet[PypiVersion]] = {}
        for requirement in requirements:
            marker = requirement.marker
            if extra_env is None:
                if marker is not None and not marker.evaluate(base_env):
                    continue
            elif marker is None or marker.evaluate(base_env) or not marker.evaluate(extra_env):
                continue
            if requirement.url:
                return Unavailable(f"{requirement} is a direct URL reference, not supported")
            name = canonicalize_name(requirement.name)
            try:
                versions = SCHEME.parse_range(str(requirement.specifier))
            except InvalidRange as error:
                return Unavailable(f"invalid requirement {requirement}: {error}")
            for target in (
                name,
                *(f"{name}[{canonicalize_name(e)}]" for e in sorted(requirement.extras)),
            ):
                self._order.setdefault(target, len(self._order))
                known = needed.get(target)
                needed[target] = versions if known is None else known.intersection(versions)
        return Available(tuple(Dependency(n, vs) for n, vs in needed.items()))

    def _prefetch(self, dependencies: Sequence[Dependency[PypiVersion]]) -> None:
        bases = [split_extra(d.name)[0] for d in dependencies]
        self.index.prefetch(b for b in bases if b not in self._sorted)
        files = []
        for dependency in dependencies:
            base = split_extra(dependency.name)[0]
            newest = next(
                (v for v in reversed(self.versions(base)) if dependency.versions.contains(v)),
                None,
            )
            if newest is not None:
                file = self._metadata_file(base, newest)
                if file is not None:
                    files.append(file)
        self.index.prefetch_metadata(files)
