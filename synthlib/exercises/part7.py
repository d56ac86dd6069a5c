"""The self-checks of part 7's exercises (sections 7.1 and 7.2), registered with :func:`synthlib.exercises.exercise`.
"""
from __future__ import annotations

from . import exercise
import numpy as np


@exercise("7.1.1", summary="the Laplace mechanism's noise scale",
          solution=lambda: (lambda sensitivity, epsilon: sensitivity / epsilon),
          mistake=lambda: (lambda sensitivity, epsilon: epsilon / sensitivity))
def _check_laplace_scale(answer):
    if not callable(answer):
        return "pass your function itself: synthlib.check('7.1.1', laplace_scale)"
    cases = [(1.0, 1.0), (1.0, 0.5), (2.0, 4.0), (3.0, 0.1)]
    values = [float(answer(d, e)) for d, e in cases]
    if all(abs(v - d / e) < 1e-9 * max(1, d / e) for v, (d, e) in zip(values, cases)):
        return None
    if all(abs(v - e / d) < 1e-9 for v, (d, e) in zip(values, cases)):
        return "inverted: less privacy loss (smaller ε) must mean MORE noise, so divide the sensitivity by ε"
    return "the scale is b = Δ/ε: it grows with the sensitivity and shrinks as ε grows"


@exercise("7.1.2", summary="basic composition of ten 0.1-DP queries",
          solution=lambda: 1.0, mistake=lambda: 0.1)
def _check_composition(answer):
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return "give the total ε as a number"
    if abs(value - 1.0) < 1e-9:
        return None
    if abs(value - 0.1) < 1e-9:
        return "each query spends privacy: under basic composition the ε of the queries add up"
    return "basic composition: k queries that are each ε₀-DP are together (k·ε₀)-DP"


_IMAGES = np.arange(2 * 3 * 3).reshape(2, 3, 3)


def _reference_rotate(images):
    return np.concatenate([np.rot90(images, k, axes=(1, 2)) for k in range(4)]), np.repeat(np.arange(4), len(images))


@exercise("7.2.1", summary="the four rotations and their labels",
          solution=lambda: _reference_rotate,
          mistake=lambda: (lambda images: (np.concatenate([np.rot90(images, k) for k in range(4)]),
                                           np.repeat(np.arange(4), len(images)))))
def _check_rotate(answer):
    if not callable(answer):
        return "pass your function itself: synthlib.check('7.2.1', rotate_all)"
    try:
        rotated, labels = answer(_IMAGES.copy())
    except Exception as error:  # noqa: BLE001
        return f"your function raised {type(error).__name__}: {error}"
    truth, truth_labels = _reference_rotate(_IMAGES)
    rotated, labels = np.asarray(rotated), np.asarray(labels)
    if rotated.shape != truth.shape:
        return f"expected {truth.shape[0]} images of {truth.shape[1:]}, got shape {rotated.shape}"
    if not np.array_equal(labels, truth_labels):
        return "labels must be 0 for every unrotated image, then 1, 2, 3: np.repeat(np.arange(4), len(images))"
    if not np.array_equal(rotated, truth):
        return "rotate each image in its own plane: np.rot90(images, k, axes=(1, 2)), k = 0, 1, 2, 3"
    return None


@exercise("7.2.2", summary="digits that look the same upside down",
          solution=lambda: {0, 1, 8}, mistake=lambda: {0, 1, 6, 8, 9})
def _check_symmetric_digits(answer):
    try:
        digits = {int(d) for d in answer}
    except (TypeError, ValueError):
        return "give a set of digits, e.g. {0, 1}"
    if digits == {0, 1, 8}:
        return None
    if {6, 9} & digits:
        return "a 6 upside down becomes a 9: a different digit, not the same one"
    return "look for digits with 180-degree symmetry: which ones read the same when the page is turned over?"
