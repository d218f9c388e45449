"""The PlaidML backend's tests: collected only where plaidml 0.7.0 is installed."""

from __future__ import annotations

import importlib.util

import pytest

collect_ignore_glob = [] if importlib.util.find_spec("plaidml") is not None else ["test_*.py"]


@pytest.fixture(scope="session")
def digits():
    """scikit-learn's 8x8 digits as (N, 8, 8, 1) float32 in [0, 1], split 1437 / 360."""
    from sklearn.datasets import load_digits

    data = load_digits()
    images = (data.images / 16.0).astype("float32")[..., None]
    labels = data.target.astype("int32")
    order = __import__("numpy").random.default_rng(0).permutation(len(labels))
    images, labels = images[order], labels[order]
    return (images[:1437], labels[:1437]), (images[1437:], labels[1437:])
