"""Elementwise math, comparisons, bitwise logic, sorting, cumulative ops and histograms, with numpy
broadcasting.

Binary ops follow ``oneiros.dtypes.result_type`` promotion; Python scalars are weakly typed.
"""

from __future__ import annotations

import builtins
import math

import numpy as np

from oneiros import ops
from oneiros.ops._contract import derived, op
from oneiros.ops._derive import (
    DATA_DEPENDENT,
    along,
    finfo,
    float_dtype,
    floating,
    floating_pair,
    is_float,
    normalized_axis,
    require_integers,
    result_dtype,
    tensor,
    without_nan,
)

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


@op("math", "a tensor and an int axis within [-ndim, ndim) or None (flattened)", False)
def argmax(x, axis=None, keepdims=False):
    """Index of the first largest value along ``axis``; int32 result."""


@op("math", "a tensor and an int axis within [-ndim, ndim) or None (flattened)", False)
def argmin(x, axis=None, keepdims=False):
    """Index of the first smallest value along ``axis``; int32 result."""


@op("math", "a tensor and scalars or broadcastable tensors x_min <= x_max")
def clip(x, x_min, x_max):
    """``x`` limited to [x_min, x_max], promoting like a binary op; x_max wins if x_min > x_max."""


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


INTEGER = "integer or bool tensors whose shapes broadcast together"


NOT_DIFF = {"differentiable": False}


@derived("math", UNARY)
def absolute(x):
    """|x|, same dtype (numpy's name for ``abs``)."""
    return ops.abs(x)


@derived("math", FLOAT)
def fabs(x):
    """|x| as a float (integer inputs give float32)."""
    return ops.abs(floating(x))


@derived("math", FLOAT)
def arcsin(x):
    """Inverse sine; NaN outside [-1, 1]; float result."""
    x = floating(x)
    return ops.arctan2(x, ops.sqrt(ops.multiply(ops.subtract(1, x), ops.add(1, x))))


@derived("math", FLOAT)
def arccos(x):
    """Inverse cosine; NaN outside [-1, 1]; float result."""
    x = floating(x)
    return ops.arctan2(ops.sqrt(ops.multiply(ops.subtract(1, x), ops.add(1, x))), x)


@derived("math", FLOAT)
def arcsinh(x):
    """Inverse hyperbolic sine; float result."""
    x = floating(x)
    magnitude = ops.abs(x)
    root = ops.sqrt(ops.add(ops.square(magnitude), 1))
    # log1p(|x| + x^2 / (1 + sqrt(1 + x^2))) keeps the digits near 0 that log(|x| + root) loses
    return ops.multiply(ops.sign(x), ops.log1p(ops.add(magnitude, ops.divide(ops.square(magnitude),
                                                                              ops.add(root, 1)))))


@derived("math", FLOAT)
def arccosh(x):
    """Inverse hyperbolic cosine; NaN below 1; float result."""
    x = floating(x)
    return ops.log(ops.add(x, ops.sqrt(ops.multiply(ops.subtract(x, 1), ops.add(x, 1)))))


@derived("math", FLOAT)
def arctanh(x):
    """Inverse hyperbolic tangent; +-inf at +-1, NaN outside; float result."""
    x = floating(x)
    return ops.multiply(0.5, ops.log1p(ops.divide(ops.multiply(2, x), ops.subtract(1, x))))


@derived("math", FLOAT)
def cbrt(x):
    """Real cube root (negative for negative x); float result."""
    x = floating(x)
    return ops.multiply(ops.sign(x), ops.power(ops.abs(x), 1 / 3))


@derived("math", FLOAT)
def deg2rad(x):
    """Degrees to radians; float result."""
    return ops.multiply(floating(x), math.pi / 180)


@derived("math", FLOAT)
def rad2deg(x):
    """Radians to degrees; float result."""
    return ops.multiply(floating(x), 180 / math.pi)


@derived("math", FLOAT)
def exp2(x):
    """2 ** x; float result."""
    return ops.power(2.0, floating(x))


@derived("math", FLOAT)
def log2(x):
    """Base-2 logarithm; float result."""
    return ops.divide(ops.log(x), math.log(2))


@derived("math", FLOAT)
def log10(x):
    """Base-10 logarithm; float result."""
    return ops.divide(ops.log(x), math.log(10))


@derived("math", FLOAT)
def erfc(x):
    """1 - erf(x); float result."""
    return ops.subtract(1, ops.erf(x))


