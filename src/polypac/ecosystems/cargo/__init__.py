"""Rust's Cargo: ``Cargo.lock`` (versions 1 to 4) and ``Cargo.toml`` manifests."""

from __future__ import annotations

from polypac.ecosystems.cargo.cargo_lock import cargo_purl, read_cargo_lock
from polypac.ecosystems.cargo.cargo_toml import read_cargo_toml, workspace_members

__all__ = ["cargo_purl", "read_cargo_lock", "read_cargo_toml", "workspace_members"]
