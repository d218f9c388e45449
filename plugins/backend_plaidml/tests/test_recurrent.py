"""Recurrent layers on plaidml: ``scan`` unrolled into the Tile program, forward and backward."""

from __future__ import annotations

import numpy as np
import pytest

import oneiros as oi
from oneiros import layers


def _lstm():
    return oi.Sequential([layers.Input((5, 4)), layers.LSTM(6), layers.Dense(3, activation="softmax")])


@pytest.fixture(scope="module")
def sequences():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((64, 5, 4)).astype("float32")
    return x, (x[:, :, 0].sum(axis=1) > 0).astype("int32") + (x[:, :, 1].sum(axis=1) > 1).astype("int32")


def test_lstm_from_jax_predicts_the_same_on_plaidml(sequences, tmp_path):
    x, _ = sequences
    with oi.backend_scope("jax"):
        model = _lstm()
        expected = np.asarray(model.predict(x, verbose=0))
        model.save(tmp_path / "lstm.oneiros")
    moved = oi.load_model(tmp_path / "lstm.oneiros", backend="plaidml")
    np.testing.assert_allclose(np.asarray(moved.predict(x, verbose=0)), expected, atol=1e-5)


def test_lstm_training_matches_jax(sequences, tmp_path):
    x, y = sequences
    with oi.backend_scope("jax"):
        _lstm().save(tmp_path / "start.oneiros")
    predictions = {}
    for backend in ("jax", "plaidml"):
        model = oi.load_model(tmp_path / "start.oneiros", backend=backend)
        with oi.backend_scope(backend):
            model.compile(optimizer=oi.optimizers.SGD(learning_rate=0.5), loss="sparse_categorical_crossentropy")
            model.fit(x, y, epochs=2, batch_size=32, verbose=0, shuffle=False)
            predictions[backend] = np.asarray(model.predict(x, verbose=0))
    assert np.abs(predictions["jax"] - np.asarray(oi.load_model(tmp_path / "start.oneiros", backend="jax")
                                                   .predict(x, verbose=0))).max() > 1e-2
    np.testing.assert_allclose(predictions["plaidml"], predictions["jax"], atol=1e-4)
