"""Activations, softmax, one-hot encoding, moments, convolution, pooling and resizing as PyTensor graphs.

The activations use PyTensor's numerically stable scalar ops (sigmoid, softplus) and softmax
ops, which its rewrites and gradients know.

PyTensor has no convolution or pooling op for neural networks (Theano's ``nnet`` module was
dropped), so a convolution gathers its kernel taps' strided input slices side by side (im2col)
and multiplies them with the reshaped kernel in one product; pooling reduces over the taps.
2-D float patches (``_patch_ops``) and max pooling with stride = window (``_pool_ops``) have
their own C loops.
Shapes are static, so window geometry comes from ``oneiros.backend.geometry`` on the host.
"""

from __future__ import annotations

import builtins
import itertools
import math
from typing import Any

import numpy as np
import pytensor.tensor as pt
from pytensor.tensor.special import log_softmax as pt_log_softmax, softmax as pt_softmax

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
from oneiros.backend.resampling import linear_neighbours, nearest_indices

from oneiros_pytensor._graph import graph_op
from oneiros_pytensor._linker import linker_name
from oneiros_pytensor._patch_ops import Patches
from oneiros_pytensor._pool_ops import FLOATS, TiledMaxPool
from oneiros_pytensor._tensors import (
    as_float,
    axes_tuple,
    compute_name,
    dtype_name,
    finish,
    float_name,
    lowest,
    promoted,
    static_shape,
    tensor,
)

__all__ = [
    "average_pool", "conv", "conv_transpose", "depthwise_conv", "elu", "gelu", "hard_sigmoid", "hard_silu",
    "leaky_relu", "log_sigmoid", "log_softmax", "max_pool", "mish", "moments", "one_hot", "relu", "relu6", "resize",
    "selu", "sigmoid", "silu", "softmax", "softplus", "softsign",
]

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def _on_floats(x: Any, fn) -> Any:
    x = as_float(x)
    return finish(fn(finish(x, compute_name(x.dtype))), x.dtype)


def _hard_sigmoid(v: Any) -> Any:
    return pt.clip(v / 6 + 0.5, 0, 1)


def _elu(v: Any, alpha: float) -> Any:
    return pt.switch(pt.gt(v, 0), v, alpha * pt.expm1(pt.minimum(v, 0)))


@graph_op
def relu(x):
    return _on_floats(x, lambda v: pt.maximum(v, 0))


@graph_op
def relu6(x):
    return _on_floats(x, lambda v: pt.clip(v, 0, 6))


@graph_op
def leaky_relu(x, negative_slope=0.2):
    return _on_floats(x, lambda v: pt.switch(pt.ge(v, 0), v, negative_slope * v))


@graph_op
def elu(x, alpha=1.0):
    return _on_floats(x, lambda v: _elu(v, alpha))


@graph_op
def selu(x):
    return _on_floats(x, lambda v: SELU_SCALE * _elu(v, SELU_ALPHA))


@graph_op
def gelu(x, approximate=True):
    if approximate:
        def fn(v: Any) -> Any:
            return 0.5 * v * (1 + pt.tanh(math.sqrt(2 / math.pi) * (v + 0.044715 * v**3)))
    else:
        def fn(v: Any) -> Any:
            return 0.5 * v * (1 + pt.erf(v / math.sqrt(2)))
    return _on_floats(x, fn)


@graph_op
def silu(x):
    return _on_floats(x, lambda v: v * pt.sigmoid(v))


@graph_op
def softplus(x):
    return _on_floats(x, pt.softplus)


@graph_op
def softsign(x):
    return _on_floats(x, lambda v: v / (1 + pt.abs(v)))


@graph_op
def sigmoid(x):
    return _on_floats(x, pt.sigmoid)


@graph_op
def hard_sigmoid(x):
    return _on_floats(x, _hard_sigmoid)


@graph_op
def hard_silu(x):
    return _on_floats(x, lambda v: v * _hard_sigmoid(v))


@graph_op
def log_sigmoid(x):
    return _on_floats(x, lambda v: -pt.softplus(-v))


@graph_op
def mish(x):
    return _on_floats(x, lambda v: v * pt.tanh(pt.softplus(v)))


