"""Unit tests for section 3.1's image-augmentation helpers and the checks of its exercises."""
import numpy as np
import pytest

import synthlib

torch = pytest.importorskip("torch")
v2 = pytest.importorskip("torchvision.transforms.v2")


@pytest.fixture(scope="module")
def digits():
    data = synthlib.load_digits(verbose=False).data
    return data["images"].astype(np.float32), data["target"]


# --- image_to_tensor / tensor_to_image ------------------------------------------------------------------------------

def test_colour_and_grey_images_round_trip():
    rng = np.random.default_rng(0)
    colour = rng.integers(0, 256, size=(5, 7, 3), dtype=np.uint8)
    tensor = synthlib.image_to_tensor(colour)
    assert tuple(tensor.shape) == (3, 5, 7) and tensor.dtype == torch.uint8
    np.testing.assert_array_equal(synthlib.tensor_to_image(tensor), colour)

    grey = rng.uniform(size=(8, 8))
    tensor = synthlib.image_to_tensor(grey)
    assert tuple(tensor.shape) == (1, 8, 8) and tensor.dtype == torch.float32
    back = synthlib.tensor_to_image(tensor)
    assert back.shape == (8, 8)
    np.testing.assert_allclose(back, grey, atol=1e-7)


def test_image_to_tensor_copies_read_only_arrays():
    image = np.zeros((4, 4, 3), dtype=np.uint8)
    image.setflags(write=False)
    tensor = synthlib.image_to_tensor(image)
    tensor[0, 0, 0] = 9  # would be undefined behaviour if the tensor shared the read-only memory
    assert image[0, 0, 0] == 0


def test_the_photograph_converts():
    photo = synthlib.load_photo(verbose=False).data
    tensor = synthlib.image_to_tensor(photo)
    assert tuple(tensor.shape) == (3, 427, 640)


@pytest.mark.parametrize("bad, error, message", [
    (np.zeros(5), ValueError, "H×W"),
    (np.zeros((4, 4, 2)), ValueError, "C = 1, 3 or 4"),
    (np.zeros((0, 4)), ValueError, "empty"),
    (np.full((4, 4), 2.0), ValueError, r"must lie in\s+\[0, 1\]|\[0, 1\]"),
    (np.full((4, 4), np.nan), ValueError, "NaN"),
    (np.array([["a", "b"], ["c", "d"]]), TypeError, "numeric"),
    (np.zeros((4, 4), dtype=bool), TypeError, "numeric"),
])
def test_image_to_tensor_rejects_bad_images(bad, error, message):
    with pytest.raises(error, match=message):
        synthlib.image_to_tensor(bad)


def test_image_to_tensor_refuses_a_tensor_and_tensor_to_image_an_array():
    with pytest.raises(TypeError, match="torch tensor"):
        synthlib.image_to_tensor(torch.zeros(3, 4, 4))
    with pytest.raises(TypeError, match="must be a torch tensor"):
        synthlib.tensor_to_image(np.zeros((3, 4, 4)))
    with pytest.raises(ValueError, match="C×H×W"):
        synthlib.tensor_to_image(torch.zeros(4, 4))
    with pytest.raises(ValueError, match="C×H×W"):
        synthlib.tensor_to_image(torch.zeros(2, 4, 4))


# --- augment_images --------------------------------------------------------------------------------------------------

def test_augment_images_shape_dtype_and_copy_major_order(digits):
    images = digits[0][:6]
    out = synthlib.augment_images(images, v2.RandomHorizontalFlip(p=1.0), 3, generator=0)
    assert out.shape == (18, 8, 8) and out.dtype == np.float32
    for copy in range(3):  # copy-major: the labels of the output are np.tile(labels, n_copies)
        np.testing.assert_array_equal(out[copy * 6:(copy + 1) * 6], images[:, :, ::-1])

    photo = np.random.default_rng(1).integers(0, 256, size=(2, 10, 12, 3), dtype=np.uint8)
    out = synthlib.augment_images(photo, v2.ColorJitter(brightness=0.5), 2, generator=1)
    assert out.shape == (4, 10, 12, 3) and out.dtype == np.uint8


def test_augment_images_is_reproducible_and_leaves_the_global_generator_alone(digits):
    images = digits[0][:10]
    transform = v2.RandomAffine(degrees=15, translate=(0.125, 0.125))
    torch.manual_seed(123)
    state = torch.get_rng_state()
    first = synthlib.augment_images(images, transform, 4, generator=torch.Generator().manual_seed(5))
    again = synthlib.augment_images(images, transform, 4, generator=torch.Generator().manual_seed(5))
    other = synthlib.augment_images(images, transform, 4, generator=torch.Generator().manual_seed(6))
    assert torch.equal(torch.get_rng_state(), state)
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)
    np.testing.assert_array_equal(synthlib.augment_images(images, transform, 2, generator=7),
                                  synthlib.augment_images(images, transform, 2, generator=7))
    # Every image and every copy draws its own parameters.
    assert len({out.tobytes() for out in first[:10]}) > 5


def test_augment_images_without_generator_uses_the_global_generator(digits):
    images = digits[0][:4]
    transform = v2.RandomRotation(30)
    torch.manual_seed(0)
    first = synthlib.augment_images(images, transform, 2)
    torch.manual_seed(0)
    np.testing.assert_array_equal(first, synthlib.augment_images(images, transform, 2))


