"""OSV records (schema 1.7): the model, and a loader for files, folders and ``all.zip``.

>>> record = record_from_mapping({
...     "id": "X-1", "modified": "2024-01-01T00:00:00Z",
...     "affected": [{"package": {"ecosystem": "PyPI", "name": "Foo_Bar"},
...                   "ranges": [{"type": "ECOSYSTEM",
...                               "events": [{"introduced": "0"}, {"fixed": "1.2"}]}]}],
... })
>>> record.affected[0].package_key, record.affected[0].fixed_versions
('pypi/foo-bar', ('1.2',))

Loading never stops at a bad file: :func:`load_osv` yields an :class:`OsvError` naming the
file (and the line, where the parser knows it) in place of that record, and goes on.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, cast

import yaml

from polypac.errors import ParseError, PurlError
from polypac.purl import parse_purl

__all__ = [
    "Affected",
    "Document",
    "Event",
    "OsvError",
    "OsvRange",
    "OsvRecord",
    "Severity",
    "load_osv",
    "load_osv_documents",
    "package_key",
    "record_from_mapping",
]


class OsvError(ParseError):
    """An OSV file that cannot be read, or a record that breaks the OSV schema."""

    what_default = "OSV record"


@dataclass(frozen=True, slots=True)
class Event:
    """One event of a range: ``kind`` is introduced, fixed, last_affected or limit."""

    kind: str
    version: str


@dataclass(frozen=True, slots=True)
class OsvRange:
    """One ``affected[].ranges[]`` entry: its type (ECOSYSTEM, SEMVER, GIT) and events."""

    type: str
    events: tuple[Event, ...]


@dataclass(frozen=True, slots=True)
class Severity:
    """One ``severity[]`` entry, e.g. ``CVSS_V3`` with its vector as ``score``."""

    type: str
    score: str


@dataclass(frozen=True, slots=True)
class Affected:
    """One ``affected[]`` entry: the package, its ranges and explicit versions.

    ``purl_type`` is the PURL type the package maps to (``None`` for ecosystems polypac does
    not know), ``package_key`` the normalized ``type/namespace/name`` used for look-ups.
    """

    ecosystem: str
    name: str
    purl_type: str | None
    package_key: str | None
    ranges: tuple[OsvRange, ...]
    versions: tuple[str, ...]
    severity: str | None

    @property
    def fixed_versions(self) -> tuple[str, ...]:
        """Every ``fixed`` version named by the version ranges (GIT ranges left out)."""
        return tuple(
            event.version
            for osv_range in self.ranges
            if osv_range.type != "GIT"
            for event in osv_range.events
            if event.kind == "fixed"
        )


@dataclass(frozen=True, slots=True)
class OsvRecord:
    """One OSV advisory: what a match reports, and the affected packages it is matched on."""

    id: str
    modified: str
    withdrawn: str | None
    aliases: tuple[str, ...]
    summary: str
    severity: tuple[Severity, ...]
    database_severity: str | None
    affected: tuple[Affected, ...]

    @property
    def is_withdrawn(self) -> bool:
        """Whether the record has been withdrawn (kept, but never matched)."""
        return self.withdrawn is not None


# OSV ecosystem (the part before any ':' suffix) -> PURL type
_ECOSYSTEM_TYPES: dict[str, str] = {
    "pypi": "pypi",
    "crates.io": "cargo",
    "npm": "npm",
    "go": "golang",
    "rubygems": "gem",
    "maven": "maven",
    "nuget": "nuget",
    "packagist": "composer",
    "debian": "deb",
}

_CASE_INSENSITIVE = frozenset({"pypi", "nuget", "composer", "npm"})


def package_key(purl_type: str, namespace: str | None, name: str) -> str:
    """The normalized ``type/namespace/name`` a package is indexed and looked up by.

    >>> package_key("pypi", None, "Zope.Interface")
    'pypi/zope-interface'
    """
    full = f"{namespace}/{name}" if namespace else name
    if purl_type == "pypi":
        full = re.sub(r"[-_.]+", "-", full)
    if purl_type in _CASE_INSENSITIVE:
        full = full.lower()
    return f"{purl_type}/{full}"


def _ecosystem_key(ecosystem: str, name: str) -> tuple[str | None, str | None]:
    purl_type = _ECOSYSTEM_TYPES.get(ecosystem.partition(":")[0].lower())
    if purl_type is None:
        return None, None
    if purl_type == "maven":
        name = name.replace(":", "/")
    elif purl_type == "deb":
        name = f"debian/{name}"
    return purl_type, package_key(purl_type, None, name)


class _SchemaError(Exception):
    """A field of a record breaks the schema; ``path`` names the field."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


