"""The bad-input sweep (issue 17): every public function of synthlib, one bad argument at a time.

For each function, :data:`ARGUMENTS` says how to build a VALID call (tiny sizes, so that even the training helpers
return within a second or two). The sweep then replaces one argument at a time with a bad value: a wrong type, an
empty value, NaN or inf, a negative, fractional or huge size, a wrong shape, an unknown name, a bad seed. The bad
values come from a fixed list per kind of argument and from hypothesis strategies (derandomised, so every run tries
the same inputs). Every call ends in one of four ways:

- a CLEAR error: an exception whose message names the parameter (or one of the aliases the table gives for it);
- a DEEP error: an exception whose message does not, e.g. numpy's "could not broadcast" from deep inside;
- a SILENT result: the call returned (a wrong answer, or work thrown away, for an input that makes no sense);
- a HANG: the call ran longer than :data:`TIMEOUT_S` seconds (SIGALRM interrupts it).

A test per function fails on anything but clear errors. The counts go to ``_build/bad-input-report.txt`` and to
the end of pytest's output.

A new public function must be added to :data:`ARGUMENTS` (or, with a reason, to :data:`NOT_SWEPT`):
``test_every_public_function_is_swept`` fails and names it otherwise.
"""
from __future__ import annotations

import inspect
import math
import signal
import time
import types
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import synthlib

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "_build" / "bad-input-report.txt"
#: Bad inputs that are not yet refused clearly, one ``function(parameter=label)`` a line: the sweep's to-do list.
#: A listed input that is now refused clearly fails the test too, so that the list only shrinks.
KNOWN_GAPS_FILE = Path(__file__).with_name("bad_input_known_gaps.txt")
#: A call that takes longer than this (seconds) counts as a hang: every valid call in the table takes well under it.
TIMEOUT_S = 8
#: Extra hypothesis-drawn bad values per function, beyond the fixed list.
FUZZ_EXAMPLES = 4
HUGE = 10**12


# ---------------------------------------------------------------------------------------------------------------
# Valid arguments, built once (tiny, so that every valid call is fast)


def _rng():
    return np.random.default_rng(0)


@lru_cache(None)
def _adult() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    n = 120
    age = rng.integers(18, 80, n)
    hours = rng.normal(40, 8, n).round(1)
    work = rng.choice(["Private", "Self-emp", "Gov"], n)
    income = np.where(age + rng.normal(0, 10, n) > 50, ">50K", "<=50K")
    return pd.DataFrame({"age": age, "hours": hours, "workclass": work, "income": income})


def adult():
    return _adult().copy()


@lru_cache(None)
def _digits() -> np.ndarray:
    rng = np.random.default_rng(1)
    images = np.zeros((40, 28, 28), dtype=np.uint8)
    for i, image in enumerate(images):
        image[4 + i % 10:24, 10:14 + i % 8] = 255
        image[rng.integers(0, 28, 20), rng.integers(0, 28, 20)] = 128
    return images


def digits():
    return _digits().copy()


def digit_labels():
    return np.arange(40) % 10


def unit_images():
    return digits().astype(np.float32) / 255


@lru_cache(None)
def _metadata():
    return synthlib.detect_metadata(adult())


@lru_cache(None)
def _classifier():
    return synthlib.train_digit_classifier(digits(), digit_labels(), steps=2, batch_size=8, cache=False,
                                           progress=False)


@lru_cache(None)
def _small_cnn():
    return synthlib.small_cnn(10, width=4)


@lru_cache(None)
def _vae():
    return synthlib.make_vae(latent_dim=2)


@lru_cache(None)
def _wordnet():
    return synthlib.load_wordnet(verbose=False).data


def _torch():
    import torch

    return torch


def tensor(shape, low=0.0, high=1.0):
    torch = _torch()
    return torch.rand(*shape, generator=torch.Generator().manual_seed(0)) * (high - low) + low


def torch_generator():
    return _torch().Generator().manual_seed(0)


def patients():
    return synthlib.simulate_patients(60, rng=0)


def traffic():
    return synthlib.simulate_traffic(1, 60, rng=0)


def transactions():
    return synthlib.simulate_transactions(20, 5, rng=0)


def two_columns():
    rng = np.random.default_rng(2)
    x = rng.normal(size=200)
    return x, x + rng.normal(size=200)


def mechanism(data, rng, size):
    return synthlib.laplace_mechanism(float(np.sum(data)), 1.0, 1.0, rng, size=size)


@lru_cache(None)
def _fitted_copula_frame():
    return adult()[["age", "hours", "workclass"]]


def balance_frames():
    frame = adult()
    return frame.iloc[:80].reset_index(drop=True), frame.iloc[80:].reset_index(drop=True)


def balancing_results():
    return pd.DataFrame({"seed": [0, 1], "method": ["SMOTE", "SMOTE"], "recall": [0.5, 0.6],
                         "precision": [0.4, 0.5], "f1": [0.45, 0.55]})


def planes():
    return pd.DataFrame({"tailnum": [f"p{i}" for i in range(6)], "seats": [100, 150, 200, 120, 180, 90]})


def flights():
    rng = np.random.default_rng(3)
    return pd.DataFrame({"tailnum": [f"p{i % 5}" for i in range(30)], "t": np.arange(30),
                         "distance": rng.normal(1000, 200, 30).round(), "delay": rng.normal(5, 10, 30).round(1)})


def unit_frame():
    return pd.DataFrame(np.random.default_rng(4).random((40, 3)), columns=["a", "b", "c"])


@lru_cache(None)
def _codes():
    return synthlib.discretise(unit_frame(), {"a": 3, "b": 2, "c": 4})


def codes():
    return _codes()[0].copy()


def domain():
    return dict(_codes()[1])


@lru_cache(None)
def _schedule():
    return synthlib.ddpm_schedule(10)


def points_model():
    """A denoiser of 2-d points that takes labels (the exact one of a Gaussian target ignores them)."""
    return synthlib.gaussian_velocity(0.0, 1.0)


def point_labels(n=8):
    return _torch().arange(n) % 10


def _normal_fit(data):
    return float(np.mean(data)), float(np.std(data))


def _normal_sample(model, n, rng):
    return rng.normal(model[0], model[1], n)


def _variance(model, samples):
    return {"variance": float(np.var(samples))}


@lru_cache(None)
def _tvae():
    frame = adult().iloc[:60]
    return synthlib.fit_synthesizer("tvae", frame, synthlib.detect_metadata(frame), epochs=1, batch_size=20,
                                    threads=1, seed=0).synthesizer


def attack_tables():
    frame = adult()
    return dict(train=frame.iloc[:60].reset_index(drop=True), holdout=frame.iloc[60:].reset_index(drop=True),
                release=frame.sample(60, random_state=0).reset_index(drop=True))


def attack_labels():
    return np.r_[np.ones(10), np.zeros(10)]


def attack_scores():
    return np.random.default_rng(6).normal(size=20) + attack_labels()


def _bootstrap_release(train, rng):
    return train.sample(len(train), replace=True, random_state=int(rng.integers(2**31))).reset_index(drop=True)


