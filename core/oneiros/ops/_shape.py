"""Ops that rearrange, select and combine tensors."""

from __future__ import annotations

import builtins
import math
import re
from collections.abc import Callable
from typing import Any

import numpy as np

from oneiros import dtypes, ops
from oneiros.ops._contract import derived, op
from oneiros.ops._derive import DATA_DEPENDENT, along, normalized_axis, tensor
from oneiros.ops._nn import _rank


@op("shape", "a tensor and a shape with the same number of elements (one -1 allowed)")
def reshape(x, newshape):
    """``x`` with a new shape."""


@op("shape", "a tensor and a permutation of range(ndim) or None (reverse)")
def transpose(x, axes=None):
    """``x`` with its axes permuted."""


@op("shape", "a tensor and source/destination axes within range")
def moveaxis(x, source, destination):
    """``x`` with axes moved, like ``numpy.moveaxis``."""


@op("shape", "a tensor and an axis (or tuple) within [-ndim-1, ndim]")
def expand_dims(x, axis):
    """``x`` with new size-1 axes inserted at ``axis``."""


@op("shape", "a tensor and axes of size 1 (None = every size-1 axis)")
def squeeze(x, axis=None):
    """``x`` without the given size-1 axes."""


@op("shape", "a non-empty sequence of tensors equal in every dimension but ``axis``")
def concatenate(xs, axis=0):
    """Tensors joined along an existing axis."""


@op("shape", "a non-empty sequence of tensors of one shape")
def stack(xs, axis=0):
    """Tensors joined along a new axis."""


@op("shape", "a tensor and a section count dividing the axis, or sorted split indices")
def split(x, indices_or_sections, axis=0):
    """A list of sub-tensors, like ``numpy.split``."""


@op("shape", "a tensor and a sequence of non-negative repetition counts")
def tile(x, repeats):
    """``x`` repeated as a whole, like ``numpy.tile``."""


@op("shape", "a tensor, an int count (or one per element of the axis) and an axis")
def repeat(x, repeats, axis=None):
    """Each element repeated, like ``numpy.repeat``."""


@op("shape", "a tensor, pad_width of (before, after) pairs per axis, mode constant/reflect/symmetric")
def pad(x, pad_width, mode="constant", constant_values=0):
    """``x`` padded, like ``numpy.pad``."""


@op("shape", "a tensor and an axis (or tuple) within range, or None")
def flip(x, axis=None):
    """``x`` reversed along ``axis``."""


@op("shape", "a tensor and a target shape it broadcasts to")
def broadcast_to(x, shape):
    """``x`` broadcast to ``shape``."""


@op("shape", "a tensor, start indices (one per axis) and sizes that stay inside it")
def slice(x, start_indices, shape):
    """The block of ``x`` of size ``shape`` starting at ``start_indices``."""


@op("shape", "a tensor, start indices and an update block that fits inside it")
def slice_update(x, start_indices, updates):
    """``x`` with the block at ``start_indices`` replaced by ``updates``."""


@op("shape", "a tensor, integer indices within [-size, size) of the axis, and an axis or None")
def take(x, indices, axis=None):
    """Elements of ``x`` at ``indices`` along ``axis``, like ``numpy.take``."""


@op("shape", "a tensor and integer indices of the same ndim, broadcastable on other axes")
def take_along_axis(x, indices, axis=None):
    """Elements picked per position along ``axis``, like ``numpy.take_along_axis``."""


@op("shape", "a bool condition and two values, all broadcastable together")
def where(condition, x1, x2):
    """``x1`` where ``condition`` is true, else ``x2``."""


@op("shape", "int indices of shape (..., k) into ``shape``, updates of shape (...) + shape[k:]")
def scatter(indices, values, shape):
    """A zero tensor of ``shape`` with ``values`` added at ``indices`` (duplicates add up)."""


@op("shape", "a tensor, int indices of shape (..., k) and updates of shape (...) + x.shape[k:]")
def scatter_update(x, indices, updates):
    """``x`` with the entries at ``indices`` replaced by ``updates`` (duplicates: the last wins)."""


@op("shape", "data (n, ...), int32 segment ids (n,) in [0, num_segments) and num_segments")
def segment_sum(data, segment_ids, num_segments):
    """Sums of the rows of ``data`` that share a segment id; shape (num_segments, ...)."""


