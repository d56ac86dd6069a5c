"""Unit and property tests for section 2.3, rule-based simulation (synthlib.part2.simulation)."""




import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import synthlib
from synthlib.exercises import get_exercise

HARD_TRAFFIC_RULES = ["density within [0, jam density]", "speed within [min speed, free speed]",
                      "flow = density × speed", "speed follows Greenshields' line"]


def test_traffic_table_shape_and_default_rules_hold():
    traffic = synthlib.simulate_traffic(n_days=7, interval_min=5, rng=0)
    assert list(traffic.columns) == ["day", "weekday", "hour", "density_veh_per_km", "speed_kmh", "flow_veh_per_h"]
    assert len(traffic) == 7 * 288
    assert traffic["hour"].between(0, 24, inclusive="left").all()
    verdicts = synthlib.check_traffic_rules(traffic)
    assert all(verdicts.values()), verdicts
    assert "the busiest hour is a rush hour" in verdicts



def test_traffic_same_seed_same_output_and_new_seed_new_output():
    first = synthlib.simulate_traffic(3, rng=np.random.default_rng(42))
    again = synthlib.simulate_traffic(3, rng=np.random.default_rng(42))
    other = synthlib.simulate_traffic(3, rng=np.random.default_rng(43))
    pd.testing.assert_frame_equal(first, again)
    assert not first["speed_kmh"].equals(other["speed_kmh"])



@given(seed=st.integers(0, 2**32 - 1),
       free_speed=st.floats(30, 150), jam=st.floats(40, 200), base=st.floats(0, 30), rush=st.floats(0, 150),
       width=st.floats(0.2, 4), noise=st.floats(0, 20), density_noise=st.floats(0, 0.5),
       interval=st.sampled_from([1, 5, 15, 60]))
@settings(max_examples=40, deadline=None)
def test_traffic_hard_rules_hold_for_any_rules(seed, free_speed, jam, base, rush, width, noise, density_noise,
                                               interval):
    rules = {"free_speed_kmh": free_speed, "jam_density_veh_per_km": jam, "base_density": min(base, jam),
             "rush_density": rush, "rush_width_h": width, "speed_noise_kmh": noise, "density_noise": density_noise,
             "min_speed_kmh": min(5.0, free_speed)}
    traffic = synthlib.simulate_traffic(2, interval_min=interval, rules=rules, rng=seed)
    verdicts = synthlib.check_traffic_rules(traffic, rules)
    assert all(verdicts[rule] for rule in HARD_TRAFFIC_RULES), verdicts



def test_weekend_rule_lowers_the_peaks():
    traffic = synthlib.simulate_traffic(14, rng=1)
    peak = traffic[traffic["hour"].between(7.5, 8.5)]
    weekday, weekend = (peak.groupby(peak["weekday"] >= 5)["density_veh_per_km"].mean()).to_numpy()
    assert weekend < 0.6 * weekday



def test_fitted_greenshields_line_recovers_the_rules():
    traffic = synthlib.simulate_traffic(28, rng=0)
    slope, intercept = np.polyfit(traffic["density_veh_per_km"], traffic["speed_kmh"], 1)
    assert intercept == pytest.approx(110, rel=0.03)
    assert -intercept / slope == pytest.approx(120, rel=0.05)



def test_greenshields_speed():
    np.testing.assert_allclose(synthlib.greenshields_speed([0, 60, 120]), [110, 55, 0])
    with pytest.raises(ValueError, match="densities must lie in"):
        synthlib.greenshields_speed([130])



def test_validator_catches_broken_tables():
    traffic = synthlib.simulate_traffic(2, rng=0)
    too_fast = traffic.assign(speed_kmh=traffic["speed_kmh"] + 20)
    verdicts = synthlib.check_traffic_rules(too_fast)
    assert not verdicts["speed within [min speed, free speed]"] and not verdicts["flow = density × speed"]
    reversed_ = traffic.assign(speed_kmh=traffic["speed_kmh"][::-1].to_numpy())
    reversed_["flow_veh_per_h"] = reversed_["density_veh_per_km"] * reversed_["speed_kmh"]
    assert not synthlib.check_traffic_rules(reversed_)["speed follows Greenshields' line"]
    shifted = traffic.assign(hour=(traffic["hour"] + 12) % 24)  # the peaks moved to 20:00 and 5:30
    assert not synthlib.check_traffic_rules(shifted)["the busiest hour is a rush hour"]



