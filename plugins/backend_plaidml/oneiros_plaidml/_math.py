"""Elementwise math and comparisons as Tile expressions with numpy broadcasting; arg-reductions,
cumulative ops, sorting and top-k as Tile contractions."""

from __future__ import annotations

from typing import Any

import numpy as np

from oneiros import dtypes

from oneiros_plaidml._core import cast
from oneiros_plaidml._kernels import ERF, FLOAT_MAX, PI, _binary, _operands, _result_dtype, _shape, _unary, apply
from oneiros_plaidml._shape import index_names, moveaxis, normalize_axes, normalize_axis, pad_constant, reshape, strided
from oneiros_plaidml._tensor import (
    PlaidTensor,
    as_tensor,
    cast_expression,
    emit,
    host_tensor,
    is_nan,
    position,
)


def _nan_aware(larger: str) -> str:
    """Picks with selects: a tie gives each side half the gradient (as JAX does), NaN wins."""
    smaller = "<" if larger == ">" else ">"
    return (f"M = A {larger} B ? A : (A {smaller} B ? B : (A + B) / 2); N = {is_nan('B')} ? B : M; "
            f"R = {is_nan('A')} ? A : N;")


add = _binary("R = A + B;")
subtract = _binary("R = A - B;")
multiply = _binary("R = A * B;")
divide = _binary("R = A / B;", "float")
maximum = _binary(_nan_aware(">"))
minimum = _binary(_nan_aware("<"))
arctan2 = _binary(
    f"T = atan(A / B); P = A < 0 ? -{PI} : {PI}; Q = B < 0 ? T + P : T; "
    f"Z = A > 0 ? {PI} / 2 : (A < 0 ? -{PI} / 2 : 0); R = B == 0 ? Z : Q;", "float")
equal = _binary("R = A == B;", "bool")
not_equal = _binary("R = A != B;", "bool")
less = _binary("R = A < B;", "bool")
less_equal = _binary("R = A <= B;", "bool")
greater = _binary("R = A > B;", "bool")
greater_equal = _binary("R = A >= B;", "bool")


def _logical(statements: str):
    def op(x1: Any, x2: Any) -> PlaidTensor:
        return apply(statements, (x1, x2), "bool", "bool")

    return op


logical_and = _logical("R = A ? B : 0;")
logical_or = _logical("R = A ? 1 : B;")
logical_xor = _logical("R = A != B;")


def _integer_division(float_statements: str):
    """Floor division and modulo; integers go through float64 so int32 values stay exact."""

    def op(x1: Any, x2: Any) -> PlaidTensor:
        dtype = _result_dtype(x1, x2)
        if dtype in dtypes.FLOATS:
            return apply(float_statements, (x1, x2), dtype, dtype)
        tensors = _operands((x1, x2), dtype)
        body = (f"A = as_float(I0, 64); B = as_float(I1, 64); {float_statements} "
                f"Y = B == 0 ? 0 : R; O = {cast_expression('Y', dtype)};")
        return emit(body, tensors, _shape(tensors), dtype)

    return op


floor_divide = _integer_division("R = floor(A / B);")
mod = _integer_division("R = A - floor(A / B) * B;")


def power(x1: Any, x2: Any) -> PlaidTensor:
    dtype = _result_dtype(x1, x2)
    if dtype in dtypes.FLOATS:
        return apply("R = pow(A, B);", (x1, x2), dtype, dtype)
    tensors = _operands((x1, x2), dtype)
    body = f"A = as_float(I0, 64); B = as_float(I1, 64); R = round(pow(A, B)); O = {cast_expression('R', dtype)};"
    return emit(body, tensors, _shape(tensors), dtype)


negative = _unary("R = -A;")
abs = _unary("R = A < 0 ? -A : A;")
sign = _unary("R = A > 0 ? 1 : (A < 0 ? -1 : 0);")
square = _unary("R = A * A;")
sqrt = _unary("R = sqrt(A);", "float")
rsqrt = _unary("R = 1 / sqrt(A);", "float")
reciprocal = _unary("R = 1 / A;", "float")
exp = _unary("R = exp(A);", "float")
expm1 = _unary("E = exp(A) - 1; S = A + A * A / 2 + A * A * A / 6; R = A * A < 1e-8 ? S : E;", "float")
log = _unary("R = log(A);", "float")
log1p = _unary("U = 1 + A; L = log(U) * (A / (U - 1)); R = U == 1 ? A : L;", "float")
sin = _unary("R = sin(A);", "float")
cos = _unary("R = cos(A);", "float")
tan = _unary("R = tan(A);", "float")
arctan = _unary("R = atan(A);", "float")
sinh = _unary("R = sinh(A);", "float")
cosh = _unary("R = cosh(A);", "float")
tanh = _unary("R = tanh(A);", "float")
erf = _unary(ERF, "float")


