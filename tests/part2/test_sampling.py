"""Unit and property tests for section 2.1's inverse-transform sampling (synthlib.part2.sampling)."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import stats

import synthlib

finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)

samples = arrays(np.float64, st.integers(1, 60), elements=finite)


def test_inverse_transform_sample_matches_the_exponential():
    draws = synthlib.inverse_transform_sample(lambda u: -np.log1p(-u) / 2.0, 20_000, np.random.default_rng(0))
    assert stats.kstest(draws, stats.expon(scale=0.5).cdf).pvalue > 0.01



def test_tabulated_inverse_cdf_matches_a_known_quantile_function():
    inverse_cdf = synthlib.tabulate_inverse_cdf(stats.norm.pdf, -8, 8, grid_size=20_001)
    u = np.linspace(0.01, 0.99, 50)
    np.testing.assert_allclose(inverse_cdf(u), stats.norm.ppf(u), atol=2e-3)



@given(n=st.integers(0, 500), seed=st.integers(0, 2**32 - 1))
@settings(max_examples=40, deadline=None)
def test_inverse_transform_sample_shape_range_and_determinism(n, seed):
    inverse_cdf = synthlib.tabulate_inverse_cdf(lambda x: np.exp(-x), 0, 5)
    first = synthlib.inverse_transform_sample(inverse_cdf, n, np.random.default_rng(seed))
    again = synthlib.inverse_transform_sample(inverse_cdf, n, np.random.default_rng(seed))
    assert first.shape == (n,)
    assert np.all((first >= 0) & (first <= 5))
    np.testing.assert_array_equal(first, again)



def test_inverse_transform_sample_rejects_bad_input():
    with pytest.raises(ValueError, match="n must be non-negative"):
        synthlib.inverse_transform_sample(lambda u: u, -1)
    with pytest.raises(TypeError, match="inverse_cdf must be a function"):
        synthlib.inverse_transform_sample(3.0, 10)
    with pytest.raises(ValueError, match="same shape"):
        synthlib.inverse_transform_sample(lambda u: u[:1], 10)
    with pytest.raises(ValueError, match="lower < upper"):
        synthlib.tabulate_inverse_cdf(stats.norm.pdf, 1, 1)
    with pytest.raises(ValueError, match="non-negative"):
        synthlib.tabulate_inverse_cdf(lambda x: -np.ones_like(x), 0, 1)



def test_an_inverse_cdf_that_returns_nan_and_a_huge_n_are_refused():
    with pytest.raises(ValueError, match="inverse_cdf returned 10 NaN"):
        synthlib.inverse_transform_sample(lambda u: u * np.nan, 10, rng=0)
    with pytest.raises(ValueError, match=r"n=1,000,000,000,000 would need about"):
        synthlib.inverse_transform_sample(lambda u: u, 10**12, rng=0)
