"""The self-checks of part 3's exercises: section 3.1 here, section 3.2 in exercises_3_text.

Each check recomputes what it needs; none trusts the answer's own claims. scikit-learn and torch are imported
inside the functions, so that registering the exercises stays light.
"""
from __future__ import annotations

from functools import cache

import numpy as np

from .exercises import exercise  # noqa: F401

# ---------------------------------------------------------------------------------------------------------------
# 3.1 Image augmentation

_N_FIT = 1_000  # 3.1.1: the classifier is trained on the first 1,000 digits and tested on the other 797


@cache
def _mirrored_digit_accuracies() -> dict[str, np.ndarray]:
    """Per-class accuracy of an SVC trained on clean digits, on the held-out digits under four geometric changes."""
    from sklearn.svm import SVC

    from .augment_image import per_class_accuracy
    from .data import load_digits

    digits = load_digits(verbose=False).data
    images, target = np.asarray(digits["images"], dtype=float), np.asarray(digits["target"])
    model = SVC().fit(images[:_N_FIT].reshape(_N_FIT, -1), target[:_N_FIT])
    held_out, truth = images[_N_FIT:], target[_N_FIT:]
    views = {"mirrored": held_out[:, :, ::-1], "unchanged": held_out, "flipped top to bottom": held_out[:, ::-1, :],
             "rotated by 180°": held_out[:, ::-1, ::-1]}
    return {name: per_class_accuracy(truth, model.predict(view.reshape(len(view), -1)), classes=range(10))
            for name, view in views.items()}


@exercise("3.1.1", summary="per-class accuracy of a digit classifier on mirrored digits",
          solution=lambda: _mirrored_digit_accuracies()["mirrored"],
          mistake=lambda: _mirrored_digit_accuracies()["unchanged"])
def _check_mirrored_accuracy(answer):
    try:
        values = np.asarray(answer, dtype=float).ravel()
    except (TypeError, ValueError):
        return "give the ten per-class accuracies as an array of numbers, class 0 first"
    if values.shape != (10,):
        return f"give one accuracy per digit class, ten numbers in all; you gave {values.size}"
    if np.any((values < 0) | (values > 1)):
        return "an accuracy is a share between 0 and 1"
    references = _mirrored_digit_accuracies()
    # One digit of about 80 per class is 0.0125: allow two of them, for float32 vs float64 round-off.
    close = {name: np.abs(values - reference).max() <= 0.03 for name, reference in references.items()}
    if close["mirrored"]:
        return None
    if close["unchanged"]:
        return "these are the accuracies on the digits as they are: mirror them first (flip the last, width axis)"
    if close["flipped top to bottom"]:
        return "you flipped the digits top to bottom (the height axis); a mirror flips left and right (the width axis)"
    if close["rotated by 180°"]:
        return "you flipped both axes, which rotates by 180°; a mirror flips only left and right"
    return ("train SVC() on the first 1,000 digits flattened to 64 numbers, mirror the other 797 left to right, "
            "and give for each class 0–9 the share of its mirrored digits predicted as that class")


_PHOTO_SHAPE = (3, 427, 640)  # 3.1.2: the photograph at full size (only its size matters)


def _mean_crop_share(n_draws: int = 20_000, seed: int = 0, shape: tuple[int, int, int] = _PHOTO_SHAPE) -> float:
    """Mean share of the image's area that RandomResizedCrop (default scale and ratio) actually keeps."""
    import torch
    from torchvision.transforms import v2

    crop = v2.RandomResizedCrop(size=224)
    image = torch.zeros(shape, dtype=torch.uint8)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        areas = [(lambda p: p["height"] * p["width"])(crop.make_params([image])) for _ in range(n_draws)]
    return float(np.mean(areas) / (shape[1] * shape[2]))


@cache
def _reference_crop_share() -> float:
    return _mean_crop_share()


@exercise("3.1.2", summary="the mean area share RandomResizedCrop really keeps",
          solution=lambda: _mean_crop_share(10_000, seed=1), mistake=lambda: 0.54)
def _check_crop_share(answer):
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return "give the mean share of the photograph's area as one number between 0 and 1"
    if not np.isfinite(value):
        return "give a finite number between 0 and 1"
    if value > 1:
        if value > 1_000:
            return "that looks like an area in pixels: divide by the photograph's area, 427 × 640"
        return "a share of the area lies between 0 and 1"
    reference = _reference_crop_share()
    if abs(value - reference) <= 0.01:  # about 5 simulation standard errors with 10,000 draws
        return None
    if abs(value - 0.54) < 0.005:
        return ("0.54 is the mean of the documented scale range (0.08, 1); measure what the transform really keeps: "
                "call crop.make_params([image]) many times and average height × width / (427 × 640)")
    if abs(value - 224 * 224 / (427 * 640)) < 0.005:
        return "that is the output size over the photograph's area; measure the crop before it is resized"
    return ("simulate at least 10,000 crops of the 427×640 photograph with v2.RandomResizedCrop(size=224) "
            "(default scale and ratio) and average the share of the area each keeps")


# Section 3.2 registers its exercises in a module of its own.
from . import exercises_3_text  # noqa: E402,F401
