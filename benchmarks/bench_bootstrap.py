"""Benchmark: synthlib's vectorised bootstrap against loops that draw one resample at a time (section 2.2).

10,000 resamples of 1,000 values, statistic = mean. Prints each method's best time over a few repeats and the
ratios, measured in one run. Run it with `make benchmarks` or `python benchmarks/bench_bootstrap.py`.
"""
from __future__ import annotations

import os
import random
import statistics
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import synthlib  # noqa: E402
from timing import best_of  # noqa: E402 (benchmarks/timing.py, beside this script)

N_VALUES, N_RESAMPLES = 1_000, 10_000


def numpy_loop(data: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The seed tutorial's loop: one NumPy resample per iteration."""
    means = np.empty(N_RESAMPLES)
    for b in range(N_RESAMPLES):
        means[b] = rng.choice(data, size=data.size, replace=True).mean()
    return means


def python_loop(data: list[float], generator: random.Random) -> list[float]:
    """Plain Python: one resample per iteration, drawn and averaged with the standard library."""
    return [statistics.fmean(generator.choices(data, k=len(data))) for _ in range(N_RESAMPLES)]


def main() -> None:
    data = np.random.default_rng(0).normal(size=N_VALUES)
    timings = {
        "synthlib.bootstrap (vectorised, blocks on threads)": best_of(
            lambda: synthlib.bootstrap(data, np.mean, N_RESAMPLES, np.random.default_rng(1)), 7),
        "synthlib.bootstrap, one thread": best_of(
            lambda: synthlib.bootstrap(data, np.mean, N_RESAMPLES, np.random.default_rng(1), workers=1), 7),
        "NumPy loop, one resample per iteration (the seed's)": best_of(
            lambda: numpy_loop(data, np.random.default_rng(1)), 3),
        "plain Python loop (random.choices + statistics.fmean)": best_of(
            lambda: python_loop(data.tolist(), random.Random(1)), 2),
    }
    fastest = timings["synthlib.bootstrap (vectorised, blocks on threads)"]
    print(f"Bootstrap of the mean: {N_RESAMPLES:,} resamples of {N_VALUES:,} values, "
          f"{os.cpu_count()} CPU cores, NumPy {np.__version__}")
    for name, seconds in timings.items():
        print(f"  {name:<56} {seconds * 1000:8.1f} ms   {seconds / fastest:6.1f}x")


if __name__ == "__main__":
    main()
