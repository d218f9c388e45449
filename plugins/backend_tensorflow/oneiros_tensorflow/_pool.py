"""Max and average pooling on tf.nn.pool (channels-last; see ``_layout``).

TensorFlow's 'SAME' pooling already follows the contract: max pads with -inf and the average
counts only real elements.
"""

from __future__ import annotations

import tensorflow as tf
from oneiros.backend.geometry import check_padding, per_axis

from oneiros_tensorflow._dtypes import FLOAT32, FLOAT_DTYPES, tensor
from oneiros_tensorflow._layout import channels_last_call, spatial_rank

__all__ = ["average_pool", "max_pool"]


def _pool(op_name: str, kind: str, inputs, pool_size, strides, padding, data_format) -> tf.Tensor:
    inputs = tensor(inputs)
    rank = spatial_rank(op_name, inputs)
    window = per_axis(pool_size, rank, f"{op_name} pool_size")
    steps = window if strides is None else per_axis(strides, rank, f"{op_name} strides")
    mode = check_padding(padding).upper()
    dtype = inputs.dtype
    if kind == "AVG" and dtype not in FLOAT_DTYPES:
        raise TypeError(f"{op_name}: expected float inputs; received {dtype.name}.")
    computed = inputs if dtype in (tf.float32, tf.float16) or kind == "AVG" else tf.cast(inputs, FLOAT32)
    if dtype == tf.bfloat16:
        computed = tf.cast(inputs, FLOAT32)
    result = channels_last_call(
        lambda x: tf.nn.pool(x, window, kind, strides=steps, padding=mode), computed, data_format)
    return tf.cast(result, dtype) if result.dtype != dtype else result


def max_pool(inputs, pool_size, strides=None, padding="valid", data_format="channels_last"):
    return _pool("max_pool", "MAX", inputs, pool_size, strides, padding, data_format)


def average_pool(inputs, pool_size, strides=None, padding="valid", data_format="channels_last"):
    return _pool("average_pool", "AVG", inputs, pool_size, strides, padding, data_format)
