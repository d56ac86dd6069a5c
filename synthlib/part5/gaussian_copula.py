"""Part 5, section 5.2: a Gaussian copula by hand, and the measurements that show where it works and where not.

The copula keeps each column's **empirical** marginal (so whole numbers stay whole and categories stay categories)
and joins the columns with a Gaussian dependence structure: ranks → normal scores → correlation matrix, then
sampling back through the empirical quantile functions. Categorical columns get an interval of (0, 1) as wide as
their frequency, the idea behind SDV's ``UniformEncoder``; missing categories are kept as a category of their own.
``calibrated`` adjusts the correlation matrix until the samples' rank correlations match the data's.
Only NumPy, SciPy and pandas are needed: ``copulas`` and SDV are compared with it in the chapter, not used here.
"""
from __future__ import annotations

import numbers
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from ..common.arguments import as_rng, as_sample, check_count, check_positive, check_probability

__all__ = ["GaussianCopula", "fit_gaussian_copula", "normal_scores", "empirical_quantile", "nearest_correlation",
           "tail_dependence", "sample_clayton", "clayton_tail_dependence", "clayton_theta_from_tau",
           "gaussian_kendall_tau"]

_MISSING = "<missing>"  # how a categorical column's NaN is stored as a category of its own


def normal_scores(values, rng=None) -> np.ndarray:
    """Map a numeric column to normal scores Φ⁻¹(rank / (n + 1)), the second step of a Gaussian copula (5.2).

    The ranks make the result depend on the order of the values only: any increasing transformation of the column
    gives the same scores. Ties (whole-number ages, the many zero capital gains) get the average rank when ``rng``
    is None, or are broken at random when ``rng`` (a NumPy generator or seed) is given, which spreads a repeated value
    over its share of (0, 1) as SDV's ``UniformEncoder`` does for categories. Either way the correlation of heavily
    tied columns comes out diluted (random tie-breaking dilutes it more): see :meth:`GaussianCopula.calibrated`.
    """
    from scipy import stats

    array = as_sample(values, "values")
    n = array.size
    if rng is None:
        ranks = stats.rankdata(array, method="average")
    else:
        order = np.lexsort((as_rng(rng).random(n), array))  # sort by value, ties by a random key
        ranks = np.empty(n)
        ranks[order] = np.arange(1, n + 1)
    return stats.norm.ppf(ranks / (n + 1))


def empirical_quantile(values, u) -> np.ndarray:
    """The empirical quantile function F̂⁻¹(u): the smallest observed value whose empirical CDF reaches u (5.2).

    Sampling back through it returns values that occur in the data (NumPy's ``inverted_cdf`` quantile method), so
    a copula built on it never invents an age of 16.4 or a negative capital gain.
    """
    array = np.sort(as_sample(values, "values"))
    probabilities = np.asarray(u, dtype=float)
    if np.isnan(probabilities).any() or (probabilities < 0).any() or (probabilities > 1).any():
        raise ValueError("u must contain probabilities in [0, 1] (no NaN)")
    return _quantile_sorted(array, probabilities)


def _quantile_sorted(sorted_values: np.ndarray, u: np.ndarray) -> np.ndarray:
    n = sorted_values.size
    index = np.clip(np.ceil(u * n).astype(int) - 1, 0, n - 1)
    return sorted_values[index]


