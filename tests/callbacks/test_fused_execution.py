"""Callbacks, progress bar, metrics and validation under fused execution (``steps_per_execution``)
behave as in single-step training; the single-step run is the oracle."""

from __future__ import annotations

import io

import numpy as np
import pytest

import oneiros as oi

pytestmark = pytest.mark.slow

FUSED = 5
# 250 samples in batches of 16: 15 full batches and one of 10. Fused: three groups of five, then
# the short batch alone.
SAMPLES, BATCH, BATCHES = 250, 16, 16


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(SAMPLES, 3)).astype(np.float32)
    y = (x @ np.array([1.0, -2.0, 0.5], np.float32) + 0.1 * rng.normal(size=SAMPLES).astype(np.float32))[:, None]
    return x, y


def train(data, steps_per_execution, callbacks=(), epochs=30):
    x, y = data
    with oi.backend_scope("jax"):
        oi.set_random_seed(11)
        model = oi.Sequential([oi.layers.Input((3,)), oi.layers.Dense(4, activation="tanh"), oi.layers.Dense(1)])
        model.compile(optimizer=oi.optimizers.SGD(0.02), loss="mse", metrics=["mae"],
                      steps_per_execution=steps_per_execution)
        history = model.fit(x[:200], y[:200], validation_data=(x[200:], y[200:]), epochs=epochs, batch_size=BATCH,
                            shuffle=True, verbose=0, callbacks=list(callbacks))
    return model, history


def test_per_epoch_logs_and_weights_match_single_steps(data):
    single_model, single = train(data, 1, epochs=4)
    fused_model, fused = train(data, FUSED, epochs=4)
    assert fused.params["steps_per_execution"] == FUSED
    assert sorted(fused.history) == sorted(single.history) == ["loss", "mae", "val_loss", "val_mae"]
    for key, values in single.history.items():
        np.testing.assert_allclose(fused.history[key], values, rtol=1e-6, err_msg=key)
    for expected, got in zip(single_model.get_weights(), fused_model.get_weights(), strict=True):
        np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-7)


def test_per_batch_callbacks_see_the_step_index_of_each_call(data):
    seen = []
    record = oi.callbacks.LambdaCallback(on_train_batch_end=lambda step, logs: seen.append(step))
    train(data, FUSED, callbacks=[record], epochs=1)
    # 200 training samples in batches of 16: 12 full batches and one of 8
    assert seen == [4, 9, 10, 11, 12]


def test_early_stopping_stops_at_the_same_epoch(data):
    stops = []
    for steps in (1, FUSED):
        stop = oi.callbacks.EarlyStopping(monitor="val_loss", min_delta=1e-3, patience=1)
        _, history = train(data, steps, callbacks=[stop])
        stops.append((stop.stopped_epoch, history.epoch[-1]))
    assert stops[0] == stops[1]
    assert 0 < stops[0][1] < 29, "the oracle run must stop before the last epoch for the check to mean anything"


def test_the_progress_bar_counts_every_step(data):
    stream = io.StringIO()
    train(data, FUSED, callbacks=[oi.callbacks.ProgbarLogger(verbose=2, stream=stream)], epochs=2)
    lines = [line for line in stream.getvalue().splitlines() if line.strip()]
    assert [line.split(" - ")[:2] for line in lines] == [["Epoch 1/2", "13 steps"], ["Epoch 2/2", "13 steps"]]
