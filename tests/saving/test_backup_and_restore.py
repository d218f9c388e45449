"""BackupAndRestore: an interrupted fit resumes to exactly the weights of an uninterrupted one,
and a damaged latest backup falls back to the previous one.

The oracle for resuming is the same training run without interruption (same seed, shuffling,
Dropout and Adam): the resumed weights must be bit-identical.
"""

from __future__ import annotations

import shutil
import warnings

import numpy as np
import pytest

import oneiros as oi
from oneiros import layers
from oneiros.callbacks import BackupAndRestore, CallbackList
from oneiros.errors import CorruptFileError

EPOCHS = 6
X = np.random.default_rng(0).normal(size=(80, 4)).astype("float32")
Y = np.stack([X[:, 0] - 2 * X[:, 1], X[:, 2] * X[:, 3]], axis=1).astype("float32")


def seeded_model():
    """The same initial weights and Dropout seed every call (as in a fresh process)."""
    oi.set_random_seed(1234)
    model = oi.Sequential([layers.Input((4,)), layers.Dense(16, activation="relu"), layers.Dropout(0.3),
                           layers.Dense(2)])
    model.compile(optimizer="adam", loss="mse")
    return model


def train(model, callbacks, epochs=EPOCHS):
    return model.fit(X, Y, epochs=epochs, batch_size=16, shuffle=True, verbose=0, callbacks=callbacks)


class InterruptAt(oi.callbacks.Callback):
    def __init__(self, epoch):
        super().__init__()
        self.epoch = epoch

    def on_epoch_begin(self, epoch, logs=None):
        if epoch == self.epoch:
            raise KeyboardInterrupt(f"interrupted at epoch {epoch}")


