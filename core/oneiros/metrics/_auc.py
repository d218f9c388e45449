"""``AUC``: the area under the ROC or precision-recall curve, from thresholded confusion counts."""

from __future__ import annotations

from typing import Any

from oneiros import ops
from oneiros.losses._numerics import EPSILON, divide_no_nan
from oneiros.losses._shapes import Shape, shape_of
from oneiros.metrics._base import Metric, State
from oneiros.metrics._confusion import COUNTS, confusion_counts, evenly_spaced, parse_thresholds

CURVES = ("ROC", "PR")
SUMMATION_METHODS = ("interpolation", "minoring", "majoring")


def _head(x: Any) -> Any:
    """Every threshold but the last (axis 0)."""
    shape = shape_of(x)
    return ops.slice(x, (0,) * len(shape), (shape[0] - 1,) + shape[1:])


def _tail(x: Any) -> Any:
    """Every threshold but the first (axis 0)."""
    shape = shape_of(x)
    return ops.slice(x, (1,) + (0,) * (len(shape) - 1), (shape[0] - 1,) + shape[1:])


def interpolated_pr_areas(state: State) -> Any:
    """Per-interval areas under the PR curve, interpolating TP and FP linearly (Davis & Goadrich).

    Within an interval, precision = (TP_A + slope (P - P_A)) / P with P = TP + FP, whose
    integral over recall is ``slope (dTP + intercept log(P_B / P_A)) / total positives``.
    """
    true_positives, false_positives = state["true_positives"], state["false_positives"]
    predicted = ops.add(true_positives, false_positives)
    delta_tp = ops.subtract(_head(true_positives), _tail(true_positives))
    delta_p = ops.subtract(_head(predicted), _tail(predicted))
    slope = divide_no_nan(delta_tp, ops.maximum(delta_p, 0.0))
    intercept = ops.subtract(_tail(true_positives), ops.multiply(slope, _tail(predicted)))
    both_positive = ops.logical_and(ops.greater(_head(predicted), 0), ops.greater(_tail(predicted), 0))
    ratio = ops.where(both_positive, divide_no_nan(_head(predicted), ops.maximum(_tail(predicted), 0.0)),
                      ops.ones_like(delta_p))
    integral = ops.multiply(slope, ops.add(delta_tp, ops.multiply(intercept, ops.log(ratio))))
    positives = ops.maximum(ops.add(_tail(true_positives), _tail(state["false_negatives"])), 0.0)
    return divide_no_nan(integral, positives)


def riemann_areas(state: State, curve: str, summation_method: str) -> Any:
    """Per-interval areas of the ROC curve (TPR over FPR) or PR curve (precision over recall)."""
    true_positives = state["true_positives"]
    recall = divide_no_nan(true_positives, ops.add(true_positives, state["false_negatives"]))
    if curve == "ROC":
        false_positives = state["false_positives"]
        x = divide_no_nan(false_positives, ops.add(false_positives, state["true_negatives"]))
        y = recall
    else:
        x = recall
        y = divide_no_nan(true_positives, ops.add(true_positives, state["false_positives"]))
    if summation_method == "interpolation":
        heights = ops.divide(ops.add(_head(y), _tail(y)), 2.0)
    elif summation_method == "minoring":
        heights = ops.minimum(_head(y), _tail(y))
    else:
        heights = ops.maximum(_head(y), _tail(y))
    return ops.multiply(ops.subtract(_head(x), _tail(x)), heights)


