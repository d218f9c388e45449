"""Ops that create, convert and inspect tensors, and the window functions (bartlett, hanning...)."""

from __future__ import annotations

import builtins
import math

import numpy as np

from oneiros import dtypes, ops
from oneiros.ops._contract import derived, op
from oneiros.ops._derive import finfo, floating, tensor


NOT_DIFF = {"differentiable": False}


@op("core", "an array-like of numbers or booleans and a supported dtype name", **NOT_DIFF)
def convert_to_tensor(x, dtype=None):
    """A backend tensor from ``x``. 64-bit inputs become 32-bit (see ``oneiros.dtypes``)."""


@op("core", "a backend tensor or array-like", **NOT_DIFF)
def to_numpy(x):
    """A numpy array holding the value of ``x``."""


@op("core", "any value", **NOT_DIFF)
def is_tensor(x):
    """True when ``x`` is this backend's tensor type."""


@op("core", "a tensor and a supported dtype name")
def cast(x, dtype):
    """``x`` converted to ``dtype`` (float to int truncates toward zero)."""


@op("core", "a tuple of non-negative ints and a supported dtype name", **NOT_DIFF)
def zeros(shape, dtype="float32"):
    """A tensor of zeros."""


@op("core", "a tuple of non-negative ints and a supported dtype name", **NOT_DIFF)
def ones(shape, dtype="float32"):
    """A tensor of ones."""


@op("core", "a tuple of non-negative ints, a scalar and a supported dtype name", **NOT_DIFF)
def full(shape, fill_value, dtype=None):
    """A tensor filled with ``fill_value`` (dtype inferred from it when None)."""


@op("core", "a tensor and a supported dtype name", **NOT_DIFF)
def zeros_like(x, dtype=None):
    """Zeros with the shape (and by default the dtype) of ``x``."""


@op("core", "a tensor and a supported dtype name", **NOT_DIFF)
def ones_like(x, dtype=None):
    """Ones with the shape (and by default the dtype) of ``x``."""


@op("core", "a tensor, a scalar and a supported dtype name", **NOT_DIFF)
def full_like(x, fill_value, dtype=None):
    """``fill_value`` with the shape (and by default the dtype) of ``x``."""


@op("core", "numbers start, stop, step (step != 0)", **NOT_DIFF)
def arange(start, stop=None, step=1, dtype=None):
    """Evenly spaced values in [start, stop), like ``numpy.arange``."""


@op("core", "ints n >= 0, m >= 0 or None, k", **NOT_DIFF)
def eye(n, m=None, k=0, dtype="float32"):
    """An n x m matrix with ones on diagonal ``k``."""


@op("core", "numbers start, stop and an int num >= 0", **NOT_DIFF)
def linspace(start, stop, num=50, endpoint=True, dtype="float32"):
    """``num`` evenly spaced values from start to stop."""


@op("core", "a tensor", **NOT_DIFF)
def shape(x):
    """The static shape of ``x`` as a tuple of ints."""


@op("core", "a tensor", **NOT_DIFF)
def dtype(x):
    """The dtype name of ``x``, e.g. ``"float32"``."""


@op("core", "a tensor")
def stop_gradient(x):
    """``x``, with gradients blocked."""


@derived("core", "an array-like of numbers or booleans and a supported dtype name", **NOT_DIFF)
def array(x, dtype=None):
    """A tensor from ``x`` (``convert_to_tensor``)."""
    return ops.convert_to_tensor(x, dtype)


@derived("core", "a backend tensor or array-like", **NOT_DIFF)
def convert_to_numpy(x):
    """A numpy array holding the value of ``x`` (``to_numpy``)."""
    return ops.to_numpy(x)


@derived("core", "a tensor")
def copy(x):
    """A tensor holding the same values as ``x``."""
    return ops.add(tensor(x), ops.zeros_like(tensor(x)))


@derived("core", "a tuple of non-negative ints and a supported dtype name", **NOT_DIFF)
def empty(shape, dtype=None):
    """A tensor of ``shape`` (its values are zeros here: no backend hands out uninitialised memory)."""
    return ops.zeros(shape, dtype or "float32")


@derived("core", "a tensor and a supported dtype name", **NOT_DIFF)
def empty_like(x, dtype=None):
    """A tensor with the shape (and by default the dtype) of ``x``, holding zeros."""
    return ops.zeros_like(x, dtype)


@derived("core", "an int n >= 0 and a supported dtype name", **NOT_DIFF)
def identity(n, dtype=None):
    """The n x n identity matrix."""
    return ops.eye(n, dtype=dtype or "float32")


@derived("core", "ints N >= 0, M >= 0 or None, k", **NOT_DIFF)
def tri(N, M=None, k=0, dtype=None):
    """An N x M matrix with ones at and below diagonal ``k``."""
    return ops.convert_to_tensor(np.tri(N, M, k), dtype or "float32")


@op("core", "a tensor whose last axis holds a whole number of the new dtype's items, and a dtype",
    **NOT_DIFF)
def view(x, dtype=None):
    """The bits of ``x`` read as ``dtype`` (numpy's ``ndarray.view``): a wider dtype merges items of
    the last axis, a narrower one splits them; None keeps the dtype."""


