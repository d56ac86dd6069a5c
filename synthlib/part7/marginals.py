"""Part 7, section 7.1: differentially private synthetic data from marginals, MST (McKenna, Miklau and Sheldon 2021).

MST measures every 1-way marginal and the 2-way marginals along a maximum spanning tree that it selects privately
(the exponential mechanism on how far each pair is from independence), adds Gaussian noise under zero-concentrated
DP (zCDP), fits a tree-structured graphical model to the noisy counts and samples from it. Written out in NumPy:
the reference implementation (the ``mbi`` package, private-pgm) fits the same model by mirror descent; the tests
check the two agree. For comparison, ``train_dp_vae`` trains a small VAE with DP-SGD (Opacus) on the same
discretised table. torch and Opacus are imported inside that function: ``import synthlib`` stays light.
"""
from __future__ import annotations

from typing import Callable

import math
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np

from ..common.arguments import (MAX_EPOCHS, MAX_LAYER_WIDTH, as_rng, check_count, check_positive, check_probability,
                                check_real, check_seed, check_work)

__all__ = [
    "zcdp_delta",
    "zcdp_rho",
    "zcdp_epsilon",
    "exponential_mechanism",
    "discretise",
    "undiscretise",
    "MSTModel",
    "fit_mst",
    "marginal_tvd",
    "DPVAEResult",
    "train_dp_vae",
]


# ---------------------------------------------------------------------------------------------------------------
# zCDP accounting: ρ-zCDP ↔ (ε, δ)-DP, the conversion MST uses (Canonne, Kamath and Steinke 2020, proposition 12)


def zcdp_delta(rho: float, epsilon: float) -> float:
    """The δ at which ρ-zCDP implies (ε, δ)-DP: min over α > 1 of exp((α-1)(αρ-ε)) / (α-1) · (1-1/α)^α
    (the bound MST's code computes by bisection on α)."""
    rho, epsilon = check_real(rho, "rho", minimum=0), check_real(epsilon, "epsilon", minimum=0)
    if rho == 0:
        return 0.0
    low, high = 1.01, (epsilon + 1) / (2 * rho) + 2
    for _ in range(200):  # the exponent is convex in α: bisect on the sign of its derivative
        alpha = (low + high) / 2
        if (2 * alpha - 1) * rho - epsilon + math.log1p(-1 / alpha) < 0:
            low = alpha
        else:
            high = alpha
    log_delta = (alpha - 1) * (alpha * rho - epsilon) + alpha * math.log1p(-1 / alpha) - math.log(alpha - 1)
    return min(math.exp(log_delta), 1.0)


def _check_epsilon_delta(epsilon, delta) -> tuple[float, float]:
    return check_positive(epsilon, "epsilon"), check_probability(delta, "delta")


def _bisect(low: float, high: float, below: Callable[[float], bool]) -> tuple[float, float]:
    """Narrow [low, high] around the point where ``below`` turns from True to False (200 halvings)."""
    for _ in range(200):
        middle = (low + high) / 2
        low, high = (middle, high) if below(middle) else (low, middle)
    return low, high


def zcdp_rho(epsilon: float, delta: float) -> float:
    """The largest ρ whose ρ-zCDP guarantee implies (ε, δ)-DP (bisection on :func:`zcdp_delta`)."""
    epsilon, delta = _check_epsilon_delta(epsilon, delta)
    return _bisect(0.0, epsilon + 1.0, lambda rho: zcdp_delta(rho, epsilon) <= delta)[0]


def zcdp_epsilon(rho: float, delta: float) -> float:
    """The smallest ε with ρ-zCDP ⇒ (ε, δ)-DP."""
    rho = check_positive(rho, "rho")
    delta = check_probability(delta, "delta")
    high = rho + 2 * math.sqrt(rho * math.log(1 / delta))  # Bun and Steinke's simpler bound
    return _bisect(0.0, high, lambda epsilon: zcdp_delta(rho, epsilon) > delta)[1]


