"""Elementwise math, comparisons, sorting and cumulative ops on tf.math.

TensorFlow does not promote, has no arithmetic on bool and lacks a few integer kernels, so each
op converts its operands (``_dtypes.promoted``) and runs the integer cases that have no kernel
in a wider integer dtype, which wraps around exactly as the narrow dtype would.
"""

from __future__ import annotations

import tensorflow as tf

from oneiros_tensorflow._dtypes import (
    FLOAT32,
    FLOAT_DTYPES,
    INT32,
    UNSIGNED_DTYPES,
    promoted,
    tensor,
    to_float,
)

__all__ = [
    "abs", "add", "arctan", "arctan2", "argmax", "argmin", "argsort", "bitwise_and", "bitwise_or", "bitwise_xor",
    "ceil", "clip", "cos", "cosh", "cumprod", "cumsum", "divide", "equal", "erf", "exp", "expm1", "floor",
    "floor_divide", "greater", "greater_equal", "isfinite", "isinf", "isnan", "less", "less_equal", "log", "log1p",
    "logical_and", "logical_not", "logical_or", "logical_xor", "maximum", "minimum", "mod", "multiply", "negative",
    "nextafter", "not_equal", "power", "reciprocal", "round", "rsqrt", "sign", "sin", "sinh", "sort", "sqrt",
    "square", "subtract", "tan", "tanh", "top_k",
]

_LOW_PRECISION = frozenset({tf.float16, tf.bfloat16})
_INT64 = tf.int64


def _is_float(x: tf.Tensor) -> bool:
    return x.dtype in FLOAT_DTYPES


def _wide_int(x: tf.Tensor) -> tf.DType:
    """An integer dtype with a kernel for every op, wide enough to wrap like ``x``'s."""
    return _INT64 if x.dtype == tf.uint32 else INT32


def _in_wide_int(fn, *xs: tf.Tensor) -> tf.Tensor:
    """``fn`` computed in a wider integer dtype, cast back to the operands' dtype."""
    dtype = xs[0].dtype
    wide = _wide_int(xs[0])
    return tf.cast(fn(*(tf.cast(x, wide) for x in xs)), dtype)


def _axes(axis):
    return list(axis) if isinstance(axis, (tuple, list)) else axis


# --- binary arithmetic -------------------------------------------------------------------

def add(x1, x2):
    x1, x2 = promoted(x1, x2)
    return tf.logical_or(x1, x2) if x1.dtype == tf.bool else tf.add(x1, x2)


def subtract(x1, x2):
    x1, x2 = promoted(x1, x2)
    if x1.dtype == tf.bool:
        raise TypeError("subtract: numpy refuses '-' on two bool tensors; use logical_xor instead.")
    return tf.subtract(x1, x2)


def multiply(x1, x2):
    x1, x2 = promoted(x1, x2)
    return tf.logical_and(x1, x2) if x1.dtype == tf.bool else tf.multiply(x1, x2)


def divide(x1, x2):
    x1, x2 = promoted(x1, x2)
    if not _is_float(x1):
        x1, x2 = tf.cast(x1, FLOAT32), tf.cast(x2, FLOAT32)
    return tf.math.truediv(x1, x2)


def floor_divide(x1, x2):
    x1, x2 = promoted(x1, x2)
    if x1.dtype == tf.bool:
        x1, x2 = tf.cast(x1, tf.int8), tf.cast(x2, tf.int8)
        return tf.cast(tf.math.floordiv(x1, x2), tf.bool)
    return tf.math.floordiv(x1, x2)


def mod(x1, x2):
    x1, x2 = promoted(x1, x2)
    return tf.math.floormod(x1, x2)


def power(x1, x2):
    x1, x2 = promoted(x1, x2)
    if x1.dtype in UNSIGNED_DTYPES or x1.dtype == tf.bool:
        return _in_wide_int(tf.pow, x1, x2)
    return tf.pow(x1, x2)


def _float_extremum(first_wins: tf.Tensor, second_wins: tf.Tensor, x1: tf.Tensor, x2: tf.Tensor) -> tf.Tensor:
    """The float maximum or minimum as numpy and JAX define it: where neither operand wins (a
    tie or a NaN) the result is their mean, which is the tied value or NaN, and the gradient is
    shared half and half (tf.maximum gives it all to one side and drops NaNs)."""
    shared = x1 * 0.5 + x2 * 0.5
    return tf.where(first_wins, x1, tf.where(second_wins, x2, shared))


