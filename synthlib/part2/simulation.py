"""Section 2.3: rule-based simulation, a traffic simulator and card transactions with injected fraud.

The rules are data (``TRAFFIC_RULES``, ``TRANSACTION_RULES``) that a reader can read and change; the checks say
which simulated rows break them.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..common.arguments import as_rng, check_count, check_probability, check_memory

__all__ = ["TRAFFIC_RULES", "greenshields_speed", "simulate_traffic", "check_traffic_rules",
           "MERCHANTS", "TRANSACTION_RULES", "simulate_transactions", "check_transaction_rules",
           "transaction_features"]


#: The rules of the traffic simulator of section 2.3, as data: a reader can read and change them.
TRAFFIC_RULES = {
    "free_speed_kmh": 110.0,  # speed on an empty road (the motorway limit)
    "jam_density_veh_per_km": 120.0,  # bumper to bumper, per lane
    "base_density": 8.0,  # night-time density (vehicles per km)
    "rush_hours": (8.0, 17.5),  # morning and evening peaks (hour of day)
    "rush_density": 70.0,  # extra density at the centre of a peak (vehicles per km)
    "rush_width_h": 1.2,  # how long a peak lasts (standard deviation, hours)
    "weekend_rush_factor": 0.3,  # on Saturdays and Sundays the peaks are this fraction of a weekday's
    "density_noise": 0.15,  # day-to-day variation of density (log-normal standard deviation)
    "speed_noise_kmh": 6.0,  # drivers differ
    "min_speed_kmh": 5.0,  # stop-and-go never quite stops on average
}

_TRAFFIC_COLUMNS = ("day", "weekday", "hour", "density_veh_per_km", "speed_kmh", "flow_veh_per_h")


def _number(value, name: str, low: float = -np.inf, high: float = np.inf, *, strict_low: bool = False) -> float:
    """A finite real number within [low, high] (or (low, high] when ``strict_low``); names the rule when not."""
    numeric = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
    if not numeric or not np.isfinite(value):
        raise TypeError(f"rule {name!r} must be a finite number, got {value!r}")
    if value < low or value > high or (strict_low and value == low):
        bracket = "(" if strict_low else "["
        raise ValueError(f"rule {name!r} must lie in {bracket}{low:g}, {high:g}], got {value}")
    return float(value)


def _merge_rules(defaults: dict, rules, kind: str) -> dict:
    if rules is None:
        return dict(defaults)
    if not isinstance(rules, dict):
        raise TypeError(f"{kind} rules must be a dict such as {{'{next(iter(defaults))}': ...}}, "
                        f"got {type(rules).__name__}")
    unknown = set(rules) - set(defaults)
    if unknown:
        raise ValueError(f"unknown {kind} rule(s) {sorted(unknown)}; known: {sorted(defaults)}")
    return {**defaults, **rules}


def _traffic_rules(rules) -> dict:
    """TRAFFIC_RULES with ``rules`` applied, every value checked."""
    r = _merge_rules(TRAFFIC_RULES, rules, "traffic")
    _number(r["free_speed_kmh"], "free_speed_kmh", 0, strict_low=True)
    _number(r["jam_density_veh_per_km"], "jam_density_veh_per_km", 0, strict_low=True)
    _number(r["base_density"], "base_density", 0, r["jam_density_veh_per_km"])
    _number(r["rush_density"], "rush_density", 0)
    _number(r["rush_width_h"], "rush_width_h", 0, 24, strict_low=True)
    _number(r["weekend_rush_factor"], "weekend_rush_factor", 0, 1)
    _number(r["density_noise"], "density_noise", 0, 2)
    _number(r["speed_noise_kmh"], "speed_noise_kmh", 0)
    _number(r["min_speed_kmh"], "min_speed_kmh", 0, r["free_speed_kmh"])
    peaks = r["rush_hours"]
    if isinstance(peaks, (str, bytes)) or not hasattr(peaks, "__iter__"):
        raise TypeError(f"rule 'rush_hours' must be a sequence of hours of the day, got {peaks!r}")
    r["rush_hours"] = tuple(_number(hour, "rush_hours", 0, 24) for hour in peaks)
    return r


def greenshields_speed(density, free_speed_kmh: float = TRAFFIC_RULES["free_speed_kmh"],
                       jam_density: float = TRAFFIC_RULES["jam_density_veh_per_km"]) -> np.ndarray:
    """Greenshields' speed–density rule v = v_free (1 − k / k_jam), for densities k in [0, k_jam]. Section 2.3."""
    free_speed_kmh = _number(free_speed_kmh, "free_speed_kmh", 0, strict_low=True)
    jam_density = _number(jam_density, "jam_density_veh_per_km", 0, strict_low=True)
    try:
        k = np.asarray(density, dtype=float)
    except (TypeError, ValueError) as error:
        raise TypeError(f"density must be numbers (vehicles per km); {error}") from None
    if np.isnan(k).any() or (k < 0).any() or (k > jam_density).any():
        raise ValueError(f"densities must lie in [0, jam density = {jam_density:g}] vehicles per km")
    return free_speed_kmh * (1 - k / jam_density)


