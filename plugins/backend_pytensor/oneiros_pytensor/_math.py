"""Elementwise math, comparisons, sorting and cumulative ops as PyTensor graphs.

Each op casts its inputs to the contract's dtype (``oneiros.dtypes``) before calling PyTensor,
whose own promotion follows numpy's.
"""

from __future__ import annotations

from typing import Any

import pytensor.tensor as pt

from oneiros import dtypes

from oneiros_pytensor._graph import graph_op
from oneiros_pytensor._tensors import (
    as_float,
    axes_tuple,
    compute_name,
    finish,
    float_name,
    promoted,
    promoted_compute,
    tensor,
)

__all__ = [
    "abs", "add", "arctan", "arctan2", "argmax", "argmin", "argsort", "bitwise_and", "bitwise_or", "bitwise_xor",
    "ceil", "clip", "cos", "cosh", "cumprod", "cumsum", "divide", "equal", "erf", "exp", "expm1", "floor",
    "floor_divide", "greater", "greater_equal", "isfinite", "isinf", "isnan", "less", "less_equal", "log", "log1p",
    "logical_and", "logical_not", "logical_or", "logical_xor", "maximum", "minimum", "mod", "multiply", "negative",
    "not_equal", "power", "reciprocal", "round", "rsqrt", "sign", "sin", "sinh", "sort", "sqrt", "square",
    "subtract", "tan", "tanh", "top_k",
]


def _arithmetic(pytensor_op):
    @graph_op
    def run(x1, x2):
        (a, b), name = promoted_compute(x1, x2)
        return finish(pytensor_op(a, b), name)

    return run


def _comparison(pytensor_op):
    @graph_op
    def run(x1, x2):
        (a, b), _ = promoted_compute(x1, x2)
        return finish(pytensor_op(a, b), "bool")

    return run


def _truth(x: Any) -> Any:
    x = tensor(x)
    return x if x.dtype == "bool" else pt.neq(x, 0)


def _logical(pytensor_op):
    @graph_op
    def run(x1, x2):
        return pytensor_op(_truth(x1), _truth(x2))

    return run


def _float_unary(pytensor_op):
    @graph_op
    def run(x):
        x = as_float(x)
        return finish(pytensor_op(finish(x, compute_name(x.dtype))), x.dtype)

    return run


def _float_pair(x1: Any, x2: Any) -> tuple[Any, Any, str]:
    (a, b), name = promoted(x1, x2)
    name = float_name(name)
    return finish(a, compute_name(name)), finish(b, compute_name(name)), name


def _same_dtype_unary(pytensor_op):
    @graph_op
    def run(x):
        x = tensor(x)
        return finish(pytensor_op(finish(x, compute_name(x.dtype))), x.dtype)

    return run


add = _arithmetic(pt.add)
subtract = _arithmetic(pt.sub)
multiply = _arithmetic(pt.mul)


def _tie_split(larger):
    """max/min of floats whose gradient splits evenly between tied inputs, as JAX's and the
    finite differences' do (PyTensor's gives each tied input the full gradient)."""

    def pick(a: Any, b: Any) -> Any:
        if a.dtype not in dtypes.FLOATS:
            return (pt.maximum if larger else pt.minimum)(a, b)
        first, second = (pt.gt(a, b), pt.lt(a, b)) if larger else (pt.lt(a, b), pt.gt(a, b))
        # NaN fails both tests and propagates through the mean; halves avoid overflow.
        return pt.switch(first, a, pt.switch(second, b, a * 0.5 + b * 0.5))

    return pick


maximum = _arithmetic(_tie_split(larger=True))
minimum = _arithmetic(_tie_split(larger=False))
mod = _arithmetic(pt.mod)
power = _arithmetic(pt.power)

equal = _comparison(pt.eq)
not_equal = _comparison(pt.neq)
less = _comparison(pt.lt)
less_equal = _comparison(pt.le)
greater = _comparison(pt.gt)
greater_equal = _comparison(pt.ge)

logical_and = _logical(pt.and_)
logical_or = _logical(pt.or_)
logical_xor = _logical(pt.xor)


@graph_op
def divide(x1, x2):
    a, b, name = _float_pair(x1, x2)
    return finish(pt.true_div(a, b), name)


@graph_op
def floor_divide(x1, x2):
    (a, b), name = promoted_compute(x1, x2)
    if name in dtypes.FLOATS:
        return finish(pt.floor(pt.true_div(a, b)), name)
    return finish(pt.floor_div(a, b), name)


@graph_op
def arctan2(x1, x2):
    a, b, name = _float_pair(x1, x2)
    return finish(pt.arctan2(a, b), name)


negative = _same_dtype_unary(pt.neg)
abs = _same_dtype_unary(pt.abs)
sign = _same_dtype_unary(pt.sign)
square = _same_dtype_unary(pt.sqr)

