"""``traced[key]``: numpy basic indexing (ints, slices, None, ...) and one integer-array index."""

from __future__ import annotations

from typing import Any

import numpy as np

from oneiros_onnx._dims import DynamicDim
from oneiros_onnx._graph import Symbol
from oneiros_onnx._shape import take
from oneiros_onnx._trace import INT64_MIN, emit, int64s
from oneiros_onnx._values import squeeze, unsqueeze
from oneiros_onnx.errors import LoweringError

INT64_MAX = np.iinfo(np.int64).max


def _is_array_index(item: Any) -> bool:
    return isinstance(item, (Symbol, np.ndarray, list))


def _expanded(items: tuple, ndim: int) -> tuple:
    used = sum(1 for item in items if item is not None and item is not Ellipsis)
    if used > ndim:
        raise IndexError(f"too many indices ({used}) for a tensor of ndim {ndim}.")
    ellipses = [index for index, item in enumerate(items) if item is Ellipsis]
    if len(ellipses) > 1:
        raise IndexError("an index can only have a single ellipsis ('...').")
    fill = (slice(None),) * (ndim - used)
    if ellipses:
        position = ellipses[0]
        return items[:position] + fill + items[position + 1:]
    return items + fill


def _bounds(item: slice, dim: int) -> tuple[int, int, int, int]:
    """(start, end, step, size) of a slice on a static axis, with ONNX's end for a backward run."""
    start, stop, step = item.indices(dim)
    size = len(range(start, stop, step))
    end = INT64_MIN if step < 0 and stop < 0 else stop
    return start, end, step, size


def getitem(value: Symbol, key: Any) -> Symbol:
    items = key if isinstance(key, tuple) else (key,)
    arrays = [index for index, item in enumerate(items) if _is_array_index(item)]
    if arrays:
        position = arrays[0]
        rest = [item for index, item in enumerate(items) if index != position]
        if len(arrays) > 1 or any(not (isinstance(item, slice) and item == slice(None)) for item in rest):
            raise LoweringError("indexing", "only one integer-array index, with ':' on the other axes, lowers to ONNX")
        return take(value, items[position], axis=position)
    items = _expanded(items, value.ndim)
    starts, ends, axes, steps, dropped, inserted = [], [], [], [], [], []
    shape: list[int] = []
    axis = 0
    for item in items:
        if item is None:
            inserted.append(len(shape) - len(dropped) + len(inserted))
            continue
        dim = value.shape[axis]
        if isinstance(item, (int, np.integer)) and not isinstance(item, bool):
            index = int(item)
            if not isinstance(dim, DynamicDim) and not -dim <= index < dim:
                raise IndexError(f"index {index} is out of bounds for axis {axis} of size {dim}.")
            if not isinstance(dim, DynamicDim) and index < 0:
                index += dim
            starts.append(index)
            ends.append(index + 1 if index != -1 else INT64_MAX)
            axes.append(axis)
            steps.append(1)
            dropped.append(axis)
            shape.append(1)
        elif isinstance(item, slice):
            if isinstance(dim, DynamicDim):
                if item != slice(None):
                    raise LoweringError("indexing", "slicing the batch axis needs its size, known only at run time")
                shape.append(dim)
            else:
                start, end, step, size = _bounds(item, dim)
                if (start, step, size) != (0, 1, dim):
                    starts.append(start)
                    ends.append(end)
                    axes.append(axis)
                    steps.append(step)
                shape.append(size)
        else:
            raise IndexError(f"unsupported index {item!r}; expected ints, slices, None, '...' or one int array.")
        axis += 1
    result = value
    if axes:
        result = emit("Slice", [value, int64s(starts), int64s(ends), int64s(axes), int64s(steps)], tuple(shape),
                      value.dtype)
    result = squeeze(result, dropped)
    return unsqueeze(result, inserted) if inserted else result
