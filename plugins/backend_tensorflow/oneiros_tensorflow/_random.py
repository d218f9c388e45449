"""Random ops on TensorFlow's stateless samplers. A seed is a Python int or a uint32 key of
shape (2,); the samplers read it as the int64 pair ``tf.random.stateless_*`` take.

``seed=None`` draws fresh entropy from the operating system on every call (not reproducible,
and inside ``jit`` it would be frozen into the traced function: pass keys there).
"""

from __future__ import annotations

import secrets
from typing import Any

import numpy as np
import tensorflow as tf
from oneiros import dtypes

from oneiros_tensorflow._dtypes import INT32, dims, resolve, tensor

__all__ = [
    "bernoulli", "categorical", "dropout", "make_seed", "normal", "randint", "shuffle", "split_seed",
    "truncated_normal", "uniform",
]

_SEED_LIMIT = 2**63
_LOW_BITS = 2**32 - 1


def make_seed(seed):
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed < _SEED_LIMIT:
        raise ValueError(f"make_seed: expected an int in [0, 2**63); received {seed!r}.")
    seed = int(seed)
    return tf.constant([seed >> 32, seed & _LOW_BITS], dtype=tf.uint32)


def _key(seed: Any) -> tf.Tensor:
    """The int64 pair the stateless samplers take."""
    if seed is None:
        seed = secrets.randbelow(_SEED_LIMIT)
    key = make_seed(seed) if isinstance(seed, (int, np.integer)) else tensor(seed)
    if tuple(key.shape) != (2,) or key.dtype != tf.uint32:
        raise ValueError(
            f"expected a seed that is an int or a uint32 key of shape (2,) from make_seed/split_seed; "
            f"received {key.dtype.name}{list(key.shape)}."
        )
    return tf.cast(key, tf.int64)


def split_seed(seed, num=2):
    if isinstance(num, bool) or not isinstance(num, (int, np.integer)) or num < 1:
        raise ValueError(f"split_seed: expected num >= 1; received {num!r}.")
    return tf.cast(tf.random.experimental.stateless_split(_key(seed), int(num)), tf.uint32)


def _float_dtype(dtype: Any, op_name: str) -> tf.DType:
    if not dtypes.is_float(dtype):
        raise ValueError(f"{op_name}: expected a float dtype; received {dtype!r}.")
    return resolve(dtype)


def _shape(shape: Any) -> Any:
    return dims(shape, "random shape")


def uniform(shape, minval=0.0, maxval=1.0, dtype="float32", seed=None):
    target = _float_dtype(dtype, "uniform")
    return tf.random.stateless_uniform(_shape(shape), _key(seed), minval=tf.cast(minval, target),
                                       maxval=tf.cast(maxval, target), dtype=target)


def normal(shape, mean=0.0, stddev=1.0, dtype="float32", seed=None):
    target = _float_dtype(dtype, "normal")
    samples = tf.random.stateless_normal(_shape(shape), _key(seed), dtype=target)
    return samples * tf.cast(stddev, target) + tf.cast(mean, target)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype="float32", seed=None):
    target = _float_dtype(dtype, "truncated_normal")
    samples = tf.random.stateless_truncated_normal(_shape(shape), _key(seed), dtype=target)
    return samples * tf.cast(stddev, target) + tf.cast(mean, target)


def randint(shape, minval, maxval, dtype="int32", seed=None):
    if not dtypes.is_int(dtype):
        raise ValueError(f"randint: expected an integer dtype; received {dtype!r}.")
    samples = tf.random.stateless_uniform(_shape(shape), _key(seed), minval=tf.cast(minval, tf.int64),
                                          maxval=tf.cast(maxval, tf.int64), dtype=tf.int64)
    return tf.cast(samples, resolve(dtype))


def bernoulli(shape, p=0.5, seed=None):
    return tf.random.stateless_uniform(_shape(shape), _key(seed)) < tf.cast(p, tf.float32)


def dropout(x, rate, noise_shape=None, seed=None):
    if isinstance(rate, (int, float)) and not 0 <= rate < 1:
        raise ValueError(f"dropout: expected 0 <= rate < 1; received rate={rate!r}.")
    x = tensor(x)
    mask_shape = tf.shape(x) if noise_shape is None else _shape(noise_shape)
    keep = tf.random.stateless_uniform(mask_shape, _key(seed)) >= tf.cast(rate, tf.float32)
    scaled = x / tf.cast(1.0 - rate, x.dtype)
    return tf.where(tf.broadcast_to(keep, tf.shape(x)), scaled, tf.zeros_like(x))


def shuffle(x, axis=0, seed=None):
    x = tensor(x)
    order = tf.argsort(tf.random.stateless_uniform([x.shape[axis]], _key(seed)))
    return tf.gather(x, order, axis=axis)


def categorical(logits, num_samples, dtype="int32", seed=None):
    logits = tensor(logits)
    if len(logits.shape) != 2:
        raise ValueError(
            f"categorical: expected logits of shape (batch, classes); received {tuple(logits.shape)}."
        )
    samples = tf.random.stateless_categorical(logits, num_samples, _key(seed), dtype=INT32)
    return tf.cast(samples, resolve(dtype))
