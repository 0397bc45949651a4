"""PHP's Composer: ``composer.lock`` and ``composer.json``."""

from __future__ import annotations

from polypac.ecosystems.composer.composer_json import read_composer_json
from polypac.ecosystems.composer.composer_lock import (
    composer_purl,
    is_platform_requirement,
    read_composer_lock,
)

__all__ = ["composer_purl", "is_platform_requirement", "read_composer_json", "read_composer_lock"]
