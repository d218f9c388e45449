"""Reductions over axes: sums, extremes, variances, order statistics and their nan-ignoring forms."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from oneiros import dtypes
from oneiros.backends.numpy_reference._tensor import (
    as_tensor,
    compute_dtype,
    finish,
    float_result,
    quiet,
)

__all__ = [
    "all", "amax", "amin", "any", "average", "count_nonzero", "logsumexp", "max", "mean", "median", "min",
    "nanargmax", "nanargmin", "nanmax", "nanmean", "nanmedian", "nanmin", "nanpercentile", "nanprod", "nanquantile",
    "nanstd", "nansum", "nanvar", "percentile", "prod", "ptp", "quantile", "std", "sum", "var",
]

Axis = Any


def normalize_axis(axis: Axis) -> None | int | tuple[int, ...]:
    """None, an int or a tuple of ints (lists and numpy ints accepted)."""
    if axis is None:
        return None
    if isinstance(axis, (list, tuple)):
        return tuple(int(item) for item in axis)
    return int(axis)


def _reduce(fn: Any, x: Any, axis: Axis, keepdims: bool, result: Any = None) -> np.ndarray:
    array = as_tensor(x)
    name = result(array.dtype.name) if result is not None else array.dtype.name
    values = array.astype(compute_dtype(name), copy=False)
    with quiet():
        return finish(fn(values, axis=normalize_axis(axis), keepdims=keepdims), name)


def sum(x: Any, axis: Axis = None, keepdims: bool = False) -> np.ndarray:
    return _reduce(np.sum, x, axis, keepdims, dtypes.accumulator)


def prod(x: Any, axis: Axis = None, keepdims: bool = False) -> np.ndarray:
    return _reduce(np.prod, x, axis, keepdims, dtypes.accumulator)


def mean(x: Any, axis: Axis = None, keepdims: bool = False) -> np.ndarray:
    return _reduce(np.mean, x, axis, keepdims, float_result)


def var(x: Any, axis: Axis = None, keepdims: bool = False) -> np.ndarray:
    return _reduce(np.var, x, axis, keepdims, float_result)


def std(x: Any, axis: Axis = None, keepdims: bool = False) -> np.ndarray:
    return _reduce(np.std, x, axis, keepdims, float_result)


def max(x: Any, axis: Axis = None, keepdims: bool = False) -> np.ndarray:
    return _reduce(np.max, x, axis, keepdims)


def min(x: Any, axis: Axis = None, keepdims: bool = False) -> np.ndarray:
    return _reduce(np.min, x, axis, keepdims)


def any(x: Any, axis: Axis = None, keepdims: bool = False) -> np.ndarray:
    return _reduce(np.any, x, axis, keepdims, lambda _: "bool")


def all(x: Any, axis: Axis = None, keepdims: bool = False) -> np.ndarray:
    return _reduce(np.all, x, axis, keepdims, lambda _: "bool")


def _logsumexp(values: np.ndarray, axis: Axis, keepdims: bool) -> np.ndarray:
    peak = np.max(values, axis=axis, keepdims=True)
    # An infinite peak would turn x - peak into nan; shifting by 0 there is exact enough.
    peak = np.where(np.isfinite(peak), peak, 0)
    result = np.log(np.sum(np.exp(values - peak), axis=axis, keepdims=True)) + peak
    return result if keepdims else np.squeeze(result, axis=axis)


def logsumexp(x: Any, axis: Axis = None, keepdims: bool = False) -> np.ndarray:
    return _reduce(_logsumexp, x, axis, keepdims, float_result)


def _arg_reduce(fn: Any, x: Any, axis: Any, keepdims: bool) -> np.ndarray:
    array = as_tensor(x)
    values = array.astype(compute_dtype(array.dtype.name), copy=False)
    return finish(fn(values, axis=None if axis is None else int(axis), keepdims=keepdims),
                  "int32")


def _cumulative(fn: Any, x: Any, axis: Any) -> np.ndarray:
    array = as_tensor(x)
    name = "int32" if array.dtype.name == "bool" else array.dtype.name
    values = array.astype(compute_dtype(name), copy=False)
    with quiet():
        return finish(fn(values, axis=None if axis is None else int(axis)), name)


def amax(x: Any, axis: Axis = None, keepdims: bool = False) -> np.ndarray:
    return max(x, axis, keepdims)


def amin(x: Any, axis: Axis = None, keepdims: bool = False) -> np.ndarray:
    return min(x, axis, keepdims)


def ptp(x: Any, axis: Axis = None, keepdims: bool = False) -> np.ndarray:
    return _reduce(np.ptp, x, axis, keepdims)


def count_nonzero(x: Any, axis: Axis = None) -> np.ndarray:
    return finish(np.count_nonzero(as_tensor(x), axis=normalize_axis(axis)), "int32")


def _in_float64(fn: Any, x: Any, *args: Any, **kwargs: Any) -> np.ndarray:
    """``fn`` on ``x`` in float64, the result in the float dtype of ``x`` (ints give float32)."""
    array = as_tensor(x)
    with quiet():
        return finish(fn(array.astype(np.float64), *args, **kwargs), float_result(array.dtype.name))


def average(x: Any, axis: Axis = None, weights: Any = None) -> np.ndarray:
    weights = None if weights is None else as_tensor(weights).astype(np.float64)
    return _in_float64(np.average, x, axis=normalize_axis(axis), weights=weights)


def _nan_same_dtype(fn: Any, x: Any, axis: Axis, keepdims: bool, result: Any = None) -> np.ndarray:
    array = as_tensor(x)
    name = result(array.dtype.name) if result is not None else array.dtype.name
    with quiet(), warnings.catch_warnings():  # all-NaN slices warn; their NaN result is the contract
        warnings.simplefilter("ignore", RuntimeWarning)
        return finish(fn(array.astype(compute_dtype(array.dtype.name)), axis=normalize_axis(axis), keepdims=keepdims),
                      name)


def nansum(x: Any, axis: Axis = None, keepdims: bool = False) -> np.ndarray:
    return _nan_same_dtype(np.nansum, x, axis, keepdims, dtypes.accumulator)


def nanprod(x: Any, axis: Axis = None, keepdims: bool = False) -> np.ndarray:
    return _nan_same_dtype(np.nanprod, x, axis, keepdims, dtypes.accumulator)


def nanmax(x: Any, axis: Axis = None, keepdims: bool = False) -> np.ndarray:
    return _nan_same_dtype(np.nanmax, x, axis, keepdims)


def nanmin(x: Any, axis: Axis = None, keepdims: bool = False) -> np.ndarray:
    return _nan_same_dtype(np.nanmin, x, axis, keepdims)


def nanmean(x: Any, axis: Axis = None, keepdims: bool = False) -> np.ndarray:
    return _nan_same_dtype(lambda v, **kw: np.nanmean(v.astype(np.float64), **kw), x, axis, keepdims, float_result)


def nanvar(x: Any, axis: Axis = None, keepdims: bool = False) -> np.ndarray:
    return _nan_same_dtype(lambda v, **kw: np.nanvar(v.astype(np.float64), **kw), x, axis, keepdims, float_result)


def nanstd(x: Any, axis: Axis = None, keepdims: bool = False) -> np.ndarray:
    return _nan_same_dtype(lambda v, **kw: np.nanstd(v.astype(np.float64), **kw), x, axis, keepdims, float_result)


def nanargmax(x: Any, axis: Axis = None, keepdims: bool = False) -> np.ndarray:
    return finish(np.nanargmax(as_tensor(x), axis=normalize_axis(axis), keepdims=keepdims), "int32")


def nanargmin(x: Any, axis: Axis = None, keepdims: bool = False) -> np.ndarray:
    return finish(np.nanargmin(as_tensor(x), axis=normalize_axis(axis), keepdims=keepdims), "int32")


def _order(fn: Any, x: Any, q: Any, axis: Axis, method: str, keepdims: bool) -> np.ndarray:
    q = np.asarray(q, np.float64)
    return _nan_same_dtype(lambda v, **kw: fn(v.astype(np.float64), q, method=method, **kw), x, axis, keepdims,
                           float_result)


def quantile(x: Any, q: Any, axis: Axis = None, method: str = "linear", keepdims: bool = False) -> np.ndarray:
    return _order(np.quantile, x, q, axis, method, keepdims)


def nanquantile(x: Any, q: Any, axis: Axis = None, method: str = "linear", keepdims: bool = False) -> np.ndarray:
    return _order(np.nanquantile, x, q, axis, method, keepdims)


def percentile(x: Any, q: Any, axis: Axis = None, method: str = "linear", keepdims: bool = False) -> np.ndarray:
    return _order(np.percentile, x, q, axis, method, keepdims)


def nanpercentile(x: Any, q: Any, axis: Axis = None, method: str = "linear",
                  keepdims: bool = False) -> np.ndarray:
    return _order(np.nanpercentile, x, q, axis, method, keepdims)


def median(x: Any, axis: Axis = None, keepdims: bool = False) -> np.ndarray:
    return quantile(x, 0.5, axis, keepdims=keepdims)


def nanmedian(x: Any, axis: Axis = None, keepdims: bool = False) -> np.ndarray:
    return nanquantile(x, 0.5, axis, keepdims=keepdims)
