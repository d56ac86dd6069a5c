"""Part 5: tabular synthesis. Machine-learning efficacy as the CTGAN paper measures it, and table checks; for
section 5.1, CTGAN's mode-specific normalisation and training-by-sampling in NumPy, and SDV 2.0's synthesizers
fitted, timed, sampled and scored (SDMetrics' quality report, the paper's efficacy table).

SDV, SDMetrics and copulas are imported inside the functions that need them (SDV and copulas are under the
Business Source License 1.1; SDMetrics is MIT).
"""
from __future__ import annotations

import io
import warnings
from contextlib import contextmanager, redirect_stderr
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..common.arguments import as_sample, check_count, check_real, check_seed
from ..common.runtime import measure_resources

__all__ = ["EFFICACY_CLASSIFIERS", "efficacy_classifier", "check_same_columns", "ml_efficacy",
           "SYNTHESIZERS", "ModeNormalisation", "mode_normalise", "log_frequency_probabilities",
           "FittedSynthesizer", "detect_metadata", "fit_synthesizer", "quality_score", "efficacy_table",
           "sample_tvae_categories"]

#: The classifiers of the CTGAN paper's machine-learning-efficacy benchmark for binary tables such as Adult
#: (Xu et al. 2019, via SDGym): their F1 on the positive class, averaged, is the figure the paper reports.
#: The most threads a fit may ask for.
MAX_THREADS = 1024

EFFICACY_CLASSIFIERS = ("decision tree (depth 20)", "AdaBoost (50 estimators)", "logistic regression",
                        "MLP (50 hidden units)")


def efficacy_classifier(name: str, seed: int = 0):
    """A fresh, unfitted classifier of the efficacy benchmark (see ``EFFICACY_CLASSIFIERS``)."""
    seed = check_seed(seed)
    from sklearn.ensemble import AdaBoostClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier
    from sklearn.tree import DecisionTreeClassifier

    makers = {
        "decision tree (depth 20)": lambda: DecisionTreeClassifier(max_depth=20, random_state=seed),
        "AdaBoost (50 estimators)": lambda: AdaBoostClassifier(n_estimators=50, random_state=seed),
        "logistic regression": lambda: LogisticRegression(max_iter=1_000),
        "MLP (50 hidden units)": lambda: MLPClassifier(hidden_layer_sizes=(50,), max_iter=200, early_stopping=True,
                                                       random_state=seed),
    }
    if name not in makers:
        raise KeyError(f"unknown classifier {name!r}: name must be one of {', '.join(makers)}")
    return makers[name]()


def check_same_columns(real: pd.DataFrame, synthetic: pd.DataFrame, *, names=("real", "synthetic")) -> None:
    """Raise a clear error unless both are non-empty DataFrames with the same columns (order may differ)."""
    for table, name in zip((real, synthetic), names):
        if not isinstance(table, pd.DataFrame):
            raise TypeError(f"{name} must be a pandas DataFrame, got {type(table).__name__}")
        if table.empty:
            raise ValueError(f"{name} is empty; need at least one row and one column")
    missing, extra = set(real.columns) - set(synthetic.columns), set(synthetic.columns) - set(real.columns)
    if missing or extra:
        raise ValueError(f"the tables' columns differ: missing from {names[1]}: {sorted(missing)}, "
                         f"not in {names[0]}: {sorted(extra)}")


def _encoder(train: pd.DataFrame):
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    numeric = [c for c in train.columns if pd.api.types.is_numeric_dtype(train[c])]
    categorical = [c for c in train.columns if c not in numeric]
    return ColumnTransformer([
        ("numeric", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), numeric),
        ("categorical", make_pipeline(SimpleImputer(strategy="constant", fill_value="missing"),
                                      OneHotEncoder(handle_unknown="ignore")), categorical),
    ])


