"""Host checks of array targets against the compiled losses, once per fit/evaluate, before any step.

A sparse label outside ``[0, classes)`` becomes an all-zero one-hot row inside the compiled step
and a loss of exactly 0; a binary label of 2 gives a negative loss. Neither can be seen on the
device without a per-step sync, so array targets are checked here, on the host, in one pass.

Example::

    check_targets(trainer, adapter.y)   # raises DataError naming value, position and class count
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from oneiros.data.adapters import DataError, first_position
from oneiros.losses._probabilistic import (binary_crossentropy, binary_focal_crossentropy,
                                           sparse_categorical_crossentropy)


def _sparse_labels(loss: Any, path: str, target: np.ndarray, prediction_shape: tuple) -> None:
    axis = loss._fn_kwargs.get("axis", -1)
    classes = prediction_shape[axis]
    ignore_class = loss._fn_kwargs.get("ignore_class")
    name = loss.name
    if target.dtype.kind == "f":
        fractional = target != np.rint(target)
        if fractional.any():
            position = first_position(fractional)
            raise DataError(f"{path}: {name} needs integer class labels; received {target[position].item()!r} at "
                            f"position {position} (labels are class indices in [0, {classes})).")
    if classes is None or (target.size and target.min() >= 0 and target.max() < classes):
        return
    outside = (target < 0) | (target >= classes)
    if ignore_class is not None:
        outside &= target != ignore_class
    if outside.any():
        position = first_position(outside)
        value = target[position].item()
        hint = " (1-based labels? subtract 1)" if target.min() >= 1 and target.max() == classes else ""
        raise DataError(f"{path}: label {value!r} at position {position} is outside [0, {classes}); the model "
                        f"predicts {classes} classes for {name}{hint}.")


def _binary_labels(loss: Any, path: str, target: np.ndarray, prediction_shape: tuple) -> None:
    if not target.size or (target.min() >= 0 and target.max() <= 1):
        return
    outside = (target < 0) | (target > 1)
    position = first_position(outside)
    raise DataError(f"{path}: {loss.name} needs labels in [0, 1] (0 or 1, or probabilities); received "
                    f"{target[position].item()!r} at position {position}.")


_RULES: dict[Callable[..., Any], Callable[[Any, str, np.ndarray, tuple], None]] = {
    sparse_categorical_crossentropy: _sparse_labels,
    binary_crossentropy: _binary_labels,
    binary_focal_crossentropy: _binary_labels,
}


def check_targets(trainer: Any, y: Any) -> None:
    """Refuses array targets that the compiled losses would silently misread."""
    config = trainer.config
    if y is None or not config.losses:
        return
    for name, loss, target, shape in zip(config.output_names, config.losses, trainer._targets(y),
                                         trainer.prediction_shapes):
        rule = _RULES.get(getattr(loss, "fn", None))
        if rule is not None and isinstance(target, np.ndarray):
            path = "y" if len(config.output_names) == 1 else f"y[{name!r}]"
            rule(loss, path, target, shape)
