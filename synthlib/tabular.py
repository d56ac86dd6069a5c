"""Part 5: tabular synthesis. Machine-learning efficacy as the CTGAN paper measures it, and table checks.

SDV, SDMetrics and copulas are imported inside the functions that need them (SDV and copulas are under the
Business Source License 1.1; SDMetrics is MIT).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["EFFICACY_CLASSIFIERS", "efficacy_classifier", "check_same_columns", "ml_efficacy"]

#: The classifiers of the CTGAN paper's machine-learning-efficacy benchmark for binary tables such as Adult
#: (Xu et al. 2019, via SDGym): their F1 on the positive class, averaged, is the figure the paper reports.
EFFICACY_CLASSIFIERS = ("decision tree (depth 20)", "AdaBoost (50 estimators)", "logistic regression",
                        "MLP (50 hidden units)")


def efficacy_classifier(name: str, seed: int = 0):
    """A fresh, unfitted classifier of the efficacy benchmark (see ``EFFICACY_CLASSIFIERS``)."""
    from sklearn.ensemble import AdaBoostClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier
    from sklearn.tree import DecisionTreeClassifier

    makers = {
        "decision tree (depth 20)": lambda: DecisionTreeClassifier(max_depth=20, random_state=seed),
        "AdaBoost (50 estimators)": lambda: AdaBoostClassifier(n_estimators=50, random_state=seed),
        "logistic regression": lambda: LogisticRegression(max_iter=1_000),
        "MLP (50 hidden units)": lambda: MLPClassifier(hidden_layer_sizes=(50,), max_iter=200, early_stopping=True,
                                                       random_state=seed),
    }
    if name not in makers:
        raise KeyError(f"unknown classifier {name!r}; choose from {', '.join(makers)}")
    return makers[name]()


def check_same_columns(real: pd.DataFrame, synthetic: pd.DataFrame, *, names=("real", "synthetic")) -> None:
    """Raise a clear error unless both are non-empty DataFrames with the same columns (order may differ)."""
    for table, name in zip((real, synthetic), names):
        if not isinstance(table, pd.DataFrame):
            raise TypeError(f"{name} must be a pandas DataFrame, got {type(table).__name__}")
        if table.empty:
            raise ValueError(f"{name} is empty; need at least one row and one column")
    missing, extra = set(real.columns) - set(synthetic.columns), set(synthetic.columns) - set(real.columns)
    if missing or extra:
        raise ValueError(f"the tables' columns differ: missing from {names[1]}: {sorted(missing)}, "
                         f"not in {names[0]}: {sorted(extra)}")


def _encoder(train: pd.DataFrame):
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    numeric = [c for c in train.columns if pd.api.types.is_numeric_dtype(train[c])]
    categorical = [c for c in train.columns if c not in numeric]
    return ColumnTransformer([
        ("numeric", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), numeric),
        ("categorical", make_pipeline(SimpleImputer(strategy="constant", fill_value="missing"),
                                      OneHotEncoder(handle_unknown="ignore")), categorical),
    ])


def ml_efficacy(train: pd.DataFrame, test: pd.DataFrame, target: str, positive, *, seed: int = 0,
                classifiers: tuple[str, ...] = EFFICACY_CLASSIFIERS) -> pd.DataFrame:
    """Train each classifier on ``train`` (real or synthetic), test on the real ``test``: F1 of ``positive``.

    Returns one row per classifier and a final "mean" row: the CTGAN paper's machine-learning-efficacy figure
    when ``train`` is synthetic, and its "identity" figure when ``train`` is real. Sections 5.1 and 5.3.
    """
    from sklearn.metrics import accuracy_score, f1_score
    from sklearn.pipeline import make_pipeline

    check_same_columns(test, train, names=("test", "train"))
    if target not in train.columns:
        raise KeyError(f"unknown target column {target!r}; columns: {', '.join(map(str, train.columns))}")
    labels = set(train[target].dropna().unique())
    if positive not in set(test[target].unique()):
        raise ValueError(f"the positive class {positive!r} does not occur in the test table's {target!r}")
    features = [c for c in test.columns if c != target]
    x_test, y_test = test[features], (test[target] == positive).to_numpy()
    rows = []
    for name in classifiers:
        if len(labels) < 2:  # a synthesizer that lost the label entirely: every classifier predicts one class
            predictions = np.full(len(test), positive in labels)
        else:
            model = make_pipeline(_encoder(train[features]), efficacy_classifier(name, seed))
            model.fit(train[features], (train[target] == positive).to_numpy())
            predictions = model.predict(x_test)
        rows.append({"classifier": name, "f1": f1_score(y_test, predictions, zero_division=0),
                     "accuracy": accuracy_score(y_test, predictions)})
    result = pd.DataFrame(rows)
    mean = {"classifier": "mean", "f1": result["f1"].mean(), "accuracy": result["accuracy"].mean()}
    return pd.concat([result, pd.DataFrame([mean])], ignore_index=True)