def _check_classifiers(classifiers) -> tuple:
    if isinstance(classifiers, str) or not isinstance(classifiers, (list, tuple)) or not classifiers:
        raise ValueError(f"classifiers must be a non-empty tuple of names from {EFFICACY_CLASSIFIERS}, got "
                         f"{classifiers!r}")
    unknown = [c for c in classifiers if c not in EFFICACY_CLASSIFIERS]
    if unknown:
        raise ValueError(f"unknown classifiers {unknown}; choose from {', '.join(EFFICACY_CLASSIFIERS)}")
    return tuple(classifiers)


def ml_efficacy(train: pd.DataFrame, test: pd.DataFrame, target: str, positive, *, seed: int = 0,
                classifiers: tuple[str, ...] = EFFICACY_CLASSIFIERS) -> pd.DataFrame:
    """Train each classifier on ``train`` (real or synthetic), test on the real ``test``: F1 of ``positive``.

    Returns one row per classifier and a final "mean" row: the CTGAN paper's machine-learning-efficacy figure
    when ``train`` is synthetic, and its "identity" figure when ``train`` is real. Sections 5.1 and 5.3.
    """
    seed = check_seed(seed)
    from sklearn.metrics import accuracy_score, f1_score
    from sklearn.pipeline import make_pipeline

    check_same_columns(test, train, names=("test", "train"))
    classifiers = _check_classifiers(classifiers)
    if target not in train.columns:
        raise KeyError(f"unknown target column {target!r}; columns: {', '.join(map(str, train.columns))}")
    labels = set(train[target].dropna().unique())
    if positive not in set(test[target].unique()):
        raise ValueError(f"the positive class {positive!r} does not occur in the test table's {target!r}")
    features = [c for c in test.columns if c != target]
    x_test, y_test = test[features], (test[target] == positive).to_numpy()
    rows = []
    for name in classifiers:
        if len(labels) < 2:  # a synthesizer that lost the label entirely: every classifier predicts one class
            predictions = np.full(len(test), positive in labels)
        else:
            model = make_pipeline(_encoder(train[features]), efficacy_classifier(name, seed))
            model.fit(train[features], (train[target] == positive).to_numpy())
            predictions = model.predict(x_test)
        rows.append({"classifier": name, "f1": f1_score(y_test, predictions, zero_division=0),
                     "accuracy": accuracy_score(y_test, predictions)})
    result = pd.DataFrame(rows)
    mean = {"classifier": "mean", "f1": result["f1"].mean(), "accuracy": result["accuracy"].mean()}
    return pd.concat([result, pd.DataFrame([mean])], ignore_index=True)


# ---------------------------------------------------------------------------------------------------------------
# Section 5.1: CTGAN's ideas in NumPy, and the SDV 2.0 synthesizers fitted, sampled and scored.

#: The SDV 2.0 single-table synthesizers of section 5.1, by the short name ``fit_synthesizer`` takes.
SYNTHESIZERS = {"gaussian_copula": "GaussianCopulaSynthesizer", "ctgan": "CTGANSynthesizer",
                "tvae": "TVAESynthesizer"}
#: Deep synthesizers: they take ``epochs``, ``batch_size`` and ``enable_gpu``.
DEEP_SYNTHESIZERS = ("ctgan", "tvae")
#: CTGAN divides each column's value by four standard deviations of its mode, so that α lies in [-1, 1].
STD_MULTIPLIER = 4


