"""The self-checks of part 2's exercises (sections 2.1 to 2.4), registered with :func:`synthlib.exercises.exercise`.

Each check recomputes the truth itself (from a reference computation, the simulator's rules, a fresh simulated month,
or Faker seeded as the exercise says); none trusts the answer's own claims.
"""
from __future__ import annotations

import numpy as np
from . import exercise
from functools import cache
import pandas as pd

# ---------------------------------------------------------------------------------------------------------------
# 2.1 Random sampling

_PROBABILITIES = np.linspace(0.001, 0.999, 999)


@exercise("2.1.1", summary="inverse CDF of the logistic distribution",
          solution=lambda: (lambda u: np.log(u / (1 - u))),
          mistake=lambda: (lambda u: np.log((1 - u) / u)))
def _check_logistic_inverse_cdf(answer):
    if not callable(answer):
        return "pass a function of an array u, e.g. `def inverse_cdf(u): ...`"
    values = np.asarray(answer(_PROBABILITIES), dtype=float)
    if values.shape != _PROBABILITIES.shape:
        return "the function must return one value per entry of u (work element-wise with NumPy)"
    truth = np.log(_PROBABILITIES / (1 - _PROBABILITIES))
    if np.allclose(values, truth, atol=1e-6):
        return None
    if np.allclose(values, -truth, atol=1e-6):
        return "your function decreases in u; an inverse CDF must increase. Solve u = 1/(1+e^(-x)) for x again."
    return "solve u = 1/(1 + e^(-x)) for x; at u = 0.5 the answer must be 0 and it must grow with u"


@exercise("2.1.2", summary="sample size for a standard error of 0.001",
          solution=lambda: 83_334, mistake=lambda: 83_333)
def _check_sample_size(answer):
    if isinstance(answer, bool) or not float(answer).is_integer():
        return "give the sample size as a whole number"
    answer = int(answer)
    if answer == 83_334:
        return None
    if answer == 83_333:
        return "at n = 83,333 the standard error is still slightly above 0.001: round up, not down"
    if answer == 1_000_000:
        return "you used σ = 1; the standard deviation of Uniform(0, 1) is 1/√12"
    return "solve σ/√n ≤ 0.001 for n with σ² = 1/12, and round up to a whole number"


# ---------------------------------------------------------------------------------------------------------------
# 2.2 Bootstrapping

# Data whose bootstrap standard error of the mean is known exactly: the plug-in sd over sqrt(n).
_SE_DATA = np.array([3.1, 4.7, 1.2, 9.8, 5.5, 6.0, 2.2, 7.4, 8.1, 4.4, 5.9, 3.3, 6.6, 7.7, 2.9, 5.1])


def _reference_bootstrap_se(data, statistic, n_resamples, rng):
    from ..part2.resampling import bootstrap

    return bootstrap(data, statistic, n_resamples, rng).std(ddof=1)


@exercise("2.2.1", summary="a bootstrap standard-error function",
          solution=lambda: _reference_bootstrap_se,
          mistake=lambda: (lambda data, statistic, n_resamples, rng: np.std(data, ddof=1)), function="bootstrap_se")
def _check_bootstrap_se(answer):
    truth = _SE_DATA.std() / np.sqrt(_SE_DATA.size)
    value = float(answer(_SE_DATA.copy(), np.mean, 20_000, np.random.default_rng(0)))
    if abs(value / truth - 1) < 0.03:
        median_se = float(answer(_SE_DATA.copy(), np.median, 2_000, np.random.default_rng(1)))
        if median_se > 0 and np.isfinite(median_se):
            return None
        return "it works for np.mean but not for np.median: call `statistic` on each resample, whatever it is"
    if abs(value / (_SE_DATA.std(ddof=1)) - 1) < 0.05:
        return "that is the spread of the data; the standard error is the spread of the bootstrap statistics"
    if abs(value * np.sqrt(_SE_DATA.size) / truth - 1) < 0.05:
        return "you divided by √n: the bootstrap distribution's own standard deviation already is the standard error"
    return (f"on a test dataset the answer should be close to {truth:.3f}, you returned {value:.3f}; "
            "resample with replacement, apply the statistic to each resample, take the standard deviation")


def _mean_coverage(size: int, true_mean: float = float(np.exp(0.5))) -> float:
    """Coverage of the 95% percentile interval for the mean of ``size`` log-normal values, as exercise 2.2.2 asks."""
    from ..part2.resampling import ci_coverage

    return ci_coverage(lambda g: g.lognormal(0, 1, size), true_mean, np.mean, level=0.95, n_trials=800,
                       n_resamples=1_000, rng=np.random.default_rng(2))


