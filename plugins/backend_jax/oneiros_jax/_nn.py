"""Activations, softmax, one-hot, moments and image resizing: thin calls into jax.nn / jax.image.

Activations and softmax give float results: integer inputs are computed as float32.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from oneiros_jax._dtypes import resolve, to_float
from oneiros_jax._layout import DATA_FORMATS, check_choice

__all__ = [
    "elu", "gelu", "hard_sigmoid", "hard_silu", "leaky_relu", "log_sigmoid", "log_softmax", "mish",
    "moments", "one_hot", "relu", "relu6", "resize", "selu", "sigmoid", "silu", "softmax",
    "softplus", "softsign",
]

RESIZE_METHODS = {"nearest": "nearest", "bilinear": "linear"}


def relu(x):
    return jax.nn.relu(to_float(x))


def relu6(x):
    return jax.nn.relu6(to_float(x))


def leaky_relu(x, negative_slope=0.2):
    return jax.nn.leaky_relu(to_float(x), negative_slope)


def elu(x, alpha=1.0):
    return jax.nn.elu(to_float(x), alpha)


def selu(x):
    return jax.nn.selu(to_float(x))


def gelu(x, approximate=True):
    return jax.nn.gelu(to_float(x), approximate=approximate)


def silu(x):
    return jax.nn.silu(to_float(x))


def softplus(x):
    return jax.nn.softplus(to_float(x))


def softsign(x):
    return jax.nn.soft_sign(to_float(x))


def sigmoid(x):
    return jax.nn.sigmoid(to_float(x))


def hard_sigmoid(x):
    return jax.nn.hard_sigmoid(to_float(x))


def hard_silu(x):
    return jax.nn.hard_silu(to_float(x))


def log_sigmoid(x):
    return jax.nn.log_sigmoid(to_float(x))


def mish(x):
    return jax.nn.mish(to_float(x))


def softmax(x, axis=-1):
    return jax.nn.softmax(to_float(x), axis=axis)


def log_softmax(x, axis=-1):
    return jax.nn.log_softmax(to_float(x), axis=axis)


def one_hot(x, num_classes, axis=-1, dtype="float32"):
    return jax.nn.one_hot(x, num_classes, dtype=resolve(dtype), axis=axis)


def moments(x, axes, keepdims=False):
    axes = axes if isinstance(axes, int) else tuple(axes)
    return jnp.mean(x, axis=axes, keepdims=keepdims), jnp.var(x, axis=axes, keepdims=keepdims)


def resize(images, size, interpolation="bilinear", data_format="channels_last"):
    images = jnp.asarray(images)
    check_choice("resize", "interpolation", interpolation, tuple(RESIZE_METHODS))
    check_choice("resize", "data_format", data_format, DATA_FORMATS)
    height, width = size
    shape = list(images.shape)
    height_axis = images.ndim - (3 if data_format == "channels_last" else 2)
    shape[height_axis:height_axis + 2] = [height, width]
    return jax.image.resize(images, tuple(shape), method=RESIZE_METHODS[interpolation], antialias=False)
