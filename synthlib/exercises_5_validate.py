"""The self-checks of the exercises of sections 5.2 (copulas) and 5.3 (validating synthetic data).

Each check recomputes what it needs on small tables with known answers; none trusts the answer's own claims.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .exercises import exercise

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
          solution=lambda: _reference_normal_scores, mistake=lambda: _z_scores)
def _check_normal_scores(answer):
    if not callable(answer):
        return "pass your function itself: synthlib.check('5.2.1', normal_scores)"
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
          solution=lambda: _reference_tv_complement, mistake=lambda: _tv_without_half)
def _check_tv_complement(answer):
    if not callable(answer):
        return "pass your function itself: synthlib.check('5.3.1', tv_complement)"
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
          solution=lambda: _reference_dcr, mistake=lambda: _unscaled_dcr)
def _check_dcr(answer):
    if not callable(answer):
        return "pass your function itself: synthlib.check('5.3.2', dcr)"
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
