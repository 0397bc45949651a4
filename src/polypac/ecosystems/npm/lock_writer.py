"""Write an :class:`~polypac.ecosystems.npm.resolve.NpmTree` as npm 11 writes
``package-lock.json`` (``lockfileVersion`` 3).

The entries follow arborist's ``Shrinkwrap.metaFromNode``: from each manifest the fields
``version``, ``dependencies``, ``peerDependencies``, ``peerDependenciesMeta``,
``optionalDependencies``, ``bundleDependencies``, ``acceptDependencies``, ``funding``,
``engines``, ``os``, ``cpu``, ``libc``, ``license`` (an object's ``type``),
``hasInstallScript``, ``bin``, ``deprecated`` when present and not empty; then
``integrity``, ``resolved`` (the tarball; left out with ``omit_resolved``, npm's
``omit-lockfile-registry-resolved``) and the ``peer`` / ``dev`` / ``optional`` /
``devOptional`` flags. The root entry ``""`` carries the project's own fields and its
``devDependencies``.

Keys are ordered as npm's ``json-stringify-nice`` orders them: ``name``, ``version``,
``lockfileVersion``, ``resolved``, ``integrity``, ``requires``, ``packages``,
``dependencies`` first, then keys with plain values (arrays included) before keys with
object values, each group in ``localeCompare(…, 'en')`` order; two-space indent, a final
newline. The same tree always gives the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from polypac.ecosystems.npm.resolve import NpmTree, PlacedPackage

__all__ = [
    "LOCK_KEY_ORDER",
    "MANIFEST_KEYS",
    "collation_key",
    "lock_document",
    "write_package_lock",
]

LOCK_KEY_ORDER = (
    "name",
    "version",
    "lockfileVersion",
    "resolved",
    "integrity",
    "requires",
    "packages",
    "dependencies",
)
"""The keys npm puts first, at every level of the lock, in this order."""

MANIFEST_KEYS = (
    "version",
    "dependencies",
    "peerDependencies",
    "peerDependenciesMeta",
    "optionalDependencies",
    "bundleDependencies",
    "acceptDependencies",
    "funding",
    "engines",
    "os",
    "cpu",
    "libc",
    "_integrity",
    "license",
    "_hasShrinkwrap",
    "hasInstallScript",
    "bin",
    "deprecated",
    "workspaces",
)
"""The keys of a package.json that arborist copies into its lock entry (Shrinkwrap's
``pkgMetaKeys``), in that order."""

# ICU's root collation puts these before digits and letters, in this order
_PUNCTUATION = "_-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$"


def collation_key(text: str) -> tuple[tuple[int, ...], tuple[int, ...], str]:
    """A sort key close to JavaScript's ``localeCompare(…, 'en')`` for package names and
    paths: punctuation before digits before letters, letters by case-folded value first,
    lower case before upper case on a tie.

    >>> sorted(["b", "A", "a-b", "a.b", "ab", "a"], key=collation_key)
    ['a', 'A', 'a-b', 'a.b', 'ab', 'b']
    """
    primary: list[int] = []
    tertiary: list[int] = []
    for char in text:
        folded = char.lower()
        if char in _PUNCTUATION:
            weight = 1 + _PUNCTUATION.index(char)
        elif char.isspace():
            weight = 0
        elif folded.isdigit():
            weight = 100 + ord(folded)
        elif folded.isalpha():
            weight = 1000 + ord(folded)
        else:
            weight = 500 + ord(char)
        primary.append(weight)
        tertiary.append(0 if char == folded else 1)
    return tuple(primary), tuple(tertiary), text


def _meta_field(manifest: Mapping[str, Any], key: str) -> Any:
    value = manifest.get(key)
    if not value:
        return None
    if key == "license" and isinstance(value, Mapping):
        kind = value.get("type")
        return kind if kind else value
    if isinstance(value, Mapping | list) and not value:
        return None
    return value


def _entry(placed: PlacedPackage, *, omit_resolved: bool) -> dict[str, Any]:
    manifest = placed.manifest
    entry: dict[str, Any] = {}
    raw = dict(manifest.raw)
    raw["version"] = manifest.version
    for key in MANIFEST_KEYS:
        value = _meta_field(raw, key)
        if value is not None:
            entry[key.lstrip("_")] = value
    if placed.folder != manifest.name:
        entry["name"] = manifest.name
    scripts = raw.get("scripts")
    if isinstance(scripts, Mapping) and any(
        scripts.get(k) for k in ("install", "preinstall", "postinstall")
    ):
        entry["hasInstallScript"] = True
    entry.pop("integrity", None)  # the node's integrity below is the one npm keeps
    if manifest.integrity:
        entry["integrity"] = manifest.integrity
    if manifest.tarball and not omit_resolved:
        entry["resolved"] = manifest.tarball
    if placed.peer:
        entry["peer"] = True
    if placed.dev:
        entry["dev"] = True
    if placed.optional:
        entry["optional"] = True
    if placed.dev_optional and not placed.dev and not placed.optional:
        entry["devOptional"] = True
    return entry


def _root_entry(manifest: Mapping[str, Any]) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    for key in MANIFEST_KEYS:
        value = _meta_field(manifest, key)
        if value is not None:
            entry[key.lstrip("_")] = value
    name = manifest.get("name")
    if isinstance(name, str) and name:
        entry["name"] = name
    dev = manifest.get("devDependencies")
    if isinstance(dev, Mapping) and dev:
        entry["devDependencies"] = dev
    return entry


def lock_document(tree: NpmTree, *, omit_resolved: bool = False) -> dict[str, Any]:
    """The lock as a JSON object (keys not yet in npm's order)."""
    document: dict[str, Any] = {}
    name = tree.manifest.get("name")
    if isinstance(name, str) and name:
        document["name"] = name
    version = tree.manifest.get("version")
    if isinstance(version, str) and version:
        document["version"] = version
    document["lockfileVersion"] = 3
    document["requires"] = True
    packages: dict[str, Any] = {"": _root_entry(tree.manifest)}
    for placed in tree.packages:
        packages[placed.location] = _entry(placed, omit_resolved=omit_resolved)
    packages.update((location, dict(entry)) for location, entry in tree.bundled.items())
    document["packages"] = packages
    return document


def _ordered(value: Any) -> Any:
    if isinstance(value, list):
        return [_ordered(v) for v in value]
    if not isinstance(value, Mapping):
        return value

    def key(item: tuple[str, Any]) -> tuple[int, int, Any]:
        name, inner = item
        is_object = isinstance(inner, Mapping)
        if name in LOCK_KEY_ORDER:
            return (int(is_object), 0, LOCK_KEY_ORDER.index(name))
        return (int(is_object), 1, collation_key(name))

    # json-stringify-nice: plain values before objects; within each, preferred keys first
    return {k: _ordered(v) for k, v in sorted(value.items(), key=key)}


def write_package_lock(tree: NpmTree, *, omit_resolved: bool = False) -> str:
    """The ``package-lock.json`` text npm 11 writes for ``tree``.

    ``omit_resolved`` leaves out ``resolved`` as npm's ``omit-lockfile-registry-resolved``
    does (``npm ci`` then fetches from the configured registry).
    """
    return (
        json.dumps(
            _ordered(lock_document(tree, omit_resolved=omit_resolved)), indent=2, ensure_ascii=False
        )
        + "\n"
    )
