"""Part 7, section 7.2: self-supervised learning by rotation prediction.

torch is imported inside the functions that need it: ``import synthlib`` stays light.
"""
from __future__ import annotations

import numpy as np

from ..common.arguments import (MAX_EPOCHS, MAX_LAYER_WIDTH, MAX_TRAINING_STEPS, as_labels, as_rng, as_sample,
                               as_torch_generator, check_count, check_memory, check_positive, check_seed, check_work)

__all__ = ["rotation_dataset", "small_cnn", "train_classifier", "extract_features", "accuracy",
           "few_label_indices", "linear_probe", "random_shift",
           "compare_few_labels"]


def _check_network(model, name: str = "model"):
    import torch

    if not isinstance(model, torch.nn.Module) or not hasattr(model, "features"):
        raise TypeError(f"{name} must be a network made by synthlib.small_cnn, got {type(model).__name__}")
    return model


def _images(images, name: str = "images") -> np.ndarray:
    images = np.asarray(images)
    if images.ndim != 3:
        raise ValueError(f"{name} must be an array (N, H, W), got shape {images.shape}")
    if images.shape[1] != images.shape[2]:
        raise ValueError(f"{name} must be square images, got {images.shape[1]}×{images.shape[2]}")
    if len(images) == 0:
        raise ValueError(f"{name} is empty; need at least one image")
    if not (np.issubdtype(images.dtype, np.integer) or np.issubdtype(images.dtype, np.floating)):
        raise TypeError(f"{name} must be numbers (uint8 or floats in [0, 1]), got an array of {images.dtype}")
    if np.issubdtype(images.dtype, np.floating) and not np.isfinite(images).all():
        raise ValueError(f"{name} contain NaN or infinite values")
    return images.astype(np.float32) / (255.0 if images.dtype == np.uint8 else 1.0)


def rotation_dataset(images):
    """The rotation pretext task (section 7.2; Gidaris et al., 2018): every image turned by 0, 90, 180 and 270
    degrees, labelled 0, 1, 2, 3. Returns (rotated images (4N, H, W) float32 in [0, 1], labels (4N,))."""
    images = _images(images)
    rotated = np.concatenate([np.rot90(images, k, axes=(1, 2)) for k in range(4)])
    labels = np.repeat(np.arange(4), len(images))
    return np.ascontiguousarray(rotated), labels