@cache
def _coverage_by_size() -> tuple[float, float]:
    return _mean_coverage(10), _mean_coverage(100)


@exercise("2.2.2", summary="coverage of the mean's percentile interval at n = 10 and n = 100, nothing else changed",
          solution=_coverage_by_size,
          mistake=lambda: (_mean_coverage(10, true_mean=1.0), _mean_coverage(100, true_mean=1.0)))
def _check_coverage(answer):
    if isinstance(answer, (str, bytes)) or not hasattr(answer, "__len__") or len(answer) != 2:
        return "give a pair (coverage_10, coverage_100): the coverage at n = 10, then at n = 100"
    values = [float(value) for value in answer]
    if not all(0 <= value <= 1 for value in values):
        return "a coverage is a share between 0 and 1"
    reference = _coverage_by_size()
    tolerance = 0.045  # about 3 simulation standard errors with 800 trials
    if all(abs(value - truth) <= tolerance for value, truth in zip(values, reference)):
        return None
    if all(abs(value - truth) <= tolerance for value, truth in zip(values[::-1], reference)):
        return "the pair is reversed: first the coverage at n = 10, then at n = 100"
    if values == [0.95, 0.95]:
        return "0.95 is the promise, not the measurement: run synthlib.ci_coverage and report what it returns"
    if min(values) < 0.5:
        return ("these coverages are far too low: the true mean of the log-normal with log X ~ N(0, 1) is e^(1/2), "
                "not its median 1")
    return ("keep everything but the sample size fixed: lognormal(0, 1, size), truth np.exp(0.5), np.mean, "
            "800 trials, 1,000 resamples, and a fresh np.random.default_rng(2) for each size")


# ---------------------------------------------------------------------------------------------------------------
# 2.3 Rule-based simulation


def _capacity() -> tuple[float, float]:
    from ..part2.simulation import TRAFFIC_RULES

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
    from ..part2.simulation import simulate_transactions

    return simulate_transactions(1_000, n_days=30, fraud_rate=0.01, rng=np.random.default_rng(2_3_2))


def _fraud_rule_solution():
    from ..part2.simulation import MERCHANTS, TRANSACTION_RULES

    def flag(transactions):
        fraud_category = transactions["category"].isin(TRANSACTION_RULES["fraud_categories"])
        unusual = (transactions["hour"] < 6) | (transactions["merchant_country"] != transactions["home_country"])
        typical = transactions["category"].map({name: m["median_eur"] for name, m in MERCHANTS.items()})
        return fraud_category & unusual & (transactions["amount"] > 1.5 * typical)

    return flag


def _fraud_rule_mistake():
    from ..part2.simulation import TRANSACTION_RULES

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


def _state_and_zip_solution():
    def state_and_zip(fake):
        state = fake.state_abbr()
        return state, fake.zipcode_in_state(state)

    return state_and_zip


def _state_and_zip_mistake():
    def state_and_zip(fake):  # two fields drawn independently, as Faker's addresses are
        return fake.state_abbr(), fake.zipcode()

    return state_and_zip


@exercise("2.4.1", summary="a consistency rule Faker lacks: a ZIP code inside its state's range",
          solution=_state_and_zip_solution, mistake=_state_and_zip_mistake)
def _check_state_and_zip(answer):
    from faker import Faker
    from faker.providers.address.en_US import Provider as USAddress

    if not callable(answer):
        return "pass a function of a Faker generator that returns one (state, ZIP code) pair"
    fake = Faker("en_US")
    fake.seed_instance(2_4_1)
    pairs = [answer(fake) for _ in range(500)]
    if not all(isinstance(pair, tuple) and len(pair) == 2 for pair in pairs):
        return "return a pair (state, zip_code), e.g. ('CA', '90210')"
    unknown = sorted({str(state) for state, _ in pairs} - set(USAddress.states_postcode))
    if unknown:
        return f"{unknown[:3]} are not state abbreviations that Faker's table knows; draw them with fake.state_abbr()"
    codes = [str(code) for _, code in pairs]
    if not all(code.isdigit() and len(code) == 5 for code in codes):
        return "the ZIP code must be a string of five digits, like Faker's"
    inside = np.mean([low <= int(code) <= high
                      for (state, _), code in zip(pairs, codes) for low, high in [USAddress.states_postcode[state]]])
    if inside < 1:
        return (f"only {inside:.0%} of your ZIP codes lie in their state's range: draw the ZIP code given the "
                "state (Faker has fake.zipcode_in_state(state)), not independently of it")
    if len({state for state, _ in pairs}) < 20:
        return "every ZIP code is right, but the states hardly vary: draw the state at random, like Faker's addresses"
    return None


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
