"""Selecting and scattering: slices, take, where, scatter and segment reductions."""

from __future__ import annotations

from typing import Any

import numpy as np

from oneiros_onnx._dims import DynamicDim
from oneiros_onnx._dispatch import lowered
from oneiros_onnx._dtypes import INTS, SCATTER_ADD, SELECTABLE, kernel_dtype, lowest
from oneiros_onnx._graph import Symbol
from oneiros_onnx._lower_elementwise import elementwise
from oneiros_onnx._lower_shape import reshape
from oneiros_onnx._trace import constant, emit, int64s, is_symbolic, shape_vector
from oneiros_onnx._values import (
    as_dtype,
    broadcast_shapes,
    cast,
    expand,
    normalize_axis,
    operand,
    size_tuple,
    static_int,
    tensor,
    unsqueeze,
)
from oneiros_onnx.errors import LoweringError

__all__ = ["scatter", "scatter_update", "segment_max", "segment_sum", "slice", "slice_update", "take",
           "take_along_axis", "where"]


def _static_starts(start_indices: Any, shape: tuple, sizes: tuple, what: str) -> list[int]:
    starts = [int(start) for start in size_tuple(start_indices, "start_indices")]
    if len(starts) != len(shape) or len(sizes) != len(shape):
        raise ValueError(f"{what}: expected one start index and one size per axis of a tensor of shape {shape}; "
                         f"received start_indices={tuple(starts)}, sizes={tuple(sizes)}.")
    for start, size, dim in zip(starts, sizes, shape):
        if isinstance(size, DynamicDim) or isinstance(dim, DynamicDim):
            if start < 0 or size is not dim and start + size > dim:
                raise LoweringError(what, f"a block of run-time size {size} inside an axis of run-time size {dim} "
                                    "must be the whole axis (start 0)")
            continue
        if start < 0 or size < 0 or start + size > dim:
            raise ValueError(f"{what}: the block at start_indices={tuple(starts)} of size {tuple(sizes)} does not "
                             f"fit inside shape {shape}.")
    return starts


def _dynamic_starts(start_indices: Any, ndim: int) -> Symbol:
    """Start indices (a tensor or a sequence holding traced scalars) as an int64 vector."""
    if isinstance(start_indices, Symbol):
        return cast(reshape(start_indices, (ndim,)), "int64")
    parts = [reshape(cast(as_dtype(operand(item), "int32"), "int64"), (1,)) for item in start_indices]
    return emit("Concat", parts, (ndim,), "int64", axis=0)


@lowered
def slice(x: Any, start_indices: Any, shape: Any) -> Symbol:
    value = tensor(x)
    sizes = size_tuple(shape, "shape")
    if is_symbolic(start_indices):
        starts = _dynamic_starts(start_indices, value.ndim)
        ends = emit("Add", [starts, shape_vector(sizes)], (value.ndim,), "int64")
    else:
        static = _static_starts(start_indices, value.shape, sizes, "slice")
        if tuple(sizes) == value.shape and not any(static):
            return value
        starts, ends = int64s(static), shape_vector([start + size for start, size in zip(static, sizes)])
    return emit("Slice", [value, starts, ends, int64s(range(value.ndim))], sizes, value.dtype)


@lowered
def slice_update(x: Any, start_indices: Any, updates: Any) -> Symbol:
    value = tensor(x)
    block = cast(tensor(updates), value.dtype)
    if any(isinstance(dim, DynamicDim) for dim in block.shape):
        raise LoweringError("slice_update", "the update block's size must be known when the graph is built")
    grid = np.moveaxis(np.indices(block.shape, dtype=np.int64), 0, -1)
    if is_symbolic(start_indices):
        indices = emit("Add", [constant(grid, "int64"), _dynamic_starts(start_indices, value.ndim)],
                       grid.shape, "int64")
    else:
        starts = _static_starts(start_indices, value.shape, block.shape, "slice_update")
        if block.size == 0:
            return value
        indices = constant(grid + np.asarray(starts, np.int64), "int64")
    return emit("ScatterND", [value, indices, block], value.shape, value.dtype)


def _indices(indices: Any, what: str) -> Symbol:
    positions = tensor(indices)
    if positions.dtype not in INTS:
        raise TypeError(f"{what} must be an integer tensor; received dtype {positions.dtype}.")
    return positions if positions.dtype in ("int32", "int64") else cast(positions, "int64")


@lowered
def take(x: Any, indices: Any, axis: Any = None) -> Symbol:
    value = tensor(x)
    positions = _indices(indices, "take indices")
    if axis is None:
        value, position = reshape(value, (-1,)), 0
    else:
        position = normalize_axis(axis, value.ndim)
    shape = (*value.shape[:position], *positions.shape, *value.shape[position + 1:])
    return emit("Gather", [value, positions], shape, value.dtype, axis=position)


