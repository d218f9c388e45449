"""BaseConvTranspose: the N-d transposed convolution behind Conv1DTranspose..Conv3DTranspose."""

from __future__ import annotations

from typing import Any, ClassVar

from oneiros import activations, arguments, ops
from oneiros.layers import Layer

from oneiros_vision.layers import _shapes
from oneiros_vision.layers._config import as_list
from oneiros_vision.layers._conv_common import (build_bias, finish, set_weight_arguments, set_window_arguments,
                                                window_config)


class BaseConvTranspose(Layer):
    """The gradient of a convolution with respect to its input, used to upsample.

    The kernel has shape ``(*kernel_size, filters, input_channels)`` (as in Keras). Output
    lengths: ``length * stride + max(k - stride, 0)`` for 'valid', ``length * stride`` for
    'same', or ``(length - 1) * stride + k - 2 * pad + output_padding`` when ``output_padding``
    is given (k the dilated kernel size, pad = k // 2 for 'same', 0 for 'valid').
    """

    rank: ClassVar[int]

    def __init__(self, filters: int, kernel_size: Any, strides: Any = 1, padding: str = "valid",
                 output_padding: Any = None, data_format: str | None = None, dilation_rate: Any = 1,
                 activation: Any = None, use_bias: bool = True, kernel_initializer: Any = "glorot_uniform",
                 bias_initializer: Any = "zeros", kernel_regularizer: Any = None, bias_regularizer: Any = None,
                 activity_regularizer: Any = None, kernel_constraint: Any = None, bias_constraint: Any = None,
                 **kwargs: Any):
        super().__init__(**kwargs)
        owner = type(self).__name__
        self.filters = arguments.positive_int(owner, "filters", filters)
        set_window_arguments(self, kernel_size, strides, padding, data_format, dilation_rate)
        self.output_padding = None if output_padding is None else arguments.int_tuple(
            owner, "output_padding", output_padding, self.rank, minimum=0)
        if self.output_padding is not None and any(
                extra >= stride for extra, stride in zip(self.output_padding, self.strides)):
            raise ValueError(f"{owner}: each `output_padding` must be smaller than its stride; received "
                             f"output_padding={output_padding!r}, strides={strides!r}.")
        set_weight_arguments(self, activation, use_bias, kernel_initializer=kernel_initializer,
                             bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
                             bias_regularizer=bias_regularizer, activity_regularizer=activity_regularizer,
                             kernel_constraint=kernel_constraint, bias_constraint=bias_constraint)

    def build(self, input_shape: tuple) -> None:
        axis = _shapes.channel_axis(self.data_format)
        channels = input_shape[axis]
        if channels is None:
            raise ValueError(f"{type(self).__name__} {self.name!r} needs a known number of input channels; "
                             f"received input shape {tuple(input_shape)}.")
        self.kernel = self.add_weight(
            shape=(*self.kernel_size, self.filters, channels), initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer, constraint=self.kernel_constraint, name="kernel",
        )
        build_bias(self, self.filters, axis, channels)

    def call(self, inputs: Any) -> Any:
        outputs = ops.conv_transpose(inputs, self.kernel.value, strides=self.strides, padding=self.padding,
                                     output_padding=self.output_padding, data_format=self.data_format,
                                     dilation_rate=self.dilation_rate)
        return finish(self, outputs)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        extras = self.output_padding or (None,) * self.rank
        spatial = tuple(
            _shapes.conv_transpose_length(length, size, stride, dilation, self.padding, extra)
            for length, size, stride, dilation, extra in zip(
                _shapes.spatial_of(input_shape, self.data_format), self.kernel_size, self.strides,
                self.dilation_rate, extras)
        )
        return _shapes.with_layout(input_shape[0], spatial, self.filters, self.data_format)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            **window_config(self),
            "filters": self.filters,
            "output_padding": as_list(self.output_padding),
            "use_bias": self.use_bias,
            "activation": activations.serialize(self.activation),
            **self.serialized("kernel_initializer", "bias_initializer", "kernel_regularizer",
                              "bias_regularizer", "activity_regularizer", "kernel_constraint", "bias_constraint"),
        }
