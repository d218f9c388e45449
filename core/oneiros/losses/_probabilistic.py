"""Probabilistic losses: binary, focal, categorical and sparse crossentropy, KL divergence, Poisson."""

from __future__ import annotations

from typing import Any

from oneiros import ops
from oneiros.losses._base import BuiltinLoss
from oneiros.losses._numerics import EPSILON, smooth_labels
from oneiros.losses._shapes import aligned_pair, canonical_axis, float_tensor, shape_of


def binary_crossentropy_elements(y_true: Any, y_pred: Any, from_logits: bool) -> Any:
    """Elementwise ``-(y log p + (1 - y) log(1 - p))``; probabilities clipped to [1e-7, 1 - 1e-7]."""
    if from_logits:
        positive = ops.multiply(y_true, ops.log_sigmoid(y_pred))
        negative = ops.multiply(ops.subtract(1.0, y_true), ops.log_sigmoid(ops.negative(y_pred)))
        return ops.negative(ops.add(positive, negative))
    clipped = ops.clip(y_pred, EPSILON, 1.0 - EPSILON)
    positive = ops.multiply(y_true, ops.log(clipped))
    negative = ops.multiply(ops.subtract(1.0, y_true), ops.log(ops.subtract(1.0, clipped)))
    return ops.negative(ops.add(positive, negative))


def _log_probabilities(y_pred: Any, from_logits: bool, axis: int) -> Any:
    if from_logits:
        return ops.log_softmax(y_pred, axis=axis)
    # Keras renormalizes probabilities along the class axis before clipping them.
    normalized = ops.divide(y_pred, ops.sum(y_pred, axis=axis, keepdims=True))
    return ops.log(ops.clip(normalized, EPSILON, 1.0 - EPSILON))


def binary_crossentropy(y_true: Any, y_pred: Any, from_logits: bool = False,
                        label_smoothing: float = 0.0, axis: int = -1) -> Any:
    """Binary crossentropy averaged over ``axis``; smoothing pulls labels towards 0.5."""
    y_true, y_pred = aligned_pair("binary_crossentropy", y_true, y_pred)
    axis = canonical_axis("binary_crossentropy", axis, len(shape_of(y_pred)))
    y_true = smooth_labels(y_true, label_smoothing, 2.0)
    return ops.mean(binary_crossentropy_elements(y_true, y_pred, from_logits), axis=axis)


def binary_focal_crossentropy(y_true: Any, y_pred: Any, apply_class_balancing: bool = False,
                              alpha: float = 0.25, gamma: float = 2.0, from_logits: bool = False,
                              label_smoothing: float = 0.0, axis: int = -1) -> Any:
    """Binary crossentropy scaled by ``(1 - p_t) ** gamma`` (Lin et al. 2018), mean over ``axis``.

    ``p_t`` is the probability given to the true class; with ``apply_class_balancing`` class 1
    is weighted ``alpha`` and class 0 ``1 - alpha``.
    """
    y_true, y_pred = aligned_pair("binary_focal_crossentropy", y_true, y_pred)
    axis = canonical_axis("binary_focal_crossentropy", axis, len(shape_of(y_pred)))
    y_true = smooth_labels(y_true, label_smoothing, 2.0)
    probabilities = ops.sigmoid(y_pred) if from_logits else y_pred
    bce = binary_crossentropy_elements(y_true, probabilities, from_logits=False)
    not_true = ops.subtract(1.0, y_true)
    p_t = ops.add(ops.multiply(y_true, probabilities),
                  ops.multiply(not_true, ops.subtract(1.0, probabilities)))
    focal = ops.multiply(ops.power(ops.subtract(1.0, p_t), gamma), bce)
    if apply_class_balancing:
        balance = ops.add(ops.multiply(y_true, alpha), ops.multiply(not_true, 1.0 - alpha))
        focal = ops.multiply(balance, focal)
    return ops.mean(focal, axis=axis)


