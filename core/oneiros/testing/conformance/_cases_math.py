"""Cases for elementwise math, comparisons, reductions and linear algebra."""

from __future__ import annotations

import numpy as np

from oneiros.backend import BFLOAT16
from oneiros.testing.conformance._case import Case, Tensor, call, case
from oneiros.testing.conformance._data import (
    away_from_zero,
    booleans,
    distinct,
    integers,
    normal,
    uniform,
)

BOTH = (0, 1)


def _halves(r: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Multiples of 0.5: comparisons see ties, rounding sees exact halves."""
    return (r.integers(-4, 5, shape) / 2).astype("float32")


def _with_specials() -> np.ndarray:
    return np.array([0.0, -1.5, np.nan, np.inf, -np.inf, 2.0], np.float32)


_DIVISORS = np.array([3, -3, 4, -4, 7, 1], np.int32)

ARITHMETIC = [
    case("add", "float32-3x1-1x4", lambda r: call(normal(r, (3, 1)), normal(r, (1, 4))), wrt=BOTH, jit=True),
    case("add", "scalar-tensor-and-vector", lambda r: call(normal(r, ()), normal(r, (3,))), wrt=BOTH),
    case("add", "size1-dims", lambda r: call(normal(r, (1, 1)), normal(r, (2, 1)))),
    case("add", "size0-broadcast", lambda r: call(normal(r, (0, 3)), normal(r, (1, 3)))),
    case("add", "weak-float-float16", lambda r: call(normal(r, (2, 3), dtype="float16"), 1.5)),
    case("add", "weak-float-left", lambda r: call(2.5, normal(r, (3,)))),
    case("add", "weak-int-int8", lambda r: call(integers(r, (4,), -50, 50, "int8"), 3)),
    case("add", "int32-weak-float", lambda r: call(integers(r, (3,), -9, 9), 2.5)),
    case("add", "int8-uint8", lambda r: call(integers(r, (4,), -9, 9, "int8"), integers(r, (4,), 0, 9, "uint8"))),
    case("add", "int32-float16", lambda r: call(integers(r, (3,), -9, 9), normal(r, (3,), dtype="float16"))),
    case("add", "float16-float32", lambda r: call(normal(r, (2,), dtype="float16"), normal(r, (2,)))),
    case("add", "float16-bfloat16", lambda r: call(normal(r, (2,), dtype="float16"),
                                                   Tensor(normal(r, (2,)), "bfloat16")), requires={BFLOAT16}),
    case("add", "bfloat16-weak-float", lambda r: call(Tensor(normal(r, (2, 2)), "bfloat16"), 0.5),
         requires={BFLOAT16}),
    case("add", "bool-bool", lambda r: call(booleans(r, (4,)), booleans(r, (4,)))),
    case("subtract", "float32-3x1-1x4", lambda r: call(normal(r, (3, 1)), normal(r, (1, 4))), wrt=BOTH),
    case("subtract", "weak-int-left-int32", lambda r: call(2, integers(r, (2, 2), -9, 9))),
    case("subtract", "uint8-int16",
         lambda r: call(integers(r, (3,), 0, 200, "uint8"), integers(r, (3,), -9, 9, "int16"))),
    case("multiply", "float32-2x3-3", lambda r: call(normal(r, (2, 3)), normal(r, (3,))), wrt=BOTH),
    case("multiply", "int8-weak-int", lambda r: call(integers(r, (4,), -9, 9, "int8"), 3)),
    case("multiply", "bool-int32", lambda r: call(booleans(r, (4,)), integers(r, (4,), -9, 9))),
    case("multiply", "float16-weak-float", lambda r: call(normal(r, (3,), dtype="float16"), 0.5)),
    case("divide", "float32-3x1-1x4", lambda r: call(normal(r, (3, 1)), away_from_zero(r, (1, 4), 0.5)), wrt=BOTH),
    case("divide", "int32-int32", lambda r: call(integers(r, (5,), -9, 9), np.array([1, -2, 3, 4, -7], np.int32))),
    case("divide", "int8-weak-float", lambda r: call(integers(r, (3,), -9, 9, "int8"), 2.0)),
    case("divide", "weak-int-denominator", lambda r: call(normal(r, (3,)), 4)),
    case("floor_divide", "int32-negatives", lambda r: call(integers(r, (6,), -20, 20), _DIVISORS)),
    case("floor_divide", "float32", lambda r: call(normal(r, (2, 3), 5.0), away_from_zero(r, (3,), 0.5))),
    case("floor_divide", "int32-weak-int", lambda r: call(integers(r, (4,), -20, 20), 3)),
    case("mod", "int32-negatives", lambda r: call(integers(r, (6,), -20, 20), _DIVISORS)),
    case("mod", "float32", lambda r: call(normal(r, (2, 3), 5.0), away_from_zero(r, (3,), 0.5))),
    case("mod", "int32-weak-int", lambda r: call(integers(r, (4,), -20, 20), 5)),
    case("power", "float32-both", lambda r: call(uniform(r, (2, 3), 0.5, 2.0), uniform(r, (3,), -1.5, 2.0)), wrt=BOTH),
    case("power", "float32-weak-int", lambda r: call(normal(r, (4,)), 3), wrt=(0,)),
    case("power", "int32-int32", lambda r: call(integers(r, (5,), -4, 5), integers(r, (5,), 0, 4))),
    case("power", "weak-float-base", lambda r: call(2.0, normal(r, (3,)))),
    case("maximum", "float32-3x1-1x4", lambda r: call(distinct(r, (3, 1)), distinct(r, (1, 4), offset=0.05)), wrt=BOTH),
    case("maximum", "int32", lambda r: call(integers(r, (5,), -9, 9), integers(r, (5,), -9, 9))),
    case("maximum", "weak-float-zero", lambda r: call(distinct(r, (2, 3), offset=0.05), 0.0), wrt=(0,)),
    case("maximum", "nan-propagates", lambda r: call(_with_specials(), np.zeros(6, np.float32))),
    case("minimum", "float32-3x1-1x4", lambda r: call(distinct(r, (3, 1)), distinct(r, (1, 4), offset=0.05)), wrt=BOTH),
    case("minimum", "int8", lambda r: call(integers(r, (5,), -9, 9, "int8"), integers(r, (5,), -9, 9, "int8"))),
    case("minimum", "nan-propagates", lambda r: call(np.zeros(6, np.float32), _with_specials())),
    case("arctan2", "float32-all-quadrants",
         lambda r: call(away_from_zero(r, (3, 1)), away_from_zero(r, (1, 4))), wrt=BOTH),
    case("arctan2", "int32", lambda r: call(integers(r, (4,), -5, 5), np.array([1, -1, 2, -3], np.int32))),
]

COMPARISONS = [
    case(op, "float32-3x1-1x4-ties", lambda r: call(_halves(r, (3, 1)), _halves(r, (1, 4))))
    for op in ("equal", "not_equal", "less", "less_equal", "greater", "greater_equal")
] + [
    case(op, "int32-weak-int", lambda r: call(integers(r, (6,), -3, 3), 1))
    for op in ("equal", "not_equal", "less", "less_equal", "greater", "greater_equal")
] + [
    case("equal", "bool", lambda r: call(booleans(r, (5,)), booleans(r, (5,)))),
    case("not_equal", "float32-weak-float", lambda r: call(_halves(r, (5,)), 0.5)),
    case("less", "nan-is-unordered", lambda r: call(_with_specials(), np.ones(6, np.float32))),
] + [
    case(op, "bool-3x1-1x4", lambda r: call(booleans(r, (3, 1)), booleans(r, (1, 4))))
    for op in ("logical_and", "logical_or", "logical_xor")
] + [
    case(op, "float32-truthiness", lambda r: call(_halves(r, (6,)), _halves(r, (6,))))
    for op in ("logical_and", "logical_or", "logical_xor")
] + [
    case("logical_and", "bool-weak-bool", lambda r: call(booleans(r, (4,)), True)),
]


def _unary(op: str, label: str, make, **options) -> Case:
    return case(op, label, lambda r: call(make(r)), **options)


UNARY = [
    _unary("negative", "float32", lambda r: normal(r, (2, 3)), wrt=(0,)),
    _unary("negative", "int8", lambda r: integers(r, (4,), -9, 9, "int8")),
    _unary("negative", "float16", lambda r: normal(r, (3,), dtype="float16")),
    _unary("abs", "float32", lambda r: away_from_zero(r, (2, 3)), wrt=(0,)),
    _unary("abs", "int32", lambda r: integers(r, (5,), -9, 9)),
    _unary("abs", "float16", lambda r: normal(r, (3,), dtype="float16")),
    _unary("sign", "float32-with-zeros", lambda r: _halves(r, (8,))),
    _unary("sign", "int32", lambda r: integers(r, (6,), -2, 3)),
    _unary("square", "float32", lambda r: normal(r, (2, 3)), wrt=(0,)),
    _unary("square", "int32", lambda r: integers(r, (4,), -9, 9)),
    _unary("sqrt", "float32", lambda r: uniform(r, (2, 3), 0.5, 4.0), wrt=(0,)),
    _unary("sqrt", "int32-gives-float32", lambda r: integers(r, (4,), 0, 10)),
    _unary("sqrt", "float16", lambda r: uniform(r, (3,), 0.5, 4.0, "float16")),
    _unary("rsqrt", "float32", lambda r: uniform(r, (2, 3), 0.5, 4.0), wrt=(0,)),
    _unary("rsqrt", "int32-gives-float32", lambda r: integers(r, (4,), 1, 10)),
    _unary("reciprocal", "float32", lambda r: away_from_zero(r, (2, 3), 0.5), wrt=(0,)),
    _unary("reciprocal", "int32-gives-float32", lambda r: np.array([1, -2, 4, 7], np.int32)),
    _unary("exp", "float32", lambda r: uniform(r, (2, 3), -3.0, 3.0), wrt=(0,), jit=True),
    _unary("exp", "int8-gives-float32", lambda r: integers(r, (4,), -3, 4, "int8")),
    _unary("exp", "float16", lambda r: uniform(r, (4,), -3.0, 3.0, "float16")),
    _unary("expm1", "float32", lambda r: uniform(r, (2, 3), -2.0, 2.0), wrt=(0,)),
    _unary("expm1", "tiny", lambda r: normal(r, (4,), 1e-5)),
    _unary("log", "float32", lambda r: uniform(r, (2, 3), 0.5, 5.0), wrt=(0,)),
    _unary("log", "int32-gives-float32", lambda r: integers(r, (4,), 1, 10)),
    _unary("log1p", "float32", lambda r: uniform(r, (2, 3), -0.5, 2.0), wrt=(0,)),
    _unary("log1p", "tiny", lambda r: normal(r, (4,), 1e-5)),
    _unary("sin", "float32", lambda r: uniform(r, (2, 3), -4.0, 4.0), wrt=(0,)),
    _unary("sin", "int32-gives-float32", lambda r: integers(r, (4,), -5, 5)),
    _unary("cos", "float32", lambda r: uniform(r, (2, 3), -4.0, 4.0), wrt=(0,)),
    _unary("tan", "float32", lambda r: uniform(r, (2, 3), -1.2, 1.2), wrt=(0,)),
    _unary("arctan", "float32", lambda r: normal(r, (2, 3), 3.0), wrt=(0,)),
    _unary("sinh", "float32", lambda r: uniform(r, (2, 3), -3.0, 3.0), wrt=(0,)),
    _unary("cosh", "float32", lambda r: uniform(r, (2, 3), -3.0, 3.0), wrt=(0,)),
    _unary("tanh", "float32", lambda r: normal(r, (2, 3), 2.0), wrt=(0,)),
    _unary("tanh", "float16", lambda r: normal(r, (4,), 2.0, "float16")),
    _unary("erf", "float32", lambda r: normal(r, (2, 3)), wrt=(0,)),
    _unary("floor", "float32", lambda r: uniform(r, (2, 4), -5.0, 5.0)),
    _unary("floor", "int32-unchanged", lambda r: integers(r, (4,), -9, 9)),
    _unary("ceil", "float32", lambda r: uniform(r, (2, 4), -5.0, 5.0)),
    _unary("ceil", "float16", lambda r: uniform(r, (4,), -5.0, 5.0, "float16")),
    _unary("round", "halves-to-even", lambda r: np.array([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 0.4, -0.6], np.float32)),
    _unary("round", "int32-unchanged", lambda r: integers(r, (4,), -9, 9)),
    _unary("logical_not", "bool", lambda r: booleans(r, (2, 3))),
    _unary("logical_not", "float32-truthiness", lambda r: _halves(r, (6,))),
    _unary("isnan", "float32-specials", lambda r: _with_specials()),
    _unary("isnan", "int32", lambda r: integers(r, (3,), -9, 9)),
    _unary("isinf", "float32-specials", lambda r: _with_specials()),
    _unary("isfinite", "float32-specials", lambda r: _with_specials()),
    _unary("isfinite", "float16-specials", lambda r: _with_specials().astype("float16")),
]

_FLOAT_REDUCTIONS = ("sum", "mean", "var", "std", "logsumexp")

REDUCTIONS = [
    case(op, label, lambda r, kw=kw: call(normal(r, (2, 3, 4)), **kw), wrt=(0,))
    for op in _FLOAT_REDUCTIONS
    for label, kw in (("all-axes", {}), ("axis-neg1-keepdims", {"axis": -1, "keepdims": True}),
                      ("axis-tuple-0-2", {"axis": (0, 2)}))
] + [
    case(op, label, lambda r, kw=kw: call(distinct(r, (2, 3, 4)), **kw), wrt=(0,))
    for op in ("max", "min")
    for label, kw in (("all-axes", {}), ("axis-neg1-keepdims", {"axis": -1, "keepdims": True}),
                      ("axis-tuple-0-2", {"axis": (0, 2)}))
] + [
    case(op, "size1-axis", lambda r: call(normal(r, (1, 4)), axis=0))
    for op in ("sum", "mean", "max", "min", "prod", "var", "std", "logsumexp")
] + [
    case("sum", "int8-gives-int32", lambda r: call(integers(r, (3, 4), -100, 100, "int8"), axis=1)),
    case("sum", "bool-gives-int32", lambda r: call(booleans(r, (3, 4)))),
    case("sum", "int32-axis0", lambda r: call(integers(r, (3, 4), -100, 100), axis=0)),
    case("sum", "size0-axis", lambda r: call(normal(r, (0, 3)), axis=0)),
    case("sum", "float16", lambda r: call(normal(r, (3, 4), dtype="float16"), axis=-1)),
    case("sum", "jit-axis1", lambda r: call(normal(r, (3, 4)), axis=1), jit=True),
    case("mean", "int32-gives-float32", lambda r: call(integers(r, (3, 4), -9, 9), axis=0)),
    case("mean", "float16", lambda r: call(normal(r, (2, 4), dtype="float16"), axis=1)),
    case("max", "int32-axis0", lambda r: call(integers(r, (3, 4), -9, 9), axis=0)),
    case("min", "int8-negative-axis", lambda r: call(integers(r, (3, 4), -9, 9, "int8"), axis=-2)),
    case("prod", "axis1", lambda r: call(uniform(r, (3, 4), 0.5, 1.5), axis=1), wrt=(0,)),
    case("prod", "all-axes", lambda r: call(uniform(r, (2, 3), 0.5, 1.5)), wrt=(0,)),
    case("prod", "int32", lambda r: call(integers(r, (2, 3), -3, 4), axis=-1)),
    case("prod", "size0-axis", lambda r: call(normal(r, (2, 0)), axis=1)),
    case("var", "int32-gives-float32", lambda r: call(integers(r, (3, 4), -9, 9), axis=1)),
    case("std", "axis-tuple-keepdims", lambda r: call(normal(r, (2, 3, 4)), axis=(1, 2), keepdims=True)),
    case("logsumexp", "large-magnitude", lambda r: call(normal(r, (3, 5), 1e4), axis=-1)),
    case("logsumexp", "large-magnitude-all-axes", lambda r: call(normal(r, (3, 5), 1e4))),
] + [
    case(op, label, lambda r, make=make, kw=kw: call(make(r), **kw))
    for op in ("any", "all")
    for label, make, kw in (
        ("bool-axis0", lambda r: booleans(r, (3, 4)), {"axis": 0}),
        ("float32-all-axes", lambda r: _halves(r, (2, 3)), {}),
        ("bool-axis-neg1-keepdims", lambda r: booleans(r, (2, 3)), {"axis": -1, "keepdims": True}),
        ("size0", lambda r: np.zeros((0,), bool), {}),
        ("all-true", lambda r: np.ones((2, 2), bool), {"axis": (0, 1)}),
    )
]

ARG_REDUCTIONS = [
    case(op, label, lambda r, make=make, kw=kw: call(make(r), **kw))
    for op in ("argmax", "argmin")
    for label, make, kw in (
        ("flattened", lambda r: distinct(r, (3, 4)), {}),
        ("axis-neg1", lambda r: distinct(r, (3, 4)), {"axis": -1}),
        ("axis0-keepdims", lambda r: distinct(r, (3, 4)), {"axis": 0, "keepdims": True}),
        ("int32-ties-first-index", lambda r: integers(r, (4, 6), 0, 3), {"axis": 1}),
        ("size1-axis", lambda r: normal(r, (1, 3)), {"axis": 0}),
    )
]


def _bounds(r: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    half_width = uniform(r, (3, 1), 0.2, 0.6)
    return -half_width, half_width


LINALG = [
    case("clip", "scalar-bounds", lambda r: call(distinct(r, (3, 4)), -0.3, 0.3), wrt=(0,)),
    case("clip", "tensor-bounds-broadcast", lambda r: call(normal(r, (3, 4)), *_bounds(r))),
    case("clip", "int32-weak-bounds", lambda r: call(integers(r, (6,), -9, 9), 0, 5)),
    case("matmul", "2d", lambda r: call(normal(r, (3, 4)), normal(r, (4, 5))), wrt=BOTH, jit=True),
    case("matmul", "batch-broadcast", lambda r: call(normal(r, (2, 1, 3, 4)), normal(r, (5, 4, 2))), wrt=BOTH),
    case("matmul", "1d-2d", lambda r: call(normal(r, (4,)), normal(r, (4, 3))), wrt=BOTH),
    case("matmul", "1d-1d", lambda r: call(normal(r, (4,)), normal(r, (4,))), wrt=BOTH),
    case("matmul", "int32", lambda r: call(integers(r, (2, 3), -5, 5), integers(r, (3, 2), -5, 5))),
    case("matmul", "size0", lambda r: call(normal(r, (0, 3)), normal(r, (3, 2)))),
    case("matmul", "float16", lambda r: call(normal(r, (2, 3), dtype="float16"), normal(r, (3, 2), dtype="float16"))),
    case("einsum", "ij,jk->ik", lambda r: call("ij,jk->ik", normal(r, (2, 3)), normal(r, (3, 4))), wrt=(1, 2)),
    case("einsum", "bij,jk->bik", lambda r: call("bij,jk->bik", normal(r, (2, 3, 4)), normal(r, (4, 2))), wrt=(1, 2)),
    case("einsum", "i,i->", lambda r: call("i,i->", normal(r, (5,)), normal(r, (5,))), wrt=(1, 2)),
    case("einsum", "ij->ji", lambda r: call("ij->ji", normal(r, (2, 3))), wrt=(1,)),
    case("einsum", "ii->i", lambda r: call("ii->i", normal(r, (3, 3)))),
    case("tensordot", "default-axes", lambda r: call(normal(r, (2, 3, 4)), normal(r, (3, 4, 2))), wrt=BOTH),
    case("tensordot", "axes1", lambda r: call(normal(r, (2, 3)), normal(r, (3, 4)), axes=1), wrt=BOTH),
    case("tensordot", "axes-pairs", lambda r: call(normal(r, (3, 2, 4)), normal(r, (2, 3, 5)), axes=([1, 0], [0, 1]))),
    case("tensordot", "axes0-outer", lambda r: call(normal(r, (2,)), normal(r, (3,)), axes=0)),
    case("norm", "vector-default", lambda r: call(normal(r, (5,))), wrt=(0,)),
    case("norm", "vector-ord1", lambda r: call(away_from_zero(r, (5,)), ord=1), wrt=(0,)),
    case("norm", "vector-ord-inf", lambda r: call(distinct(r, (5,), offset=0.05), ord=np.inf), wrt=(0,)),
    case("norm", "matrix-default", lambda r: call(normal(r, (3, 4)))),
    case("norm", "matrix-fro", lambda r: call(normal(r, (3, 4)), "fro"), wrt=(0,)),
    case("norm", "matrix-ord1", lambda r: call(normal(r, (3, 4)), 1, (0, 1))),
    case("norm", "matrix-ord2-batch", lambda r: call(normal(r, (2, 3, 3)), 2, (-2, -1)), wrt=(0,), rtol=1e-4),
    case("norm", "axis-neg1-keepdims", lambda r: call(normal(r, (3, 4)), axis=-1, keepdims=True), wrt=(0,)),
    case("cumsum", "flattened", lambda r: call(normal(r, (2, 3))), wrt=(0,)),
    case("cumsum", "axis-neg1", lambda r: call(normal(r, (2, 3, 2)), axis=-1), wrt=(0,)),
    case("cumsum", "int32-axis0", lambda r: call(integers(r, (3, 4), -9, 9), axis=0)),
    case("cumprod", "axis1", lambda r: call(uniform(r, (2, 4), 0.5, 1.5), axis=1), wrt=(0,)),
    case("cumprod", "flattened", lambda r: call(uniform(r, (2, 3), 0.5, 1.5))),
    case("cumprod", "int32-axis0", lambda r: call(integers(r, (3, 3), -3, 4), axis=0)),
    case("sort", "axis-neg1", lambda r: call(normal(r, (3, 5)))),
    case("sort", "axis0", lambda r: call(normal(r, (4, 3)), axis=0)),
    case("sort", "int32-ties", lambda r: call(integers(r, (2, 7), 0, 3))),
    case("sort", "size1", lambda r: call(normal(r, (3, 1)))),
    case("argsort", "axis-neg1", lambda r: call(distinct(r, (3, 5)))),
    case("argsort", "axis0", lambda r: call(distinct(r, (4, 3)), axis=0)),
    case("argsort", "int32-ties-stable", lambda r: call(integers(r, (2, 9), 0, 3)), jit=True),
    case("top_k", "k2", lambda r: call(distinct(r, (3, 5)), 2), wrt=(0,), jit=True),
    case("top_k", "k-all", lambda r: call(distinct(r, (2, 4)), 4), wrt=(0,)),
    case("top_k", "k1-1d", lambda r: call(distinct(r, (6,)), 1)),
    case("top_k", "int32", lambda r: call(r.permutation(12).reshape(2, 6).astype("int32"), 3)),
]


def _inside_unit(r: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    return uniform(r, shape, -0.9, 0.9)


def _with_edges() -> np.ndarray:
    """Specials, signed zeros and values at domain edges."""
    return np.array([0.0, -0.0, 1.0, -1.0, 2.5, -3.0, np.nan, np.inf, -np.inf], np.float32)


_FLOAT_UNARY_DOMAINS = {
    "arcsin": _inside_unit, "arccos": _inside_unit, "arctanh": _inside_unit, "erfinv": _inside_unit,
    "arcsinh": lambda r, shape: normal(r, shape, 3.0),
    "arccosh": lambda r, shape: uniform(r, shape, 1.2, 6.0),
    "cbrt": lambda r, shape: away_from_zero(r, shape, 0.2, 8.0),
    "deg2rad": lambda r, shape: normal(r, shape, 90.0), "rad2deg": normal,
    "exp2": lambda r, shape: uniform(r, shape, -4.0, 4.0),
    "log2": lambda r, shape: uniform(r, shape, 0.3, 9.0), "log10": lambda r, shape: uniform(r, shape, 0.3, 90.0),
    "erfc": lambda r, shape: uniform(r, shape, -1.5, 1.5), "fabs": away_from_zero,
    "sinc": lambda r, shape: away_from_zero(r, shape, 0.1, 3.0),
    "i0": lambda r, shape: uniform(r, shape, -6.0, 6.0),
    "absolute": away_from_zero,
}

ELEMENTWISE = [
    case(op, "float32", lambda r, make=make: call(make(r, (2, 3))), wrt=(0,), rtol=1e-5, atol=1e-6)
    for op, make in _FLOAT_UNARY_DOMAINS.items()
] + [
    _unary(op, "int32-gives-float32", lambda r: integers(r, (4,), 1, 4))
    for op in ("arcsinh", "cbrt", "deg2rad", "exp2", "log2", "log10", "fabs", "sinc", "i0")
] + [
    _unary(op, "float16", lambda r: uniform(r, (4,), 0.1, 0.8, "float16"))
    for op in ("arcsin", "log10", "exp2", "erfinv")
] + [
    _unary("erfinv", "tails", lambda r: np.array([-0.999, -0.99, 0.995, 0.9999, 0.0, 1.0, -1.0], np.float32),
           rtol=1e-5),
    _unary("sinc", "zero", lambda r: np.array([0.0, 1.0, -0.5], np.float32)),
    _unary("absolute", "int8", lambda r: integers(r, (4,), -9, 9, "int8")),
    _unary("trunc", "float32", lambda r: uniform(r, (2, 4), -5.0, 5.0)),
    _unary("trunc", "int32-unchanged", lambda r: integers(r, (4,), -9, 9)),
] + [
    _unary(op, "float32-edges", lambda r: _with_edges())
    for op in ("signbit", "isneginf", "isposinf", "isreal", "angle", "nan_to_num")
] + [
    _unary(op, "int32", lambda r: integers(r, (4,), -9, 9))
    for op in ("signbit", "isneginf", "isreal", "real", "imag", "conj", "conjugate", "angle", "nan_to_num")
] + [
    _unary(op, "float32", lambda r: normal(r, (2, 3)), wrt=(0,))
    for op in ("real", "imag", "conj", "conjugate")
] + [
    case("nan_to_num", "replacements", lambda r: call(_with_edges(), nan=-1.0, posinf=9.0, neginf=-9.0)),
    case("nan_to_num", "float16", lambda r: call(_with_edges().astype("float16"))),
    case("nan_to_num", "float32-finite", lambda r: call(normal(r, (2, 3))), wrt=(0,)),
]

_SMALL_INTS = np.array([12, -18, 0, 7, 9, -4], np.int32)
_OTHER_INTS = np.array([8, 12, 0, 0, -6, -10], np.int32)

BINARY_ELEMENTWISE = [
    case(op, "float32-3x1-1x4", lambda r: call(normal(r, (3, 1)), away_from_zero(r, (1, 4), 0.5)), wrt=BOTH)
    for op in ("true_divide", "divide_no_nan", "hypot", "logaddexp", "logaddexp2")
] + [
    case(op, "int32", lambda r: call(integers(r, (4,), -9, 9), np.array([2, -3, 4, 1], np.int32)))
    for op in ("true_divide", "hypot", "logaddexp", "fmax", "fmin", "fmod")
] + [
    case("divide_no_nan", "zeros", lambda r: call(normal(r, (4,)), np.array([0.0, 2.0, 0.0, -1.0], np.float32))),
    case("hypot", "large", lambda r: call(normal(r, (3,), 1e30), normal(r, (3,), 1e30))),
    case("logaddexp", "infinities", lambda r: call(_with_edges(), _with_edges()[::-1].copy())),
    case("logaddexp", "weak-float", lambda r: call(normal(r, (3,)), 2.0)),
    case("heaviside", "ties", lambda r: call(_halves(r, (8,)), 0.5)),
    case("heaviside", "int32-tensor", lambda r: call(integers(r, (5,), -2, 3), uniform(r, (5,), 0, 1))),
    case("fmax", "nans", lambda r: call(_with_edges(), _with_edges()[::-1].copy())),
    case("fmin", "nans", lambda r: call(_with_edges(), _with_edges()[::-1].copy())),
    case("fmax", "float32", lambda r: call(distinct(r, (3, 1)), distinct(r, (1, 4), offset=0.05)), wrt=BOTH),
    case("fmin", "float32", lambda r: call(distinct(r, (3, 1)), distinct(r, (1, 4), offset=0.05)), wrt=BOTH),
    case("fmod", "signs", lambda r: call(np.array([5.5, -5.5, 5.5, -5.5, 3.0], np.float32),
                                         np.array([2.0, 2.0, -2.0, -2.0, 1.5], np.float32))),
    case("fmod", "int32-signs", lambda r: call(np.array([7, -7, 7, -7], np.int32), np.array([3, 3, -3, -3], np.int32))),
    case("ldexp", "float32-int32", lambda r: call(normal(r, (2, 3)), integers(r, (2, 3), -4, 5)), wrt=(0,)),
    case("ldexp", "int32-mantissa", lambda r: call(integers(r, (3,), -4, 5), np.array([0, 3, -1], np.int32))),
    case("gcd", "int32", lambda r: call(_SMALL_INTS, _OTHER_INTS)),
    case("gcd", "broadcast-weak-int", lambda r: call(integers(r, (2, 3), -50, 50), 6)),
    case("gcd", "int8-fibonacci", lambda r: call(np.array([89, 55, 0], np.int8), np.array([55, 34, 5], np.int8))),
    case("lcm", "int32", lambda r: call(_SMALL_INTS, _OTHER_INTS)),
    case("lcm", "uint8", lambda r: call(np.array([4, 6, 0], np.uint8), np.array([6, 10, 3], np.uint8))),
] + [
    case(op, "int32", lambda r: call(integers(r, (3, 4), -100, 100), integers(r, (1, 4), -100, 100)))
    for op in ("bitwise_and", "bitwise_or", "bitwise_xor")
] + [
    case(op, "uint8", lambda r: call(integers(r, (5,), 0, 255, "uint8"), integers(r, (5,), 0, 255, "uint8")))
    for op in ("bitwise_and", "bitwise_or", "bitwise_xor")
] + [
    case(op, "bool", lambda r: call(booleans(r, (5,)), booleans(r, (5,))))
    for op in ("bitwise_and", "bitwise_or", "bitwise_xor")
] + [
    _unary(op, label, make)
    for op in ("bitwise_invert", "bitwise_not")
    for label, make in (("int32", lambda r: integers(r, (5,), -100, 100)),
                        ("uint8", lambda r: integers(r, (5,), 0, 255, "uint8")),
                        ("bool", lambda r: booleans(r, (4,))))
] + [
    case(op, label, lambda r, make=make: call(*make(r)))
    for op in ("left_shift", "right_shift", "bitwise_left_shift", "bitwise_right_shift")
    for label, make in (
        ("int32", lambda r: (integers(r, (6,), -1000, 1000), np.array([0, 1, 3, 7, 12, 20], np.int32))),
        ("uint8", lambda r: (integers(r, (4,), 0, 255, "uint8"), np.array([0, 1, 4, 7], np.uint8))),
        ("int8-weak-shift", lambda r: (integers(r, (4,), -100, 100, "int8"), 2)),
    )
] + [
    case("right_shift", "int32-wide-shifts", lambda r: call(np.array([-7, 16, -2**31, 2**31 - 1], np.int32),
                                                             np.array([1, 31, 31, 30], np.int32))),
    case("nextafter", "float32", lambda r: call(normal(r, (2, 3)), normal(r, (2, 3)))),
    case("nextafter", "zero-and-equal", lambda r: call(np.array([0.0, 0.0, 1.0, -1.0], np.float32),
                                                        np.array([1.0, -1.0, 1.0, 2.0], np.float32))),
    case("nextafter", "float16", lambda r: call(normal(r, (4,), dtype="float16"), 10.0)),
    case("isclose", "near-and-specials", lambda r: call(np.array([1.0, 1.0, np.inf, np.nan, 0.0, 1e-9], np.float32),
                                                         np.array([1.000001, 1.1, np.inf, np.nan, 1e-9, 0.0], np.float32))),
    case("isclose", "equal-nan-loose", lambda r: call(np.array([1.0, np.nan, 2.0], np.float32),
                                                      np.array([1.05, np.nan, 2.5], np.float32), 0.1, 0.0, True)),
    case("isclose", "int32", lambda r: call(integers(r, (5,), 0, 3), integers(r, (5,), 0, 3))),
    case("allclose", "close", lambda r: call(np.array([1.0, 2.0], np.float32), np.array([1.0000001, 2.0], np.float32))),
    case("allclose", "far-broadcast", lambda r: call(normal(r, (2, 3)), normal(r, (3,)), atol=0.1)),
]


def _with_nans(r: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    values = distinct(r, shape)
    values.flat[:: 3] = np.nan
    return values


STATISTICS = [
    case("amax", "axis0", lambda r: call(distinct(r, (3, 4)), axis=0), wrt=(0,)),
    case("amin", "int32-keepdims", lambda r: call(integers(r, (3, 4), -9, 9), axis=1, keepdims=True)),
    case("amin", "float32", lambda r: call(distinct(r, (3, 4))), wrt=(0,)),
    case("ptp", "axis1", lambda r: call(distinct(r, (3, 4)), axis=1), wrt=(0,)),
    case("ptp", "int32-all", lambda r: call(integers(r, (3, 4), -9, 9))),
    case("count_nonzero", "all", lambda r: call(integers(r, (3, 4), -1, 2))),
    case("count_nonzero", "axis-tuple", lambda r: call(_halves(r, (2, 3, 4)), axis=(0, 2))),
    case("average", "plain", lambda r: call(normal(r, (3, 4)), axis=1), wrt=(0,)),
    case("average", "weights-1d-axis0", lambda r: call(normal(r, (3, 4)), 0, uniform(r, (3,), 0.5, 2.0)),
         wrt=(0, 2)),
    case("average", "weights-full-int32", lambda r: call(integers(r, (2, 3), 0, 9), None, uniform(r, (2, 3), 0.5, 2))),
    case("nansum", "nans-axis1", lambda r: call(_with_nans(r, (3, 4)), axis=1)),
    case("nansum", "float32", lambda r: call(normal(r, (2, 3))), wrt=(0,)),
    case("nansum", "int32", lambda r: call(integers(r, (2, 3), -9, 9), axis=0)),
    case("nanprod", "nans", lambda r: call(_with_nans(r, (3, 4)), axis=0)),
    case("nanprod", "float32", lambda r: call(uniform(r, (2, 3), 0.5, 1.5), axis=1), wrt=(0,)),
    case("nanmean", "nans-keepdims", lambda r: call(_with_nans(r, (3, 4)), axis=1, keepdims=True)),
    case("nanmean", "float32", lambda r: call(normal(r, (2, 3))), wrt=(0,)),
    case("nanvar", "nans", lambda r: call(_with_nans(r, (3, 4)), axis=0)),
    case("nanvar", "float32", lambda r: call(normal(r, (2, 3)), axis=1), wrt=(0,)),
    case("nanstd", "nans-all", lambda r: call(_with_nans(r, (3, 4)))),
    case("nanstd", "float32", lambda r: call(normal(r, (2, 3)), axis=1), wrt=(0,)),
    case("nanmax", "nans-with-all-nan-row", lambda r: call(np.array([[np.nan, np.nan], [1.0, np.nan]], np.float32),
                                                            axis=1)),
    case("nanmax", "float32", lambda r: call(distinct(r, (2, 3)), axis=0), wrt=(0,)),
    case("nanmin", "nans", lambda r: call(_with_nans(r, (3, 4)), axis=0)),
    case("nanmin", "int32", lambda r: call(integers(r, (2, 3), -9, 9))),
    case("nanmin", "float32", lambda r: call(distinct(r, (2, 3)), axis=1), wrt=(0,)),
    case("nanargmax", "nans", lambda r: call(_with_nans(r, (3, 4)), axis=1)),
    case("nanargmin", "nans-flat", lambda r: call(_with_nans(r, (3, 4)))),
    case("nancumsum", "nans-axis1", lambda r: call(_with_nans(r, (2, 4)), axis=1)),
    case("nancumsum", "float32", lambda r: call(normal(r, (2, 3))), wrt=(0,)),
    case("nancumprod", "nans-flat", lambda r: call(_with_nans(r, (2, 3)))),
    case("nancumprod", "float32", lambda r: call(uniform(r, (2, 3), 0.5, 1.5), axis=0), wrt=(0,)),
    case("quantile", "scalar-q", lambda r: call(normal(r, (3, 5)), 0.3, axis=1)),
    case("quantile", "vector-q-all", lambda r: call(normal(r, (3, 4)), np.array([0.0, 0.25, 1.0], np.float32))),
    case("quantile", "int32-axis0-keepdims", lambda r: call(integers(r, (4, 3), -9, 9), 0.5, axis=0, keepdims=True)),
    case("quantile", "nan-gives-nan", lambda r: call(_with_nans(r, (2, 4)), 0.5, axis=1)),
] + [
    case("quantile", f"method-{method}", lambda r, method=method: call(normal(r, (2, 6)), np.array([0.15, 0.55, 0.85], np.float32),
                                                                      axis=-1, method=method))
    for method in ("lower", "midpoint", "nearest")
] + [
    case("nanquantile", "nans", lambda r: call(_with_nans(r, (3, 4)), 0.4, axis=1)),
    case("nanquantile", "all-nan-row", lambda r: call(np.array([[np.nan, np.nan], [1.0, 3.0]], np.float32), 0.5, 1)),
    case("percentile", "vector-q-axis-tuple", lambda r: call(normal(r, (2, 3, 4)), np.array([10.0, 90.0], np.float32),
                                                             axis=(0, 2))),
    case("nanpercentile", "nans", lambda r: call(_with_nans(r, (3, 4)), 50.0, axis=0)),
    case("median", "odd-and-even", lambda r: call(normal(r, (4, 5)), axis=0)),
    case("nanmedian", "nans", lambda r: call(_with_nans(r, (3, 4)), axis=1)),
    case("diff", "n1", lambda r: call(normal(r, (2, 5))), wrt=(0,)),
    case("diff", "n2-axis0-int32", lambda r: call(integers(r, (4, 3), -9, 9), 2, 0)),
    case("diff", "bool", lambda r: call(booleans(r, (6,)))),
    case("trapezoid", "dx", lambda r: call(normal(r, (2, 5)), dx=0.5), wrt=(0,)),
    case("trapezoid", "x-1d-axis0", lambda r: call(normal(r, (4, 2)), np.array([0.0, 0.5, 1.5, 3.0], np.float32), axis=0),
         wrt=(0,)),
    case("correlate", "valid", lambda r: call(normal(r, (6,)), normal(r, (3,))), wrt=(0, 1)),
] + [
    case("correlate", f"{mode}-{n}-{m}", lambda r, mode=mode, n=n, m=m: call(normal(r, (n,)), normal(r, (m,)), mode))
    for mode in ("same", "full", "valid")
    for n, m in ((5, 3), (2, 5))
] + [
    case("corrcoef", "3-variables", lambda r: call(normal(r, (3, 6)))),
    case("corrcoef", "1d", lambda r: call(normal(r, (5,)))),
    case("histogram", "default-range", lambda r: call(normal(r, (20,)), 4)),
    case("histogram", "range-edges", lambda r: call(np.array([0.0, 1.0, 1.0, 2.5, 3.9, 4.0, -1.0, 7.0], np.float32),
                                                    4, (0.0, 4.0))),
    case("bincount", "minlength", lambda r: call(integers(r, (8,), 0, 4), minlength=6)),
    case("bincount", "weights", lambda r: call(integers(r, (6,), 0, 5), uniform(r, (6,), 0, 1))),
    case("bincount", "2d", lambda r: call(integers(r, (2, 5), 0, 4))),
    case("nonzero", "2d", lambda r: call(integers(r, (3, 4), -1, 2))),
    case("nonzero", "bool-1d", lambda r: call(booleans(r, (7,)))),
    case("unique", "everything", lambda r: call(integers(r, (8,), 0, 4), return_index=True, return_inverse=True,
                                                return_counts=True)),
    case("unique", "2d-float-size-fill", lambda r: call(_halves(r, (3, 3)), size=12, fill_value=-9.0)),
]

CASES = ARITHMETIC + COMPARISONS + UNARY + REDUCTIONS + ARG_REDUCTIONS + LINALG + ELEMENTWISE + BINARY_ELEMENTWISE + STATISTICS
