"""Bundled dependencies as npm 11 records them in ``package-lock.json``.

A package whose manifest lists ``bundleDependencies`` ships those packages (and what they
need) inside its own tarball, under ``node_modules/``. Building a complete ideal tree (``npm
install --package-lock-only``), arborist "cracks open" the tarball of every such package
(``buildIdealTree``'s ``crackOpen``): it unpacks it, reads the ``node_modules`` inside as an
actual tree (``loadActual``) and hangs what it finds under the bundler. It never asks the
registry for a bundled name, found or not, nor for anything a bundled package depends on.

:func:`read_bundle` does the same from the tarball's bytes, without unpacking to disk, and
gives each package found as npm writes it into the lock (``Shrinkwrap.metaFromNode``):

* the location, ``node_modules/<bundler>/node_modules/<folder>``, nested as in the tarball;
* the fields of its ``package.json`` after npm's normalization for an installed package
  (``@npmcli/package-json``'s ``normalize``: every ``_``-prefixed key removed, so an old
  bundle's ``_resolved``/``_integrity`` are dropped; ``bundledDependencies`` renamed;
  optional dependencies taken out of ``dependencies``; ``funding`` and ``bin`` normalized,
  ``directories.bin`` expanded from the files in the tarball): ``version``,
  ``dependencies``, ``peerDependencies``, ``license`` and the rest of the lock's package
  keys, ``name`` when it differs from the folder;
* ``inBundle: true`` for the packages arborist's ``getBundler`` counts as bundled (listed by
  their parent, under a bundled package, or a dependency of a bundled package hoisted to the
  bundler's level), ``hasInstallScript: true`` when the scripts say so, and **no**
  ``resolved`` or ``integrity``;
* ``extraneous: true`` (and no other flag) for a package nothing reaches; else the ``dev``,
  ``optional``, ``devOptional``, ``peer`` flags, which follow from the bundler's own
  (:meth:`BundleContents.lock_entries`).

A bundled name not in the tarball is listed in :attr:`BundleContents.missing`: npm leaves the
edge unresolved (no entry, no registry request). The tarball is read as npm's tar reader
extracts it: gzip or plain tar (ustar, pax, GNU names), the first path component stripped,
only regular files kept (links are dropped), entries whose path contains ``..`` skipped
(npm warns ``TAR_ENTRY_ERROR``), a later entry replacing an earlier one. A root
``npm-shrinkwrap.json`` is returned as data (:attr:`BundleContents.shrinkwrap`): npm loads a
shrinkwrapped package's subtree from it when the manifest says ``_hasShrinkwrap``.

A tarball that cannot be read (not gzip or tar, cut short, over a size limit) is a
:class:`BundleError` naming the package and the problem; an unreadable ``package.json``
inside is not an error, as for npm: the package gets an entry with no fields.
"""

from __future__ import annotations

import io
import json
import tarfile
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from polypac.ecosystems.npm.lock_writer import MANIFEST_KEYS
from polypac.ecosystems.npm.registry import (
    NpmManifest,
    RegistryError,
    normalize_bundle_dependencies,
)

__all__ = [
    "DEFAULT_LIMITS",
    "BundleContents",
    "BundleEdge",
    "BundleError",
    "BundledPackage",
    "TarballLimits",
    "cracks_open",
    "read_bundle",
]

_GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 1 << 16


class BundleError(RegistryError):
    """The tarball of ``package`` (downloaded from ``url``) cannot be read for its bundled
    dependencies; ``problem`` says why, ``member`` names the tar entry when one is at fault.
    """

    def __init__(self, package: str, url: str, problem: str, member: str | None = None) -> None:
        self.member = member
        super().__init__(package, url, problem)


@dataclass(frozen=True, slots=True)
class TarballLimits:
    """How much of a tarball is read: the unpacked size, the number of tar entries, and the
    size of one ``package.json`` (or ``npm-shrinkwrap.json``)."""

    unpacked_bytes: int = 1 << 30
    entries: int = 200_000
    manifest_bytes: int = 16 << 20


DEFAULT_LIMITS = TarballLimits()
"""The limits :func:`read_bundle` applies unless told otherwise."""