@derived("math", FLOAT + "; values in [-1, 1]")
def erfinv(x):
    """Inverse error function (Giles' single-precision approximation); float result."""
    x = floating(x)
    w = ops.negative(ops.log(ops.multiply(ops.subtract(1, x), ops.add(1, x))))
    central = ops.subtract(w, 2.5)
    tail = ops.subtract(ops.sqrt(w), 3.0)
    central_terms = (2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087,
                     -0.00125372503, -0.00417768164, 0.246640727, 1.50140941)
    tail_terms = (-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773,
                  -0.0076224613, 0.00943887047, 1.00167406, 2.83297682)
    near = _polynomial(central, central_terms)
    far = _polynomial(tail, tail_terms)
    inner = ops.multiply(ops.where(ops.less(w, 5.0), near, far), x)
    # at +-1 the tail polynomial meets inf and would take its leading coefficient's sign
    infinite = ops.full_like(x, math.inf)
    return ops.where(ops.equal(x, 1), infinite,
                     ops.where(ops.equal(x, -1), ops.negative(infinite), inner))


def _polynomial(t, coefficients):
    """Horner's rule: coefficients from the highest power down."""
    value = ops.full_like(t, coefficients[0])
    for coefficient in coefficients[1:]:
        value = ops.add(ops.multiply(value, t), coefficient)
    return value


@derived("math", UNARY, **NOT_DIFF)
def trunc(x):
    """x rounded toward zero, same dtype."""
    if not is_float(x):
        return tensor(x)
    return ops.where(ops.less(x, 0), ops.ceil(x), ops.floor(x))


@derived("math", FLOAT)
def sinc(x):
    """sin(pi x) / (pi x), 1 at 0; float result."""
    x = floating(x)
    zero = ops.equal(x, 0)
    scaled = ops.multiply(ops.where(zero, ops.ones_like(x), x), math.pi)
    return ops.where(zero, ops.ones_like(x), ops.divide(ops.sin(scaled), scaled))


_I0_SMALL = (0.0045813, 0.0360768, 0.2659732, 1.2067492, 3.0899424, 3.5156229, 1.0)


_I0_LARGE = (0.00392377, -0.01647633, 0.02635537, -0.02057706, 0.00916281, -0.00157565, 0.00225319,
             0.01328592, 0.39894228)


@derived("math", FLOAT)
def i0(x):
    """Modified Bessel function of the first kind, order 0 (Abramowitz & Stegun 9.8.1-2)."""
    x = floating(x)
    magnitude = ops.abs(x)
    small = _polynomial(ops.square(ops.divide(x, 3.75)), _I0_SMALL)
    safe = ops.maximum(magnitude, 3.75)
    large = ops.multiply(ops.divide(ops.exp(safe), ops.sqrt(safe)),
                         _polynomial(ops.divide(3.75, safe), _I0_LARGE))
    return ops.where(ops.less(magnitude, 3.75), small, large)


@derived("math", UNARY + "; bool result", **NOT_DIFF)
def signbit(x):
    """Whether the sign bit is set (true for -0.0); bool result."""
    x = tensor(x)
    if not is_float(x):
        return ops.less(x, 0)
    negative_zero = ops.logical_and(ops.equal(x, 0), ops.less(ops.reciprocal(x), 0))
    return ops.logical_or(ops.less(x, 0), negative_zero)


@derived("math", UNARY + "; bool result", **NOT_DIFF)
def isneginf(x):
    """x is -inf; bool result."""
    return ops.equal(x, -math.inf) if is_float(x) else ops.zeros_like(x, "bool")


@derived("math", UNARY + "; bool result", **NOT_DIFF)
def isposinf(x):
    """x is +inf; bool result."""
    return ops.equal(x, math.inf) if is_float(x) else ops.zeros_like(x, "bool")


@derived("math", UNARY + "; bool result", **NOT_DIFF)
def isreal(x):
    """Whether the imaginary part is 0: true everywhere (the supported dtypes are real)."""
    return ops.ones_like(x, "bool")


@derived("math", UNARY)
def real(x):
    """The real part: ``x`` itself (the supported dtypes are real)."""
    return tensor(x)


@derived("math", UNARY)
def imag(x):
    """The imaginary part: zeros of the dtype of ``x`` (the supported dtypes are real)."""
    return ops.zeros_like(x)