def _integral_identity(statements: str):
    float_op = _unary(statements)

    def op(x: Any) -> PlaidTensor:
        x = as_tensor(x)
        return x if x.dtype not in dtypes.FLOATS else float_op(x)

    return op


floor = _integral_identity("R = floor(A);")
ceil = _integral_identity("R = ceil(A);")
round = _integral_identity("F = floor(A); D = A - F; H = F - 2 * floor(F / 2); "
                           "R = D > 0.5 ? F + 1 : (D < 0.5 ? F : F + H);")
def logical_not(x: Any) -> PlaidTensor:
    return apply("R = A ? 0 : 1;", (as_tensor(x),), "bool", "bool")


def _float_test(statements: str, integer_answer: bool):
    float_op = _unary(statements, "bool")

    def op(x: Any) -> PlaidTensor:
        x = as_tensor(x)
        if x.dtype in dtypes.FLOATS:
            return float_op(x)
        # The answer is a constant, but a Tile output must depend on an input.
        return emit("O = I0 == I0;" if integer_answer else "O = I0 != I0;", [x], x.shape, "bool")

    return op


isnan = _float_test(f"R = {is_nan('A')};", False)
isinf = _float_test(f"R = A > {FLOAT_MAX} ? 1 : (A < -{FLOAT_MAX} ? 1 : 0);", False)
isfinite = _float_test(f"R = A <= {FLOAT_MAX} ? (A >= -{FLOAT_MAX}) : 0;", True)


def clip(x: Any, x_min: Any, x_max: Any) -> PlaidTensor:
    dtype = _result_dtype(x, x_min, x_max)
    return apply("L = A < B ? B : A; R = L > C ? C : L;", (x, x_min, x_max), dtype, dtype)


__all__ = [
    "abs", "add", "arctan", "arctan2", "argmax", "argmin", "argsort", "ceil", "clip", "cos", "cosh", "cumprod",
    "cumsum", "divide", "equal", "erf", "exp", "expm1", "floor", "floor_divide", "greater", "greater_equal",
    "isfinite", "isinf", "isnan", "less", "less_equal", "log", "log1p", "logical_and", "logical_not", "logical_or",
    "logical_xor", "maximum", "minimum", "mod", "multiply", "negative", "not_equal", "power", "reciprocal", "round",
    "rsqrt", "sign", "sin", "sinh", "sort", "sqrt", "square", "subtract", "tan", "tanh", "top_k",
]


AGGREGATIONS = {"sum": "+", "max": ">", "min": "<", "prod": "*"}


def reduce(x: PlaidTensor, axis: Any, keepdims: bool, aggregation: str, dtype: str) -> PlaidTensor:
    axes = normalize_axes(axis, x.ndim)
    kept = [a for a in range(x.ndim) if a not in axes]
    shape = [1 if a in axes else size for a, size in enumerate(x.shape)] if keepdims else [x.shape[a] for a in kept]
    if x.size == 0:
        identity = {"+": 0, "*": 1}.get(AGGREGATIONS[aggregation])
        if identity is None:
            raise ValueError(f"cannot take the {aggregation} of an empty axis")
        return host_tensor(np.full(shape, identity, dtype))
    names = index_names(x.ndim)
    if keepdims:
        target = ["0" if a in axes else names[a] for a in range(x.ndim)]
    else:
        target = [names[a] for a in kept]
    out = f"O[{', '.join(target)}: {', '.join(map(str, shape))}]" if shape else "O[]"
    body = f"C = {cast_expression('I0', dtype, x.dtype)}; {out} = {AGGREGATIONS[aggregation]}(C[{', '.join(names)}]);"
    return emit(body if x.ndim else f"O = {cast_expression('I0', dtype, x.dtype)};", [x], shape, dtype)


def _arg(x: Any, axis: Any, keepdims: bool, pick: str) -> PlaidTensor:
    x = as_tensor(x)
    if axis is None:
        flat = reshape(x, (-1,))
        found = _arg(flat, 0, False, pick)
        return reshape(found, (1,) * x.ndim) if keepdims else found
    axis = normalize_axis(axis, x.ndim)
    if x.shape[axis] == 0:
        raise ValueError("cannot take the arg" + pick + " of an empty axis")
    work = "int32" if x.dtype == "bool" else x.dtype
    values = cast(x, work)
    best = reduce(values, axis, True, pick, work)
    size = x.shape[axis]
    # NaN counts as the extreme value, like numpy.
    candidates = emit(f"H = I0 == I1 ? 1 : {is_nan('I0')}; O = H ? {position('I0', axis, size)} : {size};",
                      [values, best], values.shape, "int32")
    return reduce(candidates, axis, keepdims, "min", "int32")