@dataclass(frozen=True, slots=True)
class BundleEdge:
    """A dependency of a package in the bundle: ``kind`` is arborist's edge type (``prod``,
    ``optional``, ``peer``, ``peerOptional``); ``to`` the location of the bundled copy it
    resolves to, or ``None`` when the name is not in the bundle (then the copy is looked up
    in the tree above the bundler, or is missing)."""

    name: str
    kind: str
    to: str | None

    @property
    def optional(self) -> bool:
        """Whether the edge is optional (``optional`` or ``peerOptional``)."""
        return self.kind in ("optional", "peerOptional")

    @property
    def peer(self) -> bool:
        """Whether the edge is a peer edge (``peer`` or ``peerOptional``)."""
        return self.kind in ("peer", "peerOptional")


@dataclass(frozen=True, slots=True)
class BundledPackage:
    """One package found in a bundler's tarball.

    ``folder`` is the folder name under ``node_modules`` (``x`` or ``@scope/x``);
    ``manifest`` its ``package.json`` as npm normalizes it (``raw``), with the name (the
    folder's when the file has none) and the version (``""`` when none); ``problem`` says
    why the ``package.json`` could not be read, if it could not. ``entry`` is the lock entry
    npm writes, without the dependency-type flags (see :meth:`BundleContents.lock_entries`).
    """

    location: str
    folder: str
    manifest: NpmManifest
    in_bundle: bool
    extraneous: bool
    entry: Mapping[str, Any]
    edges: tuple[BundleEdge, ...] = ()
    problem: str | None = None


@dataclass(frozen=True, slots=True)
class BundleContents:
    """What npm takes from the tarball of the package at ``location`` (``bundler``,
    ``name@version``): the packages under it, sorted by location; the bundler's own edges;
    the bundled names the tarball lacks; the root ``npm-shrinkwrap.json``
    (``shrinkwrap_problem`` when present but not a JSON object); the tar entries npm skips
    (paths with ``..``, links).
    """

    bundler: str
    location: str
    packages: tuple[BundledPackage, ...]
    edges: tuple[BundleEdge, ...] = ()
    missing: tuple[str, ...] = ()
    shrinkwrap: Mapping[str, Any] | None = None
    shrinkwrap_problem: str | None = None
    skipped: tuple[str, ...] = ()

    def at(self, location: str) -> BundledPackage | None:
        """The package at ``location``, if the bundle has one there."""
        for package in self.packages:
            if package.location == location:
                return package
        return None

    def lock_entries(
        self,
        *,
        dev: bool = False,
        optional: bool = False,
        dev_optional: bool = False,
        peer: bool = False,
    ) -> dict[str, dict[str, Any]]:
        """Every package's lock entry by location, as npm writes it when the bundler has
        these flags: arborist's ``calcDepFlags`` walked from the bundler through the bundle.

        >>> BundleContents("a@1.0.0", "node_modules/a", ()).lock_entries(dev=True)
        {}
        """
        flags = _bundle_flags(
            self, dev=dev, optional=optional, dev_optional=dev_optional, peer=peer
        )
        entries: dict[str, dict[str, Any]] = {}
        for package in self.packages:
            entry = dict(package.entry)
            if not package.extraneous:
                entry.update({k: True for k, on in flags[package.location].items() if on})
            entries[package.location] = entry
        return entries


def cracks_open(manifest: NpmManifest) -> bool:
    """Whether npm reads the tarball of ``manifest`` when building a complete ideal tree:
    it lists bundled dependencies, or the registry says it has a shrinkwrap.

    >>> cracks_open(NpmManifest("a", "1.0.0", bundle_dependencies=frozenset({"b"})))
    True
    >>> cracks_open(NpmManifest("a", "1.0.0"))
    False
    """
    return bool(manifest.bundle_dependencies) or bool(manifest.raw.get("_hasShrinkwrap"))


