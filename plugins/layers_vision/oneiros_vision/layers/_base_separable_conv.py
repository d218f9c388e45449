"""BaseSeparableConv: depthwise then pointwise convolution, behind SeparableConv1D/2D."""

from __future__ import annotations

from typing import Any, ClassVar

from oneiros import activations, arguments, ops
from oneiros.layers import Layer

from oneiros_vision.layers import _shapes
from oneiros_vision.layers._conv_common import (build_bias, finish, set_weight_arguments, set_window_arguments,
                                                window_config)


class BaseSeparableConv(Layer):
    """A depthwise convolution (``depth_multiplier`` filters per channel, with the strides and
    dilation) followed by a 1x1 convolution to ``filters`` channels, then bias and activation.

    Weights: ``depthwise_kernel`` ``(*kernel_size, channels, depth_multiplier)``,
    ``pointwise_kernel`` ``(1, ..., 1, channels * depth_multiplier, filters)``, ``bias``.
    """

    rank: ClassVar[int]

    def __init__(self, filters: int, kernel_size: Any, strides: Any = 1, padding: str = "valid",
                 data_format: str | None = None, dilation_rate: Any = 1, depth_multiplier: int = 1,
                 activation: Any = None, use_bias: bool = True, depthwise_initializer: Any = "glorot_uniform",
                 pointwise_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 depthwise_regularizer: Any = None, pointwise_regularizer: Any = None,
                 bias_regularizer: Any = None, activity_regularizer: Any = None, depthwise_constraint: Any = None,
                 pointwise_constraint: Any = None, bias_constraint: Any = None, **kwargs: Any):
        super().__init__(**kwargs)
        owner = type(self).__name__
        self.filters = arguments.positive_int(owner, "filters", filters)
        set_window_arguments(self, kernel_size, strides, padding, data_format, dilation_rate)
        self.depth_multiplier = arguments.positive_int(owner, "depth_multiplier", depth_multiplier)
        set_weight_arguments(self, activation, use_bias, depthwise_initializer=depthwise_initializer,
                             pointwise_initializer=pointwise_initializer, bias_initializer=bias_initializer,
                             depthwise_regularizer=depthwise_regularizer, pointwise_regularizer=pointwise_regularizer,
                             bias_regularizer=bias_regularizer, activity_regularizer=activity_regularizer,
                             depthwise_constraint=depthwise_constraint, pointwise_constraint=pointwise_constraint,
                             bias_constraint=bias_constraint)

    def build(self, input_shape: tuple) -> None:
        axis = _shapes.channel_axis(self.data_format)
        channels = input_shape[axis]
        if channels is None:
            raise ValueError(f"{type(self).__name__} {self.name!r} needs a known number of input channels; "
                             f"received input shape {tuple(input_shape)}.")
        self.compute_output_shape(input_shape)
        self.depthwise_kernel = self.add_weight(
            shape=(*self.kernel_size, channels, self.depth_multiplier), initializer=self.depthwise_initializer,
            regularizer=self.depthwise_regularizer, constraint=self.depthwise_constraint, name="depthwise_kernel",
        )
        self.pointwise_kernel = self.add_weight(
            shape=(*(1,) * self.rank, channels * self.depth_multiplier, self.filters),
            initializer=self.pointwise_initializer, regularizer=self.pointwise_regularizer,
            constraint=self.pointwise_constraint, name="pointwise_kernel",
        )
        build_bias(self, self.filters, axis, channels)

    def call(self, inputs: Any) -> Any:
        depthwise = ops.depthwise_conv(inputs, self.depthwise_kernel.value, strides=self.strides,
                                       padding=self.padding, data_format=self.data_format,
                                       dilation_rate=self.dilation_rate)
        outputs = ops.conv(depthwise, self.pointwise_kernel.value, data_format=self.data_format)
        return finish(self, outputs)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        spatial = _shapes.conv_spatial(self, input_shape)
        return _shapes.with_layout(input_shape[0], spatial, self.filters, self.data_format)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            **window_config(self),
            "filters": self.filters,
            "depth_multiplier": self.depth_multiplier,
            "use_bias": self.use_bias,
            "activation": activations.serialize(self.activation),
            **self.serialized("depthwise_initializer", "pointwise_initializer", "bias_initializer",
                              "depthwise_regularizer", "pointwise_regularizer", "bias_regularizer",
                              "activity_regularizer", "depthwise_constraint", "pointwise_constraint",
                              "bias_constraint"),
        }
