"""BaseZeroPadding: zeros added around the spatial axes, behind ZeroPadding1D/2D/3D."""

from __future__ import annotations

from typing import Any, ClassVar

from oneiros import arguments, ops
from oneiros.layers import InputSpec, Layer

from oneiros_vision.layers import _shapes
from oneiros_vision.layers._config import as_list


class BaseZeroPadding(Layer):
    """Pads each spatial axis with zeros: ``padding`` is an int (every side), one int per axis
    (both sides of that axis), or one ``(before, after)`` pair per axis."""

    rank: ClassVar[int]

    def __init__(self, padding: Any = 1, data_format: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        owner = type(self).__name__
        self.padding = arguments.padding_pairs(owner, "padding", padding, self.rank)
        self.data_format = arguments.data_format(owner, data_format)
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def call(self, inputs: Any) -> Any:
        pad_width = [(0, 0)] * (self.rank + 2)
        for axis, pair in zip(_shapes.spatial_axes(self.data_format, self.rank), self.padding):
            pad_width[axis] = pair
        return ops.pad(inputs, pad_width)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        spatial = tuple(None if length is None else length + before + after
                        for length, (before, after) in zip(_shapes.spatial_of(input_shape, self.data_format),
                                                           self.padding))
        channels = input_shape[_shapes.channel_axis(self.data_format)]
        return _shapes.with_layout(input_shape[0], spatial, channels, self.data_format)

    def compute_output_dtype(self, input_dtype: Any) -> Any:
        return input_dtype

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "padding": as_list(self.padding), "data_format": self.data_format}