@dataclass
class GaussianCopula:
    """A fitted Gaussian copula with empirical marginals; made by :func:`fit_gaussian_copula` (section 5.2).

    ``correlation`` is the correlation matrix of the normal scores, ``scores`` the normal scores of the training
    rows (one column per input column) and ``categories`` the categories of each categorical column, in the order
    of their intervals in (0, 1) (most frequent first).
    """

    columns: list[str]
    correlation: np.ndarray
    scores: pd.DataFrame
    categories: dict[str, list] = field(default_factory=dict)
    _sorted: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    _dtypes: dict[str, object] = field(default_factory=dict, repr=False)

    def sample(self, n: int, rng=None) -> pd.DataFrame:
        """Draw ``n`` synthetic rows: z ~ N(0, R), u = Φ(z), then each column's empirical quantile of u."""
        from scipy import stats

        n = check_count(n, "n")
        generator = as_rng(rng)
        # A tiny ridge keeps the Cholesky factorisation stable when two columns are (almost) copies of each other.
        ridge = 1e-10 * np.eye(len(self.columns))
        factor = np.linalg.cholesky(self.correlation + ridge)
        z = generator.standard_normal((n, len(self.columns))) @ factor.T
        u = stats.norm.cdf(z)
        data = {}
        for j, column in enumerate(self.columns):
            values = _quantile_sorted(self._sorted[column], u[:, j])
            if column in self.categories:
                labels = np.array(self.categories[column], dtype=object)[values.astype(int)]
                labels[labels == _MISSING] = np.nan
                data[column] = pd.Series(labels, dtype=self._dtypes[column])
            else:
                data[column] = pd.Series(values).astype(self._dtypes[column])
        return pd.DataFrame(data)

    def encode(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The table as numbers in the copula's own coding: categories become their position (most frequent 0)."""
        missing = [c for c in self.columns if c not in frame.columns]
        if missing:
            raise ValueError(f"frame lacks the copula's column(s) {missing}")
        coded = {}
        for column in self.columns:
            if column in self.categories:
                lookup = {label: code for code, label in enumerate(self.categories[column])}
                labels = frame[column].astype(object).where(frame[column].notna(), _MISSING)
                values = labels.map(lookup)
                if values.isna().any():
                    unseen = sorted(map(str, labels[values.isna()].unique()))[:5]
                    raise ValueError(f"column {column!r} has categories the copula never saw: {unseen}")
                coded[column] = values.to_numpy(dtype=float)
            else:
                coded[column] = frame[column].to_numpy(dtype=float)
        return pd.DataFrame(coded, index=frame.index)

    def rank_correlation(self, frame: pd.DataFrame) -> np.ndarray:
        """Spearman's rank correlation matrix of a table in the copula's coding (see :meth:`encode`)."""
        from scipy import stats

        values = self.encode(frame).to_numpy()
        if len(self.columns) == 1:
            return np.ones((1, 1))
        matrix = np.atleast_2d(stats.spearmanr(values).statistic)
        return np.nan_to_num(matrix, nan=0.0)  # a constant column has no rank correlation with anything

    def calibrated(self, frame: pd.DataFrame, steps: int = 5, rng=0) -> "GaussianCopula":
        """A copy whose correlation matrix is adjusted until its samples' rank correlations match ``frame``'s.

        Columns with many ties (categories, a capital gain that is 0 for nine rows in ten) dilute the correlation of
        their normal scores, so the textbook copula underestimates their dependence. Each step samples as many rows
        as ``frame`` has, compares Spearman's matrices and moves the correlation matrix by the difference (projected
        back onto valid correlation matrices): the idea of NORTA fitting. The best of the ``steps`` is kept.
        """
        steps = check_count(steps, "steps", minimum=1)
        generator = as_rng(rng)
        target = self.rank_correlation(frame)
        current, best, best_error = self.correlation.copy(), self.correlation.copy(), np.inf
        for _ in range(steps + 1):
            trial = replace(self, correlation=current)
            error = target - trial.rank_correlation(trial.sample(len(frame), generator))
            if np.abs(error).max() < best_error:
                best, best_error = current, np.abs(error).max()
            current = nearest_correlation(current + error)
        return replace(self, correlation=best)


#: The most rank-matching steps fit_gaussian_copula runs: each refits and resamples the whole table, and a few
#: already converge.
MAX_CALIBRATION_STEPS = 1_000


def fit_gaussian_copula(frame: pd.DataFrame, *, calibrate: int = 0, rng=0) -> GaussianCopula:
    """Fit a Gaussian copula with empirical marginals to a table of numeric and categorical columns (5.2).

    The four steps of the section: (1) keep each column's empirical marginal, (2) turn it into normal scores,
    (3) take the correlation matrix of the scores, and (``GaussianCopula.sample``) draw back. A categorical column is
    coded by frequency (most frequent category first), so that each category owns an interval of (0, 1) as wide as
    its share, as in SDV's ``UniformEncoder``: samples falling in the interval become that category. NaN in a
    categorical column is kept as a category of its own; numeric columns must not contain NaN (drop or impute them
    first). Ties get the average rank (a category's score sits in the middle of its interval), which makes the fit
    deterministic. ``calibrate`` > 0 then runs that many rank-matching steps of
    :meth:`GaussianCopula.calibrated` (with ``rng``, a NumPy generator or seed) to undo the dilution that ties cause.
    """
    rng = as_rng(rng)
    calibrate = check_count(calibrate, "calibrate", maximum=MAX_CALIBRATION_STEPS)
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"frame must be a pandas DataFrame, got {type(frame).__name__}")
    if frame.shape[1] == 0:
        raise ValueError("frame has no columns; need at least one")
    if len(frame) < 2:
        raise ValueError(f"frame has {len(frame)} row(s); a copula needs at least 2")
    if frame.columns.duplicated().any():
        raise ValueError(f"frame has duplicated column names: {sorted(set(frame.columns[frame.columns.duplicated()]))}")
    calibrate = check_count(calibrate, "calibrate")
    numeric = [c for c in frame.columns if _is_numeric(frame[c])]
    with_nan = [c for c in numeric if frame[c].isna().any()]
    if with_nan:
        raise ValueError(f"numeric column(s) {with_nan} contain NaN; drop or impute them first "
                         "(categorical columns may keep NaN: it becomes a category of its own)")
    scores, sorted_values, categories, dtypes = {}, {}, {}, {}
    for column in frame.columns:
        series = frame[column]
        dtypes[column] = series.dtype
        if column in numeric:
            values = series.to_numpy(dtype=float)
        else:
            labels = series.astype(object).where(series.notna(), _MISSING)
            order = labels.value_counts(sort=True).index.tolist()  # most frequent first: its interval starts at 0
            categories[column] = order
            values = labels.map({label: code for code, label in enumerate(order)}).to_numpy(dtype=float)
        scores[column] = normal_scores(values)
        sorted_values[column] = np.sort(values)
    scores = pd.DataFrame(scores, index=frame.index)
    spread = scores.std().to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        correlation = np.atleast_2d(np.corrcoef(scores.to_numpy(), rowvar=False))
    constant = spread == 0  # a column with a single value carries no dependence
    correlation[constant, :] = 0.0
    correlation[:, constant] = 0.0
    np.fill_diagonal(correlation, 1.0)
    copula = GaussianCopula(columns=list(frame.columns), correlation=correlation, scores=scores,
                            categories=categories, _sorted=sorted_values, _dtypes=dtypes)
    return copula.calibrated(frame, steps=calibrate, rng=rng) if calibrate else copula


