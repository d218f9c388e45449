"""BackupAndRestore: resume an interrupted fit from the last backup, exactly where it stopped."""

from __future__ import annotations

import contextlib
import json
import os
import re
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from oneiros import arguments, saving
from oneiros.callbacks._base import Callback
from oneiros.callbacks._checkpointing import SaveSchedule, non_finite
from oneiros.distribution import is_chief
from oneiros.errors import CorruptFileError, ModelFileError, ResourceLimitError, WeightsMismatchError
from oneiros.saving import OPTIMIZER_PREFIX, _weights
from oneiros.saving._atomic import atomic_write
from oneiros.saving._limits import parse_json

LATEST = "latest.safetensors"
PREVIOUS = "previous.safetensors"
BACKUP_FORMAT = "oneiros-backup"


class BackupAndRestore(Callback):
    """Backs up the training state during fit, and restores it when fit starts again.

    Args:
        backup_dir: a folder used by this callback only (created when missing).
        save_freq: ``"epoch"`` backs up after every epoch; an int, after every that many batches.
        delete_checkpoint: delete the backups when fit ends normally (not when it is
            interrupted by an exception or a kill).

    A backup is one safetensors file holding the weights (non-trainable ones included, so the
    random state of Dropout and the like), the optimizer state and the number of finished
    epochs; it is written atomically. The folder keeps the latest backup and the one before it.
    At the start of fit the newest backup that loads is restored and fit continues from the
    epoch it records: with ``save_freq="epoch"`` and the same data, seed and arguments, the
    result equals an uninterrupted run. A backup taken in the middle of an epoch restarts that
    epoch with the weights it holds (as in Keras). A latest backup that cannot be loaded is
    reported with a warning naming the file and the error, and the previous one is used. State
    holding NaN or infinite values is not backed up (a warning says so).

    The model must be built (its weights created) before fit when a backup is to be restored.

    Example::

        backup = oi.callbacks.BackupAndRestore("/tmp/run-1")
        model.fit(x, y, epochs=10, callbacks=[backup])    # killed at epoch 4...
        model.fit(x, y, epochs=10, callbacks=[backup])    # ...runs epochs 5 to 10 only
    """

    def __init__(self, backup_dir: str | os.PathLike, save_freq: str | int = "epoch",
                 delete_checkpoint: bool = True) -> None:
        super().__init__()
        owner = type(self).__name__
        if not isinstance(backup_dir, (str, os.PathLike)) or not os.fspath(backup_dir):
            raise ValueError(f"{owner}: argument `backup_dir` must be a non-empty folder path; received "
                             f"backup_dir={backup_dir!r}.")
        self.backup_dir = Path(backup_dir)
        self.delete_checkpoint = arguments.flag(owner, "delete_checkpoint", delete_checkpoint)
        self.save_freq = save_freq
        self._schedule = SaveSchedule(owner, save_freq)
        self._epochs_done = 0
        if self._schedule.per_batch:
            # Bound on the instance only here: a batch hook makes fit sync weights after every
            # step, a cost an epoch-frequency backup must not add.
            self.on_train_batch_end = self._back_up_after_batch

    @property
    def latest_path(self) -> Path:
        return self.backup_dir / LATEST

    @property
    def previous_path(self) -> Path:
        return self.backup_dir / PREVIOUS

    def on_train_begin(self, logs: dict | None = None) -> None:
        self._epochs_done = 0
        restored = self._restore_newest()
        if restored is not None:
            self._epochs_done = restored
            self.model.resume_from_epoch = restored

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self._epochs_done = epoch + 1
        if not self._schedule.per_batch:
            self._back_up(batch=None)

    def _back_up_after_batch(self, batch: int, logs: dict | None = None) -> None:
        if self._schedule.batch_ended(batch):
            self._back_up(batch)

    def on_train_end(self, logs: dict | None = None) -> None:
        if not self.delete_checkpoint or not self.backup_dir.is_dir() or not is_chief():
            return
        for name in (LATEST, PREVIOUS):
            with contextlib.suppress(FileNotFoundError):
                (self.backup_dir / name).unlink()
            for stray in self.backup_dir.glob(f".{name}.*.tmp"):
                with contextlib.suppress(FileNotFoundError):
                    stray.unlink()
        with contextlib.suppress(OSError):  # kept when the user put other files there
            self.backup_dir.rmdir()

    def _back_up(self, batch: int | None) -> None:
        if not is_chief():  # in a multi-process job, process 0 alone keeps the backups
            return
        weights = saving._weights_of(self.model)
        tensors = {**weights, **saving._optimizer_state_of(self.model)}
        broken = non_finite(tensors)
        if broken:
            warnings.warn(f"{type(self).__name__}: not backing up after epoch {self._epochs_done}: "
                          f"{', '.join(broken)} hold NaN or infinite values; the last backup is kept.",
                          stacklevel=3)
            return
        data = _weights.encode(tensors, metadata={
            "format": BACKUP_FORMAT, "epoch": str(self._epochs_done), "batch": str(-1 if batch is None else batch),
            "weights": json.dumps(list(weights))})
        self.backup_dir.mkdir(parents=True, exist_ok=True)
        if self.latest_path.exists():
            os.replace(self.latest_path, self.previous_path)
        atomic_write(self.latest_path, lambda stream: stream.write(data))

    def _restore_newest(self) -> int | None:
        """Restores the newest backup that loads; returns the epoch to resume from (None: none)."""
        candidates = [path for path in (self.latest_path, self.previous_path) if path.is_file()]
        if not candidates:
            return None
        if not self.model.built:
            raise ValueError(f"{type(self).__name__} found a backup in {self.backup_dir} but model "
                             f"{self.model.name!r} is not built, so its weights cannot be restored; build it "
                             "(call it on a batch, or start it with an Input) before fit.")
        if candidates[0] != self.latest_path:
            warnings.warn(f"{type(self).__name__}: {self.latest_path} is missing (a run stopped while "
                          f"backing up); restoring {self.previous_path} instead.", stacklevel=3)
        failures = []
        for path in candidates:
            try:
                return self._restore(path)
            except ModelFileError as exc:
                failures.append(f"{path}: {type(exc).__name__}: {exc}")
                if path == self.latest_path and len(candidates) > 1:
                    warnings.warn(f"{type(self).__name__}: cannot restore {path} ({type(exc).__name__}: "
                                  f"{exc}); restoring the previous backup {self.previous_path} instead.",
                                  stacklevel=3)
        raise CorruptFileError(f"{type(self).__name__}: no backup in {self.backup_dir} can be restored "
                               f"({'; '.join(failures)}). Delete the folder to train from the start.")

    def _restore(self, path: Path) -> int:
        """Loads one backup into the model (all checks pass before anything is assigned)."""
        limits = saving.LoadLimits()
        size = path.stat().st_size
        if size > limits.max_weights_bytes:
            raise ResourceLimitError(f"{path} is {size} bytes; the limit is {limits.max_weights_bytes}.")
        tensors, metadata = _weights.decode(path.read_bytes(), limits)
        epoch = _recorded_epoch(path, metadata)
        tensors = _by_current_paths(self.model, path, tensors, metadata, limits)
        optimizer_state = saving._optimizer_state_from(self.model, tensors)
        saving._assign_weights(self.model, tensors, allow_non_finite=False)
        if optimizer_state is not None:
            _install_optimizer_state(self.model, optimizer_state)
        return epoch


