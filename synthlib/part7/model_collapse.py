"""Model collapse: models trained on their predecessors' samples, generation after generation (section 7.4).

Two ways to feed generation t + 1 (Shumailov et al. 2024; Gerstgrasser et al. 2024):

- ``"replace"``: fit on the previous generation's samples alone; each generation forgets what the last one missed.
- ``"accumulate"``: fit on the real data plus every synthetic generation so far; the real data never leaves.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np
import pandas as pd

from ..common.arguments import MAX_TRAINING_STEPS, as_rng, as_sample, check_count, check_memory, check_work

__all__ = ["COLLAPSE_MODES", "gaussian_generations", "refit_generations"]

#: The two ways of feeding the next generation (see the module's docstring).
COLLAPSE_MODES = ("replace", "accumulate")


def _check_mode(mode) -> str:
    if mode not in COLLAPSE_MODES:
        raise ValueError(f"unknown mode {mode!r}; choose one of {', '.join(map(repr, COLLAPSE_MODES))}")
    return mode


def gaussian_generations(real, generations: int, *, rng=None, mode: str = "replace", ddof: int = 0) -> np.ndarray:
    """Refit a normal distribution to its own samples ``generations`` times, for many independent chains at once.

    ``real`` is one sample (shape ``(n,)``) or one sample per chain (shape ``(chains, n)``). Generation 0 is the fit
    to ``real``; generation t + 1 is fitted (mean and variance, with ``ddof``) to ``n`` points drawn from generation t
    (``mode="replace"``) or to ``real`` and all the synthetic points drawn so far (``mode="accumulate"``).
    Returns the fitted variances, shape ``(generations + 1, chains)``. Section 7.4.
    """
    real = as_sample(real, "real", ndim=None)
    if real.ndim not in (1, 2):
        raise ValueError(f"real must have shape (n,) or (chains, n); got shape {real.shape}")
    real = np.atleast_2d(real)
    generations = check_count(generations, "generations", minimum=1)
    mode, generator = _check_mode(mode), as_rng(rng)
    if ddof not in (0, 1):
        raise ValueError(f"ddof must be 0 (maximum likelihood) or 1 (unbiased), got {ddof!r}")
    chains, n = real.shape
    if n < 2:
        raise ValueError(f"real needs at least 2 points per chain to fit a variance; got {n}")
    pool_size = n * (generations + 1) if mode == "accumulate" else 2 * n
    check_memory("generations", generations, 8.0 * chains * (pool_size + generations + 1))
    check_work("generations", generations, float(generations) * chains * n, 10**11, "normal draws")
    pool, variances = real, np.empty((generations + 1, chains))
    for generation in range(generations + 1):
        mean, variance = pool.mean(axis=1), pool.var(axis=1, ddof=ddof)
        variances[generation] = variance
        if generation == generations:
            break
        samples = generator.normal(mean[:, None], np.sqrt(variance)[:, None], size=(chains, n))
        pool = samples if mode == "replace" else np.concatenate([pool, samples], axis=1)
    return variances


def refit_generations(fit: Callable[[Any], Any], sample: Callable[[Any, int, np.random.Generator], Any], real,
                      generations: int, *, measure: Callable[[Any, Any], dict], rng=None, mode: str = "replace",
                      n: int | None = None, progress: bool = False) -> pd.DataFrame:
    """The model-collapse loop (section 7.4): fit, sample, refit on the samples, ``generations`` times.

    ``fit(data)`` → a model; ``sample(model, n, rng)`` → ``n`` rows (``len(real)`` by default); ``measure(model,
    samples)`` → a dict about one generation (generation 0's samples are ``real``, an array or a DataFrame).
    With ``mode="accumulate"`` each fit sees ``real`` and all the samples so far. One row of measures a generation.
    """
    for name, function in (("fit", fit), ("sample", sample), ("measure", measure)):
        if not callable(function):
            raise TypeError(f"{name} must be a function, got {type(function).__name__}")
    if not isinstance(real, (pd.DataFrame, np.ndarray)):
        raise TypeError(f"real must be a pandas DataFrame or a NumPy array, got {type(real).__name__}")
    if len(real) == 0:
        raise ValueError("real is empty: the first generation needs data to fit")
    generations = check_count(generations, "generations", minimum=1, maximum=MAX_TRAINING_STEPS)
    n = len(real) if n is None else check_count(n, "n", minimum=1)
    mode, generator = _check_mode(mode), as_rng(rng)

    combine = (lambda parts: pd.concat(parts, ignore_index=True)) if isinstance(real, pd.DataFrame) else np.concatenate

    steps = range(generations + 1)
    if progress:  # no `disable` argument, so that TQDM_DISABLE (the book's run) still silences the bar
        from tqdm.auto import tqdm

        steps = tqdm(steps, desc=f"generations ({mode})")
    parts, rows = [real], []
    model, samples = fit(real), real
    for generation in steps:
        rows.append({"generation": generation, **measure(model, samples)})
        if generation == generations:
            break
        samples = sample(model, n, generator)
        if len(samples) != n:
            raise ValueError(f"sample returned {len(samples)} rows; asked for n = {n}")
        parts = [samples] if mode == "replace" else parts + [samples]
        model = fit(combine(parts))
    return pd.DataFrame(rows).set_index("generation")
