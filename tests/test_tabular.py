"""Machine-learning efficacy (sections 5.1 and 5.3): known answers and clear errors."""
import numpy as np
import pandas as pd
import pytest

from synthlib.tabular import EFFICACY_CLASSIFIERS, ml_efficacy


@pytest.fixture(scope="module")
def table():
    rng = np.random.default_rng(0)
    n = 1_500
    x = rng.normal(size=n)
    colour = rng.choice(["red", "green", "blue"], size=n)
    signal = x + (colour == "red") * 1.5 + rng.normal(scale=0.5, size=n)
    return pd.DataFrame({"x": x, "colour": colour, "noise": rng.normal(size=n),
                         "label": np.where(signal > 1.0, "yes", "no")})


def test_real_training_data_gives_high_efficacy_and_shuffled_labels_do_not(table):
    train, test = table.iloc[:1_000], table.iloc[1_000:].reset_index(drop=True)
    real = ml_efficacy(train, test, "label", "yes")
    assert list(real["classifier"]) == [*EFFICACY_CLASSIFIERS, "mean"]
    assert real.iloc[-1]["f1"] > 0.8
    shuffled = train.assign(label=np.random.default_rng(1).permutation(train["label"].to_numpy()))
    assert ml_efficacy(shuffled, test, "label", "yes").iloc[-1]["f1"] < real.iloc[-1]["f1"] - 0.3


def test_identical_tables_and_column_order_do_not_matter(table):
    train, test = table.iloc[:1_000], table.iloc[1_000:]
    first = ml_efficacy(train, test, "label", "yes")
    reordered = ml_efficacy(train[list(reversed(train.columns))], test, "label", "yes")
    pd.testing.assert_frame_equal(first, reordered)


def test_a_synthesizer_that_lost_the_label_scores_zero(table):
    train, test = table.iloc[:1_000].assign(label="no"), table.iloc[1_000:]
    assert ml_efficacy(train, test, "label", "yes").iloc[-1]["f1"] == 0.0


def test_bad_input_gets_clear_errors(table):
    with pytest.raises(ValueError, match="columns differ"):
        ml_efficacy(table.drop(columns="noise"), table, "label", "yes")
    with pytest.raises(ValueError, match="train is empty"):
        ml_efficacy(table.iloc[:0], table, "label", "yes")
    with pytest.raises(KeyError, match="unknown target column 'income'"):
        ml_efficacy(table, table, "income", "yes")
    with pytest.raises(ValueError, match="positive class 'maybe'"):
        ml_efficacy(table, table, "label", "maybe")
    with pytest.raises(TypeError, match="must be a pandas DataFrame"):
        ml_efficacy(table.to_numpy(), table, "label", "yes")