@op("shape", "data (n, ...), int32 segment ids (n,) in [0, num_segments) and num_segments")
def segment_max(data, segment_ids, num_segments):
    """Maxima of the rows of ``data`` per segment id (empty segments hold the dtype's lowest)."""


@derived("shape", "a tensor")
def ravel(x):
    """``x`` flattened to 1-D."""
    return ops.reshape(x, (-1,))


@derived("shape", "two tensors, equal in every dimension but ``axis`` (None: both flattened)")
def append(x1, x2, axis=None):
    """``x2`` appended to ``x1`` along ``axis`` (flattened first when None)."""
    if axis is None:
        return ops.concatenate([ops.ravel(x1), ops.ravel(x2)])
    return ops.concatenate([x1, x2], axis=axis)


NOT_DIFF = {"differentiable": False}


SECTIONS = "a tensor and a section count, or sorted split indices, along the axis"


STACK = "a non-empty sequence of tensors equal in every dimension but the joined one"


MATRIX = "a tensor of ndim >= 2 (the last two axes are the matrix) and an int k"


def _split_points(length: int, sections: int) -> list[int]:
    """numpy.array_split's boundaries: the first ``length % sections`` parts are one longer."""
    if sections <= 0:
        raise ValueError(f"the number of sections must be positive; received {sections}.")
    quotient, extra = divmod(length, sections)
    sizes = [quotient + 1] * extra + [quotient] * (sections - extra)
    return list(np.cumsum(sizes)[:-1])


def _at_least(x, rank: int):
    """``x`` with size-1 axes added as numpy's atleast_2d/atleast_3d place them."""
    x = tensor(x)
    shape = ops.shape(x)
    if len(shape) >= rank:
        return x
    if rank == 1:
        return ops.reshape(x, (1,))
    if rank == 2:
        return ops.reshape(x, (1, *shape) if shape else (1, 1))
    padded = {0: (1, 1, 1), 1: (1, shape[0], 1), 2: (*shape, 1)}[len(shape)]
    return ops.reshape(x, padded)


def _triangle(x, k: int, lower: bool):
    x = tensor(x)
    rows, columns = ops.shape(x)[-2:]
    mask = np.tri(rows, columns, k, dtype=bool)
    keep = ops.convert_to_tensor(mask if lower else ~mask)
    return ops.where(keep, x, ops.zeros_like(x))


def _einops_axes(side: str) -> list[list[str]]:
    """'b (h w) c' as [['b'], ['h', 'w'], ['c']]."""
    groups = re.findall(r"\(([^)]*)\)|(\w+)", side)
    return [grouped.split() if grouped else [single] for grouped, single in groups]


@derived("shape", SECTIONS)
def array_split(x, indices_or_sections, axis=0):
    """A list of sub-tensors; unlike ``split`` a section count need not divide the axis."""
    x = tensor(x)
    if isinstance(indices_or_sections, (int, np.integer)):
        length = ops.shape(x)[normalized_axis(axis, len(ops.shape(x)))]
        indices_or_sections = [int(point) for point in _split_points(length, int(indices_or_sections))]
    return ops.split(x, indices_or_sections, axis=axis)


@derived("shape", SECTIONS)
def hsplit(x, indices_or_sections):
    """``split`` along axis 1 (axis 0 for 1-D tensors)."""
    return ops.split(x, indices_or_sections, axis=1 if ops.ndim(x) > 1 else 0)


@derived("shape", SECTIONS)
def vsplit(x, indices_or_sections):
    """``split`` along axis 0 of a tensor of ndim >= 2."""
    return ops.split(x, indices_or_sections, axis=0)


@derived("shape", SECTIONS)
def dsplit(x, indices_or_sections):
    """``split`` along axis 2 of a tensor of ndim >= 3."""
    return ops.split(x, indices_or_sections, axis=2)


@derived("shape", STACK)
def hstack(xs):
    """Tensors joined column-wise (along axis 1, or axis 0 when they are 1-D)."""
    xs = [_at_least(x, 1) for x in xs]
    return ops.concatenate(xs, axis=1 if len(ops.shape(xs[0])) > 1 else 0)