def read_bundle(
    tarball: bytes,
    manifest: NpmManifest,
    location: str,
    *,
    within_bundle: bool = False,
    limits: TarballLimits = DEFAULT_LIMITS,
) -> BundleContents:
    """The packages npm finds in ``tarball``, the tarball of ``manifest`` placed at
    ``location`` (``node_modules/cdk8s``), and the lock entries it writes for them.

    ``within_bundle`` says that the bundler is itself bundled (the project lists it in its
    own ``bundleDependencies``): npm then marks everything under it ``inBundle``.
    Raise :class:`BundleError` when the tarball cannot be read.
    """
    label = f"{manifest.name}@{manifest.version}"
    url = manifest.tarball or "the tarball"
    unpacked = _unpack(tarball, limits, label, url)
    shrinkwrap, shrinkwrap_problem = None, None
    if "npm-shrinkwrap.json" in unpacked.files:
        document, problem = _parse_json(unpacked.files["npm-shrinkwrap.json"])
        if isinstance(document, dict):
            shrinkwrap = document
        else:
            shrinkwrap_problem = f"npm-shrinkwrap.json is {problem or 'not a JSON object'}"
    try:
        tree = _Tree(unpacked, manifest, location)
        tree.find_bundle_membership(within_bundle)
        packages = tuple(tree.package(n) for n in sorted(tree.nodes, key=lambda n: n.location))
    except RecursionError as error:
        raise BundleError(label, url, "the packages in the tarball nest too deeply") from error
    return BundleContents(
        bundler=label,
        location=location,
        packages=packages,
        edges=tuple(tree.edges_of(tree.bundler)),
        missing=tuple(
            dict.fromkeys(n for n in _bundle_list(manifest) if tree.bundler.child(n) is None)
        ),
        shrinkwrap=shrinkwrap,
        shrinkwrap_problem=shrinkwrap_problem,
        skipped=tuple(unpacked.skipped),
    )


# --- reading the tarball -----------------------------------------------------------------------


class _TooLarge(Exception):
    """The unpacked tarball passed the size limit (raised inside tarfile's reads)."""


class _CutShort(Exception):
    """The gzip stream ended before its end marker."""


class _Corrupt(Exception):
    """zlib refused the gzip stream (raised inside tarfile's reads, which would rename a
    zlib.error)."""


class _Gunzip(io.RawIOBase):
    """The decompressed bytes of a gzip stream (one or more members), counted against a
    limit as they are read; bytes after the last member that are not gzip are ignored, as
    node's zlib ignores them."""

    def __init__(self, data: bytes, limit: int) -> None:
        self._data = memoryview(data)
        self._position = 0
        self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        self._pending = bytearray()
        self._produced = 0
        self._limit = limit
        self._done = False

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        while not self._done and (size < 0 or len(self._pending) < size):
            self._inflate()
        if size < 0:
            size = len(self._pending)
        out = bytes(self._pending[:size])
        del self._pending[:size]
        return out

    def readinto(self, buffer: Any) -> int:
        chunk = self.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)

    def _inflate(self) -> None:
        inflater = self._inflater
        if inflater.eof:
            self._position -= len(inflater.unused_data)
            if bytes(self._data[self._position : self._position + 2]) != _GZIP_MAGIC:
                self._done = True
                return
            inflater = self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        if inflater.unconsumed_tail:
            feed = inflater.unconsumed_tail
        elif self._position < len(self._data):
            feed = bytes(self._data[self._position : self._position + _CHUNK])
            self._position += len(feed)
        else:
            raise _CutShort
        try:
            out = inflater.decompress(feed, _CHUNK)
        except zlib.error as error:
            raise _Corrupt(str(error)) from error
        self._produced += len(out)
        if self._produced > self._limit:
            raise _TooLarge
        self._pending += out


@dataclass(slots=True)
class _Unpacked:
    """The regular files of a tarball by cleaned path (the content of the files read, else
    ``None``), the folders they imply, and the entries npm would skip."""

    files: dict[str, bytes | None] = field(default_factory=dict)
    folders: set[str] = field(default_factory=set)
    skipped: list[str] = field(default_factory=list)


def _wanted(path: str) -> bool:
    """The files read: every ``package.json`` under ``node_modules``, the root shrinkwrap."""
    return path == "npm-shrinkwrap.json" or (
        path.startswith("node_modules/") and path.endswith("/package.json")
    )


