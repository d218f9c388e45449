"""Rearranging, selecting, combining and scattering tensors."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import Any

import numpy as np

from oneiros import dtypes
from oneiros.backend.host_arrays import int_tuple
from oneiros.backends.numpy_reference._reduce import normalize_axis
from oneiros.backends.numpy_reference._tensor import (
    as_tensor,
    check_int,
    compute_dtype,
    elementwise,
    finish,
    lowest,
    operand,
    to_compute,
)

__all__ = [
    "broadcast_to", "concatenate", "expand_dims", "flip", "moveaxis", "pad", "repeat",
    "reshape", "scatter", "scatter_update", "segment_max", "segment_sum", "slice",
    "slice_update", "split", "squeeze", "stack", "take", "take_along_axis", "tile", "transpose",
    "where",
]

PAD_MODES = ("constant", "reflect", "symmetric")


def reshape(x: Any, newshape: Any) -> np.ndarray:
    return np.reshape(as_tensor(x), int_tuple(newshape, "newshape"))


def transpose(x: Any, axes: Any = None) -> np.ndarray:
    return np.transpose(as_tensor(x), None if axes is None else int_tuple(axes, "axes"))


def moveaxis(x: Any, source: Any, destination: Any) -> np.ndarray:
    return np.moveaxis(as_tensor(x), int_tuple(source, "source"), int_tuple(destination, "destination"))


def expand_dims(x: Any, axis: Any) -> np.ndarray:
    return np.expand_dims(as_tensor(x), normalize_axis(axis))


def squeeze(x: Any, axis: Any = None) -> np.ndarray:
    return np.squeeze(as_tensor(x), normalize_axis(axis))


def _joined(xs: Sequence[Any]) -> tuple[list[np.ndarray], str]:
    if isinstance(xs, np.ndarray) or not isinstance(xs, (list, tuple)) or not xs:
        raise ValueError(
            f"Expected a non-empty list or tuple of tensors; received {type(xs).__name__}."
        )
    operands = [operand(item) for item in xs]
    name = dtypes.result_type(*operands)
    return [to_compute(item, name) for item in operands], name


def concatenate(xs: Sequence[Any], axis: int = 0) -> np.ndarray:
    arrays, name = _joined(xs)
    return finish(np.concatenate(arrays, axis=int(axis)), name)


def stack(xs: Sequence[Any], axis: int = 0) -> np.ndarray:
    arrays, name = _joined(xs)
    return finish(np.stack(arrays, axis=int(axis)), name)


def split(x: Any, indices_or_sections: Any, axis: int = 0) -> list[np.ndarray]:
    sections = indices_or_sections
    if not isinstance(sections, (int, np.integer)):
        sections = list(int_tuple(sections, "indices_or_sections"))
    return list(np.split(as_tensor(x), sections, axis=int(axis)))


def tile(x: Any, repeats: Any) -> np.ndarray:
    return np.tile(as_tensor(x), int_tuple(repeats, "repeats"))


def repeat(x: Any, repeats: Any, axis: Any = None) -> np.ndarray:
    counts = int_tuple(repeats, "repeats")
    counts_arg = counts[0] if np.ndim(repeats) == 0 else list(counts)
    return np.repeat(as_tensor(x), counts_arg, axis=None if axis is None else int(axis))


def pad(x: Any, pad_width: Any, mode: str = "constant", constant_values: Any = 0) -> np.ndarray:
    array = as_tensor(x)
    if mode not in PAD_MODES:
        raise ValueError(f"pad mode must be one of {', '.join(PAD_MODES)}; received {mode!r}.")
    widths = np.asarray(pad_width)
    if widths.dtype.kind not in "iu" or widths.size and widths.min() < 0:
        raise ValueError(f"pad_width must hold non-negative ints; received {pad_width!r}.")
    widths = np.broadcast_to(widths, (array.ndim, 2)).tolist()
    if mode != "constant":
        return np.pad(array, widths, mode=mode)
    fill = to_compute(operand(constant_values), array.dtype.name)
    return finish(np.pad(array, widths, mode="constant", constant_values=fill), array.dtype.name)


def flip(x: Any, axis: Any = None) -> np.ndarray:
    return np.flip(as_tensor(x), normalize_axis(axis))


def broadcast_to(x: Any, shape: Any) -> np.ndarray:
    return np.array(np.broadcast_to(as_tensor(x), int_tuple(shape, "shape")))


def _block(array: np.ndarray, start_indices: Any,
           sizes: Sequence[int]) -> tuple[builtins.slice, ...]:
    starts = int_tuple(start_indices, "start_indices")
    if len(starts) != array.ndim or len(sizes) != array.ndim:
        raise ValueError(
            f"Expected one start index and one size per axis of a tensor of shape {array.shape}; "
            f"received start_indices={starts}, sizes={tuple(sizes)}."
        )
    for start, size, dim in zip(starts, sizes, array.shape):
        if start < 0 or size < 0 or start + size > dim:
            raise ValueError(
                f"The block at start_indices={starts} of size {tuple(sizes)} does not fit inside "
                f"shape {array.shape}."
            )
    return tuple(builtins.slice(start, start + size) for start, size in zip(starts, sizes))


def slice(x: Any, start_indices: Any, shape: Any) -> np.ndarray:
    array = as_tensor(x)
    return np.array(array[_block(array, start_indices, int_tuple(shape, "shape"))])


def slice_update(x: Any, start_indices: Any, updates: Any) -> np.ndarray:
    array = as_tensor(x)
    block = as_tensor(updates)
    region = _block(array, start_indices, block.shape)
    result = np.array(array)
    result[region] = block.astype(array.dtype)
    return result


def take(x: Any, indices: Any, axis: Any = None) -> np.ndarray:
    positions = as_tensor(indices)
    check_int(positions, "take indices")
    # A scalar index gives a numpy scalar; tensors are always arrays.
    return np.asarray(np.take(as_tensor(x), positions, axis=None if axis is None else int(axis)))


def take_along_axis(x: Any, indices: Any, axis: Any = None) -> np.ndarray:
    positions = as_tensor(indices)
    check_int(positions, "take_along_axis indices")
    return np.take_along_axis(as_tensor(x), positions, axis=None if axis is None else int(axis))


def where(condition: Any, x1: Any, x2: Any) -> np.ndarray:
    mask = as_tensor(condition).astype(bool)
    return elementwise(lambda a, b: np.where(mask, a, b), None, x1, x2)


def _index_tuple(indices: Any, target_shape: tuple[int, ...]) -> tuple[np.ndarray, ...]:
    positions = as_tensor(indices)
    check_int(positions, "scatter indices")
    if positions.ndim < 1 or positions.shape[-1] > len(target_shape):
        raise ValueError(
            f"scatter indices must have shape (..., k) with k <= {len(target_shape)} "
            f"(the target's ndim); received shape {positions.shape}."
        )
    return tuple(np.moveaxis(positions, -1, 0))


def scatter(indices: Any, values: Any, shape: Any) -> np.ndarray:
    target_shape = int_tuple(shape, "shape")
    updates = as_tensor(values)
    name = updates.dtype.name
    index = _index_tuple(indices, target_shape)
    totals = np.zeros(target_shape, compute_dtype(name))
    np.add.at(totals, index, to_compute(updates, name))
    return finish(totals, name)


def scatter_update(x: Any, indices: Any, updates: Any) -> np.ndarray:
    result = np.array(as_tensor(x))
    result[_index_tuple(indices, result.shape)] = as_tensor(updates).astype(result.dtype)
    return result


def _segments(data: Any, segment_ids: Any, num_segments: int) -> tuple[np.ndarray, np.ndarray]:
    rows = as_tensor(data)
    ids = as_tensor(segment_ids)
    check_int(ids, "segment_ids")
    if ids.ndim != 1 or rows.ndim < 1 or ids.shape[0] != rows.shape[0]:
        raise ValueError(
            f"segment_ids must have shape (n,) matching data's first axis; received data shape "
            f"{rows.shape} and segment_ids shape {ids.shape}."
        )
    if ids.size and (ids.min() < 0 or ids.max() >= num_segments):
        raise ValueError(
            f"segment_ids must lie in [0, num_segments={num_segments}); received ids in "
            f"[{ids.min()}, {ids.max()}]."
        )
    return rows, ids


def segment_sum(data: Any, segment_ids: Any, num_segments: int) -> np.ndarray:
    rows, ids = _segments(data, segment_ids, int(num_segments))
    name = "int32" if rows.dtype.name == "bool" else rows.dtype.name
    totals = np.zeros((int(num_segments),) + rows.shape[1:], compute_dtype(name))
    np.add.at(totals, ids, to_compute(rows, name))
    return finish(totals, name)


def segment_max(data: Any, segment_ids: Any, num_segments: int) -> np.ndarray:
    rows, ids = _segments(data, segment_ids, int(num_segments))
    name = rows.dtype.name
    values = to_compute(rows, name)
    maxima = np.full((int(num_segments),) + rows.shape[1:], lowest(name), values.dtype)
    np.maximum.at(maxima, ids, values)
    return finish(maxima, name)
