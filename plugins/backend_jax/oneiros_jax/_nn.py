"""Activations, softmax, one-hot, moments, image resizing (jax.nn / jax.image), convolutions with Keras
kernel layouts (lax.conv_general_dilated / lax.conv_transpose) and pooling (lax.reduce_window; tiled
max pooling with a derivative of its own).

Activations and softmax give float results: integer inputs are computed as float32.
"""

from __future__ import annotations

import functools
import itertools
import math
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from oneiros.backend.geometry import output_padding as padding_extras

from oneiros_jax._dtypes import resolve, to_float
from oneiros_jax._layout import (
    DATA_FORMATS,
    PADDINGS,
    channels_axis,
    check_choice,
    conv_dimension_numbers,
    per_axis,
    spatial_rank,
    spatial_shape,
    window,
)

__all__ = [
    "average_pool", "conv", "conv_transpose", "depthwise_conv", "elu", "gelu", "hard_sigmoid", "hard_silu",
    "leaky_relu", "log_sigmoid", "log_softmax", "max_pool", "mish", "moments", "one_hot", "relu", "relu6", "resize",
    "selu", "sigmoid", "silu", "softmax", "softplus", "softsign",
]

RESIZE_METHODS = {"nearest": "nearest", "bilinear": "linear"}


def relu(x):
    return jax.nn.relu(to_float(x))


def relu6(x):
    return jax.nn.relu6(to_float(x))


def leaky_relu(x, negative_slope=0.2):
    return jax.nn.leaky_relu(to_float(x), negative_slope)


def elu(x, alpha=1.0):
    return jax.nn.elu(to_float(x), alpha)


def selu(x):
    return jax.nn.selu(to_float(x))


def gelu(x, approximate=True):
    return jax.nn.gelu(to_float(x), approximate=approximate)


def silu(x):
    return jax.nn.silu(to_float(x))


def softplus(x):
    return jax.nn.softplus(to_float(x))


def softsign(x):
    return jax.nn.soft_sign(to_float(x))


def sigmoid(x):
    return jax.nn.sigmoid(to_float(x))


def hard_sigmoid(x):
    return jax.nn.hard_sigmoid(to_float(x))


def hard_silu(x):
    return jax.nn.hard_silu(to_float(x))


def log_sigmoid(x):
    return jax.nn.log_sigmoid(to_float(x))


def mish(x):
    return jax.nn.mish(to_float(x))


def softmax(x, axis=-1):
    return jax.nn.softmax(to_float(x), axis=axis)


def log_softmax(x, axis=-1):
    return jax.nn.log_softmax(to_float(x), axis=axis)


def one_hot(x, num_classes, axis=-1, dtype="float32"):
    return jax.nn.one_hot(x, num_classes, dtype=resolve(dtype), axis=axis)


def moments(x, axes, keepdims=False):
    axes = axes if isinstance(axes, int) else tuple(axes)
    return jnp.mean(x, axis=axes, keepdims=keepdims), jnp.var(x, axis=axes, keepdims=keepdims)


def resize(images, size, interpolation="bilinear", data_format="channels_last"):
    images = jnp.asarray(images)
    check_choice("resize", "interpolation", interpolation, tuple(RESIZE_METHODS))
    check_choice("resize", "data_format", data_format, DATA_FORMATS)
    height, width = size
    shape = list(images.shape)
    height_axis = images.ndim - (3 if data_format == "channels_last" else 2)
    shape[height_axis:height_axis + 2] = [height, width]
    return jax.image.resize(images, tuple(shape), method=RESIZE_METHODS[interpolation], antialias=False)


def _common_dtype(inputs: Any, kernel: Any) -> tuple[Any, Any]:
    """Inputs and kernel in their promoted dtype (lax convolutions need one dtype)."""
    dtype = jnp.result_type(inputs, kernel)
    return jnp.asarray(inputs).astype(dtype), jnp.asarray(kernel).astype(dtype)


def _check_kernel(op_name: str, kernel: Any, rank: int) -> None:
    if kernel.ndim != rank + 2:
        raise ValueError(
            f"{op_name}: inputs with {rank} spatial axes need a kernel of ndim {rank + 2}; received "
            f"a kernel of shape {tuple(kernel.shape)}."
        )


def conv(inputs, kernel, strides=1, padding="valid", data_format="channels_last", dilation_rate=1):
    inputs, kernel = _common_dtype(inputs, kernel)
    rank = spatial_rank("conv", inputs)
    _check_kernel("conv", kernel, rank)
    check_choice("conv", "data_format", data_format, DATA_FORMATS)
    channels = inputs.shape[channels_axis(data_format)]
    group_channels = kernel.shape[-2]
    if group_channels == 0 or channels % group_channels:
        raise ValueError(
            f"conv: the inputs' {channels} channels are not a multiple of the kernel's input "
            f"channels {group_channels} (kernel shape {tuple(kernel.shape)})."
        )
    return lax.conv_general_dilated(
        inputs,
        kernel,
        window_strides=per_axis("conv", "strides", strides, rank),
        padding=check_choice("conv", "padding", padding, PADDINGS).upper(),
        rhs_dilation=per_axis("conv", "dilation_rate", dilation_rate, rank),
        dimension_numbers=conv_dimension_numbers(data_format, rank),
        feature_group_count=channels // group_channels,
    )


