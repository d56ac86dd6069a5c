"""Part 5, section 5.3: validating synthetic tables for fidelity, utility and privacy with one entry point.

``compare_tables(real, synthetic)`` returns a tidy report (one row per synthesizer and metric, with the value a second
real sample gets beside it) and its pictures. SDMetrics (MIT) computes what it already does well (KSComplement,
TVComplement, CorrelationSimilarity, ContingencySimilarity, LogisticDetection, DCRBaselineProtection,
DCROverfittingProtection); synthlib adds what it lacks: a stronger detection classifier, a fast distance to the
closest record over all rows, a distance-based membership-inference attack, and the real-against-real references
that say what a good value is. SDMetrics and scikit-learn are imported inside the functions.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..common.arguments import as_rng, check_count, check_positive, check_probability, check_seed
from .synthesizers import EFFICACY_CLASSIFIERS, check_same_columns, ml_efficacy

__all__ = ["ComparisonReport", "MembershipInference", "compare_tables", "distance_to_closest_record",
           "membership_inference", "detection_auc", "smoothed_bootstrap", "column_kinds", "sdmetrics_version",
           "RARE_SHARE", "CategoryCoverage", "category_coverage", "adult_validity_rules", "validity",
           "exact_copies"]

_NAN = "<missing>"
_KINDS = ("fidelity", "utility", "privacy")


def sdmetrics_version() -> str:
    """The installed SDMetrics version, to state beside every SDMetrics score (section 5.3)."""
    from importlib.metadata import version

    return version("sdmetrics")


def column_kinds(frame: pd.DataFrame, metadata=None) -> dict[str, str]:
    """Each column's kind, ``"numerical"`` or ``"categorical"``, from SDV/SDMetrics metadata or else the dtypes (5.3).

    ``metadata`` may be an SDV ``Metadata`` object, its ``to_dict()`` (one table) or an SDMetrics single-table dict
    ``{"columns": {name: {"sdtype": ...}}}``. Without it, numeric dtypes (not booleans) are numerical.
    """
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"frame must be a pandas DataFrame, got {type(frame).__name__}")
    if frame.shape[1] == 0:
        raise ValueError("frame has no columns")
    columns = _metadata_columns(metadata) if metadata is not None else {}
    kinds = {}
    for column in frame.columns:
        sdtype = columns.get(column, {}).get("sdtype")
        if sdtype is None:
            numeric = pd.api.types.is_numeric_dtype(frame[column]) and not pd.api.types.is_bool_dtype(frame[column])
            sdtype = "numerical" if numeric else "categorical"
        if sdtype not in ("numerical", "categorical", "boolean"):
            raise ValueError(f"column {column!r} has sdtype {sdtype!r}; section 5.3 compares numerical and "
                             "categorical columns only: drop it or convert it first")
        kinds[column] = "numerical" if sdtype == "numerical" else "categorical"
    return kinds


def _metadata_columns(metadata) -> dict:
    if hasattr(metadata, "to_dict"):
        metadata = metadata.to_dict()
    if not isinstance(metadata, dict):
        raise TypeError(f"metadata must be an SDV Metadata object or a dict, got {type(metadata).__name__}")
    if "tables" in metadata:
        tables = metadata["tables"]
        if len(tables) != 1:
            raise ValueError(f"metadata describes {len(tables)} tables ({', '.join(tables)}); pass one table's")
        metadata = next(iter(tables.values()))
    if "columns" not in metadata:
        raise ValueError("metadata has no 'columns' entry; expected {'columns': {name: {'sdtype': ...}}}")
    return metadata["columns"]


def _sdmetrics_metadata(kinds: dict[str, str]) -> dict:
    return {"columns": {column: {"sdtype": kind} for column, kind in kinds.items()}}


# ---------------------------------------------------------------------------------------------------------------
# Distances and the membership-inference attack


def _check_kinds(kinds, frame: pd.DataFrame) -> dict[str, str]:
    """``kinds`` as given by the reader: {column: "numerical" or "categorical"} for every column of ``frame``."""
    if not isinstance(kinds, dict):
        raise TypeError(f"kinds must be a dict {{column: 'numerical' or 'categorical'}}, got {type(kinds).__name__}")
    unknown = {c: k for c, k in kinds.items() if k not in ("numerical", "categorical")}
    if unknown:
        raise ValueError(f"kinds must map columns to 'numerical' or 'categorical'; got {unknown}")
    missing = [c for c in frame.columns if c not in kinds]
    if missing:
        raise ValueError(f"kinds lacks the column(s) {missing}")
    return kinds


def distance_to_closest_record(rows: pd.DataFrame, reference: pd.DataFrame, *, kinds: dict[str, str] | None = None,
                               return_index: bool = False):
    """For every row of ``rows``, the distance to its closest row of ``reference`` (DCR, section 5.3).

    The distance is SDMetrics' (0.32): numerical columns differ by |a − b| divided by the column's range in
    ``reference`` (capped at 1), categorical columns by 0 (same) or 1 (different; two missing values count as the
    same), averaged over the columns, so it lies in [0, 1] and 0 means an exact copy. Computed over all rows in
    blocks with NumPy (categorical matches as one matrix product), which is orders of magnitude faster than
    SDMetrics' pairwise table merge. With ``return_index`` also returns the position of each closest record.
    """
    check_same_columns(reference, rows, names=("reference", "rows"))
    kinds = _check_kinds(kinds, reference) if kinds is not None else column_kinds(reference)
    columns = list(reference.columns)
    numeric = [c for c in columns if kinds[c] == "numerical"]
    categorical = [c for c in columns if c not in numeric]
    for name, table in (("rows", rows), ("reference", reference)):
        bad = [c for c in numeric if not pd.api.types.is_numeric_dtype(table[c])]
        if bad:
            raise TypeError(f"numerical column(s) {bad} of {name} are not numeric")
    ref_numeric = reference[numeric].to_numpy(dtype=float)
    row_numeric = rows[numeric].to_numpy(dtype=float)
    for name, values in (("rows", row_numeric), ("reference", ref_numeric)):
        if np.isinf(values).any():
            raise ValueError(f"{name} has infinite values in column(s) "
                             f"{[c for c, bad in zip(numeric, np.isinf(values).any(axis=0)) if bad]}")
    ranges = np.nanmax(ref_numeric, axis=0) - np.nanmin(ref_numeric, axis=0) if numeric else np.empty(0)
    with np.errstate(divide="ignore"):
        scale = np.where(ranges > 0, 1 / np.where(ranges > 0, ranges, 1), np.inf)  # zero range: any difference is 1
    ref_onehot, row_onehot = _one_hot_pair(reference[categorical], rows[categorical])
    from threadpoolctl import threadpool_limits

    m = len(reference)
    block = max(1, 2_000_000 // m)
    best = np.empty(len(rows))
    where = np.empty(len(rows), dtype=int)
    ref_nan = np.isnan(ref_numeric)
    with threadpool_limits(1):  # blocks of small products: threads only cost time on a busy machine
        for start in range(0, len(rows), block):
            stop = min(start + block, len(rows))
            total = np.zeros((stop - start, m))
            for j in range(len(numeric)):
                a, b = row_numeric[start:stop, j, None], ref_numeric[None, :, j]
                diff = np.fmin(np.abs(a - b) * scale[j], 1.0)  # one missing value: NaN, which fmin turns into 1
                diff[np.isnan(diff)] = 1.0  # (zero range times inf, or missing values)
                if ref_nan[:, j].any() and np.isnan(a).any():
                    diff[np.isnan(a[:, 0])[:, None] & ref_nan[None, :, j]] = 0.0  # both missing: the same
                if np.isinf(scale[j]):
                    diff = np.where(a == b, 0.0, diff)
                total += diff
            if categorical:
                total += len(categorical) - row_onehot[start:stop] @ ref_onehot.T
            index = np.argmin(total, axis=1)
            where[start:stop] = index
            best[start:stop] = total[np.arange(stop - start), index] / len(columns)
    best = np.clip(best, 0.0, 1.0)
    return (best, where) if return_index else best


def _one_hot_pair(reference: pd.DataFrame, rows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """One-hot codes of the categorical columns, in the reference's categories (unseen values match nothing)."""
    ref_blocks, row_blocks = [], []
    for column in reference.columns:
        ref_values = reference[column].astype(object).where(reference[column].notna(), _NAN).astype(str)
        row_values = rows[column].astype(object).where(rows[column].notna(), _NAN).astype(str)
        codes, uniques = pd.factorize(ref_values)
        lookup = pd.Index(uniques)
        row_codes = lookup.get_indexer(row_values)
        ref_block = np.zeros((len(reference), len(uniques)), dtype=np.float32)
        ref_block[np.arange(len(reference)), codes] = 1
        row_block = np.zeros((len(rows), len(uniques)), dtype=np.float32)
        seen = row_codes >= 0
        row_block[np.flatnonzero(seen), row_codes[seen]] = 1
        ref_blocks.append(ref_block)
        row_blocks.append(row_block)
    if not ref_blocks:
        return np.zeros((len(reference), 0), np.float32), np.zeros((len(rows), 0), np.float32)
    return np.hstack(ref_blocks), np.hstack(row_blocks)


