"""Reductions and statistics beyond the basic ones: numpy's nan-aware family, order statistics,
histograms, differences and correlations, derived from ``oneiros.ops`` with Keras's signatures."""

from __future__ import annotations

import builtins
import math

import numpy as np

from oneiros import dtypes, ops
from oneiros.ops._contract import derived
from oneiros.ops._derive import floating, is_float, normalized_axis, tensor
from oneiros.ops._math import REDUCE

NOT_DIFF = {"differentiable": False}
QUANTILE = REDUCE + ", q (or a 1-D tensor of them) in range, method linear/lower/higher/midpoint/nearest"
DATA_DEPENDENT = " (the output size depends on the values: eager only, as in numpy)"


def _without_nan(x, replacement):
    x = tensor(x)
    if not is_float(x):
        return x
    return ops.where(ops.isnan(x), ops.full_like(x, replacement), x)


@derived("reduction", REDUCE)
def amax(x, axis=None, keepdims=False):
    """Largest value over ``axis`` (``max``)."""
    return ops.max(x, axis=axis, keepdims=keepdims)


@derived("reduction", REDUCE)
def amin(x, axis=None, keepdims=False):
    """Smallest value over ``axis`` (``min``)."""
    return ops.min(x, axis=axis, keepdims=keepdims)


@derived("reduction", REDUCE)
def ptp(x, axis=None, keepdims=False):
    """max - min over ``axis`` (peak to peak)."""
    return ops.subtract(ops.max(x, axis=axis, keepdims=keepdims), ops.min(x, axis=axis, keepdims=keepdims))


@derived("reduction", REDUCE, **NOT_DIFF)
def count_nonzero(x, axis=None):
    """The number of non-zero elements over ``axis``; int32."""
    return ops.sum(ops.cast(ops.not_equal(x, 0), "int32"), axis=axis)


@derived("reduction", REDUCE + " and weights of the shape of x, or 1-D along axis")
def average(x, axis=None, weights=None):
    """The weighted mean over ``axis`` (the plain mean without weights); float result."""
    x = floating(x)
    if weights is None:
        return ops.mean(x, axis=axis)
    weights = ops.cast(tensor(weights), ops.dtype(x))
    rank = len(ops.shape(x))
    if axis is not None and len(ops.shape(weights)) == 1 and rank > 1:
        shape = [1] * rank
        shape[normalized_axis(axis, rank)] = -1
        weights = ops.reshape(weights, shape)
    return ops.divide(ops.sum(ops.multiply(x, weights), axis=axis), ops.sum(ops.multiply(ops.ones_like(x), weights),
                                                                            axis=axis))


@derived("reduction", REDUCE)
def nansum(x, axis=None, keepdims=False):
    """Sum over ``axis`` treating NaN as 0."""
    return ops.sum(_without_nan(x, 0), axis=axis, keepdims=keepdims)


@derived("reduction", REDUCE)
def nanprod(x, axis=None, keepdims=False):
    """Product over ``axis`` treating NaN as 1."""
    return ops.prod(_without_nan(x, 1), axis=axis, keepdims=keepdims)


def _valid_count(x, axis, keepdims):
    return ops.sum(ops.cast(ops.logical_not(ops.isnan(x)), ops.dtype(x)), axis=axis, keepdims=keepdims)


@derived("reduction", REDUCE)
def nanmean(x, axis=None, keepdims=False):
    """Mean over ``axis`` of the non-NaN elements (NaN where there are none); float result."""
    x = floating(x)
    return ops.divide(ops.nansum(x, axis, keepdims), _valid_count(x, axis, keepdims))


@derived("reduction", REDUCE)
def nanvar(x, axis=None, keepdims=False):
    """Population variance over ``axis`` of the non-NaN elements; float result."""
    x = floating(x)
    deviations = ops.square(ops.subtract(x, ops.nanmean(x, axis, keepdims=True)))
    return ops.divide(ops.nansum(deviations, axis, keepdims), _valid_count(x, axis, keepdims))


@derived("reduction", REDUCE)
def nanstd(x, axis=None, keepdims=False):
    """Population standard deviation over ``axis`` of the non-NaN elements; float result."""
    return ops.sqrt(ops.nanvar(x, axis, keepdims))


def _nan_extreme(reduce, x, axis, keepdims, fill):
    x = tensor(x)
    if not is_float(x):
        return reduce(x, axis=axis, keepdims=keepdims)
    value = reduce(_without_nan(x, fill), axis=axis, keepdims=keepdims)
    all_nan = ops.all(ops.isnan(x), axis=axis, keepdims=keepdims)
    return ops.where(all_nan, ops.full_like(value, math.nan), value)


