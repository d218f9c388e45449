"""Convolutions on ONNX Conv and ConvTranspose (channels-first inside, the kernel transposed to match)."""

from __future__ import annotations

from typing import Any

from oneiros_onnx._dispatch import lowered
from oneiros_onnx._graph import Symbol
from oneiros.backend.geometry import (
    check_format,
    check_padding,
    effective_size,
    output_padding as padding_extras,
    output_size,
    padding_amounts,
    per_axis,
    transpose_padding,
)
from oneiros_onnx._spatial import channels_first, check_rank, restore_format
from oneiros_onnx._trace import emit, int64s
from oneiros_onnx._values import cast, filled, reshape, result_type, tensor, transpose

__all__ = ["conv", "conv_transpose", "depthwise_conv"]

WORK = "float32"
"""ONNX Runtime convolves float32 (and float16, computed here in float32 like every half float)."""


def _prepare(inputs: Any, kernel: Any, data_format: str, what: str) -> tuple[Symbol, Symbol, str, int]:
    """Channels-first inputs and the kernel in the compute dtype, the result dtype, the spatial rank."""
    check_format(data_format)
    x, k = tensor(inputs), tensor(kernel)
    rank = check_rank(x, what)
    if k.ndim != rank + 2:
        raise ValueError(f"{what} of inputs with shape {x.shape} needs a kernel of ndim {rank + 2} (*spatial, in, "
                         f"out); received kernel shape {k.shape}.")
    name = result_type(x, k)
    return channels_first(cast(x, WORK), data_format), cast(k, WORK), name, rank


def _onnx_weight(k: Symbol, rank: int) -> Symbol:
    """(*spatial, a, b) -> (b, a, *spatial): ONNX's (out, in // groups) for Conv, (in, out) for ConvTranspose."""
    return transpose(k, [rank + 1, rank, *range(rank)])


def _correlate(x: Symbol, k: Symbol, rank: int, strides: Any, padding: str, dilation_rate: Any) -> Symbol:
    """Grouped cross-correlation of channels-first ``x`` with ``k`` (*spatial, C // groups, out)."""
    channels, group_in, out_channels = x.shape[1], k.shape[-2], k.shape[-1]
    if group_in == 0 or channels % group_in or out_channels % (channels // group_in):
        raise ValueError(f"conv needs input channels ({channels}) divisible by the kernel's input channels "
                         f"({group_in}) and output channels ({out_channels}) divisible by the group count; "
                         f"received inputs of {channels} channels and kernel shape {k.shape}.")
    steps = per_axis(strides, rank, "strides")
    dilation = per_axis(dilation_rate, rank, "dilation_rate")
    mode = check_padding(padding)
    spatial = [int(size) for size in x.shape[2:]]
    windows = [effective_size(k.shape[axis], dilation[axis]) for axis in range(rank)]
    pads = [padding_amounts(spatial[axis], windows[axis], steps[axis], mode) for axis in range(rank)]
    out_spatial = [output_size(spatial[axis] + sum(pads[axis]), windows[axis], steps[axis]) for axis in range(rank)]
    shape = (x.shape[0], out_channels, *out_spatial)
    if 0 in out_spatial:
        return filled(shape, 0.0, x.dtype)
    return emit("Conv", [x, _onnx_weight(k, rank)], shape, x.dtype, strides=list(steps), dilations=list(dilation),
                pads=[before for before, _ in pads] + [after for _, after in pads],
                group=channels // group_in)


@lowered
def conv(inputs: Any, kernel: Any, strides: Any = 1, padding: str = "valid", data_format: str = "channels_last",
         dilation_rate: Any = 1) -> Symbol:
    x, k, name, rank = _prepare(inputs, kernel, data_format, "conv")
    result = _correlate(x, k, rank, strides, padding, dilation_rate)
    return cast(restore_format(result, data_format), name)


@lowered
def depthwise_conv(inputs: Any, kernel: Any, strides: Any = 1, padding: str = "valid",
                   data_format: str = "channels_last", dilation_rate: Any = 1) -> Symbol:
    x, k, name, rank = _prepare(inputs, kernel, data_format, "depthwise_conv")
    if k.shape[-2] != x.shape[1]:
        raise ValueError(f"depthwise_conv needs a kernel (*spatial, C, multiplier) with C = {x.shape[1]} (the input "
                         f"channels); received kernel shape {k.shape}.")
    # One group per channel; reshaping (C, multiplier) orders outputs c * multiplier + m.
    grouped = reshape(k, (*k.shape[:rank], 1, k.shape[-2] * k.shape[-1]))
    result = _correlate(x, grouped, rank, strides, padding, dilation_rate)
    return cast(restore_format(result, data_format), name)


@lowered
def conv_transpose(inputs: Any, kernel: Any, strides: Any = 1, padding: str = "valid", output_padding: Any = None,
                   data_format: str = "channels_last", dilation_rate: Any = 1) -> Symbol:
    x, k, name, rank = _prepare(inputs, kernel, data_format, "conv_transpose")
    if k.shape[-1] != x.shape[1]:
        raise ValueError(f"conv_transpose needs a kernel (*spatial, out, C) with C = {x.shape[1]} (the input "
                         f"channels); received kernel shape {k.shape}.")
    spatial = [int(size) for size in x.shape[2:]]
    if 0 in spatial:
        raise ValueError(f"conv_transpose needs non-empty spatial axes; received {x.shape}.")
    steps = per_axis(strides, rank, "strides")
    dilation = per_axis(dilation_rate, rank, "dilation_rate")
    mode = check_padding(padding)
    extras = padding_extras(output_padding, rank)
    windows = [effective_size(k.shape[axis], dilation[axis]) for axis in range(rank)]
    full_spatial = [(size - 1) * step + window for size, step, window in zip(spatial, steps, windows)]
    # Every input pixel times every kernel tap, added at i * stride + tap * dilation; Keras's
    # padding then keeps a window of that, zero-extended where it reaches past the ends.
    full = emit("ConvTranspose", [x, _onnx_weight(k, rank)], (x.shape[0], k.shape[-2], *full_spatial), x.dtype,
                strides=list(steps), dilations=list(dilation))
    starts, lengths = [], []
    for axis in range(rank):
        before, after = transpose_padding(windows[axis], steps[axis], mode, extras[axis])
        starts.append(windows[axis] - 1 - before)
        lengths.append(max((spatial[axis] - 1) * steps[axis] + 1 + before + after - (windows[axis] - 1), 0))
    fill = [(max(-start, 0), max(start + length - size, 0))
            for start, length, size in zip(starts, lengths, full_spatial)]
    if any(low or high for low, high in fill):
        widened_shape = (*full.shape[:2], *(size + low + high for size, (low, high) in zip(full_spatial, fill)))
        pads = [0, 0, *(low for low, _ in fill), 0, 0, *(high for _, high in fill)]
        full = emit("Pad", [full, int64s(pads)], widened_shape, full.dtype, mode="constant")
    begins = [start + low for start, (low, _) in zip(starts, fill)]
    region = emit("Slice", [full, int64s(begins), int64s([b + n for b, n in zip(begins, lengths)]),
                            int64s(range(2, 2 + rank))], (*full.shape[:2], *lengths), full.dtype)
    return cast(restore_format(region, data_format), name)
