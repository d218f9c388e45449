"""LearningRateScheduler: set the learning rate at the start of each epoch from a function."""

from __future__ import annotations

import inspect
import numbers
from collections.abc import Callable
from typing import Any

from oneiros.callbacks._base import Callback
from oneiros.callbacks._learning_rate import constant_learning_rate, log_learning_rate


def _takes_learning_rate(schedule: Callable[..., Any]) -> bool:
    """Whether ``schedule`` is called as ``schedule(epoch, lr)`` or, Keras's older form,
    ``schedule(epoch)``; decided once from its signature."""
    try:
        signature = inspect.signature(schedule)
    except (TypeError, ValueError):
        return True
    for arguments in ((0, 0.0), (0,)):
        try:
            signature.bind(*arguments)
        except TypeError:
            continue
        return len(arguments) == 2
    raise TypeError(f"LearningRateScheduler: `schedule` must accept (epoch, lr) or (epoch); "
                    f"received {schedule!r} with signature {signature}.")


def _as_learning_rate(value: Any, epoch: int) -> float:
    is_number = isinstance(value, numbers.Real) or getattr(value, "shape", None) == ()
    if isinstance(value, bool) or not is_number:
        raise ValueError(f"LearningRateScheduler: the `schedule` function must return a number "
                         f"(a float or a 0-d tensor); at epoch {epoch} it returned {value!r} of type "
                         f"{type(value).__name__}.")
    return float(value)


class LearningRateScheduler(Callback):
    """At the start of every epoch sets ``model.optimizer.learning_rate = schedule(epoch, lr)``,
    where ``lr`` is the current rate, as Keras 3 does; adds ``"learning_rate"`` to the epoch logs.

    Args:
        schedule: a function of the epoch index (from 0) and the current learning rate (a float)
            returning the new rate; a function of the epoch alone is accepted too.
        verbose: 1 prints the rate it sets.

    The optimizer needs a constant learning rate, not a schedule.

    Example::

        def schedule(epoch, lr):
            return lr if epoch < 10 else lr * 0.9

        model.fit(x, y, epochs=15, callbacks=[oi.callbacks.LearningRateScheduler(schedule)])
    """

    def __init__(self, schedule: Callable[..., Any], verbose: int = 0) -> None:
        super().__init__()
        if not callable(schedule):
            raise TypeError(f"LearningRateScheduler: `schedule` must be a function (epoch, lr) -> "
                            f"lr; received {schedule!r}.")
        self._with_learning_rate = _takes_learning_rate(schedule)
        self.schedule = schedule
        self.verbose = verbose

    def on_train_begin(self, logs: dict | None = None) -> None:
        constant_learning_rate(type(self).__name__, self.model)

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        current = constant_learning_rate(type(self).__name__, self.model)
        value = self.schedule(epoch, current) if self._with_learning_rate else self.schedule(epoch)
        learning_rate = _as_learning_rate(value, epoch)
        self.model.optimizer.learning_rate = learning_rate
        if self.verbose:
            print(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to "
                  f"{learning_rate}.")

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        log_learning_rate(self.model, logs)