REVIEWS = ["a good film with a fine cast", "a bad film with a dull plot", "the cast is good and the plot is fine",
           "a dull film and a bad cast", "good plot good cast", "the film is bad"]


@lru_cache(None)
def _tokenizer():
    return synthlib.train_review_tokenizer(REVIEWS, vocab_size=40, min_frequency=1)


def review_ids():
    return synthlib.encode_reviews(_tokenizer(), REVIEWS, [1, 0, 1, 0, 1, 0], max_length=12)


def review_lm():
    return synthlib.make_review_lm(_tokenizer().get_vocab_size(), n_positions=16, n_embd=8, n_layer=1, n_head=2)


def token_probabilities():
    torch = _torch()
    return torch.softmax(tensor((4, 10)), dim=-1)


# ---------------------------------------------------------------------------------------------------------------
# The table: how to call every public function validly, and what is NOT a bad value for it


@dataclass
class Spec:
    build: Callable[[], dict]  # keyword arguments of a valid call (positional-or-keyword ones by name)
    skip: dict = field(default_factory=dict)  # {parameter: {labels of mutations that are valid here} or "all"}
    extra: dict = field(default_factory=dict)  # {parameter: {label: callable returning a bad value}}
    aliases: dict = field(default_factory=dict)  # {parameter: (other words a clear message may use instead)}
    heavy: bool = False  # trains a network (with tiny sizes here)
    text: tuple = ()  # string parameters that hold free text, not names


def _nan_column(column):
    def make():
        frame = adult()
        frame[column] = np.nan
        return frame
    return make


def _string_column(column):
    def make():
        frame = adult()
        frame[column] = "x"
        return frame
    return make


def _inf_value(column):
    def make():
        frame = adult()
        frame[column] = frame[column].astype(float)
        frame.loc[0, column] = np.inf
        return frame
    return make


TENSOR_NAN = {"mu": {"NaN"}, "logvar": {"NaN"}, "logits": {"NaN"}, "x": {"NaN"}, "real_logits": {"NaN"},
              "fake_logits": {"NaN"}, "tensor": {"NaN"}}

