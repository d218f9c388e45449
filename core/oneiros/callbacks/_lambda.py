"""LambdaCallback: a callback made of plain functions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from oneiros.callbacks._base import BATCH_HOOKS, EPOCH_AND_RUN_HOOKS, Callback

_KERAS_ALIASES = {"on_batch_begin": "on_train_batch_begin", "on_batch_end": "on_train_batch_end"}


class LambdaCallback(Callback):
    """Calls the functions it is given at the matching points of fit / evaluate / predict, as
    Keras 3 does; only those hooks run (one given just ``on_epoch_end`` costs nothing per batch).

    The functions take the hook's positional arguments: ``on_epoch_begin`` / ``on_epoch_end``
    get ``(epoch, logs)``, ``on_train_begin`` / ``on_train_end`` get ``(logs)``, batch hooks get
    ``(batch, logs)``.

    Args:
        on_epoch_begin, on_epoch_end, on_train_begin, on_train_end, on_train_batch_begin,
        on_train_batch_end: functions for those hooks (or None).
        **hooks: functions for any other hook of :class:`Callback` (``on_test_end=...``);
            ``on_batch_begin`` / ``on_batch_end`` are Keras's names for the train batch hooks.

    Example::

        print_loss = oi.callbacks.LambdaCallback(
            on_epoch_end=lambda epoch, logs: print(epoch, logs["loss"]))
    """

    def __init__(self, on_epoch_begin: Callable[..., Any] | None = None,
                 on_epoch_end: Callable[..., Any] | None = None,
                 on_train_begin: Callable[..., Any] | None = None,
                 on_train_end: Callable[..., Any] | None = None,
                 on_train_batch_begin: Callable[..., Any] | None = None,
                 on_train_batch_end: Callable[..., Any] | None = None,
                 **hooks: Callable[..., Any] | None) -> None:
        super().__init__()
        given = {"on_epoch_begin": on_epoch_begin, "on_epoch_end": on_epoch_end,
                 "on_train_begin": on_train_begin, "on_train_end": on_train_end,
                 "on_train_batch_begin": on_train_batch_begin,
                 "on_train_batch_end": on_train_batch_end}
        for name, function in hooks.items():
            hook = _KERAS_ALIASES.get(name, name)
            if hook not in BATCH_HOOKS + EPOCH_AND_RUN_HOOKS:
                raise TypeError(f"LambdaCallback got an unknown hook {name!r}; hooks are "
                                f"{', '.join(BATCH_HOOKS + EPOCH_AND_RUN_HOOKS)}.")
            if function is not None and given.get(hook) is not None:
                raise TypeError(f"LambdaCallback got two functions for {hook!r} (through {name!r} "
                                "too); pass one.")
            if function is not None:
                given[hook] = function
        for hook, function in given.items():
            if function is not None and not callable(function):
                raise TypeError(f"LambdaCallback: `{hook}` must be a function or None; received "
                                f"{function!r}.")
        # Instance attributes shadow the base class's empty hooks, and CallbackList dispatches
        # exactly the hooks a callback defines, class or instance.
        for hook, function in given.items():
            if function is not None:
                setattr(self, hook, function)
