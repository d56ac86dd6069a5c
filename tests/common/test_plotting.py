"""The figure helpers refuse what they cannot draw in reasonable time, with a message saying what to do instead."""
import numpy as np
import pandas as pd
import pytest

import synthlib


def test_show_image_grid_caps_the_number_of_panels():
    """Issue 17: a 2,000-image split never returned (one subplot each)."""
    import matplotlib

    matplotlib.use("Agg")
    with pytest.raises(ValueError, match=r"at most 400 images .*images\[:400\].*digit_mosaic"):
        synthlib.show_image_grid(np.zeros((2_000, 28, 28)))
    with pytest.raises(ValueError, match="NaN"):
        synthlib.show_image_grid(np.full((2, 28, 28), np.nan))
    with pytest.raises(ValueError, match="ncols must be at least 1"):
        synthlib.show_image_grid(np.zeros((2, 28, 28)), ncols=0)


def test_plot_real_vs_synthetic_draws_mixed_columns_as_categories_and_caps_bins():
    import matplotlib

    matplotlib.use("Agg")
    ax = synthlib.plot_real_vs_synthetic(pd.Series([1, 2, 2]), pd.Series(["1", "2", "x"]))
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2", "1", "x"]
    with pytest.raises(ValueError, match="bins must be at most 10000"):
        synthlib.plot_real_vs_synthetic([1.0, 2.0], [1.0, 3.0], bins=10**12)
    synthlib.plot_real_vs_synthetic([1.0, 2.0], [1.0, 3.0], bins=np.arange(0.5, 4))  # bin edges, as 5.3 passes
