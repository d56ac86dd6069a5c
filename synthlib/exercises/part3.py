"""The self-checks of part 3's exercises (sections 3.1 and 3.2), registered with :func:`synthlib.exercises.exercise`.

Each check recomputes what it needs; none trusts the answer's own claims. scikit-learn and torch are imported
inside the functions, so that registering the exercises stays light; the EDA checks need no WordNet (they use a
small synonym dictionary).
"""
from __future__ import annotations

from functools import cache
import numpy as np
from . import call_answer, exercise
from collections import Counter

# ---------------------------------------------------------------------------------------------------------------
# 3.1 Image augmentation

_N_FIT = 1_000  # 3.1.1: the classifier is trained on the first 1,000 digits and tested on the other 797


@cache
def _mirrored_digit_accuracies() -> dict[str, np.ndarray]:
    """Per-class accuracy of an SVC trained on clean digits, on the held-out digits under four geometric changes."""
    from sklearn.svm import SVC

    from ..part3.image_augmentation import per_class_accuracy
    from ..book.datasets import load_digits

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


# ---------------------------------------------------------------------------------------------------------------
# 3.2.1 Random deletion, written by hand

_SENTENCE = ("a slow quiet film that never finds its story but the actors keep it watchable and the final "
             "scene almost saves the whole thing").split()


def _reference_delete_words(words, p, rng):
    if len(words) == 1:
        return list(words)
    kept = [word for word in words if rng.random() >= p]
    return kept or [words[rng.integers(len(words))]]


def _mistake_delete_words(words, p, rng):
    return [word for word in words if rng.random() >= p]  # can delete every word


def _is_subsequence(short, long) -> bool:
    remaining = iter(long)
    return all(word in remaining for word in short)


@exercise("3.2.1", summary="random deletion: each word deleted with probability p, never an empty sentence",
          solution=lambda: _reference_delete_words, mistake=lambda: _mistake_delete_words, function="delete_words")
def _check_delete_words(answer):
    words = list(_SENTENCE)
    first = list(answer(list(words), 0.3, np.random.default_rng(7)))
    if first != list(answer(list(words), 0.3, np.random.default_rng(7))):
        return "the same generator seed must give the same result: draw every random number from `rng`"
    if not all(isinstance(word, str) for word in first):
        return "return a list of words (strings), e.g. ['a', 'slow', 'film']"
    if list(answer(list(words), 0.0, np.random.default_rng(1))) != words:
        return "with p = 0 no word may be deleted"
    if list(answer(["film"], 1.0, np.random.default_rng(1))) != ["film"]:
        return "a one-word sentence must come back unchanged (the paper's code never deletes its only word)"
    rng = np.random.default_rng(2)
    for _ in range(50):
        result = list(answer(list(words), 1.0, rng))
        if len(result) != 1 or result[0] not in words:
            return ("with p = 1 every word is deleted, and then EDA keeps one random word: the result must never "
                    "be empty")
    deleted, trials = 0, 400
    rng = np.random.default_rng(3)
    for _ in range(trials):
        result = list(answer(list(words), 0.3, rng))
        if not result or not _is_subsequence(result, words):
            return "the result must keep the surviving words in their original order, and never be empty"
        deleted += len(words) - len(result)
    rate = deleted / (trials * len(words))
    standard_error = np.sqrt(0.3 * 0.7 / (trials * len(words)))
    if abs(rate - 0.3) > 5 * standard_error:
        return (f"with p = 0.3 you deleted {rate:.1%} of the words; each word must be deleted independently with "
                "probability p")
    return None


# ---------------------------------------------------------------------------------------------------------------
# 3.2.2 Which operations leave a bag of words unchanged?

_TOY_SYNONYMS = {
    "film": ["movie", "picture"], "slow": ["dull", "boring"], "story": ["tale", "plot"],
    "funny": ["amusing", "comic"], "actors": ["cast", "players"], "great": ["fine", "superb"],
}
_TOY_SENTENCES = [
    "a slow film with a funny story", "the actors are great but the story is slow",
    "funny actors cannot save a slow film", "a great film", "the story drags and the film is slow",
    "great actors and a funny story make a fine film",
]
_NAMES = {"sr": "sr", "synonym replacement": "sr", "ri": "ri", "random insertion": "ri", "insertion": "ri",
          "rs": "rs", "random swap": "rs", "swap": "rs", "rd": "rd", "random deletion": "rd", "deletion": "rd"}