def exponential_mechanism(scores, epsilon: float, sensitivity: float, rng=None) -> int:
    """Pick index i with probability ∝ exp(ε · score_i / (2 · sensitivity)): ε-DP, and ε²/8-zCDP."""
    try:
        scores = np.asarray(scores, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"scores must be numbers, got {scores!r}"[:200]) from None
    if scores.ndim != 1 or scores.size == 0 or not np.isfinite(scores).all():
        raise ValueError("scores must be a non-empty 1-dimensional array of finite numbers")
    epsilon = check_positive(epsilon, "epsilon")
    sensitivity = check_positive(sensitivity, "sensitivity")
    logits = epsilon * (scores - scores.max()) / (2 * sensitivity)
    probabilities = np.exp(logits) / np.exp(logits).sum()
    return int(as_rng(rng).choice(scores.size, p=probabilities))


# ---------------------------------------------------------------------------------------------------------------
# Discretised tables: a pandas DataFrame of integer codes and a domain {column: number of values}


def discretise(frame, bins: dict) -> tuple:
    """Columns in [0, 1] → integer codes: ``bins[column]`` equal-width bins on [0, 1] (fixed edges, not read from
    the data, so the discretisation spends no privacy). Returns (codes as a DataFrame, domain)."""
    import pandas as pd

    frame = _as_frame(frame, name="frame")
    if not isinstance(bins, dict):
        raise TypeError(f"bins must be a dict {{column: number of bins}}, got {type(bins).__name__}")
    unknown = sorted(set(bins) - set(frame.columns))
    if unknown:
        raise KeyError(f"bins names columns that are not in the table: {unknown}")
    codes, domain = {}, {}
    for column in frame.columns:
        k = check_count(bins.get(column, 2), f"bins[{column!r}]", minimum=2)
        values = frame[column].to_numpy(dtype=float)
        if not np.isfinite(values).all() or values.min() < 0 or values.max() > 1:
            raise ValueError(f"column {column!r} must hold finite values in [0, 1]")
        codes[column] = np.minimum((values * k).astype(int), k - 1)
        domain[column] = k
    return pd.DataFrame(codes), domain


def undiscretise(codes, domain: dict):
    """Integer codes → values in [0, 1]: each bin's midpoint (two bins: 0 and 1, the 0/1 columns back)."""
    import pandas as pd

    codes = _as_frame(codes, domain, name="codes")
    return pd.DataFrame({c: (codes[c].to_numpy() / (domain[c] - 1) if domain[c] == 2
                             else (codes[c].to_numpy() + 0.5) / domain[c]) for c in codes.columns})


def _as_frame(frame, domain: dict | None = None, *, name: str = "codes"):
    import pandas as pd

    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"pass {name} as a pandas DataFrame, got {type(frame).__name__}")
    if len(frame) == 0 or frame.shape[1] == 0:
        raise ValueError(f"{name} is an empty table ({frame.shape[0]} rows, {frame.shape[1]} columns)")
    if domain is not None:
        if not isinstance(domain, dict) or not domain:
            raise TypeError(f"domain must be a non-empty dict {{column: number of values}}, got {domain!r}")
        if list(frame.columns) != list(domain):
            raise KeyError(f"the table's columns {list(frame.columns)} differ from the domain's {list(domain)}")
        for column, size in domain.items():
            values = frame[column].to_numpy()
            if not np.issubdtype(values.dtype, np.integer) or values.min() < 0 or values.max() >= size:
                raise ValueError(f"column {column!r} must hold integer codes 0 … {size - 1}")
    return frame


def _counts(codes, domain: dict, columns: tuple) -> np.ndarray:
    shape = tuple(domain[c] for c in columns)
    flat = np.ravel_multi_index(tuple(codes[c].to_numpy() for c in columns), shape)
    return np.bincount(flat, minlength=int(np.prod(shape))).reshape(shape).astype(float)


# ---------------------------------------------------------------------------------------------------------------
# MST


