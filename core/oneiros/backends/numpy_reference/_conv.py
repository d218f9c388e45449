"""Convolutions written as a sum over kernel taps of shifted, strided input slices."""

from __future__ import annotations

from typing import Any

import numpy as np

from oneiros import dtypes
from oneiros.backend.geometry import (
    check_padding,
    effective_size,
    output_padding as padding_extras,
    output_size,
    padding_amounts,
    per_axis,
    transpose_padding,
)
from oneiros.backends.numpy_reference._spatial import (
    channels_last,
    check_rank,
    pad_spatial,
    restore_format,
    window_slice,
)
from oneiros.backends.numpy_reference._tensor import as_tensor, compute_dtype, finish

__all__ = ["conv", "conv_transpose", "depthwise_conv"]


def _prepare(inputs: Any, kernel: Any, data_format: str,
             what: str) -> tuple[np.ndarray, np.ndarray, str, int]:
    """Channels-last inputs and the kernel in the compute dtype, the result dtype, the rank."""
    x = as_tensor(inputs)
    k = as_tensor(kernel)
    rank = check_rank(x, what)
    if k.ndim != rank + 2:
        raise ValueError(
            f"{what} of inputs with shape {x.shape} needs a kernel of ndim {rank + 2} "
            f"(*spatial, in, out); received kernel shape {k.shape}."
        )
    name = dtypes.result_type(x, k)
    work = compute_dtype(name)
    return channels_last(x, data_format).astype(work), k.astype(work), name, rank


def _correlate(x: np.ndarray, k: np.ndarray, strides: tuple[int, ...],
               dilation: tuple[int, ...], padding: str) -> np.ndarray:
    """Grouped cross-correlation of channels-last ``x`` with ``k`` (*spatial, C // groups, out)."""
    rank = x.ndim - 2
    channels, group_in, out_channels = x.shape[-1], k.shape[-2], k.shape[-1]
    if group_in == 0 or channels % group_in or out_channels % (channels // group_in):
        raise ValueError(
            f"conv needs input channels ({channels}) divisible by the kernel's input channels "
            f"({group_in}) and output channels ({out_channels}) divisible by the group count; "
            f"received inputs of {channels} channels and kernel shape {k.shape}."
        )
    groups = channels // group_in
    windows = [effective_size(k.shape[axis], dilation[axis]) for axis in range(rank)]
    pads = [padding_amounts(x.shape[1 + axis], windows[axis], strides[axis], padding)
            for axis in range(rank)]
    padded = pad_spatial(x, pads, 0)
    out_spatial = [output_size(padded.shape[1 + axis], windows[axis], strides[axis])
                   for axis in range(rank)]
    result = np.zeros((x.shape[0], *out_spatial, groups, out_channels // groups), x.dtype)
    if 0 not in out_spatial:
        grouped = padded.reshape(*padded.shape[:-1], groups, group_in)
        taps = k.reshape(*k.shape[:-1], groups, out_channels // groups)
        for tap in np.ndindex(*k.shape[:rank]):
            region = (slice(None),) + tuple(
                window_slice(offset * rate, count, step)
                for offset, rate, count, step in zip(tap, dilation, out_spatial, strides)
            )
            result += np.einsum("...gc,cgo->...go", grouped[region], taps[tap])
    return result.reshape(x.shape[0], *out_spatial, out_channels)


def conv(inputs: Any, kernel: Any, strides: Any = 1, padding: str = "valid",
         data_format: str = "channels_last", dilation_rate: Any = 1) -> np.ndarray:
    x, k, name, rank = _prepare(inputs, kernel, data_format, "conv")
    result = _correlate(x, k, per_axis(strides, rank, "strides"),
                        per_axis(dilation_rate, rank, "dilation_rate"), check_padding(padding))
    return finish(restore_format(result, data_format), name)


def depthwise_conv(inputs: Any, kernel: Any, strides: Any = 1, padding: str = "valid",
                   data_format: str = "channels_last", dilation_rate: Any = 1) -> np.ndarray:
    x, k, name, rank = _prepare(inputs, kernel, data_format, "depthwise_conv")
    if k.shape[-2] != x.shape[-1]:
        raise ValueError(
            f"depthwise_conv needs a kernel (*spatial, C, multiplier) with C = {x.shape[-1]} "
            f"(the input channels); received kernel shape {k.shape}."
        )
    # One group per channel; reshaping (C, multiplier) orders outputs c * multiplier + m.
    grouped_kernel = k.reshape(*k.shape[:rank], 1, k.shape[-2] * k.shape[-1])
    result = _correlate(x, grouped_kernel, per_axis(strides, rank, "strides"),
                        per_axis(dilation_rate, rank, "dilation_rate"), check_padding(padding))
    return finish(restore_format(result, data_format), name)


def _scatter_taps(x: np.ndarray, k: np.ndarray, strides: tuple[int, ...],
                  dilation: tuple[int, ...]) -> np.ndarray:
    """Every input pixel times every kernel tap, added at position i * stride + tap * dilation.

    The result (N, *((n - 1) * stride + dilated window), out) is the transposed convolution
    before any padding is cropped.
    """
    rank = x.ndim - 2
    in_spatial = x.shape[1:-1]
    full_spatial = [(size - 1) * step + effective_size(k.shape[axis], dilation[axis])
                    for axis, (size, step) in enumerate(zip(in_spatial, strides))]
    full = np.zeros((x.shape[0], *full_spatial, k.shape[-2]), x.dtype)
    for tap in np.ndindex(*k.shape[:rank]):
        region = (slice(None),) + tuple(
            window_slice(offset * rate, count, step)
            for offset, rate, count, step in zip(tap, dilation, in_spatial, strides)
        )
        full[region] += np.einsum("...c,oc->...o", x, k[tap])
    return full


def conv_transpose(inputs: Any, kernel: Any, strides: Any = 1, padding: str = "valid",
                   output_padding: Any = None, data_format: str = "channels_last",
                   dilation_rate: Any = 1) -> np.ndarray:
    x, k, name, rank = _prepare(inputs, kernel, data_format, "conv_transpose")
    if k.shape[-1] != x.shape[-1]:
        raise ValueError(
            f"conv_transpose needs a kernel (*spatial, out, C) with C = {x.shape[-1]} (the input "
            f"channels); received kernel shape {k.shape}."
        )
    if 0 in x.shape[1:-1]:
        raise ValueError(f"conv_transpose needs non-empty spatial axes; received {x.shape}.")
    steps = per_axis(strides, rank, "strides")
    dilation = per_axis(dilation_rate, rank, "dilation_rate")
    mode = check_padding(padding)
    extras = padding_extras(output_padding, rank)
    full = _scatter_taps(x, k, steps, dilation)
    # The dilated-input formulation pads by `before` and correlates with the flipped kernel;
    # its output o is position o + (window - 1 - before) of the scattered result.
    starts, lengths = [], []
    for axis in range(rank):
        window = effective_size(k.shape[axis], dilation[axis])
        before, after = transpose_padding(window, steps[axis], mode, extras[axis])
        starts.append(window - 1 - before)
        dilated_input = (x.shape[1 + axis] - 1) * steps[axis] + 1
        lengths.append(max(dilated_input + before + after - (window - 1), 0))
    fill = [(max(-start, 0), max(start + length - full.shape[1 + axis], 0))
            for axis, (start, length) in enumerate(zip(starts, lengths))]
    widened = pad_spatial(full, fill, 0)
    region = (slice(None),) + tuple(
        slice(start + low, start + low + length)
        for start, length, (low, _) in zip(starts, lengths, fill)
    )
    return finish(restore_format(widened[region], data_format), name)
