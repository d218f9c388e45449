"""Elementwise math and comparisons with numpy broadcasting and ``oneiros.dtypes`` promotion."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from oneiros.backends.numpy_reference._tensor import (
    as_tensor,
    compute_dtype,
    elementwise,
    finish,
    float_result,
    quiet,
)

__all__ = [
    "abs", "add", "arctan", "arctan2", "ceil", "clip", "cos", "cosh", "divide", "equal", "erf",
    "exp", "expm1", "floor", "floor_divide", "greater", "greater_equal", "isfinite", "isinf",
    "isnan", "less", "less_equal", "log", "log1p", "logical_and", "logical_not", "logical_or",
    "logical_xor", "maximum", "minimum", "mod", "multiply", "negative", "not_equal", "power",
    "reciprocal", "round", "rsqrt", "sign", "sin", "sinh", "sqrt", "square", "subtract", "tan",
    "tanh",
]


def _to_bool(_: str) -> str:
    return "bool"


def _numeric(name: str) -> str:
    """Arithmetic that has no boolean meaning treats bools as int32, as JAX does."""
    return "int32" if name == "bool" else name


def add(x1: Any, x2: Any) -> np.ndarray:
    return elementwise(np.add, None, x1, x2)


def subtract(x1: Any, x2: Any) -> np.ndarray:
    return elementwise(np.subtract, None, x1, x2)


def multiply(x1: Any, x2: Any) -> np.ndarray:
    return elementwise(np.multiply, None, x1, x2)


def divide(x1: Any, x2: Any) -> np.ndarray:
    return elementwise(np.true_divide, float_result, x1, x2)


def floor_divide(x1: Any, x2: Any) -> np.ndarray:
    return elementwise(np.floor_divide, _numeric, x1, x2)


def mod(x1: Any, x2: Any) -> np.ndarray:
    return elementwise(np.mod, _numeric, x1, x2)


def power(x1: Any, x2: Any) -> np.ndarray:
    return elementwise(np.power, _numeric, x1, x2)


def maximum(x1: Any, x2: Any) -> np.ndarray:
    return elementwise(np.maximum, None, x1, x2)


def minimum(x1: Any, x2: Any) -> np.ndarray:
    return elementwise(np.minimum, None, x1, x2)


def arctan2(x1: Any, x2: Any) -> np.ndarray:
    return elementwise(np.arctan2, float_result, x1, x2)


def equal(x1: Any, x2: Any) -> np.ndarray:
    return elementwise(np.equal, _to_bool, x1, x2)


def not_equal(x1: Any, x2: Any) -> np.ndarray:
    return elementwise(np.not_equal, _to_bool, x1, x2)


def less(x1: Any, x2: Any) -> np.ndarray:
    return elementwise(np.less, _to_bool, x1, x2)


def less_equal(x1: Any, x2: Any) -> np.ndarray:
    return elementwise(np.less_equal, _to_bool, x1, x2)


def greater(x1: Any, x2: Any) -> np.ndarray:
    return elementwise(np.greater, _to_bool, x1, x2)


def greater_equal(x1: Any, x2: Any) -> np.ndarray:
    return elementwise(np.greater_equal, _to_bool, x1, x2)


def logical_and(x1: Any, x2: Any) -> np.ndarray:
    return elementwise(np.logical_and, _to_bool, x1, x2)


def logical_or(x1: Any, x2: Any) -> np.ndarray:
    return elementwise(np.logical_or, _to_bool, x1, x2)


def logical_xor(x1: Any, x2: Any) -> np.ndarray:
    return elementwise(np.logical_xor, _to_bool, x1, x2)


def clip(x: Any, x_min: Any, x_max: Any) -> np.ndarray:
    # max-then-min, so x_min > x_max gives x_max everywhere, as in numpy and jax.
    return elementwise(lambda value, low, high: np.minimum(np.maximum(value, low), high), None,
                       x, x_min, x_max)


def _same_dtype(fn: Any, x: Any) -> np.ndarray:
    array = as_tensor(x)
    name = array.dtype.name
    with quiet():
        return finish(fn(array.astype(compute_dtype(name), copy=False)), name)


def _float_valued(fn: Any, x: Any) -> np.ndarray:
    array = as_tensor(x)
    name = float_result(array.dtype.name)
    with quiet():
        return finish(fn(array.astype(compute_dtype(name), copy=False)), name)


def _bool_valued(fn: Any, x: Any) -> np.ndarray:
    array = as_tensor(x)
    with quiet():
        return finish(fn(array.astype(compute_dtype(array.dtype.name), copy=False)), "bool")


def negative(x: Any) -> np.ndarray:
    return _same_dtype(np.negative, x)


def abs(x: Any) -> np.ndarray:
    return _same_dtype(np.abs, x)


def sign(x: Any) -> np.ndarray:
    return _same_dtype(np.sign, x)


def square(x: Any) -> np.ndarray:
    return elementwise(np.square, _numeric, x)


def floor(x: Any) -> np.ndarray:
    return _same_dtype(np.floor, x)


def ceil(x: Any) -> np.ndarray:
    return _same_dtype(np.ceil, x)


def round(x: Any) -> np.ndarray:
    return _same_dtype(np.round, x)


def sqrt(x: Any) -> np.ndarray:
    return _float_valued(np.sqrt, x)


def rsqrt(x: Any) -> np.ndarray:
    return _float_valued(lambda value: 1 / np.sqrt(value), x)


def reciprocal(x: Any) -> np.ndarray:
    return _float_valued(np.reciprocal, x)


def exp(x: Any) -> np.ndarray:
    return _float_valued(np.exp, x)


def expm1(x: Any) -> np.ndarray:
    return _float_valued(np.expm1, x)


def log(x: Any) -> np.ndarray:
    return _float_valued(np.log, x)


def log1p(x: Any) -> np.ndarray:
    return _float_valued(np.log1p, x)


def sin(x: Any) -> np.ndarray:
    return _float_valued(np.sin, x)


def cos(x: Any) -> np.ndarray:
    return _float_valued(np.cos, x)


def tan(x: Any) -> np.ndarray:
    return _float_valued(np.tan, x)


def arctan(x: Any) -> np.ndarray:
    return _float_valued(np.arctan, x)


def sinh(x: Any) -> np.ndarray:
    return _float_valued(np.sinh, x)


def cosh(x: Any) -> np.ndarray:
    return _float_valued(np.cosh, x)


def tanh(x: Any) -> np.ndarray:
    return _float_valued(np.tanh, x)


_scalar_erf = np.frompyfunc(math.erf, 1, 1)


def erf_values(values: np.ndarray) -> np.ndarray:
    """The error function, exact to double precision (numpy has no erf ufunc)."""
    return np.asarray(_scalar_erf(values.astype(np.float64)), dtype=np.float64)


def erf(x: Any) -> np.ndarray:
    return _float_valued(erf_values, x)


def logical_not(x: Any) -> np.ndarray:
    return _bool_valued(np.logical_not, x)


def isnan(x: Any) -> np.ndarray:
    return _bool_valued(np.isnan, x)


def isinf(x: Any) -> np.ndarray:
    return _bool_valued(np.isinf, x)


def isfinite(x: Any) -> np.ndarray:
    return _bool_valued(np.isfinite, x)