def _text(data: Mapping[str, Any], key: str, path: str, *, required: bool = False) -> str | None:
    value = data.get(key)
    if value is None:
        if required:
            raise _SchemaError(f"{path}.{key}", "is required")
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _SchemaError(f"{path}.{key}", f"expected a string, got {type(value).__name__}")
    return str(value)


def _list(data: Mapping[str, Any], key: str, path: str) -> list[Any]:
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise _SchemaError(f"{path}.{key}", f"expected a list, got {type(value).__name__}")
    return value


def _mapping(value: object, path: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _SchemaError(path, f"expected an object, got {type(value).__name__}")
    return value


_EVENT_KINDS = ("introduced", "fixed", "last_affected", "limit")


def _range(data: Mapping[str, Any], path: str) -> OsvRange:
    range_type = _text(data, "type", path, required=True) or ""
    events: list[Event] = []
    for index, raw in enumerate(_list(data, "events", path)):
        event_path = f"{path}.events[{index}]"
        event = _mapping(raw, event_path)
        kinds = [kind for kind in _EVENT_KINDS if kind in event]
        if len(kinds) != 1:
            raise _SchemaError(event_path, f"expected exactly one of {', '.join(_EVENT_KINDS)}")
        events.append(Event(kinds[0], _text(event, kinds[0], event_path, required=True) or ""))
    return OsvRange(range_type, tuple(events))


def _affected(data: Mapping[str, Any], path: str) -> Affected:
    package = _mapping(data.get("package", {}), f"{path}.package")
    ecosystem = _text(package, "ecosystem", f"{path}.package") or ""
    name = _text(package, "name", f"{path}.package") or ""
    purl_text = _text(package, "purl", f"{path}.package")
    purl_type, key = _ecosystem_key(ecosystem, name)
    if purl_text:
        try:
            purl = parse_purl(purl_text)
        except PurlError:
            pass  # an ecosystem and name that polypac knows still identify the package
        else:
            purl_type, key = purl.type, package_key(purl.type, purl.namespace, purl.name)
    ranges = tuple(
        _range(_mapping(raw, f"{path}.ranges[{i}]"), f"{path}.ranges[{i}]")
        for i, raw in enumerate(_list(data, "ranges", path))
    )
    versions = tuple(str(v) for v in _list(data, "versions", path))
    specific = data.get("database_specific")
    severity = None
    if isinstance(specific, Mapping) and isinstance(specific.get("severity"), str):
        severity = specific["severity"]
    return Affected(ecosystem, name, purl_type, key, ranges, versions, severity)


def record_from_mapping(data: object) -> OsvRecord:
    """Build a record from one parsed OSV document.

    Raises :class:`OsvError` (without a file) when the document breaks the schema.
    """
    try:
        return _record(_mapping(data, "record"))
    except _SchemaError as error:
        raise OsvError(error.path, None, f"field {error.path} {error.problem}") from error


def _record(data: Mapping[str, Any]) -> OsvRecord:
    path = "record"
    severity = tuple(
        Severity(
            _text(entry, "type", f"{path}.severity[{i}]", required=True) or "",
            _text(entry, "score", f"{path}.severity[{i}]", required=True) or "",
        )
        for i, raw in enumerate(_list(data, "severity", path))
        for entry in [_mapping(raw, f"{path}.severity[{i}]")]
    )
    affected = tuple(
        _affected(_mapping(raw, f"{path}.affected[{i}]"), f"{path}.affected[{i}]")
        for i, raw in enumerate(_list(data, "affected", path))
    )
    specific = data.get("database_specific")
    database_severity = None
    if isinstance(specific, Mapping) and isinstance(specific.get("severity"), str):
        database_severity = specific["severity"]
    if database_severity is None:
        database_severity = next((a.severity for a in affected if a.severity), None)
    return OsvRecord(
        id=_text(data, "id", path, required=True) or "",
        modified=_text(data, "modified", path) or "",
        withdrawn=_text(data, "withdrawn", path),
        aliases=tuple(str(alias) for alias in _list(data, "aliases", path)),
        summary=_text(data, "summary", path) or "",
        severity=severity,
        database_severity=database_severity,
        affected=affected,
    )


# YAML: the safe loader, without the implicit int/float/timestamp tags, so that versions
# such as 1.10 and dates stay the strings the OSV schema says they are.
_YamlBase: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DROPPED_TAGS = frozenset(f"tag:yaml.org,2002:{tag}" for tag in ("int", "float", "timestamp"))


class _OsvYamlLoader(_YamlBase):  # type: ignore[misc]  # base chosen at run time (C or Python)
    yaml_implicit_resolvers: ClassVar[dict[str, list[tuple[str, Any]]]] = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag not in _DROPPED_TAGS]
        for first, resolvers in _YamlBase.yaml_implicit_resolvers.items()
    }


