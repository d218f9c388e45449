"""The CIFAR batches: Python pickles of a (n, 3072) uint8 array and the labels."""

from __future__ import annotations

import os

import numpy as np

from oneiros.datasets._download import ArrayUnpickler


def load_batch(path: str, label_key: str = "labels") -> tuple[np.ndarray, list[int]]:
    """``(images (n, 3, 32, 32), labels)`` of one pickled batch, unpickled safely."""
    with open(path, "rb") as stream:
        batch = {key.decode("utf8"): value for key, value in ArrayUnpickler(stream, encoding="bytes").load().items()}
    data = batch["data"]
    return data.reshape(data.shape[0], 3, 32, 32), batch[label_key]


def channels_last(x: np.ndarray) -> np.ndarray:
    """Keras's default image layout (``image_data_format() == "channels_last"``)."""
    return x.transpose(0, 2, 3, 1)


def batch_path(folder: str, inner: str, name: str) -> str:
    return os.path.join(folder, inner, name)
