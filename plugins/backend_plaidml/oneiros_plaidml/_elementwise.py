"""Elementwise math, comparisons, casts and activations as Tile expressions, numpy broadcasting."""

from __future__ import annotations

from typing import Any

import numpy as np
from oneiros import dtypes

from oneiros_plaidml._tensor import PlaidTensor, as_tensor, cast_expression, elementwise, emit, is_nan, scalar_like

FLOAT_MAX = "3.4028234663852886e38"
PI = "3.141592653589793"


def _result_dtype(*values: Any) -> str:
    return dtypes.result_type(*(value if not isinstance(value, (np.ndarray, np.generic)) else as_tensor(value)
                                for value in values))


def _operands(values: tuple[Any, ...], dtype: str) -> list[PlaidTensor]:
    return [scalar_like(value, dtype) if not isinstance(value, (PlaidTensor, np.ndarray, np.generic))
            else as_tensor(value) for value in values]


def _shape(tensors: list[PlaidTensor]) -> tuple[int, ...]:
    try:
        return tuple(np.broadcast_shapes(*(tensor.shape for tensor in tensors)))
    except ValueError:
        shapes = " and ".join(str(list(tensor.shape)) for tensor in tensors)
        raise ValueError(f"shapes {shapes} do not broadcast together") from None


def apply(statements: str, values: tuple[Any, ...], compute: str, result: str) -> PlaidTensor:
    """Runs ``statements`` (over A, B, C: the operands cast to ``compute``, defining R) and casts
    R to ``result``."""
    tensors = _operands(values, compute)
    shape = _shape(tensors)
    letters = "ABC"
    casts = " ".join(f"{letters[index]} = {cast_expression(f'I{index}', compute, tensor.dtype)};"
                     for index, tensor in enumerate(tensors))
    final = cast_expression("R", result, compute if compute in dtypes.FLOATS else None)
    return emit(f"{casts} {statements} O = {final};", tensors, shape, result)


def _float_kind(dtype: str) -> str:
    return dtype if dtype in dtypes.FLOATS else "float32"


def _binary(statements: str, kind: str = "same"):
    """kind: "same" (promoted dtype), "float" (float result), "bool" (comparison)."""

    def op(x1: Any, x2: Any) -> PlaidTensor:
        dtype = _result_dtype(x1, x2)
        if kind == "float":
            dtype = _float_kind(dtype)
        if dtype == "bool" and kind == "same":
            # Tile has no bool arithmetic (it aborts); bools add and multiply as ints, like numpy.
            return apply(statements, (x1, x2), "int32", "bool")
        return apply(statements, (x1, x2), dtype, "bool" if kind == "bool" else dtype)

    return op


def _unary(statements: str, kind: str = "same"):
    """kind: "same", "float" (ints give float32) or "bool"."""

    def op(x: Any) -> PlaidTensor:
        x = as_tensor(x)
        compute = _float_kind(x.dtype) if kind == "float" else x.dtype
        return apply(statements, (x,), compute, "bool" if kind == "bool" else compute)

    return op


def cast(x: Any, dtype: Any) -> PlaidTensor:
    x, name = as_tensor(x), dtypes.name_of(dtype)
    if name == x.dtype:
        return x
    if x.dtype in dtypes.FLOATS and name not in dtypes.FLOATS and name != "bool":
        # Tile rounds to nearest on float->int; the contract truncates toward zero.
        return elementwise(cast_expression("I0 < 0 ? ceil(I0) : floor(I0)", name), [x], x.shape, name)
    return elementwise("I0", [x], x.shape, name)


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
# Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7): Tile has no erf.
ERF = ("S = A < 0 ? -1.0 : 1.0; X = S * A; T = 1 / (1 + 0.3275911 * X); "
       "P = T * (0.254829592 + T * (-0.284496736 + T * (1.421413741 + T * (-1.453152027 + T * 1.061405429)))); "
       "R = S * (1 - P * exp(-X * X));")
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


