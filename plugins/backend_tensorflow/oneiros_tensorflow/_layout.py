"""Spatial layouts for convolution, pooling and resizing: TensorFlow's CPU kernels take
channels-last only, so channels-first tensors are transposed around the kernel call."""

from __future__ import annotations

from collections.abc import Callable

import tensorflow as tf
from oneiros.backend.geometry import check_format


def spatial_rank(op_name: str, inputs: tf.Tensor) -> int:
    rank = len(inputs.shape) - 2
    if not 1 <= rank <= 3:
        raise ValueError(
            f"{op_name}: expected inputs of ndim 3 to 5 (batch, 1-3 spatial axes, channels); "
            f"received shape {tuple(inputs.shape)}."
        )
    return rank


def channels_last_call(fn: Callable[[tf.Tensor], tf.Tensor], inputs: tf.Tensor, data_format: str) -> tf.Tensor:
    """``fn`` (written for channels-last tensors) applied to ``inputs`` in ``data_format``."""
    if check_format(data_format) == "channels_last":
        return fn(inputs)
    rank = len(inputs.shape)
    to_last = [0, *range(2, rank), 1]
    to_first = [0, rank - 1, *range(1, rank - 1)]
    return tf.transpose(fn(tf.transpose(inputs, to_last)), to_first)
