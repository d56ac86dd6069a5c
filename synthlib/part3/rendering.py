"""Rendered digits: images drawn from fonts, with domain randomisation, normalised as MNIST is (section 3.3).

The fonts are the ones matplotlib ships (DejaVu, STIX, Computer Modern): a registry package, so the section runs
offline. Each digit is drawn large, optionally distorted, then **size-normalised into a 20 × 20 box and centred by
its centre of mass in a 28 × 28 image**, the preprocessing that produced MNIST {cite}`lecun1998mnist`.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..common.arguments import as_rng, check_count, check_memory, check_real

__all__ = ["Randomisation", "NO_RANDOMISATION", "digit_fonts", "render_digit", "render_digits"]

_CANVAS, _GLYPH_SIZE, _BOX, _IMAGE = 128, 72, 20, 28
# Fonts whose files draw the ten digits as text (the symbol-only STIX and cmex/cmsy files are left out).
_FONT_FILES = ("DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique", "DejaVuSans-BoldOblique", "DejaVuSansMono",
               "DejaVuSansMono-Bold", "DejaVuSansMono-Oblique", "DejaVuSansMono-BoldOblique", "DejaVuSerif",
               "DejaVuSerif-Bold", "DejaVuSerif-Italic", "DejaVuSerif-BoldItalic", "STIXGeneral", "STIXGeneralBol",
               "STIXGeneralItalic", "STIXGeneralBolIta", "cmr10", "cmss10", "cmtt10", "cmb10", "cmti10", "cmmi10")


@dataclass(frozen=True)
class Randomisation:
    """The ranges from which each rendered digit's distortions are drawn uniformly (section 3.3).

    ``rotation`` and ``shear`` in degrees (±), ``scale`` as (low, high) of the glyph's size, ``stroke`` the extra
    outline width in pixels of the 72-pixel glyph (0 to ``stroke``), ``blur`` the Gaussian blur radius in pixels of
    the 28 × 28 image (0 to ``blur``), ``noise`` the standard deviation of added pixel noise (0 to ``noise``).
    """

    rotation: float = 15.0
    shear: float = 20.0
    scale: tuple[float, float] = (0.8, 1.1)
    stroke: int = 5
    blur: float = 1.0
    noise: float = 0.1

    def __post_init__(self):
        for name in ("rotation", "shear", "blur", "noise"):
            check_real(getattr(self, name), name, minimum=0)
        if self.shear >= 60:
            raise ValueError(f"shear must be under 60 degrees, got {self.shear}")
        check_count(self.stroke, "stroke", maximum=20)
        try:
            low, high = self.scale
        except (TypeError, ValueError):
            raise TypeError(f"scale must be a pair (low, high), got {self.scale!r}") from None
        check_real(low, "scale[0]", minimum=0.1)
        check_real(high, "scale[1]", minimum=low, maximum=3)


#: Every digit upright, at full size, with the font's own stroke, no blur and no noise.
NO_RANDOMISATION = Randomisation(rotation=0.0, shear=0.0, scale=(1.0, 1.0), stroke=0, blur=0.0, noise=0.0)


def digit_fonts() -> dict[str, Path]:
    """The font files that ship with matplotlib and draw digits, by name (section 3.3)."""
    return dict(_digit_fonts())


@lru_cache(maxsize=1)
def _digit_fonts() -> tuple:
    import matplotlib

    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    fonts = tuple((name, folder / f"{name}.ttf") for name in _FONT_FILES if (folder / f"{name}.ttf").exists())
    if not fonts:
        raise FileNotFoundError(f"no font files found in {folder}; is matplotlib installed completely?")
    return fonts


@lru_cache(maxsize=256)
def _typeface(path: str, size: int):
    from PIL import ImageFont

    return ImageFont.truetype(path, size)  # parsing a font file is the slow step of drawing a digit


def _normalise(glyph: np.ndarray) -> np.ndarray:
    """Fit the ink into a 20 × 20 box (keeping its aspect ratio) and centre its centre of mass in 28 × 28."""
    from PIL import Image
    from scipy import ndimage

    rows, cols = np.nonzero(glyph > 0.05)
    if rows.size == 0:
        return np.zeros((_IMAGE, _IMAGE))
    cropped = glyph[rows.min():rows.max() + 1, cols.min():cols.max() + 1]
    height, width = cropped.shape
    factor = _BOX / max(height, width)
    size = (max(1, round(width * factor)), max(1, round(height * factor)))
    small = np.asarray(Image.fromarray((cropped * 255).astype(np.uint8)).resize(size, Image.LANCZOS)) / 255.0
    image = np.zeros((_IMAGE, _IMAGE))
    top, left = (_IMAGE - small.shape[0]) // 2, (_IMAGE - small.shape[1]) // 2
    image[top:top + small.shape[0], left:left + small.shape[1]] = small
    centre_row, centre_col = ndimage.center_of_mass(image)
    return ndimage.shift(image, (_IMAGE / 2 - 0.5 - centre_row, _IMAGE / 2 - 0.5 - centre_col), order=1)


def _affine(rotation: float, shear: float) -> tuple:
    """PIL's affine coefficients (output pixel → input pixel) of a shear then a counter-clockwise rotation about
    the canvas centre, in one resampling instead of two."""
    angle, slant = np.radians(rotation), np.tan(np.radians(shear))
    rotate = np.array([[np.cos(angle), np.sin(angle)], [-np.sin(angle), np.cos(angle)]])  # y points down
    forward = rotate @ np.array([[1.0, slant], [0.0, 1.0]])
    inverse = np.linalg.inv(forward)
    centre = np.array([_CANVAS / 2, _CANVAS / 2])
    offset = centre - inverse @ centre
    return (inverse[0, 0], inverse[0, 1], offset[0], inverse[1, 0], inverse[1, 1], offset[1])


def render_digit(digit: int, font, *, rotation: float = 0.0, shear: float = 0.0, scale: float = 1.0,
                 stroke: int = 0, blur: float = 0.0, noise: float = 0.0, rng=None) -> np.ndarray:
    """One digit drawn in ``font`` (a name from :func:`digit_fonts` or a .ttf path), as a 28 × 28 float image.

    The glyph is rotated by ``rotation`` degrees, sheared by ``shear`` degrees, scaled by ``scale`` and thickened
    by ``stroke`` pixels before MNIST's normalisation; ``blur`` and ``noise`` (drawn from ``rng``) act on the final
    image, which is clipped to [0, 1]. Section 3.3.
    """
    from PIL import Image, ImageDraw, ImageFilter

    if isinstance(digit, bool) or not isinstance(digit, (int, np.integer)) or not 0 <= digit <= 9:
        raise ValueError(f"digit must be an integer from 0 to 9, got {digit!r}")
    fonts = digit_fonts()
    path = fonts.get(font, font) if isinstance(font, str) else font
    if not isinstance(path, (str, Path)) or not Path(path).is_file():
        raise ValueError(f"unknown font {font!r}; choose one of {', '.join(fonts)} or give a .ttf file's path")
    check_real(rotation, "rotation", minimum=-180, maximum=180)
    check_real(shear, "shear", minimum=-59, maximum=59)
    check_real(scale, "scale", minimum=0.1, maximum=3)
    check_count(stroke, "stroke", maximum=20)
    check_real(blur, "blur", minimum=0, maximum=5)
    check_real(noise, "noise", minimum=0, maximum=1)
    canvas = Image.new("L", (_CANVAS, _CANVAS), 0)
    typeface = _typeface(str(path), round(_GLYPH_SIZE * scale))
    ImageDraw.Draw(canvas).text((_CANVAS / 2, _CANVAS / 2), str(int(digit)), fill=255, font=typeface, anchor="mm",
                                stroke_width=stroke, stroke_fill=255)
    if rotation or shear:
        canvas = canvas.transform(canvas.size, Image.AFFINE, _affine(rotation, shear), resample=Image.BILINEAR)
    image = _normalise(np.asarray(canvas, dtype=float) / 255.0)
    if blur > 0:
        blurred = Image.fromarray((image * 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(blur))
        image = np.asarray(blurred, dtype=float) / 255.0
    if noise > 0:
        image = image + as_rng(rng).normal(0.0, noise, image.shape)
    return np.clip(image, 0.0, 1.0)


def render_digits(labels, *, randomisation: Randomisation = NO_RANDOMISATION, fonts=None, rng=None) -> np.ndarray:
    """Render one digit per label, each in a font drawn at random, with distortions drawn from ``randomisation``.

    Returns an ``N × 28 × 28`` float array in [0, 1] in the order of ``labels`` (integers 0–9). ``fonts`` restricts
    the fonts (names from :func:`digit_fonts`); ``rng`` makes the draws reproducible. Section 3.3.
    """
    from ..common.arguments import as_labels

    labels = as_labels(labels, "labels", n_classes=10)
    if labels.size == 0:
        raise ValueError("labels is empty: give at least one digit to render")
    if not isinstance(randomisation, Randomisation):
        raise TypeError(f"randomisation must be a synthlib.Randomisation, got {type(randomisation).__name__}")
    check_memory("labels", labels.size, labels.size * _IMAGE * _IMAGE * 8.0)
    available = digit_fonts()
    names = list(available) if fonts is None else list(fonts)
    unknown = [name for name in names if name not in available]
    if unknown or not names:
        raise ValueError(f"unknown font(s) {unknown or names}; choose from {', '.join(available)}")
    generator, r = as_rng(rng), randomisation
    images = np.empty((labels.size, _IMAGE, _IMAGE))
    for index, digit in enumerate(labels):
        images[index] = render_digit(
            int(digit), names[generator.integers(len(names))],
            rotation=generator.uniform(-r.rotation, r.rotation), shear=generator.uniform(-r.shear, r.shear),
            scale=generator.uniform(*r.scale), stroke=int(generator.integers(0, r.stroke + 1)),
            blur=generator.uniform(0, r.blur), noise=generator.uniform(0, r.noise), rng=generator)
    return images
