"""Reductions over axes.

Variance and standard deviation are written as means of squared deviations: MXNet's own
``var``/``std`` kernels have no gradient (their backward silently gives zeros).
"""

from __future__ import annotations

import builtins
from collections.abc import Callable
from typing import Any

from mxnet import numpy as mnp

from oneiros import dtypes

from oneiros_mxnet._tensor import (
    as_tensor,
    dtype_name,
    finish,
    float_result,
    normalize_axis,
    select,
    to_compute,
)

__all__ = ["all", "any", "logsumexp", "max", "mean", "min", "prod", "std", "sum", "var"]

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


def _along(values: Any, axis: int, start: int, stop: int) -> Any:
    return values[(slice(None),) * axis + (slice(start, stop),)]
