"""Fashion-MNIST: 60,000 training and 10,000 test images of 10 kinds of clothing, 28 x 28 uint8."""

from __future__ import annotations

import gzip
import os

import numpy as np

from oneiros.datasets._download import fetch

# IDX files start with a magic number and the sizes: 8 bytes for labels, 16 for images.
LABEL_HEADER_BYTES, IMAGE_HEADER_BYTES = 8, 16


def _idx_pair(prefix: str) -> tuple[np.ndarray, np.ndarray]:
    subdir = os.path.join("datasets", "fashion-mnist")
    with gzip.open(fetch(f"{prefix}-labels-idx1-ubyte.gz", cache_subdir=subdir), "rb") as stream:
        labels = np.frombuffer(stream.read(), np.uint8, offset=LABEL_HEADER_BYTES)
    with gzip.open(fetch(f"{prefix}-images-idx3-ubyte.gz", cache_subdir=subdir), "rb") as stream:
        images = np.frombuffer(stream.read(), np.uint8, offset=IMAGE_HEADER_BYTES)
    if images.size != len(labels) * 28 * 28:
        raise ValueError(f"fashion_mnist: {prefix} has {len(labels)} labels but {images.size} pixels; expected "
                         f"{len(labels)} images of 28 x 28 (a truncated download? delete it from the cache).")
    return images.reshape(len(labels), 28, 28), labels


def load_data() -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """``(x_train, y_train), (x_test, y_test)``: images (n, 28, 28) and labels (n,), both uint8,
    cached in ``$ONEIROS_HOME/datasets/fashion-mnist``.

    Example:
        >>> (x_train, y_train), (x_test, y_test) = oi.datasets.fashion_mnist.load_data()
    """
    return _idx_pair("train"), _idx_pair("t10k")
