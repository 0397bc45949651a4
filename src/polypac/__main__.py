"""``python -m polypac``."""

from __future__ import annotations

from polypac.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
