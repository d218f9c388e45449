"""Array creation, rearrangement and selection beyond the basic shape ops: numpy's functions,
Keras's signatures, derived from ``oneiros.ops`` (static shapes are read with ``ops.shape``)."""

from __future__ import annotations

import builtins
import math
import re

import numpy as np

from oneiros import dtypes, ops
from oneiros.ops._contract import derived, op
from oneiros.ops._derive import finfo, floating, normalized_axis, tensor

NOT_DIFF = {"differentiable": False}
SECTIONS = "a tensor and a section count, or sorted split indices, along the axis"
STACK = "a non-empty sequence of tensors equal in every dimension but the joined one"
MATRIX = "a tensor of ndim >= 2 (the last two axes are the matrix) and an int k"


@derived("core", "an array-like of numbers or booleans and a supported dtype name", **NOT_DIFF)
def array(x, dtype=None):
    """A tensor from ``x`` (``convert_to_tensor``)."""
    return ops.convert_to_tensor(x, dtype)


@derived("core", "a backend tensor or array-like", **NOT_DIFF)
def convert_to_numpy(x):
    """A numpy array holding the value of ``x`` (``to_numpy``)."""
    return ops.to_numpy(x)


@derived("core", "a tensor")
def copy(x):
    """A tensor holding the same values as ``x``."""
    return ops.add(tensor(x), ops.zeros_like(tensor(x)))


@derived("core", "a tuple of non-negative ints and a supported dtype name", **NOT_DIFF)
def empty(shape, dtype=None):
    """A tensor of ``shape`` (its values are zeros here: no backend hands out uninitialised memory)."""
    return ops.zeros(shape, dtype or "float32")


@derived("core", "a tensor and a supported dtype name", **NOT_DIFF)
def empty_like(x, dtype=None):
    """A tensor with the shape (and by default the dtype) of ``x``, holding zeros."""
    return ops.zeros_like(x, dtype)


@derived("core", "an int n >= 0 and a supported dtype name", **NOT_DIFF)
def identity(n, dtype=None):
    """The n x n identity matrix."""
    return ops.eye(n, dtype=dtype or "float32")


@derived("core", "ints N >= 0, M >= 0 or None, k", **NOT_DIFF)
def tri(N, M=None, k=0, dtype=None):
    """An N x M matrix with ones at and below diagonal ``k``."""
    return ops.convert_to_tensor(np.tri(N, M, k), dtype or "float32")


@op("core", "a tensor whose last axis holds a whole number of the new dtype's items, and a dtype",
    **NOT_DIFF)
def view(x, dtype=None):
    """The bits of ``x`` read as ``dtype`` (numpy's ``ndarray.view``): a wider dtype merges items of
    the last axis, a narrower one splits them; None keeps the dtype."""


@derived("core", "a tensor", **NOT_DIFF)
def ndim(x):
    """The number of axes of ``x``, a Python int."""
    return len(ops.shape(tensor(x)))


@derived("core", "a tensor", **NOT_DIFF)
def size(x):
    """The number of elements of ``x``, a Python int."""
    return math.prod(ops.shape(tensor(x)))


@derived("core", "a tensor and a supported dtype name")
def saturate_cast(x, dtype):
    """``x`` cast to ``dtype``, values outside its range clipped to its extremes first."""
    x = tensor(x)
    source = ops.dtype(x)
    if dtype == "bool" or source == "bool":
        return ops.cast(x, dtype)
    target_limits, source_limits = (finfo(name) if name in dtypes.FLOATS else np.iinfo(name)
                                    for name in (dtype, source))
    low = builtins.max(target_limits.min, source_limits.min)
    high = builtins.min(target_limits.max, source_limits.max)
    if dtype in dtypes.FLOATS:
        return ops.cast(ops.clip(x, float(low), float(high)), dtype)
    inside = ops.cast(ops.clip(x, int(low), int(high)), dtype)
    if source not in dtypes.FLOATS:
        return inside
    # a float dtype may round the integer extremes up (2**31 - 1 is 2**31 in float32), and a cast
    # past the range is undefined: values at or beyond the extremes take them exactly
    inside = ops.where(ops.greater_equal(x, float(high)), ops.full_like(inside, int(high)), inside)
    return ops.where(ops.less_equal(x, float(low)), ops.full_like(inside, int(low)), inside)


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


