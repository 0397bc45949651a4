"""Ruby's Bundler: ``Gemfile.lock``."""

from __future__ import annotations

from polypac.ecosystems.ruby.gemfile_lock import gem_purl, read_gemfile_lock

__all__ = ["gem_purl", "read_gemfile_lock"]