@dataclass
class MembershipInference:
    """The result of :func:`membership_inference` (section 5.3): AUC 0.5 means the attack learns nothing."""

    auc: float
    advantage: float  # the largest true-positive rate minus false-positive rate over all thresholds
    member_distances: np.ndarray
    non_member_distances: np.ndarray

    def roc_curve(self) -> tuple[np.ndarray, np.ndarray]:
        """False- and true-positive rates of the attack at every threshold."""
        from sklearn.metrics import roc_curve

        labels, scores = self._labels_scores()
        fpr, tpr, _ = roc_curve(labels, scores)
        return fpr, tpr

    def _labels_scores(self):
        labels = np.r_[np.ones(self.member_distances.size), np.zeros(self.non_member_distances.size)]
        return labels, -np.r_[self.member_distances, self.non_member_distances]


def membership_inference(synthetic: pd.DataFrame, members: pd.DataFrame, non_members: pd.DataFrame, *,
                         kinds: dict[str, str] | None = None) -> MembershipInference:
    """A distance-based membership-inference attack on a synthetic table (section 5.3).

    The attacker holds candidate records, some used to train the synthesizer (``members``) and some not
    (``non_members``), and guesses "member" when a candidate has a close synthetic neighbour: its score is minus its
    distance to the closest synthetic record. The ROC AUC of that guess is 0.5 when the synthetic table says nothing
    about who was in the training data and 1 when every member can be picked out (a synthesizer that copies rows).
    Use as many members as non-members.
    """
    from sklearn.metrics import roc_auc_score, roc_curve

    check_same_columns(synthetic, members, names=("synthetic", "members"))
    check_same_columns(synthetic, non_members, names=("synthetic", "non_members"))
    kinds = _check_kinds(kinds, members) if kinds is not None else column_kinds(members)
    inside = distance_to_closest_record(members[synthetic.columns], synthetic, kinds=kinds)
    outside = distance_to_closest_record(non_members[synthetic.columns], synthetic, kinds=kinds)
    labels = np.r_[np.ones(inside.size), np.zeros(outside.size)]
    scores = -np.r_[inside, outside]
    fpr, tpr, _ = roc_curve(labels, scores)
    return MembershipInference(auc=float(roc_auc_score(labels, scores)), advantage=float(np.max(tpr - fpr)),
                               member_distances=inside, non_member_distances=outside)


# ---------------------------------------------------------------------------------------------------------------
# Detection


