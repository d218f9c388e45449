"""Activations, softmax, one-hot, moments, image resizing, convolutions and pooling on tf.nn and tf.image.

Activations and softmax give float results: integer inputs are computed as float32.
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

from oneiros_tensorflow._dtypes import FLOAT32, FLOAT_DTYPES, promoted, resolve, tensor, to_float
from oneiros_tensorflow._layout import channels_last_call, spatial_rank
from oneiros_tensorflow._reduction import logsumexp, mean, var

__all__ = [
    "average_pool", "conv", "conv_transpose", "depthwise_conv", "elu", "gelu", "hard_sigmoid", "hard_silu",
    "leaky_relu", "log_sigmoid", "log_softmax", "max_pool", "mish", "moments", "one_hot", "relu", "relu6", "resize",
    "selu", "sigmoid", "silu", "softmax", "softplus", "softsign",
]

RESIZE_METHODS = ("nearest", "bilinear")


def relu(x):
    return tf.nn.relu(to_float(x))


def relu6(x):
    return tf.nn.relu6(to_float(x))


def leaky_relu(x, negative_slope=0.2):
    return tf.nn.leaky_relu(to_float(x), alpha=negative_slope)


def elu(x, alpha=1.0):
    x = to_float(x)
    # expm1 of min(x, 0): the branch not taken must not produce inf (its gradient would be NaN).
    return tf.where(x > 0, x, alpha * tf.math.expm1(tf.minimum(x, tf.zeros((), x.dtype))))


def selu(x):
    return tf.nn.selu(to_float(x))


def gelu(x, approximate=True):
    return tf.nn.gelu(to_float(x), approximate=approximate)


def silu(x):
    return tf.nn.silu(to_float(x))


def softplus(x):
    return tf.nn.softplus(to_float(x))


def softsign(x):
    return tf.nn.softsign(to_float(x))


def sigmoid(x):
    return tf.sigmoid(to_float(x))


def hard_sigmoid(x):
    return tf.nn.relu6(to_float(x) + 3.0) / 6.0


def hard_silu(x):
    x = to_float(x)
    return x * hard_sigmoid(x)


def log_sigmoid(x):
    return tf.math.log_sigmoid(to_float(x))


def mish(x):
    x = to_float(x)
    return x * tf.tanh(tf.nn.softplus(x))


def log_softmax(x, axis=-1):
    x = to_float(x)
    if isinstance(axis, int):
        return tf.nn.log_softmax(x, axis=axis)
    return x - logsumexp(x, axis=axis, keepdims=True)


def softmax(x, axis=-1):
    x = to_float(x)
    if isinstance(axis, int):
        return tf.nn.softmax(x, axis=axis)
    return tf.exp(log_softmax(x, axis))


def one_hot(x, num_classes, axis=-1, dtype="float32"):
    indices = tensor(x)
    if indices.dtype in FLOAT_DTYPES or indices.dtype == tf.bool:
        raise TypeError(f"one_hot: expected integer class indices; received {indices.dtype.name} values.")
    # tf.one_hot gives all zeros for negative and out-of-range indices, as the contract asks.
    return tf.one_hot(tf.cast(indices, tf.int32), num_classes, axis=axis, dtype=resolve(dtype))


def moments(x, axes, keepdims=False):
    return mean(x, axis=axes, keepdims=keepdims), var(x, axis=axes, keepdims=keepdims)


def resize(images, size, interpolation="bilinear", data_format="channels_last"):
    images = tensor(images)
    if interpolation not in RESIZE_METHODS:
        raise ValueError(f"resize: interpolation must be one of {', '.join(RESIZE_METHODS)}; received "
                         f"{interpolation!r}.")
    if len(images.shape) not in (3, 4):
        raise ValueError(f"resize needs images (N, H, W, C), (H, W, C) or channels-first; received shape "
                         f"{tuple(images.shape)}.")
    height, width = per_axis(size, 2, "size")
    batched = len(images.shape) == 4
    source = images if batched else images[tf.newaxis]
    if interpolation == "nearest":
        result_dtype = images.dtype
    else:
        result_dtype = images.dtype if images.dtype in FLOAT_DTYPES else tf.float32

    def resized(channels_last: tf.Tensor) -> tf.Tensor:
        values = channels_last if channels_last.dtype == tf.float32 else tf.cast(channels_last, tf.float32)
        result = tf.image.resize(values, (height, width), method=interpolation, antialias=False)
        return tf.cast(result, result_dtype)

    result = channels_last_call(resized, source, data_format)
    return result if batched else result[0]


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


def _pool(op_name: str, kind: str, inputs, pool_size, strides, padding, data_format) -> tf.Tensor:
    inputs = tensor(inputs)
    rank = spatial_rank(op_name, inputs)
    window = per_axis(pool_size, rank, f"{op_name} pool_size")
    steps = window if strides is None else per_axis(strides, rank, f"{op_name} strides")
    mode = check_padding(padding).upper()
    dtype = inputs.dtype
    if kind == "AVG" and dtype not in FLOAT_DTYPES:
        raise TypeError(f"{op_name}: expected float inputs; received {dtype.name}.")
    computed = inputs if dtype in (tf.float32, tf.float16) or kind == "AVG" else tf.cast(inputs, FLOAT32)
    if dtype == tf.bfloat16:
        computed = tf.cast(inputs, FLOAT32)
    result = channels_last_call(
        lambda x: tf.nn.pool(x, window, kind, strides=steps, padding=mode), computed, data_format)
    return tf.cast(result, dtype) if result.dtype != dtype else result


def max_pool(inputs, pool_size, strides=None, padding="valid", data_format="channels_last"):
    return _pool("max_pool", "MAX", inputs, pool_size, strides, padding, data_format)


def average_pool(inputs, pool_size, strides=None, padding="valid", data_format="channels_last"):
    return _pool("average_pool", "AVG", inputs, pool_size, strides, padding, data_format)
