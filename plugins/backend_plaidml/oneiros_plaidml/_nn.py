"""Activations as Tile expressions; softmax, moments, one-hot, convolution, pooling and resizing as Tile
contractions (windows outside the input are skipped)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from oneiros import dtypes
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

from oneiros_plaidml._core import cast
from oneiros_plaidml._kernels import ERF, SOFTPLUS, _activation, _float_kind, _unary, apply
from oneiros_plaidml._math import add, divide, exp, log, multiply, reduce, subtract
from oneiros_plaidml._reduction import _finite_max, _float, mean, var
from oneiros_plaidml._shape import expand_dims, flip, moveaxis, normalize_axis, reshape, take
from oneiros_plaidml._tensor import PlaidTensor, as_tensor, cast_expression, emit, host_tensor

__all__ = [
    "average_pool", "conv", "conv_transpose", "depthwise_conv", "elu", "gelu", "hard_sigmoid", "hard_silu",
    "leaky_relu", "log_sigmoid", "log_softmax", "max_pool", "mish", "moments", "one_hot", "relu", "relu6", "resize",
    "selu", "sigmoid", "silu", "softmax", "softplus", "softsign",
]


def _channels_last(x: PlaidTensor, data_format: str) -> PlaidTensor:
    return moveaxis(x, 1, -1) if check_format(data_format) == "channels_first" else x


def _restore(x: PlaidTensor, data_format: str) -> PlaidTensor:
    return moveaxis(x, -1, 1) if data_format == "channels_first" else x


def _window(x: PlaidTensor, window: tuple[int, ...], strides: Any, padding: str, dilation: Any):
    rank = x.ndim - 2
    strides = per_axis(strides, rank, "strides")
    dilation = per_axis(dilation, rank, "dilation_rate")
    padding = check_padding(padding)
    before, out = [], []
    for size, k, s, d in zip(x.shape[1:-1], window, strides, dilation):
        low, high = padding_amounts(size, effective_size(k, d), s, padding)
        before.append(low)
        out.append(output_size(size + low + high, effective_size(k, d), s))
    return strides, dilation, before, out


def _spatial_reads(strides, dilation, before) -> list[str]:
    return [f"{s} * x{a} + {d} * k{a} - {p}" for a, (s, d, p) in enumerate(zip(strides, dilation, before))]


def conv(inputs: Any, kernel: Any, strides: Any = 1, padding: str = "valid", data_format: str = "channels_last",
         dilation_rate: Any = 1) -> PlaidTensor:
    x, w = _channels_last(as_tensor(inputs), data_format), as_tensor(kernel)
    if x.ndim not in (3, 4, 5) or w.ndim != x.ndim:
        raise ValueError(f"conv needs inputs of ndim 3-5 and a kernel of the same ndim; received "
                         f"{list(x.shape)} and {list(w.shape)}")
    channels, group_channels, out_channels = x.shape[-1], w.shape[-2], w.shape[-1]
    if group_channels == 0 or channels % group_channels or out_channels % (channels // group_channels):
        raise ValueError(f"inputs with {channels} channels do not fit a kernel for {group_channels} input channels "
                         f"and {out_channels} outputs")
    groups = channels // group_channels
    strides, dilation, before, out = _window(x, w.shape[:-2], strides, padding, dilation_rate)
    dtype = dtypes.result_type(x, w)
    rank = x.ndim - 2
    xs = ", ".join(f"x{a}" for a in range(rank))
    ks = ", ".join(f"k{a}" for a in range(rank))
    reads = ", ".join(_spatial_reads(strides, dilation, before))
    casts = f"A = {cast_expression('I0', dtype, x.dtype)}; B = {cast_expression('I1', dtype, w.dtype)}; "
    if groups == 1:
        shape = [x.shape[0], *out, out_channels]
        body = f"{casts}O[n, {xs}, o: {', '.join(map(str, shape))}] = +(A[n, {reads}, c] * B[{ks}, c, o]);"
        return _restore(emit(body, [x, w], shape, dtype), data_format)
    grouped = reshape(x, x.shape[:-1] + (groups, group_channels))
    kernel_grouped = reshape(w, w.shape[:-1] + (groups, out_channels // groups))
    shape = [x.shape[0], *out, groups, out_channels // groups]
    body = f"{casts}O[n, {xs}, g, o: {', '.join(map(str, shape))}] = +(A[n, {reads}, g, c] * B[{ks}, c, g, o]);"
    result = emit(body, [grouped, kernel_grouped], shape, dtype)
    return _restore(reshape(result, [x.shape[0], *out, out_channels]), data_format)


def depthwise_conv(inputs: Any, kernel: Any, strides: Any = 1, padding: str = "valid",
                   data_format: str = "channels_last", dilation_rate: Any = 1) -> PlaidTensor:
    x, w = _channels_last(as_tensor(inputs), data_format), as_tensor(kernel)
    if w.ndim != x.ndim or w.shape[-2] != x.shape[-1]:
        raise ValueError(f"depthwise_conv needs a kernel (*spatial, {x.shape[-1]}, multiplier); "
                         f"received {list(w.shape)}")
    strides, dilation, before, out = _window(x, w.shape[:-2], strides, padding, dilation_rate)
    dtype = dtypes.result_type(x, w)
    rank = x.ndim - 2
    xs = ", ".join(f"x{a}" for a in range(rank))
    ks = ", ".join(f"k{a}" for a in range(rank))
    shape = [x.shape[0], *out, x.shape[-1], w.shape[-1]]
    body = (f"A = {cast_expression('I0', dtype, x.dtype)}; B = {cast_expression('I1', dtype, w.dtype)}; "
            f"O[n, {xs}, c, m: {', '.join(map(str, shape))}] = "
            f"+(A[n, {', '.join(_spatial_reads(strides, dilation, before))}, c] * B[{ks}, c, m]);")
    result = emit(body, [x, w], shape, dtype)
    return _restore(reshape(result, [x.shape[0], *out, x.shape[-1] * w.shape[-1]]), data_format)


def conv_transpose(inputs: Any, kernel: Any, strides: Any = 1, padding: str = "valid", output_padding: Any = None,
                   data_format: str = "channels_last", dilation_rate: Any = 1) -> PlaidTensor:
    x, w = _channels_last(as_tensor(inputs), data_format), as_tensor(kernel)
    rank = x.ndim - 2
    if w.ndim != x.ndim or w.shape[-1] != x.shape[-1]:
        raise ValueError(f"conv_transpose needs a kernel (*spatial, out, {x.shape[-1]}); received {list(w.shape)}")
    strides = per_axis(strides, rank, "strides")
    dilation = per_axis(dilation_rate, rank, "dilation_rate")
    padding = check_padding(padding)
    extras = list(padding_extras(output_padding, rank))
    dilated, pads = [], []
    for size, k, s, d, extra in zip(x.shape[1:-1], w.shape[:-2], strides, dilation, extras):
        pads.append(transpose_padding(effective_size(k, d), s, padding, extra))
        dilated.append((size - 1) * s + 1)
    dtype = dtypes.result_type(x, w)
    shape = [x.shape[0], *(n + low + high for n, (low, high) in zip(dilated, pads)), x.shape[-1]]
    xs = ", ".join(f"x{a}" for a in range(rank))
    placed = ", ".join(f"{s} * x{a} + {low}" for a, (s, (low, _)) in enumerate(zip(strides, pads)))
    spread = emit(f"A = {cast_expression('I0', dtype, x.dtype)}; O[n, {placed}, c: {', '.join(map(str, shape))}] = "
                  f"=(A[n, {xs}, c]);", [x], shape, dtype)
    flipped = moveaxis(flip(w, tuple(range(rank))), -1, -2)
    return _restore(conv(spread, flipped, 1, "valid", "channels_last", dilation), data_format)


def _pool(inputs: Any, pool_size: Any, strides: Any, padding: str, data_format: str, aggregation: str):
    x = _channels_last(as_tensor(inputs), data_format)
    if x.ndim not in (3, 4, 5):
        raise ValueError(f"pooling needs inputs of ndim 3-5; received {list(x.shape)}")
    rank = x.ndim - 2
    window = per_axis(pool_size, rank, "pool_size")
    strides, dilation, before, out = _window(x, window, window if strides is None else strides, padding, 1)
    xs = ", ".join(f"x{a}" for a in range(rank))
    bounds = ", ".join(f"k{a} < {k}" for a, k in enumerate(window))
    shape = [x.shape[0], *out, x.shape[-1]]
    dtype = x.dtype if aggregation == ">" else _float(x).dtype
    body = (f"A = {cast_expression('I0', dtype, x.dtype)}; O[n, {xs}, c: {', '.join(map(str, shape))}] = "
            f"{aggregation}(A[n, {', '.join(_spatial_reads(strides, dilation, before))}, c]), {bounds};")
    return emit(body, [x], shape, dtype), x, window, strides, before, out


def max_pool(inputs: Any, pool_size: Any, strides: Any = None, padding: str = "valid",
             data_format: str = "channels_last") -> PlaidTensor:
    pooled = _pool(inputs, pool_size, strides, padding, data_format, ">")[0]
    return _restore(pooled, data_format)


def average_pool(inputs: Any, pool_size: Any, strides: Any = None, padding: str = "valid",
                 data_format: str = "channels_last") -> PlaidTensor:
    summed, x, window, strides, before, out = _pool(inputs, pool_size, strides, padding, data_format, "+")
    counts = np.ones((), np.float32)
    for size, k, s, p, n in zip(x.shape[1:-1], window, strides, before, out):
        starts = np.arange(n) * s - p
        per_axis_count = np.minimum(starts + k, size) - np.maximum(starts, 0)
        counts = np.multiply.outer(counts, per_axis_count.astype(np.float32))
    divisor = host_tensor((1.0 / counts.reshape((1, *out, 1))).astype(np.float32))
    return _restore(cast(multiply(summed, divisor), summed.dtype), data_format)


def resize(images: Any, size: Any, interpolation: str = "bilinear", data_format: str = "channels_last") -> PlaidTensor:
    x = as_tensor(images)
    if x.ndim not in (3, 4):
        raise ValueError(f"resize needs images (N, H, W, C) or (H, W, C); received {list(x.shape)}")
    if interpolation not in ("nearest", "bilinear"):
        raise ValueError(f"resize interpolation must be nearest or bilinear; received {interpolation!r}")
    height, width = per_axis(size, 2, "size")
    first = x.ndim - 3 + (1 if check_format(data_format) == "channels_first" else 0)
    values = x if interpolation == "nearest" else _float(x)
    for axis, target in zip((first, first + 1), (height, width)):
        source = values.shape[axis]
        if interpolation == "nearest":
            values = take(values, host_tensor(nearest_indices(source, target).astype(np.int32)), axis)
            continue
        below, above, weight = linear_neighbours(source, target)
        shape = [1] * values.ndim
        shape[axis] = target
        fraction = host_tensor(weight.astype(np.float32).reshape(shape))
        low = take(values, host_tensor(below.astype(np.int32)), axis)
        high = take(values, host_tensor(above.astype(np.int32)), axis)
        values = add(multiply(low, host_tensor((1 - weight).astype(np.float32).reshape(shape))),
                     multiply(high, fraction))
    return cast(values, x.dtype if interpolation == "nearest" else values.dtype) if math.prod(values.shape) else values


relu = _activation("R = relu(A);")


relu6 = _activation("P = A > 0 ? A : 0; R = P < 6 ? P : 6;")


silu = _activation("R = A / (1 + exp(-A));")


softplus = _activation(SOFTPLUS)


softsign = _activation("D = A < 0 ? 1 - A : 1 + A; R = A / D;")


sigmoid = _activation("E = exp(A < 0 ? A : -A); R = A < 0 ? E / (1 + E) : 1 / (1 + E);")


hard_sigmoid = _activation("H = A / 6 + 0.5; L = H < 0 ? 0 : H; R = L > 1 ? 1 : L;")


hard_silu = _activation("H = A / 6 + 0.5; L = H < 0 ? 0 : H; R = A * (L > 1 ? 1 : L);")


log_sigmoid = _activation("M = A < 0 ? A : 0; N = A < 0 ? A : -A; R = M - log(1 + exp(N));")


mish = _activation(SOFTPLUS.replace("R =", "P =") + " R = A * tanh(P);")


selu = _activation("E = 1.6732632423543772 * (exp(A) - 1); R = 1.0507009873554805 * (A > 0 ? A : E);")


def leaky_relu(x: Any, negative_slope: float = 0.2) -> PlaidTensor:
    x = as_tensor(x)
    dtype = _float_kind(x.dtype)
    return apply("R = A >= 0 ? A : A * B;", (x, float(negative_slope)), dtype, dtype)


def elu(x: Any, alpha: float = 1.0) -> PlaidTensor:
    dtype = _float_kind(as_tensor(x).dtype)
    return apply("R = A > 0 ? A : B * (exp(A) - 1);", (as_tensor(x), float(alpha)), dtype, dtype)


def gelu(x: Any, approximate: bool = True) -> PlaidTensor:
    if approximate:
        return _unary("T = tanh(0.7978845608028654 * (A + 0.044715 * A * A * A)); R = 0.5 * A * (1 + T);",
                      "float")(x)
    exact = ERF.replace("X = S * A", "X = S * A * 0.7071067811865476").replace("R = S *", "Q = S *")
    return _unary(exact + " R = 0.5 * A * (1 + Q);", "float")(x)


def softmax(x: Any, axis: Any = -1) -> PlaidTensor:
    x = _float(as_tensor(x))
    shifted = exp(subtract(x, _finite_max(x, axis)))
    return divide(shifted, reduce(shifted, axis, True, "sum", x.dtype))


def log_softmax(x: Any, axis: Any = -1) -> PlaidTensor:
    x = _float(as_tensor(x))
    shifted = subtract(x, _finite_max(x, axis))
    return subtract(shifted, log(reduce(exp(shifted), axis, True, "sum", x.dtype)))


def moments(x: Any, axes: Any, keepdims: bool = False) -> tuple[PlaidTensor, PlaidTensor]:
    return mean(x, axes, keepdims), var(x, axes, keepdims)


def one_hot(x: Any, num_classes: int, axis: int = -1, dtype: Any = "float32") -> PlaidTensor:
    x = as_tensor(x)
    if x.dtype not in dtypes.SIGNED + dtypes.UNSIGNED or int(num_classes) < 1:
        raise ValueError(f"one_hot needs integer classes and num_classes >= 1; received {x.dtype}, {num_classes}")
    name = dtypes.name_of(dtype)
    axis = normalize_axis(axis, x.ndim + 1)
    expanded = expand_dims(x, axis)
    classes_shape = [1] * expanded.ndim
    classes_shape[axis] = int(num_classes)
    classes = host_tensor(np.arange(int(num_classes), dtype=np.int32).reshape(classes_shape))
    shape = list(x.shape)
    shape.insert(axis, int(num_classes))
    return emit(f"O = {cast_expression('as_int(I0, 32) == I1', name)};", [expanded, classes], shape, name)