ARGUMENTS: dict[str, Spec] = {
    # part 1
    "sample_marginals": Spec(lambda: dict(frame=adult(), n=10, rng=0)),
    "sample_within_groups": Spec(lambda: dict(frame=adult(), n=10, by=["workclass"], rng=0),
                                 skip={"by": {"empty"}}),  # by=[] is sample_marginals (documented)
    "rule_violations": Spec(lambda: dict(frame=adult(), rules={"adult": lambda f: f["age"] >= 18})),
    "copy_share": Spec(lambda: dict(synthetic=adult(), real=adult())),
    "fit_and_score": Spec(lambda: dict(train=adult(), test=adult(), target="income", positive=">50K", seed=0),
                          skip={"positive": "all"}),
    # part 2
    "inverse_transform_sample": Spec(lambda: dict(inverse_cdf=lambda u: u, n=10, rng=0)),
    "tabulate_inverse_cdf": Spec(lambda: dict(pdf=lambda x: np.ones_like(x), lower=0.0, upper=1.0, grid_size=11),
                                 skip={"lower": {"negative"}}),
    "bootstrap": Spec(lambda: dict(data=np.arange(10.0), statistic=np.mean, n_resamples=20, rng=0, workers=None)),
    "bootstrap_ci": Spec(lambda: dict(data=np.arange(10.0), statistic=np.mean, level=0.9, n_resamples=20, rng=0)),
    "percentile_ci": Spec(lambda: dict(bootstrap_values=np.arange(10.0), level=0.9)),
    "ci_coverage": Spec(lambda: dict(draw_sample=lambda rng: rng.normal(size=10), true_value=0.0, statistic=np.mean,
                                     level=0.9, n_trials=5, n_resamples=20, rng=0, progress=False),
                        skip={"true_value": {"negative"}}),
    "greenshields_speed": Spec(lambda: dict(density=np.array([10.0, 50.0]), free_speed_kmh=110.0, jam_density=120.0),
                               skip={"density": {"empty", "wrong shape"}}),  # vectorised in density
    "simulate_traffic": Spec(lambda: dict(n_days=1, interval_min=60, rules=None, rng=0)),
    "check_traffic_rules": Spec(lambda: dict(traffic=traffic(), rules=None)),
    "simulate_transactions": Spec(lambda: dict(n_customers=20, n_days=5, fraud_rate=0.1, rng=0)),
    "check_transaction_rules": Spec(lambda: dict(transactions=transactions(), n_customers=20, n_days=5),
                                    skip={"n_customers": {"huge"}, "n_days": {"huge"}}),  # upper bounds checked
    "transaction_features": Spec(lambda: dict(transactions=transactions())),
    "fake_customers": Spec(lambda: dict(n=5, locale="en_US", seed=0)),
    # part 3
    "image_to_tensor": Spec(lambda: dict(image=digits()[0])),
    "tensor_to_image": Spec(lambda: dict(tensor=tensor((1, 28, 28))), skip=TENSOR_NAN),
    "augment_images": Spec(lambda: dict(images=digits()[:4], transform=lambda image: image, n_copies=1,
                                        generator=0)),
    "sample_per_class": Spec(lambda: dict(labels=digit_labels(), n_per_class=2, rng=0),
                             skip={"labels": {"strings"}}),  # class names may be text
    "per_class_accuracy": Spec(lambda: dict(y_true=digit_labels(), y_pred=digit_labels()),
                               skip={"y_true": {"strings"}, "y_pred": {"strings"}}),  # class names may be text
    "eda_parameters": Spec(lambda: dict(n_train=500), skip={"n_train": {"huge"}}),  # a formula in n_train
    "clean_text": Spec(lambda: dict(sentence="A fine film!"), text=("sentence",)),
    "synonym_replacement": Spec(lambda: dict(sentence="a good film", n=1, rng=0, synonyms={"good": ["fine"]}),
                  skip={"synonyms": {"empty"}, "n": {"huge"}},
                                text=("sentence",)),
    "random_insertion": Spec(lambda: dict(sentence="a good film", n=1, rng=0, synonyms={"good": ["fine"]}),
                  skip={"synonyms": {"empty"}},
                             text=("sentence",)),
    "random_swap": Spec(lambda: dict(sentence="a good film", n=1, rng=0), text=("sentence",)),
    "random_deletion": Spec(lambda: dict(sentence="a good film", p=0.2, rng=0), text=("sentence",)),
    "eda": Spec(lambda: dict(sentence="a good film", alpha=0.1, n_aug=2, rng=0, synonyms={"good": ["fine"]}),
                text=("sentence",), skip={"synonyms": {"empty"}}),
    "eda_corpus": Spec(lambda: dict(sentences=["a good film", "a bad film"], labels=[1, 0], alpha=0.1, n_aug=2,
                                    rng=0, synonyms={"good": ["fine"]}), skip={"synonyms": {"empty"}}),
    "wordnet_synonyms": Spec(lambda: dict(wordnet=_wordnet(), word="film"), text=("word",)),
    "wordnet_synonym_table": Spec(lambda: dict(wordnet=_wordnet(), words=["film", "good"]), skip={"words": {"empty"}}),
    # part 4
    "as_digit_batch": Spec(lambda: dict(images=digits(), device="cpu")),
    "batch_indices": Spec(lambda: dict(n=10, batch_size=4, steps=3, generator=torch_generator(), device="cpu"),
                          skip={"batch_size": {"huge"}, "steps": {"huge"}}),  # lazy: the caller stops it
    "class_entropy": Spec(lambda: dict(predicted_labels=digit_labels(), n_classes=10),
                          aliases={"predicted_labels": ("predicted labels",)}),
    "classify_digits": Spec(lambda: dict(images=digits(), classifier=_classifier())),
    "digit_features": Spec(lambda: dict(images=digits(), classifier=_classifier())),
    "digit_mosaic": Spec(lambda: dict(images=digits()[:12], ncols=4, pad=1)),
    "frechet_distance": Spec(lambda: dict(features_a=np.random.default_rng(0).normal(size=(20, 3)),
                                          features_b=np.random.default_rng(1).normal(size=(20, 3)))),
    "grey_share": Spec(lambda: dict(images=digits(), ink=0.1)),
    "quality_table": Spec(lambda: dict(samples={"real": digits()[:20]}, classifier=_classifier(),
                                       reference_images=digits()[20:], threshold=0.9)),
    "sample_quality": Spec(lambda: dict(images=digits()[:20], classifier=_classifier(),
                                        reference_images=digits()[20:], threshold=0.9)),
    "train_digit_classifier": Spec(lambda: dict(images=digits(), labels=digit_labels(), device="cpu", steps=2,
                                                batch_size=8, seed=0, cache=False, progress=False), heavy=True,
                                   skip={"batch_size": {"huge"}}),
    "make_vae": Spec(lambda: dict(latent_dim=2, decoder="mlp")),
    "make_gan": Spec(lambda: dict(latent_dim=2, architecture="mlp")),
    # the losses run at every training step: NaN propagates to a NaN loss, as in torch (no per-step check)
    "reparameterise": Spec(lambda: dict(mu=tensor((4, 2)), logvar=tensor((4, 2))), skip=TENSOR_NAN),
    "kl_to_standard_normal": Spec(lambda: dict(mu=tensor((4, 2)), logvar=tensor((4, 2))), skip=TENSOR_NAN),
    "vae_loss": Spec(lambda: dict(logits=tensor((4, 1, 28, 28)), x=tensor((4, 1, 28, 28)), mu=tensor((4, 2)),
                                  logvar=tensor((4, 2))), skip=TENSOR_NAN),
    "vae_elbo": Spec(lambda: dict(vae=_vae(), images=digits()[:8], batch_size=4), heavy=True,
                     skip={"batch_size": {"huge"}}),
    "to_tanh_range": Spec(lambda: dict(images=tensor((2, 1, 28, 28)))),
    "from_tanh_range": Spec(lambda: dict(images=tensor((2, 1, 28, 28), -1, 1))),
    "discriminator_loss": Spec(lambda: dict(real_logits=tensor((4, 1)), fake_logits=tensor((4, 1))), skip=TENSOR_NAN),
    "generator_loss": Spec(lambda: dict(fake_logits=tensor((4, 1))), skip=TENSOR_NAN),
    "update_moving_average": Spec(lambda: dict(average=synthlib.make_gan(2)[0], model=synthlib.make_gan(2)[0],
                                               decay=0.9, step=None)),
    # part 5
    "efficacy_classifier": Spec(lambda: dict(name="logistic regression", seed=0)),
    "check_same_columns": Spec(lambda: dict(real=adult(), synthetic=adult())),
    "ml_efficacy": Spec(lambda: dict(train=adult(), test=adult(), target="income", positive=">50K", seed=0,
                                     classifiers=("logistic regression",)), skip={"positive": "all"}),
    "mode_normalise": Spec(lambda: dict(values=np.r_[np.zeros(30), np.ones(30) * 5]
                                        + np.random.default_rng(0).normal(0, 0.1, 60), max_modes=3,
                                        weight_threshold=0.005, seed=0), skip={"max_modes": {"huge"}}),
    "log_frequency_probabilities": Spec(lambda: dict(counts=pd.Series({"a": 10, "b": 1}))),
    "detect_metadata": Spec(lambda: dict(table=adult(), table_name="table"), text=("table_name",)),
    "fit_synthesizer": Spec(lambda: dict(kind="gaussian_copula", table=adult(), metadata=_metadata(), threads=1,
                                         seed=0), extra={"table": {"NaN column": _nan_column("hours")}}),
    "quality_score": Spec(lambda: dict(real=adult(), synthetic=adult(), metadata=_metadata()),
                          extra={"synthetic": {"all-NaN numeric column": _nan_column("hours"),
                                               "all-string numeric column": _string_column("hours")}}),
    "efficacy_table": Spec(lambda: dict(training_tables={"real": adult()}, test=adult(), target="income",
                                        positive=">50K", seed=0, threads=1), skip={"positive": "all"}),
    "normal_scores": Spec(lambda: dict(values=np.arange(10.0), rng=0)),
    "empirical_quantile": Spec(lambda: dict(values=np.arange(10.0), u=np.array([0.1, 0.5])),
                               skip={"u": {"negative", "empty", "wrong shape"}}),  # vectorised in u
    "fit_gaussian_copula": Spec(lambda: dict(frame=_fitted_copula_frame(), calibrate=0, rng=0)),
    "nearest_correlation": Spec(lambda: dict(matrix=np.array([[1.0, 0.5], [0.5, 1.0]]))),
    "tail_dependence": Spec(lambda: dict(x=two_columns()[0], y=two_columns()[1], q=0.1, tail="lower")),
    "sample_clayton": Spec(lambda: dict(n=10, theta=2.0, rng=0)),
    "clayton_tail_dependence": Spec(lambda: dict(theta=2.0)),
    "clayton_theta_from_tau": Spec(lambda: dict(tau=0.5)),
    "gaussian_kendall_tau": Spec(lambda: dict(rho=0.5), skip={"rho": {"negative"}}),
    "sdmetrics_version": Spec(lambda: dict()),
    "column_kinds": Spec(lambda: dict(frame=adult(), metadata=None), skip={"frame": {"empty"}}),  # dtypes only
    "distance_to_closest_record": Spec(lambda: dict(rows=adult().iloc[:20], reference=adult().iloc[20:],
                                                    kinds=None),
                                       extra={"reference": {"inf value": _inf_value("hours")},
                                              "kinds": {"unknown kind": lambda: {"age": "numerical"}}}),
    "membership_inference": Spec(lambda: dict(synthetic=adult().iloc[:40], members=adult().iloc[40:80],
                                              non_members=adult().iloc[80:])),
    "detection_auc": Spec(lambda: dict(real=adult(), synthetic=adult().sample(frac=1, random_state=0),
                                       model="logistic", folds=2, max_rows=None, seed=0)),
    "smoothed_bootstrap": Spec(lambda: dict(frame=adult(), n=10, bandwidth=0.1, rng=0)),
    "compare_tables": Spec(lambda: dict(real=adult().iloc[:60], synthetic={"copy": adult().iloc[60:]},
                                        seed=0, max_rows=60, classifiers=("logistic regression",),
                                        sdmetrics_rows=30), heavy=True,
                           skip={"max_rows": {"huge"}, "sdmetrics_rows": {"huge"}}),  # caps on rows used
    # part 6
    "balance_experiment": Spec(lambda: dict(train=balance_frames()[0], test=balance_frames()[1], target="income",
                                            positive=">50K", n_train=40, minority_share=0.2, seeds=(0,),
                                            methods=("no balancing",)), skip={"positive": "all"}),
    "summarise_balancing": Spec(lambda: dict(results=balancing_results())),
    "edge_case_records": Spec(lambda: dict(n_per_kind=1, seed=0)),
    "simulate_patients": Spec(lambda: dict(n=20, rng=0)),
    "check_patient_rules": Spec(lambda: dict(patients=patients())),
    "simulate_driving_scenes": Spec(lambda: dict(n=20, rng=0, wet_share=0.2, reaction_s=1.0)),
    # part 7
    "laplace_scale": Spec(lambda: dict(sensitivity=1.0, epsilon=1.0)),
    "laplace_mechanism": Spec(lambda: dict(value=1.0, sensitivity=1.0, epsilon=1.0, rng=_rng(), size=3),
                              skip={"value": {"negative"}}),
    "gaussian_sigma": Spec(lambda: dict(sensitivity=1.0, epsilon=0.5, delta=1e-5)),
    "gaussian_mechanism": Spec(lambda: dict(value=1.0, sensitivity=1.0, epsilon=0.5, delta=1e-5, rng=_rng(),
                                            size=3), skip={"value": {"negative"}}),
    "empirical_privacy_check": Spec(lambda: dict(mechanism=mechanism, dataset_a=np.zeros(3), dataset_b=np.r_[0, 0, 1.0],
                                                 epsilon=1.0, n_samples=2000, n_bins=5, rng=_rng()),
                                    skip={"dataset_a": "all", "dataset_b": "all"}),  # the reader's mechanism reads them
    "pate_aggregate": Spec(lambda: dict(teacher_votes=np.array([[0, 1, 1], [1, 1, 0]]), lap_scale=1.0, rng=_rng(),
                                        n_classes=2)),
    "pate_moments": Spec(lambda: dict(counts=np.array([[3, 1], [2, 2]]), lam=0.1, orders=(1, 2, 3)),
                         skip={"counts": {"empty"}}, aliases={"lam": ("λ",)}),  # no queries: no privacy spent
    "adult_numeric": Spec(lambda: dict(frame=synthlib.load_adult(verbose=False).data["train"].head(50))),
    "pca_features": Spec(lambda: dict(train_images=unit_images()[:30], test_images=unit_images()[30:],
                                      n_components=3)),
    "fit_classifier_epochs": Spec(lambda: _fit_classifier_epochs_args(), heavy=True),
    "train_pate_gan": Spec(lambda: dict(data=np.random.default_rng(0).random((40, 3)), epsilon=5.0, delta=1e-5,
                                        n_teachers=4, lam=0.1, max_iterations=2, batch_size=4, warmup_steps=1,
                                        noise_dim=2, hidden=4, seed=0), heavy=True),
    "train_plain_gan": Spec(lambda: dict(data=np.random.default_rng(0).random((40, 3)), iterations=2, batch_size=4,
                                         noise_dim=2, hidden=4, seed=0), heavy=True),
    "distance_membership_attack": Spec(lambda: dict(members=np.random.default_rng(0).random((10, 3)),
                                                    non_members=np.random.default_rng(1).random((10, 3)),
                                                    released=np.random.default_rng(2).random((10, 3)))),
    "rotation_dataset": Spec(lambda: dict(images=digits()[:4])),
    "small_cnn": Spec(lambda: dict(n_classes=10, width=4)),
    "random_shift": Spec(lambda: dict(x=tensor((2, 1, 28, 28)), shift=2, generator=torch_generator()),
                         skip=TENSOR_NAN),
    "train_classifier": Spec(lambda: dict(model=synthlib.small_cnn(10, width=4), images=digits()[:8],
                                          labels=digit_labels()[:8], epochs=1, batch_size=4, seed=0), heavy=True,
                             skip={"batch_size": {"huge"}}),
    "extract_features": Spec(lambda: dict(model=_small_cnn(), images=digits()[:4], batch_size=2, layers=2,
                                          pool=None), skip={"batch_size": {"huge"}}),
    "accuracy": Spec(lambda: dict(model=_small_cnn(), images=digits()[:4], labels=digit_labels()[:4],
                                  batch_size=2), skip={"batch_size": {"huge"}}),
    "few_label_indices": Spec(lambda: dict(labels=digit_labels(), per_class=2, rng=0)),
    "linear_probe": Spec(lambda: dict(train_features=np.random.default_rng(0).normal(size=(20, 3)),
                                      train_labels=np.arange(20) % 2,
                                      test_features=np.random.default_rng(1).normal(size=(10, 3)),
                                      test_labels=np.arange(10) % 2, C=1.0)),
    "compare_few_labels": Spec(lambda: _compare_few_labels_args(), heavy=True),
    # 4.3 diffusion and flow matching
    "ddpm_schedule": Spec(lambda: dict(steps=10, beta_start=1e-4, beta_end=0.02)),
    "drop_labels": Spec(lambda: dict(labels=point_labels(), p=0.1, generator=torch_generator())),
    "guided_prediction": Spec(lambda: dict(model=points_model(), x=tensor((8, 2)), t=tensor((8,)),
                                           labels=point_labels(), guidance=2.0),
                              # runs at every sampling step: NaN propagates as in torch (the samplers check noise);
                              # a negative scale is defined (it pushes away from the class)
                              skip={"x": {"NaN"}, "t": {"NaN"}, "guidance": {"negative"}}),
    "flow_matching_loss": Spec(lambda: dict(model=points_model(), x1=tensor((8, 2)), labels=point_labels(),
                                            generator=torch_generator()), skip={"x1": {"NaN"}}),  # per step
    "ddpm_loss": Spec(lambda: dict(model=synthlib.gaussian_noise_predictor(0.0, 1.0, _schedule()),
                                   x0=tensor((8, 2)), schedule=_schedule(), labels=point_labels(),
                                   generator=torch_generator()), skip={"x0": {"NaN"}}),  # per step
    "sample_flow": Spec(lambda: dict(model=points_model(), noise=tensor((8, 2)), labels=point_labels(), steps=5,
                                     guidance=2.0, return_path=False), skip={"guidance": {"negative"}}),
    "sample_ddpm": Spec(lambda: dict(model=synthlib.gaussian_noise_predictor(0.0, 1.0, _schedule()),
                                     noise=tensor((8, 2)), schedule=_schedule(), labels=point_labels(), steps=5,
                                     guidance=2.0, eta=0.5, generator=torch_generator(), return_path=False),
                        skip={"guidance": {"negative"}}),
    "path_straightness": Spec(lambda: dict(path=tensor((3, 4, 2))),
                              skip={"path": {"wrong shape"}}),  # (steps + 1) × N × ...: a path of one point

    "gaussian_velocity": Spec(lambda: dict(mean=0.0, var=1.0), skip={"mean": {"negative"}}),
    "gaussian_noise_predictor": Spec(lambda: dict(mean=0.0, var=1.0, schedule=_schedule()),
                                     skip={"mean": {"negative"}}),
    "DigitCode": Spec(lambda: dict(images=digits(), dim=4)),
    "make_denoiser": Spec(lambda: dict(kind="points")),
    # 5.1 / 5.3 coverage, validity, resources
    "measure_resources": Spec(lambda: dict(interval_s=0.01)),
    "sample_tvae_categories": Spec(lambda: dict(synthesizer=_tvae()), heavy=True),
    "category_coverage": Spec(lambda: dict(real=adult(), synthetic=adult(), columns=None, rare_share=0.05)),
    "adult_validity_rules": Spec(lambda: dict(real=synthlib.load_adult(verbose=False).data["train"].head(50))),
    "validity": Spec(lambda: dict(table=adult(), rules={"adult": lambda f: f["age"] < 18})),
    "exact_copies": Spec(lambda: dict(synthetic=adult().iloc[:60], train=adult().iloc[60:],
                                      holdout=adult().iloc[:30])),
    # 5.4 related tables and sequences
    "orphan_keys": Spec(lambda: dict(parent=planes(), child=flights(), key="tailnum")),
    "referential_integrity": Spec(lambda: dict(parent=planes(), child=flights(), key="tailnum")),
    "require_integrity": Spec(lambda: dict(parent=planes(), child=flights(), key="tailnum")),
    "cardinality": Spec(lambda: dict(parent=planes(), child=flights(), key="tailnum")),
    "denormalize": Spec(lambda: dict(parent=planes(), child=flights(), key="tailnum")),
    "split_parents": Spec(lambda: dict(parent=planes(), child=flights(), key="tailnum", rng=0)),
    "ks_distance": Spec(lambda: dict(a=np.arange(10.0), b=np.arange(5.0, 15.0))),
    "inconsistent_parents": Spec(lambda: dict(flat=synthlib.denormalize(planes(), flights(), "tailnum"),
                                              key="tailnum", parent_columns=["seats"])),
    "parent_child_correlation": Spec(lambda: dict(parent=planes(), child=flights(), key="tailnum",
                                                  parent_column="seats", child_column="distance", how="mean")),
    "sequence_lengths": Spec(lambda: dict(frame=flights(), key="tailnum")),
    "lagged": Spec(lambda: dict(frame=flights(), key="tailnum", column="delay", lag=1, order_by="t")),
    "lag_autocorrelation": Spec(lambda: dict(frame=flights(), key="tailnum", column="delay", lag=1, order_by="t")),
    "per_entity_statistics": Spec(lambda: dict(frame=flights(), key="tailnum", columns=["delay"],
                                               stats=("mean", "std"))),
    "bootstrap_sequences": Spec(lambda: dict(frame=flights(), key="tailnum", n_sequences=3, rng=0)),
    # 7.1 MST and DP-VAE
    "zcdp_delta": Spec(lambda: dict(rho=0.5, epsilon=1.0)),
    "zcdp_rho": Spec(lambda: dict(epsilon=1.0, delta=1e-5)),
    "zcdp_epsilon": Spec(lambda: dict(rho=0.5, delta=1e-5)),
    "exponential_mechanism": Spec(lambda: dict(scores=np.array([1.0, 2.0, 3.0]), epsilon=1.0, sensitivity=1.0,
                                               rng=0)),
    "discretise": Spec(lambda: dict(frame=unit_frame(), bins={"a": 3}),
                       skip={"bins": {"empty"}}),  # no bins given: two per column (documented)
    "undiscretise": Spec(lambda: dict(codes=codes(), domain=domain())),
    "fit_mst": Spec(lambda: dict(codes=codes(), domain=domain(), epsilon=1.0, delta=1e-5, rng=0)),
    "marginal_tvd": Spec(lambda: dict(real_codes=codes(), synthetic_codes=codes().iloc[::-1].reset_index(drop=True),
                                      domain=domain(), way=2)),
    "train_dp_vae": Spec(lambda: dict(codes=codes(), domain=domain(), epsilon=5.0, delta=1e-5, epochs=1,
                                      batch_size=8, latent=2, hidden=4, lr=0.01, max_grad_norm=1.0, seed=0),
                         heavy=True),
    # 7.4 model collapse
    "gaussian_generations": Spec(lambda: dict(real=np.random.default_rng(5).normal(size=20), generations=3, rng=0,
                                              mode="replace", ddof=0)),
    "refit_generations": Spec(lambda: dict(fit=_normal_fit, sample=_normal_sample,
                                           real=np.random.default_rng(5).normal(size=20), generations=2,
                                           measure=_variance, rng=0, mode="replace", n=None, progress=False),
                              # the reader's fit reads real (a table may hold text; a model may accept NaN)
                              skip={"real": {"NaN", "strings", "wrong shape"}}),
    # 7.3 language models as data generators
    # (vocab_size, max_length, batch_size, sample: caps, a huge one means "all")
    "train_review_tokenizer": Spec(lambda: dict(texts=REVIEWS, vocab_size=40, min_frequency=1),
                                   skip={"vocab_size": {"huge"}}),
    "decode": Spec(lambda: dict(tokenizer=_tokenizer(), ids=[7, 8, 9]), skip={"ids": {"empty"}}),  # "" for no ids
    "encode_reviews": Spec(lambda: dict(tokenizer=_tokenizer(), texts=REVIEWS, labels=[1, 0, 1, 0, 1, 0],
                                        max_length=12), skip={"max_length": {"huge"}}),
    "make_review_lm": Spec(lambda: dict(vocab_size=40, n_positions=16, n_embd=8, n_layer=1, n_head=2, seed=0),
                           heavy=True),
    "train_lm": Spec(lambda: dict(model=review_lm(), ids=review_ids(), pad_id=_tokenizer().token_to_id("<pad>"),
                                  epochs=1, batch_size=4, lr=0.01, seed=0, device="cpu"), heavy=True,
                     skip={"batch_size": {"huge"}}),
    "top_p_filter": Spec(lambda: dict(probabilities=token_probabilities(), top_p=0.9),
                         skip={"probabilities": {"wrong shape"}}),  # rows × vocabulary, any leading axes
    "generate_reviews": Spec(lambda: dict(model=review_lm(), tokenizer=_tokenizer(), label=1, n=2, temperature=1.0,
                                          top_p=0.9, max_new_tokens=4, seed=0, batch_size=2, device="cpu"),
                             heavy=True, skip={"batch_size": {"huge"}}),
    "rouge_l": Spec(lambda: dict(a="a good film", b="a fine film"), text=("a", "b")),
    "deduplicate": Spec(lambda: dict(texts=REVIEWS, reference=["a good film with a fine cast"], threshold=0.7),
                        skip={"reference": {"empty"}}),  # no reference: duplicates within texts only
    "quality_mask": Spec(lambda: dict(texts=REVIEWS, vocabulary=set(" ".join(REVIEWS).split()), min_words=2,
                                      max_words=10, min_known=0.5, min_distinct=0.5),
                         skip={"max_words": {"huge"}}),  # no upper limit on the length
    "distinct_n": Spec(lambda: dict(texts=REVIEWS, n=2)),
    "self_similarity": Spec(lambda: dict(texts=REVIEWS, sample=3, seed=0), skip={"sample": {"huge"}}),
    "longest_overlap": Spec(lambda: dict(texts=REVIEWS, reference=["a good film with a fine cast"])),
    # 7.1 attacks and audits (n, pool, n_release: at most that many rows are used, so a huge one means "all")
    "attack_result": Spec(lambda: dict(name="sweep", labels=attack_labels(), scores=attack_scores()), text=("name",)),
    "tpr_at_fpr": Spec(lambda: dict(labels=attack_labels(), scores=attack_scores(), fpr=0.1)),
    "auc_chance_band": Spec(lambda: dict(n_members=10, n_non_members=12, sigmas=3.0),
                            # a formula on two counts, nothing is allocated: 10**12 members gives a (tiny) band
                            skip={"n_members": {"huge"}, "n_non_members": {"huge"}}),
    "epsilon_lower_bound": Spec(lambda: dict(true_positives=8, n_members=10, false_positives=1, n_non_members=10,
                                             delta=0.0, alpha=0.05),
                                # counts of an experiment, nothing is allocated: 10**12 members is a (strong) bound
                                skip={"n_members": {"huge"}, "n_non_members": {"huge"}}),
    "audit_epsilon": Spec(lambda: dict(result=synthlib.attack_result("sweep", attack_labels(), attack_scores()),
                                       epsilon=1.0, delta=0.0, alpha=0.05, seed=0, threshold=None)),
    "distance_attack": Spec(lambda: dict(**attack_tables(), n=20, kinds=None, seed=0),
                            skip={"n": {"huge"}}),  # at most n rows used
    "outlier_scores": Spec(lambda: dict(rows=adult().iloc[:10], population=adult().iloc[10:], k=3, kinds=None)),
    "outlier_candidates": Spec(lambda: dict(train=attack_tables()["train"], holdout=attack_tables()["holdout"], n=5,
                                            pool=20, kinds=None, seed=0),
                               skip={"n": {"huge"}, "pool": {"huge"}}),  # at most n rows used
    "outlier_attack": Spec(lambda: dict(**attack_tables(), n=5, pool=20, kinds=None, seed=0, candidates=None),
                           skip={"n": {"huge"}, "pool": {"huge"}}),  # at most n rows used
    "shadow_attack": Spec(lambda: dict(synthesizer=_bootstrap_release, population=adult().iloc[1:],
                                       target=adult().iloc[:1], n_train=20, n_shadow=4, n_test=2, kinds=None,
                                       seed=0), heavy=True),
    "attribute_inference": Spec(lambda: dict(**attack_tables(), known=["workclass", "age"], sensitive="income", n=20,
                                             n_release=20, kinds=None, seed=0),
                                skip={"n": {"huge"}, "n_release": {"huge"}}),  # at most n rows used
    "cap_protection": Spec(lambda: dict(targets=adult().iloc[:20], rows=adult().iloc[20:], known=["workclass", "age"],
                                        sensitive="income", continuous=("age",), bins=5),
                           skip={"continuous": {"empty"}}),  # no continuous column: all are matched exactly
    "load_tables": Spec(lambda: dict(section="2.2")),
    # 3.3 rendered digits
    "Randomisation": Spec(lambda: dict(rotation=15.0, shear=20.0, scale=(0.8, 1.1), stroke=5, blur=1.0, noise=0.1)),
    "render_digit": Spec(lambda: dict(digit=3, font="DejaVuSans", rotation=10.0, shear=5.0, scale=1.0, stroke=1,
                                      blur=0.5, noise=0.1, rng=0)),
    "render_digits": Spec(lambda: dict(labels=np.arange(4), randomisation=synthlib.NO_RANDOMISATION, fonts=None,
                                       rng=0)),
    # 4.1 / 4.2 conditional models
    "balanced_labels": Spec(lambda: dict(per_class=2, n_classes=10)),
    "class_accuracies": Spec(lambda: dict(images=digits(), classifier=_classifier(), labels=digit_labels())),
    "make_conditional_gan": Spec(lambda: dict(latent_dim=2)),
    "make_conditional_vae": Spec(lambda: dict(latent_dim=2)),
    # 4.1 the β / latent-size sweep and posterior collapse
    "active_units": Spec(lambda: dict(mu=np.random.default_rng(0).normal(size=(20, 3)), threshold=0.01)),
    "kl_per_unit": Spec(lambda: dict(mu=np.random.default_rng(0).normal(size=(20, 3)),
                                     logvar=np.random.default_rng(1).normal(size=(20, 3)))),
    # 4.2 2-d toys and WGAN-GP
    "ring_centres": Spec(lambda: dict(modes=8, radius=2.0)),
    "ring_of_gaussians": Spec(lambda: dict(n=10, modes=8, radius=2.0, std=0.02, rng=0)),
    "mode_coverage": Spec(lambda: dict(samples=synthlib.ring_of_gaussians(40, rng=0), centres=synthlib.ring_centres(),
                                       std=0.02, n_sigma=3.0, min_count=2)),
    "make_point_gan": Spec(lambda: dict(latent_dim=2, width=4)),
    "wasserstein_critic_loss": Spec(lambda: dict(real_scores=tensor((4,)), fake_scores=tensor((4,))),
                                    skip={"real_scores": {"NaN"}, "fake_scores": {"NaN"}}),  # a loss: NaN propagates
    "gradient_penalty": Spec(lambda: dict(critic=synthlib.make_point_gan(2, 4)[1], real=tensor((4, 2)),
                                          fake=tensor((4, 2)), weight=10.0, generator=0),
                             skip={"real": {"NaN"}, "fake": {"NaN"}}),  # runs at every critic step, like the losses
    # the book's machinery, datasets, exercises, plotting, runtime
    "artifacts_dir": Spec(lambda: dict(section="2.2"), text=("section",)),  # any safe folder name
    "chapter_info": Spec(lambda: dict(section="2.2")),
    "glue": Spec(lambda: dict(name="sweep_value", value=1.0, display=False), skip={"value": "all"}, text=("name",)),
    "save_table": Spec(lambda: dict(frame=adult(), section="2.2", name="sweep-table"), text=("section", "name")),
    "save_samples": Spec(lambda: dict(images=unit_images(), section="4.1", minimum=10, labels=digit_labels()),
                         text=("section",)),
    "show_source": Spec(lambda: dict(), skip="all"),
    "start_chapter": Spec(lambda: dict(section="2.2", fast=True, device="cpu", seed=0)),
    "load_dataset": Spec(lambda: dict(name="penguins", offline=True, verbose=False)),
    "check": Spec(lambda: dict(id="2.2.1", answer=0.5), skip={"answer": "all"}),
    "plot_real_vs_synthetic": Spec(lambda: dict(real=np.arange(10.0), synthetic=np.arange(10.0), bins=5,
                                                title=None, xlabel=None), text=("title", "xlabel"),
                                   # missing values are dropped; text is drawn as categories (bars)
                                   skip={"real": {"NaN", "strings"}, "synthetic": {"NaN", "strings"}}),
    "show_image_grid": Spec(lambda: dict(images=digits()[:4], ncols=2, titles=None, size=1.0, cmap="gray_r"),
                            extra={"images": {"thousands of images": lambda: np.zeros((5000, 28, 28))}},
                            skip={"ncols": {"huge"}}),  # more columns than images: one row
    "seed_everything": Spec(lambda: dict(seed=0, deterministic=True, torch=False)),
    "select_device": Spec(lambda: dict(device="cpu")),
}