def maximum(x1, x2):
    x1, x2 = promoted(x1, x2)
    if x1.dtype == tf.bool:
        return tf.logical_or(x1, x2)
    if _is_float(x1):
        return _float_extremum(tf.greater(x1, x2), tf.less(x1, x2), x1, x2)
    return tf.maximum(x1, x2)


def minimum(x1, x2):
    x1, x2 = promoted(x1, x2)
    if x1.dtype == tf.bool:
        return tf.logical_and(x1, x2)
    if _is_float(x1):
        return _float_extremum(tf.less(x1, x2), tf.greater(x1, x2), x1, x2)
    return tf.minimum(x1, x2)


def arctan2(x1, x2):
    x1, x2 = promoted(x1, x2)
    if not _is_float(x1):
        x1, x2 = tf.cast(x1, FLOAT32), tf.cast(x2, FLOAT32)
    return tf.atan2(x1, x2)


# --- comparisons and logic ---------------------------------------------------------------

def _ordered(x1, x2):
    """Promoted operands; bools as uint8 (TensorFlow has no ordering comparisons on bool)."""
    x1, x2 = promoted(x1, x2)
    if x1.dtype == tf.bool:
        return tf.cast(x1, tf.uint8), tf.cast(x2, tf.uint8)
    return x1, x2


def equal(x1, x2):
    return tf.equal(*promoted(x1, x2))


def not_equal(x1, x2):
    return tf.not_equal(*promoted(x1, x2))


def less(x1, x2):
    return tf.less(*_ordered(x1, x2))


def less_equal(x1, x2):
    return tf.less_equal(*_ordered(x1, x2))


def greater(x1, x2):
    return tf.greater(*_ordered(x1, x2))


def greater_equal(x1, x2):
    return tf.greater_equal(*_ordered(x1, x2))


def _truth(x) -> tf.Tensor:
    x = tensor(x)
    return x if x.dtype == tf.bool else tf.not_equal(x, tf.zeros((), x.dtype))


def logical_and(x1, x2):
    return tf.logical_and(_truth(x1), _truth(x2))


def logical_or(x1, x2):
    return tf.logical_or(_truth(x1), _truth(x2))


def logical_xor(x1, x2):
    return tf.math.logical_xor(_truth(x1), _truth(x2))


def logical_not(x):
    return tf.logical_not(_truth(x))


# --- unary -------------------------------------------------------------------------------

def negative(x):
    x = tensor(x)
    if x.dtype in UNSIGNED_DTYPES:
        return tf.subtract(tf.zeros((), x.dtype), x)
    if x.dtype == tf.bool:
        raise TypeError("negative: numpy refuses '-' on a bool tensor; use logical_not instead.")
    return tf.negative(x)


def abs(x):
    x = tensor(x)
    return x if x.dtype in UNSIGNED_DTYPES or x.dtype == tf.bool else tf.abs(x)


def sign(x):
    x = tensor(x)
    if x.dtype in UNSIGNED_DTYPES or x.dtype == tf.bool:
        return tf.cast(tf.not_equal(x, tf.zeros((), x.dtype)), x.dtype)
    return tf.sign(x)


def square(x):
    x = tensor(x)
    return x if x.dtype == tf.bool else tf.square(x)


def sqrt(x):
    return tf.sqrt(to_float(x))


def rsqrt(x):
    return tf.math.rsqrt(to_float(x))


def reciprocal(x):
    return tf.math.reciprocal(to_float(x))


def exp(x):
    return tf.exp(to_float(x))


def expm1(x):
    return tf.math.expm1(to_float(x))


def log(x):
    return tf.math.log(to_float(x))


def log1p(x):
    return tf.math.log1p(to_float(x))


def sin(x):
    return tf.sin(to_float(x))


def cos(x):
    return tf.cos(to_float(x))


def tan(x):
    return tf.tan(to_float(x))


def arctan(x):
    return tf.atan(to_float(x))


def sinh(x):
    return tf.sinh(to_float(x))


def cosh(x):
    return tf.cosh(to_float(x))


def tanh(x):
    return tf.tanh(to_float(x))


def erf(x):
    return tf.math.erf(to_float(x))


