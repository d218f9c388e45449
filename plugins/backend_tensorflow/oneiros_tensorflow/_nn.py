"""Activations, softmax, one-hot, moments and image resizing on tf.nn and tf.image.

Activations and softmax give float results: integer inputs are computed as float32.
"""

from __future__ import annotations

import tensorflow as tf
from oneiros.backend.geometry import per_axis

from oneiros_tensorflow._dtypes import FLOAT_DTYPES, resolve, tensor, to_float
from oneiros_tensorflow._layout import channels_last_call
from oneiros_tensorflow._math import logsumexp, mean, var

__all__ = [
    "elu", "gelu", "hard_sigmoid", "hard_silu", "leaky_relu", "log_sigmoid", "log_softmax", "mish",
    "moments", "one_hot", "relu", "relu6", "resize", "selu", "sigmoid", "silu", "softmax",
    "softplus", "softsign",
]

RESIZE_METHODS = ("nearest", "bilinear")


def relu(x):
    return tf.nn.relu(to_float(x))


def relu6(x):
    return tf.nn.relu6(to_float(x))


def leaky_relu(x, negative_slope=0.2):
    return tf.nn.leaky_relu(to_float(x), alpha=negative_slope)


def elu(x, alpha=1.0):
    x = to_float(x)
    # expm1 of min(x, 0): the branch not taken must not produce inf (its gradient would be NaN).
    return tf.where(x > 0, x, alpha * tf.math.expm1(tf.minimum(x, tf.zeros((), x.dtype))))


def selu(x):
    return tf.nn.selu(to_float(x))


def gelu(x, approximate=True):
    return tf.nn.gelu(to_float(x), approximate=approximate)


def silu(x):
    return tf.nn.silu(to_float(x))


def softplus(x):
    return tf.nn.softplus(to_float(x))


def softsign(x):
    return tf.nn.softsign(to_float(x))


def sigmoid(x):
    return tf.sigmoid(to_float(x))


def hard_sigmoid(x):
    return tf.nn.relu6(to_float(x) + 3.0) / 6.0


def hard_silu(x):
    x = to_float(x)
    return x * hard_sigmoid(x)


def log_sigmoid(x):
    return tf.math.log_sigmoid(to_float(x))


def mish(x):
    x = to_float(x)
    return x * tf.tanh(tf.nn.softplus(x))


def log_softmax(x, axis=-1):
    x = to_float(x)
    if isinstance(axis, int):
        return tf.nn.log_softmax(x, axis=axis)
    return x - logsumexp(x, axis=axis, keepdims=True)


def softmax(x, axis=-1):
    x = to_float(x)
    if isinstance(axis, int):
        return tf.nn.softmax(x, axis=axis)
    return tf.exp(log_softmax(x, axis))


def one_hot(x, num_classes, axis=-1, dtype="float32"):
    indices = tensor(x)
    if indices.dtype in FLOAT_DTYPES or indices.dtype == tf.bool:
        raise TypeError(f"one_hot: expected integer class indices; received {indices.dtype.name} values.")
    # tf.one_hot gives all zeros for negative and out-of-range indices, as the contract asks.
    return tf.one_hot(tf.cast(indices, tf.int32), num_classes, axis=axis, dtype=resolve(dtype))


def moments(x, axes, keepdims=False):
    return mean(x, axis=axes, keepdims=keepdims), var(x, axis=axes, keepdims=keepdims)


def resize(images, size, interpolation="bilinear", data_format="channels_last"):
    images = tensor(images)
    if interpolation not in RESIZE_METHODS:
        raise ValueError(f"resize: interpolation must be one of {', '.join(RESIZE_METHODS)}; received "
                         f"{interpolation!r}.")
    if len(images.shape) not in (3, 4):
        raise ValueError(f"resize needs images (N, H, W, C), (H, W, C) or channels-first; received shape "
                         f"{tuple(images.shape)}.")
    height, width = per_axis(size, 2, "size")
    batched = len(images.shape) == 4
    source = images if batched else images[tf.newaxis]
    if interpolation == "nearest":
        result_dtype = images.dtype
    else:
        result_dtype = images.dtype if images.dtype in FLOAT_DTYPES else tf.float32

    def resized(channels_last: tf.Tensor) -> tf.Tensor:
        values = channels_last if channels_last.dtype == tf.float32 else tf.cast(channels_last, tf.float32)
        result = tf.image.resize(values, (height, width), method=interpolation, antialias=False)
        return tf.cast(result, result_dtype)

    result = channels_last_call(resized, source, data_format)
    return result if batched else result[0]