def _fit_classifier_epochs_args():
    torch = _torch()
    net = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(4, 2))
    data = torch.utils.data.TensorDataset(torch.rand(8, 4), torch.arange(8) % 2)
    return dict(net=net, optimizer=torch.optim.SGD(net.parameters(), lr=0.1),
                loader=torch.utils.data.DataLoader(data, batch_size=4), epochs=1)


def _compare_few_labels_args():
    images, labels = digits()[:20], digit_labels()[:20]
    test_images, test_labels = digits()[20:], digit_labels()[20:]
    pretext, random_net = synthlib.small_cnn(4, width=4), synthlib.small_cnn(4, width=4)
    test_features = {name: synthlib.extract_features(net, test_images, pool=4)
                     for name, net in (("pretext", pretext), ("random", random_net))}
    return dict(pretext=pretext, random_net=random_net, images=images, labels=labels, test_images=test_images,
                test_labels=test_labels, test_features=test_features, steps=2, batch_size=4, seed=0)


#: Public names that are not swept, with the reason.
NOT_SWEPT = {
    # classes: results and containers built by synthlib's functions (their constructors are not the API)
    **{name: "a result or container class, built by synthlib" for name in (
        "AttackResult", "AttributeInference", "AugmentedCorpus", "CategoryCoverage", "ChapterRun", "ComparisonReport",
        "ConfidenceInterval", "DataUnavailable", "DDPMSchedule", "DPVAEResult", "EpsilonAudit", "FittedSynthesizer",
        "GaussianCopula", "LoadedData", "MembershipInference", "ModeNormalisation", "MSTModel", "MomentsAccountant",
        "PateGanResult", "PrivacyCheck", "SampleQuality", "SynonymTable", "Timer")},
    # no arguments: nothing to get wrong
    **{name: "takes no arguments" for name in ("data_dir", "digit_fonts", "list_chapters", "list_datasets",
                                                 "list_exercises", "use_style")},
    # thin wrappers of load_dataset (which is swept) that take only load_dataset's keyword arguments
    **{name: "load_dataset(name, ...) is swept" for name in ("load_adult", "load_digits", "load_mnist",
                                                              "load_nycflights13", "load_penguins", "load_photo",
                                                              "load_rotten_tomatoes", "load_wordnet")},
}


