"""Elementwise math, comparisons, bitwise logic, arg-reductions, cumulative ops, sorting and top-k,
promoting like ``oneiros.dtypes.result_type``.

Each op computes in the dtype its ONNX Runtime kernel accepts (half floats in float32, small
ints in int32) and casts the result back, as the numpy reference computes half floats in float32.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from oneiros_onnx._dims import DynamicDim
from oneiros_onnx._dispatch import lowered
from oneiros_onnx._dtypes import (
    ALL,
    ARITHMETIC,
    FLOAT_ONLY,
    INTS,
    ORDERED,
    SIGNED_ARITHMETIC,
    SORTABLE,
    WIDE,
    kernel_dtype,
)
from oneiros_onnx._graph import Symbol
from oneiros_onnx._reduction import reduce
from oneiros_onnx._trace import concrete, constant, emit, emit_many, int64s
from oneiros_onnx._values import (
    as_dtype,
    broadcast_shapes,
    cast,
    dtype_of,
    expand,
    float_result,
    in_kernel,
    normalize_axis,
    operand,
    reduced_shape,
    reshape,
    result_type,
    shape_of,
    tensor,
    transpose,
    unsqueeze,
    where,
)
from oneiros_onnx.errors import LoweringError

Build = Callable[..., Symbol]
EQUALITY = ALL
ORDER = ARITHMETIC


def _to_bool(_: str) -> str:
    return "bool"


def _numeric(name: str) -> str:
    """Arithmetic with no boolean meaning treats bools as int32, as the reference does."""
    return "int32" if name == "bool" else name


def _node(op_type: str, dtype: str | None = None, **attributes: Any) -> Build:
    def build(shape: tuple, *inputs: Symbol) -> Symbol:
        return emit(op_type, list(inputs), shape, dtype or inputs[0].dtype, **attributes)

    return build


def elementwise(build: Build, result: Callable[[str], str] | None, accepted: frozenset[str],
                *values: Any) -> Symbol:
    """``build(shape, *kernel_inputs)`` on ``values`` promoted together; ``result`` maps the
    promoted dtype to the output dtype (default: the promoted dtype)."""
    operands = [operand(value) for value in values]
    promoted = result_type(*operands)
    out = result(promoted) if result is not None else promoted
    work = out if out != "bool" else promoted
    shape = broadcast_shapes(*(shape_of(value) for value in operands))
    inputs = [in_kernel(value, work, accepted) for value in operands]
    return cast(build(shape, *inputs), out)


def _binary(op_type: str, result: Callable[[str], str] | None = None,
            accepted: frozenset[str] = ARITHMETIC) -> Callable:
    build = _node(op_type, "bool") if result is _to_bool else _node(op_type)

    def op(x1: Any, x2: Any) -> Symbol:
        return elementwise(build, result, accepted, x1, x2)

    return op


add = lowered(_binary("Add"), "add")
subtract = lowered(_binary("Sub"), "subtract")
multiply = lowered(_binary("Mul"), "multiply")
maximum = lowered(_binary("Max", accepted=ORDERED), "maximum")
minimum = lowered(_binary("Min", accepted=ORDERED), "minimum")
equal = lowered(_binary("Equal", _to_bool, EQUALITY), "equal")
less = lowered(_binary("Less", _to_bool, ORDER), "less")
less_equal = lowered(_binary("LessOrEqual", _to_bool, ORDER), "less_equal")
greater = lowered(_binary("Greater", _to_bool, ORDER), "greater")
greater_equal = lowered(_binary("GreaterOrEqual", _to_bool, ORDER), "greater_equal")


def _not(value: Symbol) -> Symbol:
    return emit("Not", [value], value.shape, "bool")


def _build_not_equal(shape: tuple, a: Symbol, b: Symbol) -> Symbol:
    return _not(emit("Equal", [a, b], shape, "bool"))


@lowered
def not_equal(x1: Any, x2: Any) -> Symbol:
    return elementwise(_build_not_equal, _to_bool, EQUALITY, x1, x2)


@lowered
def divide(x1: Any, x2: Any) -> Symbol:
    return elementwise(_node("Div"), float_result, FLOAT_ONLY, x1, x2)


def _zero_like(value: Symbol) -> Symbol:
    return as_dtype(0, value.dtype)


def _integer_divisor(b: Symbol) -> tuple[Symbol, Symbol]:
    """(b with zeros replaced by ones, where b is zero): integer division by 0 gives 0, as in numpy."""
    is_zero = emit("Equal", [b, _zero_like(b)], b.shape, "bool")
    return where(is_zero, as_dtype(1, b.dtype), b), is_zero


def _signs_differ(shape: tuple, a: Symbol, b: Symbol) -> Symbol:
    zero = _zero_like(a)
    return emit("Xor", [emit("Less", [a, zero], a.shape, "bool"), emit("Less", [b, zero], b.shape, "bool")],
                shape, "bool")


def _floor_divide_ints(shape: tuple, a: Symbol, b: Symbol) -> Symbol:
    divisor, is_zero = _integer_divisor(b)
    truncated = emit("Div", [a, divisor], shape, a.dtype)
    remainder = emit("Sub", [a, emit("Mul", [truncated, divisor], shape, a.dtype)], shape, a.dtype)
    inexact = _not(emit("Equal", [remainder, _zero_like(remainder)], shape, "bool"))
    adjust = emit("And", [inexact, _signs_differ(shape, remainder, divisor)], shape, "bool")
    floored = where(adjust, emit("Sub", [truncated, as_dtype(1, a.dtype)], shape, a.dtype), truncated)
    return where(is_zero, _zero_like(a), floored)


def _float_divmod(shape: tuple, a: Symbol, b: Symbol) -> tuple[Symbol, Symbol]:
    """numpy's float divmod: fmod, then corrected toward the divisor's sign (npy_divmod)."""
    mod = emit("Mod", [a, b], shape, a.dtype, fmod=1)
    div = emit("Div", [emit("Sub", [a, mod], shape, a.dtype), b], shape, a.dtype)
    nonzero = _not(emit("Equal", [mod, _zero_like(mod)], shape, "bool"))
    adjust = emit("And", [nonzero, _signs_differ(shape, mod, b)], shape, "bool")
    mod = where(adjust, emit("Add", [mod, b], shape, a.dtype), mod)
    div = where(adjust, emit("Sub", [div, as_dtype(1.0, a.dtype)], shape, a.dtype), div)
    floor = emit("Floor", [div], shape, a.dtype)
    rounds_up = emit("Greater", [emit("Sub", [div, floor], shape, a.dtype), as_dtype(0.5, a.dtype)], shape, "bool")
    floor = where(rounds_up, emit("Add", [floor, as_dtype(1.0, a.dtype)], shape, a.dtype), floor)
    quotient = emit("Div", [a, b], shape, a.dtype)
    # Division by zero: numpy gives a / b (inf or nan) as the floor quotient.
    is_zero = emit("Equal", [b, _zero_like(b)], b.shape, "bool")
    return where(is_zero, quotient, floor), mod


def _build_floor_divide(shape: tuple, a: Symbol, b: Symbol) -> Symbol:
    if a.dtype in FLOAT_ONLY:
        return _float_divmod(shape, a, b)[0]
    return _floor_divide_ints(shape, a, b)


def _build_mod(shape: tuple, a: Symbol, b: Symbol) -> Symbol:
    if a.dtype in FLOAT_ONLY:
        return _float_divmod(shape, a, b)[1]
    divisor, is_zero = _integer_divisor(b)
    return where(is_zero, _zero_like(a), emit("Mod", [a, divisor], shape, a.dtype))


@lowered
def floor_divide(x1: Any, x2: Any) -> Symbol:
    return elementwise(_build_floor_divide, _numeric, SIGNED_ARITHMETIC, x1, x2)


@lowered
def mod(x1: Any, x2: Any) -> Symbol:
    return elementwise(_build_mod, _numeric, ARITHMETIC, x1, x2)


@lowered
def power(x1: Any, x2: Any) -> Symbol:
    return elementwise(_node("Pow"), _numeric, WIDE, x1, x2)


def _build_arctan2(shape: tuple, y: Symbol, x: Symbol) -> Symbol:
    dtype = y.dtype
    angle = emit("Atan", [emit("Div", [y, x], shape, dtype)], shape, dtype)
    zero = _zero_like(y)
    left_half = emit("Less", [x, zero], x.shape, "bool")
    upper = emit("GreaterOrEqual", [y, zero], y.shape, "bool")
    turned = where(upper, emit("Add", [angle, as_dtype(math.pi, dtype)], shape, dtype),
                   emit("Sub", [angle, as_dtype(math.pi, dtype)], shape, dtype))
    angle = where(left_half, turned, angle)
    origin = emit("And", [emit("Equal", [x, zero], x.shape, "bool"), emit("Equal", [y, zero], y.shape, "bool")],
                  shape, "bool")
    return where(origin, zero, angle)


@lowered
def arctan2(x1: Any, x2: Any) -> Symbol:
    return elementwise(_build_arctan2, float_result, FLOAT_ONLY, x1, x2)


def _truth(value: Any) -> Any:
    value = operand(value)
    if isinstance(value, Symbol):
        return cast(value, "bool")
    return bool(value) if isinstance(value, (bool, int, float)) else value.astype(bool)


def _logical(op_type: str) -> Callable:
    def op(x1: Any, x2: Any) -> Symbol:
        a, b = as_dtype(_truth(x1), "bool"), as_dtype(_truth(x2), "bool")
        return emit(op_type, [a, b], broadcast_shapes(a.shape, b.shape), "bool")

    return op


logical_and = lowered(_logical("And"), "logical_and")
logical_or = lowered(_logical("Or"), "logical_or")
logical_xor = lowered(_logical("Xor"), "logical_xor")


@lowered
def logical_not(x: Any) -> Symbol:
    return _not(as_dtype(_truth(x), "bool"))


@lowered
def clip(x: Any, x_min: Any, x_max: Any) -> Symbol:
    # max-then-min: x_min > x_max gives x_max everywhere, as in numpy and jax.
    def build(shape: tuple, value: Symbol, low: Symbol, high: Symbol) -> Symbol:
        raised = emit("Max", [value, low], broadcast_shapes(value.shape, low.shape), value.dtype)
        return emit("Min", [raised, high], shape, value.dtype)

    return elementwise(build, None, ORDERED, x, x_min, x_max)


def _unary(x: Any, build: Callable[[Symbol], Symbol], result: Callable[[str], str] | None,
           accepted: frozenset[str]) -> Symbol:
    return elementwise(lambda shape, value: build(value), result, accepted, _tensor(x))


def _tensor(x: Any) -> Any:
    """A unary op's argument as a tensor (a Python scalar becomes one, strongly typed)."""
    value = operand(x)
    return concrete(value) if isinstance(value, (bool, int, float)) else value