sqrt = _float_unary(pt.sqrt)
rsqrt = _float_unary(lambda x: pt.reciprocal(pt.sqrt(x)))
reciprocal = _float_unary(pt.reciprocal)
exp = _float_unary(pt.exp)
expm1 = _float_unary(pt.expm1)
log = _float_unary(pt.log)
log1p = _float_unary(pt.log1p)
sin = _float_unary(pt.sin)
cos = _float_unary(pt.cos)
tan = _float_unary(pt.tan)
arctan = _float_unary(pt.arctan)
sinh = _float_unary(pt.sinh)
cosh = _float_unary(pt.cosh)
tanh = _float_unary(pt.tanh)
erf = _float_unary(pt.erf)


def _rounding(pytensor_op):
    @graph_op
    def run(x):
        x = tensor(x)
        if x.dtype not in dtypes.FLOATS:
            return x
        return finish(pytensor_op(finish(x, compute_name(x.dtype))), x.dtype)

    return run


floor = _rounding(pt.floor)
ceil = _rounding(pt.ceil)
round = _rounding(lambda x: pt.round(x, mode="half_to_even"))


@graph_op
def logical_not(x):
    return pt.invert(_truth(x))


def _float_test(pytensor_op, for_non_floats: bool):
    @graph_op
    def run(x):
        x = tensor(x)
        if x.dtype not in dtypes.FLOATS:
            return (pt.ones if for_non_floats else pt.zeros)(x.shape, dtype="bool")
        return pytensor_op(x)

    return run


isnan = _float_test(pt.isnan, False)
isinf = _float_test(pt.isinf, False)
isfinite = _float_test(pt.isfinite, True)


def _position(pytensor_op):
    @graph_op
    def run(x, axis=None, keepdims=False):
        x = tensor(x)
        work = "int8" if x.dtype == "bool" else compute_name(x.dtype)
        x = finish(x, work)
        if axis is None:
            flat = pytensor_op(pt.flatten(x), axis=0)
            result = pt.reshape(flat, (1,) * x.ndim) if keepdims else flat
        else:
            (axis,) = axes_tuple(axis, x.ndim)
            result = pytensor_op(x, axis=axis, keepdims=keepdims)
        return finish(result, "int32")

    return run


argmax = _position(pt.argmax)
argmin = _position(pt.argmin)


@graph_op
def clip(x, x_min, x_max):
    (value, low, high), name = promoted_compute(x, x_min, x_max)
    return finish(_tie_split(False)(_tie_split(True)(value, low), high), name)


def _cumulative(pytensor_op):
    @graph_op
    def run(x, axis=None):
        x = tensor(x)
        name = "int32" if x.dtype == "bool" else x.dtype
        x = finish(x, compute_name(name))
        if axis is None:
            x, axis = pt.flatten(x), 0
        else:
            (axis,) = axes_tuple(axis, x.ndim)
        return finish(pytensor_op(x, axis=axis), name)

    return run


cumsum = _cumulative(pt.cumsum)
cumprod = _cumulative(pt.cumprod)


def _sortable(x: Any) -> Any:
    x = tensor(x)
    return finish(x, "int8" if x.dtype == "bool" else compute_name(x.dtype))


@graph_op
def sort(x, axis=-1):
    x = tensor(x)
    (axis,) = axes_tuple(axis, x.ndim)
    return finish(pt.sort(_sortable(x), axis=axis), x.dtype)


@graph_op
def argsort(x, axis=-1):
    x = tensor(x)
    (axis,) = axes_tuple(axis, x.ndim)
    return finish(pt.argsort(_sortable(x), axis=axis, stable=True), "int32")


@graph_op
def top_k(x, k, sorted=True):
    x = tensor(x)
    if x.ndim < 1:
        raise ValueError(f"top_k needs a tensor of ndim >= 1; received shape {x.type.shape}.")
    size = x.type.shape[-1]
    if not 0 <= int(k) <= size:
        raise ValueError(f"top_k needs 0 <= k <= {size} (the last axis); received k={k}.")
    # A stable ascending sort of the reversed axis, read backwards, is descending with ties
    # in ascending original index.
    ascending_of_reversed = pt.argsort(_sortable(x)[..., ::-1], axis=-1, stable=True)
    indices = (size - 1 - ascending_of_reversed[..., ::-1])[..., : int(k)]
    return pt.take_along_axis(x, indices, axis=-1), finish(indices, "int32")


def _bitwise(pytensor_op: Any, name: str) -> Any:
    @graph_op
    def run(x, y):
        (x, y), promoted_name = promoted(x, y)
        if promoted_name not in (*dtypes.SIGNED, *dtypes.UNSIGNED, "bool"):
            raise TypeError(f"{name} needs integer (or bool) tensors; received dtype {promoted_name}.")
        return pytensor_op(x, y)

    return run


bitwise_and = _bitwise(pt.and_, "bitwise_and")
bitwise_or = _bitwise(pt.or_, "bitwise_or")
bitwise_xor = _bitwise(pt.xor, "bitwise_xor")