def detection_auc(real: pd.DataFrame, synthetic: pd.DataFrame, *, model: str = "boosting", folds: int = 3,
                  max_rows: int | None = None, seed: int = 0, kinds: dict[str, str] | None = None) -> float:
    """ROC AUC of a classifier trained to tell real rows from synthetic ones, cross-validated (section 5.3).

    0.5: the classifier cannot tell them apart (good); 1: every synthetic row gives itself away. Both tables are
    subsampled to the same number of rows (at most ``max_rows`` each). ``model`` is ``"boosting"`` (scikit-learn's
    histogram gradient boosting, with native categorical columns: a strong detector) or ``"logistic"`` (one-hot
    logistic regression, as SDMetrics' LogisticDetection).
    """
    seed = check_seed(seed)
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold
    from threadpoolctl import threadpool_limits

    check_same_columns(real, synthetic)
    if model not in ("boosting", "logistic"):
        raise ValueError(f"model must be 'boosting' or 'logistic', got {model!r}")
    folds = check_count(folds, "folds", minimum=2)
    kinds = _check_kinds(kinds, real) if kinds is not None else column_kinds(real)
    rng = np.random.default_rng(seed)
    n = min(len(real), len(synthetic), max_rows or len(real))
    if n < folds:
        raise ValueError(f"need at least {folds} rows in each table for folds={folds}-fold cross-validation, got {n}")
    pick = lambda table: table.iloc[np.sort(rng.choice(len(table), size=n, replace=False))]  # noqa: E731
    both = pd.concat([pick(real), pick(synthetic)[real.columns]], ignore_index=True)
    labels = np.r_[np.ones(n), np.zeros(n)]
    features, classifier = _detection_model(both, kinds, model, seed)
    scores = []
    # One thread: on a busy 2-core machine, gradient boosting's spinning OpenMP threads made it 50× slower.
    with threadpool_limits(1):
        for train, test in StratifiedKFold(folds, shuffle=True, random_state=seed).split(features, labels):
            classifier.fit(features.iloc[train], labels[train])
            scores.append(roc_auc_score(labels[test], classifier.predict_proba(features.iloc[test])[:, 1]))
    return float(np.mean(scores))


def _detection_model(table: pd.DataFrame, kinds: dict[str, str], model: str, seed: int):
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    numeric = [c for c in table.columns if kinds[c] == "numerical"]
    categorical = [c for c in table.columns if c not in numeric]
    features = table.copy()
    for column in categorical:
        values = features[column].astype(object).where(features[column].notna(), _NAN).astype(str)
        features[column] = values.astype("category")
        if model == "boosting" and values.nunique() > 250:  # beyond what native categorical splits allow
            features[column] = features[column].cat.codes.astype(float)
    if model == "boosting":
        return features, HistGradientBoostingClassifier(categorical_features="from_dtype", random_state=seed)
    encoder = ColumnTransformer([
        ("numeric", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), numeric),
        ("categorical", OneHotEncoder(handle_unknown="ignore"), categorical),
    ])
    return features, make_pipeline(encoder, LogisticRegression(max_iter=1_000))


# ---------------------------------------------------------------------------------------------------------------
# A synthesizer with a privacy knob


def smoothed_bootstrap(frame: pd.DataFrame, n: int, bandwidth: float, rng=None, *,
                       kinds: dict[str, str] | None = None) -> pd.DataFrame:
    """A smoothed bootstrap: resampled real rows, blurred by ``bandwidth``; small bandwidth = memorising (5.3).

    Each synthetic row starts as a real row drawn with replacement (the bootstrap of section 2.2). Every numerical
    value is then moved on the rank scale: its position u in the real empirical CDF gets Gaussian noise of standard
    deviation ``bandwidth`` (reflected into [0, 1]) and is mapped back through the empirical quantile function, so
    values stay values that occur in the data (ages stay whole, most capital gains stay 0). Every categorical value is
    replaced, with probability min(``bandwidth``, 1), by a draw from that column's marginal. A bandwidth of 0.01 makes
    near copies of the training rows (an overfitted synthesizer); a large one forgets which values went together.
    """
    if not isinstance(frame, pd.DataFrame) or frame.empty:
        raise ValueError("frame must be a non-empty pandas DataFrame")
    n = check_count(n, "n", minimum=1)
    bandwidth = check_positive(bandwidth, "bandwidth")
    generator = as_rng(rng)
    kinds = _check_kinds(kinds, frame) if kinds is not None else column_kinds(frame)
    rows = frame.iloc[generator.integers(0, len(frame), size=n)].reset_index(drop=True)
    result = {}
    for column in frame.columns:
        values = rows[column]
        if kinds[column] == "numerical":
            if frame[column].isna().any():
                raise ValueError(f"numerical column {column!r} contains NaN; drop or impute it first")
            ordered = np.sort(frame[column].to_numpy(dtype=float))
            x = values.to_numpy(dtype=float)
            low, high = np.searchsorted(ordered, x, "left"), np.searchsorted(ordered, x, "right")
            u = (low + generator.random(n) * (high - low)) / ordered.size  # a random point of the value's block
            u = np.abs(u + generator.normal(0, bandwidth, size=n))
            u = 1 - np.abs(1 - u % 2)  # reflect into [0, 1]
            moved = ordered[np.clip((u * ordered.size).astype(int), 0, ordered.size - 1)]
            result[column] = pd.Series(moved).astype(frame[column].dtype)
        else:
            replace = generator.random(n) < min(bandwidth, 1.0)
            draws = frame[column].to_numpy(dtype=object)[generator.integers(0, len(frame), size=n)]
            mixed = np.where(replace, draws, values.to_numpy(dtype=object))
            result[column] = pd.Series(mixed, dtype=frame[column].dtype)
    return pd.DataFrame(result)


# ---------------------------------------------------------------------------------------------------------------
# The report


GOOD = {
    "KSComplement": "1 = the same numeric marginals",
    "TVComplement": "1 = the same category shares",
    "CorrelationSimilarity": "1 = the same Spearman correlations",
    "ContingencySimilarity": "1 = the same two-way tables",
    "LogisticDetection": "1 = a logistic regression cannot tell",
    "detection ROC AUC": "0.5 = indistinguishable; 1 = every row detected",
    "F1, train synthetic → test real": "close to the reference (train real → test real)",
    "median DCR": "not below the reference (real held-out rows)",
    "exact copies of real rows": "not above the reference",
    "category coverage": "1 = every real category present (the reference: real held-out rows)",
    "rare-category coverage": "1 = every rare category (< 1% of the real rows) present",
    "rows breaking no rule": "1 = as real rows: every row obeys every rule",
    "closer to training than holdout": "about 0.5",
    "DCRBaselineProtection": "1 = as far from the real rows as random data",
    "DCROverfittingProtection": "1 = no closer to training than to holdout rows",
    "membership-inference AUC": "0.5 = the attack learns nothing",
}