def floor(x):
    x = tensor(x)
    return tf.floor(x) if _is_float(x) else x


def ceil(x):
    x = tensor(x)
    return tf.math.ceil(x) if _is_float(x) else x


def round(x):
    x = tensor(x)
    # tf.round rounds half to even, like numpy.
    return tf.round(x) if _is_float(x) else x


def isnan(x):
    x = tensor(x)
    return tf.math.is_nan(x) if _is_float(x) else tf.zeros(x.shape, tf.bool)


def isinf(x):
    x = tensor(x)
    return tf.math.is_inf(x) if _is_float(x) else tf.zeros(x.shape, tf.bool)


def isfinite(x):
    x = tensor(x)
    return tf.math.is_finite(x) if _is_float(x) else tf.ones(x.shape, tf.bool)


# --- reductions --------------------------------------------------------------------------


def _arg_reduce(reducer, x, axis, keepdims) -> tf.Tensor:
    x = tensor(x)
    if x.dtype == tf.bool:
        x = tf.cast(x, tf.uint8)
    if axis is None:
        result = reducer(tf.reshape(x, [-1]), axis=0, output_type=INT32)
        return tf.reshape(result, [1] * len(x.shape)) if keepdims else result
    result = reducer(x, axis=axis, output_type=INT32)
    return tf.expand_dims(result, axis) if keepdims else result


def argmax(x, axis=None, keepdims=False):
    return _arg_reduce(tf.argmax, x, axis, keepdims)


def argmin(x, axis=None, keepdims=False):
    return _arg_reduce(tf.argmin, x, axis, keepdims)


def clip(x, x_min, x_max):
    x, x_min, x_max = promoted(x, x_min, x_max)
    return minimum(maximum(x, x_min), x_max)


# --- linear algebra ----------------------------------------------------------------------


# --- scans, sorting ----------------------------------------------------------------------

def _flattened(x, axis):
    x = tensor(x)
    return (tf.reshape(x, [-1]), 0) if axis is None else (x, axis)


def cumsum(x, axis=None):
    x, axis = _flattened(x, axis)
    if x.dtype == tf.bool:
        x = tf.cast(x, INT32)
    if x.dtype in _LOW_PRECISION:
        return tf.cast(tf.cumsum(tf.cast(x, FLOAT32), axis=axis), x.dtype)
    return tf.cumsum(x, axis=axis)


def cumprod(x, axis=None):
    x, axis = _flattened(x, axis)
    if x.dtype == tf.bool:
        return tf.cast(tf.math.cumprod(tf.cast(x, INT32), axis=axis), tf.bool)
    return tf.math.cumprod(x, axis=axis)


def sort(x, axis=-1):
    x = tensor(x)
    if x.dtype == tf.bool:
        return tf.cast(tf.sort(tf.cast(x, tf.uint8), axis=axis), tf.bool)
    return tf.sort(x, axis=axis)


def argsort(x, axis=-1):
    x = tensor(x)
    if x.dtype == tf.bool:
        x = tf.cast(x, tf.uint8)
    return tf.argsort(x, axis=axis, stable=True)


def top_k(x, k, sorted=True):
    # tf.math.top_k with sorted=True gives the k entries largest first (ties: lower index
    # first), which also satisfies sorted=False.
    values, indices = tf.math.top_k(tensor(x), k, sorted=True)
    return values, tf.cast(indices, INT32)


def _bitwise(bool_op, int_op, x, y):
    x, y = promoted(x, y)
    return bool_op(x, y) if x.dtype == tf.bool else int_op(x, y)


def bitwise_and(x, y):
    return _bitwise(tf.logical_and, tf.bitwise.bitwise_and, x, y)


def bitwise_or(x, y):
    return _bitwise(tf.logical_or, tf.bitwise.bitwise_or, x, y)


def bitwise_xor(x, y):
    return _bitwise(tf.math.logical_xor, tf.bitwise.bitwise_xor, x, y)


def nextafter(x1, x2):
    x1, x2 = promoted(x1, x2)
    if not x1.dtype.is_floating:
        x1, x2 = tf.cast(x1, tf.float32), tf.cast(x2, tf.float32)
    if x1.dtype != tf.float32:
        raise TypeError(f"TensorFlow's nextafter has float32 and float64 kernels only; received {x1.dtype.name}.")
    return tf.math.nextafter(x1, x2)
