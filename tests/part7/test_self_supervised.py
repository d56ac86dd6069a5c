"""Unit tests of synthlib.part7.self_supervised (section 7.2)."""
import numpy as np
import pytest

import synthlib
from synthlib.part7 import self_supervised as selfsupervised


def test_rotation_dataset_labels_and_rotations():
    images = np.arange(2 * 4 * 4, dtype=np.uint8).reshape(2, 4, 4)
    rotated, labels = synthlib.rotation_dataset(images)
    assert rotated.shape == (8, 4, 4) and labels.tolist() == [0, 0, 1, 1, 2, 2, 3, 3]
    assert np.allclose(rotated[2], np.rot90(images[0] / 255.0))
    assert np.allclose(rotated[4], images[0, ::-1, ::-1] / 255.0)
    with pytest.raises(ValueError, match="square"):
        synthlib.rotation_dataset(np.zeros((2, 3, 4)))


def test_few_label_indices():
    labels = np.repeat(np.arange(3), 5)
    chosen = synthlib.few_label_indices(labels, 2, np.random.default_rng(0))
    assert np.bincount(labels[chosen]).tolist() == [2, 2, 2]
    with pytest.raises(ValueError, match="fewer"):
        synthlib.few_label_indices(labels, 6, np.random.default_rng(0))


def test_training_is_reproducible_and_learns():
    import torch
    rng = np.random.default_rng(0)
    images = (rng.uniform(size=(64, 28, 28)) * 255).astype(np.uint8)
    rotated, labels = synthlib.rotation_dataset(images)
    results = []
    for _ in range(2):
        torch.manual_seed(0)
        model = synthlib.train_classifier(synthlib.small_cnn(4, width=4), rotated, labels, epochs=1, seed=0)
        results.append(synthlib.extract_features(model, images[:5]))
    assert np.array_equal(results[0], results[1])
    assert 0 <= synthlib.accuracy(model, rotated, labels) <= 1


def test_linear_probe_on_separable_features():
    rng = np.random.default_rng(0)
    x = np.r_[rng.normal(-3, 1, (50, 2)), rng.normal(3, 1, (50, 2))]
    y = np.repeat([0, 1], 50)
    assert synthlib.linear_probe(x, y, x, y) > 0.95


def test_every_export_has_a_docstring_naming_the_section():
    for name in selfsupervised.__all__:
        assert "7.2" in (getattr(selfsupervised, name).__doc__ or ""), name


def test_random_shift_moves_the_ink_and_rejects_negative_shifts():
    import torch
    x = torch.zeros(3, 1, 8, 8)
    x[:, :, 3:5, 3:5] = 1.0
    generator = torch.Generator().manual_seed(0)
    shifted = selfsupervised.random_shift(x, 2, generator)
    assert shifted.shape == x.shape and float(shifted.sum()) == float(x.sum())  # the ink stays inside the frame
    assert selfsupervised.random_shift(x, 0, generator) is x
    with pytest.raises(ValueError, match="shift"):
        selfsupervised.random_shift(x, -1, generator)
    with pytest.raises(ValueError, match="shift"):
        synthlib.train_classifier(synthlib.small_cnn(2, width=2), np.zeros((4, 28, 28)), [0, 1, 0, 1], shift=-1)


def test_extract_features_pooling_and_bad_input():
    model = synthlib.small_cnn(4, width=4)
    images = np.zeros((3, 28, 28), dtype=np.uint8)
    assert synthlib.extract_features(model, images).shape == (3, 8 * 7 * 7)
    assert synthlib.extract_features(model, images, pool=4).shape == (3, 8 * 4 * 4)
    with pytest.raises(ValueError, match="pool must"):
        synthlib.extract_features(model, images, pool=0)
    with pytest.raises(ValueError, match="convolutional"):
        synthlib.extract_features(model, images, layers=9, pool=2)
    with pytest.raises(ValueError, match="layers"):
        synthlib.extract_features(model, images, layers=0)


def test_linear_probe_rejects_non_positive_C():
    x, y = np.eye(4), [0, 1, 0, 1]
    with pytest.raises(ValueError, match="C must"):
        synthlib.linear_probe(x, y, x, y, C=0)


def test_compare_few_labels_returns_every_method():
    import torch
    rng = np.random.default_rng(0)
    images = (rng.uniform(size=(20, 28, 28)) * 255).astype(np.uint8)
    labels = np.repeat([0, 1], 10)
    torch.manual_seed(0)
    pretext, random_net = synthlib.small_cnn(4, width=4), synthlib.small_cnn(4, width=4)
    features = {name: synthlib.extract_features(net, images, pool=4)
                for name, net in [("pretext", pretext), ("random", random_net)]}
    row = synthlib.compare_few_labels(pretext, random_net, images, labels, images, labels, features, steps=2)
    assert set(row) == {"pretext_probe", "random_probe", "scratch", "scratch_shift", "fine_tuned"}
    assert all(0 <= value <= 1 for value in row.values())
    with pytest.raises(ValueError, match="steps"):
        synthlib.compare_few_labels(pretext, random_net, images, labels, images, labels, features, steps=0)
    with pytest.raises(ValueError, match="lacks"):
        synthlib.compare_few_labels(pretext, random_net, images, labels, images, labels, {"pretext": None})


def test_training_helpers_refuse_bad_sizes_labels_and_images():
    model, images, labels = synthlib.small_cnn(2, width=2), np.zeros((4, 28, 28), np.uint8), [0, 1, 0, 1]
    for kwargs, name in [(dict(batch_size=-1), "batch_size"), (dict(batch_size=0), "batch_size"),
                         (dict(epochs=-2), "epochs"), (dict(epochs=1.5), "epochs"), (dict(lr=-1.0), "lr")]:
        with pytest.raises((ValueError, TypeError), match=name):
            synthlib.train_classifier(model, images, labels, **kwargs)
    with pytest.raises(ValueError, match="fractional"):
        synthlib.train_classifier(model, images, [0, 0.5, 1, 1])
    with pytest.raises(ValueError, match="NaN"):
        synthlib.train_classifier(model, np.full((4, 28, 28), np.nan, np.float32), labels)
    with pytest.raises(ValueError, match="4 images but 3 labels"):
        synthlib.accuracy(model, images, [0, 1, 0])
    with pytest.raises(ValueError, match="batch_size"):
        synthlib.extract_features(model, images, batch_size=0)
    with pytest.raises(ValueError, match=r"n_classes=1,000,000,000,000 would need"):
        synthlib.small_cnn(10**12)
    with pytest.raises(TypeError, match="per_class"):
        synthlib.few_label_indices(labels, 1.5, np.random.default_rng(0))
    with pytest.raises(ValueError, match="train_features contains"):
        synthlib.linear_probe(np.full((4, 2), np.inf), labels, np.eye(4)[:, :2], labels)
