"""The npm registry as the resolver sees it: packuments, dist-tags, and npm's version pick.

A *packument* is the registry's document for one name: every version's manifest, the
``dist-tags``, and (in the full form) the publication ``time`` of each version. Without a
date, :class:`NpmRegistry` asks for the abbreviated install form (``Accept:
application/vnd.npm.install-v1+json``), as npm does; it carries ``modified`` but no ``time``,
so with ``before`` (npm's ``--before``, polypac's ``--exclude-newer``) the full document is
fetched instead. The registry of each name is the one npm is configured with for its scope
(:func:`polypac.net.npm_registry`).

:meth:`NpmRegistry.pick` chooses a version the way npm-pick-manifest does: a dist-tag names
its version; for a range, the ``latest`` tag wins when it satisfies (and is published by the
date, not deprecated, and fits the engines); otherwise the highest satisfying version,
preferring versions that are neither deprecated nor outside ``engines.node``.

Expected outcomes are values: a name the registry does not have is a
:class:`PackumentUnavailable`, a spec no version satisfies a :class:`NoMatchingVersion`.
Real failures (the registry keeps answering 500, a body that is not JSON, a tarball whose
integrity does not match) raise :class:`RegistryError`, naming the package and the URL.
"""

from __future__ import annotations

import base64
import posixpath
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import msgspec

from polypac.errors import InvalidRange, InvalidVersion, PolypacError
from polypac.net import DigestMismatch, HttpClient, HttpStatusError, NetError, npm_registry
from polypac.version.npm import SCHEME, parse_version
from polypac.version.semver import SemVer

__all__ = [
    "ABBREVIATED",
    "ManifestTable",
    "NoMatchingVersion",
    "NpmManifest",
    "NpmRegistry",
    "Packument",
    "PackumentUnavailable",
    "RegistryError",
    "normalize_bundle_dependencies",
    "normalize_manifest",
    "npm_alias",
    "packument_path",
    "parse_packument",
    "parse_time",
    "read_packument",
    "unsupported_spec",
]

ABBREVIATED = "application/vnd.npm.install-v1+json"
"""The Accept header of the abbreviated ("corgi") packument npm installs from."""

_FULL = "application/json"


class RegistryError(PolypacError):
    """The registry could not answer for ``package`` at ``url``: the problem says why."""

    def __init__(self, package: str, url: str, problem: str) -> None:
        self.package = package
        self.url = url
        self.problem = problem
        super().__init__(f"npm package {package}: {problem} ({url})")


@dataclass(frozen=True, slots=True)
class NpmManifest:
    """One version of a package as the registry lists it.

    ``raw`` is the manifest as published (the lock writer copies npm's fields from it);
    the other fields are read from it for the resolver.
    """

    name: str
    version: str
    dependencies: Mapping[str, str] = field(default_factory=dict)
    optional_dependencies: Mapping[str, str] = field(default_factory=dict)
    peer_dependencies: Mapping[str, str] = field(default_factory=dict)
    optional_peers: frozenset[str] = frozenset()
    bundle_dependencies: frozenset[str] = frozenset()
    os: tuple[str, ...] = ()
    cpu: tuple[str, ...] = ()
    engines: Mapping[str, str] = field(default_factory=dict)
    deprecated: str | None = None
    tarball: str | None = None
    integrity: str | None = None
    published: datetime | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def semver(self) -> SemVer:
        """The version, read as node-semver reads it (loose)."""
        return parse_version(self.version, loose=True)


@dataclass(frozen=True, slots=True)
class Packument:
    """Every version of ``name`` (by version text), its dist-tags, and when it changed."""

    name: str
    versions: Mapping[str, NpmManifest]
    dist_tags: Mapping[str, str] = field(default_factory=dict)
    modified: str | None = None


@dataclass(frozen=True, slots=True)
class PackumentUnavailable:
    """The registry has no packument for ``name`` at ``url`` (404 and the like)."""

    name: str
    url: str
    reason: str


