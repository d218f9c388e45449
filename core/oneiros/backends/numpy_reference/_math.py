"""Elementwise arithmetic, comparisons, math functions, sorting and cumulative ops, each straight from
numpy (or the standard library):
the oracle the derived definitions of ``oneiros.ops`` are checked against."""

from __future__ import annotations

import builtins
import math
from typing import Any

import numpy as np

from oneiros import dtypes
from oneiros.backends.numpy_reference._reduction import _arg_reduce, _cumulative
from oneiros.backends.numpy_reference._tensor import as_tensor, compute_dtype, elementwise, finish, float_result, quiet

__all__ = [
    "abs", "absolute", "add", "allclose", "angle", "arccos", "arccosh", "arcsin", "arcsinh", "arctan", "arctan2",
    "arctanh", "argmax", "argmin", "argsort", "bincount", "bitwise_and", "bitwise_invert", "bitwise_left_shift",
    "bitwise_not", "bitwise_or", "bitwise_right_shift", "bitwise_xor", "cbrt", "ceil", "clip", "conj", "conjugate",
    "corrcoef", "correlate", "cos", "cosh", "cumprod", "cumsum", "deg2rad", "diff", "divide", "divide_no_nan",
    "equal", "erf", "erfc", "erfinv", "exp", "exp2", "expm1", "fabs", "floor", "floor_divide", "fmax", "fmin",
    "fmod", "gcd", "greater", "greater_equal", "heaviside", "histogram", "hypot", "i0", "imag", "isclose",
    "isfinite", "isinf", "isnan", "isneginf", "isposinf", "isreal", "lcm", "ldexp", "left_shift", "less",
    "less_equal", "log", "log10", "log1p", "log2", "logaddexp", "logaddexp2", "logical_and", "logical_not",
    "logical_or", "logical_xor", "maximum", "minimum", "mod", "multiply", "nan_to_num", "nancumprod", "nancumsum",
    "negative", "nextafter", "not_equal", "power", "rad2deg", "real", "reciprocal", "right_shift", "round", "rsqrt",
    "sign", "signbit", "sin", "sinc", "sinh", "sort", "sqrt", "square", "subtract", "tan", "tanh", "top_k",
    "trapezoid", "true_divide", "trunc",
]

_INTEGERS = (*dtypes.SIGNED, *dtypes.UNSIGNED, "bool")


def _integers_only(name: str, *values: Any) -> None:
    kinds = [np.asarray(value).dtype.name if not isinstance(value, (bool, int)) else "int" for value in values]
    if not all(kind in (*_INTEGERS, "int", "int64") for kind in kinds):
        raise TypeError(f"{name} needs integer (or bool) tensors; received dtypes {kinds}.")


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


def absolute(x: Any) -> np.ndarray:
    return _same_dtype(np.abs, x)


def fabs(x: Any) -> np.ndarray:
    return _float_valued(np.abs, x)


def arcsin(x: Any) -> np.ndarray:
    return _float_valued(np.arcsin, x)


def arccos(x: Any) -> np.ndarray:
    return _float_valued(np.arccos, x)


def arcsinh(x: Any) -> np.ndarray:
    return _float_valued(np.arcsinh, x)


def arccosh(x: Any) -> np.ndarray:
    return _float_valued(np.arccosh, x)


def arctanh(x: Any) -> np.ndarray:
    return _float_valued(np.arctanh, x)


def cbrt(x: Any) -> np.ndarray:
    return _float_valued(np.cbrt, x)


def deg2rad(x: Any) -> np.ndarray:
    return _float_valued(np.deg2rad, x)


def rad2deg(x: Any) -> np.ndarray:
    return _float_valued(np.rad2deg, x)


def exp2(x: Any) -> np.ndarray:
    return _float_valued(np.exp2, x)


def log2(x: Any) -> np.ndarray:
    return _float_valued(np.log2, x)