@derived("reduction", REDUCE)
def nanmax(x, axis=None, keepdims=False):
    """Largest non-NaN value over ``axis`` (NaN where all are NaN)."""
    return _nan_extreme(ops.max, x, axis, keepdims, -math.inf)


@derived("reduction", REDUCE)
def nanmin(x, axis=None, keepdims=False):
    """Smallest non-NaN value over ``axis`` (NaN where all are NaN)."""
    return _nan_extreme(ops.min, x, axis, keepdims, math.inf)


@derived("reduction", "a tensor with a non-NaN value along ``axis``, an int axis or None", **NOT_DIFF)
def nanargmax(x, axis=None, keepdims=False):
    """Index (int32) of the first largest non-NaN value along ``axis``."""
    return ops.argmax(_without_nan(x, -math.inf), axis=axis, keepdims=keepdims)


@derived("reduction", "a tensor with a non-NaN value along ``axis``, an int axis or None", **NOT_DIFF)
def nanargmin(x, axis=None, keepdims=False):
    """Index (int32) of the first smallest non-NaN value along ``axis``."""
    return ops.argmin(_without_nan(x, math.inf), axis=axis, keepdims=keepdims)


@derived("math", "a tensor, an int axis or None (flattened) and a dtype or None")
def nancumsum(x, axis=None, dtype=None):
    """Cumulative sum along ``axis`` treating NaN as 0."""
    total = ops.cumsum(_without_nan(x, 0), axis=axis)
    return ops.cast(total, dtype) if dtype else total


@derived("math", "a tensor, an int axis or None (flattened) and a dtype or None")
def nancumprod(x, axis=None, dtype=None):
    """Cumulative product along ``axis`` treating NaN as 1."""
    total = ops.cumprod(_without_nan(x, 1), axis=axis)
    return ops.cast(total, dtype) if dtype else total


_METHODS = ("linear", "lower", "higher", "midpoint", "nearest")


def _order_statistic(x, q, axis, method, keepdims, ignore_nan):
    """numpy.quantile (or nanquantile): sorts along the reduced axes, picks by position."""
    if method not in _METHODS:
        raise ValueError(f"method must be one of {_METHODS}; received {method!r}.")
    x = floating(x)
    rank = len(ops.shape(x))
    axes = tuple(range(rank)) if axis is None else (
        (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis))
    axes = tuple(sorted(normalized_axis(one, rank) for one in axes))
    kept = [dim for position, dim in enumerate(ops.shape(x)) if position not in axes]
    moved = ops.moveaxis(x, axes, tuple(range(rank - len(axes), rank))) if axes else x
    rows = ops.reshape(moved, (*kept, -1))
    has_nan = ops.any(ops.isnan(rows), axis=-1, keepdims=True)
    if ignore_nan:
        count = ops.sum(ops.cast(ops.logical_not(ops.isnan(rows)), ops.dtype(x)), axis=-1, keepdims=True)
    # NaN becomes +inf so that it sorts after every value on every engine
    rows = ops.sort(_without_nan(rows, math.inf), axis=-1)
    length = ops.shape(rows)[-1]
    q = ops.cast(tensor(q), ops.dtype(x))
    scalar_q = not ops.shape(q)
    fractions = ops.reshape(q, (1,) * len(kept) + (-1,))
    if not ignore_nan:
        count = ops.full_like(has_nan, length, dtype=ops.dtype(x))
    position = ops.multiply(fractions, ops.subtract(count, 1))
    below, above = ops.floor(position), ops.ceil(position)
    if method == "nearest":
        below = above = ops.round(position)
    last = builtins.max(length - 1, 0)

    def pick(where_):
        return ops.take_along_axis(rows, ops.cast(ops.clip(where_, 0, last), "int32"), axis=-1)

    low, high = pick(below), pick(above)
    if method in ("lower", "nearest"):
        value = low
    elif method == "higher":
        value = high
    elif method == "midpoint":
        value = ops.multiply(ops.add(low, high), 0.5)
    else:
        value = ops.add(low, ops.multiply(ops.subtract(high, low), ops.subtract(position, below)))
    empty = ops.less(count, 1) if ignore_nan else has_nan
    value = ops.where(empty, ops.full_like(value, math.nan), value)
    if keepdims:
        shape = [1 if position in axes else dim for position, dim in enumerate(ops.shape(x))]
        value = ops.reshape(value, (*shape, -1))
    value = ops.moveaxis(value, -1, 0)
    return ops.squeeze(value, 0) if scalar_q else value