def known_gaps() -> set[str]:
    if not KNOWN_GAPS_FILE.exists():
        return set()
    return {line.strip() for line in KNOWN_GAPS_FILE.read_text().splitlines()
            if line.strip() and not line.startswith("#")}


def public_functions() -> dict[str, Callable]:
    names = getattr(synthlib, "__all__", None) or [n for n in dir(synthlib) if not n.startswith("_")]
    return {name: getattr(synthlib, name) for name in names
            if callable(getattr(synthlib, name)) and not isinstance(getattr(synthlib, name), types.ModuleType)}


# ---------------------------------------------------------------------------------------------------------------
# Bad values: a fixed list per kind of argument, and hypothesis strategies for more


SEED_NAMES = {"rng", "seed", "generator"}


def _is_tensor(value) -> bool:
    return type(value).__module__.startswith("torch") and hasattr(value, "shape")


def fixed_mutations(spec: Spec, name: str, value, default) -> dict[str, Callable[[], Any]]:
    """{label: maker of a bad value} for the parameter ``name`` whose valid value is ``value``."""
    bad: dict[str, Callable[[], Any]] = {}
    if name in SEED_NAMES and (value is None or isinstance(value, (int, np.random.Generator))
                               or type(value).__name__ == "Generator"):
        bad = {"negative seed": lambda: -1, "string seed": lambda: "seed", "float seed": lambda: 1.5}
    elif isinstance(value, bool):
        bad = {}
    elif isinstance(value, (int, np.integer)):
        bad = {"negative": lambda: -1, "fractional": lambda: 2.5, "string": lambda: "3", "huge": lambda: HUGE}
    elif isinstance(value, float):
        bad = {"NaN": lambda: math.nan, "inf": lambda: math.inf, "negative": lambda: -1e9, "string": lambda: "0.5"}
    elif isinstance(value, str):
        bad = {"not a string": lambda: 3}
        if name not in spec.text:
            bad["unknown name"] = lambda: "no-such-name"
    elif isinstance(value, pd.DataFrame):
        bad = {"empty": lambda: value.iloc[:0], "not a DataFrame": lambda: value.to_numpy().tolist()}
    elif isinstance(value, pd.Series):
        bad = {"empty": lambda: value.iloc[:0], "strings": lambda: value.astype(str) + "x"}
    elif isinstance(value, np.ndarray) or _is_tensor(value):
        bad = {"empty": lambda: value[:0], "wrong shape": lambda: value.reshape(-1)[:, None, None, None, None]}
        if value.dtype.is_floating_point if _is_tensor(value) else np.issubdtype(value.dtype, np.number):
            bad["NaN"] = lambda: _with_nan(value)
        bad["strings"] = lambda: np.full(value.shape, "x")
    elif isinstance(value, dict):
        bad = {"string instead of a mapping": lambda: "x", "empty": lambda: {}}
    elif isinstance(value, (list, tuple)):
        bad = {"empty": lambda: type(value)(), "number instead of a sequence": lambda: 3}
    elif callable(value) and not hasattr(value, "parameters"):
        bad = {"not callable": lambda: "not a function"}
    elif value is None:
        bad = {}
    else:  # a model, metadata, a wordnet corpus, a loader: the wrong object
        bad = {"wrong object": lambda: "not the object"}
    skip = spec.skip if spec.skip == "all" else spec.skip.get(name, set())
    if skip == "all":
        bad = {}
    else:
        bad = {label: make for label, make in bad.items() if label not in skip}
    bad.update(spec.extra.get(name, {}))
    return bad


