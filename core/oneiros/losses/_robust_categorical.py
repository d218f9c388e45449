"""Categorical losses robust to easy examples or noisy labels: focal and generalized crossentropy."""

from __future__ import annotations

from typing import Any

from oneiros import ops
from oneiros.losses._base import BuiltinLoss
from oneiros.losses._numerics import EPSILON, smooth_labels
from oneiros.losses._probabilistic import sparse_labels
from oneiros.losses._shapes import aligned_pair, canonical_axis, float_tensor, shape_of


def categorical_focal_crossentropy(y_true: Any, y_pred: Any, alpha: float = 0.25, gamma: float = 2.0,
                                   from_logits: bool = False, label_smoothing: float = 0.0,
                                   axis: int = -1) -> Any:
    """``sum(alpha (1 - p) ** gamma * -y_true log p, axis)`` (Lin et al. 2018) for one-hot labels."""
    y_true, y_pred = aligned_pair("categorical_focal_crossentropy", y_true, y_pred)
    axis = canonical_axis("categorical_focal_crossentropy", axis, len(shape_of(y_pred)))
    y_true = smooth_labels(y_true, label_smoothing, float(shape_of(y_pred)[-1]))
    probabilities = ops.softmax(y_pred, axis=axis) if from_logits else y_pred
    probabilities = ops.clip(ops.divide(probabilities, ops.sum(probabilities, axis=axis, keepdims=True)),
                             EPSILON, 1.0 - EPSILON)
    crossentropy = ops.negative(ops.multiply(y_true, ops.log(probabilities)))
    weight = ops.multiply(ops.power(ops.subtract(1.0, probabilities), gamma), alpha)
    return ops.sum(ops.multiply(weight, crossentropy), axis=axis)


def categorical_generalized_cross_entropy(y_true: Any, y_pred: Any, q: float) -> Any:
    """``(1 - p_y ** q) / q`` (Zhang & Sabuncu 2018) for integer labels ``y_true`` and
    probabilities ``y_pred``: crossentropy as q -> 0, mean absolute error at q = 1."""
    y_pred = float_tensor(y_pred)
    labels = sparse_labels("categorical_generalized_cross_entropy", y_true, y_pred, -1)
    target = ops.one_hot(labels, shape_of(y_pred)[-1], dtype=ops.dtype(y_pred))
    true_probability = ops.sum(ops.multiply(y_pred, target), axis=-1)
    return ops.divide(ops.subtract(1.0, ops.power(true_probability, q)), q)


class CategoricalFocalCrossentropy(BuiltinLoss):
    """Categorical crossentropy that down-weights well-classified examples by ``(1 - p) ** gamma``."""

    function = categorical_focal_crossentropy

    def __init__(self, alpha: float = 0.25, gamma: float = 2.0, from_logits: bool = False,
                 label_smoothing: float = 0.0, axis: int = -1, reduction: str | None = "sum_over_batch_size",
                 name: str = "categorical_focal_crossentropy", dtype: Any = None):
        super().__init__(name, reduction, dtype, alpha=alpha, gamma=gamma, from_logits=from_logits,
                         label_smoothing=label_smoothing, axis=axis)


class CategoricalGeneralizedCrossEntropy(BuiltinLoss):
    """Generalized crossentropy for learning with noisy integer labels; ``q`` in (0, 1)."""

    function = categorical_generalized_cross_entropy

    def __init__(self, q: float = 0.5, reduction: str | None = "sum_over_batch_size",
                 name: str = "categorical_generalized_cross_entropy", dtype: Any = None):
        if not 0.0 < q < 1.0:
            raise ValueError(f"CategoricalGeneralizedCrossEntropy: expected q in (0, 1); received q={q!r}.")
        super().__init__(name, reduction, dtype, q=q)
