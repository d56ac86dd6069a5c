"""Part 2: statistical generators, from random sampling to rule-based simulation and fake records.

Every function names the section that teaches it; the chapter shows the idea in a few lines first,
then calls the function here when it needs the full, checked version.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import NamedTuple

import numpy as np
import pandas as pd

from ._validate import as_rng, as_sample, check_count, check_probability

__all__ = [
    # 2.1
    "inverse_transform_sample", "tabulate_inverse_cdf",
    # 2.2
    "ConfidenceInterval", "bootstrap", "percentile_ci", "bootstrap_ci", "ci_coverage",
    # 2.3
    "TRAFFIC_RULES", "greenshields_speed", "simulate_traffic", "check_traffic_rules",
    "MERCHANTS", "TRANSACTION_RULES", "simulate_transactions", "check_transaction_rules", "transaction_features",
    # 2.4
    "fake_customers",
]

# ---------------------------------------------------------------------------------------------------------------
# 2.1  Random sampling


def inverse_transform_sample(inverse_cdf: Callable[[np.ndarray], np.ndarray], n: int, rng=None) -> np.ndarray:
    """Draw ``n`` values with quantile function ``inverse_cdf`` by pushing uniforms through it.

    If U ~ Uniform(0, 1) and F is a CDF, then F⁻¹(U) has CDF F. Section 2.1.
    """
    if not callable(inverse_cdf):
        raise TypeError("inverse_cdf must be a function from probabilities in (0, 1) to values")
    n = check_count(n, "n")
    uniforms = as_rng(rng).random(n)
    values = np.asarray(inverse_cdf(uniforms), dtype=float)
    if values.shape != uniforms.shape:
        raise ValueError(f"inverse_cdf must map an array of shape {uniforms.shape} to the same shape, got {values.shape}")
    return values


def tabulate_inverse_cdf(pdf: Callable[[np.ndarray], np.ndarray], lower: float, upper: float,
                         grid_size: int = 4001) -> Callable[[np.ndarray], np.ndarray]:
    """Build a quantile function for any density on [lower, upper] numerically (no formula needed).

    The density is integrated on a grid with the trapezoid rule, normalised, and the resulting CDF
    inverted by linear interpolation. Section 2.1.
    """
    if not callable(pdf):
        raise TypeError("pdf must be a function of an array of values")
    if not np.isfinite([lower, upper]).all() or not lower < upper:
        raise ValueError(f"need finite lower < upper, got lower={lower}, upper={upper}")
    grid_size = check_count(grid_size, "grid_size", minimum=3)
    grid = np.linspace(lower, upper, grid_size)
    density = np.asarray(pdf(grid), dtype=float)
    if density.shape != grid.shape or np.isnan(density).any() or (density < 0).any():
        raise ValueError("pdf must return one non-negative, non-NaN value per grid point")
    cdf = np.concatenate([[0.0], np.cumsum((density[1:] + density[:-1]) / 2 * np.diff(grid))])
    if cdf[-1] <= 0:
        raise ValueError("pdf integrates to zero on [lower, upper]")
    cdf /= cdf[-1]
    # Flat stretches of the CDF (zero density) would make the inverse ambiguous; keep the first grid point of each.
    keep = np.concatenate([[True], np.diff(cdf) > 0])
    cdf_kept, grid_kept = cdf[keep], grid[keep]

    def inverse_cdf(u: np.ndarray) -> np.ndarray:
        return np.interp(u, cdf_kept, grid_kept)

    return inverse_cdf


# ---------------------------------------------------------------------------------------------------------------
# 2.2  Bootstrapping


class ConfidenceInterval(NamedTuple):
    low: float
    high: float
    level: float

    def __contains__(self, value) -> bool:
        return bool(self.low <= value <= self.high)


def _vectorised(statistic: Callable) -> Callable[[np.ndarray], np.ndarray]:
    """Apply ``statistic`` to every row of a 2-D array, in one call when it understands ``axis``."""

    def per_row(samples: np.ndarray) -> np.ndarray:
        try:
            values = np.asarray(statistic(samples, axis=1), dtype=float)
            if values.shape == (samples.shape[0],):
                return values
        except TypeError:
            pass  # a statistic without an `axis` argument: fall back to one call per resample
        return np.fromiter((statistic(row) for row in samples), dtype=float, count=samples.shape[0])

    return per_row


#: Values per block of resamples: small enough to stay in cache, large enough to amortise the Python overhead.
_BLOCK_VALUES = 1 << 18


def bootstrap(data, statistic: Callable = np.mean, n_resamples: int = 10_000, rng=None,
              workers: int | None = None) -> np.ndarray:
    """The bootstrap distribution of ``statistic``: its value on ``n_resamples`` resamples of ``data``.

    Resamples are drawn with replacement as index matrices, block by block (each block small enough
    to stay in the CPU cache, with its own child generator spawned from ``rng``), and ``statistic``
    is evaluated on a whole block in one call when it accepts ``axis`` (NumPy reductions do). Blocks
    run on ``workers`` threads (default: up to 4 cores); the result does not depend on how many.
    Section 2.2.
    """
    sample = as_sample(data, "data")
    n_resamples = check_count(n_resamples, "n_resamples", minimum=1)
    if not callable(statistic):
        raise TypeError("statistic must be a function such as np.mean or np.median")
    rng = as_rng(rng)
    evaluate = _vectorised(statistic)
    # Small index types halve or quarter the random bits and memory traffic: the bottleneck here.
    index_type = np.uint16 if sample.size <= 1 << 16 else np.int64
    rows = max(1, _BLOCK_VALUES // sample.size)
    starts = range(0, n_resamples, rows)
    generators = rng.spawn(len(starts))
    values = np.empty(n_resamples)

    def fill(start: int, generator: np.random.Generator) -> None:
        stop = min(start + rows, n_resamples)
        indices = generator.integers(0, sample.size, size=(stop - start, sample.size), dtype=index_type)
        values[start:stop] = evaluate(sample[indices])

    workers = min(len(starts), workers or min(4, os.cpu_count() or 1))
    if workers > 1:
        with ThreadPoolExecutor(workers) as pool:  # NumPy releases the GIL while drawing and gathering
            list(pool.map(fill, starts, generators))
    else:
        for start, generator in zip(starts, generators):
            fill(start, generator)
    return values


def percentile_ci(bootstrap_values, level: float = 0.95) -> ConfidenceInterval:
    """The percentile interval: the middle ``level`` share of a bootstrap distribution. Section 2.2."""
    values = as_sample(bootstrap_values, "bootstrap_values")
    level = check_probability(level, "level")
    low, high = np.quantile(values, [(1 - level) / 2, (1 + level) / 2])
    return ConfidenceInterval(float(low), float(high), level)


def bootstrap_ci(data, statistic: Callable = np.mean, level: float = 0.95, n_resamples: int = 10_000,
                 rng=None) -> ConfidenceInterval:
    """A percentile bootstrap confidence interval for ``statistic`` of ``data``. Section 2.2."""
    level = check_probability(level, "level")
    return percentile_ci(bootstrap(data, statistic, n_resamples, rng), level)


def ci_coverage(draw_sample: Callable[[np.random.Generator], np.ndarray], true_value: float,
                statistic: Callable = np.mean, level: float = 0.95, n_trials: int = 1_000,
                n_resamples: int = 2_000, rng=None, progress: bool = False) -> float:
    """The share of ``n_trials`` bootstrap CIs that contain ``true_value``, each on a fresh sample.

    ``draw_sample(rng)`` returns one dataset from a population whose true statistic is known; a
    well-calibrated interval covers the truth about ``level`` of the time. Section 2.2.
    """
    if not callable(draw_sample):
        raise TypeError("draw_sample must be a function taking a numpy Generator and returning a sample")
    level = check_probability(level, "level")
    n_trials = check_count(n_trials, "n_trials", minimum=1)
    rng = as_rng(rng)
    trials = range(n_trials)
    if progress:
        from tqdm.auto import tqdm

        trials = tqdm(trials, desc="coverage trials")
    hits = 0
    for _ in trials:
        interval = bootstrap_ci(draw_sample(rng), statistic, level, n_resamples, rng)
        hits += true_value in interval
    return hits / n_trials


# ---------------------------------------------------------------------------------------------------------------
# 2.3  Rule-based simulation

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
    k = np.asarray(density, dtype=float)
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

    # Each purchase is fraud with probability fraud_rate: draw how many of n_legit / (1 - p) purchases are.
    n_fraud = int(rng.binomial(int(round(n_legit / (1 - fraud_rate))), fraud_rate)) if n_legit else 0
    n_cards = max(1, int(round(n_fraud / r["fraud_burst"])))
    victims = rng.choice(n_customers, size=n_cards, replace=n_cards > n_customers)
    theft_day = rng.integers(0, n_days, size=n_cards)
    card = rng.integers(0, n_cards, size=n_fraud)
    fraud_category = rng.choice([list(MERCHANTS).index(c) for c in r["fraud_categories"]], size=n_fraud)
    night = rng.random(n_fraud) < r["fraud_night_share"]
    abroad = rng.random(n_fraud) < r["fraud_abroad_share"]
    fraud_home = home[victims[card]]
    fraud = pd.DataFrame({
        "customer_id": victims[card],
        "day": np.minimum(theft_day[card] + rng.integers(0, 2, size=n_fraud), n_days - 1),
        "hour": np.where(night, rng.uniform(0, 6, n_fraud), rng.uniform(6, 24, n_fraud)),
        "category": categories[fraud_category],
        "amount": medians[fraud_category] * r["fraud_amount_factor"] * rng.lognormal(0, 0.6, n_fraud),
        "merchant_country": np.where(abroad, _abroad(rng, fraud_home, r["abroad_countries"]), fraud_home),
    })
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


# ---------------------------------------------------------------------------------------------------------------
# 2.4  Fake records with Faker

_CUSTOMER_COLUMNS = ["customer_id", "name", "email", "street", "city", "country", "birth_date", "signup_date"]
# Fixed date ranges, never Faker's relative ones ("-30y", date_of_birth): those move with today's date.
_BIRTH_RANGE = (date(1935, 1, 1), date(2007, 12, 31))
_SIGNUP_RANGE = (date(2020, 1, 1), date(2025, 12, 31))


def _eighteenth_birthday(birth: date) -> date:
    try:
        return birth.replace(year=birth.year + 18)
    except ValueError:  # born on 29 February
        return date(birth.year + 18, 3, 1)


def fake_customers(n: int, locale="en_US", seed: int = 0, unique_emails: bool = True) -> pd.DataFrame:
    """A table of ``n`` fake customers (name, e-mail, address, birth and sign-up dates), seeded. Section 2.4.

    ``locale`` is one Faker locale for all records, or a sequence of ``n`` locales, one per record
    (every field of a record then comes from its locale: a French name with a French address). The
    same ``seed`` and Faker version give the same table, in any Python process (city lists, which some
    locales build from a set, are put in a fixed order first). One rule is applied: customers sign up on
    or after their 18th birthday. With ``unique_emails`` no two customers share an e-mail (like
    ``fake.unique``, but across locales). The records are plausible but describe nobody: they carry
    no statistics of any real population.
    """
    from faker import Faker
    from faker.config import AVAILABLE_LOCALES

    n = check_count(n, "n")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    if isinstance(locale, str):
        locales = [locale] * n
    elif hasattr(locale, "__iter__"):
        locales = [str(value) for value in locale]
        if len(locales) != n:
            raise ValueError(f"locale must be one locale or a sequence of one locale per record ({n}), "
                             f"got {len(locales)}")
    else:
        raise TypeError(f"locale must be a string such as 'en_US' or a sequence of them, got {locale!r}")
    unknown = sorted(set(locales) - set(AVAILABLE_LOCALES))
    if unknown:
        raise ValueError(f"unknown Faker locale(s) {unknown}; e.g. 'en_US', 'fr_FR', 'de_DE', 'ja_JP'")
    used = sorted(set(locales)) or ["en_US"]
    fake = Faker(used)
    fake.seed_instance(int(seed))
    shared = fake[used[0]].random  # one random stream for all locales: no two locales replay the same draws
    for code in used:
        fake[code].random = shared
        for provider in fake[code].get_providers():
            # Some locales (it_IT in Faker 40) build their city list from a set, whose order changes with Python's
            # hash seed from one process to the next; a sorted copy makes the seeded draws reproducible everywhere.
            if isinstance(getattr(provider, "cities", None), list):
                provider.cities = sorted(provider.cities)
    seen: set[str] = set()
    rows = []
    for i, code in enumerate(locales):
        f = fake[code]
        name = f.name()
        email = f.email()
        for _ in range(1_000):
            if not unique_emails or email not in seen:
                break
            email = f.email()
        else:
            raise RuntimeError(f"could not find an unused e-mail after 1,000 tries (record {i}); lower n")
        seen.add(email)
        birth = f.date_between(*_BIRTH_RANGE)
        signup = f.date_between(max(_SIGNUP_RANGE[0], _eighteenth_birthday(birth)), _SIGNUP_RANGE[1])
        rows.append((i, name, email, f.street_address(), f.city(), f.current_country_code(), birth, signup))
    return pd.DataFrame(rows, columns=_CUSTOMER_COLUMNS)
