"""Discretization: buckets continuous values by boundaries given or learned by ``adapt``."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from oneiros import arguments, ops
from oneiros.layers._adapt import adapt_batches
from oneiros.layers.layer import Layer

OUTPUT_MODES = ("int", "one_hot", "multi_hot", "count")


class Discretization(Layer):
    """The bucket of each value: with ``bin_boundaries=[0., 1., 2.]`` the buckets are
    ``(-inf, 0)``, ``[0, 1)``, ``[1, 2)`` and ``[2, inf)`` (Keras 3's layer and arguments).

    Give ``bin_boundaries``, or ``num_bins`` and call :meth:`adapt`, which estimates quantile
    boundaries with Keras's own summary algorithm (sorted samples every ``epsilon`` of the data,
    merged across batches and interpolated), so the same data gives Keras's boundaries.
    ``output_mode``: ``"int"`` (int32 bucket ids), or ``"one_hot"``, ``"multi_hot"``, ``"count"``
    vectors as :class:`CategoryEncoding` makes them. The boundaries are constants of the
    computation, so the layer runs in compiled models; they are part of the config.

    Example::

        layer = oi.layers.Discretization(bin_boundaries=[0.0, 1.0, 2.0])
        layer(np.array([[-1.5, 1.0, 3.4, 0.5]]))          # [[0, 2, 3, 1]]
    """

    def __init__(self, bin_boundaries: Any = None, num_bins: int | None = None, epsilon: float = 0.01,
                 output_mode: str = "int", sparse: bool = False, **kwargs: Any):
        owner = type(self).__name__
        if sparse:
            raise ValueError(f"{owner}: `sparse=True` needs sparse tensors, which Oneiros backends do not have; "
                             "received sparse=True.")
        arguments.choice(owner, "output_mode", output_mode, OUTPUT_MODES)
        if num_bins is not None and (isinstance(num_bins, bool) or not isinstance(num_bins, numbers.Integral)
                                     or num_bins < 0):
            raise ValueError(f"{owner}: argument `num_bins` must be None or an int >= 0; received num_bins={num_bins!r}.")
        if (num_bins is None) == (bin_boundaries is None):
            raise ValueError(f"{owner}: set exactly one of `num_bins` and `bin_boundaries`; received "
                             f"num_bins={num_bins!r} and bin_boundaries={bin_boundaries!r}.")
        epsilon = arguments.real(owner, "epsilon", epsilon, minimum=0.0, exclusive_minimum=True)
        boundaries = None if bin_boundaries is None else _boundaries(owner, bin_boundaries)
        super().__init__(**kwargs)
        self.bin_boundaries = boundaries
        self.num_bins = num_bins
        self.epsilon = epsilon
        self.output_mode = output_mode
        self.sparse = False
        self.summary = np.zeros((2, 0), "float32")

    def adapt(self, data: Any, steps: int | None = None) -> None:
        """Learns ``num_bins - 1`` boundaries from the quantiles of ``data`` (an array, a tensor,
        an ``oi.data.Dataset`` or an iterable of batches; at most ``steps`` batches)."""
        if self.num_bins is None:
            raise ValueError(f"{type(self).__name__} {self.name!r} was given bin_boundaries; adapt() learns them only "
                             "when num_bins is set.")
        summary = np.zeros((2, 0), "float32")
        for batch in adapt_batches(type(self).__name__, data, steps):
            summary = _merge(_summarize(batch.astype("float32"), self.epsilon), summary, self.epsilon)
        self.summary = summary
        self.bin_boundaries = _compress(summary, 1.0 / self.num_bins)[0, :-1].tolist()

    @property
    def depth(self) -> int:
        return len(self.bin_boundaries) + 1 if self.bin_boundaries is not None else self.num_bins

    def call(self, inputs: Any) -> Any:
        if self.bin_boundaries is None:
            raise ValueError(f"{type(self).__name__} {self.name!r} has no bin boundaries: pass bin_boundaries or call "
                             "adapt(data) first.")
        values = ops.expand_dims(inputs, -1)
        boundaries = ops.convert_to_tensor(np.asarray(self.bin_boundaries, "float32"), ops.dtype(values)
                                           if "float" in ops.dtype(values) else "float32")
        if "float" not in ops.dtype(values):
            values = ops.cast(values, "float32")
        ids = ops.sum(ops.cast(ops.greater_equal(values, boundaries), "int32"), axis=-1)
        return _encode(ids, self.depth, self.output_mode, self.compute_dtype)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        input_shape = tuple(input_shape)
        if self.output_mode == "int":
            return input_shape
        if self.output_mode == "one_hot":
            kept = input_shape[:-1] if len(input_shape) > 1 and input_shape[-1] == 1 else input_shape
            return (*kept, self.depth)
        return (input_shape[0], *input_shape[2:], self.depth) if len(input_shape) >= 2 else (self.depth,)

    def compute_output_dtype(self, input_dtype: Any) -> str:
        return "int32" if self.output_mode == "int" else self.compute_dtype

    def get_config(self) -> dict[str, Any]:
        # Keras's keys only (no `trainable`), so Keras reads the config too.
        return {"name": self.name, "dtype": self.dtype_policy.name, "bin_boundaries": self.bin_boundaries,
                "num_bins": self.num_bins, "epsilon": self.epsilon, "output_mode": self.output_mode,
                "sparse": self.sparse}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Discretization:
        """An adapted layer's config has both ``num_bins`` and the learned ``bin_boundaries``."""
        config = dict(config)
        if config.get("bin_boundaries") is not None and config.get("num_bins") is not None:
            boundaries = config.pop("bin_boundaries")
            layer = cls(**config)
            layer.bin_boundaries = _boundaries(cls.__name__, boundaries)
            return layer
        return cls(**config)


