"""``optimizer.iterations`` counts the applied updates, as Keras's does."""

from __future__ import annotations

import numpy as np

import oneiros as oi
from oneiros import layers


def test_iterations_counts_training_steps_across_fits():
    model = oi.Sequential([layers.Input((3,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    assert int(model.optimizer.iterations) == 0
    x, y = np.ones((40, 3), "float32"), np.ones((40, 1), "float32")
    model.fit(x, y, batch_size=8, epochs=2, verbose=0)
    assert int(model.optimizer.iterations) == 10
    model.fit(x, y, batch_size=16, epochs=1, verbose=0)
    assert model.optimizer.iterations.numpy() == 13
    assert model.optimizer.iterations.dtype == "int32"
