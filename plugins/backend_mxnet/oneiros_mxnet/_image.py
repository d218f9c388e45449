"""Image resizing with half-pixel centers and no antialiasing, one spatial axis at a time.

Source positions and weights depend only on the sizes, so they are computed on the host; the
gathers and the blend run on MXNet (and are differentiable there).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from mxnet import numpy as mnp

from oneiros_mxnet._host import upload
from oneiros.backend.geometry import check_format, per_axis
from oneiros.backend.resampling import linear_neighbours, nearest_indices
from oneiros_mxnet._tensor import as_tensor, dtype_name, finish, float_result, to_compute

__all__ = ["resize"]

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
