"""Section 4.1: the VAE's shapes, reparameterisation and loss terms (synthlib.part4.vae, networks)."""
import math

import numpy as np
import pytest

import synthlib

import torch

torch.set_num_threads(1)  # tiny networks: one thread is as fast, and immune to a busy machine


def test_vae_shapes():
    vae = synthlib.make_vae(latent_dim=6)
    logits, mu, logvar = vae(torch.rand(5, 1, 28, 28))
    assert logits.shape == (5, 1, 28, 28) and mu.shape == (5, 6) and logvar.shape == (5, 6)
    assert vae.decode(torch.zeros(3, 6)).shape == (3, 1, 28, 28)



def test_kl_to_standard_normal_known_values():
    mu = torch.tensor([[0.0, 0.0], [1.0, 0.0], [0.0, 0.0]])
    logvar = torch.tensor([[0.0, 0.0], [0.0, 0.0], [math.log(4.0), 0.0]])
    kl = synthlib.kl_to_standard_normal(mu, logvar)
    expected = [0.0, 0.5, 0.5 * (4 - 1 - math.log(4))]
    np.testing.assert_allclose(kl.numpy(), expected, atol=1e-6)
    normal = torch.distributions.Normal
    mu, logvar = torch.randn(4, 3), torch.randn(4, 3)
    reference = torch.distributions.kl_divergence(normal(mu, (0.5 * logvar).exp()), normal(0.0, 1.0)).sum(1)
    torch.testing.assert_close(synthlib.kl_to_standard_normal(mu, logvar), reference)



def test_vae_loss_terms():
    x = (torch.rand(3, 1, 28, 28) > 0.5).float()
    logits = torch.zeros(3, 1, 28, 28)
    reconstruction, kl = synthlib.vae_loss(logits, x, torch.zeros(3, 2), torch.zeros(3, 2))
    assert reconstruction.item() == pytest.approx(784 * math.log(2), rel=1e-5)  # p = 1/2 for every pixel
    assert kl.item() == 0
    confident = (x * 2 - 1) * 30  # logits that predict every pixel almost surely
    reconstruction, _ = synthlib.vae_loss(confident, x, torch.zeros(3, 2), torch.zeros(3, 2))
    assert reconstruction.item() < 1e-6 * 784
    with pytest.raises(ValueError, match="logits must have the images' shape"):
        synthlib.vae_loss(torch.zeros(3, 784), x, torch.zeros(3, 2), torch.zeros(3, 2))



def test_reparameterise_statistics_and_gradients():
    torch.manual_seed(0)
    mu = torch.full((100_000, 1), 3.0, requires_grad=True)
    logvar = torch.full((100_000, 1), math.log(4.0), requires_grad=True)
    z = synthlib.reparameterise(mu, logvar)
    assert z.mean().item() == pytest.approx(3, abs=0.03) and z.std().item() == pytest.approx(2, abs=0.03)
    z.sum().backward()
    assert torch.all(mu.grad == 1) and logvar.grad.abs().sum() > 0



def test_vae_elbo_is_minus_the_sum_of_its_terms():
    torch.manual_seed(0)
    result = synthlib.vae_elbo(synthlib.make_vae(3), np.random.default_rng(0).uniform(size=(10, 28, 28)))
    assert result["ELBO"] == pytest.approx(-(result["reconstruction"] + result["KL"]))
    assert result["KL"] >= 0 and result["reconstruction"] > 0
    assert 0 < result["standard error"] < 1e3


def test_vae_elbo_standard_error_is_the_spread_of_the_digits_elbos():
    images = np.random.default_rng(1).uniform(size=(40, 28, 28))
    vae = synthlib.make_vae(3)
    with torch.no_grad():  # σ = e^-15: z = μ, so that every digit's ELBO is deterministic
        vae.encoder[-1].weight[3:] = 0
        vae.encoder[-1].bias[3:] = -30
    whole = synthlib.vae_elbo(vae, images)
    one_by_one = [synthlib.vae_elbo(vae, images[i:i + 1], batch_size=1)["ELBO"] for i in range(40)]
    assert whole["ELBO"] == pytest.approx(np.mean(one_by_one), rel=1e-5)
    assert whole["standard error"] == pytest.approx(np.std(one_by_one, ddof=1) / np.sqrt(40), rel=1e-4)


def test_exercise_checks_reject_more_mistakes():
    """4.1.1 and 4.1.2 recognise further typical mistakes and say which."""
    import math

    from synthlib.exercises.part4 import _importance_bound_reference

    too_high = synthlib.check("4.1.1", lambda vae, x, k: _importance_bound_reference(vae, x, k) + math.log(k))
    assert not too_high and "log k too high" in too_high.message
    posterior_variance = synthlib.check("4.1.2", lambda mu, logvar: int((np.exp(logvar).mean(0) > 0.01).sum()))
    assert not posterior_variance and "posterior variance" in posterior_variance.message
    standard_deviation = synthlib.check("4.1.2", lambda mu, logvar: int((mu.std(0) > 0.01).sum()))
    assert not standard_deviation and "standard deviation" in standard_deviation.message
    per_digit = synthlib.check("4.1.2", lambda mu, logvar: mu.var(axis=1) > 0.01)
    assert not per_digit and "one number" in per_digit.message



