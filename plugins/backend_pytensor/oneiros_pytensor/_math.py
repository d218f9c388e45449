"""Elementwise math, comparisons, reductions and linear algebra as PyTensor graphs.

Each op casts its inputs to the contract's dtype (``oneiros.dtypes``) before calling PyTensor,
whose own promotion follows numpy's.
"""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np
import pytensor.tensor as pt
from oneiros import dtypes
from pytensor.gradient import disconnected_grad

from oneiros_pytensor._graph import graph_op
from oneiros_pytensor._tensors import (
    as_float,
    axes_tuple,
    compute_name,
    finish,
    float_name,
    promoted,
    promoted_compute,
    static_shape,
    tensor,
)

__all__ = [
    "abs", "add", "all", "any", "arctan", "arctan2", "argmax", "argmin", "argsort", "ceil", "clip",
    "cos", "cosh", "cumprod", "cumsum", "divide", "einsum", "equal", "erf", "exp", "expm1",
    "floor", "floor_divide", "greater", "greater_equal", "isfinite", "isinf", "isnan", "less",
    "less_equal", "log", "log1p", "logical_and", "logical_not", "logical_or", "logical_xor",
    "logsumexp", "matmul", "max", "maximum", "mean", "min", "minimum", "mod", "multiply",
    "negative", "norm", "not_equal", "power", "prod", "reciprocal", "round", "rsqrt", "sign", "sin",
    "sinh", "sort", "sqrt", "square", "std", "subtract", "sum", "tan", "tanh", "tensordot",
    "top_k", "var",
    "bitwise_and", "bitwise_or", "bitwise_xor",
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


def _accumulating(pytensor_op):
    @graph_op
    def run(x, axis=None, keepdims=False):
        x = tensor(x)
        axes = axes_tuple(axis, x.ndim)
        name = dtypes.accumulator(x.dtype)
        result = pytensor_op(finish(x, compute_name(name)), axis=axes, keepdims=keepdims)
        return finish(result, name)

    return run


sum = _accumulating(pt.sum)
prod = _accumulating(pt.prod)


def _float_reduction(compute):
    @graph_op
    def run(x, axis=None, keepdims=False):
        x = as_float(x)
        axes = axes_tuple(axis, x.ndim)
        return finish(compute(finish(x, compute_name(x.dtype)), axes, keepdims), x.dtype)

    return run


def _logsumexp(x: Any, axes: tuple[int, ...], keepdims: bool) -> Any:
    # Shifting by the (gradient-free) maximum keeps exp from overflowing; the shift cancels.
    peak = disconnected_grad(pt.max(x, axis=axes, keepdims=True))
    peak = pt.switch(pt.isinf(peak), 0, peak)
    total = pt.log(pt.sum(pt.exp(x - peak), axis=axes, keepdims=True)) + peak
    return total if keepdims else pt.squeeze(total, axis=axes)


mean = _float_reduction(lambda x, axes, keepdims: pt.mean(x, axis=axes, keepdims=keepdims))
var = _float_reduction(lambda x, axes, keepdims: pt.var(x, axis=axes, keepdims=keepdims))
std = _float_reduction(lambda x, axes, keepdims: pt.std(x, axis=axes, keepdims=keepdims))
logsumexp = _float_reduction(_logsumexp)


def _extreme(pytensor_op):
    @graph_op
    def run(x, axis=None, keepdims=False):
        x = tensor(x)
        axes = axes_tuple(axis, x.ndim)
        if builtins.any(x.type.shape[a] == 0 for a in axes) or (axis is None and 0 in x.type.shape):
            raise ValueError(f"{pytensor_op.__name__} of an empty axis; received shape {x.type.shape}.")
        work = "int8" if x.dtype == "bool" else compute_name(x.dtype)
        return finish(pytensor_op(finish(x, work), axis=axes, keepdims=keepdims), x.dtype)

    return run


max = _extreme(pt.max)
min = _extreme(pt.min)


def _truth_reduction(pytensor_op):
    @graph_op
    def run(x, axis=None, keepdims=False):
        x = _truth(x)
        return pytensor_op(x, axis=axes_tuple(axis, x.ndim), keepdims=keepdims)

    return run


any = _truth_reduction(pt.any)
all = _truth_reduction(pt.all)


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


@graph_op
def matmul(x1, x2):
    (a, b), name = promoted_compute(x1, x2)
    if a.ndim == 0 or b.ndim == 0:
        raise ValueError(f"matmul needs tensors of ndim >= 1; received shapes {a.type.shape}, {b.type.shape}.")
    if a.ndim <= 2 and b.ndim <= 2:
        return finish(pt.dot(a, b), name)
    if b.ndim == 2:
        # Leading axes folded into the rows: one matrix product (np.dot), where pt.matmul's
        # Blockwise would loop in numpy's vectorize.
        rows = pt.reshape(a, (-1, static_shape(a)[-1]))
        return finish(pt.reshape(pt.dot(rows, b), (*static_shape(a)[:-1], static_shape(b)[-1])), name)
    return finish(pt.matmul(a, b), name)


@graph_op
def einsum(subscripts, *operands):
    if not isinstance(subscripts, str):
        raise TypeError(f"einsum subscripts must be a string; received {type(subscripts).__name__}.")
    variables, name = promoted_compute(*operands)
    return finish(pt.einsum(subscripts, *variables), name)


@graph_op
def tensordot(x1, x2, axes=2):
    (a, b), name = promoted_compute(x1, x2)
    return finish(pt.tensordot(a, b, axes=axes), name)


def _vector_norm(x: Any, ord: Any, axis: int, keepdims: bool) -> Any:
    magnitude = pt.abs(x)
    if ord is None or ord == 2:
        return pt.sqrt(pt.sum(pt.sqr(x), axis=axis, keepdims=keepdims))
    if ord == np.inf:
        return pt.max(magnitude, axis=axis, keepdims=keepdims)
    if ord == -np.inf:
        return pt.min(magnitude, axis=axis, keepdims=keepdims)
    if ord == 0:
        return pt.cast(pt.sum(pt.neq(x, 0), axis=axis, keepdims=keepdims), x.dtype)
    if ord == 1:
        return pt.sum(magnitude, axis=axis, keepdims=keepdims)
    return pt.sum(magnitude**ord, axis=axis, keepdims=keepdims) ** (1.0 / ord)


def _matrix_norm(x: Any, ord: Any, axes: tuple[int, int], keepdims: bool) -> Any:
    rows, columns = axes
    if ord in (None, "fro", "f"):
        result = pt.sqrt(pt.sum(pt.sqr(x), axis=axes, keepdims=True))
    elif ord in (1, -1, np.inf, -np.inf):
        # 1: the largest column sum of |x|; inf: the largest row sum (min for the negatives).
        summed, other = (rows, columns) if ord in (1, -1) else (columns, rows)
        totals = pt.sum(pt.abs(x), axis=summed, keepdims=True)
        result = (pt.max if ord > 0 else pt.min)(totals, axis=other, keepdims=True)
    elif ord in (2, -2, "nuc"):
        # Singular values of the matrices, moved to the last two axes.
        batched = pt.moveaxis(x, axes, (-2, -1))
        singular = pt.linalg.svd(batched, compute_uv=False)
        reduce = {2: pt.max, -2: pt.min, "nuc": pt.sum}[ord]
        result = pt.expand_dims(reduce(singular, axis=-1), sorted(axes))
    else:
        raise ValueError(f"norm of matrices takes ord None, 'fro', 'nuc', 1, -1, 2, -2, inf or -inf; received {ord!r}.")
    return result if keepdims else pt.squeeze(result, axis=axes)


@graph_op
def norm(x, ord=None, axis=None, keepdims=False):
    x = as_float(x)
    work = finish(x, compute_name(x.dtype))
    if axis is None and ord is None:
        value = pt.sqrt(pt.sum(pt.sqr(work), axis=None, keepdims=keepdims))
    else:
        axes = axes_tuple(axis, x.ndim) if axis is not None else tuple(range(x.ndim))
        if isinstance(axis, (list, tuple)) and len(axis) == 2:
            axes = tuple(int(a) % x.ndim for a in axis)
        if len(axes) == 1:
            value = _vector_norm(work, ord, axes[0], keepdims)
        elif len(axes) == 2:
            value = _matrix_norm(work, ord, axes, keepdims)
        else:
            raise ValueError(f"norm needs axis None, an int or a pair; received {axis!r} for ndim {x.ndim}.")
    return finish(value, x.dtype)


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
