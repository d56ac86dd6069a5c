"""Sections 4.1 and 4.2: digits as tensors, the digit classifier and the sample-quality figures (synthlib.part4.digits)."""
import math

import numpy as np
import pytest

import synthlib

torch = pytest.importorskip("torch")

torch.set_num_threads(1)  # tiny networks: one thread is as fast, and immune to a busy machine


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



def test_batch_indices_cover_each_epoch_and_repeat_with_the_seed():
    batches = list(synthlib.batch_indices(10, 5, 4, torch.Generator().manual_seed(1)))
    again = list(synthlib.batch_indices(10, 5, 4, torch.Generator().manual_seed(1)))
    assert all(torch.equal(a, b) for a, b in zip(batches, again))
    assert sorted(torch.cat(batches[:2]).tolist()) == list(range(10))
    # the same forms of randomness as every synthlib function: an integer seed is a torch generator seeded with it
    assert all(torch.equal(a, b) for a, b in zip(batches, synthlib.batch_indices(10, 5, 4, 1)))
    with pytest.raises(TypeError, match="generator must be a torch Generator"):
        next(synthlib.batch_indices(10, 5, 4, "seed"))
    with pytest.raises(ValueError, match="steps must be at least 1"):
        next(synthlib.batch_indices(10, 5, 0, torch.Generator()))



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
    import synthlib.book.datasets

    monkeypatch.setattr(synthlib.book.datasets, "data_dir", lambda: tmp_path)
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



def test_grey_share_measures_blur():
    sharp = np.zeros((2, 28, 28))
    sharp[:, 10:18, 12:16] = 1.0  # solid black strokes
    assert synthlib.grey_share(sharp) == 0
    blurred = sharp * 0.5  # the same strokes, all mid-grey
    assert synthlib.grey_share(blurred) == 1
    assert synthlib.grey_share((sharp * 255).astype(np.uint8)) == 0
    with pytest.raises(ValueError, match="nothing is drawn"):
        synthlib.grey_share(np.zeros((1, 28, 28)))


def test_class_accuracies(digits_and_classifier):
    test_x, test_y, classifier = digits_and_classifier
    per_class = synthlib.class_accuracies(test_x, classifier, test_y)
    overall = (synthlib.classify_digits(test_x, classifier).argmax(1) == test_y).mean()
    counts = np.bincount(test_y, minlength=10)
    assert per_class.shape == (10,) and per_class.min() > 0.7
    assert (per_class * counts).sum() / counts.sum() == pytest.approx(overall)  # recalls weighted back to accuracy
    wrong = (test_y + 1) % 10  # every label wrong: the classifier agrees with few of them
    assert synthlib.class_accuracies(test_x, classifier, wrong).max() < 0.1
    with pytest.raises(ValueError, match="missing: \\[9\\]"):
        keep = test_y != 9
        synthlib.class_accuracies(test_x[keep], classifier, test_y[keep])
