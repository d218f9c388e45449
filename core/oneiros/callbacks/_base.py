"""Callback: hooks into fit / evaluate / predict, with the Keras method names."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

BATCH_HOOKS = ("on_train_batch_begin", "on_train_batch_end", "on_test_batch_begin", "on_test_batch_end",
               "on_predict_batch_begin", "on_predict_batch_end")
EPOCH_AND_RUN_HOOKS = ("on_train_begin", "on_train_end", "on_epoch_begin", "on_epoch_end", "on_test_begin",
                       "on_test_end", "on_predict_begin", "on_predict_end")


class Callback:
    """Base class: override any ``on_*`` method. ``self.model`` and ``self.params`` are set by fit.

    Batch ``logs`` hold the running values of the loss and metrics as 0-d tensors (convert with
    ``float()``); epoch ``logs`` hold Python floats.

    Example::

        class PrintLoss(oi.callbacks.Callback):
            def on_epoch_end(self, epoch, logs=None):
                print(epoch, logs["loss"])
    """

    reads_model_per_batch = True
    """Whether the batch hooks this callback overrides read the model (its weights, its state), so
    that fit must bring them up to date after every batch; a callback whose batch hooks only read
    the logs (the progress bar) sets False and lets fit fuse steps."""

    def __init__(self) -> None:
        self.model: Any = None
        self.params: dict[str, Any] = {}

    def set_model(self, model: Any) -> None:
        self.model = model

    def set_params(self, params: dict[str, Any]) -> None:
        self.params = params

    def on_train_begin(self, logs: dict | None = None) -> None: ...
    def on_train_end(self, logs: dict | None = None) -> None: ...
    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None: ...
    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None: ...
    def on_test_begin(self, logs: dict | None = None) -> None: ...
    def on_test_end(self, logs: dict | None = None) -> None: ...
    def on_predict_begin(self, logs: dict | None = None) -> None: ...
    def on_predict_end(self, logs: dict | None = None) -> None: ...
    def on_train_batch_begin(self, batch: int, logs: dict | None = None) -> None: ...
    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None: ...
    def on_test_batch_begin(self, batch: int, logs: dict | None = None) -> None: ...
    def on_test_batch_end(self, batch: int, logs: dict | None = None) -> None: ...
    def on_predict_batch_begin(self, batch: int, logs: dict | None = None) -> None: ...
    def on_predict_batch_end(self, batch: int, logs: dict | None = None) -> None: ...

    def get_config(self) -> dict[str, Any]:
        return {}


def overrides(callback: Callback, hook: str) -> bool:
    """Whether ``callback`` defines ``hook``: in its class, or on the instance itself (as
    LambdaCallback does with the functions it is given)."""
    return hook in vars(callback) or getattr(type(callback), hook) is not getattr(Callback, hook)


class CallbackList:
    """Dispatches each hook only to the callbacks that override it, so that an unused batch hook
    costs nothing per step."""

    def __init__(self, callbacks: Sequence[Callback], model: Any, params: dict[str, Any]):
        for callback in callbacks:
            if not isinstance(callback, Callback):
                raise TypeError(f"callbacks must be oi.callbacks.Callback instances, registered callback names or "
                                f"{{'class_name': name, 'config': {{...}}}} dicts; received "
                                f"{type(callback).__name__} {callback!r}.")
        self.callbacks = list(callbacks)
        for callback in self.callbacks:
            callback.set_model(model)
            callback.set_params(params)
        self._by_hook = {hook: [c for c in self.callbacks if overrides(c, hook)]
                         for hook in BATCH_HOOKS + EPOCH_AND_RUN_HOOKS}

    def wants(self, hook: str) -> bool:
        return bool(self._by_hook[hook])

    def needs_weights_per_batch(self) -> bool:
        """Whether a callback with a batch hook reads the model per batch (see
        :attr:`Callback.reads_model_per_batch`)."""
        return any(c.reads_model_per_batch for hook in BATCH_HOOKS for c in self._by_hook[hook])

    def call(self, hook: str, *args: Any) -> None:
        """Calls ``hook`` with ``args``, whose last is the logs: None becomes ``{}`` (Keras passes
        every hook a dict)."""
        *leading, logs = args
        arguments = (*leading, {} if logs is None else logs)
        for callback in self._by_hook[hook]:
            getattr(callback, hook)(*arguments)
