"""The self-checks of part 4's exercises (sections 4.1, 4.2 and 4.3), registered with
:func:`synthlib.exercises.exercise`.

Each check runs the answer on small fixed inputs (scikit-learn's bundled 8×8 digits, enlarged to 28×28, so that no
check needs a download) and compares with a reference or with what must hold; each takes a fraction of a second.
"""
from __future__ import annotations

import math

import numpy as np

from . import call_answer, exercise


def _fixed_digits(n: int = 32) -> np.ndarray:
    """n handwritten digits as an n×28×28 float32 array in [0, 1]: scikit-learn's bundled 8×8 digits, each pixel
    enlarged to 3×3, padded to 28×28."""
    from sklearn.datasets import load_digits

    small = load_digits().images[:n] / 16.0
    return np.pad(np.kron(small, np.ones((3, 3))), ((0, 0), (2, 2), (2, 2))).astype(np.float32)


# ---------------------------------------------------------------------------------------------------------------
# 4.1.1 The importance-weighted bound


def _check_vae(latent_dim: int = 2):
    """A seeded VAE whose posterior approximation is deliberately poor (q(z|x) ≈ N(0, e I), wider than the prior),
    so that 50 importance samples tighten the bound by about 10 nats over the ELBO."""
    import torch

    from ..part4.networks import VAE

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        vae = VAE(latent_dim).eval()
    with torch.no_grad():
        last = vae.encoder[-1]
        last.weight.mul_(0.1)
        last.bias[:latent_dim] = 0.0
        last.bias[latent_dim:] = 1.0  # log σ² ≈ 1
        vae.decoder[0].weight.mul_(2.0)  # pixels that depend strongly on z
    return vae


def _log_weights(vae, x, k):
    """log p(x|z) + log p(z) − log q(z|x) for k draws z ~ q(z|x) per digit: a k×N tensor."""
    import torch
    from torch.distributions import Normal
    from torch.nn import functional as F

    mu, logvar = vae.encode(x)
    q = Normal(mu, torch.exp(0.5 * logvar))
    z = q.sample((k,))  # k × N × d
    logits = vae.decode(z.flatten(0, 1)).view(k, len(x), -1)
    log_px_z = -F.binary_cross_entropy_with_logits(logits, x.flatten(1).expand(k, -1, -1), reduction="none").sum(-1)
    return log_px_z + Normal(0.0, 1.0).log_prob(z).sum(-1) - q.log_prob(z).sum(-1)


def _importance_bound_reference(vae, x, k):
    import torch

    with torch.no_grad():
        return torch.logsumexp(_log_weights(vae, x, k), dim=0) - math.log(k)


def _importance_bound_mistake(vae, x, k):  # averages the log-weights: the ELBO again, whatever k
    import torch

    with torch.no_grad():
        return _log_weights(vae, x, k).mean(dim=0)


_BOUND_REPEATS, _BOUND_K = 20, 50  # each of the 4 test digits 20 times; k = 50 importance samples


def _bound_mean(function, vae, x, k: int, seed: int) -> tuple[float, float]:
    """Mean and standard error of ``function``'s bound over the repeated digits, drawn under a fixed seed."""
    import torch

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        values = torch.as_tensor(function(vae, x, k)).detach().double().flatten()
    if values.numel() != len(x):
        raise ValueError(f"return one bound per digit: {len(x)} values for {len(x)} digits, not {values.numel()}")
    values = values.view(_BOUND_REPEATS, -1).mean(dim=1)  # the mean over the 4 digits, once per repeat
    return values.mean().item(), values.std().item() / math.sqrt(_BOUND_REPEATS)


@exercise("4.1.1", summary="the importance-weighted bound on log p(x), tighter than the ELBO as k grows",
          solution=lambda: _importance_bound_reference, mistake=lambda: _importance_bound_mistake,
          function="importance_bound")