@graph_op
def softmax(x, axis=-1):
    x = as_float(x)
    axes = axes_tuple(axis, x.ndim)
    return _on_floats(x, lambda v: pt_softmax(v, axis=axes if len(axes) > 1 else axes[0]))


@graph_op
def log_softmax(x, axis=-1):
    x = as_float(x)
    axes = axes_tuple(axis, x.ndim)
    return _on_floats(x, lambda v: pt_log_softmax(v, axis=axes if len(axes) > 1 else axes[0]))


@graph_op
def one_hot(x, num_classes, axis=-1, dtype="float32"):
    labels = tensor(x)
    if labels.dtype not in ("int8", "int16", "int32", "uint8", "uint16", "uint32"):
        raise TypeError(f"one_hot needs integer labels; received {labels.dtype}.")
    if int(num_classes) < 1:
        raise ValueError(f"one_hot needs num_classes >= 1; received {num_classes}.")
    out_axis = int(axis)
    if not -labels.ndim - 1 <= out_axis <= labels.ndim:
        raise ValueError(f"one_hot axis must lie in [{-labels.ndim - 1}, {labels.ndim}] for an input of ndim "
                         f"{labels.ndim}; received {axis}.")
    # Comparing with every class index leaves out-of-range labels (negatives too) all zeros.
    encoded = pt.eq(pt.shape_padright(labels), np.arange(int(num_classes), dtype="int32"))
    return pt.cast(pt.moveaxis(encoded, -1, out_axis), dtype_name(dtype))


@graph_op
def moments(x, axes, keepdims=False):
    x = as_float(x)
    reduced = axes_tuple(axes, x.ndim)
    values = finish(x, compute_name(x.dtype))
    mean = pt.mean(values, axis=reduced, keepdims=True)
    variance = pt.mean(pt.sqr(values - mean), axis=reduced, keepdims=keepdims)
    if not keepdims:
        mean = pt.squeeze(mean, axis=reduced)
    return finish(mean, x.dtype), finish(variance, x.dtype)


INTERPOLATIONS = ("nearest", "bilinear")


def _check_rank(x: Any, what: str) -> int:
    if not 3 <= x.ndim <= 5:
        raise ValueError(f"{what} needs inputs of ndim 3-5 (batch, 1-3 spatial axes, channels); received shape "
                         f"{static_shape(x)}.")
    return x.ndim - 2


def _channels_last(x: Any, data_format: str) -> Any:
    return pt.moveaxis(x, 1, -1) if check_format(data_format) == "channels_first" else x


def _restore_format(x: Any, data_format: str) -> Any:
    return pt.moveaxis(x, -1, 1) if data_format == "channels_first" else x


def _window_slice(start: int, count: int, step: int) -> builtins.slice:
    return builtins.slice(start, start + (count - 1) * step + 1, step)


def _pad_spatial(x: Any, pads: list[tuple[int, int]], value: Any) -> Any:
    if not any(before or after for before, after in pads):
        return x
    shape = static_shape(x)
    padded_shape = (shape[0], *(size + sum(pad) for size, pad in zip(shape[1:-1], pads)), shape[-1])
    region = (builtins.slice(None),) + tuple(builtins.slice(before, before + size)
                                             for (before, _), size in zip(pads, shape[1:-1]))
    return pt.set_subtensor(pt.full(padded_shape, value, dtype=x.dtype)[region], x)


def _taps(padded: Any, window: tuple[int, ...], dilation: tuple[int, ...], out_spatial: list[int],
          steps: tuple[int, ...]) -> list[Any]:
    """For each kernel tap (row-major), the input values it meets at every output position."""
    return [padded[(builtins.slice(None),) + tuple(
        _window_slice(offset * rate, count, step)
        for offset, rate, count, step in zip(tap, dilation, out_spatial, steps))]
        for tap in itertools.product(*(range(size) for size in window))]


def _prepare(inputs: Any, kernel: Any, data_format: str, what: str) -> tuple[Any, Any, str, int]:
    (x, k), name = promoted(inputs, kernel)
    rank = _check_rank(x, what)
    if k.ndim != rank + 2:
        raise ValueError(f"{what} of inputs with shape {static_shape(x)} needs a kernel of ndim {rank + 2} "
                         f"(*spatial, in, out); received kernel shape {static_shape(k)}.")
    work = compute_name(name)
    return _channels_last(finish(x, work), data_format), finish(k, work), name, rank