def _same(op_type: str, accepted: frozenset[str] = ARITHMETIC) -> Callable:
    def op(x: Any) -> Symbol:
        return _unary(x, lambda value: emit(op_type, [value], value.shape, value.dtype), None, accepted)

    return op


def _float_valued(build: Callable[[Symbol], Symbol]) -> Callable:
    def op(x: Any) -> Symbol:
        return _unary(x, build, float_result, FLOAT_ONLY)

    return op


def _onnx(op_type: str) -> Callable[[Symbol], Symbol]:
    return lambda value: emit(op_type, [value], value.shape, value.dtype)


def _in_double(build: Callable[[Symbol], Symbol]) -> Callable[[Symbol], Symbol]:
    """Computes in float64, where exp(x) - 1 and log(1 + x) keep their precision near 0."""
    return lambda value: cast(build(cast(value, "float64")), value.dtype)


negative = lowered(_same("Neg", SIGNED_ARITHMETIC), "negative")
abs = lowered(_same("Abs"), "abs")
sign = lowered(_same("Sign"), "sign")


@lowered
def square(x: Any) -> Symbol:
    return _unary(x, lambda value: emit("Mul", [value, value], value.shape, value.dtype), _numeric, ARITHMETIC)


sqrt = lowered(_float_valued(_onnx("Sqrt")), "sqrt")
rsqrt = lowered(_float_valued(lambda value: _onnx("Reciprocal")(_onnx("Sqrt")(value))), "rsqrt")
reciprocal = lowered(_float_valued(_onnx("Reciprocal")), "reciprocal")
exp = lowered(_float_valued(_onnx("Exp")), "exp")
expm1 = lowered(_float_valued(_in_double(
    lambda value: emit("Sub", [_onnx("Exp")(value), as_dtype(1.0, "float64")], value.shape, "float64"))), "expm1")
