"""The self-checks of the exercises of sections 2.3 (rule-based simulation) and 2.4 (fake records)."""
from __future__ import annotations

from .exercises import exercise  # noqa: F401
