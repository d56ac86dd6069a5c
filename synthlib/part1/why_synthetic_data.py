"""Part 1: why synthetic data, with a tiny demonstration of each advantage and challenge.

Every function names the section that teaches it. Section 1 uses three generators of one family: independent
marginals (:func:`sample_marginals`), sampling within groups (:func:`sample_within_groups`) and, at the other
extreme, copying whole rows; then it measures authenticity (:func:`rule_violations`), privacy
(:func:`copy_share`) and utility (:func:`fit_and_score`).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from ..common.arguments import as_rng, check_count, check_memory, check_seed

__all__ = [
    "sample_marginals", "sample_within_groups",
    "EDUCATION_YEARS", "ADULT_RULES", "rule_violations",
    "copy_share", "fit_and_score",
]


def _check_frame(frame, name: str = "frame") -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame, got {type(frame).__name__}")
    if frame.empty:
        raise ValueError(f"{name} is empty; need at least one row and one column")
    return frame


def _check_columns(frame: pd.DataFrame, columns, name: str = "frame", argument: str = "columns") -> list:
    if isinstance(columns, str) or not isinstance(columns, Sequence):
        raise TypeError(f"{argument} must be a list of column names, got {columns!r}")
    unknown = [column for column in columns if column not in frame.columns]
    if unknown:
        raise KeyError(f"unknown column(s) {unknown} in {name}; its columns are {list(frame.columns)}")
    if len(set(columns)) != len(columns):
        raise ValueError(f"columns are repeated in {list(columns)}")
    return list(columns)


# ---------------------------------------------------------------------------------------------------------------
# Generators


def sample_marginals(frame: pd.DataFrame, n: int, rng=None) -> pd.DataFrame:
    """The naive synthesizer: draw every column independently from its own empirical distribution.

    Each column keeps its marginal distribution exactly (in expectation) while every relation between
    columns is destroyed. Section 1 uses it to show why "realistic-looking" is not "faithful".
    """
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"frame must be a pandas DataFrame, got {type(frame).__name__}")
    if frame.empty:
        raise ValueError("frame is empty; need at least one row and one column")
    n = check_count(n, "n")
    check_memory("n", n, 2 * 8 * n * (frame.shape[1] + 1))  # indices, and one column of objects at a time
    rng = as_rng(rng)
    columns = {name: frame[name].to_numpy()[rng.integers(0, len(frame), size=n)] for name in frame.columns}
    return pd.DataFrame(columns, columns=frame.columns)


def sample_within_groups(frame: pd.DataFrame, n: int, by: Sequence[str], rng=None) -> pd.DataFrame:
    """Sample the key columns ``by`` jointly, then every other column independently *within* the key's group.

    The model is P(x) = P(k) · ∏_j P(x_j | k), with k the values of the ``by`` columns, all estimated by
    their empirical frequencies. ``by=[]`` is :func:`sample_marginals`; ``by`` = every column copies whole
    rows (a bootstrap of the table). Section 1 uses it as a generator that keeps some dependence.
    """
    _check_frame(frame)
    by = _check_columns(frame, by, argument="by")
    n = check_count(n, "n")
    check_memory("n", n, 2 * 8 * n * (frame.shape[1] + 1))
    rng = as_rng(rng)
    if not by:
        return sample_marginals(frame, n, rng)
    codes = frame.groupby(by, dropna=False, sort=False).ngroup().to_numpy()
    order = np.argsort(codes, kind="stable")  # rows sorted by group: group g occupies order[start[g]:start[g]+size[g]]
    sizes = np.bincount(codes)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    anchors = rng.integers(0, len(frame), size=n)  # a real row per synthetic row: it fixes the key (the group)
    groups = codes[anchors]
    columns = {}
    for name in frame.columns:
        rows = anchors if name in by else order[starts[groups] + rng.integers(0, sizes[groups])]
        columns[name] = frame[name].to_numpy()[rows]
    return pd.DataFrame(columns, columns=frame.columns)


# ---------------------------------------------------------------------------------------------------------------
# Authenticity: rules every real record obeys

#: Adult's code table: each education level and its ``education_num`` (years of schooling, 1 to 16).
EDUCATION_YEARS: dict[str, int] = {
    "Preschool": 1, "1st-4th": 2, "5th-6th": 3, "7th-8th": 4, "9th": 5, "10th": 6, "11th": 7, "12th": 8,
    "HS-grad": 9, "Some-college": 10, "Assoc-voc": 11, "Assoc-acdm": 12, "Bachelors": 13, "Masters": 14,
    "Prof-school": 15, "Doctorate": 16,
}

_MARRIED = ("Married-civ-spouse", "Married-AF-spouse")

#: Plausibility rules for Adult records: each maps a table to a boolean Series, True where a row breaks it.
ADULT_RULES: dict[str, Callable[[pd.DataFrame], pd.Series]] = {
    "education does not match its years": lambda f: f["education"].map(EDUCATION_YEARS) != f["education_num"],
    "female husband or male wife": lambda f: ((f["relationship"] == "Husband") & (f["sex"] == "Female"))
    | ((f["relationship"] == "Wife") & (f["sex"] == "Male")),
    "husband or wife but not married": lambda f: f["relationship"].isin(["Husband", "Wife"])
    & ~f["marital_status"].isin(_MARRIED),
    "both capital gain and capital loss": lambda f: (f["capital_gain"] > 0) & (f["capital_loss"] > 0),
}


def rule_violations(frame: pd.DataFrame, rules: Mapping[str, Callable] | None = None) -> pd.DataFrame:
    """One boolean column per rule, True where a record breaks it (default rules: :data:`ADULT_RULES`).

    ``rule_violations(table).any(axis=1).mean()`` is the share of implausible records. Section 1.
    """
    _check_frame(frame)
    rules = ADULT_RULES if rules is None else rules
    if not isinstance(rules, Mapping) or not rules:
        raise ValueError("rules must be a non-empty mapping from a rule's name to a function of the table")
    result = {}
    for name, rule in rules.items():
        if not callable(rule):
            raise TypeError(f"rule {name!r} must be a function of the table, got {type(rule).__name__}")
        try:
            broken = rule(frame)
        except KeyError as error:
            raise KeyError(f"rule {name!r} needs column {error} which the table lacks; "
                           f"its columns are {list(frame.columns)}") from None
        broken = pd.Series(broken, index=frame.index) if not isinstance(broken, pd.Series) else broken
        if len(broken) != len(frame) or not pd.api.types.is_bool_dtype(broken):
            raise ValueError(f"rule {name!r} must return one True/False value per row")
        result[name] = broken.to_numpy(dtype=bool)
    return pd.DataFrame(result, index=frame.index)


# ---------------------------------------------------------------------------------------------------------------
# Privacy: copies of real records


def copy_share(synthetic: pd.DataFrame, real: pd.DataFrame) -> float:
    """The share of synthetic rows that are exact copies of some real row (all columns equal; missing = missing).

    Compare it with the share for *held-out* real rows: real people share records too, so only a share
    above that baseline points at memorised rows. Section 1.
    """
    _check_frame(synthetic, "synthetic")
    _check_frame(real, "real")
    if set(synthetic.columns) != set(real.columns):
        raise ValueError("synthetic and real must have the same columns; differing: "
                         f"{sorted(set(synthetic.columns) ^ set(real.columns), key=str)}")
    columns = list(real.columns)
    try:
        merged = synthetic[columns].reset_index(drop=True).merge(
            real[columns].drop_duplicates(), on=columns, how="left", indicator="_copy")
    except ValueError as error:  # e.g. numbers in one table where the other has text
        raise ValueError(f"synthetic and real have incompatible column types ({error})") from None
    return float((merged["_copy"] == "both").mean())


# ---------------------------------------------------------------------------------------------------------------
# Utility: train on one table, test on real rows


def fit_and_score(train: pd.DataFrame, test: pd.DataFrame, target: str = "income", positive=">50K",
                  seed: int = 0) -> dict[str, float]:
    """Fit a logistic regression on ``train`` and score it on ``test``: ``{"accuracy": …, "f1": …}``.

    Categorical columns are one-hot encoded (missing values form their own category), numbers are
    standardised; F1 is for the ``positive`` class. With ``train`` synthetic and ``test`` real this is
    "train on synthetic, test on real". Section 1.
    """
    seed = check_seed(seed)
    from sklearn.compose import make_column_transformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import accuracy_score, f1_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    _check_frame(train, "train")
    _check_frame(test, "test")
    for name, frame in (("train", train), ("test", test)):
        if target not in frame.columns:
            raise KeyError(f"target column {target!r} is not in {name}; its columns are {list(frame.columns)}")
    features = [column for column in train.columns if column != target]
    if not features:
        raise ValueError("train has no feature columns besides the target")
    missing = [column for column in features if column not in test.columns]
    if missing:
        raise KeyError(f"test lacks the feature column(s) {missing}")
    y_train, y_test = train[target] == positive, test[target] == positive
    if y_train.nunique() < 2:
        raise ValueError(f"train must contain both {positive!r} and other values of {target!r} to fit a classifier")
    numeric = [c for c in features if pd.api.types.is_numeric_dtype(train[c]) and not pd.api.types.is_bool_dtype(train[c])]
    categorical = [c for c in features if c not in numeric]

    def prepare(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame[features].copy()
        for column in categorical:
            frame[column] = frame[column].astype(object).where(frame[column].notna(), "missing").astype(str)
        return frame

    encode = make_column_transformer((OneHotEncoder(handle_unknown="ignore"), categorical),
                                     (StandardScaler(), numeric))
    model = make_pipeline(encode, LogisticRegression(max_iter=1000, random_state=seed))
    model.fit(prepare(train), y_train)
    predicted = model.predict(prepare(test))
    return {"accuracy": float(accuracy_score(y_test, predicted)),
            "f1": float(f1_score(y_test, predicted, zero_division=0))}