def _cumulative(x: Any, axis: Any, aggregation: str) -> PlaidTensor:
    x = as_tensor(x)
    if axis is None:
        x, axis = reshape(x, (-1,)), 0
    axis = normalize_axis(axis, x.ndim)
    dtype = "int32" if x.dtype == "bool" else x.dtype
    if x.size == 0:
        return host_tensor(np.zeros(x.shape, dtype))
    names = index_names(x.ndim)
    source = [f"{name} - k" if a == axis else name for a, name in enumerate(names)]
    body = (f"C = {cast_expression('I0', dtype, x.dtype)}; O[{', '.join(names)}: {', '.join(map(str, x.shape))}] = "
            f"{aggregation}(C[{', '.join(source)}]), k < {x.shape[axis]};")
    return emit(body, [x], x.shape, dtype)


def _ranked(x: PlaidTensor, axis: int, descending: bool) -> tuple[PlaidTensor, PlaidTensor]:
    """(values, int32 indices) along ``axis`` in order, ties by position (O(n^2) comparisons)."""
    axis = normalize_axis(axis, x.ndim)
    moved = moveaxis(x, axis, -1)
    work = "int32" if x.dtype == "bool" else x.dtype
    rows = cast(reshape(moved, (-1, moved.shape[-1])) if moved.ndim else reshape(moved, (1, 1)), work)
    batch, size = rows.shape
    before = ">" if descending else "<"
    body = (f"A[b, i, j: {batch}, {size}, {size}] = =(I0[b, i]), j < {size}; "
            f"B[b, i, j: {batch}, {size}, {size}] = =(I0[b, j]), i < {size}; "
            f"L = B {before} A; E = B == A; J = {position('A', 2, size)} < {position('A', 1, size)}; "
            f"C = L ? 1 : (E ? (J ? 1 : 0) : 0); R[b, i: {batch}, {size}] = +(C[b, i, j]); "
            f"H[b, i, k: {batch}, {size}, {size}] = =(R[b, i]), k < {size}; "
            f"P = H == {position('H', 2, size)}; ")
    values = emit(body + f"V = P ? A : 0; O[b, k: {batch}, {size}] = +(V[b, i, k]);", [rows], rows.shape, work)
    order = emit(body + f"V = P ? {position('H', 1, size)} : 0; O[b, k: {batch}, {size}] = +(V[b, i, k]);",
                 [rows], rows.shape,
                 "int32")

    def restore(flat: PlaidTensor) -> PlaidTensor:
        return moveaxis(reshape(flat, moved.shape), -1, axis)

    return cast(restore(values), x.dtype), restore(order)


def argmax(x: Any, axis: Any = None, keepdims: bool = False) -> PlaidTensor:
    return _arg(x, axis, keepdims, "max")


def argmin(x: Any, axis: Any = None, keepdims: bool = False) -> PlaidTensor:
    return _arg(x, axis, keepdims, "min")


def cumsum(x: Any, axis: Any = None) -> PlaidTensor:
    return _cumulative(x, axis, "+")


def cumprod(x: Any, axis: Any = None) -> PlaidTensor:
    """Doubling scan (Hillis-Steele) of products: PlaidML cannot differentiate its product aggregation."""
    x = as_tensor(x)
    if axis is None:
        x, axis = reshape(x, (-1,)), 0
    axis = normalize_axis(axis, x.ndim)
    result = cast(x, "int32" if x.dtype == "bool" else x.dtype)
    size, shift = x.shape[axis], 1
    while shift < size:
        sizes = list(result.shape)
        sizes[axis] = size - shift
        widths = [(0, 0)] * x.ndim
        widths[axis] = (shift, 0)
        shifted = pad_constant(strided(result, [0] * x.ndim, [1] * x.ndim, sizes), widths, 1)
        result = multiply(result, shifted)
        shift *= 2
    return result


def sort(x: Any, axis: int = -1) -> PlaidTensor:
    x = as_tensor(x)
    return x if x.size == 0 else _ranked(x, axis, False)[0]


def argsort(x: Any, axis: int = -1) -> PlaidTensor:
    x = as_tensor(x)
    return host_tensor(np.zeros(x.shape, np.int32)) if x.size == 0 else _ranked(x, axis, False)[1]


def top_k(x: Any, k: int, sorted: bool = True) -> tuple[PlaidTensor, PlaidTensor]:
    x = as_tensor(x)
    if x.ndim < 1 or not 0 <= k <= x.shape[-1]:
        raise ValueError(f"top_k needs 0 <= k <= {x.shape[-1] if x.ndim else 0}; received k={k}")
    values, order = _ranked(x, -1, True)
    starts, steps = [0] * x.ndim, [1] * x.ndim
    sizes = list(x.shape[:-1]) + [int(k)]
    return strided(values, starts, steps, sizes), strided(order, starts, steps, sizes)
