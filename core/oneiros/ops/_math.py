"""Elementwise math, comparisons, reductions and linear algebra, with numpy broadcasting.

Binary ops follow ``oneiros.dtypes.result_type`` promotion; Python scalars are weakly typed.
"""

from __future__ import annotations

from oneiros.ops._contract import op

BROADCAST = "tensors whose shapes broadcast together (numpy rules) and numeric/bool dtypes"
UNARY = "a tensor of a numeric dtype"
FLOAT = "a tensor of a numeric dtype (integer inputs give float32)"
COMPARE = BROADCAST + "; the result is bool"
REDUCE = "a tensor and axis None, an int or a tuple of ints within [-ndim, ndim)"


def _binary(name: str, doc: str, expects: str = BROADCAST, differentiable: bool = True):
    def spec(x1, x2):
        pass

    spec.__name__ = spec.__qualname__ = name
    spec.__doc__ = doc
    return op("math", expects, differentiable)(spec)


def _unary(name: str, doc: str, expects: str = UNARY, differentiable: bool = True):
    def spec(x):
        pass

    spec.__name__ = spec.__qualname__ = name
    spec.__doc__ = doc
    return op("math", expects, differentiable)(spec)


def _reduction(name: str, doc: str, differentiable: bool = True):
    def spec(x, axis=None, keepdims=False):
        pass

    spec.__name__ = spec.__qualname__ = name
    spec.__doc__ = doc
    return op("reduction", REDUCE, differentiable)(spec)


add = _binary("add", "x1 + x2.")
subtract = _binary("subtract", "x1 - x2.")
multiply = _binary("multiply", "x1 * x2.")
divide = _binary("divide", "True division x1 / x2; integer inputs give float32.")
floor_divide = _binary("floor_divide", "x1 // x2 (rounds toward minus infinity).", differentiable=False)
mod = _binary("mod", "x1 % x2 with the sign of x2, like numpy.", differentiable=False)
power = _binary("power", "x1 ** x2.")
maximum = _binary("maximum", "Elementwise larger value (NaN propagates).")
minimum = _binary("minimum", "Elementwise smaller value (NaN propagates).")
arctan2 = _binary("arctan2", "Angle of (x2, x1) in radians; float result.")
equal = _binary("equal", "x1 == x2.", COMPARE, False)
not_equal = _binary("not_equal", "x1 != x2.", COMPARE, False)
less = _binary("less", "x1 < x2.", COMPARE, False)
less_equal = _binary("less_equal", "x1 <= x2.", COMPARE, False)
greater = _binary("greater", "x1 > x2.", COMPARE, False)
greater_equal = _binary("greater_equal", "x1 >= x2.", COMPARE, False)
logical_and = _binary("logical_and", "Truth of x1 and x2.", COMPARE, False)
logical_or = _binary("logical_or", "Truth of x1 or x2.", COMPARE, False)
logical_xor = _binary("logical_xor", "Truth of x1 xor x2.", COMPARE, False)

negative = _unary("negative", "-x.")
abs = _unary("abs", "|x|.")
sign = _unary("sign", "-1, 0 or 1 with the dtype of x.", differentiable=False)
square = _unary("square", "x * x.")
sqrt = _unary("sqrt", "Square root; float result.", FLOAT)
rsqrt = _unary("rsqrt", "1 / sqrt(x); float result.", FLOAT)
reciprocal = _unary("reciprocal", "1 / x; float result.", FLOAT)
exp = _unary("exp", "e ** x; float result.", FLOAT)
expm1 = _unary("expm1", "exp(x) - 1, accurate near 0; float result.", FLOAT)
log = _unary("log", "Natural logarithm; float result.", FLOAT)
log1p = _unary("log1p", "log(1 + x), accurate near 0; float result.", FLOAT)
sin = _unary("sin", "Sine; float result.", FLOAT)
cos = _unary("cos", "Cosine; float result.", FLOAT)
tan = _unary("tan", "Tangent; float result.", FLOAT)
arctan = _unary("arctan", "Inverse tangent; float result.", FLOAT)
sinh = _unary("sinh", "Hyperbolic sine; float result.", FLOAT)
cosh = _unary("cosh", "Hyperbolic cosine; float result.", FLOAT)
tanh = _unary("tanh", "Hyperbolic tangent; float result.", FLOAT)
erf = _unary("erf", "The error function; float result.", FLOAT)
floor = _unary("floor", "Largest integer <= x, same dtype.", differentiable=False)
ceil = _unary("ceil", "Smallest integer >= x, same dtype.", differentiable=False)
round = _unary("round", "Round half to even, same dtype.", differentiable=False)
logical_not = _unary("logical_not", "Truth of not x; bool result.", differentiable=False)
isnan = _unary("isnan", "x is NaN; bool result.", differentiable=False)
isinf = _unary("isinf", "x is +-inf; bool result.", differentiable=False)
isfinite = _unary("isfinite", "x is neither NaN nor inf; bool result.", differentiable=False)

