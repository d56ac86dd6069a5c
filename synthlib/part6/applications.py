"""Part 6: applications, each a runnable miniature with a measured result.

Privacy-preserving sharing reuses section 5.3's metrics (:mod:`synthlib.part5.validation`); this module holds balancing an
imbalanced dataset (:func:`balance_experiment`), testing software with synthetic edge cases
(:func:`edge_case_records`), and the seed's industries: healthcare (:func:`simulate_patients`), driving scenes
(:func:`simulate_driving_scenes`, built on section 2.3's traffic simulator) and fraud (section 2.3's transactions).
Heavy libraries (scikit-learn, imbalanced-learn, Faker) are imported inside the functions.
"""
from __future__ import annotations

import numbers

import numpy as np
import pandas as pd

from ..common.arguments import as_rng, check_count, check_memory, check_real, check_seed
from ..part5.synthesizers import _encoder  # the one feature encoder of the efficacy classifiers

__all__ = ["simulate_patients", "check_patient_rules", "simulate_driving_scenes", "edge_case_records",
           "EDGE_CASE_KINDS", "balance_experiment", "BALANCING_METHODS", "summarise_balancing"]


# ---------------------------------------------------------------------------------------------------------------
# Balancing an imbalanced dataset

#: The balancing methods compared in chapter 6, in table order.
BALANCING_METHODS = ("no balancing", "random oversampling", "SMOTE", "Gaussian copula (minority only)")


def _imbalanced_sample(frame: pd.DataFrame, target: str, positive, n: int, minority_share: float,
                       rng: np.random.Generator) -> pd.DataFrame:
    is_pos = (frame[target] == positive).to_numpy()
    n_pos = max(int(round(n * minority_share)), 6)
    if n_pos > is_pos.sum() or n - n_pos > (~is_pos).sum():
        raise ValueError(f"the table has too few rows for {n} rows with a minority share of {minority_share}")
    pos = rng.choice(np.flatnonzero(is_pos), n_pos, replace=False)
    neg = rng.choice(np.flatnonzero(~is_pos), n - n_pos, replace=False)
    return frame.iloc[np.sort(np.r_[pos, neg])].reset_index(drop=True)


def balance_experiment(train: pd.DataFrame, test: pd.DataFrame, target: str, positive, *, n_train: int = 4_000,
                       minority_share: float = 0.05, seeds=(0, 1, 2), methods=BALANCING_METHODS) -> pd.DataFrame:
    """Minority-class recall and F1 of a logistic regression with each balancing method, over several seeds.

    For each seed: draw ``n_train`` rows of ``train`` with a minority (``positive``) share of ``minority_share``;
    balance the training set to 50:50 with each method; test on ``test`` thinned to the same minority share
    (the test set is drawn once, with the first seed). The generative method fits a Gaussian copula
    (section 5.2's :func:`synthlib.fit_gaussian_copula`) to the minority rows only, so that every sample is of the
    minority class. Returns one row per (seed, method) with recall, precision and F1 of the minority class.
    Chapter 6.
    """
    from imblearn.over_sampling import SMOTE, RandomOverSampler
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score, precision_score, recall_score

    from ..part5.gaussian_copula import fit_gaussian_copula

    if isinstance(methods, str) or not isinstance(methods, (list, tuple)) or not methods:
        raise ValueError(f"methods must be a non-empty tuple of names from {BALANCING_METHODS}, got {methods!r}")
    unknown = [m for m in methods if m not in BALANCING_METHODS]
    if unknown:
        raise ValueError(f"unknown balancing method(s) {unknown}; known: {list(BALANCING_METHODS)}")
    for table, name in ((train, "train"), (test, "test")):
        if not isinstance(table, pd.DataFrame) or table.empty:
            raise ValueError(f"{name} must be a non-empty pandas DataFrame, got {type(table).__name__} "
                             f"of shape {getattr(table, 'shape', None)}")
    if target not in train.columns or target not in test.columns:
        raise KeyError(f"target column {target!r} must be in both train and test")
    n_train = check_count(n_train, "n_train", minimum=12)
    minority_share = check_real(minority_share, "minority_share")
    if not 0 < minority_share < 0.5:
        raise ValueError(f"minority_share must lie in (0, 0.5), got {minority_share}")
    if isinstance(seeds, (str, numbers.Number)) or not hasattr(seeds, "__iter__"):
        raise TypeError(f"seeds must be a sequence of integer seeds, got {seeds!r}")
    seeds = [check_seed(seed, "seeds") for seed in seeds]
    if not seeds:
        raise ValueError("seeds is empty: give at least one seed")
    if n_train > len(train):
        raise ValueError(f"n_train={n_train:,} exceeds the {len(train):,} rows of train")
    n_test = min(len(test), 4 * n_train)
    test_rows = _imbalanced_sample(test, target, positive, min(n_test, int((test[target] != positive).sum())),
                                   minority_share, np.random.default_rng(seeds[0]))
    features = [c for c in train.columns if c != target]
    y_test = (test_rows[target] == positive).to_numpy()
    rows = []
    for seed in seeds:
        rng = np.random.default_rng(seed)
        sample = _imbalanced_sample(train, target, positive, n_train, minority_share, rng)
        y = (sample[target] == positive).to_numpy()
        encoder = _encoder(sample[features]).fit(sample[features])
        x, x_test = encoder.transform(sample[features]), encoder.transform(test_rows[features])
        x, x_test = (m.toarray() if hasattr(m, "toarray") else np.asarray(m) for m in (x, x_test))
        n_extra = int((~y).sum() - y.sum())
        for method in methods:
            if method == "no balancing":
                xb, yb = x, y
            elif method == "random oversampling":
                xb, yb = RandomOverSampler(random_state=seed).fit_resample(x, y)
            elif method == "SMOTE":
                xb, yb = SMOTE(random_state=seed, k_neighbors=5).fit_resample(x, y)
            else:
                minority = sample.loc[y, features].reset_index(drop=True)
                copula = fit_gaussian_copula(minority, rng=seed)
                synthetic = copula.sample(n_extra, rng=np.random.default_rng(seed + 1))[features]
                xs = encoder.transform(synthetic)
                xs = xs.toarray() if hasattr(xs, "toarray") else np.asarray(xs)
                xb, yb = np.vstack([x, xs]), np.r_[y, np.ones(n_extra, bool)]
            model = LogisticRegression(solver="liblinear", random_state=seed).fit(xb, yb)
            predicted = model.predict(x_test)
            rows.append({"seed": seed, "method": method,
                         "recall": recall_score(y_test, predicted, zero_division=0),
                         "precision": precision_score(y_test, predicted, zero_division=0),
                         "f1": f1_score(y_test, predicted, zero_division=0)})
    return pd.DataFrame(rows)


