"""Section 2.1: random sampling, by pushing uniform numbers through an inverse CDF.

The chapter shows the idea in a few lines first, then calls the checked version here.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..common.arguments import as_rng, check_count, check_memory, check_real

__all__ = ["inverse_transform_sample", "tabulate_inverse_cdf"]


def inverse_transform_sample(inverse_cdf: Callable[[np.ndarray], np.ndarray], n: int, rng=None) -> np.ndarray:
    """Draw ``n`` values with quantile function ``inverse_cdf`` by pushing uniforms through it.

    If U ~ Uniform(0, 1) and F is a CDF, then F⁻¹(U) has CDF F. Section 2.1.
    """
    if not callable(inverse_cdf):
        raise TypeError("inverse_cdf must be a function from probabilities in (0, 1) to values")
    n = check_count(n, "n")
    check_memory("n", n, 2 * 8 * n)  # the uniforms and the values
    uniforms = as_rng(rng).random(n)
    values = np.asarray(inverse_cdf(uniforms), dtype=float)
    if values.shape != uniforms.shape:
        raise ValueError(f"inverse_cdf must map an array of shape {uniforms.shape} to the same shape, got {values.shape}")
    if not np.isfinite(values).all():
        bad = int((~np.isfinite(values)).sum())
        raise ValueError(f"inverse_cdf returned {bad} NaN or infinite value(s) for probabilities in (0, 1); "
                         "is it the quantile function of the distribution?")
    return values


def tabulate_inverse_cdf(pdf: Callable[[np.ndarray], np.ndarray], lower: float, upper: float,
                         grid_size: int = 4001) -> Callable[[np.ndarray], np.ndarray]:
    """Build a quantile function for any density on [lower, upper] numerically (no formula needed).

    The density is integrated on a grid with the trapezoid rule, normalised, and the resulting CDF
    inverted by linear interpolation. Section 2.1.
    """
    if not callable(pdf):
        raise TypeError("pdf must be a function of an array of values")
    lower, upper = check_real(lower, "lower"), check_real(upper, "upper")
    grid_size = check_count(grid_size, "grid_size", minimum=3, maximum=100_000_000)
    if not np.isfinite([lower, upper]).all() or not lower < upper:
        raise ValueError(f"need finite lower < upper, got lower={lower}, upper={upper}")
    grid_size = check_count(grid_size, "grid_size", minimum=3)
    grid = np.linspace(lower, upper, grid_size)
    density = np.asarray(pdf(grid), dtype=float)
    if density.shape != grid.shape or np.isnan(density).any() or (density < 0).any():
        raise ValueError("pdf must return one non-negative, non-NaN value per grid point")
    cdf = np.concatenate([[0.0], np.cumsum((density[1:] + density[:-1]) / 2 * np.diff(grid))])
    if cdf[-1] <= 0:
        raise ValueError("pdf integrates to zero on [lower, upper]")
    cdf /= cdf[-1]
    # Flat stretches of the CDF (zero density) would make the inverse ambiguous; keep the first grid point of each.
    keep = np.concatenate([[True], np.diff(cdf) > 0])
    cdf_kept, grid_kept = cdf[keep], grid[keep]

    def inverse_cdf(u: np.ndarray) -> np.ndarray:
        return np.interp(u, cdf_kept, grid_kept)

    return inverse_cdf