log = lowered(_float_valued(_onnx("Log")), "log")
log1p = lowered(_float_valued(_in_double(
    lambda value: _onnx("Log")(emit("Add", [value, as_dtype(1.0, "float64")], value.shape, "float64")))), "log1p")
sin = lowered(_float_valued(_onnx("Sin")), "sin")
cos = lowered(_float_valued(_onnx("Cos")), "cos")
tan = lowered(_float_valued(_onnx("Tan")), "tan")
arctan = lowered(_float_valued(_onnx("Atan")), "arctan")
sinh = lowered(_float_valued(_onnx("Sinh")), "sinh")
cosh = lowered(_float_valued(_onnx("Cosh")), "cosh")
tanh = lowered(_float_valued(_onnx("Tanh")), "tanh")
erf = lowered(_float_valued(_onnx("Erf")), "erf")


def _rounding(op_type: str) -> Callable:
    def op(x: Any) -> Symbol:
        value = _tensor(x)
        if dtype_of(value) not in ("float16", "float32"):
            return as_dtype(value, dtype_of(value))  # integers are already whole
        return _unary(value, _onnx(op_type), None, FLOAT_ONLY)

    return op


floor = lowered(_rounding("Floor"), "floor")
ceil = lowered(_rounding("Ceil"), "ceil")
round = lowered(_rounding("Round"), "round")