def _geometry(x: Any, window: tuple[int, ...], steps: tuple[int, ...], padding: str) -> tuple[list, list]:
    rank = x.ndim - 2
    shape = static_shape(x)
    pads = [padding_amounts(shape[1 + axis], window[axis], steps[axis], padding) for axis in range(rank)]
    out_spatial = [output_size(shape[1 + axis] + sum(pads[axis]), window[axis], steps[axis]) for axis in range(rank)]
    return pads, out_spatial


def _correlate(x: Any, k: Any, strides: tuple[int, ...], dilation: tuple[int, ...], padding: str) -> Any:
    """Grouped cross-correlation of channels-last ``x`` with ``k`` (*spatial, C // groups, out)."""
    rank = x.ndim - 2
    shape, kernel_shape = static_shape(x), static_shape(k)
    channels, group_in, out_channels = shape[-1], kernel_shape[-2], kernel_shape[-1]
    if group_in == 0 or channels % group_in or out_channels % (channels // group_in):
        raise ValueError(f"conv needs input channels ({channels}) divisible by the kernel's input channels "
                         f"({group_in}) and output channels ({out_channels}) divisible by the group count; "
                         f"received inputs of shape {shape} and kernel shape {kernel_shape}.")
    groups = channels // group_in
    spatial_kernel = kernel_shape[:rank]
    windows = tuple(effective_size(spatial_kernel[axis], dilation[axis]) for axis in range(rank))
    pads, out_spatial = _geometry(x, windows, strides, padding)
    if 0 in out_spatial:
        return pt.zeros((shape[0], *out_spatial, out_channels), dtype=x.dtype)
    padded = _pad_spatial(x, pads, 0)
    tap_count = math.prod(spatial_kernel)
    # 2-D patches have their own C loops, for their gradient above all (see _patch_ops)
    own_patches = rank == 2 and groups == 1 and tap_count > 1 and x.dtype in FLOATS and linker_name() != "numba"
    taps = [] if own_patches else _taps(padded, spatial_kernel, dilation, out_spatial, strides)
    per_group = out_channels // groups
    results = []
    for group in range(groups):
        if own_patches:
            patches = Patches(spatial_kernel, strides, dilation)(padded)
        else:
            inputs = [tap[..., group * group_in:(group + 1) * group_in] for tap in taps] if groups > 1 else taps
            patches = inputs[0] if tap_count == 1 else pt.concatenate(inputs, axis=-1)
        weights = pt.reshape(k[..., group * per_group:(group + 1) * per_group], (tap_count * group_in, per_group))
        rows = pt.reshape(patches, (-1, tap_count * group_in))
        results.append(pt.reshape(pt.dot(rows, weights), (shape[0], *out_spatial, per_group)))
    return results[0] if groups == 1 else pt.concatenate(results, axis=-1)


@graph_op
def conv(inputs, kernel, strides=1, padding="valid", data_format="channels_last", dilation_rate=1):
    x, k, name, rank = _prepare(inputs, kernel, data_format, "conv")
    result = _correlate(x, k, per_axis(strides, rank, "strides"), per_axis(dilation_rate, rank, "dilation_rate"),
                        check_padding(padding))
    return finish(_restore_format(result, data_format), name)


@graph_op
def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format="channels_last", dilation_rate=1):
    x, k, name, rank = _prepare(inputs, kernel, data_format, "depthwise_conv")
    shape, kernel_shape = static_shape(x), static_shape(k)
    if kernel_shape[-2] != shape[-1]:
        raise ValueError(f"depthwise_conv needs a kernel (*spatial, C, multiplier) with C = {shape[-1]} (the input "
                         f"channels); received kernel shape {kernel_shape}.")
    steps, dilation = per_axis(strides, rank, "strides"), per_axis(dilation_rate, rank, "dilation_rate")
    spatial_kernel = kernel_shape[:rank]
    windows = tuple(effective_size(spatial_kernel[axis], dilation[axis]) for axis in range(rank))
    pads, out_spatial = _geometry(x, windows, steps, check_padding(padding))
    channels, multiplier = kernel_shape[-2:]
    if 0 in out_spatial:
        result = pt.zeros((shape[0], *out_spatial, channels * multiplier), dtype=x.dtype)
    else:
        taps = _taps(_pad_spatial(x, pads, 0), spatial_kernel, dilation, out_spatial, steps)
        flat_kernel = pt.reshape(k, (len(taps), channels, multiplier))
        # Outputs ordered c * multiplier + m: each channel's values times its own multipliers.
        total = sum(pt.shape_padright(tap) * flat_kernel[index] for index, tap in enumerate(taps))
        result = pt.reshape(total, (shape[0], *out_spatial, channels * multiplier))
    return finish(_restore_format(result, data_format), name)


