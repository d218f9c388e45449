"""State that layers change in ``call`` (BatchNormalization's moving statistics, the random
layers' seeds) is carried by the compiled JAX training step."""

from __future__ import annotations

import numpy as np
import pytest

import oneiros as oi
from oneiros import layers

RNG = np.random.default_rng(13)
X = RNG.normal(1.0, 2.0, size=(16, 4)).astype("float32")
Y = RNG.normal(size=(16, 1)).astype("float32")


@pytest.mark.parametrize("steps_per_execution", [1, 2])
def test_fit_updates_moving_statistics_and_advances_seeds(steps_per_execution):
    with oi.backend_scope("jax"):
        normalization = layers.BatchNormalization(momentum=0.5)
        dropout = layers.Dropout(0.5, seed=3)
        noise = layers.GaussianNoise(0.1, seed=4)
        model = oi.Sequential([layers.Input((4,)), normalization, noise, dropout, layers.Dense(1)])
        model.compile(optimizer="sgd", loss="mse", steps_per_execution=steps_per_execution)
        seeds_before = [dropout.non_trainable_variables[0].numpy(), noise.non_trainable_variables[0].numpy()]
        model.fit(X, Y, epochs=1, batch_size=8, shuffle=False, verbose=0)
        seeds_after = [dropout.non_trainable_variables[0].numpy(), noise.non_trainable_variables[0].numpy()]
        assert all(not np.array_equal(a, b) for a, b in zip(seeds_before, seeds_after))
        first, second = X[:8], X[8:]
        mean = (0.0 * 0.5 + first.mean(axis=0) * 0.5) * 0.5 + second.mean(axis=0) * 0.5
        variance = (1.0 * 0.5 + first.var(axis=0) * 0.5) * 0.5 + second.var(axis=0) * 0.5
        np.testing.assert_allclose(normalization.moving_mean.numpy(), mean, rtol=1e-5)
        np.testing.assert_allclose(normalization.moving_variance.numpy(), variance, rtol=1e-5)
        predictions = model.predict(X, verbose=0)
        np.testing.assert_array_equal(model.predict(X, verbose=0), predictions)