def _bag_preserving_operations() -> set[str]:
    """Recompute the truth: augment toy sentences and see which operations kept every copy's word counts."""
    from ..part3.text_augmentation import eda_corpus

    corpus = eda_corpus(_TOY_SENTENCES, np.zeros(len(_TOY_SENTENCES)), alpha=0.3, n_aug=40,
                        rng=np.random.default_rng(0), synonyms=_TOY_SYNONYMS, include_original=False)
    changed = {name: False for name in ("sr", "ri", "rs", "rd")}
    for text, source, operation in zip(corpus.texts, corpus.source, corpus.operation):
        if Counter(text.split()) != Counter(_TOY_SENTENCES[source].split()):
            changed[str(operation)] = True
    return {name for name, did_change in changed.items() if not did_change}


@exercise("3.2.2", summary="the EDA operations that leave a sentence's bag of words (unigram counts) unchanged",
          solution=lambda: {"rs"}, mistake=lambda: {"rs", "sr"})
def _check_bag_preserving(answer):
    if isinstance(answer, str):
        answer = [answer]
    try:
        given = {_NAMES[str(name).strip().lower()] for name in answer}
    except KeyError as error:
        return f"name the operations 'sr', 'ri', 'rs' or 'rd' (unknown name {error.args[0]!r})"
    truth = _bag_preserving_operations()
    if given == truth:
        return None
    if "sr" in given:
        return "synonym replacement keeps the length but swaps one word type for another: the counts change"
    if "rd" in given or "ri" in given:
        return "insertion and deletion change how many words the sentence has, so they change the counts"
    return "one operation only moves words around; which one? A unigram TF-IDF model cannot see word order"


def _reference_centre_of_mass_shift(image):
    rows, columns = np.indices(np.shape(image))
    mass = np.sum(image)
    return 13.5 - (rows * image).sum() / mass, 13.5 - (columns * image).sum() / mass


def _bounding_box_shift(image):  # the usual mix-up: centring the box around the ink, not its mass
    rows, columns = np.nonzero(np.asarray(image) > 0)
    return 13.5 - (rows.min() + rows.max()) / 2, 13.5 - (columns.min() + columns.max()) / 2


@exercise("3.3.1", summary="the shift that centres a digit's centre of mass, as MNIST does",
          solution=lambda: _reference_centre_of_mass_shift, mistake=lambda: _bounding_box_shift,
          function="centre_of_mass_shift")
def _check_centre_of_mass_shift(answer):
    # An "L": a heavy vertical bar and a light foot, so its centre of mass and its bounding box's centre differ.
    image = np.zeros((28, 28))
    image[4:20, 6:9] = 1.0
    image[17:20, 9:22] = 0.3
    shift = np.asarray(call_answer(answer, image.copy()), dtype=float)
    if shift.shape != (2,):
        return f"return two numbers, (rows, columns); got shape {shift.shape}"
    expected = np.asarray(_reference_centre_of_mass_shift(image))
    if np.allclose(shift, expected, atol=0.05):
        return None
    if np.allclose(shift, -expected, atol=0.05):
        return "the sign is reversed: the shift moves the centre of mass TO (13.5, 13.5), so it is centre − mass"
    if np.allclose(shift, _bounding_box_shift(image), atol=0.05):
        return ("that centres the bounding box of the ink; weight each pixel's coordinates by its ink (its value) "
                "to get the centre of mass")
    return "the centre of mass is the ink-weighted mean of the row and column indices; the shift is 13.5 minus it"


def _reference_ink_share(images):
    return (np.asarray(images) > 0.5).mean(axis=(1, 2))


@exercise("3.3.2", summary="the share of each image's pixels that are ink",
          solution=lambda: _reference_ink_share, mistake=lambda: lambda images: np.asarray(images).mean(axis=(1, 2)),
          function="ink_share")
def _check_ink_share(answer):
    rng = np.random.default_rng(33)
    images = rng.random((5, 28, 28)) ** 3  # mostly faint pixels: grey values and ink shares disagree
    shares = np.asarray(call_answer(answer, images.copy()), dtype=float)
    if shares.shape != (5,):
        return f"return one share per image: shape (5,) for 5 images, got {shares.shape}"
    expected = _reference_ink_share(images)
    if np.allclose(shares, expected):
        return None
    if np.allclose(shares, images.mean(axis=(1, 2))):
        return "that is the mean grey value; count the pixels above 0.5 instead and divide by the 784 pixels"
    if np.allclose(shares, (images > 0.5).sum(axis=(1, 2))):
        return "that is a count of pixels; divide by the number of pixels in an image (784) to get a share"
    return "for each image: the number of pixels with a value above 0.5, divided by 28 × 28"