def log10(x: Any) -> np.ndarray:
    return _float_valued(np.log10, x)


def _exactly(function: Any) -> Any:
    scalar = np.frompyfunc(function, 1, 1)
    return lambda values: np.asarray(scalar(values.astype(np.float64)), dtype=np.float64)


def erfc(x: Any) -> np.ndarray:
    return _float_valued(_exactly(math.erfc), x)


def _erfinv_exact(value: float) -> float:
    """Newton's method on math.erf from a bracketing bisection start: exact to double precision."""
    if not -1 < value < 1:
        return math.copysign(math.inf, value) if builtins.abs(value) == 1 else math.nan
    low, high = -6.0, 6.0
    for _ in range(60):
        middle = (low + high) / 2
        low, high = (middle, high) if math.erf(middle) < value else (low, middle)
    root = (low + high) / 2
    for _ in range(3):
        root -= (math.erf(root) - value) / (2 / math.sqrt(math.pi) * math.exp(-root * root))
    return root


def erfinv(x: Any) -> np.ndarray:
    return _float_valued(_exactly(_erfinv_exact), x)


def trunc(x: Any) -> np.ndarray:
    return _same_dtype(np.trunc, x)


def sinc(x: Any) -> np.ndarray:
    return _float_valued(np.sinc, x)


def i0(x: Any) -> np.ndarray:
    return _float_valued(lambda values: np.i0(values.astype(np.float64)), x)


def signbit(x: Any) -> np.ndarray:
    return _bool_valued(np.signbit, x)


def isneginf(x: Any) -> np.ndarray:
    return _bool_valued(np.isneginf, x)


def isposinf(x: Any) -> np.ndarray:
    return _bool_valued(np.isposinf, x)


def isreal(x: Any) -> np.ndarray:
    return _bool_valued(np.isreal, x)


def real(x: Any) -> np.ndarray:
    return _same_dtype(np.real, x)


def imag(x: Any) -> np.ndarray:
    return _same_dtype(np.imag, x)


def conj(x: Any) -> np.ndarray:
    return _same_dtype(np.conj, x)


def conjugate(x: Any) -> np.ndarray:
    return _same_dtype(np.conjugate, x)


def angle(x: Any) -> np.ndarray:
    return _float_valued(np.angle, x)


def nan_to_num(x: Any, nan: Any = 0.0, posinf: Any = None, neginf: Any = None) -> np.ndarray:
    array = as_tensor(x)
    return finish(np.nan_to_num(array, nan=nan, posinf=posinf, neginf=neginf), array.dtype.name)


def true_divide(x1: Any, x2: Any) -> np.ndarray:
    return elementwise(np.true_divide, float_result, x1, x2)


def divide_no_nan(x1: Any, x2: Any) -> np.ndarray:
    return elementwise(lambda a, b: np.where(b == 0, 0, a / np.where(b == 0, 1, b)), float_result, x1, x2)


def hypot(x1: Any, x2: Any) -> np.ndarray:
    return elementwise(np.hypot, float_result, x1, x2)


def heaviside(x1: Any, x2: Any) -> np.ndarray:
    return elementwise(np.heaviside, float_result, x1, x2)


def logaddexp(x1: Any, x2: Any) -> np.ndarray:
    return elementwise(np.logaddexp, float_result, x1, x2)


def logaddexp2(x1: Any, x2: Any) -> np.ndarray:
    return elementwise(np.logaddexp2, float_result, x1, x2)


def fmax(x1: Any, x2: Any) -> np.ndarray:
    return elementwise(np.fmax, None, x1, x2)


def fmin(x1: Any, x2: Any) -> np.ndarray:
    return elementwise(np.fmin, None, x1, x2)


def fmod(x1: Any, x2: Any) -> np.ndarray:
    return elementwise(np.fmod, None, x1, x2)


