"""The self-checks of the exercises of sections 2.3 (rule-based simulation) and 2.4 (fake records).

Each check recomputes the truth itself (from the simulator's rules, a fresh simulated month, or Faker
seeded as the exercise says); none trusts the answer's own claims.
"""
from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

from .exercises import exercise

# ---------------------------------------------------------------------------------------------------------------
# 2.3 Rule-based simulation


def _capacity() -> tuple[float, float]:
    from .basics import TRAFFIC_RULES

    k_jam, v_free = TRAFFIC_RULES["jam_density_veh_per_km"], TRAFFIC_RULES["free_speed_kmh"]
    return k_jam / 2, v_free * k_jam / 4


@exercise("2.3.1", summary="Greenshields' capacity: the density of maximal flow and that flow",
          solution=_capacity,
          mistake=lambda: (_capacity()[0], 2 * _capacity()[1]))
def _check_capacity(answer):
    if isinstance(answer, (str, bytes)) or len(answer) != 2:
        return "give a pair (k_star, q_max): the density of maximal flow and the maximal flow"
    k_star, q_max = (float(value) for value in answer)
    true_k, true_q = _capacity()
    k_right, q_right = np.isclose(k_star, true_k, rtol=1e-3), np.isclose(q_max, true_q, rtol=1e-3)
    if k_right and q_right:
        return None
    if not k_right:
        if np.isclose(k_star, 2 * true_k, rtol=1e-3):
            return "at the jam density the road is a standing queue and the flow is zero; set dq/dk = 0 instead"
        return "set dq/dk = v_free (1 - 2k/k_jam) to zero and solve for k"
    if np.isclose(q_max, 2 * true_q, rtol=1e-3):
        return "k* is right, but at k* the speed is only half the free speed: q = k* · v(k*)"
    return "k* is right; now evaluate q(k*) = k* · v_free · (1 - k*/k_jam)"


@cache
def _held_out_month() -> pd.DataFrame:
    from .basics import simulate_transactions

    return simulate_transactions(1_000, n_days=30, fraud_rate=0.01, rng=np.random.default_rng(2_3_2))


def _fraud_rule_solution():
    from .basics import MERCHANTS, TRANSACTION_RULES

    def flag(transactions):
        fraud_category = transactions["category"].isin(TRANSACTION_RULES["fraud_categories"])
        unusual = (transactions["hour"] < 6) | (transactions["merchant_country"] != transactions["home_country"])
        typical = transactions["category"].map({name: m["median_eur"] for name, m in MERCHANTS.items()})
        return fraud_category & unusual & (transactions["amount"] > 1.5 * typical)

    return flag


def _fraud_rule_mistake():
    from .basics import TRANSACTION_RULES

    def flag(transactions):
        fraud_category = transactions["category"].isin(TRANSACTION_RULES["fraud_categories"])
        return fraud_category & ((transactions["hour"] < 6)
                                 | (transactions["merchant_country"] != transactions["home_country"]))

    return flag


@exercise("2.3.2", summary="a hand-made fraud rule with precision and recall of at least 0.6",
          solution=_fraud_rule_solution, mistake=_fraud_rule_mistake)
def _check_fraud_rule(answer):
    if not callable(answer):
        return "pass a function that takes the transactions table and returns a boolean Series"
    month = _held_out_month()
    truth = month["is_fraud"].to_numpy() == 1
    flagged = np.asarray(answer(month.drop(columns="is_fraud")), dtype=bool)  # the label is not for the rule to see
    if flagged.shape != truth.shape:
        return f"return one True/False per transaction ({truth.size} of them), got shape {flagged.shape}"
    hits = int((flagged & truth).sum())
    precision = hits / max(int(flagged.sum()), 1)
    recall = hits / int(truth.sum())
    if precision >= 0.6 and recall >= 0.6:
        return None
    if recall < 0.6:
        return (f"your rule catches only {recall:.0%} of the fraud (precision {precision:.0%}); "
                "which features do thieves' purchases share? Look at category, hour, country and amount")
    return (f"your rule catches {recall:.0%} of the fraud, but only {precision:.0%} of its alarms are fraud; "
            "legitimate customers also buy electronics abroad: what else makes a thief's purchase stand out?")