def test_traffic_rejects_bad_input():
    with pytest.raises(ValueError, match="n_days must be at least 1"):
        synthlib.simulate_traffic(-1)
    with pytest.raises(ValueError, match="interval_min must divide a day"):
        synthlib.simulate_traffic(1, interval_min=7)
    with pytest.raises(ValueError, match=r"unknown traffic rule\(s\) \['speed_limit'\]"):
        synthlib.simulate_traffic(1, rules={"speed_limit": 130})
    with pytest.raises(ValueError, match="rule 'jam_density_veh_per_km' must lie in"):
        synthlib.simulate_traffic(1, rules={"jam_density_veh_per_km": -5})
    with pytest.raises(ValueError, match="rule 'min_speed_kmh' must lie in"):
        synthlib.simulate_traffic(1, rules={"min_speed_kmh": 200})
    with pytest.raises(TypeError, match="rule 'rush_density' must be a finite number"):
        synthlib.simulate_traffic(1, rules={"rush_density": "many"})
    with pytest.raises(TypeError, match="traffic rules must be a dict"):
        synthlib.simulate_traffic(1, rules=[("rush_density", 3)])
    with pytest.raises(ValueError, match=r"lacks the column\(s\) \['speed_kmh'\]"):
        synthlib.check_traffic_rules(synthlib.simulate_traffic(1, rng=0).drop(columns="speed_kmh"))
    with pytest.raises(ValueError, match="unknown traffic rule"):
        synthlib.check_traffic_rules(synthlib.simulate_traffic(1, rng=0), {"lanes": 3})



def test_transactions_same_seed_same_output():
    first = synthlib.simulate_transactions(100, 10, 0.02, rng=np.random.default_rng(7))
    again = synthlib.simulate_transactions(100, 10, 0.02, rng=np.random.default_rng(7))
    pd.testing.assert_frame_equal(first, again)



@given(seed=st.integers(0, 2**32 - 1), fraud_rate=st.floats(0.0, 0.4))
@settings(max_examples=25, deadline=None)
def test_fraud_rate_is_near_the_parameter_and_hard_rules_hold(seed, fraud_rate):
    table = synthlib.simulate_transactions(200, 30, fraud_rate, rng=seed)
    measured = table["is_fraud"].mean()
    tolerance = 5 * np.sqrt(max(fraud_rate * (1 - fraud_rate), 1e-12) / len(table)) + 1e-9
    assert abs(measured - fraud_rate) <= tolerance
    assert all(synthlib.check_transaction_rules(table, 200, 30).values())



def test_fraud_looks_like_its_rules():
    table = synthlib.simulate_transactions(500, 30, 0.05, rng=3)
    fraud, legit = table[table["is_fraud"] == 1], table[table["is_fraud"] == 0]
    assert fraud["category"].isin(synthlib.TRANSACTION_RULES["fraud_categories"]).all()
    assert (fraud["hour"] < 6).mean() == pytest.approx(0.6, abs=0.06)
    assert (fraud["merchant_country"] != fraud["home_country"]).mean() == pytest.approx(0.7, abs=0.06)
    assert (legit["merchant_country"] != legit["home_country"]).mean() == pytest.approx(0.03, abs=0.01)
    assert fraud["amount"].median() > 3 * legit["amount"].median()
    no_fraud = synthlib.simulate_transactions(50, 5, 0.0, rng=3)
    assert no_fraud["is_fraud"].sum() == 0



def test_customer_countries_and_rules_are_honoured():
    countries = ["US", "JP", "FR"] * 10
    table = synthlib.simulate_transactions(30, 10, 0.1, rng=0, customer_countries=countries,
                                           rules={"fraud_categories": ("travel",), "fraud_abroad_share": 1.0})
    assert (table["home_country"] == np.array(countries)[table["customer_id"]]).all()
    fraud = table[table["is_fraud"] == 1]
    assert (fraud["category"] == "travel").all() and (fraud["merchant_country"] != fraud["home_country"]).all()



def test_transaction_features_are_aligned_and_numeric():
    month = synthlib.simulate_transactions(50, 30, 0.02, rng=0)
    tiny = synthlib.simulate_transactions(3, 2, 0.0, rng=1)
    a, b = synthlib.transaction_features(month), synthlib.transaction_features(tiny)
    assert list(a.columns) == list(b.columns) and len(a) == len(month)
    assert all(pd.api.types.is_numeric_dtype(dtype) for dtype in a.dtypes)
    assert a.filter(like="category=").sum(axis=1).eq(1).all()



