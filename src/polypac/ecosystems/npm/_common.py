"""Helpers shared by the JavaScript readers: PURLs, roots, errors and line lookup."""

from __future__ import annotations

from polypac.errors import PurlError
from polypac.inventory._readers import (
    JsonKeyPath,
    generic_root,
    json_key_lines,
    line_text,
    lockfile_error,
)
from polypac.inventory.graph import Node, ReadResult
from polypac.purl import PackageURL, build_purl

__all__ = [
    "JsonKeyPath",
    "add_npm_node",
    "generic_root",
    "json_key_lines",
    "line_text",
    "lockfile_error",
    "npm_purl",
    "split_name_at_version",
]


def npm_purl(name: str, version: str | None) -> PackageURL:
    """The ``pkg:npm`` PURL of ``name`` (``@scope/name`` or ``name``) at ``version``."""
    if name.startswith("@") and "/" in name:
        scope, _, bare = name.partition("/")
        return build_purl("npm", bare, namespace=scope, version=version)
    return build_purl("npm", name, version=version)


def split_name_at_version(text: str) -> tuple[str, str]:
    """Split ``name@version`` (the name may be ``@scope/name``) at the last ``@``.

    >>> split_name_at_version("@types/ms@0.7.34")
    ('@types/ms', '0.7.34')
    """
    at = text.rfind("@")
    if at <= 0:
        return text, ""
    return text[:at], text[at + 1 :]


def add_npm_node(
    result: ReadResult,
    name: str,
    version: str | None,
    *,
    text: str,
    line: int,
    what: str,
    source: str,
    root: bool = False,
) -> Node | None:
    """Add the npm package ``name@version`` to the graph; ``None`` (and an error) if the
    name or version cannot make a PURL."""
    try:
        purl = npm_purl(name, version)
    except PurlError as error:
        result.errors.append(
            lockfile_error(
                text,
                line,
                f"package {name!r} cannot make a PURL: {error.problem}",
                what=what,
                source=source,
            )
        )
        return None
    return result.graph.add_node(purl, root=root)