def ldexp(x1: Any, x2: Any) -> np.ndarray:
    _integers_only("ldexp's exponent x2", x2)
    mantissa = as_tensor(x1)
    name = float_result(mantissa.dtype.name)
    with quiet():
        return finish(np.ldexp(mantissa.astype(np.float64), np.asarray(x2, np.int32)), name)


def gcd(x1: Any, x2: Any) -> np.ndarray:
    _integers_only("gcd", x1, x2)
    return elementwise(np.gcd, None, x1, x2)


def lcm(x1: Any, x2: Any) -> np.ndarray:
    _integers_only("lcm", x1, x2)
    return elementwise(np.lcm, None, x1, x2)


def _integer_op(function: Any, name: str) -> Any:
    def run(x: Any, y: Any) -> np.ndarray:
        _integers_only(name, x, y)
        return elementwise(function, None, x, y)

    run.__name__ = run.__qualname__ = name
    return run


bitwise_and = _integer_op(np.bitwise_and, "bitwise_and")
bitwise_or = _integer_op(np.bitwise_or, "bitwise_or")
bitwise_xor = _integer_op(np.bitwise_xor, "bitwise_xor")
left_shift = _integer_op(np.left_shift, "left_shift")
right_shift = _integer_op(np.right_shift, "right_shift")


def bitwise_invert(x: Any) -> np.ndarray:
    _integers_only("bitwise_invert", x)
    return _same_dtype(np.invert, x)


def bitwise_not(x: Any) -> np.ndarray:
    return bitwise_invert(x)


def bitwise_left_shift(x: Any, y: Any) -> np.ndarray:
    return left_shift(x, y)


def bitwise_right_shift(x: Any, y: Any) -> np.ndarray:
    return right_shift(x, y)


def nextafter(x1: Any, x2: Any) -> np.ndarray:
    # computed in the promoted dtype itself: float32 steps differ from float64 ones
    promoted = dtypes.result_type(*(x if isinstance(x, (bool, int, float)) else as_tensor(x) for x in (x1, x2)))
    name = float_result(promoted)
    work = np.float32 if name == "bfloat16" else np.dtype(name)
    with quiet():
        return finish(np.nextafter(np.asarray(x1, work), np.asarray(x2, work)), name)


def isclose(x1: Any, x2: Any, rtol: Any = 1e-05, atol: Any = 1e-08, equal_nan: Any = False) -> np.ndarray:
    return elementwise(lambda a, b: np.isclose(a, b, rtol, atol, equal_nan), lambda _: "bool", x1, x2)


def allclose(x1: Any, x2: Any, rtol: Any = 1e-05, atol: Any = 1e-08, equal_nan: Any = False) -> np.ndarray:
    return finish(np.all(isclose(x1, x2, rtol, atol, equal_nan)), "bool")


def _same_dtype_axis(fn: Any, x: Any, axis: Any, dtype: Any) -> np.ndarray:
    array = as_tensor(x)
    name = dtype or (dtypes.accumulator(array.dtype.name) if array.dtype.kind in "bi" else array.dtype.name)
    with quiet():
        return finish(fn(array.astype(np.float64 if array.dtype.kind == "f" else array.dtype), axis=axis), name)


def nancumsum(x: Any, axis: Any = None, dtype: Any = None) -> np.ndarray:
    return _same_dtype_axis(np.nancumsum, x, axis, dtype)


def nancumprod(x: Any, axis: Any = None, dtype: Any = None) -> np.ndarray:
    return _same_dtype_axis(np.nancumprod, x, axis, dtype)


def diff(a: Any, n: int = 1, axis: int = -1) -> np.ndarray:
    array = as_tensor(a)
    return finish(np.diff(array, n, axis), array.dtype.name)


def trapezoid(y: Any, x: Any = None, dx: Any = 1.0, axis: int = -1) -> np.ndarray:
    values = as_tensor(y)
    points = None if x is None else as_tensor(x).astype(np.float64)
    integrate = getattr(np, "trapezoid", None) or np.trapz  # numpy < 2 (the MXNet venv) calls it trapz
    return finish(integrate(values.astype(np.float64), points, dx, axis), float_result(values.dtype.name))


