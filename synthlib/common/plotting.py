"""One figure style for the whole book, and the pictures that recur in it.

Real data is always drawn in the first colour (dark blue), synthetic data in the second (orange).
Taught in the preface; used from section 1 on.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .arguments import as_sample, check_count, check_positive

#: show_image_grid draws one panel per image: a few hundred take seconds, thousands minutes, so it refuses more.
MAX_GRID_IMAGES = 400
#: The most histogram bins plot_real_vs_synthetic draws.
MAX_BINS = 10_000

STYLE = Path(__file__).with_name("style.mplstyle")
REAL_COLOUR, SYNTHETIC_COLOUR = "#1f4e79", "#e07b39"


def use_style() -> None:
    """Apply the book's matplotlib style (every chapter calls this through ``start_chapter``)."""
    import matplotlib.pyplot as plt

    plt.style.use(STYLE)


def _axes(ax):
    import matplotlib.pyplot as plt

    return ax if ax is not None else plt.subplots()[1]


def plot_real_vs_synthetic(real, synthetic, ax=None, *, bins: int = 40, labels=("real", "synthetic"),
                           title: str | None = None, xlabel: str | None = None):
    """Overlay the distribution of a real and a synthetic column: histograms for numbers, bars for categories.

    Used in sections 1, 2.1, 5.1, 5.3 and 6. Returns the axes.
    """
    for value, name in ((real, "real"), (synthetic, "synthetic")):
        if np.ndim(value) != 1:
            raise ValueError(f"{name} must be one column (1-dimensional); got shape {np.shape(value)}")
    if np.ndim(bins) == 0:  # a number of bins, or (below) the bin edges
        bins = check_count(bins, "bins", minimum=1, maximum=MAX_BINS)
    elif as_sample(bins, "bins").size > MAX_BINS + 1:
        raise ValueError(f"bins gives {np.size(bins) - 1:,} bins; at most {MAX_BINS:,} are drawn")
    real_series, synthetic_series = pd.Series(real), pd.Series(synthetic)
    if pd.api.types.is_numeric_dtype(real_series) != pd.api.types.is_numeric_dtype(synthetic_series):
        # numbers on one side only: both are drawn as categories (bars), labelled as text
        real_series, synthetic_series = real_series.astype("string"), synthetic_series.astype("string")
    if real_series.dropna().empty or synthetic_series.dropna().empty:
        raise ValueError("real and synthetic must each contain at least one non-missing value")
    ax = _axes(ax)
    numeric = pd.api.types.is_numeric_dtype(real_series) and pd.api.types.is_numeric_dtype(synthetic_series)
    if numeric:
        both = pd.concat([real_series, synthetic_series]).dropna()
        edges = np.histogram_bin_edges(both, bins=bins)
        ax.hist(real_series.dropna(), bins=edges, density=True, alpha=0.55, color=REAL_COLOUR, label=labels[0])
        ax.hist(synthetic_series.dropna(), bins=edges, density=True, histtype="step", linewidth=2,
                color=SYNTHETIC_COLOUR, label=labels[1])
        ax.set_ylabel("density")
    else:
        shares = pd.DataFrame({labels[0]: real_series.value_counts(normalize=True),
                               labels[1]: synthetic_series.value_counts(normalize=True)}).fillna(0)
        shares = shares.sort_values(labels[0], ascending=False)
        positions = np.arange(len(shares))
        ax.bar(positions - 0.2, shares[labels[0]], width=0.4, color=REAL_COLOUR, label=labels[0])
        ax.bar(positions + 0.2, shares[labels[1]], width=0.4, color=SYNTHETIC_COLOUR, label=labels[1])
        ax.set_xticks(positions, [str(c) for c in shares.index], rotation=45, ha="right")
        ax.set_ylabel("share")
    ax.set_xlabel(xlabel or (real_series.name if isinstance(real_series.name, str) else ""))
    if title:
        ax.set_title(title)
    ax.legend()
    return ax


def show_image_grid(images, ncols: int = 8, titles=None, *, size: float = 1.1, cmap: str = "gray_r", suptitle=None):
    """Show images (N×H×W grey or N×H×W×3 colour, values in [0, 1] or 0–255) as a grid; returns the figure.

    Used in chapters 3, 4 and 7.
    """
    import matplotlib.pyplot as plt

    array = np.asarray(images)
    if array.dtype == object or not (np.issubdtype(array.dtype, np.number) or array.dtype == bool):
        raise TypeError(f"images must be numbers (uint8 or floats in [0, 1]), got an array of {array.dtype}")
    if array.ndim not in (3, 4) or (array.ndim == 4 and array.shape[-1] not in (3, 4)):
        raise ValueError(f"images must have shape N×H×W or N×H×W×3; got {array.shape}")
    if len(array) == 0:
        raise ValueError("images is empty")
    if len(array) > MAX_GRID_IMAGES:
        raise ValueError(f"show_image_grid draws at most {MAX_GRID_IMAGES} images (one panel each; {len(array):,} "
                         f"would take minutes): pass images[:{MAX_GRID_IMAGES}] or fewer, or tile many digits into "
                         "one picture with synthlib.digit_mosaic")
    if np.issubdtype(array.dtype, np.floating) and not np.isfinite(array).all():
        raise ValueError("images contain NaN or infinite values")
    ncols = check_count(ncols, "ncols", minimum=1)
    size = check_positive(size, "size")
    if titles is not None and len(titles) != len(array):
        raise ValueError(f"got {len(titles)} titles for {len(array)} images")
    ncols = max(1, min(ncols, len(array)))
    nrows = int(np.ceil(len(array) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows + (0.3 if suptitle else 0)),
                             squeeze=False, constrained_layout=True)
    for index, ax in enumerate(axes.flat):
        ax.axis("off")
        if index < len(array):
            ax.imshow(array[index], cmap=cmap if array.ndim == 3 else None)
            if titles is not None:
                ax.set_title(str(titles[index]), fontsize=8)
    if suptitle:
        fig.suptitle(suptitle)
    return fig