def _clean_member_path(name: str) -> str | None:
    """A member's path once npm's tar reader strips the first component (``package/``),
    ``.`` and empty components dropped; ``None`` for nothing left."""
    parts = name.split("/")[1:]
    kept = [part for part in parts if part not in ("", ".")]
    return "/".join(kept) if kept else None


def _unpack(data: bytes, limits: TarballLimits, label: str, url: str) -> _Unpacked:
    if not data:
        raise BundleError(label, url, "the tarball is empty")
    gzipped = data[:2] == _GZIP_MAGIC
    source: io.RawIOBase | io.BytesIO = (
        _Gunzip(data, limits.unpacked_bytes) if gzipped else io.BytesIO(data)
    )
    unpacked = _Unpacked()
    try:
        with tarfile.open(fileobj=source, mode="r|", encoding="utf-8", errors="replace") as tar:
            for count, member in enumerate(tar, start=1):
                if count > limits.entries:
                    raise BundleError(
                        label, url, f"the tarball has more than {limits.entries} entries"
                    )
                _take(tar, member, unpacked, limits, label, url)
                # read as a stream: keep no list of the entries gone by (typeshed does not
                # declare TarFile.members, the list TarFile.next appends to)
                tar.members = []  # type: ignore[attr-defined]
    except _TooLarge as error:
        raise BundleError(
            label, url, f"the tarball unpacks to more than {limits.unpacked_bytes} bytes"
        ) from error
    except _CutShort as error:
        raise BundleError(label, url, "the gzip data is cut short") from error
    except _Corrupt as error:
        raise BundleError(label, url, f"the gzip data is corrupt ({error})") from error
    except (tarfile.TarError, EOFError, OSError, ValueError, OverflowError) as error:
        kind = "gzip-compressed tar" if gzipped else "tar"
        raise BundleError(label, url, f"the {kind} data cannot be read ({error})") from error
    for path in unpacked.files:
        parts = path.split("/")
        unpacked.folders.update("/".join(parts[:end]) for end in range(1, len(parts)))
    for folder in unpacked.folders & unpacked.files.keys():
        del unpacked.files[folder]  # a folder wins over a file of the same path
    return unpacked


def _take(
    tar: tarfile.TarFile,
    member: tarfile.TarInfo,
    unpacked: _Unpacked,
    limits: TarballLimits,
    label: str,
    url: str,
) -> None:
    if not member.isreg():
        if member.islnk() or member.issym():
            unpacked.skipped.append(member.name)  # npm's extraction drops links
        return
    path = _clean_member_path(member.name)
    if path is None:
        return
    if ".." in path.split("/"):
        unpacked.skipped.append(member.name)
        return
    if not _wanted(path):
        unpacked.files[path] = None
        return
    if member.size > limits.manifest_bytes:
        raise BundleError(
            label,
            url,
            f"{member.name} is {member.size} bytes, more than the {limits.manifest_bytes} "
            "read of a manifest",
            member.name,
        )
    handle = tar.extractfile(member)
    content = handle.read() if handle is not None else b""
    if len(content) != member.size:
        raise BundleError(label, url, f"the tar data is cut short in {member.name}", member.name)
    unpacked.files[path] = content


def _parse_json(content: bytes | None) -> tuple[Any, str | None]:
    """JSON as node reads a file: UTF-8 with replacement, a leading BOM ignored."""
    text = (content or b"").decode("utf-8", errors="replace").removeprefix("\ufeff")
    try:
        return json.loads(text, parse_constant=_no_constant), None
    except (ValueError, RecursionError) as error:
        return None, f"not JSON ({error})"


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


# --- package.json as npm normalizes an installed package ----------------------------------------


class _Unreadable(Exception):
    """npm's normalization throws on this package.json: npm keeps the package, empty."""