@derived("math", UNARY)
def conj(x):
    """The complex conjugate: ``x`` itself (the supported dtypes are real)."""
    return tensor(x)


@derived("math", UNARY)
def conjugate(x):
    """The complex conjugate: ``x`` itself (the supported dtypes are real)."""
    return tensor(x)


@derived("math", FLOAT, **NOT_DIFF)
def angle(x):
    """The argument of x as a complex number: pi for negative x (and -0.0), else 0; float result."""
    x = floating(x)
    half_turn = ops.where(ops.signbit(x), ops.full_like(x, math.pi), ops.zeros_like(x))
    return ops.where(ops.isnan(x), x, half_turn)


@derived("math", UNARY + " and numbers nan, posinf, neginf (None: the dtype's extremes)")
def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    """NaN replaced by ``nan``, +-inf by ``posinf``/``neginf`` (default: the largest finite values)."""
    x = tensor(x)
    if not is_float(x):
        return x
    limits = finfo(ops.dtype(x))
    high = float(limits.max) if posinf is None else posinf
    low = float(limits.min) if neginf is None else neginf
    replaced = ops.where(ops.isnan(x), ops.full_like(x, nan), x)
    replaced = ops.where(ops.equal(x, math.inf), ops.full_like(x, high), replaced)
    return ops.where(ops.equal(x, -math.inf), ops.full_like(x, low), replaced)


@derived("math", BROADCAST)
def true_divide(x1, x2):
    """x1 / x2 (``divide``'s numpy name)."""
    return ops.divide(x1, x2)


@derived("math", BROADCAST)
def divide_no_nan(x1, x2):
    """x1 / x2, and 0 where x2 is 0; float result."""
    x1, x2 = floating_pair(x1, x2)
    zero = ops.equal(x2, 0)
    quotient = ops.divide(x1, ops.where(zero, ops.ones_like(x2), x2))
    return ops.where(zero, ops.zeros_like(quotient), quotient)


@derived("math", BROADCAST)
def hypot(x1, x2):
    """sqrt(x1**2 + x2**2) without overflow for large operands; float result."""
    x1, x2 = floating_pair(x1, x2)
    larger = ops.maximum(ops.abs(x1), ops.abs(x2))
    smaller = ops.minimum(ops.abs(x1), ops.abs(x2))
    zero = ops.equal(larger, 0)
    ratio = ops.divide(smaller, ops.where(zero, ops.ones_like(larger), larger))
    return ops.multiply(larger, ops.sqrt(ops.add(1, ops.square(ratio))))


@derived("math", BROADCAST, **NOT_DIFF)
def heaviside(x1, x2):
    """0 where x1 < 0, x2 where x1 == 0, 1 where x1 > 0; float result."""
    name = float_dtype(result_dtype(x1, x2))
    x1, x2 = ops.cast(tensor(x1), name), ops.cast(tensor(x2), name)
    return ops.where(ops.less(x1, 0), ops.zeros_like(x1),
                     ops.where(ops.greater(x1, 0), ops.ones_like(x1), x2))


@derived("math", BROADCAST)
def logaddexp(x1, x2):
    """log(exp(x1) + exp(x2)), stable for large |x|; float result."""
    x1, x2 = floating_pair(x1, x2)
    larger = ops.maximum(x1, x2)
    gap = ops.abs(ops.subtract(x1, x2))
    same = ops.equal(x1, x2)
    # equal operands (both infinite included) would make the gap NaN
    safe_gap = ops.where(same, ops.zeros_like(gap), gap)
    return ops.where(same, ops.add(larger, math.log(2)),
                     ops.add(larger, ops.log1p(ops.exp(ops.negative(safe_gap)))))


@derived("math", BROADCAST)
def logaddexp2(x1, x2):
    """log2(2**x1 + 2**x2), stable for large |x|; float result."""
    x1, x2 = floating_pair(x1, x2)
    ln2 = math.log(2)
    return ops.divide(ops.logaddexp(ops.multiply(x1, ln2), ops.multiply(x2, ln2)), ln2)


@derived("math", BROADCAST)
def fmax(x1, x2):
    """Elementwise larger value, ignoring NaN unless both are NaN."""
    return ops.where(ops.isnan(x2), x1, ops.where(ops.isnan(x1), x2, ops.maximum(x1, x2)))


@derived("math", BROADCAST)
def fmin(x1, x2):
    """Elementwise smaller value, ignoring NaN unless both are NaN."""
    return ops.where(ops.isnan(x2), x1, ops.where(ops.isnan(x1), x2, ops.minimum(x1, x2)))


