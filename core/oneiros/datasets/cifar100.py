"""CIFAR-100: 50,000 training and 10,000 test colour images of 100 classes (20 superclasses)."""

from __future__ import annotations

import numpy as np

from oneiros.datasets._cifar import batch_path, channels_last, load_batch
from oneiros.datasets._download import fetch

LABEL_MODES = ("fine", "coarse")


def load_data(label_mode: str = "fine") -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """``(x_train, y_train), (x_test, y_test)``: images (n, 32, 32, 3) uint8 and labels (n, 1).

    Example:
        >>> (x_train, y_train), (x_test, y_test) = oi.datasets.cifar100.load_data(label_mode="coarse")

    Args:
        label_mode: ``"fine"`` (100 classes) or ``"coarse"`` (20 superclasses).
    """
    if label_mode not in LABEL_MODES:
        raise ValueError(f"cifar100.load_data: expected label_mode in {LABEL_MODES}; received {label_mode!r}.")
    folder = fetch("cifar-100-python.tar.gz", "cifar-100-python-target", extract=True)
    splits = []
    for split in ("train", "test"):
        images, labels = load_batch(batch_path(folder, "cifar-100-python", split), label_key=f"{label_mode}_labels")
        splits.append((channels_last(images), np.reshape(labels, (len(labels), 1))))
    return splits[0], splits[1]
