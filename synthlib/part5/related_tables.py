"""Related tables: keys, referential integrity and cardinality, the checks of a synthetic database (section 5.4).

A database is more than its tables: a child row names its parent by a key (a flight names its plane), every key a
child names must exist in the parent table, and each parent owns some number of children, its **cardinality**.
The functions here measure those properties on real and synthetic tables alike; none imports SDV.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["orphan_keys", "referential_integrity", "require_integrity", "cardinality", "ks_distance",
           "split_parents", "denormalize", "inconsistent_parents", "parent_child_correlation"]


def _table(frame, name: str, columns=(), *, parameter: str | None = None) -> pd.DataFrame:
    """``frame`` (the argument ``parameter``, default ``name``) checked to be a non-empty DataFrame holding
    ``columns``: key columns by name, or ``(argument, column)`` pairs for columns that other arguments name."""
    table = f"the {name} table" if parameter in (None, name) else f"the {name} table ({parameter})"
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{table} must be a pandas DataFrame, got {type(frame).__name__}")
    if frame.empty:
        raise ValueError(f"{table} is empty: there is nothing to check")
    for item in columns:
        argument, column = item if isinstance(item, tuple) else ("key", item)
        try:
            present = column in frame.columns
        except TypeError:  # unhashable, e.g. a list
            present = False
        if not present:
            what = "key column " if argument == "key" else f"column {argument}="
            raise KeyError(f"{table} has no {what}{column!r}; its columns are {list(frame.columns)}")
    return frame


def _rng(rng):
    from ..common.arguments import as_rng

    return as_rng(rng)


def _parent_keys(parent, key: str) -> pd.Series:
    keys = _table(parent, "parent", [key])[key]
    if keys.isna().any():
        raise ValueError(f"the parent table's key {key!r} has {int(keys.isna().sum())} missing values")
    duplicated = keys[keys.duplicated()]
    if len(duplicated):
        raise ValueError(f"the parent table's key {key!r} is not unique: {duplicated.iloc[0]!r} occurs more than once")
    return keys


def orphan_keys(parent, child, key: str, *, child_key: str | None = None) -> pd.Series:
    """The child rows' key values that no parent row has (each once, in order of appearance).

    A missing child key counts as an orphan too: the row names no parent.
    """
    child_key = child_key or key
    keys = _parent_keys(parent, key)
    named = _table(child, "child", [child_key])[child_key]
    orphans = named[~named.isin(keys) | named.isna()]
    return orphans.drop_duplicates().reset_index(drop=True)


def referential_integrity(parent, child, key: str, *, child_key: str | None = None) -> float:
    """The share of child rows whose key names an existing parent row: 1.0 means no orphans."""
    child_key = child_key or key
    keys = _parent_keys(parent, key)
    named = _table(child, "child", [child_key])[child_key]
    return float((named.isin(keys) & named.notna()).mean())


def require_integrity(parent, child, key: str, *, child_key: str | None = None) -> None:
    """Raise ``ValueError`` naming the orphan keys if any child row names a parent that does not exist."""
    orphans = orphan_keys(parent, child, key, child_key=child_key)
    if len(orphans):
        shown = ", ".join(repr(value) for value in orphans.head(5))
        more = f" and {len(orphans) - 5} more" if len(orphans) > 5 else ""
        raise ValueError(f"{len(orphans)} child key value(s) have no parent row in {key!r}: {shown}{more}")


def cardinality(parent, child, key: str, *, child_key: str | None = None) -> pd.Series:
    """How many child rows each parent row owns, parents without children included (as 0), indexed by the key.

    Orphan child rows are refused: count them first with :func:`orphan_keys`.
    """
    child_key = child_key or key
    keys = _parent_keys(parent, key)
    require_integrity(parent, child, key, child_key=child_key)
    counts = child[child_key].value_counts()
    return counts.reindex(keys.to_numpy(), fill_value=0).rename("children").rename_axis(key)


def ks_distance(a, b) -> float:
    """The two-sample Kolmogorov–Smirnov statistic: the largest gap between the two empirical CDFs (0 to 1)."""
    from ..common.arguments import as_sample

    a, b = np.sort(as_sample(a, "a")), np.sort(as_sample(b, "b"))
    grid = np.concatenate([a, b])
    gap = np.searchsorted(a, grid, side="right") / len(a) - np.searchsorted(b, grid, side="right") / len(b)
    return float(np.abs(gap).max())


def split_parents(parent, child, key: str, rng, *, child_key: str | None = None):
    """Two halves of a database, split by parent (each parent goes to one half with all its children).

    The real-against-real reference: the distance between the halves is what sampling noise alone gives.
    """
    child_key = child_key or key
    keys = _parent_keys(parent, key)
    _table(child, "child", [child_key])
    rng = _rng(rng)
    first = rng.permutation(len(keys)) < len(keys) // 2
    halves = []
    for mask in (first, ~first):
        chosen = keys[mask]
        halves.append((parent[mask].reset_index(drop=True),
                       child[child[child_key].isin(chosen)].reset_index(drop=True)))
    return halves


def denormalize(parent, child, key: str, *, child_key: str | None = None) -> pd.DataFrame:
    """The flat table a single-table synthesizer would learn from: each child row with its parent's columns."""
    child_key = child_key or key
    require_integrity(parent, child, key, child_key=child_key)
    parent = parent.rename(columns={key: child_key}) if child_key != key else parent
    return child.merge(parent, on=child_key, how="left", validate="many_to_one")


def inconsistent_parents(flat, key: str, parent_columns) -> float:
    """In a flat table, the share of key values whose rows disagree about a parent column (a real join gives 0)."""
    if isinstance(parent_columns, str):
        parent_columns = [parent_columns]
    try:
        columns = list(parent_columns)
    except TypeError:
        raise TypeError(f"parent_columns must be a list of column names, got {parent_columns!r}") from None
    if not columns:
        raise ValueError("parent_columns is empty: name at least one parent column")
    _table(flat, "flat", [key, *(("parent_columns", column) for column in columns)])
    distinct = flat.groupby(key, dropna=True)[columns].nunique(dropna=False)
    return float((distinct > 1).any(axis=1).mean())


def parent_child_correlation(parent, child, key: str, parent_column: str, child_column: str, *,
                             child_key: str | None = None, how: str = "mean") -> float:
    """Spearman correlation between a parent column and the aggregate (``how``) of its children's column.

    It measures a relationship that crosses the tables: e.g. a plane's seats against the mean distance it flies.
    Parents without children are left out.
    """
    child_key = child_key or key
    _table(parent, "parent", [key, ("parent_column", parent_column)])
    _table(child, "child", [child_key, ("child_column", child_column)])
    if not (callable(how) or isinstance(how, str)):
        raise TypeError(f"how must be the name of an aggregation ('mean', 'sum', ...) or a function, got {how!r}")
    require_integrity(parent, child, key, child_key=child_key)
    try:
        aggregate = child.groupby(child_key)[child_column].agg(how)
    except (AttributeError, TypeError, ValueError) as error:
        raise ValueError(f"how={how!r} could not aggregate the child column {child_column!r}: {error}") from None
    joined = parent.set_index(key)[parent_column].to_frame().join(aggregate.rename("_children"), how="inner")
    if len(joined) < 3:
        raise ValueError("need at least three parents with children to correlate")
    return float(joined[parent_column].rank().corr(joined["_children"].rank()))
