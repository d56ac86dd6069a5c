"""Validating synthetic tables (section 5.3): the privacy metrics, detection, ML efficacy and compare_tables on
cases with known answers (identical tables, shuffled columns, copies of the training rows) and clear errors."""
import numpy as np
import pandas as pd
import pytest

import synthlib

FAST = ("logistic regression",)


def _table(n, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    colour = rng.choice(["red", "green", "blue"], size=n, p=[0.5, 0.3, 0.2]).astype(object)
    colour[rng.random(n) < 0.05] = np.nan
    signal = x + (colour == "red") * 1.5 + rng.normal(scale=0.5, size=n)
    return pd.DataFrame({"x": x, "age": rng.integers(18, 80, size=n), "colour": colour,
                         "label": np.where(signal > 1.0, "yes", "no")})


@pytest.fixture(scope="module")
def real():
    return _table(600, 0)


@pytest.fixture(scope="module")
def holdout():
    return _table(600, 1)


# --- distance to the closest record -------------------------------------------------------------------------------

def test_dcr_is_zero_for_copies_and_ignores_column_order(real):
    assert (synthlib.distance_to_closest_record(real, real) == 0).all()
    copies = real.sample(50, random_state=0)
    shuffled = copies[list(reversed(copies.columns))]
    distance, index = synthlib.distance_to_closest_record(shuffled, real, return_index=True)
    assert (distance == 0).all()
    pd.testing.assert_frame_equal(real.iloc[index].reset_index(drop=True), copies.reset_index(drop=True))


def test_dcr_known_answer():
    reference = pd.DataFrame({"x": [0.0, 10.0], "c": ["a", "b"]})
    rows = pd.DataFrame({"x": [5.0, 30.0, 0.0], "c": ["a", "b", "z"]})
    # (|5 - 0| / 10 + 0) / 2; (min(|30 - 10| / 10, 1) + 0) / 2; (0 + 1) / 2 for an unseen category
    np.testing.assert_allclose(synthlib.distance_to_closest_record(rows, reference), [0.25, 0.5, 0.5])


def test_dcr_matches_sdmetrics_definition(real, holdout):
    from sdmetrics.single_table.privacy.dcr_utils import calculate_dcr

    rows = holdout.iloc[:60].reset_index(drop=True)
    reference = real.iloc[:150].reset_index(drop=True)
    kinds = synthlib.column_kinds(real)
    metadata = {"columns": {c: {"sdtype": k} for c, k in kinds.items()}}
    theirs = calculate_dcr(rows, reference, metadata).to_numpy()
    np.testing.assert_allclose(synthlib.distance_to_closest_record(rows, reference), theirs, atol=1e-9)


def test_dcr_rejects_bad_input(real):
    with pytest.raises(ValueError, match="columns differ"):
        synthlib.distance_to_closest_record(real.drop(columns="age"), real)
    with pytest.raises(ValueError, match="rows is empty"):
        synthlib.distance_to_closest_record(real.iloc[:0], real)
    with pytest.raises(TypeError, match="must be a pandas DataFrame"):
        synthlib.distance_to_closest_record(real.to_numpy(), real)
    with pytest.raises(TypeError, match="are not numeric"):
        synthlib.distance_to_closest_record(real.assign(x="a"), real, kinds=synthlib.column_kinds(real))


# --- membership inference, detection, the smoothed bootstrap ------------------------------------------------------

def test_membership_inference_finds_copies_and_not_independent_data(real, holdout):
    members, non_members = real.iloc[:200], holdout.iloc[:200]
    copied = synthlib.membership_inference(real, members, non_members)
    assert copied.auc > 0.95 and copied.advantage > 0.9
    fresh = synthlib.membership_inference(_table(600, 2), members, non_members)
    assert abs(fresh.auc - 0.5) < 0.1
    fpr, tpr = fresh.roc_curve()
    assert fpr[0] == 0 and tpr[-1] == 1
    with pytest.raises(ValueError, match="columns differ"):
        synthlib.membership_inference(real, members.drop(columns="x"), non_members)


def test_detection_auc_is_chance_for_identical_distributions_and_high_for_shifted_ones(real, holdout):
    assert abs(synthlib.detection_auc(real, holdout) - 0.5) < 0.08
    assert synthlib.detection_auc(real, holdout.assign(x=holdout["x"] + 3)) > 0.95
    assert synthlib.detection_auc(real, holdout.assign(x=holdout["x"] + 3), model="logistic") > 0.95
    with pytest.raises(ValueError, match="model must be"):
        synthlib.detection_auc(real, holdout, model="forest")
    with pytest.raises(ValueError, match="need at least 3 rows"):
        synthlib.detection_auc(real.iloc[:2], holdout)


def test_smoothed_bootstrap_copies_at_small_bandwidth_and_keeps_types(real):
    copies = synthlib.smoothed_bootstrap(real, 300, 0.001, np.random.default_rng(0))
    assert copies.dtypes.equals(real.dtypes)
    assert set(copies["age"]) <= set(real["age"])
    near = np.median(synthlib.distance_to_closest_record(copies, real))
    assert near < 0.002
    blurred = synthlib.smoothed_bootstrap(real, 300, 1.0, np.random.default_rng(0))
    assert np.median(synthlib.distance_to_closest_record(blurred, real)) > 5 * near
    pd.testing.assert_frame_equal(copies, synthlib.smoothed_bootstrap(real, 300, 0.001, np.random.default_rng(0)))
    with pytest.raises(ValueError, match="bandwidth must be positive"):
        synthlib.smoothed_bootstrap(real, 10, 0.0)
    with pytest.raises(ValueError, match="non-empty"):
        synthlib.smoothed_bootstrap(real.iloc[:0], 10, 0.1)


# --- ML efficacy, as compare_tables uses it ----------------------------------------------------------------------

def test_ml_efficacy_known_answers():
    rng = np.random.default_rng(0)
    x = rng.normal(size=400)
    table = pd.DataFrame({"x": x, "y": np.where(x > 0, "pos", "neg")})
    result = synthlib.ml_efficacy(table.iloc[:300], table.iloc[300:], "y", "pos", classifiers=FAST)
    assert result.iloc[-1]["f1"] > 0.95
    flipped = table.iloc[:300].assign(y=np.where(x[:300] > 0, "neg", "pos"))
    assert synthlib.ml_efficacy(flipped, table.iloc[300:], "y", "pos", classifiers=FAST).iloc[-1]["f1"] < 0.05
    with pytest.raises(KeyError, match="unknown target column 'z'"):
        synthlib.ml_efficacy(table, table, "z", "pos")


# --- compare_tables -----------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def identical(real, holdout):
    return synthlib.compare_tables(real, real.copy(), holdout=holdout, target="label", positive="yes",
                                   max_rows=300, classifiers=FAST, sdmetrics_rows=60)


def _value(report, metric, name="synthetic"):
    rows = report.metrics[(report.metrics["metric"] == metric) & (report.metrics["synthesizer"] == name)]
    return float(rows["value"].iloc[0])


def test_identical_tables_score_perfect_fidelity_and_no_privacy(identical):
    assert _value(identical, "KSComplement") == 1 and _value(identical, "TVComplement") == 1
    assert _value(identical, "CorrelationSimilarity") == pytest.approx(1)
    assert _value(identical, "ContingencySimilarity") == pytest.approx(1)
    assert _value(identical, "median DCR") == 0 and _value(identical, "exact copies of real rows") == 1
    assert _value(identical, "membership-inference AUC") > 0.95
    assert _value(identical, "category coverage") == 1
    utility = identical.metrics[identical.metrics["kind"] == "utility"].iloc[0]
    assert utility["value"] == pytest.approx(utility["reference"])  # the same training rows: the same F1


def test_report_table_figures_and_records(identical):
    table = identical.table()
    assert list(table.columns) == ["synthetic", "reference", "good", "source"]
    assert list(table.index.get_level_values("kind").unique()) == ["fidelity", "utility", "privacy"]
    assert table["source"].str.contains(f"SDMetrics {synthlib.sdmetrics_version()}").any()
    assert "<table" in identical._repr_html_()
    figures = identical.figures()
    assert set(figures) == {"columns", "pair", "rows", "privacy"}
    records = identical.closest_records("synthetic", k=2)
    assert list(records.index) == ["synthetic 1", "closest real to 1", "synthetic 2", "closest real to 2"]
    assert records["DCR"].iloc[0] == 0
    with pytest.raises(KeyError, match="unknown synthesizer 'other'"):
        identical.figures("other")
    import matplotlib.pyplot as plt

    plt.close("all")


def test_shuffled_columns_give_the_same_report(real, holdout):
    copies = real.sample(400, random_state=1).reset_index(drop=True)
    settings = dict(holdout=holdout, max_rows=200, classifiers=FAST, sdmetrics_rows=50)
    first = synthlib.compare_tables(real, {"copies": copies}, **settings).metrics
    shuffled = synthlib.compare_tables(real, {"copies": copies[list(reversed(copies.columns))]}, **settings).metrics
    pd.testing.assert_frame_equal(first, shuffled)
    closer = first.set_index("metric").loc["closer to training than holdout", "value"]
    assert closer > 0.95  # copies of training rows are closer to the training data than to the holdout


def test_without_a_holdout_the_second_half_of_real_is_the_reference(real):
    independent = _table(600, 5)
    report = synthlib.compare_tables(real, {"independent": independent}, max_rows=200, sdmetrics_rows=50)
    assert report.reference_name == "second real half"
    assert set(report.metrics["kind"]) == {"fidelity", "privacy"}
    assert abs(_value(report, "detection ROC AUC", "independent") - 0.5) < 0.12


def test_compare_tables_rejects_bad_input(real, holdout):
    with pytest.raises(ValueError, match="columns differ: missing from synthetic: \\['age'\\]"):
        synthlib.compare_tables(real, real.drop(columns="age"))
    with pytest.raises(ValueError, match="synthetic is empty"):
        synthlib.compare_tables(real, real.iloc[:0])
    with pytest.raises(ValueError, match="real is empty"):
        synthlib.compare_tables(real.iloc[:0], real)
    with pytest.raises(KeyError, match="unknown target column 'income'"):
        synthlib.compare_tables(real, real, holdout=holdout, target="income", positive="yes")
    with pytest.raises(ValueError, match="needs a real holdout"):
        synthlib.compare_tables(real, real, target="label", positive="yes")
    with pytest.raises(ValueError, match="name the positive class"):
        synthlib.compare_tables(real, real, holdout=holdout, target="label")
    with pytest.raises(ValueError, match="holdout"):
        synthlib.compare_tables(real, real, holdout=holdout.drop(columns="x"))
    with pytest.raises(TypeError, match="must be a pandas DataFrame"):
        synthlib.compare_tables(real, {"a": real.to_numpy()})
    with pytest.raises(TypeError, match="non-empty dict"):
        synthlib.compare_tables(real, {})
    with pytest.raises(ValueError, match="sdtype 'datetime'"):
        synthlib.column_kinds(real, {"columns": {"x": {"sdtype": "datetime"}}})


# --- category coverage, validity rules, exact copies --------------------------------------------------------------

def test_category_coverage_counts_present_and_rare_categories():
    real = pd.DataFrame({"x": range(200), "colour": ["red"] * 150 + ["green"] * 47 + ["blue"] * 2 + ["pink"],
                         "size": ["S", "M"] * 100})
    synthetic = pd.DataFrame({"x": range(10), "colour": ["red"] * 5 + ["green"] * 4 + ["blue"],
                              "size": ["S"] * 10})
    coverage = synthlib.category_coverage(real, synthetic, rare_share=0.02)  # blue (1%) and pink (0.5%) are rare
    colour = coverage.per_column.loc["colour"]
    assert (colour["categories"], colour["present"], colour["rare"], colour["rare_present"]) == (4, 3, 2, 1)
    assert colour["coverage"] == 0.75 and colour["rare_coverage"] == 0.5
    assert coverage.per_column.loc["size", "coverage"] == 0.5 and np.isnan(coverage.per_column.loc["size",
                                                                                                    "rare_coverage"])
    assert coverage.coverage == 4 / 6 and coverage.rare_coverage == 0.5  # pooled over the columns
    assert coverage.missing == {"colour": ["pink"], "size": ["M"]}
    assert list(coverage.per_column.index) == ["colour", "size"]  # numeric x is not a categorical column
    assert synthlib.category_coverage(real, real).coverage == 1.0


def test_category_coverage_ignores_missing_values_and_extra_synthetic_values():
    real = pd.DataFrame({"c": ["a", "b", None, "a"]})
    synthetic = pd.DataFrame({"c": ["a", "b", "z", None]})
    coverage = synthlib.category_coverage(real, synthetic)
    assert coverage.per_column.loc["c", "categories"] == 2 and coverage.coverage == 1.0


def test_category_coverage_errors(real):
    with pytest.raises(KeyError, match="unknown column"):
        synthlib.category_coverage(real, real, columns=["nope"])
    with pytest.raises(ValueError, match="columns differ"):
        synthlib.category_coverage(real, real.drop(columns="colour"))
    with pytest.raises(ValueError, match="empty"):
        synthlib.category_coverage(real, real.iloc[:0])
    with pytest.raises(ValueError, match="rare_share"):
        synthlib.category_coverage(real, real, rare_share=1.5)
    with pytest.raises(ValueError, match="no categorical column"):
        synthlib.category_coverage(real[["x"]], real[["x"]])


def _adult_like():
    return pd.DataFrame({
        "age": [17, 30, 45, 90], "education": ["HS-grad", "Bachelors", "HS-grad", "Masters"],
        "education_num": [9, 13, 9, 14], "capital_gain": [0, 5000, 0, 0], "capital_loss": [0, 0, 1500, 0],
        "hours_per_week": [20, 40, 99, 1], "relationship": ["Own-child", "Husband", "Wife", "Not-in-family"],
        "marital_status": ["Never-married", "Married-civ-spouse", "Married-AF-spouse", "Widowed"],
        "workclass": ["Private", "Never-worked", None, "Private"], "occupation": ["Sales", None, None, "Sales"]})


def test_adult_rules_hold_on_the_real_rows_and_catch_each_violation():
    real = _adult_like()
    rules = synthlib.adult_validity_rules(real)
    assert (synthlib.validity(real, rules) == 1).all()
    broken = pd.concat([real.iloc[[0]]] * 7, ignore_index=True)
    broken.loc[1, ["capital_gain", "capital_loss"]] = [10, 10]
    broken.loc[2, "education_num"] = 13  # HS-grad is 9 years
    broken.loc[3, "age"] = 91
    broken.loc[4, "hours_per_week"] = 0
    broken.loc[5, ["relationship", "marital_status"]] = ["Wife", "Divorced"]
    broken.loc[6, ["workclass", "occupation"]] = ["Never-worked", "Sales"]
    shares = synthlib.validity(broken, rules)
    assert np.allclose(shares.drop("no rule broken"), 6 / 7) and np.isclose(shares["no rule broken"], 1 / 7)


def test_validity_errors():
    real = _adult_like()
    rules = synthlib.adult_validity_rules(real)
    with pytest.raises(KeyError, match="capital_loss"):
        synthlib.validity(real.drop(columns="capital_loss"), rules)
    with pytest.raises(ValueError, match="empty"):
        synthlib.validity(real.iloc[:0], rules)
    with pytest.raises(ValueError, match="non-empty mapping"):
        synthlib.validity(real, [lambda t: t["age"] > 0])
    with pytest.raises(KeyError, match="education_num"):
        synthlib.adult_validity_rules(real.drop(columns="education_num"))
    with pytest.raises(ValueError, match="empty"):
        synthlib.adult_validity_rules(real.iloc[:0])


def test_exact_copies_against_held_out_twins(real, holdout):
    synthetic = pd.concat([real.iloc[:30], holdout.iloc[:70]], ignore_index=True)[list(reversed(real.columns))]
    twins = pd.concat([real.iloc[:5], holdout.iloc[:95]], ignore_index=True)
    result = synthlib.exact_copies(synthetic, real, twins)
    assert (result["synthetic_count"], result["holdout_count"]) == (30, 5)
    assert result["synthetic"] == 0.3 and result["holdout"] == 0.05
    moved = real.iloc[:10].copy()
    moved["x"] += 1e-9  # not identical any more
    assert synthlib.exact_copies(moved, real)["synthetic_count"] == 0
    assert np.isnan(synthlib.exact_copies(moved, real)["holdout"])
    # a missing value equals a missing value; integers equal the same floats
    a = pd.DataFrame({"n": [1, 2], "c": [None, "x"]})
    b = pd.DataFrame({"n": [1.0, 3.0], "c": [np.nan, "x"]})
    assert synthlib.exact_copies(b, a)["synthetic_count"] == 1


def test_exact_copies_errors(real):
    with pytest.raises(ValueError, match="columns differ"):
        synthlib.exact_copies(real.drop(columns="x"), real)
    with pytest.raises(ValueError, match="empty"):
        synthlib.exact_copies(real.iloc[:0], real)
    with pytest.raises(ValueError, match="columns differ"):
        synthlib.exact_copies(real, real, real.rename(columns={"x": "y"}))


def test_compare_tables_reports_coverage_validity_and_copies(real, holdout):
    no_blue = real[real["colour"] != "blue"]
    rules = {"x above 10": lambda t: t["x"] > 10, "negative age": lambda t: t["age"] < 0}
    broken = real.assign(age=-real["age"])
    report = synthlib.compare_tables(real, {"no blue": no_blue, "broken": broken}, holdout=holdout,
                                     max_rows=200, sdmetrics_rows=50, rules=rules)
    table = report.table()
    coverage = table.loc[("fidelity", "category coverage")]
    assert coverage["no blue"] == pytest.approx(4 / 5) and coverage["broken"] == 1  # colour has 3, label 2
    assert coverage["reference"] == 1
    valid = table.loc[("fidelity", "rows breaking no rule")]
    assert valid["no blue"] == 1 and valid["broken"] == 0 and valid["reference"] == 1
    copies = table.loc[("privacy", "exact copies of real rows")]
    assert copies["no blue"] == 1 and copies["reference"] == 0


def test_distance_to_closest_record_refuses_inf_and_unknown_kinds():
    """Issue 17: an inf reference value gave all-zero distances; 'numerical' misspelt treated a column as categorical."""
    rows = pd.DataFrame({"x": [1.0, 2.0], "c": ["a", "b"]})
    reference = pd.DataFrame({"x": [1.0, np.inf], "c": ["a", "b"]})
    with pytest.raises(ValueError, match=r"reference has infinite values in column\(s\) \['x'\]"):
        synthlib.distance_to_closest_record(rows, reference)
    with pytest.raises(ValueError, match="kinds must map columns to 'numerical' or 'categorical'.*'numeric'"):
        synthlib.distance_to_closest_record(rows, rows, kinds={"x": "numeric", "c": "categorical"})
    with pytest.raises(ValueError, match=r"kinds lacks the column\(s\) \['c'\]"):
        synthlib.distance_to_closest_record(rows, rows, kinds={"x": "numerical"})
