"""``scan``: read every file that :func:`~polypac.scan.discover.discover` finds, merge."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from polypac.inventory import DependencyGraph, LockfileError
from polypac.scan.discover import discover

if TYPE_CHECKING:
    from polypac.vuln.match import Finding
    from polypac.vuln.store import VulnStore

__all__ = ["ScanResult", "scan"]


@dataclass(slots=True)
class ScanResult:
    """The merged graph, the files read, and what could not be read (with where and why)."""

    graph: DependencyGraph = field(default_factory=DependencyGraph)
    files: list[Path] = field(default_factory=list)
    errors: list[LockfileError] = field(default_factory=list)
    unreadable: list[tuple[Path, str]] = field(default_factory=list)
    findings: dict[str, list[Finding]] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        """Whether every file was read without a problem."""
        return not self.errors and not self.unreadable


def scan(
    root: Path,
    *,
    vulnerabilities: VulnStore | None = None,
    progress: Callable[[Path, int, int], None] | None = None,
) -> ScanResult:
    """Read every manifest and lockfile under ``root`` into one graph.

    A file that cannot be read or that holds errors is listed, and the scan goes on.
    With a ``vulnerabilities`` store, every package with a version is matched against it
    (``findings``, keyed by PURL). ``progress`` is called before each file is read with
    the file, how many were read before it, and how many there are.
    """
    result = ScanResult()
    to_read = list(discover(root))
    for done, (path, file_format) in enumerate(to_read):
        if progress is not None:
            progress(path, done, len(to_read))
        try:
            if file_format.reads_folder:
                folder = path if path.is_dir() else path.parent
                read = file_format.reader(folder, source=_shown(folder, root))
            else:
                text = path.read_text(encoding="utf-8")
                read = file_format.reader(text, source=_shown(path, root))
        except (OSError, UnicodeDecodeError) as error:
            result.unreadable.append((path, str(error)))
            continue
        result.files.append(path)
        result.graph.merge(read.graph)
        result.errors.extend(read.errors)
    if vulnerabilities is not None:
        for key, node in sorted(result.graph.nodes.items()):
            if node.purl.version and (found := vulnerabilities.match(node.purl)):
                result.findings[key] = found
    return result


def _shown(path: Path, root: Path) -> str:
    """How a file is named in locations: relative to the scanned folder."""
    return path.relative_to(root).as_posix() if root.is_dir() and path != root else path.name
