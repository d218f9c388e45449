"""Activations, softmax, one-hot encoding, moments, convolution, pooling and resizing.

Every activation stays finite for |x| ~ 1e4, like the reference: exponentials only see -|x|.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

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

from oneiros_onnx._dispatch import lowered
from oneiros_onnx._dtypes import FLOATS, INTS, kernel_dtype, lowest
from oneiros_onnx._graph import Symbol
from oneiros_onnx._reduction import float_values, logsumexp_values, reduce, variance
from oneiros_onnx._shape import moveaxis
from oneiros_onnx._spatial import channels_first, check_rank, restore_format
from oneiros_onnx._trace import constant, emit, int64s
from oneiros_onnx._values import (
    as_dtype,
    cast,
    dtype_name,
    filled,
    float_result,
    normalize_axes,
    reshape,
    result_type,
    squeeze,
    tensor,
    transpose,
    unsqueeze,
)

__all__ = [
    "average_pool", "conv", "conv_transpose", "depthwise_conv", "elu", "gelu", "hard_sigmoid", "hard_silu",
    "leaky_relu", "log_sigmoid", "log_softmax", "max_pool", "mish", "moments", "one_hot", "relu", "relu6", "resize",
    "selu", "sigmoid", "silu", "softmax", "softplus", "softsign",
]

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def _activation(x: Any, build: Callable[[Symbol], Symbol]) -> Symbol:
    original = tensor(x)
    return cast(build(float_values(original)), float_result(original.dtype))


def _node(op_type: str, value: Symbol, *others: Any, **attributes: Any) -> Symbol:
    inputs = [value, *(other if isinstance(other, Symbol) else as_dtype(other, value.dtype) for other in others)]
    return emit(op_type, inputs, value.shape, value.dtype, **attributes)


def _softplus(v: Symbol) -> Symbol:
    # max(v, 0) + log(1 + exp(-|v|))
    decay = _node("Exp", _node("Neg", _node("Abs", v)))
    return _node("Add", _node("Relu", v), _node("Log", _node("Add", decay, 1.0)))


@lowered
def relu(x: Any) -> Symbol:
    return _activation(x, lambda v: _node("Relu", v))


@lowered
def relu6(x: Any) -> Symbol:
    return _activation(x, lambda v: _node("Clip", v, 0.0, 6.0))


@lowered
def leaky_relu(x: Any, negative_slope: float = 0.2) -> Symbol:
    return _activation(x, lambda v: _node("LeakyRelu", v, alpha=float(negative_slope)))


@lowered
def elu(x: Any, alpha: float = 1.0) -> Symbol:
    return _activation(x, lambda v: _node("Elu", v, alpha=float(alpha)))


@lowered
def selu(x: Any) -> Symbol:
    return _activation(x, lambda v: _node("Selu", v, alpha=SELU_ALPHA, gamma=SELU_SCALE))


@lowered
def gelu(x: Any, approximate: bool = True) -> Symbol:
    def build(v: Symbol) -> Symbol:
        if approximate:
            cube = _node("Mul", _node("Mul", v, v), v)
            inner = _node("Mul", _node("Add", v, _node("Mul", cube, 0.044715)), math.sqrt(2 / math.pi))
            gate = _node("Add", _node("Tanh", inner), 1.0)
        else:
            gate = _node("Add", _node("Erf", _node("Mul", v, 1 / math.sqrt(2))), 1.0)
        return _node("Mul", _node("Mul", v, gate), 0.5)

    return _activation(x, build)


@lowered
def silu(x: Any) -> Symbol:
    return _activation(x, lambda v: _node("Mul", v, _node("Sigmoid", v)))


@lowered
def softplus(x: Any) -> Symbol:
    return _activation(x, _softplus)


@lowered
def softsign(x: Any) -> Symbol:
    return _activation(x, lambda v: _node("Softsign", v))


@lowered
def sigmoid(x: Any) -> Symbol:
    return _activation(x, lambda v: _node("Sigmoid", v))


@lowered
def hard_sigmoid(x: Any) -> Symbol:
    return _activation(x, lambda v: _node("HardSigmoid", v, alpha=1 / 6, beta=0.5))


@lowered
def hard_silu(x: Any) -> Symbol:
    return _activation(x, lambda v: _node("HardSwish", v))


@lowered
def log_sigmoid(x: Any) -> Symbol:
    def build(v: Symbol) -> Symbol:
        decay = _node("Exp", _node("Neg", _node("Abs", v)))
        return _node("Sub", _node("Min", v, 0.0), _node("Log", _node("Add", decay, 1.0)))

    return _activation(x, build)


@lowered
def mish(x: Any) -> Symbol:
    return _activation(x, lambda v: _node("Mul", v, _node("Tanh", _softplus(v))))


def _normalized(x: Any, axis: Any, single: str, build: Callable[[Symbol, tuple[int, ...]], Symbol]) -> Symbol:
    original = tensor(x)
    values = float_values(original)
    axes = normalize_axes(axis, values.ndim)
    if len(axes) == 1:
        result = _node(single, values, axis=axes[0])
    else:
        result = build(values, axes)
    return cast(result, float_result(original.dtype))


def _softmax_over(values: Symbol, axes: tuple[int, ...]) -> Symbol:
    shifted = _node("Sub", values, reduce("ReduceMax", values, axes, True))
    weights = _node("Exp", shifted)
    return emit("Div", [weights, reduce("ReduceSum", weights, axes, True)], values.shape, values.dtype)


def _log_softmax_over(values: Symbol, axes: tuple[int, ...]) -> Symbol:
    return emit("Sub", [values, logsumexp_values(values, axes, True)], values.shape, values.dtype)


@lowered
def softmax(x: Any, axis: Any = -1) -> Symbol:
    return _normalized(x, axis, "Softmax", _softmax_over)


@lowered
def log_softmax(x: Any, axis: Any = -1) -> Symbol:
    return _normalized(x, axis, "LogSoftmax", _log_softmax_over)


@lowered
def one_hot(x: Any, num_classes: int, axis: int = -1, dtype: Any = "float32") -> Symbol:
    labels = tensor(x)
    if labels.dtype not in INTS:
        raise TypeError(f"one_hot input must be an integer tensor; received dtype {labels.dtype}.")
    classes = int(num_classes)
    if classes < 1:
        raise ValueError(f"one_hot needs num_classes >= 1; received {num_classes}.")
    position = int(axis)
    if not -labels.ndim - 1 <= position <= labels.ndim:
        raise ValueError(f"one_hot axis must lie in [{-labels.ndim - 1}, {labels.ndim}] for an input of shape "
                         f"{labels.shape}; received {axis}.")
    # Comparing with every class index leaves out-of-range labels (negatives too) all zeros.
    work = kernel_dtype(labels.dtype, frozenset({"int32", "int64"}))
    classes_row = constant(np.arange(classes), work)
    expanded = unsqueeze(cast(labels, work), [labels.ndim])
    encoded = emit("Equal", [expanded, classes_row], (*labels.shape, classes), "bool")
    encoded = cast(encoded, dtype_name(dtype))
    return moveaxis(encoded, -1, position) if position not in (-1, labels.ndim) else encoded


@lowered
def moments(x: Any, axes: Any, keepdims: bool = False) -> tuple[Symbol, Symbol]:
    original = tensor(x)
    values = float_values(original)
    reduced = normalize_axes(axes, values.ndim)
    name = float_result(original.dtype)
    mean = reduce("ReduceMean", values, reduced, keepdims)
    return cast(mean, name), cast(variance(values, reduced, keepdims), name)


WORK = "float32"


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


def _pool(op_type: str, inputs: Any, pool_size: Any, strides: Any, padding: str, data_format: str,
          name_of: Any, empty_value: Any, **attributes: Any) -> Symbol:
    check_format(data_format)
    original = tensor(inputs)
    rank = check_rank(original, op_type)
    name = name_of(original.dtype)
    # Integers pool in float64, which holds every int32 exactly.
    work = "float32" if name in FLOATS - {"float64"} else "float64"
    x = channels_first(cast(original, work), data_format)
    window = per_axis(pool_size, rank, "pool_size")
    steps = window if strides is None else per_axis(strides, rank, "strides")
    mode = check_padding(padding)
    spatial = [int(size) for size in x.shape[2:]]
    pads = [padding_amounts(spatial[axis], window[axis], steps[axis], mode) for axis in range(rank)]
    out_spatial = [output_size(spatial[axis] + sum(pads[axis]), window[axis], steps[axis]) for axis in range(rank)]
    shape = (*x.shape[:2], *out_spatial)
    if 0 in out_spatial:
        result = filled(shape, empty_value(name), work)
    else:
        result = emit(op_type, [x], shape, work, kernel_shape=list(window), strides=list(steps),
                      pads=[before for before, _ in pads] + [after for _, after in pads], **attributes)
    return cast(restore_format(result, data_format), name)


@lowered
def max_pool(inputs: Any, pool_size: Any, strides: Any = None, padding: str = "valid",
             data_format: str = "channels_last") -> Symbol:
    # MaxPool ignores padded positions, as the reference's -inf padding does.
    return _pool("MaxPool", inputs, pool_size, strides, padding, data_format, lambda name: name, lowest)


@lowered
def average_pool(inputs: Any, pool_size: Any, strides: Any = None, padding: str = "valid",
                 data_format: str = "channels_last") -> Symbol:
    # count_include_pad=0: 'same' windows average only their real elements.
    return _pool("AveragePool", inputs, pool_size, strides, padding, data_format, float_result, lambda name: 0.0,
                 count_include_pad=0)


INTERPOLATIONS = ("nearest", "bilinear")


def _gather(values: Symbol, indices: np.ndarray, axis: int) -> Symbol:
    shape = tuple(len(indices) if index == axis else dim for index, dim in enumerate(values.shape))
    return emit("Gather", [values, constant(indices, "int64")], shape, values.dtype, axis=axis)


def _nearest(values: Symbol, axis: int, target: int) -> Symbol:
    return _gather(values, nearest_indices(int(values.shape[axis]), target), axis)


def _linear(values: Symbol, axis: int, target: int) -> Symbol:
    below, above, fraction = linear_neighbours(int(values.shape[axis]), target)
    shape = [1] * values.ndim
    shape[axis] = target
    weight = fraction.astype(np.float32)  # rounded to float32 first, as the reference does
    fraction = constant(weight.reshape(shape), values.dtype)
    keep = constant((np.float32(1) - weight).reshape(shape), values.dtype)
    low, high = _gather(values, below, axis), _gather(values, above, axis)
    return emit("Add", [emit("Mul", [low, keep], low.shape, low.dtype), emit("Mul", [high, fraction], high.shape,
                                                                               high.dtype)], low.shape, low.dtype)


@lowered
def resize(images: Any, size: Any, interpolation: str = "bilinear", data_format: str = "channels_last") -> Symbol:
    array = tensor(images)
    if array.ndim not in (3, 4):
        raise ValueError(f"resize needs images (N, H, W, C), (H, W, C) or channels-first; received shape "
                         f"{array.shape}.")
    if interpolation not in INTERPOLATIONS:
        raise ValueError(f"resize interpolation must be one of {', '.join(INTERPOLATIONS)}; received "
                         f"{interpolation!r}.")
    check_format(data_format)
    height, width = per_axis(size, 2, "size")
    batched = array.ndim == 4
    x = array if batched else unsqueeze(array, [0])
    axes = (2, 3) if data_format == "channels_first" else (1, 2)
    if any(x.shape[axis] == 0 for axis in axes):
        raise ValueError(f"resize needs non-empty images; received shape {array.shape}.")
    name = array.dtype if interpolation == "nearest" else float_result(array.dtype)
    values = cast(x, name if name != "float16" else "float32")
    interpolate = _nearest if interpolation == "nearest" else _linear
    for axis, target in zip(axes, (height, width)):
        values = interpolate(values, axis, target)
    result = values if batched else squeeze(values, [0])
    return cast(result, name)
