"""Rearranging, selecting and combining tensors: Tile contractions with static index maps."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from oneiros import dtypes
from oneiros.backend.host_arrays import int_tuple

from oneiros_plaidml._core import cast
from oneiros_plaidml._kernels import _operands, _result_dtype, _shape
from oneiros_plaidml._tensor import PlaidTensor, as_tensor, broadcast, cast_expression, emit, host_tensor, position


def index_names(count: int, prefix: str = "i") -> list[str]:
    return [f"{prefix}{axis}" for axis in range(count)]


def normalize_axis(axis: int, ndim: int) -> int:
    if not -ndim <= axis < ndim:
        raise ValueError(f"axis {axis} is out of range for a tensor of ndim {ndim}")
    return axis % ndim


def normalize_axes(axis: Any, ndim: int) -> tuple[int, ...]:
    if axis is None:
        return tuple(range(ndim))
    items = (axis,) if isinstance(axis, int) else tuple(axis)
    normalized = tuple(normalize_axis(int(item), ndim) for item in items)
    if len(set(normalized)) != len(normalized):
        raise ValueError(f"repeated axis in {axis!r}")
    return normalized


def gather_map(x: PlaidTensor, out_shape: Sequence[int], source: Sequence[str], constraints: str = "") -> PlaidTensor:
    """``O[i0, i1...] = X[source...]`` (``source`` are affine Tile index expressions over i0...)."""
    out = index_names(len(out_shape))
    if not out_shape:
        target = "O[]"
    else:
        target = f"O[{', '.join(out)}: {', '.join(str(size) for size in out_shape)}]"
    read = f"I0[{', '.join(source)}]" if source else "I0[]"
    return emit(f"{target} = =({read}){constraints};", [x], out_shape, x.dtype)


def reshape(x: Any, newshape: Any) -> PlaidTensor:
    x = as_tensor(x)
    target = list(int_tuple(newshape, "newshape"))
    if target.count(-1) > 1:
        raise ValueError(f"reshape accepts one -1; received {tuple(target)}")
    if -1 in target:
        known = math.prod(size for size in target if size != -1)
        if known == 0 or x.size % known:
            raise ValueError(f"cannot reshape {list(x.shape)} into {tuple(target)}")
        target[target.index(-1)] = x.size // known
    if math.prod(target) != x.size or any(size < 0 for size in target):
        raise ValueError(f"cannot reshape {list(x.shape)} ({x.size} elements) into {tuple(target)}")
    if tuple(target) == x.shape:
        return x
    if x.size == 0:
        return host_tensor(np.zeros(target, x.dtype))
    return emit(f"O = reshape(I0{''.join(f', {size}' for size in target)});", [x], target, x.dtype)


def transpose(x: Any, axes: Any = None) -> PlaidTensor:
    x = as_tensor(x)
    order = tuple(reversed(range(x.ndim))) if axes is None else tuple(normalize_axis(int(a), x.ndim) for a in axes)
    if sorted(order) != list(range(x.ndim)):
        raise ValueError(f"axes {axes!r} are not a permutation of range({x.ndim})")
    if order == tuple(range(x.ndim)):
        return x
    source = [""] * x.ndim
    for target, axis in enumerate(order):
        source[axis] = f"i{target}"
    return gather_map(x, [x.shape[axis] for axis in order], source)


def moveaxis(x: Any, source: Any, destination: Any) -> PlaidTensor:
    x = as_tensor(x)
    sources = normalize_axes(source, x.ndim)
    destinations = normalize_axes(destination, x.ndim)
    if len(sources) != len(destinations):
        raise ValueError(f"moveaxis needs as many destinations as sources; received {source!r} and {destination!r}")
    order = [axis for axis in range(x.ndim) if axis not in sources]
    for target, axis in sorted(zip(destinations, sources)):
        order.insert(target, axis)
    return transpose(x, order)


def expand_dims(x: Any, axis: Any) -> PlaidTensor:
    x = as_tensor(x)
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    ndim = x.ndim + len(axes)
    positions = normalize_axes(axes, ndim)
    shape = iter(x.shape)
    return reshape(x, [1 if axis in positions else next(shape) for axis in range(ndim)])


def squeeze(x: Any, axis: Any = None) -> PlaidTensor:
    x = as_tensor(x)
    axes = tuple(a for a, size in enumerate(x.shape) if size == 1) if axis is None else normalize_axes(axis, x.ndim)
    if any(x.shape[a] != 1 for a in axes):
        raise ValueError(f"cannot squeeze axes {axes} of shape {list(x.shape)}: they must have size 1")
    return reshape(x, [size for a, size in enumerate(x.shape) if a not in axes])


def _summable(dtype: str) -> str:
    return "int8" if dtype == "bool" else dtype


def concatenate(xs: Sequence[Any], axis: int = 0) -> PlaidTensor:
    tensors = [as_tensor(x) for x in xs]
    if not tensors:
        raise ValueError("concatenate needs at least one tensor")
    dtype = dtypes.result_type(*tensors)
    first = tensors[0]
    axis = normalize_axis(axis, first.ndim)
    for tensor in tensors:
        if tensor.ndim != first.ndim or any(a != axis and tensor.shape[a] != first.shape[a] for a in range(first.ndim)):
            shapes = ", ".join(str(list(t.shape)) for t in tensors)
            raise ValueError(f"concatenate along axis {axis} needs equal other dimensions; received {shapes}")
    shape = list(first.shape)
    shape[axis] = sum(tensor.shape[axis] for tensor in tensors)
    present = [tensor for tensor in tensors if tensor.size]
    if not present:
        return host_tensor(np.zeros(shape, dtype))
    work = _summable(dtype)
    out = index_names(len(shape))
    statements, offset = [], 0
    for index, tensor in enumerate(present):
        source = [name if a != axis else f"{name} - {offset}" for a, name in enumerate(out)]
        statements.append(f"C{index} = {cast_expression(f'I{index}', work, tensor.dtype)}; "
                          f"T{index}[{', '.join(out)}: {', '.join(map(str, shape))}] = "
                          f"=(C{index}[{', '.join(source)}]), "
                          f"{out[axis]} - {offset} < {tensor.shape[axis]};")
        offset += tensor.shape[axis]
    total = " + ".join(f"T{index}" for index in range(len(present)))
    body = " ".join(statements) + f" O = {cast_expression(total, dtype, work)};"
    return emit(body, present, shape, dtype)


def stack(xs: Sequence[Any], axis: int = 0) -> PlaidTensor:
    tensors = [as_tensor(x) for x in xs]
    if not tensors:
        raise ValueError("stack needs at least one tensor")
    if len({tensor.shape for tensor in tensors}) > 1:
        raise ValueError(f"stack needs tensors of one shape; received {[list(t.shape) for t in tensors]}")
    axis = normalize_axis(axis, tensors[0].ndim + 1)
    return concatenate([expand_dims(tensor, axis) for tensor in tensors], axis)


def slice(x: Any, start_indices: Any, shape: Any) -> PlaidTensor:
    x = as_tensor(x)
    starts = [int(np.asarray(as_tensor(s).numpy() if isinstance(s, PlaidTensor) else s)) for s in start_indices]
    sizes = int_tuple(shape, "shape")
    if len(starts) != x.ndim or len(sizes) != x.ndim:
        raise ValueError(f"slice needs one start and one size per axis of {list(x.shape)}")
    if any(s < 0 or s + n > d for s, n, d in zip(starts, sizes, x.shape)):
        raise ValueError(f"slice at {starts} of size {list(sizes)} does not fit inside {list(x.shape)}")
    return strided(x, starts, [1] * x.ndim, sizes)


def strided(x: PlaidTensor, starts: Sequence[int], steps: Sequence[int], sizes: Sequence[int]) -> PlaidTensor:
    if list(starts) == [0] * x.ndim and list(steps) == [1] * x.ndim and tuple(sizes) == x.shape:
        return x
    source = [f"{start} + {step} * i{axis}" for axis, (start, step) in enumerate(zip(starts, steps))]
    return gather_map(x, sizes, source)


def where(condition: Any, x1: Any, x2: Any) -> PlaidTensor:
    dtype = _result_dtype(x1, x2)
    tensors = [as_tensor(condition)] + _operands((x1, x2), dtype)
    body = (f"C = as_bool(I0); A = {cast_expression('I1', dtype, tensors[1].dtype)}; "
            f"B = {cast_expression('I2', dtype, tensors[2].dtype)}; "
            f"O = C ? A : B;")
    return emit(body, tensors, _shape(tensors), dtype)


def slice_update(x: Any, start_indices: Any, updates: Any) -> PlaidTensor:
    x = as_tensor(x)
    updates = cast(as_tensor(updates), x.dtype)
    starts = [int(np.asarray(s.numpy() if isinstance(s, PlaidTensor) else s)) for s in start_indices]
    if len(starts) != x.ndim or updates.ndim != x.ndim or any(
            s < 0 or s + n > d for s, n, d in zip(starts, updates.shape, x.shape)):
        raise ValueError(f"an update of {list(updates.shape)} at {starts} does not fit inside {list(x.shape)}")
    mask = np.zeros(x.shape, bool)
    mask[tuple(builtins_slice(s, s + n) for s, n in zip(starts, updates.shape))] = True
    return where(host_tensor(mask), pad_constant(updates, [(s, d - s - n) for s, n, d in
                                                          zip(starts, updates.shape, x.shape)], 0), x)


builtins_slice = __builtins__["slice"] if isinstance(__builtins__, dict) else __builtins__.slice


def pad_constant(x: PlaidTensor, widths: Sequence[tuple[int, int]], value: Any) -> PlaidTensor:
    shape = [before + size + after for size, (before, after) in zip(x.shape, widths)]
    source = [f"i{axis} - {before}" for axis, (before, _) in enumerate(widths)]
    work = _summable(x.dtype)
    out = index_names(len(shape))
    target = f"P[{', '.join(out)}: {', '.join(map(str, shape))}]" if shape else "P[]"
    padded = f"C = {cast_expression('I0', work, x.dtype)}; {target} = =(C[{', '.join(source)}]);"
    if value == 0 or x.size == 0:
        return emit(f"{padded} O = {cast_expression('P', x.dtype, work)};", [x], shape, x.dtype)
    inside = np.zeros(shape, bool)
    inside[tuple(builtins_slice(b, b + n) for n, (b, _) in zip(x.shape, widths))] = True
    fill = host_tensor(np.asarray(value, x.dtype))
    return emit(f"{padded} O = {cast_expression('I1 ? P : I2', x.dtype, work)};", [x, host_tensor(inside), fill],
                shape, x.dtype)


def pad(x: Any, pad_width: Any, mode: str = "constant", constant_values: Any = 0) -> PlaidTensor:
    x = as_tensor(x)
    widths = np.broadcast_to(np.asarray(pad_width, dtype=np.int64).reshape(-1, 2) if np.ndim(pad_width) else
                             np.asarray([[pad_width, pad_width]]), (x.ndim, 2))
    widths = [(int(before), int(after)) for before, after in widths]
    if any(before < 0 or after < 0 for before, after in widths):
        raise ValueError(f"pad widths must be non-negative; received {pad_width!r}")
    if mode == "constant":
        value = constant_values.numpy() if isinstance(constant_values, PlaidTensor) else constant_values
        return pad_constant(x, widths, value)
    if mode not in ("reflect", "symmetric"):
        raise ValueError(f"pad mode must be constant, reflect or symmetric; received {mode!r}")
    for axis, (before, after) in enumerate(widths):
        if before or after:
            source = np.pad(np.arange(x.shape[axis]), (before, after), mode=mode)
            x = take(x, host_tensor(source.astype(np.int32)), axis)
    return x


def flip(x: Any, axis: Any = None) -> PlaidTensor:
    x = as_tensor(x)
    axes = normalize_axes(axis, x.ndim)
    source = [f"{x.shape[a] - 1} - i{a}" if a in axes else f"i{a}" for a in range(x.ndim)]
    return gather_map(x, x.shape, source)


def broadcast_to(x: Any, shape: Any) -> PlaidTensor:
    x = as_tensor(x)
    target = int_tuple(shape, "shape")
    if len(target) < x.ndim or tuple(np.broadcast_shapes(x.shape, target)) != target:
        raise ValueError(f"cannot broadcast {list(x.shape)} to {list(target)}")
    return broadcast(x, target)


def tile(x: Any, repeats: Any) -> PlaidTensor:
    x = as_tensor(x)
    reps = int_tuple(repeats, "repeats")
    if any(r < 0 for r in reps):
        raise ValueError(f"repeats must be non-negative; received {reps}")
    ndim = max(x.ndim, len(reps))
    reps = (1,) * (ndim - len(reps)) + reps
    x = reshape(x, (1,) * (ndim - x.ndim) + x.shape)
    interleaved = [size for pair in zip((1,) * ndim, x.shape) for size in pair]
    expanded = broadcast_to(reshape(x, interleaved), [size for pair in zip(reps, x.shape) for size in pair])
    return reshape(expanded, [r * size for r, size in zip(reps, x.shape)])


def repeat(x: Any, repeats: Any, axis: int | None = None) -> PlaidTensor:
    x = as_tensor(x)
    if axis is None:
        x, axis = reshape(x, (-1,)), 0
    axis = normalize_axis(axis, x.ndim)
    counts = int_tuple(repeats, "repeats")
    if len(counts) == 1:
        count = counts[0]
        shape = list(x.shape)
        expanded = broadcast_to(expand_dims(x, axis + 1), shape[:axis + 1] + [count] + shape[axis + 1:])
        shape[axis] *= count
        return reshape(expanded, shape)
    if len(counts) != x.shape[axis]:
        raise ValueError(f"repeats needs one count per element of axis {axis} ({x.shape[axis]}); received {counts}")
    return take(x, host_tensor(np.repeat(np.arange(x.shape[axis]), counts).astype(np.int32)), axis)


def split(x: Any, indices_or_sections: Any, axis: int = 0) -> list[PlaidTensor]:
    x = as_tensor(x)
    axis = normalize_axis(axis, x.ndim)
    size = x.shape[axis]
    if isinstance(indices_or_sections, int):
        if indices_or_sections <= 0 or size % indices_or_sections:
            raise ValueError(f"{indices_or_sections} sections do not divide axis {axis} of size {size}")
        step = size // indices_or_sections
        bounds = list(range(0, size + 1, step)) if step else [0] * (indices_or_sections + 1)
    else:
        bounds = [0] + [min(max(int(i), 0), size) for i in indices_or_sections] + [size]
    pieces = []
    for start, stop in zip(bounds[:-1], bounds[1:]):
        stop = max(start, stop)
        starts = [0] * x.ndim
        starts[axis] = start
        sizes = list(x.shape)
        sizes[axis] = stop - start
        pieces.append(strided(x, starts, [1] * x.ndim, sizes))
    return pieces


def _normalized_indices(index: PlaidTensor, size: int) -> PlaidTensor:
    return emit("J = as_int(I0, 32); O = J < 0 ? J + " + str(size) + " : J;", [index], index.shape, "int32")


def take(x: Any, indices: Any, axis: int | None = None) -> PlaidTensor:
    x, index = as_tensor(x), as_tensor(indices)
    if index.dtype not in dtypes.SIGNED + dtypes.UNSIGNED:
        raise TypeError(f"take needs integer indices; received {index.dtype}")
    if axis is None:
        x, axis = reshape(x, (-1,)), 0
    axis = normalize_axis(axis, x.ndim)
    if x.shape[axis] == 0 and index.size:
        raise IndexError(f"cannot take from the empty axis {axis}")
    front = moveaxis(x, axis, 0)
    shape = index.shape + front.shape[1:]
    if math.prod(shape) == 0:
        return host_tensor(np.zeros(x.shape[:axis] + index.shape + x.shape[axis + 1:], x.dtype))
    gathered = emit("O = gather(I0, I1);", [front, _normalized_indices(index, x.shape[axis])], shape, x.dtype)
    return _restore(gathered, axis, index.ndim)


def _restore(gathered: PlaidTensor, axis: int, index_ndim: int) -> PlaidTensor:
    """Moves the leading ``index_ndim`` axes of a gather to position ``axis``."""
    order = list(range(index_ndim, index_ndim + axis)) + list(range(index_ndim)) + list(
        range(index_ndim + axis, gathered.ndim))
    return transpose(gathered, order)


def take_along_axis(x: Any, indices: Any, axis: int | None = None) -> PlaidTensor:
    x, index = as_tensor(x), as_tensor(indices)
    if axis is None:
        x, axis = reshape(x, (-1,)), 0
        index = reshape(index, (-1,))
    axis = normalize_axis(axis, x.ndim)
    if index.ndim != x.ndim:
        raise ValueError(f"take_along_axis needs indices of ndim {x.ndim}; received {list(index.shape)}")
    other = [1 if a == axis else size for a, size in enumerate(x.shape)]
    index_other = [1 if a == axis else size for a, size in enumerate(index.shape)]
    shape = list(np.broadcast_shapes(tuple(other), tuple(index_other)))
    x_shape = list(shape)
    x_shape[axis] = x.shape[axis]
    index_shape = list(shape)
    index_shape[axis] = index.shape[axis]
    x = broadcast_to(x, x_shape)
    index = broadcast_to(_normalized_indices(index, x.shape[axis]), index_shape)
    strides = np.cumprod([1] + x_shape[::-1])[::-1][1:]
    terms = [f"I0 * {stride}" if a == axis else f"{position('I0', a, size)} * {stride}"
             for a, (stride, size) in enumerate(zip(strides, index_shape))]
    flat = emit(f"O = {' + '.join(terms)};", [index], index.shape, "int32")
    return emit("O = gather(I0, I1);", [reshape(x, (-1,)), flat], index.shape, x.dtype)


def _linear(indices: PlaidTensor, dims: Sequence[int]) -> PlaidTensor:
    """Row-major positions of the index vectors in the last axis of ``indices`` within ``dims``."""
    count = indices.shape[-1]
    rows = reshape(indices, (-1, count))
    strides = np.cumprod([1] + list(dims[:count])[::-1])[::-1][1:]
    columns = " ".join(f"C{k}[m: {rows.shape[0]}] = =(I0[m, {k}]);" for k in range(count))
    total = " + ".join(f"as_int(C{k}, 32) * {stride}" for k, stride in enumerate(strides))
    return emit(f"{columns} O = {total};", [rows], (rows.shape[0],), "int32")


def _one_hot_rows(positions: PlaidTensor, count: int, dtype: str) -> PlaidTensor:
    """(M, count) matrix of ``positions[m] == p`` as ``dtype``."""
    columns = host_tensor(np.arange(count, dtype=np.int32).reshape(1, count))
    rows = reshape(positions, (-1, 1))
    return emit(f"O = {cast_expression('I0 == I1', dtype)};", [rows, columns], (rows.shape[0], count), dtype)


def _scatter_rows(rows: PlaidTensor, values: PlaidTensor, count: int) -> PlaidTensor:
    """(count, R): sums of the rows of ``values`` (M, R) by position ``rows`` (M,)."""
    work = _summable(values.dtype)
    hot = _one_hot_rows(rows, count, work)
    data = cast(values, work)
    summed = emit(f"O[p, r: {count}, {values.shape[1]}] = +(I0[m, p] * I1[m, r]);", [hot, data],
                  (count, values.shape[1]), work)
    return cast(summed, values.dtype)


def scatter(indices: Any, values: Any, shape: Any) -> PlaidTensor:
    index, values = as_tensor(indices), as_tensor(values)
    dims = int_tuple(shape, "shape")
    count = index.shape[-1]
    rows = math.prod(dims[:count])
    rest = math.prod(dims[count:])
    if index.shape[:-1] + dims[count:] != values.shape:
        raise ValueError(f"scatter values {list(values.shape)} do not match indices {list(index.shape)} into {dims}")
    flat_values = reshape(values, (-1, rest))
    if flat_values.shape[0] == 0:
        return host_tensor(np.zeros(dims, values.dtype))
    return reshape(_scatter_rows(_linear(index, dims), flat_values, rows), dims)


def scatter_update(x: Any, indices: Any, updates: Any) -> PlaidTensor:
    x, index, updates = as_tensor(x), as_tensor(indices), cast(as_tensor(updates), as_tensor(x).dtype)
    count = index.shape[-1]
    rows = math.prod(x.shape[:count])
    rest = math.prod(x.shape[count:])
    flat_updates = reshape(updates, (-1, rest))
    if flat_updates.shape[0] == 0:
        return x
    positions = _linear(index, x.shape)
    m = positions.shape[0]
    # A later update of the same position wins: keep an update only if no later one hits it.
    later = emit(f"S = I0 == I1; L = {position('S', 1, m)} > {position('S', 0, m)}; D = L ? as_int(S, 32) : 0; "
                 f"O[i: {m}] = >(D[i, j]);", [reshape(positions, (m, 1)), reshape(positions, (1, m))], (m,),
                 "int32")
    kept_positions = emit("O = I1 > 0 ? -1 : I0;", [positions, later], (m,), "int32")
    placed = _scatter_rows(kept_positions, flat_updates, rows)
    hit = _scatter_rows(kept_positions, host_tensor(np.ones((m, 1), np.int32)), rows)
    merged = where(emit("O = I0 > 0;", [hit], hit.shape, "bool"), placed, reshape(x, (rows, rest)))
    return reshape(merged, x.shape)


def segment_sum(data: Any, segment_ids: Any, num_segments: int) -> PlaidTensor:
    data, ids = as_tensor(data), as_tensor(segment_ids)
    rest = data.shape[1:]
    flat = reshape(data, (data.shape[0], -1)) if data.shape[0] else None
    if flat is None:
        return host_tensor(np.zeros((num_segments, *rest), data.dtype))
    return reshape(_scatter_rows(ids, flat, int(num_segments)), (num_segments, *rest))


def segment_max(data: Any, segment_ids: Any, num_segments: int) -> PlaidTensor:
    data, ids = as_tensor(data), as_tensor(segment_ids)
    rest = data.shape[1:]
    if data.dtype in dtypes.FLOATS:
        lowest = -np.inf
    elif data.dtype == "bool":
        lowest = False
    else:
        lowest = np.iinfo(data.dtype).min
    if not data.shape[0]:
        return host_tensor(np.full((num_segments, *rest), lowest, data.dtype))
    flat = reshape(data, (data.shape[0], -1))
    hot = _one_hot_rows(ids, int(num_segments), "bool")
    fill = host_tensor(np.asarray(lowest, data.dtype))
    m, r = flat.shape
    body = (f"H[m, s, r: {m}, {num_segments}, {r}] = =(I0[m, s]), r < {r}; "
            f"D[m, s, r: {m}, {num_segments}, {r}] = =(I1[m, r]), s < {num_segments}; "
            f"V = H ? D : I2; M[s, r: {num_segments}, {r}] = >(V[m, s, r]); "
            f"K = as_int(I0, 32); N[s: {num_segments}] = +(K[m, s]); "
            f"F[s, r: {num_segments}, {r}] = =(N[s]), r < {r}; O = F > 0 ? M : I2;")
    return reshape(emit(body, [hot, flat, fill], (num_segments, r), data.dtype), (num_segments, *rest))


def getitem(x: PlaidTensor, key: Any) -> PlaidTensor:
    """Basic indexing (ints, slices, None, Ellipsis), as the eager loops and users need."""
    key = key if isinstance(key, tuple) else (key,)
    if any(item is Ellipsis for item in key):
        position = key.index(Ellipsis)
        explicit = sum(1 for item in key if item is not None and item is not Ellipsis)
        key = key[:position] + (builtins_slice(None),) * (x.ndim - explicit) + key[position + 1:]
    starts, steps, sizes, final_shape, axis = [], [], [], [], 0
    for item in key:
        if item is None:
            final_shape.append(1)
            continue
        size = x.shape[axis]
        if isinstance(item, builtins_slice):
            start, stop, step = item.indices(size)
            count = len(range(start, stop, step))
            starts.append(start), steps.append(step), sizes.append(count), final_shape.append(count)
        else:
            index = int(item)
            if not -size <= index < size:
                raise IndexError(f"index {index} is out of bounds for axis {axis} with size {size}")
            starts.append(index % size), steps.append(1), sizes.append(1)
        axis += 1
    for rest in range(axis, x.ndim):
        starts.append(0), steps.append(1), sizes.append(x.shape[rest]), final_shape.append(x.shape[rest])
    if math.prod(sizes) == 0:
        return host_tensor(np.zeros(final_shape, x.dtype))
    return reshape(strided(x, starts, steps, sizes), final_shape)


__all__ = [
    "broadcast_to", "concatenate", "expand_dims", "flip", "moveaxis", "pad", "repeat", "reshape", "scatter",
    "scatter_update", "segment_max", "segment_sum", "slice", "slice_update", "split", "squeeze", "stack", "take",
    "take_along_axis", "tile", "transpose", "where",
]
