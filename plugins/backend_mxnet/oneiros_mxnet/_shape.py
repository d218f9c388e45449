"""Rearranging, selecting, combining and scattering tensors.

Ops that only move values run on the MXNet storage of their input and keep its dtype (a
WideIntArray stays one). Selections with index tensors that MXNet cannot differentiate
(``take_along_axis``) or cannot do at all (reflect padding, per-element repeats) are rewritten
as ``take`` with computed positions, which MXNet differentiates.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from mxnet import numpy as mnp
from oneiros import dtypes
from oneiros.backend.host_arrays import int_tuple

from oneiros_mxnet._engine import context
from oneiros_mxnet._host import upload
from oneiros_mxnet._layout import moved_axes, permuted
from oneiros_mxnet._scatter import scatter_add
from oneiros_mxnet._tensor import (
    as_tensor,
    check_int,
    compute_dtype,
    dtype_name,
    elementwise,
    finish,
    from_numpy,
    lowest,
    normalize_axis,
    operand,
    operand_dtype,
    padded,
    same_dtype_as,
    scalar_tensor,
    select,
    shape_tuple,
    storage,
    storage_dtype,
    to_compute,
    to_numpy,
)

__all__ = [
    "broadcast_to", "concatenate", "expand_dims", "flip", "moveaxis", "pad", "repeat",
    "reshape", "scatter", "scatter_update", "segment_max", "segment_sum", "slice",
    "slice_update", "split", "squeeze", "stack", "take", "take_along_axis", "tile", "transpose",
    "where",
]

PAD_MODES = ("constant", "reflect", "symmetric")


def _moved(fn: Callable[[Any], Any], x: Any) -> Any:
    """``fn`` applied to the storage of ``x``; the result keeps ``x``'s dtype."""
    tensor = as_tensor(x)
    plain = storage(tensor)
    if dtype_name(tensor) == "bool":
        # Several MXNet layout kernels have no bool instance; bytes move the same values.
        return fn(plain.astype("uint8", copy=False)).astype("bool", copy=False)
    return same_dtype_as(fn(plain), tensor)


def reshape(x, newshape):
    shape = int_tuple(newshape, "newshape")
    return _moved(lambda values: mnp.reshape(values, shape), x)


def transpose(x, axes=None):
    order = None if axes is None else int_tuple(axes, "axes")
    return _moved(lambda values: permuted(values, order), x)


def moveaxis(x, source, destination):
    return _moved(lambda values: permuted(values, moved_axes(values.ndim, int_tuple(source, "source"),
                                                             int_tuple(destination, "destination"))), x)


def _expanded_shape(shape: tuple[int, ...], axis: Any) -> tuple[int, ...]:
    axes = normalize_axis(axis)
    axes = (axes,) if isinstance(axes, int) else axes
    ndim = len(shape) + len(axes)
    positions = sorted(a % ndim if -ndim <= a < ndim else a for a in axes)
    if any(not 0 <= a < ndim for a in positions) or len(set(positions)) != len(positions):
        raise ValueError(f"expand_dims: axis {axis!r} is out of range for a result of ndim {ndim}.")
    dims = iter(shape)
    return tuple(1 if index in positions else next(dims) for index in range(ndim))


def expand_dims(x, axis):
    tensor = as_tensor(x)
    return reshape(tensor, _expanded_shape(tuple(tensor.shape), axis))


def squeeze(x, axis=None):
    tensor = as_tensor(x)
    shape = tuple(tensor.shape)
    axes = normalize_axis(axis)
    if axes is None:
        dropped = {index for index, size in enumerate(shape) if size == 1}
    else:
        dropped = {a % len(shape) if -len(shape) <= a < len(shape) else a
                   for a in ((axes,) if isinstance(axes, int) else axes)}
        bad = [a for a in dropped if not 0 <= a < len(shape) or shape[a] != 1]
        if bad:
            raise ValueError(f"squeeze: axis {axis!r} must name size-1 axes of shape {shape}.")
    return reshape(tensor, tuple(size for index, size in enumerate(shape) if index not in dropped))


