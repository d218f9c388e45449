"""Rearranging, selecting, combining and scattering tensors."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import Any

import numpy as np

from oneiros import dtypes
from oneiros.backend.host_arrays import int_tuple
from oneiros.backends.numpy_reference._reduction import normalize_axis
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
    "append", "argpartition", "array_split", "diag", "diagflat", "diagonal", "digitize", "dsplit",
    "dstack", "fliplr", "flipud", "hsplit", "hstack", "isin", "kron", "meshgrid", "ravel", "roll",
    "rot90", "searchsorted", "select", "swapaxes", "trace", "tril", "triu", "unravel_index",
    "unstack", "vander", "vsplit", "vstack", "nonzero", "unique", "rearrange",
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


def _same_dtype_result(function: Any, *values: Any) -> Any:
    """``function`` on arrays promoted together; its arrays come back in the promoted dtype."""
    arrays = [operand(value) for value in values]
    name = dtypes.result_type(*arrays)
    result = function(*(to_compute(array, name) for array in arrays))
    if isinstance(result, (list, tuple)):
        return type(result)(finish(part, name) for part in result)
    return finish(result, name)


def ravel(x: Any) -> np.ndarray:
    return np.ravel(as_tensor(x))


def append(x1: Any, x2: Any, axis: Any = None) -> np.ndarray:
    return _same_dtype_result(lambda a, b: np.append(a, b, axis=axis), as_tensor(x1), as_tensor(x2))


def array_split(x: Any, indices_or_sections: Any, axis: int = 0) -> list[np.ndarray]:
    return list(np.array_split(as_tensor(x), indices_or_sections, axis=axis))


def hsplit(x: Any, indices_or_sections: Any) -> list[np.ndarray]:
    return list(np.hsplit(as_tensor(x), indices_or_sections))


def vsplit(x: Any, indices_or_sections: Any) -> list[np.ndarray]:
    return list(np.vsplit(as_tensor(x), indices_or_sections))


def dsplit(x: Any, indices_or_sections: Any) -> list[np.ndarray]:
    return list(np.dsplit(as_tensor(x), indices_or_sections))


def hstack(xs: Any) -> np.ndarray:
    return _same_dtype_result(lambda *arrays: np.hstack(arrays), *(as_tensor(x) for x in xs))


def vstack(xs: Any) -> np.ndarray:
    return _same_dtype_result(lambda *arrays: np.vstack(arrays), *(as_tensor(x) for x in xs))


def dstack(xs: Any) -> np.ndarray:
    return _same_dtype_result(lambda *arrays: np.dstack(arrays), *(as_tensor(x) for x in xs))


def roll(x: Any, shift: Any, axis: Any = None) -> np.ndarray:
    return np.roll(as_tensor(x), shift, axis)


def rot90(array: Any, k: int = 1, axes: Any = (0, 1)) -> np.ndarray:
    return np.rot90(as_tensor(array), k, tuple(axes))


def fliplr(x: Any) -> np.ndarray:
    return np.fliplr(as_tensor(x))


def flipud(x: Any) -> np.ndarray:
    return np.flipud(as_tensor(x))


def swapaxes(x: Any, axis1: int, axis2: int) -> np.ndarray:
    return np.swapaxes(as_tensor(x), axis1, axis2)


def tril(x: Any, k: int = 0) -> np.ndarray:
    return np.tril(as_tensor(x), k)


def triu(x: Any, k: int = 0) -> np.ndarray:
    return np.triu(as_tensor(x), k)


def diagonal(x: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> np.ndarray:
    return np.array(np.diagonal(as_tensor(x), offset, axis1, axis2))


def diag(x: Any, k: int = 0) -> np.ndarray:
    return np.array(np.diag(as_tensor(x), k))


def diagflat(x: Any, k: int = 0) -> np.ndarray:
    return np.diagflat(as_tensor(x), k)


def trace(x: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> np.ndarray:
    array = as_tensor(x)
    name = dtypes.result_type(array.dtype.name, "int32") if array.dtype.kind in "bi" else array.dtype.name
    if array.dtype.kind == "u":
        name = "uint32"
    return finish(np.trace(array.astype(compute_dtype(array.dtype.name)), offset, axis1, axis2), name)


def kron(x1: Any, x2: Any) -> np.ndarray:
    return _same_dtype_result(np.kron, as_tensor(x1), as_tensor(x2))


def meshgrid(*x: Any, indexing: str = "xy") -> list[np.ndarray]:
    if indexing not in ("xy", "ij"):
        raise ValueError(f"indexing must be 'xy' or 'ij'; received {indexing!r}.")
    return [np.array(grid) for grid in np.meshgrid(*(as_tensor(vector) for vector in x), indexing=indexing)]


def unstack(x: Any, num: Any = None, axis: int = 0) -> list[np.ndarray]:
    array = as_tensor(x)
    if num is not None and num != array.shape[axis]:
        raise ValueError(f"unstack: num={num} does not match the axis size {array.shape[axis]}.")
    return [np.array(part) for part in np.moveaxis(array, axis, 0)]


def unravel_index(indices: Any, shape: Any) -> tuple[np.ndarray, ...]:
    flat = as_tensor(indices)
    return tuple(finish(part, flat.dtype.name) for part in np.unravel_index(flat, tuple(shape)))


def searchsorted(sorted_sequence: Any, values: Any, side: str = "left") -> np.ndarray:
    if side not in ("left", "right"):
        raise ValueError(f"side must be 'left' or 'right'; received {side!r}.")
    sequence = as_tensor(sorted_sequence)
    if sequence.ndim != 1:
        raise ValueError(f"searchsorted takes a 1-D sorted sequence; received shape {sequence.shape}.")
    return finish(np.searchsorted(sequence, as_tensor(values), side), "int32")


def digitize(x: Any, bins: Any) -> np.ndarray:
    return finish(np.digitize(as_tensor(x), as_tensor(bins)), "int32")


def isin(x1: Any, x2: Any, assume_unique: bool = False, invert: bool = False) -> np.ndarray:
    return np.isin(as_tensor(x1), as_tensor(x2), assume_unique=assume_unique, invert=invert)


def argpartition(x: Any, kth: int, axis: int = -1) -> np.ndarray:
    # the stable sort order: one valid partition, the one the derived definition gives
    return finish(np.argsort(as_tensor(x), axis=axis, kind="stable"), "int32")


def vander(x: Any, N: Any = None, increasing: bool = False) -> np.ndarray:
    array = as_tensor(x)
    return finish(np.vander(array.astype(compute_dtype(array.dtype.name)), N, increasing), array.dtype.name)


def select(condlist: Any, choicelist: Any, default: Any = 0) -> np.ndarray:
    if len(condlist) != len(choicelist):
        raise ValueError(f"select needs as many conditions as choices; received {len(condlist)} and "
                         f"{len(choicelist)}.")
    return _same_dtype_result(lambda default_, *choices: np.select([as_tensor(c) for c in condlist], choices,
                                                                    default_), default, *choicelist)


def nonzero(x: Any) -> tuple[np.ndarray, ...]:
    return tuple(finish(part, "int32") for part in np.nonzero(as_tensor(x)))


def unique(x: Any, sorted: bool = True, return_index: bool = False, return_inverse: bool = False,
           return_counts: bool = False, axis: Any = None, size: Any = None, fill_value: Any = None) -> Any:
    if axis is not None:
        raise ValueError(f"unique supports axis=None only (the flattened tensor); received axis={axis}.")
    array = as_tensor(x)
    values, index, inverse, counts = np.unique(array, return_index=True, return_inverse=True, return_counts=True)
    if size is not None:
        missing = size - len(values)
        fill = array.min() if fill_value is None else fill_value
        values = np.concatenate([values, np.full(missing, fill, array.dtype)])[:size]
        index, counts = (np.concatenate([part, np.zeros(missing, part.dtype)])[:size] for part in (index, counts))
    outputs = [finish(values, array.dtype.name)]
    if return_index:
        outputs.append(finish(index, "int32"))
    if return_inverse:
        outputs.append(finish(inverse.reshape(array.shape), "int32"))
    if return_counts:
        outputs.append(finish(counts, "int32"))
    return outputs[0] if len(outputs) == 1 else tuple(outputs)


def rearrange(tensor: Any, pattern: str, **axes_lengths: Any) -> np.ndarray:
    """By einsum-style index bookkeeping: split, permute with numpy.einsum, merge."""
    array = as_tensor(tensor)
    source, _, target = pattern.partition("->")

    def groups(side: str) -> list[list[str]]:
        import re

        return [grouped.split() if grouped else [single] for grouped, single in re.findall(r"\(([^)]*)\)|(\w+)", side)]

    inputs, outputs = groups(source), groups(target)
    sizes = dict(axes_lengths)
    for group, dim in zip(inputs, array.shape):
        known = int(np.prod([sizes[axis] for axis in group if axis in sizes]))
        for axis in group:
            sizes.setdefault(axis, dim // known)
    names = [axis for group in inputs for axis in group]
    letters = {axis: chr(ord("a") + index) for index, axis in enumerate(names)}
    split = array.reshape([sizes[axis] for axis in names])
    order = "".join(letters[axis] for group in outputs for axis in group)
    moved = np.einsum(f"{''.join(letters[axis] for axis in names)}->{order}", split)
    return np.ascontiguousarray(moved).reshape([int(np.prod([sizes[axis] for axis in group])) for group in outputs])
