"""Part 3, section 3.1: image augmentation helpers (torch and torchvision are imported inside the functions).

The plumbing of section 3.1: moving images between NumPy (what the datasets and figures use) and torchvision's
tensors (what transforms v2 use), applying a random transform to every image of a set with reproducible
randomness, drawing a small labelled training set, and per-class accuracy. The augmentations themselves, the
classifier and the experiment stay visible in the chapter.
"""
from __future__ import annotations

import numbers

import numpy as np

from ..common.arguments import as_torch_generator, check_count, check_memory, check_seed

__all__ = ["image_to_tensor", "tensor_to_image", "augment_images", "sample_per_class", "per_class_accuracy"]


def _as_image_array(image, name: str) -> np.ndarray:
    """One image as a NumPy array: H×W (grey) or H×W×C with C in 1, 3, 4; uint8 or floats in [0, 1]."""
    if hasattr(image, "detach"):  # a torch tensor: refuse it here, tensors are what image_to_tensor makes
        raise TypeError(f"{name} must be a NumPy array (H×W or H×W×3); got a torch tensor, which is already "
                        "in torchvision's layout")
    array = np.asarray(image)
    if array.dtype == bool or not np.issubdtype(array.dtype, np.number):
        raise TypeError(f"{name} must be numeric; got an array of dtype {array.dtype}")
    if array.ndim not in (2, 3) or (array.ndim == 3 and array.shape[-1] not in (1, 3, 4)):
        raise ValueError(f"{name} must have shape H×W (grey) or H×W×C with C = 1, 3 or 4; got {array.shape}")
    if array.size == 0:
        raise ValueError(f"{name} is empty; got shape {array.shape}")
    _check_values(array, name)
    return array


def _check_values(array: np.ndarray, name: str) -> None:
    """uint8 images may hold 0–255; any other dtype must hold numbers in [0, 1], without NaN."""
    if array.dtype == np.uint8:
        return
    if np.isnan(array).any():
        raise ValueError(f"{name} contains NaN values")
    if array.min() < 0 or array.max() > 1:
        raise ValueError(f"{name} has values in [{array.min():g}, {array.max():g}]; float images must lie in "
                         "[0, 1] (divide 0–255 values by 255, or pass them as uint8)")


def image_to_tensor(image):
    """A NumPy image (H×W grey or H×W×C colour) as a torchvision ``Image`` tensor of shape C×H×W (section 3.1).

    uint8 images stay uint8 (0–255); float images must lie in [0, 1] and become float32. The data is copied, so
    the tensor never shares memory with a read-only array.
    """
    import torch
    from torchvision import tv_tensors

    array = _as_image_array(image, "image")
    if array.dtype != np.uint8:
        array = array.astype(np.float32)
    if array.ndim == 2:
        array = array[:, :, None]
    return tv_tensors.Image(torch.from_numpy(np.ascontiguousarray(array.transpose(2, 0, 1))))


def tensor_to_image(tensor) -> np.ndarray:
    """A C×H×W image tensor back to a NumPy image: H×W for one channel, H×W×C otherwise (section 3.1).

    The inverse of :func:`image_to_tensor`, for figures (``synthlib.show_image_grid``) and scikit-learn.
    """
    if not hasattr(tensor, "detach"):
        raise TypeError(f"tensor must be a torch tensor of shape C×H×W; got {type(tensor).__name__}")
    if tensor.ndim != 3 or tensor.shape[0] not in (1, 3, 4):
        raise ValueError(f"tensor must have shape C×H×W with C = 1, 3 or 4; got {tuple(tensor.shape)}")
    array = tensor.detach().cpu().numpy().transpose(1, 2, 0)
    return array[:, :, 0] if array.shape[-1] == 1 else array


def _torch_seed(generator) -> int | None:
    """A seed for torch's global RNG drawn from ``generator`` (a torch.Generator or an int), or None."""
    import torch

    if generator is None:
        return None
    if isinstance(generator, (numbers.Integral, bool)):
        return check_seed(generator, "generator")
    generator = as_torch_generator(generator, "generator")  # a torch or numpy Generator; refuses anything else
    return int(torch.randint(0, 2**62, (1,), generator=generator).item())