@derived("math", BROADCAST, **NOT_DIFF)
def fmod(x1, x2):
    """Remainder of x1 / x2 with the sign of x1 (C's fmod), unlike ``mod``."""
    remainder = ops.mod(x1, x2)
    opposite = ops.logical_and(ops.not_equal(remainder, 0),
                               ops.not_equal(ops.less(remainder, 0), ops.less(x1, 0)))
    return ops.where(opposite, ops.subtract(remainder, x2), remainder)


@derived("math", "a tensor x1 and an integer tensor of exponents x2, broadcastable")
def ldexp(x1, x2):
    """x1 * 2 ** x2; float result."""
    require_integers("ldexp's exponent x2", x2)
    x1 = floating(x1)
    return ops.multiply(x1, ops.power(2.0, ops.cast(tensor(x2), ops.dtype(x1))))


_EUCLID_STEPS = 48


@derived("math", INTEGER, **NOT_DIFF)
def gcd(x1, x2):
    """Greatest common divisor of |x1| and |x2| (0 when both are 0)."""
    require_integers("gcd", x1, x2)

    def step(_, pair):
        a, b = pair
        zero = ops.equal(b, 0)
        remainder = ops.mod(a, ops.where(zero, ops.ones_like(b), b))
        return ops.where(zero, a, b), ops.where(zero, b, remainder)

    a = ops.abs(ops.add(x1, ops.zeros_like(tensor(x2))))
    b = ops.abs(ops.add(x2, ops.zeros_like(tensor(x1))))
    return ops.fori_loop(0, _EUCLID_STEPS, step, (a, b))[0]


@derived("math", INTEGER, **NOT_DIFF)
def lcm(x1, x2):
    """Least common multiple of |x1| and |x2| (0 when either is 0)."""
    divisor = ops.gcd(x1, x2)
    zero = ops.equal(divisor, 0)
    quotient = ops.floor_divide(ops.abs(x1), ops.where(zero, ops.ones_like(divisor), divisor))
    return ops.where(zero, divisor, ops.multiply(quotient, ops.abs(x2)))


def _bitwise(name: str, doc: str):
    def spec(x, y):
        pass

    spec.__name__ = spec.__qualname__ = name
    spec.__doc__ = doc
    return op("math", INTEGER, differentiable=False)(spec)


bitwise_and = _bitwise("bitwise_and", "Bitwise AND of integers (logical AND of bools).")


bitwise_or = _bitwise("bitwise_or", "Bitwise OR of integers (logical OR of bools).")


bitwise_xor = _bitwise("bitwise_xor", "Bitwise XOR of integers (logical XOR of bools).")


@derived("math", "an integer or bool tensor", **NOT_DIFF)
def bitwise_invert(x):
    """Bitwise NOT: ~x, which is -x - 1 in two's complement (logical NOT of bools)."""
    require_integers("bitwise_invert", x)
    x = tensor(x)
    if ops.dtype(x) == "bool":
        return ops.logical_not(x)
    return ops.subtract(ops.negative(x), 1)


@derived("math", "an integer or bool tensor", **NOT_DIFF)
def bitwise_not(x):
    """Bitwise NOT (``bitwise_invert``)."""
    return ops.bitwise_invert(x)


@derived("math", INTEGER + "; shift counts in [0, bits of the dtype)", **NOT_DIFF)
def left_shift(x, y):
    """x << y: the low bits of x * 2**y, as the dtype wraps."""
    require_integers("left_shift", x, y)
    return ops.multiply(x, _power_of_two(y))


@derived("math", INTEGER + "; shift counts in [0, bits of the dtype)", **NOT_DIFF)
def right_shift(x, y):
    """x >> y: arithmetic shift (floor(x / 2**y)) for signed integers, logical for unsigned."""
    require_integers("right_shift", x, y)
    # two halving steps keep 2**y inside the dtype for every shift count up to its bit width
    if isinstance(y, int):
        first, rest = y // 2, y - y // 2
    else:
        first = ops.floor_divide(y, 2)
        rest = ops.subtract(y, first)
    return ops.floor_divide(ops.floor_divide(x, _power_of_two(first)), _power_of_two(rest))


def _power_of_two(exponent):
    """2 ** exponent, a weak Python int when the exponent is one (so x keeps its dtype)."""
    return 2 ** exponent if isinstance(exponent, int) else ops.power(2, exponent)