def where(condition: Any, x1: Any, x2: Any) -> PlaidTensor:
    dtype = _result_dtype(x1, x2)
    tensors = [as_tensor(condition)] + _operands((x1, x2), dtype)
    body = (f"C = as_bool(I0); A = {cast_expression('I1', dtype, tensors[1].dtype)}; "
            f"B = {cast_expression('I2', dtype, tensors[2].dtype)}; "
            f"O = C ? A : B;")
    return emit(body, tensors, _shape(tensors), dtype)


def _activation(statements: str):
    op = _unary(statements, "float")

    def activation(x: Any) -> PlaidTensor:
        return op(x)

    return activation


SOFTPLUS = "M = A > 0 ? A : 0; N = A > 0 ? -A : A; R = M + log(1 + exp(N));"
relu = _activation("R = relu(A);")
relu6 = _activation("P = A > 0 ? A : 0; R = P < 6 ? P : 6;")
silu = _activation("R = A / (1 + exp(-A));")
softplus = _activation(SOFTPLUS)
softsign = _activation("D = A < 0 ? 1 - A : 1 + A; R = A / D;")
sigmoid = _activation("E = exp(A < 0 ? A : -A); R = A < 0 ? E / (1 + E) : 1 / (1 + E);")
hard_sigmoid = _activation("H = A / 6 + 0.5; L = H < 0 ? 0 : H; R = L > 1 ? 1 : L;")
hard_silu = _activation("H = A / 6 + 0.5; L = H < 0 ? 0 : H; R = A * (L > 1 ? 1 : L);")
log_sigmoid = _activation("M = A < 0 ? A : 0; N = A < 0 ? A : -A; R = M - log(1 + exp(N));")
mish = _activation(SOFTPLUS.replace("R =", "P =") + " R = A * tanh(P);")
selu = _activation("E = 1.6732632423543772 * (exp(A) - 1); R = 1.0507009873554805 * (A > 0 ? A : E);")


def leaky_relu(x: Any, negative_slope: float = 0.2) -> PlaidTensor:
    x = as_tensor(x)
    dtype = _float_kind(x.dtype)
    return apply("R = A >= 0 ? A : A * B;", (x, float(negative_slope)), dtype, dtype)


def elu(x: Any, alpha: float = 1.0) -> PlaidTensor:
    dtype = _float_kind(as_tensor(x).dtype)
    return apply("R = A > 0 ? A : B * (exp(A) - 1);", (as_tensor(x), float(alpha)), dtype, dtype)


def gelu(x: Any, approximate: bool = True) -> PlaidTensor:
    if approximate:
        return _unary("T = tanh(0.7978845608028654 * (A + 0.044715 * A * A * A)); R = 0.5 * A * (1 + T);",
                      "float")(x)
    exact = ERF.replace("X = S * A", "X = S * A * 0.7071067811865476").replace("R = S *", "Q = S *")
    return _unary(exact + " R = 0.5 * A * (1 + Q);", "float")(x)


__all__ = [
    "abs", "add", "arctan", "arctan2", "cast", "ceil", "clip", "cos", "cosh", "divide", "elu", "equal", "erf",
    "exp", "expm1", "floor", "floor_divide", "gelu", "greater", "greater_equal", "hard_sigmoid", "hard_silu",
    "isfinite", "isinf", "isnan", "leaky_relu", "less", "less_equal", "log", "log1p", "log_sigmoid",
    "logical_and", "logical_not", "logical_or", "logical_xor", "maximum", "minimum", "mish", "mod",
    "multiply", "negative", "not_equal", "power", "reciprocal", "relu", "relu6", "round", "rsqrt", "selu",
    "sigmoid", "sign", "silu", "sin", "sinh", "softplus", "softsign", "sqrt", "square", "subtract", "tan",
    "tanh", "where",
]