@dataclass
class MSTModel:
    """A tree-structured model fitted to noisy marginals: ``sample(n)`` draws the root from its 1-way marginal,
    then each child given its parent, along ``edges`` (parent, child) in breadth-first order."""

    domain: dict
    edges: list  # (parent, child) pairs, breadth-first from the root
    root: str
    epsilon: float
    delta: float
    rho: float
    sigma: float  # noise standard deviation of each measured marginal
    one_way: dict = field(repr=False)  # column → noisy counts
    two_way: dict = field(repr=False)  # (a, b) → noisy counts, shape (|a|, |b|)
    selected: list = field(default_factory=list)  # the tree's edges in the order the mechanism chose them

    def distribution(self, column) -> np.ndarray:
        """A noisy 1-way marginal as probabilities: negative counts set to 0, then normalised."""
        return _probabilities(self.one_way[column])

    def conditional(self, parent, child) -> np.ndarray:
        """P(child | parent) from the noisy 2-way counts (rows: parent's values); a parent value with no mass
        falls back on the child's 1-way marginal."""
        joint = self.two_way[(parent, child)] if (parent, child) in self.two_way else self.two_way[(child, parent)].T
        joint = np.clip(joint, 0, None)
        rows = joint.sum(axis=1, keepdims=True)
        fallback = self.distribution(child)[None, :].repeat(len(joint), axis=0)
        return np.where(rows > 0, joint / np.where(rows > 0, rows, 1), fallback)

    def probability(self) -> np.ndarray:
        """The model's joint distribution over the whole domain (axes in the domain's order): for small domains."""
        size = int(np.prod(list(self.domain.values())))
        if size > 10_000_000:
            raise ValueError(f"the domain has {size:,} cells; probability() is for small domains")
        axes = {c: i for i, c in enumerate(self.domain)}
        shape = [1] * len(axes)
        shape[axes[self.root]] = self.domain[self.root]
        joint = self.distribution(self.root).reshape(shape)
        for parent, child in self.edges:
            shape = [1] * len(axes)
            shape[axes[parent]], shape[axes[child]] = self.domain[parent], self.domain[child]
            table = self.conditional(parent, child)
            joint = joint * (table if axes[parent] < axes[child] else table.T).reshape(shape)
        return joint

    def sample(self, n: int, rng=None):
        """n synthetic rows as integer codes (a DataFrame with the domain's columns, in its order)."""
        import pandas as pd

        n, rng = check_count(n, "n", minimum=1), as_rng(rng)
        rows = {self.root: rng.choice(self.domain[self.root], size=n, p=self.distribution(self.root))}
        for parent, child in self.edges:
            cumulative = self.conditional(parent, child).cumsum(axis=1)[rows[parent]]
            cumulative[:, -1] = 1.0
            rows[child] = (rng.random((n, 1)) > cumulative).sum(axis=1)
        return pd.DataFrame({c: rows[c] for c in self.domain})


def _probabilities(counts) -> np.ndarray:
    p = np.clip(np.asarray(counts, dtype=float), 0, None)
    return p / p.sum() if p.sum() > 0 else np.full(p.shape, 1 / p.size)


