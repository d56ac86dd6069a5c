"""The self-checks of the exercises of chapter 6 (applications), registered with :func:`synthlib.exercises.exercise`.

Each check recomputes what it needs; none trusts the answer's own claims.
"""
from __future__ import annotations

import re
from datetime import date

import numpy as np

from . import exercise


def _reference_validate(record) -> bool:
    name = record["name"].strip()
    name_ok = bool(name) and all(ch.isalpha() or ch in " '-" for ch in name)
    email_ok = re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", record["email"]) is not None
    try:
        born, signed = date.fromisoformat(record["birth_date"]), date.fromisoformat(record["signup_date"])
        date_ok = born <= signed and signed.year - born.year <= 130
    except ValueError:
        date_ok = False
    return name_ok and email_ok and date_ok


def _naive_validate(record) -> bool:
    name_ok = re.fullmatch(r"[A-Za-z ]+", record["name"]) is not None
    email_ok = re.fullmatch(r"[a-z0-9._]+@[a-z]+\.[a-z]{2,3}", record["email"]) is not None
    try:
        year, month, day = map(int, record["birth_date"].split("-"))
        date_ok = 1 <= month <= 12 and 1 <= day <= 31 and year >= 1900
    except ValueError:
        date_ok = False
    return name_ok and email_ok and date_ok


@exercise("6.1", summary="a validator that survives synthetic edge cases",
          solution=lambda: _reference_validate, mistake=lambda: _naive_validate, function="validate")
def _check_validator(answer):
    from ..part6.applications import edge_case_records

    cases = edge_case_records(n_per_kind=8, seed=12345)
    verdicts = np.array([bool(answer(row)) for _, row in cases.iterrows()])
    wrong = cases.loc[verdicts != cases["valid"].to_numpy(), "kind"]
    if wrong.empty:
        return None
    kinds = sorted(set(wrong))
    return (f"it is wrong on {len(wrong)} of {len(cases)} fresh edge cases, of the kind(s): {', '.join(kinds)}. "
            "Accept letters of any script with spaces, apostrophes and hyphens; one @ and a dot in the domain; "
            "real calendar dates (date.fromisoformat), born before signing up, at most 130 years before")


@exercise("6.2", summary="the SMOTE interpolation x + u (x' − x)",
          solution=lambda: (lambda x, neighbour, u: x + u * (neighbour - x)),
          mistake=lambda: (lambda x, neighbour, u: x + u * neighbour), function="smote_point")
def _check_smote_point(answer):
    rng = np.random.default_rng(0)
    for _ in range(5):
        x, neighbour, u = rng.normal(size=4), rng.normal(size=4), float(rng.random())
        value = np.asarray(answer(x.copy(), neighbour.copy(), u), dtype=float)
        if value.shape != x.shape:
            return "return one point, an array of the same shape as x"
        if not np.allclose(value, x + u * (neighbour - x)):
            if np.allclose(value, neighbour + u * (x - neighbour)):
                return "you start from the neighbour: at u = 0 the new point must be x itself"
            return "the new point must lie on the segment from x (u = 0) to the neighbour (u = 1)"
    return None


def _rate_reaction_half_second() -> float:
    from ..part6.applications import simulate_driving_scenes

    scenes = simulate_driving_scenes(50_000, np.random.default_rng(1), reaction_s=0.5)
    return float(scenes["collision"].mean())


def _rate_reaction_one_second() -> float:
    from ..part6.applications import simulate_driving_scenes

    return float(simulate_driving_scenes(50_000, np.random.default_rng(1))["collision"].mean())


@exercise("6.3", summary="collision rate of an emergency brake reacting in 0.5 s",
          solution=_rate_reaction_half_second, mistake=_rate_reaction_one_second)
def _check_reaction(answer):
    value = float(answer)
    if not 0 <= value <= 1:
        return "a collision rate is a share between 0 and 1 (the mean of the collision column)"
    if abs(value - _rate_reaction_half_second()) < 0.01:
        return None
    if abs(value - _rate_reaction_one_second()) < 0.01:
        return "that is the rate for the default 1 s reaction: pass reaction_s=0.5"
    return "simulate 50,000 scenes with np.random.default_rng(1) and reaction_s=0.5, and average 'collision'"