def _check_importance_bound(answer):
    import torch

    vae = _check_vae()
    x = torch.from_numpy(_fixed_digits(4)).unsqueeze(1).repeat(_BOUND_REPEATS, 1, 1, 1)
    (elbo, elbo_se), (bound, bound_se) = (_bound_mean(answer, vae, x, k, seed=1) for k in (1, _BOUND_K))
    (elbo_truth, elbo_truth_se), (truth, truth_se) = (_bound_mean(_importance_bound_reference, vae, x, k, seed=2)
                                                      for k in (1, _BOUND_K))
    if not (math.isfinite(elbo) and math.isfinite(bound)):
        return "the bound is not finite: take the log of a mean of exponentials with torch.logsumexp"
    if abs(elbo - elbo_truth) > 4 * math.hypot(elbo_se, elbo_truth_se) + 0.05:
        return (f"with k = 1 the bound is a one-sample ELBO, log p(x|z) + log p(z) − log q(z|x), which averages "
                f"{elbo_truth:.1f} nats on the test digits; yours averages {elbo:.1f}. Sum the log-densities over "
                "the latent dimensions, with σ = exp(logvar / 2)")
    tolerance = 4 * math.hypot(bound_se, truth_se) + 0.05
    if abs(bound - truth) <= tolerance:
        return None
    if abs(bound - elbo) <= 4 * math.hypot(bound_se, elbo_se) + 0.05:
        return (f"with k = {_BOUND_K} your bound is no higher than with k = 1: averaging the log-weights gives the "
                "ELBO again. Average the weights themselves: logsumexp over the k samples, minus log k")
    if abs(bound - math.log(_BOUND_K) - truth) <= tolerance:
        return "your bound is log k too high: the mean of k weights is their sum divided by k (subtract log k)"
    return (f"with k = {_BOUND_K} the bound averages {truth:.1f} nats on the test digits, yours {bound:.1f}: "
            "the log of the mean, over k draws z ~ q(z|x), of p(x|z) p(z) / q(z|x)")


# ---------------------------------------------------------------------------------------------------------------
# 4.1.2 Active latent units


def _encoder_outputs() -> tuple[np.ndarray, np.ndarray]:
    """Posterior means and log-variances of 200 digits in 6 units, made so that each typical mistake gives a
    different count: units 0–2 are active (variance of the means 1, 0.05, 0.02), unit 3 is not (variance 0.004, its
    standard deviation 0.06 above 0.01), all four with posterior variance e^-6 ≈ 0.0025; units 4 and 5 have collapsed
    (means 0, posterior variance 1, the prior's)."""
    rng = np.random.default_rng(0)
    spreads = np.array([1.0, 0.05, 0.02, 0.004, 0.0, 0.0])
    mu = rng.standard_normal((200, 6))
    mu = (mu - mu.mean(axis=0)) / mu.std(axis=0) * np.sqrt(spreads)
    logvar = np.where(spreads > 0, -6.0, 0.0) + 0.01 * rng.standard_normal((200, 6))
    return mu, logvar


def _active_units_reference(mu, logvar, threshold=0.01):
    return int((np.var(mu, axis=0) > threshold).sum())


def _active_units_mistake(mu, logvar, threshold=0.01):  # the posterior variance σ², not the variance of the means
    return int((np.exp(logvar).mean(axis=0) > threshold).sum())


@exercise("4.1.2", summary="active latent units: the variance over digits of the posterior means exceeds 0.01",
          solution=lambda: _active_units_reference, mistake=lambda: _active_units_mistake, function="active_units")
def _check_active_units(answer):
    mu, logvar = _encoder_outputs()
    count = call_answer(answer, mu.copy(), logvar.copy())
    if np.ndim(count) != 0:
        return (f"return one number, the count of active units; got an array of shape {np.shape(count)}. "
                "Take the variance over the digits (axis 0), one value per unit, then count")
    count = float(count)
    if count == 3:
        return None
    if count == _active_units_mistake(mu, logvar):
        return ("that counts units whose posterior variance σ² is above 0.01: a collapsed unit has σ² = 1, the "
                "prior's. A unit is active when its posterior MEAN varies over the digits: np.var(mu, axis=0)")
    if count == int((np.std(mu, axis=0) > 0.01).sum()):
        return "that compares the standard deviation of the means with 0.01; the criterion uses their variance"
    return (f"these encoder outputs have 3 active units of 6, yours says {count:g}: count the units whose "
            "posterior means μ_j(x) have a variance over the digits above the threshold")


# ---------------------------------------------------------------------------------------------------------------
# 4.2 Generative adversarial networks