def _split_points(length: int, sections: int) -> list[int]:
    """numpy.array_split's boundaries: the first ``length % sections`` parts are one longer."""
    if sections <= 0:
        raise ValueError(f"the number of sections must be positive; received {sections}.")
    quotient, extra = divmod(length, sections)
    sizes = [quotient + 1] * extra + [quotient] * (sections - extra)
    return list(np.cumsum(sizes)[:-1])


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


def _triangle(x, k: int, lower: bool):
    x = tensor(x)
    rows, columns = ops.shape(x)[-2:]
    mask = np.tri(rows, columns, k, dtype=bool)
    keep = ops.convert_to_tensor(mask if lower else ~mask)
    return ops.where(keep, x, ops.zeros_like(x))


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


@derived("linalg", "two tensors whose last dimensions agree (scalars multiply)")
def inner(x1, x2):
    """Sum product over the last axes of x1 and x2, like ``numpy.inner``."""
    x1, x2 = tensor(x1), tensor(x2)
    if not ops.shape(x1) or not ops.shape(x2):
        return ops.multiply(x1, x2)
    return ops.tensordot(x1, x2, axes=([len(ops.shape(x1)) - 1], [len(ops.shape(x2)) - 1]))


@derived("linalg", "two tensors (flattened)")
def outer(x1, x2):
    """The outer product of the flattened x1 and x2."""
    return ops.multiply(ops.reshape(x1, (-1, 1)), ops.reshape(x2, (1, -1)))


@derived("linalg", "two tensors with the same number of elements")
def vdot(x1, x2):
    """The dot product of the flattened x1 and x2."""
    return ops.sum(ops.multiply(ops.ravel(x1), ops.ravel(x2)))


@derived("linalg", "two tensors: x1's last axis matches x2's (second-to-last when ndim >= 2)")
def dot(x1, x2):
    """numpy.dot: a product with scalars, an inner product of vectors, else a contraction."""
    x1, x2 = tensor(x1), tensor(x2)
    rank1, rank2 = len(ops.shape(x1)), len(ops.shape(x2))
    if not rank1 or not rank2:
        return ops.multiply(x1, x2)
    return ops.tensordot(x1, x2, axes=([rank1 - 1], [builtins.max(rank2 - 2, 0)]))


@derived("linalg", "two tensors whose vector axes have 2 or 3 components")
def cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """The cross product of 2- or 3-vectors (two 2-vectors give the z component), like ``numpy.cross``."""
    if axis is not None:
        axisa = axisb = axisc = axis
    vectors = [ops.moveaxis(tensor(x1), axisa, -1), ops.moveaxis(tensor(x2), axisb, -1)]
    sizes = tuple(ops.shape(vector)[-1] for vector in vectors)
    if not set(sizes) <= {2, 3}:
        raise ValueError(f"cross needs vectors of 2 or 3 components; received {sizes}.")
    (ax, ay, az), (bx, by, bz) = (
        ops.unstack(ops.pad(vector, [(0, 0)] * (len(ops.shape(vector)) - 1) + [(0, 3 - size)]), axis=-1)
        for vector, size in zip(vectors, sizes)
    )
    z = ops.subtract(ops.multiply(ax, by), ops.multiply(ay, bx))
    if sizes == (2, 2):
        return z
    x = ops.subtract(ops.multiply(ay, bz), ops.multiply(az, by))
    y = ops.subtract(ops.multiply(az, bx), ops.multiply(ax, bz))
    return ops.moveaxis(ops.stack([x, y, z], axis=-1), -1, axisc)


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


def _window(M, values):
    if M < 1:
        return ops.zeros((0,), "float32")
    if M == 1:
        return ops.ones((1,), "float32")
    return values(ops.arange(0, M, dtype="float32"), M - 1)