def fit_mst(codes, domain: dict, epsilon: float, delta: float, rng=None) -> MSTModel:
    """MST at (ε, δ): ρ = zcdp_rho(ε, δ) is split in thirds, for the 1-way measurements, the tree's selection and
    the 2-way measurements. Each measurement adds N(0, σ²) to every cell's count with σ = sqrt(3 / (2ρ)) · sqrt(k)
    for k marginals (sensitivity 1 each under adding or removing one row), as in the authors' code; the selection
    runs d-1 exponential mechanisms at ε₀ = sqrt(8 (ρ/3) / (d-1)) on the L1 distance between each pair's true
    2-way counts and the product of the noisy 1-way marginals. (The authors' code also merges rare values of a
    column into one before the selection; with the few, well-filled bins used here we leave it out.)"""
    epsilon, delta = _check_epsilon_delta(epsilon, delta)
    codes = _as_frame(codes, domain)
    if len(domain) < 2:
        raise ValueError("MST needs at least two columns")
    rng = as_rng(rng)
    rho = zcdp_rho(epsilon, delta)
    columns = list(domain)
    sigma = math.sqrt(3 / (2 * rho))
    # 1. every 1-way marginal: ρ/3 in all
    one_sigma = sigma * math.sqrt(len(columns))
    one_way = {c: _counts(codes, domain, (c,)) + rng.normal(0, one_sigma, domain[c]) for c in columns}
    # 2. the spanning tree: d-1 exponential mechanisms, ρ/3 in all
    total = max(np.mean([m.sum() for m in one_way.values()]), 1.0)
    scores = {}
    for a, b in combinations(columns, 2):
        independent = total * np.outer(_probabilities(one_way[a]), _probabilities(one_way[b]))
        scores[(a, b)] = np.abs(_counts(codes, domain, (a, b)) - independent).sum()
    epsilon_step = math.sqrt(8 * (rho / 3) / (len(columns) - 1))
    component = {c: c for c in columns}

    def find(c):
        while component[c] != c:
            c = component[c]
        return c

    selected = []
    for _ in range(len(columns) - 1):
        candidates = [e for e in scores if find(e[0]) != find(e[1])]
        a, b = candidates[exponential_mechanism([scores[e] for e in candidates], epsilon_step, 1.0, rng)]
        component[find(a)] = find(b)
        selected.append((a, b))
    # 3. the tree's 2-way marginals: ρ/3 in all
    two_sigma = sigma * math.sqrt(len(selected))
    two_way = {e: _counts(codes, domain, e) + rng.normal(0, two_sigma, (domain[e[0]], domain[e[1]]))
               for e in selected}
    # orient the tree: breadth-first from the first column
    root, edges, seen = columns[0], [], {columns[0]}
    frontier = [root]
    while frontier:
        parent = frontier.pop(0)
        for a, b in selected:
            for p, c in ((a, b), (b, a)):
                if p == parent and c not in seen:
                    edges.append((p, c))
                    seen.add(c)
                    frontier.append(c)
    return MSTModel(domain=dict(domain), edges=edges, root=root, epsilon=epsilon, delta=delta, rho=rho,
                    sigma=sigma, one_way=one_way, two_way=two_way, selected=selected)


def marginal_tvd(real_codes, synthetic_codes, domain: dict, way: int = 2) -> float:
    """Average total-variation distance between the real and synthetic tables' ``way``-way marginals (1 or 2):
    0 when every marginal matches, 1 when none overlaps."""
    real = _as_frame(real_codes, domain, name="real_codes")
    synthetic = _as_frame(synthetic_codes, domain, name="synthetic_codes")
    if way not in (1, 2):
        raise ValueError(f"way must be 1 or 2, got {way!r}")
    distances = [0.5 * np.abs(_probabilities(_counts(real, domain, cols))
                              - _probabilities(_counts(synthetic, domain, cols))).sum()
                 for cols in combinations(list(domain), way)]
    return float(np.mean(distances))


# ---------------------------------------------------------------------------------------------------------------
# A generator trained with DP-SGD on the same discretised table: a small VAE on its one-hot encoding


@dataclass
class DPVAEResult:
    """A VAE trained with DP-SGD (Opacus): ``sample(n, rng)`` returns integer codes like MST's."""

    domain: dict
    decoder: object = field(repr=False)
    latent: int
    epsilon: float  # spent, by Opacus's RDP accountant
    delta: float
    noise_multiplier: float
    epochs: int

    def sample(self, n: int, rng=None):
        import pandas as pd
        import torch

        n, rng = check_count(n, "n", minimum=1), as_rng(rng)
        z = torch.from_numpy(rng.standard_normal((n, self.latent)).astype(np.float32))
        with torch.no_grad():
            logits = self.decoder(z).numpy().astype(float)
        columns, start = {}, 0
        for column, size in self.domain.items():
            block = logits[:, start:start + size]
            p = np.exp(block - block.max(axis=1, keepdims=True))
            cumulative = (p / p.sum(axis=1, keepdims=True)).cumsum(axis=1)
            cumulative[:, -1] = 1.0
            columns[column] = (rng.random((n, 1)) > cumulative).sum(axis=1)
            start += size
        return pd.DataFrame(columns)


