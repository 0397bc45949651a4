"""Go modules: ``go.mod`` and ``go.sum``."""

from __future__ import annotations

from polypac.ecosystems.golang._syntax import golang_purl
from polypac.ecosystems.golang.go_mod import GoMod, parse_go_mod, read_go_mod
from polypac.ecosystems.golang.go_sum import SumEntry, parse_go_sum, read_go_sum

__all__ = [
    "GoMod",
    "SumEntry",
    "golang_purl",
    "parse_go_mod",
    "parse_go_sum",
    "read_go_mod",
    "read_go_sum",
]
