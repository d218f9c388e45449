"""Ops that rearrange, select and combine tensors."""

from __future__ import annotations

from oneiros.ops._contract import op


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