def nearest_correlation(matrix) -> np.ndarray:
    """The symmetric positive-definite matrix with unit diagonal closest to ``matrix`` by eigenvalue clipping (5.2).

    Used after adjusting a correlation matrix entry by entry, which can leave it indefinite.
    """
    try:
        array = np.asarray(matrix, dtype=float)
    except (TypeError, ValueError) as error:
        raise TypeError(f"matrix must be numbers; {error}") from None
    if array.ndim != 2 or array.shape[0] != array.shape[1] or not np.isfinite(array).all():
        raise ValueError(f"matrix must be a finite square matrix, got shape {array.shape}")
    values, vectors = np.linalg.eigh((array + array.T) / 2)
    fixed = vectors @ np.diag(np.clip(values, 1e-6, None)) @ vectors.T
    scale = np.sqrt(np.diag(fixed))
    result = fixed / np.outer(scale, scale)
    np.fill_diagonal(result, 1.0)
    return result


def _is_numeric(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def tail_dependence(x, y, q, *, tail: str = "lower"):
    """The empirical tail-dependence coefficient λ(q) of two columns (section 5.2).

    Lower tail: P(V ≤ q | U ≤ q), with U and V the ranks of ``x`` and ``y`` scaled to (0, 1); upper tail:
    P(V > 1 − q | U > 1 − q). As q → 0 it tends to the tail-dependence coefficient λ, which is 0 for every Gaussian
    copula with correlation below 1 and 2^(−1/θ) for the Clayton copula's lower tail. ``q`` may be a number or an
    array of numbers in (0, 1); the result has the same shape.
    """
    from scipy import stats

    first, second = as_sample(x, "x"), as_sample(y, "y")
    if first.size != second.size:
        raise ValueError(f"x and y must have the same length; got {first.size} and {second.size}")
    if tail not in ("lower", "upper"):
        raise ValueError(f"tail must be 'lower' or 'upper', got {tail!r}")
    if isinstance(q, str) or np.asarray(q).dtype.kind not in "iuf":
        raise TypeError(f"q must be a number or an array of numbers in (0, 1), got {q!r}")
    levels = np.atleast_1d(np.asarray(q, dtype=float))
    for level in levels:
        check_probability(float(level), "q")
    n = first.size
    u, v = stats.rankdata(first) / (n + 1), stats.rankdata(second) / (n + 1)
    if tail == "upper":
        u, v = 1 - u, 1 - v
    result = np.empty(levels.size)
    for i, level in enumerate(levels):
        below = u <= level
        if not below.any():
            raise ValueError(f"no observation lies in the {tail} {level:.2%} of x: use a larger q or more data")
        result[i] = np.mean(v[below] <= level)
    return float(result[0]) if np.ndim(q) == 0 else result.reshape(np.shape(q))


def sample_clayton(n: int, theta: float, rng=None) -> np.ndarray:
    """Draw ``n`` pairs (U, V) from the bivariate Clayton copula with parameter θ > 0 (section 5.2).

    Marshall and Olkin's algorithm: W ~ Gamma(1/θ), E₁, E₂ ~ Exp(1), U_i = (1 + E_i / W)^(−1/θ). Returns an n×2
    array of values in (0, 1). The Clayton copula has lower-tail dependence 2^(−1/θ): joint crashes cluster.
    """
    n = check_count(n, "n", minimum=1)
    theta = check_positive(theta, "theta")
    generator = as_rng(rng)
    frailty = generator.gamma(1 / theta, 1.0, size=(n, 1))
    exponentials = generator.exponential(1.0, size=(n, 2))
    return (1 + exponentials / frailty) ** (-1 / theta)


def clayton_tail_dependence(theta: float) -> float:
    """The Clayton copula's lower-tail dependence coefficient λ_L = 2^(−1/θ) (section 5.2)."""
    return float(2 ** (-1 / check_positive(theta, "theta")))


def clayton_theta_from_tau(tau: float) -> float:
    """The Clayton parameter with Kendall's τ = θ / (θ + 2), that is θ = 2τ / (1 − τ), for 0 < τ < 1 (5.2)."""
    tau = check_probability(tau, "tau")
    return 2 * tau / (1 - tau)


def gaussian_kendall_tau(rho: float) -> float:
    """Kendall's τ of a Gaussian copula with correlation ρ: τ = (2/π) arcsin ρ (section 5.2)."""
    if isinstance(rho, bool) or not isinstance(rho, numbers.Real) or not -1 <= rho <= 1:
        raise ValueError(f"rho must be a correlation in [-1, 1], got {rho!r}")
    return float(2 / np.pi * np.arcsin(rho))
