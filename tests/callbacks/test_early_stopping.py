"""EarlyStopping against hand-worked epoch sequences, and against Keras 3's own EarlyStopping on
random ones."""

from __future__ import annotations

import numpy as np
import pytest

from oneiros.callbacks import EarlyStopping


def losses(*values, key="loss"):
    return [{key: v} for v in values]


def test_patience_counts_epochs_without_improvement(fake_model, drive):
    # best 1.0 @0, 0.9 @1; 0.95 (wait 1), 0.93 (wait 2 >= patience): stop at epoch 3.
    model = fake_model()
    stop = EarlyStopping(monitor="loss", patience=2)
    assert drive(stop, model, losses(1.0, 0.9, 0.95, 0.93, 0.8, 0.7)) == [0, 1, 2, 3]
    assert model.stop_training is True
    assert (stop.stopped_epoch, stop.best, stop.best_epoch) == (3, 0.9, 1)


def test_patience_zero_stops_at_first_non_improvement_but_never_at_epoch_0(fake_model, drive):
    stop = EarlyStopping(monitor="loss")
    assert drive(stop, fake_model(), losses(1.0, 0.5, 0.5, 0.1)) == [0, 1, 2]
    assert stop.stopped_epoch == 2


def test_min_delta_requires_a_larger_improvement(fake_model, drive):
    # 1.0 -> 0.85 beats by 0.15 > 0.1; 0.85 -> 0.8 by 0.05 only: no improvement, stop at 2.
    sequence = losses(1.0, 0.85, 0.8, 0.79)
    assert drive(EarlyStopping(monitor="loss", min_delta=0.1, patience=1), fake_model(),
                 sequence) == [0, 1, 2]
    # a negative min_delta means the same (Keras takes its absolute value)
    assert drive(EarlyStopping(monitor="loss", min_delta=-0.1, patience=1), fake_model(),
                 sequence) == [0, 1, 2]
    assert drive(EarlyStopping(monitor="loss", patience=1), fake_model(), sequence) == [0, 1, 2, 3]


def test_max_mode_and_auto_mode_for_accuracy(fake_model, drive):
    sequence = losses(0.5, 0.6, 0.6, 0.55, 0.7, key="val_accuracy")
    for mode in ("auto", "max"):
        stop = EarlyStopping(monitor="val_accuracy", patience=2, mode=mode)
        assert drive(stop, fake_model(), sequence) == [0, 1, 2, 3]
        assert stop.best == 0.6
    # read as a loss, every epoch but the first is a non-improvement
    assert drive(EarlyStopping(monitor="val_accuracy", patience=2, mode="min"), fake_model(),
                 sequence) == [0, 1, 2]


def test_baseline_keeps_counting_until_it_is_beaten(fake_model, drive):
    # 0.9 and 0.8 improve but stay above 0.5, so wait is not reset: 1, 2; epoch 2 (wait 3) stops.
    sequence = losses(0.9, 0.8, 0.85, 0.84, 0.83)
    assert drive(EarlyStopping(monitor="loss", patience=2, baseline=0.5), fake_model(),
                 sequence) == [0, 1, 2]
    assert drive(EarlyStopping(monitor="loss", patience=2), fake_model(), sequence) == [0, 1, 2, 3]
    # beating the baseline resets the count like any improvement
    assert drive(EarlyStopping(monitor="loss", patience=2, baseline=0.85), fake_model(),
                 sequence) == [0, 1, 2, 3]


def test_start_from_epoch_skips_warm_up_epochs(fake_model, drive):
    rising = losses(1.0, 2.0, 3.0, 4.0, 5.0)
    assert drive(EarlyStopping(monitor="loss"), fake_model(), rising) == [0, 1]
    stop = EarlyStopping(monitor="loss", start_from_epoch=2)
    assert drive(stop, fake_model(), rising) == [0, 1, 2, 3]
    assert (stop.best, stop.best_epoch, stop.stopped_epoch) == (3.0, 2, 3)


def test_restore_best_weights(fake_model, drive, capsys):
    model = fake_model()
    stop = EarlyStopping(monitor="loss", patience=2, restore_best_weights=True, verbose=1)
    assert drive(stop, model, losses(1.0, 0.5, 0.7, 0.8, 0.1)) == [0, 1, 2, 3]
    assert model.marker() == 1.0
    np.testing.assert_array_equal(model.weights[1], np.full((3,), -1.0, np.float32))
    assert capsys.readouterr().out == ("Epoch 4: early stopping\n"
                                       "Restoring model weights from the end of the best epoch: 2.\n")


def test_restore_best_weights_without_stopping_still_restores(fake_model, drive):
    model = fake_model()
    drive(EarlyStopping(monitor="loss", patience=5, restore_best_weights=True), model,
          losses(1.0, 0.2, 0.7))
    assert model.marker() == 1.0


