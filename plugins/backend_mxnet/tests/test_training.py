"""The core's Trainer on MXNet: fit, evaluate and predict, with state that layers update."""

from __future__ import annotations

import numpy as np
import oneiros as oi
import pytest
from oneiros import layers

RNG = np.random.default_rng(13)


def test_fit_recovers_the_least_squares_solution(mxnet_backend):
    x = RNG.normal(size=(256, 5)).astype(np.float32)
    y = (x @ np.array([[1.5], [-2.0], [0.5], [0.0], [3.0]]) + 0.7 + RNG.normal(0, 0.01, (256, 1))).astype(np.float32)
    model = oi.Sequential([layers.Input((5,)), layers.Dense(1)])
    model.compile(optimizer=oi.optimizers.get("adam")(learning_rate=0.05), loss="mse")
    model.fit(x, y, epochs=60, batch_size=64, verbose=0)
    design = np.hstack([x, np.ones((256, 1), np.float32)]).astype(np.float64)
    solution = np.linalg.lstsq(design, y.astype(np.float64), rcond=None)[0]
    kernel, bias = model.layers[-1].get_weights()
    np.testing.assert_allclose(np.append(kernel.ravel(), bias), solution.ravel(), atol=5e-3)
    mse = float(np.mean((design @ solution - y) ** 2))
    assert model.evaluate(x, y, verbose=0) == pytest.approx(mse, rel=0.05)


@pytest.mark.parametrize("steps_per_execution", [1, 2])
def test_fit_updates_moving_statistics_and_advances_seeds(mxnet_backend, steps_per_execution):
    x = RNG.normal(1.0, 2.0, size=(16, 4)).astype(np.float32)
    y = RNG.normal(size=(16, 1)).astype(np.float32)
    normalization = layers.BatchNormalization(momentum=0.5)
    dropout = layers.Dropout(0.5, seed=3)
    model = oi.Sequential([layers.Input((4,)), normalization, layers.GaussianNoise(0.1, seed=4), dropout,
                           layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", steps_per_execution=steps_per_execution)
    seed_before = dropout.non_trainable_variables[0].numpy()
    model.fit(x, y, epochs=1, batch_size=8, shuffle=False, verbose=0)
    assert dropout.non_trainable_variables[0].numpy().dtype == np.uint32
    assert not np.array_equal(seed_before, dropout.non_trainable_variables[0].numpy())
    first, second = x[:8].astype(np.float64), x[8:].astype(np.float64)
    mean = (0.0 * 0.5 + first.mean(axis=0) * 0.5) * 0.5 + second.mean(axis=0) * 0.5
    variance = (1.0 * 0.5 + first.var(axis=0) * 0.5) * 0.5 + second.var(axis=0) * 0.5
    np.testing.assert_allclose(normalization.moving_mean.numpy(), mean, rtol=1e-5)
    np.testing.assert_allclose(normalization.moving_variance.numpy(), variance, rtol=1e-5)
    np.testing.assert_array_equal(model.predict(x, verbose=0), model.predict(x, verbose=0))


def test_a_convolutional_and_a_recurrent_model_learn(mxnet_backend):
    vision = pytest.importorskip("oneiros_vision", reason="the oneiros-vision plugin is not installed")
    text = pytest.importorskip("oneiros_text", reason="the oneiros-text plugin is not installed")
    del vision, text
    # Class 1 images hold a bright square in the top-left corner, class 0 in the bottom-right.
    images = RNG.normal(0, 0.1, size=(64, 8, 8, 1)).astype(np.float32)
    labels = (np.arange(64) % 2).astype(np.int32)
    images[labels == 1, :3, :3] += 1.0
    images[labels == 0, -3:, -3:] += 1.0
    inputs = oi.Input((8, 8, 1))
    features = layers.get("MaxPooling2D")(2)(layers.get("Conv2D")(4, 3, activation="relu")(inputs))
    sequence = layers.Reshape((-1, 4))(features)
    outputs = layers.Dense(2, activation="softmax")(layers.get("LSTM")(6)(sequence))
    model = oi.Model(inputs, outputs)
    model.compile(optimizer=oi.optimizers.get("adam")(learning_rate=0.02), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(images, labels, epochs=15, batch_size=16, verbose=0)
    assert history.history["accuracy"][-1] == 1.0
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