def _joined(xs: Sequence[Any]) -> tuple[list[Any], str]:
    if not isinstance(xs, (list, tuple)) or not xs:
        raise ValueError(f"Expected a non-empty list or tuple of tensors; received {type(xs).__name__}.")
    operands = [operand(item) for item in xs]
    name = dtypes.result_type(*(operand_dtype(item) for item in operands))
    return [scalar_tensor(to_compute(item, name), name) for item in operands], name


def concatenate(xs, axis=0):
    arrays, name = _joined(xs)
    return finish(mnp.concatenate(arrays, axis=int(axis)), name)


def stack(xs, axis=0):
    arrays, name = _joined(xs)
    return finish(mnp.stack(arrays, axis=int(axis)), name)


def split(x, indices_or_sections, axis=0):
    tensor = as_tensor(x)
    sections = indices_or_sections
    if not isinstance(sections, (int, np.integer)):
        sections = list(int_tuple(sections, "indices_or_sections"))
    elif tensor.shape[int(axis)] % int(sections):
        raise ValueError(f"split: {sections} sections do not divide axis {axis} of shape {tensor.shape}.")
    plain = storage(tensor)
    if dtype_name(tensor) == "bool":
        return [part.astype("bool") for part in mnp.split(plain.astype("uint8"), sections, axis=int(axis))]
    return [same_dtype_as(part, tensor) for part in mnp.split(plain, sections, axis=int(axis))]


def tile(x, repeats):
    reps = int_tuple(repeats, "repeats")
    return _moved(lambda values: mnp.tile(values, reps), x)


def _positions(indices: np.ndarray) -> mnp.ndarray:
    return upload(indices.astype(np.int32))


def repeat(x, repeats, axis=None):
    tensor = as_tensor(x)
    counts = int_tuple(repeats, "repeats")
    if np.ndim(repeats) == 0:
        return _moved(lambda values: mnp.repeat(values, counts[0], axis=None if axis is None else int(axis)), tensor)
    if axis is None:
        tensor, axis = reshape(tensor, (-1,)), 0
    size = tensor.shape[int(axis)]
    if len(counts) != size or builtins.min(counts, default=0) < 0:
        raise ValueError(f"repeat: expected {size} non-negative counts (one per element of axis {axis}); "
                         f"received {list(counts)}.")
    return take(tensor, _positions(np.repeat(np.arange(size), counts)), axis=int(axis))


def pad(x, pad_width, mode="constant", constant_values=0):
    tensor = as_tensor(x)
    if mode not in PAD_MODES:
        raise ValueError(f"pad mode must be one of {', '.join(PAD_MODES)}; received {mode!r}.")
    widths = np.asarray(pad_width)
    if widths.dtype.kind not in "iu" or widths.size and widths.min() < 0:
        raise ValueError(f"pad_width must hold non-negative ints; received {pad_width!r}.")
    widths = np.broadcast_to(widths, (tensor.ndim, 2)).tolist()
    if mode == "constant":
        name = dtype_name(tensor)
        fill = np.asarray(constant_values).astype(compute_dtype(name)).item()
        return finish(padded(to_compute(tensor, name), widths, fill), name)
    result = tensor
    for axis, (before, after) in enumerate(widths):
        if before or after:
            # numpy's own padding of the positions 0..n-1 says which element lands where.
            source = np.pad(np.arange(tensor.shape[axis]), (before, after), mode=mode)
            result = take(result, _positions(source), axis=axis)
    return result


def flip(x, axis=None):
    tensor = as_tensor(x)
    axes = normalize_axis(axis)
    axes = tuple(range(tensor.ndim)) if axes is None else (axes,) if isinstance(axes, int) else axes
    # MXNet's flip refuses negative axes.
    return _moved(lambda values: mnp.flip(values, tuple(a % tensor.ndim for a in axes)), tensor)


