"""Section 4.3: diffusion models (DDPM) and flow matching: noise schedules, training losses, samplers with
classifier-free guidance, and the exact denoiser of a Gaussian target. torch is imported lazily.

A *model* here is any callable ``model(x, t, labels)`` that returns a tensor shaped like ``x``: ``t`` is a vector
of times in [0, 1] (one per row), ``labels`` a vector of classes or ``None``. A DDPM model predicts the noise ε
that was added; a flow-matching model predicts the velocity dx/dt. The networks that do so on the page are in
:mod:`synthlib.part4.networks`; the exact Gaussian ones here (``gaussian_noise_predictor``,
``gaussian_velocity``) are what the tests compare the samplers and learned networks with.
"""
from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from ..common.arguments import (MAX_TRAINING_STEPS, as_torch_generator, check_count, check_memory, check_probability,
                                check_real)
from .digits import _check_positive_int, _torch

__all__ = ["DDPMSchedule", "DigitCode", "ddpm_loss", "ddpm_schedule", "drop_labels", "flow_matching_loss",
           "gaussian_noise_predictor", "gaussian_velocity", "guided_prediction", "make_denoiser", "path_straightness",
           "sample_ddpm", "sample_flow"]

#: The "no label" class of classifier-free guidance: the network learns p(x) when it is shown this label.
NULL_CLASS = 10


@dataclass(frozen=True)
class DDPMSchedule:
    """Section 4.3: the discrete noise schedule of DDPM (Ho et al., 2020): ``betas[k]`` for k = 0 .. T − 1 and
    ``alpha_bars[k]`` = Π_{j ≤ k} (1 − β_j), so that x_k = √ᾱ_k · x_0 + √(1 − ᾱ_k) · ε."""

    betas: np.ndarray
    alpha_bars: np.ndarray

    @property
    def steps(self) -> int:
        return len(self.betas)


def ddpm_schedule(steps: int = 1000, beta_start: float = 1e-4, beta_end: float = 0.02) -> DDPMSchedule:
    """Section 4.3: DDPM's linear schedule: β rises linearly from ``beta_start`` to ``beta_end`` over ``steps``."""
    steps = _check_positive_int(steps, "steps")
    check_memory("steps", steps, 16.0 * steps)
    beta_start, beta_end = check_real(beta_start, "beta_start"), check_real(beta_end, "beta_end")
    if not 0 < beta_start <= beta_end < 1:
        raise ValueError(f"need 0 < beta_start ≤ beta_end < 1; got {beta_start}, {beta_end}")
    betas = np.linspace(beta_start, beta_end, steps)
    return DDPMSchedule(betas=betas, alpha_bars=np.cumprod(1 - betas))


def _check_data(x, name: str = "x"):
    torch = _torch()
    if not isinstance(x, torch.Tensor) or x.ndim < 2 or x.shape[0] == 0:
        shape = tuple(x.shape) if hasattr(x, "shape") else type(x).__name__
        raise ValueError(f"{name} must be a non-empty batch tensor shaped N×... (one row per example); got {shape}")
    if not x.is_floating_point():
        raise TypeError(f"{name} must be a float tensor; got {x.dtype}")
    return x


def _check_model(model):
    if not callable(model):
        raise TypeError(f"model must be a callable model(x, t, labels), got {type(model).__name__}")
    return model


def _check_schedule(schedule):
    if not isinstance(schedule, DDPMSchedule):
        raise TypeError(f"schedule must be a DDPMSchedule (from ddpm_schedule), got {type(schedule).__name__}")
    return schedule


def _generator(generator):
    """None (torch's global generator, as torch does) or any form :func:`as_torch_generator` takes."""
    return None if generator is None else as_torch_generator(generator)