class RecordWeights(oi.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.by_epoch = {}

    def on_epoch_end(self, epoch, logs=None):
        self.by_epoch[epoch] = [np.array(w) for w in self.model.get_weights()]


@pytest.fixture(scope="module")
def uninterrupted():
    model = seeded_model()
    train(model, [])
    return model.get_weights()


@pytest.fixture(scope="module")
def interrupted(tmp_path_factory):
    """A run interrupted at the start of epoch 3: the model, its backup folder, and its weights."""
    folder = tmp_path_factory.mktemp("interrupted") / "backup"
    model = seeded_model()
    with pytest.raises(KeyboardInterrupt):
        train(model, [BackupAndRestore(folder), InterruptAt(3)])
    return model, folder, [np.array(w) for w in model.get_weights()]


def assert_same_weights(expected, actual):
    assert len(expected) == len(actual)
    for a, b in zip(expected, actual):
        np.testing.assert_array_equal(a, b)


def write_backups(folder, markers, **options):
    """Backs up a seeded model after each of ``len(markers)`` epochs, its float weights set to the
    marker value first, without training; returns the model and its weights per epoch."""
    model = seeded_model()
    callback = BackupAndRestore(folder, **options)
    callback.set_model(model)
    written = []
    for epoch, marker in enumerate(markers):
        model.set_weights([np.full(w.shape, marker, w.dtype) if w.dtype.kind == "f" else w
                           for w in model.get_weights()])
        written.append(model.get_weights())
        callback.on_epoch_end(epoch, {})
    return model, written


@pytest.mark.parametrize("fresh_model", [True, False], ids=["fresh model", "same model"])
def test_resuming_gives_the_weights_of_an_uninterrupted_run(tmp_path, uninterrupted, interrupted, fresh_model):
    interrupted_model, interrupted_folder, _ = interrupted
    assert sorted(p.name for p in interrupted_folder.iterdir()) == ["latest.safetensors", "previous.safetensors"]
    folder = shutil.copytree(interrupted_folder, tmp_path / "backup")
    model = seeded_model() if fresh_model else interrupted_model
    history = train(model, [BackupAndRestore(folder)])
    assert len(history.history["loss"]) == EPOCHS - 3
    assert model.resume_from_epoch == 3
    assert_same_weights(uninterrupted, model.get_weights())
    assert not folder.exists()


def test_the_optimizer_state_matters(uninterrupted, interrupted):
    """The oracle can fail: resuming from the same weights (random state included) with fresh Adam
    moments gives different weights."""
    _, _, weights_at_interruption = interrupted
    model = seeded_model()
    model.set_weights(weights_at_interruption)
    model.fit(X, Y, epochs=EPOCHS, initial_epoch=3, batch_size=16, shuffle=True, verbose=0)
    assert not all(np.array_equal(a, b) for a, b in zip(uninterrupted, model.get_weights()))


def test_a_corrupt_latest_backup_falls_back_to_the_previous_one(tmp_path):
    folder = tmp_path / "backup"
    _, written = write_backups(folder, [1.0, 2.0, 3.0])
    latest = folder / "latest.safetensors"
    latest.write_bytes(latest.read_bytes()[: latest.stat().st_size // 2])
    model = seeded_model()
    with pytest.warns(UserWarning, match=r"cannot restore .*latest\.safetensors \(CorruptFileError: .*\); "
                                         r"restoring the previous backup .*previous\.safetensors"):
        history = train(model, [BackupAndRestore(folder, delete_checkpoint=False)], epochs=2)
    assert model.resume_from_epoch == 2
    assert history.history == {}
    assert_same_weights(written[1], model.get_weights())


def test_a_missing_latest_backup_restores_the_previous_one_with_a_warning(tmp_path):
    """A kill between moving latest to previous and writing the new latest leaves only previous."""
    folder = tmp_path / "backup"
    _, written = write_backups(folder, [1.0, 2.0, 3.0])
    (folder / "latest.safetensors").unlink()
    model = seeded_model()
    with pytest.warns(UserWarning, match="latest.safetensors is missing"):
        train(model, [BackupAndRestore(folder)], epochs=2)
    assert_same_weights(written[1], model.get_weights())


def test_when_no_backup_can_be_restored_fit_stops_with_both_errors(tmp_path):
    folder = tmp_path / "backup"
    write_backups(folder, [1.0, 2.0])
    for name in ("latest.safetensors", "previous.safetensors"):
        (folder / name).write_bytes(b"\x00" * 7)
    model = seeded_model()
    before = model.get_weights()
    with pytest.warns(UserWarning), pytest.raises(CorruptFileError, match="latest.*previous.*Delete the folder"):
        train(model, [BackupAndRestore(folder)])
    assert_same_weights(before, model.get_weights())


def test_a_backup_of_another_model_is_refused(tmp_path):
    folder = tmp_path / "backup"
    write_backups(folder, [1.0])
    other = oi.Sequential([layers.Input((4,)), layers.Dense(2)])
    other.compile(optimizer="adam", loss="mse")
    with pytest.raises(CorruptFileError, match="holds 5 weights; model .* has 2"):
        other.fit(X, Y, epochs=2, verbose=0, callbacks=[BackupAndRestore(folder)])


def test_an_unbuilt_model_with_a_backup_is_a_clear_error(tmp_path):
    folder = tmp_path / "backup"
    write_backups(folder, [1.0])
    unbuilt = oi.Sequential([layers.Dense(16), layers.Dropout(0.3), layers.Dense(2)])
    # steps_per_execution="auto" builds the model from a first look at re-readable data before
    # on_train_begin (as Keras always does); a fixed group size meets the backup unbuilt.
    unbuilt.compile(optimizer="adam", loss="mse", steps_per_execution=1)
    with pytest.raises(ValueError, match="not built"):
        unbuilt.fit(X, Y, epochs=2, verbose=0, callbacks=[BackupAndRestore(folder)])


def test_batch_frequency_backups_record_the_epoch_in_progress(tmp_path):
    """Backups every 2 batches (5 batches per epoch, so after batches 1, 3 | 0, 2, 4 | 1, 3...): a
    run interrupted after batch 3 of epoch 2 resumes epoch 2 from the weights after that batch."""
    folder = tmp_path / "backup"

    class SnapshotThenInterrupt(oi.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.after = {}

        def on_epoch_begin(self, epoch, logs=None):
            self.epoch = epoch

        def on_train_batch_end(self, batch, logs=None):
            self.after[(self.epoch, batch)] = [np.array(w) for w in self.model.get_weights()]
            if (self.epoch, batch) == (2, 3):
                raise KeyboardInterrupt("interrupted in the middle of epoch 2")

    snapshot = SnapshotThenInterrupt()
    with pytest.raises(KeyboardInterrupt):
        train(seeded_model(), [BackupAndRestore(folder, save_freq=2), snapshot])
    model = seeded_model()
    train(model, [BackupAndRestore(folder, save_freq=2, delete_checkpoint=False)], epochs=2)
    assert model.resume_from_epoch == 2
    assert_same_weights(snapshot.after[(2, 3)], model.get_weights())


def test_non_finite_state_is_not_backed_up(tmp_path):
    folder = tmp_path / "backup"
    model, _ = write_backups(folder, [1.0])
    kept = (folder / "latest.safetensors").read_bytes()
    with pytest.warns(UserWarning, match="not backing up.*NaN or infinite"):
        write_backups(folder, [np.inf])
    assert (folder / "latest.safetensors").read_bytes() == kept
    assert not (folder / "previous.safetensors").exists()


def test_only_a_batch_frequency_adds_a_batch_hook(tmp_path):
    model = seeded_model()
    assert not CallbackList([BackupAndRestore(tmp_path)], model, {}).needs_weights_per_batch()
    assert CallbackList([BackupAndRestore(tmp_path, save_freq=3)], model, {}).needs_weights_per_batch()


def test_backups_rotate_and_deletion_is_optional(tmp_path):
    folder = tmp_path / "backup"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _, written = write_backups(folder, [1.0, 2.0, 3.0], delete_checkpoint=False)
    assert sorted(p.name for p in folder.iterdir()) == ["latest.safetensors", "previous.safetensors"]
    for name, expected in (("latest", written[2]), ("previous", written[1])):
        model = seeded_model()
        callback = BackupAndRestore(tmp_path / name)
        callback.set_model(model)
        (tmp_path / name).mkdir()
        shutil.copy(folder / f"{name}.safetensors", tmp_path / name / "latest.safetensors")
        callback.on_train_begin()
        assert_same_weights(expected, model.get_weights())
        callback.on_train_end()
        assert not (tmp_path / name).exists()


@pytest.mark.parametrize("arguments, error", [
    ({"backup_dir": ""}, ValueError), ({"backup_dir": None}, ValueError),
    ({"backup_dir": "b", "save_freq": -1}, ValueError), ({"backup_dir": "b", "delete_checkpoint": "yes"}, TypeError),
])
def test_bad_arguments_are_refused(arguments, error):
    with pytest.raises(error):
        BackupAndRestore(**arguments)
