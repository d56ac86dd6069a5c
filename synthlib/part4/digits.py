"""Sections 4.1 and 4.2: digits as tensors, the digit classifier that measures generated digits, and the three
figures of sample quality (confident share, class entropy, Fréchet distance). torch is imported lazily.

The networks live in :mod:`synthlib.part4.networks` (which imports torch); the functions here import it when
called, so that ``import synthlib`` never pays for torch.
"""
from __future__ import annotations

import hashlib
import numbers
from dataclasses import dataclass

import numpy as np

from ..common.arguments import (as_sample, as_torch_generator, check_count, check_memory, check_real,
                               check_seed)

__all__ = ["SampleQuality", "as_digit_batch", "balanced_labels", "batch_indices", "class_entropy", "classify_digits", "digit_mosaic",
           "digit_features", "frechet_distance", "grey_share", "class_accuracies", "quality_table", "sample_quality",
           "train_digit_classifier"]

IMAGE_SIZE = 28
#: The most training steps a helper accepts: about a day of training on a laptop's CPU, far beyond any chapter.
MAX_STEPS = 1_000_000
#: Bump when the classifier's architecture or training changes, so that cached weights are not reused.
CLASSIFIER_VERSION = 1


# ---------------------------------------------------------------------------------------------------------------
# Input checks


def _torch():
    try:
        import torch
    except ImportError as error:  # pragma: no cover - torch is a dependency of the course
        raise ImportError("part 4 needs PyTorch: pip install torch") from error
    return torch


def as_digit_batch(images, device: str = "cpu"):
    """Sections 4.1, 4.2: digits as a float tensor N×1×28×28 in [0, 1] on ``device``.

    Accepts a NumPy array or tensor of shape N×28×28 or N×1×28×28: uint8 (0–255, divided by 255) or floats
    already in [0, 1]. Anything else is an error that names the problem, e.g. a GAN's tanh output in [-1, 1].
    """
    return _digit_batch(images, device, "images")


def _check_device(device, name: str = "device") -> str:
    torch = _torch()
    if not isinstance(device, (str, torch.device)):
        raise TypeError(f"{name} must be a device name such as 'cpu' or 'cuda', got {device!r}")
    try:
        parsed = torch.device(device)
    except RuntimeError as error:
        raise ValueError(f"{name} must be a device name such as 'cpu' or 'cuda', got {device!r}") from error
    if parsed.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"{name}={str(device)!r} but PyTorch sees no CUDA GPU here; use 'cpu' "
                         "(or synthlib.select_device())")
    return str(device)


def _digit_batch(images, device: str, name: str):
    device = _check_device(device)
    torch = _torch()
    if isinstance(images, torch.Tensor):
        tensor = images.detach()
    else:
        array = np.asarray(images)
        if array.dtype == object or not (np.issubdtype(array.dtype, np.number) or array.dtype == bool):
            raise TypeError(f"{name} must be a numeric array or tensor, got dtype {array.dtype}")
        tensor = torch.from_numpy(np.ascontiguousarray(array))
    shape = tuple(tensor.shape)
    if tensor.ndim == 3:
        tensor = tensor.unsqueeze(1)
    if tensor.ndim != 4 or tensor.shape[1] != 1 or tuple(tensor.shape[2:]) != (IMAGE_SIZE, IMAGE_SIZE):
        raise ValueError(f"{name} must have shape N×28×28 or N×1×28×28 (grey 28×28 digits); got {shape}")
    if tensor.shape[0] == 0:
        raise ValueError(f"{name} is empty; need at least one digit")
    if tensor.dtype == torch.uint8:
        tensor = tensor.float() / 255
    else:
        tensor = tensor.float()
        if torch.isnan(tensor).any():
            raise ValueError(f"{name} contain NaN values")
        low, high = tensor.min().item(), tensor.max().item()
        if low < 0 or high > 1:
            hint = " (a tanh output in [-1, 1]? map it with (x + 1) / 2)" if low >= -1 and high <= 1 else ""
            raise ValueError(f"float {name} must lie in [0, 1]; got values from {low:.3g} to {high:.3g}{hint}")
    return tensor.to(device)


