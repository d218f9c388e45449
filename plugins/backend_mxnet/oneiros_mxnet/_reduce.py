"""Reductions, cumulative ops, sorting and top-k.

Variance and standard deviation are written as means of squared deviations: MXNet's own
``var``/``std`` kernels have no gradient (their backward silently gives zeros).
"""

from __future__ import annotations

import builtins
from collections.abc import Callable
from typing import Any

from mxnet import numpy as mnp
from oneiros import dtypes

from oneiros_mxnet._shape import take_along_axis
from oneiros_mxnet._tensor import (
    as_tensor,
    dtype_name,
    finish,
    float_result,
    normalize_axis,
    select,
    to_compute,
)

__all__ = [
    "all", "any", "argmax", "argmin", "argsort", "cumprod", "cumsum", "logsumexp", "max",
    "mean", "min", "prod", "sort", "std", "sum", "top_k", "var",
]

Axis = Any


def _reduce(fn: Callable[..., Any], x: Any, axis: Axis, keepdims: bool,
            result: Callable[[str], str] | None = None) -> Any:
    tensor = as_tensor(x)
    name = result(dtype_name(tensor)) if result is not None else dtype_name(tensor)
    values = to_compute(tensor, name)
    return finish(fn(values, axis=normalize_axis(axis), keepdims=bool(keepdims)), name)


def sum(x, axis=None, keepdims=False):
    return _reduce(mnp.sum, x, axis, keepdims, dtypes.accumulator)


def _product(values: Any, axis: Any, keepdims: bool) -> Any:
    reduced = range(values.ndim) if axis is None else [axis] if isinstance(axis, int) else axis
    if builtins.any(values.shape[a] == 0 for a in reduced):
        # MXNet's prod gives 0 for an empty axis; the empty product is 1.
        return mnp.ones_like(mnp.sum(values, axis=axis, keepdims=keepdims))
    return mnp.prod(values, axis=axis, keepdims=keepdims)


def prod(x, axis=None, keepdims=False):
    return _reduce(_product, x, axis, keepdims, dtypes.accumulator)


def mean(x, axis=None, keepdims=False):
    return _reduce(mnp.mean, x, axis, keepdims, float_result)


def variance(values: Any, axis: Any, keepdims: bool) -> Any:
    deviations = mnp.subtract(values, mnp.mean(values, axis=axis, keepdims=True))
    return mnp.mean(mnp.square(deviations), axis=axis, keepdims=keepdims)


def var(x, axis=None, keepdims=False):
    return _reduce(variance, x, axis, keepdims, float_result)


def std(x, axis=None, keepdims=False):
    return _reduce(lambda values, axis, keepdims: mnp.sqrt(variance(values, axis, keepdims)),
                   x, axis, keepdims, float_result)


def max(x, axis=None, keepdims=False):
    return _reduce(mnp.max, x, axis, keepdims)


def min(x, axis=None, keepdims=False):
    return _reduce(mnp.min, x, axis, keepdims)


def _truth_reduce(fn: Callable[..., Any], x: Any, axis: Axis, keepdims: bool) -> Any:
    tensor = as_tensor(x)
    truth = mnp.not_equal(to_compute(tensor, dtype_name(tensor)), 0)
    return finish(fn(truth, axis=normalize_axis(axis), keepdims=bool(keepdims)), "bool")


def any(x, axis=None, keepdims=False):
    return _truth_reduce(mnp.any, x, axis, keepdims)


def all(x, axis=None, keepdims=False):
    return _truth_reduce(mnp.all, x, axis, keepdims)


def _logsumexp(values: Any, axis: Axis, keepdims: bool) -> Any:
    peak = mnp.max(values, axis=axis, keepdims=True).detach()
    # An infinite peak would turn x - peak into nan; shifting by 0 there is exact enough.
    peak = select(mnp.isfinite(peak), peak, mnp.zeros_like(peak))
    total = mnp.sum(mnp.exp(mnp.subtract(values, peak)), axis=axis, keepdims=True)
    result = mnp.add(mnp.log(total), peak)
    if keepdims:
        return result
    return mnp.squeeze(result, axis=axis) if axis is not None else result.reshape(())


