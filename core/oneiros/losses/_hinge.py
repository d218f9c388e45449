"""Hinge losses for maximum-margin classifiers: hinge, squared hinge, categorical hinge."""

from __future__ import annotations

from typing import Any

from oneiros import ops
from oneiros.losses._base import BuiltinLoss
from oneiros.losses._shapes import aligned_pair


def signed_labels(y_true: Any) -> Any:
    """Labels as -1/1: when every label is 0 or 1 they become ``2 y - 1``, else stay as given."""
    is_binary = ops.all(ops.logical_or(ops.equal(y_true, 0), ops.equal(y_true, 1)))
    return ops.where(is_binary, ops.subtract(ops.multiply(y_true, 2.0), 1.0), y_true)


def _margins(owner: str, y_true: Any, y_pred: Any) -> Any:
    y_true, y_pred = aligned_pair(owner, y_true, y_pred)
    return ops.maximum(ops.subtract(1.0, ops.multiply(signed_labels(y_true), y_pred)), 0.0)


def hinge(y_true: Any, y_pred: Any) -> Any:
    """``mean(maximum(1 - y_true * y_pred, 0), axis=-1)`` with labels in {-1, 1} (or {0, 1})."""
    return ops.mean(_margins("hinge", y_true, y_pred), axis=-1)


def squared_hinge(y_true: Any, y_pred: Any) -> Any:
    """``mean(square(maximum(1 - y_true * y_pred, 0)), axis=-1)``, labels as for :func:`hinge`."""
    return ops.mean(ops.square(_margins("squared_hinge", y_true, y_pred)), axis=-1)


def categorical_hinge(y_true: Any, y_pred: Any) -> Any:
    """``maximum(neg - pos + 1, 0)``: ``pos`` the true class's score, ``neg`` the best other one."""
    y_true, y_pred = aligned_pair("categorical_hinge", y_true, y_pred)
    positive = ops.sum(ops.multiply(y_true, y_pred), axis=-1)
    negative = ops.max(ops.multiply(ops.subtract(1.0, y_true), y_pred), axis=-1)
    return ops.maximum(ops.add(ops.subtract(negative, positive), 1.0), 0.0)


class Hinge(BuiltinLoss):
    """Hinge loss ``maximum(1 - y_true * y_pred, 0)``; 0/1 labels are mapped to -1/1."""

    function = hinge

    def __init__(self, reduction: str | None = "sum_over_batch_size", name: str = "hinge",
                 dtype: Any = None):
        super().__init__(name, reduction, dtype)


class SquaredHinge(BuiltinLoss):
    """Squared hinge loss ``square(maximum(1 - y_true * y_pred, 0))``."""

    function = squared_hinge

    def __init__(self, reduction: str | None = "sum_over_batch_size", name: str = "squared_hinge",
                 dtype: Any = None):
        super().__init__(name, reduction, dtype)


class CategoricalHinge(BuiltinLoss):
    """Categorical hinge loss for one-hot labels: ``maximum(neg - pos + 1, 0)``."""

    function = categorical_hinge

    def __init__(self, reduction: str | None = "sum_over_batch_size",
                 name: str = "categorical_hinge", dtype: Any = None):
        super().__init__(name, reduction, dtype)