def _with_nan(value):
    if _is_tensor(value):
        copy = value.clone().float()
        copy.view(-1)[0] = math.nan
        return copy
    copy = value.astype(float).copy()
    copy.flat[0] = np.nan
    return copy


def fuzz_strategy(name: str, value, skip=frozenset()):
    """More bad values drawn by hypothesis, for numbers and seeds (none of the kinds the table skips)."""
    def pick(parts):
        parts = [strategy for label, strategy in parts if label not in skip]
        return st.one_of(*parts) if parts else None

    non_integral = st.floats(allow_nan=True).filter(lambda x: not float(x).is_integer())
    if name in SEED_NAMES:
        return pick([("negative seed", st.integers(max_value=-1)), ("string seed", st.text(max_size=3)),
                     ("float seed", non_integral)])
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, np.integer)):
        return pick([("negative", st.integers(max_value=-1)), ("huge", st.integers(min_value=HUGE, max_value=10**18)),
                     ("fractional", non_integral)])
    if isinstance(value, float):
        return pick([("NaN", st.just(math.nan)), ("inf", st.sampled_from([math.inf, -math.inf])),
                     ("string", st.text(max_size=3))])
    return None


# ---------------------------------------------------------------------------------------------------------------
# Running one call and judging it


class Hang(Exception):
    pass


