"""Part 1: why synthetic data, with a tiny demonstration of each advantage and challenge.

Every function names the section that teaches it.
"""
from __future__ import annotations

import pandas as pd

from ._validate import as_rng, check_count

__all__ = ["sample_marginals"]



def sample_marginals(frame: pd.DataFrame, n: int, rng=None) -> pd.DataFrame:
    """The naive synthesizer: draw every column independently from its own empirical distribution.

    Each column keeps its marginal distribution exactly (in expectation) while every relation between
    columns is destroyed. Section 1 uses it to show why "realistic-looking" is not "faithful".
    """
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"frame must be a pandas DataFrame, got {type(frame).__name__}")
    if frame.empty:
        raise ValueError("frame is empty; need at least one row and one column")
    n = check_count(n, "n")
    rng = as_rng(rng)
    columns = {name: frame[name].to_numpy()[rng.integers(0, len(frame), size=n)] for name in frame.columns}
    return pd.DataFrame(columns, columns=frame.columns)
