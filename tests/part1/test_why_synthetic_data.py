"""Unit tests for synthlib.part1.why_synthetic_data, the helpers of section 1 (why synthetic data)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import synthlib
from synthlib.part1.why_synthetic_data import (
    ADULT_RULES,
    EDUCATION_YEARS,
    copy_share,
    fit_and_score,
    rule_violations,
    sample_marginals,
    sample_within_groups,
)


@pytest.fixture
def people() -> pd.DataFrame:
    """A small Adult-like table in which income depends on education and sex is tied to relationship."""
    rng = np.random.default_rng(0)
    n = 1000
    education = rng.choice(["HS-grad", "Bachelors", "Masters"], size=n, p=[0.5, 0.35, 0.15])
    high = rng.random(n) < np.select([education == "HS-grad", education == "Bachelors"], [0.02, 0.3], 0.7)
    relationship = rng.choice(["Husband", "Wife", "Own-child"], size=n)
    sex = np.where(relationship == "Husband", "Male",
                   np.where(relationship == "Wife", "Female", rng.choice(["Male", "Female"], size=n)))
    return pd.DataFrame({
        "age": rng.integers(18, 70, size=n),
        "education": education,
        "education_num": [EDUCATION_YEARS[e] for e in education],
        "marital_status": np.where(relationship == "Own-child", "Never-married", "Married-civ-spouse"),
        "relationship": relationship,
        "sex": sex,
        "capital_gain": np.where(rng.random(n) < 0.2, rng.integers(1, 5000, size=n), 0),
        "capital_loss": 0,
        "income": np.where(high, ">50K", "<=50K"),
    })


def test_all_exported():
    for name in ["sample_marginals", "sample_within_groups", "EDUCATION_YEARS", "ADULT_RULES", "rule_violations",
                 "copy_share", "fit_and_score"]:
        assert name in synthlib.part1.why_synthetic_data.__all__ and hasattr(synthlib, name)


# --- sample_marginals -------------------------------------------------------------------------------------------

def test_sample_marginals_keeps_columns_and_values(people):
    synthetic = sample_marginals(people, 1000, rng=1)
    assert list(synthetic.columns) == list(people.columns) and len(synthetic) == 1000
    for column in people.columns:
        assert set(synthetic[column]) <= set(people[column])


def test_sample_marginals_is_seeded(people):
    pd.testing.assert_frame_equal(sample_marginals(people, 50, rng=3), sample_marginals(people, 50, rng=3))


@pytest.mark.parametrize("bad, error", [(pd.DataFrame(), ValueError), ([1, 2], TypeError)])
def test_sample_marginals_bad_frame(bad, error):
    with pytest.raises(error):
        sample_marginals(bad, 5)


def test_sample_marginals_negative_n(people):
    with pytest.raises(ValueError, match="non-negative"):
        sample_marginals(people, -1)


# --- sample_within_groups ---------------------------------------------------------------------------------------

def test_within_groups_keeps_key_combinations(people):
    key = ["education", "relationship"]
    synthetic = sample_within_groups(people, 2000, by=key, rng=2)
    real_keys = set(map(tuple, people[key].to_numpy()))
    assert set(map(tuple, synthetic[key].to_numpy())) <= real_keys
    assert not rule_violations(synthetic).iloc[:, :3].any().any()  # rules on key-determined columns hold


def test_within_groups_draws_other_columns_from_the_same_group(people):
    synthetic = sample_within_groups(people, 3000, by=["education"], rng=4)
    for level, rows in synthetic.groupby("education"):
        assert set(rows["income"]) <= set(people.loc[people["education"] == level, "income"])
    real_rate = (people["income"] == ">50K").groupby(people["education"]).mean()
    synthetic_rate = (synthetic["income"] == ">50K").groupby(synthetic["education"]).mean()
    assert np.allclose(real_rate, synthetic_rate[real_rate.index], atol=0.06)


def test_within_groups_extremes(people):
    no_key = sample_within_groups(people, 300, by=[], rng=5)
    assert list(no_key.columns) == list(people.columns)
    every_column = sample_within_groups(people, 300, by=list(people.columns), rng=5)
    assert copy_share(every_column, people) == 1.0


def test_within_groups_handles_missing_keys():
    frame = pd.DataFrame({"k": ["a", None, "a", None], "v": [1, 2, 3, 4]})
    synthetic = sample_within_groups(frame, 200, by=["k"], rng=0)
    assert set(synthetic.loc[synthetic["k"].isna(), "v"]) <= {2, 4}
    assert set(synthetic.loc[synthetic["k"] == "a", "v"]) <= {1, 3}


def test_within_groups_bad_inputs(people):
    with pytest.raises(KeyError, match="unknown column"):
        sample_within_groups(people, 10, by=["no_such_column"])
    with pytest.raises(TypeError, match="list of column names"):
        sample_within_groups(people, 10, by="income")
    with pytest.raises(ValueError, match="repeated"):
        sample_within_groups(people, 10, by=["income", "income"])
    with pytest.raises(ValueError, match="non-negative"):
        sample_within_groups(people, -5, by=["income"])
    with pytest.raises(ValueError, match="empty"):
        sample_within_groups(pd.DataFrame(), 10, by=[])
    with pytest.raises(TypeError, match="rng"):
        sample_within_groups(people, 10, by=["income"], rng="seed")


# --- rule_violations --------------------------------------------------------------------------------------------

def test_rules_accept_plausible_records(people):
    violations = rule_violations(people)
    assert list(violations.columns) == list(ADULT_RULES)
    assert not violations.any().any()


def test_rules_catch_each_kind_of_implausible_record(people):
    bad = people.iloc[:4].copy()
    bad.loc[bad.index[0], "education_num"] = 1  # no level has these years
    bad.loc[bad.index[1], ["relationship", "sex"]] = ["Husband", "Female"]
    bad.loc[bad.index[2], ["relationship", "marital_status"]] = ["Wife", "Never-married"]
    bad.loc[bad.index[3], ["capital_gain", "capital_loss"]] = [100, 50]
    violations = rule_violations(bad)
    assert violations.any(axis=1).all()
    assert violations.to_numpy().diagonal().all()


def test_rules_custom_and_errors(people):
    custom = rule_violations(people, {"old": lambda f: f["age"] > 65})
    assert custom["old"].sum() == (people["age"] > 65).sum()
    with pytest.raises(KeyError, match="needs column"):
        rule_violations(people.drop(columns="sex"))
    with pytest.raises(ValueError, match="non-empty mapping"):
        rule_violations(people, {})
    with pytest.raises(TypeError, match="function"):
        rule_violations(people, {"x": 3})
    with pytest.raises(ValueError, match="one True/False value per row"):
        rule_violations(people, {"x": lambda f: f["age"]})
    with pytest.raises(ValueError, match="empty"):
        rule_violations(pd.DataFrame())


# --- copy_share -------------------------------------------------------------------------------------------------

def test_copy_share_counts_row_copies_not_column_matches():
    real = pd.DataFrame({"x": [1, 1, 2], "y": ["a", "a", "b"]})
    synthetic = pd.DataFrame({"x": [1, 2, 1, 2], "y": ["a", "b", "b", "a"]})  # last two mix columns
    assert copy_share(synthetic, real) == 0.5


def test_copy_share_matches_missing_values_and_reordered_columns():
    real = pd.DataFrame({"x": [1.0, np.nan], "y": ["a", None]})
    synthetic = pd.DataFrame({"y": [None, "a", "c"], "x": [np.nan, 1.0, 1.0]})
    assert copy_share(synthetic, real) == pytest.approx(2 / 3)


def test_copy_share_errors():
    real = pd.DataFrame({"x": [1], "y": ["a"]})
    with pytest.raises(ValueError, match="same columns"):
        copy_share(pd.DataFrame({"x": [1]}), real)
    with pytest.raises(ValueError, match="empty"):
        copy_share(real.iloc[:0], real)
    with pytest.raises(TypeError, match="DataFrame"):
        copy_share(real, [[1, "a"]])
    with pytest.raises(ValueError, match="incompatible"):
        copy_share(pd.DataFrame({"x": ["one"], "y": ["a"]}), real)


# --- fit_and_score ----------------------------------------------------------------------------------------------

def test_fit_and_score_learns_real_dependence_and_not_independent_columns(people):
    train, test = people.iloc[:700], people.iloc[700:]
    real = fit_and_score(train, test)
    independent = fit_and_score(sample_marginals(train, 700, rng=0), test)
    assert set(real) == {"accuracy", "f1"} and 0 <= real["f1"] <= 1
    assert real["f1"] > independent["f1"] + 0.2  # imbalanced: noise teaches "always <=50K"


def test_fit_and_score_errors(people):
    with pytest.raises(KeyError, match="target column"):
        fit_and_score(people, people, target="salary")
    with pytest.raises(ValueError, match="both"):
        fit_and_score(people[people["income"] == "<=50K"], people)
    with pytest.raises(KeyError, match="lacks the feature"):
        fit_and_score(people, people.drop(columns="age"))
    with pytest.raises(ValueError, match="no feature columns"):
        fit_and_score(people[["income"]], people)
    with pytest.raises(ValueError, match="empty"):
        fit_and_score(people, people.iloc[:0])


@pytest.mark.parametrize("sampler", [lambda f: synthlib.sample_marginals(f, 10**12, rng=0),
                                     lambda f: synthlib.sample_within_groups(f, 10**12, ["g"], rng=0)])
def test_a_huge_n_is_refused_before_allocating(sampler):
    frame = pd.DataFrame({"a": [1, 2, 3, 4], "g": ["x", "y", "x", "y"]})
    with pytest.raises(ValueError, match=r"n=1,000,000,000,000 would need about"):
        sampler(frame)