def _boundaries(owner: str, value: Any) -> list[float]:
    array = np.asarray(value, "float64")
    if array.ndim != 1 or not np.all(np.isfinite(array)) or np.any(np.diff(array) < 0):
        raise ValueError(f"{owner}: argument `bin_boundaries` must be a list of finite, non-decreasing numbers; "
                         f"received bin_boundaries={value!r}.")
    return [float(v) for v in array]


def _encode(ids: Any, depth: int, mode: str, dtype: str) -> Any:
    """Keras's ``encode_categorical_inputs`` for int ids in [0, depth)."""
    if mode == "int":
        return ids
    shape = tuple(ops.shape(ids))
    if mode == "one_hot":
        if len(shape) > 1 and shape[-1] == 1:
            ids = ops.squeeze(ids, axis=-1)
        return ops.one_hot(ids, depth, dtype=dtype)
    hot = ops.one_hot(ids, depth, dtype=dtype)
    axis = 1 if len(shape) > 1 else 0
    return ops.max(hot, axis=axis) if mode == "multi_hot" else ops.sum(hot, axis=axis)


def _summarize(values: np.ndarray, epsilon: float) -> np.ndarray:
    """Keras's quantile summary of one batch: every ``step``-th sorted value, weighted by ``step``."""
    values = np.sort(values.reshape(-1))
    step = max(values.size * epsilon, 1)
    boundaries = values[int(step - 1)::int(step)]
    return np.stack([boundaries, np.ones_like(boundaries) * step])


def _merge(summary: np.ndarray, other: np.ndarray, epsilon: float) -> np.ndarray:
    merged = np.concatenate((summary, other), axis=1)
    return _compress(np.take(merged, np.argsort(merged[0]), axis=1), epsilon)


def _compress(summary: np.ndarray, epsilon: float) -> np.ndarray:
    """A summary reduced to about ``1 / epsilon`` points by interpolating cumulative weights."""
    if summary.shape[1] * epsilon < 1:
        return summary
    percents = epsilon + np.arange(0.0, 1.0, epsilon)
    cumulative = summary[1].cumsum()
    shares = cumulative / cumulative[-1]
    bins = np.interp(percents, shares, summary[0])
    cumulative = np.interp(percents, shares, cumulative)
    weights = cumulative - np.concatenate((np.array([0]), cumulative[:-1]))
    return np.stack((bins, weights)).astype("float32")
