"""Ops that create, convert and inspect tensors."""

from __future__ import annotations

import numpy as np
import tensorflow as tf
from oneiros import dtypes

from oneiros_tensorflow._dtypes import dims, name_of, resolve
from oneiros_tensorflow._dtypes import is_tensor as _is_tensor
from oneiros_tensorflow._dtypes import tensor
from oneiros_tensorflow.distribution._inputs import local_tensor

__all__ = [
    "arange", "cast", "convert_to_tensor", "dtype", "eye", "full", "full_like", "is_tensor",
    "linspace", "ones", "ones_like", "shape", "stop_gradient", "to_numpy", "zeros", "zeros_like",
    "view",
]


def convert_to_tensor(x, dtype=None):
    return tensor(x, dtype)


def to_numpy(x):
    if isinstance(x, (tf.Tensor, tf.Variable)):
        try:
            return x.numpy()
        except tf.errors.UnimplementedError:
            # A DTensor split over devices (weights under ModelParallel) is gathered first.
            return local_tensor(x).numpy()
    return np.asarray(x)


def is_tensor(x):
    return _is_tensor(x)


def cast(x, dtype):
    return tf.cast(tensor(x), resolve(dtype))


def zeros(shape, dtype="float32"):
    return tf.zeros(dims(shape, "zeros shape"), resolve(dtype))


def ones(shape, dtype="float32"):
    return tf.ones(dims(shape, "ones shape"), resolve(dtype))


def full(shape, fill_value, dtype=None):
    target = dtypes.result_type(fill_value) if dtype is None else dtype
    return tf.fill(dims(shape, "full shape"), tensor(fill_value, target))


def zeros_like(x, dtype=None):
    return tf.zeros(tensor(x).shape, resolve(name_of(x) if dtype is None else dtype))


def ones_like(x, dtype=None):
    return tf.ones(tensor(x).shape, resolve(name_of(x) if dtype is None else dtype))


def full_like(x, fill_value, dtype=None):
    return tf.fill(tensor(x).shape, tensor(fill_value, name_of(x) if dtype is None else dtype))


def _host_number(value):
    """A Python number from a scalar argument (ops take static ranges, as numpy does)."""
    return value.numpy().item() if is_tensor(value) else value


def arange(start, stop=None, step=1, dtype=None):
    start, stop, step = (_host_number(v) for v in (start, stop, step))
    values = np.arange(start, stop, step)
    target = dtype if dtype is not None else dtypes.result_type(*(v for v in (start, stop, step) if v is not None))
    return tensor(values, target)


def eye(n, m=None, k=0, dtype="float32"):
    return tensor(np.eye(n, m, k), dtype)


def linspace(start, stop, num=50, endpoint=True, dtype="float32"):
    return tensor(np.linspace(_host_number(start), _host_number(stop), num, endpoint=endpoint), dtype)


def shape(x):
    x = tensor(x)
    if x.shape.is_fully_defined():
        return tuple(int(size) for size in x.shape)
    # Traced with a dynamic (batch) axis: its size is a scalar tensor, as in Keras on TensorFlow.
    dynamic = tf.shape(x)
    return tuple(dynamic[axis] if size is None else int(size) for axis, size in enumerate(x.shape))


def dtype(x):
    return name_of(x)


def stop_gradient(x):
    return tf.stop_gradient(tensor(x))


def view(x, dtype=None):
    x = tensor(x)
    if dtype is None:
        return x
    target = resolve(dtype)
    source_bytes, target_bytes = x.dtype.size, target.size
    if source_bytes == target_bytes:
        return tf.bitcast(x, target)
    shape = x.shape.as_list()
    if source_bytes > target_bytes:  # each item splits into a new last axis, merged into the old one
        return tf.reshape(tf.bitcast(x, target), shape[:-1] + [shape[-1] * (source_bytes // target_bytes)])
    ratio = target_bytes // source_bytes
    if shape[-1] % ratio:
        raise ValueError(f"view to {target.name} needs a last axis divisible by {ratio}; received shape {shape}.")
    return tf.bitcast(tf.reshape(x, shape[:-1] + [shape[-1] // ratio, ratio]), target)
