"""Image resizing with half-pixel centers and no antialiasing, one spatial axis at a time."""

from __future__ import annotations

from typing import Any

import numpy as np

from oneiros.backend.geometry import per_axis
from oneiros.backend.resampling import linear_neighbours, nearest_indices
from oneiros.backends.numpy_reference._spatial import channels_last, restore_format
from oneiros.backends.numpy_reference._tensor import (
    as_tensor,
    compute_dtype,
    finish,
    float_result,
)

__all__ = ["resize"]

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