@derived("reduction", QUANTILE, **NOT_DIFF)
def quantile(x, q, axis=None, method="linear", keepdims=False):
    """The q-th quantile(s), q in [0, 1], over ``axis`` (NaN if the slice holds one); float result."""
    return _order_statistic(x, q, axis, method, keepdims, ignore_nan=False)


@derived("reduction", QUANTILE, **NOT_DIFF)
def nanquantile(x, q, axis=None, method="linear", keepdims=False):
    """The q-th quantile(s) of the non-NaN values over ``axis``; float result."""
    return _order_statistic(x, q, axis, method, keepdims, ignore_nan=True)


@derived("reduction", QUANTILE.replace("in range", "in [0, 100]"), **NOT_DIFF)
def percentile(x, q, axis=None, method="linear", keepdims=False):
    """The q-th percentile(s), q in [0, 100], over ``axis``; float result."""
    return ops.quantile(x, ops.divide(q, 100.0), axis, method, keepdims)


@derived("reduction", QUANTILE.replace("in range", "in [0, 100]"), **NOT_DIFF)
def nanpercentile(x, q, axis=None, method="linear", keepdims=False):
    """The q-th percentile(s) of the non-NaN values over ``axis``; float result."""
    return ops.nanquantile(x, ops.divide(q, 100.0), axis, method, keepdims)


@derived("reduction", REDUCE, **NOT_DIFF)
def median(x, axis=None, keepdims=False):
    """The median over ``axis`` (mean of the two middle values for even counts); float result."""
    return ops.quantile(x, 0.5, axis=axis, keepdims=keepdims)


@derived("reduction", REDUCE, **NOT_DIFF)
def nanmedian(x, axis=None, keepdims=False):
    """The median over ``axis`` of the non-NaN values; float result."""
    return ops.nanquantile(x, 0.5, axis=axis, keepdims=keepdims)


def _along(x, axis, start, stop):
    """x[start:stop] along ``axis`` (static bounds)."""
    shape = list(ops.shape(x))
    axis = normalized_axis(axis, len(shape))
    begin = [0] * len(shape)
    begin[axis] = start
    shape[axis] = stop - start
    return ops.slice(x, begin, shape)


@derived("math", "a tensor, an int n >= 0 and an axis within range")
def diff(a, n=1, axis=-1):
    """The n-th discrete difference along ``axis``: a[1:] - a[:-1], n times."""
    a = tensor(a)
    for _ in range(n):
        length = ops.shape(a)[normalized_axis(axis, len(ops.shape(a)))]
        later, earlier = _along(a, axis, 1, length), _along(a, axis, 0, builtins.max(length - 1, 0))
        a = ops.logical_xor(later, earlier) if ops.dtype(a) == "bool" else ops.subtract(later, earlier)
    return a


@derived("math", "values y, sample points x (1-D or like y) or a spacing dx, and an axis")
def trapezoid(y, x=None, dx=1.0, axis=-1):
    """The integral of y along ``axis`` by the trapezoidal rule; float result."""
    y = floating(y)
    rank = len(ops.shape(y))
    length = ops.shape(y)[normalized_axis(axis, rank)]
    heights = ops.multiply(ops.add(_along(y, axis, 1, length), _along(y, axis, 0, length - 1)), 0.5)
    if x is None:
        return ops.multiply(ops.sum(heights, axis=axis), dx)
    widths = ops.diff(floating(x), axis=-1 if len(ops.shape(tensor(x))) == 1 else axis)
    if len(ops.shape(widths)) == 1 and rank > 1:
        shape = [1] * rank
        shape[normalized_axis(axis, rank)] = -1
        widths = ops.reshape(widths, shape)
    return ops.sum(ops.multiply(heights, widths), axis=axis)


@derived("math", "two non-empty 1-D tensors and mode 'valid', 'same' or 'full'")
def correlate(x1, x2, mode="valid"):
    """Cross-correlation of two 1-D sequences, like ``numpy.correlate``."""
    if mode not in ("valid", "same", "full"):
        raise ValueError(f"mode must be 'valid', 'same' or 'full'; received {mode!r}.")
    a, v = tensor(x1), tensor(x2)
    if len(ops.shape(a)) != 1 or len(ops.shape(v)) != 1:
        raise ValueError(f"correlate takes 1-D tensors; received shapes {ops.shape(a)} and {ops.shape(v)}.")
    n, m = ops.shape(a)[0], ops.shape(v)[0]
    padded = ops.pad(a, [(m - 1, m - 1)])
    windows = np.arange(n + m - 1)[:, None] + np.arange(m)[None, :]
    full = ops.sum(ops.multiply(ops.take(padded, ops.convert_to_tensor(windows, "int32"), axis=0), v), axis=-1)
    if mode == "full":
        return full
    longer, shorter = builtins.max(n, m), builtins.min(n, m)
    count = longer - shorter + 1 if mode == "valid" else longer
    start = shorter - 1 if mode == "valid" else shorter - 1 - shorter // 2
    if n < m:  # numpy correlates the longer sequence against the shorter one and reverses that
        start = (n + m - 1) - count - start
    return _along(full, 0, start, start + count)