class AUC(Metric):
    """Approximates the area under the ROC (default) or PR curve with a Riemann sum, as Keras.

    Predictions are counted at ``num_thresholds`` thresholds evenly spaced in [0, 1] (or at
    ``thresholds``, plus the endpoints -1e-7 and 1 + 1e-7). ``summation_method``
    "interpolation" uses mid-point heights for ROC and interpolates TP/FP (not precision) for
    PR; "minoring"/"majoring" give lower/upper bounds. With ``multi_label`` inputs are
    (samples, labels), each label gets its own curve and the areas are averaged (weighted by
    ``label_weights`` if given); such a metric is unbuilt until it knows ``num_labels``.
    """

    def __init__(self, num_thresholds: int = 200, curve: str = "ROC",
                 summation_method: str = "interpolation", name: str | None = None,
                 dtype: Any = None, thresholds: Any = None, multi_label: bool = False,
                 num_labels: int | None = None, label_weights: Any = None, from_logits: bool = False):
        super().__init__(name=name, dtype=dtype)
        if str(curve).upper() not in CURVES:
            raise ValueError(f"{self.name}: curve={curve!r} is invalid; expected one of {CURVES}.")
        if str(summation_method).lower() not in SUMMATION_METHODS:
            raise ValueError(f"{self.name}: summation_method={summation_method!r} is invalid; "
                             f"expected one of {SUMMATION_METHODS}.")
        if num_labels is not None and not multi_label:
            raise ValueError(f"{self.name}: num_labels is only used with multi_label=True; "
                             f"received num_labels={num_labels}.")
        self.curve = str(curve).upper()
        self.summation_method = str(summation_method).lower()
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            inner = sorted(parse_thresholds(self.name, thresholds, 0.5))
            self.num_thresholds = len(inner) + 2
            self._evenly_spaced = evenly_spaced([0.0, *inner, 1.0])
        else:
            if not isinstance(num_thresholds, int) or num_thresholds <= 1:
                raise ValueError(f"{self.name}: num_thresholds={num_thresholds!r} is invalid; "
                                 "expected an int > 1.")
            self.num_thresholds = num_thresholds
            inner = [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self._evenly_spaced = True
        # Endpoints just outside [0, 1] make predictions of exactly 0 or 1 fall inside the curve.
        self._thresholds = [0.0 - EPSILON, *inner, 1.0 + EPSILON]
        self.multi_label = multi_label
        self.num_labels = num_labels
        self.label_weights = None if label_weights is None else [float(w) for w in label_weights]
        self.from_logits = from_logits

    @property
    def thresholds(self) -> list[float]:
        """The thresholds the counts are taken at, endpoints included."""
        return list(self._thresholds)

    @property
    def built(self) -> bool:
        return not self.multi_label or self.num_labels is not None

    def build(self, y_true_shape: Shape, y_pred_shape: Shape) -> None:
        if not self.multi_label:
            return
        if len(y_pred_shape) != 2:
            raise ValueError(f"{self.name}: multi_label=True needs y_pred of shape (samples, labels); "
                             f"received {tuple(y_pred_shape)}.")
        self.num_labels = int(y_pred_shape[1])

    def initial_state(self) -> State:
        if not self.built:
            raise ValueError(f"{self.name}: multi_label=True needs num_labels, or build(y_true_shape, "
                             "y_pred_shape), before its state exists.")
        shape = (self.num_thresholds, self.num_labels) if self.multi_label else (self.num_thresholds,)
        return {key: ops.zeros(shape, self.dtype) for key in COUNTS}

    def update(self, state: State, y_true: Any, y_pred: Any, sample_weight: Any = None) -> State:
        if self.multi_label:
            pred_shape = shape_of(ops.convert_to_tensor(y_pred))
            if len(pred_shape) != 2 or pred_shape[1] != self.num_labels:
                raise ValueError(f"{self.name}: y_pred has shape {pred_shape}; expected (samples, "
                                 f"{self.num_labels}) for multi_label with num_labels={self.num_labels}.")
        if self.from_logits:
            y_pred = ops.sigmoid(ops.convert_to_tensor(y_pred, "float32"))
        counts = confusion_counts(
            self.name, y_true, y_pred, self._thresholds, sample_weight, multi_label=self.multi_label,
            label_weights=None if self.multi_label else self.label_weights,
            thresholds_evenly_spaced=self._evenly_spaced,
        )
        return {key: ops.add(state[key], ops.cast(counts[key], self.dtype)) for key in COUNTS}

    def compute(self, state: State) -> Any:
        if self.curve == "PR" and self.summation_method == "interpolation":
            areas = interpolated_pr_areas(state)
        else:
            areas = riemann_areas(state, self.curve, self.summation_method)
        per_label = ops.sum(areas, axis=0)
        if not self.multi_label:
            return per_label
        if self.label_weights is None:
            return ops.mean(per_label)
        weights = ops.convert_to_tensor(self.label_weights, self.dtype)
        return divide_no_nan(ops.sum(ops.multiply(per_label, weights)), ops.sum(weights))

    def get_config(self) -> dict[str, Any]:
        config = {
            **super().get_config(),
            "num_thresholds": self.num_thresholds,
            "curve": self.curve,
            "summation_method": self.summation_method,
            "multi_label": self.multi_label,
            "num_labels": self.num_labels,
            "label_weights": self.label_weights,
            "from_logits": self.from_logits,
        }
        if self._init_from_thresholds:
            config["thresholds"] = self._thresholds[1:-1]
        return config
