"""The callbacks inside a real ``Sequential.fit`` on the jax backend."""

from __future__ import annotations

import numpy as np
import pytest

import oneiros as oi

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 3)).astype(np.float32)
    y = (x @ np.array([1.0, -2.0, 0.5], np.float32))[:, None]
    return x, y


@pytest.fixture
def linear_model():
    def build(learning_rate=0.1):
        model = oi.Sequential([oi.layers.Input((3,)), oi.layers.Dense(1)])
        model.compile(optimizer=oi.optimizers.SGD(learning_rate), loss="mse")
        return model

    with oi.backend_scope("jax"):
        yield build


def test_early_stopping_stops_fit_and_restores_the_best_weights(data, linear_model):
    x, y = data
    model = linear_model()
    seen = []
    record = oi.callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: seen.append(model.get_weights()))
    # min_delta larger than any loss change: no epoch after the first improves, so with patience 2
    # the third epoch (index 2) stops training.
    stop = oi.callbacks.EarlyStopping(monitor="loss", min_delta=1e6, patience=2,
                                      restore_best_weights=True)
    history = model.fit(x, y, epochs=20, batch_size=16, verbose=0, callbacks=[record, stop])
    assert history.epoch == [0, 1, 2] and len(history.history["loss"]) == 3
    assert stop.stopped_epoch == 2 and stop.best_epoch == 0
    assert not np.allclose(seen[0][0], seen[2][0])
    for restored, best in zip(model.get_weights(), seen[0], strict=True):
        np.testing.assert_array_equal(restored, best)


def test_reduce_lr_on_plateau_lowers_the_optimizer_rate(data, linear_model):
    x, y = data
    model = linear_model(learning_rate=0.1)
    reduce = oi.callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=0, min_delta=1e6)
    model.fit(x, y, epochs=4, batch_size=16, verbose=0, callbacks=[reduce])
    # epoch 0 sets the best; epochs 1, 2, 3 each halve the rate
    assert model.optimizer.learning_rate == pytest.approx(0.1 * 0.5 ** 3)


def test_a_scheduled_rate_of_zero_freezes_the_weights(data, linear_model):
    # proves the rate set by a callback reaches the running optimizer state
    x, y = data
    model = linear_model(learning_rate=0.1)
    seen = []
    callbacks = [oi.callbacks.LearningRateScheduler(lambda epoch, lr: 0.1 if epoch == 0 else 0.0),
                 oi.callbacks.LambdaCallback(
                     on_epoch_end=lambda epoch, logs: seen.append(model.get_weights()))]
    model.fit(x, y, epochs=3, batch_size=16, verbose=0, callbacks=callbacks)
    assert model.optimizer.learning_rate == 0.0
    for later in seen[1:]:
        for weight, frozen in zip(later, seen[0], strict=True):
            np.testing.assert_array_equal(weight, frozen)


def test_terminate_on_nan_stops_within_the_first_epoch(data, linear_model, capsys):
    x, y = data
    y = y.copy()
    y[20] = np.nan  # the second batch of 16
    model = linear_model()
    history = model.fit(x, y, epochs=5, batch_size=16, shuffle=False, verbose=0,
                        callbacks=[oi.callbacks.TerminateOnNaN()])
    assert history.epoch == [0]
    assert capsys.readouterr().out == "Batch 1: Invalid loss, terminating training\n"
