"""Reading and setting the constant learning rate of a model's optimizer from a callback."""

from __future__ import annotations

import numbers
from typing import Any


def constant_learning_rate(owner: str, model: Any) -> float:
    """``model.optimizer.learning_rate`` as a float; an error when there is no optimizer or when it
    follows a schedule (whose rate a callback cannot replace)."""
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None:
        raise RuntimeError(f"{owner} sets the optimizer's learning rate, but the model has no "
                           "optimizer; call model.compile(optimizer=...) first.")
    rate = getattr(optimizer, "configured_learning_rate", optimizer.learning_rate)  # duck-typed optimizers too
    if isinstance(rate, bool) or not isinstance(rate, numbers.Real):
        raise TypeError(f"{owner} sets a constant learning rate, but the optimizer's learning_rate "
                        f"is {rate!r}; create the optimizer with a float learning_rate to use "
                        f"{owner}.")
    return float(rate)


def log_learning_rate(model: Any, logs: dict | None) -> None:
    """Adds the current rate to the epoch logs as ``"learning_rate"``, like Keras."""
    if logs is not None:
        logs["learning_rate"] = float(model.optimizer.learning_rate)
