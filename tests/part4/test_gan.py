"""Section 4.2: the GAN's shapes, ranges, losses and weight averaging (synthlib.part4.gan, networks); latent-size and shape checks of both models."""
import math

import numpy as np
import pytest

import synthlib

torch = pytest.importorskip("torch")

torch.set_num_threads(1)  # tiny networks: one thread is as fast, and immune to a busy machine


@pytest.mark.parametrize("make", [synthlib.make_vae, synthlib.make_gan])
def test_a_latent_size_of_zero_is_a_clear_error(make):
    with pytest.raises(ValueError, match="latent size must be at least 1, got 0"):
        make(0)
    with pytest.raises(TypeError, match="latent size must be an integer"):
        make(2.5)



def test_models_refuse_wrong_shapes():
    vae = synthlib.make_vae(4)
    generator, discriminator = synthlib.make_gan(8)
    with pytest.raises(ValueError, match=r"N×1×28×28; got \(2, 784\)"):
        vae(torch.zeros(2, 784))
    with pytest.raises(ValueError, match="codes shaped N×4"):
        vae.decode(torch.zeros(2, 5))
    with pytest.raises(ValueError, match="noise shaped N×8"):
        generator(torch.zeros(2, 7))
    with pytest.raises(ValueError, match="N×1×28×28"):
        discriminator(torch.zeros(2, 1, 32, 32))



def test_gan_shapes_and_ranges():
    generator, discriminator = synthlib.make_gan(latent_dim=10)
    fakes = generator(torch.randn(7, 10))
    assert fakes.shape == (7, 1, 28, 28)
    assert fakes.min() >= -1 and fakes.max() <= 1
    assert discriminator(fakes).shape == (7,)



def test_tanh_range_round_trip():
    images = np.random.default_rng(0).uniform(size=(4, 28, 28)).astype(np.float32)
    scaled = synthlib.to_tanh_range(images)
    assert scaled.shape == (4, 1, 28, 28) and scaled.min() >= -1 and scaled.max() <= 1
    np.testing.assert_allclose(synthlib.from_tanh_range(scaled), images, atol=1e-6)



def test_gan_losses_at_an_undecided_discriminator():
    zeros = torch.zeros(8)
    assert synthlib.discriminator_loss(zeros, zeros).item() == pytest.approx(2 * math.log(2))
    assert synthlib.generator_loss(zeros).item() == pytest.approx(math.log(2))
    assert synthlib.generator_loss(zeros, saturating=True).item() == pytest.approx(-math.log(2))



def test_saturating_generator_loss_vanishes_where_the_non_saturating_one_does_not():
    logits = torch.full((4,), -8.0, requires_grad=True)  # D(G(z)) ≈ 0.0003: the fakes are rejected
    synthlib.generator_loss(logits, saturating=True).backward()
    saturating = logits.grad.abs().sum().item()
    logits.grad = None
    synthlib.generator_loss(logits).backward()
    assert saturating < 1e-3 and logits.grad.abs().sum().item() > 0.99



def test_update_moving_average():
    model, average = torch.nn.Linear(2, 2), torch.nn.Linear(2, 2)
    before = average.weight.detach().clone()
    synthlib.update_moving_average(average, model, decay=0.75)
    torch.testing.assert_close(average.weight, 0.75 * before + 0.25 * model.weight)
    synthlib.update_moving_average(average, model, decay=0.0)
    torch.testing.assert_close(average.weight, model.weight)
    with pytest.raises(ValueError, match="decay"):
        synthlib.update_moving_average(average, model, decay=1.0)
    fresh = torch.nn.Linear(2, 2)
    start = fresh.weight.detach().clone()
    synthlib.update_moving_average(fresh, model, decay=0.999, step=1)  # warm-up: decay capped at 2/11
    torch.testing.assert_close(fresh.weight, 2 / 11 * start + 9 / 11 * model.weight)



def test_gan_helpers_refuse_arrays_empty_logits_and_huge_latent_sizes():
    with pytest.raises(TypeError, match="real_logits must be a torch tensor"):
        synthlib.discriminator_loss(np.zeros((4, 1)), torch.zeros(4, 1))
    with pytest.raises(ValueError, match="fake_logits is empty"):
        synthlib.generator_loss(torch.zeros(0, 1))
    with pytest.raises(ValueError, match="latent_dim: the latent size must be at most 65,536"):
        synthlib.make_gan(10**12)
    with pytest.raises(TypeError, match="average must be a torch.nn.Module"):
        synthlib.update_moving_average("net", synthlib.make_gan(2)[0])


def test_conditional_gan_shapes_and_label_effect():
    torch.manual_seed(0)
    generator, discriminator = synthlib.make_conditional_gan(latent_dim=8)
    z = torch.randn(1, 8).expand(10, 8)
    images = generator(z, torch.arange(10))
    assert images.shape == (10, 1, 28, 28) and images.abs().max() <= 1
    assert not torch.allclose(images[0], images[1])  # same noise, different class: a different image
    logits = discriminator(images, synthlib.balanced_labels(1))
    assert logits.shape == (10,)
    assert not torch.allclose(discriminator(images[:1], [0]), discriminator(images[:1], [1]))


@pytest.mark.parametrize("labels, message", [
    ([0, 1, 10], "unknown class 10"), ([0.0, 2.5, 1.0], "fractional value 2.5"), ([0, 1, 2, 3], "expected 3 class"),
    (torch.tensor([True, False, True]), "integers"),
])
def test_conditional_gan_refuses_bad_labels(labels, message):
    generator, discriminator = synthlib.make_conditional_gan(latent_dim=4)
    with pytest.raises((ValueError, TypeError), match=message):
        generator(torch.zeros(3, 4), labels)
    with pytest.raises((ValueError, TypeError), match=message):
        discriminator(torch.zeros(3, 1, 28, 28), labels)
