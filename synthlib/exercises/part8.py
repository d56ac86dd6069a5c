"""The self-checks of the exercises of chapter 8 (best practices), registered with :func:`synthlib.exercises.exercise`.

Each check recomputes what it needs; none trusts the answer's own claims.
"""
from __future__ import annotations

import numpy as np

from . import exercise


def _reference_dcr(synthetic, real):
    synthetic, real = np.asarray(synthetic, float), np.asarray(real, float)
    return np.sqrt(((synthetic[:, None, :] - real[None, :, :]) ** 2).sum(axis=2)).min(axis=1)


def _mean_distance(synthetic, real):
    synthetic, real = np.asarray(synthetic, float), np.asarray(real, float)
    return np.sqrt(((synthetic[:, None, :] - real[None, :, :]) ** 2).sum(axis=2)).mean(axis=1)


@exercise("8.1", summary="distance to closest record (DCR)", solution=lambda: _reference_dcr,
          mistake=lambda: _mean_distance)
def _check_dcr(answer):
    if not callable(answer):
        return "pass your function itself: synthlib.check('8.1', dcr)"
    rng = np.random.default_rng(0)
    real, synthetic = rng.normal(size=(40, 3)), rng.normal(size=(15, 3))
    synthetic[:3] = real[:3]  # three copies: their DCR must be 0
    value = np.asarray(answer(synthetic.copy(), real.copy()), dtype=float)
    if value.shape != (len(synthetic),):
        return f"return one distance per synthetic row: shape ({len(synthetic)},), got {value.shape}"
    truth = _reference_dcr(synthetic, real)
    if np.allclose(value, truth, atol=1e-8):
        return None
    if np.allclose(value, truth ** 2, atol=1e-8):
        return "those are squared distances: take the square root"
    if not np.allclose(value[:3], 0):
        return "a synthetic row that copies a real row must have DCR 0: take the minimum over real rows"
    return "for each synthetic row, the Euclidean distance to the closest real row (minimum over real rows)"


@exercise("8.2", summary="total ε of three releases by basic composition",
          solution=lambda: 3.0, mistake=lambda: 1.5)
def _check_composition(answer):
    if isinstance(answer, bool):
        return "give ε as a number"
    value = float(answer)
    if abs(value - 3.0) < 1e-9:
        return None
    if abs(value - 1.5) < 1e-9:
        return "that is the largest single ε; under basic composition the budgets of all releases add up"
    if abs(value - 1.0) < 1e-9:
        return "that is the average; under basic composition the budgets of all releases add up"
    return "basic composition: the total privacy budget is the sum of the ε of every release about the same people"