def _recorded_epoch(path: Path, metadata: dict[str, str]) -> int:
    epoch = metadata.get("epoch", "")
    if metadata.get("format") != BACKUP_FORMAT or not re.fullmatch(r"[0-9]{1,18}", epoch):
        raise CorruptFileError(f"{path} is not a BackupAndRestore backup: its metadata is {metadata!r}; "
                               f"expected format {BACKUP_FORMAT!r} and a whole-number epoch.")
    return int(epoch)


def _by_current_paths(model: Any, path: Path, tensors: dict[str, np.ndarray], metadata: dict[str, str],
                      limits: Any) -> dict[str, np.ndarray]:
    """The stored weights renamed, position by position, to the model's weight paths.

    Paths embed layer names, and a model rebuilt in the same process gets new generated names
    (``dense_2`` where the backed-up one had ``dense``); the order of the weights does not change.
    Shapes and dtypes are still checked, name by name, when the weights are assigned.
    """
    current = [key for key, _ in model._storage_keys()]
    order = parse_json(metadata.get("weights", "").encode(), f"the weight list of {path}", limits)
    if not isinstance(order, list) or not all(isinstance(name, str) and name in tensors for name in order):
        raise CorruptFileError(f"{path}: its weight list {str(order)[:200]} does not name the stored tensors.")
    if len(order) != len(current):
        raise WeightsMismatchError(f"{path} holds {len(order)} weights; model {model.name!r} has {len(current)}.")
    renamed = {name: value for name, value in tensors.items() if name.startswith(OPTIMIZER_PREFIX)}
    renamed.update({now: tensors[then] for now, then in zip(current, order)})
    return renamed


def _install_optimizer_state(model: Any, state: Any) -> None:
    """Hands the restored optimizer state to the live trainer, or to the one fit will create."""
    trainer = getattr(model, "_trainer", None)
    if trainer is not None and trainer.optimizer_state is not None:
        trainer.optimizer_state = state
    else:
        model._pending_optimizer_state = state
