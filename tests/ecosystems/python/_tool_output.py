"""Readers for what the tools print (``uv tree``, ``poetry show --tree``), to check against."""

from __future__ import annotations

import re

from packaging.utils import canonicalize_name

_TREE_PREFIX = re.compile(r"^((?:[│ ] {3}|    )*)(?:[├└]── )?")


def tree_edges(text: str, *, skip_first: bool) -> tuple[set[str], set[tuple[str, str]]]:
    """Top-level names and (parent, child) name pairs of a box-drawn dependency tree."""
    top: set[str] = set()
    edges: set[tuple[str, str]] = set()
    stack: list[str] = []
    lines = [line for line in text.splitlines() if line.strip()]
    for line in lines[1:] if skip_first else lines:
        match = _TREE_PREFIX.match(line)
        assert match is not None
        depth = len(match.group(1)) // 4 + (1 if match.group(0) != match.group(1) else 0)
        depth -= 1 if skip_first else 0
        name = canonicalize_name(line[match.end() :].split()[0])
        del stack[depth:]
        if stack:
            edges.add((stack[-1], name))
        elif depth == 0:
            top.add(name)
        stack.append(name)
    return top, edges
