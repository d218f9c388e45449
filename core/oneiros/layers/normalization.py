"""Normalization: shifts and scales features by a mean and variance given or learned by ``adapt``."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from oneiros import ops
from oneiros.backend._keras_settings import EPSILON
from oneiros.layers._adapt import adapt_batches
from oneiros.layers.layer import Layer


class Normalization(Layer):
    """``(inputs - mean) / max(sqrt(variance), 1e-7)`` per index of the kept ``axis`` (Keras 3's
    layer). ``mean`` and ``variance`` are given together, or learned from data by :meth:`adapt`,
    which stores them (with the sample ``count``) as the non-trainable weights ``mean``,
    ``variance`` and ``count``; ``invert=True`` applies the inverse transformation.

    ``axis`` is an int, a tuple of ints or None (one scalar mean and variance for everything).

    Example::

        layer = oi.layers.Normalization(axis=None)
        layer.adapt(np.array([1.0, 2.0, 3.0, 4.0, 5.0], "float32"))
        layer(np.array([1.0, 2.0, 3.0], "float32"))          # [-1.414, -0.707, 0.0]
    """

    supports_masking = True

    def __init__(self, axis: int | tuple[int, ...] | None = -1, mean: Any = None, variance: Any = None,
                 invert: bool = False, **kwargs: Any):
        owner = type(self).__name__
        axes = _axes(owner, axis)
        if (mean is None) != (variance is None):
            raise ValueError(f"{owner}: `mean` and `variance` are given together; received mean={mean!r} and "
                             f"variance={variance!r}.")
        if mean is not None:
            if np.shape(mean) != np.shape(variance):
                raise ValueError(f"{owner}: `mean` and `variance` must have the same shape; received shapes "
                                 f"{np.shape(mean)} and {np.shape(variance)}.")
            if len(np.shape(mean)) > len(axes):
                raise ValueError(f"{owner}: the rank of `mean` must be at most the number of kept axes "
                                 f"({len(axes)}); received mean of shape {np.shape(mean)} for axis={axis!r}.")
        super().__init__(**kwargs)
        self.axis = axes
        self.input_mean = mean
        self.input_variance = variance
        self.invert = bool(invert)

    def build(self, input_shape: tuple) -> None:
        ndim = len(input_shape)
        if any(not -ndim <= a < ndim for a in self.axis):
            raise ValueError(f"{type(self).__name__} {self.name!r}: every axis must lie in [-{ndim}, {ndim}); "
                             f"received axis={self.axis} for inputs of shape {tuple(input_shape)}.")
        self._build_shape = tuple(input_shape)
        self._keep_axes = tuple(sorted(a % ndim for a in self.axis))
        unknown = [a for a in self._keep_axes if input_shape[a] is None]
        if unknown:
            raise ValueError(f"{type(self).__name__} {self.name!r}: the kept axes {list(self._keep_axes)} need known "
                             f"sizes; received inputs of shape {tuple(input_shape)}.")
        self._reduce_axes = tuple(a for a in range(ndim) if a not in self._keep_axes)
        self._broadcast_shape = tuple(input_shape[a] if a in self._keep_axes else 1 for a in range(ndim))
        statistics_shape = tuple(input_shape[a] for a in self._keep_axes)
        if self.input_mean is None:
            self.adapt_mean = self.add_weight(shape=statistics_shape, initializer="zeros", trainable=False,
                                              name="mean")
            self.adapt_variance = self.add_weight(shape=statistics_shape, initializer="ones", trainable=False,
                                                  name="variance")
            self.count = self.add_weight(shape=(), initializer="zeros", dtype="int32", trainable=False, name="count")
        else:
            self._fixed = tuple(self._given(value) for value in (self.input_mean, self.input_variance))

    def _given(self, value: Any) -> np.ndarray:
        """A given mean or variance, its axes aligned with the last kept axes, broadcast like the inputs."""
        array = np.asarray(value, "float32")
        expanded = [1] * len(self._broadcast_shape)
        for offset in range(1, array.ndim + 1):
            expanded[self._keep_axes[-offset]] = array.shape[-offset]
        try:
            return np.broadcast_to(array.reshape(expanded), self._broadcast_shape)
        except ValueError as error:
            raise ValueError(f"{type(self).__name__} {self.name!r}: cannot broadcast the given mean/variance of "
                             f"shape {array.shape} to {self._broadcast_shape}.") from error

    def adapt(self, data: Any, steps: int | None = None) -> None:
        """Learns the mean and variance of ``data`` over every axis but the kept ones: an array or
        tensor, an ``oi.data.Dataset`` (its ``x``) or an iterable of batches, merged exactly."""
        owner = type(self).__name__
        if self.input_mean is not None:
            raise ValueError(f"{owner} {self.name!r} was given its mean and variance; adapt() learns them only "
                             "when both are None.")
        total_mean = total_variance = None
        total_count = 0
        for batch in adapt_batches(owner, data, steps):
            batch = batch.astype("float64")
            if not self.built:
                self._maybe_build(batch.shape)
            self._check_adapt_shape(batch.shape)
            mean, variance = batch.mean(axis=self._reduce_axes), batch.var(axis=self._reduce_axes)
            count = int(np.prod([batch.shape[a] for a in self._reduce_axes]))
            if total_mean is None:
                total_mean, total_variance, total_count = mean, variance, count
                continue
            share = count / (total_count + count)
            merged_mean = total_mean * (1 - share) + mean * share
            total_variance = ((total_variance + (total_mean - merged_mean) ** 2) * (1 - share)
                              + (variance + (mean - merged_mean) ** 2) * share)
            total_mean, total_count = merged_mean, total_count + count
        self.adapt_mean.assign(total_mean.astype("float32"))
        self.adapt_variance.assign(total_variance.astype("float32"))
        self.count.assign(np.asarray(total_count, "int32"))

    def _check_adapt_shape(self, shape: tuple) -> None:
        if len(shape) != len(self._build_shape) or any(shape[a] != self._build_shape[a] for a in self._keep_axes):
            raise ValueError(f"{type(self).__name__} {self.name!r} was built for inputs of shape {self._build_shape} "
                             f"(kept axes {list(self._keep_axes)}); adapt() received a batch of shape {shape}.")

    def _statistics(self) -> tuple[Any, Any]:
        if self.input_mean is not None:
            return tuple(ops.convert_to_tensor(value, self.compute_dtype) for value in self._fixed)
        return tuple(ops.cast(ops.reshape(weight.value, self._broadcast_shape), self.compute_dtype)
                     for weight in (self.adapt_mean, self.adapt_variance))

    def call(self, inputs: Any) -> Any:
        inputs = ops.cast(inputs, self.compute_dtype)
        mean, variance = self._statistics()
        deviation = ops.maximum(ops.sqrt(variance), EPSILON)
        if self.invert:
            return ops.add(mean, ops.multiply(inputs, deviation))
        return ops.divide(ops.subtract(inputs, mean), deviation)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(input_shape)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "axis": list(self.axis), "invert": self.invert,
                "mean": np.asarray(self.input_mean).tolist(), "variance": np.asarray(self.input_variance).tolist()}


def _axes(owner: str, axis: Any) -> tuple[int, ...]:
    if axis is None:
        return ()
    values = (axis,) if isinstance(axis, numbers.Integral) and not isinstance(axis, bool) else axis
    if not isinstance(values, (list, tuple)) or not all(
            isinstance(a, numbers.Integral) and not isinstance(a, bool) for a in values):
        raise ValueError(f"{owner}: argument `axis` must be an int, a tuple of ints or None; received axis={axis!r}.")
    return tuple(int(a) for a in values)
