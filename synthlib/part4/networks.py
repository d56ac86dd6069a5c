"""The networks of sections 4.1, 4.2 and 4.3: a digit classifier (the measuring instrument), a VAE, a GAN, and the
denoisers of diffusion and flow matching.

This module imports torch at the top; ``digits``, ``vae`` and ``gan`` import it only inside their functions, so that
``import synthlib`` stays light. Every class is shown in the chapters with ``synthlib.show_source``.
"""
from __future__ import annotations

import math

import torch
from torch import nn


class DigitClassifier(nn.Module):
    """Section 4.1: a small CNN that labels 28×28 digits; its penultimate layer gives the features of the
    Fréchet distance."""

    def __init__(self, width: int = 32, n_features: int = 128):
        super().__init__()
        self.features = nn.Sequential(                                  # 1×28×28 digits in [0, 1]
            nn.Conv2d(1, width, 4, stride=2, padding=1), nn.ReLU(),       # width×14×14
            nn.Conv2d(width, 2 * width, 4, stride=2, padding=1), nn.ReLU(),  # 2·width×7×7
            nn.Flatten(), nn.Linear(2 * width * 7 * 7, n_features), nn.ReLU(),
        )
        self.head = nn.Linear(n_features, 10)                            # one logit per digit class

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x))


def check_digit_batch(x: torch.Tensor) -> None:
    """Refuse anything but a batch of grey 28×28 images, naming the shape received."""
    if not isinstance(x, torch.Tensor) or x.ndim != 4 or tuple(x.shape[1:]) != (1, 28, 28):
        shape = tuple(x.shape) if isinstance(x, torch.Tensor) else type(x).__name__
        raise ValueError(f"expected a batch of digits shaped N×1×28×28; got {shape}")


#: The largest latent size: far above any use for 28×28 digits, and the first layer still fits in memory.
MAX_LATENT_DIM = 65_536


def check_latent_dim(latent_dim) -> int:
    if isinstance(latent_dim, bool) or not isinstance(latent_dim, int):
        raise TypeError(f"latent_dim: the latent size must be an integer, got {latent_dim!r}")
    if latent_dim < 1:
        raise ValueError(f"latent_dim: the latent size must be at least 1, got {latent_dim}: a code needs a "
                         "dimension")
    if latent_dim > MAX_LATENT_DIM:
        raise ValueError(f"latent_dim: the latent size must be at most {MAX_LATENT_DIM:,}, got {latent_dim:,}: "
                         "the first layer alone would not fit in memory")
    return latent_dim


def reparameterise(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """Section 4.1: z = μ + σ·ε with ε ~ N(0, I), σ = exp(logvar / 2); gradients flow to μ and logvar."""
    return mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)


class VAE(nn.Module):
    """Section 4.1: encoder q(z|x) = N(μ(x), diag σ²(x)); decoder p(x|z) with pixel probabilities sigmoid(logits)."""

    def __init__(self, latent_dim: int = 16):
        super().__init__()
        self.latent_dim = check_latent_dim(latent_dim)
        self.encoder = nn.Sequential(                  # x → (μ, log σ²)
            nn.Flatten(), nn.Linear(784, 512), nn.ReLU(),
            nn.Linear(512, 256), nn.ReLU(), nn.Linear(256, 2 * latent_dim),
        )
        self.decoder = nn.Sequential(                  # z → 784 logits, one per pixel
            nn.Linear(latent_dim, 256), nn.ReLU(), nn.Linear(256, 512), nn.ReLU(),
            nn.Linear(512, 784), nn.Unflatten(1, (1, 28, 28)),
        )

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        check_digit_batch(x)
        mu, logvar = self.encoder(x).chunk(2, dim=1)
        return mu, logvar

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        if z.ndim != 2 or z.shape[1] != self.latent_dim:
            raise ValueError(f"expected codes shaped N×{self.latent_dim}; got {tuple(z.shape)}")
        return self.decoder(z)                         # logits; torch.sigmoid(logits) is the image

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        mu, logvar = self.encode(x)
        z = reparameterise(mu, logvar)
        return self.decode(z), mu, logvar


class ConvVAE(VAE):
    """Section 4.1: the :class:`VAE` with a convolutional decoder: z → 32×7×7 feature maps → two transposed
    convolutions, each doubling the size (7 → 14 → 28). Neighbouring pixels share weights, as strokes do."""

    def __init__(self, latent_dim: int = 16, width: int = 16):
        super().__init__(latent_dim)
        self.decoder = nn.Sequential(                  # z → 784 logits, one per pixel
            nn.Linear(latent_dim, 256), nn.ReLU(), nn.Linear(256, 2 * width * 7 * 7), nn.ReLU(),
            nn.Unflatten(1, (2 * width, 7, 7)),
            nn.ConvTranspose2d(2 * width, width, 4, stride=2, padding=1), nn.ReLU(),  # width×14×14
            nn.ConvTranspose2d(width, 1, 4, stride=2, padding=1),                     # 1×28×28
        )


