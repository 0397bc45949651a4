"""The PackageURL value."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

from polypac.purl._codec import NEEDS_ENCODING, NEEDS_ENCODING_IN_PATH, encode, encode_path
from polypac.purl._types import REGISTERED_TYPES

__all__ = ["PackageURL", "make_purl"]

_NEEDS_ENCODING = NEEDS_ENCODING.search
_NEEDS_ENCODING_IN_PATH = NEEDS_ENCODING_IN_PATH.search

# Types whose name is a path of several segments (git: the repository path on the host).
_PATH_NAME_TYPES = frozenset(t for t, rules in REGISTERED_TYPES.items() if rules.host_namespace)


@dataclass(frozen=True, slots=True, kw_only=True)
class PackageURL:
    """A Package-URL: ``pkg:type/namespace/name@version?qualifiers#subpath``.

    Components are stored decoded. ``namespace`` and ``subpath`` keep their segments joined
    with ``/``; ``qualifiers`` is a tuple of ``(key, value)`` pairs sorted by key, so the
    value is hashable and two equal PURLs compare equal.

    Get one from :func:`~polypac.purl.parse_purl` or :func:`~polypac.purl.build_purl`, which
    check the type's rules and normalize; the constructor itself stores what it is given.

    >>> from polypac.purl import parse_purl
    >>> purl = parse_purl("pkg:PyPI/Django_Package@1.11.1?file_name=x.tar.gz")
    >>> purl.name, purl.qualifier("file_name")
    ('django-package', 'x.tar.gz')
    >>> str(purl)
    'pkg:pypi/django-package@1.11.1?file_name=x.tar.gz'
    """

    type: str
    namespace: str | None = None
    name: str
    version: str | None = None
    qualifiers: tuple[tuple[str, str], ...] = ()
    subpath: str | None = None

    def qualifier(self, key: str, default: str | None = None) -> str | None:
        """The value of qualifier ``key``, or ``default`` when it is absent."""
        for have, value in self.qualifiers:
            if have == key:
                return value
        return default

    def to_string(self) -> str:
        """The canonical PURL string: percent-encoded, qualifiers sorted."""
        # encode() inlined: most components need no encoding, and this runs once per PURL
        text = "pkg:" + self.type + "/"
        if self.namespace:
            namespace = self.namespace
            if _NEEDS_ENCODING_IN_PATH(namespace) is not None:
                namespace = encode_path(namespace)
            text += namespace + "/"
        name = self.name
        if _NEEDS_ENCODING(name) is not None:
            name = encode_path(name) if self.type in _PATH_NAME_TYPES else encode(name)
        text += name
        version = self.version
        if version is not None:
            if _NEEDS_ENCODING(version) is not None:
                version = encode(version)
            text += "@" + version
        if self.qualifiers:
            text += "?" + "&".join(
                [
                    key + "=" + (value if _NEEDS_ENCODING(value) is None else encode(value))
                    for key, value in self.qualifiers
                ]
            )
        if self.subpath:
            subpath = self.subpath
            if _NEEDS_ENCODING_IN_PATH(subpath) is not None:
                subpath = encode_path(subpath)
            text += "#" + subpath
        return text

    def __str__(self) -> str:
        return self.to_string()


def _slot_setter(field_name: str) -> Callable[[PackageURL, object], None]:
    """The setter of a slot's member descriptor: it skips the frozen ``__setattr__``."""
    descriptor = vars(PackageURL)[field_name]
    return cast("Callable[[PackageURL, object], None]", descriptor.__set__)


_new = object.__new__
_set_type = _slot_setter("type")
_set_namespace = _slot_setter("namespace")
_set_name = _slot_setter("name")
_set_version = _slot_setter("version")
_set_qualifiers = _slot_setter("qualifiers")
_set_subpath = _slot_setter("subpath")


def make_purl(
    purl_type: str,
    namespace: str | None,
    name: str,
    version: str | None,
    qualifiers: tuple[tuple[str, str], ...],
    subpath: str | None,
) -> PackageURL:
    """Create a PackageURL from components the parser has already checked.

    Same result as the constructor, in less than half the time: the frozen dataclass
    ``__init__`` goes through ``object.__setattr__`` per field, while this writes the slots
    directly. The parser creates one per PURL, so it shows in the benchmark.
    """
    purl = _new(PackageURL)
    _set_type(purl, purl_type)
    _set_namespace(purl, namespace)
    _set_name(purl, name)
    _set_version(purl, version)
    _set_qualifiers(purl, qualifiers)
    _set_subpath(purl, subpath)
    return purl