@dataclass(frozen=True)
class ModeNormalisation:
    """A numeric column under CTGAN's mode-specific normalisation (section 5.1).

    ``means``, ``stds`` and ``weights`` describe the modes the variational Gaussian mixture kept; every value
    becomes a mode index β (``mode``) and a scalar α = (x − μ_β) / (4 σ_β) (``alpha``), clipped to ±0.99 as CTGAN
    does. ``inverse()`` maps (α, β) back to values.
    """

    alpha: np.ndarray
    mode: np.ndarray
    means: np.ndarray
    stds: np.ndarray
    weights: np.ndarray

    @property
    def n_modes(self) -> int:
        return int(self.means.size)

    def one_hot(self) -> np.ndarray:
        """β as CTGAN feeds it to the networks: one column per mode."""
        return np.eye(self.n_modes)[self.mode]

    def inverse(self, alpha=None, mode=None) -> np.ndarray:
        """Values from (α, β): x = 4 σ_β α + μ_β. Defaults to the column's own α and β (a round trip)."""
        alpha = self.alpha if alpha is None else np.asarray(alpha, dtype=float)
        mode = self.mode if mode is None else np.asarray(mode, dtype=int)
        if alpha.shape != mode.shape:
            raise ValueError(f"alpha and mode must have the same shape, got {alpha.shape} and {mode.shape}")
        if mode.size and (mode.min() < 0 or mode.max() >= self.n_modes):
            raise ValueError(f"mode indices must lie in 0..{self.n_modes - 1}")
        return STD_MULTIPLIER * self.stds[mode] * alpha + self.means[mode]


def mode_normalise(values, *, max_modes: int = 10, weight_threshold: float = 0.005, seed: int = 0,
                   sample_mode: bool = True) -> ModeNormalisation:
    """CTGAN's mode-specific normalisation of one numeric column, with scikit-learn (section 5.1).

    A Bayesian Gaussian mixture with a Dirichlet-process prior (at most ``max_modes`` components, the settings
    of RDT's ``ClusterBasedNormalizer`` that CTGAN and TVAE use) finds the column's modes; modes whose weight is
    below ``weight_threshold`` are dropped. Each value's mode is drawn from its posterior probabilities over the
    kept modes (``sample_mode=True``, as CTGAN does) or taken as the most probable one (``sample_mode=False``).
    """
    seed = check_seed(seed)
    from sklearn.mixture import BayesianGaussianMixture

    column = as_sample(values, "values")
    max_modes = check_count(max_modes, "max_modes", minimum=1)
    weight_threshold = check_real(weight_threshold, "weight_threshold")
    if not 0 <= weight_threshold < 1:
        raise ValueError(f"weight_threshold must lie in [0, 1), got {weight_threshold}")
    if np.ptp(column) == 0:
        raise ValueError("values are all equal: a constant column has no modes to find")
    mixture = BayesianGaussianMixture(n_components=min(max_modes, column.size),
                                      weight_concentration_prior_type="dirichlet_process",
                                      weight_concentration_prior=0.001, random_state=seed)
    from threadpoolctl import threadpool_limits

    with warnings.catch_warnings(), threadpool_limits(1):  # one column: threads only add waiting
        warnings.simplefilter("ignore")  # convergence warnings on heavily tied columns (capital_gain)
        mixture.fit(column.reshape(-1, 1))
        probabilities = mixture.predict_proba(column.reshape(-1, 1))
    keep = mixture.weights_ > weight_threshold
    means = mixture.means_.ravel()[keep]
    stds = np.sqrt(mixture.covariances_.ravel()[keep])
    weights = mixture.weights_[keep] / mixture.weights_[keep].sum()
    probabilities = probabilities[:, keep] + 1e-6
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    if sample_mode:
        uniform = np.random.default_rng(seed).random((column.size, 1))
        mode = np.minimum((probabilities.cumsum(axis=1) < uniform).sum(axis=1), means.size - 1)
    else:
        mode = probabilities.argmax(axis=1)
    alpha = np.clip((column - means[mode]) / (STD_MULTIPLIER * stds[mode]), -0.99, 0.99)
    return ModeNormalisation(alpha=alpha, mode=mode, means=means, stds=stds, weights=weights)


