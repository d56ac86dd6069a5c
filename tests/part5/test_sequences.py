"""Sequences (section 5.4): lengths, lagged pairs and autocorrelation within entities, per-entity statistics and the
bootstrap of whole sequences, on small cases with known answers, and clear errors for bad input."""
import numpy as np
import pandas as pd
import pytest

import synthlib

# Entity "a" rises 1, 2, 3, 4; entity "b" falls 9, 8, 7; rows interleaved and out of time order.
FRAME = pd.DataFrame({"id": ["b", "a", "a", "b", "a", "b", "a"],
                      "t": [2, 3, 1, 1, 2, 3, 4],
                      "x": [8.0, 3.0, 1.0, 9.0, 2.0, 7.0, 4.0]})


def test_sequence_lengths():
    assert synthlib.sequence_lengths(FRAME, "id").to_dict() == {"b": 3, "a": 4}


def test_lagged_pairs_stay_within_each_entity_in_index_order():
    pairs = synthlib.lagged(FRAME, "id", "x", order_by="t")
    assert len(pairs) == 5  # 3 pairs in "a", 2 in "b": no pair crosses from one entity to the other
    assert sorted(zip(pairs["previous"], pairs["current"])) == [(1, 2), (2, 3), (3, 4), (8, 7), (9, 8)]
    assert len(synthlib.lagged(FRAME, "id", "x", lag=3, order_by="t")) == 1


def test_autocorrelation_of_known_sequences():
    trend = pd.DataFrame({"id": np.repeat([0, 1], 50), "x": np.tile(np.arange(50.0), 2)})
    assert synthlib.lag_autocorrelation(trend, "id", "x") == pytest.approx(1.0)
    alternating = pd.DataFrame({"id": np.repeat([0, 1], 50), "x": np.tile([1.0, -1.0], 50)})
    assert synthlib.lag_autocorrelation(alternating, "id", "x") == pytest.approx(-1.0)
    rng = np.random.default_rng(0)
    noise = pd.DataFrame({"id": np.repeat(np.arange(100), 50), "x": rng.normal(size=5_000)})
    assert abs(synthlib.lag_autocorrelation(noise, "id", "x")) < 0.05


def test_bad_input_is_a_clear_error():
    with pytest.raises(KeyError, match="no key column 'entity'"):
        synthlib.sequence_lengths(FRAME, "entity")
    with pytest.raises(ValueError, match=r"the sequence table \(frame\) is empty"):
        synthlib.lag_autocorrelation(FRAME.iloc[:0], "id", "x")
    with pytest.raises(ValueError, match="lag must be at least 1"):
        synthlib.lagged(FRAME, "id", "x", lag=0)
    with pytest.raises(ValueError, match="too short for lag 4"):
        synthlib.lag_autocorrelation(FRAME, "id", "x", lag=4, order_by="t")
    with pytest.raises(ValueError, match="missing values"):
        synthlib.sequence_lengths(FRAME.assign(id=[None] + ["a"] * 6), "id")


def test_per_entity_statistics():
    table = synthlib.per_entity_statistics(FRAME, "id", "x")
    assert table.loc["a", "x_mean"] == 2.5 and table.loc["b", "x_mean"] == 8.0
    assert table.loc["b", "x_std"] == pytest.approx(1.0) and table.loc["a", "length"] == 4


def test_bootstrap_copies_whole_sequences_under_new_keys():
    copies = synthlib.bootstrap_sequences(FRAME.sort_values(["id", "t"]), "id", 10, rng=0)
    lengths = synthlib.sequence_lengths(copies, "id")
    assert len(lengths) == 10 and set(lengths) <= {3, 4}
    for _, rows in copies.groupby("id"):
        assert rows["x"].tolist() in ([1.0, 2.0, 3.0, 4.0], [9.0, 8.0, 7.0])  # each copy is one real sequence, in order
    with pytest.raises(ValueError, match="n_sequences must be at least 1"):
        synthlib.bootstrap_sequences(FRAME, "id", 0, rng=0)
