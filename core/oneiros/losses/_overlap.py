"""Overlap losses for segmentation: Dice and Tversky (one minus a soft set-overlap score)."""

from __future__ import annotations

from typing import Any

from oneiros import ops
from oneiros.losses._base import BuiltinLoss
from oneiros.losses._numerics import EPSILON
from oneiros.losses._shapes import aligned_pair


def dice(y_true: Any, y_pred: Any, axis: int | tuple[int, ...] | None = None) -> Any:
    """``1 - 2 |y_true * y_pred| / (|y_true| + |y_pred|)``, sums over ``axis`` (all axes for None)."""
    y_true, y_pred = aligned_pair("dice", y_true, y_pred)
    intersection = ops.sum(ops.multiply(y_true, y_pred), axis=axis)
    total = ops.add(ops.add(ops.sum(y_true, axis=axis), ops.sum(y_pred, axis=axis)), EPSILON)
    return ops.subtract(1.0, ops.divide(ops.multiply(2.0, intersection), total))


def tversky(y_true: Any, y_pred: Any, alpha: float = 0.5, beta: float = 0.5,
            axis: int | tuple[int, ...] | None = None) -> Any:
    """``1 - TP / (TP + alpha FP + beta FN)`` on soft counts; alpha = beta = 0.5 is Dice.

    Keras's (and so Oneiros's) FP counts true labels the prediction misses and FN the predicted
    mass on false labels: alpha weighs ``y_true * (1 - y_pred)``, beta ``y_pred * (1 - y_true)``.
    """
    y_true, y_pred = aligned_pair("tversky", y_true, y_pred)
    intersection = ops.sum(ops.multiply(y_true, y_pred), axis=axis)
    missed = ops.sum(ops.multiply(ops.subtract(1.0, y_pred), y_true), axis=axis)
    spurious = ops.sum(ops.multiply(y_pred, ops.subtract(1.0, y_true)), axis=axis)
    denominator = ops.add(ops.add(ops.add(intersection, ops.multiply(missed, alpha)),
                                  ops.multiply(spurious, beta)), EPSILON)
    return ops.subtract(1.0, ops.divide(intersection, denominator))


class Dice(BuiltinLoss):
    """The Dice loss: 1 - the soft Dice coefficient over ``axis`` (None: the whole batch)."""

    function = dice

    def __init__(self, reduction: str | None = "sum_over_batch_size", name: str = "dice",
                 axis: int | tuple[int, ...] | None = None, dtype: Any = None):
        super().__init__(name, reduction, dtype, axis=axis)


class Tversky(BuiltinLoss):
    """The Tversky loss: Dice with misses weighted ``alpha`` and false alarms ``beta``."""

    function = tversky

    def __init__(self, alpha: float = 0.5, beta: float = 0.5, reduction: str | None = "sum_over_batch_size",
                 name: str = "tversky", axis: int | tuple[int, ...] | None = None, dtype: Any = None):
        super().__init__(name, reduction, dtype, alpha=alpha, beta=beta, axis=axis)
