"""polypac: one package toolkit for every ecosystem.

Every package is named by a Package-URL (:mod:`polypac.purl`), version ranges are written
in VERS (:mod:`polypac.vers`), and every ecosystem's version rules share one protocol
(:mod:`polypac.version`).
"""

from __future__ import annotations

from polypac.errors import ParseError, PolypacError

__all__ = ["ParseError", "PolypacError", "__version__"]

__version__ = "0.1.0"
