"""Section 2.4: fake records with Faker, seeded and with their references kept consistent."""
from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from ..common.arguments import check_count, check_memory, check_seed

__all__ = ["fake_customers"]


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
    seed = check_seed(seed)
    from faker import Faker
    from faker.config import AVAILABLE_LOCALES

    n = check_count(n, "n")
    check_memory("n", n, 2_000 * n)  # about a kilobyte of Python strings per record, and the table
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