@dataclass(frozen=True, slots=True)
class NoMatchingVersion:
    """No version of ``name`` fits ``spec``; ``versions`` are the ones considered."""

    name: str
    spec: str
    versions: tuple[str, ...]
    reason: str


def packument_path(name: str) -> str:
    """The path of ``name``'s packument under a registry (``@scope/pkg`` as
    ``@scope%2fpkg``, as npm writes it).

    >>> packument_path("@types/node")
    '@types%2fnode'
    """
    return name.replace("/", "%2f")


def parse_time(text: str) -> datetime | None:
    """An ISO 8601 time of the registry (``2025-06-01T00:00:00.000Z``), or ``None``."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


def _strings(value: object) -> dict[str, str]:
    if not isinstance(value, Mapping):
        return {}
    return {str(k): v for k, v in value.items() if isinstance(v, str)}


def _string_list(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(v for v in value if isinstance(v, str))
    return ()


def normalize_manifest(raw: Mapping[str, Any], name: str) -> dict[str, Any]:
    """A manifest as npm normalizes it before use (@npmcli/package-json's install steps):
    ``bundledDependencies`` renamed, ``bundleDependencies`` made a list, optional
    dependencies dropped from ``dependencies``, a ``funding`` string made ``{"url": …}``,
    ``bin`` made a map of command to clean relative path.

    >>> normalize_manifest({"bin": "./cli.js", "funding": "https://f.test"}, "@a/tool")
    {'bin': {'tool': 'cli.js'}, 'funding': {'url': 'https://f.test'}}
    """
    data = dict(raw)
    normalize_bundle_dependencies(data)
    dependencies, optional = data.get("dependencies"), data.get("optionalDependencies")
    if isinstance(dependencies, Mapping) and isinstance(optional, Mapping):
        kept = {k: v for k, v in dependencies.items() if k not in optional}
        if kept:
            data["dependencies"] = kept
        else:
            del data["dependencies"]
    if isinstance(data.get("funding"), str) and data["funding"]:
        data["funding"] = {"url": data["funding"]}
    if "bin" in data:
        bin_map = _normalize_bin(data["bin"], name)
        if bin_map is None:
            del data["bin"]
        else:
            data["bin"] = bin_map
    return data


def normalize_bundle_dependencies(data: dict[str, Any]) -> None:
    """npm's normalization of ``bundleDependencies`` in place: ``bundledDependencies``
    renamed, ``true`` made the names of ``dependencies``, ``false`` none, an object its
    keys, anything else dropped."""
    if "bundledDependencies" in data:
        if "bundleDependencies" not in data:
            data["bundleDependencies"] = data["bundledDependencies"]
        del data["bundledDependencies"]
    if "bundleDependencies" in data:
        bundled = data["bundleDependencies"]
        if bundled is False:
            data["bundleDependencies"] = []
        elif bundled is True:
            dependencies = data.get("dependencies")
            data["bundleDependencies"] = (
                list(dependencies) if isinstance(dependencies, Mapping) else []
            )
        elif isinstance(bundled, Mapping):
            data["bundleDependencies"] = list(bundled)
        elif not isinstance(bundled, list):
            del data["bundleDependencies"]


def _normalize_bin(value: object, name: str) -> dict[str, str] | None:
    """npm-normalize-package-bin: commands as base names, paths relative and clean."""
    if isinstance(value, str):
        value = {name.rpartition("/")[2]: value}
    if not isinstance(value, Mapping):
        return None
    clean: dict[str, str] = {}
    for command, path in value.items():
        if not isinstance(path, str):
            continue
        base = posixpath.basename(str(command).replace("\\", "/"))
        if base in ("", ".", ".."):
            continue
        target = posixpath.normpath("/" + path.replace("\\", "/")).lstrip("/")
        if target in ("", "."):
            continue
        clean[base] = target
    return clean


def _manifest(name: str, version: str, given: Mapping[str, Any], time: str | None) -> NpmManifest:
    raw = normalize_manifest(given, name)
    meta = raw.get("peerDependenciesMeta")
    optional_peers = frozenset(
        peer
        for peer, info in (meta.items() if isinstance(meta, Mapping) else ())
        if isinstance(info, Mapping) and info.get("optional") is True
    )
    dependencies = _strings(raw.get("dependencies"))
    bundle = frozenset(_string_list(raw.get("bundleDependencies")))
    dist = raw.get("dist") if isinstance(raw.get("dist"), Mapping) else {}
    assert isinstance(dist, Mapping)
    deprecated = raw.get("deprecated")
    return NpmManifest(
        name=name,
        version=version,
        dependencies=dependencies,
        optional_dependencies=_strings(raw.get("optionalDependencies")),
        peer_dependencies=_strings(raw.get("peerDependencies")),
        optional_peers=optional_peers,
        bundle_dependencies=bundle,
        os=_string_list(raw.get("os")),
        cpu=_string_list(raw.get("cpu")),
        engines=_strings(raw.get("engines")),
        deprecated=deprecated if isinstance(deprecated, str) and deprecated else None,
        tarball=dist.get("tarball") if isinstance(dist.get("tarball"), str) else None,
        integrity=_integrity(dist),
        published=parse_time(time) if time else None,
        raw=raw,
    )


def _integrity(dist: Mapping[str, Any]) -> str | None:
    """The SRI of a tarball: ``dist.integrity``, else the legacy sha1 ``shasum`` as SRI."""
    integrity = dist.get("integrity")
    if isinstance(integrity, str) and integrity:
        return integrity
    shasum = dist.get("shasum")
    if isinstance(shasum, str) and len(shasum) == 40:
        try:
            return "sha1-" + base64.b64encode(bytes.fromhex(shasum)).decode("ascii")
        except ValueError:
            return None
    return None


class ManifestTable(Mapping[str, NpmManifest]):
    """The versions of one packument, by version text, read lazily.

    A full packument carries hundreds of versions (thousands for ``@types/node``), of
    which a resolution uses one or two; each :class:`NpmManifest` is built when first
    asked for, from the document's still-encoded JSON (``msgspec.Raw``) or an already
    decoded mapping. What the pick needs of every version, its node-semver reading and
    its publication time, is kept apart so that choosing a version builds only the
    manifests it looks at. Versions node-semver cannot read are left out.
    """

    __slots__ = ("_built", "_name", "_published", "_semvers", "_sources", "_times")

    def __init__(
        self,
        name: str,
        sources: Mapping[str, object],
        times: Mapping[str, object],
        *,
        semvers: Mapping[str, SemVer] | None = None,
    ) -> None:
        self._name = name
        self._sources = sources
        self._times = times
        self._built: dict[str, NpmManifest] = {}
        self._published: dict[str, datetime | None] = {}
        if semvers is None:
            semvers = {}
            for version, source in sources.items():
                if not _is_object(source):
                    continue
                try:
                    semvers[version] = parse_version(version, loose=True)
                except InvalidVersion:
                    continue
        self._semvers: Mapping[str, SemVer] = semvers

    @classmethod
    def of(cls, manifests: Mapping[str, NpmManifest]) -> ManifestTable:
        """A table over manifests already built (as tests and callers make them)."""
        if isinstance(manifests, ManifestTable):
            return manifests
        table = cls("", {}, {}, semvers={v: m.semver for v, m in manifests.items()})
        table._built.update(manifests)
        table._published.update({v: m.published for v, m in manifests.items()})
        return table

    def __getitem__(self, version: str) -> NpmManifest:
        built = self._built.get(version)
        if built is not None:
            return built
        if version not in self._semvers:
            raise KeyError(version)
        source = self._sources[version]
        given = msgspec.json.decode(source) if isinstance(source, msgspec.Raw) else source
        assert isinstance(given, Mapping)  # _is_object checked it
        time = self._times.get(version)
        built = _manifest(self._name, version, given, time if isinstance(time, str) else None)
        self._built[version] = built
        return built

    def __iter__(self) -> Iterator[str]:
        return iter(self._semvers)

    def __len__(self) -> int:
        return len(self._semvers)

    def __contains__(self, version: object) -> bool:
        return version in self._semvers

    def semver(self, version: str) -> SemVer:
        """How node-semver reads ``version`` (loose), without building its manifest."""
        return self._semvers[version]

    def published(self, version: str) -> datetime | None:
        """When ``version`` was published (``time[version]``), if the document says."""
        if version in self._published:
            return self._published[version]
        built = self._built.get(version)
        if built is not None:
            moment = built.published
        else:
            time = self._times.get(version)
            moment = parse_time(time) if isinstance(time, str) else None
        self._published[version] = moment
        return moment

    def restricted(self, versions: Iterable[str]) -> ManifestTable:
        """The same table limited to ``versions`` (sharing what is already built)."""
        kept = {v: self._semvers[v] for v in versions if v in self._semvers}
        view = ManifestTable(self._name, self._sources, self._times, semvers=kept)
        view._built = self._built
        view._published = self._published
        return view


def _is_object(source: object) -> bool:
    if isinstance(source, msgspec.Raw):
        return bytes(memoryview(source)[:1]) == b"{"
    return isinstance(source, Mapping)


def parse_packument(name: str, document: object) -> Packument:
    """Read a decoded packument (abbreviated or full); versions node-semver cannot read
    are skipped.

    Raise ``ValueError`` when the document is not a packument at all.
    """
    if not isinstance(document, Mapping) or not isinstance(document.get("versions"), Mapping):
        raise ValueError("the answer is not a packument (no 'versions' object)")
    times = document.get("time") if isinstance(document.get("time"), Mapping) else {}
    assert isinstance(times, Mapping)
    return _packument(name, document["versions"], times, document.get("dist-tags"), document)


class _Document(msgspec.Struct):
    """The parts of a packument the resolver reads; each version stays encoded."""

    versions: dict[str, msgspec.Raw]
    time: Any = None  # an object of times; anything else is read as no times, as before
    dist_tags: Any = msgspec.field(default=None, name="dist-tags")
    modified: Any = None


_DECODER = msgspec.json.Decoder(_Document)


def read_packument(name: str, content: bytes) -> Packument:
    """Read a packument from the registry's JSON bytes.

    The document is decoded once without decoding the versions' manifests (a full
    packument is mostly those); a version's manifest is decoded when the resolver asks
    for it. Raise ``ValueError`` (``msgspec.DecodeError`` is one) when ``content`` is not
    JSON or not a packument.
    """
    try:
        document = _DECODER.decode(content)
    except msgspec.ValidationError as error:
        raise ValueError(f"the answer is not a packument ({error})") from error
    times = document.time if isinstance(document.time, Mapping) else {}
    return _packument(
        name, document.versions, times, document.dist_tags, {"modified": document.modified}
    )


def _packument(
    name: str,
    sources: Mapping[str, object],
    times: Mapping[str, object],
    dist_tags: object,
    document: Mapping[str, object],
) -> Packument:
    modified = document.get("modified", times.get("modified"))
    if modified is None:
        modified = times.get("modified")
    return Packument(
        name=name,
        versions=ManifestTable(name, sources, times),
        dist_tags=_strings(dist_tags),
        modified=modified if isinstance(modified, str) else None,
    )


_Fetched = Packument | PackumentUnavailable | RegistryError


def npm_alias(spec: str) -> tuple[str, str] | None:
    """``npm:name@range`` as ``(name, range)``; ``None`` for any other spec.

    >>> npm_alias("npm:@scope/real@^2")
    ('@scope/real', '^2')
    """
    text = spec.strip()
    if not text.startswith("npm:"):
        return None
    target = text[4:]
    at = target.find("@", 1)
    if at < 0:
        return target, "*"
    return target[:at], target[at + 1 :].strip() or "*"


def unsupported_spec(spec: str) -> bool:
    """Whether ``spec`` is one no packument serves: git, ``file:``, ``link:``, a URL, a
    GitHub shorthand (an ``npm:`` alias of a range or tag is served)."""
    text = spec.strip()
    alias = npm_alias(text)
    if alias is not None:
        return unsupported_spec(alias[1])
    prefixes = ("git", "file:", "http:", "https:", "link:", "workspace:", "github:")
    if text.startswith(prefixes):
        return True
    return "/" in text and not text.startswith(("<", ">", "=", "~", "^"))


def _registry_target(name: str, spec: str) -> tuple[str, str] | None:
    """The registry name and range behind a dependency ``spec`` (``npm:`` aliases
    followed); ``None`` for a spec no packument serves."""
    if unsupported_spec(spec):
        return None
    return npm_alias(spec) or (name, spec.strip() or "*")


def _engine_ok(manifest: NpmManifest, node_version: SemVer | None) -> bool:
    wanted = manifest.engines.get("node")
    if node_version is None or not wanted:
        return True
    try:
        return SCHEME.parse_range(wanted, loose=True, include_prerelease=True).contains(
            node_version
        )
    except InvalidRange:
        return True  # npm-install-checks treats an unreadable range as no constraint


class NpmRegistry:
    """Packuments from the npm registry through a :class:`polypac.net.HttpClient`.

    ``registry`` is the registry URL for every name, or a function of the scope
    (``"@acme"`` or ``None``) to a URL; by default the one npm is configured with.
    ``before`` hides versions published after it (and makes the registry send full
    packuments, which carry the times). Packuments are kept in memory once read.

    Fetching runs on a pool of ``client.max_connections`` threads. With ``lookahead``
    (the default), :meth:`expect` does not only start fetching the packuments named: as
    each one arrives, the version each range asked of it would most likely get is picked
    and the packuments of *its* dependencies are asked for in turn. The resolver walks the
    tree level by level, in npm's order, and each level needs the packuments of the last;
    looking ahead, the whole closure streams in at the speed of the network instead, and
    a level usually finds its packuments already read. A guess that proves wrong costs
    one fetch the resolution does not use, never a different answer: the resolver picks
    every version itself. :meth:`close` (or leaving the ``with`` block) stops it.
    """

    def __init__(
        self,
        client: HttpClient,
        *,
        registry: str | Callable[[str | None], str] | None = None,
        before: datetime | None = None,
        lookahead: bool = True,
    ) -> None:
        self.client = client
        self.before = before
        self.lookahead = lookahead
        self._bases: dict[str | None, str] = {}
        if registry is None:
            self._registry_of: Callable[[str | None], str] = npm_registry
        elif isinstance(registry, str):
            fixed = registry if registry.endswith("/") else registry + "/"
            self._registry_of = lambda scope: fixed
        else:
            self._registry_of = registry
        self._lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None
        self._closed = False
        self._fetches: dict[str, Future[_Fetched]] = {}
        self._ready: dict[str, Packument] = {}  # read, for looking ahead
        self._asked: dict[str, set[str]] = {}  # the ranges looked ahead from, by name

    def __enter__(self) -> NpmRegistry:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop looking ahead: drop the fetches not yet started and wait for those under
        way (so that none outlives the client it uses); the packuments read stay."""
        with self._lock:
            self._closed = True
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)

    @property
    def accept(self) -> str:
        """The Accept header sent: abbreviated, or full when a date must be read."""
        return ABBREVIATED if self.before is None else _FULL

    def url_of(self, name: str) -> str:
        """The packument URL of ``name`` on the registry of its scope."""
        scope = name.partition("/")[0] if name.startswith("@") else None
        base = self._bases.get(scope)
        if base is None:  # npm's configuration is read once per scope, not once per name
            base = self._bases[scope] = self._registry_of(scope)
        return base + packument_path(name)

    def prefetch(self, names: Iterable[str]) -> None:
        """Fetch the packuments of ``names`` not yet read, concurrently, and wait for them
        (errors surface on :meth:`packument`)."""
        futures = [self._fetch(name) for name in dict.fromkeys(names)]
        wait(futures)

    def expect(self, wanted: Iterable[tuple[str, str]]) -> None:
        """Start fetching the packuments of the ``(name, range)`` pairs the resolver will
        ask for, looking ahead from each (see the class); return at once."""
        for name, spec in wanted:
            self._want(name, spec)

    def packument(self, name: str) -> Packument | PackumentUnavailable:
        """The packument of ``name``, or why the registry has none.

        Raise :class:`RegistryError` when the registry fails (after the client's retries)
        or answers with something that is not a packument.
        """
        found = self._fetch(name).result()
        if isinstance(found, RegistryError):
            raise found
        return found

    def _fetch(self, name: str) -> Future[_Fetched]:
        with self._lock:
            future = self._fetches.get(name)
            if future is not None and not future.cancelled():  # cancelled by close()
                return future
            submitted = False
            if self._closed:  # after close, answered in the caller's thread, below
                future = self._fetches[name] = Future()
            else:
                if self._pool is None:
                    workers = self.client.max_connections
                    self._pool = ThreadPoolExecutor(workers, thread_name_prefix="polypac-npm")
                future = self._fetches[name] = self._pool.submit(self._get, name)
                submitted = True
        if not submitted:
            future.set_result(self._get(name))
        elif self.lookahead:
            # once the packument is handed to whoever waits for it, not before: a guess
            # never delays the resolution, and never breaks it (outside the lock: a future
            # already done runs the callback here, and the callback takes the lock)
            future.add_done_callback(self._after_fetch)
        return future

    def _get(self, name: str) -> _Fetched:
        url = self.url_of(name)
        try:
            answer = self.client.get(url, accept=self.accept)
        except NetError as error:
            if isinstance(error, HttpStatusError) and error.status in (404, 410):
                return PackumentUnavailable(name, url, f"the registry has no package {name}")
            return RegistryError(name, url, f"cannot fetch the packument: {error.problem}")
        try:
            return self._read(name, url, answer.content)
        except RegistryError as error:
            return error

    def _after_fetch(self, future: Future[_Fetched]) -> None:
        if future.cancelled():
            return
        packument = future.result()
        if not isinstance(packument, Packument):
            return
        with self._lock:  # a range asked from now on is looked ahead from by _want
            self._ready[packument.name] = packument
            ranges = list(self._asked.get(packument.name, ()))
        for spec in ranges:
            self._look_ahead(packument, spec)

    def _want(self, name: str, spec: str) -> None:
        if not self.lookahead:
            self._fetch(name)
            return
        with self._lock:
            asked = self._asked.setdefault(name, set())
            if self._closed or spec in asked:
                return
            asked.add(spec)
            ready = self._ready.get(name)
        if ready is None:
            self._fetch(name)
        else:
            self._look_ahead(ready, spec)

    def _look_ahead(self, packument: Packument, spec: str) -> None:
        """Ask for what the version ``spec`` would likely pick depends on."""
        if self._closed:
            return
        try:
            picked = pick_manifest(packument, self.visible(packument), spec)
        except Exception:  # a guess that fails is no guess: the resolver meets the same
            return  # document itself, and reports what is wrong with it
        if not isinstance(picked, NpmManifest):
            return
        for dependencies in (
            picked.dependencies,
            picked.optional_dependencies,
            picked.peer_dependencies,
        ):
            for name, range_ in dependencies.items():
                if name in picked.optional_peers or name in picked.bundle_dependencies:
                    continue
                target = _registry_target(name, range_)
                if target is not None:
                    self._want(*target)

    def _read(self, name: str, url: str, content: bytes) -> Packument:
        try:
            return read_packument(name, content)
        except msgspec.DecodeError as error:
            raise RegistryError(name, url, f"the packument is not valid JSON: {error}") from error
        except (ValueError, RecursionError) as error:
            raise RegistryError(name, url, str(error)) from error

    def visible(self, packument: Packument) -> ManifestTable:
        """The versions of ``packument`` published by ``before`` (all without a date)."""
        table = ManifestTable.of(packument.versions)
        before = self.before
        if before is None:
            return table
        return table.restricted(
            v for v in table if (moment := table.published(v)) is not None and moment <= before
        )

    def pick(
        self, name: str, spec: str, *, node_version: str | None = None
    ) -> NpmManifest | NoMatchingVersion | PackumentUnavailable:
        """The version of ``name`` npm would install for ``spec`` (a range or a dist-tag)."""
        packument = self.packument(name)
        if isinstance(packument, PackumentUnavailable):
            return packument
        return pick_manifest(packument, self.visible(packument), spec, node_version=node_version)

    def tarball(self, manifest: NpmManifest) -> bytes:
        """Download the tarball of ``manifest`` and check it against its integrity.

        A mismatch is a :class:`RegistryError` naming the package and the URL, never a
        silent retry.
        """
        label = f"{manifest.name}@{manifest.version}"
        if manifest.tarball is None:
            raise RegistryError(label, self.url_of(manifest.name), "the manifest has no tarball")
        try:
            return self.client.get(manifest.tarball, digest=manifest.integrity).content
        except DigestMismatch as error:
            raise RegistryError(
                label,
                manifest.tarball,
                f"the tarball does not match its integrity {manifest.integrity}: {error.problem}",
            ) from error
        except NetError as error:
            raise RegistryError(
                label, manifest.tarball, f"cannot fetch the tarball: {error.problem}"
            ) from error


