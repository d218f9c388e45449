"""CIFAR-10: 50,000 training and 10,000 test colour images of 10 classes, 32 x 32 x 3 uint8."""

from __future__ import annotations

import numpy as np

from oneiros.datasets._cifar import batch_path, channels_last, load_batch
from oneiros.datasets._download import fetch

TRAINING_BATCHES = 5


def load_data() -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """``(x_train, y_train), (x_test, y_test)``: images (n, 32, 32, 3) and labels (n, 1), both uint8.

    Example:
        >>> (x_train, y_train), (x_test, y_test) = oi.datasets.cifar10.load_data()
    """
    folder = fetch("cifar-10-python.tar.gz", "cifar-10-batches-py-target", extract=True)
    batches = [load_batch(batch_path(folder, "cifar-10-batches-py", f"data_batch_{index}"))
               for index in range(1, TRAINING_BATCHES + 1)]
    x_train = np.concatenate([images for images, _ in batches]).astype("uint8")
    y_train = np.concatenate([labels for _, labels in batches]).astype("uint8").reshape(-1, 1)
    x_test, y_test = load_batch(batch_path(folder, "cifar-10-batches-py", "test_batch"))
    return ((channels_last(x_train), y_train),
            (channels_last(x_test.astype("uint8")), np.asarray(y_test, "uint8").reshape(-1, 1)))