def simulate_traffic(n_days: int = 1, interval_min: int = 5, rules: dict | None = None, rng=None) -> pd.DataFrame:
    """Traffic on one motorway lane, from explicit rules (section 2.3).

    Density follows the time of day: two rush-hour peaks (weaker at weekends; day 0 is a Monday) over a
    night-time base, times log-normal noise, kept within [0, jam density]. Speed follows density by
    Greenshields' model v = v_free (1 − k / k_jam), plus normal noise, kept within [min speed, free speed].
    Flow is q = k v (vehicles per hour). ``rules`` overrides entries of :data:`TRAFFIC_RULES`.
    Returns one row per interval, with the columns day, weekday, hour, density_veh_per_km, speed_kmh, flow_veh_per_h.
    """
    n_days = check_count(n_days, "n_days", minimum=1)
    interval_min = check_count(interval_min, "interval_min", minimum=1)
    if 24 * 60 % interval_min:
        raise ValueError(f"interval_min must divide a day (1440 minutes), got {interval_min}")
    r = _traffic_rules(rules)
    n_rows = n_days * 24 * 60 // interval_min
    check_memory("n_days", n_days, 12 * 8 * n_rows)  # six float columns and their intermediates
    rng = as_rng(rng)
    minutes = np.arange(0, n_days * 24 * 60, interval_min)
    day, hour = minutes // (24 * 60), (minutes % (24 * 60)) / 60
    weekday = day % 7
    peaks = sum(np.exp(-0.5 * ((hour - peak) / r["rush_width_h"]) ** 2) for peak in r["rush_hours"])
    rush = r["rush_density"] * np.where(weekday >= 5, r["weekend_rush_factor"], 1.0)
    density = (r["base_density"] + rush * peaks) * rng.lognormal(0, r["density_noise"], size=hour.size)
    density = np.clip(density, 0, r["jam_density_veh_per_km"])
    speed = greenshields_speed(density, r["free_speed_kmh"], r["jam_density_veh_per_km"])
    speed = speed + rng.normal(0, r["speed_noise_kmh"], size=hour.size)
    speed = np.clip(speed, r["min_speed_kmh"], r["free_speed_kmh"])
    return pd.DataFrame({"day": day, "weekday": weekday, "hour": hour, "density_veh_per_km": density,
                         "speed_kmh": speed, "flow_veh_per_h": density * speed})


def check_traffic_rules(traffic: pd.DataFrame, rules: dict | None = None) -> dict[str, bool]:
    """Validate a simulated traffic table against its rules (section 2.3): {rule: True if it holds}.

    The first three are hard rules that every row must obey. The last two are statistical: speeds
    scatter around Greenshields' line by no more than the speed noise allows (median absolute
    residual at most 1.5 × ``speed_noise_kmh``), and the busiest hour of the (weekday) day lies
    within one peak width of a rush hour. They need a day or more of data with visible peaks.
    """
    if not isinstance(traffic, pd.DataFrame):
        raise TypeError(f"traffic must be a DataFrame from simulate_traffic, got {type(traffic).__name__}")
    missing = [column for column in _TRAFFIC_COLUMNS if column not in traffic]
    if missing:
        raise ValueError(f"traffic lacks the column(s) {missing}; expected those of simulate_traffic")
    if traffic.empty:
        raise ValueError("traffic is empty; simulate at least one day")
    r = _traffic_rules(rules)
    density, speed = traffic["density_veh_per_km"].to_numpy(float), traffic["speed_kmh"].to_numpy(float)
    in_range = (density >= 0) & (density <= r["jam_density_veh_per_km"])
    expected = np.clip(r["free_speed_kmh"] * (1 - density / r["jam_density_veh_per_km"]),
                       r["min_speed_kmh"], r["free_speed_kmh"])
    residual = np.median(np.abs(speed - expected))
    checks = {
        "density within [0, jam density]": bool(in_range.all()),
        "speed within [min speed, free speed]": bool(((speed >= r["min_speed_kmh"] - 1e-9)
                                                      & (speed <= r["free_speed_kmh"] + 1e-9)).all()),
        "flow = density × speed": bool(np.allclose(traffic["flow_veh_per_h"], density * speed)),
        "speed follows Greenshields' line": bool(residual <= 1.5 * r["speed_noise_kmh"] + 1e-9),
    }
    if r["rush_density"] > 0 and r["rush_hours"]:
        weekdays = traffic[traffic["weekday"] < 5] if (traffic["weekday"] < 5).any() else traffic
        hourly = weekdays.groupby(np.floor(weekdays["hour"]))["density_veh_per_km"].mean()
        busiest = hourly.idxmax() + 0.5
        distance = min(min(abs(busiest - peak), 24 - abs(busiest - peak)) for peak in r["rush_hours"])
        checks["the busiest hour is a rush hour"] = bool(distance <= max(r["rush_width_h"], 1.0))
    return checks