# ---------------------------------------------------------------------------------------------------------------
# 2.4 Fake records with Faker


def _first_names(locale: str, seed: int, n: int = 5) -> list[str]:
    from faker import Faker

    fake = Faker(locale)
    fake.seed_instance(seed)
    return [fake.name() for _ in range(n)]


@exercise("2.4.1", summary="the first five names of a fr_FR Faker seeded with 42",
          solution=lambda: _first_names("fr_FR", 42),
          mistake=lambda: _first_names("en_US", 42))
def _check_seeded_names(answer):
    if isinstance(answer, str):
        return "give a list of five names, not one string"
    names = [str(name) for name in answer]
    truth = _first_names("fr_FR", 42)
    if names == truth:
        return None
    if len(names) != 5:
        return f"give exactly the first five names, got {len(names)}"
    if names == _first_names("en_US", 42):
        return "these are American names: create the generator with the French locale, Faker('fr_FR')"
    if sorted(names) == sorted(truth):
        return "the right names in the wrong order: keep the order in which Faker produced them"
    return "seed the generator with fake.seed_instance(42) right after Faker('fr_FR'), then call fake.name() five times"


@cache
def _emails(n: int = 4_000, seed: int = 1) -> tuple[str, ...]:
    from faker import Faker

    fake = Faker("en_US")
    fake.seed_instance(seed)
    return tuple(fake.email() for _ in range(n))


def _duplicates() -> int:
    emails = _emails()
    return len(emails) - len(set(emails))


@exercise("2.4.2", summary="duplicate e-mails among 4,000 drawn without fake.unique",
          solution=_duplicates,
          mistake=lambda: int(pd.Series(_emails()).duplicated(keep=False).sum()))
def _check_duplicates(answer):
    if isinstance(answer, bool) or not float(answer).is_integer():
        return "give the number of duplicates as a whole number"
    answer = int(answer)
    if answer == _duplicates():
        return None
    if answer == 0:
        return "zero is what fake.unique guarantees; draw with plain fake.email() to see the collisions"
    if answer == int(pd.Series(_emails()).duplicated(keep=False).sum()):
        return "you counted every copy, first occurrences included; count n minus the number of distinct e-mails"
    return "seed Faker('en_US') with seed_instance(1), draw 4,000 fake.email() values, and count n − distinct"


def _orphans_solution():
    def orphans(transactions, customers):
        return sorted(set(transactions["customer_id"]) - set(customers["customer_id"]))

    return orphans


def _orphans_mistake():
    def orphans(transactions, customers):
        return sorted(set(customers["customer_id"]) - set(transactions["customer_id"]))

    return orphans


_ORPHAN_CASES = (
    (pd.DataFrame({"customer_id": [0, 1, 2, 3, 7, 7, 9]}), pd.DataFrame({"customer_id": [0, 1, 2, 3, 4, 5]})),
    (pd.DataFrame({"customer_id": [5, 5, 6]}), pd.DataFrame({"customer_id": [5, 6, 8]})),
)


@exercise("2.4.3", summary="find transactions whose customer is missing from the customer table",
          solution=_orphans_solution, mistake=_orphans_mistake)
def _check_orphans(answer):
    if not callable(answer):
        return "pass a function orphans(transactions, customers) that returns the missing customer ids"
    for transactions, customers in _ORPHAN_CASES:
        truth = set(transactions["customer_id"]) - set(customers["customer_id"])
        got = {int(value) for value in answer(transactions.copy(), customers.copy())}
        if got == truth:
            continue
        if got == set(customers["customer_id"]) - set(transactions["customer_id"]):
            return "those are customers without purchases; the broken references go the other way"
        return (f"for transactions of customers {sorted(set(transactions['customer_id']))} and a customer table "
                f"with ids {sorted(customers['customer_id'])} the answer is not {sorted(got)}")
    return None
