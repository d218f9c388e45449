"""Correlation metrics: Pearson's and Lin's concordance correlation along an axis, batch-averaged."""

from __future__ import annotations

from typing import Any

from oneiros import ops
from oneiros.losses._numerics import EPSILON
from oneiros.losses._shapes import aligned_pair
from oneiros.metrics._reduction import BuiltinMeanMetric


def pearson_correlation(y_true: Any, y_pred: Any, axis: int = -1) -> Any:
    """Pearson's r of ``y_true`` and ``y_pred`` along ``axis``: the mean product of the z-scores."""
    y_true, y_pred = aligned_pair("pearson_correlation", y_true, y_pred)
    true_centered = ops.subtract(y_true, ops.mean(y_true, axis=axis, keepdims=True))
    pred_centered = ops.subtract(y_pred, ops.mean(y_pred, axis=axis, keepdims=True))
    true_scores = ops.divide(true_centered, ops.std(true_centered, axis=axis, keepdims=True))
    pred_scores = ops.divide(pred_centered, ops.std(pred_centered, axis=axis, keepdims=True))
    return ops.mean(ops.multiply(true_scores, pred_scores), axis=axis)


def concordance_correlation(y_true: Any, y_pred: Any, axis: int = -1) -> Any:
    """Lin's concordance ``2 cov / (var_true + var_pred + (mean_true - mean_pred) ** 2)`` along ``axis``.

    The covariance term centres ``y_true`` on ``y_pred``'s mean, exactly as Keras 3 computes it, so
    that the values (and trained models' logs) agree with Keras's.
    """
    y_true, y_pred = aligned_pair("concordance_correlation", y_true, y_pred)
    true_mean = ops.mean(y_true, axis=axis, keepdims=True)
    pred_mean = ops.mean(y_pred, axis=axis, keepdims=True)
    spread = ops.add(ops.add(ops.var(y_true, axis=axis, keepdims=True), ops.var(y_pred, axis=axis, keepdims=True)),
                     ops.square(ops.subtract(true_mean, pred_mean)))
    covariance = ops.multiply(ops.subtract(y_true, pred_mean), ops.subtract(y_pred, pred_mean))
    return ops.mean(ops.divide(ops.multiply(2.0, covariance), ops.add(spread, EPSILON)), axis=axis)


class PearsonCorrelation(BuiltinMeanMetric):
    """The batch mean of Pearson's correlation along ``axis``."""

    function = pearson_correlation

    def __init__(self, name: str = "pearson_correlation", dtype: Any = None, axis: int = -1):
        super().__init__(name, dtype, axis=axis)


class ConcordanceCorrelation(BuiltinMeanMetric):
    """The batch mean of the concordance correlation along ``axis``."""

    function = concordance_correlation

    def __init__(self, name: str = "concordance_correlation", dtype: Any = None, axis: int = -1):
        super().__init__(name, dtype, axis=axis)