def test_conditional_vae_shapes_and_label_effect():
    torch.manual_seed(0)
    vae = synthlib.make_conditional_vae(latent_dim=4)
    labels = synthlib.balanced_labels(2)
    logits, mu, logvar = vae(torch.rand(20, 1, 28, 28), labels)
    assert logits.shape == (20, 1, 28, 28) and mu.shape == (20, 4) and logvar.shape == (20, 4)
    z = torch.zeros(10, 4)
    images = vae.decode(z, torch.arange(10))
    assert images.shape == (10, 1, 28, 28)
    assert not torch.allclose(images[0], images[1])  # same code, different class: a different image
    torch.testing.assert_close(vae.decode(z, np.arange(10)), images)  # NumPy labels are accepted too


@pytest.mark.parametrize("labels, message", [
    ([0, 1, 10], "unknown class 10"), ([0, -1, 2], "unknown class -1"), ([0.0, 1.5, 2.0], "fractional value 1.5"),
    ([0, 1], "expected 3 class labels"), ([[0, 1, 2]], "expected 3 class labels"), (["a", "b", "c"], "integers"),
])
def test_conditional_vae_refuses_bad_labels(labels, message):
    vae = synthlib.make_conditional_vae(latent_dim=2)
    with pytest.raises((ValueError, TypeError), match=message):
        vae.decode(torch.zeros(3, 2), labels)
    with pytest.raises((ValueError, TypeError), match=message):
        vae(torch.rand(3, 1, 28, 28), labels)


def test_balanced_labels_and_class_accuracies():
    assert synthlib.balanced_labels(2).tolist() == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9]
    with pytest.raises(ValueError, match="per_class must be at least 1"):
        synthlib.balanced_labels(0)


def test_make_vae_decoders():
    torch.manual_seed(0)
    conv = synthlib.make_vae(5, decoder="conv")
    logits, mu, logvar = conv(torch.rand(3, 1, 28, 28))
    assert logits.shape == (3, 1, 28, 28) and mu.shape == (3, 5)
    assert any(isinstance(layer, torch.nn.ConvTranspose2d) for layer in conv.decoder)
    assert not any(isinstance(layer, torch.nn.ConvTranspose2d) for layer in synthlib.make_vae(5).decoder)
    with pytest.raises(ValueError, match="decoder must be one of 'mlp', 'conv'"):
        synthlib.make_vae(5, decoder="transformer")


def test_active_units_on_hand_made_means():
    rng = np.random.default_rng(0)
    # three units: variance 1 (active), 0.02 (active), 0.005 (inactive); one constant (collapsed)
    mu = rng.standard_normal((500, 4))
    mu = (mu - mu.mean(0)) / mu.std(0) * np.sqrt([1.0, 0.02, 0.005, 0.0])
    assert synthlib.active_units(mu) == 2
    assert synthlib.active_units(mu, threshold=0.001) == 3
    assert synthlib.active_units(torch.as_tensor(mu)) == 2  # a tensor works too
    assert synthlib.active_units(np.zeros((10, 3))) == 0
    with pytest.raises(ValueError, match="N×d"):
        synthlib.active_units(mu[:, 0])
    with pytest.raises(ValueError, match="at least 2 digits"):
        synthlib.active_units(mu[:1])
    with pytest.raises(ValueError, match="NaN"):
        synthlib.active_units(np.full((3, 2), np.nan))


def test_kl_per_unit_of_known_gaussians():
    # unit 0: N(1, 1) → ½·1 = 0.5; unit 1: N(0, 4) → ½(4 − 1 − ln 4); unit 2: the prior → 0
    mu = np.array([[1.0, 0.0, 0.0], [-1.0, 0.0, 0.0]])
    logvar = np.array([[0.0, math.log(4.0), 0.0]] * 2)
    np.testing.assert_allclose(synthlib.kl_per_unit(mu, logvar), [0.5, 0.5 * (3 - math.log(4)), 0.0], atol=1e-12)
    torch.manual_seed(0)
    mu, logvar = torch.randn(6, 3), torch.randn(6, 3)  # the units' KLs sum to the mean KL of the loss
    assert synthlib.kl_per_unit(mu, logvar).sum() == pytest.approx(
        synthlib.kl_to_standard_normal(mu, logvar).mean().item(), rel=1e-5)
    with pytest.raises(ValueError, match="same shape"):
        synthlib.kl_per_unit(np.zeros((4, 2)), np.zeros((4, 3)))
