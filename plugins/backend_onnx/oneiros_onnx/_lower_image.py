"""Image resizing with half-pixel centers and no antialiasing, one spatial axis at a time.

Each axis gathers source rows at indices (and, for bilinear, blends two rows with weights) that
are computed when the graph is built, exactly as the numpy reference computes them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from oneiros_onnx._dispatch import lowered
from oneiros_onnx._graph import Symbol
from oneiros.backend.geometry import check_format, per_axis
from oneiros.backend.resampling import linear_neighbours, nearest_indices
from oneiros_onnx._trace import constant, emit
from oneiros_onnx._values import cast, float_result, squeeze, tensor, unsqueeze

__all__ = ["resize"]

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