def _check_labels(labels, n: int, device, *, allow_null: bool = False, data: str = "x"):
    """``None`` (unconditional) or ``n`` class indices 0..9 as a long tensor on ``device``, one per row of the
    tensor ``data``."""
    torch = _torch()
    if labels is None:
        return None
    try:
        tensor = torch.as_tensor(labels)
    except (TypeError, ValueError, RuntimeError):
        raise TypeError(f"labels must be integer classes, got {type(labels).__name__} "
                        f"{getattr(labels, 'dtype', '')}") from None
    if tensor.is_floating_point() or tensor.dtype == torch.bool or tensor.shape != (n,):
        raise ValueError(f"labels must be {n} integer classes, one per row of {data}; got shape "
                         f"{tuple(tensor.shape)}, dtype {tensor.dtype}")
    if n == 0:
        raise ValueError("labels is empty")
    top = NULL_CLASS if allow_null else NULL_CLASS - 1
    if tensor.min() < 0 or tensor.max() > top:
        bad = tensor[(tensor < 0) | (tensor > top)][0].item()
        raise ValueError(f"unknown class {bad}: labels must be digits 0–{top}")
    return tensor.long().to(device)


def _check_scale(guidance) -> float:
    if isinstance(guidance, bool) or not isinstance(guidance, numbers.Real) or not np.isfinite(guidance):
        raise ValueError(f"the guidance scale must be a finite number, got {guidance!r}")
    return float(guidance)


def _check_guidance_inputs(model, x, t, labels, guidance):
    _check_model(model)
    x, guidance = _check_data(x), _check_scale(guidance)
    if not isinstance(t, _torch().Tensor) or t.shape != (len(x),):
        raise ValueError(f"t must be a tensor of {len(x)} times (one per row of x); got "
                         f"{tuple(t.shape) if hasattr(t, 'shape') else type(t).__name__}")
    return x, t, _check_labels(labels, len(x), x.device, allow_null=True), guidance


_NO_SCHEDULE = object()


def _check_loss_inputs(model, x, labels, generator, name: str, schedule=_NO_SCHEDULE):
    """The checked data ``x`` (the argument ``name``), labels (the null class allowed) and torch generator; the
    model and (for DDPM) the schedule checked too."""
    _check_model(model)
    if schedule is not _NO_SCHEDULE:
        _check_schedule(schedule)
    x = _check_data(x, name)
    return x, _check_labels(labels, len(x), x.device, allow_null=True, data=name), _generator(generator)


def drop_labels(labels, p: float = 0.1, generator=None):
    """Section 4.3: replace each label by the null class (10) with probability ``p``: one network then learns
    both the conditional and the unconditional model, which classifier-free guidance combines."""
    torch = _torch()
    if not hasattr(labels, "__len__"):
        raise TypeError(f"labels must be a sequence of integer classes, got {type(labels).__name__}")
    labels = _check_labels(labels, len(labels), None, data="labels")
    p, generator = check_probability(p, "p", closed=True), _generator(generator)
    drop = torch.rand(len(labels), generator=generator).to(labels.device) < p
    return torch.where(drop, torch.full_like(labels, NULL_CLASS), labels)


def guided_prediction(model, x, t, labels, guidance: float = 1.0):
    """Section 4.3: classifier-free guidance (Ho & Salimans, 2022): ``u + s·(c − u)`` with c the prediction for
    ``labels``, u the prediction for the null class and s = ``guidance``. s = 1 is the plain conditional model,
    s = 0 the unconditional one; s > 1 pushes samples towards what makes them typical of their class."""
    torch = _torch()
    x, t, labels, guidance = _check_guidance_inputs(model, x, t, labels, guidance)
    if labels is None or guidance == 1:
        return model(x, t, labels)
    null = torch.full_like(labels, NULL_CLASS)
    both = model(torch.cat([x, x]), torch.cat([t, t]), torch.cat([labels, null]))  # one batched call
    conditional, unconditional = both.chunk(2)
    return unconditional + guidance * (conditional - unconditional)


# ---------------------------------------------------------------------------------------------------------------
# Training losses


def _times(n: int, device, generator):
    torch = _torch()
    return torch.rand(n, generator=generator).to(device)