def categorical_crossentropy(y_true: Any, y_pred: Any, from_logits: bool = False,
                             label_smoothing: float = 0.0, axis: int = -1) -> Any:
    """``-sum(y_true * log(p), axis)`` for one-hot (or soft) labels of ``y_pred``'s shape."""
    y_pred = float_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true, ops.dtype(y_pred))
    true_shape, pred_shape = shape_of(y_true), shape_of(y_pred)
    if true_shape != pred_shape or not pred_shape:
        hint = ""
        if true_shape in (pred_shape[:-1], pred_shape[:-1] + (1,)):
            hint = " Integer labels need sparse_categorical_crossentropy."
        raise ValueError(
            f"categorical_crossentropy: y_true has shape {true_shape} and y_pred has shape "
            f"{pred_shape}; expected equal shapes of rank >= 1 (one-hot labels).{hint}"
        )
    axis = canonical_axis("categorical_crossentropy", axis, len(pred_shape))
    y_true = smooth_labels(y_true, label_smoothing, float(pred_shape[axis]))
    return ops.negative(ops.sum(ops.multiply(y_true, _log_probabilities(y_pred, from_logits, axis)),
                                axis=axis))


def sparse_labels(owner: str, y_true: Any, y_pred: Any, axis: int) -> Any:
    """Integer labels shaped like ``y_pred`` without its class ``axis``, or a ValueError."""
    pred_shape = shape_of(y_pred)
    if not pred_shape:
        raise ValueError(f"{owner}: y_pred has shape (); expected class scores of rank >= 1.")
    axis = canonical_axis(owner, axis, len(pred_shape))
    expected = pred_shape[:axis] + pred_shape[axis + 1:]
    y_true = ops.convert_to_tensor(y_true)
    true_shape = shape_of(y_true)
    if len(true_shape) == len(pred_shape) and true_shape[axis] == 1:
        y_true = ops.squeeze(y_true, axis)
    if shape_of(y_true) != expected:
        raise ValueError(
            f"{owner}: y_true has shape {true_shape} and y_pred has shape {pred_shape}; expected "
            f"integer labels of shape {expected} (y_pred without its class axis {axis}), "
            "optionally with that axis kept as size 1."
        )
    return ops.cast(y_true, "int32")


def sparse_categorical_crossentropy(y_true: Any, y_pred: Any, from_logits: bool = False,
                                    ignore_class: int | None = None, axis: int = -1) -> Any:
    """Categorical crossentropy for integer labels; labels equal to ``ignore_class`` give 0."""
    y_pred = float_tensor(y_pred)
    labels = sparse_labels("sparse_categorical_crossentropy", y_true, y_pred, axis)
    axis = canonical_axis("sparse_categorical_crossentropy", axis, len(shape_of(y_pred)))
    valid = None
    if ignore_class is not None:
        valid = ops.not_equal(labels, ignore_class)
        labels = ops.where(valid, labels, ops.zeros_like(labels))
        # Ignored positions get uniform scores, so no NaN reaches the gradient through them.
        y_pred = ops.where(ops.expand_dims(valid, axis), y_pred, ops.ones_like(y_pred))
    target = ops.one_hot(labels, shape_of(y_pred)[axis], axis=axis, dtype=ops.dtype(y_pred))
    losses = ops.negative(ops.sum(ops.multiply(target, _log_probabilities(y_pred, from_logits, axis)),
                                  axis=axis))
    if valid is not None:
        losses = ops.where(valid, losses, ops.zeros_like(losses))
    return losses


def ignore_class_mask(y_true: Any, y_pred: Any, ignore_class: int | None, axis: int) -> Any:
    """Where the labels differ from ``ignore_class`` (None when nothing is ignored)."""
    if ignore_class is None:
        return None
    labels = sparse_labels("sparse_categorical_crossentropy", y_true, y_pred, axis)
    return ops.not_equal(labels, ignore_class)