def test_restore_best_weights_when_the_baseline_is_never_beaten(fake_model, drive):
    # Keras: runs for `patience` epochs and restores the best of them.
    model = fake_model()
    stop = EarlyStopping(monitor="loss", patience=3, baseline=0.1, restore_best_weights=True)
    assert drive(stop, model, losses(0.9, 0.7, 0.8, 0.95, 0.6)) == [0, 1, 2]
    assert model.marker() == 1.0


def test_weights_are_not_touched_without_restore(fake_model, drive):
    model = fake_model()
    drive(EarlyStopping(monitor="loss", patience=1), model, losses(1.0, 0.5, 0.7))
    assert model.restored == [] and model.marker() == 2.0


def test_state_is_reset_for_a_second_fit(fake_model, drive):
    stop = EarlyStopping(monitor="loss", patience=1)
    model = fake_model()
    assert drive(stop, model, losses(0.1, 0.2)) == [0, 1]
    model.stop_training = False
    assert drive(stop, model, losses(5.0, 4.0, 4.5)) == [0, 1, 2]
    assert stop.best == 4.0


def test_missing_monitor_warns_with_available_keys(fake_model, drive):
    model = fake_model()
    with pytest.warns(UserWarning, match=r"`val_loss` which is not available\. Available metrics "
                                         r"are: loss,accuracy"):
        drive(EarlyStopping(), model, [{"loss": 1.0, "accuracy": 0.5}] * 3)
    assert model.stop_training is False


def test_verbose_zero_prints_nothing(fake_model, drive, capsys):
    drive(EarlyStopping(monitor="loss", restore_best_weights=True), fake_model(), losses(1.0, 2.0))
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("monitor", ["loss", "val_loss", "mean_absolute_error", "val_mse",
                                     "binary_crossentropy", "kl_divergence", "squared_hinge",
                                     "output_1_loss"])
def test_auto_mode_minimizes(monitor):
    assert EarlyStopping(monitor=monitor).direction == "min"


@pytest.mark.parametrize("monitor", ["accuracy", "val_acc", "val_sparse_categorical_accuracy",
                                     "auc", "val_precision", "recall", "f1_score", "fbeta_score",
                                     "r2_score", "cosine_similarity", "mean_iou"])
def test_auto_mode_maximizes(monitor):
    assert EarlyStopping(monitor=monitor).direction == "max"


@pytest.mark.parametrize("kwargs, error, match", [
    ({"monitor": "true_positives"}, ValueError, "Pass mode='min' or mode='max'"),
    ({"monitor": "my_metric"}, ValueError, "cannot tell"),
    ({"mode": "minimum"}, ValueError, r"mode='minimum'"),
    ({"monitor": 3}, TypeError, "monitor=3"),
    ({"patience": -1}, ValueError, "patience=-1"),
    ({"patience": 1.5}, TypeError, "patience=1.5"),
    ({"min_delta": "0.1"}, TypeError, "min_delta='0.1'"),
    ({"baseline": "low"}, TypeError, "baseline='low'"),
    ({"start_from_epoch": -2}, ValueError, "start_from_epoch=-2"),
    ({"restore_best_weights": "yes"}, TypeError, "restore_best_weights='yes'"),
])
def test_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        EarlyStopping(**kwargs)


def test_explicit_mode_accepts_any_monitor_name():
    assert EarlyStopping(monitor="my_metric", mode="max").direction == "max"


def _random_case(rng):
    # Values on a coarse grid so that ties and near-ties (within min_delta) happen often.
    length = int(rng.integers(2, 25))
    values = np.round(rng.normal(size=length).cumsum() * 0.1 + rng.normal(size=length) * 0.05, 2)
    kwargs = {"monitor": "loss", "mode": str(rng.choice(["min", "max"])),
              "patience": int(rng.integers(0, 5)),
              "min_delta": float(rng.choice([0.0, 0.01, 0.05])),
              "baseline": None if rng.random() < 0.5 else float(np.round(rng.normal() * 0.3, 2)),
              "start_from_epoch": int(rng.choice([0, 0, 2, 5])),
              "restore_best_weights": bool(rng.random() < 0.5)}
    return [{"loss": float(v)} for v in values], kwargs


def test_matches_keras_on_random_sequences(keras, fake_model, drive):
    rng = np.random.default_rng(7)
    for case in range(150):
        sequence, kwargs = _random_case(rng)
        ours, theirs = fake_model(), fake_model()
        ours_stop = EarlyStopping(**kwargs)
        keras_stop = keras.callbacks.EarlyStopping(**kwargs)
        ran = drive(ours_stop, ours, sequence)
        assert ran == drive(keras_stop, theirs, sequence), (case, kwargs, sequence)
        assert ours_stop.stopped_epoch == keras_stop.stopped_epoch
        assert ours_stop.best == (None if keras_stop.best is None else float(keras_stop.best))
        assert ours_stop.best_epoch == keras_stop.best_epoch
        assert ours.marker() == theirs.marker()
        assert len(ours.restored) == len(theirs.restored)
