"""Ops that rearrange, select, combine and scatter tensors, with static shapes kept."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import Any

import numpy as np
import pytensor.tensor as pt
from oneiros import dtypes
from oneiros.backend.host_arrays import int_tuple

from oneiros_pytensor._graph import graph_op
from oneiros_pytensor._tensors import (
    axes_tuple,
    compute_name,
    finish,
    lowest,
    promoted_compute,
    static_shape,
    tensor,
)

__all__ = [
    "broadcast_to", "concatenate", "expand_dims", "flip", "moveaxis", "pad", "repeat",
    "reshape", "scatter", "scatter_update", "segment_max", "segment_sum", "slice",
    "slice_update", "split", "squeeze", "stack", "take", "take_along_axis", "tile", "transpose",
    "where",
]

PAD_MODES = ("constant", "reflect", "symmetric")


def _indices(indices: Any, what: str) -> Any:
    positions = tensor(indices)
    if positions.dtype not in dtypes.SIGNED + dtypes.UNSIGNED:
        raise TypeError(f"{what} must be integers; received {positions.dtype}.")
    return positions


@graph_op
def reshape(x, newshape):
    x = tensor(x)
    sizes = int_tuple(newshape, "newshape")
    known = static_shape(x)
    total = int(np.prod(known))
    free = [size for size in sizes if size == -1]
    fixed = int(np.prod([size for size in sizes if size != -1]))
    if len(free) > 1 or (not free and fixed != total) or (free and (fixed == 0 or total % fixed)):
        raise ValueError(f"cannot reshape a tensor of shape {known} into {sizes}.")
    sizes = tuple(total // fixed if size == -1 else size for size in sizes)
    return pt.reshape(x, sizes, ndim=len(sizes))


@graph_op
def transpose(x, axes=None):
    x = tensor(x)
    order = tuple(reversed(range(x.ndim))) if axes is None else int_tuple(axes, "axes")
    if sorted(axis % max(x.ndim, 1) for axis in order) != list(range(x.ndim)):
        raise ValueError(f"transpose axes {axes!r} are not a permutation of range({x.ndim}).")
    return pt.transpose(x, tuple(axis % x.ndim for axis in order))


@graph_op
def moveaxis(x, source, destination):
    return pt.moveaxis(tensor(x), int_tuple(source, "source"), int_tuple(destination, "destination"))


@graph_op
def expand_dims(x, axis):
    x = tensor(x)
    axes = axes_tuple(axis, x.ndim + len(int_tuple(axis, "axis")))
    return pt.expand_dims(x, axes)


@graph_op
def squeeze(x, axis=None):
    x = tensor(x)
    shape = static_shape(x)
    axes = tuple(a for a, size in enumerate(shape) if size == 1) if axis is None else axes_tuple(axis, x.ndim)
    if any(shape[a] != 1 for a in axes):
        raise ValueError(f"squeeze axes {axis!r} must have size 1; received shape {shape}.")
    return pt.squeeze(x, axis=axes) if axes else x


def _joined(xs: Sequence[Any]) -> tuple[list[Any], str]:
    if isinstance(xs, np.ndarray) or not isinstance(xs, (list, tuple)) or not xs:
        raise ValueError(f"Expected a non-empty list or tuple of tensors; received {type(xs).__name__}.")
    return promoted_compute(*xs)


@graph_op
def concatenate(xs, axis=0):
    variables, name = _joined(xs)
    shapes = [static_shape(v) for v in variables]
    (axis,) = axes_tuple(axis, variables[0].ndim)
    if len({len(s) for s in shapes}) > 1 or len({s[:axis] + s[axis + 1:] for s in shapes}) > 1:
        raise ValueError(f"concatenate needs tensors equal in every dimension but axis {axis}; received shapes "
                         f"{shapes}.")
    return finish(pt.concatenate(variables, axis=axis), name)


@graph_op
def stack(xs, axis=0):
    variables, name = _joined(xs)
    shapes = {static_shape(v) for v in variables}
    if len(shapes) > 1:
        raise ValueError(f"stack needs tensors of one shape; received shapes {sorted(shapes)}.")
    (axis,) = axes_tuple(axis, variables[0].ndim + 1)
    return finish(pt.stack(variables, axis=axis), name)


def _along(x: Any, axis: int, start: int, stop: int, step: int = 1) -> Any:
    region = [builtins.slice(None)] * x.ndim
    region[axis] = builtins.slice(start, stop, step)
    return x[tuple(region)]


@graph_op
def split(x, indices_or_sections, axis=0):
    x = tensor(x)
    (axis,) = axes_tuple(axis, x.ndim)
    size = static_shape(x)[axis]
    if isinstance(indices_or_sections, (int, np.integer)):
        sections = int(indices_or_sections)
        if sections < 1 or size % sections:
            raise ValueError(f"split cannot divide an axis of size {size} into {indices_or_sections} equal sections.")
        bounds = [size // sections * i for i in range(sections + 1)]
    else:
        bounds = [0, *int_tuple(indices_or_sections, "indices_or_sections"), size]
    return [_along(x, axis, builtins.min(start, size), builtins.min(builtins.max(stop, start), size))
            for start, stop in zip(bounds, bounds[1:])]


@graph_op
def tile(x, repeats):
    x = tensor(x)
    counts = int_tuple(repeats, "repeats")
    if any(count < 0 for count in counts):
        raise ValueError(f"tile needs non-negative repetition counts; received {repeats!r}.")
    if len(counts) > x.ndim:
        x = pt.shape_padleft(x, len(counts) - x.ndim)
    counts = (1,) * (x.ndim - len(counts)) + counts
    return pt.tile(x, counts)


@graph_op
def repeat(x, repeats, axis=None):
    x = tensor(x)
    if axis is None:
        x, axis = pt.flatten(x), 0
    else:
        (axis,) = axes_tuple(axis, x.ndim)
    counts = int_tuple(repeats, "repeats")
    if np.ndim(repeats) == 0:
        return pt.repeat(x, counts[0], axis=axis)
    if len(counts) != static_shape(x)[axis]:
        raise ValueError(f"repeat needs one count per element of axis {axis}; received {len(counts)} counts "
                         f"for size {static_shape(x)[axis]}.")
    pieces = [_along(x, axis, i, i + 1) for i, count in enumerate(counts) for _ in range(count)]
    if not pieces:
        shape = list(static_shape(x))
        shape[axis] = 0
        return pt.zeros(shape, dtype=x.dtype)
    return pt.concatenate(pieces, axis=axis)


def _pad_axis(x: Any, axis: int, before: int, after: int, mode: str, fill: Any) -> Any:
    if not before and not after:
        return x
    size = static_shape(x)[axis]
    if mode == "constant":
        def block(count: int) -> Any:
            shape = list(static_shape(x))
            shape[axis] = count
            return pt.full(shape, fill, dtype=x.dtype)

        parts = [block(before), x, block(after)]
    else:
        # reflect leaves out the edge element, symmetric repeats it.
        skip = 1 if mode == "reflect" else 0
        if before > size - skip or after > size - skip:
            raise ValueError(f"pad mode {mode!r} needs widths below {size - skip + 1} for an axis of size {size}; "
                             f"received ({before}, {after}).")
        parts = [pt.flip(_along(x, axis, skip, skip + before), axis=axis), x,
                 pt.flip(_along(x, axis, size - skip - after, size - skip), axis=axis)]
    return pt.concatenate([part for part, count in zip(parts, (before, 1, after)) if count], axis=axis)


@graph_op
def pad(x, pad_width, mode="constant", constant_values=0):
    x = tensor(x)
    if mode not in PAD_MODES:
        raise ValueError(f"pad mode must be one of {', '.join(PAD_MODES)}; received {mode!r}.")
    widths = np.asarray(pad_width)
    if widths.dtype.kind not in "iu" or widths.size and widths.min() < 0:
        raise ValueError(f"pad_width must hold non-negative ints; received {pad_width!r}.")
    widths = np.broadcast_to(widths, (x.ndim, 2)).tolist()
    fill = tensor(constant_values, x.dtype) if mode == "constant" else None
    for axis, (before, after) in enumerate(widths):
        x = _pad_axis(x, axis, int(before), int(after), mode, fill)
    return x


@graph_op
def flip(x, axis=None):
    x = tensor(x)
    for a in axes_tuple(axis, x.ndim):
        x = _along(x, a, None, None, -1)
    return x


@graph_op
def broadcast_to(x, shape):
    x = tensor(x)
    target = int_tuple(shape, "shape")
    np.broadcast_shapes(static_shape(x), target)  # raises ValueError naming both shapes
    if np.broadcast_shapes(static_shape(x), target) != target:
        raise ValueError(f"cannot broadcast shape {static_shape(x)} to {target}.")
    return pt.broadcast_to(x, target)


def _block(x: Any, start_indices: Any, sizes: Sequence[int]) -> tuple[builtins.slice, ...]:
    shape = static_shape(x)
    starts = int_tuple(start_indices, "start_indices")
    if len(starts) != x.ndim or len(sizes) != x.ndim:
        raise ValueError(f"Expected one start index and one size per axis of a tensor of shape {shape}; "
                         f"received start_indices={starts}, sizes={tuple(sizes)}.")
    for start, size, dim in zip(starts, sizes, shape):
        if start < 0 or size < 0 or start + size > dim:
            raise ValueError(f"The block at start_indices={starts} of size {tuple(sizes)} does not fit inside "
                             f"shape {shape}.")
    return tuple(builtins.slice(start, start + size) for start, size in zip(starts, sizes))


@graph_op
def slice(x, start_indices, shape):
    x = tensor(x)
    return x[_block(x, start_indices, int_tuple(shape, "shape"))]


@graph_op
def slice_update(x, start_indices, updates):
    x = tensor(x)
    block = tensor(updates, x.dtype)
    return pt.set_subtensor(x[_block(x, start_indices, static_shape(block))], block)


def _indexed_axis(x: Any, indices: Any, axis: Any, what: str) -> tuple[Any, Any, int]:
    """``x`` (flattened when ``axis`` is None), the indices with negatives counted from the end
    as in numpy, and the axis."""
    x = tensor(x)
    positions = _indices(indices, what)
    if axis is None:
        x, axis = pt.flatten(x), 0
    else:
        (axis,) = axes_tuple(axis, x.ndim)
    size = static_shape(x)[axis]
    return x, pt.switch(pt.lt(positions, 0), positions + size, positions), axis


@graph_op
def take(x, indices, axis=None):
    x, positions, axis = _indexed_axis(x, indices, axis, "take indices")
    return pt.take(x, positions, axis=axis)


@graph_op
def take_along_axis(x, indices, axis=None):
    x, positions, axis = _indexed_axis(x, indices, axis, "take_along_axis indices")
    if positions.ndim != x.ndim:
        raise ValueError(f"take_along_axis needs indices of ndim {x.ndim}; received shape {positions.type.shape}.")
    return pt.take_along_axis(x, positions, axis=axis)


@graph_op
def where(condition, x1, x2):
    mask = tensor(condition)
    mask = mask if mask.dtype == "bool" else pt.neq(mask, 0)
    (a, b), name = promoted_compute(x1, x2)
    np.broadcast_shapes(static_shape(mask), static_shape(a), static_shape(b))
    return finish(pt.switch(mask, a, b), name)


def _index_tuple(indices: Any, target_shape: tuple[int, ...]) -> tuple[Any, ...]:
    positions = _indices(indices, "scatter indices")
    depth = static_shape(positions)[-1] if positions.ndim else None
    if positions.ndim < 1 or depth > len(target_shape):
        raise ValueError(f"scatter indices must have shape (..., k) with k <= {len(target_shape)} (the target's "
                         f"ndim); received shape {static_shape(positions)}.")
    return tuple(positions[..., column] for column in range(depth))


@graph_op
def scatter(indices, values, shape):
    target_shape = int_tuple(shape, "shape")
    updates = tensor(values)
    name = updates.dtype
    totals = pt.zeros(target_shape, dtype=compute_name(name))
    result = pt.inc_subtensor(totals[_index_tuple(indices, target_shape)], finish(updates, compute_name(name)))
    return finish(result, name)


@graph_op
def scatter_update(x, indices, updates):
    x = tensor(x)
    return pt.set_subtensor(x[_index_tuple(indices, static_shape(x))], tensor(updates, x.dtype))


def _segments(data: Any, segment_ids: Any) -> tuple[Any, Any]:
    rows = tensor(data)
    ids = _indices(segment_ids, "segment_ids")
    if ids.ndim != 1 or rows.ndim < 1 or static_shape(ids)[0] != static_shape(rows)[0]:
        raise ValueError(f"segment_ids must have shape (n,) matching data's first axis; received data shape "
                         f"{static_shape(rows)} and segment_ids shape {static_shape(ids)}.")
    return rows, ids


@graph_op
def segment_sum(data, segment_ids, num_segments):
    rows, ids = _segments(data, segment_ids)
    name = "int32" if rows.dtype == "bool" else rows.dtype
    totals = pt.zeros((int(num_segments), *static_shape(rows)[1:]), dtype=compute_name(name))
    return finish(pt.inc_subtensor(totals[ids], finish(rows, compute_name(name))), name)


@graph_op
def segment_max(data, segment_ids, num_segments):
    rows, ids = _segments(data, segment_ids)
    name = rows.dtype
    values = finish(rows, "int8" if name == "bool" else compute_name(name))
    # A (segments, rows) membership mask; rows outside a segment count as the lowest value.
    members = pt.eq(pt.arange(int(num_segments), dtype="int32")[:, None], ids[None, :])
    members = pt.shape_padright(members, rows.ndim - 1)
    masked = pt.switch(members, values[None], pt.cast(lowest(name), values.dtype))
    return finish(pt.max(masked, axis=1), name)
