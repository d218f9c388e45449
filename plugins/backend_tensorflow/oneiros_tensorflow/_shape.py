"""Ops that rearrange, select and combine tensors, with numpy's argument conventions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import tensorflow as tf
from oneiros.backend.host_arrays import int_tuple

from oneiros_tensorflow._dtypes import INT32, dims, promoted, tensor

__all__ = [
    "broadcast_to", "concatenate", "expand_dims", "flip", "moveaxis", "pad", "repeat", "reshape",
    "scatter", "scatter_update", "segment_max", "segment_sum", "slice", "slice_update", "split",
    "squeeze", "stack", "take", "take_along_axis", "tile", "transpose", "where",
]

PAD_MODES = {"constant": "CONSTANT", "reflect": "REFLECT", "symmetric": "SYMMETRIC"}


def _normalized(axes: Sequence[int], rank: int, op_name: str) -> list[int]:
    result = []
    for axis in axes:
        if not -rank <= axis < rank:
            raise ValueError(f"{op_name}: axis {axis} is out of range for ndim {rank}.")
        result.append(axis % rank)
    return result


def _axis_list(axis: Any) -> list[int]:
    return [int(axis)] if isinstance(axis, (int, np.integer)) else [int(a) for a in axis]


def reshape(x, newshape):
    return tf.reshape(tensor(x), dims(newshape, "reshape newshape"))


def transpose(x, axes=None):
    x = tensor(x)
    return tf.transpose(x) if axes is None else tf.transpose(x, _axis_list(axes))


def moveaxis(x, source, destination):
    x = tensor(x)
    rank = len(x.shape)
    sources = _normalized(_axis_list(source), rank, "moveaxis")
    destinations = _normalized(_axis_list(destination), rank, "moveaxis")
    if len(sources) != len(destinations):
        raise ValueError(f"moveaxis: source {source!r} and destination {destination!r} differ in length.")
    order = [axis for axis in range(rank) if axis not in sources]
    for dest, src in sorted(zip(destinations, sources)):
        order.insert(dest, src)
    return tf.transpose(x, order)


def expand_dims(x, axis):
    x = tensor(x)
    out_rank = len(x.shape) + len(_axis_list(axis))
    for position in sorted(_normalized(_axis_list(axis), out_rank, "expand_dims")):
        x = tf.expand_dims(x, position)
    return x


def squeeze(x, axis=None):
    x = tensor(x)
    if axis is None:
        return tf.squeeze(x)
    axes = _normalized(_axis_list(axis), len(x.shape), "squeeze")
    wide = [a for a in axes if x.shape[a] != 1]
    if wide:
        raise ValueError(f"squeeze: axes {wide} of shape {tuple(x.shape)} do not have size 1.")
    return tf.squeeze(x, axes)


def concatenate(xs, axis=0):
    return tf.concat(promoted(*xs), axis=axis)


def stack(xs, axis=0):
    return tf.stack(promoted(*xs), axis=axis)


def split(x, indices_or_sections, axis=0):
    x = tensor(x)
    size = x.shape[axis]
    if isinstance(indices_or_sections, (int, np.integer)):
        if indices_or_sections <= 0 or size % indices_or_sections:
            raise ValueError(f"split: {indices_or_sections} sections do not divide an axis of size {size}.")
        return tf.split(x, int(indices_or_sections), axis=axis)
    bounds = [0, *(int(np.clip(i, 0, size)) for i in indices_or_sections), size]
    sizes = [max(end - start, 0) for start, end in zip(bounds, bounds[1:])]
    starts = bounds[:-1]
    rank = len(x.shape)
    axis = axis % rank
    parts = []
    for start, length in zip(starts, sizes):
        begin = [0] * rank
        extent = list(x.shape)
        begin[axis], extent[axis] = start, length
        parts.append(tf.slice(x, begin, extent))
    return parts


def tile(x, repeats):
    x = tensor(x)
    counts = list(int_tuple(repeats, "tile repeats"))
    rank = len(x.shape)
    if len(counts) > rank:
        x = tf.reshape(x, [1] * (len(counts) - rank) + list(x.shape))
    counts = [1] * (len(x.shape) - len(counts)) + counts
    return tf.tile(x, counts)


def repeat(x, repeats, axis=None):
    x = tensor(x)
    if axis is None:
        x, axis = tf.reshape(x, [-1]), 0
    counts = tensor(repeats, "int32") if not isinstance(repeats, int) else repeats
    return tf.repeat(x, counts, axis=axis)


def pad(x, pad_width, mode="constant", constant_values=0):
    if mode not in PAD_MODES:
        raise ValueError(f"pad: unknown mode {mode!r}; expected one of {', '.join(PAD_MODES)}.")
    x = tensor(x)
    widths = np.broadcast_to(np.asarray(pad_width, dtype=np.int64), (len(x.shape), 2)).tolist()
    if mode == "constant":
        return tf.pad(x, widths, constant_values=tensor(constant_values, x.dtype.name))
    return tf.pad(x, widths, mode=PAD_MODES[mode])


def flip(x, axis=None):
    x = tensor(x)
    axes = list(range(len(x.shape))) if axis is None else _normalized(_axis_list(axis), len(x.shape), "flip")
    return tf.reverse(x, axes)


def broadcast_to(x, shape):
    return tf.broadcast_to(tensor(x), dims(shape, "broadcast_to shape"))


def _check_block(op_name: str, x_shape: Sequence[int], start_indices: Sequence[Any],
                 block_shape: Sequence[int]) -> None:
    """Rejects blocks that leave ``x``; traced start indices are clamped like XLA clamps them."""
    if not len(x_shape) == len(start_indices) == len(block_shape):
        raise ValueError(
            f"{op_name}: a tensor of shape {tuple(x_shape)} needs one start index and one block size "
            f"per axis; received start_indices={tuple(start_indices)} and a block of shape "
            f"{tuple(block_shape)}."
        )
    for axis, (size, start, extent) in enumerate(zip(x_shape, start_indices, block_shape)):
        concrete = isinstance(start, (int, np.integer))
        if extent > size or (concrete and not 0 <= start <= size - extent):
            raise ValueError(
                f"{op_name}: the block of shape {tuple(block_shape)} at start {tuple(start_indices)} "
                f"does not fit in shape {tuple(x_shape)} (axis {axis})."
            )


def _starts(start_indices: Sequence[Any], x_shape: Sequence[int], block_shape: Sequence[int]) -> tf.Tensor:
    starts = tf.stack([tf.cast(tensor(start), INT32) for start in start_indices]) if start_indices else \
        tf.zeros((0,), INT32)
    limits = tf.constant([size - extent for size, extent in zip(x_shape, block_shape)], INT32)
    return tf.clip_by_value(starts, 0, limits) if start_indices else starts


def slice(x, start_indices, shape):
    x = tensor(x)
    shape = int_tuple(shape, "slice shape") if len(shape) else ()
    _check_block("slice", x.shape, start_indices, shape)
    if all(isinstance(start, (int, np.integer)) for start in start_indices):
        return tf.slice(x, [int(s) for s in start_indices], list(shape))
    return tf.slice(x, _starts(start_indices, x.shape, shape), list(shape))


def slice_update(x, start_indices, updates):
    x = tensor(x)
    updates = tensor(updates, x.dtype.name)
    _check_block("slice_update", x.shape, start_indices, updates.shape)
    if len(x.shape) == 0:
        return updates
    grids = tf.meshgrid(*(tf.range(extent, dtype=INT32) for extent in updates.shape), indexing="ij")
    positions = tf.stack(grids, axis=-1) + _starts(start_indices, x.shape, updates.shape)
    return tf.tensor_scatter_nd_update(x, positions, updates)


def _wrapped(indices: tf.Tensor, size: int) -> tf.Tensor:
    """numpy's negative indices (counted from the end) as TensorFlow's non-negative ones."""
    indices = tf.cast(tensor(indices), INT32)
    return tf.where(indices < 0, indices + size, indices)


def take(x, indices, axis=None):
    x = tensor(x)
    if axis is None:
        x, axis = tf.reshape(x, [-1]), 0
    return tf.gather(x, _wrapped(indices, x.shape[axis]), axis=axis)


def take_along_axis(x, indices, axis=None):
    x = tensor(x)
    indices = tensor(indices)
    if axis is None:
        x, indices, axis = tf.reshape(x, [-1]), tf.reshape(indices, [-1]), 0
    rank = len(x.shape)
    if len(indices.shape) != rank:
        raise ValueError(f"take_along_axis: indices of shape {tuple(indices.shape)} need the ndim of x "
                         f"{tuple(x.shape)}.")
    axis = _normalized([axis], rank, "take_along_axis")[0]
    indices = _wrapped(indices, x.shape[axis])
    shape_x = [x.shape[a] if a == axis else _broadcast_size(x.shape[a], indices.shape[a]) for a in range(rank)]
    shape_i = [indices.shape[a] if a == axis else shape_x[a] for a in range(rank)]
    x = tf.broadcast_to(x, shape_x)
    indices = tf.broadcast_to(indices, shape_i)
    order = [a for a in range(rank) if a != axis] + [axis]
    inverse = list(np.argsort(order))
    gathered = tf.gather(tf.transpose(x, order), tf.transpose(indices, order), batch_dims=rank - 1)
    return tf.transpose(gathered, inverse)


def _broadcast_size(a: int, b: int) -> int:
    return b if a == 1 else a


def where(condition, x1, x2):
    condition = tensor(condition)
    if condition.dtype != tf.bool:
        condition = tf.not_equal(condition, tf.zeros((), condition.dtype))
    x1, x2 = promoted(x1, x2)
    return tf.where(condition, x1, x2)


def scatter(indices, values, shape):
    values = tensor(values)
    target = int_tuple(shape, "scatter shape")
    if values.dtype == tf.bool:
        counts = tf.scatter_nd(tf.cast(tensor(indices), INT32), tf.cast(values, INT32), target)
        return tf.not_equal(counts, 0)
    return tf.scatter_nd(tf.cast(tensor(indices), INT32), values, target)


def scatter_update(x, indices, updates):
    x = tensor(x)
    return tf.tensor_scatter_nd_update(x, tf.cast(tensor(indices), INT32), tensor(updates, x.dtype.name))


def segment_sum(data, segment_ids, num_segments):
    return tf.math.unsorted_segment_sum(tensor(data), tf.cast(tensor(segment_ids), INT32), num_segments)


def segment_max(data, segment_ids, num_segments):
    data = tensor(data)
    ids = tf.cast(tensor(segment_ids), INT32)
    maxima = tf.math.unsorted_segment_max(data, ids, num_segments)
    if not data.dtype.is_floating:
        return maxima
    # TensorFlow fills empty segments with the largest finite negative float; the contract's
    # lowest float is -inf.
    counts = tf.math.unsorted_segment_sum(tf.ones_like(ids), ids, num_segments)
    empty = tf.reshape(tf.equal(counts, 0), [-1] + [1] * (len(data.shape) - 1))
    return tf.where(empty, tf.constant(-np.inf, data.dtype), maxima)
