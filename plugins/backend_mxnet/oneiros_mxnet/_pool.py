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

from oneiros_mxnet._spatial import (
    channels_first,
    check_padding,
    check_rank,
    pad_spatial_first,
    paddings,
    per_axis,
    restore_format,
)
from oneiros_mxnet._tensor import as_tensor, dtype_name, finish, float_result, lowest, to_compute, upload

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


def _channels_first_values(inputs: Any, name: str, what: str, data_format: str) -> Any:
    x = as_tensor(inputs)
    check_rank(x, what)
    # MXNet pools floats only; integers go through float64, which holds every int32 exactly.
    values = to_compute(x, name)
    if name not in dtypes.FLOATS:
        values = values.astype("float64", copy=False)
    return channels_first(values, data_format)


def _pool(x: Any, geometry: Geometry, pool_type: str) -> Any:
    return npx.pooling(x, kernel=geometry.window, stride=geometry.steps, pad=(0,) * len(geometry.window),
                       pool_type=pool_type, pooling_convention="valid")


def _empty(x: Any, geometry: Geometry, value: Any) -> Any:
    return mnp.full((x.shape[0], x.shape[1], *geometry.out_spatial), value, dtype=x.dtype, ctx=x.ctx)


def max_pool(inputs, pool_size, strides=None, padding="valid", data_format="channels_last"):
    name = dtype_name(as_tensor(inputs))
    x = _channels_first_values(inputs, name, "max_pool", data_format)
    geometry = _geometry(tuple(x.shape[2:]), pool_size, strides, padding)
    if geometry.empty:
        return finish(restore_format(_empty(x, geometry, lowest(name)), data_format), name)
    if geometry.padded:
        x = pad_spatial_first(x, geometry.pads, float(lowest(name)))
    return finish(restore_format(_pool(x, geometry, "max"), data_format), name)


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
    name = float_result(dtype_name(as_tensor(inputs)))
    x = _channels_first_values(inputs, name, "average_pool", data_format)
    spatial = tuple(x.shape[2:])
    geometry = _geometry(spatial, pool_size, strides, padding)
    if geometry.empty:
        return finish(restore_format(_empty(x, geometry, 0), data_format), name)
    if not geometry.padded:
        return finish(restore_format(_pool(x, geometry, "avg"), data_format), name)
    sums = _pool(pad_spatial_first(x, geometry.pads, 0.0), geometry, "sum")
    counts = upload(_real_counts(spatial, geometry).astype(np.dtype(x.dtype)))
    return finish(restore_format(sums / counts, data_format), name)
