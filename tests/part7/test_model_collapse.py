"""Section 7.4: the model-collapse loops follow the theory and refuse bad input."""
import numpy as np
import pandas as pd
import pytest
from scipy import special

import synthlib


def test_gaussian_replace_follows_the_chi_square_random_walk():
    n, generations, chains = 10, 30, 4_000
    real = np.random.default_rng(0).normal(size=(chains, n))
    variances = synthlib.gaussian_generations(real, generations, rng=1)
    assert variances.shape == (generations + 1, chains)
    assert np.allclose(variances[0], real.var(axis=1))
    log_change = np.log(variances[-1] / variances[0])
    drift = special.digamma((n - 1) / 2) + np.log(2 / n)
    error = np.sqrt(generations * special.polygamma(1, (n - 1) / 2) / chains)
    assert abs(log_change.mean() - generations * drift) < 4 * error
    # The expected variance shrinks by (n − 1)/n per generation (checked one step, where the mean is well estimated).
    one_step = variances[1] / variances[0]
    assert abs(one_step.mean() - (n - 1) / n) < 4 * one_step.std() / np.sqrt(chains)


def test_unbiased_fit_keeps_the_mean_but_still_collapses_the_median():
    real = np.random.default_rng(2).normal(size=(4_000, 10))
    variances = synthlib.gaussian_generations(real, 20, rng=3, ddof=1)
    ratio = variances[1] / variances[0]
    assert abs(ratio.mean() - 1) < 4 * ratio.std() / np.sqrt(ratio.size)
    assert np.median(variances[-1] / variances[0]) < 0.5


def test_accumulating_keeps_the_variance():
    real = np.random.default_rng(4).normal(size=(1_000, 25))
    replace = synthlib.gaussian_generations(real, 60, rng=5, mode="replace")
    accumulate = synthlib.gaussian_generations(real, 60, rng=5, mode="accumulate")
    assert np.median(replace[-1]) < 0.1 < 0.7 < np.median(accumulate[-1] / accumulate[0]) < 1.3


def test_a_one_dimensional_sample_is_one_chain_and_the_seed_reproduces():
    real = np.random.default_rng(6).normal(size=50)
    first = synthlib.gaussian_generations(real, 5, rng=7)
    assert first.shape == (6, 1)
    assert np.array_equal(first, synthlib.gaussian_generations(real, 5, rng=7))


def test_refit_generations_replace_and_accumulate_see_the_right_data():
    seen = []

    def fit(data):
        seen.append(len(data))
        return float(np.mean(data))

    def sample(model, n, generator):
        return np.full(n, model + 1.0)

    real = np.zeros(4)
    history = synthlib.refit_generations(fit, sample, real, 3, measure=lambda model, data: {"model": model},
                                         mode="replace", rng=0)
    assert seen == [4, 4, 4, 4] and list(history["model"]) == [0.0, 1.0, 2.0, 3.0]
    seen.clear()
    history = synthlib.refit_generations(fit, sample, real, 2, measure=lambda model, data: {"model": model},
                                         mode="accumulate", n=2, rng=0)
    assert seen == [4, 6, 8]
    assert history.index.name == "generation" and list(history.index) == [0, 1, 2]


def test_refit_generations_with_tables():
    real = pd.DataFrame({"colour": ["red", "blue", "green", "red"] * 5})

    def fit(table):
        return table["colour"].value_counts(normalize=True)

    def sample(frequencies, n, generator):
        return pd.DataFrame({"colour": generator.choice(frequencies.index, size=n, p=frequencies.to_numpy())})

    history = synthlib.refit_generations(fit, sample, real, 50, rng=1,
                                         measure=lambda model, table: {"categories": table["colour"].nunique()})
    assert history["categories"].iloc[0] == 3
    assert history["categories"].is_monotonic_decreasing  # a category lost is lost for good


@pytest.mark.parametrize("arguments, message", [
    (dict(real=[], generations=3), "empty"),
    (dict(real=[1.0, np.nan], generations=3), "NaN"),
    (dict(real=[1.0], generations=3), "at least 2"),
    (dict(real=np.ones((2, 2, 2)), generations=3), "shape"),
    (dict(real=[1.0, 2.0], generations=0), "generations"),
    (dict(real=[1.0, 2.0], generations=2.5), "generations"),
    (dict(real=[1.0, 2.0], generations=3, mode="keep"), "mode"),
    (dict(real=[1.0, 2.0], generations=3, ddof=2), "ddof"),
    (dict(real=[1.0, 2.0], generations=3, rng="seed"), "rng"),
    (dict(real=np.ones((10_000, 1_000)), generations=10**4, mode="accumulate"), "generations"),
])
def test_gaussian_generations_refuses_bad_input(arguments, message):
    with pytest.raises((TypeError, ValueError), match=message):
        synthlib.gaussian_generations(**arguments)


def test_refit_generations_refuses_bad_input():
    measure = lambda model, data: {}  # noqa: E731
    with pytest.raises(TypeError, match="fit"):
        synthlib.refit_generations(None, lambda m, n, g: np.zeros(n), np.zeros(3), 2, measure=measure)
    with pytest.raises(TypeError, match="real"):
        synthlib.refit_generations(np.mean, lambda m, n, g: np.zeros(n), [1, 2], 2, measure=measure)
    with pytest.raises(ValueError, match="empty"):
        synthlib.refit_generations(np.mean, lambda m, n, g: np.zeros(n), np.zeros(0), 2, measure=measure)
    with pytest.raises(ValueError, match="asked for n"):
        synthlib.refit_generations(np.mean, lambda m, n, g: np.zeros(n + 1), np.zeros(3), 2, measure=measure)
    with pytest.raises(ValueError, match="mode"):
        synthlib.refit_generations(np.mean, lambda m, n, g: np.zeros(n), np.zeros(3), 2, measure=measure,
                                   mode="Replace")