@derived("math", "a 1-D or 2-D tensor (rows are variables)", **NOT_DIFF)
def corrcoef(x):
    """Pearson correlation coefficients of the rows of ``x``; float result."""
    x = floating(x)
    if len(ops.shape(x)) == 1:
        x = ops.reshape(x, (1, -1))
    centred = ops.subtract(x, ops.mean(x, axis=1, keepdims=True))
    covariance = ops.matmul(centred, ops.transpose(centred))
    scale = ops.sqrt(ops.diagonal(covariance))
    coefficients = ops.clip(ops.divide(covariance, ops.outer(scale, scale)), -1.0, 1.0)
    return ops.squeeze(coefficients) if ops.shape(coefficients) == (1, 1) else coefficients


@derived("math", "a 1-D tensor, a bin count >= 1 and an optional (low, high) range", **NOT_DIFF)
def histogram(x, bins=10, range=None):
    """(counts, bin edges) of ``x`` in ``bins`` equal bins over ``range`` (default: min to max);
    the last bin includes its right edge, values outside the range are not counted."""
    x = floating(x)
    if len(ops.shape(x)) != 1:
        raise ValueError(f"histogram takes a 1-D tensor; received shape {ops.shape(x)}.")
    if range is None:
        low, high = ops.min(x), ops.max(x)
        same = ops.equal(low, high)
        low = ops.where(same, ops.subtract(low, 0.5), low)
        high = ops.where(same, ops.add(high, 0.5), high)
    else:
        low, high = (ops.convert_to_tensor(float(bound), ops.dtype(x)) for bound in range)
    edges = ops.add(low, ops.multiply(ops.subtract(high, low), ops.linspace(0.0, 1.0, bins + 1, dtype=ops.dtype(x))))
    starts, ends = _along(edges, 0, 0, bins), _along(edges, 0, 1, bins + 1)
    column = ops.expand_dims(x, -1)
    inside = ops.logical_and(ops.greater_equal(column, starts), ops.less(column, ends))
    counts = ops.sum(ops.cast(inside, "int32"), axis=0)
    # the right edge itself belongs to the last bin (unless rounding already put it inside)
    past_last_edge = ops.greater_equal(x, _along(edges, 0, bins, bins + 1))
    on_last_edge = ops.sum(ops.cast(ops.logical_and(ops.equal(x, high), past_last_edge), "int32"))
    last_bin = ops.convert_to_tensor(np.eye(bins, dtype=np.int32)[-1])
    return ops.add(counts, ops.multiply(on_last_edge, last_bin)), edges


@derived("math", "a 1-D or 2-D tensor of non-negative ints, weights like it, minlength >= 0"
         + DATA_DEPENDENT, **NOT_DIFF)
def bincount(x, weights=None, minlength=0, sparse=False):
    """Occurrences of each value 0..max(x) (weighted sums with ``weights``), per row for 2-D x."""
    if sparse:
        raise ValueError("bincount(sparse=True): sparse tensors are not supported; received sparse=True.")
    x = tensor(x)
    length = builtins.max(int(minlength), int(np.max(ops.to_numpy(x), initial=-1)) + 1)
    hits = ops.one_hot(x, length, dtype="int32" if weights is None else ops.dtype(tensor(weights)))
    if weights is not None:
        hits = ops.multiply(hits, ops.expand_dims(tensor(weights), -1))
    return ops.sum(hits, axis=-2)


@derived("shape", "a tensor" + DATA_DEPENDENT, **NOT_DIFF)
def nonzero(x):
    """A tuple of int32 index tensors, one per axis, of the non-zero elements in row-major order."""
    x = tensor(x)
    flat = ops.ravel(ops.not_equal(x, 0))
    count = int(ops.to_numpy(ops.sum(ops.cast(flat, "int32"))))
    # a stable sort of "is zero" puts the non-zero positions first, in order
    order = ops.argsort(ops.cast(ops.logical_not(flat), "int32"))
    positions = _along(order, 0, 0, count)
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
                              ops.not_equal(_along(values, 0, 1, length), _along(values, 0, 0, length - 1))])
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
