"""Part 7, section 7.2: self-supervised learning by rotation prediction.

torch is imported inside the functions that need it: ``import synthlib`` stays light.
"""
from __future__ import annotations

import numpy as np

__all__ = ["rotation_dataset", "small_cnn", "train_classifier", "extract_features", "accuracy",
           "few_label_indices", "linear_probe"]


def _images(images) -> np.ndarray:
    images = np.asarray(images)
    if images.ndim != 3:
        raise ValueError(f"images must be an array (N, H, W), got shape {images.shape}")
    if images.shape[1] != images.shape[2]:
        raise ValueError(f"rotation needs square images, got {images.shape[1]}×{images.shape[2]}")
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

    if n_classes < 2:
        raise ValueError(f"n_classes must be at least 2, got {n_classes}")
    features = nn.Sequential(
        nn.Conv2d(1, width, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(width, 2 * width, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(2 * width * 49, 128), nn.ReLU())
    model = nn.Sequential()
    model.add_module("features", features)
    model.add_module("head", nn.Linear(128, n_classes))
    return model


def train_classifier(model, images, labels, *, epochs: int = 1, batch_size: int = 128, lr: float = 1e-3,
                     seed: int = 0, progress: bool = False, params=None):
    """Train ``model`` with Adam and cross-entropy on (images, labels) (section 7.2); the data order comes from a
    seeded generator, so training is reproducible on the CPU. ``params`` restricts which parameters train."""
    import torch
    import torch.nn.functional as F

    x = torch.from_numpy(_images(images))[:, None]
    y = torch.as_tensor(np.asarray(labels), dtype=torch.long)
    if len(x) != len(y):
        raise ValueError(f"{len(x)} images but {len(y)} labels")
    if epochs < 1:
        raise ValueError(f"epochs must be at least 1, got {epochs}")
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
            loss = F.cross_entropy(model(x[batch]), y[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    return model.eval()


def extract_features(model, images, batch_size: int = 1_000, layers: int = 6) -> np.ndarray:
    """The frozen features of every image (section 7.2), as a NumPy array: the output of the first ``layers``
    modules of ``model.features``, flattened (6: the second conv block, after pooling; 9: the last hidden layer,
    which is specialised to the pretext task and transfers worse)."""
    import torch

    if not 1 <= layers <= len(model.features):
        raise ValueError(f"layers must be between 1 and {len(model.features)}, got {layers}")
    x = torch.from_numpy(_images(images))[:, None]
    trunk = model.features[:layers]
    with torch.no_grad():
        return torch.cat([trunk(x[i:i + batch_size]).flatten(1) for i in range(0, len(x), batch_size)]).numpy()


def accuracy(model, images, labels, batch_size: int = 1_000) -> float:
    """Share of ``images`` that ``model`` classifies as ``labels`` (section 7.2)."""
    import torch

    x = torch.from_numpy(_images(images))[:, None]
    with torch.no_grad():
        predicted = torch.cat([model(x[i:i + batch_size]).argmax(1) for i in range(0, len(x), batch_size)])
    return float((predicted.numpy() == np.asarray(labels)).mean())


def few_label_indices(labels, per_class: int, rng: np.random.Generator) -> np.ndarray:
    """Indices of ``per_class`` randomly chosen examples of every class (section 7.2)."""
    labels = np.asarray(labels)
    if per_class < 1:
        raise ValueError(f"per_class must be at least 1, got {per_class}")
    chosen = []
    for c in np.unique(labels):
        where = np.flatnonzero(labels == c)
        if len(where) < per_class:
            raise ValueError(f"class {c} has only {len(where)} examples, fewer than per_class = {per_class}")
        chosen.append(rng.choice(where, per_class, replace=False))
    return np.sort(np.concatenate(chosen))


def linear_probe(train_features, train_labels, test_features, test_labels, C: float = 0.1) -> float:
    """Accuracy of a logistic regression (the small head) on frozen features (section 7.2)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(train_features)
    head = LogisticRegression(C=C, max_iter=200).fit(scaler.transform(train_features), train_labels)
    return float(head.score(scaler.transform(test_features), test_labels))
