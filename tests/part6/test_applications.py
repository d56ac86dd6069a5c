"""Unit tests for chapter 6's applications module (synthlib/applications.py) and chapters 6 and 8's exercises."""
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import synthlib
from synthlib.exercises import get_exercise


def test_import_synthlib_stays_light():
    code = "import sys, synthlib; print(any(m in sys.modules for m in ('sdv', 'torch', 'imblearn', 'faker')))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip() == "False"


# --- balancing ----------------------------------------------------------------------------------------------------

def _toy_table(n, rng):
    x1, x2 = rng.normal(size=n), rng.normal(size=n)
    y = np.where(x1 + 0.5 * x2 + rng.normal(0, 0.5, n) > 1.6, "yes", "no")
    return pd.DataFrame({"x1": x1, "x2": x2, "colour": rng.choice(["red", "blue"], n), "target": y})


def test_balance_experiment_raises_minority_recall_and_is_deterministic():
    rng = np.random.default_rng(0)
    train, test = _toy_table(4_000, rng), _toy_table(4_000, rng)
    kwargs = dict(n_train=600, minority_share=0.05, seeds=(0, 1))
    results = synthlib.balance_experiment(train, test, "target", "yes", **kwargs)
    assert len(results) == 2 * len(synthlib.BALANCING_METHODS)
    summary = synthlib.summarise_balancing(results)
    assert list(summary.index) == list(synthlib.BALANCING_METHODS)
    for method in synthlib.BALANCING_METHODS[1:]:
        assert summary.loc[method, "recall mean"] > summary.loc["no balancing", "recall mean"]
    again = synthlib.balance_experiment(train, test, "target", "yes", **kwargs)
    pd.testing.assert_frame_equal(results, again)


def test_balance_experiment_names_its_problems():
    table = _toy_table(500, np.random.default_rng(0))
    with pytest.raises(ValueError, match="unknown balancing method"):
        synthlib.balance_experiment(table, table, "target", "yes", methods=("magic",))
    with pytest.raises(KeyError, match="target column"):
        synthlib.balance_experiment(table, table, "label", "yes")
    with pytest.raises(ValueError, match="minority_share"):
        synthlib.balance_experiment(table, table, "target", "yes", minority_share=0.7)


# --- edge cases ---------------------------------------------------------------------------------------------------

def test_edge_case_records_cover_every_kind_and_are_seeded():
    cases = synthlib.edge_case_records(n_per_kind=3, seed=0)
    assert set(cases["kind"]) == set(synthlib.EDGE_CASE_KINDS)
    assert len(cases) == 3 * len(synthlib.EDGE_CASE_KINDS)
    for kind, (_, valid) in synthlib.EDGE_CASE_KINDS.items():
        assert (cases.loc[cases["kind"] == kind, "valid"] == valid).all()
    pd.testing.assert_frame_equal(cases, synthlib.edge_case_records(n_per_kind=3, seed=0))
    assert not cases.equals(synthlib.edge_case_records(n_per_kind=3, seed=1))


# --- simulators ---------------------------------------------------------------------------------------------------

def test_simulate_patients_obeys_its_rules_and_is_seeded():
    patients = synthlib.simulate_patients(3_000, np.random.default_rng(0))
    assert all(synthlib.check_patient_rules(patients).values())
    pd.testing.assert_frame_equal(patients, synthlib.simulate_patients(3_000, np.random.default_rng(0)))
    with pytest.raises(ValueError, match="lacks the column"):
        synthlib.check_patient_rules(patients.drop(columns="hba1c"))


def test_driving_scenes_are_riskier_when_wet_close_or_slow_to_react():
    scenes = synthlib.simulate_driving_scenes(20_000, np.random.default_rng(0))
    rates = scenes.groupby("road")["collision"].mean()
    assert rates["wet"] > rates["dry"]
    close = scenes["headway_s"] < 1
    assert scenes.loc[close, "collision"].mean() > scenes.loc[~close, "collision"].mean()
    quick = synthlib.simulate_driving_scenes(20_000, np.random.default_rng(0), reaction_s=0.5)
    assert quick["collision"].mean() < scenes["collision"].mean()


# --- exercises ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("exercise_id", ["6.1", "6.2", "6.3", "8.1", "8.2"])
def test_exercises_accept_the_solution_and_reject_the_mistake(exercise_id):
    exercise = get_exercise(exercise_id)
    assert synthlib.check(exercise_id, exercise.solution())
    assert not synthlib.check(exercise_id, exercise.mistake())


def test_shares_durations_and_empty_tables_are_refused():
    """Issue 17: wet_share=5, negative or NaN reaction times were accepted; an empty table passed every rule."""
    for wet_share in (5, -0.1, float("nan")):
        with pytest.raises(ValueError, match="wet_share"):
            synthlib.simulate_driving_scenes(10, rng=0, wet_share=wet_share)
    for reaction_s in (-1.0, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="reaction_s"):
            synthlib.simulate_driving_scenes(10, rng=0, reaction_s=reaction_s)
    with pytest.raises(ValueError, match="patients is empty"):
        synthlib.check_patient_rules(synthlib.simulate_patients(20, rng=0).iloc[:0])
    with pytest.raises(ValueError, match="n=1,000,000,000,000 would need"):
        synthlib.simulate_patients(10**12)
