"""Activations, softmax, one-hot encoding, moments, convolution, pooling and resizing.

MXNet's fused kernels (relu, sigmoid, softrelu, softmax, log_softmax) are used where they are
stable for |x| ~ 1e4; the rest are composed so that exponentials only ever see -|x|.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np
from mxnet import numpy as mnp, numpy_extension as npx

from oneiros import dtypes
from oneiros.backend.geometry import (
    check_format,
    check_padding,
    effective_size,
    output_padding as padding_extras,
    per_axis,
    transpose_padding,
)
from oneiros.backend.resampling import linear_neighbours, nearest_indices

from oneiros_mxnet._engine import context
from oneiros_mxnet._host import upload
from oneiros_mxnet._layout import ChannelsLastView, permuted
from oneiros_mxnet._reduction import variance
from oneiros_mxnet._shape import moveaxis
from oneiros_mxnet._spatial import (
    channels_first_input,
    check_rank,
    pad_spatial_first,
    paddings,
    restore_format,
    split_padding,
)
from oneiros_mxnet._tensor import (
    as_tensor,
    check_int,
    dtype_name,
    finish,
    float_result,
    lowest,
    normalize_axis,
    select,
    storage,
    supported_name,
    to_compute,
)

__all__ = [
    "average_pool", "conv", "conv_transpose", "depthwise_conv", "elu", "gelu", "hard_sigmoid", "hard_silu",
    "leaky_relu", "log_sigmoid", "log_softmax", "max_pool", "mish", "moments", "one_hot", "relu", "relu6", "resize",
    "selu", "sigmoid", "silu", "softmax", "softplus", "softsign",
]

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946
_SQRT_2_OVER_PI = math.sqrt(2 / math.pi)
_ONE_HOT_KERNEL_DTYPES = frozenset({"float16", "float32", "int8", "int32", "uint8"})


def _on_floats(fn: Callable[[Any], Any], x: Any) -> Any:
    tensor = as_tensor(x)
    name = float_result(dtype_name(tensor))
    return finish(fn(to_compute(tensor, name)), name)


def _activation(fn: Callable[[Any], Any], x: Any, nondecreasing: bool = False) -> Any:
    """An elementwise activation; a ChannelsLastView stays one (its layout does not matter), and
    waits for a max pooling to read it when ``fn`` is ``nondecreasing`` (see ``_layout``)."""
    if type(x) is not ChannelsLastView:
        return _on_floats(fn, x)
    if nondecreasing:
        return x.mapped_nondecreasing(lambda values: _on_floats(fn, values), float_result(dtype_name(x)))
    return x.mapped(lambda values: _on_floats(fn, values))


def _softplus(v: Any) -> Any:
    return npx.activation(v, act_type="softrelu")


def _hard_sigmoid(v: Any) -> Any:
    return mnp.clip(v / 6 + 0.5, 0, 1)


def _elu(v: Any, alpha: float) -> Any:
    return select(v > 0, v, mnp.expm1(mnp.minimum(v, 0)) * alpha)


def relu(x):
    # npx.relu, not oneDNN's faster Activation kernel: that one turns NaN into 0.
    return _activation(npx.relu, x, nondecreasing=True)


def relu6(x):
    return _activation(lambda v: mnp.clip(v, 0, 6), x)


def leaky_relu(x, negative_slope=0.2):
    return _activation(lambda v: select(v >= 0, v, v * negative_slope), x)


def elu(x, alpha=1.0):
    return _activation(lambda v: _elu(v, alpha), x)


def selu(x):
    return _activation(lambda v: _elu(v, SELU_ALPHA) * SELU_SCALE, x)


def _gelu_tanh(v: Any) -> Any:
    inner = (v + mnp.power(v, 3) * 0.044715) * _SQRT_2_OVER_PI
    return v * (mnp.tanh(inner) + 1) * 0.5


def gelu(x, approximate=True):
    if approximate:
        return _activation(_gelu_tanh, x)
    return _activation(lambda v: v * (npx.erf(v / math.sqrt(2)) + 1) * 0.5, x)


def silu(x):
    return _activation(lambda v: v * npx.sigmoid(v), x)


def softplus(x):
    return _activation(_softplus, x)


def softsign(x):
    return _activation(lambda v: v / (mnp.abs(v) + 1), x)


def sigmoid(x):
    return _activation(npx.sigmoid, x)


def hard_sigmoid(x):
    return _activation(_hard_sigmoid, x)


def hard_silu(x):
    return _activation(lambda v: v * _hard_sigmoid(v), x)


def log_sigmoid(x):
    return _activation(lambda v: mnp.minimum(v, 0) - mnp.log1p(mnp.exp(-mnp.abs(v))), x)


def mish(x):
    return _activation(lambda v: v * mnp.tanh(_softplus(v)), x)


def _over_axes(fused: Callable[..., Any], composed: Callable[[Any, Any], Any], axis: Any) -> Callable[[Any], Any]:
    """MXNet's fused kernel for one axis; the composed form for several."""
    axes = normalize_axis(axis)
    if isinstance(axes, int) or len(axes) == 1:
        single = axes if isinstance(axes, int) else axes[0]
        return lambda v: fused(v, axis=single)
    return lambda v: composed(v, axes)


