"""Elementwise math, comparisons and bitwise logic with numpy broadcasting and ``oneiros.dtypes``
promotion; arg-reductions, cumulative ops, sorting and top-k.

Operands are cast to the promoted dtype before MXNet sees them (MXNet's own promotion differs:
int32 + 2.5 stays int32 there), so only the contract's rules decide result dtypes.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np
from mxnet import autograd, numpy as mnp, numpy_extension as npx

from oneiros import dtypes

from oneiros_mxnet._host import upload
from oneiros_mxnet._layout import ChannelsLastView
from oneiros_mxnet._reduction import _along
from oneiros_mxnet._shape import take_along_axis
from oneiros_mxnet._tensor import (
    as_tensor,
    dtype_kind,
    dtype_name,
    elementwise,
    finish,
    float_result,
    is_python_scalar,
    mxnet_dtype,
    select,
    to_compute,
)

__all__ = [
    "abs", "add", "arctan", "arctan2", "argmax", "argmin", "argsort", "bitwise_and", "bitwise_or", "bitwise_xor",
    "ceil", "clip", "cos", "cosh", "cumprod", "cumsum", "divide", "equal", "erf", "exp", "expm1", "floor",
    "floor_divide", "greater", "greater_equal", "isfinite", "isinf", "isnan", "less", "less_equal", "log", "log1p",
    "logical_and", "logical_not", "logical_or", "logical_xor", "maximum", "minimum", "mod", "multiply", "negative",
    "not_equal", "power", "reciprocal", "round", "rsqrt", "sign", "sin", "sinh", "sort", "sqrt", "square",
    "subtract", "tan", "tanh", "top_k",
]

_INTEGER_KINDS = "iub"


def _to_bool(_: str) -> str:
    return "bool"


def _numeric(name: str) -> str:
    """Arithmetic that has no boolean meaning treats bools as int32, as JAX does."""
    return "int32" if name == "bool" else name


def _is_integer(value: Any) -> bool:
    return isinstance(value, int) if is_python_scalar(value) else dtype_kind(value) in _INTEGER_KINDS


# Below this many broadcast copies, MXNet's own reduction is fast enough.
_EXPANSION_THRESHOLD = 4096


@functools.lru_cache(maxsize=64)
def _ones_column(rows: int, dtype: str, device: str) -> Any:
    return upload(np.ones((rows, 1), dtype=dtype))


def _expanded(small: Any, shape: tuple[int, ...]) -> Any:
    """``small`` repeated over the leading axes of ``shape`` by a matrix product, or as it is.

    The gradient of a broadcast operand is a sum over the broadcast axes, and MXNet's reduction
    kernels are slow for that (a (128, 26, 26, 32) activation plus a bias spends ~100 ms there
    on CPU). Written as ones(rows, 1) @ small(1, k), the same sum is a BLAS matrix product.
    """
    trailing = tuple(small.shape)
    while trailing and trailing[0] == 1:
        trailing = trailing[1:]
    leading = shape[:len(shape) - len(trailing)]
    rows = int(np.prod(leading, dtype=np.int64))
    if shape[len(leading):] != trailing or rows < _EXPANSION_THRESHOLD or dtype_kind(small) != "f":
        return small
    ones = _ones_column(rows, mxnet_dtype(small), str(small.ctx))
    return mnp.matmul(ones, small.reshape((1, -1))).reshape(shape)


def _fast_broadcast_gradient(fn: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def apply(a: Any, b: Any) -> Any:
        if is_python_scalar(a) or is_python_scalar(b) or not autograd.is_recording() or a.shape == b.shape:
            return fn(a, b)
        shape = np.broadcast_shapes(tuple(a.shape), tuple(b.shape))
        return fn(_expanded(a, shape), _expanded(b, shape))

    return apply


_add = _fast_broadcast_gradient(mnp.add)
_subtract = _fast_broadcast_gradient(mnp.subtract)
_multiply = _fast_broadcast_gradient(mnp.multiply)


def _bias_into_convolution(view: Any, bias: Any) -> ChannelsLastView | None:
    """``view + bias`` computed by MXNet's convolution kernel, when ``view`` is a pending
    float32 convolution and ``bias`` a float32 vector over its channels (see ``_layout``)."""
    if type(view) is not ChannelsLastView or is_python_scalar(bias):
        return None
    vector = as_tensor(bias)
    if vector.shape != (view.shape[-1],) or dtype_name(vector) != "float32":
        return None
    return view.with_bias(vector)


def add(x1, x2):
    fused = _bias_into_convolution(x1, x2) or _bias_into_convolution(x2, x1)
    return fused if fused is not None else elementwise(_add, None, x1, x2)


def subtract(x1, x2):
    return elementwise(_subtract, None, x1, x2)


def multiply(x1, x2):
    return elementwise(_multiply, None, x1, x2)


def divide(x1, x2):
    return elementwise(mnp.true_divide, float_result, x1, x2)


def _floor_quotient(a: Any, b: Any) -> Any:
    if not (_is_integer(a) and _is_integer(b)):
        return mnp.floor(mnp.true_divide(a, b))
    # a - mod(a, b) is an exact multiple of b, so the float64 quotient is exact.
    wide_a, wide_b = (value if isinstance(value, int) else value.astype("int64", copy=False) for value in (a, b))
    exact_multiple = mnp.subtract(wide_a, mnp.mod(wide_a, wide_b))
    divisor = b if isinstance(b, int) else b.astype("float64", copy=False)
    return mnp.true_divide(exact_multiple.astype("float64", copy=False), divisor)


def floor_divide(x1, x2):
    return elementwise(_floor_quotient, _numeric, x1, x2)


def mod(x1, x2):
    return elementwise(mnp.mod, _numeric, x1, x2)


def power(x1, x2):
    return elementwise(mnp.power, _numeric, x1, x2)


def _tie_splitting(pick: Callable[[Any, Any], Any], wins: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    """``pick`` whose gradient, while autograd records, goes half to each operand at ties.

    MXNet's maximum/minimum send the whole gradient to both operands where they are equal;
    JAX (and the finite differences of the contract) split it.
    """
    def chosen(a: Any, b: Any) -> Any:
        floats = any(not is_python_scalar(v) and dtype_kind(v) == "f" for v in (a, b))
        if not (floats and autograd.is_recording()):
            return pick(a, b)
        return select(wins(a, b), a, select(wins(b, a), b, (a + b) * 0.5))

    return chosen


_larger = _tie_splitting(mnp.maximum, mnp.greater)
_smaller = _tie_splitting(mnp.minimum, mnp.less)


def maximum(x1, x2):
    return elementwise(_larger, None, x1, x2)


def minimum(x1, x2):
    return elementwise(_smaller, None, x1, x2)


def arctan2(x1, x2):
    return elementwise(mnp.arctan2, float_result, x1, x2)


def equal(x1, x2):
    return elementwise(mnp.equal, _to_bool, x1, x2)


def not_equal(x1, x2):
    return elementwise(mnp.not_equal, _to_bool, x1, x2)


def less(x1, x2):
    return elementwise(mnp.less, _to_bool, x1, x2)


def less_equal(x1, x2):
    return elementwise(mnp.less_equal, _to_bool, x1, x2)


def greater(x1, x2):
    return elementwise(mnp.greater, _to_bool, x1, x2)


def greater_equal(x1, x2):
    return elementwise(mnp.greater_equal, _to_bool, x1, x2)


def _truth(value: Any) -> Any:
    """1 where ``value`` is true (non-zero, NaN included), else 0, as int32."""
    if not hasattr(value, "dtype"):
        return int(bool(value))
    return mnp.not_equal(value, 0).astype("int32", copy=False)


def logical_and(x1, x2):
    return elementwise(lambda a, b: mnp.multiply(_truth(a), _truth(b)), _to_bool, x1, x2)


def logical_or(x1, x2):
    return elementwise(lambda a, b: mnp.add(_truth(a), _truth(b)), _to_bool, x1, x2)


def logical_xor(x1, x2):
    return elementwise(lambda a, b: mnp.not_equal(_truth(a), _truth(b)), _to_bool, x1, x2)


def clip(x, x_min, x_max):
    # max-then-min, so x_min > x_max gives x_max everywhere, as in numpy and jax.
    return elementwise(lambda value, low, high: _smaller(_larger(value, low), high), None, x, x_min, x_max)


def _same_dtype(fn: Callable[[Any], Any], x: Any) -> Any:
    tensor = as_tensor(x)
    name = dtype_name(tensor)
    return finish(fn(to_compute(tensor, name)), name)


def _float_valued(fn: Callable[[Any], Any], x: Any) -> Any:
    tensor = as_tensor(x)
    name = float_result(dtype_name(tensor))
    return finish(fn(to_compute(tensor, name)), name)


def _bool_valued(fn: Callable[[Any], Any], x: Any) -> Any:
    tensor = as_tensor(x)
    return finish(fn(to_compute(tensor, dtype_name(tensor))), "bool")


def _rounding(fn: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Rounding leaves integers as they are (MXNet's rounding kernels take floats only)."""
    return lambda values: values if dtype_kind(values) in _INTEGER_KINDS else fn(values)


