"""Training on plaidml (sklearn digits) and moving models jax <-> plaidml <-> onnx."""

from __future__ import annotations

import numpy as np
import pytest

import oneiros as oi
from oneiros import layers


def _convnet():
    return oi.Sequential([
        layers.Input((8, 8, 1)),
        layers.Conv2D(16, 3, activation="relu"),
        layers.MaxPooling2D(2),
        layers.Flatten(),
        layers.Dense(32, activation="relu"),
        layers.Dense(10, activation="softmax"),
    ])


@pytest.fixture(scope="module")
def trained(digits, tmp_path_factory):
    (x_train, y_train), _ = digits
    with oi.backend_scope("plaidml"):
        model = _convnet()
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        model.fit(x_train, y_train, epochs=20, batch_size=64, verbose=0)
        path = tmp_path_factory.mktemp("plaidml") / "digits.oneiros"
        model.save(path)
    return model, path


def test_convnet_reaches_95_percent_on_digits(trained, digits):
    model, _ = trained
    _, (x_test, y_test) = digits
    with oi.backend_scope("plaidml"):
        predicted = np.argmax(np.asarray(model.predict(x_test, verbose=0)), axis=-1)
    accuracy = float(np.mean(predicted == y_test))
    assert accuracy >= 0.95, accuracy


@pytest.mark.parametrize("backend", ["jax", "onnx"])
def test_plaidml_model_predicts_the_same_elsewhere(trained, digits, backend):
    model, path = trained
    _, (x_test, _) = digits
    with oi.backend_scope("plaidml"):
        expected = np.asarray(model.predict(x_test, verbose=0))
    moved = oi.load_model(path, backend=backend)
    np.testing.assert_allclose(np.asarray(moved.predict(x_test, verbose=0)), expected, atol=1e-5)


def test_jax_model_predicts_the_same_on_plaidml(digits, tmp_path):
    _, (x_test, _) = digits
    with oi.backend_scope("jax"):
        model = _convnet()
        expected = np.asarray(model.predict(x_test, verbose=0))
        model.save(tmp_path / "jax.oneiros")
    moved = oi.load_model(tmp_path / "jax.oneiros", backend="plaidml")
    np.testing.assert_allclose(np.asarray(moved.predict(x_test, verbose=0)), expected, atol=1e-5)
