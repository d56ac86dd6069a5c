"""Section 4.2: the ring of Gaussians, mode counting, the gradient penalty and the DCGAN option
(synthlib.part4.gan_toys, gan, networks), on known cases."""
import numpy as np
import pytest

import synthlib

torch = pytest.importorskip("torch")

torch.set_num_threads(1)


def test_ring_centres_lie_on_the_circle_evenly_spaced():
    centres = synthlib.ring_centres(8, 2.0)
    assert centres.shape == (8, 2)
    np.testing.assert_allclose(np.linalg.norm(centres, axis=1), 2.0)
    np.testing.assert_allclose(centres[0], [2.0, 0.0], atol=1e-12)
    gaps = np.linalg.norm(centres - np.roll(centres, 1, axis=0), axis=1)
    np.testing.assert_allclose(gaps, 2 * 2.0 * np.sin(np.pi / 8))


def test_ring_samples_have_the_stated_spread_and_reproduce():
    points = synthlib.ring_of_gaussians(4000, rng=0)
    assert points.shape == (4000, 2) and points.dtype == np.float32
    np.testing.assert_array_equal(points, synthlib.ring_of_gaussians(4000, rng=0))
    coverage = synthlib.mode_coverage(points, synthlib.ring_centres(), 0.02)
    assert coverage["modes covered"] == 8
    assert coverage["high-quality share"] > 0.985  # within 3σ of a 2-d Gaussian: 1 − e^(−4.5) = 98.9%
    assert abs(coverage["counts"] / 4000 - 1 / 8).max() < 0.03


def test_mode_coverage_on_a_hand_made_sample():
    centres = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    samples = np.array([[0.0, 0.05]] * 25          # mode 0: within 3σ = 0.3, 25 samples: covered
                       + [[1.2, 0.0]] * 19          # mode 1: within 3σ but only 19: not covered
                       + [[0.0, 1.5]] * 6)          # 0.5 from mode 2: beyond 3σ, low quality
    coverage = synthlib.mode_coverage(samples, centres, 0.1, min_count=20)
    assert coverage["modes covered"] == 1 and coverage["modes reached"] == 1  # mode 2 is nearest to only 6
    assert coverage["high-quality share"] == pytest.approx(44 / 50)
    np.testing.assert_array_equal(coverage["counts"], [25, 19, 0])
    assert synthlib.mode_coverage(samples, centres, 0.1, min_count=19)["modes covered"] == 2
    assert synthlib.mode_coverage(samples, centres, 0.1, n_sigma=6, min_count=6)["modes covered"] == 3


def test_mode_coverage_refuses_points_outside_the_plane():
    with pytest.raises(ValueError, match=r"samples must be points in the plane, an N×2 array; got shape \(4, 3\)"):
        synthlib.mode_coverage(np.zeros((4, 3)), synthlib.ring_centres(), 0.02)
    with pytest.raises(ValueError, match="std must be positive"):
        synthlib.mode_coverage(np.zeros((4, 2)), synthlib.ring_centres(), 0.0)


class Linear(torch.nn.Module):
    """f(x) = w·x: its gradient is w everywhere, so the penalty is exactly weight · (|w| − 1)²."""

    def __init__(self, w):
        super().__init__()
        self.w = torch.nn.Parameter(torch.tensor(w))

    def forward(self, x):
        return x.flatten(1) @ self.w


@pytest.mark.parametrize("w", [[3.0, 4.0], [0.6, 0.8], [0.1, 0.0]])
def test_gradient_penalty_of_a_linear_critic(w):
    critic = Linear(w)
    real, fake = torch.randn(16, 2), torch.randn(16, 2)
    expected = 10 * (np.linalg.norm(w) - 1) ** 2
    assert synthlib.gradient_penalty(critic, real, fake).item() == pytest.approx(expected, rel=1e-5, abs=1e-6)
    assert synthlib.gradient_penalty(critic, real, fake, weight=1.0).item() == pytest.approx(expected / 10, abs=1e-6)


def test_gradient_penalty_reaches_the_critic_and_works_on_images():
    critic = Linear([3.0, 4.0])
    synthlib.gradient_penalty(critic, torch.randn(8, 2), torch.randn(8, 2)).backward()
    # d/dw 10(|w| − 1)² = 20(|w| − 1) w/|w| = 20 · 4 · (0.6, 0.8)
    torch.testing.assert_close(critic.w.grad, torch.tensor([48.0, 64.0]))
    _, discriminator = synthlib.make_gan(8, architecture="dcgan")
    images = torch.rand(4, 1, 28, 28) * 2 - 1
    penalty = synthlib.gradient_penalty(discriminator, images, images.flip(0), generator=0)
    assert penalty.ndim == 0 and penalty.item() >= 0
    assert penalty.item() == synthlib.gradient_penalty(discriminator, images, images.flip(0), generator=0).item()


def test_gradient_penalty_refuses_unpaired_samples():
    with pytest.raises(ValueError, match="same shape"):
        synthlib.gradient_penalty(Linear([1.0, 0.0]), torch.randn(4, 2), torch.randn(5, 2))
    with pytest.raises(TypeError, match="critic must be a torch.nn.Module"):
        synthlib.gradient_penalty(lambda x: x, torch.randn(4, 2), torch.randn(4, 2))


def test_wasserstein_critic_loss_is_the_gap_of_mean_scores():
    assert synthlib.wasserstein_critic_loss(torch.tensor([1.0, 3.0]), torch.tensor([0.0, -1.0])).item() == -2.5


def test_point_gan_shapes():
    generator, discriminator = synthlib.make_point_gan(latent_dim=16, width=8)
    points = generator(torch.randn(5, 16))
    assert points.shape == (5, 2) and discriminator(points).shape == (5,)
    with pytest.raises(ValueError, match="noise shaped N×16"):
        generator(torch.randn(5, 15))
    with pytest.raises(ValueError, match="points shaped N×2"):
        discriminator(torch.randn(5, 3))


def test_dcgan_shapes_and_ranges():
    generator, discriminator = synthlib.make_gan(latent_dim=10, architecture="dcgan")
    fakes = generator(torch.randn(6, 10))
    assert fakes.shape == (6, 1, 28, 28) and fakes.min() >= -1 and fakes.max() <= 1
    assert discriminator(fakes).shape == (6,)
    assert any(isinstance(layer, torch.nn.ConvTranspose2d) for layer in generator.modules())
    with pytest.raises(ValueError, match="architecture must be one of 'mlp', 'dcgan'; got 'resnet'"):
        synthlib.make_gan(10, architecture="resnet")


def test_a_few_dcgan_discriminator_steps_reduce_its_loss():
    torch.manual_seed(0)
    generator, discriminator = synthlib.make_gan(latent_dim=8, architecture="dcgan")
    optimiser = torch.optim.Adam(discriminator.parameters(), lr=2e-4, betas=(0.5, 0.999))
    real = synthlib.to_tanh_range(np.tile(np.eye(28, dtype=np.float32), (16, 1, 1)))  # 16 diagonal strokes
    with torch.no_grad():
        fake = generator(torch.randn(16, 8))
    losses = []
    for _ in range(10):
        loss = synthlib.discriminator_loss(discriminator(real), discriminator(fake))
        optimiser.zero_grad(); loss.backward(); optimiser.step()
        losses.append(loss.item())
    assert losses[-1] < 0.5 * losses[0], losses