sum = _reduction("sum", "Sum over ``axis``: bool and signed ints give int32, unsigned uint32.")
mean = _reduction("mean", "Arithmetic mean over ``axis``; float result.")
max = _reduction("max", "Largest value over ``axis`` (non-empty).")
min = _reduction("min", "Smallest value over ``axis`` (non-empty).")
prod = _reduction("prod", "Product over ``axis``: bool and signed ints give int32, unsigned uint32.")
var = _reduction("var", "Population variance (ddof=0) over ``axis``; float result.")
std = _reduction("std", "Population standard deviation over ``axis``; float result.")
logsumexp = _reduction("logsumexp", "log(sum(exp(x))) over ``axis``, stable for large |x|.")
any = _reduction("any", "Whether any element over ``axis`` is true; bool result.", False)
all = _reduction("all", "Whether every element over ``axis`` is true; bool result.", False)


@op("math", "a tensor and an int axis within [-ndim, ndim) or None (flattened)", False)
def argmax(x, axis=None, keepdims=False):
    """Index of the first largest value along ``axis``; int32 result."""


@op("math", "a tensor and an int axis within [-ndim, ndim) or None (flattened)", False)
def argmin(x, axis=None, keepdims=False):
    """Index of the first smallest value along ``axis``; int32 result."""


@op("math", "a tensor and scalars or broadcastable tensors x_min <= x_max")
def clip(x, x_min, x_max):
    """``x`` limited to [x_min, x_max], promoting like a binary op; x_max wins if x_min > x_max."""


@op("linalg", "tensors of ndim >= 1 whose inner dimensions agree (numpy.matmul rules)")
def matmul(x1, x2):
    """Matrix product with batch broadcasting, like ``numpy.matmul``."""


@op("linalg", "a valid einsum subscripts string and operands whose dimensions agree with it")
def einsum(subscripts, *operands):
    """Einstein summation, like ``numpy.einsum``."""


@op("linalg", "two tensors and axes (int or pair of sequences) of equal-sized dimensions")
def tensordot(x1, x2, axes=2):
    """Tensor contraction over ``axes``, like ``numpy.tensordot``."""


@op("linalg", "a float tensor, ord None/'fro'/1/2/inf and axis None, int or pair")
def norm(x, ord=None, axis=None, keepdims=False):
    """Vector or matrix norm, like ``numpy.linalg.norm``."""


@op("math", "a tensor and an int axis within [-ndim, ndim) (None = flattened)")
def cumsum(x, axis=None):
    """Cumulative sum along ``axis``; keeps the dtype (bool gives int32)."""


@op("math", "a tensor and an int axis within [-ndim, ndim) (None = flattened)")
def cumprod(x, axis=None):
    """Cumulative product along ``axis``."""


@op("math", "a tensor and an int axis within [-ndim, ndim)", False)
def sort(x, axis=-1):
    """Values sorted ascending along ``axis``."""


@op("math", "a tensor and an int axis within [-ndim, ndim)", False)
def argsort(x, axis=-1):
    """Indices (int32) that sort ``x`` ascending along ``axis``, stable."""


@op("math", "a tensor of ndim >= 1 and 0 <= k <= size of the last axis")
def top_k(x, k, sorted=True):
    """(values, int32 indices) of the k largest entries of the last axis, largest first."""