def summarise_balancing(results: pd.DataFrame) -> pd.DataFrame:
    """Mean and standard deviation over seeds of each method's recall, precision and F1 (chapter 6)."""
    needed = {"method", "recall", "precision", "f1"}
    if not isinstance(results, pd.DataFrame) or not needed <= set(results.columns):
        raise ValueError(f"results must be balance_experiment's table with columns {sorted(needed)}")
    if results.empty:
        raise ValueError("results is empty: balance_experiment's table has one row per seed and method")
    order = [m for m in BALANCING_METHODS if m in set(results["method"])]
    grouped = results.groupby("method")[["recall", "precision", "f1"]]
    summary = grouped.mean().add_suffix(" mean").join(grouped.std(ddof=1).fillna(0).add_suffix(" sd"))
    return summary.loc[order, ["recall mean", "recall sd", "precision mean", "precision sd", "f1 mean", "f1 sd"]]


# ---------------------------------------------------------------------------------------------------------------
# Testing software with synthetic edge cases

#: Each kind of generated record: (description, whether a correct validator must accept it).
EDGE_CASE_KINDS = {
    "ordinary": ("a Faker customer, nothing special", True),
    "apostrophe or hyphen in name": ("O'Brien, Smith-Jones", True),
    "accented name": ("names from fr_FR, de_DE, es_ES locales", True),
    "non-Latin name": ("names from ja_JP, ru_RU, el_GR locales", True),
    "plus-addressed e-mail": ("jane+news@example.com", True),
    "long top-level domain": ("jane@example.museum", True),
    "subdomain e-mail": ("jane@mail.example.co.uk", True),
    "born on 29 February": ("a leap-day birth date", True),
    "empty name": ("an empty or blank name", False),
    "e-mail without @": ("jane.example.com", False),
    "e-mail with two @": ("jane@@example.com", False),
    "e-mail with a space": ("jane doe@example.com", False),
    "birth date in the future": ("born after the sign-up date", False),
    "impossible date": ("2001-02-30", False),
    "age over 130": ("born in 1850", False),
}