@lowered
def take_along_axis(x: Any, indices: Any, axis: Any = None) -> Symbol:
    value = tensor(x)
    positions = cast(_indices(indices, "take_along_axis indices"), "int64")
    if axis is None:
        value, positions, position = reshape(value, (-1,)), reshape(positions, (-1,)), 0
    else:
        position = normalize_axis(axis, value.ndim)
    if positions.ndim != value.ndim:
        raise ValueError(f"take_along_axis needs indices with the ndim of x ({value.ndim}); received indices of "
                         f"shape {positions.shape}.")
    common = list(broadcast_shapes(
        tuple(1 if index == position else dim for index, dim in enumerate(value.shape)),
        tuple(1 if index == position else dim for index, dim in enumerate(positions.shape))))
    value = expand(value, tuple(value.shape[position] if index == position else dim
                                for index, dim in enumerate(common)))
    positions = expand(positions, tuple(positions.shape[position] if index == position else dim
                                        for index, dim in enumerate(common)))
    return emit("GatherElements", [value, positions], positions.shape, value.dtype, axis=position)


@lowered
def where(condition: Any, x1: Any, x2: Any) -> Symbol:
    mask = cast(tensor(condition), "bool")

    def build(shape: tuple, a: Symbol, b: Symbol) -> Symbol:
        return emit("Where", [mask, a, b], broadcast_shapes(mask.shape, shape), a.dtype)

    return elementwise(build, None, SELECTABLE, x1, x2)


def _scatter_indices(indices: Any, target: tuple) -> Symbol:
    positions = _indices(indices, "scatter indices")
    if positions.ndim < 1 or positions.shape[-1] > len(target):
        raise ValueError(f"scatter indices must have shape (..., k) with k <= {len(target)} (the target's "
                         f"ndim); received shape {positions.shape}.")
    return cast(positions, "int64")


def _check_updates(updates: Symbol, positions: Symbol, target: tuple) -> None:
    expected = (*positions.shape[:-1], *target[positions.shape[-1]:])
    if tuple(updates.shape) != expected:
        raise ValueError(f"scatter updates must have shape {expected} for indices of shape {positions.shape} "
                         f"into shape {target}; received {updates.shape}.")


@lowered
def scatter(indices: Any, values: Any, shape: Any) -> Symbol:
    target = tuple(static_int(size, "scatter") for size in size_tuple(shape, "shape"))
    updates = tensor(values)
    positions = _scatter_indices(indices, target)
    _check_updates(updates, positions, target)
    kernel = kernel_dtype(updates.dtype, SCATTER_ADD)
    totals = emit("ScatterND", [constant(np.zeros(target), kernel), positions, cast(updates, kernel)], target,
                  kernel, reduction="add")
    return cast(totals, updates.dtype)


@lowered
def scatter_update(x: Any, indices: Any, updates: Any) -> Symbol:
    value = tensor(x)
    positions = _scatter_indices(indices, value.shape)
    block = cast(tensor(updates), value.dtype)
    _check_updates(block, positions, value.shape)
    return emit("ScatterND", [value, positions, block], value.shape, value.dtype)


def _segments(data: Any, segment_ids: Any, num_segments: Any) -> tuple[Symbol, Symbol, tuple]:
    rows = tensor(data)
    ids = _indices(segment_ids, "segment_ids")
    if ids.ndim != 1 or rows.ndim < 1 or ids.shape[0] != rows.shape[0]:
        raise ValueError(f"segment_ids must have shape (n,) matching data's first axis; received data shape "
                         f"{rows.shape} and segment_ids shape {ids.shape}.")
    count = static_int(num_segments, "segment ops")
    return rows, unsqueeze(cast(ids, "int64"), [1]), (count, *rows.shape[1:])


def _segment_reduce(data: Any, segment_ids: Any, num_segments: Any, name_of: Any, reduction: str,
                    initial: Any) -> Symbol:
    rows, positions, shape = _segments(data, segment_ids, num_segments)
    name = name_of(rows.dtype)
    kernel = kernel_dtype(name, SCATTER_ADD)
    start = constant(np.full(shape, initial(name)), kernel)
    result = emit("ScatterND", [start, positions, cast(cast(rows, name), kernel)], shape, kernel,
                  reduction=reduction)
    return cast(result, name)


@lowered
def segment_sum(data: Any, segment_ids: Any, num_segments: Any) -> Symbol:
    return _segment_reduce(data, segment_ids, num_segments, lambda name: "int32" if name == "bool" else name,
                           "add", lambda name: 0)


@lowered
def segment_max(data: Any, segment_ids: Any, num_segments: Any) -> Symbol:
    return _segment_reduce(data, segment_ids, num_segments, lambda name: name, "max", lowest)