@derived("shape", STACK)
def vstack(xs):
    """Tensors joined row-wise (1-D tensors become rows)."""
    return ops.concatenate([_at_least(x, 2) for x in xs], axis=0)


@derived("shape", STACK)
def dstack(xs):
    """Tensors joined along axis 2 (depth), after making them at least 3-D."""
    return ops.concatenate([_at_least(x, 3) for x in xs], axis=2)


@derived("shape", "a tensor, an int shift (or one per axis) and an axis (or tuple) or None")
def roll(x, shift, axis=None):
    """Elements shifted along ``axis`` with wrap-around (the flattened tensor when None)."""
    x = tensor(x)
    if axis is None:
        return ops.reshape(ops.roll(ops.ravel(x), shift, 0), ops.shape(x))
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    shifts = (shift,) * len(axes) if isinstance(shift, (int, np.integer)) else tuple(shift)
    for one_axis, one_shift in zip(axes, shifts):
        length = ops.shape(x)[normalized_axis(one_axis, len(ops.shape(x)))]
        if length:
            x = ops.take(x, ops.convert_to_tensor((np.arange(length) - int(one_shift)) % length, "int32"),
                         axis=one_axis)
    return x


@derived("shape", "a tensor of ndim >= 2, an int k and two distinct axes")
def rot90(array, k=1, axes=(0, 1)):
    """``array`` rotated by 90 degrees ``k`` times in the plane of ``axes`` (first toward second)."""
    array = tensor(array)
    rank = len(ops.shape(array))
    first, second = (normalized_axis(axis, rank) for axis in axes)
    if first == second:
        raise ValueError(f"rot90 needs two different axes; received axes={tuple(axes)}.")
    turns = k % 4
    if turns == 0:
        return array
    if turns == 2:
        return ops.flip(array, (first, second))
    order = list(range(rank))
    order[first], order[second] = order[second], order[first]
    if turns == 1:
        return ops.transpose(ops.flip(array, second), order)
    return ops.flip(ops.transpose(array, order), second)


@derived("shape", "a tensor of ndim >= 2")
def fliplr(x):
    """``x`` reversed along axis 1."""
    return ops.flip(x, 1)


@derived("shape", "a tensor of ndim >= 1")
def flipud(x):
    """``x`` reversed along axis 0."""
    return ops.flip(x, 0)


@derived("shape", "a tensor and two axes within range")
def swapaxes(x, axis1, axis2):
    """``x`` with two axes exchanged."""
    x = tensor(x)
    rank = len(ops.shape(x))
    order = list(range(rank))
    first, second = normalized_axis(axis1, rank), normalized_axis(axis2, rank)
    order[first], order[second] = order[second], order[first]
    return ops.transpose(x, order)


@derived("shape", MATRIX)
def tril(x, k=0):
    """``x`` with the elements above diagonal ``k`` zeroed."""
    return _triangle(x, k, lower=True)


@derived("shape", MATRIX)
def triu(x, k=0):
    """``x`` with the elements below diagonal ``k`` zeroed."""
    return _triangle(x, k - 1, lower=False)


@derived("shape", "a tensor, an int offset and two distinct axes")
def diagonal(x, offset=0, axis1=0, axis2=1):
    """The diagonal ``offset`` of the planes (axis1, axis2), as the last axis."""
    x = tensor(x)
    rank = len(ops.shape(x))
    first, second = normalized_axis(axis1, rank), normalized_axis(axis2, rank)
    planes = ops.moveaxis(x, (first, second), (-2, -1))
    *batch, rows, columns = ops.shape(planes)
    rows_used = np.arange(builtins.max(0, -offset), rows)
    rows_used = rows_used[rows_used + offset < columns]
    flat = ops.reshape(planes, (*batch, rows * columns))
    return ops.take(flat, ops.convert_to_tensor(rows_used * columns + rows_used + offset, "int32"), axis=-1)


@derived("shape", "a 1-D tensor (builds a matrix) or a 2-D tensor (reads one), and an int k")
def diag(x, k=0):
    """A square matrix with ``x`` on diagonal ``k``, or the diagonal ``k`` of a matrix."""
    x = tensor(x)
    shape = ops.shape(x)
    if len(shape) == 2:
        return ops.diagonal(x, k)
    if len(shape) != 1:
        raise ValueError(f"diag takes a 1-D or 2-D tensor; received shape {shape}.")
    size = shape[0] + builtins.abs(k)
    column = ops.pad(x, [(0, k)] if k >= 0 else [(-k, 0)])
    return ops.multiply(ops.eye(size, k=k, dtype=ops.dtype(x)), ops.reshape(column, (size, 1)))


