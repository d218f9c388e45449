"""Elementwise math, comparisons, sorting and cumulative ops: thin calls into jax.numpy.

jax.numpy's promotion with x64 off already is ``oneiros.dtypes.result_type``; the few places
where jax.numpy gives less (rsqrt and erf of integers must be float32) convert only when the
input needs it, so float inputs lower to exactly the jax.numpy HLO.
"""

from __future__ import annotations

import jax.numpy as jnp
from jax import lax

from oneiros import dtypes

from oneiros_jax._dtypes import to_float

__all__ = [
    "abs", "add", "arctan", "arctan2", "argmax", "argmin", "argsort", "bitwise_and", "bitwise_or", "bitwise_xor",
    "ceil", "clip", "cos", "cosh", "cumprod", "cumsum", "divide", "equal", "erf", "exp", "expm1", "floor",
    "floor_divide", "greater", "greater_equal", "isfinite", "isinf", "isnan", "less", "less_equal", "log", "log1p",
    "logical_and", "logical_not", "logical_or", "logical_xor", "maximum", "minimum", "mod", "multiply", "negative",
    "nextafter", "not_equal", "power", "reciprocal", "round", "rsqrt", "sign", "sin", "sinh", "sort", "sqrt",
    "square", "subtract", "tan", "tanh", "top_k",
]


def add(x1, x2):
    return jnp.add(x1, x2)


def subtract(x1, x2):
    return jnp.subtract(x1, x2)


def multiply(x1, x2):
    return jnp.multiply(x1, x2)


def divide(x1, x2):
    return jnp.true_divide(x1, x2)


def floor_divide(x1, x2):
    return jnp.floor_divide(x1, x2)


def mod(x1, x2):
    return jnp.mod(x1, x2)


def power(x1, x2):
    return jnp.power(x1, x2)


def maximum(x1, x2):
    return jnp.maximum(x1, x2)


def minimum(x1, x2):
    return jnp.minimum(x1, x2)


def arctan2(x1, x2):
    return jnp.arctan2(x1, x2)


def equal(x1, x2):
    return jnp.equal(x1, x2)


def not_equal(x1, x2):
    return jnp.not_equal(x1, x2)


def less(x1, x2):
    return jnp.less(x1, x2)


def less_equal(x1, x2):
    return jnp.less_equal(x1, x2)


def greater(x1, x2):
    return jnp.greater(x1, x2)


def greater_equal(x1, x2):
    return jnp.greater_equal(x1, x2)


def logical_and(x1, x2):
    return jnp.logical_and(x1, x2)


def logical_or(x1, x2):
    return jnp.logical_or(x1, x2)


def logical_xor(x1, x2):
    return jnp.logical_xor(x1, x2)


def negative(x):
    return jnp.negative(x)


def abs(x):
    return jnp.abs(x)


def sign(x):
    return jnp.sign(x)


def square(x):
    return jnp.square(x)


def sqrt(x):
    return jnp.sqrt(x)


def rsqrt(x):
    return lax.rsqrt(to_float(x))


def reciprocal(x):
    return jnp.reciprocal(x)


def exp(x):
    return jnp.exp(x)


def expm1(x):
    return jnp.expm1(x)


def log(x):
    return jnp.log(x)


def log1p(x):
    return jnp.log1p(x)


def sin(x):
    return jnp.sin(x)


def cos(x):
    return jnp.cos(x)


def tan(x):
    return jnp.tan(x)


def arctan(x):
    return jnp.arctan(x)


def sinh(x):
    return jnp.sinh(x)


def cosh(x):
    return jnp.cosh(x)


def tanh(x):
    return jnp.tanh(x)


def erf(x):
    return lax.erf(to_float(x))


def floor(x):
    return jnp.floor(x)


def ceil(x):
    return jnp.ceil(x)


def round(x):
    # jnp.round refuses bool; rounding leaves bools (like every integer) unchanged.
    x = jnp.asarray(x)
    return x if x.dtype == jnp.bool_ else jnp.round(x)


def logical_not(x):
    return jnp.logical_not(x)


def isnan(x):
    return jnp.isnan(x)


def isinf(x):
    return jnp.isinf(x)


def isfinite(x):
    return jnp.isfinite(x)


def argmax(x, axis=None, keepdims=False):
    return jnp.argmax(x, axis=axis, keepdims=keepdims)


def argmin(x, axis=None, keepdims=False):
    return jnp.argmin(x, axis=axis, keepdims=keepdims)


def clip(x, x_min, x_max):
    return jnp.clip(x, x_min, x_max)


def cumsum(x, axis=None):
    return jnp.cumsum(x, axis=axis)


def cumprod(x, axis=None):
    return jnp.cumprod(x, axis=axis)


def sort(x, axis=-1):
    return jnp.sort(x, axis=axis)


def argsort(x, axis=-1):
    return jnp.argsort(x, axis=axis, stable=True)


def top_k(x, k, sorted=True):
    # lax.top_k always returns the k entries largest first, which also satisfies sorted=False.
    return lax.top_k(x, k)


def bitwise_and(x, y):
    return jnp.bitwise_and(x, y)


def bitwise_or(x, y):
    return jnp.bitwise_or(x, y)


def bitwise_xor(x, y):
    return jnp.bitwise_xor(x, y)


def nextafter(x1, x2):
    name = dtypes.result_type(x1, x2)
    name = name if name in dtypes.FLOATS else dtypes.DEFAULT_FLOAT
    return jnp.nextafter(jnp.asarray(x1, name), jnp.asarray(x2, name))
