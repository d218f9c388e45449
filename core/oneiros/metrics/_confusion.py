"""Thresholded confusion counts, and the metrics built on them: TP/FP/TN/FN, precision, recall.

A prediction is positive at threshold ``t`` when ``y_pred > t``; a label is positive when it
is non-zero. Counts are weighted sums, one per threshold (and per label for multi-label AUC).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from oneiros import ops
from oneiros.losses._numerics import EPSILON, divide_no_nan
from oneiros.losses._shapes import broadcast_shape, float_tensor, shape_of, squeeze_or_expand_to_same_rank
from oneiros.metrics._base import Metric, State

NEG_INF = -1e10
"""The threshold used with ``top_k``: every kept score is above it, every filtered one is not."""

COUNTS = ("true_positives", "false_positives", "true_negatives", "false_negatives")


def parse_thresholds(owner: str, thresholds: Any, default: float) -> list[float]:
    """``thresholds`` (a number or a sequence in [0, 1]) as a list; ``[default]`` for None."""
    if thresholds is None:
        return [default]
    values = list(thresholds) if isinstance(thresholds, (list, tuple, np.ndarray)) else [thresholds]
    invalid = [t for t in values if not isinstance(t, (int, float, np.number)) or not 0 <= t <= 1]
    if invalid or not values:
        raise ValueError(f"{owner}: thresholds={thresholds!r} is invalid; expected a number or a "
                         f"non-empty list of numbers in [0, 1] (invalid: {invalid}).")
    return [float(t) for t in values]


def evenly_spaced(thresholds: Sequence[float]) -> bool:
    """Whether ``thresholds`` are ``i / (n - 1)`` for i in 0..n-1 (n >= 3), as Keras checks."""
    count = len(thresholds)
    if count < 3:
        return False
    grid = np.arange(count, dtype=np.float32) / (count - 1)
    return bool(np.allclose(thresholds, grid, atol=EPSILON))


def filter_top_k(scores: Any, k: int) -> Any:
    """``scores`` with every entry outside the ``k`` largest of the last axis set to NEG_INF."""
    _, indices = ops.top_k(scores, k)
    kept = ops.sum(ops.one_hot(indices, shape_of(scores)[-1], dtype="float32"), axis=-2)
    return ops.where(ops.greater(kept, 0), scores, NEG_INF)


def _aligned_inputs(owner: str, y_true: Any, y_pred: Any, sample_weight: Any) -> tuple[Any, Any, Any]:
    y_pred = ops.cast(float_tensor(y_pred), "float32")
    y_true = ops.cast(ops.convert_to_tensor(y_true), "float32")
    raw_true, raw_pred = shape_of(y_true), shape_of(y_pred)
    y_pred, y_true = squeeze_or_expand_to_same_rank(y_pred, y_true)
    if shape_of(y_true) != shape_of(y_pred):
        raise ValueError(f"{owner}: y_true has shape {raw_true} and y_pred has shape {raw_pred}; "
                         "expected equal shapes (a trailing axis of size 1 on one side only is "
                         "ignored).")
    if sample_weight is None:
        return y_true, y_pred, None
    weights = ops.convert_to_tensor(sample_weight, "float32")
    raw_weight = shape_of(weights)
    # Keras's rule: one weight per sample, or weights of the labels' rank.
    _, weights = squeeze_or_expand_to_same_rank(y_true, ops.expand_dims(weights, -1), expand_rank_1=False)
    if broadcast_shape(shape_of(weights), shape_of(y_pred)) != shape_of(y_pred):
        raise ValueError(f"{owner}: sample_weight of shape {raw_weight} does not fit y_pred of "
                         f"shape {raw_pred}; expected a scalar, one weight per sample, or a shape "
                         "that broadcasts to y_pred's.")
    return y_true, y_pred, ops.broadcast_to(weights, shape_of(y_pred))


def _select_class(tensor: Any, class_id: int) -> Any:
    return ops.take(tensor, ops.convert_to_tensor([class_id], "int32"), axis=-1)


def _reverse_cumsum(x: Any) -> Any:
    return ops.flip(ops.cumsum(ops.flip(x, axis=0), axis=0), axis=0)


def _bucketed_positive_counts(weights: Any, y_pred: Any, num_thresholds: int, with_epsilon: bool) -> Any:
    """Weighted counts of ``y_pred > t_i`` for evenly spaced thresholds, in O(N + T).

    Each prediction falls in the bucket ``ceil(p * (T - 1)) - 1``; the count at threshold i is
    the weight in buckets >= i (a reversed cumulative sum). The endpoint thresholds -eps and
    1 + eps (``with_epsilon``) put p = 0 in bucket 0 rather than nowhere.
    """
    samples, labels = shape_of(y_pred)
    clipped = ops.clip(y_pred, 0.0, 1.0)
    buckets = ops.subtract(ops.ceil(ops.multiply(clipped, float(num_thresholds - 1))), 1.0)
    if with_epsilon:
        buckets = ops.maximum(buckets, 0.0)
    # Shifted by one so bucket -1 ("above no threshold") is a real segment, then dropped.
    shifted = ops.cast(ops.add(buckets, 1.0), "int32")
    label_index = ops.arange(labels, dtype="int32")
    segment_ids = ops.reshape(ops.add(ops.multiply(shifted, labels), label_index), (samples * labels,))
    sums = ops.segment_sum(ops.reshape(weights, (samples * labels,)), segment_ids,
                           num_thresholds * labels)
    above = _reverse_cumsum(ops.reshape(sums, (num_thresholds, labels)))
    tail = ops.slice(above, (1, 0), (num_thresholds - 1, labels))
    return ops.concatenate([tail, ops.zeros((1, labels), "float32")], axis=0)


def _direct_positive_counts(weights: Any, y_pred: Any, thresholds: Sequence[float]) -> Any:
    """Weighted counts of ``y_pred > t`` for every threshold: shape (T, labels)."""
    grid = ops.reshape(ops.convert_to_tensor(list(thresholds), "float32"), (len(thresholds), 1, 1))
    above = ops.cast(ops.greater(ops.expand_dims(y_pred, 0), grid), "float32")
    return ops.sum(ops.multiply(above, ops.expand_dims(weights, 0)), axis=1)


def confusion_counts(owner: str, y_true: Any, y_pred: Any, thresholds: Sequence[float],
                     sample_weight: Any = None, *, top_k: int | None = None,
                     class_id: int | None = None, multi_label: bool = False,
                     label_weights: Any = None, thresholds_evenly_spaced: bool = False) -> dict[str, Any]:
    """Weighted true/false positive/negative counts per threshold, as Keras computes them.

    Returns a dict with the :data:`COUNTS` keys, each of shape (T,), or (T, labels) with
    ``multi_label`` (inputs of shape (samples, labels)). Without ``multi_label`` every entry of
    the inputs is one binary decision; ``label_weights`` then weight entries by label index.
    """
    y_true, y_pred, weights = _aligned_inputs(owner, y_true, y_pred, sample_weight)
    if top_k is not None:
        y_pred = filter_top_k(y_pred, top_k)
    if class_id is not None:
        if len(shape_of(y_pred)) < 2 or not 0 <= class_id < shape_of(y_pred)[-1]:
            raise ValueError(f"{owner}: class_id={class_id} needs y_pred of shape (samples, "
                             f"num_classes) with class_id < num_classes; received y_pred of shape "
                             f"{shape_of(y_pred)}.")
        y_true, y_pred = _select_class(y_true, class_id), _select_class(y_pred, class_id)
        if weights is not None:
            weights = _select_class(weights, class_id)
    if label_weights is not None:
        label_weights = ops.broadcast_to(ops.convert_to_tensor(label_weights, "float32"), shape_of(y_pred))
        weights = label_weights if weights is None else ops.multiply(weights, label_weights)
    if multi_label:
        if len(shape_of(y_pred)) != 2:
            raise ValueError(f"{owner}: multi_label=True needs y_pred of shape (samples, labels); "
                             f"received {shape_of(y_pred)}.")
        columns = shape_of(y_pred)[1]
    else:
        columns = 1
    y_pred = ops.reshape(y_pred, (-1, columns))
    positive = ops.cast(ops.not_equal(ops.reshape(y_true, (-1, columns)), 0), "float32")
    weights = ops.ones_like(y_pred) if weights is None else ops.reshape(weights, (-1, columns))
    positive_weights = ops.multiply(positive, weights)
    negative_weights = ops.multiply(ops.subtract(1.0, positive), weights)
    if thresholds_evenly_spaced:
        with_epsilon = thresholds[0] < 0.0 or thresholds[-1] > 1.0
        count = len(thresholds)
        true_positives = _bucketed_positive_counts(positive_weights, y_pred, count, with_epsilon)
        false_positives = _bucketed_positive_counts(negative_weights, y_pred, count, with_epsilon)
    else:
        true_positives = _direct_positive_counts(positive_weights, y_pred, thresholds)
        false_positives = _direct_positive_counts(negative_weights, y_pred, thresholds)
    counts = {
        "true_positives": true_positives,
        "false_positives": false_positives,
        "true_negatives": ops.subtract(ops.sum(negative_weights, axis=0), false_positives),
        "false_negatives": ops.subtract(ops.sum(positive_weights, axis=0), true_positives),
    }
    if not multi_label:
        counts = {key: ops.reshape(value, (len(thresholds),)) for key, value in counts.items()}
    return counts


def _one_or_all(values: Any, thresholds: Sequence[float]) -> Any:
    """A scalar for a single threshold (as Keras), else one value per threshold."""
    return ops.reshape(values, ()) if len(thresholds) == 1 else values


class _ThresholdedMetric(Metric):
    """A metric accumulating some confusion counts over fixed thresholds."""

    counts: tuple[str, ...]

    def __init__(self, thresholds: Any, top_k: int | None, class_id: int | None,
                 name: str | None, dtype: Any):
        super().__init__(name=name, dtype=dtype)
        if top_k is not None and (not isinstance(top_k, int) or top_k < 1):
            raise ValueError(f"{self.name}: top_k={top_k!r} is invalid; expected an int >= 1.")
        self.init_thresholds = thresholds
        self.top_k = top_k
        self.class_id = class_id
        default = 0.5 if top_k is None else NEG_INF
        self.thresholds = parse_thresholds(self.name, thresholds, default)
        self._evenly_spaced = evenly_spaced(self.thresholds)

    def initial_state(self) -> State:
        return {key: ops.zeros((len(self.thresholds),), self.dtype) for key in self.counts}

    def update(self, state: State, y_true: Any, y_pred: Any, sample_weight: Any = None) -> State:
        counts = confusion_counts(self.name, y_true, y_pred, self.thresholds, sample_weight,
                                  top_k=self.top_k, class_id=self.class_id,
                                  thresholds_evenly_spaced=self._evenly_spaced)
        return {key: ops.add(state[key], ops.cast(counts[key], self.dtype)) for key in self.counts}


class _ConfusionCount(_ThresholdedMetric):
    def __init__(self, thresholds: Any = None, name: str | None = None, dtype: Any = None):
        super().__init__(thresholds, None, None, name, dtype)

    def compute(self, state: State) -> Any:
        return _one_or_all(state[self.counts[0]], self.thresholds)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "thresholds": self.init_thresholds}


class TruePositives(_ConfusionCount):
    """The (weighted) number of positive labels predicted above each threshold."""

    counts = ("true_positives",)


class FalsePositives(_ConfusionCount):
    """The (weighted) number of negative labels predicted above each threshold."""

    counts = ("false_positives",)


class TrueNegatives(_ConfusionCount):
    """The (weighted) number of negative labels predicted at or below each threshold."""

    counts = ("true_negatives",)


class FalseNegatives(_ConfusionCount):
    """The (weighted) number of positive labels predicted at or below each threshold."""

    counts = ("false_negatives",)


class Precision(_ThresholdedMetric):
    """``TP / (TP + FP)``: the share of positive predictions that are right.

    With ``top_k``, only each sample's ``k`` best scores count as predictions; with
    ``class_id``, only that column of (samples, classes) inputs is scored.
    """

    counts = ("true_positives", "false_positives")

    def __init__(self, thresholds: Any = None, top_k: int | None = None, class_id: int | None = None,
                 name: str | None = None, dtype: Any = None):
        super().__init__(thresholds, top_k, class_id, name, dtype)

    def compute(self, state: State) -> Any:
        true_positives = state["true_positives"]
        precision = divide_no_nan(true_positives, ops.add(true_positives, state["false_positives"]))
        return _one_or_all(precision, self.thresholds)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "thresholds": self.init_thresholds, "top_k": self.top_k,
                "class_id": self.class_id}


class Recall(_ThresholdedMetric):
    """``TP / (TP + FN)``: the share of positive labels that are found.

    ``top_k`` and ``class_id`` work as for :class:`Precision`.
    """

    counts = ("true_positives", "false_negatives")

    def __init__(self, thresholds: Any = None, top_k: int | None = None, class_id: int | None = None,
                 name: str | None = None, dtype: Any = None):
        super().__init__(thresholds, top_k, class_id, name, dtype)

    def compute(self, state: State) -> Any:
        true_positives = state["true_positives"]
        recall = divide_no_nan(true_positives, ops.add(true_positives, state["false_negatives"]))
        return _one_or_all(recall, self.thresholds)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "thresholds": self.init_thresholds, "top_k": self.top_k,
                "class_id": self.class_id}