def _shifted(v: Any, axes: Any) -> Any:
    return v - mnp.max(v, axis=axes, keepdims=True).detach()


def softmax(x, axis=-1):
    def composed(v: Any, axes: Any) -> Any:
        weights = mnp.exp(_shifted(v, axes))
        return weights / mnp.sum(weights, axis=axes, keepdims=True)

    return _on_floats(_over_axes(npx.softmax, composed, axis), x)


def log_softmax(x, axis=-1):
    # Composed: MXNet's fused log_softmax is off by ~1e-6 where the answer is 0.
    def composed(v: Any) -> Any:
        shifted = _shifted(v, normalize_axis(axis))
        return shifted - mnp.log(mnp.sum(mnp.exp(shifted), axis=normalize_axis(axis), keepdims=True))

    return _on_floats(composed, x)


def one_hot(x, num_classes, axis=-1, dtype="float32"):
    labels = as_tensor(x)
    check_int(labels, "one_hot input")
    name = supported_name(dtype)
    if int(num_classes) < 1:
        raise ValueError(f"one_hot needs num_classes >= 1; received {num_classes}.")
    out_axis = int(axis)
    if not -labels.ndim - 1 <= out_axis <= labels.ndim:
        raise ValueError(
            f"one_hot axis must lie in [{-labels.ndim - 1}, {labels.ndim}] for an input of "
            f"shape {labels.shape}; received {axis}."
        )
    plain = storage(labels)
    if name in _ONE_HOT_KERNEL_DTYPES:
        # MXNet's kernel, like the comparison below, leaves out-of-range labels all zeros.
        encoded = npx.one_hot(plain, int(num_classes), dtype=name)
    else:
        classes = mnp.arange(int(num_classes), dtype=plain.dtype, ctx=context())
        # Comparing with every class index leaves out-of-range labels (negatives too) all zeros.
        encoded = finish(mnp.equal(mnp.expand_dims(plain, -1), classes), name)
    if out_axis in (-1, labels.ndim):
        return encoded
    return moveaxis(encoded, -1, out_axis)


def moments(x, axes, keepdims=False):
    tensor = as_tensor(x)
    name = float_result(dtype_name(tensor))
    values = to_compute(tensor, name)
    axis = normalize_axis(axes)
    mean = mnp.mean(values, axis=axis, keepdims=bool(keepdims))
    return finish(mean, name), finish(variance(values, axis, bool(keepdims)), name)


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


INTERPOLATIONS = ("nearest", "bilinear")


def _indices(values: np.ndarray) -> Any:
    return upload(values.astype(np.int32))


def _nearest(values: Any, axis: int, target: int) -> Any:
    return mnp.take(values, _indices(nearest_indices(values.shape[axis], target)), axis=axis)


def _linear(values: Any, axis: int, target: int) -> Any:
    below, above, fraction = linear_neighbours(values.shape[axis], target)
    shape = [1] * values.ndim
    shape[axis] = target
    fraction = upload(fraction.reshape(shape).astype(np.dtype(values.dtype)))
    lower = mnp.take(values, _indices(below), axis=axis)
    upper = mnp.take(values, _indices(above), axis=axis)
    return lower + (upper - lower) * fraction


def resize(images, size, interpolation="bilinear", data_format="channels_last"):
    x = as_tensor(images)
    if x.ndim not in (3, 4):
        raise ValueError(
            f"resize needs images (N, H, W, C), (H, W, C) or channels-first; received shape {tuple(x.shape)}."
        )
    if interpolation not in INTERPOLATIONS:
        raise ValueError(
            f"resize interpolation must be one of {', '.join(INTERPOLATIONS)}; received {interpolation!r}."
        )
    height, width = per_axis(size, 2, "size")
    first_spatial = x.ndim - 3 + (1 if check_format(data_format) == "channels_first" else 0)
    spatial_axes = (first_spatial, first_spatial + 1)
    if 0 in (x.shape[spatial_axes[0]], x.shape[spatial_axes[1]]):
        raise ValueError(f"resize needs non-empty images; received shape {tuple(x.shape)}.")
    name = dtype_name(x) if interpolation == "nearest" else float_result(dtype_name(x))
    interpolate = _nearest if interpolation == "nearest" else _linear
    values = to_compute(x, name)
    for axis, target in zip(spatial_axes, (height, width)):
        values = interpolate(values, axis, target)
    return finish(values, name)


