"""Part 4 (sections 4.1, 4.2): the models' shapes, the loss terms, the quality figures and the input checks."""
import math
import subprocess
import sys

import numpy as np
import pytest

import synthlib

torch = pytest.importorskip("torch")
torch.set_num_threads(1)  # tiny networks: one thread is as fast, and immune to a busy machine


def test_import_synthlib_does_not_import_torch():
    code = "import sys, synthlib; synthlib.deep; print('torch' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


# ---------------------------------------------------------------------------------------------------------------
# Input checks


def test_as_digit_batch_scales_uint8_and_adds_the_channel():
    images = np.full((3, 28, 28), 255, dtype=np.uint8)
    batch = synthlib.as_digit_batch(images)
    assert batch.shape == (3, 1, 28, 28) and batch.dtype == torch.float32
    assert torch.all(batch == 1)


@pytest.mark.parametrize("shape", [(5, 32, 32), (5, 784), (28, 28), (5, 3, 28, 28), (0, 28, 28)])
def test_wrong_image_shapes_are_clear_errors(shape):
    with pytest.raises(ValueError, match="shape N×28×28|empty"):
        synthlib.as_digit_batch(np.zeros(shape, dtype=np.float32))


def test_tanh_range_images_are_refused_with_a_hint():
    with pytest.raises(ValueError, match=r"\(x \+ 1\) / 2"):
        synthlib.as_digit_batch(np.full((2, 28, 28), -0.5, dtype=np.float32))


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


# ---------------------------------------------------------------------------------------------------------------
# Shapes


def test_vae_shapes():
    vae = synthlib.make_vae(latent_dim=6)
    logits, mu, logvar = vae(torch.rand(5, 1, 28, 28))
    assert logits.shape == (5, 1, 28, 28) and mu.shape == (5, 6) and logvar.shape == (5, 6)
    assert vae.decode(torch.zeros(3, 6)).shape == (3, 1, 28, 28)


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


# ---------------------------------------------------------------------------------------------------------------
# Loss terms


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


def test_batch_indices_cover_each_epoch_and_repeat_with_the_seed():
    batches = list(synthlib.batch_indices(10, 5, 4, torch.Generator().manual_seed(1)))
    again = list(synthlib.batch_indices(10, 5, 4, torch.Generator().manual_seed(1)))
    assert all(torch.equal(a, b) for a, b in zip(batches, again))
    assert sorted(torch.cat(batches[:2]).tolist()) == list(range(10))
    with pytest.raises(TypeError, match="torch.Generator"):
        next(synthlib.batch_indices(10, 5, 4, 0))
    with pytest.raises(ValueError, match="steps must be at least 1"):
        next(synthlib.batch_indices(10, 5, 0, torch.Generator()))


# ---------------------------------------------------------------------------------------------------------------
# The quality figures


def test_class_entropy():
    assert synthlib.class_entropy(np.arange(100) % 10) == pytest.approx(math.log(10))
    assert synthlib.class_entropy(np.full(50, 3)) == 0
    assert str(synthlib.class_entropy(np.full(50, 3))) == "0.0"  # not "-0.0" in a table
    assert synthlib.class_entropy(np.array([1, 1, 7, 7])) == pytest.approx(math.log(2))
    with pytest.raises(ValueError, match="must lie in 0..9"):
        synthlib.class_entropy(np.array([10]))


def test_frechet_distance_of_gaussians():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(20_000, 2))
    assert synthlib.frechet_distance(a, a) == pytest.approx(0, abs=1e-6)
    shifted = a + np.array([3.0, 4.0])
    assert synthlib.frechet_distance(a, shifted) == pytest.approx(25, rel=1e-6)
    wider = rng.normal(scale=3.0, size=(20_000, 2))  # 1-d formula per axis: (σ_a − σ_b)² = 4
    assert synthlib.frechet_distance(a, wider) == pytest.approx(8, rel=0.03)
    with pytest.raises(ValueError, match="same number of columns"):
        synthlib.frechet_distance(a, a[:, :1])


@pytest.fixture(scope="module")
def digits_and_classifier():
    mnist = synthlib.load_mnist(verbose=False)
    (train_x, train_y), (test_x, test_y) = mnist.data["train"], mnist.data["test"]
    classifier = synthlib.train_digit_classifier(train_x, train_y, steps=300, cache=False, progress=False)
    return test_x, test_y, classifier


def test_quality_rates_real_digits_high_and_noise_low(digits_and_classifier):
    test_x, test_y, classifier = digits_and_classifier
    accuracy = (synthlib.classify_digits(test_x, classifier).argmax(1) == test_y).mean()
    assert accuracy > 0.9
    real, reference = test_x[::2], test_x[1::2]
    rng = np.random.default_rng(1)
    uniform = rng.uniform(size=(500, 28, 28))
    blobs = np.clip(rng.normal(0.3, 0.3, size=(500, 28, 28)), 0, 1)
    real_q = synthlib.sample_quality(real, classifier, reference)
    assert real_q.confident_share > 0.75 and real_q.class_entropy > 2.25
    for noise in (uniform, blobs):
        noise_q = synthlib.sample_quality(noise, classifier, reference)
        assert noise_q.confident_share < 0.2
        assert noise_q.frechet_distance > 10 * real_q.frechet_distance
    table = synthlib.quality_table({"real": real, "noise": uniform}, classifier, reference)
    assert list(table.index) == ["real", "noise"] and table.shape == (2, 3)


def test_classifier_is_cached_and_leaves_the_random_state_alone(tmp_path, monkeypatch):
    import synthlib.data

    monkeypatch.setattr(synthlib.data, "data_dir", lambda: tmp_path)
    rng = np.random.default_rng(0)
    images, labels = rng.integers(0, 256, size=(64, 28, 28), dtype=np.uint8), rng.integers(0, 10, size=64)
    torch.manual_seed(5)
    first = synthlib.train_digit_classifier(images, labels, steps=3, progress=False)
    after_training = torch.rand(1)
    torch.manual_seed(5)
    second = synthlib.train_digit_classifier(images, labels, steps=3, progress=False)
    assert torch.equal(torch.rand(1), after_training)
    assert len(list((tmp_path / "models").glob("*.pt"))) == 1
    for a, b in zip(first.state_dict().values(), second.state_dict().values()):
        assert torch.equal(a, b)
    with pytest.raises(ValueError, match="labels must be 64 integers"):
        synthlib.train_digit_classifier(images, labels[:10], steps=3, progress=False)


def test_vae_elbo_is_minus_the_sum_of_its_terms():
    torch.manual_seed(0)
    result = synthlib.vae_elbo(synthlib.make_vae(3), np.random.default_rng(0).uniform(size=(10, 28, 28)))
    assert result["ELBO"] == pytest.approx(-(result["reconstruction"] + result["KL"]))
    assert result["KL"] >= 0 and result["reconstruction"] > 0
