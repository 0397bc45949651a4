"""Nix: flake lock files."""

from __future__ import annotations

from polypac.ecosystems.nix.flake_lock import flake_input_purl, read_flake_lock

__all__ = ["flake_input_purl", "read_flake_lock"]