def _parse_document(text: str, source: str) -> Any:
    """Parse the JSON or YAML text of one file; raise :class:`OsvError` with its line."""
    if source.endswith(".json"):
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            line_text = text.splitlines()[error.lineno - 1] if text.strip() else text
            raise OsvError(
                line_text,
                error.colno - 1,
                f"not JSON: {error.msg}",
                source=source,
                line=error.lineno,
            ) from error
    try:
        return yaml.load(text, Loader=_OsvYamlLoader)  # a safe loader
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        line = mark.line + 1 if mark is not None else None
        lines = text.splitlines()
        line_text = lines[mark.line] if mark is not None and mark.line < len(lines) else ""
        column = mark.column if mark is not None and mark.column <= len(line_text) else None
        raise OsvError(
            line_text, column, f"not YAML: {error.problem}", source=source, line=line
        ) from error
    except yaml.YAMLError as error:
        raise OsvError("", None, f"not YAML: {error}", source=source) from error


def _load_text(text: str, source: str) -> Document | OsvError:
    try:
        document = _parse_document(text, source)
        return record_from_mapping(document), document
    except OsvError as error:
        return error if error.source else cast(OsvError, error.located(source, None))


Document = tuple[OsvRecord, Any]
"""A record with the parsed document it was built from (what a store keeps)."""

_SUFFIXES = (".json", ".yaml", ".yml")


def load_osv(path: str | Path) -> Iterator[OsvRecord | OsvError]:
    """Every record in ``path``: one OSV file, a folder (searched recursively), or a zip.

    A file that cannot be read or parsed gives an :class:`OsvError` in its place.
    """
    for loaded in load_osv_documents(path):
        yield loaded if isinstance(loaded, OsvError) else loaded[0]


def load_osv_documents(path: str | Path) -> Iterator[Document | OsvError]:
    """As :func:`load_osv`, each record paired with the document it was parsed from."""
    path = Path(path)
    if path.is_dir():
        for child in sorted(path.rglob("*")):
            if child.is_file() and child.suffix.lower() in (*_SUFFIXES, ".zip"):
                yield from load_osv_documents(child)
    elif path.suffix.lower() == ".zip":
        yield from _load_zip(path)
    else:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            yield OsvError("", None, f"cannot read: {error}", source=str(path))
            return
        yield _load_text(text, str(path))


def _load_zip(path: Path) -> Iterator[Document | OsvError]:
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as error:
        yield OsvError("", None, f"cannot read zip: {error}", source=str(path))
        return
    with archive:
        for member in archive.infolist():
            if member.is_dir() or not member.filename.lower().endswith(_SUFFIXES):
                continue
            source = f"{path}!{member.filename}"
            try:
                text = archive.read(member).decode("utf-8")
            except (OSError, zipfile.BadZipFile, UnicodeDecodeError) as error:
                yield OsvError("", None, f"cannot read: {error}", source=source)
                continue
            yield _load_text(text, source)
