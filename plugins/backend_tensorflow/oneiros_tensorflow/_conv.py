"""Convolutions with Keras kernel layouts on tf.nn.convolution.

TensorFlow's CPU kernels refuse what the contract allows in three places, handled here:
channels-first (transposed around the call, see ``_layout``), strides together with dilation
(padded explicitly, run at stride 1, then subsampled), and feature groups (one convolution per
group, concatenated). Transposed convolution is the forward convolution of the stride-dilated
input with the spatially flipped kernel, padded as ``oneiros.backend.geometry`` prescribes.
"""

from __future__ import annotations

from typing import Any

import tensorflow as tf
from oneiros.backend.geometry import (
    check_padding,
    effective_size,
    output_padding as padding_extras,
    padding_amounts,
    per_axis,
    transpose_padding,
)

from oneiros_tensorflow._dtypes import FLOAT32, FLOAT_DTYPES, promoted
from oneiros_tensorflow._layout import channels_last_call, spatial_rank

__all__ = ["conv", "conv_transpose", "depthwise_conv"]


def _operands(op_name: str, inputs: Any, kernel: Any) -> tuple[tf.Tensor, tf.Tensor, int]:
    inputs, kernel = promoted(inputs, kernel)
    if inputs.dtype not in FLOAT_DTYPES:
        inputs, kernel = tf.cast(inputs, FLOAT32), tf.cast(kernel, FLOAT32)
    rank = spatial_rank(op_name, inputs)
    if len(kernel.shape) != rank + 2:
        raise ValueError(
            f"{op_name}: inputs with {rank} spatial axes need a kernel of ndim {rank + 2}; received "
            f"a kernel of shape {tuple(kernel.shape)}."
        )
    return inputs, kernel, rank


def _window_arguments(op_name: str, rank: int, strides: Any, padding: str,
                      dilation_rate: Any) -> tuple[tuple[int, ...], str, tuple[int, ...]]:
    """(strides, padding mode, dilations) checked, one int per spatial axis."""
    return (per_axis(strides, rank, f"{op_name} strides"), check_padding(padding),
            per_axis(dilation_rate, rank, f"{op_name} dilation_rate"))


def _strided_dilated(x: tf.Tensor, kernel: tf.Tensor, strides: tuple[int, ...], padding: str,
                     dilations: tuple[int, ...]) -> tf.Tensor:
    """A channels-last convolution of one group, for any strides and dilations together."""
    if all(s == 1 for s in strides) or all(d == 1 for d in dilations):
        return tf.nn.convolution(x, kernel, strides=strides, padding=padding.upper(), dilations=dilations)
    windows = [effective_size(k, d) for k, d in zip(kernel.shape[:-2], dilations)]
    pads = [padding_amounts(size, window, stride, padding)
            for size, window, stride in zip(x.shape[1:-1], windows, strides)]
    padded = tf.pad(x, [(0, 0), *pads, (0, 0)])
    full = tf.nn.convolution(padded, kernel, padding="VALID", dilations=dilations)
    return full[(slice(None), *(slice(None, None, s) for s in strides), slice(None))]


def _grouped(x: tf.Tensor, kernel: tf.Tensor, groups: int, strides, padding, dilations) -> tf.Tensor:
    if groups == 1:
        return _strided_dilated(x, kernel, strides, padding, dilations)
    inputs = tf.split(x, groups, axis=-1)
    kernels = tf.split(kernel, groups, axis=-1)
    return tf.concat([_strided_dilated(part, k, strides, padding, dilations)
                      for part, k in zip(inputs, kernels)], axis=-1)


