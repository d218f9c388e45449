"""Reductions over axes: sums, means, extremes, variances, order statistics and their nan-ignoring forms.

Native reductions take ``axis`` None, an int or a tuple of ints and ``keepdims``; the others are derived.
"""

from __future__ import annotations

import builtins
import math

import numpy as np

from oneiros import ops
from oneiros.ops._contract import derived, op
from oneiros.ops._derive import NOT_DIFF, floating, is_float, normalized_axis, tensor, without_nan
from oneiros.ops._math import REDUCE


def _reduction(name: str, doc: str, differentiable: bool = True):
    def spec(x, axis=None, keepdims=False):
        pass

    spec.__name__ = spec.__qualname__ = name
    spec.__doc__ = doc
    return op("reduction", REDUCE, differentiable)(spec)


sum = _reduction("sum", "Sum over ``axis``: bool and signed ints give int32, unsigned uint32.")


mean = _reduction("mean", "Arithmetic mean over ``axis``; float result.")


max = _reduction("max", "Largest value over ``axis`` (non-empty).")


min = _reduction("min", "Smallest value over ``axis`` (non-empty).")


prod = _reduction("prod", "Product over ``axis``: bool and signed ints give int32, unsigned uint32.")


var = _reduction("var", "Population variance (ddof=0) over ``axis``; float result.")


std = _reduction("std", "Population standard deviation over ``axis``; float result.")


logsumexp = _reduction("logsumexp", "log(sum(exp(x))) over ``axis``, stable for large |x|.")


any = _reduction("any", "Whether any element over ``axis`` is true; bool result.", False)


all = _reduction("all", "Whether every element over ``axis`` is true; bool result.", False)


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
    return ops.sum(without_nan(x, 0), axis=axis, keepdims=keepdims)


@derived("reduction", REDUCE)
def nanprod(x, axis=None, keepdims=False):
    """Product over ``axis`` treating NaN as 1."""
    return ops.prod(without_nan(x, 1), axis=axis, keepdims=keepdims)


QUANTILE = REDUCE + ", q (or a 1-D tensor of them) in range, method linear/lower/higher/midpoint/nearest"


def _valid_count(x, axis, keepdims):
    return ops.sum(ops.cast(ops.logical_not(ops.isnan(x)), ops.dtype(x)), axis=axis, keepdims=keepdims)


def _nan_extreme(reduce, x, axis, keepdims, fill):
    x = tensor(x)
    if not is_float(x):
        return reduce(x, axis=axis, keepdims=keepdims)
    value = reduce(without_nan(x, fill), axis=axis, keepdims=keepdims)
    all_nan = ops.all(ops.isnan(x), axis=axis, keepdims=keepdims)
    return ops.where(all_nan, ops.full_like(value, math.nan), value)


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
    rows = ops.sort(without_nan(rows, math.inf), axis=-1)
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
    return ops.argmax(without_nan(x, -math.inf), axis=axis, keepdims=keepdims)


@derived("reduction", "a tensor with a non-NaN value along ``axis``, an int axis or None", **NOT_DIFF)
def nanargmin(x, axis=None, keepdims=False):
    """Index (int32) of the first smallest non-NaN value along ``axis``."""
    return ops.argmin(without_nan(x, math.inf), axis=axis, keepdims=keepdims)


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