def log_frequency_probabilities(counts) -> pd.Series:
    """How often CTGAN's training-by-sampling asks for each category of one column (section 5.1).

    Once a discrete column has been picked (uniformly at random), its category k is chosen with probability
    log(1 + n_k) / Σ_j log(1 + n_j), where n_k is the category's count: rare categories are asked for far more
    often than their share of the rows, so that the conditional generator learns them too. ``counts`` is a
    pandas Series (index: categories), a dict or a sequence of non-negative counts.
    """
    try:
        series = pd.Series(counts, dtype=float) if not isinstance(counts, pd.Series) else counts.astype(float)
    except (TypeError, ValueError) as error:
        raise TypeError(f"counts must be numbers (one count per category); {error}") from None
    if series.empty:
        raise ValueError("counts is empty; give at least one category's count")
    if series.isna().any() or (series < 0).any():
        raise ValueError("counts must be non-negative numbers (no NaN)")
    if series.sum() == 0:
        raise ValueError("counts are all zero")
    weights = np.log1p(series)
    return weights / weights.sum()


@dataclass
class FittedSynthesizer:
    """An SDV 2.0 synthesizer after ``fit_synthesizer``: the model, its settings and its measured fit time (5.1)."""

    kind: str
    synthesizer: Any
    table_name: str
    seconds: float
    epochs: int | None
    batch_size: int | None
    device: str
    threads: int | None
    peak_memory_mb: float = float("nan")

    @property
    def label(self) -> str:
        """A display name with the settings that matter, e.g. ``"TVAE (150 epochs)"``."""
        name = {"gaussian_copula": "GaussianCopula", "ctgan": "CTGAN", "tvae": "TVAE"}[self.kind]
        return name if self.epochs is None else f"{name} ({self.epochs} epoch{'s' if self.epochs != 1 else ''})"

    def sample(self, num_rows: int, *, match=None, column: str | None = None, max_tries: int = 20,
               categories: str = "most probable") -> pd.DataFrame:
        """Draw ``num_rows`` synthetic rows as a DataFrame (SDV 2.0's ``sample`` returns ``{table: frame}``).

        ``categories="sampled"`` (TVAE only) draws each categorical value from the probabilities TVAE's decoder
        outputs for it, instead of taking the most probable one as SDV 2.0 does (``"most probable"``, the
        default): see :func:`sample_tvae_categories`.

        With ``match`` (a real table) and ``column``, sample conditionally: each value of ``column`` appears in
        the same proportion as in ``match`` (SDV's ``sample_from_conditions``; CTGAN and TVAE fulfil it by
        rejection sampling, giving up after ``max_tries`` batches per condition: a model that rarely produces a
        value returns fewer rows, with a warning). Sampling restarts from the state right after fitting, so it is
        repeatable.
        """
        num_rows = check_count(num_rows, "num_rows", minimum=1)
        if categories not in ("most probable", "sampled"):
            raise ValueError(f"categories must be 'most probable' or 'sampled', got {categories!r}")
        if categories == "sampled":
            if self.kind != "tvae":
                raise ValueError(f"categories='sampled' is for TVAE, whose decoder outputs category probabilities; "
                                 f"{self.kind} samples its categories already")
            with sample_tvae_categories(self.synthesizer):
                return self.sample(num_rows, match=match, column=column, max_tries=max_tries)
        self.synthesizer.reset_sampling()
        if match is None:
            if column is not None:
                raise ValueError("column is only used with match=<a real table> (conditional sampling)")
            with _threads(self.threads):
                return self._frame(self.synthesizer.sample(num_rows))
        from sdv.sampling import Condition

        if not isinstance(match, pd.DataFrame) or column is None or column not in match.columns:
            raise KeyError(f"give a real table as match and the column whose proportions to match; got {column!r}")
        shares = match[column].value_counts(normalize=True, dropna=True)
        counts = np.floor(shares.to_numpy() * num_rows).astype(int)
        counts[0] += num_rows - counts.sum()  # the most common value takes the rounding remainder
        conditions = [Condition(num_rows=int(n), column_values={column: value})
                      for value, n in zip(shares.index, counts) if n > 0]
        with _threads(self.threads), warnings.catch_warnings(), redirect_stderr(io.StringIO()):
            warnings.simplefilter("ignore")  # SDV's own shortfall warning; ours follows, below
            frame = self._frame(self.synthesizer.sample_from_conditions(
                conditions, max_tries_per_batch=check_count(max_tries, "max_tries", minimum=1)))
        if len(frame) < num_rows:
            warnings.warn(f"conditional sampling returned {len(frame):,} of {num_rows:,} rows: the model rarely "
                          f"produces some values of {column!r} (raise max_tries, or train longer)", stacklevel=2)
        return frame.sample(frac=1, random_state=0).reset_index(drop=True)

    def _frame(self, result) -> pd.DataFrame:
        return result[self.table_name] if isinstance(result, dict) else result

    def loss_values(self) -> pd.DataFrame | None:
        """The training losses per epoch and batch (CTGAN and TVAE), None for the Gaussian copula."""
        return None if self.kind not in DEEP_SYNTHESIZERS else self.synthesizer.get_loss_values()