def test_augment_images_rejects_bad_input(digits):
    images = digits[0][:3]
    flip = v2.RandomHorizontalFlip()
    with pytest.raises(TypeError, match="transform must be callable"):
        synthlib.augment_images(images, "flip", 1)
    with pytest.raises(ValueError, match="n_copies must be at least 1"):
        synthlib.augment_images(images, flip, 0)
    with pytest.raises(TypeError, match="n_copies must be an integer"):
        synthlib.augment_images(images, flip, 1.5)
    with pytest.raises(ValueError, match="stack of shape"):
        synthlib.augment_images(images[0], flip, 1)
    with pytest.raises(ValueError, match="empty"):
        synthlib.augment_images(images[:0], flip, 1)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        synthlib.augment_images(images * 16, flip, 1)
    with pytest.raises(TypeError, match="not a torch tensor"):
        synthlib.augment_images(torch.from_numpy(images), flip, 1)
    with pytest.raises(ValueError, match="changed the image"):
        synthlib.augment_images(images, v2.CenterCrop(4), 1)
    with pytest.raises(TypeError, match="generator must be"):
        synthlib.augment_images(images, flip, 1, generator="seed")
    with pytest.raises(ValueError, match="non-negative integer seed"):
        synthlib.augment_images(images, flip, 1, generator=-1)
    # the same forms of randomness as every synthlib function: a numpy Generator is accepted and reproducible
    assert np.array_equal(synthlib.augment_images(images, flip, 1, generator=np.random.default_rng(0)),
                          synthlib.augment_images(images, flip, 1, generator=np.random.default_rng(0)))


# --- sample_per_class and per_class_accuracy ------------------------------------------------------------------------

def test_sample_per_class_draws_a_balanced_reproducible_subset(digits):
    labels = digits[1]
    chosen = synthlib.sample_per_class(labels, 7, np.random.default_rng(0))
    assert chosen.shape == (70,) and np.unique(chosen).size == 70
    np.testing.assert_array_equal(np.bincount(labels[chosen]), np.full(10, 7))
    assert np.all(np.diff(labels[chosen]) >= 0), "sorted by class"
    np.testing.assert_array_equal(chosen, synthlib.sample_per_class(labels, 7, 0))


def test_sample_per_class_rejects_bad_input():
    labels = np.array([0, 0, 0, 1, 1])
    with pytest.raises(ValueError, match=r"class\(es\) \[1\] have only 2"):
        synthlib.sample_per_class(labels, 3, 0)
    with pytest.raises(ValueError, match="at least 1"):
        synthlib.sample_per_class(labels, 0, 0)
    with pytest.raises(ValueError, match="1-dimensional"):
        synthlib.sample_per_class(labels.reshape(5, 1), 1, 0)
    with pytest.raises(TypeError, match="rng must be"):
        synthlib.sample_per_class(labels, 1, "seed")


def test_per_class_accuracy_known_values_and_errors():
    truth = np.array([0, 0, 1, 1, 1, 2])
    predicted = np.array([0, 1, 1, 1, 0, 2])
    np.testing.assert_allclose(synthlib.per_class_accuracy(truth, predicted), [0.5, 2 / 3, 1.0])
    np.testing.assert_allclose(synthlib.per_class_accuracy(truth, predicted, classes=[2, 0]), [1.0, 0.5])
    with pytest.raises(ValueError, match="same shape"):
        synthlib.per_class_accuracy(truth, predicted[:3])
    with pytest.raises(ValueError, match=r"class\(es\) \[5\] do not occur"):
        synthlib.per_class_accuracy(truth, predicted, classes=[0, 5])
    with pytest.raises(ValueError, match="non-empty"):
        synthlib.per_class_accuracy([], [])


def test_exports_are_listed():
    from synthlib.part3 import image_augmentation as augment_image

    assert set(augment_image.__all__) == {"image_to_tensor", "tensor_to_image", "augment_images", "sample_per_class",
                                          "per_class_accuracy"}
    for name in augment_image.__all__:
        assert "3.1" in getattr(synthlib, name).__doc__


# --- the checks of exercises 3.1.1 and 3.1.2 --------------------------------------------------------------------------

def test_exercise_3_1_1_names_the_wrong_flip():
    from synthlib.exercises.part3 import _mirrored_digit_accuracies

    references = _mirrored_digit_accuracies()
    assert "top to bottom" in synthlib.check("3.1.1", references["flipped top to bottom"]).message
    assert "180°" in synthlib.check("3.1.1", references["rotated by 180°"]).message
    assert not synthlib.check("3.1.1", np.ones(10))
    assert "ten numbers" in synthlib.check("3.1.1", [0.5, 0.5]).message


def test_exercise_3_1_2_rejects_the_documented_mean_and_pixel_areas():
    assert not synthlib.check("3.1.2", 0.54)
    assert "pixels" in synthlib.check("3.1.2", 0.39 * 427 * 640).message
    assert "output size" in synthlib.check("3.1.2", 224 * 224 / (427 * 640)).message
    assert synthlib.check("3.1.2", 0.39)


def test_a_huge_n_copies_is_refused_before_allocating():
    pytest.importorskip("torch")
    with pytest.raises(ValueError, match=r"n_copies=1,000,000,000,000 would need about"):
        synthlib.augment_images(np.zeros((2, 8, 8), np.uint8), lambda t: t, n_copies=10**12)
