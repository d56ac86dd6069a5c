"""The shared argument checks: each refuses a bad value with a message naming the parameter."""
import math
import time

import numpy as np
import pytest

from synthlib.common.arguments import (MEMORY_LIMIT_BYTES, as_labels, check_count, check_memory, check_positive,
                                       check_real)


def test_check_positive_refuses_infinity_and_nan():
    assert check_positive(2, "theta") == 2.0
    with pytest.raises(ValueError, match="theta must be a finite number, got inf"):
        check_positive(math.inf, "theta")
    with pytest.raises(TypeError, match="theta"):
        check_positive(math.nan, "theta")


def test_check_count_has_an_optional_maximum():
    assert check_count(5, "n", maximum=5) == 5
    with pytest.raises(ValueError, match="n must be at most 5, got 6"):
        check_count(6, "n", maximum=5)
    with pytest.raises(TypeError, match="n must be an integer"):
        check_count(2.5, "n")


def test_check_memory_names_the_parameter_its_value_and_the_estimate():
    check_memory("n_resamples", 10_000, 8 * 10_000)
    with pytest.raises(ValueError, match=r"n_resamples=1,000,000,000,000 would need about 7\.3 TiB"):
        check_memory("n_resamples", 10**12, 8 * 10**12)
    with pytest.raises(ValueError, match="choose a smaller n_copies"):
        check_memory("n_copies", 3, MEMORY_LIMIT_BYTES + 1)


@pytest.mark.parametrize("bad, error", [(math.nan, ValueError), (math.inf, ValueError), (-math.inf, ValueError),
                                        ("1", TypeError), (None, TypeError), (True, TypeError)])
def test_check_real_refuses_non_finite_and_non_numbers(bad, error):
    with pytest.raises(error, match="rate"):
        check_real(bad, "rate")


def test_check_real_bounds():
    assert check_real(0.5, "share", minimum=0, maximum=1) == 0.5
    with pytest.raises(ValueError, match=r"share must lie in \[0, 1\], got 5"):
        check_real(5, "share", minimum=0, maximum=1)


def test_as_labels_refuses_fractional_nan_and_negative_labels_instead_of_casting():
    assert as_labels([0, 1.0, 2]).tolist() == [0, 1, 2] and as_labels([0, 1]).dtype == np.int64
    with pytest.raises(ValueError, match="fractional values such as 0.5"):
        as_labels([0, 0.5, 1])
    with pytest.raises(ValueError, match="NaN"):
        as_labels([0, np.nan])
    with pytest.raises(ValueError, match="≥ 0"):
        as_labels([0, -1])
    with pytest.raises(ValueError, match="below n_classes = 2"):
        as_labels([0, 2], n_classes=2)
    with pytest.raises(TypeError, match="y must be integer class indices"):
        as_labels(["a", "b"], "y")
    with pytest.raises(ValueError, match="1-dimensional"):
        as_labels([[0, 1]])
