"""Facts about where the tests run."""

from __future__ import annotations

import os


def in_ci() -> bool:
    """Under ``CI=true`` nothing may skip for a missing service or corpus."""
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")
