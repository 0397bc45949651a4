"""Ruby's Bundler: ``Gemfile.lock`` and ``Gemfile``."""

from __future__ import annotations

from polypac.ecosystems.ruby.gemfile import read_gemfile
from polypac.ecosystems.ruby.gemfile_lock import gem_purl, read_gemfile_lock

__all__ = ["gem_purl", "read_gemfile", "read_gemfile_lock"]