@dataclass
class ComparisonReport:
    """What :func:`compare_tables` returns (section 5.3): a tidy table of metrics and the pictures behind it.

    ``metrics`` has one row per synthesizer and metric with the columns ``synthesizer``, ``kind`` (fidelity, utility,
    privacy), ``metric``, ``value``, ``reference`` (the same measurement for real rows the synthesizer never saw),
    ``good`` (what a good value looks like) and ``source`` (SDMetrics and its version, or synthlib).
    """

    metrics: pd.DataFrame
    real: pd.DataFrame
    synthetic: dict[str, pd.DataFrame]
    reference_rows: pd.DataFrame
    reference_name: str
    distances: dict[str, np.ndarray]
    membership: dict[str, MembershipInference]
    kinds: dict[str, str]
    seconds: float
    sdmetrics: str = field(default_factory=sdmetrics_version)

    def table(self) -> pd.DataFrame:
        """The metrics as a wide table: one row per metric, one column per synthesizer, then the reference."""
        frame = self.metrics
        wide = frame.pivot_table(index=["kind", "metric"], columns="synthesizer", values="value", sort=False)
        wide = wide[list(self.synthetic)]
        extra = frame.drop_duplicates(["kind", "metric"]).set_index(["kind", "metric"])[["reference", "good",
                                                                                          "source"]]
        wide = wide.join(extra)
        order = {kind: i for i, kind in enumerate(_KINDS)}
        wide = wide.reset_index()
        wide["_order"] = wide["kind"].map(order)
        wide = wide.sort_values("_order", kind="stable").drop(columns="_order").set_index(["kind", "metric"])
        wide.columns.name = None
        return wide

    def _repr_html_(self) -> str:
        return self.table().to_html(float_format=lambda v: f"{v:.3f}", na_rep="")

    def figures(self, name: str | None = None) -> dict:
        """The pictures for one synthesizer (default: the first): real beside synthetic for every column, for the
        most correlated pair, for whole rows, and the privacy distances of every synthesizer. Returns a dict of
        matplotlib figures: ``columns``, ``pair``, ``rows``, ``privacy``."""
        name = name or next(iter(self.synthetic))
        if name not in self.synthetic:
            raise KeyError(f"unknown synthesizer {name!r}; the report compares {', '.join(self.synthetic)}")
        synthetic = self.synthetic[name]
        return {"columns": _figure_columns(self.real, synthetic, name),
                "pair": _figure_pair(self.real, synthetic, self.kinds, name),
                "rows": _figure_rows(self.real, synthetic, self.kinds, name),
                "privacy": _figure_privacy(self.distances, self.reference_name)}

    def closest_records(self, name: str, k: int = 3, seed: int = 0) -> pd.DataFrame:
        """``k`` random synthetic rows of ``name``, each followed by its closest real row and their distance."""
        if name not in self.synthetic:
            raise KeyError(f"unknown synthesizer {name!r}; the report compares {', '.join(self.synthetic)}")
        synthetic = self.synthetic[name]
        rng = np.random.default_rng(seed)
        picked = synthetic.iloc[np.sort(rng.choice(len(synthetic), size=min(k, len(synthetic)), replace=False))]
        distance, index = distance_to_closest_record(picked[self.real.columns], self.real, kinds=self.kinds,
                                                     return_index=True)
        rows = []
        for i in range(len(picked)):
            rows.append(picked.iloc[i].to_dict() | {"row": f"synthetic {i + 1}", "DCR": distance[i]})
            rows.append(self.real.iloc[index[i]].to_dict() | {"row": f"closest real to {i + 1}", "DCR": np.nan})
        return pd.DataFrame(rows).set_index("row")


def compare_tables(real: pd.DataFrame, synthetic, *, holdout: pd.DataFrame | None = None, target: str | None = None,
                   positive=None, metadata=None, seed: int = 0, max_rows: int = 2_000,
                   classifiers: tuple[str, ...] = EFFICACY_CLASSIFIERS, sdmetrics_rows: int = 500,
                   rules=None) -> ComparisonReport:
    """Compare one synthetic table, or several (a dict name → table), with the real table (section 5.3).

    ``real`` is the table the synthesizers were trained on. ``holdout``, real rows they never saw, gives every
    metric its reference value (without it, ``real`` is split into two halves and the second half plays the
    holdout); it is needed for the utility metric (``target`` and its ``positive`` class: F1 of classifiers trained
    on synthetic rows and tested on the holdout, against the same classifiers trained on ``real``) and for the
    membership-inference attack and SDMetrics' DCROverfittingProtection. Detection, distances and the attack use at
    most ``max_rows`` rows per table; SDMetrics' slow distance metrics use ``sdmetrics_rows``. ``metadata``: SDV or
    SDMetrics metadata (else column kinds come from the dtypes). Random choices follow ``seed``.

    Every table also gets its **category coverage** (the share of the training table's categories it holds, and
    of the rare ones, below ``RARE_SHARE`` of the rows: :func:`category_coverage`) and its share of **exact
    copies** of training rows over all rows (:func:`exact_copies`); with ``rules`` (``{name: function}``, True
    where a row breaks the rule, e.g. ``adult_validity_rules(real)``) also the share of rows that break none
    (:func:`validity`).
    """
    seed = check_seed(seed)
    max_rows = check_count(max_rows, "max_rows", minimum=2)
    sdmetrics_rows = check_count(sdmetrics_rows, "sdmetrics_rows", minimum=2)
    from .synthesizers import _check_classifiers

    classifiers = _check_classifiers(classifiers)
    from threadpoolctl import threadpool_limits

    # One thread for BLAS and OpenMP: faster on a busy 2-core machine, and the same numbers on any machine (the
    # unconverged logistic regressions of SDMetrics' detection metric depend on the order of floating-point sums).
    with threadpool_limits(1):
        return _compare_tables(real, synthetic, holdout=holdout, target=target, positive=positive,
                               metadata=metadata, seed=seed, max_rows=max_rows, classifiers=classifiers,
                               sdmetrics_rows=sdmetrics_rows, rules=rules)