def flow_matching_loss(model, x1, labels=None, generator=None):
    """Section 4.3: conditional flow matching with straight paths (Lipman et al., 2023; Liu et al., 2023).

    x_t = (1 − t)·x_0 + t·x_1 with x_0 ~ N(0, I) noise and x_1 data, t ~ U(0, 1); the network learns the
    velocity of that path, x_1 − x_0, by least squares. Returns the batch-mean squared error.
    """
    torch = _torch()
    x1, labels, generator = _check_loss_inputs(model, x1, labels, generator, "x1")
    x0 = torch.randn(x1.shape, generator=generator).to(x1.device)
    t = _times(len(x1), x1.device, generator)
    tb = t.view(-1, *[1] * (x1.ndim - 1))
    xt = (1 - tb) * x0 + tb * x1
    return ((model(xt, t, labels) - (x1 - x0)) ** 2).mean()


def ddpm_loss(model, x0, schedule: DDPMSchedule, labels=None, generator=None):
    """Section 4.3: DDPM's simplified loss (Ho et al., 2020): noise the data to a random step k,
    x_k = √ᾱ_k x_0 + √(1 − ᾱ_k) ε, and regress ε. The network sees the time as t = (k + 1) / T."""
    torch = _torch()
    x0, labels, generator = _check_loss_inputs(model, x0, labels, generator, "x0", schedule)
    k = torch.randint(0, schedule.steps, (len(x0),), generator=generator)
    alpha_bar = torch.as_tensor(schedule.alpha_bars, dtype=x0.dtype)[k].to(x0.device)
    ab = alpha_bar.view(-1, *[1] * (x0.ndim - 1))
    noise = torch.randn(x0.shape, generator=generator).to(x0.device)
    xk = ab.sqrt() * x0 + (1 - ab).sqrt() * noise
    t = ((k + 1) / schedule.steps).to(x0.dtype).to(x0.device)
    return ((model(xk, t, labels) - noise) ** 2).mean()


# ---------------------------------------------------------------------------------------------------------------
# Samplers


def _check_sampler_inputs(model, noise, labels, steps):
    _check_model(model)
    noise = _check_data(noise, "noise")
    if not _torch().isfinite(noise).all():
        raise ValueError("noise contains NaN or infinite values")
    steps = check_count(_check_positive_int(steps, "steps"), "steps", maximum=MAX_TRAINING_STEPS)
    return noise, _check_labels(labels, len(noise), noise.device, data="noise"), steps


def sample_flow(model, noise, labels=None, *, steps: int = 20, guidance: float = 1.0, return_path: bool = False):
    """Section 4.3: integrate dx/dt = v(x, t) from t = 0 (``noise``) to t = 1 (data) with ``steps`` Euler steps.

    Returns the samples, or with ``return_path`` the whole trajectory (steps + 1 states, stacked on a new first
    axis). Deterministic: the same noise gives the same samples.
    """
    torch = _torch()
    x, labels, steps = _check_sampler_inputs(model, noise, labels, steps)
    guidance = _check_scale(guidance)
    path = [x]
    with torch.no_grad():
        for i in range(steps):
            t = torch.full((len(x),), i / steps, device=x.device, dtype=x.dtype)
            x = x + guided_prediction(model, x, t, labels, guidance) / steps
            path.append(x)
    return torch.stack(path) if return_path else x