class Generator(nn.Module):
    """Section 4.2: noise z ~ N(0, I) → a 28×28 image with pixels in [-1, 1] (the range of tanh)."""

    def __init__(self, latent_dim: int = 64):
        super().__init__()
        self.latent_dim = check_latent_dim(latent_dim)
        self.net = nn.Sequential(
            nn.Linear(latent_dim, 256), nn.LeakyReLU(0.2),
            nn.Linear(256, 512), nn.LeakyReLU(0.2),
            nn.Linear(512, 1024), nn.LeakyReLU(0.2),
            nn.Linear(1024, 784), nn.Tanh(), nn.Unflatten(1, (1, 28, 28)),
        )

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        if z.ndim != 2 or z.shape[1] != self.latent_dim:
            raise ValueError(f"expected noise shaped N×{self.latent_dim}; got {tuple(z.shape)}")
        return self.net(z)


class Discriminator(nn.Module):
    """Section 4.2: an image with pixels in [-1, 1] → one logit; D(x) = sigmoid(logit) = P(x is real)."""

    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Flatten(), nn.Linear(784, 512), nn.LeakyReLU(0.2),
            nn.Linear(512, 256), nn.LeakyReLU(0.2), nn.Linear(256, 1),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        check_digit_batch(x)
        return self.net(x).squeeze(1)


