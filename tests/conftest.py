"""Shared test fixtures: where the upstream conformance data lives."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

# No deadline: a test's outcome must not depend on how busy the machine is (the default
# 200 ms per example turned into failures on a loaded 2-core machine).
settings.register_profile("polypac", deadline=None)
settings.load_profile("polypac")

REPO = Path(__file__).resolve().parent.parent


def anchors_dir() -> Path:
    """The anchors folder: $POLYPAC_ANCHORS, else ../shared/anchors beside the repo."""
    env = os.environ.get("POLYPAC_ANCHORS")
    return Path(env) if env else REPO.parent / "shared" / "anchors"


def anchor(*parts: str) -> Path:
    """A path under the anchors folder.

    Missing data skips the test module on a developer's machine, and fails it in CI (where
    ``CI`` is set), so that conformance is never skipped silently where it counts.
    """
    path = anchors_dir().joinpath(*parts)
    if not path.exists():
        message = f"anchor data not found: {path} (set POLYPAC_ANCHORS)"
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message, allow_module_level=True)
    return path


def load_json(*parts: str) -> Any:
    """Parse one JSON file of the anchors."""
    return json.loads(anchor(*parts).read_text(encoding="utf-8"))


@pytest.fixture(autouse=True)
def _private_cache(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Every test gets its own cache folder: no test reads or writes the user's caches
    (HTTP cache, vulnerability store, attestation pins)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
