"""Section 4.1: the variational autoencoder's reparameterisation, loss terms and ELBO. torch is imported lazily."""
from __future__ import annotations

import numpy as np

from ..common.arguments import check_count, check_real
from .digits import _check_module, _check_tensor, _torch, as_digit_batch

__all__ = ["active_units", "kl_per_unit", "kl_to_standard_normal", "make_conditional_vae", "make_vae", "reparameterise",
           "vae_elbo", "vae_loss"]

#: The decoders :func:`make_vae` builds: fully connected layers, or transposed convolutions.
DECODERS = ("mlp", "conv")


def make_vae(latent_dim: int = 16, decoder: str = "mlp"):
    """Section 4.1: a fresh VAE with a ``latent_dim``-dimensional code: :class:`synthlib.part4.networks.VAE`
    (``decoder="mlp"``) or :class:`synthlib.part4.networks.ConvVAE` (``decoder="conv"``, the same encoder)."""
    if not isinstance(decoder, str) or decoder not in DECODERS:
        raise ValueError(f"decoder must be one of {', '.join(map(repr, DECODERS))}; got {decoder!r}")
    from .networks import VAE, ConvVAE

    return (ConvVAE if decoder == "conv" else VAE)(latent_dim)


def make_conditional_vae(latent_dim: int = 16):
    """Section 4.1: a fresh :class:`synthlib.part4.networks.ConditionalVAE`: encoder and decoder also take the class."""
    from .networks import ConditionalVAE

    return ConditionalVAE(latent_dim)


def reparameterise(mu, logvar):
    """Section 4.1: z = μ + σ·ε, ε ~ N(0, I), σ = exp(logvar / 2): a sample of q(z|x) that gradients pass through."""
    from .networks import reparameterise as _reparameterise

    _check_tensor(mu, "mu"), _check_tensor(logvar, "logvar")
    if mu.shape != logvar.shape:
        raise ValueError(f"mu and logvar must have the same shape; got {tuple(mu.shape)} and {tuple(logvar.shape)}")
    return _reparameterise(mu, logvar)


def kl_to_standard_normal(mu, logvar):
    """Section 4.1: KL(N(μ, diag σ²) ‖ N(0, I)) = ½ Σ_j (μ_j² + σ_j² − 1 − log σ_j²), one value per row (nats)."""
    _check_tensor(mu, "mu"), _check_tensor(logvar, "logvar")
    if mu.shape != logvar.shape or mu.ndim != 2:
        raise ValueError(f"mu and logvar must both be N×d; got {tuple(mu.shape)} and {tuple(logvar.shape)}")
    return 0.5 * (mu.pow(2) + logvar.exp() - 1 - logvar).sum(dim=1)


def vae_loss(logits, x, mu, logvar):
    """Section 4.1: the two terms of the negative ELBO, each averaged over the batch, in nats per digit.

    Returns ``(reconstruction, kl)``: the Bernoulli negative log-likelihood −log p(x|z) of the pixels (binary
    cross-entropy summed over the 784 pixels) and KL(q(z|x) ‖ p(z)). Their sum is the loss to minimise.
    """
    from torch.nn import functional as F

    from .networks import check_digit_batch

    _check_tensor(logits, "logits"), _check_tensor(x, "x")
    check_digit_batch(x)
    if logits.shape != x.shape:
        raise ValueError(f"logits must have the images' shape {tuple(x.shape)}; got {tuple(logits.shape)}")
    reconstruction = F.binary_cross_entropy_with_logits(logits, x, reduction="sum") / len(x)
    return reconstruction, kl_to_standard_normal(mu, logvar).mean()


def vae_elbo(vae, images, *, batch_size: int = 1000) -> dict:
    """Section 4.1: the ELBO of ``images`` under ``vae`` (one z per digit), with its two terms; nats per digit.

    Also ``"standard error"``: that of the mean ELBO, from the spread of the digits' own ELBOs.
    """
    torch = _torch()
    _check_module(vae, "vae")
    batch_size = check_count(batch_size, "batch_size", minimum=1)
    device = next(vae.parameters()).device
    x = as_digit_batch(images, device)
    from torch.nn import functional as F

    from .networks import check_digit_batch

    check_digit_batch(x)
    terms = []  # (reconstruction, KL) of every digit
    was_training = vae.training
    vae.eval()
    with torch.no_grad():
        for start in range(0, len(x), batch_size):
            batch = x[start:start + batch_size]
            logits, mu, logvar = vae(batch)
            reconstruction = F.binary_cross_entropy_with_logits(logits, batch, reduction="none").flatten(1).sum(1)
            terms.append(torch.stack([reconstruction, kl_to_standard_normal(mu, logvar)], dim=1).cpu())
    vae.train(was_training)
    terms = torch.cat(terms).double().numpy()
    elbo = -terms.sum(axis=1)
    reconstruction, kl = terms.mean(axis=0)
    standard_error = float(elbo.std(ddof=1) / np.sqrt(len(elbo))) if len(elbo) > 1 else float("nan")
    return {"ELBO": float(elbo.mean()), "reconstruction": float(reconstruction), "KL": float(kl),
            "standard error": standard_error}


def _posterior_array(value, name: str) -> np.ndarray:
    """An N×d array of finite numbers (posterior means or log-variances), from a NumPy array or a torch tensor."""
    if type(value).__module__.startswith("torch") and hasattr(value, "detach"):
        value = value.detach().cpu().numpy()
    if isinstance(value, (str, bytes)) or not hasattr(value, "__len__"):
        raise TypeError(f"{name} must be an N×d array (one row per digit, one column per latent unit), "
                        f"got {type(value).__name__}")
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must hold numbers, one row per digit and one column per latent unit") from None
    if array.ndim != 2:
        raise ValueError(f"{name} must be N×d (one row per digit, one column per latent unit); got shape "
                         f"{array.shape}")
    if array.shape[0] < 2 or array.shape[1] < 1:
        raise ValueError(f"{name} needs at least 2 digits and 1 latent unit; got shape {array.shape}")
    if not np.isfinite(array).all():
        raise ValueError(f"{name} contains NaN or infinite values")
    return array


def active_units(mu, *, threshold: float = 0.01) -> int:
    """Section 4.1: how many latent units are active (Burda et al. 2016): those whose posterior mean varies over
    the data, Var_x(E_q[z_j | x]) > ``threshold``. ``mu`` is N×d: the encoder's means μ(x) of N digits.

    A unit whose mean is the same for every digit carries no information about the digit, whatever its
    posterior variance: it has collapsed to the prior.
    """
    means = _posterior_array(mu, "mu")
    threshold = check_real(threshold, "threshold", minimum=0.0)
    return int((means.var(axis=0) > threshold).sum())


def kl_per_unit(mu, logvar) -> np.ndarray:
    """Section 4.1: the KL term of each latent unit, ½(μ_j² + σ_j² − 1 − log σ_j²) averaged over the N digits
    (nats, d values that sum to the mean KL). ``mu`` and ``logvar`` are N×d: the encoder's outputs."""
    means, logvars = _posterior_array(mu, "mu"), _posterior_array(logvar, "logvar")
    if means.shape != logvars.shape:
        raise ValueError(f"mu and logvar must have the same shape; got {means.shape} and {logvars.shape}")
    return (0.5 * (means ** 2 + np.exp(logvars) - 1 - logvars)).mean(axis=0)
