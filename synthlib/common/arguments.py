"""Input checks shared by synthlib's public functions: every bad input gets an error naming the problem."""
from __future__ import annotations

import numbers

import numpy as np


def as_sample(data, name: str = "data", *, ndim: int | None = 1) -> np.ndarray:
    """Return ``data`` as a float array, refusing empty, non-numeric or NaN-containing input."""
    try:
        array = np.asarray(data, dtype=float)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{name} must be numeric; could not convert it to numbers ({error})") from None
    if ndim is not None and array.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-dimensional; got an array of shape {array.shape}")
    if array.size == 0:
        raise ValueError(f"{name} is empty; need at least one value")
    if np.isnan(array).any():
        raise ValueError(f"{name} contains {int(np.isnan(array).sum())} NaN value(s); drop or impute them first")
    if np.isinf(array).any():
        raise ValueError(f"{name} contains infinite values")
    return array


def check_count(value, name: str, *, minimum: int = 0) -> int:
    """An integer count such as a sample size; negative (or below ``minimum``) is an error."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    if value < minimum:
        if minimum == 0:
            raise ValueError(f"{name} must be non-negative, got {value}")
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return int(value)


def check_probability(value, name: str, *, closed: bool = False) -> float:
    """A level or probability strictly inside (0, 1), or inside [0, 1] when ``closed``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or np.isnan(value):
        raise TypeError(f"{name} must be a number, got {value!r}")
    inside = 0 <= value <= 1 if closed else 0 < value < 1
    if not inside:
        interval = "[0, 1]" if closed else "(0, 1)"
        raise ValueError(f"{name} must lie in {interval}, got {value}")
    return float(value)


def check_positive(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or np.isnan(value):
        raise TypeError(f"{name} must be a number, got {value!r}")
    if value <= 0:
        raise ValueError(f"{name} must be positive, got {value}")
    return float(value)


def as_rng(rng) -> np.random.Generator:
    """Accept a Generator, an integer seed or None (fresh entropy), as NumPy does."""
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or (isinstance(rng, numbers.Integral) and not isinstance(rng, bool)):
        return np.random.default_rng(rng)
    raise TypeError(f"rng must be a numpy Generator, an integer seed or None; got {type(rng).__name__}")
