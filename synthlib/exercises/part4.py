"""The self-checks of part 4's exercises (sections 4.1 and 4.2), registered with :func:`synthlib.exercises.exercise`.

Each check runs the answer on fixed inputs whose result is known; none takes longer than a fraction of a second.
"""
from __future__ import annotations

import math

import numpy as np

from . import exercise

# ---------------------------------------------------------------------------------------------------------------
# 4.1 Variational autoencoders


def _kl_reference(mu, logvar):
    return 0.5 * (mu.pow(2) + logvar.exp() - 1 - logvar).sum(dim=1)


@exercise("4.1.1", summary="the KL divergence of a diagonal Gaussian from N(0, I)",
          solution=lambda: _kl_reference,
          mistake=lambda: (lambda mu, logvar: 0.5 * (mu.pow(2) + logvar - 1 - logvar.exp()).sum(dim=1)))
def _check_kl(answer):
    import torch

    if not callable(answer):
        return "pass your function itself: synthlib.check('4.1.1', kl)"
    mu = torch.tensor([[0.0, 0.0], [1.0, -2.0], [0.5, 0.0]])
    logvar = torch.tensor([[0.0, 0.0], [0.0, 0.0], [math.log(4.0), math.log(0.25)]])
    value = torch.as_tensor(answer(mu.clone(), logvar.clone()), dtype=torch.float32)
    truth = _kl_reference(mu, logvar)
    if value.shape != truth.shape:
        return f"return one KL value per row (shape {tuple(truth.shape)}); sum over the latent dimensions only"
    if torch.allclose(value, truth, atol=1e-5):
        return None
    if torch.allclose(value, 2 * truth, atol=1e-5):
        return "you are missing the factor ½ in front of the sum"
    if abs(value[0].item()) > 1e-6:
        return "q = N(0, I) is the prior itself, so its KL must be 0: check the constant −1 in each term"
    return ("per latent dimension the KL is ½(μ² + σ² − 1 − log σ²), with σ² = exp(logvar) and log σ² = logvar; "
            f"on the test rows the answer is {[round(v, 4) for v in truth.tolist()]}, you returned "
            f"{[round(v, 4) for v in value.tolist()]}")


def _reparameterise_reference(mu, logvar):
    import torch

    return mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)


@exercise("4.1.2", summary="the reparameterisation trick",
          solution=lambda: _reparameterise_reference,
          mistake=lambda: _reparameterise_mistake)
def _check_reparameterise(answer):
    import torch

    if not callable(answer):
        return "pass your function itself: synthlib.check('4.1.2', reparameterise)"
    torch.manual_seed(0)
    mu = torch.full((50_000, 2), 3.0, requires_grad=True)
    logvar = torch.full((50_000, 2), math.log(4.0), requires_grad=True)  # σ = 2
    z = answer(mu, logvar)
    if not isinstance(z, torch.Tensor) or z.shape != mu.shape:
        return "return a tensor z with the shape of mu: one sample per row"
    if not z.requires_grad:
        return "no gradient reaches mu and logvar: build z as mu + sigma * eps with eps drawn separately"
    mean, std = z.mean().item(), z.std().item()
    if abs(mean - 3) > 0.05:
        return f"with mu = 3 the samples should average 3, yours average {mean:.2f}"
    if abs(std - 4) < 0.1:
        return "your samples have standard deviation 4 = σ²: logvar is log σ², so σ = exp(logvar / 2)"
    if abs(std - 2) > 0.05:
        return f"with logvar = log 4 the samples should have standard deviation 2, yours have {std:.2f}"
    z.sum().backward()
    if mu.grad is None or logvar.grad is None or logvar.grad.abs().sum() == 0:
        return "the gradient must reach both mu and logvar"
    return None


def _reparameterise_mistake(mu, logvar):  # uses the variance where the standard deviation belongs
    import torch

    return mu + torch.exp(logvar) * torch.randn_like(mu)


# ---------------------------------------------------------------------------------------------------------------
# 4.2 Generative adversarial networks


def _non_saturating_reference(fake_logits):
    from torch.nn import functional as F

    return F.softplus(-fake_logits).mean()


@exercise("4.2.1", summary="the non-saturating generator loss",
          solution=lambda: _non_saturating_reference,
          mistake=lambda: _saturating_mistake)
def _check_generator_loss(answer):
    import torch

    if not callable(answer):
        return "pass your function itself: synthlib.check('4.2.1', generator_loss)"
    logits = torch.tensor([-30.0, -4.0, 0.0, 2.0], requires_grad=True)
    value = answer(logits)
    if not isinstance(value, torch.Tensor) or value.numel() != 1:
        return "return a single number (a 0-d tensor): the loss averaged over the batch"
    truth = _non_saturating_reference(logits.detach())
    if not torch.isfinite(value):
        return "the loss is not finite at logit −30: compute −log sigmoid(l) stably, e.g. F.softplus(-l)"
    if torch.isclose(value.detach(), -truth, atol=1e-4) or torch.isclose(
            value.detach(), torch.log1p(-torch.sigmoid(logits.detach())).mean(), atol=1e-4):
        return ("that is the saturating loss log(1 − D(G(z))): its gradient vanishes when D rejects the fakes. "
                "Minimise −log D(G(z)) instead")
    if not torch.isclose(value.detach(), truth, atol=1e-4):
        return (f"on logits [−30, −4, 0, 2] the loss −mean log D(G(z)) is {truth.item():.4f}; "
                f"yours is {value.item():.4f}")
    value.backward()
    if logits.grad is None or logits.grad[0].abs() < 0.2:
        return "the gradient at a rejected fake (logit −30) must stay large: that is the point of this loss"
    return None


def _saturating_mistake(logits):  # the minimax game's own generator objective, log(1 − D(G(z)))
    import torch

    return torch.log1p(-torch.sigmoid(logits)).mean()


_HISTOGRAMS = [np.arange(1000) % 10, np.full(300, 7), np.repeat([1, 7, 9], [500, 300, 200])]


def _entropy_reference(predicted_labels):
    shares = np.bincount(np.asarray(predicted_labels), minlength=10) / len(predicted_labels)
    shares = shares[shares > 0]
    return float(-(shares * np.log(shares)).sum())


@exercise("4.2.2", summary="the class entropy of predicted labels",
          solution=lambda: _entropy_reference,
          mistake=lambda: (lambda labels: float(-sum(p * np.log2(p) for p in
                                                       np.bincount(labels, minlength=10) / len(labels) if p > 0))))
def _check_class_entropy(answer):
    if not callable(answer):
        return "pass your function itself: synthlib.check('4.2.2', class_entropy)"
    values = [float(answer(labels.copy())) for labels in _HISTOGRAMS]
    truth = [_entropy_reference(labels) for labels in _HISTOGRAMS]
    if np.allclose(values, truth, atol=1e-6):
        return None
    if np.allclose(values, np.array(truth) / np.log(2), atol=1e-6):
        return "those are bits (log base 2); the course measures entropy in nats, with the natural logarithm"
    if not math.isfinite(values[1]) or abs(values[1]) > 1e-9:
        return "when every image is the same digit the entropy must be 0: skip classes with share 0 (0·log 0 = 0)"
    return (f"ten equally common digits must give ln 10 ≈ {math.log(10):.4f}, you returned {values[0]:.4f}; "
            "use the share of images in each class, not the counts")