def _check_labels(labels, n: int) -> np.ndarray:
    array = np.asarray(labels)
    if array.shape != (n,) or not np.issubdtype(array.dtype, np.integer):
        raise ValueError(f"labels must be {n} integers (one per image); got shape {array.shape}, dtype {array.dtype}")
    if array.min() < 0 or array.max() > 9:
        raise ValueError(f"labels must be digits 0–9; got values from {array.min()} to {array.max()}")
    return array


def _check_tensor(value, name: str, *, ndim: tuple = ()):
    """A non-empty floating-point torch tensor (of one of the ``ndim`` where given): the arguments of the losses,
    which run at every training step, so only their type and shape are checked (NaN propagates, as in torch)."""
    torch = _torch()
    if not isinstance(value, torch.Tensor):
        raise TypeError(f"{name} must be a torch tensor, got {type(value).__name__}")
    if not value.is_floating_point():
        raise TypeError(f"{name} must be a floating-point tensor, got {value.dtype}")
    if value.numel() == 0:
        raise ValueError(f"{name} is empty (shape {tuple(value.shape)})")
    if ndim and value.ndim not in ndim:
        raise ValueError(f"{name} must have {' or '.join(map(str, ndim))} dimensions, got shape {tuple(value.shape)}")
    return value


def _check_module(value, name: str):
    torch = _torch()
    if not isinstance(value, torch.nn.Module):
        raise TypeError(f"{name} must be a torch.nn.Module (a network), got {type(value).__name__}")
    return value


def balanced_labels(per_class: int, n_classes: int = 10) -> np.ndarray:
    """Sections 4.1, 4.2: the classes to ask a conditional generator for, ``per_class`` of each: 0, 0, ..., 9, 9."""
    per_class, n_classes = _check_positive_int(per_class, "per_class"), _check_positive_int(n_classes, "n_classes")
    larger = ("per_class", per_class) if per_class >= n_classes else ("n_classes", n_classes)
    check_memory(*larger, 8.0 * per_class * n_classes)
    return np.repeat(np.arange(n_classes), per_class)


def class_accuracies(images, classifier, labels) -> np.ndarray:
    """Sections 4.1, 4.2: the share of each class's ``images`` that ``classifier`` labels correctly (10 values)."""
    y = _check_labels(labels, len(as_digit_batch(images)))
    predicted = classify_digits(images, classifier).argmax(axis=1)
    counts = np.bincount(y, minlength=10)
    if (counts == 0).any():
        raise ValueError(f"every class 0–9 needs at least one image; missing: {np.flatnonzero(counts == 0).tolist()}")
    return np.bincount(y, weights=predicted == y, minlength=10) / counts


