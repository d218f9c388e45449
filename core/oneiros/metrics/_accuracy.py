"""Accuracy metrics: exact, binary, categorical, sparse categorical, and top-k."""

from __future__ import annotations

from typing import Any

from oneiros import ops
from oneiros.losses._probabilistic import sparse_labels
from oneiros.losses._shapes import aligned_pair, float_tensor, shape_of
from oneiros.metrics._reduction import BuiltinMeanMetric


def _as_float(matches: Any) -> Any:
    return ops.cast(matches, "float32")


def in_top_k(labels: Any, scores: Any, k: int) -> Any:
    """Whether each label's score is among the ``k`` largest of ``scores`` (ties count as in).

    A label's rank is 1 + the number of strictly larger scores; a NaN score ranks last.
    """
    label_scores = ops.take_along_axis(scores, ops.expand_dims(labels, -1), axis=-1)
    label_scores = ops.where(ops.isnan(label_scores), float("-inf"), label_scores)
    larger = ops.sum(ops.cast(ops.greater(scores, label_scores), "int32"), axis=-1)
    return ops.less(larger, k)


def _check_k(owner: str, k: int) -> None:
    if not isinstance(k, int) or isinstance(k, bool) or k < 1:
        raise ValueError(f"{owner}: k={k!r} is invalid; expected an int >= 1.")


def _same_shape_scores(owner: str, y_true: Any, y_pred: Any) -> tuple[Any, Any]:
    y_pred = float_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true, ops.dtype(y_pred))
    if shape_of(y_true) != shape_of(y_pred) or not shape_of(y_pred):
        raise ValueError(f"{owner}: y_true has shape {shape_of(y_true)} and y_pred has shape "
                         f"{shape_of(y_pred)}; expected equal shapes of rank >= 1 (one-hot labels "
                         "and class scores).")
    return y_true, y_pred


def accuracy(y_true: Any, y_pred: Any) -> Any:
    """1.0 where ``y_pred`` equals ``y_true``, else 0.0."""
    y_true, y_pred = aligned_pair("accuracy", y_true, y_pred)
    return _as_float(ops.equal(y_true, y_pred))


def binary_accuracy(y_true: Any, y_pred: Any, threshold: float = 0.5) -> Any:
    """1.0 where ``y_pred > threshold`` agrees with the 0/1 label ``y_true``."""
    y_true, y_pred = aligned_pair("binary_accuracy", y_true, y_pred)
    predicted = ops.cast(ops.greater(y_pred, threshold), ops.dtype(y_true))
    return _as_float(ops.equal(y_true, predicted))


def categorical_accuracy(y_true: Any, y_pred: Any) -> Any:
    """1.0 where the arg-max of ``y_pred`` is the arg-max of the one-hot ``y_true``."""
    y_true, y_pred = _same_shape_scores("categorical_accuracy", y_true, y_pred)
    return _as_float(ops.equal(ops.argmax(y_true, axis=-1), ops.argmax(y_pred, axis=-1)))


def sparse_categorical_accuracy(y_true: Any, y_pred: Any) -> Any:
    """1.0 where the arg-max of ``y_pred`` is the integer label ``y_true``."""
    y_pred = float_tensor(y_pred)
    labels = sparse_labels("sparse_categorical_accuracy", y_true, y_pred, -1)
    return _as_float(ops.equal(labels, ops.argmax(y_pred, axis=-1)))


def top_k_categorical_accuracy(y_true: Any, y_pred: Any, k: int = 5) -> Any:
    """1.0 where the one-hot ``y_true``'s class is among the ``k`` best scores of ``y_pred``."""
    _check_k("top_k_categorical_accuracy", k)
    y_true, y_pred = _same_shape_scores("top_k_categorical_accuracy", y_true, y_pred)
    return _as_float(in_top_k(ops.argmax(y_true, axis=-1), y_pred, k))


def sparse_top_k_categorical_accuracy(y_true: Any, y_pred: Any, k: int = 5,
                                      from_sorted_ids: bool = False) -> Any:
    """1.0 where the integer label is among the ``k`` best scores of ``y_pred``.

    With ``from_sorted_ids``, ``y_pred`` holds class ids sorted best first (at least ``k``).
    """
    owner = "sparse_top_k_categorical_accuracy"
    _check_k(owner, k)
    if not from_sorted_ids:
        y_pred = float_tensor(y_pred)
        return _as_float(in_top_k(sparse_labels(owner, y_true, y_pred, -1), y_pred, k))
    y_pred = ops.cast(ops.convert_to_tensor(y_pred), "int32")
    labels = sparse_labels(owner, y_true, y_pred, -1)
    pred_shape = shape_of(y_pred)
    if pred_shape[-1] < k:
        raise ValueError(f"{owner}: y_pred has shape {pred_shape}; expected at least k={k} "
                         "sorted ids on the last axis.")
    best = ops.slice(y_pred, (0,) * len(pred_shape), pred_shape[:-1] + (k,))
    return _as_float(ops.any(ops.equal(ops.expand_dims(labels, -1), best), axis=-1))


class Accuracy(BuiltinMeanMetric):
    """How often ``y_pred`` equals ``y_true`` exactly."""

    function = accuracy

    def __init__(self, name: str = "accuracy", dtype: Any = None):
        super().__init__(name, dtype)


class BinaryAccuracy(BuiltinMeanMetric):
    """How often ``y_pred > threshold`` matches the binary label."""

    function = binary_accuracy

    def __init__(self, name: str = "binary_accuracy", dtype: Any = None, threshold: float = 0.5):
        super().__init__(name, dtype, threshold=threshold)


class CategoricalAccuracy(BuiltinMeanMetric):
    """How often the predicted class (arg-max) matches the one-hot label."""

    function = categorical_accuracy

    def __init__(self, name: str = "categorical_accuracy", dtype: Any = None):
        super().__init__(name, dtype)


class SparseCategoricalAccuracy(BuiltinMeanMetric):
    """How often the predicted class (arg-max) matches the integer label."""

    function = sparse_categorical_accuracy

    def __init__(self, name: str = "sparse_categorical_accuracy", dtype: Any = None):
        super().__init__(name, dtype)


class TopKCategoricalAccuracy(BuiltinMeanMetric):
    """How often the one-hot label's class is among the ``k`` best predictions."""

    function = top_k_categorical_accuracy

    def __init__(self, k: int = 5, name: str = "top_k_categorical_accuracy", dtype: Any = None):
        _check_k(name, k)
        super().__init__(name, dtype, k=k)


class SparseTopKCategoricalAccuracy(BuiltinMeanMetric):
    """How often the integer label is among the ``k`` best predictions."""

    function = sparse_top_k_categorical_accuracy

    def __init__(self, k: int = 5, name: str = "sparse_top_k_categorical_accuracy",
                 dtype: Any = None, from_sorted_ids: bool = False):
        _check_k(name, k)
        super().__init__(name, dtype, k=k, from_sorted_ids=from_sorted_ids)