class Geometry(NamedTuple):
    """Per spatial axis: window, stride, (before, after) padding and output size."""

    window: tuple[int, ...]
    steps: tuple[int, ...]
    pads: list[tuple[int, int]]
    out_spatial: tuple[int, ...]

    @property
    def padded(self) -> bool:
        return any(before or after for before, after in self.pads)

    @property
    def empty(self) -> bool:
        return 0 in self.out_spatial


def _geometry(spatial: tuple[int, ...], pool_size: Any, strides: Any, padding: str) -> Geometry:
    rank = len(spatial)
    window = per_axis(pool_size, rank, "pool_size")
    steps = window if strides is None else per_axis(strides, rank, "strides")
    pads = paddings(spatial, window, steps, check_padding(padding))
    out_spatial = tuple(
        (size + before + after - size_window) // step + 1 if size + before + after >= size_window else 0
        for size, (before, after), size_window, step in zip(spatial, pads, window, steps))
    return Geometry(window, steps, pads, out_spatial)


def _channels_first_values(x: Any, name: str) -> Any:
    # MXNet pools floats only; integers go through float64, which holds every int32 exactly.
    values = to_compute(x, name)
    return values if name in dtypes.FLOATS else values.astype("float64", copy=False)


def _pool(x: Any, geometry: Geometry, pool_type: str) -> Any:
    return npx.pooling(x, kernel=geometry.window, stride=geometry.steps, pad=(0,) * len(geometry.window),
                       pool_type=pool_type, pooling_convention="valid")


def _empty(x: Any, geometry: Geometry, value: Any) -> Any:
    return mnp.full((x.shape[0], x.shape[1], *geometry.out_spatial), value, dtype=x.dtype, ctx=x.ctx)


def max_pool(inputs, pool_size, strides=None, padding="valid", data_format="channels_last"):
    pending = inputs.before_map() if type(inputs) is ChannelsLastView and data_format == "channels_last" else None
    if pending is not None:
        # max_pool(fn(x)) == fn(max_pool(x)) for a nondecreasing fn, which then sees fewer values.
        source, fn = pending
        return ChannelsLastView.of(fn(max_pool(source, pool_size, strides, padding, data_format).channels_first))
    source = channels_first_input(inputs, data_format)
    check_rank(source, "max_pool")
    name = dtype_name(source)
    x = _channels_first_values(source, name)
    geometry = _geometry(tuple(x.shape[2:]), pool_size, strides, padding)
    if geometry.empty:
        return restore_format(finish(_empty(x, geometry, lowest(name)), name), data_format)
    if geometry.padded:
        x = pad_spatial_first(x, geometry.pads, float(lowest(name)))
    return restore_format(finish(_pool(x, geometry, "max"), name), data_format)


def _real_counts(spatial: tuple[int, ...], geometry: Geometry) -> np.ndarray:
    """How many unpadded elements each output window covers, shaped (1, 1, *out_spatial)."""
    counts = np.ones((1, 1), np.float64)
    for size, window, step, (before, _), outputs in zip(spatial, geometry.window, geometry.steps,
                                                        geometry.pads, geometry.out_spatial):
        starts = np.arange(outputs) * step - before
        per_window = np.minimum(starts + window, size) - np.maximum(starts, 0)
        counts = counts[..., np.newaxis] * per_window
    return counts


def average_pool(inputs, pool_size, strides=None, padding="valid", data_format="channels_last"):
    source = channels_first_input(inputs, data_format)
    check_rank(source, "average_pool")
    name = float_result(dtype_name(source))
    x = _channels_first_values(source, name)
    spatial = tuple(x.shape[2:])
    geometry = _geometry(spatial, pool_size, strides, padding)
    if geometry.empty:
        return restore_format(finish(_empty(x, geometry, 0), name), data_format)
    if not geometry.padded:
        return restore_format(finish(_pool(x, geometry, "avg"), name), data_format)
    sums = _pool(pad_spatial_first(x, geometry.pads, 0.0), geometry, "sum")
    counts = upload(_real_counts(spatial, geometry).astype(np.dtype(x.dtype)))
    return restore_format(finish(sums / counts, name), data_format)
