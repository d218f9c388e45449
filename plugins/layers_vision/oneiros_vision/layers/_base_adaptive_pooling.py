"""BaseAdaptivePooling: pools any input size down (or up) to a fixed output size."""

from __future__ import annotations

from typing import Any, ClassVar

from oneiros import arguments, ops
from oneiros.layers import InputSpec, Layer

from oneiros_vision.layers import _shapes
from oneiros_vision.layers._casting import floating
from oneiros_vision.layers._config import as_list


class BaseAdaptivePooling(Layer):
    """Averages or takes the maximum over ``output_size`` windows per spatial axis, whatever the
    input's size: window i of n over length L covers [floor(i L / n), ceil((i + 1) L / n)).
    Subclasses fix ``rank`` and ``pool_mode`` ("average" or "max")."""

    rank: ClassVar[int]
    pool_mode: ClassVar[str]

    def __init__(self, output_size: Any, data_format: str | None = None, **kwargs: Any):
        owner = type(self).__name__
        output_size = arguments.int_tuple(owner, "output_size", output_size, self.rank)
        data_format = arguments.data_format(owner, data_format)
        super().__init__(**kwargs)
        self.output_size = output_size
        self.data_format = data_format
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def call(self, inputs: Any) -> Any:
        if self.pool_mode == "average":
            return ops.adaptive_average_pool(floating(inputs, self.compute_dtype), self.output_size,
                                             data_format=self.data_format)
        return ops.adaptive_max_pool(inputs, self.output_size, data_format=self.data_format)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        channels = input_shape[_shapes.channel_axis(self.data_format)]
        return _shapes.with_layout(input_shape[0], self.output_size, channels, self.data_format)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "output_size": as_list(self.output_size), "data_format": self.data_format}
