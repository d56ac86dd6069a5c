"""The self-checks of the exercises of chapter 1 (why synthetic data), registered with :func:`synthlib.exercises.exercise`.

Each check runs the answer on small tables it builds itself and compares it with a truth it recomputes
independently; none trusts the answer's own claims and none needs the Adult data.
"""
from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd

from . import exercise
from ..part1.why_synthetic_data import EDUCATION_YEARS

# ---------------------------------------------------------------------------------------------------------------
# 1.1 Predicting the share of mismatched (education, education_num) pairs under independent columns


def _mismatch_truth(frame: pd.DataFrame) -> float:
    """1 − Σ over observed pairs (a, b) of p_a q_b, computed with plain counting."""
    pairs = list(zip(frame["education"], frame["education_num"]))
    n = len(pairs)
    p = Counter(a for a, _ in pairs)
    q = Counter(b for _, b in pairs)
    return 1 - sum(p[a] * q[b] for a, b in set(pairs)) / n**2


def _education_frames() -> list[pd.DataFrame]:
    """A small code-table frame, an Adult-like random one, and one where a level has two year values."""
    small = ["HS-grad"] * 5 + ["Bachelors"] * 3 + ["Masters", "Doctorate"]
    frames = [pd.DataFrame({"age": np.arange(30, 30 + len(small)), "education": small,
                            "education_num": [EDUCATION_YEARS[e] for e in small]})]
    rng = np.random.default_rng(11)
    levels = list(EDUCATION_YEARS)
    drawn = rng.choice(levels, size=500, p=rng.dirichlet(np.full(len(levels), 0.7)))
    frames.append(pd.DataFrame({"education": drawn, "education_num": [EDUCATION_YEARS[e] for e in drawn],
                                "income": rng.choice(["<=50K", ">50K"], size=500)}))
    frames.append(pd.DataFrame({"education": ["x", "x", "x", "y", "y", "y", "z", "z"],
                                "education_num": [1, 1, 2, 2, 2, 2, 3, 3]}))
    return frames


def _reference_mismatch(frame):
    p = frame["education"].value_counts(normalize=True)
    q = frame["education_num"].value_counts(normalize=True)
    observed = frame[["education", "education_num"]].drop_duplicates()
    return 1 - sum(p[a] * q[b] for a, b in observed.itertuples(index=False))


@exercise("1.1", summary="probability of an impossible (education, years) pair under independent columns",
          solution=lambda: _reference_mismatch,
          mistake=lambda: (lambda frame: 1 - 1 / frame["education"].nunique()))
def _check_mismatch_probability(answer):
    if not callable(answer):
        return "pass a function of a table, e.g. `def mismatch_probability(frame): ...`"
    for index, frame in enumerate(_education_frames()):
        truth = _mismatch_truth(frame)
        value = float(answer(frame.copy()))
        if abs(value - truth) < 1e-9:
            continue
        p = frame["education"].value_counts(normalize=True)
        if abs(value - (1 - truth)) < 1e-9:
            return "that is the probability of a *matching* pair; the question asks for the mismatch (1 minus it)"
        if abs(value - (1 - 1 / len(p))) < 1e-9:
            return "you assumed every education level is equally common; use the observed shares p_a"
        if index == 2 and abs(value - (1 - float((p**2).sum()))) < 1e-9:
            return ("1 − Σ p_a² holds only when each level has exactly one value of education_num; in general sum "
                    "p_a · q_b over the observed pairs (a, b)")
        if abs(value - truth) < 0.02:
            return "close: compute the probability exactly from the shares in the table, without sampling"
        return ("an independent draw gives the pair (a, b) with probability p_a · q_b; the record is plausible when "
                "(a, b) occurs in the table, so the mismatch probability is 1 − Σ over observed pairs of p_a · q_b")
    return None


# ---------------------------------------------------------------------------------------------------------------
# 1.2 The share of synthetic rows that copy a unique real record


def _unique_copy_truth(synthetic: pd.DataFrame, real: pd.DataFrame) -> float:
    counts = Counter(real.itertuples(index=False, name=None))
    rows = list(synthetic[list(real.columns)].itertuples(index=False, name=None))
    return sum(counts.get(row, 0) == 1 for row in rows) / len(rows)


