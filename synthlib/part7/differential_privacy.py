"""Part 7, section 7.1: differential privacy (Laplace and Gaussian mechanisms, their empirical check, PATE-GAN).

torch is imported inside the functions that need it: ``import synthlib`` stays light.
"""
from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field

import numpy as np

from ..common.arguments import (MAX_EPOCHS, MAX_LAYER_WIDTH, MAX_TRAINING_STEPS, as_rng, as_sample, check_count,
                               check_memory, check_positive, check_probability, check_real, check_seed)

__all__ = [
    "laplace_scale",
    "laplace_mechanism",
    "gaussian_sigma",
    "gaussian_mechanism",
    "PrivacyCheck",
    "empirical_privacy_check",
    "pate_aggregate",
    "pate_moments",
    "MomentsAccountant",
    "adult_numeric",
    "pca_features",
    "fit_classifier_epochs",
    "PateGanResult",
    "train_pate_gan",
    "train_plain_gan",
    "distance_membership_attack",
]


# ---------------------------------------------------------------------------------------------------------------
# Argument checks


def _number(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {value!r}")
    return float(value)


def _check_epsilon(epsilon) -> float:
    epsilon = _number(epsilon, "epsilon")
    if not math.isfinite(epsilon) or epsilon <= 0:
        raise ValueError(f"epsilon must be a positive finite number, got {epsilon!r} (ε ≤ 0 gives no mechanism)")
    return epsilon


def _check_delta(delta) -> float:
    delta = _number(delta, "delta")
    if not 0 <= delta < 1:
        raise ValueError(f"delta must lie in [0, 1), got {delta!r}")
    return delta


def _check_sensitivity(sensitivity) -> float:
    sensitivity = _number(sensitivity, "sensitivity")
    if not math.isfinite(sensitivity) or sensitivity <= 0:
        raise ValueError(f"sensitivity must be a positive finite number, got {sensitivity!r}")
    return sensitivity


# ---------------------------------------------------------------------------------------------------------------
# Mechanisms


def laplace_scale(sensitivity: float, epsilon: float) -> float:
    """The Laplace mechanism's noise scale b = Δ/ε (section 7.1): ε-DP for a query of L1 sensitivity Δ."""
    return _check_sensitivity(sensitivity) / _check_epsilon(epsilon)


def laplace_mechanism(value, sensitivity: float, epsilon: float, rng: np.random.Generator, size=None):
    """Release ``value`` plus Laplace noise of scale Δ/ε (section 7.1); ε-differentially private.

    ``value`` may be a number or an array (then Δ is the L1 sensitivity of the whole vector); ``size`` draws
    that many independent releases at once (for the empirical check).
    """
    rng = as_rng(rng)
    scale = laplace_scale(sensitivity, epsilon)
    value, shape, rng = _release(value, size, rng)
    return value + rng.laplace(0.0, scale, size=shape)


def _release(value, size, rng):
    """The checked (value, shape of the releases, generator) of a mechanism: a finite value, a sane ``size``."""
    if isinstance(value, (str, bytes)) or np.asarray(value).dtype.kind not in "iufb":
        raise TypeError(f"value must be a number or an array of numbers, got {value!r}")
    value = as_sample(value, "value", ndim=None)
    if size is not None:
        size = check_count(size, "size", minimum=1)
        check_memory("size", size, 8 * size * value.size)
    return value, value.shape if size is None else (size,) + value.shape, as_rng(rng)


def gaussian_sigma(sensitivity: float, epsilon: float, delta: float) -> float:
    """The Gaussian mechanism's σ = Δ·sqrt(2 ln(1.25/δ))/ε (section 7.1).

    The classical formula of Dwork & Roth (2014, theorem A.1): (ε, δ)-DP for a query of L2 sensitivity Δ,
    valid for 0 < ε < 1 and 0 < δ < 1 only (the analytic Gaussian mechanism of Balle & Wang, 2018, covers ε ≥ 1).
    """
    epsilon, delta = _check_epsilon(epsilon), _check_delta(delta)
    sensitivity = _check_sensitivity(sensitivity)
    if epsilon >= 1:
        raise ValueError(f"the classical Gaussian-mechanism formula holds only for ε < 1, got ε = {epsilon}")
    if delta == 0:
        raise ValueError("the Gaussian mechanism needs δ > 0: with δ = 0 no finite σ suffices")
    return sensitivity * math.sqrt(2 * math.log(1.25 / delta)) / epsilon


def gaussian_mechanism(value, sensitivity: float, epsilon: float, delta: float, rng: np.random.Generator,
                       size=None):
    """Release ``value`` plus Gaussian noise of the classical σ (section 7.1); (ε, δ)-DP for ε < 1."""
    rng = as_rng(rng)
    sigma = gaussian_sigma(sensitivity, epsilon, delta)
    value, shape, rng = _release(value, size, rng)
    return value + rng.normal(0.0, sigma, size=shape)


# ---------------------------------------------------------------------------------------------------------------
# The empirical check


@dataclass
class PrivacyCheck:
    """The result of :func:`empirical_privacy_check` (section 7.1)."""

    passed: bool  # no bin shows a ratio provably above e^ε (plus δ)
    epsilon: float
    worst_log_ratio: float  # the largest observed |log p_a/p_b| over well-filled bins (point estimate)
    worst_lower_bound: float  # the largest lower confidence bound on log(p_a / p_b) or log(p_b / p_a)
    n_bins: int
    n_samples: int
    alpha: float

    def __str__(self) -> str:
        verdict = "consistent with" if self.passed else "VIOLATES"
        return (f"{verdict} ε = {self.epsilon:g}: worst observed log-ratio {self.worst_log_ratio:.3f}, "
                f"worst lower bound {self.worst_lower_bound:.3f} ({self.n_bins} bins, {self.n_samples:,} draws "
                f"per dataset, family-wise α = {self.alpha})")


def empirical_privacy_check(mechanism, dataset_a, dataset_b, epsilon: float, *, delta: float = 0.0,
                            n_samples: int = 200_000, n_bins: int = 20, alpha: float = 0.05,
                            rng: np.random.Generator | None = None) -> PrivacyCheck:
    """Test whether ``mechanism`` on two neighbouring datasets keeps P[A ∈ S] ≤ e^ε P[B ∈ S] + δ (section 7.1).

    ``mechanism(dataset, rng, size)`` must return ``size`` scalar releases. Both datasets get ``n_samples``
    draws; the outputs are binned into ``n_bins`` bins at quantiles of the pooled draws (a mechanism with at most
    ``n_bins`` distinct outputs, such as randomised response, gets one bin per output). For each bin S and each
    direction, a one-sided Clopper-Pearson bound gives a lower bound on P[A ∈ S] and an upper bound on
    P[B ∈ S]; the mechanism is rejected if, for some bin, lower_A > e^ε · upper_B + δ. The 2·n_bins bounds are
    Bonferroni-corrected (each at level α / (2·n_bins) per side, α / (4·n_bins) per bound), so a mechanism that
    is ε-DP is wrongly rejected with probability at most α.
    """
    from scipy.stats import beta

    epsilon, delta = _check_epsilon(epsilon), _check_delta(delta)
    if not callable(mechanism):
        raise TypeError("mechanism must be a function mechanism(dataset, rng, size) returning `size` releases")
    n = check_count(n_samples, "n_samples", minimum=100)
    check_memory("n_samples", n, 6 * 8 * n)  # two sets of releases, pooled, sorted and binned
    n_bins = check_count(n_bins, "n_bins", minimum=2, maximum=max(100, n // 10))  # ten draws a bin, at least
    alpha = check_probability(alpha, "alpha")
    rng = np.random.default_rng(0) if rng is None else as_rng(rng)
    out_a = np.asarray(mechanism(dataset_a, rng, n), dtype=float).ravel()
    out_b = np.asarray(mechanism(dataset_b, rng, n), dtype=float).ravel()
    if out_a.size != n or out_b.size != n:
        raise ValueError(f"the mechanism must return {n} scalar releases per call, got {out_a.size} and {out_b.size}")
    if not (np.isfinite(out_a).all() and np.isfinite(out_b).all()):
        raise ValueError("the mechanism returned NaN or infinite releases")
    pooled = np.concatenate([out_a, out_b])
    values = np.unique(pooled)
    if len(values) <= n_bins:  # a discrete mechanism (randomised response): every output value is its own bin
        count_a = np.bincount(np.searchsorted(values, out_a), minlength=len(values))
        count_b = np.bincount(np.searchsorted(values, out_b), minlength=len(values))
    else:
        edges = np.unique(np.quantile(pooled, np.linspace(0, 1, n_bins + 1)))
        edges[0], edges[-1] = -np.inf, np.inf
        count_a = np.histogram(out_a, edges)[0]
        count_b = np.histogram(out_b, edges)[0]
    used_bins = len(count_a)
    level = alpha / (4 * used_bins)  # two bounds per comparison, two directions per bin

    def lower(k):  # one-sided Clopper-Pearson lower bound on a binomial proportion
        return np.where(k > 0, beta.ppf(level, np.maximum(k, 1), n - k + 1), 0.0)

    def upper(k):
        return np.where(k < n, beta.ppf(1 - level, k + 1, np.maximum(n - k, 1)), 1.0)

    worst_bound, worst_ratio, violated = -np.inf, 0.0, False
    for k1, k2 in ((count_a, count_b), (count_b, count_a)):
        low, high = lower(k1), upper(k2)
        violated |= bool(np.any(low > math.exp(epsilon) * high + delta))
        with np.errstate(divide="ignore"):
            bound = np.log(np.maximum(low - delta, 0)) - np.log(high)
        worst_bound = max(worst_bound, float(np.max(bound)))
        filled = (k1 >= 30) & (k2 >= 30)
        if filled.any():
            worst_ratio = max(worst_ratio, float(np.max(np.log(k1[filled] / k2[filled]))))
    return PrivacyCheck(passed=not violated, epsilon=epsilon, worst_log_ratio=worst_ratio,
                        worst_lower_bound=worst_bound, n_bins=used_bins, n_samples=n, alpha=alpha)


# ---------------------------------------------------------------------------------------------------------------
# PATE-GAN: aggregation and the moments accountant (Jordon et al., 2019, algorithm 1)


def pate_aggregate(teacher_votes, lap_scale: float, rng: np.random.Generator, n_classes: int = 2):
    """PATE's noisy-max aggregation (section 7.1): count the teachers' votes per class, add Laplace(lap_scale)
    noise to every count, return (labels, counts).

    ``teacher_votes`` is an integer array (n_teachers, n_queries) of class indices; ``lap_scale`` = 1/λ in
    PATE-GAN's notation (0 gives the noiseless majority; ties go to the lower class). ``counts`` are the
    noiseless counts (n_queries, n_classes) that the accountant needs.
    """
    votes = np.asarray(teacher_votes)
    if votes.ndim != 2:
        raise ValueError(f"teacher_votes must be 2-D (n_teachers, n_queries), got shape {votes.shape}")
    if votes.size == 0:
        raise ValueError(f"teacher_votes is empty (shape {votes.shape}): no teacher voted")
    if not np.issubdtype(votes.dtype, np.integer):
        raise TypeError(f"teacher_votes must hold integer class indices, got an array of {votes.dtype}")
    n_classes = check_count(n_classes, "n_classes", minimum=2)
    check_memory("n_classes", n_classes, 3 * 8 * votes.shape[1] * n_classes)  # counts, noise and their sum
    rng = as_rng(rng)
    if votes.size and (votes.min() < 0 or votes.max() >= n_classes or not np.issubdtype(votes.dtype, np.integer)):
        raise ValueError(f"teacher_votes must hold integer class indices in 0..{n_classes - 1}")
    lap_scale = check_real(lap_scale, "lap_scale")
    if not math.isfinite(lap_scale) or lap_scale < 0:
        raise ValueError(f"lap_scale must be ≥ 0, got {lap_scale!r}")
    counts = np.stack([(votes == c).sum(axis=0) for c in range(n_classes)], axis=1).astype(float)
    noisy = counts + (rng.laplace(0.0, lap_scale, size=counts.shape) if lap_scale > 0 else 0.0)
    return noisy.argmax(axis=1), counts


def pate_moments(counts, lam: float, orders=tuple(range(1, 101))) -> np.ndarray:
    """The moments-accountant increments α(l) of PATE-GAN's algorithm 1 for a batch of queries (section 7.1).

    For each query with two-class vote counts (n0, n1) and Laplace noise of scale 1/λ:
    q = (2 + λ|n0 − n1|) / (4 exp(λ|n0 − n1|)) and
    α(l) += min(2λ² l (l + 1), log((1 − q) ((1 − q)/(1 − e^{2λ} q))^l + q e^{2λ l})),
    the data-dependent term used only where it is valid (q < (e^{2λ} − 1)/(e^{4λ} − 1), Papernot et al., 2017).
    Returns the summed increments, one per order in ``orders``.
    """
    lam = _number(lam, "lam")
    if not math.isfinite(lam) or lam <= 0:
        raise ValueError(f"λ must be a positive number (the Laplace scale is 1/λ), got {lam!r}")
    try:
        counts = np.asarray(counts, dtype=float)
    except (TypeError, ValueError) as error:
        raise TypeError(f"counts must be numbers of votes, could not convert them ({error})") from None
    if counts.ndim != 2 or counts.shape[1] != 2:
        raise ValueError(f"counts must have shape (n_queries, 2), got {counts.shape}")
    if not np.isfinite(counts).all() or (counts < 0).any():
        raise ValueError("counts must be finite vote counts ≥ 0 (no NaN, inf or negative counts)")
    orders = _orders(orders)
    gap = np.abs(counts[:, 0] - counts[:, 1])[:, None]
    q = (2 + lam * gap) / (4 * np.exp(lam * gap))
    independent = 2 * lam**2 * orders * (orders + 1)
    valid = q < (math.exp(2 * lam) - 1) / (math.exp(4 * lam) - 1)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ratio = np.where(valid, (1 - q) / (1 - math.exp(2 * lam) * q), 1.0)
        dependent = np.log((1 - q) * ratio**orders + q * np.exp(2 * lam * orders))
    dependent = np.where(valid & np.isfinite(dependent), dependent, np.inf)
    return np.minimum(independent, dependent).sum(axis=0)


def _orders(orders) -> np.ndarray:
    orders = as_sample(orders, "orders")
    if (orders <= 0).any():
        raise ValueError(f"orders must be positive moment orders, got {orders[orders <= 0][0]}")
    return orders


@dataclass
class MomentsAccountant:
    """Bookkeeping of the moments accountant for PATE's noisy aggregation (section 7.1)."""

    lam: float
    orders: tuple = tuple(range(1, 101))
    alpha: np.ndarray = field(default=None, repr=False)
    n_queries: int = 0

    def __post_init__(self):
        self.lam = check_positive(self.lam, "lam (λ)")
        _orders(self.orders)
        self.alpha = np.zeros(len(self.orders))

    def add(self, counts) -> None:
        """Account for the queries whose noiseless vote counts (n_queries, 2) are ``counts``."""
        self.alpha = self.alpha + pate_moments(counts, self.lam, self.orders)
        self.n_queries += len(np.asarray(counts))

    def epsilon(self, delta: float) -> float:
        """ε spent so far at ``delta``: min over orders l of (α(l) + log(1/δ)) / l."""
        delta = _check_delta(delta)
        if delta == 0:
            raise ValueError("the moments accountant gives (ε, δ) guarantees: δ must be > 0")
        orders = np.asarray(self.orders, dtype=float)
        return float(np.min((self.alpha + math.log(1 / delta)) / orders))


# ---------------------------------------------------------------------------------------------------------------
# A small tabular dataset, GANs and the attack


def adult_numeric(frame) -> np.ndarray:
    """Adult as a small numeric table in [0, 1] (section 7.1): age, years of education, hours per week (scaled by
    fixed ranges) and four 0/1 columns: male, married, white, income > 50K (the last column)."""
    import pandas as pd

    if not isinstance(frame, pd.DataFrame):
        raise TypeError("pass the Adult table as a pandas DataFrame (synthlib.load_adult().data['train'])")
    if frame.empty:
        raise ValueError("frame is empty: pass the Adult table (synthlib.load_adult().data['train'])")
    columns = {
        "age": (frame["age"].clip(17, 90) - 17) / 73,
        "education_num": (frame["education_num"].clip(1, 16) - 1) / 15,
        "hours_per_week": (frame["hours_per_week"].clip(1, 99) - 1) / 98,
        "male": frame["sex"].astype(str).str.strip().eq("Male"),
        "married": frame["marital_status"].astype(str).str.startswith("Married"),
        "white": frame["race"].astype(str).str.strip().eq("White"),
        "income": frame["income"].astype(str).str.strip().str.rstrip(".").eq(">50K"),
    }
    return pd.DataFrame(columns).astype(float).to_numpy()


def pca_features(train_images, test_images, n_components: int = 60):
    """Project flattened images onto their first ``n_components`` principal components (section 7.1), as
    Abadi et al. (2016) do before DP-SGD on MNIST: returns float32 arrays (train, test), scaled so the first
    component has unit variance. The projection is fitted on ``train_images`` without privacy (Abadi et al.
    use a differentially private PCA), which the chapter states."""
    from sklearn.decomposition import PCA

    n_components = check_count(n_components, "n_components", minimum=1)
    train, test = (as_sample(images, name, ndim=3) for images, name in ((train_images, "train_images"),
                                                                        (test_images, "test_images")))
    train, test = (images.astype(np.float32).reshape(len(images), -1) / 255 for images in (train, test))
    if train.shape[1] != test.shape[1]:
        raise ValueError(f"train and test images must have the same size, got {train.shape} and {test.shape}")
    if not 1 <= int(n_components) <= min(train.shape):
        raise ValueError(f"n_components must lie in 1..{min(train.shape)}, got {n_components!r}")
    pca = PCA(int(n_components), random_state=0).fit(train)
    scale = np.sqrt(pca.explained_variance_[0])
    return (pca.transform(train) / scale).astype(np.float32), (pca.transform(test) / scale).astype(np.float32)


def fit_classifier_epochs(net, optimizer, loader, epochs: int) -> None:
    """Train ``net`` with cross-entropy for ``epochs`` passes over ``loader`` (section 7.1's DP-SGD loop).

    Works for a plain optimizer and for Opacus's private one: the empty batches that Poisson sampling can draw are
    skipped, and Opacus's notices (insecure RNG in teaching mode, backward hooks) are silenced."""
    import warnings

    import torch

    epochs = check_count(epochs, "epochs", minimum=1, maximum=MAX_EPOCHS)
    for value, name in ((net, "net"), (optimizer, "optimizer")):
        if not hasattr(value, "zero_grad"):
            raise TypeError(f"{name} must be a torch {'network' if name == 'net' else 'optimizer'}, got "
                            f"{type(value).__name__}")
    if not hasattr(loader, "__iter__") or isinstance(loader, (str, bytes)):
        raise TypeError(f"loader must yield (inputs, targets) batches (a torch DataLoader), got {type(loader).__name__}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(int(epochs)):
            for inputs, targets in loader:
                if len(inputs) == 0:
                    continue
                loss = torch.nn.functional.cross_entropy(net(inputs), targets)
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()


ADULT_NUMERIC_COLUMNS = ["age", "education_num", "hours_per_week", "male", "married", "white", "income"]


def _mlp(n_in, n_out, hidden, out=None):
    import torch.nn as nn

    layers = [nn.Linear(n_in, hidden), nn.LeakyReLU(0.2), nn.Linear(hidden, hidden), nn.LeakyReLU(0.2),
              nn.Linear(hidden, n_out)]
    if out is not None:
        layers.append(out)
    return nn.Sequential(*layers)


@dataclass
class PateGanResult:
    """What :func:`train_pate_gan` and :func:`train_plain_gan` return (section 7.1)."""

    generator: object
    epsilon: float  # ε spent (inf for the non-private GAN)
    delta: float
    iterations: int
    n_queries: int
    seed: int
    binary: tuple = ()  # PATE-GAN: the 0/1 columns its generator draws as Bernoulli variables
    mean_vote_gap: float = math.nan  # PATE-GAN: the average |votes "real" − votes "generated"| of its paid queries

    def sample(self, n: int, binary_columns=(3, 4, 5, 6)) -> np.ndarray:
        """Draw ``n`` synthetic rows (section 7.1). PATE-GAN's generator draws its 0/1 columns itself; for the
        non-private GAN the columns ``binary_columns`` are rounded."""
        import torch

        generator = torch.Generator().manual_seed(self.seed + 12345)
        with torch.no_grad():
            noise = torch.randn(n, self.generator[0].in_features, generator=generator)
            if self.binary:
                return _pate_head(self.generator(noise), list(self.binary), generator, hard=True).numpy().astype(float)
            rows = self.generator(noise).numpy().astype(float)
        rows[:, list(binary_columns)] = rows[:, list(binary_columns)].round()
        return rows


def _pate_head(logits, binary, generator, hard=True, temperature=0.5):
    """Turn generator logits into a row: sigmoid for the continuous columns, and for the 0/1 columns a
    Bernoulli draw whose gradient is that of its Gumbel-sigmoid relaxation (straight-through)."""
    import torch

    uniform = torch.rand(logits.shape, generator=generator).clamp(1e-6, 1 - 1e-6)
    soft = torch.sigmoid((logits + torch.log(uniform) - torch.log1p(-uniform)) / temperature)
    draws = (soft > 0.5).float()
    draws = draws + soft - soft.detach() if not hard else draws
    mask = torch.zeros(logits.shape[1], dtype=torch.bool)
    mask[binary] = True
    return torch.where(mask, draws, torch.sigmoid(logits))


def _check_table(data):
    data = as_sample(data, "data", ndim=None).astype(np.float32)  # numbers only, no NaN or inf
    if data.ndim != 2 or len(data) < 2:
        raise ValueError(f"data must be a 2-D table of rows, got shape {data.shape}")
    if data.min() < 0 or data.max() > 1:
        raise ValueError("scale every column of data to [0, 1] first (see synthlib.adult_numeric)")
    return data


def train_pate_gan(data, *, epsilon: float, delta: float = 1e-5, n_teachers: int = 300, lam: float = 0.02,
                   max_iterations: int = 1_000, batch_size: int = 32, teacher_steps: int = 1,
                   student_steps: int = 1, warmup_steps: int = 100, teacher_lr: float = 1e-3,
                   noise_dim: int = 16, hidden: int = 64, lr: float = 2e-4, seed: int = 0,
                   binary_columns=None, progress: bool = False) -> PateGanResult:
    """A small PATE-GAN (Jordon et al., ICLR 2019, algorithm 1; section 7.1).

    The rows of ``data`` (in [0, 1]) are split into ``n_teachers`` disjoint partitions. Each iteration:
    every teacher, a logistic regression, takes ``teacher_steps`` gradient steps at telling its own partition
    (label 1) from generated rows (label 0); the teachers vote on ``batch_size`` fresh generated rows; the votes
    are aggregated with Laplace noise of scale 1/λ (:func:`pate_aggregate`) and the student discriminator, which
    never sees real data, takes ``student_steps`` steps on those rows and their noisy labels; the generator takes
    one step at making the student answer "real". The moments accountant (:class:`MomentsAccountant`) tracks the
    cost of the votes and training stops before ε (at δ) would be exceeded, or after ``max_iterations``.

    Choices that make it learn rather than collapse: the 0/1 columns (detected in ``data``) are drawn as
    Bernoulli variables (straight-through gradient), so generated rows have the real rows' support and some of
    them land on the teachers' "real" side from the start; many teachers (a large vote gap makes a confident
    vote cheap under the data-dependent bound) with much noise (a small λ makes a split vote affordable); the
    teachers first take ``warmup_steps`` steps before any vote; a slow generator (``lr``), so that the few
    affordable votes are not wasted on a moving target. As in the paper, the accountant uses the
    data-dependent bound, so the reported ε itself depends on the data (Papernot et al., 2017, release it
    only after smoothing).

    ``binary_columns`` (the positions of the 0/1 columns) should be declared from public knowledge of the schema.
    Left as ``None``, they are detected in ``data``: a data-dependent choice that no accountant counts, which one
    person with a value between 0 and 1 changes, so the release is then not differentially private (section 7.1
    audits it with a canary).
    """
    seed = check_seed(seed)
    import torch
    import torch.nn.functional as F

    epsilon, delta = _check_epsilon(epsilon), _check_delta(delta)
    if delta == 0:
        raise ValueError("PATE-GAN's accountant gives (ε, δ) guarantees: δ must be > 0")
    data = _check_table(data)
    if binary_columns is not None:
        binary_columns = tuple(check_count(c, "binary_columns", maximum=data.shape[1] - 1) for c in binary_columns)
    n_teachers = check_count(n_teachers, "n_teachers", minimum=1)
    if len(data) < n_teachers:
        raise ValueError(f"need 1 ≤ n_teachers ≤ number of rows, got {n_teachers} teachers for {len(data)} rows")
    batch_size = check_count(batch_size, "batch_size", minimum=1)
    max_iterations = check_count(max_iterations, "max_iterations", maximum=MAX_TRAINING_STEPS)
    teacher_steps = check_count(teacher_steps, "teacher_steps", minimum=1)
    student_steps = check_count(student_steps, "student_steps", minimum=1)
    warmup_steps = check_count(warmup_steps, "warmup_steps", maximum=MAX_TRAINING_STEPS)
    noise_dim = check_count(noise_dim, "noise_dim", minimum=1, maximum=MAX_LAYER_WIDTH)
    hidden = check_count(hidden, "hidden", minimum=1, maximum=MAX_LAYER_WIDTH)
    lam, lr, teacher_lr = check_positive(lam, "lam"), check_positive(lr, "lr"), check_positive(teacher_lr, "teacher_lr")
    seed = check_count(seed, "seed")
    check_memory("batch_size", batch_size, 4 * 4 * n_teachers * batch_size * data.shape[1])  # the teachers' batch
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    gen = torch.Generator().manual_seed(seed)
    n_rows, dim = data.shape
    if binary_columns is None:  # detected in the data: not private (see the docstring)
        binary = tuple(int(c) for c in np.flatnonzero(np.all((data == 0) | (data == 1), axis=0)))
    else:
        binary = binary_columns
    parts = np.array_split(rng.permutation(n_rows), n_teachers)
    size = min(len(p) for p in parts)  # equal partitions (drops at most one row per teacher): one tensor
    partitions = torch.from_numpy(np.stack([data[p[:size]] for p in parts]))

    generator = _mlp(noise_dim, dim, hidden)
    student = _mlp(dim, 1, hidden)
    teacher_w = torch.zeros(n_teachers, dim, requires_grad=True)
    teacher_b = torch.zeros(n_teachers, requires_grad=True)
    opt_t = torch.optim.Adam([teacher_w, teacher_b], lr=teacher_lr)
    opt_s = torch.optim.Adam(student.parameters(), lr=lr)
    opt_g = torch.optim.Adam(generator.parameters(), lr=lr)
    accountant = MomentsAccountant(lam)

    def fake(n):
        return _pate_head(generator(torch.randn(n, noise_dim, generator=gen)), list(binary), gen, hard=False)

    iterations = range(max_iterations)
    if progress:
        from tqdm.auto import tqdm

        iterations = tqdm(iterations, desc=f"PATE-GAN ε={epsilon:g}", leave=False)
    done, gap_total = 0, 0.0
    for step in iterations:
        for _ in range(teacher_steps + (warmup_steps if step == 0 else 0)):  # teachers: own partition (1) against generated rows (0)
            with torch.no_grad():
                generated = fake(batch_size)
            index = torch.randint(size, (n_teachers, batch_size, 1), generator=gen).expand(-1, -1, dim)
            real = torch.gather(partitions, 1, index)
            logit_real = (real * teacher_w[:, None, :]).sum(-1) + teacher_b[:, None]
            logit_fake = generated @ teacher_w.T + teacher_b
            loss = (F.binary_cross_entropy_with_logits(logit_real, torch.ones_like(logit_real))
                    + F.binary_cross_entropy_with_logits(logit_fake, torch.zeros_like(logit_fake)))
            opt_t.zero_grad()
            loss.backward()
            opt_t.step()
        for _ in range(student_steps):  # student: generated rows labelled by the noisy teacher vote
            with torch.no_grad():
                generated = fake(batch_size)
                votes = ((generated @ teacher_w.T + teacher_b) > 0).T.numpy().astype(int)
            labels, counts = pate_aggregate(votes, 1 / lam, rng)
            trial = MomentsAccountant(lam)
            trial.alpha, trial.n_queries = accountant.alpha.copy(), accountant.n_queries
            trial.add(counts)
            if trial.epsilon(delta) > epsilon:
                break
            accountant = trial
            gap_total += float(np.abs(counts[:, 0] - counts[:, 1]).sum())
            target = torch.from_numpy(labels.astype(np.float32))[:, None]
            loss = F.binary_cross_entropy_with_logits(student(generated), target)
            opt_s.zero_grad()
            loss.backward()
            opt_s.step()
        else:
            generated = fake(batch_size)  # generator: make the student say "real"
            logits = student(generated)
            loss = F.binary_cross_entropy_with_logits(logits, torch.ones_like(logits))
            opt_g.zero_grad()
            loss.backward()
            opt_g.step()
            done += 1
            continue
        break
    spent = accountant.epsilon(delta) if accountant.n_queries else 0.0
    mean_gap = gap_total / accountant.n_queries if accountant.n_queries else math.nan
    return PateGanResult(generator.eval(), spent, delta, done, accountant.n_queries, seed, binary, mean_gap)


def train_plain_gan(data, *, iterations: int = 500, batch_size: int = 64, noise_dim: int = 16, hidden: int = 64,
                    lr: float = 1e-3, seed: int = 0, progress: bool = False) -> PateGanResult:
    """The same generator trained against an ordinary discriminator that sees the real rows (section 7.1):
    the non-private baseline for PATE-GAN."""
    seed = check_seed(seed)
    import torch
    import torch.nn.functional as F

    data = torch.from_numpy(_check_table(data))
    iterations = check_count(iterations, "iterations", minimum=1, maximum=MAX_TRAINING_STEPS)
    batch_size = check_count(batch_size, "batch_size", minimum=1)
    noise_dim = check_count(noise_dim, "noise_dim", minimum=1, maximum=MAX_LAYER_WIDTH)
    hidden = check_count(hidden, "hidden", minimum=1, maximum=MAX_LAYER_WIDTH)
    lr, seed = check_positive(lr, "lr"), check_count(seed, "seed")
    check_memory("batch_size", batch_size, 4 * 8 * batch_size * max(hidden, data.shape[1]))
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    generator = _mlp(noise_dim, data.shape[1], hidden, torch.nn.Sigmoid())
    critic = _mlp(data.shape[1], 1, hidden)
    opt_d = torch.optim.Adam(critic.parameters(), lr=lr)
    opt_g = torch.optim.Adam(generator.parameters(), lr=lr)
    steps = range(iterations)
    if progress:
        from tqdm.auto import tqdm

        steps = tqdm(steps, desc="non-private GAN", leave=False)
    for _ in steps:
        real = data[torch.randint(len(data), (batch_size,), generator=gen)]
        generated = generator(torch.randn(batch_size, noise_dim, generator=gen))
        logit_real, logit_fake = critic(real), critic(generated.detach())
        loss = (F.binary_cross_entropy_with_logits(logit_real, torch.ones_like(logit_real))
                + F.binary_cross_entropy_with_logits(logit_fake, torch.zeros_like(logit_fake)))
        opt_d.zero_grad()
        loss.backward()
        opt_d.step()
        logits = critic(generated)
        loss = F.binary_cross_entropy_with_logits(logits, torch.ones_like(logits))
        opt_g.zero_grad()
        loss.backward()
        opt_g.step()
    return PateGanResult(generator.eval(), math.inf, 0.0, iterations, 0, seed)


def distance_membership_attack(members, non_members, released) -> float:
    """A distance-based membership-inference attack (section 7.1): score each candidate row by minus its
    Euclidean distance to the nearest released row and return the attack's ROC AUC at telling ``members``
    (training rows) from ``non_members`` (rows the generator never saw). 0.5: no signal; 1: every member found."""
    from sklearn.metrics import roc_auc_score
    from sklearn.neighbors import NearestNeighbors

    members, non_members, released = (as_sample(a, name, ndim=None) for a, name in
                                      ((members, "members"), (non_members, "non_members"), (released, "released")))
    if not (members.ndim == non_members.ndim == released.ndim == 2) or len({members.shape[1],
                                                                             non_members.shape[1],
                                                                             released.shape[1]}) != 1:
        raise ValueError("members, non_members and released must be 2-D tables with the same columns")
    index = NearestNeighbors(n_neighbors=1).fit(released)
    distance = np.concatenate([index.kneighbors(members)[0][:, 0], index.kneighbors(non_members)[0][:, 0]])
    truth = np.r_[np.ones(len(members)), np.zeros(len(non_members))]
    return float(roc_auc_score(truth, -distance))