def broadcast_to(x, shape):
    target = int_tuple(shape, "shape")
    return _moved(lambda values: mnp.broadcast_to(values, target), x)


def _block(shape: tuple[int, ...], start_indices: Any, sizes: Sequence[int]) -> tuple[builtins.slice, ...]:
    starts = int_tuple(start_indices, "start_indices")
    if len(starts) != len(shape) or len(sizes) != len(shape):
        raise ValueError(
            f"Expected one start index and one size per axis of a tensor of shape {shape}; "
            f"received start_indices={starts}, sizes={tuple(sizes)}."
        )
    for start, size, dim in zip(starts, sizes, shape):
        if start < 0 or size < 0 or start + size > dim:
            raise ValueError(f"The block at start_indices={starts} of size {tuple(sizes)} does not fit "
                             f"inside shape {shape}.")
    return tuple(builtins.slice(start, start + size) for start, size in zip(starts, sizes))


def slice(x, start_indices, shape):
    tensor = as_tensor(x)
    region = _block(tuple(tensor.shape), start_indices, int_tuple(shape, "shape"))
    return _moved(lambda values: values[region], tensor)


def _cast_like(x: Any, name: str) -> Any:
    """``x`` converted to dtype ``name``."""
    return x if dtype_name(x) == name else finish(to_compute(x, dtype_name(x)), name)


def slice_update(x, start_indices, updates):
    tensor = as_tensor(x)
    name = dtype_name(tensor)
    block = as_tensor(updates)
    region = _block(tuple(tensor.shape), start_indices, tuple(block.shape))
    widths = [[r.start, size - r.stop] for r, size in zip(region, tensor.shape)]
    placed = padded(to_compute(_cast_like(block, name), name), widths, 0)
    inside = padded(mnp.ones(tuple(block.shape), dtype="int8", ctx=context()), widths, 0)
    return finish(select(inside, placed, to_compute(tensor, name)), name)


def take(x, indices, axis=None):
    positions = as_tensor(indices)
    check_int(positions, "take indices")
    tensor = as_tensor(x)
    if axis is None:
        tensor, axis = reshape(tensor, (-1,)), 0
    # mode="wrap" maps the negative indices the contract allows onto their positions.
    return _moved(lambda values: mnp.take(values, storage(positions), axis=int(axis), mode="wrap"), tensor)


def take_along_axis(x, indices, axis=None):
    positions = as_tensor(indices)
    check_int(positions, "take_along_axis indices")
    tensor = as_tensor(x)
    if axis is None:
        tensor, positions, axis = reshape(tensor, (-1,)), reshape(positions, (-1,)), 0
    if positions.ndim != tensor.ndim:
        raise ValueError(f"take_along_axis needs indices of the data's ndim {tensor.ndim}; "
                         f"received indices of shape {positions.shape}.")
    axis = int(axis) % tensor.ndim
    size, count = tensor.shape[axis], positions.shape[axis]
    outer = [np.broadcast_shapes((a,), (b,))[0] if index != axis else None
             for index, (a, b) in enumerate(zip(tensor.shape, positions.shape))]
    data = broadcast_to(tensor, [size if dim is None else dim for dim in outer])
    where_to = broadcast_to(positions, [count if dim is None else dim for dim in outer])
    rows = moveaxis(data, axis, -1)
    picks = mnp.mod(storage(moveaxis(where_to, axis, -1)).astype("int64"), size)
    lanes = int(np.prod(rows.shape[:-1], dtype=np.int64))
    offsets = mnp.arange(lanes, dtype="int64", ctx=context()).reshape(tuple(rows.shape[:-1]) + (1,)) * size
    flat = take(reshape(rows, (-1,)), finish(picks + offsets, "int32"))
    return moveaxis(reshape(flat, tuple(rows.shape[:-1]) + (count,)), -1, axis)


def where(condition, x1, x2):
    mask = storage(as_tensor(condition))
    return elementwise(lambda a, b: select(mask, a, b), None, x1, x2)