def train_dp_vae(codes, domain: dict, *, epsilon: float, delta: float, epochs: int = 5, batch_size: int = 512,
                 latent: int = 8, hidden: int = 64, lr: float = 4e-3, max_grad_norm: float = 1.0,
                 seed: int = 0) -> DPVAEResult:
    """A VAE on the one-hot encoding of ``codes`` trained with DP-SGD at (ε, δ): Opacus clips each row's gradient
    to ``max_grad_norm``, adds Gaussian noise, samples batches by Poisson sampling and picks the noise so that
    ``epochs`` passes spend ε (its RDP accountant). Loss: each column's cross-entropy plus the KL term."""
    import warnings

    import torch
    from opacus import PrivacyEngine

    epsilon, delta = _check_epsilon_delta(epsilon, delta)
    codes = _as_frame(codes, domain)
    epochs = check_count(epochs, "epochs", minimum=1, maximum=MAX_EPOCHS)
    check_work("epochs", epochs, epochs * len(codes), 10**10, "row gradients")
    batch_size = check_count(batch_size, "batch_size", minimum=1, maximum=len(codes))
    latent = check_count(latent, "latent", minimum=1, maximum=MAX_LAYER_WIDTH)
    hidden = check_count(hidden, "hidden", minimum=1, maximum=MAX_LAYER_WIDTH)
    lr, max_grad_norm = check_positive(lr, "lr"), check_positive(max_grad_norm, "max_grad_norm")
    seed = check_seed(seed)
    sizes = list(domain.values())
    offsets = np.cumsum([0, *sizes[:-1]])
    onehot = np.zeros((len(codes), sum(sizes)), dtype=np.float32)
    for column, offset in zip(domain, offsets):
        onehot[np.arange(len(codes)), offset + codes[column].to_numpy()] = 1
    torch.manual_seed(seed)

    class VAE(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.encoder = torch.nn.Sequential(torch.nn.Linear(sum(sizes), hidden), torch.nn.ReLU(),
                                               torch.nn.Linear(hidden, 2 * latent))
            self.decoder = torch.nn.Sequential(torch.nn.Linear(latent, hidden), torch.nn.ReLU(),
                                               torch.nn.Linear(hidden, sum(sizes)))

        def forward(self, x):
            mean, log_var = self.encoder(x).chunk(2, dim=1)
            z = mean + torch.randn_like(mean) * (0.5 * log_var).exp()
            return self.decoder(z), mean, log_var

    vae = VAE()
    data = torch.from_numpy(onehot)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(data), batch_size=batch_size, shuffle=True,
                                         generator=torch.Generator().manual_seed(seed))
    optimizer = torch.optim.Adam(vae.parameters(), lr=lr)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Opacus's notices: insecure (but seeded) RNG, backward hooks
        engine = PrivacyEngine(accountant="rdp", secure_mode=False)
        private, optimizer, loader = engine.make_private_with_epsilon(
            module=vae, optimizer=optimizer, data_loader=loader, target_epsilon=epsilon, target_delta=delta,
            epochs=epochs, max_grad_norm=max_grad_norm, noise_generator=torch.Generator().manual_seed(seed + 1))
        for _ in range(epochs):
            for (batch,) in loader:
                if len(batch) == 0:
                    continue
                logits, mean, log_var = private(batch)
                loss = -0.5 * (1 + log_var - mean**2 - log_var.exp()).sum(dim=1).mean()
                for offset, size in zip(offsets, sizes):
                    loss = loss + torch.nn.functional.cross_entropy(logits[:, offset:offset + size],
                                                                    batch[:, offset:offset + size].argmax(1))
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
        spent = engine.get_epsilon(delta)
    vae.decoder.eval()
    return DPVAEResult(domain=dict(domain), decoder=vae.decoder, latent=latent, epsilon=float(spent), delta=delta,
                       noise_multiplier=float(optimizer.noise_multiplier), epochs=epochs)
