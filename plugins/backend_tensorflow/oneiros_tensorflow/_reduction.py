"""Reductions over axes on tf.math; half floats are reduced in float32 and cast back."""

from __future__ import annotations

import tensorflow as tf

from oneiros_tensorflow._dtypes import FLOAT32, INT32, tensor, to_float
from oneiros_tensorflow._math import _LOW_PRECISION, _axes, _truth

__all__ = ["all", "any", "logsumexp", "max", "mean", "min", "prod", "std", "sum", "var"]


def sum(x, axis=None, keepdims=False):
    x = tensor(x)
    if x.dtype in _LOW_PRECISION:
        return _reduce_float(tf.reduce_sum, x, axis, keepdims)
    return tf.reduce_sum(_accumulating(x), axis=_axes(axis), keepdims=keepdims)


def prod(x, axis=None, keepdims=False):
    x = tensor(x)
    if x.dtype in _LOW_PRECISION:
        return _reduce_float(tf.reduce_prod, x, axis, keepdims)
    return tf.reduce_prod(_accumulating(x), axis=_axes(axis), keepdims=keepdims)


def mean(x, axis=None, keepdims=False):
    return _reduce_float(tf.reduce_mean, x, axis, keepdims)


def var(x, axis=None, keepdims=False):
    return _reduce_float(tf.math.reduce_variance, x, axis, keepdims)


def std(x, axis=None, keepdims=False):
    return _reduce_float(tf.math.reduce_std, x, axis, keepdims)


def logsumexp(x, axis=None, keepdims=False):
    return _reduce_float(tf.reduce_logsumexp, x, axis, keepdims)


def max(x, axis=None, keepdims=False):
    x = tensor(x)
    if x.dtype == tf.bool:
        return tf.reduce_any(x, axis=_axes(axis), keepdims=keepdims)
    return tf.reduce_max(x, axis=_axes(axis), keepdims=keepdims)


def min(x, axis=None, keepdims=False):
    x = tensor(x)
    if x.dtype == tf.bool:
        return tf.reduce_all(x, axis=_axes(axis), keepdims=keepdims)
    return tf.reduce_min(x, axis=_axes(axis), keepdims=keepdims)


def any(x, axis=None, keepdims=False):
    return tf.reduce_any(_truth(x), axis=_axes(axis), keepdims=keepdims)


def all(x, axis=None, keepdims=False):
    return tf.reduce_all(_truth(x), axis=_axes(axis), keepdims=keepdims)


def _accumulating(x: tf.Tensor) -> tf.Tensor:
    """Sums and products: bool and signed ints accumulate as int32, unsigned as uint32, and
    half-precision floats in float32 (cast back afterwards)."""
    if x.dtype == tf.bool or x.dtype in (tf.int8, tf.int16):
        return tf.cast(x, INT32)
    if x.dtype in (tf.uint8, tf.uint16):
        return tf.cast(x, tf.uint32)
    return x


def _reduce_float(reducer, x, axis, keepdims) -> tf.Tensor:
    """A float reduction: ints as float32, half precision accumulated in float32."""
    x = to_float(x)
    if x.dtype in _LOW_PRECISION:
        return tf.cast(reducer(tf.cast(x, FLOAT32), axis=_axes(axis), keepdims=keepdims), x.dtype)
    return reducer(x, axis=_axes(axis), keepdims=keepdims)