def sample_ddpm(model, noise, schedule: DDPMSchedule, labels=None, *, steps: int = 50, guidance: float = 1.0,
                eta: float = 0.0, generator=None, return_path: bool = False):
    """Section 4.3: generate with a noise-predicting model, visiting ``steps`` of the schedule's T steps.

    ``eta = 1`` is DDPM's ancestral sampler (fresh noise at each step; with steps = T it is Ho et al.'s
    algorithm 2), ``eta = 0`` the deterministic DDIM sampler (Song et al., 2021), which integrates the
    probability-flow ODE and so, like flow matching, maps each noise to one sample.
    """
    torch = _torch()
    schedule = _check_schedule(schedule)
    x, labels, steps = _check_sampler_inputs(model, noise, labels, steps)
    if steps > schedule.steps:
        raise ValueError(f"steps must be at most the schedule's {schedule.steps}, got {steps}")
    eta, guidance = check_real(eta, "eta", minimum=0, maximum=1), _check_scale(guidance)
    generator = _generator(generator)
    ks = np.linspace(schedule.steps - 1, 0, steps).round().astype(int)  # from pure noise down to step 0
    alpha_bars = schedule.alpha_bars
    path = [x]
    with torch.no_grad():
        for i, k in enumerate(ks):
            ab = float(alpha_bars[k])
            ab_prev = float(alpha_bars[ks[i + 1]]) if i + 1 < len(ks) else 1.0
            t = torch.full((len(x),), (k + 1) / schedule.steps, device=x.device, dtype=x.dtype)
            eps = guided_prediction(model, x, t, labels, guidance)
            x0 = (x - np.sqrt(1 - ab) * eps) / np.sqrt(ab)  # the model's current guess of the clean data
            sigma = eta * np.sqrt((1 - ab_prev) / (1 - ab) * (1 - ab / ab_prev))
            x = np.sqrt(ab_prev) * x0 + np.sqrt(max(1 - ab_prev - sigma ** 2, 0.0)) * eps
            if sigma > 0:
                x = x + sigma * torch.randn(x.shape, generator=generator).to(x.device)
            path.append(x)
    return torch.stack(path) if return_path else x


def path_straightness(path) -> np.ndarray:
    """Section 4.3: for each sample, the straight-line distance from its first to its last state divided by the
    length of the path it travelled (``path`` shaped steps+1 × N × ...). 1 for a straight path, less if it bends."""
    torch = _torch()
    if not isinstance(path, torch.Tensor) or path.ndim < 3 or len(path) < 2:
        raise ValueError("path must be a tensor shaped (steps + 1) × N × ..., e.g. from return_path=True")
    if not torch.isfinite(path).all():
        raise ValueError("path contains NaN or infinite values")
    flat = path.flatten(2).double()
    chord = (flat[-1] - flat[0]).norm(dim=-1)
    length = flat.diff(dim=0).norm(dim=-1).sum(dim=0)
    return (chord / length.clamp(min=1e-12)).cpu().numpy()


# ---------------------------------------------------------------------------------------------------------------
# A Gaussian target, whose denoiser is known exactly


def _check_gaussian(mean, var):
    """The target's mean and variances, checked once when the model is built: finite numbers, variances > 0."""
    arrays = []
    for name, value in (("mean", mean), ("var", var)):
        if _torch().is_tensor(value):
            value = value.detach().cpu().numpy()
        array = np.asarray(value)
        if array.dtype.kind not in "biuf":  # "0.5" would convert: text is refused, not read as a number
            raise TypeError(f"{name} must be a number or an array of numbers, got {value!r}")
        array = array.astype(float)
        if array.size == 0 or not np.isfinite(array).all():
            raise ValueError(f"{name} must hold finite numbers, got {value!r}")
        arrays.append(array)
    if (arrays[1] <= 0).any():
        raise ValueError(f"var (the target's variances) must be positive, got {var!r}")


def _gaussian_parts(x, mean, var):
    torch = _torch()
    mean = torch.as_tensor(mean, dtype=x.dtype, device=x.device)
    var = torch.as_tensor(var, dtype=x.dtype, device=x.device)
    if (var <= 0).any():
        raise ValueError("the target's variances must be positive")
    return mean, var


def gaussian_velocity(mean, var):
    """Section 4.3: the exact flow-matching velocity E[x_1 − x_0 | x_t] for data x_1 ~ N(mean, diag(var)).

    With x_t = (1 − t) x_0 + t x_1: x_t ~ N(t·m, (1 − t)² + t²·s²), and the regression of x_1 − x_0 on x_t is
    linear. Returns a model ``f(x, t, labels)`` (labels ignored).
    """
    _check_gaussian(mean, var)

    def velocity(x, t, labels=None):
        m, s2 = _gaussian_parts(x, mean, var)
        tb = t.view(-1, *[1] * (x.ndim - 1))
        total = (1 - tb) ** 2 + tb ** 2 * s2
        centred = x - tb * m
        data = m + tb * s2 / total * centred  # E[x_1 | x_t]
        noise = (1 - tb) / total * centred  # E[x_0 | x_t]
        return data - noise

    return velocity