def _compare_tables(real, synthetic, *, holdout, target, positive, metadata, seed, max_rows, classifiers,
                    sdmetrics_rows, rules) -> ComparisonReport:
    started = time.perf_counter()
    tables = _named_tables(synthetic)
    if not isinstance(real, pd.DataFrame):
        raise TypeError(f"real must be a pandas DataFrame, got {type(real).__name__}")
    for name, table in tables.items():
        check_same_columns(real, table, names=("real", name))
    if holdout is not None:
        check_same_columns(real, holdout, names=("real", "holdout"))
    if target is not None:
        if target not in real.columns:
            raise KeyError(f"unknown target column {target!r}; columns: {', '.join(map(str, real.columns))}")
        if holdout is None:
            raise ValueError("the utility metric needs a real holdout table to test on: pass holdout=...")
        if positive is None:
            raise ValueError(f"name the positive class of {target!r} (positive=...) for the F1 score")
    max_rows = check_count(max_rows, "max_rows", minimum=10)
    kinds = column_kinds(real, metadata)
    rng = np.random.default_rng(seed)
    columns = list(real.columns)
    tables = {name: table[columns].reset_index(drop=True) for name, table in tables.items()}
    if holdout is None:
        order = rng.permutation(len(real))
        half = len(real) // 2
        if half < 5:
            raise ValueError(f"real has {len(real)} rows; need at least 10 to split it into two halves")
        train_rows, reference_rows, reference_name = (real.iloc[np.sort(order[:half])],
                                                      real.iloc[np.sort(order[half:])], "second real half")
    else:
        train_rows, reference_rows, reference_name = real, holdout[columns], "real holdout"
    train_rows, reference_rows = train_rows.reset_index(drop=True), reference_rows.reset_index(drop=True)
    version = sdmetrics_version()
    records = []

    def add(name, kind, metric, value, reference, source):
        records.append({"synthesizer": name, "kind": kind, "metric": metric, "value": float(value),
                        "reference": float(reference) if reference is not None else np.nan,
                        "good": GOOD[metric], "source": source})

    sdm = f"SDMetrics {version}"
    reference_fidelity = _fidelity(train_rows, reference_rows, kinds, max_rows, seed)
    categorical = [c for c in columns if kinds[c] == "categorical"]
    if categorical:
        reference_coverage = category_coverage(train_rows, reference_rows, columns=categorical)
    if rules is not None:
        reference_validity = validity(reference_rows, rules)["no rule broken"]
    def subsample(table, k, generator):
        return table.iloc[np.sort(generator.choice(len(table), size=min(k, len(table)), replace=False))]

    reference_sample = subsample(reference_rows, max_rows, np.random.default_rng(seed))
    reference_dcr = distance_to_closest_record(reference_sample, train_rows, kinds=kinds)
    distances = {reference_name: reference_dcr}
    membership = {}
    baseline_reference = _sdmetrics_dcr_baseline(train_rows, reference_rows, kinds, sdmetrics_rows, seed)
    real_f1 = None
    if target is not None:
        real_f1 = ml_efficacy(real, holdout, target, positive, seed=seed, classifiers=classifiers)["f1"].iloc[-1]
    for name, table in tables.items():
        generator = np.random.default_rng(seed)  # each table's subsamples do not depend on the other tables
        fidelity = _fidelity(train_rows, table, kinds, max_rows, seed)
        for metric, value in fidelity.items():
            source = "synthlib (gradient boosting)" if metric == "detection ROC AUC" else sdm
            add(name, "fidelity", metric, value, reference_fidelity[metric], source)
        if categorical:
            coverage = category_coverage(train_rows, table, columns=categorical)
            add(name, "fidelity", "category coverage", coverage.coverage, reference_coverage.coverage, "synthlib")
            if not np.isnan(coverage.rare_coverage):
                add(name, "fidelity", "rare-category coverage", coverage.rare_coverage,
                    reference_coverage.rare_coverage, "synthlib")
        if rules is not None:
            add(name, "fidelity", "rows breaking no rule", validity(table, rules)["no rule broken"],
                reference_validity, "synthlib")
        if target is not None:
            f1 = ml_efficacy(table, holdout, target, positive, seed=seed, classifiers=classifiers)["f1"].iloc[-1]
            add(name, "utility", "F1, train synthetic → test real", f1, real_f1, "synthlib.ml_efficacy")
        sample = subsample(table, max_rows, generator)
        dcr = distance_to_closest_record(sample, train_rows, kinds=kinds)
        distances[name] = dcr
        add(name, "privacy", "median DCR", np.median(dcr), np.median(reference_dcr), "synthlib")
        copies = exact_copies(table, train_rows, reference_rows)  # over all rows, not the subsample
        add(name, "privacy", "exact copies of real rows", copies["synthetic"], copies["holdout"], "synthlib")
        add(name, "privacy", "DCRBaselineProtection",
            _sdmetrics_dcr_baseline(train_rows, table, kinds, sdmetrics_rows, seed), baseline_reference, sdm)
        if holdout is not None:
            k = min(len(train_rows), len(reference_rows))
            train_part, holdout_part = subsample(train_rows, k, generator), subsample(reference_rows, k, generator)
            to_train = distance_to_closest_record(sample, train_part, kinds=kinds)
            to_holdout = distance_to_closest_record(sample, holdout_part, kinds=kinds)
            add(name, "privacy", "closer to training than holdout", np.mean(to_train < to_holdout), 0.5, "synthlib")
            add(name, "privacy", "DCROverfittingProtection",
                _sdmetrics_dcr_overfitting(train_rows, table, reference_rows, kinds, sdmetrics_rows, seed), None, sdm)
            n_attack = min(max_rows // 2, len(train_rows), len(reference_rows))
            attack = membership_inference(table, subsample(train_rows, n_attack, generator),
                                          subsample(reference_rows, n_attack, generator), kinds=kinds)
            membership[name] = attack
            add(name, "privacy", "membership-inference AUC", attack.auc, 0.5, "synthlib")
    metrics = pd.DataFrame(records)
    return ComparisonReport(metrics=metrics, real=train_rows, synthetic=tables, reference_rows=reference_rows,
                            reference_name=reference_name, distances=distances, membership=membership, kinds=kinds,
                            seconds=time.perf_counter() - started, sdmetrics=version)


def _named_tables(synthetic) -> dict[str, pd.DataFrame]:
    if isinstance(synthetic, pd.DataFrame):
        return {"synthetic": synthetic}
    if isinstance(synthetic, dict) and synthetic:
        for name, table in synthetic.items():
            if not isinstance(name, str):
                raise TypeError(f"synthesizer names must be strings, got {name!r}")
            if not isinstance(table, pd.DataFrame):
                raise TypeError(f"synthetic table {name!r} must be a pandas DataFrame, got {type(table).__name__}")
        return dict(synthetic)
    raise TypeError("synthetic must be a DataFrame or a non-empty dict of name → DataFrame, "
                    f"got {type(synthetic).__name__}")


def _fidelity(real: pd.DataFrame, other: pd.DataFrame, kinds: dict[str, str], max_rows: int, seed: int) -> dict:
    """SDMetrics' column and pair metrics averaged, its LogisticDetection and synthlib's detection AUC."""
    import warnings
    from itertools import combinations

    from sdmetrics.column_pairs import ContingencySimilarity, CorrelationSimilarity
    from sdmetrics.single_column import KSComplement, TVComplement
    from sdmetrics.single_table import LogisticDetection

    numeric = [c for c in real.columns if kinds[c] == "numerical"]
    categorical = [c for c in real.columns if c not in numeric]
    result = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if numeric:
            result["KSComplement"] = np.mean([KSComplement.compute(real[c], other[c]) for c in numeric])
        if categorical:
            result["TVComplement"] = np.mean([TVComplement.compute(real[c], other[c]) for c in categorical])
        if len(numeric) > 1:
            result["CorrelationSimilarity"] = np.mean([
                CorrelationSimilarity.compute(real[list(pair)], other[list(pair)], coefficient="Spearman")
                for pair in combinations(numeric, 2)])
        if len(categorical) > 1:
            result["ContingencySimilarity"] = np.mean([
                ContingencySimilarity.compute(real[list(pair)].astype(object), other[list(pair)].astype(object))
                for pair in combinations(categorical, 2)])
        rng = np.random.default_rng(seed)
        n = min(len(real), len(other), max_rows)
        real_part = real.iloc[np.sort(rng.choice(len(real), size=n, replace=False))]
        other_part = other.iloc[np.sort(rng.choice(len(other), size=n, replace=False))].copy()
        for column in categorical:  # SDMetrics' encoder refuses categories it did not see in the real rows
            real_has_nan = real_part[column].isna().any()  # a missing value too, when the real rows have none
            unseen = ~other_part[column].isin(set(real_part[column].dropna())) & (other_part[column].notna()
                                                                                  | ~real_has_nan)
            if unseen.any():
                other_part[column] = other_part[column].astype(object)
                other_part.loc[unseen, column] = np.nan if real_has_nan else real_part[column].mode().iloc[0]
        np.random.seed(seed)  # SDMetrics shuffles its cross-validation folds with NumPy's global generator
        result["LogisticDetection"] = LogisticDetection.compute(real_part, other_part, _sdmetrics_metadata(kinds))
    result["detection ROC AUC"] = detection_auc(real, other, max_rows=max_rows, seed=seed, kinds=kinds)
    return result


def _sdmetrics_dcr_baseline(real, synthetic, kinds, rows, seed) -> float:
    import warnings

    from sdmetrics.single_table import DCRBaselineProtection

    np.random.seed(seed)  # SDMetrics subsamples with NumPy's global generator,
    previous = getattr(DCRBaselineProtection, "_seed", None)
    DCRBaselineProtection._seed = seed  # and draws its random baseline from default_rng(_seed): unseeded by default
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            subsample = rows if rows < min(len(real), len(synthetic)) else None
            return float(DCRBaselineProtection.compute(real, synthetic, _sdmetrics_metadata(kinds), None,
                                                       num_rows_subsample=subsample))
    finally:
        DCRBaselineProtection._seed = previous


def _sdmetrics_dcr_overfitting(real, synthetic, holdout, kinds, rows, seed) -> float:
    import warnings

    from sdmetrics.single_table import DCROverfittingProtection

    np.random.seed(seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        subsample = rows if rows < min(len(real), len(synthetic), len(holdout)) else None
        return float(DCROverfittingProtection.compute(real, synthetic, holdout, _sdmetrics_metadata(kinds), None,
                                                      num_rows_subsample=subsample))


# ---------------------------------------------------------------------------------------------------------------
# Category coverage, validity rules and exact copies: what the averaged fidelity scores do not see

#: A category is **rare** when fewer than this share of the real rows hold it (1%).
RARE_SHARE = 0.01


@dataclass
class CategoryCoverage:
    """What :func:`category_coverage` returns (section 5.3).

    ``per_column`` has one row per categorical column: ``categories`` (in the real table), ``present`` (of those,
    how many the synthetic table holds), ``coverage`` (their ratio), ``rare``, ``rare_present`` and
    ``rare_coverage`` (the same for the rare categories: NaN where a column has none). ``coverage`` and
    ``rare_coverage`` pool every column's categories; ``missing`` lists, per column, the real categories the
    synthetic table lacks, the rarest last. ``rare_share`` is the definition of rare used.
    """

    per_column: pd.DataFrame
    coverage: float
    rare_coverage: float
    missing: dict[str, list]
    rare_share: float


def category_coverage(real: pd.DataFrame, synthetic: pd.DataFrame, *, columns=None,
                      rare_share: float = RARE_SHARE) -> CategoryCoverage:
    """The share of the real table's categories that the synthetic table holds, per column and overall (5.3).

    A synthesizer that never produces a category erases the people who hold it; the averaged fidelity scores
    (TVComplement and the quality report) barely notice when those people are few. ``columns``: the categorical
    columns to check (default: every column that is not numeric; booleans count as categorical). A category is
    **rare** when fewer than ``rare_share`` of the real rows hold it (default 1%, ``RARE_SHARE``). Missing values
    are not a category. The tables must have the same columns.
    """
    check_same_columns(real, synthetic)
    rare_share = check_probability(rare_share, "rare_share")
    if columns is None:
        columns = [c for c in real.columns if not pd.api.types.is_numeric_dtype(real[c])
                   or pd.api.types.is_bool_dtype(real[c])]
    else:
        columns = [columns] if isinstance(columns, str) else list(columns)
        unknown = [c for c in columns if c not in real.columns]
        if unknown:
            raise KeyError(f"unknown column(s) {unknown}; columns: {', '.join(map(str, real.columns))}")
    if not columns:
        raise ValueError("no categorical column to check: name them with columns=[...]")
    rows, missing = [], {}
    for column in columns:
        shares = real[column].value_counts(normalize=True, dropna=True)
        if shares.empty:
            raise ValueError(f"column {column!r} of the real table has no values (all missing)")
        present = shares.index.isin(set(synthetic[column].dropna()))
        rare = (shares < rare_share).to_numpy()
        rows.append({"column": column, "categories": len(shares), "present": int(present.sum()),
                     "rare": int(rare.sum()), "rare_present": int((present & rare).sum())})
        missing[column] = list(shares.index[~present])
    frame = pd.DataFrame(rows).set_index("column")
    frame.insert(2, "coverage", frame["present"] / frame["categories"])
    frame["rare_coverage"] = frame["rare_present"] / frame["rare"].where(frame["rare"] > 0)
    total_rare = frame["rare"].sum()
    return CategoryCoverage(per_column=frame, coverage=float(frame["present"].sum() / frame["categories"].sum()),
                            rare_coverage=float(frame["rare_present"].sum() / total_rare) if total_rare else np.nan,
                            missing=missing, rare_share=rare_share)


def adult_validity_rules(real: pd.DataFrame) -> dict:
    """Logical rules that every row of the Adult census table obeys, as ``{name: function}`` (section 5.3).

    Each function maps a table to one boolean per row, True where the row **breaks** the rule, as
    ``synthlib.ADULT_RULES`` of chapter 1 does; three of those four rules are here (the fourth, "female husband
    or male wife", is broken by three real rows). The age and hours ranges are read from ``real``, the training
    table: metadata taken from the real data, as a synthesizer's own bounds and category lists are. Every rule
    holds on every row of Adult's official training and test files; :func:`validity` measures a table.
    """
    from ..part1.why_synthetic_data import ADULT_RULES

    needed = ["age", "education", "education_num", "capital_gain", "capital_loss", "hours_per_week",
              "relationship", "marital_status", "workclass", "occupation"]
    if not isinstance(real, pd.DataFrame):
        raise TypeError(f"real must be a pandas DataFrame, got {type(real).__name__}")
    absent = [c for c in needed if c not in real.columns]
    if absent:
        raise KeyError(f"the Adult rules need column(s) {absent}, which the table lacks")
    if real.empty:
        raise ValueError("real is empty; the rules read the age and hours ranges from its rows")
    age = int(real["age"].min()), int(real["age"].max())
    hours = int(real["hours_per_week"].min()), int(real["hours_per_week"].max())
    rules = {name: ADULT_RULES[name] for name in ["both capital gain and capital loss",
                                                  "education does not match its years",
                                                  "husband or wife but not married"]}
    rules[f"age outside the real range {age[0]}–{age[1]}"] = lambda t: ~t["age"].between(*age)
    rules[f"hours per week outside the real range {hours[0]}–{hours[1]}"] = \
        lambda t: ~t["hours_per_week"].between(*hours)
    rules["an occupation without work (never worked, or work class missing)"] = \
        lambda t: (t["workclass"].isna() | (t["workclass"] == "Never-worked")) & t["occupation"].notna()
    return rules


def validity(table: pd.DataFrame, rules) -> pd.Series:
    """The share of ``table``'s rows that obey each rule, and last, the share that breaks none (section 5.3).

    ``rules`` maps a rule's name to a function of the table that is True where a row breaks it (e.g.
    ``adult_validity_rules(real)``, or chapter 1's ``ADULT_RULES``); a rule that needs a column the table lacks
    raises a KeyError naming it.
    """
    from ..part1.why_synthetic_data import rule_violations

    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"table must be a pandas DataFrame, got {type(table).__name__}")
    if table.empty:
        raise ValueError("table is empty; need at least one row to check")
    broken = rule_violations(table, rules)
    shares = 1 - broken.mean()
    shares["no rule broken"] = 1 - broken.any(axis=1).mean()
    return shares.astype(float).rename("share of rows")


def exact_copies(synthetic: pd.DataFrame, train: pd.DataFrame, holdout: pd.DataFrame | None = None) -> dict:
    """Rows identical to a training row, as a share, for the synthetic table and for real held-out rows (5.3).

    A synthetic row equal to a training row in every column may be a person handed back. Real data have such
    twins too (Adult holds people whose recorded values coincide), so the reference is the same share for real
    rows the synthesizer never saw, ``holdout``. Missing values count as equal (chapter 1's ``copy_share``).
    Returns ``{"synthetic": share, "synthetic_count": n, "holdout": share, "holdout_count": n}`` (the holdout
    entries NaN and None without a holdout).
    """
    from ..part1.why_synthetic_data import copy_share

    check_same_columns(train, synthetic, names=("train", "synthetic"))
    share = copy_share(synthetic, train)
    result = {"synthetic": share, "synthetic_count": int(round(share * len(synthetic))), "holdout": np.nan,
              "holdout_count": None}
    if holdout is not None:
        check_same_columns(train, holdout, names=("train", "holdout"))
        twins = copy_share(holdout, train)
        result.update(holdout=twins, holdout_count=int(round(twins * len(holdout))))
    return result


# ---------------------------------------------------------------------------------------------------------------
# Pictures


def _figure_columns(real, synthetic, name):
    import matplotlib.pyplot as plt

    from ..common.plotting import plot_real_vs_synthetic

    columns = list(real.columns)
    ncols = 4
    nrows = int(np.ceil(len(columns) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.2 * ncols, 2.6 * nrows), squeeze=False,
                             constrained_layout=True)
    for ax, column in zip(axes.flat, columns):
        real_values, synthetic_values = real[column], synthetic[column]
        bins = 40
        numeric = pd.api.types.is_numeric_dtype(real_values) and pd.api.types.is_numeric_dtype(synthetic_values)
        if not numeric:
            top = real_values.value_counts().index[:8]  # the most frequent categories keep the bars readable
            real_values, synthetic_values = (real_values[real_values.isin(top)],
                                             synthetic_values[synthetic_values.isin(top)])
        elif pd.api.types.is_integer_dtype(real_values):  # whole numbers: one bar per value or per few values
            low, high = real_values.min(), real_values.max()
            step = max(1, int(np.ceil((high - low + 1) / 40)))
            bins = np.arange(low - 0.5, high + step + 0.5, step)
        plot_real_vs_synthetic(real_values, synthetic_values, ax=ax, labels=("real", name), title=column, xlabel="")
        if numeric and real_values.value_counts(normalize=True).iloc[0] > 0.5:
            ax.set_yscale("log")  # a column that is mostly one value (capital gains): show the rest too
            ax.set_ylabel("density (log)")
        ax.tick_params(axis="x", labelsize=7)
        ax.get_legend().remove()
    for ax in list(axes.flat)[len(columns):]:
        ax.axis("off")
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside upper right", ncols=2)
    fig.suptitle(f"One column at a time: real against {name}")
    return fig


def _figure_pair(real, synthetic, kinds, name):
    import matplotlib.pyplot as plt
    from matplotlib.colors import LogNorm

    numeric = [c for c in real.columns if kinds[c] == "numerical"]
    if len(numeric) < 2:
        raise ValueError("the pair picture needs at least two numerical columns")
    corr = real[numeric].corr("spearman").abs().to_numpy()
    np.fill_diagonal(corr, -1)
    i, j = np.unravel_index(np.nanargmax(corr), corr.shape)
    x, y = numeric[i], numeric[j]
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.6), constrained_layout=True)
    edges_x = np.histogram_bin_edges(real[x], bins=30)
    edges_y = np.histogram_bin_edges(real[y], bins=30)
    for ax, table, title in ((axes[0], real, "real"), (axes[1], synthetic, name)):
        ax.hist2d(table[x], table[y], bins=[edges_x, edges_y], cmap="Blues", norm=LogNorm(), cmin=1)
        ax.set(title=title, xlabel=x, ylabel=y)
    difference = synthetic[numeric].corr("spearman") - real[numeric].corr("spearman")
    image = axes[2].imshow(difference.to_numpy(), cmap="RdBu_r", vmin=-0.3, vmax=0.3)
    axes[2].set_xticks(range(len(numeric)), numeric, rotation=45, ha="right", fontsize=7)
    axes[2].set_yticks(range(len(numeric)), numeric, fontsize=7)
    axes[2].set_title("Spearman: synthetic − real")
    axes[2].grid(False)
    fig.colorbar(image, ax=axes[2], shrink=0.8)
    fig.suptitle(f"A pair of columns: {x} and {y}")
    return fig