@derived("shape", "a tensor (flattened) and an int k")
def diagflat(x, k=0):
    """A square matrix with the flattened ``x`` on diagonal ``k``."""
    return ops.diag(ops.ravel(x), k)


@derived("shape", "a tensor, an int offset and two distinct axes")
def trace(x, offset=0, axis1=0, axis2=1):
    """The sum of diagonal ``offset`` of the planes (axis1, axis2)."""
    return ops.sum(ops.diagonal(x, offset, axis1, axis2), axis=-1)


@derived("shape", "two tensors")
def kron(x1, x2):
    """The Kronecker product: blocks x1[i, j] * x2, like ``numpy.kron``."""
    x1, x2 = tensor(x1), tensor(x2)
    rank = builtins.max(len(ops.shape(x1)), len(ops.shape(x2)))
    shape1 = (1,) * (rank - len(ops.shape(x1))) + tuple(ops.shape(x1))
    shape2 = (1,) * (rank - len(ops.shape(x2))) + tuple(ops.shape(x2))
    interleaved1 = [dim for size in shape1 for dim in (size, 1)]
    interleaved2 = [dim for size in shape2 for dim in (1, size)]
    product = ops.multiply(ops.reshape(x1, interleaved1), ops.reshape(x2, interleaved2))
    return ops.reshape(product, [a * b for a, b in zip(shape1, shape2)])


@derived("shape", "tensors of ndim <= 1 and indexing 'xy' or 'ij'")
def meshgrid(*x, indexing="xy"):
    """Coordinate grids from 1-D tensors, like ``numpy.meshgrid`` ('xy': Cartesian, 'ij': matrix)."""
    if indexing not in ("xy", "ij"):
        raise ValueError(f"indexing must be 'xy' or 'ij'; received {indexing!r}.")
    vectors = [ops.ravel(vector) for vector in x]
    sizes = [ops.shape(vector)[0] for vector in vectors]
    if indexing == "xy" and len(vectors) > 1:
        sizes[0], sizes[1] = sizes[1], sizes[0]
    grids = []
    for position, vector in enumerate(vectors):
        axis = position
        if indexing == "xy" and len(vectors) > 1 and position < 2:
            axis = 1 - position
        shape = [1] * len(vectors)
        shape[axis] = -1
        grids.append(ops.broadcast_to(ops.reshape(vector, shape), sizes))
    return grids


@derived("shape", "a tensor, num equal to the axis size (or None) and an axis")
def unstack(x, num=None, axis=0):
    """The slices of ``x`` along ``axis``, as a list."""
    x = tensor(x)
    length = ops.shape(x)[normalized_axis(axis, len(ops.shape(x)))]
    if num is not None and num != length:
        raise ValueError(f"unstack: num={num} does not match the axis size {length}.")
    return [ops.squeeze(part, axis) for part in ops.split(x, length, axis=axis)] if length else []


@derived("shape", "integer flat indices within the size of ``shape``, and a shape", **NOT_DIFF)
def unravel_index(indices, shape):
    """A tuple of coordinate tensors, one per axis of ``shape``, for the flat ``indices``."""
    indices = tensor(indices)
    coordinates = []
    for dim in reversed(tuple(shape)):
        coordinates.append(ops.mod(indices, dim))
        indices = ops.floor_divide(indices, dim)
    return tuple(reversed(coordinates))


@derived("shape", "a 1-D ascending tensor, values, and side 'left' or 'right'", **NOT_DIFF)
def searchsorted(sorted_sequence, values, side="left"):
    """Insertion points (int32) that keep ``sorted_sequence`` sorted, like ``numpy.searchsorted``."""
    if side not in ("left", "right"):
        raise ValueError(f"side must be 'left' or 'right'; received {side!r}.")
    sequence, values = tensor(sorted_sequence), tensor(values)
    if len(ops.shape(sequence)) != 1:
        raise ValueError(f"searchsorted takes a 1-D sorted sequence; received shape {ops.shape(sequence)}.")
    before = ops.less if side == "left" else ops.less_equal
    return ops.sum(ops.cast(before(sequence, ops.expand_dims(values, -1)), "int32"), axis=-1)