@graph_op
def conv_transpose(inputs, kernel, strides=1, padding="valid", output_padding=None, data_format="channels_last",
                   dilation_rate=1):
    x, k, name, rank = _prepare(inputs, kernel, data_format, "conv_transpose")
    shape, kernel_shape = static_shape(x), static_shape(k)
    if kernel_shape[-1] != shape[-1]:
        raise ValueError(f"conv_transpose needs a kernel (*spatial, out, C) with C = {shape[-1]} (the input "
                         f"channels); received kernel shape {kernel_shape}.")
    if 0 in shape[1:-1]:
        raise ValueError(f"conv_transpose needs non-empty spatial axes; received {shape}.")
    steps, dilation = per_axis(strides, rank, "strides"), per_axis(dilation_rate, rank, "dilation_rate")
    mode = check_padding(padding)
    extras = padding_extras(output_padding, rank)
    in_spatial = shape[1:-1]
    out_channels = kernel_shape[-2]
    # Every input pixel times every kernel tap, added at position i * stride + tap * dilation.
    full_spatial = [(size - 1) * step + effective_size(kernel_shape[axis], dilation[axis])
                    for axis, (size, step) in enumerate(zip(in_spatial, steps))]
    full = pt.zeros((shape[0], *full_spatial, out_channels), dtype=x.dtype)
    for tap in itertools.product(*(range(size) for size in kernel_shape[:rank])):
        region = (builtins.slice(None),) + tuple(_window_slice(offset * rate, count, step)
                                                 for offset, rate, count, step in zip(tap, dilation, in_spatial, steps))
        full = pt.inc_subtensor(full[region], pt.dot(x, k[tap].T))
    # The dilated-input formulation pads by `before` and correlates with the flipped kernel;
    # its output o is position o + (window - 1 - before) of the scattered result.
    starts, lengths = [], []
    for axis in range(rank):
        window = effective_size(kernel_shape[axis], dilation[axis])
        before, after = transpose_padding(window, steps[axis], mode, extras[axis])
        starts.append(window - 1 - before)
        dilated_input = (in_spatial[axis] - 1) * steps[axis] + 1
        lengths.append(max(dilated_input + before + after - (window - 1), 0))
    fill = [(max(-start, 0), max(start + length - full_spatial[axis], 0))
            for axis, (start, length) in enumerate(zip(starts, lengths))]
    widened = _pad_spatial(full, fill, 0)
    region = (builtins.slice(None),) + tuple(builtins.slice(start + low, start + low + length)
                                             for start, length, (low, _) in zip(starts, lengths, fill))
    return finish(_restore_format(widened[region], data_format), name)


def _pool_geometry(x: Any, pool_size: Any, strides: Any, padding: str) -> tuple:
    rank = x.ndim - 2
    window = per_axis(pool_size, rank, "pool_size")
    steps = window if strides is None else per_axis(strides, rank, "strides")
    pads, out_spatial = _geometry(x, window, steps, check_padding(padding))
    return window, steps, pads, out_spatial


def _pool_input(inputs: Any, data_format: str, what: str, name_of_result) -> tuple[Any, str]:
    x = tensor(inputs)
    _check_rank(x, what)
    name = name_of_result(x.dtype)
    work = "int8" if name == "bool" else compute_name(name)
    return _channels_last(finish(x, work), data_format), name


