"""Reduction metrics: ``Sum``, ``Mean``, and ``MeanMetricWrapper`` (the mean of a function)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from oneiros import ops
from oneiros.losses._base import registered_function_name, resolve_function
from oneiros.losses._numerics import divide_no_nan
from oneiros.losses._shapes import broadcast_shape, shape_of, squeeze_or_expand_to_same_rank
from oneiros.metrics._base import Metric, State


def samplewise_values(owner: str, values: Any, sample_weight: Any, reduce_fn: Callable,
                      dtype: str) -> tuple[Any, Any]:
    """Values and weights reduced to one per sample, the values already weighted (as Keras).

    Values of higher rank than the weights are first reduced with ``reduce_fn`` down to the
    weights' rank; weights then broadcast to the values, and both are reduced to axis 0.
    """
    values = ops.cast(values, dtype)
    if sample_weight is not None:
        sample_weight = ops.convert_to_tensor(sample_weight, dtype)
        raw_weight, raw_values = shape_of(sample_weight), shape_of(values)
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        weight_rank, value_rank = len(shape_of(sample_weight)), len(shape_of(values))
        if value_rank > weight_rank:
            values = reduce_fn(values, axis=tuple(range(weight_rank, value_rank)))
        if broadcast_shape(shape_of(sample_weight), shape_of(values)) != shape_of(values):
            raise ValueError(
                f"{owner}: sample_weight of shape {raw_weight} does not fit values of shape "
                f"{raw_values}; expected a scalar, one weight per sample, or a shape that "
                "broadcasts to the values' leading axes."
            )
        sample_weight = ops.broadcast_to(sample_weight, shape_of(values))
        values = ops.multiply(values, sample_weight)
        if weight_rank > 1:
            sample_weight = reduce_fn(sample_weight, axis=tuple(range(1, weight_rank)))
    value_rank = len(shape_of(values))
    if value_rank > 1:
        values = reduce_fn(values, axis=tuple(range(1, value_rank)))
    return values, sample_weight


def masked_weights(sample_weight: Any, mask: Any, dtype: str) -> Any:
    """``sample_weight`` times a bool ``mask`` (the mask alone when there are no weights)."""
    if mask is None:
        return sample_weight
    float_mask = ops.cast(mask, dtype)
    if sample_weight is None:
        return float_mask
    float_mask, sample_weight = squeeze_or_expand_to_same_rank(
        float_mask, ops.convert_to_tensor(sample_weight, dtype))
    return ops.multiply(sample_weight, float_mask)


def scalar_zero(dtype: str) -> Any:
    return ops.zeros((), dtype)


class Sum(Metric):
    """The (weighted) sum of the values passed to ``update_state(values, sample_weight=None)``."""

    def __init__(self, name: str = "sum", dtype: Any = None):
        super().__init__(name=name, dtype=dtype)

    def initial_state(self) -> State:
        return {"total": scalar_zero(self.dtype)}

    def update(self, state: State, values: Any, sample_weight: Any = None) -> State:
        values, _ = samplewise_values(self.name, ops.convert_to_tensor(values), sample_weight,
                                      ops.sum, self.dtype)
        return {"total": ops.add(state["total"], ops.sum(values))}

    def compute(self, state: State) -> Any:
        return state["total"]

    def update_state(self, values: Any, sample_weight: Any = None) -> None:
        self.state = self.update(self._current_state(), values, sample_weight)


class Mean(Metric):
    """The (weighted) mean of the values passed to ``update_state(values, sample_weight=None)``."""

    def __init__(self, name: str = "mean", dtype: Any = None):
        super().__init__(name=name, dtype=dtype)

    def initial_state(self) -> State:
        return {"total": scalar_zero(self.dtype), "count": scalar_zero(self.dtype)}

    def update(self, state: State, values: Any, sample_weight: Any = None) -> State:
        values, sample_weight = samplewise_values(self.name, ops.convert_to_tensor(values),
                                                  sample_weight, ops.mean, self.dtype)
        if sample_weight is not None:
            count = ops.sum(sample_weight)
        else:
            count = float(shape_of(values)[0]) if shape_of(values) else 1.0
        return {"total": ops.add(state["total"], ops.sum(values)),
                "count": ops.add(state["count"], count)}

    def compute(self, state: State) -> Any:
        return divide_no_nan(state["total"], state["count"])

    def update_state(self, values: Any, sample_weight: Any = None) -> None:
        self.state = self.update(self._current_state(), values, sample_weight)


class MeanMetricWrapper(Mean):
    """The mean of ``fn(y_true, y_pred, **kwargs)``, a function returning per-sample values."""

    def __init__(self, fn: Callable, name: str | None = None, dtype: Any = None, **kwargs: Any):
        if not callable(fn):
            raise TypeError(f"MeanMetricWrapper: fn must be callable; received {fn!r}.")
        super().__init__(name=name or getattr(fn, "__name__", None), dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs

    def values(self, y_true: Any, y_pred: Any) -> Any:
        """The per-sample values this metric averages."""
        return self._fn(y_true, y_pred, **self._fn_kwargs)

    def valid_mask(self, y_true: Any, y_pred: Any) -> Any:
        """A bool tensor shaped like :meth:`values` marking values that count, or None."""
        return None

    def update(self, state: State, y_true: Any, y_pred: Any, sample_weight: Any = None) -> State:
        y_true, y_pred = ops.convert_to_tensor(y_true), ops.convert_to_tensor(y_pred)
        weights = masked_weights(sample_weight, self.valid_mask(y_true, y_pred), self.dtype)
        return super().update(state, self.values(y_true, y_pred), weights)

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        self.state = self.update(self._current_state(), y_true, y_pred, sample_weight)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "fn": registered_function_name(self._fn), **self._fn_kwargs}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Metric:
        config = dict(config)
        if "fn" in config:
            config["fn"] = resolve_function(config["fn"])
        return cls(**config)


class BuiltinMeanMetric(MeanMetricWrapper):
    """A built-in mean of one function: its config is its constructor's arguments.

    Subclasses set ``function`` and pass its keyword arguments to ``__init__``; they become
    attributes too (``metric.threshold``), as in Keras.
    """

    function: Callable[..., Any]

    def __init__(self, name: str, dtype: Any, **kwargs: Any):
        super().__init__(type(self).function, name=name, dtype=dtype, **kwargs)
        for key, value in kwargs.items():
            setattr(self, key, value)

    def get_config(self) -> dict[str, Any]:
        return {**Metric.get_config(self), **self._fn_kwargs}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Metric:
        return cls(**config)