def _tvae_draw(model, samples: int):
    """TVAE's sampling (ctgan 0.12's ``TVAE.sample``) with every categorical column drawn from its probabilities."""
    import torch

    model.decoder.eval()
    data, sigmas = [], None
    for _ in range(samples // model.batch_size + 1):
        noise = torch.normal(mean=torch.zeros(model.batch_size, model.embedding_dim), std=1.0).to(model._device)
        with torch.no_grad():
            fake, sigmas = model.decoder(noise)
        rows, start = torch.tanh(fake), 0
        for info in model.transformer._column_transform_info_list:
            for span in info.output_info:
                stop = start + span.dim
                if info.column_type == "discrete":  # one softmax span: the category's logits
                    drawn = torch.multinomial(torch.softmax(fake[:, start:stop], dim=1), 1).squeeze(1)
                    rows[:, start:stop] = torch.nn.functional.one_hot(drawn, span.dim).to(rows.dtype)
                start = stop
        data.append(rows.cpu().numpy())
    return model.transformer.inverse_transform(np.concatenate(data)[:samples], sigmas.detach().cpu().numpy())


@contextmanager
def sample_tvae_categories(synthesizer):
    """While active, SDV's fitted ``TVAESynthesizer`` draws each categorical value from its decoder's probabilities.

    TVAE's decoder outputs, for each categorical column, one logit per category, and its training loss is the
    cross-entropy of those probabilities; but ctgan 0.12 (under SDV 2.0) samples by taking the **most probable**
    category of each decoded row. A category that is never the most probable one for any latent draw, as most
    rare native countries of Adult, then never appears. Drawing from the probabilities samples the model that
    was fitted. Numeric columns are sampled as before. Seeding follows SDV's (``reset_sampling``).
    """
    from ctgan.synthesizers.base import random_state

    model = getattr(synthesizer, "_model", None)
    if model is None or type(model).__name__ != "TVAE":
        raise TypeError("sample_tvae_categories needs a fitted SDV TVAESynthesizer")
    model.sample = random_state(_tvae_draw).__get__(model)
    try:
        yield synthesizer
    finally:
        del model.sample  # back to the class's own sample


@contextmanager
def _threads(threads: int | None):
    """Run with at most ``threads`` BLAS/OpenMP/PyTorch threads and joblib in-process (None: leave as is)."""
    if threads is None:
        yield
        return
    threads = check_count(threads, "threads", minimum=1, maximum=MAX_THREADS)
    import torch
    from joblib import parallel_config
    from threadpoolctl import threadpool_limits

    previous = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        backend = "sequential" if threads == 1 else "loky"
        with threadpool_limits(threads), parallel_config(backend=backend, n_jobs=threads):
            yield
    finally:
        torch.set_num_threads(previous)


def detect_metadata(table: pd.DataFrame, table_name: str = "table"):
    """SDV 2.0 metadata for one table: ``Metadata.detect_from_dataframes({table_name: table})`` (section 5.1).

    SDV 2.0 removed ``detect_from_dataframe`` and ``SingleTableMetadata``; the one ``Metadata`` class holds a
    single table as a dictionary of one.
    """
    from sdv.metadata import Metadata

    _check_table(table, "table")
    if not isinstance(table_name, str) or not table_name:
        raise ValueError(f"table_name must be a non-empty string, got {table_name!r}")
    return Metadata.detect_from_dataframes({table_name: table})


def _check_table(table, name: str) -> None:
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame, got {type(table).__name__}")
    if table.empty:
        raise ValueError(f"{name} is empty; need at least one row and one column")


def _single_table_name(metadata) -> str:
    tables = list(getattr(metadata, "tables", {}) or {})
    if not hasattr(metadata, "to_dict") or not tables:
        raise TypeError("metadata must be an sdv.metadata.Metadata describing one table "
                        "(make it with synthlib.detect_metadata or Metadata.detect_from_dataframes)")
    if len(tables) != 1:
        raise ValueError(f"metadata describes {len(tables)} tables ({', '.join(tables)}); section 5.1 needs one")
    return tables[0]


def fit_synthesizer(kind: str, table: pd.DataFrame, metadata, *, epochs: int | None = None, batch_size: int = 500,
                    device: str = "cpu", threads: int | None = 1, seed: int = 0, **options) -> FittedSynthesizer:
    """Fit one of SDV 2.0's single-table synthesizers and time it (section 5.1).

    ``kind`` is ``"gaussian_copula"``, ``"ctgan"`` or ``"tvae"`` (see ``SYNTHESIZERS``). The deep ones need
    ``epochs``; ``batch_size`` and any further ``options`` (``embedding_dim``, ``pac``, ``loss_factor``, ...) go
    to the SDV class. ``device="cuda"`` sets SDV's ``enable_gpu=True``; on ``"cpu"`` it is False. ``threads``
    caps BLAS, OpenMP and PyTorch threads during the fit (and keeps joblib in one process): on a small, shared
    CPU one thread is often the fastest, None leaves the libraries' defaults. NumPy and PyTorch are seeded with
    ``seed`` first, which makes runs similar but not identical: SDV fits are not fully seedable.
    """
    seed = check_seed(seed)
    if not isinstance(kind, str) or kind not in SYNTHESIZERS:
        raise KeyError(f"unknown synthesizer {kind!r}: kind must be one of {', '.join(SYNTHESIZERS)}")
    _check_table(table, "table")
    table_name = _single_table_name(metadata)
    described = set(metadata.get_column_names(table_name=table_name))
    if described != set(table.columns):
        raise ValueError(f"the table's columns differ from the metadata's: not in the metadata: "
                         f"{sorted(set(table.columns) - described)}, missing from the table: "
                         f"{sorted(described - set(table.columns))}")
    if device not in ("cpu", "cuda"):
        raise ValueError(f"device must be 'cpu' or 'cuda', got {device!r}")
    if threads is not None:
        threads = check_count(threads, "threads", minimum=1, maximum=MAX_THREADS)
    if kind in DEEP_SYNTHESIZERS:
        if epochs is None:
            raise ValueError(f"{kind} needs epochs (SDV's default is 300; state what you use)")
        epochs = check_count(epochs, "epochs", minimum=1)
        batch_size = check_count(batch_size, "batch_size", minimum=1)
        if kind == "ctgan" and batch_size % options.get("pac", 10):
            raise ValueError(f"CTGAN's batch_size ({batch_size}) must be a multiple of pac "
                             f"({options.get('pac', 10)})")
        options = {"epochs": epochs, "batch_size": batch_size, "enable_gpu": device == "cuda", **options}
    else:
        if epochs is not None or device == "cuda":
            raise ValueError("the Gaussian copula has no epochs and does not use a GPU; leave epochs=None, "
                             "device='cpu'")
        batch_size = None
    import sdv.single_table
    import torch

    cls = getattr(sdv.single_table, SYNTHESIZERS[kind])
    synthesizer = cls(metadata, **options)
    np.random.seed(seed)
    torch.manual_seed(seed)
    with _threads(threads), measure_resources() as usage:
        synthesizer.fit({table_name: table})
    return FittedSynthesizer(kind=kind, synthesizer=synthesizer, table_name=table_name, seconds=usage.seconds,
                             epochs=epochs, batch_size=batch_size, device=device, threads=threads,
                             peak_memory_mb=usage.peak_mb)


def quality_score(real: pd.DataFrame, synthetic: pd.DataFrame, metadata) -> dict:
    """SDMetrics' ``QualityReport`` for one table: the overall score and its two properties (section 5.1).

    Returns ``{"quality", "column_shapes", "column_pair_trends", "sdmetrics"}``, the last being SDMetrics'
    version: state it beside every score, because the pair-trend scoring changed in 2026 (0.32 averages only
    the pairs that show a trend in the real data). Uses the unified ``sdmetrics.reports.QualityReport`` (the
    ``single_table`` one is deprecated), which takes ``{table_name: frame}`` and the metadata as a dictionary.
    """
    import sdmetrics
    from sdmetrics.reports import QualityReport

    check_same_columns(real, synthetic)
    table_name = _single_table_name(metadata)
    sdtypes = {c: v.get("sdtype") for c, v in metadata.to_dict()["tables"][table_name]["columns"].items()}
    for column in real.columns:
        if sdtypes.get(column) == "numerical":
            if not pd.api.types.is_numeric_dtype(synthetic[column]):
                raise TypeError(f"synthetic column {column!r} is numerical in the metadata but holds "
                                f"{synthetic[column].dtype} values; convert it to numbers first")
            if synthetic[column].isna().all():
                raise ValueError(f"synthetic column {column!r} is all missing (NaN): a score would be meaningless")
    report = QualityReport()
    report.generate({table_name: real}, {table_name: synthetic[list(real.columns)]}, metadata.to_dict(),
                    verbose=False)
    properties = report.get_properties().set_index("Property")["Score"]
    return {"quality": float(report.get_score()), "column_shapes": float(properties["Column Shapes"]),
            "column_pair_trends": float(properties["Column Pair Trends"]), "sdmetrics": sdmetrics.__version__}


def efficacy_table(training_tables: dict, test: pd.DataFrame, target: str, positive, *, published=None,
                   seed: int = 0, threads: int | None = 1) -> pd.DataFrame:
    """The CTGAN paper's machine-learning-efficacy table: one row per training table (section 5.1).

    ``training_tables`` maps a row label (``"identity (real training data)"``, ``"TVAE (150 epochs)"``, ...)
    to the table the classifiers learn from; each is scored by :func:`ml_efficacy` on the real ``test`` table.
    Columns: each classifier's F1 of ``positive``, the mean ``F1`` (the paper's figure) and, when ``published``
    maps some labels to the paper's figures, a ``published F1`` column (NaN where the paper has none).
    """
    seed = check_seed(seed)
    if threads is not None:
        threads = check_count(threads, "threads", minimum=1, maximum=MAX_THREADS)
    if not isinstance(training_tables, dict) or not training_tables:
        raise ValueError("training_tables must be a non-empty dict {label: DataFrame}")
    published = dict(published or {})
    unknown = set(published) - set(training_tables)
    if unknown:
        raise KeyError(f"published figures for labels that are not rows: {sorted(unknown)}")
    rows = {}
    with _threads(threads):
        for label, table in training_tables.items():
            scores = ml_efficacy(table, test, target, positive, seed=seed).set_index("classifier")["f1"]
            row = {name: scores[name] for name in EFFICACY_CLASSIFIERS}
            row["F1"] = scores["mean"]
            if published:
                row["published F1"] = published.get(label, np.nan)
            rows[label] = row
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index.name = "training data"
    return frame
