"""F-beta and F1 scores for (samples, classes) predictions, averaged per Keras's ``average``."""

from __future__ import annotations

from typing import Any

from oneiros import ops
from oneiros.losses._numerics import EPSILON
from oneiros.losses._shapes import Shape, broadcast_shape, float_tensor, shape_of
from oneiros.metrics._base import Metric, State

AVERAGES = (None, "micro", "macro", "weighted")
COUNTS = ("true_positives", "false_positives", "false_negatives", "intermediate_weights")


class FBetaScore(Metric):
    """``(1 + beta**2) P R / (beta**2 P + R)`` per class, or averaged.

    A prediction is positive where ``y_pred > threshold``, or, with ``threshold=None``, where
    it is the (non-zero) maximum of its row. ``average``: None gives one score per class;
    "micro" pools the counts of every class; "macro" averages the class scores; "weighted"
    averages them weighted by each class's (weighted) number of true labels. Per-class
    averages size the state by the number of classes, known after :meth:`build`.
    """

    def __init__(self, average: str | None = None, beta: float = 1.0, threshold: float | None = None,
                 name: str = "fbeta_score", dtype: Any = None):
        super().__init__(name=name, dtype=dtype)
        if average not in AVERAGES:
            raise ValueError(f"{self.name}: average={average!r} is invalid; expected one of {AVERAGES}.")
        if not isinstance(beta, float) or beta <= 0.0:
            raise ValueError(f"{self.name}: beta={beta!r} is invalid; expected a Python float > 0.")
        if threshold is not None and (not isinstance(threshold, float) or not 0.0 < threshold <= 1.0):
            raise ValueError(f"{self.name}: threshold={threshold!r} is invalid; expected None or a "
                             "Python float in (0, 1].")
        self.average = average
        self.beta = beta
        self.threshold = threshold
        self.num_classes: int | None = None

    @property
    def built(self) -> bool:
        return self.average == "micro" or self.num_classes is not None

    def build(self, y_true_shape: Shape, y_pred_shape: Shape) -> None:
        self._check_shapes(tuple(y_true_shape), tuple(y_pred_shape))
        self.num_classes = int(y_pred_shape[-1])

    def _check_shapes(self, true_shape: Shape, pred_shape: Shape) -> None:
        if len(pred_shape) != 2 or true_shape != pred_shape:
            raise ValueError(f"{self.name}: y_true has shape {true_shape} and y_pred has shape "
                             f"{pred_shape}; expected equal shapes (samples, classes).")
        if self.num_classes is not None and pred_shape[-1] != self.num_classes:
            raise ValueError(f"{self.name}: y_pred has {pred_shape[-1]} classes; this metric was "
                             f"built for {self.num_classes}.")

    def initial_state(self) -> State:
        if not self.built:
            raise ValueError(f"{self.name}: average={self.average!r} keeps one count per class; "
                             "call build(y_true_shape, y_pred_shape) or update_state first.")
        shape = () if self.average == "micro" else (self.num_classes,)
        return {key: ops.zeros(shape, self.dtype) for key in COUNTS}

    def update(self, state: State, y_true: Any, y_pred: Any, sample_weight: Any = None) -> State:
        y_pred = ops.cast(float_tensor(y_pred), self.dtype)
        y_true = ops.cast(ops.convert_to_tensor(y_true), self.dtype)
        self._check_shapes(shape_of(y_true), shape_of(y_pred))
        if self.threshold is None:
            row_max = ops.max(y_pred, axis=-1, keepdims=True)
            # A row of zeros must not predict every class.
            predicted = ops.logical_and(ops.greater_equal(y_pred, row_max),
                                        ops.greater(ops.abs(y_pred), 1e-9))
        else:
            predicted = ops.greater(y_pred, self.threshold)
        predicted = ops.cast(predicted, self.dtype)
        weights = self._weights(sample_weight, shape_of(y_pred))
        axis = None if self.average == "micro" else 0

        def weighted_sum(values: Any) -> Any:
            return ops.sum(values if weights is None else ops.multiply(values, weights), axis=axis)

        not_true, not_predicted = ops.subtract(1.0, y_true), ops.subtract(1.0, predicted)
        batch = {
            "true_positives": weighted_sum(ops.multiply(predicted, y_true)),
            "false_positives": weighted_sum(ops.multiply(predicted, not_true)),
            "false_negatives": weighted_sum(ops.multiply(not_predicted, y_true)),
            "intermediate_weights": weighted_sum(y_true),
        }
        return {key: ops.add(state[key], batch[key]) for key in COUNTS}

    def _weights(self, sample_weight: Any, pred_shape: Shape) -> Any:
        if sample_weight is None:
            return None
        weights = ops.convert_to_tensor(sample_weight, self.dtype)
        raw_shape = shape_of(weights)
        if len(raw_shape) == 1:
            weights = ops.expand_dims(weights, 1)
        if broadcast_shape(shape_of(weights), pred_shape) != pred_shape:
            raise ValueError(f"{self.name}: sample_weight of shape {raw_shape} does "
                             f"not fit y_pred of shape {pred_shape}; expected one weight per sample.")
        return weights

    def compute(self, state: State) -> Any:
        true_positives = state["true_positives"]
        precision = ops.divide(true_positives,
                               ops.add(ops.add(true_positives, state["false_positives"]), EPSILON))
        recall = ops.divide(true_positives,
                            ops.add(ops.add(true_positives, state["false_negatives"]), EPSILON))
        beta_squared = self.beta ** 2
        harmonic = ops.divide(ops.multiply(precision, recall),
                              ops.add(ops.add(ops.multiply(precision, beta_squared), recall), EPSILON))
        scores = ops.multiply(harmonic, 1.0 + beta_squared)
        if self.average == "weighted":
            support = state["intermediate_weights"]
            shares = ops.divide(support, ops.add(ops.sum(support), EPSILON))
            return ops.sum(ops.multiply(scores, shares))
        if self.average is not None:
            return ops.mean(scores)
        return scores

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "average": self.average, "beta": self.beta,
                "threshold": self.threshold}


class F1Score(FBetaScore):
    """The harmonic mean of precision and recall: :class:`FBetaScore` with ``beta=1``."""

    def __init__(self, average: str | None = None, threshold: float | None = None,
                 name: str = "f1_score", dtype: Any = None):
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name, dtype=dtype)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        del config["beta"]
        return config
