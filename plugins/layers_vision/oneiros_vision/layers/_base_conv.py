"""BaseConv: the N-d convolution behind Conv1D, Conv2D and Conv3D."""

from __future__ import annotations

from typing import Any, ClassVar

from oneiros import activations, arguments, ops
from oneiros.layers import Layer

from oneiros_vision.layers import _shapes
from oneiros_vision.layers._conv_common import (build_bias, finish, set_weight_arguments, set_window_arguments,
                                                window_config)


class BaseConv(Layer):
    """``activation(conv(inputs, kernel) + bias)`` over ``rank`` spatial axes.

    The kernel has shape ``(*kernel_size, input_channels // groups, filters)``. Subclasses only
    fix ``rank``. ``padding="causal"`` (1D only) pads the start of the sequence so that an
    output never sees later steps.
    """

    rank: ClassVar[int]

    def __init__(self, filters: int, kernel_size: Any, strides: Any = 1, padding: str = "valid",
                 data_format: str | None = None, dilation_rate: Any = 1, groups: int = 1,
                 activation: Any = None, use_bias: bool = True, kernel_initializer: Any = "glorot_uniform",
                 bias_initializer: Any = "zeros", kernel_regularizer: Any = None, bias_regularizer: Any = None,
                 activity_regularizer: Any = None, kernel_constraint: Any = None, bias_constraint: Any = None,
                 **kwargs: Any):
        super().__init__(**kwargs)
        owner = type(self).__name__
        self.filters = arguments.positive_int(owner, "filters", filters)
        set_window_arguments(self, kernel_size, strides, padding, data_format, dilation_rate,
                             ("valid", "same", "causal") if self.rank == 1 else ("valid", "same"))
        self.groups = arguments.positive_int(owner, "groups", groups)
        if self.filters % self.groups:
            raise ValueError(f"{owner}: `filters` must be divisible by `groups`; received filters={filters}, "
                             f"groups={groups}.")
        set_weight_arguments(self, activation, use_bias, kernel_initializer=kernel_initializer,
                             bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
                             bias_regularizer=bias_regularizer, activity_regularizer=activity_regularizer,
                             kernel_constraint=kernel_constraint, bias_constraint=bias_constraint)

    def build(self, input_shape: tuple) -> None:
        axis = _shapes.channel_axis(self.data_format)
        channels = input_shape[axis]
        if channels is None or channels % self.groups:
            raise ValueError(f"{type(self).__name__} {self.name!r} needs a known number of input channels "
                             f"divisible by groups={self.groups}; received input shape {tuple(input_shape)}.")
        self.compute_output_shape(input_shape)
        self.kernel = self.add_weight(
            shape=(*self.kernel_size, channels // self.groups, self.filters), initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer, constraint=self.kernel_constraint, name="kernel",
        )
        build_bias(self, self.filters, axis, channels)

    def call(self, inputs: Any) -> Any:
        padding = self.padding
        if padding == "causal":
            steps_axis = _shapes.spatial_axes(self.data_format, 1)[0]
            pad_width = [(0, 0)] * 3
            pad_width[steps_axis] = (_shapes.dilated(self.kernel_size[0], self.dilation_rate[0]) - 1, 0)
            inputs, padding = ops.pad(inputs, pad_width), "valid"
        outputs = ops.conv(inputs, self.kernel.value, strides=self.strides, padding=padding,
                           data_format=self.data_format, dilation_rate=self.dilation_rate)
        return finish(self, outputs)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        spatial = _shapes.conv_spatial(self, input_shape)
        return _shapes.with_layout(input_shape[0], spatial, self.filters, self.data_format)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            **window_config(self),
            "filters": self.filters,
            "groups": self.groups,
            "use_bias": self.use_bias,
            "activation": activations.serialize(self.activation),
            **self.serialized("kernel_initializer", "bias_initializer", "kernel_regularizer",
                              "bias_regularizer", "activity_regularizer", "kernel_constraint", "bias_constraint"),
        }
