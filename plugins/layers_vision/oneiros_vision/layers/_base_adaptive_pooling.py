"""BaseAdaptivePooling: pools any input size down (or up) to a fixed output size."""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np

from oneiros import ops
from oneiros.layers import InputSpec, Layer

from oneiros_vision.layers import _arguments, _shapes
from oneiros_vision.layers._casting import floating
from oneiros_vision.layers._config import as_list


def windows(length: int, size: int) -> list[tuple[int, int]]:
    """PyTorch's and Keras's adaptive windows: output i covers [floor(i L / n), ceil((i + 1) L / n))."""
    return [(i * length // size, math.ceil((i + 1) * length / size)) for i in range(size)]


def _average_along(values: Any, axis: int, size: int) -> Any:
    length = ops.shape(values)[axis]
    weights = np.zeros((length, size), dtype=np.float32)
    for index, (start, stop) in enumerate(windows(length, size)):
        weights[start:stop, index] = 1.0 / (stop - start)
    pooled = ops.tensordot(values, ops.convert_to_tensor(weights, ops.dtype(values)), axes=([axis], [0]))
    return ops.moveaxis(pooled, -1, axis)


def _max_along(values: Any, axis: int, size: int) -> Any:
    shape = tuple(ops.shape(values))
    spans = windows(shape[axis], size)
    widest = max(stop - start for start, stop in spans)
    # Short windows repeat their first element, which leaves their maximum unchanged.
    picks = np.array([[start + min(k, stop - start - 1) for k in range(widest)] for start, stop in spans],
                     dtype=np.int32)
    gathered = ops.take(values, ops.convert_to_tensor(picks.reshape(-1), "int32"), axis=axis)
    gathered = ops.reshape(gathered, shape[:axis] + (size, widest) + shape[axis + 1:])
    return ops.max(gathered, axis=axis + 1)


class BaseAdaptivePooling(Layer):
    """Averages or takes the maximum over ``output_size`` windows per spatial axis, whatever the
    input's size: window i of n over length L covers [floor(i L / n), ceil((i + 1) L / n)).
    Subclasses fix ``rank`` and ``pool_mode`` ("average" or "max")."""

    rank: ClassVar[int]
    pool_mode: ClassVar[str]

    def __init__(self, output_size: Any, data_format: str | None = None, **kwargs: Any):
        owner = type(self).__name__
        output_size = _arguments.int_tuple(owner, "output_size", output_size, self.rank)
        data_format = _arguments.data_format(owner, data_format)
        super().__init__(**kwargs)
        self.output_size = output_size
        self.data_format = data_format
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def call(self, inputs: Any) -> Any:
        pool_along = _average_along if self.pool_mode == "average" else _max_along
        values = floating(inputs, self.compute_dtype) if self.pool_mode == "average" else inputs
        for axis, size in zip(_shapes.spatial_axes(self.data_format, self.rank), self.output_size):
            values = pool_along(values, axis, size)
        return values

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        channels = input_shape[_shapes.channel_axis(self.data_format)]
        return _shapes.with_layout(input_shape[0], self.output_size, channels, self.data_format)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "output_size": as_list(self.output_size), "data_format": self.data_format}