def time_embedding(t: torch.Tensor, dim: int) -> torch.Tensor:
    """Section 4.3: sines and cosines of t ∈ [0, 1] at ``dim / 2`` frequencies from 1 to 1,000 (as in
    transformers' position encodings): the network can tell t = 0.50 from t = 0.51."""
    if t.ndim != 1:
        raise ValueError(f"expected one time per row, a vector; got shape {tuple(t.shape)}")
    frequencies = torch.exp(torch.linspace(0, math.log(1000), dim // 2, device=t.device))
    angles = t[:, None].float() * frequencies
    return torch.cat([angles.sin(), angles.cos()], dim=1)


class PointDenoiser(nn.Module):
    """Section 4.3: (x, t) → a vector like x, for 2-d toy data: noise predicted (DDPM) or velocity (flow)."""

    def __init__(self, dim: int = 2, width: int = 128, time_dim: int = 32):
        super().__init__()
        self.dim, self.time_dim = dim, time_dim
        self.net = nn.Sequential(nn.Linear(dim + time_dim, width), nn.SiLU(), nn.Linear(width, width), nn.SiLU(),
                                 nn.Linear(width, width), nn.SiLU(), nn.Linear(width, dim))

    def forward(self, x: torch.Tensor, t: torch.Tensor, labels=None) -> torch.Tensor:
        if x.ndim != 2 or x.shape[1] != self.dim or t.shape != (len(x),):
            raise ValueError(f"expected points N×{self.dim} and N times; got {tuple(x.shape)}, {tuple(t.shape)}")
        return self.net(torch.cat([x, time_embedding(t, self.time_dim)], dim=1))


class DigitDenoiser(nn.Module):
    """Section 4.3: (noisy code, t, class) → a prediction shaped like the code (noise for DDPM, velocity for flow
    matching), for digits encoded as ``dim`` numbers (their whitened principal components, see ``DigitCode``).

    A residual MLP. The time (sines and cosines) and the class (10 = "no class", for classifier-free guidance)
    enter every block as a learned shift.
    """

    def __init__(self, dim: int = 64, width: int = 512, blocks: int = 3, time_dim: int = 64):
        super().__init__()
        self.dim, self.time_dim = dim, time_dim
        self.inp = nn.Linear(dim, width)
        self.condition = nn.Sequential(nn.Linear(time_dim, width), nn.SiLU(), nn.Linear(width, width))
        self.classes = nn.Embedding(11, width)  # ten digits and the null class
        self.blocks = nn.ModuleList(nn.Sequential(nn.LayerNorm(width), nn.Linear(width, width), nn.SiLU(),
                                                  nn.Linear(width, width)) for _ in range(blocks))
        self.out = nn.Sequential(nn.LayerNorm(width), nn.Linear(width, dim))

    def forward(self, x: torch.Tensor, t: torch.Tensor, labels=None) -> torch.Tensor:
        if x.ndim != 2 or x.shape[1] != self.dim or t.shape != (len(x),):
            raise ValueError(f"expected codes N×{self.dim} and N times; got {tuple(x.shape)}, {tuple(t.shape)}")
        if labels is None:
            labels = torch.full((len(x),), 10, dtype=torch.long, device=x.device)
        c = self.condition(time_embedding(t, self.time_dim)) + self.classes(labels)
        h = self.inp(x)
        for block in self.blocks:
            h = h + block(h + c)
        return self.out(h)


# ---------------------------------------------------------------------------------------------------------------
# Class-conditional versions (sections 4.1 and 4.2): the label, one-hot, is concatenated to every network's input


N_CLASSES = 10


def one_hot_labels(labels, n: int, device) -> torch.Tensor:
    """The digit classes ``labels`` (``n`` whole numbers 0–9) as an n×10 one-hot float tensor on ``device``.

    Refuses, naming the problem: a wrong length, fractional or non-numeric values, classes outside 0–9.
    """
    tensor = labels.detach() if isinstance(labels, torch.Tensor) else torch.as_tensor(_as_label_array(labels))
    if tensor.ndim != 1 or len(tensor) != n:
        raise ValueError(f"expected {n} class labels (one per image), as a 1-d sequence; got shape {tuple(tensor.shape)}")
    if tensor.is_floating_point():
        if not torch.equal(tensor, tensor.round()):
            bad = tensor[tensor != tensor.round()][0].item()
            raise ValueError(f"class labels must be whole numbers 0–{N_CLASSES - 1}; got the fractional value {bad}")
    elif tensor.dtype == torch.bool or tensor.is_complex():
        raise TypeError(f"class labels must be integers 0–{N_CLASSES - 1}; got dtype {tensor.dtype}")
    tensor = tensor.long()
    if n and (tensor.min() < 0 or tensor.max() >= N_CLASSES):
        unknown = tensor[(tensor < 0) | (tensor >= N_CLASSES)][0].item()
        raise ValueError(f"unknown class {unknown}: class labels must lie in 0–{N_CLASSES - 1}")
    return nn.functional.one_hot(tensor, N_CLASSES).float().to(device)


def _as_label_array(labels):
    import numpy as np

    array = np.asarray(labels)
    if not (np.issubdtype(array.dtype, np.integer) or np.issubdtype(array.dtype, np.floating)):
        raise TypeError(f"class labels must be integers 0–{N_CLASSES - 1}; got dtype {array.dtype}")
    return array


class ConditionalVAE(nn.Module):
    """Section 4.1: a VAE whose encoder q(z|x, y) and decoder p(x|z, y) both see the digit's class y (one-hot).

    The code z then needs to carry only the style (slant, thickness); the class comes from the label. Sampling
    digit y: decode z ~ N(0, I) together with y.
    """

    def __init__(self, latent_dim: int = 16):
        super().__init__()
        self.latent_dim = check_latent_dim(latent_dim)
        self.encoder = nn.Sequential(                  # (x, y) → (μ, log σ²)
            nn.Linear(784 + N_CLASSES, 512), nn.ReLU(),
            nn.Linear(512, 256), nn.ReLU(), nn.Linear(256, 2 * latent_dim),
        )
        self.decoder = nn.Sequential(                  # (z, y) → 784 logits, one per pixel
            nn.Linear(latent_dim + N_CLASSES, 256), nn.ReLU(), nn.Linear(256, 512), nn.ReLU(),
            nn.Linear(512, 784), nn.Unflatten(1, (1, 28, 28)),
        )

    def encode(self, x: torch.Tensor, labels) -> tuple[torch.Tensor, torch.Tensor]:
        check_digit_batch(x)
        y = one_hot_labels(labels, len(x), x.device)
        mu, logvar = self.encoder(torch.cat([x.flatten(1), y], dim=1)).chunk(2, dim=1)
        return mu, logvar

    def decode(self, z: torch.Tensor, labels) -> torch.Tensor:
        if z.ndim != 2 or z.shape[1] != self.latent_dim:
            raise ValueError(f"expected codes shaped N×{self.latent_dim}; got {tuple(z.shape)}")
        return self.decoder(torch.cat([z, one_hot_labels(labels, len(z), z.device)], dim=1))

    def forward(self, x: torch.Tensor, labels) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        mu, logvar = self.encode(x, labels)
        z = reparameterise(mu, logvar)
        return self.decode(z, labels), mu, logvar


class ConditionalGenerator(nn.Module):
    """Section 4.2: noise z and a class y (one-hot) → an image of digit y with pixels in [-1, 1]."""

    def __init__(self, latent_dim: int = 64):
        super().__init__()
        self.latent_dim = check_latent_dim(latent_dim)
        self.net = nn.Sequential(
            nn.Linear(latent_dim + N_CLASSES, 256), nn.LeakyReLU(0.2),
            nn.Linear(256, 512), nn.LeakyReLU(0.2),
            nn.Linear(512, 1024), nn.LeakyReLU(0.2),
            nn.Linear(1024, 784), nn.Tanh(), nn.Unflatten(1, (1, 28, 28)),
        )

    def forward(self, z: torch.Tensor, labels) -> torch.Tensor:
        if z.ndim != 2 or z.shape[1] != self.latent_dim:
            raise ValueError(f"expected noise shaped N×{self.latent_dim}; got {tuple(z.shape)}")
        return self.net(torch.cat([z, one_hot_labels(labels, len(z), z.device)], dim=1))


class ConditionalDiscriminator(nn.Module):
    """Section 4.2: an image and a class y → one logit, P(x is a real digit of class y): an image of the wrong
    class is as fake as a bad one."""

    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(784 + N_CLASSES, 512), nn.LeakyReLU(0.2),
            nn.Linear(512, 256), nn.LeakyReLU(0.2), nn.Linear(256, 1),
        )

    def forward(self, x: torch.Tensor, labels) -> torch.Tensor:
        check_digit_batch(x)
        y = one_hot_labels(labels, len(x), x.device)
        return self.net(torch.cat([x.flatten(1), y], dim=1)).squeeze(1)


# ---------------------------------------------------------------------------------------------------------------
# Section 4.2's 2-d toys and its convolutional (DCGAN-style) option


class PointGenerator(nn.Module):
    """Section 4.2: noise z ~ N(0, I) → a point in the plane; an MLP of two hidden ReLU layers (the 2-d toys)."""

    def __init__(self, latent_dim: int = 256, width: int = 128, dim: int = 2):
        super().__init__()
        self.latent_dim, self.dim = check_latent_dim(latent_dim), dim
        self.net = nn.Sequential(nn.Linear(latent_dim, width), nn.ReLU(), nn.Linear(width, width), nn.ReLU(),
                                 nn.Linear(width, dim))

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        if z.ndim != 2 or z.shape[1] != self.latent_dim:
            raise ValueError(f"expected noise shaped N×{self.latent_dim}; got {tuple(z.shape)}")
        return self.net(z)


class PointDiscriminator(nn.Module):
    """Section 4.2: a point in the plane → one logit (a GAN's discriminator) or one score (a WGAN's critic)."""

    def __init__(self, width: int = 128, dim: int = 2):
        super().__init__()
        self.dim = dim
        self.net = nn.Sequential(nn.Linear(dim, width), nn.ReLU(), nn.Linear(width, width), nn.ReLU(),
                                 nn.Linear(width, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.ndim != 2 or x.shape[1] != self.dim:
            raise ValueError(f"expected points shaped N×{self.dim}; got {tuple(x.shape)}")
        return self.net(x).squeeze(1)


class DCGANGenerator(nn.Module):
    """Section 4.2: the DCGAN recipe (Radford et al., 2016) scaled to 28×28 digits: a linear layer to 2w×7×7, then
    two strided transposed convolutions (7 → 14 → 28) with batch norm and ReLU, tanh at the end."""

    def __init__(self, latent_dim: int = 64, width: int = 64):
        super().__init__()
        self.latent_dim = check_latent_dim(latent_dim)
        self.net = nn.Sequential(
            nn.Linear(latent_dim, 2 * width * 7 * 7), nn.Unflatten(1, (2 * width, 7, 7)),
            nn.BatchNorm2d(2 * width), nn.ReLU(),
            nn.ConvTranspose2d(2 * width, width, 4, stride=2, padding=1), nn.BatchNorm2d(width), nn.ReLU(),  # 14×14
            nn.ConvTranspose2d(width, 1, 4, stride=2, padding=1), nn.Tanh(),                                 # 28×28
        )

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        if z.ndim != 2 or z.shape[1] != self.latent_dim:
            raise ValueError(f"expected noise shaped N×{self.latent_dim}; got {tuple(z.shape)}")
        return self.net(z)


class DCGANDiscriminator(nn.Module):
    """Section 4.2: two strided convolutions (28 → 14 → 7) with leaky ReLU, then one logit. No batch norm, unlike
    DCGAN's: each image's score then depends on that image alone, so the same network serves as a WGAN-GP critic,
    whose gradient penalty is taken image by image (Gulrajani et al., 2017)."""

    def __init__(self, width: int = 64):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(1, width, 4, stride=2, padding=1), nn.LeakyReLU(0.2),              # 14×14
            nn.Conv2d(width, 2 * width, 4, stride=2, padding=1), nn.LeakyReLU(0.2),      # 7×7
            nn.Flatten(), nn.Linear(2 * width * 7 * 7, 1),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        check_digit_batch(x)
        return self.net(x).squeeze(1)