@derived("shape", "a tensor and a 1-D ascending tensor of bin edges", **NOT_DIFF)
def digitize(x, bins):
    """The index of the bin each value falls in (bins[i-1] <= x < bins[i]), like ``numpy.digitize``."""
    return ops.searchsorted(bins, x, side="right")


@derived("shape", "two tensors", **NOT_DIFF)
def isin(x1, x2, assume_unique=False, invert=False):
    """Whether each element of x1 occurs in x2; bool result (negated when ``invert``)."""
    found = ops.any(ops.equal(ops.expand_dims(tensor(x1), -1), ops.ravel(x2)), axis=-1)
    return ops.logical_not(found) if invert else found


@derived("shape", "a tensor, an int kth within the axis and an axis", **NOT_DIFF)
def argpartition(x, kth, axis=-1):
    """Indices (int32) that place the kth smallest element where sorting would, smaller ones before:
    here the stable ascending sort order, one valid partition among many (as numpy allows)."""
    return ops.argsort(x, axis=axis)


@derived("shape", "a 1-D tensor, N >= 0 or None and a bool", **NOT_DIFF)
def vander(x, N=None, increasing=False):
    """The Vandermonde matrix: columns are powers of ``x`` (decreasing unless ``increasing``)."""
    x = tensor(x)
    count = ops.shape(x)[0] if N is None else N
    powers = np.arange(count) if increasing else np.arange(count)[::-1]
    return ops.power(ops.expand_dims(x, -1), ops.convert_to_tensor(powers.copy(), ops.dtype(x)))


@derived("shape", "a list of bool conditions and a list of values of the same length, broadcastable")
def select(condlist, choicelist, default=0):
    """The first choice whose condition holds, elementwise, else ``default`` (``numpy.select``)."""
    if len(condlist) != len(choicelist):
        raise ValueError(f"select needs as many conditions as choices; received {len(condlist)} and "
                         f"{len(choicelist)}.")
    result = default
    for condition, choice in zip(reversed(condlist), reversed(choicelist)):
        result = ops.where(condition, choice, result)
    return result


@derived("shape", "a tensor, an einops pattern 'in -> out' over named axes and the sizes of split axes")
def rearrange(tensor, pattern, **axes_lengths):
    """Axes reordered, merged '(a b)' and split, einops-style (``'b h w c -> b (h w) c'``)."""
    x = tensor if ops.is_tensor(tensor) else ops.convert_to_tensor(tensor)
    source, arrow, target = pattern.partition("->")
    if not arrow:
        raise ValueError(f"rearrange needs a pattern 'inputs -> outputs'; received {pattern!r}.")
    inputs, outputs = _einops_axes(source), _einops_axes(target)
    shape = ops.shape(x)
    if len(inputs) != len(shape):
        raise ValueError(f"rearrange pattern {pattern!r} names {len(inputs)} input axes; the tensor has shape {shape}.")
    sizes = dict(axes_lengths)
    for group, dim in zip(inputs, shape):
        unknown = [axis for axis in group if axis not in sizes]
        known = math.prod(sizes[axis] for axis in group if axis in sizes)
        if len(unknown) > 1:
            raise ValueError(f"rearrange cannot infer the sizes of {unknown} in {pattern!r}; pass them as keywords.")
        if unknown:
            sizes[unknown[0]] = dim // known
    flat_inputs = [axis for group in inputs for axis in group]
    flat_outputs = [axis for group in outputs for axis in group]
    if sorted(flat_inputs) != sorted(flat_outputs):
        raise ValueError(f"rearrange pattern {pattern!r} must use the same axes on both sides.")
    x = ops.reshape(x, [sizes[axis] for axis in flat_inputs])
    x = ops.transpose(x, [flat_inputs.index(axis) for axis in flat_outputs])
    return ops.reshape(x, [math.prod(sizes[axis] for axis in group) for group in outputs])


def _segment_count(segment_ids: Any, num_segments: Any) -> int:
    if num_segments is not None:
        return int(num_segments)
    ids = np.asarray(ops.to_numpy(segment_ids))
    return int(ids.max()) + 1 if ids.size else 0