@derived("math", INTEGER + "; shift counts in [0, bits of the dtype)", **NOT_DIFF)
def bitwise_left_shift(x, y):
    """x << y (``left_shift``)."""
    return ops.left_shift(x, y)


@derived("math", INTEGER + "; shift counts in [0, bits of the dtype)", **NOT_DIFF)
def bitwise_right_shift(x, y):
    """x >> y (``right_shift``)."""
    return ops.right_shift(x, y)


@op("math", BROADCAST + " (floats)", **NOT_DIFF)
def nextafter(x1, x2):
    """The next representable float after x1 toward x2, in the dtype of the promotion."""


@derived("math", BROADCAST + " and tolerances rtol, atol >= 0", **NOT_DIFF)
def isclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    """|x1 - x2| <= atol + rtol * |x2| (equal infinities are close); bool result."""
    x1, x2 = tensor(x1), tensor(x2)
    if not (is_float(x1) or is_float(x2)):
        return ops.equal(x1, x2)
    x1, x2 = floating_pair(x1, x2)
    within = ops.less_equal(ops.abs(ops.subtract(x1, x2)), ops.add(atol, ops.multiply(rtol, ops.abs(x2))))
    close = ops.logical_or(ops.equal(x1, x2), ops.logical_and(within, ops.isfinite(ops.subtract(x1, x2))))
    if equal_nan:
        close = ops.logical_or(close, ops.logical_and(ops.isnan(x1), ops.isnan(x2)))
    return close