def _copy_cases() -> list[tuple[pd.DataFrame, pd.DataFrame]]:
    # real: A twice, B, C, D once. synthetic: A, B, B, E, C, A where E mixes B's x with C's y.
    real = pd.DataFrame({"x": [1, 1, 2, 3, 4], "y": ["a", "a", "b", "c", "d"]})
    synthetic = pd.DataFrame({"x": [1, 2, 2, 2, 3, 1], "y": ["a", "b", "b", "c", "c", "a"]})
    rng = np.random.default_rng(12)
    real2 = pd.DataFrame({"age": rng.integers(20, 24, 60), "sex": rng.choice(["F", "M"], 60),
                          "hours": rng.choice([20, 40], 60)})
    synthetic2 = pd.DataFrame({"age": rng.integers(20, 25, 80), "sex": rng.choice(["F", "M"], 80),
                               "hours": rng.choice([20, 40], 80)})
    return [(synthetic, real), (synthetic2, real2)]


def _reference_unique_copy_share(synthetic, real):
    columns = list(real.columns)
    once = real[~real.duplicated(keep=False)]
    matched = synthetic[columns].merge(once, on=columns, how="left", indicator=True)
    return float((matched["_merge"] == "both").mean())


def _all_copies(synthetic, real):
    counts = Counter(real.itertuples(index=False, name=None))
    rows = list(synthetic[list(real.columns)].itertuples(index=False, name=None))
    return sum(row in counts for row in rows) / len(rows)


@exercise("1.2", summary="share of synthetic rows copying a real record that occurs once",
          solution=lambda: _reference_unique_copy_share, mistake=lambda: _all_copies)
def _check_unique_copy_share(answer):
    if not callable(answer):
        return "pass a function of two tables, e.g. `def unique_copy_share(synthetic, real): ...`"
    for synthetic, real in _copy_cases():
        truth = _unique_copy_truth(synthetic, real)
        value = float(answer(synthetic.copy(), real.copy()))
        if abs(value - truth) < 1e-9:
            continue
        if abs(value - _all_copies(synthetic, real)) < 1e-9:
            return "you counted copies of every real row; count only copies of rows that occur exactly once in real"
        columnwise = synthetic.apply(lambda column: column.isin(real[column.name])).all(axis=1).mean()
        if abs(value - columnwise) < 1e-9:
            return ("you checked each column separately; a copy must match a real row in all columns at once "
                    "(a merge on every column, or a set of row tuples)")
        unique_in_synthetic = _unique_copy_truth(synthetic, synthetic.drop_duplicates(keep=False))
        if abs(value - unique_in_synthetic) < 1e-9 or abs(value - (~synthetic.duplicated(keep=False)).mean()) < 1e-9:
            return "uniqueness is about the real table: a real record that occurs once identifies one person"
        return ("find the real rows that occur exactly once (`real.duplicated(keep=False)` marks the others), then "
                "the share of synthetic rows equal to one of them; divide by the number of synthetic rows")
    return None


# ---------------------------------------------------------------------------------------------------------------
# 1.3 The F1 score of always answering "positive"

_SHARES = np.linspace(0.01, 1.0, 100)


@exercise("1.3", summary="F1 of the classifier that always answers positive",
          solution=lambda: (lambda p: 2 * np.asarray(p, dtype=float) / (1 + np.asarray(p, dtype=float))),
          mistake=lambda: (lambda p: np.asarray(p, dtype=float)))
def _check_f1_always_positive(answer):
    if not callable(answer):
        return "pass a function of an array of shares p, e.g. `def f1_always_positive(p): ...`"
    values = np.asarray(answer(_SHARES.copy()), dtype=float)
    if values.shape != _SHARES.shape:
        return "the function must return one value per entry of p (work element-wise with NumPy)"
    truth = 2 * _SHARES / (1 + _SHARES)
    if np.allclose(values, truth, atol=1e-9):
        return None
    if np.allclose(values, _SHARES):
        return "that is the precision alone; F1 is the harmonic mean of precision (p) and recall"
    if np.allclose(values, 1):
        return "that is the recall alone; F1 combines it with the precision, which is p"
    return "recall is 1 (every positive is found) and precision is p; F1 = 2·precision·recall / (precision + recall)"
