"""Section 4.2: GANs on 2-d toys (a ring of Gaussians, counted mode by mode) and the Wasserstein GAN's gradient
penalty. torch is imported lazily."""
from __future__ import annotations

import numpy as np

from ..common.arguments import as_rng, as_sample, as_torch_generator, check_count, check_memory, check_positive, \
    check_real
from .digits import _check_module, _check_positive_int, _check_tensor, _torch

__all__ = ["gradient_penalty", "make_point_gan", "mode_coverage", "ring_centres", "ring_of_gaussians",
           "wasserstein_critic_loss"]

#: The most modes a ring may have: far above any use, and the distance table of mode_coverage stays small.
MAX_MODES = 10_000


def ring_centres(modes: int = 8, radius: float = 2.0) -> np.ndarray:
    """Section 4.2: the centres of ``modes`` Gaussians evenly spaced on a circle of ``radius``, a modes×2 array
    (the first on the positive x axis)."""
    modes = check_count(_check_positive_int(modes, "modes"), "modes", maximum=MAX_MODES)
    radius = check_positive(radius, "radius")
    angles = 2 * np.pi * np.arange(modes) / modes
    return radius * np.c_[np.cos(angles), np.sin(angles)]


def ring_of_gaussians(n: int, modes: int = 8, radius: float = 2.0, std: float = 0.02, rng=None) -> np.ndarray:
    """Section 4.2: ``n`` points (an n×2 float32 array) from an equal mixture of ``modes`` Gaussians of standard
    deviation ``std`` on a circle of ``radius``: the ring used to show mode collapse (Metz et al., 2017)."""
    n = _check_positive_int(n, "n")
    check_memory("n", n, 24.0 * n)
    centres, std, rng = ring_centres(modes, radius), check_positive(std, "std"), as_rng(rng)
    which = rng.integers(len(centres), size=n)
    return (centres[which] + std * rng.standard_normal((n, 2))).astype(np.float32)


def mode_coverage(samples, centres, std: float, *, n_sigma: float = 3.0, min_count: int = 20) -> dict:
    """Section 4.2: how well 2-d ``samples`` cover the Gaussian modes at ``centres`` (each of standard deviation
    ``std``), as in VEEGAN (Srivastava et al., 2017) and PacGAN (Lin et al., 2018).

    A sample is **high quality** if it lies within ``n_sigma`` standard deviations of its nearest centre, and then
    counts for that mode; a mode is **covered** if at least ``min_count`` samples count for it. A mode is
    **reached** if at least ``min_count`` samples have it as their nearest centre, however far away: a generator
    that spreads over every direction but hits no mode reaches all and covers none. Returns
    ``{"modes covered": int, "high-quality share": float, "modes reached": int, "counts": high-quality samples per
    mode (an int array)}``.
    """
    samples, centres = _points(samples, "samples"), _points(centres, "centres")
    std = check_positive(std, "std")
    n_sigma = check_positive(n_sigma, "n_sigma")
    min_count = _check_positive_int(min_count, "min_count")
    if min_count > len(samples):
        raise ValueError(f"min_count={min_count:,} exceeds the {len(samples):,} samples: no mode could be covered")
    check_memory("samples", len(samples), 8.0 * len(samples) * len(centres))
    distances = np.linalg.norm(samples[:, None, :] - centres[None, :, :], axis=2)
    nearest = distances.argmin(axis=1)
    good = distances[np.arange(len(samples)), nearest] <= n_sigma * std
    counts = np.bincount(nearest[good], minlength=len(centres))
    reached = np.bincount(nearest, minlength=len(centres))
    return {"modes covered": int((counts >= min_count).sum()), "high-quality share": float(good.mean()),
            "modes reached": int((reached >= min_count).sum()), "counts": counts}


def _points(points, name: str) -> np.ndarray:
    torch = _torch() if type(points).__module__.startswith("torch") else None
    if torch is not None and isinstance(points, torch.Tensor):
        points = points.detach().cpu().numpy()
    array = as_sample(points, name, ndim=2)
    if array.shape[1] != 2:
        raise ValueError(f"{name} must be points in the plane, an N×2 array; got shape {array.shape}")
    return array


def make_point_gan(latent_dim: int = 256, width: int = 128):
    """Section 4.2: a fresh generator and discriminator for 2-d points, ``(PointGenerator, PointDiscriminator)``:
    MLPs with two hidden ReLU layers of ``width`` units; the discriminator returns one logit (or critic score)."""
    from ..common.arguments import MAX_LAYER_WIDTH
    from .networks import PointDiscriminator, PointGenerator

    width = check_count(_check_positive_int(width, "width"), "width", maximum=MAX_LAYER_WIDTH)
    return PointGenerator(latent_dim, width), PointDiscriminator(width)


def wasserstein_critic_loss(real_scores, fake_scores):
    """Section 4.2: the WGAN critic's loss E[f(G(z))] − E[f(x)]: minimising it maximises the gap between the mean
    scores of real and generated data, which for a 1-Lipschitz f estimates the Wasserstein-1 distance."""
    _check_tensor(real_scores, "real_scores", ndim=(1, 2)), _check_tensor(fake_scores, "fake_scores", ndim=(1, 2))
    return fake_scores.mean() - real_scores.mean()


def gradient_penalty(critic, real, fake, weight: float = 10.0, generator=None):
    """Section 4.2: WGAN-GP's penalty (Gulrajani et al., 2017), ``weight · E[(‖∇ f(x̂)‖₂ − 1)²]`` at points x̂ drawn
    uniformly on the segments between paired real and generated samples, x̂ = εx + (1 − ε)x̃ with ε ~ U(0, 1).

    It keeps the critic f close to 1-Lipschitz where it matters. The result keeps its graph (``create_graph``),
    so that the penalty's own gradient reaches the critic's weights. ``generator`` (a seed or torch Generator)
    fixes the draw of ε.
    """
    torch = _torch()
    _check_module(critic, "critic")
    _check_tensor(real, "real"), _check_tensor(fake, "fake")
    if real.shape != fake.shape:
        raise ValueError(f"real and fake must have the same shape (paired samples); got {tuple(real.shape)} and "
                         f"{tuple(fake.shape)}")
    weight = check_real(weight, "weight", minimum=0)
    shape = (len(real),) + (1,) * (real.ndim - 1)
    epsilon = torch.rand(shape, generator=as_torch_generator(generator) if generator is not None else None)
    epsilon = epsilon.to(device=real.device, dtype=real.dtype)
    between = (epsilon * real.detach() + (1 - epsilon) * fake.detach()).requires_grad_(True)
    (gradient,) = torch.autograd.grad(critic(between).sum(), between, create_graph=True)
    return weight * ((gradient.flatten(1).norm(dim=1) - 1) ** 2).mean()
