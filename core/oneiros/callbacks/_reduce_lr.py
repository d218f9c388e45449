"""ReduceLROnPlateau: lower the learning rate when a monitored quantity stops improving."""

from __future__ import annotations

import numpy as np

from oneiros import arguments
from oneiros.callbacks._base import Callback
from oneiros.callbacks._learning_rate import constant_learning_rate, log_learning_rate
from oneiros.callbacks._monitor import infer_direction, is_improvement, warn_missing


class ReduceLROnPlateau(Callback):
    """Multiplies the optimizer's learning rate by ``factor`` once ``monitor`` has not improved for
    ``patience`` epochs, as Keras 3 does; never below ``min_lr``.

    Args:
        monitor: the epoch-log key to watch. Defaults to ``"val_loss"``.
        factor: ``new_lr = lr * factor``; must be in (0, 1).
        patience: epochs without improvement before a reduction.
        verbose: 1 prints each reduction.
        mode: ``"min"``, ``"max"`` or ``"auto"`` (inferred from the name, as in EarlyStopping).
        min_delta: an improvement must beat the best value by more than this.
        cooldown: epochs after a reduction during which no new reduction is counted.
        min_lr: the lowest learning rate it sets.

    It sets ``model.optimizer.learning_rate`` (fit applies the new value to the running optimizer
    state) and adds ``"learning_rate"`` to the epoch logs. The optimizer needs a constant
    learning rate, not a schedule.

    Example::

        reduce_lr = oi.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.2, patience=5,
                                                   min_lr=0.001)
        model.fit(x, y, validation_split=0.1, callbacks=[reduce_lr])
    """

    def __init__(self, monitor: str = "val_loss", factor: float = 0.1, patience: int = 10,
                 verbose: int = 0, mode: str = "auto", min_delta: float = 1e-4, cooldown: int = 0,
                 min_lr: float = 0.0) -> None:
        super().__init__()
        owner = type(self).__name__
        self.direction = infer_direction(owner, monitor, mode)
        factor = arguments.real(owner, "factor", factor)
        if not 0.0 < factor < 1.0:
            raise ValueError(f"{owner} does not support a factor outside (0, 1); received "
                             f"factor={factor!r}.")
        self.factor = factor
        self.patience = arguments.integer(owner, "patience", patience, minimum=0)
        self.min_delta = abs(arguments.real(owner, "min_delta", min_delta))
        self.cooldown = arguments.integer(owner, "cooldown", cooldown, minimum=0)
        self.min_lr = arguments.real(owner, "min_lr", min_lr, minimum=0)
        self.monitor = monitor
        self.mode = mode
        self.verbose = verbose
        self._reset()

    def _reset(self) -> None:
        self.best: float | None = None
        self.cooldown_counter = 0
        self.wait = 0

    def in_cooldown(self) -> bool:
        return self.cooldown_counter > 0

    def on_train_begin(self, logs: dict | None = None) -> None:
        constant_learning_rate(type(self).__name__, self.model)
        self._reset()

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        log_learning_rate(self.model, logs)
        logs = logs or {}
        current = logs.get(self.monitor)
        if current is None:
            warn_missing("Learning rate reduction", self.monitor, logs)
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if is_improvement(self.direction, self.min_delta, current, self.best):
            self.best = current
            self.wait = 0
        elif not self.in_cooldown():
            self.wait += 1
            if self.wait >= self.patience and self._reduce(epoch):
                self.cooldown_counter = self.cooldown
                self.wait = 0

    def _reduce(self, epoch: int) -> bool:
        old_lr = constant_learning_rate(type(self).__name__, self.model)
        # The running optimizer state holds the rate in float32, as Keras's variable does.
        if not np.float32(old_lr) > np.float32(self.min_lr):
            return False
        new_lr = max(old_lr * self.factor, self.min_lr)
        self.model.optimizer.learning_rate = new_lr
        if self.verbose:
            print(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {new_lr}.")
        return True