def edge_case_records(n_per_kind: int = 20, seed: int = 0) -> pd.DataFrame:
    """Customer records for testing a validator (chapter 6): ordinary Faker records and rule-made edge cases.

    Columns: kind (a key of :data:`EDGE_CASE_KINDS`), name, email, birth_date (ISO text, as a form would send it),
    signup_date (ISO text) and valid (whether a correct validator must accept the record). Seeded: the same
    ``seed`` and Faker version give the same table.
    """
    seed = check_seed(seed)
    from faker import Faker

    n = check_count(n_per_kind, "n_per_kind", minimum=1, maximum=10_000)  # 15 records each, ~150,000 rows: minutes
    rng = np.random.default_rng(seed)
    fake = Faker(["en_US", "fr_FR", "de_DE", "es_ES", "ja_JP", "ru_RU", "el_GR"])
    fake.seed_instance(int(seed))
    base = fake["en_US"]
    rows = []

    def record(kind, name=None, email=None, birth=None):
        first, last = base.first_name(), base.last_name()
        name = f"{first} {last}" if name is None else name
        user = f"{first}.{last}".lower().replace("'", "").replace(" ", "")
        email = f"{user}{int(rng.integers(1, 99))}@example.com" if email is None else email
        birth = base.date_between(pd.Timestamp("1940-01-01").date(), pd.Timestamp("2004-12-31").date()).isoformat() \
            if birth is None else birth
        rows.append({"kind": kind, "name": name, "email": email, "birth_date": birth,
                     "signup_date": base.date_between(pd.Timestamp("2023-01-01").date(),
                                                      pd.Timestamp("2024-12-31").date()).isoformat(),
                     "valid": EDGE_CASE_KINDS[kind][1]})

    for _ in range(n):
        record("ordinary")
        record("apostrophe or hyphen in name",
               name=f"{base.first_name()} {rng.choice(['O', 'D', 'N'])}'{base.last_name()}" if rng.random() < 0.5
               else f"{base.first_name()} {base.last_name()}-{base.last_name()}")
        other = fake[str(rng.choice(['fr_FR', 'de_DE', 'es_ES']))]
        record("accented name", name=f"{other.first_name()} {other.last_name()}".replace("e", "é", 1)
               if rng.random() < 0.3 else
               f"{fake['fr_FR'].first_name()} {rng.choice(['Müller', 'Éluard', 'Núñez', 'Øster', 'Françoise'])}")
        other = fake[str(rng.choice(['ja_JP', 'ru_RU', 'el_GR']))]
        record("non-Latin name", name=f"{other.last_name()} {other.first_name()}")
        user = base.user_name()
        record("plus-addressed e-mail", email=f"{user}+{rng.choice(['news', 'shop', 'bank'])}@example.com")
        record("long top-level domain", email=f"{user}@example.{rng.choice(['museum', 'travel', 'photography'])}")
        record("subdomain e-mail", email=f"{user}@mail.example.{rng.choice(['co.uk', 'com.au', 'ac.jp'])}")
        record("born on 29 February", birth=f"{int(rng.choice([1960, 1972, 1984, 1996, 2000]))}-02-29")
        record("empty name", name=str(rng.choice(["", " ", "   "])))
        record("e-mail without @", email=f"{user}.example.com")
        record("e-mail with two @", email=f"{user}@@example.com")
        record("e-mail with a space", email=f"{base.first_name().lower()} {user}@example.com")
        record("birth date in the future", birth=f"{int(rng.integers(2026, 2040))}-0{int(rng.integers(1, 9))}-15")
        record("impossible date", birth=f"{int(rng.integers(1950, 2000))}-{rng.choice(['02-30', '04-31', '13-01'])}")
        record("age over 130", birth=f"{int(rng.integers(1800, 1890))}-06-01")
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------------------------------
# Healthcare: synthetic patient records

_PATIENT_COLUMNS = ["patient_id", "age", "sex", "bmi", "systolic_bp", "smoker", "hba1c", "diabetes"]


def simulate_patients(n: int = 1_000, rng=None) -> pd.DataFrame:
    """Synthetic patient records from explicit clinical rules (chapter 6, healthcare).

    Age is uniform-ish over adults (18–90); BMI is log-normal around 27 and rises slightly with age; smoking is
    commoner in younger patients; systolic blood pressure rises with age and BMI (110 + 0.5·(age−18) +
    1.2·(BMI−25) + noise, kept in [85, 220]); the risk of type 2 diabetes follows a logistic rule in age, BMI and
    smoking, and HbA1c (%) is about 5.4 without diabetes and about 7.5 with it. Nobody in the table exists.
    """
    n = check_count(n, "n", minimum=1)
    check_memory("n", n, 20 * 8 * n)  # eight columns and their intermediates
    rng = as_rng(rng)
    age = np.clip(rng.normal(52, 18, n), 18, 90).round().astype(int)
    sex = rng.choice(np.array(["F", "M"]), n)
    bmi = np.clip(np.exp(rng.normal(np.log(26) + 0.002 * (age - 18), 0.16, n)), 15, 60).round(1)
    smoker = rng.random(n) < np.clip(0.30 - 0.003 * (age - 18), 0.05, 0.30)
    bp = 110 + 0.5 * (age - 18) + 1.2 * (bmi - 25) + 5 * (sex == "M") + rng.normal(0, 12, n)
    logit = -9.0 + 0.055 * age + 0.16 * bmi + 0.4 * smoker
    diabetes = rng.random(n) < 1 / (1 + np.exp(-logit))
    hba1c = np.where(diabetes, rng.normal(7.5, 1.0, n), rng.normal(5.4, 0.35, n))
    return pd.DataFrame({"patient_id": np.arange(n), "age": age, "sex": sex, "bmi": bmi,
                         "systolic_bp": np.clip(bp, 85, 220).round().astype(int), "smoker": smoker.astype(int),
                         "hba1c": np.clip(hba1c, 4.0, 14.0).round(1), "diabetes": diabetes.astype(int)})