def augment_images(images, transform, n_copies: int = 1, *, generator=None) -> np.ndarray:
    """Apply a random ``transform`` independently to every image, ``n_copies`` times each (section 3.1).

    ``images`` is a NumPy stack: N×H×W (grey) or N×H×W×C (colour), uint8 or floats in [0, 1]. Each image goes
    through ``transform`` (for example a ``torchvision.transforms.v2`` pipeline) as a C×H×W tensor, so every
    image, and every copy, gets its own random parameters. Returns an array of shape ``(n_copies * N, ...)`` with
    the dtype of the input (float32 for floats), in copy-major order: all N images of copy 1, then of copy 2, and
    so on, so that their labels are ``np.tile(labels, n_copies)``. The transform must keep the image's size.

    torchvision's transforms draw from torch's global random number generator. With ``generator`` (a
    ``torch.Generator`` or an integer seed) the global generator is seeded from it inside
    ``torch.random.fork_rng``: the result depends only on ``generator``, and the global state is left untouched.
    With ``generator=None`` the global generator is used as it is.
    """
    import torch

    if not callable(transform):
        raise TypeError(f"transform must be callable (e.g. a torchvision.transforms.v2 transform); got {transform!r}")
    n_copies = check_count(n_copies, "n_copies", minimum=1)
    if hasattr(images, "detach"):
        raise TypeError("images must be a NumPy array of shape N×H×W or N×H×W×C, not a torch tensor")
    stack = np.asarray(images)
    if stack.ndim not in (3, 4):
        raise ValueError(f"images must be a stack of shape N×H×W or N×H×W×C; got shape {stack.shape} "
                         "(for one image, pass image[None])")
    if len(stack) == 0:
        raise ValueError("images is empty; need at least one image")
    _as_image_array(stack[0], "images[0]")  # dtype and shape checks, with a clear message
    # float32 tensors of the inputs, plus the n_copies augmented copies (as tensors, then stacked)
    check_memory("n_copies", n_copies, 4 * stack.size * (1 + 2 * n_copies))
    _check_values(stack, "images")
    tensors = [image_to_tensor(image) for image in stack]
    seed = _torch_seed(generator)

    def run() -> np.ndarray:
        out = []
        for _ in range(n_copies):
            for tensor in tensors:
                result = transform(tensor)
                if not hasattr(result, "shape") or tuple(result.shape) != tuple(tensor.shape):
                    got = tuple(result.shape) if hasattr(result, "shape") else type(result).__name__
                    raise ValueError(f"transform changed the image from {tuple(tensor.shape)} to {got}; "
                                     "augment_images needs transforms that keep the size (set size= on crops)")
                out.append(tensor_to_image(result))
        return np.stack(out)

    if seed is None:
        return run()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return run()


def sample_per_class(labels, n_per_class: int, rng) -> np.ndarray:
    """Indices of ``n_per_class`` examples of every class in ``labels``, drawn without replacement (section 3.1).

    ``rng`` is a NumPy ``Generator`` (or an integer seed). The indices come sorted by class, and within a class in
    the order drawn. A class with fewer than ``n_per_class`` examples is an error.
    """
    from ..common.arguments import as_rng

    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.size == 0:
        raise ValueError(f"labels must be a non-empty 1-dimensional array; got shape {labels.shape}")
    if labels.dtype.kind == "f" and np.isnan(labels).any():
        raise ValueError("labels contains NaN: every example needs a class")
    n_per_class = check_count(n_per_class, "n_per_class", minimum=1)
    rng = as_rng(rng)
    classes, counts = np.unique(labels, return_counts=True)
    if counts.min() < n_per_class:
        short = classes[counts < n_per_class]
        raise ValueError(f"n_per_class={n_per_class} but class(es) {short.tolist()} have only "
                         f"{counts.min()} example(s)")
    return np.concatenate([rng.choice(np.flatnonzero(labels == c), n_per_class, replace=False) for c in classes])


def per_class_accuracy(y_true, y_pred, classes=None) -> np.ndarray:
    """The share of each class's examples predicted correctly (its recall), one number per class (section 3.1).

    ``classes`` defaults to the sorted classes present in ``y_true``; a listed class absent from ``y_true`` is an
    error (its accuracy would be undefined).
    """
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.ndim != 1 or y_true.size == 0:
        raise ValueError(f"y_true must be a non-empty 1-dimensional array; got shape {y_true.shape}")
    if y_pred.shape != y_true.shape:
        raise ValueError(f"y_true and y_pred must have the same shape; got {y_true.shape} and {y_pred.shape}")
    for values, name in ((y_true, "y_true"), (y_pred, "y_pred")):
        if values.dtype.kind == "f" and np.isnan(values).any():
            raise ValueError(f"{name} contains NaN: every example needs a class")
    classes = np.unique(y_true) if classes is None else np.asarray(classes)
    missing = [c for c in classes.tolist() if not np.any(y_true == c)]
    if missing:
        raise ValueError(f"class(es) {missing} do not occur in y_true; their accuracy is undefined")
    return np.array([np.mean(y_pred[y_true == c] == c) for c in classes])
