"""Intersection-over-union metrics: IoU, MeanIoU, BinaryIoU, OneHotIoU and OneHotMeanIoU.

Their state is the running (num_classes, num_classes) confusion matrix, rows the true classes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from oneiros import ops
from oneiros.losses._numerics import EPSILON
from oneiros.losses._shapes import shape_of
from oneiros.metrics._base import Metric, State

STATE = "total_confusion_matrix"


class IoU(Metric):
    """The mean over ``target_class_ids`` of ``TP / (TP + FP + FN)``, classes never seen left out.

    Example:
        >>> metric = oi.metrics.IoU(num_classes=3, target_class_ids=[0, 2])
        >>> metric.update_state([0, 1, 2, 2], [0, 2, 2, 1])

    Args:
        num_classes: the number of classes (labels outside [0, num_classes) are not counted).
        target_class_ids: the classes averaged over.
        ignore_class: a true label that is not counted (e.g. an unlabelled pixel's id).
        sparse_y_true, sparse_y_pred: False when that side holds scores over ``axis`` (argmax taken).
    """

    def __init__(self, num_classes: int, target_class_ids: Sequence[int], name: str | None = None,
                 dtype: Any = None, ignore_class: int | None = None, sparse_y_true: bool = True,
                 sparse_y_pred: bool = True, axis: int = -1):
        owner = type(self).__name__
        if not isinstance(num_classes, int) or isinstance(num_classes, bool) or num_classes < 1:
            raise ValueError(f"{owner}: expected num_classes, a positive int; received {num_classes!r}.")
        target_class_ids = list(target_class_ids)
        if not target_class_ids or not all(0 <= class_id < num_classes for class_id in target_class_ids):
            raise ValueError(f"{owner}: expected target_class_ids within [0, {num_classes}); "
                             f"received {target_class_ids}.")
        super().__init__(name=name, dtype=dtype or "float32")
        self.num_classes, self.target_class_ids = num_classes, target_class_ids
        self.ignore_class, self.axis = ignore_class, axis
        self.sparse_y_true, self.sparse_y_pred = sparse_y_true, sparse_y_pred

    def initial_state(self) -> State:
        return {STATE: ops.zeros((self.num_classes, self.num_classes), self.dtype)}

    def class_ids(self, y_true: Any, y_pred: Any) -> tuple[Any, Any]:
        """``(true, predicted)`` class ids."""
        if not self.sparse_y_true:
            y_true = ops.argmax(y_true, axis=self.axis)
        if not self.sparse_y_pred:
            y_pred = ops.argmax(y_pred, axis=self.axis)
        return ops.cast(y_true, "int32"), ops.cast(y_pred, "int32")

    def _flat_weights(self, sample_weight: Any, ids_shape: tuple[int, ...]) -> Any:
        """One weight per id: a per-sample weight is repeated over the sample's ids."""
        if sample_weight is None:
            return ops.ones((math.prod(ids_shape),), self.dtype)
        weights = ops.convert_to_tensor(sample_weight, self.dtype)
        while len(shape_of(weights)) < len(ids_shape):
            weights = ops.expand_dims(weights, -1)
        return ops.reshape(ops.broadcast_to(weights, ids_shape), (-1,))

    def update(self, state: State, y_true: Any, y_pred: Any, sample_weight: Any = None) -> State:
        true_ids, predicted_ids = self.class_ids(ops.convert_to_tensor(y_true), ops.convert_to_tensor(y_pred))
        weights = self._flat_weights(sample_weight, shape_of(true_ids))
        true_ids, predicted_ids = ops.reshape(true_ids, (-1,)), ops.reshape(predicted_ids, (-1,))
        counted = ops.logical_and(ops.logical_and(ops.greater_equal(true_ids, 0), ops.less(true_ids, self.num_classes)),
                                  ops.logical_and(ops.greater_equal(predicted_ids, 0),
                                                  ops.less(predicted_ids, self.num_classes)))
        if self.ignore_class is not None:
            counted = ops.logical_and(counted, ops.not_equal(true_ids, self.ignore_class))
        weights = ops.where(counted, weights, ops.zeros_like(weights))
        # one_hot gives an all-zero row for an id outside [0, num_classes): those rows add nothing.
        true_one_hot = ops.one_hot(true_ids, self.num_classes, dtype=self.dtype)
        predicted_one_hot = ops.one_hot(predicted_ids, self.num_classes, dtype=self.dtype)
        batch = ops.matmul(ops.transpose(true_one_hot), ops.multiply(predicted_one_hot, ops.expand_dims(weights, 1)))
        return {STATE: ops.add(state[STATE], batch)}

    def compute(self, state: State) -> Any:
        matrix = state[STATE]
        true_positives = ops.sum(ops.multiply(matrix, ops.eye(self.num_classes, dtype=self.dtype)), axis=1)
        union = ops.subtract(ops.add(ops.sum(matrix, axis=0), ops.sum(matrix, axis=1)), true_positives)
        targets = ops.convert_to_tensor(self.target_class_ids, "int32")
        true_positives, union = ops.take(true_positives, targets), ops.take(union, targets)
        seen = ops.greater(union, 1e-9)
        iou = ops.where(seen, ops.divide(true_positives, ops.add(union, EPSILON)), ops.zeros_like(union))
        return ops.divide(ops.sum(iou), ops.add(ops.sum(ops.cast(seen, self.dtype)), EPSILON))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "num_classes": self.num_classes, "target_class_ids": self.target_class_ids,
                "ignore_class": self.ignore_class, "sparse_y_true": self.sparse_y_true,
                "sparse_y_pred": self.sparse_y_pred, "axis": self.axis}


