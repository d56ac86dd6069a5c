"""Section 4.2: the generative adversarial network's ranges, losses and weight averaging. torch is imported lazily."""
from __future__ import annotations

import numpy as np

from ..common.arguments import as_sample, check_real
from .digits import IMAGE_SIZE, _check_module, _check_positive_int, _check_tensor, _torch, as_digit_batch

__all__ = ["discriminator_loss", "from_tanh_range", "generator_loss", "make_conditional_gan", "make_gan", "to_tanh_range",
           "update_moving_average"]


#: The architectures ``make_gan`` builds: fully connected ("mlp") or convolutional, DCGAN-style ("dcgan").
GAN_ARCHITECTURES = ("mlp", "dcgan")


def make_gan(latent_dim: int = 64, architecture: str = "mlp"):
    """Section 4.2: a fresh generator and discriminator, ``(Generator(latent_dim), Discriminator())``.

    ``architecture="dcgan"`` gives the convolutional pair instead (``DCGANGenerator``, ``DCGANDiscriminator``):
    transposed convolutions with batch norm in the generator (Radford et al., 2016), strided convolutions in the
    discriminator. Both pairs take the same noise and return the same shapes.
    """
    if not isinstance(architecture, str) or architecture not in GAN_ARCHITECTURES:
        raise ValueError(f"architecture must be one of {', '.join(map(repr, GAN_ARCHITECTURES))}; "
                         f"got {architecture!r}")
    from .networks import DCGANDiscriminator, DCGANGenerator, Discriminator, Generator

    if architecture == "dcgan":
        return DCGANGenerator(latent_dim), DCGANDiscriminator()
    return Generator(latent_dim), Discriminator()


def make_conditional_gan(latent_dim: int = 64):
    """Section 4.2: a fresh class-conditional pair, ``(ConditionalGenerator(latent_dim), ConditionalDiscriminator())``."""
    from .networks import ConditionalDiscriminator, ConditionalGenerator

    return ConditionalGenerator(latent_dim), ConditionalDiscriminator()


def to_tanh_range(images):
    """Section 4.2: map digits in [0, 1] (uint8 0–255 accepted) to [-1, 1], the range of the generator's tanh.

    Real and generated images must reach the discriminator in the same range: otherwise it can tell them apart
    by the pixel values alone (the bug of the seed tutorial).
    """
    return as_digit_batch(images, _device_of(images)) * 2 - 1


def from_tanh_range(images):
    """Section 4.2: map generator output in [-1, 1] back to [0, 1], as an N×28×28 float32 NumPy array."""
    torch = _torch()
    if not isinstance(images, torch.Tensor):
        images = torch.as_tensor(as_sample(images, "images", ndim=None).astype(np.float32))
    elif images.numel() == 0 or torch.isnan(images).any():
        raise ValueError(f"images must be a non-empty tensor without NaN, got shape {tuple(images.shape)}")
    if images.ndim == 4 and images.shape[1] == 1:
        images = images[:, 0]
    if images.ndim != 3 or tuple(images.shape[1:]) != (IMAGE_SIZE, IMAGE_SIZE):
        raise ValueError(f"images must have shape N×28×28 or N×1×28×28; got {tuple(images.shape)}")
    return ((images.detach().float().cpu() + 1) / 2).clamp(0, 1).numpy()


def _device_of(images) -> str:
    torch = _torch()
    return str(images.device) if isinstance(images, torch.Tensor) else "cpu"


def discriminator_loss(real_logits, fake_logits):
    """Section 4.2: −[log D(x) + log(1 − D(G(z)))], batch-averaged: the discriminator's side of the minimax game.

    With D = sigmoid(logit): −log D = softplus(−logit) and −log(1 − D) = softplus(logit), computed stably.
    """
    from torch.nn import functional as F

    _check_tensor(real_logits, "real_logits", ndim=(1, 2)), _check_tensor(fake_logits, "fake_logits", ndim=(1, 2))
    return F.softplus(-real_logits).mean() + F.softplus(fake_logits).mean()


def generator_loss(fake_logits, *, saturating: bool = False):
    """Section 4.2: the generator's loss; non-saturating −log D(G(z)) by default.

    ``saturating=True`` gives the minimax game's own log(1 − D(G(z))), whose gradient vanishes when the
    discriminator confidently rejects the fakes, which is exactly the situation early in training.
    """
    from torch.nn import functional as F

    _check_tensor(fake_logits, "fake_logits", ndim=(1, 2))
    if saturating:
        return -F.softplus(fake_logits).mean()
    return F.softplus(-fake_logits).mean()


def update_moving_average(average, model, decay: float = 0.995, step: int | None = None) -> None:
    """Section 4.2: ``average ← decay·average + (1 − decay)·model``, parameter by parameter (buffers are copied).

    Sampling from a running average of the generator's weights smooths out the oscillation of adversarial
    training (Yazici et al., 2019). With ``step`` (1, 2, ...) the decay is capped at (1 + step)/(10 + step), so
    that early on the average follows the fast-changing weights instead of remembering their random start.
    """
    torch = _torch()
    _check_module(average, "average"), _check_module(model, "model")
    decay = check_real(decay, "decay", minimum=0)
    if not 0 <= decay < 1:
        raise ValueError(f"decay must lie in [0, 1), got {decay}")
    if step is not None:
        decay = min(decay, (1 + _check_positive_int(step, "step")) / (10 + step))
    with torch.no_grad():
        for averaged, current in zip(average.parameters(), model.parameters(), strict=True):
            averaged.lerp_(current, 1 - decay)
        for averaged, current in zip(average.buffers(), model.buffers(), strict=True):
            averaged.copy_(current)