def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format="channels_last",
                   dilation_rate=1):
    inputs, kernel = _common_dtype(inputs, kernel)
    rank = spatial_rank("depthwise_conv", inputs)
    _check_kernel("depthwise_conv", kernel, rank)
    check_choice("depthwise_conv", "data_format", data_format, DATA_FORMATS)
    channels = inputs.shape[channels_axis(data_format)]
    if kernel.shape[-2] != channels:
        raise ValueError(
            f"depthwise_conv: inputs have {channels} channels but the kernel (*spatial, C, "
            f"multiplier) has shape {tuple(kernel.shape)}."
        )
    # Row-major (C, multiplier) -> C * multiplier puts channel c's outputs at c * multiplier + m,
    # which is also how a conv with C groups orders its outputs.
    grouped_kernel = jnp.reshape(kernel, (*kernel.shape[:-2], 1, channels * kernel.shape[-1]))
    return lax.conv_general_dilated(
        inputs,
        grouped_kernel,
        window_strides=per_axis("depthwise_conv", "strides", strides, rank),
        padding=check_choice("depthwise_conv", "padding", padding, PADDINGS).upper(),
        rhs_dilation=per_axis("depthwise_conv", "dilation_rate", dilation_rate, rank),
        dimension_numbers=conv_dimension_numbers(data_format, rank),
        feature_group_count=channels,
    )