def _alarm(signum, frame):
    raise Hang()


@dataclass
class Outcome:
    function: str
    parameter: str
    label: str
    kind: str  # "clear", "deep", "silent", "hang"
    detail: str
    known: bool = False  # listed in bad_input_known_gaps.txt


OUTCOMES: list[Outcome] = []


def _consume(result):
    if hasattr(result, "__exit__") and not isinstance(result, Path):  # a context manager: its checks run on entry
        with result:
            pass
    elif inspect.isgenerator(result):  # a lazy result (batch_indices): its first thousand items
        for _, _item in zip(range(1000), result):
            pass


def call(name: str, spec: Spec, parameter: str, label: str, bad) -> Outcome:
    import matplotlib.pyplot as plt

    function = getattr(synthlib, name)
    kwargs = spec.build()
    kwargs[parameter] = bad
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, TIMEOUT_S)
    start = time.perf_counter()
    try:
        _consume(function(**kwargs))
        kind, detail = "silent", "returned"
    except Hang:
        kind, detail = "hang", f"still running after {TIMEOUT_S} s"
    except Exception as error:  # noqa: BLE001 - judged below
        message = f"{type(error).__name__}: {error}"
        words = (parameter,) + tuple(spec.aliases.get(parameter, ()))
        clear = any(word.lower() in message.lower() for word in words)
        kind, detail = ("clear" if clear else "deep"), message.splitlines()[0][:200] if message else message
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        plt.close("all")
    if kind != "hang" and time.perf_counter() - start > TIMEOUT_S:
        kind, detail = "hang", f"took {time.perf_counter() - start:.0f} s"
    outcome = Outcome(name, parameter, label, kind, detail)
    outcome.known = f"{name}({parameter}={label})" in known_gaps()
    OUTCOMES.append(outcome)
    return outcome


