"""Read a Nix ``flake.lock`` into a dependency graph.

The lock file (JSON, ``version`` 7) is a graph: ``nodes`` maps arbitrary labels to nodes,
``root`` names the node of the flake itself. Each node has ``inputs`` (input name to the
label of a node, or to a *follows* path: a list of input names walked from the root
node), and every node but the root a ``locked`` reference (``type`` github, gitlab,
sourcehut, git, mercurial, tarball, file, path...) and the ``original`` one it came from.

The root is ``pkg:generic/<directory>``; its inputs are the direct edges, the inputs of
the other nodes transitive ones, all RUNTIME (a flake input is source code the outputs
are built from; the lock file draws no finer line). Each edge points at the line of the
input in its node's ``inputs``. Locked references become:

- ``github``: ``pkg:github/<owner>/<repo>@<rev>``;
- ``gitlab``, ``sourcehut``, ``git``, ``mercurial``: ``pkg:generic/<repo>@<rev>`` with
  ``vcs_url`` (``git+https://host/owner/repo@rev``); GitLab has no PURL type;
- ``tarball``, ``file``: ``pkg:generic/<label>@<rev>`` (version only when locked has a
  ``rev``) with ``download_url``;
- ``path`` and anything else: ``pkg:generic/<label>``.

``narHash`` is left out: it hashes the NAR serialization of the unpacked tree, not a file
one could download, so it is not what the PURL ``checksum`` qualifier means.

    >>> lock = '''{"nodes": {"root": {"inputs": {"utils": "utils"}},
    ...   "utils": {"locked": {"owner": "numtide", "repo": "flake-utils",
    ...     "rev": "b1d9ab70662946ef0850d488da1c9019f3a9752a", "type": "github"}}},
    ...  "root": "root", "version": 7}'''
    >>> for edge in read_flake_lock(lock, source="app/flake.lock").graph.edges:
    ...     print(edge)
    pkg:generic/app -> pkg:github/numtide/flake-utils@b1d9ab70662946ef0850d488da1c9019f3a9752a (runtime, direct, app/flake.lock:1)
"""  # noqa: E501

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import PurePath, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from polypac.errors import PolypacError
from polypac.inventory._readers import json_key_lines
from polypac.inventory.graph import Location, LockfileError, Node, ReadResult, Scope
from polypac.purl import PackageURL, build_purl

__all__ = ["flake_input_purl", "read_flake_lock"]

WHAT = "flake.lock"

_VCS_HOSTS = {"gitlab": "gitlab.com", "sourcehut": "git.sr.ht"}

_MAX_FOLLOWS = 32

_Fail = Callable[[int, "int | None", str], None]


def flake_input_purl(label: str, locked: Mapping[str, Any]) -> PackageURL:
    """The PURL of a locked flake input named ``label`` (see the module docstring).

    >>> locked = {"type": "gitlab", "owner": "x", "repo": "y", "rev": "a1"}
    >>> flake_input_purl("nixpkgs", locked).to_string()
    'pkg:generic/y@a1?vcs_url=git%2Bhttps:%2F%2Fgitlab.com%2Fx%2Fy%40a1'

    Raises :class:`~polypac.errors.PolypacError` when a field the type needs is missing.
    """
    kind = _text(locked, "type")
    rev = locked.get("rev")
    rev = rev if isinstance(rev, str) and rev else None
    if kind == "github":
        return build_purl(
            "github", _text(locked, "repo"), namespace=_text(locked, "owner"), version=rev
        )
    if kind in _VCS_HOSTS:
        host = locked.get("host") or _VCS_HOSTS[kind]
        owner, repo = _text(locked, "owner"), _text(locked, "repo")
        return _vcs_purl("git", f"https://{host}/{owner}/{repo}", repo, rev)
    if kind in ("git", "mercurial"):
        url = _text(locked, "url")
        name = PurePosixPath(urlsplit(url).path).name.removesuffix(".git") or label
        return _vcs_purl("git" if kind == "git" else "hg", url, name, rev)
    if kind in ("tarball", "file"):
        url = _text(locked, "url")
        return build_purl("generic", label, version=rev, qualifiers={"download_url": url})
    return build_purl("generic", label, version=rev)


def _vcs_purl(tool: str, url: str, name: str, rev: str | None) -> PackageURL:
    url = url.removeprefix(f"{tool}+")
    vcs_url = f"{tool}+{url}@{rev}" if rev else f"{tool}+{url}"
    return build_purl("generic", name, version=rev, qualifiers={"vcs_url": vcs_url})