def _split_and_fit(real, fake, seed):
    from sklearn.linear_model import LogisticRegression

    x = np.concatenate([np.reshape(real, (len(real), -1)), np.reshape(fake, (len(fake), -1))])
    y = np.r_[np.ones(len(real)), np.zeros(len(fake))]
    order = np.random.default_rng(seed).permutation(len(x))
    fit, held_out = order[: len(x) // 2], order[len(x) // 2:]
    return LogisticRegression(max_iter=500).fit(x[fit], y[fit]), x, y, held_out


def _detection_reference(real, fake, seed=0):
    model, x, y, held_out = _split_and_fit(real, fake, seed)
    return model.score(x[held_out], y[held_out])


def _detection_mistake(real, fake, seed=0):  # scores the classifier on the images it was fitted on
    from sklearn.linear_model import LogisticRegression

    x = np.concatenate([np.reshape(real, (len(real), -1)), np.reshape(fake, (len(fake), -1))])
    y = np.r_[np.ones(len(real)), np.zeros(len(fake))]
    return LogisticRegression(max_iter=500).fit(x, y).score(x, y)


@exercise("4.2.1", summary="a classifier two-sample test: the held-out accuracy of telling generated from real digits",
          solution=lambda: _detection_reference, mistake=lambda: _detection_mistake, function="detection_accuracy")
def _check_detection_accuracy(answer):
    # 240 digits with a little pixel noise: 784 free features, so that a classifier can memorise its fitting half
    digits = np.clip(_fixed_digits(240) + np.random.default_rng(0).uniform(0, 0.1, (240, 28, 28)), 0, 1)
    same = float(answer(digits[:120].copy(), digits[120:].copy()))  # two samples of the same kind of digits
    grey = float(answer(digits[:120].copy(), (0.3 + 0.7 * digits[120:]).copy()))  # on a grey background
    if not (0 <= same <= 1 and 0 <= grey <= 1):
        return "return an accuracy: the share of held-out images classified correctly, between 0 and 1"
    if same > 0.7:
        return (f"two samples of the same digits get {same:.0%}: that is the accuracy on the images the classifier "
                "was fitted on. Fit on one half of the images, score on the other half")
    if same < 0.3:
        return f"two samples of the same digits should give about 50%, yours {same:.0%}"
    if grey < 0.95:
        return (f"digits on a grey background are trivial to tell apart, yet yours scores {grey:.0%}: label the "
                "real images 1 and the generated ones 0, and return the accuracy on the held-out half")
    return None


# ---------------------------------------------------------------------------------------------------------------
# 4.2.2 The class entropy


_HISTOGRAMS = [np.arange(1000) % 10, np.full(300, 7), np.repeat([1, 7, 9], [500, 300, 200])]


def _entropy_reference(predicted_labels):
    shares = np.bincount(np.asarray(predicted_labels), minlength=10) / len(predicted_labels)
    shares = shares[shares > 0]
    return float(-(shares * np.log(shares)).sum())


@exercise("4.2.2", summary="the class entropy of predicted labels",
          solution=lambda: _entropy_reference,
          mistake=lambda: (lambda labels: float(-sum(p * np.log2(p) for p in
                                                       np.bincount(labels, minlength=10) / len(labels) if p > 0))),
          function="class_entropy")
def _check_class_entropy(answer):
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


# ---------------------------------------------------------------------------------------------------------------
# 4.2.3 Counting the modes a generator covers


def _modes_reference(samples, centres, std):
    samples, centres = np.asarray(samples, dtype=float), np.asarray(centres, dtype=float)
    distances = np.linalg.norm(samples[:, None, :] - centres[None, :, :], axis=2)
    nearest, good = distances.argmin(axis=1), distances.min(axis=1) <= 3 * std
    return int((np.bincount(nearest[good], minlength=len(centres)) >= 20).sum())


def _modes_mistake(samples, centres, std):  # counts every sample for its nearest mode, however far away
    distances = np.linalg.norm(np.asarray(samples)[:, None, :] - np.asarray(centres)[None, :, :], axis=2)
    return int((np.bincount(distances.argmin(axis=1), minlength=len(centres)) >= 20).sum())


def _mode_samples():
    """Four test samples on the ring of 4.2, with the number of covered modes each must give."""
    rng = np.random.default_rng(0)
    angles = 2 * np.pi * np.arange(8) / 8
    centres = 2.0 * np.c_[np.cos(angles), np.sin(angles)]
    on_ring = centres[rng.integers(8, size=2000)] + 0.02 * rng.standard_normal((2000, 2))
    three = centres[rng.integers(3, size=600)] + 0.02 * rng.standard_normal((600, 2))
    halfway = 1.5 * rng.standard_normal((2000, 2))  # a blur over the plane: few points within 3σ of any mode
    few = np.r_[three, centres[3] + 0.02 * rng.standard_normal((19, 2))]  # mode 3 has 19 points: not covered
    return centres, [(on_ring, 8), (three, 3), (halfway, 0), (few, 3)]


@exercise("4.2.3", summary="the number of modes of the ring a generator's samples cover (≥ 20 points within 3σ)",
          solution=lambda: _modes_reference, mistake=lambda: _modes_mistake, function="modes_covered")
def _check_modes_covered(answer):
    centres, cases = _mode_samples()
    values = [call_answer(answer, samples.copy(), centres.copy(), 0.02) for samples, _ in cases]
    if not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in values):
        return f"return a whole number of modes, got {values[0]!r}"
    expected = [count for _, count in cases]
    if values == expected:
        return None
    if values[2] > 0:
        return (f"points spread over the whole plane cover {values[2]} modes by your count, yet almost none lies near "
                "a mode: count a point only if it is within 3 standard deviations of its nearest centre")
    if values[3] != 3:
        return "a mode is covered only if at least 20 points count for it; one with 19 is not"
    return f"expected {expected} covered modes on the four test samples, got {values}"