def pick_manifest(
    packument: Packument,
    versions: Mapping[str, NpmManifest],
    spec: str,
    *,
    node_version: str | None = None,
) -> NpmManifest | NoMatchingVersion:
    """npm-pick-manifest's choice among ``versions`` (the ones published by the date).

    >>> m = {v: NpmManifest("a", v) for v in ("1.0.0", "1.1.0", "2.0.0")}
    >>> p = Packument("a", m, {"latest": "1.0.0"})
    >>> pick_manifest(p, m, "^1.0.0").version   # latest wins when it satisfies
    '1.0.0'
    >>> pick_manifest(p, m, ">=1.1.0").version
    '2.0.0'
    """
    node = parse_version(node_version, loose=True) if node_version else None
    table = ManifestTable.of(versions)
    text = spec.strip() or "*"
    tagged = packument.dist_tags.get(text)
    if tagged is not None:
        if tagged in table:
            return table[tagged]
        return NoMatchingVersion(
            packument.name, spec, tuple(table), f"dist-tag {text} names {tagged}, unavailable"
        )
    try:
        wanted = SCHEME.parse_range(text, loose=True)
    except InvalidRange as error:
        return NoMatchingVersion(
            packument.name,
            spec,
            tuple(table),
            f"{spec!r} is neither a range nor a dist-tag ({error.problem})",
        )
    latest = packument.dist_tags.get("latest")
    if latest is not None and latest in table and wanted.contains(table.semver(latest)):
        chosen = table[latest]
        if chosen.deprecated is None and _engine_ok(chosen, node):
            return chosen
    candidates = sorted(
        (v for v in table if wanted.contains(table.semver(v))), key=table.semver, reverse=True
    )
    if not candidates:
        return NoMatchingVersion(
            packument.name, spec, tuple(table), f"no version of {packument.name} satisfies"
        )
    # npm prefers, in this order: fits the engines and is not deprecated; fits; is not
    # deprecated; anything; and the highest version within the first class that has one.
    # Going down from the highest, the first of the best class is found building only
    # the manifests looked at (usually one).
    best: tuple[int, NpmManifest] | None = None
    for version in candidates:
        manifest = table[version]
        fits = _engine_ok(manifest, node)
        live = manifest.deprecated is None
        rank = 3 if fits and live else 2 if fits else 1 if live else 0
        if best is None or rank > best[0]:
            best = (rank, manifest)
            if rank == 3:
                break
    assert best is not None
    return best[1]
