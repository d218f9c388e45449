"""Regression metrics: mean errors, RMSE, cosine similarity, log-cosh, and the R2 score."""

from __future__ import annotations

from typing import Any

from oneiros import ops
from oneiros.losses._numerics import divide_no_nan, l2_normalize
from oneiros.losses._regression import (
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
)
from oneiros.losses._shapes import Shape, aligned_pair, align_sample_weight, canonical_axis, shape_of
from oneiros.metrics._base import Metric, State
from oneiros.metrics._reduction import BuiltinMeanMetric


def cosine_similarity(y_true: Any, y_pred: Any, axis: int = -1) -> Any:
    """``sum(l2_normalize(y_true) * l2_normalize(y_pred), axis)``: 1 for equal directions."""
    y_true, y_pred = aligned_pair("cosine_similarity", y_true, y_pred)
    axis = canonical_axis("cosine_similarity", axis, len(shape_of(y_pred)))
    return ops.sum(ops.multiply(l2_normalize(y_true, axis), l2_normalize(y_pred, axis)), axis=axis)


class MeanSquaredError(BuiltinMeanMetric):
    """The mean of ``square(y_true - y_pred)``."""

    function = mean_squared_error

    def __init__(self, name: str = "mean_squared_error", dtype: Any = None):
        super().__init__(name, dtype)


class MeanAbsoluteError(BuiltinMeanMetric):
    """The mean of ``abs(y_true - y_pred)``."""

    function = mean_absolute_error

    def __init__(self, name: str = "mean_absolute_error", dtype: Any = None):
        super().__init__(name, dtype)


class MeanAbsolutePercentageError(BuiltinMeanMetric):
    """The mean of ``100 * abs((y_true - y_pred) / y_true)``."""

    function = mean_absolute_percentage_error

    def __init__(self, name: str = "mean_absolute_percentage_error", dtype: Any = None):
        super().__init__(name, dtype)


class MeanSquaredLogarithmicError(BuiltinMeanMetric):
    """The mean of ``square(log(y_true + 1) - log(y_pred + 1))``."""

    function = mean_squared_logarithmic_error

    def __init__(self, name: str = "mean_squared_logarithmic_error", dtype: Any = None):
        super().__init__(name, dtype)


class RootMeanSquaredError(BuiltinMeanMetric):
    """``sqrt`` of the mean squared error over every batch seen."""

    function = mean_squared_error

    def __init__(self, name: str = "root_mean_squared_error", dtype: Any = None):
        super().__init__(name, dtype)

    def compute(self, state: State) -> Any:
        return ops.sqrt(super().compute(state))


class CosineSimilarity(BuiltinMeanMetric):
    """The mean cosine similarity of ``y_true`` and ``y_pred`` along ``axis``."""

    function = cosine_similarity

    def __init__(self, name: str = "cosine_similarity", dtype: Any = None, axis: int = -1):
        super().__init__(name, dtype, axis=axis)


class LogCoshError(BuiltinMeanMetric):
    """The mean of ``log(cosh(y_pred - y_true))``."""

    function = log_cosh

    def __init__(self, name: str = "logcosh", dtype: Any = None):
        super().__init__(name, dtype)


CLASS_AGGREGATIONS = (None, "uniform_average", "variance_weighted_average")


