"""Reductions over axes as Tile contractions."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from oneiros import dtypes

from oneiros_plaidml._core import cast, stop_gradient
from oneiros_plaidml._math import add, divide, exp, log, multiply, reduce, sqrt, square, subtract
from oneiros_plaidml._shape import (
    normalize_axes,
    pad_constant,
    reshape,
    strided,
    transpose,
)
from oneiros_plaidml._tensor import PlaidTensor, as_tensor, emit, host_tensor


def sum(x: Any, axis: Any = None, keepdims: bool = False) -> PlaidTensor:
    x = as_tensor(x)
    return reduce(x, axis, keepdims, "sum", dtypes.accumulator(x.dtype))


def prod(x: Any, axis: Any = None, keepdims: bool = False) -> PlaidTensor:
    """Halving products (PlaidML cannot differentiate its product aggregation)."""
    x = as_tensor(x)
    dtype = dtypes.accumulator(x.dtype)
    axes = normalize_axes(axis, x.ndim)
    kept = [a for a in range(x.ndim) if a not in axes]
    shape = [1 if a in axes else size for a, size in enumerate(x.shape)] if keepdims else [x.shape[a] for a in kept]
    if x.size == 0:
        return host_tensor(np.ones(shape, dtype))
    rows = reshape(transpose(cast(x, dtype), kept + list(axes)), [x.shape[a] for a in kept] + [-1])
    while rows.shape[-1] > 1:
        if rows.shape[-1] % 2:
            rows = pad_constant(rows, [(0, 0)] * (rows.ndim - 1) + [(0, 1)], 1)
        half = rows.shape[-1] // 2
        starts, steps = [0] * rows.ndim, [1] * rows.ndim
        sizes = list(rows.shape[:-1]) + [half]
        rows = multiply(strided(rows, starts, steps, sizes), strided(rows, starts[:-1] + [half], steps, sizes))
    return reshape(rows, shape)


def max(x: Any, axis: Any = None, keepdims: bool = False) -> PlaidTensor:
    x = as_tensor(x)
    return reduce(x, axis, keepdims, "max", x.dtype if x.dtype != "bool" else "bool")


def min(x: Any, axis: Any = None, keepdims: bool = False) -> PlaidTensor:
    x = as_tensor(x)
    return reduce(x, axis, keepdims, "min", x.dtype)


def _count(x: PlaidTensor, axis: Any) -> int:
    return math.prod(x.shape[a] for a in normalize_axes(axis, x.ndim))


def _float(x: PlaidTensor) -> PlaidTensor:
    return x if x.dtype in dtypes.FLOATS else cast(x, "float32")


def mean(x: Any, axis: Any = None, keepdims: bool = False) -> PlaidTensor:
    x = _float(as_tensor(x))
    return divide(reduce(x, axis, keepdims, "sum", x.dtype), float(_count(x, axis)))


def var(x: Any, axis: Any = None, keepdims: bool = False) -> PlaidTensor:
    x = _float(as_tensor(x))
    centered = subtract(x, mean(x, axis, keepdims=True))
    return mean(square(centered), axis, keepdims)


def std(x: Any, axis: Any = None, keepdims: bool = False) -> PlaidTensor:
    return sqrt(var(x, axis, keepdims))


def _finite_max(x: PlaidTensor, axis: Any) -> PlaidTensor:
    """The largest finite value over ``axis`` (kept; 0 where none is), a shift without a gradient."""
    peak = reduce(x, axis, True, "max", x.dtype)
    return stop_gradient(emit("O = I0 - I0 == 0 ? I0 : 0;", [peak], peak.shape, x.dtype))


def logsumexp(x: Any, axis: Any = None, keepdims: bool = False) -> PlaidTensor:
    x = _float(as_tensor(x))
    peak = _finite_max(x, axis)
    total = reduce(exp(subtract(x, peak)), axis, True, "sum", x.dtype)
    result = add(log(total), peak)
    return result if keepdims else reshape(result, [s for a, s in enumerate(result.shape)
                                                    if a not in normalize_axes(axis, x.ndim)])


def _truth(x: Any, axis: Any, keepdims: bool, aggregation: str, empty: bool) -> PlaidTensor:
    x = as_tensor(x)
    if x.size == 0:
        axes = normalize_axes(axis, x.ndim)
        shape = [1 if a in axes else s for a, s in enumerate(x.shape)] if keepdims else \
            [s for a, s in enumerate(x.shape) if a not in axes]
        return host_tensor(np.full(shape, empty))
    return cast(reduce(cast(cast(x, "bool"), "int32"), axis, keepdims, aggregation, "int32"), "bool")


def any(x: Any, axis: Any = None, keepdims: bool = False) -> PlaidTensor:
    return _truth(x, axis, keepdims, "max", False)


def all(x: Any, axis: Any = None, keepdims: bool = False) -> PlaidTensor:
    return _truth(x, axis, keepdims, "min", True)


builtins_max = __builtins__["max"] if isinstance(__builtins__, dict) else __builtins__.max
builtins_any = __builtins__["any"] if isinstance(__builtins__, dict) else __builtins__.any


__all__ = ["all", "any", "logsumexp", "max", "mean", "min", "prod", "std", "sum", "var"]
