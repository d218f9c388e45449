"""BaseUpSampling: repeats rows/columns (or interpolates), behind UpSampling1D/2D/3D."""

from __future__ import annotations

from typing import Any, ClassVar

from oneiros import arguments, ops
from oneiros.layers import InputSpec, Layer

from oneiros_vision.layers import _shapes
from oneiros_vision.layers._config import as_list


class BaseUpSampling(Layer):
    """Multiplies each spatial size by ``size``: "nearest" repeats every element, "bilinear"
    (2D only) interpolates with half-pixel centres, like ``Resizing``."""

    rank: ClassVar[int]
    interpolations: ClassVar[tuple[str, ...]] = ("nearest",)

    def __init__(self, size: Any = 2, data_format: str | None = None, interpolation: str = "nearest",
                 **kwargs: Any):
        super().__init__(**kwargs)
        owner = type(self).__name__
        self.size = arguments.int_tuple(owner, "size", size, self.rank)
        self.data_format = arguments.data_format(owner, data_format)
        self.interpolation = arguments.choice(owner, "interpolation", interpolation, self.interpolations)
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def call(self, inputs: Any) -> Any:
        if self.interpolation == "bilinear":
            spatial = _shapes.spatial_of(ops.shape(inputs), self.data_format)
            target = tuple(length * factor for length, factor in zip(spatial, self.size))
            return ops.resize(inputs, target, interpolation="bilinear", data_format=self.data_format)
        for axis, factor in zip(_shapes.spatial_axes(self.data_format, self.rank), self.size):
            if factor > 1:
                inputs = ops.repeat(inputs, factor, axis=axis)
        return inputs

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        spatial = tuple(None if length is None else length * factor
                        for length, factor in zip(_shapes.spatial_of(input_shape, self.data_format), self.size))
        channels = input_shape[_shapes.channel_axis(self.data_format)]
        return _shapes.with_layout(input_shape[0], spatial, channels, self.data_format)

    def compute_output_dtype(self, input_dtype: Any) -> Any:
        return input_dtype if self.interpolation == "nearest" else self.compute_dtype

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "size": as_list(self.size), "data_format": self.data_format,
                "interpolation": self.interpolation}