def test_transaction_validator_catches_broken_tables():
    month = synthlib.simulate_transactions(50, 30, 0.05, rng=0)
    assert not synthlib.check_transaction_rules(month.assign(amount=-1.0))["amounts are positive"]
    assert not synthlib.check_transaction_rules(month, n_customers=10)["customer ids within the customer table"]
    stolen_groceries = month.assign(category="groceries")
    assert not synthlib.check_transaction_rules(stolen_groceries)["fraud only in fraud categories"]
    assert not synthlib.check_transaction_rules(month.iloc[::-1])["in time order"]



def test_transactions_reject_bad_input():
    with pytest.raises(ValueError, match="n_customers must be at least 1"):
        synthlib.simulate_transactions(-5)
    with pytest.raises(ValueError, match=r"fraud_rate must lie in \[0, 1\]"):
        synthlib.simulate_transactions(10, fraud_rate=1.5)
    with pytest.raises(ValueError, match=r"fraud_rate must lie in \[0, 1\]"):
        synthlib.simulate_transactions(10, fraud_rate=-0.1)
    with pytest.raises(ValueError, match="fraud_rate must be below 1"):
        synthlib.simulate_transactions(10, fraud_rate=1.0)
    with pytest.raises(ValueError, match=r"unknown transaction rule\(s\) \['chargeback_rate'\]"):
        synthlib.simulate_transactions(10, rules={"chargeback_rate": 0.1})
    with pytest.raises(ValueError, match="unknown merchant categories"):
        synthlib.simulate_transactions(10, rules={"fraud_categories": ("jewellery",)})
    with pytest.raises(ValueError, match="rule 'fraud_night_share' must lie in"):
        synthlib.simulate_transactions(10, rules={"fraud_night_share": 2})
    with pytest.raises(ValueError, match="one country per customer"):
        synthlib.simulate_transactions(10, customer_countries=["FR"] * 3)
    with pytest.raises(TypeError, match="rng must be"):
        synthlib.simulate_transactions(10, rng="seed")
    with pytest.raises(ValueError, match=r"lack the column\(s\) \['amount'"):
        synthlib.transaction_features(pd.DataFrame({"hour": [1.0]}))



def test_fraud_rule_check_hides_the_label():
    result = synthlib.check("2.3.2", lambda transactions: transactions["is_fraud"] == 1)
    assert not result



@pytest.mark.parametrize("exercise_id", ["2.3.1", "2.3.2", "2.4.1", "2.4.2", "2.4.3"])
def test_simulation_exercises_accept_solution_and_reject_mistake(exercise_id):
    exercise = get_exercise(exercise_id)
    assert synthlib.check(exercise_id, exercise.solution())
    assert not synthlib.check(exercise_id, exercise.mistake())



def test_fraud_injection_core_follows_its_rules():
    """The core that section 2.3 writes out on the page: fraud at the asked rate, in fraud categories, on victims."""
    from synthlib.part2.simulation import TRANSACTION_RULES, _fraud_purchases

    home = np.array(["FR", "DE"] * 50)
    fraud = _fraud_purchases(home, 50_000, 30, 0.02, TRANSACTION_RULES, np.random.default_rng(0))
    expected = 50_000 / 0.98 * 0.02
    assert abs(len(fraud) - expected) < 4 * np.sqrt(expected)
    assert fraud["category"].isin(TRANSACTION_RULES["fraud_categories"]).all()
    assert fraud["customer_id"].between(0, home.size - 1).all() and fraud["day"].between(0, 29).all()
    abroad = (fraud["merchant_country"] != home[fraud["customer_id"]]).mean()
    assert abs(abroad - TRANSACTION_RULES["fraud_abroad_share"]) < 0.05


def test_huge_simulations_are_refused_before_allocating():
    with pytest.raises(ValueError, match=r"n_days=1,000,000,000,000 would need about"):
        synthlib.simulate_traffic(10**12, rng=0)
    with pytest.raises(ValueError, match=r"n_customers × n_days=1,000,000,000,000 would need about"):
        synthlib.simulate_transactions(10**6, 10**6, rng=0)
