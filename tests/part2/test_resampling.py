"""Unit and property tests for section 2.2's bootstrap (synthlib.part2.resampling)."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import synthlib

finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)

samples = arrays(np.float64, st.integers(1, 60), elements=finite)


@given(data=samples, n_resamples=st.integers(1, 300), seed=st.integers(0, 2**32 - 1))
@settings(max_examples=60, deadline=None)
def test_bootstrap_values_lie_within_the_data_and_are_reproducible(data, n_resamples, seed):
    values = synthlib.bootstrap(data, np.mean, n_resamples, np.random.default_rng(seed))
    assert values.shape == (n_resamples,)
    assert np.all(values >= data.min() - 1e-6 * (1 + abs(data.min())))
    assert np.all(values <= data.max() + 1e-6 * (1 + abs(data.max())))
    again = synthlib.bootstrap(data, np.mean, n_resamples, np.random.default_rng(seed))
    np.testing.assert_array_equal(values, again)



@given(data=samples, seed=st.integers(0, 2**32 - 1))
@settings(max_examples=30, deadline=None)
def test_bootstrap_medians_are_data_values_or_midpoints(data, seed):
    medians = synthlib.bootstrap(data, np.median, 50, np.random.default_rng(seed))
    midpoints = (data[:, None] + data[None, :]) / 2
    assert np.all(np.isclose(medians[:, None], midpoints.ravel()[None, :]).any(axis=1))



def test_bootstrap_result_does_not_depend_on_worker_count():
    data = np.random.default_rng(0).normal(size=1_000)
    one = synthlib.bootstrap(data, np.mean, 3_000, np.random.default_rng(5), workers=1)
    four = synthlib.bootstrap(data, np.mean, 3_000, np.random.default_rng(5), workers=4)
    np.testing.assert_array_equal(one, four)



def test_bootstrap_standard_error_matches_the_formula():
    data = np.random.default_rng(1).normal(10, 2, size=200)
    values = synthlib.bootstrap(data, np.mean, 20_000, np.random.default_rng(2))
    assert values.std(ddof=1) == pytest.approx(data.std() / np.sqrt(data.size), rel=0.03)



def test_bootstrap_accepts_statistics_without_axis():
    data = np.arange(20.0)
    values = synthlib.bootstrap(data, lambda x: float(np.max(x) - np.min(x)), 100, np.random.default_rng(0))
    assert values.shape == (100,) and values.max() <= 19



@given(data=samples, level=st.floats(0.5, 0.99), seed=st.integers(0, 1000))
@settings(max_examples=40, deadline=None)
def test_percentile_ci_is_ordered_and_nested(data, level, seed):
    ci = synthlib.bootstrap_ci(data, np.mean, level, 200, np.random.default_rng(seed))
    wider = synthlib.bootstrap_ci(data, np.mean, min(0.999, level + 0.009), 200, np.random.default_rng(seed))
    assert ci.low <= ci.high and ci.level == level
    assert wider.low <= ci.low + 1e-9 and wider.high >= ci.high - 1e-9



def test_coverage_is_near_nominal_for_the_mean_of_normal_samples():
    coverage = synthlib.ci_coverage(lambda g: g.normal(0, 1, 50), 0.0, np.mean, level=0.9, n_trials=400,
                                    n_resamples=500, rng=np.random.default_rng(0))
    assert abs(coverage - 0.9) < 4 * np.sqrt(0.9 * 0.1 / 400) + 0.02



@pytest.mark.parametrize("bad, message", [
    ([], "data is empty"),
    ([1.0, np.nan, 2.0], "NaN"),
    ([[1.0, 2.0]], "1-dimensional"),
    (["a", "b"], "numeric"),
])
def test_bootstrap_rejects_bad_data(bad, message):
    with pytest.raises((ValueError, TypeError), match=message):
        synthlib.bootstrap(bad)



@pytest.mark.parametrize("level", [0, 1, -0.1, 1.5, 95])
def test_confidence_level_must_be_inside_zero_one(level):
    with pytest.raises(ValueError, match=r"level must lie in \(0, 1\)"):
        synthlib.bootstrap_ci([1.0, 2.0, 3.0], level=level)
    with pytest.raises(ValueError, match=r"level must lie in \(0, 1\)"):
        synthlib.percentile_ci([1.0, 2.0], level=level)



def test_bootstrap_rejects_bad_counts_and_statistics():
    with pytest.raises(ValueError, match="n_resamples must be at least 1"):
        synthlib.bootstrap([1.0, 2.0], n_resamples=-5)
    with pytest.raises(TypeError, match="statistic must be a function"):
        synthlib.bootstrap([1.0, 2.0], statistic="mean")
    with pytest.raises(ValueError, match="n_trials must be at least 1"):
        synthlib.ci_coverage(lambda g: g.normal(size=5), 0.0, n_trials=-1)



def test_a_huge_n_resamples_is_refused_before_allocating():
    import time

    start = time.perf_counter()
    with pytest.raises(ValueError, match=r"n_resamples=1,000,000,000,000 would need about"):
        synthlib.bootstrap([1.0, 2.0, 3.0], n_resamples=10**12, rng=0)
    assert time.perf_counter() - start < 1


def test_ci_coverage_refuses_a_nan_true_value():
    with pytest.raises(ValueError, match="true_value must be a finite number"):
        synthlib.ci_coverage(lambda r: r.normal(size=5), np.nan, n_trials=3, n_resamples=10)
