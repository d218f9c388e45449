"""Regression losses: squared, absolute, percentage, logarithmic, Huber, log-cosh, cosine."""

from __future__ import annotations

import math
from typing import Any

from oneiros import ops
from oneiros.losses._base import BuiltinLoss
from oneiros.losses._numerics import EPSILON, l2_normalize
from oneiros.losses._shapes import aligned_pair, canonical_axis, shape_of


def mean_squared_error(y_true: Any, y_pred: Any) -> Any:
    """``mean(square(y_true - y_pred), axis=-1)``."""
    y_true, y_pred = aligned_pair("mean_squared_error", y_true, y_pred)
    return ops.mean(ops.square(ops.subtract(y_true, y_pred)), axis=-1)


def mean_absolute_error(y_true: Any, y_pred: Any) -> Any:
    """``mean(abs(y_true - y_pred), axis=-1)``."""
    y_true, y_pred = aligned_pair("mean_absolute_error", y_true, y_pred)
    return ops.mean(ops.abs(ops.subtract(y_true, y_pred)), axis=-1)


def mean_absolute_percentage_error(y_true: Any, y_pred: Any) -> Any:
    """``100 * mean(abs((y_true - y_pred) / max(abs(y_true), 1e-7)), axis=-1)``."""
    y_true, y_pred = aligned_pair("mean_absolute_percentage_error", y_true, y_pred)
    ratio = ops.divide(ops.subtract(y_true, y_pred), ops.maximum(ops.abs(y_true), EPSILON))
    return ops.multiply(ops.mean(ops.abs(ratio), axis=-1), 100.0)


def mean_squared_logarithmic_error(y_true: Any, y_pred: Any) -> Any:
    """``mean(square(log(max(y_pred, 1e-7) + 1) - log(max(y_true, 1e-7) + 1)), axis=-1)``."""
    y_true, y_pred = aligned_pair("mean_squared_logarithmic_error", y_true, y_pred)
    log_pred = ops.log1p(ops.maximum(y_pred, EPSILON))
    log_true = ops.log1p(ops.maximum(y_true, EPSILON))
    return ops.mean(ops.square(ops.subtract(log_pred, log_true)), axis=-1)


def huber(y_true: Any, y_pred: Any, delta: float = 1.0) -> Any:
    """Mean over the last axis of ``0.5 e**2`` where ``|e| <= delta``, else ``delta |e| - 0.5 delta**2``."""
    y_true, y_pred = aligned_pair("huber", y_true, y_pred)
    error = ops.subtract(y_pred, y_true)
    abs_error = ops.abs(error)
    quadratic = ops.multiply(ops.square(error), 0.5)
    linear = ops.subtract(ops.multiply(abs_error, delta), 0.5 * delta * delta)
    return ops.mean(ops.where(ops.less_equal(abs_error, delta), quadratic, linear), axis=-1)


def log_cosh(y_true: Any, y_pred: Any) -> Any:
    """``mean(log(cosh(y_pred - y_true)), axis=-1)``, computed without overflow."""
    y_true, y_pred = aligned_pair("log_cosh", y_true, y_pred)
    error = ops.subtract(y_pred, y_true)
    # log(cosh(x)) = x + softplus(-2x) - log(2) stays finite where cosh(x) overflows.
    stable = ops.subtract(ops.add(error, ops.softplus(ops.multiply(error, -2.0))), math.log(2.0))
    return ops.mean(stable, axis=-1)


def cosine_similarity(y_true: Any, y_pred: Any, axis: int = -1) -> Any:
    """``-sum(l2_normalize(y_true) * l2_normalize(y_pred), axis)``: -1 for equal directions."""
    y_true, y_pred = aligned_pair("cosine_similarity", y_true, y_pred)
    axis = canonical_axis("cosine_similarity", axis, len(shape_of(y_pred)))
    products = ops.multiply(l2_normalize(y_true, axis), l2_normalize(y_pred, axis))
    return ops.negative(ops.sum(products, axis=axis))


class MeanSquaredError(BuiltinLoss):
    """Mean of squares of errors: ``mean(square(y_true - y_pred))``."""

    function = mean_squared_error

    def __init__(self, reduction: str | None = "sum_over_batch_size",
                 name: str = "mean_squared_error", dtype: Any = None):
        super().__init__(name, reduction, dtype)


class MeanAbsoluteError(BuiltinLoss):
    """Mean of absolute errors: ``mean(abs(y_true - y_pred))``."""

    function = mean_absolute_error

    def __init__(self, reduction: str | None = "sum_over_batch_size",
                 name: str = "mean_absolute_error", dtype: Any = None):
        super().__init__(name, reduction, dtype)


class MeanAbsolutePercentageError(BuiltinLoss):
    """``100 * mean(abs((y_true - y_pred) / y_true))``, the divisor floored at 1e-7."""

    function = mean_absolute_percentage_error

    def __init__(self, reduction: str | None = "sum_over_batch_size",
                 name: str = "mean_absolute_percentage_error", dtype: Any = None):
        super().__init__(name, reduction, dtype)


class MeanSquaredLogarithmicError(BuiltinLoss):
    """``mean(square(log(y_true + 1) - log(y_pred + 1)))``, inputs floored at 1e-7."""

    function = mean_squared_logarithmic_error

    def __init__(self, reduction: str | None = "sum_over_batch_size",
                 name: str = "mean_squared_logarithmic_error", dtype: Any = None):
        super().__init__(name, reduction, dtype)


class Huber(BuiltinLoss):
    """Quadratic for errors up to ``delta``, linear beyond: robust to outliers."""

    function = huber

    def __init__(self, delta: float = 1.0, reduction: str | None = "sum_over_batch_size",
                 name: str = "huber_loss", dtype: Any = None):
        super().__init__(name, reduction, dtype, delta=delta)


class LogCosh(BuiltinLoss):
    """``mean(log(cosh(y_pred - y_true)))``: about ``x**2 / 2`` near 0, ``|x| - log 2`` far out."""

    function = log_cosh

    def __init__(self, reduction: str | None = "sum_over_batch_size", name: str = "log_cosh",
                 dtype: Any = None):
        super().__init__(name, reduction, dtype)


class CosineSimilarity(BuiltinLoss):
    """Negative cosine similarity along ``axis``; minimizing it aligns directions."""

    function = cosine_similarity

    def __init__(self, axis: int = -1, reduction: str | None = "sum_over_batch_size",
                 name: str = "cosine_similarity", dtype: Any = None):
        super().__init__(name, reduction, dtype, axis=axis)
