"""BasePooling: the windowed max / average behind MaxPooling1D..3D and AveragePooling1D..3D."""

from __future__ import annotations

from typing import Any, ClassVar

from oneiros import arguments, ops
from oneiros.layers import InputSpec, Layer

from oneiros_vision.layers import _shapes
from oneiros_vision.layers._casting import floating
from oneiros_vision.layers._config import as_list

_POOL_OPS = {"max": "max_pool", "average": "average_pool"}


class BasePooling(Layer):
    """Reduces each ``pool_size`` window, moved by ``strides`` (default: ``pool_size``).

    'same' padding keeps ``ceil(length / stride)`` outputs; its border windows cover only the
    real elements (an average divides by their count). Subclasses fix ``rank`` and
    ``pool_mode`` ("max" or "average").
    """

    rank: ClassVar[int]
    pool_mode: ClassVar[str]

    def __init__(self, pool_size: Any = 2, strides: Any = None, padding: str = "valid",
                 data_format: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        owner, rank = type(self).__name__, self.rank
        self.pool_size = arguments.int_tuple(owner, "pool_size", pool_size, rank)
        self.strides = self.pool_size if strides is None else arguments.int_tuple(owner, "strides", strides, rank)
        self.padding = arguments.choice(owner, "padding", padding, ("valid", "same"))
        self.data_format = arguments.data_format(owner, data_format)
        self.input_spec = InputSpec(ndim=rank + 2)

    def build(self, input_shape: tuple) -> None:
        self.compute_output_shape(input_shape)

    def call(self, inputs: Any) -> Any:
        if self.pool_mode == "average":
            inputs = floating(inputs, self.compute_dtype)
        pool = getattr(ops, _POOL_OPS[self.pool_mode])
        return pool(inputs, self.pool_size, strides=self.strides, padding=self.padding,
                    data_format=self.data_format)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        spatial = tuple(
            _shapes.pool_length(length, size, stride, self.padding)
            for length, size, stride in zip(_shapes.spatial_of(input_shape, self.data_format), self.pool_size,
                                            self.strides)
        )
        _shapes.require_positive(type(self).__name__, self.name, input_shape, spatial)
        channels = input_shape[_shapes.channel_axis(self.data_format)]
        return _shapes.with_layout(input_shape[0], spatial, channels, self.data_format)

    def compute_output_dtype(self, input_dtype: Any) -> Any:
        return input_dtype if self.pool_mode == "max" else self.compute_dtype

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "pool_size": as_list(self.pool_size), "strides": as_list(self.strides),
                "padding": self.padding, "data_format": self.data_format}
