"""TerminateOnNaN: stop fit at the first batch whose loss is NaN or infinite."""

from __future__ import annotations

import math

from oneiros import arguments
from oneiros.callbacks._base import Callback


class TerminateOnNaN(Callback):
    """Stops training (``model.stop_training = True``) when a training batch's ``"loss"`` is NaN or
    infinite, printing the batch number, as Keras 3 does.

    Args:
        raise_error: True raises a RuntimeError at that batch instead, so that no later callback
            (``on_train_end`` included) runs.

    It reads the loss after every training step, so fit waits for the device at each step instead
    of running ahead: the price of catching the very batch that failed.

    Example::

        model.fit(x, y, callbacks=[oi.callbacks.TerminateOnNaN()])
    """

    def __init__(self, raise_error: bool = False) -> None:
        super().__init__()
        self.raise_error = arguments.flag(type(self).__name__, "raise_error", raise_error)

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        loss = (logs or {}).get("loss")
        if loss is None:
            return
        value = float(loss)
        if math.isfinite(value):
            return
        if self.raise_error:
            raise RuntimeError(f"NaN or Inf loss encountered at batch {batch}. Loss value: {value}. "
                               "Terminating training immediately.")
        print(f"Batch {batch}: Invalid loss, terminating training")
        self.model.stop_training = True