def gaussian_noise_predictor(mean, var, schedule: DDPMSchedule):
    """Section 4.3: the exact DDPM noise prediction E[ε | x_k] for data x_0 ~ N(mean, diag(var)), as a model
    ``f(x, t, labels)`` with t = (k + 1) / T as in :func:`ddpm_loss`. It is −√(1 − ᾱ) times the score."""
    torch = _torch()
    _check_gaussian(mean, var)
    _check_schedule(schedule)

    def predict(x, t, labels=None):
        m, s2 = _gaussian_parts(x, mean, var)
        k = (t * schedule.steps).round().long().cpu() - 1
        ab = torch.as_tensor(schedule.alpha_bars, dtype=x.dtype)[k].to(x.device).view(-1, *[1] * (x.ndim - 1))
        return (1 - ab).sqrt() / (ab * s2 + 1 - ab) * (x - ab.sqrt() * m)

    return predict


class DigitCode:
    """Section 4.3: digits as ``dim`` whitened principal components, and back: the simplest autoencoder.

    ``encode`` maps N×28×28 digits (uint8, or floats in [0, 1]) to an N×dim float32 tensor whose coordinates have
    mean 0 and variance 1 over the training digits, the scale of the noise; ``decode`` maps codes back to
    N×28×28 float32 NumPy images, clipped to [0, 1]. Latent diffusion (Rombach et al., 2022) runs the diffusion in
    the code space of a learned autoencoder; this is the linear version of that idea.
    """

    def __init__(self, images, dim: int = 64):
        dim = _check_positive_int(dim, "dim")
        pixels = self._pixels(images)
        if dim > min(pixels.shape):
            raise ValueError(f"dim must be at most {min(pixels.shape)} for {len(pixels)} digits, got {dim}")
        self.mean = pixels.mean(axis=0)
        _, singular, vt = np.linalg.svd(pixels - self.mean, full_matrices=False)
        self.components, self.scales = vt[:dim], singular[:dim] / np.sqrt(len(pixels) - 1)
        self.dim = dim

    @staticmethod
    def _pixels(images) -> np.ndarray:
        from .digits import as_digit_batch

        return as_digit_batch(images).numpy().reshape(-1, 28 * 28).astype(np.float64)

    def encode(self, images, device: str = "cpu"):
        torch = _torch()
        codes = (self._pixels(images) - self.mean) @ self.components.T / self.scales
        return torch.as_tensor(codes, dtype=torch.float32, device=device)

    def decode(self, codes) -> np.ndarray:
        torch = _torch()
        array = codes.detach().double().cpu().numpy() if isinstance(codes, torch.Tensor) else np.asarray(codes, float)
        if array.ndim != 2 or array.shape[1] != self.dim:
            raise ValueError(f"codes must be shaped N×{self.dim}; got {array.shape}")
        pixels = (array * self.scales) @ self.components + self.mean
        return np.clip(pixels, 0, 1).reshape(-1, 28, 28).astype(np.float32)


def make_denoiser(kind: str = "digits", **sizes):
    """Section 4.3: a fresh network for ``kind`` "points" (2-d toy data) or "digits" (class-conditional codes of
    digits, see :class:`DigitCode`): :class:`~synthlib.part4.networks.PointDenoiser` or ``DigitDenoiser``."""
    from .networks import DigitDenoiser, PointDenoiser

    kinds = {"points": PointDenoiser, "digits": DigitDenoiser}
    if kind not in kinds:
        raise ValueError(f"kind must be one of {sorted(kinds)}, got {kind!r}")
    return kinds[kind](**sizes)
