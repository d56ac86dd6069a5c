"""The Gaussian copula by hand and the tail-dependence tools of section 5.2: known answers and clear errors."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import stats

import synthlib


@pytest.fixture(scope="module")
def mixed():
    """A mixed table with known dependence: y rises with x, 'group' follows x, 'flag' is rare and tied."""
    rng = np.random.default_rng(0)
    n = 4_000
    latent = rng.multivariate_normal([0, 0, 0], [[1, 0.7, 0.5], [0.7, 1, 0.4], [0.5, 0.4, 1]], size=n)
    group = np.where(latent[:, 2] > 0.8, "high", np.where(latent[:, 2] > -0.5, "mid", "low")).astype(object)
    group[rng.random(n) < 0.05] = np.nan
    return pd.DataFrame({"x": np.round(np.exp(latent[:, 0]) * 10, 1), "y": np.round(latent[:, 1] * 5 + 40).astype(int),
                         "group": group, "flag": latent[:, 0] > 1.5})


# --- normal scores and the empirical quantile ---------------------------------------------------------------------

def test_normal_scores_are_the_normal_quantiles_of_the_ranks():
    values = np.array([3.0, -1.0, 7.5, 0.4])
    expected = stats.norm.ppf(np.array([3, 1, 4, 2]) / 5)
    np.testing.assert_allclose(synthlib.normal_scores(values), expected)


@given(arrays(np.float64, st.integers(2, 80), elements=st.floats(-1e3, 1e3, allow_nan=False)))
@settings(max_examples=50, deadline=None)
def test_normal_scores_depend_on_the_ranks_only(values):
    scores = synthlib.normal_scores(values)
    assert np.all(np.isfinite(scores))
    np.testing.assert_allclose(synthlib.normal_scores(2 * values), scores)  # doubling is exact and keeps the order
    assert np.all(np.diff(scores[np.argsort(values, kind="stable")]) >= 0)  # larger values, larger scores


def test_ties_share_their_average_rank_or_are_broken_at_random_reproducibly():
    values = np.array([1.0, 2.0, 2.0, 2.0, 3.0])
    average = synthlib.normal_scores(values)
    assert average[1] == average[2] == average[3] == pytest.approx(0.0)
    broken = synthlib.normal_scores(values, rng=np.random.default_rng(1))
    assert len(set(np.round(broken, 12))) == 5
    np.testing.assert_array_equal(broken, synthlib.normal_scores(values, rng=np.random.default_rng(1)))
    assert broken[0] == average[0] and broken[4] == average[4]  # untied values keep their rank


def test_empirical_quantile_returns_observed_values():
    values = np.array([5, 1, 3, 3, 9])
    np.testing.assert_array_equal(synthlib.empirical_quantile(values, [0, 0.2, 0.21, 0.6, 0.61, 1]),
                                  [1, 1, 3, 3, 5, 9])
    u = np.random.default_rng(0).uniform(size=1_000)
    assert set(synthlib.empirical_quantile(values, u)) <= set(values)


def test_normal_scores_and_quantiles_reject_bad_input():
    with pytest.raises(ValueError, match="values is empty"):
        synthlib.normal_scores([])
    with pytest.raises(ValueError, match="NaN"):
        synthlib.normal_scores([1.0, np.nan])
    with pytest.raises(TypeError, match="must be numeric"):
        synthlib.normal_scores(["a", "b"])
    with pytest.raises(ValueError, match="probabilities in \\[0, 1\\]"):
        synthlib.empirical_quantile([1, 2, 3], [0.5, 1.5])


# --- the copula ---------------------------------------------------------------------------------------------------

def test_the_correlation_is_that_of_the_normal_scores(mixed):
    numeric = mixed[["x", "y"]]
    copula = synthlib.fit_gaussian_copula(numeric)
    scores = np.column_stack([synthlib.normal_scores(numeric[c]) for c in numeric])
    np.testing.assert_allclose(copula.correlation, np.corrcoef(scores, rowvar=False))
    np.testing.assert_allclose(copula.scores.to_numpy(), scores)


def test_a_gaussian_copula_recovers_a_known_rank_correlation():
    rho = 0.6
    data = np.random.default_rng(0).multivariate_normal([0, 0], [[1, rho], [rho, 1]], size=20_000)
    frame = pd.DataFrame({"a": np.exp(data[:, 0]), "b": data[:, 1] ** 3})  # monotone transforms keep the copula
    sample = synthlib.fit_gaussian_copula(frame).sample(20_000, np.random.default_rng(1))
    spearman_theory = 6 / np.pi * np.arcsin(rho / 2)
    assert sample.corr("spearman").iloc[0, 1] == pytest.approx(spearman_theory, abs=0.02)
    assert stats.ks_2samp(sample["a"], frame["a"]).statistic < 0.02


def test_independent_columns_give_an_identity_correlation():
    rng = np.random.default_rng(3)
    frame = pd.DataFrame({"a": rng.normal(size=5_000), "b": rng.exponential(size=5_000)})
    copula = synthlib.fit_gaussian_copula(frame)
    assert abs(copula.correlation[0, 1]) < 0.05


def test_samples_keep_types_categories_missing_values_and_shares(mixed):
    copula = synthlib.fit_gaussian_copula(mixed)
    sample = copula.sample(len(mixed), np.random.default_rng(1))
    assert list(sample.columns) == list(mixed.columns)
    assert sample.dtypes.equals(mixed.dtypes)
    assert set(sample["group"].dropna()) <= {"high", "mid", "low"}
    assert set(sample["y"]) <= set(mixed["y"])
    for column in ("group", "flag"):
        real = mixed[column].value_counts(normalize=True, dropna=False)
        synthetic = sample[column].value_counts(normalize=True, dropna=False)
        assert 0.5 * real.sub(synthetic, fill_value=0).abs().sum() < 0.03
    assert copula.categories["group"][0] == "mid"  # the most frequent category owns the first interval


def test_sampling_is_reproducible_and_the_fit_is_deterministic(mixed):
    first = synthlib.fit_gaussian_copula(mixed).sample(100, np.random.default_rng(7))
    again = synthlib.fit_gaussian_copula(mixed).sample(100, np.random.default_rng(7))
    pd.testing.assert_frame_equal(first, again)
    assert synthlib.fit_gaussian_copula(mixed).sample(0).shape == (0, 4)


def test_calibration_repairs_the_dilution_of_tied_columns(mixed):
    plain = synthlib.fit_gaussian_copula(mixed)
    calibrated = synthlib.fit_gaussian_copula(mixed, calibrate=4, rng=0)
    target = plain.rank_correlation(mixed)

    def error(copula):
        return np.abs(copula.rank_correlation(copula.sample(len(mixed), np.random.default_rng(5))) - target).max()

    assert error(plain) > 0.08  # the binary flag dilutes its correlations
    assert error(calibrated) < error(plain) / 2
    assert np.allclose(np.diag(calibrated.correlation), 1)
    assert np.linalg.eigvalsh(calibrated.correlation).min() > 0


def test_a_constant_column_carries_no_dependence():
    frame = pd.DataFrame({"a": np.arange(50.0), "b": np.ones(50), "c": np.arange(50.0) ** 2})
    copula = synthlib.fit_gaussian_copula(frame)
    assert copula.correlation[0, 1] == 0 and copula.correlation[0, 2] == pytest.approx(1)
    assert (copula.sample(20, 0)["b"] == 1).all()


def test_fit_rejects_bad_input(mixed):
    with pytest.raises(TypeError, match="must be a pandas DataFrame"):
        synthlib.fit_gaussian_copula(mixed.to_numpy())
    with pytest.raises(ValueError, match="no columns"):
        synthlib.fit_gaussian_copula(pd.DataFrame(index=range(3)))
    with pytest.raises(ValueError, match="at least 2"):
        synthlib.fit_gaussian_copula(mixed.iloc[:1])
    with pytest.raises(ValueError, match=r"numeric column\(s\) \['x'\] contain NaN"):
        synthlib.fit_gaussian_copula(mixed.assign(x=np.where(mixed.index == 3, np.nan, mixed["x"])))
    copula = synthlib.fit_gaussian_copula(mixed)
    with pytest.raises(ValueError, match="n must be non-negative"):
        copula.sample(-1)
    with pytest.raises(ValueError, match="categories the copula never saw"):
        copula.encode(mixed.assign(group="unknown"))
    with pytest.raises(ValueError, match="lacks the copula's column"):
        copula.encode(mixed.drop(columns="flag"))


def test_nearest_correlation_fixes_an_indefinite_matrix_and_keeps_a_valid_one():
    valid = np.array([[1, 0.3], [0.3, 1]])
    np.testing.assert_allclose(synthlib.nearest_correlation(valid), valid)
    broken = np.array([[1, 0.9, -0.9], [0.9, 1, 0.9], [-0.9, 0.9, 1]])
    fixed = synthlib.nearest_correlation(broken)
    assert np.linalg.eigvalsh(fixed).min() > 0 and np.allclose(np.diag(fixed), 1)
    with pytest.raises(ValueError, match="finite square matrix"):
        synthlib.nearest_correlation(np.ones((2, 3)))


# --- tail dependence ------------------------------------------------------------------------------------------------

def test_clayton_has_its_known_tail_dependence_and_kendall_tau():
    theta = 2.0
    pairs = synthlib.sample_clayton(40_000, theta, np.random.default_rng(0))
    assert pairs.shape == (40_000, 2) and ((pairs > 0) & (pairs < 1)).all()
    assert synthlib.tail_dependence(pairs[:, 0], pairs[:, 1], 0.01) == pytest.approx(2 ** (-1 / theta), abs=0.06)
    assert synthlib.tail_dependence(pairs[:, 0], pairs[:, 1], 0.01, tail="upper") < 0.15
    tau = stats.kendalltau(pairs[:5_000, 0], pairs[:5_000, 1]).statistic
    assert tau == pytest.approx(theta / (theta + 2), abs=0.02)


def test_a_gaussian_copula_fitted_to_clayton_loses_the_tail():
    pairs = pd.DataFrame(synthlib.sample_clayton(30_000, 2.0, np.random.default_rng(1)), columns=["u", "v"])
    fitted = synthlib.fit_gaussian_copula(pairs).sample(30_000, np.random.default_rng(2))
    lam = synthlib.tail_dependence(fitted["u"], fitted["v"], [0.005, 0.01, 0.05])
    assert lam.shape == (3,) and lam[1] < 0.45 and lam[0] <= lam[2] + 0.05


def test_tail_dependence_of_independent_columns_is_about_q():
    rng = np.random.default_rng(4)
    assert synthlib.tail_dependence(rng.uniform(size=50_000), rng.uniform(size=50_000), 0.1) == pytest.approx(0.1,
                                                                                                              abs=0.02)


def test_closed_forms():
    assert synthlib.gaussian_kendall_tau(0.5) == pytest.approx(1 / 3)
    assert synthlib.clayton_theta_from_tau(1 / 3) == pytest.approx(1.0)
    assert synthlib.clayton_tail_dependence(1.0) == pytest.approx(0.5)


def test_tail_tools_reject_bad_input():
    with pytest.raises(ValueError, match="same length"):
        synthlib.tail_dependence([1, 2, 3], [1, 2], 0.5)
    with pytest.raises(ValueError, match="must lie in"):
        synthlib.tail_dependence([1, 2, 3], [1, 2, 3], 1.5)
    with pytest.raises(ValueError, match="tail must be 'lower' or 'upper'"):
        synthlib.tail_dependence([1, 2, 3], [1, 2, 3], 0.5, tail="left")
    with pytest.raises(ValueError, match="no observation lies"):
        synthlib.tail_dependence([1, 2, 3], [1, 2, 3], 0.01)
    with pytest.raises(ValueError, match="theta must be positive"):
        synthlib.sample_clayton(10, 0.0)
    with pytest.raises(ValueError, match="rho must be a correlation"):
        synthlib.gaussian_kendall_tau(1.5)