#: Merchant categories: the typical (median) amount of a purchase in euros, and the share of legitimate purchases.
MERCHANTS = {
    "groceries": {"median_eur": 35.0, "share": 0.30},
    "restaurants": {"median_eur": 28.0, "share": 0.20},
    "transport": {"median_eur": 12.0, "share": 0.15},
    "fuel": {"median_eur": 55.0, "share": 0.10},
    "online retail": {"median_eur": 45.0, "share": 0.15},
    "electronics": {"median_eur": 180.0, "share": 0.05},
    "travel": {"median_eur": 320.0, "share": 0.05},
}

#: The rules of the card-transaction simulator of section 2.3 (reused in chapter 6), as data.
TRANSACTION_RULES = {
    "home_countries": ("FR", "DE", "NL", "ES", "IT"),  # where customers live (when not given)
    "abroad_countries": ("FR", "DE", "NL", "ES", "IT", "GB", "PT", "CH", "US", "TH"),  # where purchases abroad happen
    "purchases_per_day": 2.0,  # average; each customer's own rate is gamma-distributed (shape 2) around it
    "spending_spread": 0.3,  # how much customers' spending levels differ (log-normal standard deviation)
    "amount_spread": 0.5,  # how much one purchase differs from the merchant's median (log-normal sd)
    "legit_abroad_share": 0.03,  # legitimate purchases abroad (holidays)
    "legit_night_share": 0.02,  # legitimate purchases between midnight and 6 am
    "fraud_categories": ("online retail", "electronics", "travel"),  # what thieves buy (resaleable goods)
    "fraud_abroad_share": 0.7,
    "fraud_night_share": 0.6,
    "fraud_amount_factor": 2.5,  # a fraudulent purchase is about this many times the merchant's median
    "fraud_burst": 4.0,  # average number of fraudulent purchases per stolen card, within two days
}

_TRANSACTION_COLUMNS = ("transaction_id", "customer_id", "day", "hour", "category", "amount", "merchant_country",
                        "home_country", "is_fraud")


def _transaction_rules(rules) -> dict:
    """TRANSACTION_RULES with ``rules`` applied, every value checked."""
    r = _merge_rules(TRANSACTION_RULES, rules, "transaction")
    for name in ("legit_abroad_share", "legit_night_share", "fraud_abroad_share", "fraud_night_share"):
        _number(r[name], name, 0, 1)
    for name in ("purchases_per_day", "fraud_amount_factor"):
        _number(r[name], name, 0, strict_low=True)
    for name in ("spending_spread", "amount_spread"):
        _number(r[name], name, 0, 3)
    _number(r["fraud_burst"], "fraud_burst", 1)
    for name in ("home_countries", "abroad_countries", "fraud_categories"):
        values = r[name]
        if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__") or not len(values) \
                or not all(isinstance(v, str) for v in values):
            raise ValueError(f"rule {name!r} must be a non-empty sequence of strings, got {values!r}")
        r[name] = tuple(values)
    if len(set(r["abroad_countries"])) < 2:
        raise ValueError("rule 'abroad_countries' needs at least two countries (one of them may be home)")
    unknown = set(r["fraud_categories"]) - set(MERCHANTS)
    if unknown:
        raise ValueError(f"rule 'fraud_categories' names unknown merchant categories {sorted(unknown)}; "
                         f"known: {list(MERCHANTS)}")
    return r


def _abroad(rng: np.random.Generator, home: np.ndarray, countries: tuple[str, ...]) -> np.ndarray:
    """A country other than ``home`` for every row, uniform over ``countries`` minus home."""
    options = np.array(sorted(set(countries)))
    pick = rng.integers(0, options.size, size=home.size)
    clash = options[pick] == home
    pick[clash] = (pick[clash] + 1 + rng.integers(0, options.size - 1, size=int(clash.sum()))) % options.size
    return options[pick]



