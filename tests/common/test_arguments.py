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


def test_one_seed_helper_accepts_the_same_forms_everywhere():
    import torch

    from synthlib.common.arguments import as_rng, as_torch_generator, check_seed

    assert as_rng(3).integers(100) == np.random.default_rng(3).integers(100)
    generator = np.random.default_rng(0)
    assert as_rng(generator) is generator and isinstance(as_rng(None), np.random.Generator)
    for bad, error in [(-1, ValueError), (2**32, ValueError), ("0", TypeError), (1.5, TypeError), (True, TypeError)]:
        with pytest.raises(error, match="rng must be a numpy Generator, a non-negative integer seed"):
            as_rng(bad)
        with pytest.raises(error, match="seed must be a non-negative integer seed"):
            check_seed(bad)
    torch_generator = torch.Generator().manual_seed(1)
    assert as_torch_generator(torch_generator) is torch_generator
    assert torch.equal(torch.rand(3, generator=as_torch_generator(5)), torch.rand(3, generator=as_torch_generator(5)))
    assert isinstance(as_torch_generator(np.random.default_rng(0)), torch.Generator)
    with pytest.raises(TypeError, match="generator must be a torch Generator"):
        as_torch_generator("seed")


def test_public_seeded_functions_name_a_bad_seed():
    """Every public function that takes randomness refuses a negative or string seed with the parameter's name."""
    import synthlib

    with pytest.raises(ValueError, match="seed must be a non-negative integer"):
        synthlib.edge_case_records(1, seed=-1)
    with pytest.raises(TypeError, match="seed must be a non-negative integer"):
        synthlib.ml_efficacy(None, None, "y", 1, seed="0")
    with pytest.raises(ValueError, match="rng must be a numpy Generator"):
        synthlib.simulate_patients(5, rng=-3)


def test_check_work_names_the_parameter_before_running():
    from synthlib.common.arguments import check_work

    check_work("n_trials", 10, 10 * 2000, 2e9, "resampled statistics")
    with pytest.raises(ValueError, match=r"n_trials=1,000,000,000,000 would mean about .* resampled statistics"):
        check_work("n_trials", 10**12, 10**12 * 2000, 2e9, "resampled statistics")