@derived("math", BROADCAST + " and tolerances rtol, atol >= 0", **NOT_DIFF)
def allclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Whether every element pair is ``isclose``; a bool scalar tensor."""
    return ops.all(ops.isclose(x1, x2, rtol, atol, equal_nan))


@derived("math", "a tensor, an int axis or None (flattened) and a dtype or None")
def nancumsum(x, axis=None, dtype=None):
    """Cumulative sum along ``axis`` treating NaN as 0."""
    total = ops.cumsum(without_nan(x, 0), axis=axis)
    return ops.cast(total, dtype) if dtype else total


@derived("math", "a tensor, an int axis or None (flattened) and a dtype or None")
def nancumprod(x, axis=None, dtype=None):
    """Cumulative product along ``axis`` treating NaN as 1."""
    total = ops.cumprod(without_nan(x, 1), axis=axis)
    return ops.cast(total, dtype) if dtype else total


@derived("math", "a tensor, an int n >= 0 and an axis within range")
def diff(a, n=1, axis=-1):
    """The n-th discrete difference along ``axis``: a[1:] - a[:-1], n times."""
    a = tensor(a)
    for _ in range(n):
        length = ops.shape(a)[normalized_axis(axis, len(ops.shape(a)))]
        later, earlier = along(a, axis, 1, length), along(a, axis, 0, builtins.max(length - 1, 0))
        a = ops.logical_xor(later, earlier) if ops.dtype(a) == "bool" else ops.subtract(later, earlier)
    return a


@derived("math", "values y, sample points x (1-D or like y) or a spacing dx, and an axis")
def trapezoid(y, x=None, dx=1.0, axis=-1):
    """The integral of y along ``axis`` by the trapezoidal rule; float result."""
    y = floating(y)
    rank = len(ops.shape(y))
    length = ops.shape(y)[normalized_axis(axis, rank)]
    heights = ops.multiply(ops.add(along(y, axis, 1, length), along(y, axis, 0, length - 1)), 0.5)
    if x is None:
        return ops.multiply(ops.sum(heights, axis=axis), dx)
    widths = ops.diff(floating(x), axis=-1 if len(ops.shape(tensor(x))) == 1 else axis)
    if len(ops.shape(widths)) == 1 and rank > 1:
        shape = [1] * rank
        shape[normalized_axis(axis, rank)] = -1
        widths = ops.reshape(widths, shape)
    return ops.sum(ops.multiply(heights, widths), axis=axis)


@derived("math", "two non-empty 1-D tensors and mode 'valid', 'same' or 'full'")
def correlate(x1, x2, mode="valid"):
    """Cross-correlation of two 1-D sequences, like ``numpy.correlate``."""
    if mode not in ("valid", "same", "full"):
        raise ValueError(f"mode must be 'valid', 'same' or 'full'; received {mode!r}.")
    a, v = tensor(x1), tensor(x2)
    if len(ops.shape(a)) != 1 or len(ops.shape(v)) != 1:
        raise ValueError(f"correlate takes 1-D tensors; received shapes {ops.shape(a)} and {ops.shape(v)}.")
    n, m = ops.shape(a)[0], ops.shape(v)[0]
    padded = ops.pad(a, [(m - 1, m - 1)])
    windows = np.arange(n + m - 1)[:, None] + np.arange(m)[None, :]
    full = ops.sum(ops.multiply(ops.take(padded, ops.convert_to_tensor(windows, "int32"), axis=0), v), axis=-1)
    if mode == "full":
        return full
    longer, shorter = builtins.max(n, m), builtins.min(n, m)
    count = longer - shorter + 1 if mode == "valid" else longer
    start = shorter - 1 if mode == "valid" else shorter - 1 - shorter // 2
    if n < m:  # numpy correlates the longer sequence against the shorter one and reverses that
        start = (n + m - 1) - count - start
    return along(full, 0, start, start + count)


@derived("math", "a 1-D or 2-D tensor (rows are variables)", **NOT_DIFF)
def corrcoef(x):
    """Pearson correlation coefficients of the rows of ``x``; float result."""
    x = floating(x)
    if len(ops.shape(x)) == 1:
        x = ops.reshape(x, (1, -1))
    centred = ops.subtract(x, ops.mean(x, axis=1, keepdims=True))
    covariance = ops.matmul(centred, ops.transpose(centred))
    scale = ops.sqrt(ops.diagonal(covariance))
    coefficients = ops.clip(ops.divide(covariance, ops.outer(scale, scale)), -1.0, 1.0)
    return ops.squeeze(coefficients) if ops.shape(coefficients) == (1, 1) else coefficients


@derived("math", "a 1-D tensor, a bin count >= 1 and an optional (low, high) range", **NOT_DIFF)
def histogram(x, bins=10, range=None):
    """(counts, bin edges) of ``x`` in ``bins`` equal bins over ``range`` (default: min to max);
    the last bin includes its right edge, values outside the range are not counted."""
    x = floating(x)
    if len(ops.shape(x)) != 1:
        raise ValueError(f"histogram takes a 1-D tensor; received shape {ops.shape(x)}.")
    if range is None:
        low, high = ops.min(x), ops.max(x)
        same = ops.equal(low, high)
        low = ops.where(same, ops.subtract(low, 0.5), low)
        high = ops.where(same, ops.add(high, 0.5), high)
    else:
        low, high = (ops.convert_to_tensor(float(bound), ops.dtype(x)) for bound in range)
    edges = ops.add(low, ops.multiply(ops.subtract(high, low), ops.linspace(0.0, 1.0, bins + 1, dtype=ops.dtype(x))))
    starts, ends = along(edges, 0, 0, bins), along(edges, 0, 1, bins + 1)
    column = ops.expand_dims(x, -1)
    inside = ops.logical_and(ops.greater_equal(column, starts), ops.less(column, ends))
    counts = ops.sum(ops.cast(inside, "int32"), axis=0)
    # the right edge itself belongs to the last bin (unless rounding already put it inside)
    past_last_edge = ops.greater_equal(x, along(edges, 0, bins, bins + 1))
    on_last_edge = ops.sum(ops.cast(ops.logical_and(ops.equal(x, high), past_last_edge), "int32"))
    last_bin = ops.convert_to_tensor(np.eye(bins, dtype=np.int32)[-1])
    return ops.add(counts, ops.multiply(on_last_edge, last_bin)), edges


@derived("math", "a 1-D or 2-D tensor of non-negative ints, weights like it, minlength >= 0"
         + DATA_DEPENDENT, **NOT_DIFF)
def bincount(x, weights=None, minlength=0, sparse=False):
    """Occurrences of each value 0..max(x) (weighted sums with ``weights``), per row for 2-D x."""
    if sparse:
        raise ValueError("bincount(sparse=True): sparse tensors are not supported; received sparse=True.")
    x = tensor(x)
    length = builtins.max(int(minlength), int(np.max(ops.to_numpy(x), initial=-1)) + 1)
    hits = ops.one_hot(x, length, dtype="int32" if weights is None else ops.dtype(tensor(weights)))
    if weights is not None:
        hits = ops.multiply(hits, ops.expand_dims(tensor(weights), -1))
    return ops.sum(hits, axis=-2)
