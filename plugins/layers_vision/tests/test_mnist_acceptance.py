"""Acceptance: the classic Keras convnet learns real MNIST digits to >= 98% test accuracy.

Data: the MNIST t10k files in ../shared/data, with ``oneiros_vision.acceptance``'s protocol (the
first 8,000 images train, the last 2,000, never seen in training, test; fixed seed), jax backend,
15 epochs of batch 128.
"""

from __future__ import annotations

import pytest

from oneiros_vision.acceptance import train_mnist_convnet


@pytest.mark.slow
def test_classic_convnet_reaches_98_percent_on_held_out_mnist(shared_data, jax_backend):
    result = train_mnist_convnet(shared_data, epochs=15)
    assert result.last_epoch_accuracy > result.first_epoch_accuracy
    assert result.test_accuracy >= 0.98, f"after 15 epochs: {result}"
