"""The resolve job: a project's requirements resolved against live registries, written as
the lockfile its package manager reads, or as a Pac lock that holds any of them."""

from __future__ import annotations

from polypac.resolve.pac_lock import Locked, pac_lock, resolution_lock

__all__ = ["Locked", "pac_lock", "resolution_lock"]
