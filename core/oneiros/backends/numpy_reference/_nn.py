"""Activations, softmax, one-hot encoding, moments, convolution, pooling and resizing.

Every activation is written in a form that stays finite for |x| ~ 1e4: exponentials only ever
see -|x|.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

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
from oneiros.backend.resampling import linear_neighbours, nearest_indices
from oneiros.backends.numpy_reference._math import erf_values
from oneiros.backends.numpy_reference._reduction import normalize_axis
from oneiros.backends.numpy_reference._spatial import (
    channels_last,
    check_rank,
    pad_spatial,
    restore_format,
    window_slice,
)
from oneiros.backends.numpy_reference._tensor import (
    as_tensor,
    check_int,
    compute_dtype,
    finish,
    float_result,
    lowest,
    numpy_dtype,
    quiet,
)

__all__ = [
    "average_pool", "batch_normalization", "binary_crossentropy", "categorical_crossentropy", "celu", "conv",
    "conv_transpose", "depthwise_conv", "elu", "gelu", "glu", "hard_shrink", "hard_sigmoid", "hard_silu",
    "hard_swish", "hard_tanh", "in_top_k", "layer_normalization", "leaky_relu", "log_sigmoid", "log_softmax",
    "max_pool", "mish", "moments", "multi_hot", "normalize", "one_hot", "psnr", "relu", "relu6", "resize",
    "rms_normalization", "selu", "sigmoid", "silu", "soft_shrink", "softmax", "softplus", "softsign",
    "sparse_categorical_crossentropy", "sparse_plus", "sparse_sigmoid", "sparsemax", "squareplus", "swish",
    "tanh_shrink", "threshold",
]

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def _activation(fn: Callable[[np.ndarray], np.ndarray], x: Any) -> np.ndarray:
    array = as_tensor(x)
    name = float_result(array.dtype.name)
    with quiet():
        return finish(fn(array.astype(compute_dtype(name), copy=False)), name)


def _softplus(v: np.ndarray) -> np.ndarray:
    return np.maximum(v, 0) + np.log1p(np.exp(-np.abs(v)))


def _sigmoid(v: np.ndarray) -> np.ndarray:
    decay = np.exp(-np.abs(v))
    return np.where(v >= 0, 1 / (1 + decay), decay / (1 + decay))


def _hard_sigmoid(v: np.ndarray) -> np.ndarray:
    return np.clip(v / 6 + 0.5, 0, 1)


def _elu(v: np.ndarray, alpha: float) -> np.ndarray:
    return np.where(v > 0, v, alpha * np.expm1(np.minimum(v, 0)))


def relu(x: Any) -> np.ndarray:
    return _activation(lambda v: np.maximum(v, 0), x)


def relu6(x: Any) -> np.ndarray:
    return _activation(lambda v: np.clip(v, 0, 6), x)


def leaky_relu(x: Any, negative_slope: float = 0.2) -> np.ndarray:
    return _activation(lambda v: np.where(v >= 0, v, negative_slope * v), x)


def elu(x: Any, alpha: float = 1.0) -> np.ndarray:
    return _activation(lambda v: _elu(v, alpha), x)


def selu(x: Any) -> np.ndarray:
    return _activation(lambda v: SELU_SCALE * _elu(v, SELU_ALPHA), x)


def gelu(x: Any, approximate: bool = True) -> np.ndarray:
    if approximate:
        def fn(v: np.ndarray) -> np.ndarray:
            inner = math.sqrt(2 / math.pi) * (v + 0.044715 * v**3)
            return 0.5 * v * (1 + np.tanh(inner))
    else:
        def fn(v: np.ndarray) -> np.ndarray:
            return 0.5 * v * (1 + erf_values(v / math.sqrt(2)))
    return _activation(fn, x)


def silu(x: Any) -> np.ndarray:
    return _activation(lambda v: v * _sigmoid(v), x)


def softplus(x: Any) -> np.ndarray:
    return _activation(_softplus, x)


def softsign(x: Any) -> np.ndarray:
    return _activation(lambda v: v / (1 + np.abs(v)), x)


def sigmoid(x: Any) -> np.ndarray:
    return _activation(_sigmoid, x)


def hard_sigmoid(x: Any) -> np.ndarray:
    return _activation(_hard_sigmoid, x)


def hard_silu(x: Any) -> np.ndarray:
    return _activation(lambda v: v * _hard_sigmoid(v), x)


def log_sigmoid(x: Any) -> np.ndarray:
    return _activation(lambda v: np.minimum(v, 0) - np.log1p(np.exp(-np.abs(v))), x)


def mish(x: Any) -> np.ndarray:
    return _activation(lambda v: v * np.tanh(_softplus(v)), x)


def _shifted(v: np.ndarray, axis: Any) -> np.ndarray:
    return v - np.max(v, axis=normalize_axis(axis), keepdims=True)


def softmax(x: Any, axis: Any = -1) -> np.ndarray:
    def fn(v: np.ndarray) -> np.ndarray:
        weights = np.exp(_shifted(v, axis))
        return weights / np.sum(weights, axis=normalize_axis(axis), keepdims=True)

    return _activation(fn, x)


def log_softmax(x: Any, axis: Any = -1) -> np.ndarray:
    def fn(v: np.ndarray) -> np.ndarray:
        shifted = _shifted(v, axis)
        return shifted - np.log(np.sum(np.exp(shifted), axis=normalize_axis(axis), keepdims=True))

    return _activation(fn, x)


def one_hot(x: Any, num_classes: int, axis: int = -1, dtype: Any = "float32") -> np.ndarray:
    labels = as_tensor(x)
    check_int(labels, "one_hot input")
    if int(num_classes) < 1:
        raise ValueError(f"one_hot needs num_classes >= 1; received {num_classes}.")
    out_axis = int(axis)
    if not -labels.ndim - 1 <= out_axis <= labels.ndim:
        raise ValueError(
            f"one_hot axis must lie in [{-labels.ndim - 1}, {labels.ndim}] for an input of "
            f"shape {labels.shape}; received {axis}."
        )
    # Comparing with every class index leaves out-of-range labels (negatives too) all zeros.
    encoded = labels[..., np.newaxis] == np.arange(int(num_classes))
    return np.moveaxis(encoded, -1, out_axis).astype(numpy_dtype(dtype))


def moments(x: Any, axes: Any, keepdims: bool = False) -> tuple[np.ndarray, np.ndarray]:
    array = as_tensor(x)
    name = float_result(array.dtype.name)
    values = array.astype(compute_dtype(name), copy=False)
    axis = normalize_axis(axes)
    with quiet():
        mean = np.mean(values, axis=axis, keepdims=keepdims)
        variance = np.var(values, axis=axis, keepdims=keepdims)
    return finish(mean, name), finish(variance, name)


def _in_float64(fn: Callable[..., np.ndarray], x: Any, *others: Any) -> np.ndarray:
    """``fn`` on float64 copies of ``x`` and ``others``, the result in the float dtype of ``x``."""
    array = as_tensor(x)
    name = float_result(array.dtype.name)
    with quiet():
        return finish(fn(array.astype(np.float64), *(None if other is None else as_tensor(other).astype(np.float64)
                                                       for other in others)), name)


EPSILON = 1e-7


def celu(x: Any, alpha: float = 1.0) -> np.ndarray:
    return _in_float64(lambda v: np.maximum(v, 0) + alpha * np.minimum(0, np.expm1(v / alpha)), x)


def glu(x: Any, axis: int = -1) -> np.ndarray:
    def gated(v: np.ndarray) -> np.ndarray:
        first, second = np.split(v, 2, axis=axis)
        return first / (1 + np.exp(-second))

    return _in_float64(gated, x)


def hard_shrink(x: Any, threshold: float = 0.5) -> np.ndarray:
    return _in_float64(lambda v: np.where(np.abs(v) > threshold, v, 0), x)


def soft_shrink(x: Any, threshold: float = 0.5) -> np.ndarray:
    return _in_float64(lambda v: np.sign(v) * np.maximum(np.abs(v) - threshold, 0), x)


def hard_swish(x: Any) -> np.ndarray:
    return _in_float64(lambda v: v * np.clip(v / 6 + 0.5, 0, 1), x)


def swish(x: Any) -> np.ndarray:
    return _in_float64(lambda v: v / (1 + np.exp(-v)), x)


def hard_tanh(x: Any) -> np.ndarray:
    array = as_tensor(x)
    return finish(np.clip(array, -1, 1), array.dtype.name)


def tanh_shrink(x: Any) -> np.ndarray:
    return _in_float64(lambda v: v - np.tanh(v), x)


def sparse_plus(x: Any) -> np.ndarray:
    return _in_float64(lambda v: np.where(v <= -1, 0, np.where(v >= 1, v, (v + 1) ** 2 / 4)), x)


def sparse_sigmoid(x: Any) -> np.ndarray:
    return _in_float64(lambda v: np.where(v <= -1, 0, np.where(v >= 1, 1, (v + 1) / 2)), x)


def squareplus(x: Any, b: float = 4) -> np.ndarray:
    return _in_float64(lambda v: (v + np.sqrt(v * v + b)) / 2, x)


def threshold(x: Any, threshold: Any, default_value: Any) -> np.ndarray:
    array = as_tensor(x)
    return finish(np.where(array > threshold, array, default_value), array.dtype.name)


def _simplex_projection(v: np.ndarray, axis: int) -> np.ndarray:
    """Bisection on the threshold tau with sum(max(v - tau, 0)) = 1 (a method independent of sorting)."""
    low = np.max(v, axis=axis, keepdims=True) - 1
    high = np.max(v, axis=axis, keepdims=True)
    for _ in range(200):
        middle = (low + high) / 2
        too_much = np.sum(np.maximum(v - middle, 0), axis=axis, keepdims=True) > 1
        low, high = np.where(too_much, middle, low), np.where(too_much, high, middle)
    return np.maximum(v - (low + high) / 2, 0)


def sparsemax(x: Any, axis: int = -1) -> np.ndarray:
    return _in_float64(lambda v: _simplex_projection(v, axis), x)


def normalize(x: Any, axis: Any = -1, order: int = 2, epsilon: Any = None) -> np.ndarray:
    if not isinstance(order, int) or order < 1:
        raise ValueError(f"order must be an int >= 1; received order={order!r}.")
    floor = EPSILON if epsilon is None else epsilon

    def divided(v: np.ndarray) -> np.ndarray:
        v = np.atleast_1d(v)
        norms = np.sum(np.abs(v) ** order, axis=normalize_axis(axis), keepdims=True) ** (1 / order)
        return v / np.maximum(norms, floor)

    return _in_float64(divided, x)


def _reduced(v: np.ndarray, axis: Any) -> tuple[int, ...]:
    axes = axis if isinstance(axis, (list, tuple)) else [axis]
    return tuple(int(one) % v.ndim for one in axes)


def _laid_along(vector: np.ndarray | None, v: np.ndarray, axes: tuple[int, ...]) -> Any:
    if vector is None:
        return 1.0
    if vector.ndim == v.ndim:
        return vector
    return vector.reshape([v.shape[dim] if dim in axes else 1 for dim in range(v.ndim)])


def rms_normalization(x: Any, scale: Any = None, axis: Any = -1, epsilon: Any = None) -> np.ndarray:
    floor = EPSILON if epsilon is None else epsilon

    def normalized(v: np.ndarray, factor: np.ndarray | None) -> np.ndarray:
        v = np.atleast_1d(v)
        axes = _reduced(v, axis)
        return v / np.sqrt(np.mean(v * v, axis=axes, keepdims=True) + floor) * _laid_along(factor, v, axes)

    return _in_float64(normalized, x, scale)


def layer_normalization(x: Any, gamma: Any = None, beta: Any = None, axis: Any = -1, epsilon: Any = None,
                        **kwargs: Any) -> np.ndarray:
    floor = EPSILON if epsilon is None else epsilon

    def normalized(v: np.ndarray, scale: np.ndarray | None, offset: np.ndarray | None) -> np.ndarray:
        axes = _reduced(v, axis)
        centred = v - np.mean(v, axis=axes, keepdims=True)
        outputs = centred / np.sqrt(np.mean(centred ** 2, axis=axes, keepdims=True) + floor)
        return outputs * _laid_along(scale, v, axes) + (0.0 if offset is None else _laid_along(offset, v, axes))

    return _in_float64(normalized, x, gamma, beta)


def batch_normalization(x: Any, mean: Any, variance: Any, axis: int, offset: Any = None, scale: Any = None,
                        epsilon: float = 0.001) -> np.ndarray:
    def normalized(v, mean_, variance_, offset_, scale_):
        axes = (int(axis) % v.ndim,)
        outputs = (v - _laid_along(mean_, v, axes)) / np.sqrt(_laid_along(variance_, v, axes) + epsilon)
        return outputs * _laid_along(scale_, v, axes) + (0.0 if offset_ is None else _laid_along(offset_, v, axes))

    return _in_float64(normalized, x, mean, variance, offset, scale)


def multi_hot(inputs: Any, num_classes: Any = None, axis: int = -1, dtype: Any = None, sparse: bool = False,
              **kwargs: Any) -> np.ndarray:
    if num_classes is None:
        raise ValueError("multi_hot needs num_classes; received num_classes=None.")
    labels = as_tensor(inputs)
    rows = labels.reshape(1, -1) if labels.ndim == 1 else labels
    encoded = np.zeros((rows.shape[0], num_classes))
    for row, row_labels in enumerate(rows):
        for label in row_labels:
            if 0 <= label < num_classes:
                encoded[row, label] = 1
    encoded = encoded[0] if labels.ndim == 1 else encoded
    return finish(np.moveaxis(encoded, -1, axis) if labels.ndim > 1 else encoded, dtype or "float32")


def in_top_k(targets: Any, predictions: Any, k: int) -> np.ndarray:
    scores = as_tensor(predictions).astype(np.float64)
    labels = as_tensor(targets).astype(np.int64)
    target_scores = scores[np.arange(len(labels)), labels]
    larger = np.sum(scores > target_scores[:, None], axis=-1)
    return finish(larger < k, "bool")


def psnr(x1: Any, x2: Any, max_val: Any) -> np.ndarray:
    def ratio(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        if a.shape != b.shape:
            raise ValueError(f"psnr needs inputs of one shape; received {a.shape} and {b.shape}.")
        return 10 * np.log10(float(max_val) ** 2 / np.mean((a - b) ** 2))

    return _in_float64(ratio, x1, x2)


def _log_probabilities(output: np.ndarray, from_logits: bool, axis: int) -> np.ndarray:
    if from_logits:
        shifted = output - np.max(output, axis=axis, keepdims=True)
        return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))
    return np.log(np.clip(output / np.sum(output, axis=axis, keepdims=True), EPSILON, 1 - EPSILON))


def binary_crossentropy(target: Any, output: Any, from_logits: bool = False) -> np.ndarray:
    def loss(t: np.ndarray, o: np.ndarray) -> np.ndarray:
        if t.shape != o.shape:
            raise ValueError(f"binary_crossentropy needs target and output of one shape; received {t.shape} "
                             f"and {o.shape}.")
        if from_logits:
            return np.maximum(o, 0) - o * t + np.log1p(np.exp(-np.abs(o)))
        o = np.clip(o, EPSILON, 1 - EPSILON)
        return -(t * np.log(o) + (1 - t) * np.log(1 - o))

    return _in_float64(lambda o, t: loss(t, o), output, target)


def categorical_crossentropy(target: Any, output: Any, from_logits: bool = False, axis: int = -1) -> np.ndarray:
    def loss(o: np.ndarray, t: np.ndarray) -> np.ndarray:
        if t.shape != o.shape:
            raise ValueError(f"categorical_crossentropy needs target and output of one shape; received "
                             f"{t.shape} and {o.shape}.")
        return -np.sum(t * _log_probabilities(o, from_logits, axis), axis=axis)

    return _in_float64(loss, output, target)


def sparse_categorical_crossentropy(target: Any, output: Any, from_logits: bool = False,
                                    axis: int = -1) -> np.ndarray:
    labels = as_tensor(target).astype(np.int64)

    def loss(o: np.ndarray) -> np.ndarray:
        picked = labels[..., 0] if labels.ndim == o.ndim and labels.shape[-1] == 1 else labels
        if picked.shape != o.shape[:-1]:
            raise ValueError(f"sparse_categorical_crossentropy needs target of shape output.shape[:-1]; "
                             f"received {labels.shape} and {o.shape}.")
        log_probabilities = np.moveaxis(_log_probabilities(o, from_logits, axis), axis, -1)
        return -np.take_along_axis(log_probabilities, picked[..., None], axis=-1)[..., 0]

    return _in_float64(loss, output)


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


class Geometry(NamedTuple):
    """Per spatial axis: window, stride, (before, after) padding and output size."""

    window: tuple[int, ...]
    steps: tuple[int, ...]
    pads: list[tuple[int, int]]
    out_spatial: list[int]

    @property
    def empty(self) -> bool:
        return 0 in self.out_spatial


def _geometry(x: np.ndarray, pool_size: Any, strides: Any, padding: str) -> Geometry:
    rank = x.ndim - 2
    window = per_axis(pool_size, rank, "pool_size")
    steps = window if strides is None else per_axis(strides, rank, "strides")
    mode = check_padding(padding)
    pads = [padding_amounts(x.shape[1 + axis], window[axis], steps[axis], mode)
            for axis in range(rank)]
    out_spatial = [output_size(x.shape[1 + axis] + sum(pads[axis]), window[axis], steps[axis])
                   for axis in range(rank)]
    return Geometry(window, steps, pads, out_spatial)


def _windows(padded: np.ndarray, geometry: Geometry) -> Iterator[np.ndarray]:
    """For each offset inside the window, the input values at that offset of every window."""
    for tap in np.ndindex(*geometry.window):
        yield padded[(slice(None),) + tuple(
            window_slice(offset, count, step)
            for offset, count, step in zip(tap, geometry.out_spatial, geometry.steps)
        )]


def max_pool(inputs: Any, pool_size: Any, strides: Any = None, padding: str = "valid",
             data_format: str = "channels_last") -> np.ndarray:
    array = as_tensor(inputs)
    check_rank(array, "max_pool")
    name = array.dtype.name
    x = channels_last(array, data_format).astype(compute_dtype(name))
    geometry = _geometry(x, pool_size, strides, padding)
    result = np.full((x.shape[0], *geometry.out_spatial, x.shape[-1]), lowest(name), x.dtype)
    if not geometry.empty:
        for values in _windows(pad_spatial(x, geometry.pads, lowest(name)), geometry):
            result = np.maximum(result, values)
    return finish(restore_format(result, data_format), name)


def average_pool(inputs: Any, pool_size: Any, strides: Any = None, padding: str = "valid",
                 data_format: str = "channels_last") -> np.ndarray:
    array = as_tensor(inputs)
    check_rank(array, "average_pool")
    name = float_result(array.dtype.name)
    x = channels_last(array, data_format).astype(compute_dtype(name))
    geometry = _geometry(x, pool_size, strides, padding)
    out_shape = (x.shape[0], *geometry.out_spatial, x.shape[-1])
    totals = np.zeros(out_shape, x.dtype)
    # Counting real (unpadded) elements per window makes 'same' average only the real ones.
    counts = np.zeros((1, *geometry.out_spatial, 1), x.dtype)
    if not geometry.empty:
        present = np.ones((1, *x.shape[1:-1], 1), x.dtype)
        for values, hits in zip(_windows(pad_spatial(x, geometry.pads, 0), geometry),
                                _windows(pad_spatial(present, geometry.pads, 0), geometry)):
            totals += values
            counts += hits
    return finish(restore_format(totals / np.maximum(counts, 1), data_format), name)


INTERPOLATIONS = ("nearest", "bilinear")


def _nearest(values: np.ndarray, axis: int, target: int) -> np.ndarray:
    return np.take(values, nearest_indices(values.shape[axis], target), axis=axis)


def _linear(values: np.ndarray, axis: int, target: int) -> np.ndarray:
    below, above, fraction = linear_neighbours(values.shape[axis], target)
    shape = [1] * values.ndim
    shape[axis] = target
    fraction = fraction.astype(values.dtype).reshape(shape)
    return (np.take(values, below, axis=axis) * (1 - fraction)
            + np.take(values, above, axis=axis) * fraction)


def resize(images: Any, size: Any, interpolation: str = "bilinear",
           data_format: str = "channels_last") -> np.ndarray:
    array = as_tensor(images)
    if array.ndim not in (3, 4):
        raise ValueError(
            f"resize needs images (N, H, W, C), (H, W, C) or channels-first; received shape "
            f"{array.shape}."
        )
    if interpolation not in INTERPOLATIONS:
        raise ValueError(
            f"resize interpolation must be one of {', '.join(INTERPOLATIONS)}; received "
            f"{interpolation!r}."
        )
    height, width = per_axis(size, 2, "size")
    batched = array.ndim == 4
    x = channels_last(array if batched else array[np.newaxis], data_format)
    if 0 in x.shape[1:3]:
        raise ValueError(f"resize needs non-empty images; received shape {array.shape}.")
    name = array.dtype.name if interpolation == "nearest" else float_result(array.dtype.name)
    interpolate = _nearest if interpolation == "nearest" else _linear
    values = x.astype(compute_dtype(name))
    for axis, target in ((1, height), (2, width)):
        values = interpolate(values, axis, target)
    result = restore_format(values, data_format)
    return finish(result if batched else result[0], name)
