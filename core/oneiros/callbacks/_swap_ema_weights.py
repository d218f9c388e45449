"""SwapEMAWeights: evaluate (and optionally checkpoint) with the optimizer's moving averages of the weights."""

from __future__ import annotations

from typing import Any

from oneiros import arguments, ops
from oneiros.callbacks._base import Callback


class SwapEMAWeights(Callback):
    """Puts the optimizer's moving averages of the weights (``use_ema=True``) into the model before
    evaluation and prediction, and the trained weights back after, as Keras 3 does: validation
    metrics are those of the averaged weights. The swap exchanges the two sets of values, so the
    averages keep being updated from the trained weights.

    Args:
        swap_on_epoch: also swap at the end of each epoch (and back at the start of the next), so
            callbacks after this one (ModelCheckpoint) see the averaged weights. After the last
            epoch the model keeps them, as ``fit`` ends with the averages in any case.

    Keras leaves the averages in the model after ``predict``; this callback puts the trained
    weights back, as it does after evaluation.

    Example::

        model.compile(optimizer=oi.optimizers.SGD(use_ema=True), loss="mse")
        model.fit(x, y, validation_split=0.2, callbacks=[oi.callbacks.SwapEMAWeights()])
    """

    def __init__(self, swap_on_epoch: bool = False) -> None:
        super().__init__()
        self.swap_on_epoch = arguments.flag(type(self).__name__, "swap_on_epoch", swap_on_epoch)
        self._ema_weights_in_model = False

    def _trainer_and_optimizer(self) -> tuple[Any, Any]:
        optimizer = self.model.optimizer
        if not getattr(optimizer, "uses_ema", False):
            raise ValueError(f"SwapEMAWeights needs an optimizer with use_ema=True (for a MultiOptimizer: at least "
                             f"one inner optimizer); received {optimizer!r}.")
        trainer = self.model._get_trainer()
        if trainer.optimizer_state is None:
            raise ValueError(f"SwapEMAWeights: model {self.model.name!r} has no moving averages yet; it swaps "
                             "weights only after training has started.")
        return trainer, optimizer

    def _swap(self) -> None:
        trainer, optimizer = self._trainer_and_optimizer()
        values = [variable.value for variable in trainer.trainable]
        averages = optimizer.averages_of(trainer.optimizer_state, values)
        trainer.optimizer_state = optimizer.with_averages(trainer.optimizer_state, values)
        for variable, average in zip(trainer.trainable, averages):
            variable.assign(average)

    def _keep_averages_in_optimizer(self) -> None:
        trainer, optimizer = self._trainer_and_optimizer()
        # Copies: a buffer held twice in the training state could not be donated to the next step.
        values = [ops.copy(variable.value) for variable in trainer.trainable]
        trainer.optimizer_state = optimizer.with_averages(trainer.optimizer_state, values)

    def _swap_in(self) -> None:
        if not self._ema_weights_in_model:
            self._swap()
            self._ema_weights_in_model = True

    def _swap_out(self) -> None:
        if self._ema_weights_in_model:
            self._swap()
            self._ema_weights_in_model = False

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        if self.swap_on_epoch:
            self._swap_out()

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if self.swap_on_epoch and not self._ema_weights_in_model:
            self._swap_in()
            if epoch == self.params["epochs"] - 1:
                # fit ends by giving the weights their averages: the averages must be what the model holds now.
                self._keep_averages_in_optimizer()

    def on_test_begin(self, logs: dict | None = None) -> None:
        self._swap_in()

    def on_test_end(self, logs: dict | None = None) -> None:
        self._swap_out()

    def on_predict_begin(self, logs: dict | None = None) -> None:
        self._swap_in()

    def on_predict_end(self, logs: dict | None = None) -> None:
        self._swap_out()

    def get_config(self) -> dict[str, Any]:
        return {"swap_on_epoch": self.swap_on_epoch}
