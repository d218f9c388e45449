"""The MNIST acceptance protocol a backend's tests run: the classic convnet (``mnist_convnet``)
trained with Adam on the first 8,000 images of the t10k set and tested on the last 2,000, which
it never sees, from a fixed seed. Every Oneiros backend reaches 98% test accuracy with it; a
third-party backend's tests can hold itself to the same bar.

Example::

    result = train_mnist_convnet("shared/data", epochs=15)
    assert result.test_accuracy >= 0.98
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
import oneiros as oi

from oneiros_vision.datasets.mnist import load_split
from oneiros_vision.models.mnist_convnet import mnist_convnet

TRAINING_IMAGES = 8000
BATCH_SIZE = 128


@dataclass(frozen=True)
class MnistResult:
    """Training accuracy after the first and the last epoch, and the held-out loss and accuracy."""

    first_epoch_accuracy: float
    last_epoch_accuracy: float
    test_loss: float
    test_accuracy: float


def train_mnist_convnet(data_dir: str | os.PathLike, epochs: int, seed: int = 0) -> MnistResult:
    """The protocol on the active backend, with the t10k files in ``data_dir``."""
    images, labels = load_split(data_dir, "test")
    x = images.astype("float32")[..., np.newaxis] / 255
    y = labels.astype("int32")
    oi.set_random_seed(seed)
    model = mnist_convnet()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x[:TRAINING_IMAGES], y[:TRAINING_IMAGES], batch_size=BATCH_SIZE, epochs=epochs, verbose=0)
    loss, accuracy = model.evaluate(x[TRAINING_IMAGES:], y[TRAINING_IMAGES:], verbose=0)
    accuracies = history.history["accuracy"]
    return MnistResult(accuracies[0], accuracies[-1], float(loss), float(accuracy))