def logsumexp(x, axis=None, keepdims=False):
    return _reduce(_logsumexp, x, axis, keepdims, float_result)


def _arg_reduce(fn: Callable[..., Any], x: Any, axis: Any, keepdims: bool) -> Any:
    tensor = as_tensor(x)
    values = to_compute(tensor, dtype_name(tensor))
    if axis is None:
        index = fn(values.reshape(-1), axis=0)
        shape = (1,) * values.ndim if keepdims else ()
    else:
        index = fn(values, axis=int(axis))
        shape = tuple(1 if dim == int(axis) % values.ndim else size
                      for dim, size in enumerate(values.shape)) if keepdims else index.shape
    return finish(index.reshape(shape), "int32")


def argmax(x, axis=None, keepdims=False):
    return _arg_reduce(mnp.argmax, x, axis, keepdims)


def argmin(x, axis=None, keepdims=False):
    return _arg_reduce(mnp.argmin, x, axis, keepdims)


def _flattened(values: Any, axis: Any) -> tuple[Any, int]:
    """``values`` and a non-negative axis (flattened for axis None): MXNet refuses negative ones."""
    if axis is None:
        return values.reshape(-1), 0
    return values, int(axis) % values.ndim


def _along(values: Any, axis: int, start: int, stop: int) -> Any:
    return values[(slice(None),) * axis + (slice(start, stop),)]


def _cumulative_product(values: Any, axis: Any) -> Any:
    """Hillis-Steele doubling: log2(n) multiplies of the running products by shifted copies."""
    values, axis = _flattened(values, axis)
    size = values.shape[axis]
    shift = 1
    while shift < size:
        head = _along(values, axis, 0, shift)
        tail = mnp.multiply(_along(values, axis, shift, size), _along(values, axis, 0, size - shift))
        values = mnp.concatenate([head, tail], axis=axis)
        shift *= 2
    return values


def _cumulative(fn: Callable[[Any, Any], Any], x: Any, axis: Any) -> Any:
    tensor = as_tensor(x)
    name = "int32" if dtype_name(tensor) == "bool" else dtype_name(tensor)
    return finish(fn(to_compute(tensor, name), None if axis is None else int(axis)), name)


def cumsum(x, axis=None):
    return _cumulative(lambda values, axis: mnp.cumsum(*_flattened(values, axis)), x, axis)


def cumprod(x, axis=None):
    return _cumulative(_cumulative_product, x, axis)


def sort(x, axis=-1):
    tensor = as_tensor(x)
    name = dtype_name(tensor)
    return finish(mnp.sort(to_compute(tensor, name), axis=int(axis)), name)


def argsort(x, axis=-1):
    # MXNet's CPU sort is a stable sort, so ties keep their original order.
    tensor = as_tensor(x)
    return finish(mnp.argsort(to_compute(tensor, dtype_name(tensor)), axis=int(axis)), "int32")


def top_k(x, k, sorted=True):
    tensor = as_tensor(x)
    if tensor.ndim < 1:
        raise ValueError(f"top_k needs a tensor of ndim >= 1; received shape {tensor.shape}.")
    size = tensor.shape[-1]
    if not 0 <= int(k) <= size:
        raise ValueError(f"top_k needs 0 <= k <= {size} (the last axis); received k={k}.")
    values = to_compute(tensor, dtype_name(tensor))
    # A stable ascending sort of the reversed axis, read backwards, is descending with ties
    # in ascending original index (NaN sorts as the largest value).
    last = values.ndim - 1
    ascending_of_reversed = mnp.argsort(mnp.flip(values, axis=last), axis=last)
    indices = finish(mnp.subtract(size - 1, mnp.flip(ascending_of_reversed, axis=last))[..., : int(k)], "int32")
    return take_along_axis(tensor, indices, axis=-1), indices