def _check_positive_int(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    if value < 1:
        raise ValueError(f"{name} must be at least 1, got {value}")
    return int(value)


# ---------------------------------------------------------------------------------------------------------------
# The measuring instrument: a digit classifier, trained once and cached


def train_digit_classifier(images, labels, device: str = "cpu", *, steps: int = 1500, batch_size: int = 64,
                           seed: int = 0, cache: bool = True, progress: bool = True):
    """Sections 4.1, 4.2: train the small CNN that measures sample quality, or load it if already trained.

    Trains :class:`synthlib.part4.networks.DigitClassifier` on real training digits for ``steps`` Adam steps.
    The weights are cached under ``synthlib.data_dir() / "models"``, keyed by the training data, the settings,
    the device and the torch version, so that both sections (and every re-execution) reuse the same network.
    Training uses its own random streams: the caller's torch random state is the same whether the classifier
    was trained or loaded. Returns the network in evaluation mode on ``device``.
    """
    seed = check_seed(seed)
    torch = _torch()
    from torch.nn import functional as F

    from ..book.datasets import data_dir
    from .networks import DigitClassifier

    x = as_digit_batch(images)
    y = _check_labels(labels, len(x))
    steps, batch_size = _check_positive_int(steps, "steps"), _check_positive_int(batch_size, "batch_size")
    steps = check_count(steps, "steps", maximum=MAX_STEPS)
    device = _check_device(device)
    key = hashlib.sha256()
    key.update(np.ascontiguousarray(x.numpy()).tobytes())
    key.update(y.astype(np.int64).tobytes())
    key.update(f"{CLASSIFIER_VERSION}|{steps}|{batch_size}|{seed}|{device}|{torch.__version__}".encode())
    path = data_dir() / "models" / f"digit-classifier-{key.hexdigest()[:16]}.pt"
    devices = [torch.device(device).index or 0] if str(device).startswith("cuda") else []
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        model = DigitClassifier().to(device)
        if cache and path.exists():
            model.load_state_dict(torch.load(path, map_location=device, weights_only=True))
            return model.eval()
        x, y_t = x.to(device), torch.as_tensor(y, dtype=torch.long, device=device)
        order = torch.Generator().manual_seed(seed)
        optimiser = torch.optim.Adam(model.parameters(), lr=2e-3)
        schedule = torch.optim.lr_scheduler.LambdaLR(optimiser, lambda step: 1 - step / steps)
        model.train()
        for batch in _progress(batch_indices(len(x), batch_size, steps, order, device), steps, progress,
                               "digit classifier"):
            loss = F.cross_entropy(model(x[batch]), y_t[batch])
            # Outlier exposure: on random non-digits, the target is "no idea" (equal probabilities), so that
            # the classifier is not confident about noise.
            noise = torch.rand(len(batch) // 4, 1, IMAGE_SIZE, IMAGE_SIZE, generator=order)
            noise = noise * torch.rand(len(noise), 1, 1, 1, generator=order)
            loss = loss - 0.5 * F.log_softmax(model(noise.to(device)), dim=1).mean()
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
    model.eval()
    if cache:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(f".{np.random.default_rng().integers(1 << 30)}.tmp")
            torch.save(model.state_dict(), partial)
            partial.replace(path)  # atomic: a concurrent run never reads half a file
        except OSError as error:  # a read-only data folder: keep the trained network, say it was not cached
            import warnings

            warnings.warn(f"could not cache the digit classifier in {path.parent} ({error.strerror or error}); "
                          "it is trained but will be trained again next time", stacklevel=2)
    return model


def batch_indices(n: int, batch_size: int, steps: int, generator, device: str = "cpu"):
    """Sections 4.1, 4.2: yield ``steps`` minibatches of indices into ``n`` examples, reshuffled every epoch.

    The order comes from ``generator`` (a seeded ``torch.Generator`` on the CPU), so training is reproducible;
    the indices are moved to ``device``. Counting steps rather than epochs keeps the cost the same whether the
    offline subset (8,000 digits) or the full MNIST (60,000) is used.
    """
    generator = as_torch_generator(generator)
    torch = _torch()
    device = _check_device(device)
    n, batch_size = _check_positive_int(n, "n"), _check_positive_int(batch_size, "batch_size")
    steps = _check_positive_int(steps, "steps")
    if not isinstance(generator, torch.Generator):
        raise TypeError("generator must be a torch.Generator, e.g. torch.Generator().manual_seed(0)")
    batch_size = min(batch_size, n)
    order, position = torch.randperm(n, generator=generator), 0
    for _ in range(steps):
        if position + batch_size > n:
            order, position = torch.randperm(n, generator=generator), 0
        yield order[position:position + batch_size].to(device)
        position += batch_size


def _progress(iterable, total: int, enabled: bool, description: str):
    if not enabled:
        return iterable
    from tqdm.auto import tqdm

    return tqdm(iterable, total=total, desc=description, mininterval=1.0)


def _evaluate(classifier, images, batch_size: int = 500, name: str = "images"):
    """Logits and penultimate features of ``classifier`` for ``images``, as float64 NumPy arrays."""
    torch = _torch()
    if not isinstance(classifier, torch.nn.Module) or not hasattr(classifier, "features"):
        raise TypeError("classifier must be the network returned by synthlib.train_digit_classifier")
    device = next(classifier.parameters()).device
    x = _digit_batch(images, device, name)
    logits, features = [], []
    was_training = classifier.training
    classifier.eval()
    with torch.no_grad():
        for start in range(0, len(x), batch_size):
            feature = classifier.features(x[start:start + batch_size])
            features.append(feature.double().cpu())
            logits.append(classifier.head(feature).double().cpu())
    classifier.train(was_training)
    return torch.cat(logits).numpy(), torch.cat(features).numpy()


def classify_digits(images, classifier) -> np.ndarray:
    """Sections 4.1, 4.2: the classifier's class probabilities for each image, an N×10 array."""
    logits, _ = _evaluate(classifier, images)
    logits -= logits.max(axis=1, keepdims=True)
    probabilities = np.exp(logits)
    return probabilities / probabilities.sum(axis=1, keepdims=True)


def digit_features(images, classifier) -> np.ndarray:
    """Sections 4.1, 4.2: the classifier's penultimate-layer features (N×128), the space of the Fréchet distance."""
    return _evaluate(classifier, images)[1]


# ---------------------------------------------------------------------------------------------------------------
# The three figures of sample quality


def class_entropy(predicted_labels, n_classes: int = 10) -> float:
    """Sections 4.1, 4.2: entropy (nats) of the share of images in each predicted class.

    ln 10 ≈ 2.303 when the ten digits are equally common; 0 when every image is the same digit (mode collapse).
    """
    n_classes = check_count(n_classes, "n_classes", minimum=1, maximum=1_000_000)
    labels = np.asarray(predicted_labels)
    if labels.ndim != 1 or labels.size == 0 or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(f"predicted_labels must be a non-empty 1-d array of integers; got shape {labels.shape}")
    if labels.min() < 0 or labels.max() >= n_classes:
        raise ValueError(f"predicted_labels must lie in 0..{n_classes - 1} (n_classes = {n_classes})")
    shares = np.bincount(labels, minlength=n_classes) / labels.size
    shares = shares[shares > 0]
    return float(-(shares * np.log(shares)).sum()) + 0.0  # + 0.0 turns −0.0 (one class only) into 0.0


def frechet_distance(features_a, features_b) -> float:
    """Sections 4.1, 4.2: Fréchet distance between Gaussians fitted to two feature sets (rows are images).

    d² = ‖μ_a − μ_b‖² + Tr(Σ_a + Σ_b − 2 (Σ_a Σ_b)^{1/2}), the formula of the FID (Heusel et al., 2017),
    here on the features of our own digit classifier rather than Inception's.
    """
    a, b = as_sample(features_a, "features_a", ndim=2), as_sample(features_b, "features_b", ndim=2)
    if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[1]:
        raise ValueError(f"features must be two 2-d arrays with the same number of columns; got {a.shape}, {b.shape}")
    if min(len(a), len(b)) < 2:
        raise ValueError(f"features_a and features_b need at least two rows each to estimate a covariance; got "
                         f"{len(a)} and {len(b)}")
    mean_a, mean_b = a.mean(axis=0), b.mean(axis=0)
    cov_a, cov_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    # Tr((Σ_a Σ_b)^{1/2}) = Tr((Σ_a^{1/2} Σ_b Σ_a^{1/2})^{1/2}): a symmetric matrix, whose eigenvalues are stable
    # even when a covariance is singular (ReLU features that are always 0).
    values, vectors = np.linalg.eigh(cov_a)
    root_a = (vectors * np.sqrt(values.clip(min=0))) @ vectors.T
    cross = np.linalg.eigvalsh(root_a @ cov_b @ root_a)
    trace_root = np.sqrt(cross.clip(min=0)).sum()
    distance = ((mean_a - mean_b) ** 2).sum() + np.trace(cov_a) + np.trace(cov_b) - 2 * trace_root
    return float(max(distance, 0.0))


@dataclass(frozen=True)
class SampleQuality:
    """Sections 4.1, 4.2: the three figures of sample quality, and the share of each predicted class."""

    confident_share: float  # share of images classified with probability ≥ the threshold
    class_entropy: float  # nats; ln 10 ≈ 2.303 at best
    frechet_distance: float  # to the reference digits, in the classifier's feature space; 0 at best
    class_shares: tuple[float, ...]

    def as_row(self) -> dict:
        return {"confident share": self.confident_share, "class entropy (nats)": self.class_entropy,
                "Fréchet distance": self.frechet_distance}


def sample_quality(images, classifier, reference_images, *, threshold: float = 0.9) -> SampleQuality:
    """Sections 4.1, 4.2: measure generated digits with the classifier.

    Three figures: the share classified with confidence ≥ ``threshold``; the entropy of the predicted classes
    (low entropy exposes mode collapse); the Fréchet distance between the classifier's penultimate features of
    ``images`` and of ``reference_images`` (held-out real digits).
    """
    return _quality(images, classifier, _evaluate(classifier, reference_images, name="reference_images")[1],
                    threshold)


def _quality(images, classifier, reference_features, threshold: float) -> SampleQuality:
    if isinstance(threshold, bool) or not isinstance(threshold, numbers.Real) or not 0 < threshold < 1:
        raise ValueError(f"threshold must lie in (0, 1), got {threshold!r}")
    logits, features = _evaluate(classifier, images)
    probabilities = np.exp(logits - logits.max(axis=1, keepdims=True))
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    predicted = probabilities.argmax(axis=1)
    shares = np.bincount(predicted, minlength=10) / len(predicted)
    return SampleQuality(confident_share=float((probabilities.max(axis=1) >= threshold).mean()),
                         class_entropy=class_entropy(predicted),
                         frechet_distance=frechet_distance(features, reference_features),
                         class_shares=tuple(float(s) for s in shares))


def grey_share(images, *, ink: float = 0.1) -> float:
    """Sections 4.1, 4.2: the share of inked pixels (above ``ink``) that are mid-grey (between 0.25 and 0.75).

    A measure of blur: a sharp stroke is mostly black with a thin grey edge, a blurred one mostly grey.
    ``images`` are N×28×28 (or N×1×28×28) values in [0, 1], or uint8 digits.
    """
    ink = check_real(ink, "ink", minimum=0, maximum=1)
    pixels = as_digit_batch(images).numpy()
    inked = pixels > ink
    if not inked.any():
        raise ValueError(f"no pixel of the images is above ink = {ink}: nothing is drawn")
    return float(((pixels > 0.25) & (pixels < 0.75) & inked).sum() / inked.sum())


def digit_mosaic(images, ncols: int = 10, pad: int = 1) -> np.ndarray:
    """Sections 4.1, 4.2: tile N digits (N×28×28, or N×1×28×28, values in [0, 1]) into one image, row by row.

    One ``imshow`` of the mosaic draws a hundred digits in a fraction of the time a grid of subplots takes.
    """
    array = images.detach().cpu().numpy() if hasattr(images, "detach") else images
    array = as_sample(array, "images", ndim=None) if np.size(array) else np.asarray(array, dtype=float)
    if array.ndim == 4 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 3 or array.shape[1:] != (IMAGE_SIZE, IMAGE_SIZE) or len(array) == 0:
        raise ValueError(f"images must have shape N×28×28 or N×1×28×28 with N ≥ 1; got {array.shape}")
    ncols = _check_positive_int(ncols, "ncols")
    pad = check_count(pad, "pad", maximum=IMAGE_SIZE)
    nrows = -(-len(array) // ncols)
    check_memory("ncols", ncols, 8 * (nrows * (IMAGE_SIZE + pad) + pad) * (ncols * (IMAGE_SIZE + pad) + pad))
    size = IMAGE_SIZE + pad
    mosaic = np.zeros((nrows * size + pad, ncols * size + pad))
    for index, image in enumerate(array):
        row, col = divmod(index, ncols)
        mosaic[pad + row * size: (row + 1) * size, pad + col * size: (col + 1) * size] = image
    return mosaic


def quality_table(samples: dict, classifier, reference_images, *, threshold: float = 0.9):
    """Sections 4.1, 4.2: :func:`sample_quality` for several named image sets, as a DataFrame (one row each)."""
    import pandas as pd

    if not isinstance(samples, dict) or not samples:
        raise ValueError("samples must be a non-empty dict {name: images}")
    reference = _evaluate(classifier, reference_images, name="reference_images")[1]  # once for all rows
    rows = {name: _quality(images, classifier, reference, threshold).as_row() for name, images in samples.items()}
    return pd.DataFrame.from_dict(rows, orient="index")
