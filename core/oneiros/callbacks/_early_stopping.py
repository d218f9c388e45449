"""EarlyStopping: stop fit when a monitored quantity has stopped improving."""

from __future__ import annotations

from typing import Any

from oneiros import arguments
from oneiros.callbacks._base import Callback
from oneiros.callbacks._monitor import infer_direction, is_improvement, warn_missing


class EarlyStopping(Callback):
    """Stops training (``model.stop_training = True``) once ``monitor`` has not improved for
    ``patience`` epochs, as Keras 3 does.

    Args:
        monitor: the epoch-log key to watch. Defaults to ``"val_loss"``.
        min_delta: an improvement must beat the best value by more than this.
        patience: epochs without improvement before stopping.
        verbose: 1 prints when it stops and when it restores weights.
        mode: ``"min"``, ``"max"``, or ``"auto"`` (from the name: ``loss`` / ``*_error`` /
            ``*crossentropy``… are minimized, ``accuracy`` / ``acc`` / ``auc`` / ``precision``…
            maximized; an ambiguous name is a ValueError asking for an explicit mode).
        baseline: an epoch only resets the patience count when it also beats ``baseline``.
        restore_best_weights: at the end of training, set the weights of the best epoch (seen
            since ``start_from_epoch``) back with ``model.set_weights``.
        start_from_epoch: epochs before this one are not monitored (a warm-up).

    After training, ``stopped_epoch`` is the epoch at which it stopped (0 when it did not),
    ``best`` the best monitored value and ``best_epoch`` its epoch.

    Example::

        stop = oi.callbacks.EarlyStopping(monitor="loss", patience=3)
        model.fit(x, y, epochs=100, callbacks=[stop])
    """

    def __init__(self, monitor: str = "val_loss", min_delta: float = 0, patience: int = 0,
                 verbose: int = 0, mode: str = "auto", baseline: float | None = None,
                 restore_best_weights: bool = False, start_from_epoch: int = 0) -> None:
        super().__init__()
        owner = type(self).__name__
        self.direction = infer_direction(owner, monitor, mode)
        self.min_delta = abs(arguments.real(owner, "min_delta", min_delta))
        self.patience = arguments.integer(owner, "patience", patience, minimum=0)
        self.baseline = arguments.real(owner, "baseline", baseline, optional=True)
        self.restore_best_weights = arguments.flag(owner, "restore_best_weights", restore_best_weights)
        self.start_from_epoch = arguments.integer(owner, "start_from_epoch", start_from_epoch, minimum=0)
        self.monitor = monitor
        self.mode = mode
        self.verbose = verbose
        self._reset()

    def _reset(self) -> None:
        self.wait = 0
        self.stopped_epoch = 0
        self.best: float | None = None
        self.best_weights: list[Any] | None = None
        self.best_epoch = 0

    def on_train_begin(self, logs: dict | None = None) -> None:
        self._reset()

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        logs = logs or {}
        current = logs.get(self.monitor)
        if current is None:
            warn_missing("Early stopping", self.monitor, logs)
            return
        if epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights = self.model.get_weights()
            self.best_epoch = epoch
        self.wait += 1
        if is_improvement(self.direction, self.min_delta, current, self.best):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            if self.baseline is None or is_improvement(self.direction, self.min_delta, current,
                                                       self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs: dict | None = None) -> None:
        if self.stopped_epoch > 0 and self.verbose:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose:
                print(f"Restoring model weights from the end of the best epoch: {self.best_epoch + 1}.")
            self.model.set_weights(self.best_weights)