def _fraud_purchases(home: np.ndarray, n_legit: int, n_days: int, fraud_rate: float, r: dict,
                     rng: np.random.Generator) -> pd.DataFrame:
    """The fraud injected among ``n_legit`` legitimate purchases (the core of :func:`simulate_transactions`).

    Section 2.3 writes the same function out on the page and checks it against this one. Inputs are checked by
    the caller: ``home`` holds each customer's country, ``r`` is a checked copy of :data:`TRANSACTION_RULES`.
    """
    categories = np.array(list(MERCHANTS))
    medians = np.array([m["median_eur"] for m in MERCHANTS.values()])
    n_fraud = rng.binomial(round(n_legit / (1 - fraud_rate)), fraud_rate)  # each purchase is fraud with prob. p
    n_cards = max(1, round(n_fraud / r["fraud_burst"]))  # stolen cards, a burst of purchases each
    victim = rng.choice(home.size, size=n_cards, replace=n_cards > home.size)
    theft_day = rng.integers(0, n_days, size=n_cards)
    card = rng.integers(0, n_cards, size=n_fraud)  # the stolen card behind each fraudulent purchase
    category = rng.choice([list(MERCHANTS).index(c) for c in r["fraud_categories"]], size=n_fraud)
    night = rng.random(n_fraud) < r["fraud_night_share"]
    abroad = rng.random(n_fraud) < r["fraud_abroad_share"]
    victim_home = home[victim[card]]
    return pd.DataFrame({
        "customer_id": victim[card],
        "day": np.minimum(theft_day[card] + rng.integers(0, 2, size=n_fraud), n_days - 1),  # within two days
        "hour": np.where(night, rng.uniform(0, 6, n_fraud), rng.uniform(6, 24, n_fraud)),
        "category": categories[category],
        "amount": medians[category] * r["fraud_amount_factor"] * rng.lognormal(0, 0.6, n_fraud),
        "merchant_country": np.where(abroad, _abroad(rng, victim_home, r["abroad_countries"]), victim_home),
    })


def simulate_transactions(n_customers: int = 500, n_days: int = 30, fraud_rate: float = 0.01, rng=None, *,
                          rules: dict | None = None, customer_countries=None) -> pd.DataFrame:
    """Card transactions with injected fraud, from explicit rules (section 2.3; reused in 2.4 and chapter 6).

    Legitimate spending: each customer has a home country, a purchase rate and a spending level;
    purchases happen in the daytime, mostly at home, with log-normal amounts around the merchant's
    median. Fraud: each purchase is fraudulent with probability ``fraud_rate``; a stolen card is used
    in a burst of large purchases in a few categories, mostly abroad and mostly at night.
    ``rules`` overrides entries of :data:`TRANSACTION_RULES`; ``customer_countries`` (one country
    code per customer, e.g. the ``country`` column of :func:`fake_customers`) fixes the home countries.
    """
    n_customers = check_count(n_customers, "n_customers", minimum=1)
    n_days = check_count(n_days, "n_days", minimum=1)
    fraud_rate = check_probability(fraud_rate, "fraud_rate", closed=True)
    if fraud_rate == 1:
        raise ValueError("fraud_rate must be below 1: fraud needs legitimate customers whose cards are stolen")
    r = _transaction_rules(rules)
    expected_rows = n_customers * n_days * r["purchases_per_day"]
    check_memory("n_customers × n_days", n_customers * n_days, 200 * expected_rows)  # ~15 columns, some of text
    rng = as_rng(rng)
    if customer_countries is None:
        home = rng.choice(np.array(r["home_countries"]), size=n_customers)
    else:
        home = np.asarray(customer_countries, dtype=object).astype(str)
        if home.shape != (n_customers,):
            raise ValueError(f"customer_countries must give one country per customer ({n_customers}), "
                             f"got shape {home.shape}")
    categories = np.array(list(MERCHANTS))
    medians = np.array([m["median_eur"] for m in MERCHANTS.values()])
    shares = np.array([m["share"] for m in MERCHANTS.values()])

    rate = rng.gamma(2.0, r["purchases_per_day"] / 2.0, size=n_customers)  # purchases per day
    customer = np.repeat(np.arange(n_customers), rng.poisson(rate * n_days))
    n_legit = customer.size
    level = rng.lognormal(0, r["spending_spread"], size=n_customers)
    category = rng.choice(categories.size, size=n_legit, p=shares / shares.sum())
    night = rng.random(n_legit) < r["legit_night_share"]
    abroad = rng.random(n_legit) < r["legit_abroad_share"]
    legit = pd.DataFrame({
        "customer_id": customer,
        "day": rng.integers(0, n_days, size=n_legit),
        "hour": np.where(night, rng.uniform(0, 6, n_legit), np.clip(rng.normal(14, 3.5, n_legit), 6, 23.99)),
        "category": categories[category],
        "amount": medians[category] * level[customer] * rng.lognormal(0, r["amount_spread"], n_legit),
        "merchant_country": np.where(abroad, _abroad(rng, home[customer], r["abroad_countries"]), home[customer]),
    })

    fraud = _fraud_purchases(home, n_legit, n_days, fraud_rate, r, rng) if n_legit else legit.iloc[:0]
    table = pd.concat([legit.assign(is_fraud=0), fraud.assign(is_fraud=1)], ignore_index=True)
    table["home_country"] = home[table["customer_id"].to_numpy()]
    table["amount"] = np.maximum(np.round(table["amount"], 2), 0.01)
    table["hour"] = np.minimum(table["hour"], 23.99)
    table = table.sort_values(["day", "hour"], kind="stable").reset_index(drop=True)
    table.insert(0, "transaction_id", np.arange(len(table)))
    return table[list(_TRANSACTION_COLUMNS)]


