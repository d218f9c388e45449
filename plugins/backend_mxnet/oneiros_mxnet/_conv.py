"""Convolutions on MXNet's Convolution and Deconvolution kernels (oneDNN on CPU).

Kernels arrive as (*spatial, in // groups, out), Keras' layout, and are transposed to MXNet's
(out, in // groups, *spatial). ``conv_transpose`` is written as the convolution it is the
gradient of, the way Keras and JAX define it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mxnet import numpy as mnp
from mxnet import numpy_extension as npx
from oneiros import dtypes

from oneiros_mxnet._layout import ChannelsLastView, permuted
from oneiros.backend.geometry import (
    check_padding,
    effective_size,
    output_padding as padding_extras,
    per_axis,
    transpose_padding,
)
from oneiros_mxnet._spatial import (
    channels_first_input,
    check_rank,
    pad_spatial_first,
    paddings,
    restore_format,
    split_padding,
)
from oneiros_mxnet._tensor import as_tensor, dtype_name, finish, to_compute

__all__ = ["conv", "conv_transpose", "depthwise_conv"]


def _prepare(inputs: Any, kernel: Any, data_format: str, what: str) -> tuple[Any, Any, str, int]:
    """Channels-first inputs and the kernel in the compute dtype, the result dtype, the rank."""
    x = channels_first_input(inputs, data_format)
    k = as_tensor(kernel)
    rank = check_rank(x, what)
    if k.ndim != rank + 2:
        raise ValueError(
            f"{what} of inputs with shape {tuple(x.shape)} needs a kernel of ndim {rank + 2} "
            f"(*spatial, in, out); received kernel shape {tuple(k.shape)}."
        )
    name = dtypes.result_type(dtype_name(x), dtype_name(k))
    # MXNet convolves floats only; integers go through float64, exact for moderate values.
    work = "float32" if name in dtypes.FLOATS else "float64"
    x_values = to_compute(x, name).astype(work, copy=False)
    k_values = to_compute(k, name).astype(work, copy=False)
    return x_values, k_values, name, rank


def _to_mxnet_kernel(k: Any, rank: int) -> Any:
    """(*spatial, in, out) -> (out, in, *spatial)."""
    return permuted(k, (rank + 1, rank, *range(rank)))


def _correlation(x: Any, k: Any, strides: tuple[int, ...], dilation: tuple[int, ...],
                 padding: str) -> tuple[tuple[int, ...], Callable[[Any], Any]]:
    """The output shape of the grouped cross-correlation of channels-first ``x`` with ``k``
    (*spatial, C // groups, out), and a function computing it (adding a bias, if given one)."""
    rank = x.ndim - 2
    channels, group_in, out_channels = x.shape[1], k.shape[-2], k.shape[-1]
    if group_in == 0 or channels % group_in or out_channels % (channels // group_in):
        raise ValueError(
            f"conv needs input channels ({channels}) divisible by the kernel's input channels "
            f"({group_in}) and output channels ({out_channels}) divisible by the group count; "
            f"received inputs of {channels} channels and kernel shape {tuple(k.shape)}."
        )
    windows = [effective_size(size, rate) for size, rate in zip(k.shape[:rank], dilation)]
    kernel_pad, explicit = split_padding(paddings(x.shape[2:], windows, strides, padding))
    padded = [size + 2 * extra + (sum(explicit[axis]) if explicit else 0)
              for axis, (size, extra) in enumerate(zip(x.shape[2:], kernel_pad))]
    out_spatial = tuple(0 if size < window else (size - window) // step + 1
                        for size, window, step in zip(padded, windows, strides))
    shape = (x.shape[0], out_channels, *out_spatial)

    def compute(bias: Any) -> Any:
        if 0 in out_spatial:
            return mnp.zeros(shape, dtype=x.dtype, ctx=x.ctx)
        source = pad_spatial_first(x, explicit, 0.0) if explicit is not None else x
        return npx.convolution(
            source, _to_mxnet_kernel(k, rank), bias, kernel=tuple(k.shape[:rank]), stride=strides,
            dilate=dilation, pad=kernel_pad, num_filter=out_channels, num_group=channels // group_in,
            no_bias=bias is None)

    return shape, compute


def _result(shape: tuple[int, ...], compute: Callable[[Any], Any], name: str, data_format: str) -> Any:
    """A convolution's result; channels-last float32 ones wait for a bias (see ``_layout``)."""
    if data_format == "channels_last" and name == "float32":
        return ChannelsLastView((shape[0], *shape[2:], shape[1]), "float32", compute, takes_bias=True)
    return restore_format(finish(compute(None), name), data_format)


def conv(inputs, kernel, strides=1, padding="valid", data_format="channels_last", dilation_rate=1):
    x, k, name, rank = _prepare(inputs, kernel, data_format, "conv")
    shape, compute = _correlation(x, k, per_axis(strides, rank, "strides"),
                                  per_axis(dilation_rate, rank, "dilation_rate"), check_padding(padding))
    return _result(shape, compute, name, data_format)


def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format="channels_last", dilation_rate=1):
    x, k, name, rank = _prepare(inputs, kernel, data_format, "depthwise_conv")
    if k.shape[-2] != x.shape[1]:
        raise ValueError(
            f"depthwise_conv needs a kernel (*spatial, C, multiplier) with C = {x.shape[1]} "
            f"(the input channels); received kernel shape {tuple(k.shape)}."
        )
    # One group per channel; reshaping (C, multiplier) orders outputs c * multiplier + m.
    grouped = k.reshape(tuple(k.shape[:rank]) + (1, k.shape[-2] * k.shape[-1]))
    shape, compute = _correlation(x, grouped, per_axis(strides, rank, "strides"),
                                  per_axis(dilation_rate, rank, "dilation_rate"), check_padding(padding))
    return _result(shape, compute, name, data_format)


def _stride_dilated(x: Any, steps: tuple[int, ...]) -> Any:
    """Channels-first ``x`` with ``step - 1`` zeros between neighbours on each spatial axis."""
    for axis, step in enumerate(steps, start=2):
        if step == 1:
            continue
        size = x.shape[axis]
        column = mnp.expand_dims(x, axis + 1)
        gap = mnp.zeros(tuple(x.shape[:axis + 1]) + (step - 1,) + tuple(x.shape[axis + 1:]), dtype=x.dtype,
                        ctx=x.ctx)
        spread = mnp.concatenate([column, gap], axis=axis + 1)
        merged = spread.reshape(tuple(x.shape[:axis]) + (size * step,) + tuple(x.shape[axis + 1:]))
        x = merged[(slice(None),) * axis + (slice(0, (size - 1) * step + 1),)]
    return x


def conv_transpose(inputs, kernel, strides=1, padding="valid", output_padding=None,
                   data_format="channels_last", dilation_rate=1):
    x, k, name, rank = _prepare(inputs, kernel, data_format, "conv_transpose")
    channels = x.shape[1]
    if k.shape[-1] != channels:
        raise ValueError(
            f"conv_transpose needs a kernel (*spatial, out, C) with C = {channels} (the input "
            f"channels); received kernel shape {tuple(k.shape)}."
        )
    if 0 in x.shape[2:]:
        raise ValueError(f"conv_transpose needs non-empty spatial axes; received {tuple(x.shape)}.")
    steps = per_axis(strides, rank, "strides")
    dilation = per_axis(dilation_rate, rank, "dilation_rate")
    mode = check_padding(padding)
    extras = padding_extras(output_padding, rank)
    pads = [transpose_padding(effective_size(k.shape[axis], dilation[axis]), steps[axis], mode, extras[axis])
            for axis in range(rank)]
    # The correlation of the stride-dilated, padded input with the spatially flipped kernel
    # (in and out swapped). MXNet's own Deconvolution is not used: its oneDNN backward fails.
    spread = pad_spatial_first(_stride_dilated(x, steps), pads, 0.0)
    flipped = permuted(mnp.flip(k, tuple(range(rank))), (*range(rank), rank + 1, rank))
    _, compute = _correlation(spread, flipped, (1,) * rank, dilation, "valid")
    return restore_format(finish(compute(None), name), data_format)
