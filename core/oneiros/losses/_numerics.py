"""Small numeric building blocks losses and metrics share, written in ``oneiros.ops``."""

from __future__ import annotations

from typing import Any

from oneiros import ops
from oneiros.backend._keras_settings import EPSILON


def divide_no_nan(numerator: Any, denominator: Any) -> Any:
    """``numerator / denominator``, and 0 where the denominator is 0 (no NaN, no inf)."""
    is_zero = ops.equal(denominator, 0)
    safe = ops.where(is_zero, ops.ones_like(denominator), denominator)
    quotient = ops.divide(numerator, safe)
    return ops.where(is_zero, ops.zeros_like(quotient), quotient)


def l2_normalize(x: Any, axis: int) -> Any:
    """``x`` divided by its L2 norm along ``axis``, with the norm floored at EPSILON."""
    squared_norm = ops.sum(ops.square(x), axis=axis, keepdims=True)
    return ops.multiply(x, ops.rsqrt(ops.maximum(squared_norm, EPSILON * EPSILON)))


def smooth_labels(y_true: Any, label_smoothing: float, num_classes: float) -> Any:
    """Labels pulled towards ``1 / num_classes``: ``y * (1 - s) + s / num_classes``."""
    if not label_smoothing:
        return y_true
    return ops.add(ops.multiply(y_true, 1.0 - label_smoothing), label_smoothing / num_classes)