def _classify(build: Callable[[Symbol], Symbol]) -> Callable:
    def op(x: Any) -> Symbol:
        value = _tensor(x)
        return build(as_dtype(value, "float32"))

    return op


def _is_nan(value: Symbol) -> Symbol:
    return emit("IsNaN", [value], value.shape, "bool")


def _is_inf(value: Symbol) -> Symbol:
    return emit("IsInf", [value], value.shape, "bool")


isnan = lowered(_classify(_is_nan), "isnan")
isinf = lowered(_classify(_is_inf), "isinf")
isfinite = lowered(_classify(
    lambda value: _not(emit("Or", [_is_nan(value), _is_inf(value)], value.shape, "bool"))), "isfinite")

__all__ = [
    "abs", "add", "arctan", "arctan2", "argmax", "argmin", "argsort", "bitwise_and", "bitwise_or", "bitwise_xor",
    "ceil", "clip", "cos", "cosh", "cumprod", "cumsum", "divide", "equal", "erf", "exp", "expm1", "floor",
    "floor_divide", "greater", "greater_equal", "isfinite", "isinf", "isnan", "less", "less_equal", "log", "log1p",
    "logical_and", "logical_not", "logical_or", "logical_xor", "maximum", "minimum", "mod", "multiply", "negative",
    "not_equal", "power", "reciprocal", "round", "rsqrt", "sign", "sin", "sinh", "sort", "sqrt", "square",
    "subtract", "tan", "tanh", "top_k",
]


def _bitwise(integer_op: str, bool_op: str, name: str) -> Any:
    def build(shape: tuple, *inputs: Symbol) -> Symbol:
        return emit(integer_op if inputs[0].dtype != "bool" else bool_op, list(inputs), shape, inputs[0].dtype)

    def op(x: Any, y: Any) -> Symbol:
        promoted = result_type(operand(x), operand(y))
        if promoted not in INTS | {"bool"}:
            raise TypeError(f"{name} needs integer (or bool) tensors; received dtype {promoted}.")
        return elementwise(build, None, INTS | {"bool"}, x, y)

    op.__name__ = name
    return lowered(op, name)


bitwise_and = _bitwise("BitwiseAnd", "And", "bitwise_and")


bitwise_or = _bitwise("BitwiseOr", "Or", "bitwise_or")


bitwise_xor = _bitwise("BitwiseXor", "Xor", "bitwise_xor")


def _flattened(value: Symbol) -> Symbol:
    return reshape(value, (value.size,)) if value.ndim != 1 else value


