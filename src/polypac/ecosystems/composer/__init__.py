"""PHP's Composer: ``composer.lock``."""

from __future__ import annotations

from polypac.ecosystems.composer.composer_lock import (
    composer_purl,
    is_platform_requirement,
    read_composer_lock,
)

__all__ = ["composer_purl", "is_platform_requirement", "read_composer_lock"]
