"""ModelCheckpoint: Keras 3 semantics (best-only, modes, file names, batch frequency), atomic
writes, and no checkpoint of non-finite weights.

The callback is driven by hand over a real model whose weights are set to a marker value per
epoch, so the expected file content of every scenario is known in advance.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import oneiros as oi
from oneiros import layers
from oneiros.callbacks import CallbackList, ModelCheckpoint, TerminateOnNaN


def marked_model():
    with oi.backend_scope("numpy"):
        model = oi.Sequential([layers.Input((2,)), layers.Dense(3, name="dense")])
    model.compile(optimizer="sgd", loss="mse")
    return model


def set_marker(model, marker):
    model.set_weights([np.full(w.shape, marker, np.float32) for w in model.get_weights()])


def marker_in(path):
    with oi.backend_scope("numpy"):
        model = oi.load_model(path) if path.suffix == ".oneiros" else _weights_model(path)
    values = np.concatenate([w.ravel() for w in model.get_weights()])
    assert np.all(values == values[0]), "a checkpoint mixes two versions"
    return float(values[0])


def _weights_model(path):
    model = oi.Sequential([layers.Input((2,)), layers.Dense(3, name="dense")])
    model.load_weights(path)
    return model


def drive(callback, model, epoch_logs):
    """Runs the epoch hooks as fit does; before each epoch end the weights hold marker = epoch."""
    callback.set_model(model)
    callback.on_train_begin(None)
    for epoch, logs in enumerate(epoch_logs):
        callback.on_epoch_begin(epoch, None)
        set_marker(model, epoch)
        callback.on_epoch_end(epoch, logs)
    callback.on_train_end(None)


def test_saves_every_epoch_to_one_file(tmp_path):
    model = marked_model()
    path = tmp_path / "last.oneiros"
    drive(ModelCheckpoint(path), model, [{"val_loss": v} for v in (3.0, 2.0, 5.0)])
    assert marker_in(path) == 2.0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["last.oneiros"]


def test_the_file_name_is_formatted_with_the_epoch_and_the_logs(tmp_path):
    model = marked_model()
    drive(ModelCheckpoint(tmp_path / "run" / "ckpt-{epoch:02d}-{loss:.2f}.oneiros"), model,
          [{"loss": 0.5}, {"loss": 0.25}, {"loss": 0.125}])
    names = sorted(p.name for p in (tmp_path / "run").iterdir())
    assert names == ["ckpt-01-0.50.oneiros", "ckpt-02-0.25.oneiros", "ckpt-03-0.12.oneiros"]
    assert [marker_in(tmp_path / "run" / name) for name in names] == [0.0, 1.0, 2.0]


def test_an_unknown_field_in_the_file_name_is_a_clear_error(tmp_path):
    callback = ModelCheckpoint(tmp_path / "{accuracy}.oneiros")
    with pytest.raises(KeyError, match="accuracy.*available fields.*epoch.*loss"):
        drive(callback, marked_model(), [{"loss": 1.0}])


@pytest.mark.parametrize("monitor, mode, values, expected_marker, expected_best", [
    ("val_loss", "auto", [3.0, 2.0, 2.5, 1.0, 1.5], 3.0, 1.0),
    ("val_accuracy", "auto", [0.5, 0.7, 0.6, 0.65, 0.7], 1.0, 0.7),
    ("val_loss", "max", [3.0, 2.0, 2.5, 1.0, 4.0], 4.0, 4.0),
    ("score", "min", [3.0, 3.0, 3.0], 0.0, 3.0),
])
def test_save_best_only_keeps_the_best_epoch(tmp_path, monitor, mode, values, expected_marker, expected_best):
    model = marked_model()
    path = tmp_path / "best.oneiros"
    callback = ModelCheckpoint(path, monitor=monitor, mode=mode, save_best_only=True)
    drive(callback, model, [{monitor: v} for v in values])
    assert marker_in(path) == expected_marker
    assert callback.best == expected_best


def test_initial_value_threshold_must_be_beaten(tmp_path):
    model = marked_model()
    path = tmp_path / "best.oneiros"
    drive(ModelCheckpoint(path, monitor="loss", save_best_only=True, initial_value_threshold=1.0), model,
          [{"loss": v} for v in (3.0, 2.0, 1.5)])
    assert not path.exists()
    drive(ModelCheckpoint(path, monitor="loss", save_best_only=True, initial_value_threshold=1.0), model,
          [{"loss": v} for v in (3.0, 0.9, 1.5)])
    assert marker_in(path) == 1.0


def test_a_missing_monitor_saves_with_a_warning(tmp_path):
    path = tmp_path / "best.oneiros"
    with pytest.warns(UserWarning, match="val_loss.*available"):
        drive(ModelCheckpoint(path, save_best_only=True), marked_model(), [{"loss": 1.0}])
    assert marker_in(path) == 0.0


def test_verbose_reports_each_decision(tmp_path, capsys):
    drive(ModelCheckpoint(tmp_path / "b.oneiros", monitor="loss", save_best_only=True, verbose=1),
          marked_model(), [{"loss": 2.0}, {"loss": 3.0}])
    out = capsys.readouterr().out
    assert "Epoch 1: loss improved from None to 2.00000, saving model to" in out
    assert "Epoch 2: loss did not improve from 2.00000" in out


def test_weights_only_checkpoints_are_safetensors(tmp_path):
    path = tmp_path / "w-{epoch}.safetensors"
    drive(ModelCheckpoint(path, save_weights_only=True), marked_model(), [{}, {}])
    assert marker_in(tmp_path / "w-2.safetensors") == 1.0
    assert marker_in(tmp_path / "w-1.safetensors") == 0.0


@pytest.mark.parametrize("arguments, error, match", [
    ({"filepath": "model.h5"}, ValueError, r"end in '\.oneiros' or '\.keras'"),
    ({"filepath": "w.oneiros", "save_weights_only": True}, ValueError, r"end in '\.safetensors' or '\.weights\.h5'"),
    ({"filepath": "m.oneiros", "mode": "up"}, ValueError, "mode"),
    ({"filepath": "m.oneiros", "monitor": "val_score"}, ValueError, "mode='min'"),
    ({"filepath": "m.oneiros", "save_freq": 0}, ValueError, "save_freq"),
    ({"filepath": "m.oneiros", "save_freq": "batch"}, ValueError, "save_freq"),
    ({"filepath": "m.oneiros", "save_best_only": 1}, TypeError, "save_best_only"),
    ({"filepath": "m.oneiros", "initial_value_threshold": "low"}, TypeError, "initial_value_threshold"),
])
def test_bad_arguments_are_refused_at_construction(arguments, error, match):
    with pytest.raises(error, match=match):
        ModelCheckpoint(**arguments)


def test_batch_frequency_counts_batches_across_epochs_and_fused_steps(tmp_path):
    """save_freq=3 over epochs of 4 batches (fit reports batch indices 0..3), then with 2 steps per
    call (indices 1, 3): saves fall after 3, 6, 9... batches counted from the start."""
    model = marked_model()
    callback = ModelCheckpoint(tmp_path / "e{epoch}-b{batch}.oneiros", save_freq=3)
    callback.set_model(model)
    marker = 0
    for epoch, indices in enumerate([[0, 1, 2, 3], [0, 1, 2, 3], [1, 3], [1, 3]]):
        callback.on_epoch_begin(epoch, None)
        for batch in indices:
            marker += 1
            set_marker(model, marker)
            callback.on_train_batch_end(batch, {"loss": np.float32(0.5)})
        callback.on_epoch_end(epoch, {"loss": 0.5})
    saved = {p.name: marker_in(p) for p in tmp_path.iterdir()}
    # count since the last save after each call (* = save; marker = call number):
    # epoch 1: 1 2 3* 1 | epoch 2: 2 3* 1 2 | epoch 3: 4* 2 | epoch 4: 4* 2
    assert saved == {"e1-b3.oneiros": 3.0, "e2-b2.oneiros": 6.0, "e3-b2.oneiros": 9.0,
                     "e4-b2.oneiros": 11.0}


def test_only_a_batch_frequency_adds_a_batch_hook(tmp_path):
    """fit syncs weights after every step when a callback has a batch hook: an epoch-frequency
    checkpoint must not make it do so."""
    model = marked_model()
    assert not CallbackList([ModelCheckpoint(tmp_path / "m.oneiros")], model, {}).needs_weights_per_batch()
    assert CallbackList([ModelCheckpoint(tmp_path / "m.oneiros", save_freq=5)], model,
                        {}).needs_weights_per_batch()


def test_non_finite_weights_are_not_saved_and_the_last_good_file_stays(tmp_path):
    model = marked_model()
    path = tmp_path / "last.oneiros"
    callback = ModelCheckpoint(path)
    callback.set_model(model)
    set_marker(model, 4.0)
    callback.on_epoch_end(0, {"loss": 1.0})
    set_marker(model, np.nan)
    with pytest.warns(UserWarning, match="dense/kernel, dense/bias hold NaN or infinite"):
        callback.on_epoch_end(1, {"loss": float("nan")})
    assert marker_in(path) == 4.0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["last.oneiros"]


class PoisonAfterEpoch(oi.callbacks.Callback):
    """Records the weights at each epoch end, then sets a NaN into them after epoch ``at``, so that
    the next training step produces a NaN loss (as a diverging run would)."""

    def __init__(self, at):
        super().__init__()
        self.at = at
        self.seen = []

    def on_epoch_end(self, epoch, logs=None):
        self.seen.append(self.model.get_weights())
        if epoch == self.at:
            weights = [np.array(w) for w in self.model.get_weights()]
            weights[0][0, 0] = np.nan
            self.model.set_weights(weights)


def test_with_terminate_on_nan_the_last_good_checkpoint_stays(tmp_path, capsys):
    oi.set_random_seed(5)
    model = oi.Sequential([layers.Input((2,)), layers.Dense(3, name="dense"), layers.Dense(1, name="head")])
    model.compile(optimizer="sgd", loss="mse")
    x = np.random.default_rng(1).normal(size=(32, 2)).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    path = tmp_path / "model.oneiros"
    poison = PoisonAfterEpoch(at=1)
    with pytest.warns(UserWarning, match="not saving epoch 3.*NaN or infinite.*last checkpoint written is kept"):
        history = model.fit(x, y, epochs=5, batch_size=8, verbose=0,
                            callbacks=[ModelCheckpoint(path), poison, TerminateOnNaN()])
    assert "Invalid loss, terminating training" in capsys.readouterr().out
    assert len(history.history["loss"]) == 3
    with oi.backend_scope("numpy"):
        saved = oi.load_model(path).get_weights()
    for good, stored in zip(poison.seen[1], saved):
        np.testing.assert_array_equal(stored, good)
    assert np.isnan(model.get_weights()[0]).any()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.oneiros"]


def test_fit_with_a_checkpoint_writes_loadable_files_each_epoch(tmp_path):
    oi.set_random_seed(2)
    model = oi.Sequential([layers.Input((2,)), layers.Dense(1, name="dense")])
    model.compile(optimizer="adam", loss="mse")
    x = np.random.default_rng(2).normal(size=(24, 2)).astype("float32")

    class Record(oi.callbacks.Callback):
        weights = []

        def on_epoch_end(self, epoch, logs=None):
            self.weights.append(self.model.get_weights())

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.fit(x, x[:, :1], epochs=3, batch_size=8, verbose=0, validation_split=0.25,
                  callbacks=[ModelCheckpoint(tmp_path / "e{epoch}.oneiros"), Record()])
    for epoch, expected in enumerate(Record.weights, start=1):
        with oi.backend_scope("numpy"):
            stored = oi.load_model(tmp_path / f"e{epoch}.oneiros").get_weights()
        for a, b in zip(expected, stored):
            np.testing.assert_array_equal(a, b)
