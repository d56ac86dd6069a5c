"""The self-checks of part 7: section 7.1 here, section 7.2 in exercises_7_ssl."""
from __future__ import annotations

from .exercises import exercise  # noqa: F401


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


# Section 7.2 registers its exercises in a module of its own.
from . import exercises_7_ssl  # noqa: E402,F401
