"""Section 2.2: bootstrapping, resampling the data to measure how much a statistic varies, and its confidence intervals.

The chapter shows the idea in a few lines first, then calls the checked, vectorised version here.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import NamedTuple

import numpy as np

from ..common.arguments import as_rng, as_sample, check_count, check_memory, check_probability, check_real, check_work

__all__ = ["ConfidenceInterval", "bootstrap", "percentile_ci", "bootstrap_ci", "ci_coverage"]


class ConfidenceInterval(NamedTuple):
    low: float
    high: float
    level: float

    def __contains__(self, value) -> bool:
        return bool(self.low <= value <= self.high)


def _vectorised(statistic: Callable) -> Callable[[np.ndarray], np.ndarray]:
    """Apply ``statistic`` to every row of a 2-D array, in one call when it understands ``axis``."""

    def per_row(samples: np.ndarray) -> np.ndarray:
        try:
            values = np.asarray(statistic(samples, axis=1), dtype=float)
            if values.shape == (samples.shape[0],):
                return values
        except TypeError:
            pass  # a statistic without an `axis` argument: fall back to one call per resample
        return np.fromiter((statistic(row) for row in samples), dtype=float, count=samples.shape[0])

    return per_row


#: Values per block of resamples: small enough to stay in cache, large enough to amortise the Python overhead.
_BLOCK_VALUES = 1 << 18


def bootstrap(data, statistic: Callable = np.mean, n_resamples: int = 10_000, rng=None,
              workers: int | None = None) -> np.ndarray:
    """The bootstrap distribution of ``statistic``: its value on ``n_resamples`` resamples of ``data``.

    Resamples are drawn with replacement as index matrices, block by block (each block small enough
    to stay in the CPU cache, with its own child generator spawned from ``rng``), and ``statistic``
    is evaluated on a whole block in one call when it accepts ``axis`` (NumPy reductions do). Blocks
    run on ``workers`` threads (default: up to 4 cores); the result does not depend on how many.
    Section 2.2.
    """
    sample = as_sample(data, "data")
    n_resamples = check_count(n_resamples, "n_resamples", minimum=1)
    check_memory("n_resamples", n_resamples, 8 * n_resamples)  # the float64 result; blocks stay small
    if not callable(statistic):
        raise TypeError("statistic must be a function such as np.mean or np.median")
    rng = as_rng(rng)
    evaluate = _vectorised(statistic)
    # Small index types halve or quarter the random bits and memory traffic: the bottleneck here.
    index_type = np.uint16 if sample.size <= 1 << 16 else np.int64
    rows = max(1, _BLOCK_VALUES // sample.size)
    starts = range(0, n_resamples, rows)
    generators = rng.spawn(len(starts))
    values = np.empty(n_resamples)

    def fill(start: int, generator: np.random.Generator) -> None:
        stop = min(start + rows, n_resamples)
        indices = generator.integers(0, sample.size, size=(stop - start, sample.size), dtype=index_type)
        values[start:stop] = evaluate(sample[indices])

    workers = min(len(starts), workers or min(4, os.cpu_count() or 1))
    if workers > 1:
        with ThreadPoolExecutor(workers) as pool:  # NumPy releases the GIL while drawing and gathering
            list(pool.map(fill, starts, generators))
    else:
        for start, generator in zip(starts, generators):
            fill(start, generator)
    return values


def percentile_ci(bootstrap_values, level: float = 0.95) -> ConfidenceInterval:
    """The percentile interval: the middle ``level`` share of a bootstrap distribution. Section 2.2."""
    values = as_sample(bootstrap_values, "bootstrap_values")
    level = check_probability(level, "level")
    low, high = np.quantile(values, [(1 - level) / 2, (1 + level) / 2])
    return ConfidenceInterval(float(low), float(high), level)


def bootstrap_ci(data, statistic: Callable = np.mean, level: float = 0.95, n_resamples: int = 10_000,
                 rng=None) -> ConfidenceInterval:
    """A percentile bootstrap confidence interval for ``statistic`` of ``data``. Section 2.2."""
    rng = as_rng(rng)
    level = check_probability(level, "level")
    return percentile_ci(bootstrap(data, statistic, n_resamples, rng), level)


def ci_coverage(draw_sample: Callable[[np.random.Generator], np.ndarray], true_value: float,
                statistic: Callable = np.mean, level: float = 0.95, n_trials: int = 1_000,
                n_resamples: int = 2_000, rng=None, progress: bool = False) -> float:
    """The share of ``n_trials`` bootstrap CIs that contain ``true_value``, each on a fresh sample.

    ``draw_sample(rng)`` returns one dataset from a population whose true statistic is known; a
    well-calibrated interval covers the truth about ``level`` of the time. Section 2.2.
    """
    if not callable(draw_sample):
        raise TypeError("draw_sample must be a function taking a numpy Generator and returning a sample")
    level = check_probability(level, "level")
    true_value = check_real(true_value, "true_value")
    n_trials = check_count(n_trials, "n_trials", minimum=1)
    n_resamples = check_count(n_resamples, "n_resamples", minimum=1)
    check_work("n_trials", n_trials, float(n_trials) * n_resamples, 2e9,
               "resampled statistics (n_trials × n_resamples)")
    rng = as_rng(rng)
    trials = range(n_trials)
    if progress:
        from tqdm.auto import tqdm

        trials = tqdm(trials, desc="coverage trials")
    hits = 0
    for _ in trials:
        interval = bootstrap_ci(draw_sample(rng), statistic, level, n_resamples, rng)
        hits += true_value in interval
    return hits / n_trials
