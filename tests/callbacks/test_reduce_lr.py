"""ReduceLROnPlateau against hand-worked epoch sequences, and against Keras 3's own on random ones."""

from __future__ import annotations

import numpy as np
import pytest

from oneiros.callbacks import ReduceLROnPlateau


def rates_after_each_epoch(callback, model, sequence):
    callback.set_model(model)
    callback.on_train_begin(None)
    rates, logged = [], []
    for epoch, logs in enumerate(sequence):
        logs = dict(logs)
        callback.on_epoch_end(epoch, logs)
        rates.append(model.optimizer.learning_rate)
        logged.append(logs.get("learning_rate"))
    callback.on_train_end(None)
    return rates, logged


def test_reductions_with_patience_cooldown_and_min_lr(fake_model):
    # Flat loss. patience 2: reduce at epoch 2; cooldown 2 holds epochs 3-4 (the count restarts at
    # 4), reduce at 5, then 8 (clipped to min_lr 0.2); at 11 the rate is already min_lr.
    model = fake_model(learning_rate=1.0)
    reduce = ReduceLROnPlateau(monitor="loss", factor=0.5, patience=2, cooldown=2, min_lr=0.2)
    rates, logged = rates_after_each_epoch(reduce, model, [{"loss": 1.0}] * 12)
    assert rates == [1.0, 1.0, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.2, 0.2, 0.2, 0.2]
    assert logged == [1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.2, 0.2, 0.2]
    assert model.optimizer.assigned == [0.5, 0.25, 0.2]


def test_without_cooldown_the_count_restarts_after_a_reduction(fake_model):
    model = fake_model(learning_rate=1.0)
    rates, _ = rates_after_each_epoch(ReduceLROnPlateau(monitor="loss", factor=0.5, patience=2),
                                      model, [{"loss": 1.0}] * 7)
    assert rates == [1.0, 1.0, 0.5, 0.5, 0.25, 0.25, 0.125]


def test_improvements_reset_the_count_and_min_delta_applies(fake_model):
    # 0.99995 is within min_delta=1e-4 of 1.0: no improvement, reduce (patience 1);
    # 0.9 improves; 0.89995 does not beat 0.9 by 1e-4: reduce again.
    model = fake_model(learning_rate=0.1)
    rates, _ = rates_after_each_epoch(ReduceLROnPlateau(monitor="val_loss", patience=1), model,
                                      [{"val_loss": v} for v in (1.0, 0.99995, 0.9, 0.89995)])
    assert rates == pytest.approx([0.1, 0.01, 0.01, 0.001], rel=1e-12)


def test_max_mode_inferred_for_accuracy(fake_model):
    model = fake_model(learning_rate=0.1)
    rates, _ = rates_after_each_epoch(
        ReduceLROnPlateau(monitor="val_accuracy", patience=2, factor=0.5), model,
        [{"val_accuracy": v} for v in (0.5, 0.6, 0.6, 0.59, 0.7, 0.7)])
    assert rates == [0.1, 0.1, 0.1, 0.05, 0.05, 0.05]


def test_verbose_message(fake_model, capsys):
    model = fake_model(learning_rate=1.0)
    rates_after_each_epoch(ReduceLROnPlateau(monitor="loss", patience=1, factor=0.5, verbose=1),
                           model, [{"loss": 1.0}] * 2)
    assert capsys.readouterr().out == "\nEpoch 2: ReduceLROnPlateau reducing learning rate to 0.5.\n"


def test_missing_monitor_warns_and_changes_nothing(fake_model):
    model = fake_model(learning_rate=1.0)
    with pytest.warns(UserWarning, match=r"`val_loss` which is not available\. Available metrics "
                                         r"are: loss,learning_rate"):
        rates, _ = rates_after_each_epoch(ReduceLROnPlateau(patience=0), model, [{"loss": 1.0}] * 3)
    assert rates == [1.0, 1.0, 1.0]


def test_a_learning_rate_schedule_is_refused_at_train_begin(fake_model):
    model = fake_model(learning_rate=lambda step: 0.1)
    reduce = ReduceLROnPlateau()
    reduce.set_model(model)
    with pytest.raises(TypeError, match="constant learning rate"):
        reduce.on_train_begin(None)


def test_a_model_without_optimizer_is_refused(fake_model):
    model = fake_model()
    model.optimizer = None
    reduce = ReduceLROnPlateau()
    reduce.set_model(model)
    with pytest.raises(RuntimeError, match="model.compile"):
        reduce.on_train_begin(None)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"factor": 1.0}, ValueError, "factor=1.0"),
    ({"factor": 2}, ValueError, "factor=2"),
    ({"factor": 0.0}, ValueError, "factor=0.0"),
    ({"patience": -1}, ValueError, "patience=-1"),
    ({"cooldown": 0.5}, TypeError, "cooldown=0.5"),
    ({"min_lr": -0.1}, ValueError, "min_lr=-0.1"),
    ({"mode": "up"}, ValueError, "mode='up'"),
    ({"monitor": "score"}, ValueError, "cannot tell"),
])
def test_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        ReduceLROnPlateau(**kwargs)


def test_matches_keras_on_random_sequences(keras, fake_model):
    rng = np.random.default_rng(11)
    for case in range(150):
        length = int(rng.integers(2, 30))
        values = np.round(rng.normal(size=length).cumsum() * 0.05 + rng.normal(size=length) * 0.02, 2)
        sequence = [{"loss": float(v)} for v in values]
        kwargs = {"monitor": "loss", "mode": str(rng.choice(["min", "max"])),
                  "factor": float(rng.choice([0.1, 0.5, 0.8])), "patience": int(rng.integers(0, 4)),
                  "min_delta": float(rng.choice([0.0, 1e-4, 0.02])),
                  "cooldown": int(rng.integers(0, 4)), "min_lr": float(rng.choice([0.0, 1e-3, 0.02]))}
        ours, _ = rates_after_each_epoch(ReduceLROnPlateau(**kwargs), fake_model(0.1), sequence)
        theirs, _ = rates_after_each_epoch(keras.callbacks.ReduceLROnPlateau(**kwargs),
                                           fake_model(0.1), sequence)
        assert ours == pytest.approx([float(r) for r in theirs], rel=1e-9), (case, kwargs, sequence)
