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


def check_count(value, name: str, *, minimum: int = 0, maximum: int | None = None) -> int:
    """An integer count such as a sample size; negative (or below ``minimum``, or above ``maximum``) is an error."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    if value < minimum:
        if minimum == 0:
            raise ValueError(f"{name} must be non-negative, got {value}")
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be at most {maximum}, got {value}")
    return int(value)


#: The most memory (bytes) one call may ask for before it is refused: far above what any chapter needs, far below
#: what freezes a laptop. Sizes such as ``n_resamples=10**12`` are refused before anything is allocated.
MEMORY_LIMIT_BYTES = 4 * 2**30


def _bytes(n: float) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if n < 1024 or unit == "PiB":
            return f"{n:,.0f} {unit}" if unit == "bytes" else f"{n:,.1f} {unit}"
        n /= 1024
    return f"{n} bytes"  # pragma: no cover


def check_memory(name: str, value, n_bytes: float, *, limit: float | None = None) -> None:
    """Refuse a size parameter (``name`` = ``value``) whose call would need about ``n_bytes`` of memory, before
    allocating anything; the message names the parameter, its value and the estimate."""
    limit = MEMORY_LIMIT_BYTES if limit is None else limit
    if n_bytes > limit:
        raise ValueError(f"{name}={value:,} would need about {_bytes(float(n_bytes))} of memory (the limit is "
                         f"{_bytes(float(limit))}); choose a smaller {name}")


def check_real(value, name: str, *, minimum: float | None = None, maximum: float | None = None) -> float:
    """A finite real number, within [minimum, maximum] where given; NaN, inf and non-numbers are refused."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {value!r}")
    if not np.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value}")
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        low = "-inf" if minimum is None else f"{minimum:g}"
        high = "inf" if maximum is None else f"{maximum:g}"
        raise ValueError(f"{name} must lie in [{low}, {high}], got {value}")
    return float(value)


def as_labels(labels, name: str = "labels", *, n_classes: int | None = None) -> np.ndarray:
    """Class labels as an int64 array: whole numbers ≥ 0 (below ``n_classes`` where given); fractional, NaN or
    negative labels are refused rather than cast."""
    array = np.asarray(labels)
    if array.dtype == object or not (np.issubdtype(array.dtype, np.number) or array.dtype == bool):
        raise TypeError(f"{name} must be integer class indices, got an array of {array.dtype}")
    if array.ndim != 1:
        raise ValueError(f"{name} must be 1-dimensional; got an array of shape {array.shape}")
    if np.issubdtype(array.dtype, np.floating) or np.issubdtype(array.dtype, np.complexfloating):
        if not np.isfinite(array).all():
            raise ValueError(f"{name} contains NaN or infinite values")
        if (array != np.round(array)).any():
            raise ValueError(f"{name} must be whole numbers (class indices), got fractional values such as "
                             f"{array[array != np.round(array)][0]}")
    if array.size and array.min() < 0:
        raise ValueError(f"{name} must be class indices ≥ 0, got {array.min()}")
    if n_classes is not None and array.size and array.max() >= n_classes:
        raise ValueError(f"{name} must be below n_classes = {n_classes}, got {array.max()}")
    return array.astype(np.int64)


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
    """A positive, finite number (``inf`` is refused: no parameter of synthlib means anything at infinity)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or np.isnan(value):
        raise TypeError(f"{name} must be a number, got {value!r}")
    if value <= 0:
        raise ValueError(f"{name} must be positive, got {value}")
    if not np.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value}")
    return float(value)


#: The largest integer seed: scikit-learn's random_state must fit in 32 bits, so every seed of synthlib does.
MAX_SEED = 2**32 - 1

_SEED_FORMS = "a numpy Generator, a non-negative integer seed (in [0, 2**32 - 1]) or None (fresh entropy)"


def check_seed(seed, name: str = "seed") -> int:
    """An integer seed in [0, 2**32 - 1], the range NumPy, PyTorch and scikit-learn all accept; negative seeds,
    floats, strings and booleans are refused with the parameter's name."""
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"{name} must be a non-negative integer seed (in [0, 2**32 - 1]), got {seed!r}")
    if not 0 <= seed <= MAX_SEED:
        raise ValueError(f"{name} must be a non-negative integer seed (in [0, 2**32 - 1]), got {seed}")
    return int(seed)


def as_rng(rng, name: str = "rng") -> np.random.Generator:
    """The one way synthlib takes randomness: a numpy Generator (used as is), an integer seed in [0, 2**32 - 1]
    or None (fresh entropy), as NumPy does; anything else (a negative seed, a float, a string) is refused with
    the parameter's name."""
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None:
        return np.random.default_rng()
    if isinstance(rng, bool) or not isinstance(rng, numbers.Integral):
        raise TypeError(f"{name} must be {_SEED_FORMS}; got {type(rng).__name__} {rng!r}")
    if not 0 <= rng <= MAX_SEED:
        raise ValueError(f"{name} must be {_SEED_FORMS}; got the integer {rng}")
    return np.random.default_rng(int(rng))


def as_torch_generator(generator, name: str = "generator"):
    """A ``torch.Generator`` on the CPU from the same forms as :func:`as_rng` (a torch Generator is used as is; a
    numpy Generator seeds a new one from its stream); anything else is refused with the parameter's name."""
    import torch

    if isinstance(generator, torch.Generator):
        return generator
    if isinstance(generator, np.random.Generator):
        return torch.Generator().manual_seed(int(generator.integers(MAX_SEED)))
    if generator is None:
        return torch.Generator().manual_seed(int(np.random.default_rng().integers(MAX_SEED)))
    if isinstance(generator, bool) or not isinstance(generator, numbers.Integral):
        raise TypeError(f"{name} must be a torch Generator, {_SEED_FORMS}; got {type(generator).__name__} "
                        f"{generator!r}")
    return torch.Generator().manual_seed(check_seed(generator, name))


#: Limits on the sizes that set how long a call runs (the time analogue of MEMORY_LIMIT_BYTES): far beyond any
#: chapter, far below a call that would run for days. A training helper refuses more steps, epochs or units.
MAX_TRAINING_STEPS = 1_000_000
MAX_EPOCHS = 100_000
MAX_LAYER_WIDTH = 65_536


def check_work(name: str, value, units: float, limit: float, what: str) -> None:
    """Refuse a size parameter (``name`` = ``value``) whose call would do about ``units`` of work (``what``, e.g.
    "resampled statistics"), more than ``limit``: the call would run for hours; the message says so before
    anything runs."""
    if units > limit:
        raise ValueError(f"{name}={value:,} would mean about {units:,.0f} {what} (the limit is {limit:,.0f}, "
                         f"hours of computing); choose a smaller {name}")