class R2Score(Metric):
    """The coefficient of determination ``1 - SS_res / SS_tot`` per output, then aggregated.

    Inputs are (samples, outputs), or (samples,) for one output. ``class_aggregation``:
    None gives one score per output, "uniform_average" their mean, "variance_weighted_average"
    their mean weighted by each output's total sum of squares. ``num_regressors`` > 0 gives the
    adjusted R2 ``1 - (1 - R2)(n - 1)/(n - p - 1)``, where, as in Keras, ``n`` counts every
    entry of ``y_true``; it falls back to the plain score when ``p >= n - 1``. The state holds
    one sum per output, so the metric is unbuilt until :meth:`build`.
    """

    def __init__(self, class_aggregation: str | None = "uniform_average", num_regressors: int = 0,
                 name: str = "r2_score", dtype: Any = None):
        super().__init__(name=name, dtype=dtype)
        if class_aggregation not in CLASS_AGGREGATIONS:
            raise ValueError(f"{self.name}: class_aggregation={class_aggregation!r} is invalid; "
                             f"expected one of {CLASS_AGGREGATIONS}.")
        if not isinstance(num_regressors, int) or num_regressors < 0:
            raise ValueError(f"{self.name}: num_regressors={num_regressors!r} is invalid; expected "
                             "an int >= 0.")
        self.class_aggregation = class_aggregation
        self.num_regressors = num_regressors
        self.num_outputs: int | None = None

    @property
    def built(self) -> bool:
        return self.num_outputs is not None

    def build(self, y_true_shape: Shape, y_pred_shape: Shape) -> None:
        shape = tuple(y_pred_shape)
        if len(shape) not in (1, 2):
            raise ValueError(f"{self.name}: y_pred has shape {shape}; expected (samples, outputs) "
                             "or (samples,).")
        self.num_outputs = shape[1] if len(shape) == 2 else 1

    def initial_state(self) -> State:
        if not self.built:
            raise ValueError(f"{self.name}: keeps one sum per output; call build(y_true_shape, "
                             "y_pred_shape) or update_state first.")
        per_output = ("sum", "squared_sum", "total_mse", "count")
        state = {key: ops.zeros((self.num_outputs,), self.dtype) for key in per_output}
        state["num_samples"] = ops.zeros((), self.dtype)
        return state

    def update(self, state: State, y_true: Any, y_pred: Any, sample_weight: Any = None) -> State:
        y_true, y_pred = aligned_pair(self.name, ops.cast(ops.convert_to_tensor(y_true), self.dtype),
                                      ops.cast(ops.convert_to_tensor(y_pred), self.dtype))
        if len(shape_of(y_pred)) == 1:
            y_true, y_pred = ops.expand_dims(y_true, 1), ops.expand_dims(y_pred, 1)
        if len(shape_of(y_pred)) != 2 or shape_of(y_pred)[1] != self.num_outputs:
            raise ValueError(f"{self.name}: y_pred has shape {shape_of(y_pred)}; expected (samples, "
                             f"{self.num_outputs}) as when the metric was built.")
        weights = ops.ones_like(y_true) if sample_weight is None else sample_weight
        y_true, weights = align_sample_weight(self.name, ops.convert_to_tensor(weights, self.dtype), y_true)
        weighted_true = ops.multiply(y_true, weights)
        squared_error = ops.square(ops.subtract(y_true, y_pred))
        batch = {
            "sum": ops.sum(weighted_true, axis=0),
            "squared_sum": ops.sum(ops.multiply(y_true, weighted_true), axis=0),
            "total_mse": ops.sum(ops.multiply(squared_error, weights), axis=0),
            "count": ops.sum(weights, axis=0),
            "num_samples": float(shape_of(y_true)[0] * shape_of(y_true)[1]),
        }
        return {key: ops.add(state[key], batch[key]) for key in state}

    def compute(self, state: State) -> Any:
        mean = ops.divide(state["sum"], state["count"])
        total = ops.subtract(state["squared_sum"], ops.multiply(state["sum"], mean))
        raw = ops.subtract(1.0, ops.divide(state["total_mse"], total))
        raw = ops.where(ops.isinf(raw), ops.zeros_like(raw), raw)
        if self.class_aggregation == "uniform_average":
            score = ops.mean(raw)
        elif self.class_aggregation == "variance_weighted_average":
            score = ops.divide(ops.sum(ops.multiply(total, raw)), ops.sum(total))
        else:
            score = raw
        if self.num_regressors == 0:
            return score
        samples = state["num_samples"]
        degrees = ops.subtract(ops.subtract(samples, float(self.num_regressors)), 1.0)
        adjusted = ops.subtract(1.0, divide_no_nan(
            ops.multiply(ops.subtract(1.0, score), ops.subtract(samples, 1.0)), degrees))
        return ops.where(ops.greater(degrees, 0.0), adjusted, score)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "class_aggregation": self.class_aggregation,
                "num_regressors": self.num_regressors}
