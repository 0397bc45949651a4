"""The fake OSV API of the client's tests serves the online scan's tests too."""

from __future__ import annotations

from tests.vuln.test_osv_api import fake

__all__ = ["fake"]