def conv(inputs, kernel, strides=1, padding="valid", data_format="channels_last", dilation_rate=1):
    inputs, kernel, rank = _operands("conv", inputs, kernel)
    channels = inputs.shape[-1 if data_format == "channels_last" else 1]
    group_channels = kernel.shape[-2]
    if group_channels == 0 or channels % group_channels:
        raise ValueError(
            f"conv: the inputs' {channels} channels are not a multiple of the kernel's input "
            f"channels {group_channels} (kernel shape {tuple(kernel.shape)})."
        )
    groups = channels // group_channels
    if kernel.shape[-1] % groups:
        raise ValueError(f"conv: {groups} groups need output channels divisible by {groups}; the kernel has shape "
                         f"{tuple(kernel.shape)}.")
    stride_tuple, mode, dilation_tuple = _window_arguments("conv", rank, strides, padding, dilation_rate)
    return channels_last_call(
        lambda x: _grouped(x, kernel, groups, stride_tuple, mode, dilation_tuple), inputs, data_format)


def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format="channels_last",
                   dilation_rate=1):
    inputs, kernel, rank = _operands("depthwise_conv", inputs, kernel)
    channels = inputs.shape[-1 if data_format == "channels_last" else 1]
    if kernel.shape[-2] != channels:
        raise ValueError(
            f"depthwise_conv: inputs have {channels} channels but the kernel (*spatial, C, "
            f"multiplier) has shape {tuple(kernel.shape)}."
        )
    # Row-major (C, multiplier) -> C * multiplier puts channel c's outputs at c * multiplier + m,
    # which is also how a convolution with C groups orders its outputs.
    grouped_kernel = tf.reshape(kernel, (*kernel.shape[:-2], 1, channels * kernel.shape[-1]))
    stride_tuple, mode, dilation_tuple = _window_arguments("depthwise_conv", rank, strides, padding, dilation_rate)
    if rank == 2 and (all(s == 1 for s in stride_tuple) or all(d == 1 for d in dilation_tuple)):
        return channels_last_call(
            lambda x: tf.nn.depthwise_conv2d(x, kernel, strides=(1, *stride_tuple, 1), padding=mode.upper(),
                                             dilations=dilation_tuple), inputs, data_format)
    return channels_last_call(
        lambda x: _grouped(x, grouped_kernel, channels, stride_tuple, mode, dilation_tuple), inputs, data_format)


def _stride_dilated(x: tf.Tensor, strides: tuple[int, ...]) -> tf.Tensor:
    """``x`` (channels-last) with ``stride - 1`` zeros between neighbours on each spatial axis."""
    for axis, stride in enumerate(strides, start=1):
        if stride == 1 or x.shape[axis] == 0:
            continue
        shape = list(x.shape)
        spread = tf.stack([x, *[tf.zeros_like(x)] * (stride - 1)], axis=axis + 1)
        merged = tf.reshape(spread, [*shape[:axis], shape[axis] * stride, *shape[axis + 1:]])
        x = tf.gather(merged, tf.range((shape[axis] - 1) * stride + 1), axis=axis)
    return x


def conv_transpose(inputs, kernel, strides=1, padding="valid", output_padding=None,
                   data_format="channels_last", dilation_rate=1):
    inputs, kernel, rank = _operands("conv_transpose", inputs, kernel)
    channels = inputs.shape[-1 if data_format == "channels_last" else 1]
    if kernel.shape[-1] != channels:
        raise ValueError(
            f"conv_transpose: inputs have {channels} channels but the kernel (*spatial, out, C) has "
            f"shape {tuple(kernel.shape)}."
        )
    stride_tuple, mode, dilation_tuple = _window_arguments("conv_transpose", rank, strides, padding, dilation_rate)
    extras = padding_extras(output_padding, rank)
    windows = [effective_size(k, d) for k, d in zip(kernel.shape[:-2], dilation_tuple)]
    pads = [transpose_padding(window, stride, mode, extra)
            for window, stride, extra in zip(windows, stride_tuple, extras)]
    # The forward kernel (*spatial, out, C), flipped in space and read as (*spatial, C, out).
    forward = tf.reverse(tf.transpose(kernel, [*range(rank), rank + 1, rank]), list(range(rank)))

    def transposed(x: tf.Tensor) -> tf.Tensor:
        padded = tf.pad(_stride_dilated(x, stride_tuple), [(0, 0), *pads, (0, 0)])
        return tf.nn.convolution(padded, forward, padding="VALID", dilations=dilation_tuple)

    return channels_last_call(transposed, inputs, data_format)
