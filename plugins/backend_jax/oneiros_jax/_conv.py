"""Convolutions with Keras kernel layouts, on lax.conv_general_dilated / lax.conv_transpose."""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp
from jax import lax

from oneiros.backend.geometry import output_padding as padding_extras

from oneiros_jax._layout import (
    DATA_FORMATS,
    PADDINGS,
    channels_axis,
    check_choice,
    conv_dimension_numbers,
    per_axis,
    spatial_rank,
    spatial_shape,
)

__all__ = ["conv", "conv_transpose", "depthwise_conv"]


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
