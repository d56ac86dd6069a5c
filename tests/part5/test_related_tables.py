"""Related tables (section 5.4): orphan keys, referential integrity, cardinality, the flat join and its broken
parents, on small databases with known answers, and clear errors for bad input."""
import numpy as np
import pandas as pd
import pytest

import synthlib

PARENTS = pd.DataFrame({"id": ["a", "b", "c"], "size": [10, 20, 30]})
CHILDREN = pd.DataFrame({"child": [1, 2, 3, 4, 5], "id": ["a", "a", "b", "a", "b"], "x": [1.0, 2.0, 5.0, 3.0, 7.0]})


def test_cardinality_counts_children_and_parents_without_any():
    counts = synthlib.cardinality(PARENTS, CHILDREN, "id")
    assert counts.to_dict() == {"a": 3, "b": 2, "c": 0}
    assert counts.index.name == "id"


def test_integrity_is_one_without_orphans_and_names_the_orphans_otherwise():
    assert synthlib.referential_integrity(PARENTS, CHILDREN, "id") == 1.0
    orphaned = pd.concat([CHILDREN, pd.DataFrame({"child": [6, 7, 8], "id": ["z", "z", None], "x": [0.0] * 3})])
    assert synthlib.referential_integrity(PARENTS, orphaned, "id") == pytest.approx(5 / 8)
    assert synthlib.orphan_keys(PARENTS, orphaned, "id").tolist() == ["z", None]
    with pytest.raises(ValueError, match=r"2 child key value\(s\) have no parent row in 'id': 'z', None"):
        synthlib.require_integrity(PARENTS, orphaned, "id")
    with pytest.raises(ValueError, match="no parent row"):
        synthlib.cardinality(PARENTS, orphaned, "id")  # counts would silently drop the orphans


def test_a_child_key_with_another_name_is_matched():
    renamed = CHILDREN.rename(columns={"id": "parent_id"})
    assert synthlib.cardinality(PARENTS, renamed, "id", child_key="parent_id").tolist() == [3, 2, 0]


def test_missing_key_column_empty_table_and_duplicate_parents_are_clear_errors():
    with pytest.raises(KeyError, match="the child table has no key column 'id'"):
        synthlib.referential_integrity(PARENTS, CHILDREN.drop(columns="id"), "id")
    with pytest.raises(KeyError, match="the parent table has no key column 'key'"):
        synthlib.cardinality(PARENTS, CHILDREN, "key")
    with pytest.raises(ValueError, match="the child table is empty"):
        synthlib.referential_integrity(PARENTS, CHILDREN.iloc[:0], "id")
    with pytest.raises(ValueError, match="the parent table is empty"):
        synthlib.cardinality(PARENTS.iloc[:0], CHILDREN, "id")
    with pytest.raises(ValueError, match="not unique: 'a'"):
        synthlib.cardinality(pd.concat([PARENTS, PARENTS.head(1)]), CHILDREN, "id")
    with pytest.raises(TypeError, match="must be a pandas DataFrame"):
        synthlib.orphan_keys(PARENTS.to_dict(), CHILDREN, "id")


def test_ks_distance_of_known_samples():
    assert synthlib.ks_distance([1, 2, 3], [1, 2, 3]) == 0.0
    assert synthlib.ks_distance([0, 0], [5, 5, 5]) == 1.0
    assert synthlib.ks_distance([1, 2, 3, 4], [3, 4, 5, 6]) == pytest.approx(0.5)
    with pytest.raises(ValueError, match="is empty"):
        synthlib.ks_distance([], [1])


def test_split_parents_keeps_each_parent_with_all_its_children():
    rng = np.random.default_rng(0)
    parents = pd.DataFrame({"id": np.arange(40)})
    children = pd.DataFrame({"id": rng.integers(0, 40, size=300)})
    (p1, c1), (p2, c2) = synthlib.split_parents(parents, children, "id", rng=1)
    assert len(p1) == 20 and len(p2) == 20 and not set(p1["id"]) & set(p2["id"])
    assert len(c1) + len(c2) == 300
    assert synthlib.referential_integrity(p1, c1, "id") == 1.0 and synthlib.referential_integrity(p2, c2, "id") == 1.0


def test_denormalized_table_repeats_parent_columns_and_a_row_shuffle_breaks_them():
    flat = synthlib.denormalize(PARENTS, CHILDREN, "id")
    assert len(flat) == len(CHILDREN) and flat.loc[flat["id"] == "a", "size"].tolist() == [10, 10, 10]
    assert synthlib.inconsistent_parents(flat, "id", ["size"]) == 0.0
    shuffled = flat.assign(size=flat["size"].to_numpy()[[2, 0, 1, 3, 4]])  # "a": 20, 10, 10; "b": 10, 20
    assert synthlib.inconsistent_parents(shuffled, "id", ["size"]) == 1.0
    with pytest.raises(ValueError, match="no parent row"):
        synthlib.denormalize(PARENTS, CHILDREN.assign(id="q"), "id")


def test_parent_child_correlation_sees_a_monotone_relationship():
    parents = pd.DataFrame({"id": range(6), "seats": [50, 80, 120, 150, 180, 300]})
    children = pd.DataFrame({"id": np.repeat(range(6), 2), "distance": np.repeat([100, 300, 500, 900, 1500, 2500], 2)})
    assert synthlib.parent_child_correlation(parents, children, "id", "seats", "distance") == pytest.approx(1.0)
    reversed_children = children.assign(distance=children["distance"].to_numpy()[::-1])
    assert synthlib.parent_child_correlation(parents, reversed_children, "id", "seats", "distance") == pytest.approx(-1)
    with pytest.raises(KeyError, match="no column parent_column='weight'"):
        synthlib.parent_child_correlation(parents, children, "id", "weight", "distance")
