"""LearningRateScheduler: the rate set at each epoch begin, the logged rate, and bad schedules."""

from __future__ import annotations

import numpy as np
import pytest

from oneiros.callbacks import LearningRateScheduler


def run(callback, model, epochs):
    callback.set_model(model)
    callback.on_train_begin(None)
    logged = []
    for epoch in range(epochs):
        callback.on_epoch_begin(epoch, None)
        logs = {"loss": 1.0}
        callback.on_epoch_end(epoch, logs)
        logged.append(logs["learning_rate"])
    return logged


def test_schedule_gets_epoch_and_current_rate(fake_model):
    calls = []

    def schedule(epoch, lr):
        calls.append((epoch, lr))
        return lr if epoch < 2 else lr * 0.5

    model = fake_model(learning_rate=0.1)
    assert run(LearningRateScheduler(schedule), model, 5) == [0.1, 0.1, 0.05, 0.025, 0.0125]
    assert calls == [(0, 0.1), (1, 0.1), (2, 0.1), (3, 0.05), (4, 0.025)]
    assert model.optimizer.learning_rate == 0.0125


def test_epoch_only_schedule_and_numpy_and_int_results(fake_model):
    model = fake_model(learning_rate=0.1)
    results = [np.float32(0.5), np.asarray(0.25), 1]
    assert run(LearningRateScheduler(lambda epoch: results[epoch]), model, 3) == [0.5, 0.25, 1.0]
    assert all(type(value) is float for value in model.optimizer.assigned)


def test_rate_is_set_before_the_epoch_runs(fake_model):
    model = fake_model(learning_rate=0.1)
    scheduler = LearningRateScheduler(lambda epoch, lr: 0.01 * (epoch + 1))
    scheduler.set_model(model)
    scheduler.on_epoch_begin(3, None)
    assert model.optimizer.learning_rate == pytest.approx(0.04)


def test_verbose_message(fake_model, capsys):
    run(LearningRateScheduler(lambda epoch, lr: 0.5, verbose=1), fake_model(), 1)
    assert capsys.readouterr().out == "\nEpoch 1: LearningRateScheduler setting learning rate to 0.5.\n"


@pytest.mark.parametrize("returned", [None, "0.1", [0.1], np.array([0.1, 0.2]), True])
def test_a_non_number_result_is_an_error_and_changes_nothing(fake_model, returned):
    model = fake_model(learning_rate=0.1)
    scheduler = LearningRateScheduler(lambda epoch, lr: returned)
    scheduler.set_model(model)
    with pytest.raises(ValueError, match=r"must return a number .* at epoch 0 it returned"):
        scheduler.on_epoch_begin(0, None)
    assert model.optimizer.assigned == [] and model.optimizer.learning_rate == 0.1


def test_schedule_must_be_callable_with_epoch():
    with pytest.raises(TypeError, match="must be a function"):
        LearningRateScheduler(0.1)
    with pytest.raises(TypeError, match=r"must accept \(epoch, lr\) or \(epoch\)"):
        LearningRateScheduler(lambda: 0.1)


def test_errors_inside_the_schedule_propagate(fake_model):
    def broken(epoch, lr):
        raise TypeError("inside")

    scheduler = LearningRateScheduler(broken)
    scheduler.set_model(fake_model())
    with pytest.raises(TypeError, match="inside"):
        scheduler.on_epoch_begin(0, None)


def test_a_learning_rate_schedule_is_refused_at_train_begin(fake_model):
    scheduler = LearningRateScheduler(lambda epoch, lr: lr)
    scheduler.set_model(fake_model(learning_rate=object()))
    with pytest.raises(TypeError, match="constant learning rate"):
        scheduler.on_train_begin(None)
