"""Section 3.3: rendered digits are MNIST-normalised, reproducible, randomised as asked, and refuse bad input."""
import numpy as np
import pytest
from scipy import ndimage

import synthlib


def test_every_font_draws_every_digit_normalised_like_mnist():
    fonts = synthlib.digit_fonts()
    assert len(fonts) >= 15
    for font in fonts:
        for digit in range(10):
            image = synthlib.render_digit(digit, font)
            assert image.shape == (28, 28) and 0 <= image.min() and image.max() <= 1
            rows, cols = np.nonzero(image > 0.05)
            # The ink fits a 20 × 20 box (a pixel of anti-aliasing and the centring shift aside) ...
            assert max(np.ptp(rows), np.ptp(cols)) <= 22, (font, digit)
            # ... and its centre of mass is the image's centre.
            assert np.allclose(ndimage.center_of_mass(image), (13.5, 13.5), atol=0.6), (font, digit)


def test_different_digits_differ_and_the_same_call_repeats():
    ones, sevens = synthlib.render_digit(1, "DejaVuSans"), synthlib.render_digit(7, "DejaVuSans")
    assert np.abs(ones - sevens).sum() > 20
    labels = np.arange(10).repeat(3)
    first = synthlib.render_digits(labels, randomisation=synthlib.Randomisation(), rng=5)
    assert np.array_equal(first, synthlib.render_digits(labels, randomisation=synthlib.Randomisation(), rng=5))
    assert not np.array_equal(first, synthlib.render_digits(labels, randomisation=synthlib.Randomisation(), rng=6))


def test_randomisation_varies_the_images_and_none_does_not():
    labels = np.full(40, 4)
    plain = synthlib.render_digits(labels, fonts=["DejaVuSans"], rng=0)
    assert np.allclose(plain, plain[0])  # one font, no randomisation: the same image every time
    varied = synthlib.render_digits(labels, fonts=["DejaVuSans"], randomisation=synthlib.Randomisation(), rng=0)
    assert varied.std(axis=0).mean() > 0.05


def test_stroke_thickens_and_blur_spreads_the_ink():
    thin = synthlib.render_digit(3, "DejaVuSans")
    thick = synthlib.render_digit(3, "DejaVuSans", stroke=5)
    blurred = synthlib.render_digit(3, "DejaVuSans", blur=1.5)
    assert (thick > 0.5).sum() > 1.2 * (thin > 0.5).sum()
    assert (blurred > 0.05).sum() > (thin > 0.05).sum()


def test_rotation_turns_the_digit():
    upright = synthlib.render_digit(1, "DejaVuSans")
    turned = synthlib.render_digit(1, "DejaVuSans", rotation=90)
    # A "1" is taller than wide; turned by 90 degrees before normalisation, it is wider than tall.
    rows_up, cols_up = np.nonzero(upright > 0.3)
    rows_turned, cols_turned = np.nonzero(turned > 0.3)
    assert np.ptp(rows_up) > 1.3 * np.ptp(cols_up)
    assert np.ptp(cols_turned) > 1.3 * np.ptp(rows_turned)


@pytest.mark.parametrize("call, message", [
    (lambda: synthlib.render_digit(10, "DejaVuSans"), "digit"),
    (lambda: synthlib.render_digit(3.5, "DejaVuSans"), "digit"),
    (lambda: synthlib.render_digit(3, "Comic Sans"), "unknown font"),
    (lambda: synthlib.render_digit(3, "DejaVuSans", blur=-1), "blur"),
    (lambda: synthlib.render_digit(3, "DejaVuSans", noise=float("nan")), "noise"),
    (lambda: synthlib.render_digit(3, "DejaVuSans", stroke=-2), "stroke"),
    (lambda: synthlib.render_digits([], rng=0), "empty"),
    (lambda: synthlib.render_digits([1, 12], rng=0), "n_classes"),
    (lambda: synthlib.render_digits([1.5], rng=0), "whole"),
    (lambda: synthlib.render_digits([1], fonts=["Arial"], rng=0), "unknown font"),
    (lambda: synthlib.render_digits([1], randomisation={"rotation": 5}, rng=0), "Randomisation"),
    (lambda: synthlib.render_digits([1], rng="seed"), "rng"),
    (lambda: synthlib.Randomisation(rotation=-5), "rotation"),
    (lambda: synthlib.Randomisation(scale=(1.2, 0.8)), "scale"),
    (lambda: synthlib.Randomisation(shear=75), "shear"),
])
def test_bad_input_is_refused_with_a_clear_message(call, message):
    with pytest.raises((TypeError, ValueError), match=message):
        call()
