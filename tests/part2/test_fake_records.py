"""Unit and property tests for section 2.4, fake records (synthlib.part2.fake_records)."""
import os
import subprocess
import sys
from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import synthlib

HARD_TRAFFIC_RULES = ["density within [0, jam density]", "speed within [min speed, free speed]",
                      "flow = density × speed", "speed follows Greenshields' line"]


def test_fake_customers_same_seed_same_records():
    first = synthlib.fake_customers(50, seed=3)
    again = synthlib.fake_customers(50, seed=3)
    other = synthlib.fake_customers(50, seed=4)
    pd.testing.assert_frame_equal(first, again)
    assert not first["name"].equals(other["name"])
    assert list(first.columns) == ["customer_id", "name", "email", "street", "city", "country", "birth_date",
                                   "signup_date"]
    assert (first["customer_id"] == np.arange(50)).all()



def test_fake_customers_emails_are_unique_only_when_asked():
    assert synthlib.fake_customers(3_000, seed=0)["email"].is_unique
    plain = synthlib.fake_customers(3_000, seed=0, unique_emails=False)
    assert not plain["email"].is_unique  # the birthday problem: about n²/2M ≈ 15 repeats at this size



def test_fake_customers_locale_per_record_and_signup_rule():
    locales = ["fr_FR", "de_DE", "ja_JP", "en_US"] * 25
    table = synthlib.fake_customers(100, locale=locales, seed=1)
    assert (table["country"] == [code[-2:] for code in locales]).all()
    birth, signup = pd.to_datetime(table["birth_date"]), pd.to_datetime(table["signup_date"])
    assert ((signup - birth).dt.days >= 18 * 365).all()
    assert (signup >= pd.Timestamp(date(2020, 1, 1))).all() and (signup <= pd.Timestamp(date(2025, 12, 31))).all()
    # Records of different locales do not replay one another's random draws.
    assert table.groupby("country")["birth_date"].apply(tuple).nunique() == 4



def test_fake_customers_do_not_depend_on_the_hash_seed():
    # Faker's it_IT city list comes from a set: its order, and so the seeded city, follow PYTHONHASHSEED.
    script = "import synthlib; print(synthlib.fake_customers(20, ['it_IT', 'fr_FR'] * 10, seed=0).to_csv())"
    outputs = {subprocess.run([sys.executable, "-c", script], env={**os.environ, "PYTHONHASHSEED": str(h)},
                              capture_output=True, text=True, check=True).stdout for h in (1, 2)}
    assert len(outputs) == 1



@given(n=st.integers(0, 30), seed=st.integers(0, 10_000))
@settings(max_examples=15, deadline=None)
def test_fake_customers_property(n, seed):
    table = synthlib.fake_customers(n, locale="de_DE", seed=seed)
    assert len(table) == n and table["email"].is_unique
    assert (table["country"] == "DE").all()



def test_fake_customers_reject_bad_input():
    with pytest.raises(ValueError, match="n must be non-negative"):
        synthlib.fake_customers(-1)
    with pytest.raises(ValueError, match=r"unknown Faker locale\(s\) \['xx_XX'\]"):
        synthlib.fake_customers(3, locale="xx_XX")
    with pytest.raises(ValueError, match="one locale per record"):
        synthlib.fake_customers(3, locale=["fr_FR", "de_DE"])
    with pytest.raises(ValueError, match="seed must be a non-negative integer"):
        synthlib.fake_customers(3, seed=-2)
    with pytest.raises(TypeError, match="locale must be a string"):
        synthlib.fake_customers(3, locale=7)



def test_fake_customers_join_simulated_behaviour():
    customers = synthlib.fake_customers(40, locale=["fr_FR", "it_IT"] * 20, seed=0)
    transactions = synthlib.simulate_transactions(40, 10, 0.05, rng=0, customer_countries=customers["country"])
    joined = transactions.merge(customers, on="customer_id", how="left", validate="many_to_one")
    assert joined["email"].notna().all() and (joined["home_country"] == joined["country"]).all()



def test_a_huge_n_is_refused_before_generating():
    import pytest

    import synthlib

    with pytest.raises(ValueError, match=r"n=1,000,000,000,000 would need about"):
        synthlib.fake_customers(10**12)