# ---------------------------------------------------------------------------------------------------------------
# 4.3.1 Heun's sampler for flow matching


def _heun_reference(model, noise, labels, steps):
    import torch

    x, dt = noise, 1.0 / steps
    with torch.no_grad():
        for i in range(steps):
            t = torch.full((len(x),), i * dt, device=x.device)
            v = model(x, t, labels)
            x = x + dt / 2 * (v + model(x + dt * v, t + dt, labels))
    return x


def _heun_mistake(model, noise, labels, steps):  # evaluates the trial point at the old time: not second order
    import torch

    x, dt = noise, 1.0 / steps
    with torch.no_grad():
        for i in range(steps):
            t = torch.full((len(x),), i * dt, device=x.device)
            v = model(x, t, labels)
            x = x + dt / 2 * (v + model(x + dt * v, t, labels))
    return x


@exercise("4.3.1", summary="Heun's second-order sampler for a flow-matching model",
          solution=lambda: _heun_reference, mistake=lambda: _heun_mistake, function="heun_sample")
def _check_heun(answer):
    import torch

    from ..part4.diffusion import gaussian_velocity

    mean, var = torch.tensor([2.0, -1.0]), torch.tensor([0.25, 4.0])
    velocity = gaussian_velocity(mean, var)
    noise = torch.randn(4000, 2, generator=torch.Generator().manual_seed(0))
    labels = torch.zeros(4000, dtype=torch.long)
    result = call_answer(answer, velocity, noise.clone(), labels, 4)
    if not isinstance(result, torch.Tensor) or result.shape != noise.shape:
        return "return the samples: a tensor shaped like the noise"
    expected = _heun_reference(velocity, noise, labels, 4)
    if torch.allclose(result, expected, atol=1e-4):
        return None
    euler = noise.clone()
    for i in range(4):
        euler = euler + velocity(euler, torch.full((4000,), i / 4), labels) / 4
    if torch.allclose(result, euler, atol=1e-4):
        return "that is Euler's method: average the velocity at the start and at the Euler trial point"
    if torch.allclose(result, _heun_mistake(velocity, noise, labels, 4), atol=1e-4):
        return "evaluate the velocity at the trial point at the *next* time, t + Δt, not at t"
    return "the samples differ from Heun's method: x ← x + Δt/2 · (v(x, t) + v(x + Δt·v(x, t), t + Δt))"


# ---------------------------------------------------------------------------------------------------------------
# 4.3.2 DDPM's forward process in one jump


def _noise_to_step_reference(x0, k, noise, betas):
    alpha_bar = float(np.prod(1 - np.asarray(betas)[: k + 1]))
    return math.sqrt(alpha_bar) * x0 + math.sqrt(1 - alpha_bar) * noise


@exercise("4.3.2", summary="DDPM's forward process in closed form: x_k = √ᾱ_k x_0 + √(1 − ᾱ_k) ε",
          solution=lambda: _noise_to_step_reference,
          mistake=lambda: (lambda x0, k, noise, betas: math.sqrt(1 - betas[k]) * x0 + math.sqrt(betas[k]) * noise),
          function="noise_to_step")
def _check_noise_to_step(answer):
    import torch

    betas = np.linspace(1e-4, 0.02, 1000)
    x0 = torch.as_tensor(_fixed_digits(8)[:, None] * 2 - 1)
    noise = torch.randn(x0.shape, generator=torch.Generator().manual_seed(0))
    for k in (0, 10, 500, 999):
        result = answer(x0.clone(), k, noise.clone(), betas.copy())
        expected = _noise_to_step_reference(x0, k, noise, betas)
        if not isinstance(result, torch.Tensor) or result.shape != x0.shape:
            return "return x_k: a tensor shaped like x0"
        if torch.allclose(result.float(), expected.float(), atol=1e-5):
            continue
        one_step = math.sqrt(1 - betas[k]) * x0 + math.sqrt(betas[k]) * noise
        if k > 0 and torch.allclose(result.float(), one_step.float(), atol=1e-5):
            return ("that is one step of noise from x0; after k + 1 steps the signal's factor is the product "
                    "ᾱ_k = Π (1 − β_j) over j ≤ k, under a square root")
        alpha_bar = float(np.prod(1 - betas[: k + 1]))
        if torch.allclose(result.float(), (alpha_bar * x0 + (1 - alpha_bar) * noise).float(), atol=1e-5):
            return "the factors are √ᾱ_k and √(1 − ᾱ_k): variances add, not standard deviations"
        return f"x_k differs from √ᾱ_k x0 + √(1 − ᾱ_k) ε at k = {k} (k = 0 is one step of noise)"
    return None
