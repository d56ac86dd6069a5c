"""The self-checks of the exercises of chapter 8 (best practices), registered with :func:`synthlib.exercises.exercise`.

Each check builds its own small inputs and recomputes what it needs; none trusts the answer's own claims.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from . import call_answer, exercise

#: The release rule of exercise 8.1: privacy first, then utility; fidelity is reported, not a gate.
MAX_MEMBERSHIP_AUC = 0.55
MIN_F1_RATIO = 0.8


def _reference_report(metrics, name):
    rows = metrics[metrics["synthesizer"] == name].set_index("metric")
    figures = {
        "detection_auc": float(rows.loc["detection ROC AUC", "value"]),
        "f1_ratio": float(rows.loc["F1, train synthetic → test real", "value"]
                          / rows.loc["F1, train synthetic → test real", "reference"]),
        "membership_auc": float(rows.loc["membership-inference AUC", "value"]),
        "exact_copies": float(rows.loc["exact copies of real rows", "value"]),
    }
    private = (figures["membership_auc"] <= MAX_MEMBERSHIP_AUC
               and figures["exact_copies"] <= float(rows.loc["exact copies of real rows", "reference"]))
    figures["release"] = bool(private and figures["f1_ratio"] >= MIN_F1_RATIO)
    return figures


def _report_ignoring_privacy(metrics, name):
    figures = _reference_report(metrics, name)
    figures["release"] = figures["f1_ratio"] >= MIN_F1_RATIO
    return figures


def _fake_metrics() -> pd.DataFrame:
    """compare_tables' tidy metrics for three releases: a fair copula, a memoriser and a useless one."""
    values = {  # detection AUC, F1 (reference 0.64), membership AUC, exact copies
        "fair copula": (0.93, 0.60, 0.51, 0.0),
        "memoriser": (0.52, 0.63, 0.79, 0.004),
        "useless": (0.99, 0.20, 0.50, 0.0),
    }
    rows = []
    for name, (detection, f1, attack, copies) in values.items():
        rows += [
            (name, "fidelity", "KSComplement", 0.99, 0.99),
            (name, "fidelity", "detection ROC AUC", detection, 0.51),
            (name, "utility", "F1, train synthetic → test real", f1, 0.64),
            (name, "privacy", "median DCR", 0.08, 0.02),
            (name, "privacy", "exact copies of real rows", copies, 0.0),
            (name, "privacy", "membership-inference AUC", attack, 0.5),
        ]
    return pd.DataFrame(rows, columns=["synthesizer", "kind", "metric", "value", "reference"])


@exercise("8.1", summary="capstone: a validation report and a release decision from compare_tables' metrics",
          solution=lambda: _reference_report, mistake=lambda: _report_ignoring_privacy, function="validation_report")
def _check_report(answer):
    metrics = _fake_metrics()
    for name in metrics["synthesizer"].unique():
        truth = _reference_report(metrics, name)
        got = call_answer(answer, metrics.copy(), name)
        if not isinstance(got, dict) or set(truth) - set(got):
            return f"return a dict with the keys {', '.join(truth)}"
        for key in ("detection_auc", "f1_ratio", "membership_auc", "exact_copies"):
            if not np.isclose(float(got[key]), truth[key], atol=1e-9):
                if key == "detection_auc" and np.isclose(float(got[key]), 0.51):
                    return "that is the reference (real against real): read the `value` column"
                return f"{key} of {name!r} should be {truth[key]:.4g}, got {float(got[key]):.4g}"
        if bool(got["release"]) != truth["release"]:
            if name == "memoriser":
                return ("the memoriser is useful and hard to detect, but its rows give away who was in the training "
                        "data (membership AUC 0.79, copies of real rows): privacy must block the release")
            return f"{name!r}: apply the release rule (privacy first, then F1 at least {MIN_F1_RATIO:.0%} of the reference)"
    return None


def _reference_subgroups(real, synthetic, group, target, positive):
    rates = {name: (table[target] == positive).groupby(table[group]).mean()
             for name, table in (("real", real), ("synthetic", synthetic))}
    frame = pd.DataFrame(rates)
    frame["gap"] = frame["synthetic"] - frame["real"]
    return frame


def _share_among_positives(real, synthetic, group, target, positive):
    rates = {name: table.loc[table[target] == positive, group].value_counts(normalize=True)
             for name, table in (("real", real), ("synthetic", synthetic))}
    frame = pd.DataFrame(rates)
    frame["gap"] = frame["synthetic"] - frame["real"]
    return frame


def _subgroup_tables():
    rng = np.random.default_rng(0)
    n = 2_000
    group = rng.choice(["a", "b", "c"], size=n, p=[0.7, 0.25, 0.05])
    rate = np.select([group == "a", group == "b"], [0.3, 0.2], 0.6)
    real = pd.DataFrame({"group": group, "y": np.where(rng.random(n) < rate, "yes", "no")})
    synthetic = real.copy()
    synthetic["y"] = np.where(rng.random(n) < 0.3, "yes", "no")  # the generator forgot that c differs
    return real, synthetic


@exercise("8.2", summary="subgroup rates of a target in real and synthetic tables",
          solution=lambda: _reference_subgroups, mistake=lambda: _share_among_positives, function="subgroup_rates")
def _check_subgroups(answer):
    real, synthetic = _subgroup_tables()
    truth = _reference_subgroups(real, synthetic, "group", "y", "yes")
    got = call_answer(answer, real.copy(), synthetic.copy(), "group", "y", "yes")
    if not isinstance(got, pd.DataFrame) or not {"real", "synthetic", "gap"} <= set(got.columns):
        return "return a DataFrame with one row per group and the columns real, synthetic and gap"
    if set(got.index) != set(truth.index):
        return f"one row per group: {sorted(truth.index)}"
    got = got.loc[truth.index, ["real", "synthetic", "gap"]].astype(float)
    if np.allclose(got.to_numpy(), truth.to_numpy(), atol=1e-9):
        return None
    shares = _share_among_positives(real, synthetic, "group", "y", "yes").loc[truth.index, ["real", "synthetic"]]
    if np.allclose(got[["real", "synthetic"]].to_numpy(), shares.to_numpy(), atol=1e-9):
        return ("those are each group's share of the positive rows, which a big group dominates; compare the rate "
                "of the target WITHIN each group, P[target = positive | group]")
    if np.allclose(got["gap"].to_numpy(), -truth["gap"].to_numpy(), atol=1e-9):
        return "gap is synthetic minus real"
    return "for each group and each table, the share of that group's rows whose target is the positive class"
