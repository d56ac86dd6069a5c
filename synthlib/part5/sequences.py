"""Sequences: each entity's ordered rows, and the checks of synthetic sequences (section 5.4).

A sequence table holds many entities (planes, cards, sensors), each with its rows in order. What a synthesizer of
such data must reproduce, beyond each column's distribution: how long the sequences are, how a value depends on the
previous one (autocorrelation), and how entities differ from each other (per-entity statistics). None imports SDV.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..common.arguments import as_rng, check_count, check_memory, check_work
from .related_tables import _table

__all__ = ["sequence_lengths", "lagged", "lag_autocorrelation", "per_entity_statistics", "bootstrap_sequences"]


def sequence_lengths(frame, key: str) -> pd.Series:
    """The number of rows of each entity (sequence), indexed by the sequence key."""
    keys = _table(frame, "sequence", [key], parameter="frame")[key]
    if keys.isna().any():
        raise ValueError(f"the sequence key {key!r} has {int(keys.isna().sum())} missing values")
    return keys.value_counts(sort=False).rename("length").rename_axis(key)


def _ordered(frame, key: str, column: str, order_by: str | None) -> pd.DataFrame:
    _table(frame, "sequence", [key, ("column", column)] + ([("order_by", order_by)] if order_by is not None else []),
           parameter="frame")
    if order_by is not None:
        frame = frame.sort_values([key, order_by], kind="stable")
    return frame


def lagged(frame, key: str, column: str, lag: int = 1, *, order_by: str | None = None) -> pd.DataFrame:
    """Pairs (previous, current) of ``column`` within each sequence, ``lag`` steps apart, in row order.

    Rows are taken in the frame's order within each sequence unless ``order_by`` names the column that orders them.
    The first ``lag`` rows of each sequence have no predecessor and are left out.
    """
    frame = _ordered(frame, key, column, order_by)
    lag = check_count(lag, "lag", minimum=1, maximum=max(len(frame) - 1, 1))
    previous = frame.groupby(key, sort=False)[column].shift(lag)
    pairs = pd.DataFrame({key: frame[key], "previous": previous, "current": frame[column]})
    return pairs.dropna(subset=["previous", "current"]).reset_index(drop=True)


def lag_autocorrelation(frame, key: str, column: str, lag: int = 1, *, order_by: str | None = None) -> float:
    """The correlation between each value and the one ``lag`` steps earlier in the same sequence (pooled)."""
    pairs = lagged(frame, key, column, lag, order_by=order_by)
    if len(pairs) < 3:
        raise ValueError(f"fewer than three pairs {lag} step(s) apart: sequences too short for lag {lag}")
    return float(np.corrcoef(pairs["previous"].astype(float), pairs["current"].astype(float))[0, 1])


def per_entity_statistics(frame, key: str, columns, stats=("mean", "std")) -> pd.DataFrame:
    """One row per entity: ``stats`` of each column over its sequence, and its length."""
    try:
        columns = [columns] if isinstance(columns, str) else list(columns)
        stats = [stats] if isinstance(stats, str) or callable(stats) else list(stats)
    except TypeError:
        raise TypeError(f"columns and stats must be lists (of column names, of statistics), got {columns!r}, "
                        f"{stats!r}") from None
    if not columns or not stats:
        raise ValueError(f"{'columns' if not columns else 'stats'} is empty: name at least one")
    _table(frame, "sequence", [key, *(("columns", column) for column in columns)], parameter="frame")
    try:
        table = frame.groupby(key)[columns].agg(stats)
    except (AttributeError, TypeError, ValueError) as error:
        raise ValueError(f"stats={stats!r} could not summarise the columns {columns}: {error}") from None
    table.columns = [f"{column}_{stat}" for column, stat in table.columns]
    return table.join(sequence_lengths(frame, key))


def bootstrap_sequences(frame, key: str, n_sequences: int, rng) -> pd.DataFrame:
    """Resample whole sequences with replacement; each copy gets a new key (``"b0"``, ``"b1"``, ...).

    The simplest synthesizer of sequences: every sequence is a real one, so lengths, order and autocorrelation are
    right by construction, and no new sequence is ever made (the copies are the training data's).
    """
    n_sequences = check_count(n_sequences, "n_sequences", minimum=1)
    keys = sequence_lengths(frame, key).index.to_numpy()
    row_bytes = frame.memory_usage(index=True, deep=False).sum() / len(frame)
    check_work("n_sequences", n_sequences, n_sequences, 1_000_000, "copied sequences")
    check_memory("n_sequences", n_sequences, n_sequences * (len(frame) / len(keys)) * max(row_bytes, 64.0))
    rng = as_rng(rng)
    groups = {value: rows for value, rows in frame.groupby(key, sort=False)}
    chosen = rng.choice(len(keys), size=n_sequences, replace=True)
    copies = [groups[keys[i]].assign(**{key: f"b{n}"}) for n, i in enumerate(chosen)]
    return pd.concat(copies, ignore_index=True)
