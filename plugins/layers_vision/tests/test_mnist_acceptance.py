"""Acceptance: the classic Keras convnet learns real MNIST digits to >= 98% test accuracy.

Data: the MNIST t10k files in ../shared/data; the first 8,000 images train, the last 2,000 (never
seen in training) test. Fixed seed, jax backend, at most 15 epochs of batch 128.
"""

from __future__ import annotations

import numpy as np
import pytest

import oneiros as oi
from oneiros_vision.datasets.mnist import load_split
from oneiros_vision.models import mnist_convnet


@pytest.mark.slow
def test_classic_convnet_reaches_98_percent_on_held_out_mnist(shared_data, jax_backend):
    images, labels = load_split(shared_data, "test")
    x = images.astype("float32")[..., np.newaxis] / 255
    y = labels.astype("int32")
    oi.set_random_seed(0)
    model = mnist_convnet()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x[:8000], y[:8000], batch_size=128, epochs=15, verbose=0)
    loss, accuracy = model.evaluate(x[8000:], y[8000:], verbose=0)
    assert history.history["accuracy"][-1] > history.history["accuracy"][0]
    assert accuracy >= 0.98, f"test accuracy {accuracy:.4f} (loss {loss:.4f}) after 15 epochs"