def _segment_reduce(data: Any, segment_ids: Any, num_segments: Any, empty: Callable[[str], Any],
                    reduce: Callable[..., Any]) -> Any:
    count = _segment_count(segment_ids, num_segments)
    ids = ops.cast(segment_ids, "int32")
    member = ops.equal(ops.expand_dims(ops.arange(count), 1), ops.expand_dims(ids, 0))
    member = ops.reshape(member, ops.shape(member) + (1,) * (_rank(data) - 1))
    filled = ops.where(member, ops.expand_dims(data, 0), empty(ops.dtype(data)))
    return reduce(filled, axis=1)


def _highest(name: str) -> Any:
    if name == "bool":
        return True
    return float("inf") if name in dtypes.FLOATS else int(np.iinfo(np.dtype(name)).max)


@derived("shape", "data (n, ...), int segment ids (n,) in [0, num_segments) and num_segments (None: max + 1)")
def segment_min(data, segment_ids, num_segments=None, sorted=False):
    """Minima of the rows of ``data`` per segment id (empty segments hold the dtype's highest)."""
    return _segment_reduce(data, segment_ids, num_segments, _highest, ops.min)


@derived("shape", "data (n, ...), int segment ids (n,) in [0, num_segments) and num_segments (None: max + 1)")
def segment_prod(data, segment_ids, num_segments=None, sorted=False):
    """Products of the rows of ``data`` per segment id (empty segments hold 1)."""
    return _segment_reduce(data, segment_ids, num_segments, lambda name: 1, ops.prod)


@derived("shape", "a tensor" + DATA_DEPENDENT, **NOT_DIFF)
def nonzero(x):
    """A tuple of int32 index tensors, one per axis, of the non-zero elements in row-major order."""
    x = tensor(x)
    flat = ops.ravel(ops.not_equal(x, 0))
    count = int(ops.to_numpy(ops.sum(ops.cast(flat, "int32"))))
    # a stable sort of "is zero" puts the non-zero positions first, in order
    order = ops.argsort(ops.cast(ops.logical_not(flat), "int32"))
    positions = along(order, 0, 0, count)
    return ops.unravel_index(positions, ops.shape(x))


@derived("shape", "a tensor, axis None, and size (a static output length) or None" + DATA_DEPENDENT,
         **NOT_DIFF)
def unique(x, sorted=True, return_index=False, return_inverse=False, return_counts=False, axis=None,
           size=None, fill_value=None):
    """The sorted distinct values of the flattened ``x``, and optionally the index of each one's
    first occurrence, the inverse (x's position in them) and the counts. With ``size`` the output
    has that static length (padded with ``fill_value``, default the smallest value), as Keras on JAX."""
    if axis is not None:
        raise ValueError(f"unique supports axis=None only (the flattened tensor); received axis={axis}.")
    flat = ops.ravel(tensor(x))
    order = ops.argsort(flat)
    values = ops.take(flat, order)
    length = ops.shape(values)[0]
    starts = ops.concatenate([ops.ones((1,), "bool"),
                              ops.not_equal(along(values, 0, 1, length), along(values, 0, 0, length - 1))])
    group = ops.subtract(ops.cumsum(ops.cast(starts, "int32")), 1)
    found = ops.sum(ops.cast(starts, "int32"))
    count = int(ops.to_numpy(found)) if size is None else size
    slots = ops.less(ops.arange(count), found)
    fill = ops.min(flat) if fill_value is None else fill_value
    distinct = ops.segment_max(values, group, count)
    distinct = ops.where(slots, distinct, ops.cast(ops.full((count,), fill), ops.dtype(values)))
    outputs = [distinct]
    if return_index:
        firsts = ops.where(starts, order, ops.full_like(order, -1))
        outputs.append(ops.where(slots, ops.segment_max(firsts, group, count), ops.zeros((count,), "int32")))
    if return_inverse:
        inverse = ops.scatter(ops.expand_dims(order, -1), group, (length,))
        outputs.append(ops.reshape(inverse, ops.shape(tensor(x))))
    if return_counts:
        outputs.append(ops.segment_sum(ops.ones((length,), "int32"), group, count))
    return outputs[0] if len(outputs) == 1 else tuple(outputs)
