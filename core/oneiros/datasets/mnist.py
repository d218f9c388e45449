"""MNIST handwritten digits: 60,000 training and 10,000 test images, 28 x 28 uint8."""

from __future__ import annotations

import numpy as np

from oneiros.datasets._download import fetch


def load_data(path: str = "mnist.npz") -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """``(x_train, y_train), (x_test, y_test)``: images (n, 28, 28) and labels (n,), both uint8.

    Example:
        >>> (x_train, y_train), (x_test, y_test) = oi.datasets.mnist.load_data()

    Args:
        path: the file name it is cached under in ``$ONEIROS_HOME/datasets``.
    """
    with np.load(fetch("mnist.npz", path), allow_pickle=False) as arrays:
        return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])