def check_patient_rules(patients: pd.DataFrame) -> dict[str, bool]:
    """Validate simulated patients against the rules (chapter 6): {rule: True if it holds}."""
    missing = [c for c in _PATIENT_COLUMNS if c not in getattr(patients, "columns", [])]
    if missing:
        raise ValueError(f"patients lacks the column(s) {missing}; expected those of simulate_patients")
    if len(patients) == 0:
        raise ValueError("patients is empty: no rule can be checked on no rows")
    p = patients
    by_age = p.groupby(pd.cut(p["age"], [17, 40, 60, 90]), observed=True)["diabetes"].mean()
    return {
        "adults aged 18–90": bool(p["age"].between(18, 90).all()),
        "BMI within 15–60": bool(p["bmi"].between(15, 60).all()),
        "blood pressure within 85–220": bool(p["systolic_bp"].between(85, 220).all()),
        "diabetes rises with age": bool(by_age.is_monotonic_increasing),
        "HbA1c higher with diabetes": bool(p.loc[p.diabetes == 1, "hba1c"].mean()
                                           > p.loc[p.diabetes == 0, "hba1c"].mean() + 1),
    }


# ---------------------------------------------------------------------------------------------------------------
# Driving scenes


def simulate_driving_scenes(n: int = 10_000, rng=None, *, wet_share: float = 0.2,
                            reaction_s: float = 1.0) -> pd.DataFrame:
    """Car-following scenes in which the lead vehicle brakes hard (chapter 6, autonomous driving).

    The ego speed comes from section 2.3's traffic simulator (:func:`synthlib.simulate_traffic`); the gap to the
    lead vehicle is the time headway (log-normal around 1.6 s) times the speed; the road is dry (friction 0.8) or
    wet (0.45); the lead vehicle brakes at up to its friction limit. A rule-based emergency brake reacts after
    ``reaction_s`` seconds and brakes at the friction limit. Physics: each stops within v²/(2 a); the ego collides
    when its reaction distance plus braking distance exceeds the gap plus the lead's braking distance.
    Returns one row per scene, with ``collision`` 1 when the emergency brake cannot avoid the lead vehicle.
    """
    from ..part2.simulation import simulate_traffic

    n = check_count(n, "n", minimum=1)
    check_memory("n", n, 20 * 8 * n)  # about twenty float columns and intermediates
    wet_share = check_real(wet_share, "wet_share", minimum=0, maximum=1)
    reaction_s = check_real(reaction_s, "reaction_s", minimum=0)
    rng = as_rng(rng)
    traffic = simulate_traffic(n_days=7, interval_min=5, rng=rng)
    speed = rng.choice(traffic["speed_kmh"].to_numpy(), n) / 3.6  # m/s
    headway = np.clip(rng.lognormal(np.log(1.6), 0.45, n), 0.3, 6)
    gap = headway * speed
    wet = rng.random(n) < wet_share
    friction = np.where(wet, 0.45, 0.8) * rng.uniform(0.9, 1.1, n)
    g = 9.81
    lead_decel = friction * g * rng.uniform(0.8, 1.0, n)
    ego_decel = friction * g * 0.7  # the automatic brake ramps up: 70% of the limit on average
    lead_stop = speed ** 2 / (2 * lead_decel)
    ego_stop = speed * reaction_s + speed ** 2 / (2 * ego_decel)
    collision = ego_stop > gap + lead_stop
    return pd.DataFrame({"speed_kmh": speed * 3.6, "headway_s": headway, "gap_m": gap,
                         "road": np.where(wet, "wet", "dry"), "lead_decel_ms2": lead_decel,
                         "collision": collision.astype(int)})