def _normalize(document: Mapping[str, Any], files: Callable[[], Iterable[str]]) -> dict[str, Any]:
    """``@npmcli/package-json`` ``normalize`` steps, as ``loadActual`` runs them; ``files``
    gives the package's own paths (for ``directories.bin``)."""
    data = {k: v for k, v in document.items() if not k.startswith("_")}
    normalize_bundle_dependencies(data)
    dependencies, optional = data.get("dependencies"), data.get("optionalDependencies")
    if (
        _truthy(dependencies)
        and isinstance(dependencies, dict)
        and isinstance(optional, dict | list)
    ):
        dropped = (
            set(optional) if isinstance(optional, dict) else {str(i) for i in range(len(optional))}
        )
        kept = {k: v for k, v in dependencies.items() if k not in dropped}
        if kept:
            data["dependencies"] = kept
        else:
            del data["dependencies"]
    if "scripts" in data:
        scripts = data["scripts"]
        if isinstance(scripts, dict):
            data["scripts"] = {k: v for k, v in scripts.items() if isinstance(v, str)}
        elif not isinstance(scripts, list) and scripts is not None:
            del data["scripts"]
    if isinstance(data.get("funding"), str) and data["funding"]:
        data["funding"] = {"url": data["funding"]}
    directories = data.get("directories")
    bin_dir = directories.get("bin") if isinstance(directories, dict) else None
    if _truthy(bin_dir) and not _truthy(data.get("bin")):
        data["bin"] = _bin_from_folder(bin_dir, files())
    else:
        normalized = _normalize_bin(data.get("bin"), data.get("name"))
        if normalized is None:
            data.pop("bin", None)
        else:
            data["bin"] = normalized
    return data


def _truthy(value: Any) -> bool:
    """JavaScript's truthiness of a JSON value: empty arrays and objects are true."""
    return value not in (None, False, 0, "") or isinstance(value, list | dict)


def _js_string(value: Any) -> str:
    """``String(value)`` of a JSON value, for a value used as an object key."""
    if isinstance(value, str):
        return value
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return ",".join("" if v is None else _js_string(v) for v in value)
    if isinstance(value, dict):
        return "[object Object]"
    return str(value)


def _node_normalize(path: str) -> str:
    """node's ``path.posix.normalize`` of an absolute path: ``.`` and ``..`` resolved, a
    trailing slash kept."""
    parts: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts:
                parts.pop()
        else:
            parts.append(part)
    out = "/" + "/".join(parts)
    return out + "/" if path.endswith("/") and parts else out


def _secure_path(ref: str) -> str:
    """npm's ``secureAndUnixifyPath``: relative, clean, never above the package; ``""``
    for the package folder itself."""
    unix = ref.replace("\\", "/").replace(":", "/")
    absolute = _node_normalize("/" + unix)
    return "" if absolute == "/" else absolute[1:]


def _basename(path: str) -> str:
    """node's ``path.posix.basename`` (trailing slashes ignored)."""
    return path.rstrip("/").rpartition("/")[2]


def _normalize_bin(value: Any, name: Any) -> dict[str, Any] | None:
    """npm's ``normalizePackageBin``: commands as base names, targets made safe; ``None``
    when npm deletes the field."""
    if not _truthy(value):
        return None
    if isinstance(value, str) and _truthy(name):
        value = {_js_string(name): value}
    elif isinstance(value, list):
        if not all(isinstance(item, str) for item in value):
            raise _Unreadable("bin lists a path that is not a string")
        value = {_basename(item): item for item in value}
    if not isinstance(value, dict):
        return None
    # the same walk as npm's: renaming a command in place, while visiting the others
    work = dict(value)
    for command in list(value):
        if command not in work:
            continue
        target = work[command]
        base = _basename(_secure_path(command)) if isinstance(target, str) else ""
        safe = _secure_path(target) if isinstance(target, str) else ""
        if not base or not safe:
            del work[command]
            continue
        if base != command:
            del work[command]
        work[base] = safe
    return work or None