def _rank_scale(table, reference, kinds):
    """Every column mapped to [0, 1] by the real empirical CDF (categories by frequency): rows become lines."""
    out = {}
    for column in reference.columns:
        if kinds[column] == "numerical":
            sorted_values = np.sort(reference[column].dropna().to_numpy(dtype=float))
            out[column] = np.searchsorted(sorted_values, table[column].to_numpy(dtype=float), side="right") / len(
                sorted_values)
        else:
            labels = reference[column].astype(object).where(reference[column].notna(), _NAN)
            shares = labels.value_counts(normalize=True)
            middle = (shares.cumsum() - shares / 2).to_dict()
            values = table[column].astype(object).where(table[column].notna(), _NAN)
            out[column] = values.map(middle).astype(float).fillna(1.0).to_numpy()
    return pd.DataFrame(out)


def _figure_rows(real, synthetic, kinds, name, n: int = 150, seed: int = 0):
    import matplotlib.pyplot as plt

    from ..common.plotting import REAL_COLOUR, SYNTHETIC_COLOUR

    rng = np.random.default_rng(seed)
    fig, axes = plt.subplots(1, 2, figsize=(12, 3.6), sharey=True, constrained_layout=True)
    columns = list(real.columns)
    for ax, table, colour, title in ((axes[0], real, REAL_COLOUR, "real rows"),
                                     (axes[1], synthetic, SYNTHETIC_COLOUR, f"{name} rows")):
        rows = table.iloc[rng.choice(len(table), size=min(n, len(table)), replace=False)]
        scaled = _rank_scale(rows, real, kinds).to_numpy()
        jitter = rng.uniform(-0.01, 0.01, size=scaled.shape)
        ax.plot(np.arange(len(columns)), (scaled + jitter).T, color=colour, alpha=0.12, linewidth=0.8)
        ax.set_xticks(range(len(columns)), columns, rotation=60, ha="right", fontsize=7)
        ax.set_title(title)
    axes[0].set_ylabel("position in the real distribution")
    fig.suptitle("Whole rows: each line is one record (columns on the real CDF scale)")
    return fig


def _figure_privacy(distances, reference_name):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 3.6), constrained_layout=True)
    upper = max(float(np.quantile(d, 0.99)) for d in distances.values())
    for i, (name, values) in enumerate(distances.items()):
        ordered = np.sort(values)
        shares = np.arange(1, ordered.size + 1) / ordered.size
        style = dict(linewidth=4, alpha=0.4, color="grey") if name == reference_name else dict(linewidth=1.8,
                                                                                               color=f"C{i}")
        ax.step(np.r_[0, ordered], np.r_[0, shares], where="post", label=name, **style)
    ax.set(xlim=(0, max(upper, 1e-3)), ylim=(0, 1.02), xlabel="distance to the closest real training record",
           ylabel="share of rows at most this close", title="Privacy: how close do rows come to the training data?")
    ax.legend(fontsize=8, loc="lower right")
    return fig
