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
import json
import posixpath
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from polypac.errors import InvalidRange, InvalidVersion, PolypacError
from polypac.net import DigestMismatch, HttpClient, HttpStatusError, NetError, npm_registry
from polypac.version.npm import SCHEME, parse_version
from polypac.version.semver import SemVer

__all__ = [
    "ABBREVIATED",
    "NoMatchingVersion",
    "NpmManifest",
    "NpmRegistry",
    "Packument",
    "PackumentUnavailable",
    "RegistryError",
    "normalize_manifest",
    "packument_path",
    "parse_packument",
    "parse_time",
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
    if "bundledDependencies" in data:
        if "bundleDependencies" not in data:
            data["bundleDependencies"] = data["bundledDependencies"]
        del data["bundledDependencies"]
    if "bundleDependencies" in data:
        bundled = data["bundleDependencies"]
        if bundled is False:
            data["bundleDependencies"] = []
        elif bundled is True:
            data["bundleDependencies"] = list(_strings(data.get("dependencies")))
        elif isinstance(bundled, Mapping):
            data["bundleDependencies"] = list(bundled)
        elif not isinstance(bundled, list):
            del data["bundleDependencies"]
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


def parse_packument(name: str, document: object) -> Packument:
    """Read a packument (abbreviated or full); versions node-semver cannot read are skipped.

    Raise ``ValueError`` when the document is not a packument at all.
    """
    if not isinstance(document, Mapping) or not isinstance(document.get("versions"), Mapping):
        raise ValueError("the answer is not a packument (no 'versions' object)")
    times = document.get("time") if isinstance(document.get("time"), Mapping) else {}
    assert isinstance(times, Mapping)
    versions: dict[str, NpmManifest] = {}
    for version, raw in document["versions"].items():
        if not isinstance(raw, Mapping):
            continue
        try:
            parse_version(version, loose=True)
        except InvalidVersion:
            continue
        time = times.get(version)
        versions[version] = _manifest(name, version, raw, time if isinstance(time, str) else None)
    modified = document.get("modified", times.get("modified"))
    return Packument(
        name=name,
        versions=versions,
        dist_tags=_strings(document.get("dist-tags")),
        modified=modified if isinstance(modified, str) else None,
    )


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
    """

    def __init__(
        self,
        client: HttpClient,
        *,
        registry: str | Callable[[str | None], str] | None = None,
        before: datetime | None = None,
    ) -> None:
        self.client = client
        self.before = before
        self._bases: dict[str | None, str] = {}
        if registry is None:
            self._registry_of: Callable[[str | None], str] = npm_registry
        elif isinstance(registry, str):
            fixed = registry if registry.endswith("/") else registry + "/"
            self._registry_of = lambda scope: fixed
        else:
            self._registry_of = registry
        self._packuments: dict[str, Packument | PackumentUnavailable] = {}

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
        """Fetch the packuments of ``names`` not yet read, concurrently."""
        wanted = [n for n in dict.fromkeys(names) if n not in self._packuments]
        if not wanted:
            return
        urls = {self.url_of(n): n for n in wanted}
        answers = self.client.get_many(urls, accept=self.accept)
        for url, answer in answers.items():
            name = urls[url]
            if isinstance(answer, NetError):
                self._packuments[name] = self._failure(name, url, answer)
            else:
                self._packuments[name] = self._read(name, url, answer.content)

    def packument(self, name: str) -> Packument | PackumentUnavailable:
        """The packument of ``name``, or why the registry has none.

        Raise :class:`RegistryError` when the registry fails (after the client's retries)
        or answers with something that is not a packument.
        """
        if name not in self._packuments:
            self.prefetch([name])
        return self._packuments[name]

    def _failure(self, name: str, url: str, error: NetError) -> PackumentUnavailable:
        if isinstance(error, HttpStatusError) and error.status in (404, 410):
            return PackumentUnavailable(name, url, f"the registry has no package {name}")
        raise RegistryError(name, url, f"cannot fetch the packument: {error.problem}") from error

    def _read(self, name: str, url: str, content: bytes) -> Packument:
        try:
            return parse_packument(name, json.loads(content))
        except (UnicodeDecodeError, ValueError, RecursionError) as error:
            raise RegistryError(name, url, f"the packument is not valid JSON: {error}") from error

    def visible(self, packument: Packument) -> dict[str, NpmManifest]:
        """The versions of ``packument`` published by ``before`` (all without a date)."""
        if self.before is None:
            return dict(packument.versions)
        return {
            v: m
            for v, m in packument.versions.items()
            if m.published is not None and m.published <= self.before
        }

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
    text = spec.strip() or "*"
    tagged = packument.dist_tags.get(text)
    if tagged is not None:
        if tagged in versions:
            return versions[tagged]
        return NoMatchingVersion(
            packument.name, spec, tuple(versions), f"dist-tag {text} names {tagged}, unavailable"
        )
    try:
        wanted = SCHEME.parse_range(text, loose=True)
    except InvalidRange as error:
        return NoMatchingVersion(
            packument.name,
            spec,
            tuple(versions),
            f"{spec!r} is neither a range nor a dist-tag ({error.problem})",
        )
    latest = packument.dist_tags.get("latest")
    if latest is not None and latest in versions:
        chosen = versions[latest]
        if (
            wanted.contains(chosen.semver)
            and chosen.deprecated is None
            and _engine_ok(chosen, node)
        ):
            return chosen
    candidates = [m for m in versions.values() if wanted.contains(m.semver)]
    if not candidates:
        return NoMatchingVersion(
            packument.name, spec, tuple(versions), f"no version of {packument.name} satisfies"
        )

    def preference(m: NpmManifest) -> tuple[bool, bool, bool, SemVer]:
        fits = _engine_ok(m, node)
        live = m.deprecated is None
        return (fits and live, fits, live, m.semver)

    return max(candidates, key=preference)
