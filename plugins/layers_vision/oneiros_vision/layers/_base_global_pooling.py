"""BaseGlobalPooling: max / mean over every spatial axis, behind GlobalMax/GlobalAveragePooling1D..3D."""

from __future__ import annotations

from typing import Any, ClassVar

from oneiros import arguments, ops
from oneiros.layers import InputSpec, Layer

from oneiros_vision.layers import _shapes
from oneiros_vision.layers._casting import floating


class BaseGlobalPooling(Layer):
    """``(batch, *spatial, channels)`` to ``(batch, channels)`` (``keepdims`` keeps the spatial
    axes with size 1). Subclasses fix ``rank`` and ``pool_mode`` ("max" or "average")."""

    rank: ClassVar[int]
    pool_mode: ClassVar[str]

    def __init__(self, data_format: str | None = None, keepdims: bool = False, **kwargs: Any):
        super().__init__(**kwargs)
        self.data_format = arguments.data_format(type(self).__name__, data_format)
        self.keepdims = bool(keepdims)
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def call(self, inputs: Any) -> Any:
        axes = _shapes.spatial_axes(self.data_format, self.rank)
        if self.pool_mode == "max":
            return ops.max(inputs, axis=axes, keepdims=self.keepdims)
        inputs = floating(inputs, self.compute_dtype)
        return ops.mean(inputs, axis=axes, keepdims=self.keepdims)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        channels = input_shape[_shapes.channel_axis(self.data_format)]
        if self.keepdims:
            return _shapes.with_layout(input_shape[0], (1,) * self.rank, channels, self.data_format)
        return (input_shape[0], channels)

    def compute_output_dtype(self, input_dtype: Any) -> Any:
        return input_dtype if self.pool_mode == "max" else self.compute_dtype

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "data_format": self.data_format, "keepdims": self.keepdims}
