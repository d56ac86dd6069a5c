"""The self-checks of the exercises of chapter 1 (why synthetic data)."""
from __future__ import annotations

from .exercises import exercise  # noqa: F401
