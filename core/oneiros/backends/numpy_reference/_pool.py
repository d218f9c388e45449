"""Max and average pooling, written as a reduction over window offsets of strided slices."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

import numpy as np

from oneiros.backend.geometry import check_padding, output_size, padding_amounts, per_axis
from oneiros.backends.numpy_reference._spatial import (
    channels_last,
    check_rank,
    pad_spatial,
    restore_format,
    window_slice,
)
from oneiros.backends.numpy_reference._tensor import (
    as_tensor,
    compute_dtype,
    finish,
    float_result,
    lowest,
)

__all__ = ["average_pool", "max_pool"]



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
