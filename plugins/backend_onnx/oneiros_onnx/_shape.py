"""Rearranging, joining, splitting, repeating, padding, broadcasting, slicing, gathering and scattering
tensors."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from oneiros_onnx._dims import DynamicDim, has_dynamic
from oneiros_onnx._dispatch import lowered
from oneiros_onnx._dtypes import INTS, PADDABLE, SCATTER_ADD, SELECTABLE, kernel_dtype, lowest
from oneiros_onnx._graph import Symbol
from oneiros_onnx._math import elementwise
from oneiros_onnx._trace import INT64_MIN, constant, emit, int64s, is_symbolic, shape_vector, size_vector
from oneiros_onnx._values import (
    as_dtype,
    broadcast_shapes,
    cast,
    expand,
    normalize_axes,
    normalize_axis,
    operand,
    result_type,
    size_tuple,
    static_int,
    tensor,
    transpose as transpose_symbol,
    unsqueeze,
)
from oneiros_onnx.errors import LoweringError

__all__ = [
    "broadcast_to", "concatenate", "expand_dims", "flip", "moveaxis", "pad", "repeat", "reshape", "scatter",
    "scatter_update", "segment_max", "segment_sum", "slice", "slice_update", "split", "squeeze", "stack", "take",
    "take_along_axis", "tile", "transpose", "where",
]

PAD_MODES = ("constant", "reflect", "symmetric")


def _static_product(dims: Sequence[int]) -> int:
    return math.prod(int(dim) for dim in dims if not isinstance(dim, DynamicDim))


def _resolve_reshape(shape: tuple, target: tuple) -> tuple:
    """The output shape of reshaping ``shape`` to ``target`` (which may hold one -1)."""
    if any(dim < -1 for dim in target) or list(target).count(-1) > 1:
        raise ValueError(f"reshape: newshape {target} may hold non-negative sizes and at most one -1.")
    known = tuple(dim for dim in target if dim != -1)
    dynamic_in = [dim for dim in shape if isinstance(dim, DynamicDim)]
    dynamic_out = [dim for dim in known if isinstance(dim, DynamicDim)]
    static_in, static_out = _static_product(shape), _static_product(known)
    same_dynamic = sorted(map(id, dynamic_in)) == sorted(map(id, dynamic_out))
    if -1 not in target:
        if same_dynamic and static_in != static_out:
            raise ValueError(f"cannot reshape a tensor of shape {shape} into shape {target}.")
        return target
    if same_dynamic:
        if static_out == 0 or static_in % static_out:
            raise ValueError(f"cannot reshape a tensor of shape {shape} into shape {target}.")
        missing: int = static_in // static_out
    elif not dynamic_out and len(dynamic_in) == 1 and static_in == static_out:
        missing = dynamic_in[0]
    else:
        missing = math.prod(shape) // static_out if static_out else 0
    return tuple(missing if dim == -1 else dim for dim in target)


@lowered
def reshape(x: Any, newshape: Any) -> Symbol:
    value = tensor(x)
    target = size_tuple(newshape, "newshape")
    shape = _resolve_reshape(value.shape, target)
    if shape == value.shape:
        return value
    literal_zero = any(dim == 0 and not isinstance(dim, DynamicDim) for dim in target)
    parts: list[Any] = []
    for index, dim in enumerate(target):
        if not isinstance(dim, DynamicDim):
            parts.append(int(dim) if dim != -1 or has_dynamic(shape) else int(shape[index]))
        elif index < value.ndim and value.shape[index] is dim and not literal_zero:
            parts.append(0)  # Reshape copies the input's size at this position
        else:
            parts.append(size_vector(dim))
    if any(isinstance(part, Symbol) for part in parts):
        pieces = [part if isinstance(part, Symbol) else int64s([part]) for part in parts]
        vector = emit("Concat", pieces, (len(pieces),), "int64", axis=0)
    else:
        vector = int64s(parts)
    return emit("Reshape", [value, vector], shape, value.dtype, allowzero=int(literal_zero))


def _permutation(axes: Any, ndim: int) -> list[int]:
    if axes is None:
        return list(reversed(range(ndim)))
    perm = [normalize_axis(axis, ndim, "axes") for axis in size_tuple(axes, "axes")]
    if sorted(perm) != list(range(ndim)):
        raise ValueError(f"axes {tuple(axes)} is not a permutation of the {ndim} axes.")
    return perm


@lowered
def transpose(x: Any, axes: Any = None) -> Symbol:
    value = tensor(x)
    return transpose_symbol(value, _permutation(axes, value.ndim))


@lowered
def moveaxis(x: Any, source: Any, destination: Any) -> Symbol:
    value = tensor(x)
    sources = [normalize_axis(axis, value.ndim, "source") for axis in size_tuple(source, "source")]
    targets = [normalize_axis(axis, value.ndim, "destination") for axis in size_tuple(destination, "destination")]
    if len(sources) != len(targets):
        raise ValueError(f"moveaxis needs as many destination as source axes; received {source!r}, {destination!r}.")
    order = [axis for axis in range(value.ndim) if axis not in sources]
    for target, source_axis in sorted(zip(targets, sources)):
        order.insert(target, source_axis)
    return transpose_symbol(value, order)


@lowered
def expand_dims(x: Any, axis: Any) -> Symbol:
    value = tensor(x)
    items = size_tuple(axis, "axis")
    out_ndim = value.ndim + len(items)
    axes = sorted(normalize_axis(item, out_ndim) for item in items)
    if len(set(axes)) != len(axes):
        raise ValueError(f"repeated axis in {axis!r}.")
    return unsqueeze(value, axes)


@lowered
def squeeze(x: Any, axis: Any = None) -> Symbol:
    value = tensor(x)
    if axis is None:
        axes = [index for index, dim in enumerate(value.shape) if dim == 1 and not isinstance(dim, DynamicDim)]
    else:
        axes = sorted(normalize_axes(axis, value.ndim))
        for index in axes:
            if value.shape[index] != 1 or isinstance(value.shape[index], DynamicDim):
                raise ValueError(f"cannot squeeze axis {index} of shape {value.shape}: its size is not 1.")
    if not axes:
        return value
    shape = tuple(dim for index, dim in enumerate(value.shape) if index not in axes)
    return emit("Squeeze", [value, int64s(axes)], shape, value.dtype)


def _joined(xs: Any) -> tuple[list[Symbol], str]:
    if not isinstance(xs, (list, tuple)) or not xs:
        raise ValueError(f"Expected a non-empty list or tuple of tensors; received {type(xs).__name__}.")
    operands = [operand(item) for item in xs]
    name = result_type(*operands)
    return [as_dtype(item, name) for item in operands], name


@lowered
def concatenate(xs: Any, axis: int = 0) -> Symbol:
    values, name = _joined(xs)
    first = values[0]
    if first.ndim == 0:
        raise ValueError("zero-dimensional tensors cannot be concatenated.")
    position = normalize_axis(axis, first.ndim)
    for value in values[1:]:
        others = [dim for index, dim in enumerate(value.shape) if index != position]
        expected = [dim for index, dim in enumerate(first.shape) if index != position]
        if value.ndim != first.ndim or others != expected:
            raise ValueError(f"concatenate needs tensors equal in every dimension but axis {position}; received "
                             f"shapes {[v.shape for v in values]}.")
    total = sum(value.shape[position] for value in values)
    shape = tuple(total if index == position else dim for index, dim in enumerate(first.shape))
    if len(values) == 1:
        return first
    return emit("Concat", values, shape, name, axis=position)


@lowered
def stack(xs: Any, axis: int = 0) -> Symbol:
    values, _ = _joined(xs)
    shapes = {value.shape for value in values}
    if len(shapes) > 1:
        raise ValueError(f"stack needs tensors of one shape; received shapes {[v.shape for v in values]}.")
    position = normalize_axis(axis, values[0].ndim + 1)
    return concatenate([unsqueeze(value, [position]) for value in values], position)


def _slice_axis(value: Symbol, axis: int, start: int, stop: int) -> Symbol:
    shape = tuple(stop - start if index == axis else dim for index, dim in enumerate(value.shape))
    return emit("Slice", [value, int64s([start]), int64s([stop]), int64s([axis])], shape, value.dtype)


@lowered
def split(x: Any, indices_or_sections: Any, axis: int = 0) -> list[Symbol]:
    value = tensor(x)
    position = normalize_axis(axis, value.ndim)
    size = static_int(value.shape[position], "split")
    if isinstance(indices_or_sections, (int, np.integer)):
        sections = int(indices_or_sections)
        if sections <= 0 or size % sections:
            raise ValueError(f"split of an axis of size {size} into {sections} sections does not result in an "
                             "equal division.")
        bounds = [index * (size // sections) for index in range(sections + 1)]
    else:
        bounds = [0, *size_tuple(indices_or_sections, "indices_or_sections"), size]
    pieces = []
    for start, stop in zip(bounds[:-1], bounds[1:]):
        positions = range(size)[start:stop]  # numpy's slicing of each piece
        first = positions.start if len(positions) else 0
        pieces.append(_slice_axis(value, position, first, first + len(positions)))
    return pieces


@lowered
def tile(x: Any, repeats: Any) -> Symbol:
    value = tensor(x)
    reps = size_tuple(repeats, "repeats")
    if any(rep < 0 for rep in reps):
        raise ValueError(f"tile repeats must be non-negative; received {repeats!r}.")
    if len(reps) > value.ndim:
        value = unsqueeze(value, list(range(len(reps) - value.ndim)))
    reps = (1,) * (value.ndim - len(reps)) + tuple(reps)
    shape = tuple(dim * rep for dim, rep in zip(value.shape, reps))
    return emit("Tile", [value, int64s(reps)], shape, value.dtype)


@lowered
def repeat(x: Any, repeats: Any, axis: Any = None) -> Symbol:
    value = tensor(x)
    if axis is None:
        value, position = reshape(value, (-1,)), 0
    else:
        position = normalize_axis(axis, value.ndim)
    counts = size_tuple(repeats, "repeats")
    if any(count < 0 for count in counts):
        raise ValueError(f"repeat counts must be non-negative; received {repeats!r}.")
    if np.ndim(repeats) == 0:
        count = counts[0]
        widened = expand(unsqueeze(value, [position + 1]),
                         (*value.shape[:position + 1], count, *value.shape[position + 1:]))
        merged = (*value.shape[:position], value.shape[position] * count, *value.shape[position + 1:])
        return reshape(widened, merged)
    size = static_int(value.shape[position], "repeat")
    if len(counts) not in (1, size):
        raise ValueError(f"repeat needs one count or {size} counts (the axis size); received {len(counts)}.")
    indices = np.repeat(np.arange(size), list(counts) if len(counts) == size else counts[0])
    shape = tuple(len(indices) if index == position else dim for index, dim in enumerate(value.shape))
    return emit("Gather", [value, constant(indices, "int64")], shape, value.dtype, axis=position)


def _pad_widths(pad_width: Any, ndim: int) -> list[tuple[int, int]]:
    widths = np.asarray(pad_width)
    if widths.dtype.kind not in "iu" or widths.size and widths.min() < 0:
        raise ValueError(f"pad_width must hold non-negative ints; received {pad_width!r}.")
    return [(int(before), int(after)) for before, after in np.broadcast_to(widths, (ndim, 2)).tolist()]


@lowered
def pad(x: Any, pad_width: Any, mode: str = "constant", constant_values: Any = 0) -> Symbol:
    value = tensor(x)
    if mode not in PAD_MODES:
        raise ValueError(f"pad mode must be one of {', '.join(PAD_MODES)}; received {mode!r}.")
    widths = _pad_widths(pad_width, value.ndim)
    if not any(before or after for before, after in widths):
        return value
    if mode != "constant":
        for axis, (before, after) in enumerate(widths):
            if before or after:
                size = static_int(value.shape[axis], "pad")
                indices = np.pad(np.arange(size), (before, after), mode=mode)
                shape = tuple(len(indices) if index == axis else dim for index, dim in enumerate(value.shape))
                value = emit("Gather", [value, constant(indices, "int64")], shape, value.dtype, axis=axis)
        return value
    kernel = kernel_dtype(value.dtype, PADDABLE)
    fill = cast(as_dtype(operand(constant_values), value.dtype), kernel)
    shape = tuple(dim + before + after for dim, (before, after) in zip(value.shape, widths))
    pads = [before for before, _ in widths] + [after for _, after in widths]
    padded = emit("Pad", [cast(value, kernel), int64s(pads), fill], shape, kernel, mode="constant")
    return cast(padded, value.dtype)


@lowered
def flip(x: Any, axis: Any = None) -> Symbol:
    value = tensor(x)
    axes = list(normalize_axes(axis, value.ndim))
    if not axes:
        return value
    count = len(axes)
    return emit("Slice", [value, int64s([-1] * count), int64s([INT64_MIN] * count), int64s(axes),
                          int64s([-1] * count)], value.shape, value.dtype)


@lowered
def broadcast_to(x: Any, shape: Any) -> Symbol:
    value = tensor(x)
    target = size_tuple(shape, "shape")
    offset = len(target) - value.ndim
    compatible = offset >= 0 and all(
        dim == 1 and not isinstance(dim, DynamicDim) or dim == target[offset + index]
        for index, dim in enumerate(value.shape))
    if not compatible or any(dim < 0 for dim in target):
        raise ValueError(f"cannot broadcast a tensor of shape {value.shape} to shape {target}.")
    return expand(value, target)


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