def parameters(name: str, spec: Spec) -> dict:
    signature = inspect.signature(getattr(synthlib, name))
    kwargs = spec.build()
    return {p: (kwargs[p], signature.parameters[p].default) for p in kwargs}


@pytest.fixture(autouse=True)
def _sandbox(tmp_path, monkeypatch):
    """Artifacts written by the sweep (save_table, save_samples) go to a temporary folder."""
    import matplotlib

    matplotlib.use("Agg")
    monkeypatch.setenv("SYNTHLIB_ARTIFACTS", str(tmp_path / "artifacts"))
    import torch

    torch.set_num_threads(1)


@pytest.fixture(scope="module", autouse=True)
def _report():
    yield
    write_report()


def write_report() -> str:
    if not OUTCOMES:
        return ""
    counts = Counter(o.kind for o in OUTCOMES)
    functions = len({o.function for o in OUTCOMES})
    lines = [f"bad-input sweep: {len(OUTCOMES)} bad inputs tried against {functions} public functions",
             f"  clear errors:   {counts['clear']}", f"  deep errors:    {counts['deep']}",
             f"  silent results: {counts['silent']}", f"  hangs:          {counts['hang']}",
             f"  (of the deep, silent and hangs, {sum(o.known for o in OUTCOMES if o.kind != 'clear')} are listed in "
             f"{KNOWN_GAPS_FILE.name})", ""]
    for outcome in OUTCOMES:
        if outcome.kind != "clear":
            lines.append(f"{outcome.kind:7} {outcome.function}({outcome.parameter}={outcome.label}): "
                         f"{outcome.detail}")
    text = "\n".join(lines) + "\n"
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(text)
    return text


# ---------------------------------------------------------------------------------------------------------------
# The tests


def test_every_public_function_is_swept():
    missing = sorted(set(public_functions()) - set(ARGUMENTS) - set(NOT_SWEPT))
    assert not missing, (f"public function(s) {missing} are not in the bad-input sweep: add a valid call for each "
                         f"to ARGUMENTS in tests/test_bad_input.py (or, with a reason, to NOT_SWEPT)")
    stale = sorted((set(ARGUMENTS) | set(NOT_SWEPT)) - set(public_functions()))
    assert not stale, f"{stale} are in tests/test_bad_input.py but no longer public in synthlib: remove them"


@pytest.mark.parametrize("name", sorted(ARGUMENTS))
def test_valid_call_succeeds(name):
    """The table's valid call works (otherwise every 'clear error' of the sweep would be meaningless)."""
    spec = ARGUMENTS[name]
    _consume(getattr(synthlib, name)(**spec.build()))
    import matplotlib.pyplot as plt

    plt.close("all")


@pytest.mark.parametrize("name", sorted(ARGUMENTS))
def test_bad_inputs_are_refused_clearly(name):
    spec = ARGUMENTS[name]
    problems = []
    fuzzable = []
    for parameter, (value, default) in parameters(name, spec).items():
        for label, make in fixed_mutations(spec, parameter, value, default).items():
            outcome = call(name, spec, parameter, label, make())
            if outcome.kind != "clear":
                problems.append(outcome)
        skipped = spec.skip == "all" or spec.skip.get(parameter) == "all"
        strategy = None if skipped else fuzz_strategy(parameter, value, spec.skip.get(parameter, set()))
        if strategy is not None:
            fuzzable.append((parameter, strategy))
    if fuzzable:
        @settings(max_examples=FUZZ_EXAMPLES, derandomize=True, database=None, deadline=None,
                  phases=[Phase.generate], suppress_health_check=list(HealthCheck))
        @given(st.data())
        def fuzz(data):
            index = data.draw(st.integers(0, len(fuzzable) - 1))
            parameter, strategy = fuzzable[index]
            bad = data.draw(strategy)
            outcome = call(name, spec, parameter, f"{bad!r} (hypothesis)", bad)
            if outcome.kind != "clear":
                problems.append(outcome)

        fuzz()
    new = [o for o in problems if not o.known]
    assert not new, "\n".join(f"{o.kind}: {name}({o.parameter}={o.label}): {o.detail}" for o in new)
    tried = {f"{o.function}({o.parameter}={o.label})" for o in OUTCOMES if o.function == name}
    fixed = sorted(g for g in known_gaps() if g.startswith(f"{name}(") and g in tried
                   and g not in {f"{o.function}({o.parameter}={o.label})" for o in problems})
    assert not fixed, f"now refused clearly: remove {fixed} from {KNOWN_GAPS_FILE.name}"