def _index_rows(indices: Any, target_shape: tuple[int, ...]) -> tuple[Any, int, int]:
    """(k, m) int32 index rows of ``indices`` (..., k), with k and m."""
    positions = as_tensor(indices)
    check_int(positions, "scatter indices")
    if positions.ndim < 1 or positions.shape[-1] > len(target_shape):
        raise ValueError(
            f"scatter indices must have shape (..., k) with k <= {len(target_shape)} "
            f"(the target's ndim); received shape {positions.shape}."
        )
    depth = positions.shape[-1]
    count = int(np.prod(positions.shape[:-1], dtype=np.int64))
    rows = permuted(storage(positions).reshape((count, depth))).astype("int32", copy=False)
    return rows, depth, count


def scatter(indices, values, shape):
    target_shape = shape_tuple(shape)
    rows, depth, count = _index_rows(indices, target_shape)
    updates = as_tensor(values)
    name = dtype_name(updates)
    flat = to_compute(updates, name).reshape((count,) + target_shape[depth:])
    return finish(scatter_add(flat, rows, target_shape), name)


def scatter_update(x, indices, updates):
    tensor = as_tensor(x)
    name = dtype_name(tensor)
    shape = tuple(tensor.shape)
    rows, depth, count = _index_rows(indices, shape)
    # Duplicates: the last update wins, so only the last one of each position is scattered.
    flat_positions = np.ravel_multi_index(tuple(to_numpy(rows)), shape[:depth], mode="wrap")
    _, last_from_end = np.unique(flat_positions[::-1], return_index=True)
    winners = np.sort(count - 1 - last_from_end)
    values = to_compute(_cast_like(as_tensor(updates), name), name).reshape((count,) + shape[depth:])
    chosen = mnp.take(values, _positions(winners), axis=0)
    chosen_rows = mnp.take(rows, _positions(winners), axis=1)
    placed = scatter_add(chosen, chosen_rows, shape)
    hit = np.zeros(shape[:depth], bool)
    hit.flat[flat_positions] = True
    mask = from_numpy(hit.reshape(shape[:depth] + (1,) * (len(shape) - depth)))
    return finish(select(mask, placed, to_compute(tensor, name)), name)


def _segments(data: Any, segment_ids: Any) -> tuple[Any, Any]:
    rows = as_tensor(data)
    ids = as_tensor(segment_ids)
    check_int(ids, "segment_ids")
    if ids.ndim != 1 or rows.ndim < 1 or ids.shape[0] != rows.shape[0]:
        raise ValueError(
            f"segment_ids must have shape (n,) matching data's first axis; received data shape "
            f"{rows.shape} and segment_ids shape {ids.shape}."
        )
    return rows, ids


def segment_sum(data, segment_ids, num_segments):
    rows, ids = _segments(data, segment_ids)
    name = "int32" if dtype_name(rows) == "bool" else dtype_name(rows)
    positions = storage(ids).astype("int32", copy=False).reshape((1, ids.shape[0]))
    return finish(scatter_add(to_compute(rows, name), positions, (int(num_segments),) + tuple(rows.shape[1:])),
                  name)


def segment_max(data, segment_ids, num_segments):
    rows, ids = _segments(data, segment_ids)
    name = dtype_name(rows)
    values = to_compute(rows, name)
    segments = mnp.arange(int(num_segments), dtype=storage_dtype(dtype_name(ids)), ctx=context())
    member = mnp.equal(storage(ids).reshape((1, -1)), segments.reshape((-1, 1)))
    member = member.reshape(tuple(member.shape) + (1,) * (values.ndim - 1))
    candidates = select(member, mnp.expand_dims(values, 0), lowest(name))
    if values.shape[0] == 0:
        return finish(mnp.full((int(num_segments),) + tuple(values.shape[1:]), lowest(name),
                               dtype=values.dtype, ctx=context()), name)
    return finish(mnp.max(candidates, axis=1), name)
