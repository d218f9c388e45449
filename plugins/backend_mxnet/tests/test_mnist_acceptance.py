"""Acceptance: the classic Keras convnet learns real MNIST digits on MXNet to >= 98% test accuracy.

Data: the MNIST t10k files in ../shared/data; the first 8,000 images train, the last 2,000 (never
seen in training) test, as in the vision plugin's JAX acceptance test. 8 epochs of batch 128
instead of its 15, to keep the run near a minute on two CPU cores: on this split the held-out
accuracy passes 98% after 5-6 epochs and is ~98.5% after 8.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import oneiros as oi
import pytest

SHARED_DATA = (Path(__file__).resolve().parents[3] / "../shared/data").resolve()


@pytest.mark.slow
def test_classic_convnet_reaches_98_percent_on_held_out_mnist(mxnet_backend):
    from oneiros_vision.datasets.mnist import load_split
    from oneiros_vision.models import mnist_convnet

    if not (SHARED_DATA / "t10k-images-idx3-ubyte.gz").is_file():
        raise FileNotFoundError(f"the shared MNIST files are missing from {SHARED_DATA}")
    images, labels = load_split(SHARED_DATA, "test")
    x = images.astype("float32")[..., np.newaxis] / 255
    y = labels.astype("int32")
    oi.set_random_seed(0)
    model = mnist_convnet()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x[:8000], y[:8000], batch_size=128, epochs=8, verbose=0)
    loss, accuracy = model.evaluate(x[8000:], y[8000:], verbose=0)
    assert history.history["accuracy"][-1] > history.history["accuracy"][0]
    assert accuracy >= 0.98, f"test accuracy {accuracy:.4f} (loss {loss:.4f}) after 8 epochs"