def small_cnn(n_classes: int, width: int = 32):
    """A small CNN for 28×28 digits (section 7.2): two conv blocks (the features, ``model.features``) and a
    linear head (``model.head``)."""
    import torch.nn as nn

    n_classes = check_count(n_classes, "n_classes", minimum=2)
    width = check_count(width, "width", minimum=1, maximum=MAX_LAYER_WIDTH // 16)  # the first dense layer's size
    check_memory("n_classes", n_classes, 4 * 4 * 129 * n_classes)  # the head's weights, gradients and Adam state
    features = nn.Sequential(
        nn.Conv2d(1, width, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(width, 2 * width, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(2 * width * 49, 128), nn.ReLU())
    model = nn.Sequential()
    model.add_module("features", features)
    model.add_module("head", nn.Linear(128, n_classes))
    return model


def random_shift(x, shift: int, generator):
    """Move a batch ``x`` (N, 1, H, W) by one random offset of up to ``shift`` pixels in each direction, padding
    with zeros (section 7.2). Without it, a centred digit's rotation can be read off where its ink sits, a
    shortcut that teaches nothing about shapes."""
    generator = as_torch_generator(generator)
    import torch.nn.functional as F
    import torch

    shift = check_count(shift, "shift", maximum=1_000)
    import torch as _t

    if not isinstance(x, _t.Tensor) or x.ndim != 4 or x.numel() == 0:
        raise ValueError(f"x must be a non-empty torch tensor N×1×H×W, got {type(x).__name__} of shape "
                         f"{tuple(getattr(x, 'shape', ()))}")
    if shift == 0:
        return x
    height, width = x.shape[-2:]
    dy, dx = torch.randint(0, 2 * shift + 1, (2,), generator=generator).tolist()
    return F.pad(x, (shift,) * 4)[..., dy:dy + height, dx:dx + width]


def train_classifier(model, images, labels, *, epochs: int = 1, batch_size: int = 128, lr: float = 1e-3,
                     seed: int = 0, progress: bool = False, params=None, shift: int = 0):
    """Train ``model`` with Adam and cross-entropy on (images, labels) (section 7.2); the data order comes from a
    seeded generator, so training is reproducible on the CPU. ``params`` restricts which parameters train;
    ``shift`` > 0 moves every batch by a random offset of up to that many pixels (see ``random_shift``)."""
    seed = check_seed(seed)
    import torch
    import torch.nn.functional as F

    _check_network(model)
    x = torch.from_numpy(_images(images))[:, None]
    y = torch.from_numpy(as_labels(labels, "labels"))
    if len(x) != len(y):
        raise ValueError(f"{len(x)} images but {len(y)} labels")
    epochs = check_count(epochs, "epochs", minimum=1, maximum=MAX_EPOCHS)
    batch_size = check_count(batch_size, "batch_size", minimum=1)
    shift = check_count(shift, "shift")
    lr, seed = check_positive(lr, "lr"), check_count(seed, "seed")
    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters() if params is None else params, lr=lr)
    steps = range(epochs)
    if progress:
        from tqdm.auto import tqdm

        steps = tqdm(steps, desc="epochs", leave=False)
    model.train()
    for _ in steps:
        order = torch.randperm(len(x), generator=generator)
        for start in range(0, len(x), batch_size):
            batch = order[start:start + batch_size]
            loss = F.cross_entropy(model(random_shift(x[batch], shift, generator)), y[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    return model.eval()


def extract_features(model, images, batch_size: int = 1_000, layers: int = 6, pool: int | None = None) -> np.ndarray:
    """The frozen features of every image (section 7.2), as a NumPy array: the output of the first ``layers``
    modules of ``model.features``, flattened (6: the second conv block, after pooling; 9: the last hidden layer,
    which is specialised to the pretext task and transfers worse). ``pool`` averages a convolutional output
    over a ``pool``×``pool`` grid first (fewer, smoother features, as in Kolesnikov et al., 2019)."""
    import torch
    import torch.nn.functional as F

    batch_size = check_count(batch_size, "batch_size", minimum=1)
    _check_network(model)
    layers = check_count(layers, "layers", minimum=1)
    if pool is not None:
        pool = check_count(pool, "pool", minimum=1, maximum=1_000)
    if not 1 <= layers <= len(model.features):
        raise ValueError(f"layers must be between 1 and {len(model.features)}, got {layers}")
    if pool is not None and pool < 1:
        raise ValueError(f"pool must be at least 1 (or None), got {pool}")
    x = torch.from_numpy(_images(images))[:, None]
    trunk = model.features[:layers]

    def features(batch):
        out = trunk(batch)
        if pool is not None:
            if out.ndim != 4:
                raise ValueError(f"pool needs a convolutional layer, but layer {layers} has shape {tuple(out.shape)}")
            out = F.adaptive_avg_pool2d(out, pool)
        return out.flatten(1)

    with torch.no_grad():
        return torch.cat([features(x[i:i + batch_size]) for i in range(0, len(x), batch_size)]).numpy()


def accuracy(model, images, labels, batch_size: int = 1_000) -> float:
    """Share of ``images`` that ``model`` classifies as ``labels`` (section 7.2)."""
    import torch

    batch_size = check_count(batch_size, "batch_size", minimum=1)
    _check_network(model)
    x = torch.from_numpy(_images(images))[:, None]
    labels = as_labels(labels, "labels")
    if len(labels) != len(x):
        raise ValueError(f"{len(x)} images but {len(labels)} labels")
    with torch.no_grad():
        predicted = torch.cat([model(x[i:i + batch_size]).argmax(1) for i in range(0, len(x), batch_size)])
    return float((predicted.numpy() == np.asarray(labels)).mean())


def few_label_indices(labels, per_class: int, rng: np.random.Generator) -> np.ndarray:
    """Indices of ``per_class`` randomly chosen examples of every class (section 7.2)."""
    labels = as_labels(labels, "labels")
    if labels.size == 0:
        raise ValueError("labels is empty")
    per_class = check_count(per_class, "per_class", minimum=1)
    rng = as_rng(rng)
    chosen = []
    for c in np.unique(labels):
        where = np.flatnonzero(labels == c)
        if len(where) < per_class:
            raise ValueError(f"class {c} has only {len(where)} examples, fewer than per_class = {per_class}")
        chosen.append(rng.choice(where, per_class, replace=False))
    return np.sort(np.concatenate(chosen))


def linear_probe(train_features, train_labels, test_features, test_labels, C: float = 1.0) -> float:
    """Accuracy of a logistic regression (the small head) on frozen, standardised features (section 7.2);
    ``C`` is the inverse strength of its L2 penalty."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    C = check_positive(C, "C")
    for features, name in ((train_features, "train_features"), (test_features, "test_features")):
        as_sample(features, name, ndim=2)  # numbers, 2-D, no NaN or inf (the features themselves are used as given)
    train_labels, test_labels = as_labels(train_labels, "train_labels"), as_labels(test_labels, "test_labels")
    for features, labels, name in ((train_features, train_labels, "train"), (test_features, test_labels, "test")):
        if len(np.asarray(labels)) != len(features):
            raise ValueError(f"{len(features)} {name} features but {len(np.asarray(labels))} {name}_labels")

    scaler = StandardScaler().fit(train_features)
    head = LogisticRegression(C=C, max_iter=200).fit(scaler.transform(train_features), train_labels)
    return float(head.score(scaler.transform(test_features), test_labels))


def compare_few_labels(pretext, random_net, images, labels, test_images, test_labels, test_features, *,
                       steps: int = 500, shift: int = 4, pool: int = 4, batch_size: int = 32,
                       seed: int = 0) -> dict:
    """One seed of the few-label comparison of section 7.2, as test accuracies: a logistic regression on the frozen
    features of ``pretext`` and of the untrained ``random_net`` (``test_features``: a dict with their test
    features under "pretext" and "random"), the CNN trained from scratch without and with random shifts, and the
    CNN fine-tuned from the pretext weights (with shifts). Every network gets the same budget: about ``steps``
    batches of ``batch_size`` images, rounded to whole epochs over ``images`` (at least one)."""
    seed = check_seed(seed)
    import torch

    steps = check_count(steps, "steps", minimum=1, maximum=MAX_TRAINING_STEPS)
    check_work("steps", steps, float(steps) * 3, 3 * MAX_TRAINING_STEPS, "training steps (three networks)")
    batch_size, seed = check_count(batch_size, "batch_size", minimum=1), check_count(seed, "seed")
    check_work("batch_size", batch_size, float(steps) * batch_size * 3, 3e8, "images through the three networks")
    _check_network(pretext, "pretext"), _check_network(random_net, "random_net")
    labels, test_labels = as_labels(labels, "labels"), as_labels(test_labels, "test_labels")
    _images(images, "images"), _images(test_images, "test_images")
    if not isinstance(test_features, dict):
        raise TypeError(f"test_features must be a dict {{'pretext': ..., 'random': ...}}, got "
                        f"{type(test_features).__name__}")
    missing = {"pretext", "random"} - set(test_features)
    if missing:
        raise ValueError(f"test_features lacks {sorted(missing)}")
    n_classes = len(np.unique(labels))
    row = {f"{name}_probe": linear_probe(extract_features(net, images, pool=pool), labels,
                                         test_features[name], test_labels)
           for name, net in [("pretext", pretext), ("random", random_net)]}
    epochs = max(1, steps * batch_size // len(images))
    for name, net_shift, start in [("scratch", 0, None), ("scratch_shift", shift, None),
                                   ("fine_tuned", shift, pretext)]:
        torch.manual_seed(seed)
        net = small_cnn(n_classes, width=pretext.features[0].out_channels)
        if start is not None:
            net.features.load_state_dict(start.features.state_dict())
        train_classifier(net, images, labels, epochs=epochs, batch_size=batch_size, seed=seed, shift=net_shift)
        row[name] = accuracy(net, test_images, test_labels)
    return row