def negative(x):
    return _same_dtype(mnp.negative, x)


def abs(x):
    return _same_dtype(mnp.abs, x)


def sign(x):
    return _same_dtype(mnp.sign, x)


def square(x):
    return elementwise(mnp.square, _numeric, x)


def floor(x):
    return _same_dtype(_rounding(mnp.floor), x)


def ceil(x):
    return _same_dtype(_rounding(mnp.ceil), x)


def round(x):
    return _same_dtype(_rounding(mnp.round), x)


def sqrt(x):
    return _float_valued(mnp.sqrt, x)


def rsqrt(x):
    return _float_valued(lambda values: mnp.reciprocal(mnp.sqrt(values)), x)


def reciprocal(x):
    return _float_valued(mnp.reciprocal, x)


def exp(x):
    return _float_valued(mnp.exp, x)


def expm1(x):
    return _float_valued(mnp.expm1, x)


def log(x):
    return _float_valued(mnp.log, x)


def log1p(x):
    return _float_valued(mnp.log1p, x)


def sin(x):
    return _float_valued(mnp.sin, x)


def cos(x):
    return _float_valued(mnp.cos, x)


def tan(x):
    return _float_valued(mnp.tan, x)


def arctan(x):
    return _float_valued(mnp.arctan, x)


def sinh(x):
    return _float_valued(mnp.sinh, x)


