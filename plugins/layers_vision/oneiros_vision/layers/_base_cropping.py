"""BaseCropping: elements removed from the ends of the spatial axes, behind Cropping1D/2D/3D."""

from __future__ import annotations

from typing import Any, ClassVar

from oneiros import arguments, ops
from oneiros.layers import InputSpec, Layer

from oneiros_vision.layers import _shapes
from oneiros_vision.layers._config import as_list


class BaseCropping(Layer):
    """Crops each spatial axis: ``cropping`` is an int (every side), one int per axis (both
    sides of that axis), or one ``(before, after)`` pair per axis."""

    rank: ClassVar[int]

    def __init__(self, cropping: Any = 1, data_format: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        owner = type(self).__name__
        self.cropping = arguments.padding_pairs(owner, "cropping", cropping, self.rank)
        self.data_format = arguments.data_format(owner, data_format)
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def build(self, input_shape: tuple) -> None:
        self.compute_output_shape(input_shape)

    def call(self, inputs: Any) -> Any:
        shape = tuple(ops.shape(inputs))
        starts, sizes = [0] * len(shape), list(shape)
        for axis, (before, after) in zip(_shapes.spatial_axes(self.data_format, self.rank), self.cropping):
            starts[axis], sizes[axis] = before, shape[axis] - before - after
        return ops.slice(inputs, tuple(starts), tuple(sizes))

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        spatial = tuple(None if length is None else length - before - after
                        for length, (before, after) in zip(_shapes.spatial_of(input_shape, self.data_format),
                                                           self.cropping))
        if any(length is not None and length < 1 for length in spatial):
            raise ValueError(f"{type(self).__name__} {self.name!r}: cropping {self.cropping} leaves nothing of "
                             f"inputs of shape {tuple(input_shape)}; expected every cropped size >= 1.")
        channels = input_shape[_shapes.channel_axis(self.data_format)]
        return _shapes.with_layout(input_shape[0], spatial, channels, self.data_format)

    def compute_output_dtype(self, input_dtype: Any) -> Any:
        return input_dtype

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "cropping": as_list(self.cropping), "data_format": self.data_format}