def _bin_from_folder(bin_dir: Any, files: Iterable[str]) -> dict[str, str]:
    """``directories.bin`` expanded as npm's glob ``**`` lists it: every file and folder
    under it whose path has no dot-named part, by base name (later paths win)."""
    if not isinstance(bin_dir, str):
        raise _Unreadable("directories.bin is not a string")
    folder = _secure_path(bin_dir)
    prefix = folder.rstrip("/") + "/" if folder.rstrip("/") else ""
    found: set[str] = set()
    for path in files:
        if not path.startswith(prefix):
            continue
        parts = path[len(prefix) :].split("/")
        for end in range(1, len(parts) + 1):
            if parts[end - 1].startswith("."):
                break
            found.add("/".join(parts[:end]))
    return {_basename(path): f"{folder}/{_secure_path(path)}" for path in sorted(found)}


def _meta_field(package: Mapping[str, Any], key: str) -> Any:
    """A package field as the lock keeps it (``metaFieldFromPkg``), or ``None``."""
    value = package.get(key)
    if not value:
        return None
    if key == "license" and isinstance(value, dict) and value.get("type"):
        return value["type"]
    return value


def _strings(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {k: v for k, v in value.items() if isinstance(v, str)}


def _string_tuple(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(v for v in value if isinstance(v, str))
    return ()


def _edge_kinds(package: Mapping[str, Any]) -> dict[str, str]:
    """arborist's edges of a package, one per name: later kinds win (peer, prod, optional)."""
    kinds: dict[str, str] = {}
    peers, meta = package.get("peerDependencies"), package.get("peerDependenciesMeta")
    if isinstance(peers, dict):
        for name in peers:
            info = meta.get(name) if isinstance(meta, dict) else None
            optional = isinstance(info, dict) and _truthy(info.get("optional"))
            kinds[name] = "peerOptional" if optional else "peer"
    for key, kind in (("dependencies", "prod"), ("optionalDependencies", "optional")):
        section = package.get(key)
        if isinstance(section, dict):
            kinds.update(dict.fromkeys(section, kind))
    return {name: kind for name, kind in kinds.items() if name}


def _bundle_list(manifest: NpmManifest) -> list[str]:
    """The bundler's ``bundleDependencies`` as a list, in the manifest's order."""
    listed = manifest.raw.get("bundleDependencies")
    if isinstance(listed, list):
        return [name for name in listed if isinstance(name, str)]
    return sorted(manifest.bundle_dependencies)


# --- the tree under the bundler ---------------------------------------------------------------


class _Node:
    """A folder of the bundle (or the bundler itself): its package and children."""

    def __init__(self, folder: str, path: str, location: str, parent: _Node | None) -> None:
        self.folder = folder
        self.path = path  # inside the tarball: "" for the bundler, else "node_modules/..."
        self.location = location
        self.parent = parent
        self.children: dict[str, _Node] = {}
        self.package: dict[str, Any] = {}
        self.problem: str | None = None
        self.edge_kinds: dict[str, str] = {}
        self.bundle_list: list[Any] | None = None
        self.in_bundle = False
        self.reached = False
        # lookups memoized once the tree is built (children never change after): a bundle
        # of N packages each naming N absent dependencies would otherwise cost N^3
        self._folded: dict[str, _Node] | None = None
        self._resolved: dict[str, _Node | None] = {}

    def child(self, name: str) -> _Node | None:
        """The child of that name; arborist's children map ignores case (the first, in
        name order, of those that differ in case only)."""
        found = self.children.get(name)
        if found is not None:
            return found
        if self._folded is None:
            self._folded = {}
            for key, node in sorted(self.children.items()):
                self._folded.setdefault(key.lower(), node)
        return self._folded.get(name.lower())

    def resolve(self, name: str) -> _Node | None:
        """The copy ``name`` resolves to, looked up to the bundler's ``node_modules``."""
        if name in self._resolved:
            return self._resolved[name]
        answer: _Node | None = None
        node: _Node | None = self
        while node is not None:
            answer = node.child(name)
            if answer is not None:
                break
            node = node.parent
        self._resolved[name] = answer
        return answer


class _Tree:
    def __init__(self, unpacked: _Unpacked, manifest: NpmManifest, location: str) -> None:
        self.unpacked = unpacked
        self.bundler = _Node(manifest.name, "", location, None)
        self.bundler.package = dict(manifest.raw)
        kinds = {
            name: "peerOptional" if name in manifest.optional_peers else "peer"
            for name in manifest.peer_dependencies
        }
        kinds.update(dict.fromkeys(manifest.dependencies, "prod"))
        kinds.update(dict.fromkeys(manifest.optional_dependencies, "optional"))
        self.bundler.edge_kinds = kinds
        self.bundler.bundle_list = _bundle_list(manifest)
        self.nodes: list[_Node] = []
        self._listing: dict[str, dict[str, bool]] = {}
        for path, is_folder in [(p, True) for p in unpacked.folders] + [
            (p, False) for p in unpacked.files
        ]:
            folder, _, name = path.rpartition("/")
            self._listing.setdefault(folder, {})[name] = is_folder
        self._load_children(self.bundler)
        self._mark_reached()

    def _entries(self, folder: str) -> list[tuple[str, bool]]:
        """The names in ``folder`` of the tarball, each with whether it is a folder."""
        return sorted(self._listing.get(folder, {}).items())

    def _load_children(self, parent: _Node) -> None:
        modules = f"{parent.path}/node_modules" if parent.path else "node_modules"
        if modules not in self.unpacked.folders:
            return
        found: list[tuple[str, bool]] = []
        for name, is_folder in self._entries(modules):
            if not name.startswith("@"):
                found.append((name, is_folder))
            elif not is_folder:
                return  # npm's scoped readdir fails on a file named @x: no children at all
            else:
                found.extend(
                    (f"{name}/{inner}", d) for inner, d in self._entries(f"{modules}/{name}")
                )
        for name, is_folder in found:
            if name.startswith(".") or "/." in name:
                continue
            path = f"{modules}/{name}"
            node = _Node(name, path, f"{parent.location}/node_modules/{name}", parent)
            parent.children[name] = node
            self.nodes.append(node)
            self._read_package(node, is_folder)
            if is_folder:
                self._load_children(node)

    def _read_package(self, node: _Node, is_folder: bool) -> None:
        manifest_path = f"{node.path}/package.json"
        if not is_folder or manifest_path not in self.unpacked.files:
            node.problem = "no package.json"
            return
        document, problem = _parse_json(self.unpacked.files[manifest_path])
        if problem is not None:
            node.problem = f"package.json is {problem}"
            return
        if not isinstance(document, dict):
            node.problem = "package.json is not a JSON object"
            return
        prefix = node.path + "/"

        def files() -> list[str]:
            return [p[len(prefix) :] for p in self.unpacked.files if p.startswith(prefix)]

        try:
            node.package = _normalize(document, files)
        except _Unreadable as error:
            node.problem = f"package.json cannot be normalized: {error}"
            return
        node.edge_kinds = _edge_kinds(node.package)
        listed = node.package.get("bundleDependencies")
        node.bundle_list = listed if isinstance(listed, list) else None

    def edges_of(self, node: _Node) -> list[BundleEdge]:
        """The edges of ``node`` by name, with the bundled copy each reaches."""
        out = []
        for name in sorted(node.edge_kinds):
            to = node.resolve(name)
            out.append(BundleEdge(name, node.edge_kinds[name], to.location if to else None))
        return out

    def _mark_reached(self) -> None:
        """calcDepFlags' extraneous walk: from the bundler along every edge but optional
        peers."""
        queue = [self.bundler]
        while queue:
            node = queue.pop()
            for name, kind in node.edge_kinds.items():
                to = node.resolve(name)
                if to is not None and not to.reached and kind != "peerOptional":
                    to.reached = True
                    queue.append(to)

    def find_bundle_membership(self, within_bundle: bool) -> None:
        """arborist's ``getBundler`` for every node (with its shared visited list)."""
        edges_in: dict[int, list[_Node]] = {id(n): [] for n in self.nodes}
        for source in [self.bundler, *sorted(self.nodes, key=lambda n: n.location)]:
            for name in source.edge_kinds:
                to = source.resolve(name)
                if to is not None:
                    edges_in[id(to)].append(source)
        outside = _Node("", "", "", None)

        def bundler_of(node: _Node, seen: set[int]) -> _Node | None:
            if id(node) in seen:
                return None
            seen.add(id(node))
            parent = node.parent
            if parent is None:  # the bundler: its own bundler is above the tarball
                return outside if within_bundle else None
            by_parent = bundler_of(parent, seen)
            if by_parent is not None:
                return by_parent
            if parent.bundle_list is not None and node.folder in parent.bundle_list:
                return parent
            for source in edges_in[id(node)]:
                if bundler_of(source, seen) is parent:
                    return parent
            return None

        for node in self.nodes:
            node.in_bundle = bundler_of(node, set()) is not None

    def package(self, node: _Node) -> BundledPackage:
        """The public record of ``node``: its manifest and lock entry."""
        data = node.package
        entry: dict[str, Any] = {}
        for key in MANIFEST_KEYS:
            value = _meta_field(data, key)
            if value is not None:
                entry[key.lstrip("_")] = value
        name = data.get("name")
        if _truthy(name) and name != node.folder:
            entry["name"] = name
        if node.in_bundle:
            entry["inBundle"] = True
        scripts = data.get("scripts")
        run = scripts if isinstance(scripts, dict) else {}
        if _truthy(data.get("hasInstallScript")) or any(
            _truthy(run.get(k)) for k in ("install", "preinstall", "postinstall")
        ):
            entry["hasInstallScript"] = True
        if not node.reached:
            entry["extraneous"] = True
        version = data.get("version")
        peers_meta = data.get("peerDependenciesMeta")
        deprecated = data.get("deprecated")
        manifest = NpmManifest(
            name=name if isinstance(name, str) and name else node.folder,
            version=version if isinstance(version, str) else "",
            dependencies=_strings(data.get("dependencies")),
            optional_dependencies=_strings(data.get("optionalDependencies")),
            peer_dependencies=_strings(data.get("peerDependencies")),
            optional_peers=frozenset(
                peer
                for peer, info in (peers_meta.items() if isinstance(peers_meta, dict) else ())
                if isinstance(info, dict) and info.get("optional") is True
            ),
            bundle_dependencies=frozenset(_string_tuple(data.get("bundleDependencies"))),
            os=_string_tuple(data.get("os")),
            cpu=_string_tuple(data.get("cpu")),
            engines=_strings(data.get("engines")),
            deprecated=deprecated if isinstance(deprecated, str) and deprecated else None,
            raw=data,
        )
        return BundledPackage(
            location=node.location,
            folder=node.folder,
            manifest=manifest,
            in_bundle=node.in_bundle,
            extraneous=not node.reached,
            entry=entry,
            edges=tuple(self.edges_of(node)),
            problem=node.problem,
        )


def _bundle_flags(
    contents: BundleContents, *, dev: bool, optional: bool, dev_optional: bool, peer: bool
) -> dict[str, dict[str, bool]]:
    """calcDepFlags inside the bundle: every flag starts set and is cleared along edges
    from the bundler, whose flags are given."""
    names = ("dev", "optional", "devOptional", "peer")
    flags = {p.location: dict.fromkeys(names, True) for p in contents.packages}
    flags[contents.location] = {
        "dev": dev,
        "optional": optional,
        "devOptional": dev_optional,
        "peer": peer,
    }
    edges = {p.location: p.edges for p in contents.packages}
    edges[contents.location] = contents.edges
    queue = [contents.location]
    while queue:
        here = queue.pop()
        mine = flags[here]
        for edge in edges[here]:
            if edge.to is None:
                continue
            theirs = flags[edge.to]
            clear = {  # no dev edge here: dev edges leave only the project root
                "dev": not mine["dev"],
                "optional": not mine["optional"] and not edge.optional,
                "devOptional": not mine["devOptional"]
                and not mine["dev"]
                and not mine["optional"]
                and not edge.optional,
                "peer": not mine["peer"] and not edge.peer,
            }
            changed = False
            for flag, off in clear.items():
                if off and theirs[flag]:
                    theirs[flag] = False
                    changed = True
            if changed:
                queue.append(edge.to)
    for location, mine in flags.items():
        if (
            location != contents.location
            and mine["devOptional"]
            and (mine["dev"] or mine["optional"])
        ):
            mine["devOptional"] = False
    return flags
