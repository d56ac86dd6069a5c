"""The self-checks of part 5's exercises (sections 5.1 to 5.4), registered with :func:`synthlib.exercises.exercise`.

Each check recomputes the truth itself from small tables with known answers; none trusts the answer's own claims,
and none imports SDV.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from . import exercise

# ---------------------------------------------------------------------------------------------------------------
# 5.1 CTGAN and SDV synthesizers

# A three-mode column: hours worked by part-timers, full-timers and people with long weeks.
_MODE_MEANS = np.array([20.0, 40.0, 60.0])
_MODE_STDS = np.array([5.0, 2.0, 8.0])
_MODE_WEIGHTS = np.array([0.2, 0.6, 0.2])
_MODE_VALUES = np.array([12.0, 20.0, 29.0, 31.0, 36.0, 39.5, 40.0, 42.0, 45.5, 48.0, 52.0, 60.0, 75.0])


def _reference_normalise(x, means, stds, weights):
    from scipy import stats

    x = np.asarray(x, dtype=float)
    density = weights * stats.norm.pdf(x[:, None], means, stds)
    mode = density.argmax(axis=1)
    return (x - means[mode]) / (4 * stds[mode]), mode


@exercise("5.1.1", summary="CTGAN's mode-specific normalisation of values, given the modes",
          solution=lambda: _reference_normalise,
          mistake=lambda: (lambda x, means, stds, weights: (
              (np.asarray(x) - means[_reference_normalise(x, means, stds, weights)[1]])
              / stds[_reference_normalise(x, means, stds, weights)[1]],
              _reference_normalise(x, means, stds, weights)[1])), function="normalise")
def _check_mode_normalise(answer):
    result = answer(_MODE_VALUES.copy(), _MODE_MEANS.copy(), _MODE_STDS.copy(), _MODE_WEIGHTS.copy())
    if not isinstance(result, tuple) or len(result) != 2:
        return "return two arrays, (alpha, mode): the scalar α and the index β of each value's mode"
    alpha, mode = (np.asarray(part) for part in result)
    if alpha.shape != _MODE_VALUES.shape or mode.shape != _MODE_VALUES.shape:
        return "return one α and one mode index per value"
    true_alpha, true_mode = _reference_normalise(_MODE_VALUES, _MODE_MEANS, _MODE_STDS, _MODE_WEIGHTS)
    if not np.array_equal(mode.astype(int), true_mode):
        nearest = np.abs(_MODE_VALUES[:, None] - _MODE_MEANS).argmin(axis=1)
        if np.array_equal(mode.astype(int), nearest):
            return ("you took the nearest mean; the mode is the most probable one, argmax of weight × normal "
                    "density, which also depends on each mode's standard deviation and weight")
        return "β is the index (0, 1, 2) of the mode with the largest weight × normal density at the value"
    if np.allclose(alpha, true_alpha, atol=1e-9):
        return None
    if np.allclose(alpha, 4 * true_alpha, atol=1e-9):
        return "CTGAN divides by four standard deviations of the mode, so that α stays within [-1, 1]"
    return "α = (x − μ_β) / (4 σ_β), with μ_β and σ_β the mean and standard deviation of the value's mode β"


# The counts of one discrete column (relationship in the Adult training table).
_COUNTS = pd.Series({"Husband": 13193, "Not-in-family": 8305, "Own-child": 5068, "Unmarried": 3446,
                     "Wife": 1568, "Other-relative": 981})


def _reference_log_frequency(counts):
    weights = np.log1p(pd.Series(counts, dtype=float))
    return weights / weights.sum()


@exercise("5.1.2", summary="how often training-by-sampling asks for each category",
          solution=lambda: _reference_log_frequency,
          mistake=lambda: (lambda counts: pd.Series(counts, dtype=float) / pd.Series(counts, dtype=float).sum()),
          function="probabilities")
def _check_log_frequency(answer):
    value = answer(_COUNTS.copy())
    truth = _reference_log_frequency(_COUNTS)
    value = pd.Series(value, index=truth.index) if not isinstance(value, pd.Series) else value.reindex(truth.index)
    if value.isna().any():
        return "return one probability per category (a Series with the same index as counts)"
    value = value.astype(float)
    if np.allclose(value, truth, atol=1e-9):
        return None
    if np.allclose(value, _COUNTS / _COUNTS.sum(), atol=1e-9):
        return ("those are the categories' shares of the rows; training-by-sampling uses the logarithm of the "
                "counts, log(1 + n_k), which gives rare categories far more than their share")
    if not np.isclose(value.sum(), 1):
        return "the probabilities over a column's categories must add up to 1: divide by the sum of the weights"
    return "weight each category by log(1 + n_k), its count's logarithm, and normalise the weights to sum to 1"


# A classifier trained on synthetic rows and tested on the real Adult test table (16,281 rows, 3,846 '>50K').
_TEST_ROWS, _TEST_POSITIVE, _PREDICTED_POSITIVE, _TRUE_POSITIVE = 16_281, 3_846, 3_000, 2_100


def _f1_of_the_example() -> float:
    false_positive = _PREDICTED_POSITIVE - _TRUE_POSITIVE
    false_negative = _TEST_POSITIVE - _TRUE_POSITIVE
    return 2 * _TRUE_POSITIVE / (2 * _TRUE_POSITIVE + false_positive + false_negative)


def _accuracy_of_the_example() -> float:
    true_negative = _TEST_ROWS - _TEST_POSITIVE - (_PREDICTED_POSITIVE - _TRUE_POSITIVE)
    return (_TRUE_POSITIVE + true_negative) / _TEST_ROWS


@exercise("5.1.3", summary="the F1 of the positive class from a classifier's counts",
          solution=_f1_of_the_example, mistake=_accuracy_of_the_example)
def _check_f1(answer):
    value = float(answer)
    truth = _f1_of_the_example()
    if abs(value - truth) < 5e-4:
        return None
    if abs(value - _accuracy_of_the_example()) < 5e-4:
        return ("that is the accuracy, which the 76% majority class inflates; the paper reports the F1 of the "
                "'>50K' class: 2·TP / (2·TP + FP + FN)")
    if abs(value - _TRUE_POSITIVE / _PREDICTED_POSITIVE) < 5e-4:
        return "that is the precision alone; F1 is the harmonic mean of precision and recall"
    if abs(value - _TRUE_POSITIVE / _TEST_POSITIVE) < 5e-4:
        return "that is the recall alone; F1 is the harmonic mean of precision and recall"
    return "count TP, FP and FN for '>50K' and compute 2·TP / (2·TP + FP + FN)"

# ---------------------------------------------------------------------------------------------------------------
# 5.2 Copulas

_VALUES = np.array([3.2, -1.0, 7.5, 0.4, 10.0, 2.2, 5.1, -3.3])
_TIED = np.array([2.0, 1.0, 2.0, 3.0, 1.0, 2.0, 5.0])


def _reference_normal_scores(values):
    from scipy import stats

    ranks = stats.rankdata(values, method="average")
    return stats.norm.ppf(ranks / (len(ranks) + 1))


def _z_scores(values):
    values = np.asarray(values, dtype=float)
    return (values - values.mean()) / values.std()


@exercise("5.2.1", summary="normal scores of a column: Φ⁻¹(rank / (n + 1))",
          solution=lambda: _reference_normal_scores, mistake=lambda: _z_scores, function="normal_scores")
def _check_normal_scores(answer):
    values = np.asarray(answer(_VALUES.copy()), dtype=float).ravel()
    if values.shape != _VALUES.shape:
        return "return one score per value, in the order of the values"
    truth = _reference_normal_scores(_VALUES)
    if np.allclose(values, _z_scores(_VALUES), atol=1e-6):
        return ("those are z-scores (x − mean) / sd, which keep the column's shape; normal scores use only the ranks: "
                "Φ⁻¹(rank / (n + 1))")
    if not np.isfinite(values).all():
        return "some scores are infinite: divide the ranks by n + 1, not n, so that no u is exactly 1"
    if not np.allclose(values, truth, atol=1e-6):
        return "rank the values (1 = smallest), divide by n + 1 and apply scipy.stats.norm.ppf"
    if not np.allclose(np.asarray(answer(np.exp(_VALUES)), dtype=float).ravel(), truth, atol=1e-6):
        return "the scores must depend on the order of the values only; use their ranks"
    tied = np.asarray(answer(_TIED.copy()), dtype=float).ravel()
    if not np.allclose(tied, _reference_normal_scores(_TIED), atol=1e-6):
        return "tied values must share their average rank (scipy.stats.rankdata's default, or pandas' rank())"
    return None


def _matched_clayton_lambda() -> float:
    tau = 2 / np.pi * np.arcsin(0.5)
    theta = 2 * tau / (1 - tau)
    return float(2 ** (-1 / theta))


@exercise("5.2.2", summary="lower-tail dependence of the Clayton copula with the Kendall's τ of ρ = 0.5",
          solution=_matched_clayton_lambda, mistake=lambda: float(2 ** (-1 / 2)))
def _check_matched_clayton(answer):
    value = float(answer)
    if not 0 <= value <= 1:
        return "a tail-dependence coefficient is a probability between 0 and 1"
    if abs(value - _matched_clayton_lambda()) < 0.005:
        return None
    if abs(value - 2 ** (-1 / 2)) < 0.005:
        return "you used τ = ρ = 0.5; for the Gaussian copula τ = (2/π)·arcsin(0.5) = 1/3, so θ = 2τ/(1 − τ) = 1"
    if value < 0.005:
        return "0 is the Gaussian copula's coefficient; the question asks for the Clayton copula with the same τ"
    return "compute τ = (2/π)·arcsin(0.5), then θ = 2τ/(1 − τ), then λ_L = 2^(−1/θ)"


# ---------------------------------------------------------------------------------------------------------------
# 5.3 Validating synthetic data

_TV_CASES = [  # (real, synthetic, TVComplement)
    (["a", "a", "b", "b"], ["a", "b", "b", "b"], 0.75),
    (["a", "a"], ["a", "c"], 0.5),
    (["x", "y", "z", "x", "y", "z"], ["z", "y", "x"], 1.0),
    (["p", "q", "q", "q"], ["p", "p", "p", "p", "p", "p", "q", "q"], 0.5),
]


def _reference_tv_complement(real, synthetic):
    p = real.value_counts(normalize=True)
    q = synthetic.value_counts(normalize=True)
    return 1 - 0.5 * p.sub(q, fill_value=0).abs().sum()


def _tv_without_half(real, synthetic):
    p = real.value_counts(normalize=True)
    q = synthetic.value_counts(normalize=True)
    return 1 - p.sub(q, fill_value=0).abs().sum()


@exercise("5.3.1", summary="TVComplement of a categorical column: 1 − ½ Σ |p_real − p_synthetic|",
          solution=lambda: _reference_tv_complement, mistake=lambda: _tv_without_half, function="tv_complement")
def _check_tv_complement(answer):
    for real, synthetic, truth in _TV_CASES:
        value = float(answer(pd.Series(real), pd.Series(synthetic)))
        if abs(value - truth) < 1e-9:
            continue
        if abs(value - (1 - 2 * (1 - truth))) < 1e-9:
            return "the total variation distance is half the sum of the absolute differences: 1 − ½ Σ |p − q|"
        if abs(value - (1 - truth)) < 1e-9:
            return "that is the distance; TVComplement is 1 minus it, so that 1 means identical shares"
        if real == ["a", "a"]:
            return "include the categories that occur in only one of the two columns (fill the missing share with 0)"
        return (f"for real {real} and synthetic {synthetic} the answer is {truth:.3f}, you returned {value:.3f}; "
                "compare the shares (value_counts(normalize=True)), not the counts")
    return None


_DCR_REAL = pd.DataFrame({"x": [0.0, 10.0, 20.0], "y": [0.0, 100.0, 50.0]})
_DCR_SYNTHETIC = pd.DataFrame({"x": [10.0, 5.0, 40.0, 70.0], "y": [100.0, 0.0, 50.0, 50.0]})
_DCR_TRUTH = np.array([0.0, 0.125, 0.5, 0.5])


def _reference_dcr(synthetic, real):
    columns = list(real.columns)
    a = synthetic[columns].to_numpy(dtype=float)
    b = real[columns].to_numpy(dtype=float)
    ranges = b.max(axis=0) - b.min(axis=0)
    scaled = np.minimum(np.abs(a[:, None, :] - b[None, :, :]) / ranges, 1.0)
    return scaled.mean(axis=2).min(axis=1)


def _unscaled_dcr(synthetic, real):
    a = synthetic.to_numpy(dtype=float)
    b = real.to_numpy(dtype=float)
    return np.abs(a[:, None, :] - b[None, :, :]).mean(axis=2).min(axis=1)


@exercise("5.3.2", summary="distance to the closest record of numeric tables, SDMetrics' scaling",
          solution=lambda: _reference_dcr, mistake=lambda: _unscaled_dcr, function="dcr")
def _check_dcr(answer):
    values = np.asarray(answer(_DCR_SYNTHETIC.copy(), _DCR_REAL.copy()), dtype=float).ravel()
    if values.shape != _DCR_TRUTH.shape:
        return "return one distance per synthetic row"
    if np.allclose(values, _unscaled_dcr(_DCR_SYNTHETIC, _DCR_REAL)):
        return "divide each column's difference by that column's range in the real table (max − min)"
    if np.allclose(values, [0.0, 0.125, 0.5, 1.25]):
        return "cap each column's scaled difference at 1, as SDMetrics does, before averaging over the columns"
    if values[0] != 0:
        return "a synthetic row that copies a real row must have distance 0: take the minimum over the real rows"
    if not np.allclose(values, _DCR_TRUTH):
        return (f"expected {_DCR_TRUTH.tolist()}, got {np.round(values, 4).tolist()}: average |a − b| / range "
                "(capped at 1) over the columns, then take the minimum over the real rows")
    shuffled = np.asarray(answer(_DCR_SYNTHETIC[["y", "x"]].copy(), _DCR_REAL.copy()), dtype=float).ravel()
    if not np.allclose(shuffled, _DCR_TRUTH):
        return "match the columns by name: the synthetic table's columns may come in another order"
    return None


# ---------------------------------------------------------------------------------------------------------------
# 5.4 Related tables and sequences

# Children per parent, zeros included: (real counts, synthetic counts, TV distance).
_CARDINALITY_CASES = [
    ([0, 1, 1, 2], [0, 1, 1, 2], 0.0),
    ([1, 1, 2, 2], [1, 2, 3, 3], 0.5),  # p = {1: .5, 2: .5}, q = {1: .25, 2: .25, 3: .5}
    ([0, 0, 3, 5], [3, 3, 3, 5], 0.5),  # p = {0: .5, 3: .25, 5: .25}, q = {3: .75, 5: .25}
    ([2, 2, 2], [5, 6], 1.0),  # no count in common
]


def _reference_cardinality_tv(real_counts, synthetic_counts):
    p = pd.Series(real_counts).value_counts(normalize=True)
    q = pd.Series(synthetic_counts).value_counts(normalize=True)
    return 0.5 * p.sub(q, fill_value=0).abs().sum()


def _cardinality_tv_without_fill(real_counts, synthetic_counts):
    """A typical mistake: subtracting the shares without ``fill_value=0``, which drops counts seen on one side only."""
    p = pd.Series(real_counts).value_counts(normalize=True)
    q = pd.Series(synthetic_counts).value_counts(normalize=True)
    return 0.5 * (p - q).abs().sum()


@exercise("5.4.1", summary="total variation distance between two cardinality distributions (children per parent)",
          solution=lambda: _reference_cardinality_tv, mistake=lambda: _cardinality_tv_without_fill,
          function="cardinality_tv")
def _check_cardinality_tv(answer):
    for real, synthetic, truth in _CARDINALITY_CASES:
        value = float(answer(pd.Series(real), pd.Series(synthetic)))
        if abs(value - truth) < 1e-9:
            continue
        if abs(value - 2 * truth) < 1e-9:
            return "the total variation distance is half the sum of the absolute differences: ½ Σ |p_k − q_k|"
        if abs(value - _cardinality_tv_without_fill(real, synthetic)) < 1e-9:
            return ("a count that occurs on one side only has share 0 on the other: subtract with fill_value=0, "
                    "or it drops out of the sum")
        return (f"for real counts {real} and synthetic counts {synthetic} the distance is {truth:.3f}, you returned "
                f"{value:.3f}: compare the share of parents with each number of children, not the averages")
    return None


# Two entities whose rows come shuffled: the truth pairs each value with its predecessor within the same entity.
_LAG_FRAME = pd.DataFrame({
    "id": ["a", "b", "a", "b", "a", "b", "a", "b", "a"],
    "t": [3, 2, 1, 1, 2, 3, 4, 4, 5],
    "x": [3.0, 9.0, 1.0, 10.0, 2.0, 7.0, 5.0, 8.0, 4.0],
})


def _reference_lag1(frame, key, column, order_by):
    ordered = frame.sort_values([key, order_by], kind="stable")
    previous = ordered.groupby(key)[column].shift(1)
    return ordered[column].corr(previous)


def _lag1_across_entities(frame, key, column, order_by):
    """The typical mistake: shift over the whole table, pairing one entity's first row with another's last."""
    ordered = frame.sort_values([key, order_by], kind="stable")
    return ordered[column].corr(ordered[column].shift(1))


@exercise("5.4.2", summary="lag-1 autocorrelation within entities, rows ordered by a sequence index",
          solution=lambda: _reference_lag1, mistake=lambda: _lag1_across_entities, function="lag1")
def _check_lag1(answer):
    truth = _reference_lag1(_LAG_FRAME, "id", "x", "t")
    value = float(answer(_LAG_FRAME.copy(), "id", "x", "t"))
    if abs(value - truth) < 1e-9:
        return None
    if abs(value - _lag1_across_entities(_LAG_FRAME, "id", "x", "t")) < 1e-9:
        return ("the first row of each entity has no predecessor: shift within each entity "
                "(frame.groupby(key)[column].shift(1)), not over the whole table")
    unsorted = _LAG_FRAME.groupby("id")["x"].shift(1)
    if abs(value - _LAG_FRAME["x"].corr(unsorted)) < 1e-9:
        return "order the rows by the sequence index within each entity before shifting"
    return f"expected {truth:.4f}, got {value:.4f}: correlate each value with the previous one of the same entity"
