"""Boston housing prices (Harrison & Rubinfeld 1978): 506 samples of 13 features."""

from __future__ import annotations

import numpy as np

from oneiros.datasets._download import check_test_split, fetch, shuffled_split


def load_data(path: str = "boston_housing.npz", test_split: float = 0.2,
              seed: int = 113) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """``(x_train, y_train), (x_test, y_test)``, shuffled with ``seed`` and split as Keras does.

    Example:
        >>> (x_train, y_train), (x_test, y_test) = oi.datasets.boston_housing.load_data(test_split=0.1)
    """
    check_test_split("boston_housing.load_data", test_split)
    with np.load(fetch("boston_housing.npz", path), allow_pickle=False) as arrays:
        return shuffled_split(arrays["x"], arrays["y"], test_split, seed)
