"""The main job: find every manifest and lockfile under a folder and read them into one
PURL-keyed dependency graph."""

from __future__ import annotations

from polypac.scan.discover import FORMATS, FileFormat, discover
from polypac.scan.job import ScanResult, scan

__all__ = ["FORMATS", "FileFormat", "ScanResult", "discover", "scan"]