@graph_op
def max_pool(inputs, pool_size, strides=None, padding="valid", data_format="channels_last"):
    x, name = _pool_input(inputs, data_format, "max_pool", lambda dtype: dtype)
    window, steps, pads, out_spatial = _pool_geometry(x, pool_size, strides, padding)
    shape = static_shape(x)
    if 0 in out_spatial:
        result = pt.full((shape[0], *out_spatial, shape[-1]), lowest(name), dtype=x.dtype)
    elif (len(steps) == 2 and window == steps and not any(before or after for before, after in pads)
          and x.dtype in FLOATS and linker_name() != "numba"):
        result = TiledMaxPool(steps)(x)  # side-by-side windows: its own loops, in C
    elif window == steps and not any(before or after for before, after in pads) and builtins.all(
            size % step == 0 for size, step in zip(shape[1:-1], steps)):
        # Windows that tile the input exactly: one reduction over a reshaped view.
        split_shape = [shape[0]]
        for count, step in zip(out_spatial, steps):
            split_shape += [count, step]
        reduced = tuple(2 + 2 * axis for axis in range(len(steps)))
        result = pt.max(pt.reshape(x, (*split_shape, shape[-1])), axis=reduced)
    else:
        taps = _taps(_pad_spatial(x, pads, lowest(name)), window, (1,) * len(window), out_spatial, steps)
        result = taps[0]
        for tap in taps[1:]:
            result = pt.maximum(result, tap)
    return finish(_restore_format(result, data_format), name)


@graph_op
def average_pool(inputs, pool_size, strides=None, padding="valid", data_format="channels_last"):
    x, name = _pool_input(inputs, data_format, "average_pool", float_name)
    window, steps, pads, out_spatial = _pool_geometry(x, pool_size, strides, padding)
    shape = static_shape(x)
    if 0 in out_spatial:
        return finish(_restore_format(pt.zeros((shape[0], *out_spatial, shape[-1]), dtype=x.dtype), data_format),
                      name)
    taps = _taps(_pad_spatial(x, pads, 0), window, (1,) * len(window), out_spatial, steps)
    # Counting real (unpadded) elements per window makes 'same' average only the real ones.
    present = np.pad(np.ones(shape[1:-1], np.float32), pads)
    counts = np.zeros(out_spatial, np.float32)
    for tap in itertools.product(*(range(size) for size in window)):
        counts += present[tuple(_window_slice(offset, count, step)
                                for offset, count, step in zip(tap, out_spatial, steps))]
    total = taps[0]
    for tap in taps[1:]:
        total = total + tap
    result = total / np.maximum(counts, 1)[None, ..., None].astype(x.dtype)
    return finish(_restore_format(result, data_format), name)


def _interpolate(values: Any, axis: int, target: int, interpolation: str) -> Any:
    source = static_shape(values)[axis]
    if interpolation == "nearest":
        return pt.take(values, nearest_indices(source, target).astype("int32"), axis=axis)
    below, above, fraction = linear_neighbours(source, target)
    shape = [1] * values.ndim
    shape[axis] = target
    weight = fraction.astype(values.dtype).reshape(shape)
    return (pt.take(values, below.astype("int32"), axis=axis) * (1 - weight)
            + pt.take(values, above.astype("int32"), axis=axis) * weight)


@graph_op
def resize(images, size, interpolation="bilinear", data_format="channels_last"):
    x = tensor(images)
    if x.ndim not in (3, 4):
        raise ValueError(f"resize needs images (N, H, W, C), (H, W, C) or channels-first; received shape "
                         f"{static_shape(x)}.")
    if interpolation not in INTERPOLATIONS:
        raise ValueError(f"resize interpolation must be one of {', '.join(INTERPOLATIONS)}; received "
                         f"{interpolation!r}.")
    height, width = per_axis(size, 2, "size")
    batched = x.ndim == 4
    name = x.dtype if interpolation == "nearest" else float_name(x.dtype)
    values = _channels_last(finish(x if batched else x[None], compute_name(name)), data_format)
    if 0 in static_shape(values)[1:3]:
        raise ValueError(f"resize needs non-empty images; received shape {static_shape(x)}.")
    for axis, target in ((1, height), (2, width)):
        values = _interpolate(values, axis, target, interpolation)
    result = _restore_format(values, data_format)
    return finish(result if batched else result[0], name)
