"""The self-checks of part 5's exercises: section 5.1 here, sections 5.2 and 5.3 in exercises_5_validate.

Each check recomputes the truth itself from known data; none trusts the answer's own claims, and none imports SDV.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .exercises import exercise  # noqa: F401

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
              _reference_normalise(x, means, stds, weights)[1])))
def _check_mode_normalise(answer):
    if not callable(answer):
        return "pass your function itself: synthlib.check('5.1.1', normalise)"
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
          mistake=lambda: (lambda counts: pd.Series(counts, dtype=float) / pd.Series(counts, dtype=float).sum()))
def _check_log_frequency(answer):
    if not callable(answer):
        return "pass your function itself: synthlib.check('5.1.2', probabilities)"
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


# Sections 5.2 and 5.3 register theirs in a module of their own.
from . import exercises_5_validate  # noqa: E402,F401