def check_transaction_rules(transactions: pd.DataFrame, n_customers: int | None = None, n_days: int | None = None,
                            rules: dict | None = None) -> dict[str, bool]:
    """Validate a simulated transaction table against the hard rules of its simulator (section 2.3).

    Returns {rule: True if it holds}; ``n_customers`` and ``n_days``, when given, bound the ids and days.
    """
    if not isinstance(transactions, pd.DataFrame):
        raise TypeError("transactions must be a DataFrame from simulate_transactions, "
                        f"got {type(transactions).__name__}")
    missing = [column for column in _TRANSACTION_COLUMNS if column not in transactions]
    if missing:
        raise ValueError(f"transactions lack the column(s) {missing}; expected those of simulate_transactions")
    if transactions.empty:
        raise ValueError("transactions is empty: no rule can be checked on no rows")
    r = _transaction_rules(rules)
    t = transactions
    n_customers = None if n_customers is None else check_count(n_customers, "n_customers", minimum=1)
    n_days = None if n_days is None else check_count(n_days, "n_days", minimum=1)
    fraud = t["is_fraud"] == 1
    return {
        "one row per transaction id": bool(t["transaction_id"].is_unique),
        "amounts are positive": bool((t["amount"] > 0).all()),
        "hours within [0, 24)": bool(t["hour"].between(0, 24, inclusive="left").all()),
        "days within the simulated period": bool(t["day"].between(0, (n_days or np.inf) - 1).all()),
        "customer ids within the customer table": bool(t["customer_id"].between(0, (n_customers or np.inf) - 1).all()),
        "is_fraud is 0 or 1": bool(t["is_fraud"].isin([0, 1]).all()),
        "known merchant categories": bool(t["category"].isin(list(MERCHANTS)).all()),
        "fraud only in fraud categories": bool(t.loc[fraud, "category"].isin(r["fraud_categories"]).all()),
        "in time order": bool((t["day"] * 24 + t["hour"]).is_monotonic_increasing),
    }


def transaction_features(transactions: pd.DataFrame) -> pd.DataFrame:
    """Numeric features of each transaction for a fraud detector (section 2.3; reused in chapter 6).

    log_amount, hour, night (before 6 am), abroad (merchant country ≠ home country) and one 0/1 column
    per merchant category, always in the same order, so that two simulated months give aligned tables.
    """
    if not isinstance(transactions, pd.DataFrame):
        raise TypeError("transactions must be a DataFrame from simulate_transactions, "
                        f"got {type(transactions).__name__}")
    needed = ["amount", "hour", "category", "merchant_country", "home_country"]
    missing = [column for column in needed if column not in transactions]
    if missing:
        raise ValueError(f"transactions lack the column(s) {missing}; expected those of simulate_transactions")
    if transactions.empty:
        raise ValueError("transactions is empty: no rule can be checked on no rows")
    t = transactions
    features = pd.DataFrame({
        "log_amount": np.log(t["amount"].to_numpy(float)),
        "hour": t["hour"].to_numpy(float),
        "night": (t["hour"] < 6).to_numpy(int),
        "abroad": (t["merchant_country"] != t["home_country"]).to_numpy(int),
    }, index=t.index)
    for category in MERCHANTS:
        features[f"category={category}"] = (t["category"] == category).to_numpy(int)
    return features