def correlate(x1: Any, x2: Any, mode: str = "valid") -> np.ndarray:
    arrays = [as_tensor(x1), as_tensor(x2)]
    name = dtypes.result_type(*arrays)
    return finish(np.correlate(*(array.astype(np.float64) for array in arrays), mode), name)


def corrcoef(x: Any) -> np.ndarray:
    array = as_tensor(x)
    return finish(np.corrcoef(array.astype(np.float64)), float_result(array.dtype.name))


def histogram(x: Any, bins: int = 10, range: Any = None) -> tuple[np.ndarray, np.ndarray]:
    array = as_tensor(x)
    name = float_result(array.dtype.name)
    counts, edges = np.histogram(array.astype(np.float64), bins, range)
    return finish(counts, "int32"), finish(edges, name)


def bincount(x: Any, weights: Any = None, minlength: int = 0, sparse: bool = False) -> np.ndarray:
    if sparse:
        raise ValueError("bincount(sparse=True): sparse tensors are not supported; received sparse=True.")
    values = as_tensor(x)
    weight_array = None if weights is None else as_tensor(weights)
    length = max(int(minlength), int(values.max(initial=-1)) + 1)
    name = "int32" if weight_array is None else weight_array.dtype.name
    rows = values.reshape(-1, values.shape[-1]) if values.ndim else values.reshape(1, 1)
    row_weights = None if weight_array is None else weight_array.reshape(rows.shape).astype(np.float64)
    counted = [np.bincount(row, None if row_weights is None else row_weights[index], length)
               for index, row in enumerate(rows)]
    return finish(np.stack(counted).reshape(*values.shape[:-1], length), name)


def argmax(x: Any, axis: Any = None, keepdims: bool = False) -> np.ndarray:
    return _arg_reduce(np.argmax, x, axis, keepdims)


def argmin(x: Any, axis: Any = None, keepdims: bool = False) -> np.ndarray:
    return _arg_reduce(np.argmin, x, axis, keepdims)


def cumsum(x: Any, axis: Any = None) -> np.ndarray:
    return _cumulative(np.cumsum, x, axis)


def cumprod(x: Any, axis: Any = None) -> np.ndarray:
    return _cumulative(np.cumprod, x, axis)


def sort(x: Any, axis: int = -1) -> np.ndarray:
    array = as_tensor(x)
    values = array.astype(compute_dtype(array.dtype.name), copy=False)
    return finish(np.sort(values, axis=int(axis)), array.dtype.name)


def argsort(x: Any, axis: int = -1) -> np.ndarray:
    array = as_tensor(x)
    values = array.astype(compute_dtype(array.dtype.name), copy=False)
    return finish(np.argsort(values, axis=int(axis), kind="stable"), "int32")


def top_k(x: Any, k: int, sorted: bool = True) -> tuple[np.ndarray, np.ndarray]:
    array = as_tensor(x)
    if array.ndim < 1:
        raise ValueError(f"top_k needs a tensor of ndim >= 1; received shape {array.shape}.")
    size = array.shape[-1]
    if not 0 <= int(k) <= size:
        raise ValueError(f"top_k needs 0 <= k <= {size} (the last axis); received k={k}.")
    values = array.astype(compute_dtype(array.dtype.name), copy=False)
    # A stable ascending sort of the reversed axis, read backwards, is descending with ties
    # in ascending original index (NaN sorts as the largest value).
    ascending_of_reversed = np.argsort(values[..., ::-1], axis=-1, kind="stable")
    indices = (size - 1 - ascending_of_reversed[..., ::-1])[..., : int(k)]
    return np.take_along_axis(array, indices, axis=-1), finish(indices, "int32")
