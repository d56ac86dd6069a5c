"""The self-checks of part 2's exercises (sections 2.1 to 2.4), registered with :func:`synthlib.exercises.exercise`.

Each check recomputes what it needs; none trusts the answer's own claims.
"""
from __future__ import annotations

import numpy as np

from .exercises import exercise

# ---------------------------------------------------------------------------------------------------------------
# 2.1 Random sampling

_PROBABILITIES = np.linspace(0.001, 0.999, 999)


@exercise("2.1.1", summary="inverse CDF of the logistic distribution",
          solution=lambda: (lambda u: np.log(u / (1 - u))),
          mistake=lambda: (lambda u: np.log((1 - u) / u)))
def _check_logistic_inverse_cdf(answer):
    if not callable(answer):
        return "pass a function of an array u, e.g. `def inverse_cdf(u): ...`"
    values = np.asarray(answer(_PROBABILITIES), dtype=float)
    if values.shape != _PROBABILITIES.shape:
        return "the function must return one value per entry of u (work element-wise with NumPy)"
    truth = np.log(_PROBABILITIES / (1 - _PROBABILITIES))
    if np.allclose(values, truth, atol=1e-6):
        return None
    if np.allclose(values, -truth, atol=1e-6):
        return "your function decreases in u; an inverse CDF must increase. Solve u = 1/(1+e^(-x)) for x again."
    return "solve u = 1/(1 + e^(-x)) for x; at u = 0.5 the answer must be 0 and it must grow with u"


@exercise("2.1.2", summary="sample size for a standard error of 0.001",
          solution=lambda: 83_334, mistake=lambda: 83_333)
def _check_sample_size(answer):
    if isinstance(answer, bool) or not float(answer).is_integer():
        return "give the sample size as a whole number"
    answer = int(answer)
    if answer == 83_334:
        return None
    if answer == 83_333:
        return "at n = 83,333 the standard error is still slightly above 0.001: round up, not down"
    if answer == 1_000_000:
        return "you used σ = 1; the standard deviation of Uniform(0, 1) is 1/√12"
    return "solve σ/√n ≤ 0.001 for n with σ² = 1/12, and round up to a whole number"


# ---------------------------------------------------------------------------------------------------------------
# 2.2 Bootstrapping

# Data whose bootstrap standard error of the mean is known exactly: the plug-in sd over sqrt(n).
_SE_DATA = np.array([3.1, 4.7, 1.2, 9.8, 5.5, 6.0, 2.2, 7.4, 8.1, 4.4, 5.9, 3.3, 6.6, 7.7, 2.9, 5.1])


def _reference_bootstrap_se(data, statistic, n_resamples, rng):
    from .basics import bootstrap

    return bootstrap(data, statistic, n_resamples, rng).std(ddof=1)


@exercise("2.2.1", summary="a bootstrap standard-error function",
          solution=lambda: _reference_bootstrap_se,
          mistake=lambda: (lambda data, statistic, n_resamples, rng: np.std(data, ddof=1)))
def _check_bootstrap_se(answer):
    if not callable(answer):
        return "pass your function itself: synthlib.check('2.2.1', bootstrap_se)"
    truth = _SE_DATA.std() / np.sqrt(_SE_DATA.size)
    value = float(answer(_SE_DATA.copy(), np.mean, 20_000, np.random.default_rng(0)))
    if abs(value / truth - 1) < 0.03:
        median_se = float(answer(_SE_DATA.copy(), np.median, 2_000, np.random.default_rng(1)))
        if median_se > 0 and np.isfinite(median_se):
            return None
        return "it works for np.mean but not for np.median: call `statistic` on each resample, whatever it is"
    if abs(value / (_SE_DATA.std(ddof=1)) - 1) < 0.05:
        return "that is the spread of the data; the standard error is the spread of the bootstrap statistics"
    if abs(value * np.sqrt(_SE_DATA.size) / truth - 1) < 0.05:
        return "you divided by √n: the bootstrap distribution's own standard deviation already is the standard error"
    return (f"on a test dataset the answer should be close to {truth:.3f}, you returned {value:.3f}; "
            "resample with replacement, apply the statistic to each resample, take the standard deviation")


def _coverage_exponential_n10() -> float:
    from .basics import ci_coverage

    return ci_coverage(lambda g: g.exponential(1.0, 10), 1.0, np.mean, level=0.95, n_trials=500,
                       n_resamples=1_000, rng=np.random.default_rng(2))


@exercise("2.2.2", summary="coverage of the percentile interval for the mean of 10 exponential values",
          solution=_coverage_exponential_n10, mistake=lambda: 0.95)
def _check_coverage(answer):
    value = float(answer)
    if not 0 <= value <= 1:
        return "a coverage is a share between 0 and 1"
    reference = _coverage_exponential_n10()
    if abs(value - reference) <= 0.04:  # about 3 simulation standard errors with 500 trials
        return None
    if value == 0.95:
        return "0.95 is the promise, not the measurement: run synthlib.ci_coverage and report what it returns"
    return "run the simulation as described (sample size 10, exponential with mean 1, truth 1) and report its result"


# Sections 2.3 and 2.4 register theirs in a module of their own.
from . import exercises_2_sim  # noqa: E402,F401
