"""California housing prices (1990 census): 20,640 districts of 8 features ("small": the first 600)."""

from __future__ import annotations

import numpy as np

from oneiros.datasets._download import check_test_split, fetch, shuffled_split

VERSIONS = {"large": None, "small": 600}


def load_data(version: str = "large", path: str = "california_housing.npz", test_split: float = 0.2,
              seed: int = 113) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """``(x_train, y_train), (x_test, y_test)``, shuffled with ``seed`` and split as Keras does.

    Example:
        >>> (x_train, y_train), _ = oi.datasets.california_housing.load_data(version="small")
    """
    check_test_split("california_housing.load_data", test_split)
    if version not in VERSIONS:
        raise ValueError(f"california_housing.load_data: expected version in {tuple(VERSIONS)}; "
                         f"received {version!r}.")
    with np.load(fetch("california_housing.npz", path), allow_pickle=False) as arrays:
        x, y = arrays["x"][:VERSIONS[version]], arrays["y"][:VERSIONS[version]]
    return shuffled_split(x, y, test_split, seed)