def _arg_reduction(op_type: str) -> Callable:
    def op(x: Any, axis: Any = None, keepdims: bool = False) -> Symbol:
        value = tensor(x)
        work = cast(value, kernel_dtype(value.dtype, ORDERED))
        if axis is None:
            flat = _flattened(work)
            index = emit(op_type, [flat], (), "int64", axis=0, keepdims=0, select_last_index=0)
            result = reshape(index, (1,) * value.ndim) if keepdims else index
        else:
            position = normalize_axis(axis, value.ndim)
            shape = reduced_shape(value.shape, (position,), keepdims)
            result = emit(op_type, [work], shape, "int64", axis=position, keepdims=int(keepdims),
                          select_last_index=0)
        return cast(result, "int32")

    return op


def _axis_or_flat(value: Symbol, axis: Any) -> tuple[Symbol, int]:
    if axis is None:
        return _flattened(value), 0
    return value, normalize_axis(axis, value.ndim)


def _top_k(value: Symbol, k: int, largest: bool, axis: int) -> tuple[Symbol, Symbol]:
    work = cast(value, kernel_dtype(value.dtype, SORTABLE))
    shape = tuple(k if index == axis else dim for index, dim in enumerate(value.shape))
    values, indices = emit_many("TopK", [work, int64s([k])], [(shape, work.dtype), (shape, "int64")],
                                axis=axis, largest=int(largest), sorted=1)
    return cast(values, value.dtype), indices


def _static_size(value: Symbol, axis: int, what: str) -> int:
    size = value.shape[axis]
    if isinstance(size, DynamicDim):
        raise LoweringError(what, "it needs a static size along its axis")
    return int(size)


argmax = lowered(_arg_reduction("ArgMax"), "argmax")


argmin = lowered(_arg_reduction("ArgMin"), "argmin")


@lowered
def cumsum(x: Any, axis: Any = None) -> Symbol:
    value = tensor(x)
    name = "int32" if value.dtype == "bool" else value.dtype
    values, position = _axis_or_flat(cast(value, name), axis)
    work = cast(values, kernel_dtype(name, WIDE))
    total = emit("CumSum", [work, constant(position, "int64")], work.shape, work.dtype)
    return cast(total, name)


@lowered
def cumprod(x: Any, axis: Any = None) -> Symbol:
    value = tensor(x)
    name = "int32" if value.dtype == "bool" else value.dtype
    values, position = _axis_or_flat(cast(value, name), axis)
    size = values.shape[position]
    if isinstance(size, DynamicDim):
        raise LoweringError("cumprod", "it needs a static size along its axis")
    work = cast(values, kernel_dtype(name, WIDE))
    last = work.ndim - 1
    order = [a for a in range(work.ndim) if a != position] + [position]
    moved = transpose(work, order)
    # Row i of a (size, size) grid holds x[0..i] and ones after: its product is cumprod[i].
    grid = expand(unsqueeze(moved, [last]), (*moved.shape, size))
    lower = constant(np.tril(np.ones((size, size), bool)), "bool")
    masked = where(lower, grid, as_dtype(1, work.dtype))
    products = reduce("ReduceProd", masked, (last + 1,), False)
    inverse = list(np.argsort(order))
    return cast(transpose(products, inverse), name)


@lowered
def sort(x: Any, axis: int = -1) -> Symbol:
    value = tensor(x)
    position = normalize_axis(axis, value.ndim)
    # TopK keeps equal values in index order, so ascending TopK is a stable sort.
    return _top_k(value, _static_size(value, position, "sort"), False, position)[0]


@lowered
def argsort(x: Any, axis: int = -1) -> Symbol:
    value = tensor(x)
    position = normalize_axis(axis, value.ndim)
    return cast(_top_k(value, _static_size(value, position, "argsort"), False, position)[1], "int32")


@lowered
def top_k(x: Any, k: int, sorted: bool = True) -> tuple[Symbol, Symbol]:
    value = tensor(x)
    if value.ndim < 1:
        raise ValueError(f"top_k needs a tensor of ndim >= 1; received shape {shape_of(value)}.")
    size = _static_size(value, value.ndim - 1, "top_k")
    count = int(k)
    if not 0 <= count <= size:
        raise ValueError(f"top_k needs 0 <= k <= {size} (the last axis); received k={k}.")
    values, indices = _top_k(value, count, True, value.ndim - 1)
    return values, cast(indices, "int32")
