"""Max and average pooling on MXNet's Pooling kernel.

Padding is always explicit here: max pooling pads with the dtype's lowest value, and average
pooling sums over zero-padded windows and divides by the number of real elements in each
window (counted on the host from the geometry alone), so 'same' averages only real elements
even where Keras' padding is asymmetric.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
from mxnet import numpy as mnp
from mxnet import numpy_extension as npx
from oneiros import dtypes

from oneiros_mxnet._host import upload
from oneiros_mxnet._layout import ChannelsLastView
from oneiros.backend.geometry import check_padding, per_axis
from oneiros_mxnet._spatial import (
    channels_first_input,
    check_rank,
    pad_spatial_first,
    paddings,
    restore_format,
)
from oneiros_mxnet._tensor import dtype_name, finish, float_result, lowest, to_compute

__all__ = ["average_pool", "max_pool"]


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