def cosh(x):
    return _float_valued(mnp.cosh, x)


def tanh(x):
    return _float_valued(mnp.tanh, x)


def erf(x):
    return _float_valued(npx.erf, x)


def logical_not(x):
    return _bool_valued(mnp.logical_not, x)


def isnan(x):
    return _bool_valued(mnp.isnan, x)


def isinf(x):
    return _bool_valued(mnp.isinf, x)


def isfinite(x):
    return _bool_valued(mnp.isfinite, x)


_INTEGERS = (*dtypes.SIGNED, *dtypes.UNSIGNED, "bool")


def _bitwise(mxnet_op: Any, name: str) -> Any:
    def run(x, y):
        promoted = dtypes.result_type(*(value if isinstance(value, (bool, int, float)) else value.dtype
                                        for value in (x, y)))
        if promoted not in _INTEGERS:
            raise TypeError(f"{name} needs integer (or bool) tensors; received dtype {promoted}.")
        return elementwise(mxnet_op, None, x, y)

    run.__name__ = run.__qualname__ = name
    return run


bitwise_and = _bitwise(mnp.bitwise_and, "bitwise_and")


bitwise_or = _bitwise(mnp.bitwise_or, "bitwise_or")


bitwise_xor = _bitwise(mnp.bitwise_xor, "bitwise_xor")


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


def _flattened(values: Any, axis: Any) -> tuple[Any, int]:
    """``values`` and a non-negative axis (flattened for axis None): MXNet refuses negative ones."""
    if axis is None:
        return values.reshape(-1), 0
    return values, int(axis) % values.ndim


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


def argmax(x, axis=None, keepdims=False):
    return _arg_reduce(mnp.argmax, x, axis, keepdims)


def argmin(x, axis=None, keepdims=False):
    return _arg_reduce(mnp.argmin, x, axis, keepdims)


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