class MeanIoU(IoU):
    """IoU averaged over every class."""

    def __init__(self, num_classes: int, name: str | None = None, dtype: Any = None, ignore_class: int | None = None,
                 sparse_y_true: bool = True, sparse_y_pred: bool = True, axis: int = -1):
        super().__init__(num_classes, list(range(num_classes)) if isinstance(num_classes, int) else [], name, dtype,
                         ignore_class, sparse_y_true, sparse_y_pred, axis)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        del config["target_class_ids"]
        return config


class BinaryIoU(IoU):
    """IoU of 0/1 labels and probabilities thresholded at ``threshold`` (1 where >= threshold)."""

    def __init__(self, target_class_ids: Sequence[int] = (0, 1), threshold: float = 0.5, name: str | None = None,
                 dtype: Any = None):
        super().__init__(2, target_class_ids, name, dtype)
        self.threshold = threshold

    def class_ids(self, y_true: Any, y_pred: Any) -> tuple[Any, Any]:
        return super().class_ids(y_true, ops.greater_equal(ops.cast(y_pred, "float32"), self.threshold))

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype, "target_class_ids": self.target_class_ids,
                "threshold": self.threshold}


class OneHotIoU(IoU):
    """IoU of one-hot labels and class scores (argmax over ``axis``)."""

    def __init__(self, num_classes: int, target_class_ids: Sequence[int], name: str | None = None, dtype: Any = None,
                 ignore_class: int | None = None, sparse_y_pred: bool = False, axis: int = -1):
        super().__init__(num_classes, target_class_ids, name, dtype, ignore_class, False, sparse_y_pred, axis)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        del config["sparse_y_true"]
        return config


class OneHotMeanIoU(MeanIoU):
    """MeanIoU of one-hot labels and class scores (argmax over ``axis``)."""

    def __init__(self, num_classes: int, name: str | None = None, dtype: Any = None, ignore_class: int | None = None,
                 sparse_y_pred: bool = False, axis: int = -1):
        super().__init__(num_classes, name, dtype, ignore_class, False, sparse_y_pred, axis)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        del config["sparse_y_true"]
        return config