def _transpose_padding(length: int, kernel_size: int, stride: int, dilation: int, padding: str,
                       output_padding: int | None) -> tuple[int, int]:
    """(before, after) padding of the stride-dilated input that gives Keras's output length.

    Keras's length: 'valid' -> length * stride + max(k - stride, 0), 'same' -> length * stride;
    with output_padding p: (length - 1) * stride + k - 2 * pad + p, pad = k // 2 for 'same'
    and 0 for 'valid' (k the dilated kernel size). 'valid' keeps k - 1 before (a full
    correlation); 'same' centres the padding, the odd element before, at most k - 1.
    """
    dilated_kernel = (kernel_size - 1) * dilation + 1
    if output_padding is None:
        output_length = length * stride + (max(dilated_kernel - stride, 0) if padding == "valid" else 0)
    else:
        edge = dilated_kernel // 2 if padding == "same" else 0
        output_length = (length - 1) * stride + dilated_kernel - 2 * edge + output_padding
    total = output_length - (length - 1) * stride + dilated_kernel - 2
    before = dilated_kernel - 1 if padding == "valid" else min((total + 1) // 2, dilated_kernel - 1)
    return before, total - before


def conv_transpose(inputs, kernel, strides=1, padding="valid", output_padding=None,
                   data_format="channels_last", dilation_rate=1):
    inputs, kernel = _common_dtype(inputs, kernel)
    rank = spatial_rank("conv_transpose", inputs)
    _check_kernel("conv_transpose", kernel, rank)
    check_choice("conv_transpose", "data_format", data_format, DATA_FORMATS)
    check_choice("conv_transpose", "padding", padding, PADDINGS)
    channels = inputs.shape[channels_axis(data_format)]
    if kernel.shape[-1] != channels:
        raise ValueError(
            f"conv_transpose: inputs have {channels} channels but the kernel (*spatial, out, C) has "
            f"shape {tuple(kernel.shape)}."
        )
    stride_tuple = per_axis("conv_transpose", "strides", strides, rank)
    dilation_tuple = per_axis("conv_transpose", "dilation_rate", dilation_rate, rank)
    pads = [
        _transpose_padding(length, size, stride, dilation, padding, extra)
        for length, size, stride, dilation, extra in zip(
            spatial_shape(inputs, data_format), kernel.shape[:-2], stride_tuple, dilation_tuple,
            padding_extras(output_padding, rank),
        )
    ]
    # The kernel is the forward conv's (*spatial, in=out, out=C); transpose_kernel flips its
    # spatial axes and swaps in/out, which makes this the forward conv's input gradient.
    return lax.conv_transpose(
        inputs,
        kernel,
        strides=stride_tuple,
        padding=pads,
        rhs_dilation=dilation_tuple,
        dimension_numbers=conv_dimension_numbers(data_format, rank),
        transpose_kernel=True,
    )


def _windows(op_name: str, inputs: Any, pool_size: Any, strides: Any, padding: str,
             data_format: str) -> tuple[tuple[int, ...], tuple[int, ...], str]:
    """reduce_window's (window dimensions, strides, padding) for the spatial arguments."""
    rank = spatial_rank(op_name, inputs)
    check_choice(op_name, "data_format", data_format, DATA_FORMATS)
    pool = per_axis(op_name, "pool_size", pool_size, rank)
    steps = pool if strides is None else per_axis(op_name, "strides", strides, rank)
    padding = check_choice(op_name, "padding", padding, PADDINGS).upper()
    return window(data_format, pool), window(data_format, steps), padding


def _lowest(dtype: np.dtype) -> np.ndarray:
    """The identity of max: -inf for floats, the smallest value for ints (a concrete scalar,
    so reduce_window lowers to its max monoid)."""
    lowest = -np.inf if jnp.issubdtype(dtype, jnp.floating) else jnp.iinfo(dtype).min
    return np.array(lowest, dtype)


def max_pool(inputs, pool_size, strides=None, padding="valid", data_format="channels_last"):
    inputs = jnp.asarray(inputs)
    dims, steps, pads = _windows("max_pool", inputs, pool_size, strides, padding, data_format)
    if dims == steps and jnp.issubdtype(inputs.dtype, jnp.floating) and math.prod(dims) <= MAX_TILED_WINDOW:
        return _tiled_max_pool(inputs, dims, pads)
    return lax.reduce_window(inputs, _lowest(inputs.dtype), lax.max, dims, steps, pads)


# Each window position is one elementwise select in the derivative: beyond this many the plain
# reduce_window derivative is kept.
MAX_TILED_WINDOW = 64


@functools.partial(jax.custom_jvp, nondiff_argnums=(1, 2))
def _tiled_max_pool(inputs: Any, dims: tuple[int, ...], padding: str) -> Any:
    """Max pooling whose windows tile the input (strides equal to the pool size).

    The value is reduce_window's; the derivative is written out because reduce_window's
    (select_and_scatter) is 10-20x slower on XLA:CPU than a few elementwise selects — it was half
    the MNIST convnet's training step. It sends each window's tangent from its first maximum in
    row-major order, as select_and_scatter does, so gradients stay identical, ties included.
    """
    return lax.reduce_window(inputs, _lowest(inputs.dtype), lax.max, dims, dims, padding)


@_tiled_max_pool.defjvp
def _tiled_max_pool_jvp(dims: tuple[int, ...], padding: str, primals: Any, tangents: Any) -> Any:
    (inputs,), (tangent,) = primals, tangents
    pooled = lax.reduce_window(inputs, _lowest(inputs.dtype), lax.max, dims, dims, padding)
    values = _window_blocks(inputs, dims, padding, pooled.shape, _lowest(inputs.dtype))
    tangents = _window_blocks(tangent, dims, padding, pooled.shape, np.array(0, tangent.dtype))
    taken = jnp.zeros(pooled.shape, bool)
    pooled_tangent = jnp.zeros(pooled.shape, tangent.dtype)
    for offset in itertools.product(*(range(size) for size in dims)):
        position = tuple(part for index in offset for part in (slice(None), index))
        chosen = (values[position] == pooled) & ~taken
        taken = taken | chosen
        pooled_tangent = pooled_tangent + jnp.where(chosen, tangents[position], 0)
    return pooled, pooled_tangent


def _window_blocks(array: Any, dims: tuple[int, ...], padding: str, pooled_shape: tuple[int, ...],
                   fill: np.ndarray) -> Any:
    """``array`` padded as the pooling pads it, cropped to whole windows, and each axis split into
    (window index, position in the window)."""
    pads = lax.padtype_to_pads(array.shape, dims, dims, padding)
    covered = [count * size for count, size in zip(pooled_shape, dims)]
    blocks = lax.pad(array, fill, [(low, cover - length - low, 0)
                                   for (low, _), cover, length in zip(pads, covered, array.shape)])
    return blocks.reshape([part for count, size in zip(pooled_shape, dims) for part in (count, size)])


def average_pool(inputs, pool_size, strides=None, padding="valid", data_format="channels_last"):
    inputs = jnp.asarray(inputs)
    dims, steps, pads = _windows("average_pool", inputs, pool_size, strides, padding, data_format)
    zero = np.array(0, inputs.dtype)
    sums = lax.reduce_window(inputs, zero, lax.add, dims, steps, pads)
    if pads == "VALID":
        return sums / math.prod(dims)
    # Windows at the border overlap the padding: divide by how many real elements each covers.
    ones = jnp.ones(window(data_format, spatial_shape(inputs, data_format)), inputs.dtype)
    return sums / lax.reduce_window(ones, zero, lax.add, dims, steps, pads)