@derived("core", "a tensor", **NOT_DIFF)
def ndim(x):
    """The number of axes of ``x``, a Python int."""
    return len(ops.shape(tensor(x)))


@derived("core", "a tensor", **NOT_DIFF)
def size(x):
    """The number of elements of ``x``, a Python int."""
    return math.prod(ops.shape(tensor(x)))


@derived("core", "a tensor and a supported dtype name")
def saturate_cast(x, dtype):
    """``x`` cast to ``dtype``, values outside its range clipped to its extremes first."""
    x = tensor(x)
    source = ops.dtype(x)
    if dtype == "bool" or source == "bool":
        return ops.cast(x, dtype)
    target_limits, source_limits = (finfo(name) if name in dtypes.FLOATS else np.iinfo(name)
                                    for name in (dtype, source))
    low = builtins.max(target_limits.min, source_limits.min)
    high = builtins.min(target_limits.max, source_limits.max)
    if dtype in dtypes.FLOATS:
        return ops.cast(ops.clip(x, float(low), float(high)), dtype)
    inside = ops.cast(ops.clip(x, int(low), int(high)), dtype)
    if source not in dtypes.FLOATS:
        return inside
    # a float dtype may round the integer extremes up (2**31 - 1 is 2**31 in float32), and a cast
    # past the range is undefined: values at or beyond the extremes take them exactly
    inside = ops.where(ops.greater_equal(x, float(high)), ops.full_like(inside, int(high)), inside)
    return ops.where(ops.less_equal(x, float(low)), ops.full_like(inside, int(low)), inside)


def _window(M, values):
    if M < 1:
        return ops.zeros((0,), "float32")
    if M == 1:
        return ops.ones((1,), "float32")
    return values(ops.arange(0, M, dtype="float32"), M - 1)


def _cosine_window(M, coefficients):
    def values(n, last):
        total = ops.full_like(n, coefficients[0])
        for order, coefficient in enumerate(coefficients[1:], start=1):
            total = ops.add(total, ops.multiply(coefficient, ops.cos(ops.multiply(n, 2 * math.pi * order / last))))
        return total

    return _window(M, values)


def _spaced(start, stop, num, endpoint, axis):
    """``num`` evenly spaced points from start to stop (tensors broadcast), stacked on ``axis``."""
    if all(isinstance(bound, (int, float)) for bound in (start, stop)):
        return ops.linspace(float(start), float(stop), num, endpoint)
    start, stop = floating(start), floating(stop)
    fractions = ops.linspace(0.0, 1.0, num, endpoint) if endpoint else ops.divide(ops.arange(0, num, dtype="float32"), num)
    rank = len(ops.shape(ops.add(start, stop)))
    steps = ops.reshape(fractions, (num,) + (1,) * rank)
    points = ops.add(start, ops.multiply(steps, ops.subtract(stop, start)))
    return ops.moveaxis(points, 0, axis)


@derived("core", "an int window length M", **NOT_DIFF)
def bartlett(x):
    """The Bartlett (triangular) window of length ``x``; float32."""
    return _window(x, lambda n, last: ops.subtract(1.0, ops.abs(ops.subtract(ops.multiply(n, 2.0 / last), 1.0))))


@derived("core", "an int window length M", **NOT_DIFF)
def blackman(x):
    """The Blackman window of length ``x``; float32."""
    return _cosine_window(x, (0.42, -0.5, 0.08))


@derived("core", "an int window length M", **NOT_DIFF)
def hamming(x):
    """The Hamming window of length ``x``; float32."""
    return _cosine_window(x, (0.54, -0.46))


@derived("core", "an int window length M", **NOT_DIFF)
def hanning(x):
    """The Hann window of length ``x``; float32."""
    return _cosine_window(x, (0.5, -0.5))


@derived("core", "an int window length M and a float beta", **NOT_DIFF)
def kaiser(x, beta):
    """The Kaiser window of length ``x`` and shape ``beta``; float32."""
    def values(n, last):
        ratio = ops.subtract(ops.multiply(n, 2.0 / last), 1.0)
        argument = ops.multiply(beta, ops.sqrt(ops.maximum(ops.subtract(1.0, ops.square(ratio)), 0.0)))
        return ops.divide(ops.i0(argument), ops.i0(ops.convert_to_tensor(float(beta), "float32")))

    return _window(x, values)


@derived("core", "numbers (or broadcastable tensors) start, stop, an int num >= 0 and a base", **NOT_DIFF)
def logspace(start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0):
    """``base ** t`` for ``num`` evenly spaced exponents t from start to stop."""
    values = ops.power(float(base), _spaced(start, stop, num, endpoint, axis))
    return ops.cast(values, dtype) if dtype else values


@derived("core", "non-zero numbers (or tensors) start, stop of one sign and an int num >= 0", **NOT_DIFF)
def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    """``num`` points evenly spaced on a log scale from start to stop (a geometric progression)."""
    start_t, stop_t = floating(start), floating(stop)
    sign = ops.sign(start_t)
    exponents = _spaced(ops.log(ops.abs(start_t)), ops.log(ops.abs(stop_t)), num, endpoint, axis)
    values = ops.multiply(sign, ops.exp(exponents))
    return ops.cast(values, dtype) if dtype else values
