"""Dtype names to TensorFlow dtypes, host values to tensors, and ``oneiros.dtypes`` promotion.

TensorFlow never promotes implicitly, so every op that mixes operands converts them first to
``oneiros.dtypes.result_type`` of the inputs (Python scalars stay weakly typed).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import tensorflow as tf
from oneiros import dtypes
from oneiros.backend.host_arrays import int_tuple, narrowed_numpy

_TF_DTYPES: dict[str, tf.DType] = {name: tf.as_dtype(name) for name in dtypes.SUPPORTED}
FLOAT32 = _TF_DTYPES[dtypes.DEFAULT_FLOAT]
INT32 = _TF_DTYPES[dtypes.DEFAULT_INT]
FLOAT_DTYPES = frozenset(_TF_DTYPES[name] for name in dtypes.FLOATS)
UNSIGNED_DTYPES = frozenset(_TF_DTYPES[name] for name in dtypes.UNSIGNED)


def resolve(dtype: Any) -> tf.DType:
    """The TensorFlow dtype for a supported dtype name (or dtype object); 64-bit names narrowed."""
    if isinstance(dtype, tf.DType):
        dtype = dtype.name
    return _TF_DTYPES[dtypes.name_of(dtype)]


def name_of(x: Any) -> str:
    """The Oneiros dtype name of a tensor, numpy array or Python scalar."""
    source = getattr(x, "dtype", None)
    if source is None:
        return dtypes.result_type(x)
    return dtypes.name_of(source.name if isinstance(source, tf.DType) else source)


def is_tensor(x: Any) -> bool:
    return isinstance(x, (tf.Tensor, tf.Variable))


def tensor(x: Any, dtype: Any = None) -> tf.Tensor:
    """``x`` as a tensor: tensors pass through (cast when ``dtype`` differs), host values are
    narrowed to 32 bits and refused when Oneiros tensors cannot hold them."""
    if is_tensor(x):
        if dtype is None:
            if x.dtype not in _TF_DTYPES.values():
                return tf.cast(x, resolve(x.dtype.name))
            return x
        target = resolve(dtype)
        return x if x.dtype == target else tf.cast(x, target)
    if dtype is None:
        return tf.constant(narrowed_numpy(x))
    target = resolve(dtype)
    array = np.asarray(x)
    if array.dtype.kind not in "biuf":
        array = narrowed_numpy(array)
    if target == tf.bfloat16 or target == tf.bool or array.dtype.kind == "b":
        return tf.cast(tf.constant(narrowed_numpy(array)), target)
    return tf.constant(array.astype(target.as_numpy_dtype, copy=False))


def promoted(*values: Any) -> list[tf.Tensor]:
    """``values`` as tensors of their promoted dtype (``oneiros.dtypes.result_type``)."""
    target = dtypes.result_type(*values)
    return [tensor(value, target) for value in values]


def to_float(x: Any) -> tf.Tensor:
    """``x`` as a float tensor: floats unchanged, bool and ints as float32."""
    x = tensor(x)
    return x if x.dtype in FLOAT_DTYPES else tf.cast(x, FLOAT32)


def dims(shape: Any, what: str) -> Any:
    """A shape argument for TensorFlow: ints, or ints mixed with scalar tensors where a traced
    axis has no static size (what ``ops.shape`` gives for a dynamic batch axis)."""
    if is_tensor(shape) and len(shape.shape) == 1:
        return shape
    items = (shape,) if isinstance(shape, (int, np.integer)) or is_tensor(shape) else tuple(shape)
    if any(is_tensor(item) for item in items):
        return [item if is_tensor(item) else int(item) for item in items]
    return int_tuple(items, what)
