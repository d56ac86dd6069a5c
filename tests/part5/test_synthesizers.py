"""Machine-learning efficacy (sections 5.1 and 5.3): known answers and clear errors."""
import numpy as np
import pandas as pd
import pytest

import synthlib
from synthlib.part5.synthesizers import EFFICACY_CLASSIFIERS, ml_efficacy


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


# ---------------------------------------------------------------------------------------------------------------
# Section 5.1: mode-specific normalisation, training-by-sampling, and the SDV 2.0 plumbing.

import subprocess  # noqa: E402
import sys  # noqa: E402

from synthlib.part5.synthesizers import (  # noqa: E402
    detect_metadata,
    efficacy_table,
    fit_synthesizer,
    log_frequency_probabilities,
    mode_normalise,
    quality_score,
)


def _two_modes(n=4_000, seed=0):
    rng = np.random.default_rng(seed)
    return np.concatenate([rng.normal(10, 1, size=n // 2), rng.normal(50, 3, size=n // 2)])


def test_mode_normalise_finds_the_modes_and_round_trips():
    values = _two_modes()
    result = mode_normalise(values, seed=0)
    big = np.sort(result.means[result.weights > 0.2])
    assert big.size == 2 and abs(big[0] - 10) < 0.5 and abs(big[1] - 50) < 1.0
    assert abs(result.weights.sum() - 1) < 1e-9
    assert np.all(np.abs(result.alpha) <= 0.99)
    inside = np.abs(result.alpha) < 0.99
    assert inside.mean() > 0.99
    np.testing.assert_allclose(result.inverse()[inside], values[inside])
    assert result.one_hot().shape == (values.size, result.n_modes)
    assert np.array_equal(result.one_hot().argmax(axis=1), result.mode)


def test_mode_normalise_most_probable_mode_is_deterministic_and_seeded_draws_repeat():
    values = _two_modes()
    first, again = mode_normalise(values, seed=3), mode_normalise(values, seed=3)
    np.testing.assert_array_equal(first.mode, again.mode)
    argmax = mode_normalise(values, seed=3, sample_mode=False)
    near_ten = np.abs(values - 10) < 2
    assert len(set(argmax.mode[near_ten])) == 1  # every value near 10 belongs to the mode at 10


def test_mode_normalise_rejects_bad_input():
    with pytest.raises(ValueError, match="constant column"):
        mode_normalise(np.full(100, 40.0))
    with pytest.raises(ValueError):
        mode_normalise(np.array([1.0, np.nan, 3.0]))
    with pytest.raises(ValueError, match="weight_threshold"):
        mode_normalise(_two_modes(), weight_threshold=1.5)
    result = mode_normalise(_two_modes())
    with pytest.raises(ValueError, match="same shape"):
        result.inverse(np.zeros(3), np.zeros(2, dtype=int))
    with pytest.raises(ValueError, match="mode indices"):
        result.inverse(np.zeros(2), np.array([0, 99]))


def test_log_frequency_probabilities_favour_rare_categories():
    counts = pd.Series({"common": 10_000, "middle": 100, "rare": 1})
    probabilities = log_frequency_probabilities(counts)
    expected = np.log1p(counts) / np.log1p(counts).sum()
    pd.testing.assert_series_equal(probabilities, expected.astype(float))
    assert abs(probabilities.sum() - 1) < 1e-12
    assert probabilities["rare"] > 100 * counts["rare"] / counts.sum()
    assert list(log_frequency_probabilities([3, 1])) == pytest.approx(list(np.log1p([3, 1]) / np.log1p([3, 1]).sum()))
    for bad, message in [([], "empty"), ([1, -1], "non-negative"), ([0, 0], "all zero")]:
        with pytest.raises(ValueError, match=message):
            log_frequency_probabilities(bad)


def test_importing_synthlib_does_not_import_sdv_or_torch():
    code = "import sys, synthlib; print('sdv' in sys.modules, 'torch' in sys.modules, 'sdmetrics' in sys.modules)"
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.split() == ["False", "False", "False"]


@pytest.fixture(scope="module")
def small_table():
    rng = np.random.default_rng(0)
    n = 400
    age = rng.integers(18, 70, size=n)
    group = rng.choice(["a", "b", "c"], size=n, p=[0.6, 0.3, 0.1])
    label = np.where(age + (group == "a") * 10 + rng.normal(0, 5, size=n) > 50, "yes", "no")
    return pd.DataFrame({"age": age, "group": group, "label": label})


def test_fit_synthesizer_rejects_bad_input_before_fitting(small_table):
    metadata = detect_metadata(small_table, "toy")
    with pytest.raises(KeyError, match="unknown synthesizer 'gan'"):
        fit_synthesizer("gan", small_table, metadata)
    with pytest.raises(ValueError, match="tvae needs epochs"):
        fit_synthesizer("tvae", small_table, metadata)
    with pytest.raises(ValueError, match="columns differ from the metadata"):
        fit_synthesizer("tvae", small_table.drop(columns="group"), metadata, epochs=1)
    with pytest.raises(ValueError, match="device must be"):
        fit_synthesizer("tvae", small_table, metadata, epochs=1, device="tpu")
    with pytest.raises(ValueError, match="no epochs"):
        fit_synthesizer("gaussian_copula", small_table, metadata, epochs=10)
    with pytest.raises(ValueError, match="multiple of pac"):
        fit_synthesizer("ctgan", small_table, metadata, epochs=1, batch_size=55)
    with pytest.raises(TypeError, match="sdv.metadata.Metadata"):
        fit_synthesizer("tvae", small_table, {"columns": {}}, epochs=1)
    with pytest.raises(TypeError, match="must be a pandas DataFrame"):
        fit_synthesizer("tvae", small_table.to_numpy(), metadata, epochs=1)
    with pytest.raises(ValueError, match="table_name"):
        detect_metadata(small_table, "")


def test_fitted_synthesizers_sample_score_and_restore_threads(small_table):
    import torch

    metadata = detect_metadata(small_table, "toy")
    threads_before = torch.get_num_threads()
    copula = fit_synthesizer("gaussian_copula", small_table, metadata)
    tvae = fit_synthesizer("tvae", small_table, metadata, epochs=2, batch_size=100)
    assert torch.get_num_threads() == threads_before
    assert copula.label == "GaussianCopula" and tvae.label == "TVAE (2 epochs)"
    assert tvae.seconds > 0 and copula.loss_values() is None and len(tvae.loss_values()) > 0
    rows = tvae.sample(300)
    assert list(rows.columns) == list(small_table.columns) and len(rows) == 300
    pd.testing.assert_frame_equal(rows, tvae.sample(300))  # sampling restarts after the fit: repeatable
    matched = copula.sample(200, match=small_table, column="group")
    shares = matched["group"].value_counts(normalize=True)
    expected = small_table["group"].value_counts(normalize=True)
    assert len(matched) == 200 and np.allclose(shares.reindex(expected.index), expected, atol=0.01)
    with pytest.raises(KeyError, match="column whose proportions"):
        copula.sample(10, match=small_table, column="nope")
    with pytest.raises(ValueError, match="only used with match"):
        copula.sample(10, column="group")

    same = quality_score(small_table, small_table, metadata)
    assert same["quality"] > 0.99 and same["sdmetrics"].count(".") >= 1
    assert set(same) == {"quality", "column_shapes", "column_pair_trends", "sdmetrics"}
    assert quality_score(small_table, rows, metadata)["quality"] < same["quality"]
    with pytest.raises(ValueError, match="columns differ"):
        quality_score(small_table, rows.drop(columns="age"), metadata)


def test_efficacy_table_rows_columns_and_published_figures(table):
    train, test = table.iloc[:1_000], table.iloc[1_000:].reset_index(drop=True)
    shuffled = train.assign(label=np.random.default_rng(1).permutation(train["label"].to_numpy()))
    result = efficacy_table({"identity": train, "shuffled": shuffled}, test, "label", "yes",
                            published={"identity": 0.9})
    assert list(result.index) == ["identity", "shuffled"] and result.index.name == "training data"
    assert list(result.columns) == [*EFFICACY_CLASSIFIERS, "F1", "published F1"]
    assert result.loc["identity", "F1"] == pytest.approx(ml_efficacy(train, test, "label", "yes").iloc[-1]["f1"])
    assert result.loc["identity", "published F1"] == 0.9 and np.isnan(result.loc["shuffled", "published F1"])
    assert "published F1" not in efficacy_table({"identity": train}, test, "label", "yes").columns
    with pytest.raises(ValueError, match="non-empty dict"):
        efficacy_table({}, test, "label", "yes")
    with pytest.raises(KeyError, match="not rows"):
        efficacy_table({"identity": train}, test, "label", "yes", published={"CTGAN": 0.6})


def test_tvae_sampled_categories_keep_a_category_the_most_probable_choice_drops():
    rng = np.random.default_rng(0)
    n = 600
    table = pd.DataFrame({"x": rng.normal(size=n), "kind": np.where(rng.random(n) < 0.06, "rare", "common")})
    metadata = detect_metadata(table, "toy")
    tvae = fit_synthesizer("tvae", table, metadata, epochs=40, batch_size=100)
    plain = tvae.sample(2_000)
    drawn = tvae.sample(2_000, categories="sampled")
    plain_share, drawn_share = (plain["kind"] == "rare").mean(), (drawn["kind"] == "rare").mean()
    assert 0.02 < drawn_share < 0.15 and plain_share < drawn_share / 2, (plain_share, drawn_share)
    pd.testing.assert_frame_equal(drawn, tvae.sample(2_000, categories="sampled"))  # seeded like SDV's sampling
    pd.testing.assert_frame_equal(plain, tvae.sample(2_000))  # the context restored SDV's own sampling
    with pytest.raises(ValueError, match="'most probable' or 'sampled'"):
        tvae.sample(10, categories="random")
    copula = fit_synthesizer("gaussian_copula", table, metadata)
    with pytest.raises(ValueError, match="for TVAE"):
        copula.sample(10, categories="sampled")
    with pytest.raises(TypeError, match="TVAESynthesizer"):
        with synthlib.sample_tvae_categories(copula.synthesizer):
            pass


def test_fits_record_their_time_and_peak_memory(small_table):
    # The meter itself is synthlib.measure_resources (tests/common/test_runtime.py checks it sees an allocation).
    copula = fit_synthesizer("gaussian_copula", small_table, detect_metadata(small_table, "toy"))
    assert copula.seconds > 0 and copula.peak_memory_mb >= 0


@pytest.mark.parametrize("bad, error, message", [(np.nan, ValueError, "is all missing"),
                                                  ("x", TypeError, "holds object values")])
def test_quality_score_refuses_a_synthetic_numeric_column_of_nan_or_strings(bad, error, message):
    """Issue 17: an all-NaN or all-string synthetic numeric column scored 1.0."""
    real = pd.DataFrame({"age": np.arange(30) % 7 + 20.0, "job": ["a", "b", "c"] * 10})
    synthetic = real.assign(age=bad)
    with pytest.raises(error, match=f"synthetic column 'age' .*{message}"):
        quality_score(real, synthetic, detect_metadata(real))