def kl_divergence(y_true: Any, y_pred: Any) -> Any:
    """``sum(y_true * log(y_true / y_pred), axis=-1)``, both clipped to [1e-7, 1]."""
    y_true, y_pred = aligned_pair("kl_divergence", y_true, y_pred)
    y_true = ops.clip(y_true, EPSILON, 1.0)
    y_pred = ops.clip(y_pred, EPSILON, 1.0)
    return ops.sum(ops.multiply(y_true, ops.log(ops.divide(y_true, y_pred))), axis=-1)


def poisson(y_true: Any, y_pred: Any) -> Any:
    """``mean(y_pred - y_true * log(y_pred + 1e-7), axis=-1)``."""
    y_true, y_pred = aligned_pair("poisson", y_true, y_pred)
    return ops.mean(ops.subtract(y_pred, ops.multiply(y_true, ops.log(ops.add(y_pred, EPSILON)))),
                    axis=-1)


class BinaryCrossentropy(BuiltinLoss):
    """Crossentropy for 0/1 labels; ``y_pred`` are probabilities, or logits with ``from_logits``."""

    function = binary_crossentropy

    def __init__(self, from_logits: bool = False, label_smoothing: float = 0.0, axis: int = -1,
                 reduction: str | None = "sum_over_batch_size", name: str = "binary_crossentropy",
                 dtype: Any = None):
        super().__init__(name, reduction, dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing, axis=axis)


class BinaryFocalCrossentropy(BuiltinLoss):
    """Binary crossentropy that down-weights easy examples by ``(1 - p_t) ** gamma``."""

    function = binary_focal_crossentropy

    def __init__(self, apply_class_balancing: bool = False, alpha: float = 0.25,
                 gamma: float = 2.0, from_logits: bool = False, label_smoothing: float = 0.0,
                 axis: int = -1, reduction: str | None = "sum_over_batch_size",
                 name: str = "binary_focal_crossentropy", dtype: Any = None):
        super().__init__(name, reduction, dtype, apply_class_balancing=apply_class_balancing,
                         alpha=alpha, gamma=gamma, from_logits=from_logits,
                         label_smoothing=label_smoothing, axis=axis)


class CategoricalCrossentropy(BuiltinLoss):
    """Crossentropy for one-hot labels; smoothing gives ``s / num_classes`` to every class."""

    function = categorical_crossentropy

    def __init__(self, from_logits: bool = False, label_smoothing: float = 0.0, axis: int = -1,
                 reduction: str | None = "sum_over_batch_size",
                 name: str = "categorical_crossentropy", dtype: Any = None):
        super().__init__(name, reduction, dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing, axis=axis)


class SparseCategoricalCrossentropy(BuiltinLoss):
    """Crossentropy for integer labels; ``ignore_class`` entries neither add loss nor count."""

    function = sparse_categorical_crossentropy

    def __init__(self, from_logits: bool = False, ignore_class: int | None = None,
                 reduction: str | None = "sum_over_batch_size", axis: int = -1,
                 name: str = "sparse_categorical_crossentropy", dtype: Any = None):
        super().__init__(name, reduction, dtype, from_logits=from_logits,
                         ignore_class=ignore_class, axis=axis)

    def valid_mask(self, y_true: Any, y_pred: Any) -> Any:
        return ignore_class_mask(y_true, y_pred, self.ignore_class, self.axis)


class KLDivergence(BuiltinLoss):
    """Kullback-Leibler divergence ``sum(y_true * log(y_true / y_pred))`` over the last axis."""

    function = kl_divergence

    def __init__(self, reduction: str | None = "sum_over_batch_size", name: str = "kl_divergence",
                 dtype: Any = None):
        super().__init__(name, reduction, dtype)


class Poisson(BuiltinLoss):
    """Poisson negative log-likelihood up to a constant: ``y_pred - y_true * log(y_pred)``."""

    function = poisson

    def __init__(self, reduction: str | None = "sum_over_batch_size", name: str = "poisson",
                 dtype: Any = None):
        super().__init__(name, reduction, dtype)
