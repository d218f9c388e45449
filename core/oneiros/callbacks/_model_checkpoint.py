"""ModelCheckpoint: save the model (or its weights) during fit, atomically, never a non-finite one."""

from __future__ import annotations

import os
import warnings
from typing import Any

from oneiros import arguments
from oneiros.callbacks._base import Callback
from oneiros.callbacks._checkpointing import SaveSchedule, model_state, non_finite
from oneiros.callbacks._monitor import infer_direction, is_improvement

MODEL_SUFFIXES = (".oneiros", ".keras")
WEIGHTS_SUFFIXES = (".safetensors", ".weights.h5")


class ModelCheckpoint(Callback):
    """Saves the model at the end of every epoch (or every ``save_freq`` batches), as Keras 3 does.

    Args:
        filepath: where to save; may hold ``str.format`` fields ``{epoch}`` (1-based), ``{batch}``
            (1-based, batch-frequency saves only) and any log key, e.g.
            ``"ckpt-{epoch:02d}-{val_loss:.2f}.oneiros"``. It ends in ``.oneiros`` or ``.keras`` (a whole
            model, in Oneiros's or Keras 3's format), or in ``.safetensors`` or ``.weights.h5`` with
            ``save_weights_only=True``. Missing folders are created.
        monitor: the log key ``save_best_only`` compares. Defaults to ``"val_loss"``.
        verbose: 1 prints a line for every save (and, with ``save_best_only``, every refusal).
        save_best_only: save only when ``monitor`` beats the best value seen so far (a missing
            ``monitor`` saves, with a warning, as in Keras).
        save_weights_only: write only the weights (``model.save_weights``) rather than
            ``model.save``.
        mode: ``"min"``, ``"max"`` or ``"auto"`` (the direction from the monitor's name; an
            ambiguous name is a ValueError asking for an explicit mode).
        save_freq: ``"epoch"``, or an int: save every that many training batches.
        initial_value_threshold: with ``save_best_only``, the value to beat at the first save.

    Every write goes through the atomic saving functions (a temporary file, then a rename), so
    an interrupted save leaves the previous checkpoint whole. A model whose weights (or
    optimizer state) hold NaN or infinite values is not saved: a warning says so and the last
    good checkpoint stays, which is what ``TerminateOnNaN`` relies on.

    Example::

        checkpoint = oi.callbacks.ModelCheckpoint("best.oneiros", monitor="val_loss",
                                                  save_best_only=True)
        model.fit(x, y, validation_split=0.1, epochs=10, callbacks=[checkpoint])
    """

    def __init__(self, filepath: str | os.PathLike, monitor: str = "val_loss", verbose: int = 0,
                 save_best_only: bool = False, save_weights_only: bool = False, mode: str = "auto",
                 save_freq: str | int = "epoch", initial_value_threshold: float | None = None) -> None:
        super().__init__()
        owner = type(self).__name__
        self.filepath = os.fspath(filepath)
        self.save_best_only = arguments.flag(owner, "save_best_only", save_best_only)
        self.save_weights_only = arguments.flag(owner, "save_weights_only", save_weights_only)
        suffixes = WEIGHTS_SUFFIXES if self.save_weights_only else MODEL_SUFFIXES
        if not self.filepath.endswith(suffixes):
            what = "weights-only checkpoints (save_weights_only=True)" if self.save_weights_only else "model files"
            raise ValueError(f"{owner}: {what} end in {' or '.join(map(repr, suffixes))}; received "
                             f"filepath={self.filepath!r}.")
        self.direction = infer_direction(owner, monitor, mode)
        self.best = arguments.real(owner, "initial_value_threshold", initial_value_threshold, optional=True)
        self.monitor = monitor
        self.mode = mode
        self.verbose = verbose
        self.save_freq = save_freq
        self._schedule = SaveSchedule(owner, save_freq)
        self._current_epoch = 0
        if self._schedule.per_batch:
            # Bound on the instance only here: a batch hook makes fit sync weights after every
            # step, a cost an epoch-frequency checkpoint must not add.
            self.on_train_batch_end = self._save_after_batch

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._current_epoch = epoch

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if not self._schedule.per_batch:
            self._save(epoch, None, logs)

    def _save_after_batch(self, batch: int, logs: dict | None = None) -> None:
        if self._schedule.batch_ended(batch):
            self._save(self._current_epoch, batch, logs)

    def _save(self, epoch: int, batch: int | None, logs: dict | None) -> None:
        values = {key: float(value) for key, value in (logs or {}).items()}
        filepath = self._filepath_for(epoch, batch, values)
        current = values.get(self.monitor)
        if self.save_best_only and current is None:
            warnings.warn(f"{type(self).__name__}: can save the best model only with `{self.monitor}` "
                          f"available; saving anyway. Available: {', '.join(values) or '(none)'}.", stacklevel=3)
        elif self.save_best_only and not is_improvement(self.direction, 0.0, current, self.best):
            if self.verbose:
                print(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {self._best_text()}")
            return
        broken = non_finite(model_state(self.model, include_optimizer=not self.save_weights_only))
        if broken:
            warnings.warn(f"{type(self).__name__}: not saving epoch {epoch + 1} to {filepath}: "
                          f"{', '.join(broken)} hold NaN or infinite values; the last checkpoint written "
                          "is kept.", stacklevel=3)
            return
        if self.verbose:
            if self.save_best_only and current is not None:
                print(f"\nEpoch {epoch + 1}: {self.monitor} improved from {self._best_text()} to "
                      f"{current:.5f}, saving model to {filepath}")
            else:
                print(f"\nEpoch {epoch + 1}: saving model to {filepath}")
        folder = os.path.dirname(filepath)
        if folder:
            os.makedirs(folder, exist_ok=True)
        if self.save_weights_only:
            self.model.save_weights(filepath)
        else:
            self.model.save(filepath)
        if self.save_best_only and current is not None:
            self.best = current

    def _best_text(self) -> str:
        return "None" if self.best is None else f"{self.best:.5f}"

    def _filepath_for(self, epoch: int, batch: int | None, values: dict[str, float]) -> str:
        fields: dict[str, Any] = {**values, "epoch": epoch + 1}
        if batch is not None:
            fields["batch"] = batch + 1
        try:
            return self.filepath.format(**fields)
        except (KeyError, IndexError) as exc:
            raise KeyError(f"{type(self).__name__} cannot format filepath {self.filepath!r}: it names {exc}, "
                           f"which is not among the available fields {sorted(fields)}.") from None
