"""BaseDepthwiseConv: the per-channel convolution behind DepthwiseConv1D and DepthwiseConv2D."""

from __future__ import annotations

from typing import Any, ClassVar

from oneiros import activations, arguments, ops
from oneiros.layers import Layer

from oneiros_vision.layers import _shapes
from oneiros_vision.layers._conv_common import (build_bias, finish, set_weight_arguments, set_window_arguments,
                                                window_config)


class BaseDepthwiseConv(Layer):
    """Convolves each input channel with its own ``depth_multiplier`` filters.

    The kernel has shape ``(*kernel_size, channels, depth_multiplier)``; output channel
    ``c * depth_multiplier + m`` is channel ``c`` convolved with filter ``m``.
    """

    rank: ClassVar[int]

    def __init__(self, kernel_size: Any, strides: Any = 1, padding: str = "valid", depth_multiplier: int = 1,
                 data_format: str | None = None, dilation_rate: Any = 1, activation: Any = None,
                 use_bias: bool = True, depthwise_initializer: Any = "glorot_uniform",
                 bias_initializer: Any = "zeros", depthwise_regularizer: Any = None, bias_regularizer: Any = None,
                 activity_regularizer: Any = None, depthwise_constraint: Any = None, bias_constraint: Any = None,
                 **kwargs: Any):
        super().__init__(**kwargs)
        set_window_arguments(self, kernel_size, strides, padding, data_format, dilation_rate)
        self.depth_multiplier = arguments.positive_int(type(self).__name__, "depth_multiplier", depth_multiplier)
        set_weight_arguments(self, activation, use_bias, depthwise_initializer=depthwise_initializer,
                             bias_initializer=bias_initializer, depthwise_regularizer=depthwise_regularizer,
                             bias_regularizer=bias_regularizer, activity_regularizer=activity_regularizer,
                             depthwise_constraint=depthwise_constraint, bias_constraint=bias_constraint)

    def build(self, input_shape: tuple) -> None:
        axis = _shapes.channel_axis(self.data_format)
        channels = input_shape[axis]
        if channels is None:
            raise ValueError(f"{type(self).__name__} {self.name!r} needs a known number of input channels; "
                             f"received input shape {tuple(input_shape)}.")
        self.compute_output_shape(input_shape)
        self.kernel = self.add_weight(
            shape=(*self.kernel_size, channels, self.depth_multiplier), initializer=self.depthwise_initializer,
            regularizer=self.depthwise_regularizer, constraint=self.depthwise_constraint, name="kernel",
        )
        build_bias(self, channels * self.depth_multiplier, axis, channels)

    def call(self, inputs: Any) -> Any:
        outputs = ops.depthwise_conv(inputs, self.kernel.value, strides=self.strides, padding=self.padding,
                                     data_format=self.data_format, dilation_rate=self.dilation_rate)
        return finish(self, outputs)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        spatial = _shapes.conv_spatial(self, input_shape)
        channels = input_shape[_shapes.channel_axis(self.data_format)]
        out_channels = None if channels is None else channels * self.depth_multiplier
        return _shapes.with_layout(input_shape[0], spatial, out_channels, self.data_format)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            **window_config(self),
            "depth_multiplier": self.depth_multiplier,
            "use_bias": self.use_bias,
            "activation": activations.serialize(self.activation),
            **self.serialized("depthwise_initializer", "bias_initializer",
                              "depthwise_regularizer", "bias_regularizer", "activity_regularizer",
                              "depthwise_constraint", "bias_constraint"),
        }
