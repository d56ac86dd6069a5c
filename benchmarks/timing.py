"""What the benchmarks share: the best of several timed runs (the minimum is the least disturbed by other programs)."""
from __future__ import annotations

import time


def best_of(function, repeats: int) -> float:
    """Seconds of the fastest of ``repeats`` calls of ``function()``."""
    if repeats < 1:
        raise ValueError(f"repeats must be at least 1, got {repeats}")
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - started)
    return best
