"""steps_per_epoch is honoured for arrays as Keras 3 does it; bad batch sizes and frequencies are
refused before training, naming the argument.

Oracle: Keras 3 (JAX backend) run on the same arrays, counting batches per epoch.
"""

from __future__ import annotations

import importlib
import os
import warnings

import numpy as np
import pytest

import oneiros as oi

SAMPLES, BATCH, EPOCHS = 40, 10, 4


@pytest.fixture(scope="module")
def data():
    x = np.arange(SAMPLES, dtype="float32").reshape(SAMPLES, 1)
    return x, x * 2.0


@pytest.fixture(scope="module")
def regressor():
    model = oi.Sequential([oi.layers.Input((1,)), oi.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", steps_per_execution=1)
    return model


def _record_batches(base):
    class BatchesPerEpoch(base):
        def __init__(self):
            super().__init__()
            self.counts = []

        def on_epoch_begin(self, epoch, logs=None):
            self.counts.append(0)

        def on_train_batch_end(self, batch, logs=None):
            self.counts[-1] = batch + 1

    return BatchesPerEpoch()


def _keras_batches_per_epoch(x, y, steps_per_epoch):
    os.environ.setdefault("KERAS_BACKEND", "jax")
    keras = importlib.import_module("keras")
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    recorder = _record_batches(keras.callbacks.Callback)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(x, y, batch_size=BATCH, epochs=EPOCHS, steps_per_epoch=steps_per_epoch, verbose=0,
                  callbacks=[recorder])
    ran_out = sum("ran out of data" in str(w.message) for w in caught)
    return recorder.counts, ran_out


@pytest.mark.parametrize("steps_per_epoch", [3, 4, 6])
def test_steps_per_epoch_for_arrays_as_keras(regressor, data, steps_per_epoch):
    x, y = data
    recorder = _record_batches(oi.callbacks.Callback)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = regressor.fit(x, y, batch_size=BATCH, epochs=EPOCHS, steps_per_epoch=steps_per_epoch, verbose=0,
                                callbacks=[recorder])
    ran_out = sum("ran out of data" in str(w.message) for w in caught)
    assert (recorder.counts, ran_out) == _keras_batches_per_epoch(x, y, steps_per_epoch)
    assert len(history.history["loss"]) == EPOCHS


def test_steps_per_epoch_continues_through_the_data():
    from oneiros.data.adapters import ArrayAdapter

    x = np.arange(SAMPLES, dtype="float32").reshape(SAMPLES, 1)
    adapter = ArrayAdapter(x, x, batch_size=BATCH, steps=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        firsts = [[float(batch[0][0, 0]) for batch in adapter.batches(epoch)] for epoch in range(3)]
        fused = ArrayAdapter(x, x, batch_size=BATCH, steps=3)
        counts = [[count for _, count in fused.stacked_batches(epoch, 2)] for epoch in range(2)]
    assert firsts == [[0.0, 10.0, 20.0], [30.0], [0.0, 10.0, 20.0]]
    assert counts == [[2, 1], [1]]


@pytest.mark.parametrize("argument", ["batch_size", "steps_per_epoch", "validation_batch_size", "validation_steps"])
@pytest.mark.parametrize("value", [0, 2.5, True, "32", -1])
def test_bad_counts_are_refused_before_training(regressor, data, argument, value):
    x, y = data
    before = regressor.get_weights()
    with pytest.raises(ValueError, match=rf"fit: argument `{argument}` must be None or an int >= 1; "
                                         rf"received {argument}={value!r}"):
        regressor.fit(x, y, epochs=1, verbose=0, validation_split=0.5, **{argument: value})
    np.testing.assert_array_equal(before[0], regressor.get_weights()[0])


@pytest.mark.parametrize("value", [0, -2, 1.5, None])
def test_bad_validation_freq(regressor, data, value):
    x, y = data
    with pytest.raises(ValueError, match=rf"argument `validation_freq` must be an int >= 1; received "
                                         rf"validation_freq={value!r}"):
        regressor.fit(x, y, epochs=1, verbose=0, validation_split=0.5, validation_freq=value)


@pytest.mark.parametrize("method", ["evaluate", "predict"])
def test_evaluate_and_predict_refuse_bad_batch_sizes(regressor, data, method):
    x, y = data
    args = (x, y) if method == "evaluate" else (x,)
    with pytest.raises(ValueError, match=rf"{method}: argument `batch_size` must be None or an int >= 1; "
                                         "received batch_size=0"):
        getattr(regressor, method)(*args, batch_size=0, verbose=0)