def _text(locked: Mapping[str, Any], key: str) -> str:
    value = locked.get(key)
    if not isinstance(value, str) or not value:
        raise PolypacError(f'"locked" needs a "{key}" string')
    return value


def read_flake_lock(text: str, *, source: str) -> ReadResult:
    """The dependency graph of the flake.lock ``text`` read from file ``source``; problems
    are returned in ``errors`` and the rest of the file is still read."""
    result = ReadResult()
    lines = text.splitlines()
    graph = result.graph
    path = PurePath(source)
    root = graph.add_node(
        build_purl("generic", path.parent.name or path.stem or "flake"), root=True
    )

    def fail(number: int, column: int | None, problem: str) -> None:
        line_text = lines[number - 1] if 0 < number <= len(lines) else ""
        result.errors.append(
            LockfileError(line_text, column, problem, what=WHAT, source=source, line=number)
        )

    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        fail(error.lineno, max(error.colno - 1, 0), f"not valid JSON: {error.msg}")
        return result
    except RecursionError:
        fail(1, None, "the JSON is nested too deeply")
        return result
    key_lines = json_key_lines(text, max_depth=5)
    nodes, root_label = _document(document, key_lines, fail)
    if nodes is None or root_label is None:
        return result

    made: dict[str, Node] = {root_label: root}
    for label, node in nodes.items():
        if label == root_label:
            continue
        where = key_lines.get(("nodes", label), 1)
        locked = node.get("locked") if isinstance(node, dict) else None
        if not isinstance(locked, dict):
            fail(where, None, f'node "{label}" needs a "locked" object')
            continue
        try:
            made[label] = graph.add_node(flake_input_purl(label, locked))
        except PolypacError as error:
            fail(where, None, f'node "{label}": {_first_line(error)}')

    for label, parent in made.items():
        node = nodes.get(label)
        inputs = node.get("inputs", {}) if isinstance(node, dict) else {}
        if not isinstance(inputs, dict):
            fail(key_lines.get(("nodes", label), 1), None, '"inputs" must be an object')
            continue
        for name, target in inputs.items():
            line = key_lines.get(("nodes", label, "inputs", name), 1)
            child_label = _resolve(target, nodes, root_label)
            if child_label is None:
                fail(line, None, f'input "{name}" of node "{label}" leads to no node')
                continue
            child = made.get(child_label)
            if child is None or child is root:
                continue  # a broken node (reported above), or a follows path to the root
            at = Location(source, line)
            graph.add_edge(parent, child, Scope.RUNTIME, direct=parent is root, declared_at=at)
    return result


def _document(
    document: object, key_lines: Mapping[tuple[str, ...], int], fail: _Fail
) -> tuple[dict[str, Any] | None, str | None]:
    """The nodes and the root label, after checking the top of the document."""
    if not isinstance(document, dict):
        fail(1, 0, "expected a JSON object with nodes, root and version")
        return None, None
    version = document.get("version")
    if not isinstance(version, int) or not 5 <= version <= 7:
        line = key_lines.get(("version",), 1)
        fail(line, None, f"expected lock file version 5, 6 or 7, not {version!r}")
    nodes = document.get("nodes")
    root_label = document.get("root", "root")
    if not isinstance(nodes, dict):
        fail(key_lines.get(("nodes",), 1), None, '"nodes" must be an object')
        return None, None
    if not isinstance(root_label, str) or root_label not in nodes:
        fail(key_lines.get(("root",), 1), None, f"the root node {root_label!r} is not in nodes")
        return None, None
    return nodes, root_label


def _resolve(
    target: object, nodes: Mapping[str, Any], root_label: str, depth: int = 0
) -> str | None:
    """The label an input leads to: a label, or a follows path walked from the root."""
    seen: set[tuple[str, ...]] = set()
    while isinstance(target, list):
        path = tuple(target)
        if depth > _MAX_FOLLOWS or path in seen or not all(isinstance(s, str) for s in path):
            return None  # a follows cycle, or not a path
        seen.add(path)
        label: object = root_label
        for step in path[:-1]:
            label = _resolve(_input(nodes, label, step), nodes, root_label, depth + 1)
            if label is None:
                return None
        target = _input(nodes, label, path[-1]) if path else root_label
    return target if isinstance(target, str) and target in nodes else None


def _input(nodes: Mapping[str, Any], label: object, name: str) -> object:
    node = nodes.get(label) if isinstance(label, str) else None
    inputs = node.get("inputs") if isinstance(node, dict) else None
    return inputs.get(name) if isinstance(inputs, dict) else None


def _first_line(error: PolypacError) -> str:
    return str(error).splitlines()[0] if str(error) else type(error).__name__