@derived("core", "an int window length M", **NOT_DIFF)
def bartlett(x):
    """The Bartlett (triangular) window of length ``x``; float32."""
    return _window(x, lambda n, last: ops.subtract(1.0, ops.abs(ops.subtract(ops.multiply(n, 2.0 / last), 1.0))))


def _cosine_window(M, coefficients):
    def values(n, last):
        total = ops.full_like(n, coefficients[0])
        for order, coefficient in enumerate(coefficients[1:], start=1):
            total = ops.add(total, ops.multiply(coefficient, ops.cos(ops.multiply(n, 2 * math.pi * order / last))))
        return total

    return _window(M, values)


@derived("core", "an int window length M", **NOT_DIFF)
def blackman(x):
    """The Blackman window of length ``x``; float32."""
    return _cosine_window(x, (0.42, -0.5, 0.08))


@derived("core", "an int window length M", **NOT_DIFF)
def hamming(x):
    """The Hamming window of length ``x``; float32."""
    return _cosine_window(x, (0.54, -0.46))


@derived("core", "an int window length M", **NOT_DIFF)
def hanning(x):
    """The Hann window of length ``x``; float32."""
    return _cosine_window(x, (0.5, -0.5))


@derived("core", "an int window length M and a float beta", **NOT_DIFF)
def kaiser(x, beta):
    """The Kaiser window of length ``x`` and shape ``beta``; float32."""
    def values(n, last):
        ratio = ops.subtract(ops.multiply(n, 2.0 / last), 1.0)
        argument = ops.multiply(beta, ops.sqrt(ops.maximum(ops.subtract(1.0, ops.square(ratio)), 0.0)))
        return ops.divide(ops.i0(argument), ops.i0(ops.convert_to_tensor(float(beta), "float32")))

    return _window(x, values)


def _spaced(start, stop, num, endpoint, axis):
    """``num`` evenly spaced points from start to stop (tensors broadcast), stacked on ``axis``."""
    if all(isinstance(bound, (int, float)) for bound in (start, stop)):
        return ops.linspace(float(start), float(stop), num, endpoint)
    start, stop = floating(start), floating(stop)
    fractions = ops.linspace(0.0, 1.0, num, endpoint) if endpoint else ops.divide(ops.arange(0, num, dtype="float32"), num)
    rank = len(ops.shape(ops.add(start, stop)))
    steps = ops.reshape(fractions, (num,) + (1,) * rank)
    points = ops.add(start, ops.multiply(steps, ops.subtract(stop, start)))
    return ops.moveaxis(points, 0, axis)


@derived("core", "numbers (or broadcastable tensors) start, stop, an int num >= 0 and a base", **NOT_DIFF)
def logspace(start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0):
    """``base ** t`` for ``num`` evenly spaced exponents t from start to stop."""
    values = ops.power(float(base), _spaced(start, stop, num, endpoint, axis))
    return ops.cast(values, dtype) if dtype else values


@derived("core", "non-zero numbers (or tensors) start, stop of one sign and an int num >= 0", **NOT_DIFF)
def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    """``num`` points evenly spaced on a log scale from start to stop (a geometric progression)."""
    start_t, stop_t = floating(start), floating(stop)
    sign = ops.sign(start_t)
    exponents = _spaced(ops.log(ops.abs(start_t)), ops.log(ops.abs(stop_t)), num, endpoint, axis)
    values = ops.multiply(sign, ops.exp(exponents))
    return ops.cast(values, dtype) if dtype else values


def _einops_axes(side: str) -> list[list[str]]:
    """'b (h w) c' as [['b'], ['h', 'w'], ['c']]."""
    groups = re.findall(r"\(([^)]*)\)|(\w+)", side)
    return [grouped.split() if grouped else [single] for grouped, single in groups]


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


@derived("linalg", "float tensors (..., m, d) and (..., n, d)")
def cdist(x, y):
    """Euclidean distances between every row of x and every row of y: shape (..., m, n)."""
    x, y = floating(x), floating(y)
    gaps = ops.subtract(ops.expand_dims(x, -2), ops.expand_dims(y, -3))
    return ops.sqrt(ops.sum(ops.square(gaps), axis=-1))
